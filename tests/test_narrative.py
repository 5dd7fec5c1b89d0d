"""The narrative (rationale, objectives, targets): read from any layout, stored, searchable, exported."""

from __future__ import annotations

import csv
import io
import json

from conftest import SAMPLE

from bma_nlp import Archive
from bma_nlp.parse import parse_text
from bma_nlp.parse.merge import merge_narrative, narrative_items

OPTS = {"classify": False}


def test_items_drop_their_numbering_and_join_wrapped_lines():
    lines = ["2.1 เพื่อให้ประชาชนมีเส้นทาง", "สัญจรที่สะดวก", "- 2.2 เพื่อแก้ไขปัญหาน้ำท่วมขัง"]
    assert narrative_items(lines) == ["เพื่อให้ประชาชนมีเส้นทาง สัญจรที่สะดวก", "เพื่อแก้ไขปัญหาน้ำท่วมขัง"]
    assert narrative_items(["ไม่มีเลขข้อ", "อีกบรรทัด"]) == ["ไม่มีเลขข้อ", "อีกบรรทัด"]


def test_merge_takes_the_reading_nearest_the_other_copies():
    a = ["เน้นเพื่อการผดุงคุณภาพ"]
    b = ["เน้นเพื่อการผลงคุณภาพ"]
    c = ["เน้นเพื่อการผดุงคุณภาw"]
    assert merge_narrative([b, a, c]) == a
    assert merge_narrative([[], b]) == b  # a copy without the section does not vote
    assert merge_narrative([]) == []


def test_narrative_in_table_and_label_above_value_layouts():
    text = "\n".join([
        "1. ชื่อโครงการและหน่วยงานที่รับผิดชอบโครงการ",
        "| ชื่อโครงการ/กิจกรรม | ปรับปรุงห้องสมุดโรงเรียน |",
        "| --- | --- |",
        "| รหัสโครงการ | 50010000-0001 |",
        "| ปีงบประมาณ พ.ศ. | 2567 |",
        "## 1.3 หลักการและเหตุผล",
        "ห้องสมุดเดิมทรุดโทรม",
        "## 1.4 วัตถุประสงค์ของโครงการ",
        "2.1 เพื่อให้นักเรียนมีที่อ่านหนังสือ",
        "## 1.5 เป้าหมายของโครงการ",
        "3.1 ห้องสมุด 1 ห้อง",
        "## 2. รายงานความก้าวหน้าของโครงการและการใช้จ่ายงบประมาณ",
        "รายงานครั้งที่1 :: 31/10/2566 : ขออนุมัติ :: ความก้าวหน้าของงานฯ = 5.00 : งบประมาณที่เบิกใช้ (ครั้งที่ 1) = 0 บาท : เป็นไปตามแผน : เป็นไปตามเป้าหมาย",
    ])  # fmt: skip
    (report,) = parse_text(text)
    p = report.project
    assert (p.code, p.fiscal_year, p.name) == ("50010000-0001", 2567, "ปรับปรุงห้องสมุดโรงเรียน")
    assert p.rationale == "ห้องสมุดเดิมทรุดโทรม"
    assert p.objectives == ["เพื่อให้นักเรียนมีที่อ่านหนังสือ"] and p.targets == ["ห้องสมุด 1 ห้อง"]


def test_stored_searchable_and_exported(tmp_path):
    with Archive(tmp_path / "a.db") as archive:
        archive.ingest(SAMPLE, **OPTS)
        (stored,) = archive.reports()
        assert "ผดุงคุณภาพ" in (stored.project.rationale or "") and len(stored.project.objectives) == 3
        # a word found only in the rationale (no note, name or agency holds it) finds the report
        hits = archive.search("พระราชบัญญัติ")
        assert hits and {h.code for h in hits} == {"50070000-3437"}
        row = next(csv.DictReader(io.StringIO(archive.export("csv"))))
        assert row["rationale"] == stored.project.rationale and row["objectives"].count("\n") == 2
        (exported,) = [json.loads(line) for line in archive.export("jsonl").splitlines()]
        assert exported["project"]["targets"] == stored.project.targets
        assert exported["project"]["rationale_raw"] == stored.project.rationale_raw
