"""Normalisation runs PyThaiNLP's spelling-order rules only where one of them can act: the
result must be the same as running them on every text (dictionary words, notes, and the same
with marks shuffled, doubled and spaced as OCR leaves them)."""

from __future__ import annotations

import importlib
import random

from bma_nlp.tokenize import thai_words

norm = importlib.import_module("bma_nlp.text.normalize")  # the module (bma_nlp.text.normalize is also its function's name)


def _always(text: str) -> str:
    """``normalize_thai`` with the rules run on every text."""
    from pythainlp.util import remove_repeat_vowels, remove_spaces_before_marks

    text = norm.unicodedata.normalize("NFC", text)
    text = norm._INVISIBLE.sub("", text)
    text = norm._AM_SPLIT.sub(lambda m: m.group(1) + norm._SARA_AM, text)
    text = norm._TONE_TWICE_AA.sub(lambda m: m.group(1) + norm._SARA_AM, text)
    text = text.replace("\u0e40 \u0e40", "\u0e41")
    return remove_spaces_before_marks(remove_repeat_vowels(text))


MARKS = "\u0e30\u0e31\u0e32\u0e33\u0e34\u0e35\u0e36\u0e37\u0e38\u0e39\u0e3a\u0e40\u0e45\u0e47\u0e48\u0e49\u0e4a\u0e4b\u0e4c\u0e4d\u0e4e"


def _garbled(word: str, rng: random.Random) -> str:
    chars = list(word)
    for _ in range(rng.randint(1, 3)):
        i = rng.randrange(len(chars) + 1)
        kind = rng.random()
        if kind < 0.4:
            chars.insert(i, rng.choice(MARKS))
        elif kind < 0.6 and i < len(chars):
            chars.insert(i, " ")
        elif kind < 0.8 and i + 1 < len(chars):
            chars[i], chars[i + 1] = chars[i + 1], chars[i]
        elif i < len(chars):
            chars.insert(i, chars[i])
    return "".join(chars)


def test_rules_run_wherever_they_would_change_something():
    rng = random.Random(13)
    words = sorted(thai_words())
    texts = rng.sample(words, 6000) + ["ก่อสร้าง", "ร้าง", "น้ำ", "นํ้า", "เเละ", "ผู ้รับ", "กุ่ม", "กิ่ง", "ก่ิง", "นาๅ"]
    texts += [_garbled(w, rng) for w in rng.sample(words, 6000)]
    for text in texts:
        assert norm.normalize_thai(text) == _always(text), repr(text)


def test_rules_on_triggered_lines_equal_rules_on_the_whole_text():
    """A file is normalised line by line where a rule can act: multi-line texts (clean lines,
    garbled lines, a lakkhangyao at a line's start, trailing spaces) read as the whole-text rules."""
    rng = random.Random(29)
    words = sorted(thai_words())
    for _ in range(400):
        lines = []
        for _ in range(rng.randint(1, 12)):
            picked = rng.sample(words, rng.randint(0, 5))
            if rng.random() < 0.3:
                picked = [_garbled(w, rng) for w in picked]
            line = " ".join(picked)
            if rng.random() < 0.05:
                line = "\u0e45" + line
            lines.append(line + " " * rng.randint(0, 1))
        text = "\n".join(lines)
        assert norm.normalize_thai(text) == _always(text), repr(text)


def test_places_found_with_numpy_are_the_regexes():
    """A long text's places are found over its code points (``_Codes``), a short one's with the
    regexes: the same places, on random strings of Thai marks, vowels, spaces and line breaks (and
    a character outside the BMP, whose code point is still one unit)."""
    rng = random.Random(41)
    alphabet = "กขนมรอ" + MARKS + "\u0e32\u0e41\u0e44\u0e3b\u0e3f\u0e46\u0e4f" + "  \n\ta\u00a0\U0001f600\u0e80"
    for _ in range(4000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 60)))
        codes = norm._Codes(text)
        assert codes.triggers() == [p for p in range(len(text)) if norm._RULE_TRIGGERS.match(text, p)], repr(text)
        assert codes.rewrites() == bool(norm._TONE_TWICE_AA.search(text) or "\u0e40 \u0e40" in text), repr(text)


def test_long_texts_read_as_the_whole_text_rules():
    """Texts long enough for ``_Codes`` (a report file) normalise as the rules run on the whole text."""
    rng = random.Random(43)
    words = sorted(thai_words())
    for _ in range(30):
        lines = []
        while sum(len(line) + 1 for line in lines) < norm._BY_CODES_MIN + 200:
            picked = rng.sample(words, rng.randint(0, 6))
            if rng.random() < 0.1:
                picked = [_garbled(w, rng) for w in picked]
            lines.append(" ".join(picked) + " " * rng.randint(0, 1))
        text = "\n".join(lines)
        assert norm.normalize_thai(text) == _always(text)
