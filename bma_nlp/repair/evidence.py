"""Context evidence for repair: which words stand next to which, and what an archive repeats.

Unigram frequencies cannot tell ``น้า`` from ``น้ำ`` or choose among ``ซอย/คอย/ลอย``; the words
around them can. ``Evidence`` holds word-pair counts and, for an archive, how many reports each
word occurs in:

* ``Evidence.shipped()``: word pairs read off the compounds of the TNC/TTC word counts and the
  domain lexicon (``แม่น้ำ`` 4,572 -> แม่ + น้ำ, ``น้ำท่วม`` -> น้ำ + ท่วม): clean Thai statistics
  the package already ships, nothing downloaded.
* ``Evidence.from_texts(texts)`` / ``add_text``: pairs and report counts of a collection (an
  archive's repaired notes). A word that recurs across many reports is trusted; a rare token one
  or two edits from it is a likely garble (``recurring_words``).

Repair takes an ``Evidence`` (``repair(text, evidence=...)``); the archive keeps its evidence in
a table and updates it on every ingest, so repair improves as the archive grows.
"""

from __future__ import annotations

import math
import sqlite3
import statistics
from bisect import bisect_left
from collections import Counter
from collections.abc import Container, Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from bma_nlp.repair.lexicon import THAI_WORD
from bma_nlp.repair.prebuilt import LAZY_SHARE

MIN_PART = 2  # letters of each side of a compound split
MIN_PART_FREQ = 200  # each side a common word: a split is a claim about two words
RECURRING_REPORTS = 5  # a word in this many reports of an archive is trusted there
PROSE_PAIRS = "context_pairs.tsv"  # word pairs of real BMA prose (``prose_pairs``)


