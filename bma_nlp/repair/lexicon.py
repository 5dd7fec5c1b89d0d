"""What repair knows about Thai words: frequencies, trusted words, protected names.

Evidence, not a word list: ``thai_words()`` itself contains OCR-like garbles (ผลง, ตำเนิน),
so a word is *trusted* only when it is frequent in the TNC/TTC corpora or listed in the
shipped domain lexicon (or the user's). Everything loads lazily from bundled package data.
"""

from __future__ import annotations

import math
import os
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from bma_nlp.collector import paused
from bma_nlp.tokenize import domain_words

if TYPE_CHECKING:
    from bma_nlp.repair.evidence import Evidence
    from bma_nlp.repair.prebuilt import LazySet

THAI_WORD = re.compile("^[\u0e01-\u0e4e]+$")  # Thai letters, vowels and marks only
_TONE_MARKS = re.compile("[\u0e48-\u0e4b\u0e4c]")  # the four tones and thanthakhat


def deletes_within(word: str, depth: int) -> set[str]:
    """``word`` and every form of it with up to ``depth`` (1 or 2) characters deleted."""
    ones = {word[:i] + word[i + 1 :] for i in range(len(word))}
    forms = {word} | ones
    if depth > 1:
        forms.update(w[:j] + w[j + 1 :] for w in ones for j in range(len(w)))
    return forms


_MARK_CHARS = frozenset("\u0e31\u0e34\u0e35\u0e36\u0e37\u0e38\u0e39\u0e3a\u0e47\u0e48\u0e49\u0e4a\u0e4b\u0e4c\u0e4d\u0e4e")
_ALL_MARKS = re.compile("[\u0e31\u0e34-\u0e3a\u0e47-\u0e4e]")  # vowels above/below, tones, thanthakhat
_CONSONANTS = tuple(chr(c) for c in range(0x0E01, 0x0E2F))  # ก .. ฮ


@lru_cache(maxsize=1)
def _shape_table() -> dict[int, str]:
    from bma_nlp.repair.profile import profile

    return {ord(a): b for a, b in profile().shape_classes().items()}


def shape(word: str) -> str:
    """``word``'s letters without marks, each letter OCR swaps cheaply for another (learned:
    ด/ต/ค, ร/ว, บ/ป/ม/น ..., า/ำ) written as the first of its class."""
    return bare(word).translate(_shape_table())


def bare(word: str) -> str:
    """``word``'s letters without any mark above or below them."""
    return _ALL_MARKS.sub("", word)


def skeleton(word: str) -> str:
    """``word`` without tone marks or thanthakhat (what OCR most often leaves of it)."""
    return _TONE_MARKS.sub("", word)
