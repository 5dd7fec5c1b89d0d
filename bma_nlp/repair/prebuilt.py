"""Repair's word data, derived once and kept in the user's cache (``bma_nlp.cache``).

Why: every process that repairs text derived the same numbers from the bundled corpora before
its first line: the TNC/TTC frequencies and trusted words, the letters-only and tone-less
indexes, the shipped compound pairs, about 0.5 CPU s, more than parsing and repairing a
report takes. The first process writes them; later ones read them.

What is cached is data only, filed under the sha256 of what it was derived from (this
package's version, PyThaiNLP's version, the repair and tokeniser source, the shipped domain
lexicon and real-prose word pairs, the Python and ``marshal`` versions and the byte order) and of its own bytes, read
only when owned by the user and writable by nobody else (``bma_nlp.cache``). A stale or altered
file is ignored, and deleting the folder is always safe. Only the default lexicon is cached (an
office's own words are merged as before).

The default lexicon (its word counts, trusted words, names and dictionary words, and every index
built on first use: the SymSpell deletes index, the letters-only and tone-less indexes, the
prefixes of trusted and of letters-only words, the words' log-probabilities) is one file
(``cached_tables``, ``lexicon-<key>-state-<sha256>.marshal``): the word counts' words are the
word list the other tables name their words from, strings are joined into UTF-16 texts, numbers
packed, all held by ``marshal``. Reading it back is about twice as fast as the six JSON and
pickle files it replaces were, and the big look-up indexes are not even built: they stay sorted
lists looked up by bisection (``LazySet``, ``LazyIndex``) until a long run has asked them often
enough to be worth hashing (``bma-nlp parse`` of a report asks the 158k keys of the deletes
index some 5,000 times). ``marshal`` can build code objects (never run by reading them, but
nothing of the kind belongs here): a file is refused unless its tables are strings, bytes and
counts only (``_read_plain``). The shipped word pairs are a second such file (the pairs sorted,
with their counts, and sorted again by their right word: ``evidence.shipped`` looks neighbours
up in them by bisection until its index is worth building). Nothing else is cached here (the
JSON and pickle files of earlier formats are gone). So a file in the cache folder cannot run code
even if its owner wrote it by hand.
"""

from __future__ import annotations

import hashlib
import marshal
import sys
from array import array
from bisect import bisect_left
from collections.abc import Callable
from functools import lru_cache
from importlib import resources
from itertools import accumulate, compress
from pathlib import Path
from typing import Any

from bma_nlp import cache, installed
from bma_nlp.collector import paused

FORMAT = "bma-nlp-lexicon/2"
LAZY_SHARE = 16  # a lazy table is built once asked this fraction (1/16) of its size in look-ups (``LazySet.worth_building``)
KEEP_KEYS = 3  # versions (``key``) whose word data stays in the cache, the most recently used


@lru_cache(maxsize=1)
def key() -> str:
    """What the cached data depends on (any change: derived again)."""
    from bma_nlp import __version__

    root = Path(__file__).parent
    pythainlp = installed.version("pythainlp")
    data = resources.files("bma_nlp") / "data"
    domain, prose = (data / "domain_words.txt").read_bytes(), (data / "context_pairs.tsv").read_bytes()
    parts = [
        FORMAT, __version__, pythainlp, hashlib.sha256(domain).hexdigest(), hashlib.sha256(prose).hexdigest(),
        # ``cached_tables`` files: marshal's format is this Python's, the floats this machine's
        f"python {sys.version_info[0]}.{sys.version_info[1]} marshal {marshal.version} {sys.byteorder}",
        cache.source_digest(*root.glob("*.py"), root.parent / "tokenize.py", root.parent / "text" / "normalize.py"),
    ]  # fmt: skip
    return hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()[:32]