@dataclass
class Evidence:
    """Word-pair counts (``"left right"`` -> count) and report counts of words."""

    pairs: Counter[str] = field(default_factory=Counter)
    reports: Counter[str] = field(default_factory=Counter)
    n_reports: int = 0
    version: int = 0  # bumped on every change: repair's caches key on it
    _after: dict[str, set[str]] = field(default_factory=dict, repr=False)
    _before: dict[str, set[str]] = field(default_factory=dict, repr=False)
    _indexed: int = -1
    # Until the neighbour index is built: the pairs sorted as "left right" and as "right left"
    # (``sorted_pairs``), each word's neighbours found by bisection and remembered, the index
    # built once that many words have been asked (as ``prebuilt.LazySet`` decides).
    _sorted: tuple[list[str], list[str]] | None = field(default=None, repr=False)
    _sorted_version: int = -1
    _asked: dict[tuple[int, str], set[str]] = field(default_factory=dict, repr=False)

    # --- reading -------------------------------------------------------------------------
    def pair(self, left: str, right: str) -> int:
        return self.pairs.get(left + " " + right, 0)

    def _index(self) -> None:
        if self._indexed != self.version:
            self._after, self._before = {}, {}
            _add_to_index(self._after, self._before, self.pairs)
            self._indexed = self.version

    def index_state(self) -> dict[str, dict[str, set[str]]]:
        """The neighbour index (what follows, what precedes each word), built now if it was not."""
        self._index()
        return {"after": self._after, "before": self._before}

    def sorted_pairs(self, by_left: list[str], by_right: list[str]) -> None:
        """Take the pairs' keys sorted (``by_left``: ``"left right"``, ``by_right``: the same
        pairs as ``"right left"``): neighbours are then looked up in them by bisection, and the
        index (0.06 s for the shipped pairs) is built only when many words have been asked."""
        if len(by_left) != len(self.pairs) or len(by_right) != len(by_left):
            raise ValueError("sorted pairs do not match the pairs")
        self._sorted, self._sorted_version, self._asked = (by_left, by_right), self.version, {}

    def _neighbours(self, word: str, side: int) -> set[str]:
        """``word``'s followers (side 0) or leaders (side 1)."""
        if self._indexed != self.version and self._sorted is not None and self._sorted_version == self.version and " " not in word:
            memo = self._asked.get((side, word))
            if memo is not None:
                return memo
            if len(self._asked) * LAZY_SHARE < len(self.pairs):
                keys, prefix = self._sorted[side], word + " "
                i, found, n = bisect_left(keys, prefix), set(), len(prefix)
                while i < len(keys) and keys[i].startswith(prefix):
                    found.add(keys[i][n:])
                    i += 1
                self._asked[side, word] = found
                return found
        self._index()
        return (self._before if side else self._after).get(word, set())

    def followers(self, left: str | None) -> set[str]:
        """Words seen right after ``left``."""
        return self._neighbours(left, 0) if left else set()

    def leaders(self, right: str | None) -> set[str]:
        """Words seen right before ``right``."""
        return self._neighbours(right, 1) if right else set()

    def context_logp(self, left: str | None, words: tuple[str, ...], right: str | None) -> float:
        """How well ``words`` fit between their neighbours: log(1 + count) of each adjacent pair."""
        score = 0.0
        if left:
            score += math.log1p(self.pair(left, words[0]))
        if right:
            score += math.log1p(self.pair(words[-1], right))
        for a, b in zip(words, words[1:], strict=False):
            score += math.log1p(self.pair(a, b))
        return score

    def fresh_logp(self, left: str | None, words: tuple[str, ...], right: str | None, other: tuple[str, ...], listed: Container[str] = ()) -> float:
        """``context_logp`` over the pairs only that touch what ``words`` change of the ``other``
        reading of the same place (a word holding a changed letter; where letters were only
        taken out, the two words that now meet there): pairs of words a fix leaves as they were
        are the same evidence for both readings, however they are split (เป็น|ไป|ตาม for the
        token เป็นไปตาม). A pair of ``words`` that spells a ``listed`` word is left out too: it
        is that word, whose count the language model already weighs (the compound pairs are
        read off those counts)."""
        mine, theirs = "".join(words), "".join(other)
        n = min(len(mine), len(theirs))
        start = 0
        while start < n and mine[start] == theirs[start]:
            start += 1
        tail = 0
        while tail < n - start and mine[-1 - tail] == theirs[-1 - tail]:
            tail += 1
        end = len(mine) - tail
        score, at, prev, prev_touches = 0.0, 0, left, False
        for word in words:
            after = at + len(word)
            touches = at < end and after > start if end > start else at < start < after
            meet = end == start == at  # (nothing of this reading changed but the meeting here)
            if prev and (touches or prev_touches or meet) and not (at and prev + word in listed):
                score += math.log1p(self.pair(prev, word))
            prev, prev_touches, at = word, touches, after
        if right and (prev_touches or end == start == at):
            score += math.log1p(self.pair(words[-1], right))
        return score

    def recurring_words(self, min_reports: int = RECURRING_REPORTS) -> list[str]:
        """Thai words seen in at least ``min_reports`` reports (of at least as many in all)."""
        if self.n_reports < min_reports:
            return []
        return sorted(w for w, n in self.reports.items() if n >= min_reports and THAI_WORD.match(w))

    # --- learning ------------------------------------------------------------------------
    @classmethod
    def from_texts(cls, texts: Iterable[str]) -> Evidence:
        ev = cls()
        for text in texts:
            ev.add_text(text)
        return ev

    def add_text(self, text: str) -> None:
        """Count one report's words (once per report) and its adjacent Thai word pairs."""
        seen: set[str] = set()
        self.pairs.update(text_pairs(text, seen))
        self.reports.update(seen)
        self.n_reports += 1
        self.version += 1

    def update(self, other: Evidence) -> None:
        self.pairs.update(other.pairs)
        self.reports.update(other.reports)
        self.n_reports += other.n_reports
        self.version += 1

    def combined(self, other: Evidence) -> Evidence:
        out = Evidence(Counter(self.pairs), Counter(self.reports), self.n_reports)
        out.update(other)
        if self._sorted is not None:
            self._index()  # (its index is worth copying: built once, for every archive's evidence)
        if self._indexed == self.version:
            # this evidence's neighbour index plus the other's pairs, not a new index of every
            # pair (the shipped pairs' costs a tenth of a second, in every archive's process)
            out._after = {word: set(words) for word, words in self._after.items()}
            out._before = {word: set(words) for word, words in self._before.items()}
            _add_to_index(out._after, out._before, other.pairs)
            out._indexed = out.version
        return out

    # --- storage -------------------------------------------------------------------------
    def to_rows(self) -> list[tuple[str, str, int]]:
        """(kind, key, count) rows: ``pair``/``report`` counts, and ``n_reports``."""
        rows = [("pair", k, v) for k, v in self.pairs.items()]
        rows += [("report", k, v) for k, v in self.reports.items()]
        rows.append(("n_reports", "", self.n_reports))
        return rows

    @classmethod
    def from_rows(cls, rows: Iterable[tuple[str, str, int]]) -> Evidence:
        ev = cls()
        for kind, key, count in rows:
            if kind == "pair":
                ev.pairs[key] = int(count)
            elif kind == "report":
                ev.reports[key] = int(count)
            elif kind == "n_reports":
                ev.n_reports = int(count)
        return ev

    def fingerprint(self) -> tuple[int, int, int]:
        """Identifies a state of the evidence across processes (caches key on it)."""
        return (self.n_reports, len(self.pairs), sum(self.pairs.values()))

    def to_dict(self) -> dict[str, Any]:
        return {"pairs": dict(self.pairs), "reports": dict(self.reports), "n_reports": self.n_reports}


