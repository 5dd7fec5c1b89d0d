"""Text for the full-text indexes, and FTS5 queries built the same way.

Thai is written without spaces, so SQLite's tokenizers cannot find words in it. Each note
(and the project name and agency) is tokenised with the project's tokeniser and indexed as
space-joined tokens in an FTS5 table whose ``unicode61`` tokenizer keeps Thai marks inside
tokens. Both units are indexed: the compound tokens (``สำนักการโยธา``) and the plain-dictionary
split (``สำ นักการ โยธา``), plus the plain split of each compound on its own, which is often
better than the split of the whole text (``ค่าใช้จ่ายโครงการพัฒนา...`` gives ``โครงการ``). A
query is tokenised the same two ways; its tokens are ANDed. A second FTS5 table with the
``trigram`` tokenizer holds the original text, so any fragment of three or more characters
matches even where no tokenisation puts a boundary.
"""

from __future__ import annotations

import re
import unicodedata
import zlib
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

from bma_nlp.text.normalize import normalize_thai

# The token index's tokenizer: letters, digits, private use and all marks are token
# characters (``M*`` keeps Thai vowel and tone marks inside tokens); anything else separates.
TOKEN_TOKENIZER = "unicode61 categories 'L* N* Co M*'"
TRIGRAM_MIN = 3


_LETTER_OR_DIGIT = re.compile(r"[^\W_]")  # str.isalnum's characters: exactly categories L* and N*


def _indexable(token: str) -> bool:
    """True when FTS5 would keep at least one character of ``token`` (see TOKEN_TOKENIZER)."""
    if _LETTER_OR_DIGIT.search(token):  # nearly every token: one C scan instead of a category per character
        return True
    return any(unicodedata.category(ch)[0] == "M" or unicodedata.category(ch) == "Co" for ch in token)


def _tokens(text: str, compounds: bool) -> list[str]:
    from bma_nlp.tokenize import word_tokenize

    return [t for t in word_tokenize(text, engine="nlpo3", compounds=compounds) if _indexable(t)]


@lru_cache(maxsize=16384)
def _compound_parts(token: str) -> tuple[str, ...]:
    """The plain split of one domain compound (the same few hundred recur in every note)."""
    return tuple(_tokens(token, compounds=False))


@lru_cache(maxsize=8192)
def index_text(text: str) -> str:
    """Space-joined tokens of ``text`` for the token index: compound tokens, then the extra
    tokens of the plain split (of the whole text and of each compound) not already counted.

    Cached: progress notes repeat a lot (``โครงการแล้วเสร็จ``), and so do agency names.
    """
    if not text or not text.strip():
        return ""
    from bma_nlp.tokenize import domain_words

    compound = _tokens(text, compounds=True)
    whole = Counter(_tokens(text, compounds=False))
    parts: Counter[str] = Counter()
    lexicon = domain_words()
    for token in compound:
        if token in lexicon and len(token) > 3:
            parts.update(_compound_parts(token))
    extra = (whole | parts) - Counter(compound)  # | keeps the larger count of each token
    return " ".join(compound + list(extra.elements()))


# -- facets: filters as index tokens --------------------------------------------------------
# Filtering the rows of a broad match one by one costs a lookup per row; FTS5 intersects
# doclists instead. Each installment is indexed with short tokens for what search filters on:
# s<stage> (sunknown when none), y<fiscal year>, f when flagged, a<agency number>, c<code>.
# The trigram tables get each facet (but the code) as one trigram: a kind character and two
# value characters from Unicode's private use area, which no text holds, so a facet is one
# small doclist there too (a readable ``|y2566|`` would be several large ones).

_PUA_KIND = {"stage": 0xF8F0, "year": 0xF8F1, "flag": 0xF8F2, "agency": 0xF8F3}


def _alnum(text: str) -> str:
    return re.sub(r"[^0-9a-z]", "", text.lower())


def _stage_key(stage: str | None) -> str:
    return _alnum(stage or "") or "unknown"


def stage_facet(stage: str | None) -> str:
    return "s" + _stage_key(stage)


def year_facet(year: int | None) -> str:
    return f"y{year}" if year is not None else "ynone"


FLAG_FACET = "f"


def agency_facet(agency_id: int) -> str:
    return f"a{agency_id}"


def code_facet(code: str) -> str:
    return "c" + re.sub(r"[^0-9a-z]", "x", code.lower())


def trigram_facet(kind: str, value: str | int | None) -> str:
    """One facet as a single trigram: a kind character and two value characters (24 bits)."""
    if isinstance(value, int):
        number = value & 0xFFFFFF
    else:
        number = zlib.crc32(str(value).encode("utf-8")) & 0xFFFFFF
    return chr(_PUA_KIND[kind]) + chr(0xE000 + (number >> 12)) + chr(0xE000 + (number & 0xFFF))


def stage_trigram(stage: str | None) -> str:
    return trigram_facet("stage", _stage_key(stage))


