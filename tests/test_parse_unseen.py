"""Reports written by another session that never saw the parser: each must parse to its truth."""

import json
from pathlib import Path

import pytest

from bma_nlp.parse import parse_text
from bma_nlp.text import read_text

FOLDER = Path(__file__).parent / "data" / "unseen_reports"
CASES = sorted(FOLDER.glob("*.txt"))
INST_FIELDS = ["date", "note", "progress_pct", "disbursed_baht", "on_plan", "on_target"]


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_unseen_report_parses_to_its_truth(path):
    truth = json.loads(path.with_suffix(".expected.json").read_text(encoding="utf-8"))
    text, encoding = read_text(path)
    (report,) = parse_text(text, str(path), encoding)
    assert report.copies == truth["copies"]
    for key, value in truth["project"].items():
        assert getattr(report.project, key) == value, key
    got = {i.number: i for i in report.installments}
    assert sorted(got) == [i["number"] for i in truth["installments"]]
    for want in truth["installments"]:
        for key in INST_FIELDS:
            assert getattr(got[want["number"]], key) == want[key], (want["number"], key)
    assert not any(f.code == "unparsed_field" for f in report.flags)


def test_there_are_unseen_reports():
    assert len(CASES) >= 8