def text_pairs(text: str, words: set[str] | None = None, space_breaks: bool = False) -> list[str]:
    """A text's adjacent Thai word pairs (``"left right"``, in order, repeats kept), as
    ``Evidence.add_text`` counts them; the words themselves are added to ``words``. With
    ``space_breaks``, a space breaks a phrase too."""
    from bma_nlp.tokenize import word_tokenize

    out: list[str] = []
    for line in text.split("\n"):
        prev: str | None = None
        # the tokens repair itself looks pairs up with (``RepairLine``: nlpo3, compounds),
        # and 5-6x faster than PyThaiNLP's newmm in the archive's writer
        for tok in word_tokenize(line, engine="nlpo3", keep_whitespace=True):
            if THAI_WORD.match(tok) and len(tok) >= 2:
                if words is not None:
                    words.add(tok)
                if prev is not None:
                    out.append(prev + " " + tok)
                prev = tok
            elif space_breaks or not tok.isspace():
                prev = None  # numbers and punctuation break a phrase
    return out


def _add_to_index(after: dict[str, set[str]], before: dict[str, set[str]], pairs: Iterable[str]) -> None:
    """Each ``"left right"`` pair into the neighbour index: ``right`` after ``left``, ``left`` before ``right``."""
    for key in pairs:
        left, _, right = key.partition(" ")
        after.setdefault(left, set()).add(right)
        before.setdefault(right, set()).add(left)


def compound_pairs(freq: Mapping[str, float], trusted: Iterable[str], listed: Iterable[str] = (), listed_count: int = 0) -> Counter[str]:
    """Word pairs from compounds: a trusted word that splits into two common trusted words (the
    pair counted as often as the compound); with ``listed``, instead, the dictionary compounds
    the corpora do not count (สูบน้ำ, ทางน้ำ), each counted ``listed_count`` times."""
    pairs: Counter[str] = Counter()
    trusted_set = trusted if isinstance(trusted, (set, frozenset)) else set(trusted)
    uncounted = [w for w in listed if w not in trusted_set]
    for word in uncounted if listed else trusted_set:
        n = len(word)
        if n < 2 * MIN_PART or not THAI_WORD.match(word):
            continue
        count = freq.get(word, 0.0) if word in trusted_set else listed_count
        if count < 5:
            continue
        for k in range(MIN_PART, n - MIN_PART + 1):
            left, right = word[:k], word[k:]
            if left in trusted_set and right in trusted_set and freq.get(left, 0) >= MIN_PART_FREQ and freq.get(right, 0) >= MIN_PART_FREQ:
                pairs[left + " " + right] += int(count)
    return pairs


@lru_cache(maxsize=1)
def shipped() -> Evidence:
    """Pairs from the compounds of the bundled word counts (built once, about a second)."""
    from bma_nlp.repair.prebuilt import LazySet, cached_tables  # derived once, then read from the user's cache

    tables = cached_tables("pairs", _shipped_tables, pool="pairs", lazy=("by_right",))
    by_left = list(tables["pairs"])
    pairs: Counter[str] = Counter()
    dict.update(pairs, zip(by_left, map(int, tables["pairs"].values()), strict=True))  # (one copy, not Counter's two)
    evidence = Evidence(pairs=pairs)
    by_right = tables["by_right"]  # (a LazySet as read from the cache, sorted; a frozenset as built)
    evidence.sorted_pairs(by_left, by_right.keys if isinstance(by_right, LazySet) else sorted(by_right))
    return evidence