def year_trigram(year: int | None) -> str:
    return trigram_facet("year", year if year is not None else 0)


FLAG_TRIGRAM = trigram_facet("flag", 1)


def agency_trigram(agency_id: int) -> str:
    return trigram_facet("agency", agency_id)


@lru_cache(maxsize=1024, typed=True)
def facets(stage: str | None, year: int | None, flagged: bool, agency_id: int | None, code: str | None) -> tuple[str, str]:
    """The facets column of an installment: (for the token index, for the trigram index).
    Cached: a report's installments share all but the stage (the writer asks once per row)."""
    tokens = [stage_facet(stage), year_facet(year)]
    trigrams = [stage_trigram(stage), year_trigram(year)]
    if flagged:
        tokens.append(FLAG_FACET)
        trigrams.append(FLAG_TRIGRAM)
    if agency_id:
        tokens.append(agency_facet(agency_id))
        trigrams.append(agency_trigram(agency_id))
    if code:
        tokens.append(code_facet(code))
    return " ".join(tokens), "".join(trigrams)


def header_facets(year: int | None, agency_id: int | None) -> str:
    """The facets column of a project header in the trigram index (report-level filters)."""
    return year_trigram(year) + (agency_trigram(agency_id) if agency_id else "")


def fts_phrase(text: str) -> str:
    """``text`` as one FTS5 string (a phrase): quotes doubled, so no query syntax survives."""
    return '"' + text.replace('"', '""') + '"'


@dataclass
class QueryPlan:
    """How one user query runs against the two indexes."""

    text: str  # the normalised query
    token_match: str | None = None  # FTS5 expression for the token index
    trigram_match: str | None = None  # FTS5 expression for the trigram index
    short_parts: list[str] = field(default_factory=list)  # parts too short for trigrams: checked with instr()
    terms: list[str] = field(default_factory=list)  # what to highlight, longest first
    token_alternatives: list[tuple[str, ...]] = field(default_factory=list)  # the token index's ORed sets of ANDed tokens
    trigram_parts: list[str] = field(default_factory=list)  # the trigram indexes' ANDed parts

    @property
    def empty(self) -> bool:
        return self.token_match is None and self.trigram_match is None


def plan_query(query: str) -> QueryPlan:
    """Tokenise ``query`` as the index was: (compound tokens ANDed) OR (plain tokens ANDed);
    and, for the trigram index, the whitespace-separated parts ANDed."""
    text = " ".join(normalize_thai(query).split())
    plan = QueryPlan(text)
    if not text:
        return plan
    alternatives: list[tuple[str, ...]] = []
    for compounds in (True, False):
        alt = tuple(dict.fromkeys(_tokens(text, compounds)))
        if alt and alt not in alternatives:
            alternatives.append(alt)
    plan.token_alternatives = alternatives
    if alternatives:
        plan.token_match = " OR ".join("(" + " AND ".join(fts_phrase(t) for t in alt) + ")" for alt in alternatives)
    parts = [p for p in dict.fromkeys(text.split()) if _indexable(p)]
    long_parts = [p for p in parts if len(p) >= TRIGRAM_MIN]
    if long_parts:
        plan.trigram_match = " AND ".join(fts_phrase(p) for p in long_parts)
        plan.trigram_parts = long_parts
        plan.short_parts = [p for p in parts if len(p) < TRIGRAM_MIN]
    terms = {t for alt in alternatives for t in alt} | set(parts)
    plan.terms = sorted(terms, key=lambda t: (-len(t), t))
    return plan


def _is_mark(ch: str) -> bool:
    return unicodedata.category(ch) in ("Mn", "Mc", "Me")


def snippet(text: str, terms: list[str], width: int = 90, left: str = "«", right: str = "»") -> str | None:
    """A window of ``text`` around the first match of any term, matches between markers;
    None when no term occurs in ``text``. Works on the original text (not the tokens)."""
    if not text or not terms:
        return None
    pattern = re.compile("|".join(re.escape(t) for t in terms), re.IGNORECASE)
    matches = list(pattern.finditer(text))
    if not matches:
        return None
    first = matches[0]
    start = max(0, first.start() - width // 3)
    end = min(len(text), start + width)
    start = max(0, min(start, end - width))
    while 0 < start < len(text) and _is_mark(text[start]):  # never start on a vowel or tone mark
        start -= 1
    while end < len(text) and _is_mark(text[end]):  # nor cut one off its consonant
        end += 1
    out: list[str] = ["…" if start > 0 else ""]
    pos = start
    for m in matches:
        if m.end() <= start or m.start() >= end:
            continue
        s, e = max(m.start(), start), min(m.end(), end)
        out.append(text[pos:s])
        out.append(left + text[s:e] + right)
        pos = e
    out.append(text[pos:end])
    out.append("…" if end < len(text) else "")
    return "".join(out)
