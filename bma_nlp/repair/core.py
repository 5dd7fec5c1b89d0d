"""Find OCR-garbled words and fix the ones we are sure about.

Per line: a garbled *form label* is restored from the form's label list; a lone punctuation
speck between Thai words goes; elsewhere suspicious tokens (unknown to the trusted lexicon,
lone letters, rare short fragments that garbles break into, or two real words one slip away
from a common word) open small windows of neighbouring tokens. Candidates come from a
SymSpell-style deletes index (plus a two-word split, a spurious-space join and a distance-2
search), and each is scored by a unigram language-model gain over the original's best reading
minus the OCR channel cost. Repair abstains unless the best candidate clearly beats both the
original and the runner-up. Numbers, Latin words, codes, abbreviations and people's and
places' names are never touched.
"""

from __future__ import annotations

import math
import re
from dataclasses import asdict, dataclass, field, replace
from functools import lru_cache
from itertools import chain
from operator import itemgetter
from typing import Any

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA, Levenshtein

from bma_nlp.records import Repair
from bma_nlp.repair.channel import MARKS, MIN_EDIT_COST, ocr_cost
from bma_nlp.repair.lexicon import PERSON_TITLES, THAI_WORD, Lexicon, bare, deletes_within, load_lexicon, shape, skeleton
from bma_nlp.text.normalize import normalize_thai
from bma_nlp.tokenize import word_tokenize

CHANNEL_WEIGHT = 9.0  # nats per unit of OCR edit cost
MIN_GAIN = 3.5  # the fix must beat the original by this much (log-probability units; tuned on the learn split of the real OCR pairs)
MIN_MARGIN = 2.0  # ... and the runner-up by this much, or we abstain
PAIR_MIN_FREQ = 200
LISTED_KEPT_LENGTH = 5  # a listed word this long, as it stands, is not read as a slip of another
MAX_WINDOW = 2  # tokens on each side of a suspicious token that a window may take in
CONTEXT_WEIGHT = 0.6  # nats per nat of word-pair evidence (log(1 + pair count)) a fix gains
LABEL_MIN_SCORE = 80.0
# A line a pass changed is judged again, near what changed (tuned on the learn split of the real
# OCR pairs, clean text unchanged at each: 1 pass 37.2% of the post-normalisation errors fixed,
# 2 passes 38.7% judging tokens within window reach of a change, 38.8% within one token, 38.9%
# with 3 passes, at a cost in speed the gain does not pay for).
REPAIR_PASSES = 2
PASS_REACH = 1  # tokens either side of a changed token that the next pass judges

_THAI_LETTER = re.compile("[\u0e01-\u0e2e]")
_THAI_ANY = re.compile("[\u0e01-\u0e4e]")
_SYLLABLE = re.compile("^[\u0e01-\u0e2e][\u0e31\u0e34-\u0e3a\u0e47-\u0e4e]+$")  # a consonant and its marks (ท่, ช้)
_NOT_THAI = re.compile("[^\u0e01-\u0e4e ]")
_PROTECTED_TOKEN = re.compile(r"[0-9๐-๙]|^[A-Za-z][A-Za-z.\-+&/]*$")
# Proper names of places and organisations: the rest of the chunk after these words.
_PLACE_SPAN = re.compile(r"(?:โรงเรียน|วัด|ซอย|บริษัท|ชุมชน|หมู่บ้าน|มูลนิธิ)(?P<name>[\u0e00-\u0e7f]+)")
# An address reads small to large (อำเภอนาทวี จังหวัดสงขลา): the word just before จังหวัด is a
# district's name even when a line break cut it from its อำเภอ.
PROVINCE_WORD = "จังหวัด"
# A word the abbreviation mark ends (กรณฯ, กรุงเทพฯ) is cut short on purpose: not a garble.
ABBREVIATION_MARK = "ฯ"
# Thai's one-letter words of prose: ณ (at) and ฯ standing alone between spaces are words, not
# fragments of a broken word.
ONE_LETTER_WORDS = frozenset("ณฯ")
# ... unless the place word is a common noun in the sentence: a conjunction, preposition or
# quantifier follows it as a word of its own (ชุมชน|ใน|พื้นที่, โรงเรียน|และ, วัด|ทุก|แห่ง), not a name
NOT_A_NAME_START = frozenset(("และ", "หรือ", "แต่", "ใน", "ของ", "ที่", "ซึ่ง", "ได้", "จะ", "ให้", "กับ", "จาก", "เพื่อ", "โดย", "ว่า", "ตาม", "ทุก", "ต่าง", "ทั้ง"))
# Canals, roads and the units of an address name what follows them too (คลอง|ลำ|กะ|ดาน, อำเภอ|นา|ทวี:
# names are built of ordinary syllables), but they are as often common nouns before prose
# (ริมคลอง|พร้อม|ท่อ...): their name runs to a space, a linking word or one of the language's
# commonest words (in the lexicon's counts).
ADDRESS_WORDS = frozenset(("คลอง", "แขวง", "ตำบล", "อำเภอ", "จังหวัด", "ถนน"))
ADDRESS_NAME_STOPS = NOT_A_NAME_START | frozenset(("พร้อม", "รวม", "ตลอด", "บริเวณ", "ริม", "เป็น", "มี", "ไม่", "แล้ว", "นี้", "นั้น", "ด้วย"))
ADDRESS_ENDINGS = tuple(ADDRESS_WORDS)
COMMON_WORD_FREQ = 50_000
# A person: one or more titles (ผศ.ดร.), the given name, then the family name (ณ สงขลา counts as one).
_TITLE = "(?:" + "|".join(re.escape(t) for t in PERSON_TITLES) + ")"
_TITLE_INITIALS = frozenset(t[0] for t in PERSON_TITLES)
# (a new person begins at a title after a space: the family name is not the next person's title)
_NAME = r"[\u0e00-\u0e7f.]+(?:\s+(?:ณ\s+)?(?!" + _TITLE + r")[\u0e00-\u0e7f]+)?"  # a given name and perhaps a family name
_NAME_SPAN = re.compile(_TITLE + r"(?:\s?" + _TITLE + r")*\s?" + _NAME)
_TITLE_LONGEST = "(?:" + "|".join(re.escape(t) for t in sorted(PERSON_TITLES, key=len, reverse=True)) + ")"
_TITLES_ONLY = re.compile(_TITLE_LONGEST + r"(?:\s?" + _TITLE_LONGEST + r")*")
# A title at a line's end names whoever starts the next line: a page breaks its lines wherever the
# width runs out (... โดยมีนาย / สมชาย ใจดี ผู้อำนวยการ ...), so the next line's first word and
# family name are that person's, as after a title on the same line.
_TITLE_AT_END = re.compile(_TITLES_ONLY.pattern + r"\s*$")
_NAME_AT_START = re.compile(r"\s*" + _NAME)
# A listed word that merely begins with a title's letters (นายกเทศมนตรี, พระราชดำริ, นางพยาบาล) is a
# word, not a title and a name: what stands after a space is not its name. An honorific or an
# office names its holder glued to it (พระเจ้าอยู่หัวมหาวชิราลงกรณ...), as an address word names a
# place: that glued run, to the next space or linking word, is a name unless it starts with a
# linking word or one of the language's commonest words (นายกเทศมนตรีลงพื้นที่, พระราชดำริของ...: prose).
# Thai abbreviations are consonant-only runs (สยป, สนศ, กทม): never words to fix.
# ผรจ. คกก. สงม. : consonants then a dot, not glued to a word before them
_DOTTED_ABBREVIATION = re.compile("(?<![\u0e01-\u0e4e])[\u0e01-\u0e2e]{2,5}\\.")
# ป.ป.ช. ป.ป.ท. อ.บ.ต. พ.ศ. : initials, each letter with its dot (the last may lack it); the dot is
# not a ring OCR cut from ำ, since a garble does not put a dot after every letter
_INITIALISM = re.compile("(?<![\u0e01-\u0e4e.])(?:[\u0e01-\u0e2e]\\.)+[\u0e01-\u0e2e]\\.?")
_ABBREVIATION = re.compile("^[\u0e01-\u0e2e]{2,5}\\.?$")
_LABEL = re.compile(r"^(\s*)([^:\n]{2,45}?)([\s.]*)(\s:|:)")


@dataclass
class RepairResult:
    """Repaired text plus every change; ``original`` is always kept."""

    text: str
    original: str
    changes: list[Repair] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.changes)

    def explain(self) -> list[str]:
        return [f"line {c.line + 1} [{c.start}:{c.end}]: {c.original!r} -> {c.replacement!r} ({c.reason}, score {c.score:.2f})" for c in self.changes]

    def undo(self) -> str:
        return self.original

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "original": self.original, "changes": [asdict(c) for c in self.changes]}


@lru_cache(maxsize=1)
def form_labels() -> tuple[str, ...]:
    from bma_nlp.parse.labels import label_texts  # the form's one lexicon and its loader

    return label_texts()


def _canon_label(label: str) -> str:
    return re.sub(r"[\s.…]+", "", label)


def _label_head(line: str) -> tuple[re.Match[str], str] | None:
    """The ``_LABEL`` match of a line that starts with a Thai label, and the label's canonical
    form (``_canon_label``)."""
    m = _LABEL.match(line)
    if not m or not _THAI_LETTER.search(m.group(2)):
        return None
    return m, _canon_label(m.group(2))


