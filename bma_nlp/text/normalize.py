"""Normalisation that can never change meaning.

Only invisible or purely typographic differences are removed: Unicode composition,
ำ written as ํ + า, เ + เ typed or read for แ, tone marks and vowels typed twice or in the
wrong order, a space before a combining mark, zero-width characters, replacement and box
glyphs, and the Markdown escapes/bold markers an OCR export leaves behind. The Thai rules are
PyThaiNLP's (``pythainlp.util.reorder_vowels``, ``remove_repeat_vowels``,
``remove_spaces_before_marks``); its all-in-one ``normalize`` is *not* used because it also
collapses spaces and line breaks (layout the parser reads) and deletes marks left dangling
after a space (evidence repair uses to rejoin ``ผู ้รับ``). Words are never touched here (that
is ``bma_nlp.repair``'s job, which explains every change).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Any

_NIKHAHIT = "\u0e4d"  # ํ
_SARA_AA = "\u0e32"  # า
_SARA_AM = "\u0e33"  # ำ
_TONES = "\u0e48-\u0e4b"

# ํ (+ tone) + า -> (tone +) ำ ; tone written after ํ is moved before ำ as Thai spelling requires.
_AM_SPLIT = re.compile(f"{_NIKHAHIT}([{_TONES}]?){_SARA_AA}")
# the characters PyThaiNLP's rules act on: lead vowels (a repeated โ too), follow vowels, marks
_THAI_MARKS = re.compile("[\u0e30-\u0e3a\u0e40-\u0e45\u0e47-\u0e4e]")
_TONE_TWICE_AA = re.compile(f"([{_TONES}])\\1{_SARA_AA}")
# Every place one of PyThaiNLP's rules (reorder_vowels, remove_repeat_vowels,
# remove_spaces_before_marks) can act: เเ; a tone or thanthakhat before a vowel sign above or
# below or a mark; nikhahit (+ tones) before า; a follow vowel before a tone; lakkhangyao; a vowel
# or sign repeated; a space before a mark. (A tone before า, ะ or ำ is how Thai is spelt, ร้าง:
# no rule acts there, so most Thai queries stay clear of importing PyThaiNLP.)
_RULE_TRIGGERS = re.compile(
    "\u0e40\u0e40|[\u0e48-\u0e4c][\u0e31\u0e34-\u0e3a\u0e47-\u0e4e]|\u0e4d[\u0e48-\u0e4b]*\u0e32"
    "|[\u0e30\u0e32\u0e33\u0e45][\u0e48-\u0e4b]|\u0e45"
    "|([\u0e30-\u0e3a\u0e40-\u0e45\u0e47-\u0e4e]) *\\1| [\u0e31\u0e34-\u0e3a\u0e47-\u0e4e]"
)
# ...and C0 control characters (NUL, ESC, BEL...; tab, newlines and form feed stay): never text,
# and a NUL or ESC that reached the archive or a terminal would do harm there.
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad\ufffd\x00-\x08\x0b\x0e-\x1f\x7f]")
_BOX_CHARS = frozenset("\u25a0\u25a1\u25aa\u25ab\u25af\u2610\u2b1a\u25fb\u25fc")
_BOXES = re.compile(f"[{''.join(sorted(_BOX_CHARS))}]")
# Runs of 2+ asterisks are bold markers or ``****`` decorations: typography, never content.
_ASTERISKS = re.compile(r"\*\*+")  # a literal first: the engine jumps from asterisk to asterisk (``\*{2,}`` tries every position)
_MD_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|>~])")


def normalize_thai(text: str) -> str:
    """NFC, invisible characters out, then PyThaiNLP's spelling-order rules (safe on any Thai
    string: เเ -> แ, ํ+า -> ำ, repeated or misordered marks, a space before a mark)."""
    text = unicodedata.normalize("NFC", text)
    text = _INVISIBLE.sub("", text)
    if not _THAI_MARKS.search(text):
        return text  # nothing for the Thai rules to do (and they cost time)
    text = _AM_SPLIT.sub(lambda m: m.group(1) + _SARA_AM, text)
    if _BY_CODES_MIN <= len(text) <= _BY_CODES_MAX:
        return _by_codes(text)
    text = _tones_and_split_e(text)
    if not _RULE_TRIGGERS.search(text):
        return text  # none of PyThaiNLP's rules would change it: a query stays clear of importing PyThaiNLP
    return _thai_rules_where_needed(text, [m.start() for m in _RULE_TRIGGERS.finditer(text)])


def _tones_and_split_e(text: str) -> str:
    # A tone mark twice before า is ำ whose nikhahit OCR read as a second tone (น้้า for น้ำ):
    # measured on real Tesseract output (scripts/make_ocr_pairs.py), 103 of 103 such cases were
    # ำ. Run before PyThaiNLP's repeat rule, which would keep one tone and lose the ำ.
    text = _TONE_TWICE_AA.sub(lambda m: m.group(1) + _SARA_AM, text)
    # เ + space + เ is แ read in two strokes: joined here, or the repeat rule would drop one เ
    return text.replace("\u0e40 \u0e40", "\u0e41")


# A long text (a report file) is searched for the places above with numpy over its code points,
# one vectorised comparison per kind of place: the regexes try their alternatives at every
# character, most of a file's normalising time. A short one (a query, a note) keeps the regexes
# and never imports numpy. Both find the same places (tests/test_normalize_triggers.py).
_BY_CODES_MIN = 2000
_BY_CODES_MAX = 1_000_000  # ~13 bytes of arrays a character: a huge file (up to the 64 MB limit) keeps the regexes
# each code point's kind, for U+0000..U+0E7F (anything above is "other"): 0 other, 1 space,
# 2 เ, 3 the other lead vowels แโใไ, 4 ะ ำ, 5 า, 6 ๅ, 7 a tone, 8 thanthakhat, 9 nikhahit,
# 10 the other vowel signs above or below and marks (ั ิ-ฺ ็ ๎)
_KINDS = {0x20: 1, 0x0E40: 2, 0x0E30: 4, 0x0E33: 4, 0x0E32: 5, 0x0E45: 6, 0x0E4C: 8, 0x0E4D: 9, 0x0E31: 10, 0x0E47: 10, 0x0E4E: 10}
_KINDS.update(dict.fromkeys(range(0x0E41, 0x0E45), 3))
_KINDS.update(dict.fromkeys(range(0x0E48, 0x0E4C), 7))
_KINDS.update(dict.fromkeys(range(0x0E34, 0x0E3B), 10))
_SIGNS = (7, 8, 9, 10)  # [\u0e31\u0e34-\u0e3a\u0e47-\u0e4e]: a vowel sign above or below, or a mark
# two neighbours that trigger a rule: เเ; a tone or thanthakhat before a sign; a follow vowel
# (ะ า ำ ๅ) before a tone; a space before a sign; and lakkhangyao (ๅ) before anything
_PAIRS = {(2, 2)} | {(a, b) for a in (7, 8) for b in _SIGNS} | {(a, 7) for a in (4, 5, 6)} | {(1, b) for b in _SIGNS}
_PAIRS |= {(6, b) for b in range(11)}  # ๅ, whatever follows it


@lru_cache(maxsize=1)
def _code_tables() -> tuple[Any, Any]:
    """``_KINDS`` and ``_PAIRS`` as numpy lookup tables (a kind by code point, a pair by ``11 * a + b``)."""
    import numpy as np

    kinds = np.zeros(0x0E81, dtype=np.uint8)
    for c, kind in _KINDS.items():
        kinds[c] = kind
    pairs = np.zeros(11 * 11, dtype=bool)
    for a, b in _PAIRS:
        pairs[11 * a + b] = True
    return kinds, pairs


class _Codes:
    """A text's code points and their kinds (numpy arrays), for finding the places above."""

    def __init__(self, text: str) -> None:
        import numpy as np

        self.np = np
        kinds, self.pairs = _code_tables()
        self.text = text
        p = self.points = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)  # one unit a character
        k = self.kinds = kinds.take(np.minimum(p, 0x0E80))
        # a vowel or sign repeated, spaces between: the same one next once spaces are left out
        keep = np.flatnonzero(k != 1)
        same = p.take(keep)
        at = (same[:-1] == same[1:]) & (k.take(keep[:-1]) >= 2)
        self.repeats, self.gaps = keep[:-1][at], keep[1:][at] - keep[:-1][at]  # where, and how far the second one is

    def rewrites(self) -> bool:
        """Whether ``_tones_and_split_e`` has anything to rewrite: a tone twice before า, or เ เ."""
        p, at, gap = self.points, self.repeats, self.gaps
        twice = at[(gap == 1) & (self.kinds.take(at) == 7)]
        return bool((p.take(at[gap == 2]) == 0x0E40).any() or (p.take(twice[twice + 2 < len(p)] + 2) == 0x0E32).any())

    def triggers(self) -> list[int]:
        """Where a match of ``_RULE_TRIGGERS`` can start, in order."""
        np, k = self.np, self.kinds
        hits = self.pairs.take(k[:-1] * 11 + k[1:])  # the neighbours of _PAIRS (kinds < 11: no overflow in uint8)
        if "\u0e4d" in self.text:  # nikhahit (+ tones) before า: ํ just before า once the tones are left out
            keep = np.flatnonzero(k != 7)
            kept = k.take(keep)
            hits[keep[:-1][(kept[:-1] == 9) & (kept[1:] == 5)]] = True
        hits[self.repeats] = True
        found = np.flatnonzero(hits).tolist()
        return [*found, len(k) - 1] if len(k) and k[-1] == 6 else found  # ๅ last (any ๅ before it is a pair's first)


