"""Thai word tokenisation shared by repair, the classifier and search (one tokeniser everywhere).

PyThaiNLP's default dictionary splits domain compounds (สำนักการโยธา -> สำ|นักการ|โยธา), so
``compounds=True`` (the default) adds the shipped domain lexicon (``data/domain_words.txt``)
to the dictionary and keeps such terms whole; ``compounds=False`` gives the plain dictionary's
finer split, which search indexes too so that a part of a compound still matches.

``engine="nlpo3"`` runs the same newmm algorithm with the same dictionary in Rust (the
``nlpo3`` package), 3-4x faster; OCR repair, the search index and (since issue 13) the stage
classifier's word features use it when installed.

Start-up: building the whole dictionary costs tenths of a second (newmm's `WordSet`, or nlpo3's), more
than a search takes. newmm only ever looks up dictionary words that occur in the text, so the
first texts of a process (a search query, the notes of one report) are tokenised with a
dictionary of just the words they contain: the same tokens, in milliseconds. The dictionary's
word list is read from PyThaiNLP's corpus file without importing PyThaiNLP.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import re
import tempfile
from collections.abc import Iterable, Iterator
from functools import lru_cache
from importlib import resources
from itertools import chain
from typing import Any

ENGINES = ("newmm", "nlpo3")
CHUNK_CHARS = 8192  # newmm's time per character grows with the text's length: cut long texts
_SPACE_RUN = re.compile(r"\s+")
# How much work per-text dictionaries may cost a process before the whole dictionary is built
# (in dictionary look-ups: a short text costs its substrings, a longer one a scan of the word
# list; building the whole trie costs about as much as 60 scans); and the longest text that
# gets one (a long text contains many words: build the whole dictionary).
SMALL_DICTIONARY_BUDGET = 40 * 62_000
SMALL_DICTIONARY_MAX_CHARS = 2000
REACH_MIN_CHARS = 24  # longer texts bound their substrings by ``_reach`` (a query needs no table)
# A batch of this many new texts costs more with per-text dictionaries (about 1 ms a note, each
# building its own small trie) than building the whole dictionary once (about 0.4 s) and
# tokenising with it (under 0.1 ms a note): measured on the training notes.
WHOLE_DICTIONARY_TEXTS = 400
_small_spent = 0


def plan(texts: int) -> None:
    """A caller is about to tokenise ``texts`` new texts: when that many cost more with
    per-text dictionaries than with the whole one, spend the per-text budget now, so the
    whole dictionary is built at the next call instead of after hundreds of small ones."""
    global _small_spent
    if texts >= WHOLE_DICTIONARY_TEXTS:
        _small_spent = max(_small_spent, SMALL_DICTIONARY_BUDGET)


@lru_cache(maxsize=1)
def domain_words() -> frozenset[str]:
    """The shipped domain lexicon (form labels, BMA agencies, districts, procurement terms)."""
    text = (resources.files("bma_nlp") / "data" / "domain_words.txt").read_text(encoding="utf-8")
    return frozenset(w.strip() for w in text.splitlines() if w.strip() and not w.startswith("#"))


@lru_cache(maxsize=1)
def thai_words() -> frozenset[str]:
    """PyThaiNLP's word list (``pythainlp.corpus.thai_words()``), read from its file directly
    when it is where PyThaiNLP keeps it, so that importing PyThaiNLP is not needed."""
    spec = importlib.util.find_spec("pythainlp")
    for folder in (spec.submodule_search_locations or []) if spec else []:
        path = os.path.join(folder, "corpus", "words_th.txt")
        if os.path.isfile(path):
            with open(path, encoding="utf-8-sig") as fh:
                return frozenset(map(str.strip, fh.read().splitlines())) - {""}
    from pythainlp.corpus import thai_words as pythainlp_words

    return frozenset(pythainlp_words())


def dictionary(compounds: bool) -> frozenset[str]:
    return _dictionary(compounds)


@lru_cache(maxsize=2)
def _dictionary(compounds: bool) -> frozenset[str]:
    return thai_words() | domain_words() if compounds else thai_words()


class WordSet:
    """A dictionary for PyThaiNLP's newmm, answering ``prefixes`` exactly as its ``Trie`` does
    (the words starting at a position, shortest first) from two sets: the words (stripped, as
    ``Trie.add`` strips them) and every prefix of a word, where the walk stops. Built 4x faster
    than the ``Trie`` (0.12 s instead of 0.45 s for the whole dictionary, once per process) and
    no slower to look up."""

    __slots__ = ("_stems", "_words")

    def __init__(self, words: Iterable[str]) -> None:
        self._words = frozenset(w.strip() for w in words) - {""}
        self._stems = frozenset(w[:k] for w in self._words for k in range(1, len(w) + 1))

    def __len__(self) -> int:
        return len(self._words)

    def __contains__(self, word: object) -> bool:
        return word in self._words

    def prefixes(self, text: str, start: int = 0) -> list[str]:
        found, stems, words = [], self._stems, self._words
        for end in range(start + 1, len(text) + 1):
            piece = text[start:end]
            if piece not in stems:
                break
            if piece in words:
                found.append(piece)
        return found


@lru_cache(maxsize=2)
def _trie(compounds: bool) -> Any:
    return WordSet(_dictionary(compounds))


def _nlpo3_load(words: list[str], prefix: str, keep: bool = True) -> str | None:
    """Load ``words`` into nlpo3 (which reads dictionaries from files) under a name made of
    their content hash. A whole dictionary's file (``keep``) is written once to the temporary
    folder and reused by later processes; a small one is deleted once loaded."""
    try:
        import nlpo3
    except ImportError:
        return None
    text = "\n".join(words)
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
    name = f"{prefix}-{digest}"
    if name in _nlpo3_loaded:
        return name
    path = os.path.join(tempfile.gettempdir(), f"bma-nlp-words-{digest}.txt")
    tmp = f"{path}.{os.getpid()}"
    try:
        if not (keep and os.path.exists(path)):
            with open(tmp, "w", encoding="utf-8") as fh:
                fh.write(text)
            if keep:
                os.replace(tmp, path)
        _, ok = nlpo3.load_dict(path if keep else tmp, name)
    except OSError:
        return None
    finally:
        if not keep and os.path.exists(tmp):
            os.remove(tmp)
    if ok:
        _nlpo3_loaded.add(name)
    return name if ok else None


def _chunks(text: str, size: int = CHUNK_CHARS) -> Iterator[str]:
    """``text`` in pieces of about ``size`` characters, cut after a run of whitespace (where no
    word continues), or at ``size`` when a piece has no whitespace at all."""
    start = 0
    while len(text) - start > size:
        end = start + size
        cut = None
        for match in _SPACE_RUN.finditer(text, start + size // 2, end):
            cut = match.end()
        end = cut if cut is not None and cut < len(text) else end
        yield text[start:end]
        start = end
    yield text[start:]

_nlpo3_loaded: set[str] = set()


@lru_cache(maxsize=2)
def _nlpo3_dictionary(compounds: bool) -> str | None:
    """Name of the loaded whole nlpo3 dictionary, or None when nlpo3 cannot be used here."""
    if not _has_nlpo3():
        return None
    return _nlpo3_load(_sorted_words(compounds), "bma")


@lru_cache(maxsize=1)
def _sorted_thai_words() -> list[str]:
    return sorted(thai_words())


def _sorted_words(compounds: bool) -> list[str]:
    """``sorted(dictionary(compounds))`` with PyThaiNLP's 62k words sorted once for both
    dictionaries: the domain words it lacks are a short sorted run after the long one, which
    the sort merges (the same list: the two runs share no word)."""
    plain = _sorted_thai_words()
    if not compounds:
        return plain
    return sorted(plain + sorted(domain_words() - thai_words()))


def _small_dictionary(text: str, compounds: bool) -> list[str] | None:
    """The dictionary words occurring in ``text`` while the whole dictionary is not built yet
    (None once it is, or for a long text, or after a few texts: then build it once)."""
    global _small_spent
    built = _trie.cache_info().currsize or _nlpo3_dictionary.cache_info().currsize
    if built or len(text) > SMALL_DICTIONARY_MAX_CHARS or _small_spent >= SMALL_DICTIONARY_BUDGET:
        return None
    words, extra = thai_words(), domain_words() if compounds else frozenset()
    longest = _longest_word()
    substrings = len(text) * min(len(text), longest)
    _small_spent += min(substrings, len(words))
    if len(text) <= REACH_MIN_CHARS:
        found = {  # a short text (a query): look up its substrings instead of scanning 62k words
            piece for i in range(len(text)) for j in range(i + 1, min(len(text), i + longest) + 1)
            if (piece := text[i:j]) in words or piece in extra
        }  # fmt: skip
        return sorted(found)
    # a note or a line: from each position, only the substrings as long as the longest word that
    # begins with its two letters (a tenth of them or less: the longest word, 81 letters, is rare).
    # Measured on the real notes: 0.5 ms for 25-100 characters, 1 ms for 100-190 (2.2 and 6.6 ms
    # for every substring), and for longer notes a few ms where scanning the 62k words took 33-46.
    reach, n = _reach(), len(text)
    found = {piece for i in range(n) if (piece := text[i]) in words or piece in extra}
    for i in range(n - 1):
        for j in range(i + 2, min(n, i + reach.get(text[i : i + 2], 0)) + 1):
            if (piece := text[i:j]) in words or piece in extra:
                found.add(piece)
    return sorted(found)


@lru_cache(maxsize=1)
def _reach() -> dict[str, int]:
    """The length of the longest dictionary word (domain words too) beginning with each pair of
    letters: a text's substring can be a word only if it is no longer (``_small_dictionary``)."""
    out: dict[str, int] = {}
    for word in chain(thai_words(), domain_words()):
        if len(word) >= 2 and out.get(word[:2], 0) < len(word):
            out[word[:2]] = len(word)
    return out


