"""Parsing's faster forms of a search find exactly what the plain form finds (speed work must not
change a record: scripts/check_parse_identical.py compares whole outputs, these the pieces)."""

from __future__ import annotations

import random

from bma_nlp.parse import layout


def test_glued_section_ends_are_the_regex_matches():
    """``_glued_section_ends`` (from each heading's dot) gives the ends of ``_GLUED_SECTION``'s
    matches (a look-behind first), on strings of digits, dots, spaces, tabs, other whitespace and
    letters, and on headings glued after text and alone at a line's start."""
    rng = random.Random(17)
    pieces = ["1", "12", "๓", ".", " ", "\t", "ก", "x", "\n", "  ", "\u00a0", "1.2 ก", " 1.2. ก", "x 12.3 ก", "ต่อ 20 1.3 หลักการ"]
    matched = 0
    for _ in range(30000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 12)))
        ends = [m.end() for m in layout._GLUED_SECTION.finditer(text)]
        assert layout._glued_section_ends(text) == ends, repr(text)
        matched += bool(ends)
    assert matched > 5000  # the strings do hold such headings


def test_metrics_hint_is_the_regex_search():
    """``_metrics_hint`` (the regex only on lines holding one of its words) is ``_METRICS_HINT.search``."""
    rng = random.Random(19)
    pieces = ["ความก้าวหน้า", "ความก้าวหน้าของงานฯ", "งบประมาณที่เบิก", "ผลการเบิกจ่าย", "ร้อยละ", " ", "  ", "=", ":", "(", "%", "12", "5.5", "ก", "\t"]
    hits = 0
    for _ in range(20000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 8)))
        expected = layout._METRICS_HINT.search(text) is not None
        assert layout._metrics_hint(text) == expected, repr(text)
        hits += expected
    assert hits > 2000


def test_metrics_words_are_the_ones_the_pattern_requires():
    """The words ``_metrics_hint`` looks for first are those every match of ``_METRICS_HINT``
    holds, as read off the pattern itself (a change to the pattern that needs another word fails here)."""
    from bma_nlp.classify.clauses import required_strings

    assert set(required_strings(layout._METRICS_HINT.pattern) or ()) == set(layout._METRICS_WORDS)


def test_control_characters_counted_on_the_utf8_bytes():
    """``_looks_like_text`` given the UTF-8 bytes says what it says counting in the text."""
    from bma_nlp.text import read

    rng = random.Random(23)
    pieces = ["ก", "า", "\x00", "\x07", "\t", "\n", "\x0b", "\x0c", "\r", "\x1b", "\x7f", "\x80", "\u0e4d", "a", "\u200b"]
    for _ in range(20000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 40)))
        assert read._looks_like_text(text, text.encode("utf-8")) == read._looks_like_text(text), repr(text)


def _narrative_field_by_regex(s: str) -> tuple[str, str] | None:
    """``_narrative_field`` as it read the sign with ``_FIELD_SIGN.search`` (before it used str.find)."""
    sign = layout._FIELD_SIGN.search(s)
    if sign is None or sign.start() > 60:
        return None
    label = layout._SECTION_NUMBER.sub("", s[: sign.start()])
    lab = layout.classify_label(label, layout._NARRATIVE_AND_HEADER) if 2 < len(label) < 45 else None
    if lab is None or lab.role not in layout._NARRATIVE_ROLES:
        return None
    return lab.role, s[sign.end() :].strip()


def test_narrative_field_finds_the_sign_the_regex_finds():
    rng = random.Random(29)
    pieces = ["หลักการและเหตุผล", "วัตถุประสงค์", "เป้าหมาย", "ชื่อโครงการ", "1.3 ", ":", "=", " ", "\t", "\u00a0", "\u3000", "ข้อความ", "x" * 30]
    found = 0
    for _ in range(20000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 7)))
        expected = _narrative_field_by_regex(text)
        assert layout._narrative_field(text) == expected, repr(text)
        found += expected is not None
    assert found > 1000


def test_clock_colons_only_is_the_regex_rewrite():
    rng = random.Random(31)
    pieces = ["1", "12", "00", ":", " ", "ก", "๑", ":00", "09:30", "2022-10-01 00:00:00", "a"]
    both = 0
    for _ in range(20000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 8)))
        if ":" not in text:
            continue
        expected = ":" not in layout._CLOCK_TIME.sub("", text)
        assert layout._clock_colons_only(text) == expected, repr(text)
        both += expected
    assert both > 500
