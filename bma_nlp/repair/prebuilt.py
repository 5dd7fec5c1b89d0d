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
The indexes built on first use (the SymSpell deletes index, the prefixes of trusted and of
letters-only words, the words' log-probabilities) and the shipped pairs' neighbour index are kept
too, as one pickle each (``cached_state``): JSON cannot hold their sets and tuples, and reading
them back takes about a third of the 0.5-0.8 s building them does, which every repairing process
paid before its first line (``bma-nlp parse``, each ingest worker). The pickle is read by an
unpickler that refuses every class and function (``_PlainData``): plain containers, strings and
numbers only, so a file in the cache folder cannot run code even if its owner wrote it by hand.
"""

from __future__ import annotations

import gc
import hashlib
import io
import json
import pickle
from collections.abc import Callable
from functools import lru_cache
from importlib import metadata, resources
from pathlib import Path
from typing import Any

from bma_nlp import cache

FORMAT = "bma-nlp-lexicon/1"
PICKLE_PROTOCOL = 5


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
    return _cached(name, build, ".json", _json_dumps, _json_loads)


def cached_state(name: str, build: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """``build()``'s value (plain containers, strings and numbers: sets, frozensets and tuples
    too), read from the cache when a verified copy is there; otherwise built, and written when
    it reads back equal."""
    value = _cached(name, build, ".pickle", _pickle_dumps, _pickle_loads)
    return value if isinstance(value, dict) else build()


class _PlainData(pickle.Unpickler):
    """An unpickler of plain data: any class or function a file names is refused (nothing runs)."""

    def find_class(self, module: str, name: str) -> Any:
        raise pickle.UnpicklingError(f"not plain data: {module}.{name}")


def _json_dumps(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _json_loads(data: bytes) -> Any:
    return json.loads(data.decode("utf-8"))


def _pickle_dumps(value: Any) -> bytes:
    return pickle.dumps(value, protocol=PICKLE_PROTOCOL)


def _pickle_loads(data: bytes) -> Any:
    # the collector would rescan the growing containers many times over (none holds a cycle)
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _PlainData(io.BytesIO(data)).load()
    finally:
        if was_enabled:
            gc.enable()


def _cached(name: str, build: Callable[[], Any], suffix: str, dumps: Callable[[Any], bytes], loads: Callable[[bytes], Any]) -> Any:
    folder = cache.cache_dir()
    prefix = f"lexicon-{key()}-{name}"
    if folder is not None:
        try:
            data = cache.read(folder, prefix, suffix)
            if data is not None:
                return loads(data)
        except Exception:  # noqa: BLE001 - a cache file that does not read back is ignored (built again)
            pass
    value = build()
    if folder is not None:
        try:
            data = dumps(value)
            if loads(data) == value:  # the format holds it exactly (floats, order of keys)
                written = cache.write(folder, prefix, suffix, data)
                for old in folder.glob(f"lexicon-*-{name}-*{suffix}"):  # derived from older code or data
                    if old != written and not old.name.startswith(prefix + "-"):
                        old.unlink(missing_ok=True)
        except (OSError, ValueError, TypeError, pickle.PicklingError, pickle.UnpicklingError):
            pass
    return value


__all__ = ["FORMAT", "cached", "cached_state", "key"]