def _known_label(canon: str) -> bool:
    """A known form label, or a variant that extends one (ตัวชี้วัดที่ 2)."""
    return any(canon.startswith(k) for k in _canon_labels())


def repair_label(line: str, lexicon: Lexicon) -> tuple[str, Repair | None]:
    """Restore a garbled form label (``หน่วยงานที่รับขอ. :``) when it closely matches one label."""
    head = _label_head(line)
    if head is None:
        return line, None
    m, canon = head
    label = m.group(2)
    labels = form_labels()
    canon_labels = list(_canon_labels())
    if re.search("[0-9๐-๙]", canon) or _known_label(canon):
        return line, None
    if lexicon.is_trusted(canon) and any(canon in k for k in canon_labels):
        return line, None  # a shortened label made of real words (ชื่อโครงการ, ผู้รับผิดชอบ), not a truncation
    scored = process.extract(canon, canon_labels, scorer=fuzz.ratio, processor=None, limit=2)
    best_label, best, index = scored[0]
    runner = scored[1][1] if len(scored) > 1 else 0.0
    # A label that is the start of a longer known label is truncated OCR only if it is close.
    if best < LABEL_MIN_SCORE or best - runner < 10:
        return line, None
    start, end = m.start(2), m.end(2)
    fixed = labels[index]
    score = round(best / 100, 3)
    return line[:start] + fixed + line[end:], Repair(start, end, label, fixed, "form label", score)


class _Line:
    """A line tokenised with character offsets and a per-token protection mask."""

    def __init__(self, text: str, lexicon: Lexicon, name_first: bool = False) -> None:
        self.text = text
        self.tokens = word_tokenize(text, engine="nlpo3", compounds=True, keep_whitespace=True) if text else []
        self.starts: list[int] = []
        pos = 0
        for tok in self.tokens:
            self.starts.append(pos)
            pos += len(tok)
        protected_chars = [False] * len(text)
        token_starts = set(self.starts)
        # a person's title that starts a token (นาย|สมชาย), not one inside a word (เจ้าพระยา)
        spans: list[tuple[int, int]] = []
        if name_first and (m := _NAME_AT_START.match(text)) and m.end():
            spans.append((0, m.end()))
        for k, (start, tok) in enumerate(zip(self.starts, self.tokens, strict=True)):
            if tok[0] in _TITLE_INITIALS and (not spans or start >= spans[-1][1]):
                if _begins_like_a_title(tok, lexicon):
                    glued = self._glued_name(k, lexicon)
                    if glued:
                        spans.append(glued)
                    continue
                m = _NAME_SPAN.match(text, start)
                if m:
                    spans.append((m.start(), m.end()))
        # a place word that starts a token (วัดสระเกศ), not one inside a word (ตรวจวัด)
        places = [m for m in _PLACE_SPAN.finditer(text) if m.start() in token_starts]
        if places:  # (few lines hold one: the token map only for those)
            token_at = dict(zip(self.starts, self.tokens, strict=True))
            spans += [(m.start("name"), m.end("name")) for m in places if token_at.get(m.start("name")) not in NOT_A_NAME_START]
        spans += [(m.start(), m.end()) for m in _DOTTED_ABBREVIATION.finditer(text)]
        spans += [(m.start(), m.end()) for m in _INITIALISM.finditer(text)]
        if ABBREVIATION_MARK in text or PROVINCE_WORD in text:
            spans += self._names_by_neighbour(lexicon)
        if any(w in text for w in ADDRESS_WORDS):
            spans += self._address_names(lexicon)
        for start, end in spans:
            for k in range(start, end):
                protected_chars[k] = True
        self.protected = [self._protect(i, tok, protected_chars, lexicon) for i, tok in enumerate(self.tokens)]

    def _glued_name(self, k: int, lexicon: Lexicon) -> tuple[int, int] | None:
        """The name glued after word ``k`` (an honorific or an office: พระเจ้าอยู่หัว|มหา|ว|ชิ...),
        to the next space or linking word; None when nothing is glued there or prose follows (a linking word, one
        of the commonest words: นายกเทศมนตรี|ลง|พื้นที่)."""
        if k + 1 >= len(self.tokens):
            return None
        nxt = self.tokens[k + 1]
        if not THAI_WORD.match(nxt):
            return None
        # (the tokeniser may glue the first words of prose into one compound: ลงพื้น)
        freq = lexicon.freq
        if any(nxt[:j] in ADDRESS_NAME_STOPS or freq.get(nxt[:j], 0) >= COMMON_WORD_FREQ for j in range(2, len(nxt) + 1)):
            return None
        j = k + 1  # (to a space, or to a linking word: รองนายกเทศมนตรีตรวจงาน|ใน|พื้นที่)
        while j + 1 < len(self.tokens) and THAI_WORD.match(self.tokens[j + 1]) and self.tokens[j + 1] not in ADDRESS_NAME_STOPS:
            j += 1
        return self.starts[k + 1], self.starts[j] + len(self.tokens[j])

    def _address_names(self, lexicon: Lexicon) -> list[tuple[int, int]]:
        """The name after each address word: its run of uncommon tokens."""
        out = []
        tokens, freq = self.tokens, lexicon.freq
        for k, tok in enumerate(tokens):
            if tok.endswith(ADDRESS_ENDINGS):  # (a compound ends with one too: ขุดลอกคลอง|ลำ|กะ|ดาน)
                j = k + 1
                while j < len(tokens) and _THAI_LETTER.match(tokens[j]) and tokens[j] not in ADDRESS_NAME_STOPS and freq.get(tokens[j], 0) < COMMON_WORD_FREQ:
                    j += 1
                if j > k + 1:
                    out.append((self.starts[k + 1], self.starts[j - 1] + len(tokens[j - 1])))
        return out

    def _names_by_neighbour(self, lexicon: Lexicon) -> list[tuple[int, int]]:
        """Tokens their neighbour marks as names: the word the abbreviation mark ends (the
        token holding ฯ and the one glued before it, or the one glued before a lone ฯ), and the name before จังหวัด (a
        space between them allowed; its run of tokens as after an address word)."""
        out = []
        tokens, freq = self.tokens, lexicon.freq
        for k, tok in enumerate(tokens):
            j = -1
            if ABBREVIATION_MARK in tok:
                # the tokeniser may cut the shortened word before its mark (กร|ณฯ): the glued
                # token before the mark's goes with it
                j = k if tok != ABBREVIATION_MARK else k - 1
                if j == k and k and _THAI_LETTER.match(tokens[k - 1]):
                    out.append((self.starts[k - 1], self.starts[k - 1] + len(tokens[k - 1])))
            elif tok.startswith(PROVINCE_WORD) and k:
                end = k - 1 if not tokens[k - 1].isspace() else k - 2
                j = end
                while j >= 0 and _THAI_LETTER.match(tokens[j]) and tokens[j] not in ADDRESS_NAME_STOPS and freq.get(tokens[j], 0) < COMMON_WORD_FREQ:
                    j -= 1
                if j < end:
                    out.append((self.starts[j + 1], self.starts[end] + len(tokens[end])))
                continue
            if j >= 0 and _THAI_LETTER.match(tokens[j]):
                out.append((self.starts[j], self.starts[j] + len(tokens[j])))
        return out

    def _protect(self, i: int, tok: str, protected_chars: list[bool], lexicon: Lexicon) -> bool:
        start = self.starts[i]
        if tok.isspace() or any(protected_chars[start : start + len(tok)]):
            return True
        if tok in ONE_LETTER_WORDS and _stands_alone(self.text, start, 1):
            return True
        if _latin_misread(self.text, start, tok):
            return False
        if _PROTECTED_TOKEN.search(tok) or not _THAI_ANY.search(tok):
            return True  # numbers, codes, Latin words, punctuation
        # consonant-only Thai that is not a word (สยป, สนศ.) is an abbreviation; ขอ, คน, ผล are words
        return bool(_ABBREVIATION.match(tok)) and not lexicon.is_trusted(tok.rstrip(".")) and _stands_alone(self.text, start, len(tok))

    def span(self, a: int, b: int) -> tuple[int, int]:
        return self.starts[a], self.starts[b] + len(self.tokens[b])


def _begins_like_a_title(tok: str, lexicon: Lexicon) -> bool:
    """Is ``tok`` a listed word that only begins with a title's letters (นายกเทศมนตรี, not นาย
    and a name; พระราชดำริ), rather than titles alone (นายแพทย์, ทันตแพทย์หญิง, ผศ.ดร.)?"""
    if not (tok in lexicon.trusted or tok in lexicon.dictionary):
        return False
    m = _TITLES_ONLY.match(tok)
    return m is not None and m.end() < len(tok)


def _latin_misread(text: str, start: int, tok: str) -> bool:
    """One or two Latin letters glued to Thai letters are a misread Thai letter (ฝ่ายnารศึกษา)."""
    if len(tok) > 2 or not tok.isascii() or not tok.isalpha():
        return False
    return not _stands_alone(text, start, len(tok))


def _stands_alone(text: str, start: int, length: int) -> bool:
    before = text[start - 1] if start > 0 else " "
    after = text[start + length] if start + length < len(text) else " "
    return not _THAI_ANY.search(before + after)


