"""Specks OCR reads at a line's edge (measured on the learn split of the real Tesseract pairs):
cases read from a data file, those that must be fixed and those that must be left alone."""

import csv
from pathlib import Path

import pytest

from bma_nlp.repair import repair

CASES = list(csv.DictReader((Path(__file__).parent / "data" / "repair_edge_specks.tsv").open(encoding="utf-8"), delimiter="\t"))


def test_the_data_file_holds_both_kinds():
    kinds = {c["note"].split(":")[0] for c in CASES}
    assert kinds == {"fix", "keep"}
    assert all(c["text"] == c["expected"] for c in CASES if c["note"].startswith("keep"))


@pytest.mark.parametrize("case", CASES, ids=[c["note"] for c in CASES])
def test_edge_speck_case(case):
    assert repair(case["text"], consensus=False).text == case["expected"]
