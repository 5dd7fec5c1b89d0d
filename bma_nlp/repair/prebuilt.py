"""Repair's word data, derived once and kept in the user's cache (``bma_nlp.cache``).

Why: every process that repairs text derived the same numbers from the bundled corpora before
its first line: the TNC/TTC frequencies and trusted words, the letters-only and tone-less
indexes, the shipped compound pairs, about 0.5 CPU s, more than parsing and repairing a
report takes. The first process writes them as JSON; later ones read them (about 0.07 s).

What is cached is data only (JSON: strings, numbers, lists), filed under the sha256 of what it
was derived from (this package's version, PyThaiNLP's version, the repair and tokeniser source,
the shipped domain lexicon) and of its own bytes, read only when owned by the user and writable
by nobody else (``bma_nlp.cache``). A stale or altered file is ignored, and deleting the folder
is always safe. Only the default lexicon is cached (an office's own words are merged as before).
The SymSpell deletes index is not cached: reading it back costs as much as building it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from functools import lru_cache
from importlib import metadata, resources
from pathlib import Path
from typing import Any

from bma_nlp import cache

FORMAT = "bma-nlp-lexicon/1"


@lru_cache(maxsize=1)
def key() -> str:
    """What the cached data depends on (any change: derived again)."""
    from bma_nlp import __version__

    root = Path(__file__).parent
    try:
        pythainlp = metadata.version("pythainlp")
    except metadata.PackageNotFoundError:
        pythainlp = "?"
    domain = (resources.files("bma_nlp") / "data" / "domain_words.txt").read_bytes()
    parts = [
        FORMAT, __version__, pythainlp, hashlib.sha256(domain).hexdigest(),
        cache.source_digest(*root.glob("*.py"), root.parent / "tokenize.py", root.parent / "text" / "normalize.py"),
    ]  # fmt: skip
    return hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()[:32]


def cached(name: str, build: Callable[[], Any]) -> Any:
    """``build()``'s JSON-able value, read from the cache when a verified copy is there;
    otherwise built, and written when it reads back equal."""
    folder = cache.cache_dir()
    prefix = f"lexicon-{key()}-{name}"
    if folder is not None:
        try:
            data = cache.read(folder, prefix, ".json")
            if data is not None:
                return json.loads(data.decode("utf-8"))
        except (OSError, ValueError, UnicodeDecodeError):
            pass
    value = build()
    if folder is not None:
        try:
            data = json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
            if json.loads(data.decode("utf-8")) == value:  # JSON holds it exactly (floats, order of keys)
                written = cache.write(folder, prefix, ".json", data)
                for old in folder.glob(f"lexicon-*-{name}-*.json"):  # derived from older code or data
                    if old != written and not old.name.startswith(prefix + "-"):
                        old.unlink(missing_ok=True)
        except (OSError, ValueError, TypeError):
            pass
    return value


__all__ = ["FORMAT", "cached", "key"]