def _suspicious(tok: str, lexicon: Lexicon) -> bool:
    """Is ``tok`` worth a repair attempt? (Remembered per token: archives repeat their words.)"""
    found = lexicon._suspect_cache.get(tok)
    if found is None:
        if len(lexicon._suspect_cache) > 200_000:
            lexicon._suspect_cache.clear()
        found = lexicon._suspect_cache[tok] = _judge_suspicious(tok, lexicon)
    return found


def _judge_suspicious(tok: str, lexicon: Lexicon) -> bool:
    tok = tok.strip(".,:;()[]\"'-/…") or tok  # punctuation glued to a word is not part of it
    if tok[0] in MARKS or len(tok) == 1:
        return True  # a token cannot start with a combining mark, and lone letters are fragments
    if not lexicon.is_trusted(tok):
        return True
    if len(tok) <= 3 and lexicon.freq.get(tok, 0) < 1000:
        return True  # rare fragments garbles break into
    return _marks_garble(tok, lexicon)


GARBLE_RATIO = 1000  # a listed word this many times rarer than a word with the same letters is suspect


def _marks_garble(tok: str, lexicon: Lexicon) -> bool:
    """Is ``tok`` a listed word that is far rarer than a word with the same letters and other
    marks (เพือ 13 in the corpus, เพื่อ 99,489)? The corpora hold some garbles of common words
    themselves; repair still weighs such a token like any other, with the usual margins."""
    if not THAI_WORD.match(tok):
        return False
    count = max(lexicon.freq.get(tok, 0.0), 1.0)
    bare_index = lexicon.lookup("_bare")
    return any(lexicon.freq.get(w, 0.0) >= GARBLE_RATIO * count for w in bare_index.get(bare(tok), ()) if w != tok)


def _lookup(word: str, lexicon: Lexicon) -> frozenset[str]:
    """Trusted words within one delete of ``word`` on either side (memoised: windows overlap)."""
    found = lexicon._lookup_cache.get(word)
    if found is None:
        get = lexicon.lookup("_deletes").get
        hits: set[str] = set(get(word) or ())
        for i in range(len(word)):
            more = get(word[:i] + word[i + 1 :])
            if more:
                hits.update(more)
        if len(lexicon._lookup_cache) > 200_000:
            lexicon._lookup_cache.clear()
        found = lexicon._lookup_cache[word] = frozenset(hits)
    return found


Candidate = tuple[tuple[str, ...], float]  # (words, their log-probability)


def _candidates(window: str, lexicon: Lexicon) -> list[Candidate]:
    """Word sequences (one or two words) within OCR reach of ``window`` (cached per lexicon)."""
    cached: list[Candidate] | None = lexicon._candidate_cache.get(window)
    if cached is None:
        if len(lexicon._candidate_cache) > 200_000:
            lexicon._candidate_cache.clear()
        cached = lexicon._candidate_cache[window] = _generate_candidates(window, lexicon)
    return cached


def _generate_candidates(window: str, lexicon: Lexicon) -> list[Candidate]:
    joined = window.replace(" ", "")
    logp, trusted = lexicon.logp, lexicon.trusted
    known = lexicon._trusted_logp or lexicon._build_trusted_logp()  # (``logp`` of a trusted word)
    out: dict[tuple[str, ...], float] = {(w,): known[w] for w in _lookup(joined, lexicon)}
    # tone marks lost (any number of them): the words with this skeleton, alone or as a pair
    skeletons = lexicon.lookup("_skeletons")
    bare = skeleton(joined)
    for w in skeletons.get(bare, ()):
        out[(w,)] = known[w]
    for p in range(2, len(bare) - 1):
        lefts, rights = skeletons.get(bare[:p], ()), skeletons.get(bare[p:], ())
        if lefts or rights:
            for lw in [*lefts, bare[:p]] if bare[:p] in trusted else lefts:
                for rw in [*rights, bare[p:]] if bare[p:] in trusted else rights:
                    if (lw, rw) not in out and lw + rw != joined:
                        out[(lw, rw)] = known[lw] + known[rw]
    if len(joined) >= SHAPE_MIN_LENGTH and not lexicon.is_trusted(joined):
        for words, lp in _shape_candidates(joined, lexicon):
            out.setdefault(words, lp)
    marked = None if joined in trusted else _restore_marks(joined, lexicon)  # (a listed word: its marks stand)
    if marked is not None and marked[0] not in out:
        out[marked[0]] = marked[1]
    # ำ's ring read as a mark of its own (ผู้อ้านวยการ, นั้า, นัา): the words near the text with
    # that mark and the า read as ำ again (the channel prices the real edit)
    for variant in _ring_variants(joined):
        near = set(_lookup(variant, lexicon)) | set(skeletons.get(skeleton(variant), ()))
        if variant in trusted:
            near.add(variant)
        else:
            marked = _restore_marks(variant, lexicon)
            if marked is not None and len(marked[0]) == 1:
                near.add(marked[0][0])
        for w in near:
            out[(w,)] = logp(w)
    # a split into two words: each a solid word (listed, and common if three letters or fewer,
    # as in ``best_split_logp``: rare short pieces are what garbles break into, not fixes)
    solid_lp = lexicon._solid_logp or lexicon.solid_logp()
    solid = solid_lp.get  # (a solid word's logp, one look-up)
    solid_cache = lexicon._solid_cache.get
    for p in range(2, len(joined) - 1):
        left, right = joined[:p], joined[p:]
        left_lp = solid(left)
        if right[0] in MARKS:
            # a mark cannot start a word: after a whole word, the consonant it sat on was lost
            # (ใน|ื้นที่ for ใน|พื้นที่): the right piece with the one consonant before it that
            # makes a word (when several do, ึง: ถึง จึง ดึง ..., the letters left do not tell)
            if left_lp is not None:
                restored = lexicon.mark_tail(right)
                if len(restored) == 1:
                    out[(left, restored[0])] = left_lp + solid_lp[restored[0]]
            continue
        if left_lp is not None:  # listed words only: a split is a claim about two real words
            for w, lp in solid_cache(right) or _solid_lookup(right, lexicon):
                out[(left, w)] = left_lp + lp
        right_lp = solid(right)
        if right_lp is not None:
            for w, lp in solid_cache(left) or _solid_lookup(left, lexicon):
                out[(w, right)] = lp + right_lp
    return sorted(out.items(), key=itemgetter(1), reverse=True)  # likeliest first (a stable sort): scoring stops early


def _solid_lookup(word: str, lexicon: Lexicon) -> tuple[tuple[str, float], ...]:
    """``_lookup`` kept to solid words, with their log-probabilities (memoised)."""
    found = lexicon._solid_cache.get(word)
    if found is None:
        solid = lexicon._solid_logp or lexicon.solid_logp()  # (``_lookup`` finds trusted words only)
        found = tuple((w, solid[w]) for w in solid.keys() & _lookup(word, lexicon))  # (the intersection in C)
        if len(lexicon._solid_cache) > 200_000:
            lexicon._solid_cache.clear()
        lexicon._solid_cache[word] = found
    return found


# ำ (written ํ + า) whose ring OCR read as ั or as a tone mark: ั + tone + า, ั + า, tone + า
_RING_MISREAD = re.compile("ั([่้])า|ัา|(?<=[ก-ฮ])[่้]า")


def _ring_variants(joined: str) -> list[str]:
    """``joined`` with each stretch that may be a misread ำ read as ำ again (one at a time)."""
    if "า" not in joined:
        return []
    return [joined[: m.start()] + (m.group(1) or "") + "ำ" + joined[m.end() :] for m in _RING_MISREAD.finditer(joined)]


MARKS_MAX_WORDS = 5  # words a run whose marks are restored may be read as


def _restore_marks(joined: str, lexicon: Lexicon) -> Candidate | None:
    """The likeliest reading of ``joined`` as a run of trusted words that differ from it only in
    their marks (the commonest OCR slips: lost or misread tones and vowels above or below the
    letters), each word priced by the OCR channel. None when its letters make no such run."""
    letters = bare(joined)
    n = len(letters)
    if n < 3 or n > 40:
        return None
    # where each letter and the marks after it begin in ``joined``
    at = [k for k, ch in enumerate(joined) if ch not in MARKS] + [len(joined)]
    if len(at) != n + 1:
        return None
    index, logp, freq = lexicon.lookup("_bare"), lexicon.logp, lexicon.freq
    prefixes = lexicon.lookup("_bare_prefixes")
    cache, runs = lexicon._marks_cache, lexicon._marks_runs
    if len(cache) > 200_000:
        cache.clear()
    if len(runs) > 50_000:
        runs.clear()
    # A window's text often begins with a shorter window's (the same first token, fewer after
    # it): the readings of those letters, found for it, stand as they were (each reading
    # depends only on the letters before it), and only the readings reaching past them are new.
    best: list[tuple[float, tuple[str, ...]] | None] | None = None
    done = 0  # letters whose readings are final
    for k in range(n - 1, 2, -1):
        earlier = runs.get(joined[: at[k]])
        if earlier is not None:
            best, done = [*earlier, *([None] * (n - k))], k
            break
    if best is None:
        best = [None] * (n + 1)
        best[0] = (0.0, ())
    # each reading so far (best[j], final once every shorter one is extended) is extended by
    # the words of 2-20 letters starting at j, as far as the letters still begin some word
    for j in range(n - 1):
        prev = best[j]
        if prev is None or len(prev[1]) >= MARKS_MAX_WORDS:
            continue
        # (a word's letters that begin some word's: so do all their beginnings, and the
        # readings up to ``done`` letters are final already)
        for i in range(max(j + 2, done + 1), min(n, j + 20) + 1):
            key = letters[j:i]
            if key not in prefixes:
                break  # no word's letters begin so: none longer either
            if key not in index:
                continue
            piece = joined[at[j] : at[i]]
            if piece in cache:  # (overlapping windows meet the same pieces again)
                hit = cache[piece]
            else:
                score, word = _likeliest_marked(piece, key, lexicon)
                # two-letter words are what garbles break into, unless common
                hit = cache[piece] = None if i - j <= 2 and freq.get(word, 0) < 1000 else (score, word)
            if hit is None:
                continue
            score, word = hit
            if best[i] is None or prev[0] + score > best[i][0]:  # type: ignore[index]
                best[i] = (prev[0] + score, (*prev[1], word))
    runs[joined] = best
    found = best[n]
    if found is None or "".join(found[1]) == joined:
        return None
    return found[1], sum(logp(w) for w in found[1])


