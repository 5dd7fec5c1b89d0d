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

_NIKHAHIT = "\u0e4d"  # ํ
_SARA_AA = "\u0e32"  # า
_SARA_AM = "\u0e33"  # ำ
_TONES = "\u0e48-\u0e4b"

# ํ (+ tone) + า -> (tone +) ำ ; tone written after ํ is moved before ำ as Thai spelling requires.
_AM_SPLIT = re.compile(f"{_NIKHAHIT}([{_TONES}]?){_SARA_AA}")
# the characters PyThaiNLP's rules act on: leading vowel เ, follow vowels, marks
_THAI_MARKS = re.compile("[\u0e30-\u0e3a\u0e40\u0e45\u0e47-\u0e4e]")
_TONE_TWICE_AA = re.compile(f"([{_TONES}])\\1{_SARA_AA}")
# Every place one of PyThaiNLP's rules (reorder_vowels, remove_repeat_vowels,
# remove_spaces_before_marks) can act, one alternative per rule: เเ; a tone or thanthakhat before an
# above/below vowel; nikhahit (+ tones) + า; a follow vowel before a tone; lakkhangyao; a vowel or
# sign repeated (spaces between); two tones; a space before a mark. No rule reads across a line
# break, so the rules run on the lines holding a trigger only (a tone before า, as Thai is
# spelled, is none: the rules would cost time on nearly every line of a report).
_RULE_TRIGGERS = re.compile(
    # the lookahead names every character a trigger starts with: the engine tries the
    # alternatives only there (twice as fast on a report)
    "(?=[\u0e30-\u0e3a\u0e40-\u0e45\u0e47-\u0e4e ])"
    "(?:\u0e40\u0e40|[\u0e48-\u0e4c][\u0e31\u0e34-\u0e39\u0e47\u0e4d]|\u0e4d[\u0e48-\u0e4b]*\u0e32"
    "|[\u0e30\u0e32\u0e33\u0e45][\u0e48-\u0e4b]|\u0e45|[\u0e48-\u0e4b]{2}"
    "|([\u0e30-\u0e3a\u0e40-\u0e45\u0e47-\u0e4e]) *\\1| [\u0e31\u0e34-\u0e3a\u0e47-\u0e4e])"
)
# A fast gate before _RULE_TRIGGERS (whose scan costs more than all other normalisation): every
# Thai character is one UTF-16 code unit, high byte 0x0E, low byte its place in the block. One
# bytes.translate maps each low byte of a mark to its kind and deletes the 0x0E bytes, so the
# marks of each trigger without spaces stand side by side as these kinds (T tone, K thanthakhat,
# N nikhahit, A other above/below vowels, a า, z ะ, m ำ, L ๅ, e เ, V แโใไ, P phinthu/yamakkan), and
# plain substring tests find them. The gate may also open where there is no trigger (other
# code units can map to kinds), never the other way; triggers with a space are found in the text.
_MARK_KINDS = {
    "T": "\u0e48\u0e49\u0e4a\u0e4b", "K": "\u0e4c", "N": "\u0e4d", "A": "\u0e31\u0e34\u0e35\u0e36\u0e37\u0e38\u0e39\u0e47",
    "a": "\u0e32", "z": "\u0e30", "m": "\u0e33", "L": "\u0e45", "e": "\u0e40", "V": "\u0e41\u0e42\u0e43\u0e44", "P": "\u0e3a\u0e4e",
}  # fmt: skip
_KIND_OF_BYTE = bytes(
    next((ord(kind) for kind, chars in _MARK_KINDS.items() if any(ord(c) & 0xFF == b for c in chars)), ord(".")) for b in range(256)
)
# each alternative of _RULE_TRIGGERS without spaces, as kinds: เเ; tone/thanthakhat + above/below
# vowel; nikhahit (any); follow vowel + tone; lakkhangyao; two tones; a sign repeated
_TRIGGER_KINDS = (b"ee", b"TA", b"KA", b"N", b"aT", b"zT", b"mT", b"L", b"TT", b"AA", b"KK", b"aa", b"zz", b"mm", b"VV", b"PP")
_SPACED_TRIGGER = re.compile(" (?:[\u0e31\u0e34-\u0e3a\u0e47-\u0e4e]|(?<=([\u0e30-\u0e3a\u0e40-\u0e45\u0e47-\u0e4e]) ) *\\1)")