def _by_codes(text: str) -> str:
    """The steps of ``normalize_thai`` after ``_AM_SPLIT``, their places found with ``_Codes``."""
    codes = _Codes(text)
    if codes.rewrites():
        text = _tones_and_split_e(text)
        codes = _Codes(text)
    starts = codes.triggers()
    return _thai_rules_where_needed(text, starts) if starts else text


def _thai_rules(text: str) -> str:
    from pythainlp.util import remove_repeat_vowels, remove_spaces_before_marks

    text = remove_repeat_vowels(text)  # reorder_vowels first (เเ -> แ), then repeats
    return remove_spaces_before_marks(text)


def _thai_rules_where_needed(text: str, starts: list[int]) -> str:
    """PyThaiNLP's rules on the lines a rule can act on, the rest untouched.

    Every rule acts inside a line (marks, spaces, at most the character before: none reads or
    writes a line break), so running them on the triggered lines alone gives the same text as
    running them on the whole file; a file has few such lines, and the rules are ~45 regex passes.
    ``starts``: where the triggers start, in order (a trigger never spans a line break).
    """
    spans: list[tuple[int, int]] = []
    for at in starts:
        if spans and at < spans[-1][1]:
            continue  # same line as the previous trigger
        start = text.rfind("\n", 0, at) + 1
        end = text.find("\n", at)
        spans.append((start, len(text) if end < 0 else end))
    # each line keeps the character before it ("\n"), which the lakkhangyao rule reads
    lead = "\n" if spans[0][0] > 0 else ""
    done = _thai_rules(lead + "\n".join(text[a:b] for a, b in spans))[len(lead):].split("\n")
    if len(done) != len(spans):
        return _thai_rules(text)  # never expected: a rule changed the line count; whole text then
    out: list[str] = []
    last = 0
    for (a, b), line in zip(spans, done, strict=True):
        out.append(text[last:a])
        out.append(line)
        last = b
    out.append(text[last:])
    return "".join(out)