def _likeliest_marked(piece: str, letters: str, lexicon: Lexicon) -> tuple[float, str]:
    """The (score, word) of the likeliest trusted word with ``piece``'s ``letters``: its
    log-probability less the channel's price of ``piece`` for it (ties: the greater word).
    The words come likeliest first (``Lexicon.bare_ranked``) and a price is never negative,
    so the search stops at the first word whose log-probability alone cannot beat the best."""
    best: tuple[float, str] | None = None
    for lp, w in lexicon.bare_ranked(letters):
        if best is not None and lp < best[0]:
            break
        found = (lp - CHANNEL_WEIGHT * ocr_cost(piece, w), w)
        if best is None or found > best:
            best = found
    assert best is not None  # (``letters`` is a key of the index: at least one word)
    return best


def _far_candidates(window: str, lexicon: Lexicon) -> list[Candidate]:
    """Distance-2 fallback over frequent words of similar length (only when nothing closer)."""
    joined = window.replace(" ", "")
    cached: list[Candidate] | None = lexicon._far_cache.get(joined)
    if cached is None:
        if len(lexicon._far_cache) > 50_000:
            lexicon._far_cache.clear()
        cached = lexicon._far_cache[joined] = _generate_far_candidates(joined, lexicon)
    return cached


FAR_INDEX_AFTER = 200  # fallback searches by scanning before the deletes index is worth building


SHAPE_PRICED = 4  # words a shape may add: the likeliest, priced by the channel (tuned on the learn split: 4, 6 and 10 fix as many, 20 three fewer; 4 is the fastest)
SHAPE_MIN_LENGTH = 6  # shorter text: too many words share its shape (tuned on the learn split: from 4 letters, 5 more errors of 1,009 fixed for about 40% more time)
SHAPE_EDIT_COST = 0.3  # the cheapest letter edit a shape still shows (a Latin look-alike for a Thai letter; other letters 0.48+)


def _shape_candidates(window: str, lexicon: Lexicon) -> list[Candidate]:
    """Trusted words within one letter edit of ``window``'s shape (``Lexicon.shape_index``:
    marks ignored, letters OCR swaps cheaply folded together; a letter lost, added or swapped
    for a dear one): words any number of cheap slips and one dear one from the text, where the
    one-delete index reaches one slip. The ``SHAPE_PRICED`` likeliest, within a fix's edit
    limit at the learned channel's price (memoised per text)."""
    joined = window.replace(" ", "")
    cached: list[Candidate] | None = lexicon._shape_cache.get(joined)
    if cached is None:
        if len(lexicon._shape_cache) > 50_000:
            lexicon._shape_cache.clear()
        index, logp = lexicon.shape_index(), lexicon.logp
        key = shape(joined)
        hits = set(index.get(key, ()))
        for i in range(len(key)):  # ... and one more letter edit besides (added, or swapped)
            more = index.get(key[:i] + key[i + 1 :])
            if more:
                hits.update(more)
        hits.discard(joined)
        # the likeliest few by log-probability (less the cheapest cost of the letter edits the
        # shapes still show) are priced by the channel, and kept if within a fix's limit
        bounded = []
        shape_of = lexicon._shape_of
        for w in hits:
            its_shape = shape_of[w]
            least = 0.0 if its_shape == key else SHAPE_EDIT_COST * OSA.distance(key, its_shape)
            if least <= 0.2 * len(w) + 0.5:
                bounded.append((logp(w) - CHANNEL_WEIGHT * least, w))
        bounded.sort(reverse=True)
        kept = [w for _, w in bounded[:SHAPE_PRICED] if ocr_cost(joined, w) <= 0.2 * len(w) + 0.5]
        cached = lexicon._shape_cache[joined] = sorted((((w,), logp(w)) for w in kept), key=lambda item: -item[1])
    return cached


def _generate_far_candidates(joined: str, lexicon: Lexicon) -> list[Candidate]:
    """Per length (the token's, give or take two), the five nearest frequent words within two
    edits (commonest first among equally near ones). A short run scans the words of similar
    length; a long one builds the two-deletes index once (a second or so) and looks them up."""
    lexicon._far_searches += 1
    if not lexicon._far_index and lexicon._far_searches <= FAR_INDEX_AFTER:
        return _scan_far_candidates(joined, lexicon)
    index, rank = lexicon.far_index(), lexicon.far_rank()
    lo, hi = max(3, len(joined) - 2), len(joined) + 2
    near: dict[str, int] = {}
    for key in deletes_within(joined, 2):
        for word in index.get(key, ()):
            if word not in near and lo <= len(word) <= hi:
                near[word] = Levenshtein.distance(joined, word, score_cutoff=2)
    by_length: dict[int, list[tuple[int, int, str]]] = {}
    for word, distance in near.items():
        if distance <= 2:
            by_length.setdefault(len(word), []).append((distance, rank[word], word))
    out: list[Candidate] = []
    for length in range(lo, hi + 1):
        for _, _, word in sorted(by_length.get(length, ()))[:5]:
            out.append(((word,), lexicon.logp(word)))
    return sorted(out, key=lambda item: -item[1])


def _scan_far_candidates(joined: str, lexicon: Lexicon) -> list[Candidate]:
    """``_generate_far_candidates`` by measuring every word of similar length (no index)."""
    out: list[Candidate] = []
    buckets = lexicon.words_by_length()
    for length in range(max(3, len(joined) - 2), len(joined) + 3):
        for word, _, _ in process.extract(joined, buckets.get(length, []), scorer=Levenshtein.distance, processor=None, score_cutoff=2, limit=5):
            out.append(((word,), lexicon.logp(word)))
    return sorted(out, key=lambda item: -item[1])


def _fragment(tok: str, lexicon: Lexicon) -> bool:
    """A piece of a broken word: a lone letter, a mark-initial piece, or a short unknown piece."""
    return tok[0] in MARKS or (len(tok) <= 3 and _suspicious(tok, lexicon))


def _space_splits_a_word(line: _Line, a: int, b: int, lexicon: Lexicon) -> bool:
    """A space is spurious if a fragment sits beside it, or if the two sides together make a
    listed word (ผู้รับ จ้าง); between two ordinary words it is a phrase break."""
    for k in range(a + 1, b):
        if line.tokens[k].isspace():
            left, right = line.tokens[k - 1], line.tokens[k + 1]
            if _fragment(left, lexicon) or _fragment(right, lexicon):
                return True
            return _joins_into_a_word(left, right, lexicon, near=min(len(left), len(right)) <= 4)
    return False


def _window_logp(line: _Line, a: int, b: int, lexicon: Lexicon) -> float:
    return sum(lexicon.logp(t) for t in line.tokens[a : b + 1] if not t.isspace())


def _duplicates_neighbour(text: str, s: int, e: int, window: str, replacement: str) -> bool:
    """Does the fix only add, at one end of the window, the text standing just outside it?"""
    joined = window.replace(" ", "")
    flat = replacement.replace(" ", "")
    extra = len(flat) - len(joined)
    if extra <= 0:
        return False
    if flat.endswith(joined) and text[max(0, s - extra) : s] == flat[:extra]:
        return True
    return flat.startswith(joined) and text[e : e + extra] == flat[-extra:]