TRUST_TNC = 10  # below this TNC count a dictionary word is weak evidence (PITFALLS.md)
TRUST_TTC = 5
DICTIONARY_COUNT = 3.0  # pseudo-count for thai_words() entries with no corpus count
SOLID_SHORT_FREQ = 1000  # a word of three letters or fewer this common is a word, not a fragment
DOMAIN_FREQ = 2000  # pseudo-count for domain terms: common in this archive whatever TNC says
PERSON_TITLES = (
    "นางสาว", "นาง", "นายแพทย์", "แพทย์หญิง", "นาย", "ทันตแพทย์หญิง", "ทันตแพทย์", "เภสัชกรหญิง", "เภสัชกร",
    "ว่าที่ร้อยตรีหญิง", "ว่าที่ร้อยตรี", "ดร.", "ด.ช.", "ด.ญ.",
    "เด็กชาย", "เด็กหญิง", "ผู้ช่วยศาสตราจารย์", "รองศาสตราจารย์", "ศาสตราจารย์", "ผศ.", "รศ.", "ศ.", "นพ.", "พญ.",
    "พันตำรวจเอก", "พันตำรวจโท", "พันตำรวจตรี", "พันเอก", "พันโท", "พันตรี", "ร้อยเอก", "ร้อยโท", "ร้อยตรี",
    "เรือเอก", "เรือโท", "เรือตรี", "นาวาเอก", "นาวาโท", "นาวาตรี", "พ.ต.อ.", "พ.ต.ท.", "พ.ต.ต.", "ร.ต.อ.", "ร.ต.ท.",
    "ร.ต.ต.", "จ.ส.ต.", "ส.ต.อ.", "พล.ต.อ.", "พล.ต.ท.", "พล.ต.ต.", "พล.ต.", "ร.ต.", "พ.ต.", "ม.ร.ว.", "ม.ล.", "ม.จ.",
    # the other common forms of address and ranks, abbreviated and in full (น.ส. is the usual
    # written form of นางสาว)
    "น.ส.", "ทพ.", "ทพญ.", "ภก.", "ภญ.", "พล.อ.", "พล.ท.", "พ.อ.", "พ.ท.", "ร.อ.", "ร.ท.", "จ.ส.อ.", "จ.ส.ท.",
    "ส.อ.", "ส.ท.", "ส.ต.", "พล.ร.อ.", "พล.ร.ท.", "พล.ร.ต.", "น.อ.", "น.ท.", "น.ต.", "พล.อ.อ.", "พล.อ.ท.", "พล.อ.ต.",
    "ส.ต.ท.", "ส.ต.ต.", "ด.ต.", "พลเอก", "พลโท", "พลตรี", "พลตำรวจเอก", "พลตำรวจโท", "พลตำรวจตรี", "พลเรือเอก",
    "พลอากาศเอก", "ร้อยตำรวจเอก", "ร้อยตำรวจโท", "ร้อยตำรวจตรี", "จ่าสิบเอก", "จ่าสิบตำรวจ", "ดาบตำรวจ",
    "หม่อมราชวงศ์", "หม่อมหลวง", "หม่อมเจ้า",
    "พระครู", "พระมหา", "พระ",
)  # fmt: skip


