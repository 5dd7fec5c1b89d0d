"""Golden test: the real sample parses to the record a careful person reconciled."""

import pytest

from bma_nlp import parse_report
from bma_nlp.parse import parse_text

FIELDS = ["number", "date", "note", "progress_pct", "disbursed_baht", "disbursement_no", "on_plan", "on_target"]


@pytest.fixture(scope="module")
def record(sample_text):
    (report,) = parse_text(sample_text, "sample.txt", "utf-8")
    return report


def test_project_fields(record, expected):
    got = record.to_dict()["project"]
    for key, value in expected["project"].items():
        assert got[key] == value, key


def test_copies_merged(record, expected):
    assert record.copies == expected["copies"]


def test_installments_field_for_field(record, expected):
    assert len(record.installments) == len(expected["installments"])
    for got, want in zip(record.installments, expected["installments"], strict=False):
        for key in FIELDS:
            assert getattr(got, key) == want[key], (want["number"], key)


def test_visible_report_numbers_are_not_the_identity(record):
    # page breaks shift the printed รายงานครั้งที่ N; the disbursement ordinal is kept as number
    assert [i.number for i in record.installments] == list(range(1, 11))
    assert any(i.report_no != i.number for i in record.installments)


def test_flags(record):
    codes = sorted(f.code for f in record.flags)
    assert codes == ["budget_overrun", "missing_date"]
    overrun = next(f for f in record.flags if f.code == "budget_overrun")
    assert "1,260,000 > 180,000" in overrun.message and "4..10" in overrun.message
    missing = next(f for f in record.flags if f.code == "missing_date")
    assert missing.installment == 6


def test_extra_header_fields(record):
    p = record.project
    assert p.sub_strategy and "ย่อย" not in p.sub_strategy and "*" not in p.sub_strategy
    assert p.indicator and p.indicator.startswith("มิติที่1")


def test_public_api_reads_a_path(expected):
    from conftest import SAMPLE

    report = parse_report(SAMPLE)
    assert report.source == str(SAMPLE) and report.encoding == "utf-8"
    assert report.project.code == expected["project"]["code"]
    d = report.to_dict()
    assert set(d) >= {"source", "encoding", "copies", "project", "installments", "flags"}
    assert set(d["installments"][0]) >= {"note_raw", "stage", "stage_confidence"}


def test_sample_as_tis620_parses_the_same(tmp_path, sample_text, expected):
    path = tmp_path / "sample-tis620.txt"
    path.write_bytes(sample_text.replace("□", "").encode("cp874"))
    report = parse_report(path, repair=False, classify=False)
    assert report.encoding == "cp874"
    assert report.project.budget_used == expected["project"]["budget_used"]
    assert len(report.installments) == 10


def test_narrative_read_merged_and_repaired(expected):
    from conftest import SAMPLE

    report = parse_report(SAMPLE, classify=False)
    p, want = report.project, expected["narrative"]
    assert p.rationale == want["rationale"]
    assert p.objectives == want["objectives"] and len(p.objectives) == 3
    assert p.targets == want["targets"]
    assert {"ด้านปริมาณ", "ด้านคุณภาพ"} <= set(p.targets)  # quantity and quality targets
    # one copy reads ผลงคุณภาพ, the others ผดุงคุณภาพ: the merged and repaired rationale has the word right
    assert "ผดุงคุณภาพ" in p.rationale and "ผลงคุณภาพ" not in p.rationale
    assert p.rationale_raw and "ผลงคุณภาพ" not in p.rationale_raw


def test_narrative_of_each_copy(sample_text):
    from bma_nlp.parse import read_copies

    copies = read_copies(sample_text, "sample.txt", "utf-8")
    readings = [" ".join(c.narrative["rationale"]) for c in copies]
    assert any("ผลงคุณภาพ" in r for r in readings) and any("ผดุงคุณภาพ" in r for r in readings)
    assert all(len(c.narrative["objectives"]) == 3 for c in copies)