def _escaped(m: re.Match[str]) -> str:
    return m.group(1)  # what ``sub(r"\1")`` gives, without expanding a template per escape


def strip_markup(text: str) -> str:
    """Drop box glyphs, Markdown escapes, bold markers and asterisk rules, and trailing spaces."""
    if any(c in text for c in _BOX_CHARS):  # str's own search per glyph: faster than a regex scan
        text = _BOXES.sub("", text)
    if "\\" in text:
        text = _MD_ESCAPE.sub(_escaped, text)
    if "**" in text:
        text = _ASTERISKS.sub("", text)
    if " \n" in text or "\u00a0\n" in text or text.endswith((" ", "\u00a0")):
        # spaces at each line's end, line by line (a regex ``[ \u00a0]+$`` tries every space of the text)
        text = "\n".join(line.rstrip(" \u00a0") for line in text.split("\n"))
    return text


def normalize(text: str) -> str:
    """Full normalisation applied to every file the pipeline reads."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return strip_markup(normalize_thai(text))


_THAI_DIGIT = re.compile("[๐-๙]")


def arabic_digits(text: str) -> str:
    """Thai digits to ASCII digits, everything else unchanged. Faster than ``str.translate``,
    which looks up every character of a Thai text in its table (25 us a note): most texts hold
    no Thai digit (``isascii`` or one scan tells), the others are rewritten digit by digit (each
    ``replace`` one fast scan)."""
    if text.isascii() or not _THAI_DIGIT.search(text):
        return text
    for thai, arabic in zip("๐๑๒๓๔๕๖๗๘๙", "0123456789", strict=True):
        text = text.replace(thai, arabic)
    return text