@dataclass
class Lexicon:
    freq: dict[str, float]
    trusted: set[str]
    names: frozenset[str]
    dictionary: frozenset[str] = frozenset()
    total: float = 0.0
    evidence: Evidence | None = None  # word-pair context; None: the shipped compound pairs
    _deletes: dict[str, tuple[str, ...]] = field(default_factory=dict, repr=False)
    _skeletons: dict[str, tuple[str, ...]] = field(default_factory=dict, repr=False)
    _bare: dict[str, tuple[str, ...]] = field(default_factory=dict, repr=False)
    _by_length: dict[int, list[str]] = field(default_factory=dict, repr=False)
    _far_index: dict[str, tuple[str, ...]] = field(default_factory=dict, repr=False)
    _far_rank: dict[str, int] = field(default_factory=dict, repr=False)
    _far_searches: int = field(default=0, repr=False)
    _far_base: Lexicon | None = field(default=None, repr=False)  # whose fallback index this lexicon shares (``with_evidence``)
    _shapes: dict[str, list[str]] = field(default_factory=dict, repr=False)
    _shape_of: dict[str, str] = field(default_factory=dict, repr=False)  # each indexed word's shape
    _cache: dict[str, tuple[float, bool]] = field(default_factory=dict, repr=False)
    _candidate_cache: dict[str, list[tuple[tuple[str, ...], float]]] = field(default_factory=dict, repr=False)
    _split_cache: dict[str, float] = field(default_factory=dict, repr=False)
    _pair_cache: dict[str, bool] = field(default_factory=dict, repr=False)
    _fix_cache: dict[object, tuple[int, int, str, float, str] | None] = field(default_factory=dict, repr=False)
    _lookup_cache: dict[str, frozenset[str]] = field(default_factory=dict, repr=False)
    _far_cache: dict[str, list[tuple[tuple[str, ...], float]]] = field(default_factory=dict, repr=False)
    _shape_cache: dict[str, list[tuple[tuple[str, ...], float]]] = field(default_factory=dict, repr=False)
    _suspect_cache: dict[str, bool] = field(default_factory=dict, repr=False)
    _line_cache: dict[str, tuple[str, list[Any]]] = field(default_factory=dict, repr=False)
    _marks_cache: dict[str, tuple[float, str] | None] = field(default_factory=dict, repr=False)
    _solid_cache: dict[str, tuple[tuple[str, float], ...]] = field(default_factory=dict, repr=False)
    _slip_cache: dict[str, tuple[str, float] | None] = field(default_factory=dict, repr=False)
    _context_cache: dict[tuple[str | None, str, str | None], bool] = field(default_factory=dict, repr=False)
    _marks_runs: dict[str, list[Any]] = field(default_factory=dict, repr=False)  # ``_restore_marks``'s readings of a text
    _split_runs: dict[str, list[float]] = field(default_factory=dict, repr=False)  # ``best_split_logp``'s readings of a text
    _trusted_logp: dict[str, float] = field(default_factory=dict, repr=False)
    _solid_log_count: dict[str, float] = field(default_factory=dict, repr=False)
    _solid_logp: dict[str, float] = field(default_factory=dict, repr=False)
    _mark_tails: dict[str, tuple[str, ...]] = field(default_factory=dict, repr=False)  # ``mark_tail``
    _prefixes: frozenset[str] = field(default_factory=frozenset, repr=False)
    _bare_prefixes: frozenset[str] = field(default_factory=frozenset, repr=False)
    _bare_ranked: dict[str, tuple[tuple[float, str], ...]] = field(default_factory=dict, repr=False)
    _lazy: dict[str, LazySet] = field(default_factory=dict, repr=False)  # indexes as read from the user's cache, until built (``lookup``)

    def __post_init__(self) -> None:
        self.total = sum(self.freq.values()) or 1.0

    def context(self) -> Evidence:
        """The context evidence repair weighs (shipped compound pairs unless an archive's was given)."""
        if self.evidence is None:
            from bma_nlp.repair.evidence import shipped

            self.evidence = shipped()
        return self.evidence

    def with_evidence(self, evidence: Evidence, words: Iterable[str] = ()) -> Lexicon:
        """This lexicon with ``evidence`` (on top of the shipped pairs) and ``words`` trusted
        (an archive's recurring words); shares the word data, starts with empty caches."""
        from bma_nlp.repair.evidence import shipped

        freq, trusted = self.freq, self.trusted
        extra = [w for w in words if w not in trusted]
        if extra:
            freq, trusted = dict(freq), set(trusted)
            for word in extra:
                freq[word] = max(freq.get(word, 0.0), DOMAIN_FREQ)
                trusted.add(word)
        out = Lexicon(freq, trusted, self.names, self.dictionary, evidence=shipped().combined(evidence))
        out._by_length = self.words_by_length()
        # the two-deletes fallback index belongs to the word data: shared if built, else built by
        # ``far_index`` once a search needs it (building it here cost 0.8 s per ingest call, and
        # the fallback scans its first searches without it, with the same results)
        out._far_index, out._far_rank, out._far_base = self._far_index, self.far_rank(), self
        if extra:  # the shared index plus the new words' deletes (rebuilding it costs seconds)
            index = dict(self.deletes_index())
            for word in extra:
                if len(word) >= 2 and THAI_WORD.match(word):
                    for key in {word, *(word[:i] + word[i + 1 :] for i in range(len(word)))}:
                        index[key] = (*index.get(key, ()), word)
            out._deletes = index
        else:
            for name, builder in _LOOKUP_BUILDERS.items():
                lazy = self._lazy.get(name)
                if lazy is not None and not getattr(self, name):
                    out._lazy[name] = lazy  # as read from the cache, shared (built once, by the first to need it)
                else:
                    setattr(out, name, getattr(self, builder)())
            out._shapes, out._shape_of = self._shapes, self._shape_of  # (built on first use; new words: the new lexicon builds its own)
        return out

    def clear_caches(self) -> None:
        """Forget every remembered decision (benchmarks use this to time a cold run)."""
        caches: list[dict] = [self._cache, self._candidate_cache, self._split_cache, self._pair_cache, self._fix_cache, self._lookup_cache, self._far_cache, self._shape_cache, self._suspect_cache, self._line_cache, self._marks_cache, self._solid_cache, self._slip_cache, self._bare_ranked, self._context_cache, self._marks_runs, self._split_runs, self._mark_tails]
        for cache in caches:
            cache.clear()

    def logp(self, word: str) -> float:
        """Unigram log probability of a token; a dictionary compound the corpus counts in
        pieces (ประสบปัญหา) scores as its best split into known words."""
        table = self._trusted_logp or self._build_trusted_logp()
        found = table.get(word)
        if found is not None:
            return found
        cached = self._cache.get(word)
        return (cached if cached is not None else self._analyse(word))[0]

    def _build_trusted_logp(self) -> dict[str, float]:
        """Every trusted word's log probability, computed once with the lexicon (part of the
        model, like the indexes: candidates are looked up by the thousand)."""
        log_total, log = math.log(self.total), math.log
        freq = self.freq
        with paused():
            self._trusted_logp = {w: (log(c) if (c := freq.get(w, 0.0)) > 0 else 0.0) - log_total for w in self.trusted}
        return self._trusted_logp

    def solid_logp(self) -> dict[str, float]:
        """Every *solid* word (trusted, and if three letters or fewer, common: rare short
        pieces are what garbles break into) with its log-probability (one look-up, not three)."""
        if not self._solid_logp:
            table, freq = self._trusted_logp or self._build_trusted_logp(), self.freq
            self._solid_logp = {w: lp for w, lp in table.items() if len(w) > 3 or freq.get(w, 0.0) >= SOLID_SHORT_FREQ}
        return self._solid_logp

    def mark_tail(self, tail: str) -> tuple[str, ...]:
        """The solid words a mark-initial piece (ื้นที่, ึง) reads as with the consonant that
        carried its first mark restored (พื้นที่; ถึง จึง ดึง ...): remembered per piece."""
        found = self._mark_tails.get(tail)
        if found is None:
            solid = self._solid_logp or self.solid_logp()
            if len(self._mark_tails) > 200_000:
                self._mark_tails.clear()
            found = self._mark_tails[tail] = tuple(w for c in _CONSONANTS if (w := c + tail) in solid)
        return found

    def _build_solid_log_count(self) -> dict[str, float]:
        """log(count) of every counted *solid* word (``best_split_logp``; the solid words are
        ``solid_logp``'s): one look-up per piece of a line, not three."""
        freq, log = self.freq, math.log
        self._solid_log_count = {w: log(c) for w in (self._solid_logp or self.solid_logp()) if (c := freq.get(w, 0.0)) > 0}
        return self._solid_log_count

    def trusted_prefixes(self) -> frozenset[str]:
        """Every beginning of a trusted word: where a run of letters stops being one, the search
        for the words in a text (``_segment``, ``best_split_logp``) stops trying longer pieces."""
        if not self._prefixes and not self._take_lazy("_prefixes"):
            with paused():
                self._prefixes = frozenset(w[:k] for w in self.trusted for k in range(1, len(w) + 1))
        return self._prefixes

    def is_trusted(self, word: str) -> bool:
        """Frequent, listed, or a compound of trusted words of two or more letters each."""
        return self._analyse(word)[1]

    def best_split_logp(self, text: str) -> float:
        """Log-probability of the likeliest reading of ``text`` as a run of solid words, so a
        correct phrase the tokeniser split oddly is not mistaken for a garble. Solid: trusted,
        and if three letters or fewer, common (rare short pieces are what garbles break into)."""
        cached = self._split_cache.get(text)
        if cached is not None:
            return cached
        n = len(text)
        log_total = math.log(self.total)
        unknown = math.log(0.5) - log_total - 2.0
        solid = (self._solid_log_count or self._build_solid_log_count()).get
        prefixes = self.lookup("_prefixes")
        runs = self._split_runs
        if len(runs) > 50_000:
            runs.clear()
        # A window's text often begins with a shorter window's: the readings of that beginning
        # stand as they were (each depends only on the text before it); only those reaching
        # past it are new.
        best: list[float] | None = None
        done = 0  # characters whose readings are final
        for k in range(n - 1, 1, -1):
            earlier = runs.get(text[:k])
            if earlier is not None:
                best, done = [*earlier, *([-math.inf] * (n - k))], k
                break
        if best is None:
            best = [0.0] + [-math.inf] * n
        for j in range(n):
            if j >= done and best[j] + unknown > best[j + 1]:
                best[j + 1] = best[j] + unknown  # one unexplained character
            if text[j] in _MARK_CHARS:
                continue  # a word starts on a letter, never on a mark above or below one
            # (a trusted word's beginnings all begin some trusted word too)
            for i in range(max(j + 2, done + 1), min(n, j + 20) + 1):
                piece = text[j:i]
                if piece not in prefixes:
                    break  # no trusted word begins so: none longer either
                log_count = solid(piece)
                if log_count is None:
                    continue
                score = best[j] + log_count - log_total
                if score > best[i]:
                    best[i] = score
        if len(self._split_cache) > 200_000:
            self._split_cache.clear()
        self._split_cache[text] = best[n]
        runs[text] = best
        return best[n]

    def _analyse(self, word: str) -> tuple[float, bool]:
        cached = self._cache.get(word)
        if cached is None:
            if len(self._cache) > 200_000:  # bounded like the other caches: a long ingest meets endless garbles
                self._cache.clear()
            cached = self._cache[word] = self._segment(word)
        return cached

    def _segment(self, word: str) -> tuple[float, bool]:
        count = self.freq.get(word, 0.0)
        if word in self.trusted:
            return math.log(count / self.total) if count > 0 else math.log(1 / self.total), True
        if word in self.dictionary:
            # a dictionary word the corpus never counted: rare, not garbage (but not trusted either,
            # since thai_words() holds some garbles)
            unknown = math.log(DICTIONARY_COUNT / self.total)
        else:
            unknown = math.log(0.5 / self.total) - 2.0 * len(word)
        n = len(word)
        if n > 40:
            return unknown, False
        # best[i] = (logp, all pieces trusted) of word[:i]; each reading is extended by the
        # trusted pieces of 2-20 letters after it, as far as the letters still begin a word
        best: list[tuple[float, bool] | None] = [None] * (n + 1)
        best[0] = (0.0, True)
        prefixes = self.lookup("_prefixes")
        for j in range(n - 1):
            prev = best[j]
            if prev is None:
                continue
            for i in range(j + 2, min(n, j + 20) + 1):
                piece = word[j:i]
                if piece not in prefixes:
                    break
                if piece not in self.trusted:
                    continue
                if len(piece) == 2 and self.freq.get(piece, 0) < 20000:
                    continue  # two-letter pieces are mostly OCR fragments (บบ, ศา) unless very common
                cand = (prev[0] + math.log(self.freq.get(piece, 1.0) / self.total), prev[1])
                if best[i] is None or cand[0] > best[i][0]:  # type: ignore[index]
                    best[i] = cand
        found = best[n]
        if found is None:
            return (math.log(count / self.total) if count > 0 else unknown), False
        return found[0], True

    # --- candidate indexes, built on first use -------------------------------------------
    def index_state(self) -> dict[str, Any]:
        """Every index built on first use that the default lexicon keeps in the user's cache
        (``prebuilt.cached_tables``), built now if it was not."""
        self.deletes_index()
        self.trusted_prefixes()
        self.bare_prefixes()
        if not self._solid_log_count:
            self._build_solid_log_count()
        return {name: getattr(self, name) for name in CACHED_INDEXES}

    def restore_indexes(self, state: dict[str, Any]) -> None:
        """Take the indexes of ``index_state()`` and the letters-only and tone-less indexes as read
        back (unknown or missing names are left alone; one read back as a ``prebuilt.LazySet`` is
        kept as that until built: ``lookup``)."""
        from bma_nlp.repair.prebuilt import LazySet

        for name in ("_bare", "_skeletons", *CACHED_INDEXES):
            if name in state:
                if isinstance(state[name], LazySet):
                    self._lazy[name] = state[name]
                else:
                    setattr(self, name, state[name])

    def lookup(self, name: str) -> Any:
        """The index ``name`` (of ``_LOOKUP_BUILDERS``) for look-ups (``get``, ``in``): built; or,
        while the copy read from the user's cache has answered fewer look-ups than building it
        would cost, that copy (``prebuilt.LazySet``, ``LazyIndex``: the same answers, by
        bisection; a short run such as ``bma-nlp parse`` of a report asks the deletes index's
        158k keys about 5,000 times, which is less work than hashing them)."""
        built = getattr(self, name)
        if built:
            return built
        lazy = self._lazy.get(name)
        if lazy is not None and not lazy.worth_building():
            return lazy
        return getattr(self, _LOOKUP_BUILDERS[name])()

    def _take_lazy(self, name: str) -> bool:
        """Build the index ``name`` from the copy read from the user's cache, if there is one
        (True); its builder derives it from the words otherwise."""
        lazy = self._lazy.pop(name, None)
        if lazy is None:
            return False
        with paused():
            setattr(self, name, lazy.table())
        return True

    def deletes_index(self) -> dict[str, tuple[str, ...]]:
        """SymSpell-style index: every trusted word and its one-character deletes."""
        if not self._deletes and not self._take_lazy("_deletes"):
            with paused():
                self._deletes = self._build_deletes()
        return self._deletes

    def _build_deletes(self) -> dict[str, tuple[str, ...]]:
        index: dict[str, list[str]] = defaultdict(list)
        for word in self.trusted:  # the set itself: compounds are found by the two-word split
            if len(word) < 2 or not THAI_WORD.match(word):
                continue  # repairs produce Thai words only
            index[word].append(word)
            for i in range(len(word)):
                index[word[:i] + word[i + 1 :]].append(word)
        return {key: tuple(words) for key, words in index.items()}

    def skeleton_index(self) -> dict[str, tuple[str, ...]]:
        """Trusted words by their form without tone marks: OCR loses tone marks more than any
        other character, often two in a word (พื้นที่ -> พืนที), which one delete cannot reach."""
        if not self._skeletons and not self._take_lazy("_skeletons"):
            index: dict[str, list[str]] = defaultdict(list)
            for word in self.trusted:
                if len(word) >= 2 and THAI_WORD.match(word):
                    key = skeleton(word)
                    if key != word:
                        index[key].append(word)
            self._skeletons = {key: tuple(words) for key, words in index.items()}
        return self._skeletons

    def bare_index(self) -> dict[str, tuple[str, ...]]:
        """Trusted words by their letters alone (every mark above or below stripped): what is
        left of a run of words whose marks OCR lost or misread (เพือจดต้งเพิม)."""
        if not self._bare and not self._take_lazy("_bare"):
            index: dict[str, list[str]] = defaultdict(list)
            for word in self.trusted:
                if len(word) >= 2 and THAI_WORD.match(word):
                    key = bare(word)
                    if len(key) >= 2:
                        index[key].append(word)
            self._bare = {key: tuple(sorted(words)) for key, words in index.items()}
        return self._bare

    def bare_prefixes(self) -> frozenset[str]:
        """Every beginning of a ``bare_index`` key: a run of letters none begins is no word's
        start (the search for the words in a run of letters stops there)."""
        if not self._bare_prefixes and not self._take_lazy("_bare_prefixes"):
            index = self._bare or self.bare_index()
            self._bare_prefixes = frozenset(key[:k] for key in index for k in range(1, len(key) + 1))
        return self._bare_prefixes

    def bare_ranked(self, letters: str) -> tuple[tuple[float, str], ...]:
        """``bare_index()[letters]`` as (log-probability, word), likeliest first (memoised)."""
        found = self._bare_ranked.get(letters)
        if found is None:
            index = self.lookup("_bare")
            found = self._bare_ranked[letters] = tuple(sorted(((self.logp(w), w) for w in index.get(letters, ())), reverse=True))
        return found

    def words_by_length(self) -> dict[int, list[str]]:
        """Frequent trusted words bucketed by length, for the slower distance-2 fallback."""
        if not self._by_length:
            buckets: dict[int, list[str]] = defaultdict(list)
            for word in self.trusted:
                if len(word) >= 3 and self.freq.get(word, 0) >= 100 and THAI_WORD.match(word):
                    buckets[len(word)].append(word)
            # commonest first, so that the fallback's "five nearest" keeps the common words among
            # equally near ones, the same in every process (a set's order changes with the hash seed)
            self._by_length = {n: sorted(words, key=lambda w: (-self.freq.get(w, 0), w)) for n, words in buckets.items()}
        return self._by_length

    def far_index(self) -> dict[str, tuple[str, ...]]:
        """The fallback's words (``words_by_length``) under each of their forms with up to two
        letters deleted: any word within two edits of a token shares one such form with one of
        the token's own (symmetric deletes), so the fallback looks up a few hundred keys instead
        of measuring every word of similar length."""
        if not self._far_index and self._far_base is not None:
            self._far_index = self._far_base.far_index()  # built once for the word data, shared
        if not self._far_index:
            with paused():
                index: dict[str, list[str]] = defaultdict(list)
                for words in self.words_by_length().values():
                    for word in words:
                        for key in deletes_within(word, 2):
                            index[key].append(word)
                self._far_index = {key: tuple(words) for key, words in index.items()}
        return self._far_index

    def shape_index(self) -> dict[str, list[str]]:
        """Trusted Thai words by their *shape* (``shape``: marks stripped, letters OCR swaps
        cheaply folded together) and by every form of it with one letter deleted: a word any
        number of cheap slips from a token (marks lost or misread, ด/ต, ช/ซ, บ/น ... swapped),
        and perhaps one letter lost besides, shares a key with it, where the one-delete index of
        the exact spelling reaches one slip."""
        if not self._shapes:
            index: dict[str, list[str]] = defaultdict(list)
            with paused():
                for word in self.trusted:
                    if len(word) < 3 or not THAI_WORD.match(word):
                        continue
                    key = self._shape_of[word] = shape(word)
                    for form in {key, *(key[:i] + key[i + 1 :] for i in range(len(key)))}:
                        index[form].append(word)
                self._shapes = dict(index)
        return self._shapes

    def far_rank(self) -> dict[str, int]:
        """Each fallback word's place in its length bucket (commonest first): breaks ties."""
        if not self._far_rank:
            self._far_rank = {word: k for words in self.words_by_length().values() for k, word in enumerate(words)}
        return self._far_rank


