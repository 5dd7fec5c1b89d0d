"""Normalisation that can never change meaning.

Only invisible or purely typographic differences are removed: Unicode composition,
ำ written as ํ + า, zero-width characters, replacement and box glyphs, and the Markdown
escapes/bold markers an OCR export leaves behind. Words are never touched here (that is
``bma_nlp.repair``'s job, which explains every change).
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
# ...and C0 control characters (NUL, ESC, BEL...; tab, newlines and form feed stay): never text,
# and a NUL or ESC that reached the archive or a terminal would do harm there.
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad\ufffd\x00-\x08\x0b\x0e-\x1f\x7f]")
_BOXES = re.compile("[\u25a0\u25a1\u25aa\u25ab\u25af\u2610\u2b1a\u25fb\u25fc]")
# Runs of 2+ asterisks are bold markers or ``****`` decorations: typography, never content.
_ASTERISKS = re.compile(r"\*{2,}")
_MD_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|>~])")
_TRAILING_WS = re.compile(r"[ \u00a0]+$", re.MULTILINE)


def normalize_thai(text: str) -> str:
    """NFC plus the ำ fix-up and invisible-character removal (safe on any Thai string)."""
    text = unicodedata.normalize("NFC", text)
    text = _AM_SPLIT.sub(lambda m: m.group(1) + _SARA_AM, text)
    return _INVISIBLE.sub("", text)


def strip_markup(text: str) -> str:
    """Drop box glyphs, Markdown escapes, bold markers and asterisk rules, and trailing spaces."""
    text = _BOXES.sub("", text)
    text = _MD_ESCAPE.sub(r"\1", text)
    text = _ASTERISKS.sub("", text)
    return _TRAILING_WS.sub("", text)


def normalize(text: str) -> str:
    """Full normalisation applied to every file the pipeline reads."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return strip_markup(normalize_thai(text))