def cached_tables(name: str, build: Callable[[], dict[str, Any]], pool: str, lazy: tuple[str, ...] = ()) -> dict[str, Any]:
    """``build()``'s tables, read from the cache when a verified copy is there; otherwise built,
    and written when it reads back equal. Table ``pool`` is a dict of strings to floats; each
    other one a set or frozenset of strings, a dict of strings to floats, or a dict of strings to
    tuples of strings found among ``pool``'s keys (``_pack_tables``).

    One file, read in one go, made to be quick to read back: ``pool``'s keys are the word list
    the other tables name their strings from (which of its words they hold, as one byte each,
    and their other strings; a word is one object however many tables hold it, and is hashed
    once), strings are joined into one UTF-16 text and split again, floats and word numbers are
    packed machine numbers, and the whole is held by ``marshal`` (a dict of strings, bytes and
    counts, refused unless it is only that: ``_read_plain``). The tables named in ``lazy`` (dicts
    of strings to tuples of words, frozensets of strings) are read back as a ``LazyIndex`` or
    ``LazySet``: sorted, looked up by bisection until it is worth building the table."""

    def dumps(value: dict[str, Any]) -> bytes:
        return marshal.dumps(_pack_tables(value, pool, lazy))

    return _cached(name, build, ".marshal", dumps, lambda data: _unpack_tables(_read_plain(data), pool))


class LazySet:
    """A frozenset of strings as read from the cache, before it is one: its strings sorted, and
    ``in`` answered by bisection (about a microsecond). Building the set hashes every string,
    which for the big indexes (the deletes index's 158k keys, the 93k beginnings of trusted
    words) costs more than all the look-ups a short run (``bma-nlp parse``) makes; ``table()``
    builds it when a long one needs it (``worth_building``)."""

    __slots__ = ("asked", "built", "keys")

    def __init__(self, keys: list[str]) -> None:
        self.keys, self.asked = keys, 0
        self.built: Any = None

    def __contains__(self, key: object) -> bool:
        self.asked += 1
        keys = self.keys
        if type(key) is not str:
            return False
        i = bisect_left(keys, key)
        return i < len(keys) and keys[i] == key

    def worth_building(self) -> bool:
        """Asked a sixteenth as many times as it has keys: by then its look-ups by bisection
        (2-4 us against 0.3-0.7 hashed, on this project's host) have cost about what building
        it does over the rest of a long run (the deletes index 0.17 s, 0.03 s of its look-ups
        lost; repairing real OCR lines, all five indexes are built within the first 100 lines),
        and a short run (``bma-nlp parse`` of a report: some 5,000 look-ups of the deletes
        index's 158k keys, a few hundred of the others) builds none."""
        return self.asked >= len(self.keys) // LAZY_SHARE

    def table(self) -> Any:
        """The frozenset (built once)."""
        if self.built is None:
            self.built = frozenset(self.keys)
        return self.built

    def __len__(self) -> int:
        return len(self.keys)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, LazySet):
            other = other.table()
        return self.table() == other

    __hash__ = None  # type: ignore[assignment]


class LazyIndex(LazySet):
    """A dict of strings to tuples of words as read from the cache, before it is a dict
    (``LazySet``: its keys sorted, ``get`` and ``in`` by bisection): its values as numbers of
    words of the word list."""

    __slots__ = ("refs", "starts", "words")

    def __init__(self, keys: list[str], starts: array, refs: array, words: list[str]) -> None:
        if len(starts) != len(keys) + 1 or starts[-1] != len(refs) or (refs and max(refs) >= len(words)):
            raise ValueError("index does not match its counts")
        super().__init__(keys)
        self.starts, self.refs, self.words = starts, refs, words

    def get(self, key: str, default: Any = None) -> Any:
        """``table().get(key, default)``, without the table."""
        self.asked += 1
        keys = self.keys
        i = bisect_left(keys, key)
        if i == len(keys) or keys[i] != key:
            return default
        start, end = self.starts[i], self.starts[i + 1]
        if end == start + 1:  # (most entries: one word)
            return (self.words[self.refs[start]],)
        return tuple(map(self.words.__getitem__, self.refs[start:end]))

    def table(self) -> Any:
        """The dict (keys in sorted order; built once)."""
        if self.built is None:
            flat, starts = list(map(self.words.__getitem__, self.refs)), self.starts.tolist()
            self.built = {key: tuple(flat[a:b]) for key, a, b in zip(self.keys, starts, starts[1:], strict=False)}
        return self.built