def _score(
    line: _Line,
    window: str,
    s: int,
    e: int,
    a: int,
    b: int,
    base: float,
    dropped: set[str],
    candidates: list[Candidate],
    lexicon: Lexicon,
    by_result: dict[str, tuple[float, int, int, str, int]],
) -> None:
    """Score each candidate for one window into ``by_result`` (keyed by the line it produces).

    Branch and bound: a candidate matters only if it could still be the fix (gain >= MIN_GAIN)
    or a runner-up close enough to make us abstain; its gain is at most its language-model
    gain minus the cheapest possible edit, and candidates come likeliest first."""
    space_at = window.find(" ")
    best = max((v[0] for v in by_result.values()), default=-math.inf)
    # Word-pair context: how well each candidate fits between the window's neighbours, against
    # how well the window's own words do. Candidates the context favours are scored whatever
    # their unigram rank; the rest in rank order, stopping once none can matter.
    evidence = lexicon.context()
    left, right = _neighbour(line, a, -1), _neighbour(line, b, 1)
    bonus: dict[tuple[str, ...], float] = {}
    trusted = lexicon.trusted
    favoured: list[Candidate] = []  # (in the candidates' order)
    if left or right:
        fits_left, fits_right = evidence.followers(left), evidence.leaders(right)
        if fits_left or fits_right:
            own_words = tuple(t for t in line.tokens[a : b + 1] if not t.isspace())
            for words, lm in candidates:
                if words[0] in fits_left or words[-1] in fits_right:
                    # only the pairs one reading holds and the other does not: a candidate split
                    # finer than the tokens (เป็น|ไป|ตาม for เป็นไปตาม) gains nothing by the
                    # pairs of words it leaves as they were
                    gain = evidence.fresh_logp(left, words, right, own_words, trusted) - evidence.fresh_logp(left, own_words, right, words, trusted)
                    extra = bonus[words] = CONTEXT_WEIGHT * gain
                    if extra > 0:
                        favoured.append((words, lm))
    # the favoured first, then the rest in rank order (the favoured are not scored twice)
    n_favoured = len(favoured)
    # the window's own forms, computed once (not per candidate)
    flat_window, window_repeats, thai_only = window.replace(" ", ""), window.count("ๆ"), _NOT_THAI.sub("", window)
    for k, (words, lm) in enumerate(chain(favoured, candidates) if favoured else candidates):
        relevant = max(MIN_GAIN, best) - MIN_MARGIN
        extra = bonus.get(words, 0.0)
        if extra > 0 and k >= n_favoured:
            continue  # (scored above with the favoured)
        if extra <= 0 and lm - base - CHANNEL_WEIGHT * MIN_EDIT_COST < relevant:
            break  # no later candidate can matter either
        lm_gain = lm - base + extra
        replacement = "".join(words)
        if len(words) == 2 and len(words[0]) == space_at:
            replacement = words[0] + " " + words[1]  # the words meet where the space was: keep it
        if replacement == window:
            continue
        if replacement.replace(" ", "") == flat_window and replacement not in trusted:
            continue  # only spacing would change, and not into a listed word
        if replacement in dropped or replacement.count("ๆ") != window_repeats:
            continue  # that would delete a whole word (or a repeat mark), not repair one
        if replacement == thai_only:
            continue  # only punctuation would go: not a word repair
        if _duplicates_neighbour(line.text, s, e, window, replacement):
            continue  # it would write again what already stands next to the window
        least = MIN_EDIT_COST * OSA.distance(window, replacement)  # the cheapest these edits can be
        limit = 0.2 * len(replacement) + 0.5  # more edits than this for a word this short: not a fix
        if lm_gain - CHANNEL_WEIGHT * least < relevant or least > limit:
            continue  # cannot matter even at the cheapest edit cost: skip the weighted computation
        cost = ocr_cost(window, replacement)
        if cost > limit:
            continue
        gain = lm_gain - CHANNEL_WEIGHT * cost
        # fixes that differ only in spacing are one reading of the text; keep the one that
        # keeps the most spaces, then the best scored
        result = line.text[:s] + replacement + line.text[e:]
        key = result.replace(" ", "")
        rank = (result.count(" "), gain)
        held = by_result.get(key)
        if held is None or rank > (held[4], held[0]):
            by_result[key] = (gain, a, b, replacement, rank[0])
            if gain >= best:
                best = gain
            elif held is not None and held[0] >= best:  # the best entry was replaced by a lower one
                best = max(v[0] for v in by_result.values())


def _neighbour(line: _Line, k: int, step: int) -> str | None:
    """The Thai word glued to token ``k`` on one side (a space or punctuation breaks the phrase)."""
    j = k + step
    if 0 <= j < len(line.tokens) and THAI_WORD.match(line.tokens[j]):
        return line.tokens[j]
    return None


def _space_suspect(line: _Line, i: int, lexicon: Lexicon) -> bool:
    """A space OCR put inside a listed word (กรุง เทพมหานคร): a short piece on one side, and the
    two sides join into a listed word of six letters or more."""
    if i == 0 or i + 1 >= len(line.tokens) or line.protected[i - 1] or line.protected[i + 1]:
        return False
    left, right = line.tokens[i - 1], line.tokens[i + 1]
    if not (THAI_WORD.match(left) and THAI_WORD.match(right)):
        return False
    if min(len(left), len(right)) > 4:
        return False  # two whole words (ผู้ว่าราชการ กรุงเทพมหานคร): a phrase break, not a split word
    return _joins_into_a_word(left, right, lexicon)


def _joins_into_a_word(left: str, right: str, lexicon: Lexicon, near: bool = True) -> bool:
    """Do the two sides of a space make a common listed word of six letters or more, as read or
    (``near``: a short piece on one side, two letters or more each) one OCR slip away (ตัง กล่าว:
    ดังกล่าว, ด read as ต), a word that is neither side alone (ว ประสาน is no ประสาน)?"""
    joined = left + right
    if len(joined) < 6:
        return False
    freq = lexicon.freq
    if joined in lexicon.trusted and freq.get(joined, 0) >= 100:
        return True
    if not near or min(len(left), len(right)) < 2:
        return False
    return any(len(w) >= 6 and freq.get(w, 0) >= 100 and w != left and w != right for w in _lookup(joined, lexicon))


def _context_suspect(line: _Line, i: int, lexicon: Lexicon) -> bool:
    """A real word its neighbours never stand beside, one slip from a word they do stand beside
    (ระบาย|น้า for ระบาย|น้ำ): a real-word error only context shows."""
    tok = line.tokens[i]
    if len(tok) < 2 or not THAI_WORD.match(tok):
        return False
    left, right = _neighbour(line, i, -1), _neighbour(line, i, 1)
    if not (left or right):
        return False
    key = (left, tok, right)  # (remembered: a report's lines, and its copies, repeat their phrases)
    found = lexicon._context_cache.get(key)
    if found is None:
        if len(lexicon._context_cache) > 200_000:
            lexicon._context_cache.clear()
        found = lexicon._context_cache[key] = _judge_context(left, tok, right, lexicon)
    return found


def _judge_context(left: str | None, tok: str, right: str | None, lexicon: Lexicon) -> bool:
    evidence = lexicon.context()
    fits_left, fits_right = evidence.followers(left), evidence.leaders(right)
    if not (fits_left or fits_right):
        return False  # the neighbours stand beside nothing we know of: no evidence either way
    if (left and evidence.pair(left, tok)) or (right and evidence.pair(tok, right)):
        return False
    return _near_one_of(tok, fits_left, lexicon) or _near_one_of(tok, fits_right, lexicon)


def _near_one_of(tok: str, words: set[str], lexicon: Lexicon) -> bool:
    """Is a word of ``words`` other than ``tok`` among ``_lookup(tok)``? Asked of every
    ordinary word with a known neighbour: the trusted words a delete from a short common word
    number thousands, so unless they are at hand, the index's lists are checked one key at a
    time against ``words`` (stopping at the first shared word), never gathered."""
    if not words:
        return False
    near = lexicon._lookup_cache.get(tok)
    if near is not None or tok in words:
        return any(w != tok for w in (near if near is not None else _lookup(tok, lexicon)) & words)
    get = lexicon.lookup("_deletes").get
    for key in (tok, *(tok[:k] + tok[k + 1 :] for k in range(len(tok)))):
        found = get(key)
        if found and not words.isdisjoint(found):
            return True
    return False


# Only the cheapest slips of the learned OCR table: with the shipped table, ำ read as า right
# after a tone mark (0.12; น้ำ -> น้า). Tuned on the learn split and clean text: at 0.25 the next
# slip, ำ read as า anywhere (0.19), changed a correct ทา (ทาฟลูออไรด์) into ทำ.
SLIP_MAX_COST = 0.15
SLIP_MIN_GAIN = 1.0  # nats by which the slipped-from word must out-score the word as read


def _slip_alternative(tok: str, lexicon: Lexicon) -> tuple[str, float] | None:
    """The word ``tok`` most likely slipped from, by the learned channel: a trusted word one
    cheap slip away whose prior times the slip's probability beats ``tok`` as read by
    ``SLIP_MIN_GAIN`` (น้า 3,499 in the corpora, น้ำ 39,984, and Tesseract drops ำ's ring
    after a tone about half the time). Remembered per token."""
    if tok in lexicon._slip_cache:
        return lexicon._slip_cache[tok]
    found: tuple[str, float] | None = None
    if len(tok) >= 2 and THAI_WORD.match(tok) and lexicon.is_trusted(tok):
        own = lexicon.logp(tok)
        for w in _slipped_from(tok, lexicon):
            cost = ocr_cost(tok, w)
            if cost > SLIP_MAX_COST:
                continue
            gain = lexicon.logp(w) - own - CHANNEL_WEIGHT * cost
            if gain >= SLIP_MIN_GAIN and (found is None or gain > found[1]):
                found = (w, gain)
    if len(lexicon._slip_cache) > 200_000:
        lexicon._slip_cache.clear()
    lexicon._slip_cache[tok] = found
    return found


