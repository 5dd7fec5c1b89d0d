"""Reports nobody here wrote by hand: generated in every layout (bma_nlp.synth) and parsed back exactly."""

import random

import pytest

from bma_nlp.parse import parse_text
from bma_nlp.synth import generate_report

INST_FIELDS = ["number", "date", "note", "progress_pct", "disbursed_baht", "disbursement_no", "on_plan", "on_target"]


@pytest.mark.parametrize("layout", ["tab", "oneline", "mixed", "random"])
@pytest.mark.parametrize("seed", range(12))
def test_generated_report_parses_exactly(layout, seed):
    text, truth = generate_report(random.Random(seed * 7 + len(layout)), layout=layout, copies="random", noise=0.3)
    (report,) = parse_text(text, f"synth-{seed}")
    assert report.copies == truth["copies"]
    for key, value in truth["project"].items():
        assert getattr(report.project, key) == value, key
    assert len(report.installments) == len(truth["installments"])
    for got, want in zip(report.installments, truth["installments"], strict=True):
        for key in INST_FIELDS:
            assert getattr(got, key) == want[key], (want["number"], key)


def test_copies_split_across_files_merge():
    text, truth = generate_report(random.Random(99), layout="tab", copies=1)
    other, _ = generate_report(random.Random(99), layout="oneline", copies=1)
    from bma_nlp.parse import merge_copies, read_copies

    (report,) = merge_copies(read_copies(text, "a.txt") + read_copies(other, "b.txt"))
    assert report.copies == 2 and report.sources == ["a.txt", "b.txt"]
    assert [i.number for i in report.installments] == [i["number"] for i in truth["installments"]]