@lru_cache(maxsize=1)
def _longest_word() -> int:
    return max(max(map(len, thai_words())), max(map(len, domain_words()), default=0))


@lru_cache(maxsize=1)
def _has_nlpo3() -> bool:
    return importlib.util.find_spec("nlpo3") is not None


def has_nlpo3() -> bool:
    """Whether ``engine="nlpo3"`` runs nlpo3 here (else it falls back to PyThaiNLP's newmm)."""
    return _has_nlpo3()


@lru_cache(maxsize=16384)
def _nlpo3_segment(text: str, dictionary_name: str) -> tuple[str, ...]:
    """Cached: an ingest tokenises the same note for OCR repair, then (repair having changed
    nothing, as for most notes) for the search index; and notes repeat. (6,000 generated files:
    111,638 calls for 48,472 distinct texts; 54,444 tokenised with 4,096 kept, 50,585 with
    16,384, about 1 kB each.)"""
    import nlpo3

    return tuple(nlpo3.segment(text, dictionary_name))


def warm_up(engine: str = "newmm", units: tuple[bool, ...] = (True, False)) -> None:
    """Build the whole dictionaries of ``engine`` now (``units``: with compounds, without; both
    by default), not when the per-text budget runs out."""
    for compounds in units:
        if engine != "nlpo3" or _nlpo3_dictionary(compounds) is None:
            _trie(compounds)