@lru_cache(maxsize=1)
def _cheap_slips() -> tuple[tuple[str, str], ...]:
    """(printed, intended) single-character slips the learned table prices at SLIP_MAX_COST or
    less ("" = nothing printed, or nothing intended); costlier slips cannot be one (two slips
    cost at least twice the cheapest edit, more than SLIP_MAX_COST)."""
    from bma_nlp.repair.profile import profile

    prof = profile()
    letters = [chr(c) for c in range(0x0E01, 0x0E4F)]
    out = {(b, a) for a, b in prof.cheap_substitutions(letters, SLIP_MAX_COST)}
    out |= {("", a) for a in letters if prof.drop_cost(a) <= SLIP_MAX_COST}
    out |= {(b, "") for b in letters if prof.insert_cost(b) <= SLIP_MAX_COST}
    return tuple(sorted(out))


def _slipped_from(tok: str, lexicon: Lexicon) -> set[str]:
    """Trusted words one cheap slip (``_cheap_slips``) away from ``tok``."""
    found: set[str] = set()
    for printed, intended in _cheap_slips():
        if printed:
            at = tok.find(printed)
            while at >= 0:
                found.add(tok[:at] + intended + tok[at + 1 :])
                at = tok.find(printed, at + 1)
        else:
            found.update(tok[:k] + intended + tok[k:] for k in range(1, len(tok) + 1))
    found.discard(tok)
    return {w for w in found if len(w) >= 2 and w in lexicon.trusted}


def _real_word_slip(line: _Line, i: int, lexicon: Lexicon) -> tuple[int, int, str, float, str] | None:
    """A real word that is far likelier a cheap OCR slip of another word (ปริมาณน้า for
    ปริมาณน้ำ), when no word pair with its neighbours speaks for it as read (ทา|สี stays)."""
    tok = line.tokens[i]
    found = _slip_alternative(tok, lexicon)
    if found is None:
        return None
    left, right = _neighbour(line, i, -1), _neighbour(line, i, 1)
    evidence = lexicon.context()
    if (left and evidence.pair(left, tok)) or (right and evidence.pair(tok, right)):
        return None  # its neighbours stand beside it as read
    return i, i, found[0], round(found[1], 2), "real-word OCR slip"


def _best_fix(line: _Line, i: int, lexicon: Lexicon, only: tuple[int, int] | None = None) -> tuple[int, int, str, float, str] | None:
    """Best (first_token, last_token, replacement, score, reason) around token ``i``, or None.

    Candidates from different windows are compared by the line they produce, so two windows
    proposing the same fix agree, and two different fixes of similar score make us abstain.
    """
    n = len(line.tokens)
    windows = []
    spans = [only] if only else [(a, b) for a in range(max(0, i - MAX_WINDOW), i + 1) for b in range(i, min(n, i + MAX_WINDOW + 1))]
    for a, b in spans:
        if any(line.protected[k] and not line.tokens[k] == " " for k in range(a, b + 1)):
            continue
        if line.tokens[a].isspace() or line.tokens[b].isspace() or line.tokens[a][0] in MARKS:
            continue  # a word cannot start with a space or a combining mark
        if sum(line.tokens[k].isspace() for k in range(a, b + 1)) > 1:
            continue
        s, e = line.span(a, b)
        if e - s > 30 or e - s < 2:
            continue  # (a lone letter alone: every short word holding it is as near, none can win)
        windows.append((a, b, s, e, line.text[s:e]))
    by_result: dict[str, tuple[float, int, int, str, int]] = {}
    prepared = []
    for a, b, s, e, window in windows:
        joined = window.replace(" ", "")
        if joined == window and window in lexicon.trusted and lexicon.freq.get(window, 0) >= 1000 and only is None:
            continue  # the window is a common word as it stands (unless its neighbours say otherwise)
        if joined == window and len(window) >= LISTED_KEPT_LENGTH and window in lexicon.dictionary:
            continue  # a long listed word as it stands (ฟุตซอล, not a slip of ฟุตบอล): OCR seldom makes one word of another
        if joined != window and not _space_splits_a_word(line, a, b, lexicon):
            continue  # a space between two words is a phrase break: never join across it
        dropped = {
            window[: line.starts[k] - s] + window[line.starts[k] - s + len(line.tokens[k]) :]
            for k in range(a, b + 1)
            if len(line.tokens[k]) >= 2 and (lexicon.is_trusted(line.tokens[k]) or _SYLLABLE.match(line.tokens[k]))  # a doubled lone letter may go; a word may not
        }
        dropped |= {d.replace(" ", "") for d in dropped}
        # the tokeniser's split is not the only reading of the original: take its best split
        base = max(_window_logp(line, a, b, lexicon), sum(lexicon.best_split_logp(part) for part in window.split(" ") if part))
        prepared.append((a, b, s, e, window, base, dropped))
    # Near candidates (one edit per word) first; the slower distance-2 search only if none wins.
    for far in (False, True):
        for a, b, s, e, window, base, dropped in prepared:
            if far:
                if b != a and not any(len(line.tokens[k]) == 1 for k in range(a, b + 1)):
                    continue  # the slow search: single tokens, or a token with a lone letter beside it
                if all(lexicon.is_trusted(line.tokens[k]) and len(line.tokens[k]) > 1 for k in range(a, b + 1)):
                    continue  # ... and only where something is plainly unknown
                candidates = _far_candidates(window, lexicon)
            else:
                candidates = _candidates(window, lexicon)
                joined = window.replace(" ", "")
                if joined != window and joined in lexicon.trusted:
                    # a spurious space inside a listed word
                    candidates = sorted([*candidates, ((joined,), lexicon.logp(joined))], key=lambda item: -item[1])
            _score(line, window, s, e, a, b, base, dropped, candidates, lexicon, by_result)
        if by_result and max(v[0] for v in by_result.values()) >= MIN_GAIN:
            break
    if not by_result:
        return None
    ranked = sorted(by_result.values(), key=lambda v: v[0], reverse=True)
    gain, a, b, replacement, _ = ranked[0]
    if gain < MIN_GAIN:
        return None
    rival = _rival(line, ranked)
    if rival is not None and gain - rival < MIN_MARGIN:
        return None  # two different fixes are about as good: the evidence does not decide
    return a, b, replacement, gain, "ocr word"


def _rival(line: _Line, ranked: list[tuple[float, int, int, str, int]]) -> float | None:
    """The score of the best-scored fix, after the best one, that reads the text otherwise. A
    fix on the way from the original to the best one (some of the same edits and no other:
    เกี่ยวข้อ on the way to เกี่ยวข้อง) agrees with it and is no rival: in a line OCR garbled
    throughout, a window often holds two slips, and the fix of one is runner-up to the fix
    of both."""
    if len(ranked) < 2:
        return None
    text = line.text
    _, a, b, replacement, _ = ranked[0]
    s, e = line.span(a, b)
    best = text[:s] + replacement + text[e:]
    to_best = Levenshtein.distance(text, best)
    for gain, a2, b2, replacement2, _ in ranked[1:]:
        s2, e2 = line.span(a2, b2)
        other = text[:s2] + replacement2 + text[e2:]
        if Levenshtein.distance(text, other) + Levenshtein.distance(other, best) != to_best:
            return gain
    return None


_STRAY = frozenset(".,'`")
_THAI_START = re.compile("[\u0e01-\u0e2e\u0e40-\u0e44]")


def _stray_punctuation(line: _Line, i: int, lexicon: Lexicon) -> bool:
    """A lone . , ' or ` glued to the end of a Thai word is an OCR speck when Thai text follows
    at once (or, for ' and `, which Thai does not use inside text, when a space or the line end
    follows and no opening quote stands before); a lone ' or ` glued to the start of a Thai word
    after a space, when no quote closes it, is one too. Abbreviations (กทม., พ.ศ.) and label dots
    (รหัสโครงการ...) are left alone."""
    tokens = line.tokens
    mark = tokens[i]
    if mark not in _STRAY or i == 0:
        return False
    before = tokens[i - 1]
    if mark in "'`" and before.isspace() and i + 1 < len(tokens) and line.text.count(mark) == 1:
        # ... or glued to the start of a Thai word after a space, with no quote closing it
        return bool(_THAI_START.match(tokens[i + 1]))
    if len(before) < 3 or not lexicon.is_trusted(before) or _ABBREVIATION.match(before):
        return False
    after = tokens[i + 1] if i + 1 < len(tokens) else ""
    if after and ("\u0e01" <= after[0] <= "\u0e2e" or "\u0e40" <= after[0] <= "\u0e44"):
        return True
    return mark in "'`" and (not after or after.isspace()) and mark not in line.text[: line.starts[i - 1]]


def _pair_suspect(line: _Line, i: int, lexicon: Lexicon) -> bool:
    """Two real words that together are one slip away from a common word (ร้าง|กาย for ร่างกาย):
    a real-word error inside a compound, visible only from the pair."""
    if i == 0 or line.protected[i - 1] or line.tokens[i - 1].isspace():
        return False
    if i + 1 < len(line.tokens) and not line.protected[i + 1] and _suspicious(line.tokens[i + 1], lexicon):
        return False  # a plainly garbled neighbour comes next: let its own repair see this pair
    pair = line.tokens[i - 1] + line.tokens[i]
    if len(pair) < 4 or pair in lexicon.trusted or pair in lexicon.dictionary:
        return False
    near = lexicon._pair_cache.get(pair)
    if near is None:
        if len(lexicon._pair_cache) > 200_000:
            lexicon._pair_cache.clear()
        near = lexicon._pair_cache[pair] = any(len(w) >= 4 and lexicon.freq.get(w, 0) >= PAIR_MIN_FREQ for w in _lookup(pair, lexicon))
    return near


