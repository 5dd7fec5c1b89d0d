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