@lru_cache(maxsize=2)
def _spaced_neighbours(compounds: bool) -> frozenset[tuple[str, str]]:
    """(character before, character after) of each space inside a dictionary word (ตรง ๆ)."""
    return frozenset((w[i - 1], w[i + 1]) for w in _dictionary(compounds) for i, ch in enumerate(w) if ch == " " and 0 < i < len(w) - 1)


def pieces(text: str, compounds: bool = True) -> list[str]:
    """``text`` cut after single spaces that no dictionary word spans, each piece keeping its
    space: newmm tokenises the pieces one by one into the same words as the whole text (no
    word crosses such a space; the space is a character cluster and a non-Thai token of its
    own, so the search starts afresh after it; the piece keeps the space its last character
    cluster looks ahead at). Lets a caller remember tokens per piece: notes share phrases."""
    spaced = _spaced_neighbours(compounds)
    out, start, end = [], 0, len(text) - 1
    i = text.find(" ", 1)
    while 0 < i < end:
        before, after = text[i - 1], text[i + 1]
        if not before.isspace() and not after.isspace() and (before, after) not in spaced:
            out.append(text[start : i + 1])
            start = i + 1
        i = text.find(" ", i + 1)
    out.append(text[start:])
    return out


def _pythainlp_newmm(text: str, custom_dict: Any, keep_whitespace: bool) -> list[str]:
    from pythainlp.tokenize import word_tokenize as pythainlp_tokenize

    return pythainlp_tokenize(text, engine="newmm", custom_dict=custom_dict, keep_whitespace=keep_whitespace)  # type: ignore[no-any-return]


def word_tokenize(text: str, engine: str = "newmm", compounds: bool = True, keep_whitespace: bool = False) -> list[str]:
    """Split Thai text into words. Module-level (picklable) so scikit-learn pipelines can use it.

    ``engine="nlpo3"`` falls back to ``newmm`` when the nlpo3 package is not installed."""
    if engine not in ENGINES:
        raise ValueError(f"unknown tokenizer engine {engine!r} (available: {', '.join(ENGINES)})")
    if len(text) > CHUNK_CHARS:  # short texts (every real note) are tokenised whole, as before
        return [t for piece in _chunks(text) for t in word_tokenize(piece, engine, compounds, keep_whitespace)]
    if not text:
        return []
    small = _small_dictionary(text, compounds)
    tokens: list[str]
    if engine == "nlpo3" and _has_nlpo3():
        name = _nlpo3_load(small, "bma-small", keep=False) if small is not None else _nlpo3_dictionary(compounds)
        if name is not None:
            tokens = list(_nlpo3_segment(text, name))
            return tokens if keep_whitespace else [t for t in tokens if t.strip()]
    if small is not None:
        tokens = _pythainlp_newmm(text, WordSet(small), keep_whitespace)
    else:
        tokens = _pythainlp_newmm(text, _trie(compounds), keep_whitespace)
    return tokens if keep_whitespace else [t for t in tokens if t.strip()]