def _cached_fix(line: _Line, i: int, lexicon: Lexicon, only: tuple[int, int] | None) -> tuple[int, int, str, float, str] | None:
    """``_best_fix`` remembered by its neighbourhood: archives repeat the same garbles and the
    same rare-but-correct words (in every copy of a report), so each is judged once."""
    lo, hi = max(0, i - MAX_WINDOW - 1), min(len(line.tokens), i + MAX_WINDOW + 2)  # windows and their neighbours
    key = (i - lo, only and (only[0] - lo, only[1] - lo), tuple(line.tokens[lo:hi]), tuple(line.protected[lo:hi]))
    if key in lexicon._fix_cache:
        found = lexicon._fix_cache[key]
        return None if found is None else (found[0] + lo, found[1] + lo, found[2], found[3], found[4])
    fix = _best_fix(line, i, lexicon, only)
    if len(lexicon._fix_cache) > 100_000:
        lexicon._fix_cache.clear()
    lexicon._fix_cache[key] = None if fix is None else (fix[0] - lo, fix[1] - lo, fix[2], fix[3], fix[4])
    return fix


# Specks OCR reads at the edge of a line of Thai text (``: การก่อสร้าง``, ``= | การ...``,
# ``... ตามที่ | :``): one to three groups of one or two speck characters, apart from the text.
_SPECKS = ":|.'=!;,_()\u201c\u201d`"
_SPECK_GROUP = f"[{re.escape(_SPECKS)}]{{1,2}}"
_LEAD_SPECK = re.compile(f"^(?:{_SPECK_GROUP} +){{1,3}}(?=[\u0e01-\u0e2e\u0e40-\u0e44])")
_TRAIL_SPECK = re.compile(f"(?<=[\u0e01-\u0e4e])(?: +{_SPECK_GROUP}){{1,3}}$")
# a dot or apostrophe glued to the first Thai word of a line (``.และอยู่ระหว่าง``), after any
# specks standing apart (``| .เพิ่มประสิทธิภาพ``, ``: .โดยภาษี``)
_GLUED_LEAD_SPECK = re.compile(f"^(?:{_SPECK_GROUP} +){{0,3}}[.'](?=[\u0e01-\u0e2e\u0e40-\u0e44])")
# one speck glued to the last Thai word of a line (``เพื่อให้.``, ``บรรเทาปัญหา”``); not a colon,
# which a line ending ``ดังนี้:`` or ``ได้แก่:`` writes glued to introduce what follows
_GLUED_TRAIL_SPECK = re.compile("(?<=[\u0e01-\u0e4e])[.'\u201d|]$")
_LAST_THAI_RUN = re.compile("[\u0e01-\u0e4e]+$")
# specks OCR reads as short Latin words at the end of a Thai line (``ฝ่ายโยธา A wea '``, ``กลุ่มงาน
# พัสดุ ave``, ``ต่อ 225 : ee``: a grainy scan's dust): after a Thai word, a run of tokens each
# lower-case Latin of one to three letters, one capital, or a speck group, with at least one
# lower-case token (``อาคาร A`` is a name)
_SPECK_WORD = re.compile(f"[a-z]{{1,3}}|[A-Z]|{_SPECK_GROUP}")
_SPECK_GROUP_RE = re.compile(_SPECK_GROUP)
_LATIN = re.compile("[A-Za-z]")
_PAIRED = {"(": ")", ")": "(", "\u201c": "\u201d", "\u201d": "\u201c"}


def _only_specks_here(junk: str, body: str, other_edge: str, wraps: str = "") -> bool:
    """Do ``junk``'s characters occur nowhere in the line's text (so ``::`` fields and table
    pipes stay), and does no bracket or quote in it pair with one in the text or at the other
    edge? ``wraps``: the brackets and quotes a parenthetical wrapped across lines leaves at
    this edge, which are text, not specks: opening ones at a line's end (at its start, a
    closing bracket or quote is as often an OCR speck: learn split)."""
    if wraps and junk.replace(" ", "") and all(ch in wraps for ch in junk.replace(" ", "")):
        return False
    for ch in junk.replace(" ", ""):
        pair = _PAIRED.get(ch)
        if ch in body or (pair is not None and (pair in body or pair in other_edge)):
            return False
    return True


def _ends_with_label(text: str) -> bool:
    """Does the text end with (something close to) a form label, so a colon after it is the form's?"""
    canon = _canon_label(text[-45:])
    return any(fuzz.partial_ratio(label, canon[-len(label) - 2 :]) >= LABEL_MIN_SCORE for label in _canon_labels() if label)


@lru_cache(maxsize=1)
def _canon_labels() -> tuple[str, ...]:
    return tuple(_canon_label(x) for x in form_labels())


@lru_cache(maxsize=1)
def _canon_label_set() -> frozenset[str]:
    return frozenset(_canon_labels())


def _without_label_colon(body: str) -> str:
    """``body`` less the colon of the form label it starts with (``ผู้รับผิดชอบโครงการ : ...``):
    that colon is the form's, so a colon standing at the line's edge besides it is a speck (a
    label line holds one). Any other colon stays, and keeps an edge colon."""
    head = _label_head(body)
    if head is None:
        return body
    m, canon = head
    if not _known_label(canon):
        if process.extractOne(canon, _canon_labels(), scorer=fuzz.ratio, processor=None, score_cutoff=LABEL_MIN_SCORE) is None:
            return body
    return body[: m.end(4) - 1] + body[m.end(4) :]


def _glued_trail_speck(text: str, lexicon: Lexicon) -> int:
    """Where a speck glued to the line's last Thai word starts (``เพื่อให้.``), or
    ``len(text)``: a trusted word of three letters or more ends there (for a dot, not a
    consonant-only one: กทม., สนศ. are abbreviations), and the speck's character occurs
    nowhere else in the line (checked by the caller)."""
    m = _GLUED_TRAIL_SPECK.search(text)
    if m is None:
        return len(text)
    run = _LAST_THAI_RUN.search(text, 0, m.start())
    letters = run.group() if run is not None else ""
    for k in range(3, min(len(letters), 20) + 1):
        word = letters[-k:]
        if word[0] not in MARKS and lexicon.is_trusted(word):
            return len(text) if m.group() == "." and _ABBREVIATION.match(word) else m.start()
    return len(text)


def _speck_words_start(text: str) -> int:
    """Where a run of speck words at the end of a Thai line starts (``_SPECK_WORD``), or
    ``len(text)``: up to five of them after a Thai word (after a figure, only with a speck group
    among them: ``500 m`` is a length), and no other Latin letter in the line (a line that
    writes English keeps its short words)."""
    if not text or not ("a" <= text[-1] <= "z" or text[-1] in _SPECKS or "A" <= text[-1] <= "Z"):
        return len(text)  # (most lines end in Thai: one look)
    tokens = text.rstrip().split(" ")
    k, lower = len(tokens), False
    while k > 0 and len(tokens) - k < 5 and (_SPECK_WORD.fullmatch(tokens[k - 1]) or not tokens[k - 1]):
        k -= 1
        lower = lower or tokens[k].islower()
    before = tokens[k - 1][-1:] if k else ""
    after_digit = before.isdigit() and any(_SPECK_GROUP_RE.fullmatch(t) for t in tokens[k:])  # ``ต่อ 225 : ee``, not ``500 m``
    if not lower or not ("\u0e01" <= before <= "\u0e4e" or after_digit):
        return len(text)
    head = " ".join(tokens[:k])
    if _LATIN.search(head):
        return len(text)
    return len(head)


def _edge_specks(text: str, lexicon: Lexicon) -> tuple[str, list[Repair]]:
    """Drop specks standing alone at the start or end of a Thai line, when their characters
    occur nowhere else in the line (a form label's own colon aside). A table row (``| ... |``)
    is left as it is."""
    changes: list[Repair] = []
    if text.startswith("|") and text.rstrip().endswith("|"):
        return text, changes
    lead = _GLUED_LEAD_SPECK.match(text) or _LEAD_SPECK.match(text)  # (the longer reading first: ``| .เพิ่ม``)
    trail = _TRAIL_SPECK.search(text)
    lead_end = lead.end() if lead else 0
    trail_start = trail.start() if trail else _speck_words_start(text)
    if trail_start == len(text):
        trail_start = _glued_trail_speck(text, lexicon)
    if trail_start < lead_end:
        trail_start = len(text)
    if lead is None and trail_start == len(text):
        return text, changes  # (most lines: nothing at either edge)
    body = _without_label_colon(text[lead_end:trail_start])
    if lead and _only_specks_here(lead.group().strip(), body, text[trail_start:]):
        changes.append(Repair(0, lead_end, text[:lead_end], "", "OCR speck at the line start", 1.0))
        text, trail_start, lead_end = text[lead_end:], trail_start - lead_end, 0
    # a short line ending in a colon may be a label we do not know (ผลการดำเนินงาน :)
    if trail_start < len(text) and trail_start >= 25 and _only_specks_here(text[trail_start:].strip(), body, "", wraps="(\u201c"):
        if not _ends_with_label(text[:trail_start]):
            changes.append(Repair(trail_start, len(text), text[trail_start:], "", "OCR speck at the line end", 1.0))
            text = text[:trail_start]
    return text, changes