_SEP = "\n"  # between the strings of a table
_TEXT = "utf-16-le"  # (Thai: two bytes a letter, not UTF-8's three, and decoded many times faster)
Packed = tuple[str | bytes | int, ...]


def _pack_strings(strings: list[str]) -> tuple[int, bytes]:
    if any(type(s) is not str or _SEP in s for s in strings):
        raise ValueError("not a plain string")  # (would not read back as it was)
    return len(strings), _SEP.join(strings).encode(_TEXT)


def _unpack_strings(count: Any, data: Any) -> list[str]:
    found = data.decode(_TEXT).split(_SEP) if count else []
    if len(found) != count:
        raise ValueError("table does not match its count")
    return found


def _numbers(code: str, data: Any) -> array:
    numbers = array(code)
    numbers.frombytes(data)
    return numbers


def _pack_keys(keys: Any, where: dict[str, int], words: list[str]) -> tuple[list[str], Packed]:
    """``keys`` as which of the pool's ``words`` they are (one byte each) and their others; the
    keys in the order they read back in."""
    inside = set(keys) & where.keys()
    mask = bytes(w in inside for w in words)
    extra = [k for k in keys if k not in inside]
    return [*compress(words, mask), *extra], (mask, *_pack_strings(extra))


def _unpack_keys(words: list[str], mask: Any, count: Any, data: Any) -> list[str]:
    if len(mask) != len(words):
        raise ValueError("table does not match its word list")
    return [*compress(words, mask), *_unpack_strings(count, data)]


def _pack_table(value: Any, where: dict[str, int], words: list[str]) -> Packed:
    if isinstance(value, (set, frozenset)):
        return ("frozenset" if isinstance(value, frozenset) else "set", *_pack_keys(value, where, words)[1])
    if not isinstance(value, dict):
        raise TypeError(f"not a table: {type(value).__name__}")
    if all(type(v) is float for v in value.values()):
        order, keys = _pack_keys(value, where, words)
        return ("floats", *keys, array("d", [value[k] for k in order]).tobytes())
    if not all(type(v) is tuple and v for v in value.values()):
        raise TypeError("a dict's values are neither floats nor tuples of words")
    try:  # one word (most entries: read back as 1-tuples made by zip itself), and more
        order, keys = _pack_keys([k for k, v in value.items() if len(v) == 1], where, words)
        refs = array("I", [where[value[k][0]] for k in order]).tobytes()
        order_many, keys_many = _pack_keys([k for k, v in value.items() if len(v) > 1], where, words)
        lengths = array("I", [len(value[k]) for k in order_many]).tobytes()
        refs_many = array("I", [where[w] for k in order_many for w in value[k]]).tobytes()
    except KeyError:
        raise ValueError("a word not in the word list") from None
    return ("words", *keys, refs, *keys_many, lengths, refs_many)


def _pack_lazy(value: Any, where: dict[str, int]) -> Packed:
    if isinstance(value, frozenset):
        return ("sorted-set", *_pack_strings(sorted(value)))
    if not isinstance(value, dict) or not all(type(v) is tuple for v in value.values()):
        raise TypeError("not a dict of tuples of words")
    keys = sorted(value)
    try:
        refs = [where[w] for k in keys for w in value[k]]
    except KeyError:
        raise ValueError("a word not in the word list") from None
    starts = [0, *accumulate(len(value[k]) for k in keys)]
    return ("sorted", *_pack_strings(keys), array("I", starts).tobytes(), array("I", refs).tobytes())