def _shipped_tables() -> dict[str, Any]:
    """The shipped pairs sorted, with their counts, and the same pairs as "right left" (sorted
    once read back: ``prebuilt.LazySet``)."""
    pairs = _shipped_pairs()
    return {"pairs": {key: float(pairs[key]) for key in sorted(pairs)}, "by_right": frozenset(_reversed(key) for key in pairs)}


def _reversed(key: str) -> str:
    left, _, right = key.partition(" ")
    return right + " " + left


def _shipped_pairs() -> dict[str, int]:
    from bma_nlp.repair.lexicon import load_lexicon

    lexicon = load_lexicon()
    pairs = compound_pairs(lexicon.freq, lexicon.trusted)
    # a dictionary compound the corpora do not count says as much as a typical counted one:
    # PyThaiNLP's word list, and the compounds of the Royal Institute (ORST) and Volubilis
    # dictionaries it bundles (ทรัพยากรน้ำ, บรรทุกน้ำ: phrases the word counts never split)
    typical = int(statistics.median(pairs.values())) if pairs else 0
    pairs.update(compound_pairs(lexicon.freq, lexicon.trusted, _listed_compounds(lexicon.dictionary), typical))
    # real prose's pairs, counted on the scale of the word counts: times as many words as those
    # hold for each word of the prose (about 38.7 million against 43 thousand)
    prose, words = prose_pairs()
    scale = round(sum(lexicon.freq.values()) / words) if words else 0
    pairs.update({key: count * scale for key, count in prose.items()})
    return dict(pairs)


def prose_pairs() -> tuple[dict[str, int], int]:
    """The word pairs of real BMA running prose (``data/context_pairs.tsv``, built by
    scripts/build_context_pairs.py from training_data/real_notes.jsonl, the notes that share a
    page or a phrase with the OCR evaluation sets left out): ``"left right"`` -> occurrences,
    and how many Thai words the notes hold."""
    from importlib import resources

    text = (resources.files("bma_nlp") / "data" / PROSE_PAIRS).read_text(encoding="utf-8")
    out: dict[str, int] = {}
    words = 0
    for line in text.splitlines():
        if line.startswith("# words: "):
            words = int(line[len("# words: ") :])
        elif line and not line.startswith("#"):
            key, _, count = line.rpartition("\t")
            out[key] = int(count)
    return out, words


def _listed_compounds(dictionary: frozenset[str]) -> set[str]:
    """Every word of the dictionaries PyThaiNLP bundles (no download, no network)."""
    from pythainlp.corpus import thai_orst_words, thai_volubilis_words

    return set(dictionary) | set(thai_orst_words()) | set(thai_volubilis_words())


# --- the archive's evidence ---------------------------------------------------------------
# The archive keeps its evidence in one table, created on first use: (kind, key, count) rows as
# ``Evidence.to_rows`` gives them. Ingest derives every record with the evidence stored before it
# started (the same in every worker process), then adds the new reports' notes to it.
TABLE = "repair_evidence"
_CURRENT: ContextVar[Evidence | None] = ContextVar("bma_nlp_repair_evidence", default=None)


@contextmanager
def using_evidence(evidence: Evidence | None) -> Iterator[None]:
    """Repair inside this block (``repair_report``, hence the pipeline) weighs ``evidence``."""
    token = _CURRENT.set(evidence)
    try:
        yield
    finally:
        _CURRENT.reset(token)


def current_evidence() -> Evidence | None:
    return _CURRENT.get()


def read_evidence(con: sqlite3.Connection) -> Evidence | None:
    """The evidence an archive has gathered (None: none yet)."""
    if con.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (TABLE,)).fetchone() is None:
        return None
    ev = Evidence.from_rows(con.execute(f"SELECT kind, key, count FROM {TABLE}"))  # noqa: S608 - a constant
    return ev if ev.n_reports else None


def add_evidence(con: sqlite3.Connection, ev: Evidence) -> None:
    """Add counted evidence (the stored files' repaired notes) to the archive's, inside the
    caller's transaction."""
    if not ev.n_reports:
        return
    con.execute(f"CREATE TABLE IF NOT EXISTS {TABLE} (kind TEXT NOT NULL, key TEXT NOT NULL, count INTEGER NOT NULL, PRIMARY KEY (kind, key))")
    con.executemany(
        f"INSERT INTO {TABLE} (kind, key, count) VALUES (?, ?, ?) ON CONFLICT (kind, key) DO UPDATE SET count = count + excluded.count",  # noqa: S608
        ev.to_rows(),
    )