# Lines remembered before the memo is emptied. A worker at a million installments meets some
# 130k distinct lines, each seen about eight times; emptied at 20k, the memo lost the lines still
# recurring, and 12,000 generated files repaired 55,199 lines instead of their 40,289 distinct ones
# (13% more of repair's line work). About 0.7 kB a line: some 70 MB when full.
LINE_CACHE_LINES = 100_000


def repair_line(text: str, lexicon: Lexicon, name_first: bool = False) -> tuple[str, list[Repair]]:
    """Repair one line; each change's offsets refer to the line as it stood when it was made.
    ``name_first``: the line before ended with a person's title (``ends_with_title``), so this
    line begins with that person's name, which is left as it is.

    Remembered per line: the copies of a report, and the reports of an archive, repeat whole
    lines (headers, labels, boilerplate), and a line's repair depends on nothing outside it
    but that (a line after a title is rare: not remembered)."""
    if name_first:
        return _repair_passes(text, lexicon, name_first=True)
    found = lexicon._line_cache.get(text)
    if found is None:
        if len(lexicon._line_cache) > LINE_CACHE_LINES:
            lexicon._line_cache.clear()
        found = lexicon._line_cache[text] = _repair_passes(text, lexicon)
    return found[0], list(found[1])


def _repair_passes(text: str, lexicon: Lexicon, name_first: bool = False) -> tuple[str, list[Repair]]:
    """``_repair_line``, again on its result while a pass changes the line (``REPAIR_PASSES``
    in all): a fix of one garble gives its neighbours, judged beside the garble before, a
    readable context, and a window fix that wrote a garbled neighbour again as it stood kept
    that neighbour from being judged itself (in a line OCR garbled throughout, most garbles
    stand beside another)."""
    fixed, changes = _repair_line(text, lexicon, name_first=name_first)
    for _ in range(REPAIR_PASSES - 1):
        if fixed == text:
            break
        # judged again: the tokens at and beside what changed (elsewhere nothing is new)
        focus = [(op.dest_start, op.dest_end) for op in Levenshtein.opcodes(text, fixed) if op.tag != "equal"]
        text = fixed
        fixed, more = _repair_line(text, lexicon, focus, name_first)
        changes = changes + more
    return fixed, changes


def _within_reach(line: _Line, spans: list[tuple[int, int]]) -> list[bool]:
    """Per token: does it, or a token ``PASS_REACH`` or fewer tokens away, overlap one of
    ``spans`` (or touch a place where text was deleted)?"""
    n = len(line.tokens)
    touched = [any(s <= start + len(tok) and start <= e for s, e in spans) for start, tok in zip(line.starts, line.tokens, strict=True)]
    reach = PASS_REACH
    return [any(touched[max(0, k - reach) : min(n, k + reach + 1)]) for k in range(n)]


def _unless_outbid(line: _Line, i: int, fix: tuple[int, int, str, float, str], lexicon: Lexicon) -> tuple[int, int, str, float, str] | None:
    """A weak fix of token ``i`` waits when the next suspicious token within reach has a
    stronger fix that overlaps it (เรีย|u|สังกัด: not เรียน+u, but โรงเรียนสังกัด from the u):
    tokens are judged left to right, and the first fix found must not pre-empt a better one."""
    for j in range(i + 1, min(len(line.tokens), fix[1] + MAX_WINDOW + 1)):
        if line.protected[j] or line.tokens[j].isspace() or not _suspicious(line.tokens[j], lexicon):
            continue
        other = _cached_fix(line, j, lexicon, None)
        if other is not None and other[0] <= fix[1] and other[3] > fix[3]:
            return None
        break
    return fix


def _repair_line(text: str, lexicon: Lexicon, focus: list[tuple[int, int]] | None = None, name_first: bool = False) -> tuple[str, list[Repair]]:
    """One pass over a line; with ``focus`` (character spans of this text), only the tokens
    whose windows could reach one of the spans are judged."""
    text, changes = _edge_specks(text, lexicon)
    text_fixed, label_fix = repair_label(text, lexicon)
    if label_fix is not None:
        changes.append(label_fix)
    line = _Line(text_fixed, lexicon, name_first)
    out: list[str] = []
    last = 0
    i = 0
    label = _LABEL.match(text_fixed)
    known = label is not None and _canon_label(label.group(2)) in _canon_label_set()
    # a form label (fixed or known) is left alone by word repair
    label_end = label.end(3) if label is not None and (known or label_fix) else -1
    reach = _within_reach(line, focus) if focus is not None and text_fixed == text else None
    while i < len(line.tokens):
        tok = line.tokens[i]
        if line.starts[i] < label_end or (reach is not None and not reach[i]):
            i += 1
            continue
        if _stray_punctuation(line, i, lexicon):
            fix: tuple[int, int, str, float, str] | None = (i, i, "", 1.0, "stray punctuation inside Thai text")
        elif tok == " " and _space_suspect(line, i, lexicon):
            # the two words and the space between them, or a wider window around the space
            # (คณะ|กรรม การ: the compound the space breaks may start a word earlier)
            fix = _cached_fix(line, i, lexicon, None)
        elif line.protected[i]:
            i += 1
            continue
        elif _suspicious(tok, lexicon):
            fix = _cached_fix(line, i, lexicon, None)
        elif _pair_suspect(line, i, lexicon):
            fix = _cached_fix(line, i, lexicon, (i - 1, i))  # judge the pair itself, nothing wider
        elif _context_suspect(line, i, lexicon):
            fix = _cached_fix(line, i, lexicon, (i, i))  # the word alone, judged with its neighbours
            if fix is None:
                fix = _real_word_slip(line, i, lexicon)
        elif (slip := _real_word_slip(line, i, lexicon)) is not None:
            fix = slip
        else:
            i += 1
            continue
        if fix is not None and fix[4] == "ocr word" and fix[3] < MIN_GAIN + MIN_MARGIN:
            fix = _unless_outbid(line, i, fix, lexicon)
        if fix is None:
            i += 1
            continue
        a, b, replacement, gain, reason = fix
        s, e = line.span(a, b)
        if s < last:
            i += 1
            continue
        out.append(line.text[last:s])
        at = sum(len(piece) for piece in out)  # where the change sits in the line as it then was
        out.append(replacement)
        changes.append(Repair(at, at + e - s, line.text[s:e], replacement, reason, round(gain, 2)))
        last = e
        i = b + 1
    out.append(line.text[last:])
    fixed = "".join(out)
    trail = [c for c in changes if c.reason == "OCR speck at the line end"]
    if trail:  # made first on the unrepaired line: re-anchor it to the line's final length
        changes.remove(trail[0])
        changes.append(replace(trail[0], start=len(fixed), end=len(fixed) + len(trail[0].original)))
    return fixed, changes


def ends_with_title(line: str) -> bool:
    """Does ``line`` end with a person's title standing as a word (โดยมีนาย, not ทำนาย)?"""
    m = _TITLE_AT_END.search(line)
    if m is None:
        return False
    start = m.start()
    if start == 0 or not _THAI_ANY.match(line[start - 1]):
        return True
    # glued to the word before it: a title only where the tokeniser cuts there
    lead = max(0, start - 20)
    pos = lead
    for tok in word_tokenize(line[lead:], engine="nlpo3", compounds=True, keep_whitespace=True):
        if pos >= start:
            break
        pos += len(tok)
    return pos == start


def names_first(lines: list[str]) -> list[bool]:
    """For each of consecutive ``lines``: does it begin with a name, the line before ending with a
    person's title (``repair_line``'s ``name_first``)?"""
    return [number > 0 and ends_with_title(lines[number - 1]) for number in range(len(lines))]


def repair_lines(lines: list[str], lexicon: Lexicon, consensus: bool = True) -> tuple[list[str], list[Repair]]:
    """Lexical repair of every line, then (for files holding 3+ copies) the copies vote."""
    from bma_nlp.repair.consensus import vote_lines

    fixed: list[str] = []
    changes: list[Repair] = []
    for number, (line, name_first) in enumerate(zip(lines, names_first(lines), strict=True)):
        new, line_changes = repair_line(line, lexicon, name_first)
        fixed.append(new)
        changes.extend(replace(c, line=number) for c in line_changes)
    if consensus:
        for number, (new, line_changes) in sorted(vote_lines(fixed).items()):
            fixed[number] = new
            changes.extend(replace(c, line=number) for c in line_changes)
    return fixed, changes


def repair_text(text: str, lexicon: Lexicon | None = None, consensus: bool = True) -> RepairResult:
    """Repair every line of ``text`` (lines are kept one for one)."""
    lexicon = lexicon or load_lexicon()
    normalised = normalize_thai(text)
    lines, changes = repair_lines(normalised.split("\n"), lexicon, consensus)
    if normalised != text:
        changes.insert(0, Repair(0, 0, "", "", "unicode normalisation (NFC, ํ+า -> ำ, zero-width removed)", 1.0))
    return RepairResult("\n".join(lines), text, changes)