# the indexes repair looks words up in that the default lexicon can take as read from the user's
# cache, sorted, until they are worth building (``Lexicon.lookup``), and what builds each
_LOOKUP_BUILDERS = {
    "_deletes": "deletes_index", "_skeletons": "skeleton_index", "_bare": "bare_index",
    "_prefixes": "trusted_prefixes", "_bare_prefixes": "bare_prefixes",
}  # fmt: skip

# the indexes ``Lexicon.index_state`` hands to the user's cache (with what they are built from,
# the trusted words and their counts, and the letters-only and tone-less indexes: ``_default_state``)
CACHED_INDEXES = ("_deletes", "_prefixes", "_bare_prefixes", "_trusted_logp", "_solid_logp", "_solid_log_count")


def _read_words(path: str | os.PathLike[str]) -> list[str]:
    from bma_nlp.text import normalize, read_text

    text, _ = read_text(path)
    return [w.strip() for w in normalize(text).splitlines() if w.strip() and not w.startswith("#")]


@lru_cache(maxsize=1)
def _default_state() -> dict[str, Any]:
    """The default lexicon's word data (``_base``'s four tables) and every index it builds on
    first use (the letters-only and tone-less indexes, ``CACHED_INDEXES``): derived once, then
    read from the user's cache as one file (``prebuilt.cached_tables``)."""
    from bma_nlp.repair.prebuilt import cached_tables

    def build() -> dict[str, Any]:
        freq, trusted, names, dictionary = _build_base()
        lexicon = Lexicon(freq, trusted, names, dictionary)
        state = {"freq": freq, "trusted": trusted, "names": names, "dictionary": dictionary}
        return {**state, "_bare": lexicon.bare_index(), "_skeletons": lexicon.skeleton_index(), **lexicon.index_state()}

    state = cached_tables("state", build, pool="freq", lazy=tuple(_LOOKUP_BUILDERS))
    if not all(name in state for name in ("freq", "trusted", "names", "dictionary", "_bare", "_skeletons", *CACHED_INDEXES)):
        state = build()  # (a file of the same key that lacks a table: cannot happen unless written by hand)
    return state