def _unpack_table(table: Packed, words: list[str]) -> Any:
    kind = table[0]
    if kind == "sorted-set" and len(table) == 3:
        return LazySet(_unpack_strings(table[1], table[2]))
    if kind == "sorted" and len(table) == 5:
        return LazyIndex(_unpack_strings(table[1], table[2]), _numbers("I", table[3]), _numbers("I", table[4]), words)
    if kind in ("set", "frozenset") and len(table) == 4:
        keys = _unpack_keys(words, *table[1:4])
        return set(keys) if kind == "set" else frozenset(keys)
    if kind == "floats" and len(table) == 5:
        keys, numbers = _unpack_keys(words, *table[1:4]), _numbers("d", table[4])
        if len(keys) != len(numbers):
            raise ValueError("table does not match its count")
        return dict(zip(keys, numbers.tolist(), strict=True))
    if kind == "words" and len(table) == 10:
        keys, refs = _unpack_keys(words, *table[1:4]), _numbers("I", table[4])
        keys_many, lengths, refs_many = _unpack_keys(words, *table[5:8]), _numbers("I", table[8]), _numbers("I", table[9])
        if len(keys) != len(refs) or len(keys_many) != len(lengths) or sum(lengths) != len(refs_many):
            raise ValueError("table does not match its count")
        out: dict[str, tuple[str, ...]] = dict(zip(keys, zip(map(words.__getitem__, refs)), strict=True))
        flat, at, many = list(map(words.__getitem__, refs_many)), 0, []
        for n in lengths:
            many.append(tuple(flat[at : at + n]))
            at += n
        out.update(zip(keys_many, many, strict=True))
        return out
    raise ValueError(f"unknown table: {kind!r}")


def _pack_tables(value: dict[str, Any], pool: str, lazy: tuple[str, ...] = ()) -> dict[str, Packed]:
    if not isinstance(value, dict) or not all(isinstance(k, str) for k in value):
        raise TypeError("not a dict of named tables")
    base = value[pool]
    if not isinstance(base, dict) or not all(type(v) is float for v in base.values()):
        raise TypeError("the word list is not a dict of floats")
    words = list(base)
    where = {w: i for i, w in enumerate(words)}
    packed: dict[str, Packed] = {pool: ("pool", *_pack_strings(words), array("d", base.values()).tobytes())}
    for name, table in value.items():
        if name != pool:
            packed[name] = _pack_lazy(table, where) if name in lazy else _pack_table(table, where, words)
    return packed


def _unpack_tables(packed: dict[str, Packed], pool: str) -> dict[str, Any]:
    with paused():  # the collector would rescan the growing containers many times over (none holds a cycle)
        kind, count, data, numbers = packed[pool]
        words, counts = _unpack_strings(count, data), _numbers("d", numbers)
        if kind != "pool" or len(words) != len(counts):
            raise ValueError("not a word list")
        out = {pool: dict(zip(words, counts.tolist(), strict=True))}
        out.update((name, _unpack_table(table, words)) for name, table in packed.items() if name != pool)
        return out


def _read_plain(data: bytes) -> dict[str, Packed]:
    """A ``cached_tables`` file's tables, refused unless strings, bytes and counts only:
    marshal can also build code objects, and nothing of the kind may come from the cache."""
    tables = marshal.loads(data)
    if type(tables) is not dict:
        raise ValueError("not plain data")
    for name, table in tables.items():
        if type(name) is not str or type(table) is not tuple or not table:
            raise ValueError("not plain data")
        for part in table:
            if type(part) not in (str, bytes, int):
                raise ValueError("not plain data")
    return tables


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
                cache.write(folder, prefix, suffix, data)
                # files derived from older code or data (older formats' names too) go, but those of
                # the last few versions used stay: two installs used in turn (a project's virtual
                # environment and another) would otherwise derive each other's data every time
                cache.keep_newest(folder, "lexicon-*", KEEP_KEYS, group=lambda name: name.split("-")[1])
        except (OSError, ValueError, TypeError):
            pass
    return value


__all__ = ["FORMAT", "LazyIndex", "LazySet", "cached_tables", "key"]
