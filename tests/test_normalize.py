"""Normalisation as data: what it must fix (เเ -> แ, ํา -> ำ, repeated marks) and what it must not touch."""

import csv
from pathlib import Path

import pytest

from bma_nlp.text import normalize
from bma_nlp.text.normalize import normalize_thai

CASES = list(csv.DictReader((Path(__file__).parent / "data" / "normalize_cases.tsv").open(encoding="utf-8"), delimiter="\t"))


@pytest.mark.parametrize("case", CASES, ids=[c["why"] for c in CASES])
def test_normalize_thai(case):
    assert normalize_thai(case["input"]) == case["expected"]


def test_normalisation_keeps_lines_and_is_idempotent():
    text = "\n".join(c["input"] for c in CASES) + "\n\n"
    once = normalize(text)
    assert once.count("\n") == text.count("\n")
    assert normalize(once) == once


def test_thai_rules_on_triggered_lines_equal_the_rules_on_the_whole_text():
    """The rules run only on lines holding a trigger: the same text as PyThaiNLP's rules on all of it
    (random strings dense in marks, spaces and line breaks, where every rule has work)."""
    import importlib
    import random
    import unicodedata

    from pythainlp.util import remove_repeat_vowels, remove_spaces_before_marks

    module = importlib.import_module("bma_nlp.text.normalize")  # the module (the package exports the function)

    def whole(text: str) -> str:
        text = module._INVISIBLE.sub("", unicodedata.normalize("NFC", text))
        if not module._THAI_MARKS.search(text):
            return text
        text = module._AM_SPLIT.sub(lambda m: m.group(1) + module._SARA_AM, text)
        text = module._TONE_TWICE_AA.sub(lambda m: m.group(1) + module._SARA_AM, text)
        text = text.replace("\u0e40 \u0e40", "\u0e41")
        return remove_spaces_before_marks(remove_repeat_vowels(text))

    marks = [chr(c) for c in [*range(0x0E30, 0x0E3B), *range(0x0E40, 0x0E4F)]] + [" ", "\n"]
    letters = [chr(c) for c in range(0x0E01, 0x0E2F)] + ["\n", " ", "a", "1", "\u0e24"]
    rnd = random.Random(15)
    for _ in range(5000):
        text = "".join(rnd.choice(marks if rnd.random() < 0.6 else letters) for _ in range(rnd.randint(1, 30)))
        assert normalize_thai(text) == whole(text), repr(text)