@lru_cache(maxsize=1)
def _base() -> tuple[dict[str, float], set[str], frozenset[str], frozenset[str]]:
    state = _default_state()
    return state["freq"], state["trusted"], state["names"], state["dictionary"]


def _build_base() -> tuple[dict[str, float], set[str], frozenset[str], frozenset[str]]:
    from pythainlp.corpus import thai_family_names, thai_female_names, thai_male_names, thai_words, tnc, ttc

    freq: dict[str, float] = defaultdict(float)
    trusted: set[str] = set()
    for word, count in tnc.word_freqs():
        freq[word] += count
        if count >= TRUST_TNC:
            trusted.add(word)
    for word, count in ttc.word_freqs():
        freq[word] += count
        if count >= TRUST_TTC:
            trusted.add(word)
    for word in domain_words():
        freq[word] = max(freq[word], float(DOMAIN_FREQ))  # (floats only: cached as packed doubles)
        trusted.add(word)
    names = frozenset(thai_male_names()) | frozenset(thai_female_names()) | frozenset(thai_family_names())
    return dict(freq), trusted, names, frozenset(thai_words())


def load_lexicon(user_words: Iterable[str] = ()) -> Lexicon:
    """The default lexicon, plus an office's own terms (which are trusted and frequent).

    Built once per distinct word list, so its caches serve every later call."""
    return _lexicon(tuple(sorted({w for w in user_words if w})))


@lru_cache(maxsize=8)
def _lexicon(extra: tuple[str, ...]) -> Lexicon:
    freq, trusted, names, dictionary = _base()
    if extra:  # (the default lexicon takes the word data as read: nothing changes a lexicon's words in place)
        freq, trusted = dict(freq), set(trusted)
    for word in extra:
        freq[word] = max(freq.get(word, 0.0), DOMAIN_FREQ)
        trusted.add(word)
    lexicon = Lexicon(freq, trusted, names, dictionary)
    if not extra:  # the default lexicon's indexes: from the user's cache
        lexicon.restore_indexes(_default_state())
    return lexicon


def read_user_lexicon(path: str | os.PathLike[str]) -> list[str]:
    """A user lexicon file: one word per line, ``#`` comments; read like any input file."""
    return _read_words(path)