def _may_trigger(text: str) -> bool:
    """False only where _RULE_TRIGGERS finds nothing (fast: a translate and substring tests)."""
    kinds = text.encode("utf-16-be", "surrogatepass").translate(_KIND_OF_BYTE, b"\x0e")
    return any(k in kinds for k in _TRIGGER_KINDS) or _SPACED_TRIGGER.search(text) is not None


# ...and C0 control characters (NUL, ESC, BEL...; tab, newlines and form feed stay): never text,
# and a NUL or ESC that reached the archive or a terminal would do harm there.
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad\ufffd\x00-\x08\x0b\x0e-\x1f\x7f]")
_BOXES = re.compile("[\u25a0\u25a1\u25aa\u25ab\u25af\u2610\u2b1a\u25fb\u25fc]")
# Runs of 2+ asterisks are bold markers or ``****`` decorations: typography, never content.
_ASTERISKS = re.compile(r"\*{2,}")
_MD_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|>~])")


def normalize_thai(text: str) -> str:
    """NFC, invisible characters out, then PyThaiNLP's spelling-order rules (safe on any Thai
    string: เเ -> แ, ํ+า -> ำ, repeated or misordered marks, a space before a mark)."""
    text = unicodedata.normalize("NFC", text)
    text = _INVISIBLE.sub("", text)
    if not _THAI_MARKS.search(text):
        return text  # nothing for the Thai rules to do (and they cost time)
    text = _AM_SPLIT.sub(lambda m: m.group(1) + _SARA_AM, text)
    # A tone mark twice before า is ำ whose nikhahit OCR read as a second tone (น้้า for น้ำ):
    # measured on real Tesseract output (scripts/make_ocr_pairs.py), 103 of 103 such cases were
    # ำ. Run before PyThaiNLP's repeat rule, which would keep one tone and lose the ำ.
    text = _TONE_TWICE_AA.sub(lambda m: m.group(1) + _SARA_AM, text)
    # เ + space + เ is แ read in two strokes: joined here, or the repeat rule would drop one เ
    text = text.replace("\u0e40 \u0e40", "\u0e41")
    trigger = _RULE_TRIGGERS.search(text) if _may_trigger(text) else None
    if trigger is None:
        return text  # none of PyThaiNLP's rules would change it: a query stays clear of importing PyThaiNLP
    return _thai_rules_where_triggered(text, trigger)


def _thai_rules_where_triggered(text: str, trigger: re.Match[str] | None) -> str:
    """PyThaiNLP's rules on each line that holds a trigger; the other lines are copied."""
    from pythainlp.util import remove_repeat_vowels, remove_spaces_before_marks

    out: list[str] = []
    done = 0
    while trigger is not None:
        start = text.rfind("\n", 0, trigger.start()) + 1
        end = text.find("\n", trigger.end())
        end = len(text) if end < 0 else end
        # the line with the line break before it: lakkhangyao's rule reads the character before
        context = max(start - 1, 0)
        out.append(text[done:context])
        out.append(remove_spaces_before_marks(remove_repeat_vowels(text[context:end])))  # reorder_vowels first (เเ -> แ), then repeats
        done = end
        trigger = _RULE_TRIGGERS.search(text, end)
    out.append(text[done:])
    return "".join(out)


def strip_markup(text: str) -> str:
    """Drop box glyphs, Markdown escapes, bold markers and asterisk rules, and trailing spaces."""
    text = _BOXES.sub("", text)
    if "\\" in text:
        text = _MD_ESCAPE.sub(r"\1", text)
    if "**" in text:
        text = _ASTERISKS.sub("", text)
    if " \n" in text or "\u00a0\n" in text or text.endswith((" ", "\u00a0")):
        # trailing spaces (``$`` of a MULTILINE pattern is a line break or the end): line by line is 3x faster
        text = "\n".join(line.rstrip(" \u00a0") for line in text.split("\n"))
    return text


def normalize(text: str) -> str:
    """Full normalisation applied to every file the pipeline reads."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return strip_markup(normalize_thai(text))
