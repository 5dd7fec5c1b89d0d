"""The user's cache folder: data the package derives once and later processes read instead.

Used for the stage model's fast form (``bma_nlp.classify.fastform``) and repair's prebuilt
lexicon data (``bma_nlp.repair.prebuilt``). Every file here holds data only (NumPy arrays read
with ``allow_pickle=False``, ``marshal`` files refused unless strings, bytes and counts only), is named by what it
was derived from and by the sha256 of its own bytes, is read only when owned by the user and
writable by nobody else, and is safe to delete (the next process derives it again). Files
derived from older versions are removed: the lexicon keeps the files of the three versions most
recently used, the stage model's fast forms the four most recently used (``keep_newest``; a read counts as a use).

``$BMA_NLP_CACHE``: the folder (default: ``$XDG_CACHE_HOME/bma-nlp`` or ``~/.cache/bma-nlp``;
``%LOCALAPPDATA%/bma-nlp/cache`` on Windows); ``off`` disables the cache.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

CACHE_ENV = "BMA_NLP_CACHE"


def cache_dir() -> Path | None:
    env = os.environ.get(CACHE_ENV, "").strip()
    if env.lower() in ("off", "0", "no", "false"):
        return None
    if env:
        return Path(env)
    if os.name == "nt" and os.environ.get("LOCALAPPDATA"):
        return Path(os.environ["LOCALAPPDATA"]) / "bma-nlp" / "cache"
    base = os.environ.get("XDG_CACHE_HOME")
    return (Path(base) if base else Path.home() / ".cache") / "bma-nlp"


def safe_to_read(path: Path) -> bool:
    """Owned by this user and writable by nobody else (the folder too), as ssh asks of its keys."""
    if not hasattr(os, "getuid"):
        return True
    for p in (path, path.parent):
        st = p.stat()
        if st.st_uid != os.getuid() or st.st_mode & 0o022:
            return False
    return True


def content_digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:32]


def read(folder: Path, prefix: str, suffix: str) -> bytes | None:
    """The bytes of the first file ``<prefix>-<sha256 of its bytes><suffix>`` in ``folder``
    that is safe to read and still carries its own hash (None: none)."""
    for path in sorted(folder.glob(f"{prefix}-*{suffix}")):
        if not safe_to_read(path):
            continue
        data = path.read_bytes()
        if content_digest(data) == path.name[len(prefix) + 1 : len(path.name) - len(suffix)]:
            touch(path)
            return data
    return None


def write(folder: Path, prefix: str, suffix: str, data: bytes) -> Path:
    """Write ``data`` as ``<prefix>-<sha256 of data><suffix>`` (atomically, mode 0600)."""
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = folder / f"{prefix}-{content_digest(data)}{suffix}"
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=folder)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def keep_newest(folder: Path, pattern: str, keep: int, group: Callable[[str], str] | None = None) -> None:
    """Delete all but the ``keep`` most recently used files matching ``pattern`` (what a reader
    touches counts as used): files derived from older models or code would otherwise pile up,
    one per version, for ever. With ``group`` (a file name to the version it belongs to), all
    but the files of the ``keep`` most recently used versions."""
    used: dict[str, float] = {}
    files = []
    for path in folder.glob(pattern):
        try:
            mtime = path.stat().st_mtime
        except OSError:
            continue
        name = group(path.name) if group else path.name
        used[name] = max(used.get(name, mtime), mtime)
        files.append((name, path))
    kept = set(sorted(used, key=lambda name: (used[name], name), reverse=True)[:keep])
    for name, path in files:
        if name not in kept:
            path.unlink(missing_ok=True)


def touch(path: Path) -> None:
    """Mark a cache file as used now (``keep_newest`` keeps the recently used ones)."""
    try:
        os.utime(path)
    except OSError:
        pass


def source_digest(*paths: Path) -> str:
    """The sha256 of source files (what a cached form must be rebuilt after)."""
    digest = hashlib.sha256()
    for path in sorted(paths):
        try:
            digest.update(path.name.encode("utf-8") + path.read_bytes())
        except OSError:
            digest.update(path.name.encode("utf-8"))
    return digest.hexdigest()


__all__ = ["CACHE_ENV", "cache_dir", "content_digest", "read", "safe_to_read", "source_digest", "write"]
