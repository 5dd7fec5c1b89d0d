"""A place word (โรงเรียน, วัด, ชุมชน ...) protects the name after it, unless a conjunction,
preposition or quantifier follows it as a word of its own: then it is a common noun in prose,
and the text after it is repaired like any other. Cases read from a data file."""

import csv
from pathlib import Path

import pytest

from bma_nlp.repair import repair

CASES = list(csv.DictReader((Path(__file__).parent / "data" / "repair_place_words.tsv").open(encoding="utf-8"), delimiter="\t"))


@pytest.mark.parametrize("case", CASES, ids=[c["note"] for c in CASES])
def test_place_word_case(case):
    assert repair(case["text"], consensus=False).text == case["expected"]
