"""Copies vote inside the pipeline: four OCR'd copies of one note, each garbled its own way,
store the reading most copies agree on word by word (ผดุง), through ``parse`` and ``ingest``."""

from __future__ import annotations

from store_reports import report_text, write

from bma_nlp import Archive
from bma_nlp.pipeline import parse_report
from bma_nlp.repair.consensus import vote_readings

# One note as four OCR copies read it: the first word three ways, and a different slip elsewhere
# in two copies, so no two copies are identical and a whole-string vote has no majority.
NOTES = [
    "มุ่งคุณภาพการศึกษาของโรงเรียนในสังกัด ดำเนินการแล้วเสร็จ",
    "ผดุงคุณภาพการศึกษาของโรงเรียนในสังกัด ดำเนินกรแล้วเสร็จ",
    "ผดุงคุณภาพการศึกษาของโรงเรยนในสังกัด ดำเนินการแล้วเสร็จ",
    "ผลงคุณภาพการศึกษาของโรงเรียนในสังกัด ดำเนินการแล้วเสร็จ",
]
TRUTH = "ผดุงคุณภาพการศึกษาของโรงเรียนในสังกัด ดำเนินการแล้วเสร็จ"


def four_copies() -> str:
    return "\n".join(report_text("50040000-3352", 2567, [note]) for note in NOTES)


def test_vote_readings_takes_the_majority_word_by_word():
    pivot, voted, changes, open_stretches = vote_readings(NOTES)
    assert voted == TRUTH
    assert pivot in NOTES  # the original kept is a real OCR reading
    assert not open_stretches


def test_a_tie_is_left_open_and_reported():
    _, voted, changes, open_stretches = vote_readings(["อยู่ระหว่างจัดซื้อวัสดุ", "อยู่ระหว่างจัดจ้างวัสดุ"])
    assert voted in ("อยู่ระหว่างจัดซื้อวัสดุ", "อยู่ระหว่างจัดจ้างวัสดุ") and not changes
    assert open_stretches


def test_parse_stores_the_copies_majority():
    report = parse_report(four_copies(), classify=False)
    assert report.copies == 4
    assert report.installments[0].note == TRUTH
    assert report.installments[0].note_raw in NOTES
    assert any("copies vote" in r["reason"] for r in report.repairs)


def test_ingest_stores_the_copies_majority(tmp_path):
    write(tmp_path / "in" / "four-copies.txt", four_copies())
    with Archive(tmp_path / "archive.db") as archive:
        archive.ingest([tmp_path / "in"], classify=False)
        notes = [row[0] for row in archive.con.execute("SELECT note FROM installments")]
    assert notes == [TRUTH]
