"""Mechanisms that let the parser read what real offices produce (issue 15), one per test,
on small texts written here (not taken from any blind file)."""

from __future__ import annotations

import re

import pytest

from bma_nlp.parse import parse_amount, parse_text
from bma_nlp.parse.header import build_project
from bma_nlp.parse.installments import is_verdict_line, read_verdicts
from bma_nlp.parse.labels import classify_label, find_labels, label_texts, load_labels
from bma_nlp.parse.layout import match_fields

ROW = "รายงานครั้งที่{n} :: {d}/11/2566 : ดำเนินการ {n} :: ความก้าวหน้าของงานฯ = {p}.00 % งบประมาณที่เบิกใช้ (ครั้งที่ {n}) = 0 บาท : เป็นไปตามแผน : เป็นไปตามเป้าหมาย"


def header(code="50990000-1234", year="2567", name="ปรับปรุงถนนในซอยตัวอย่าง"):
    return "\n".join([
        "1. ชื่อโครงการและหน่วยงานที่รับผิดชอบโครงการ",
        f"ชื่อโครงการ/กิจกรรม : {name}",
        f"รหัสโครงการ : {code}\tปีงบประมาณ พ.ศ. : {year}",
        "2. รายงานความก้าวหน้าของโครงการและการใช้จ่ายงบประมาณ",
        ROW.format(n=1, d=10, p=10),
        ROW.format(n=2, d=20, p=20),
    ])  # fmt: skip


def test_one_lexicon_one_loader():
    roles = {lab.role for lab in load_labels()}
    assert {"name", "progress", "plan_no", "rationale", "section_copy"} <= roles
    assert "รหัสโครงการ" in label_texts() and "เป็นไปตามแผน" not in label_texts()  # repair gets the header labels


@pytest.mark.parametrize(
    ("printed", "role"),
    [
        ("ประเด็นยุทธศาสตร์ยอย", "sub_strategy"),  # a lost tone mark
        ("งปประมาณที่ได้รับ", "budget_received"),  # a look-alike letter
        ("ร หัสโครงการ...", "code"),  # a space inside the word, dots
        ("หน่วยงานที่รับผิดชอ", "agency"),  # cut short
        ("ตัวชี้วัดที่ 2", "indicator"),  # extended
        ("ผู้อำนวยการเขต", None),
        ("หมายเหตุ", None),
    ],
)
def test_garbled_labels_are_recognised(printed, role):
    lab = classify_label(printed)
    assert (lab.role if lab else None) == role


def test_metric_labels_found_inside_a_line():
    line = ":: ความก้าวหนาของงานฯ = 5.00 % งปประมาณที่เบิกใช้ (ครังที่ 3) = 0 บาท"
    assert [lab.role for _, _, lab in find_labels(line, ("progress", "disbursed", "ordinal"))] == ["progress", "disbursed", "ordinal"]


@pytest.mark.parametrize(
    ("tail", "want"),
    [
        (": เป็นไปตามแผน : เป็นไปตามเป้าหมาย", (True, True)),
        (": ไม่เป็นไปตามแผน : เป็นไปตามเป้าหมาย", (False, True)),
        (": ไมเป็นไปตามแผน : ต่ำกว่าเป้าหมาย", (False, False)),
        (": ล่าช้ากว่าแผน", (False, None)),
        (": เร็วกว่าแผน : เป็นไปตามเปาหมาย", (True, True)),
        (": เป็นไปตามแผบ", (True, None)),
        ("", (None, None)),
    ],
)
def test_verdicts_with_negation_synonyms_and_garble(tail, want):
    assert read_verdicts(tail) == want


def test_a_verdict_line():
    assert is_verdict_line("เป็นไปตามแผน / ไม่เป็นไปตามเป้าหมาย")
    assert not is_verdict_line("ดำเนินการเป็นไปตามแผนงานที่วางไว้ 3 งวด")


def test_several_fields_on_one_line():
    assert match_fields("รหัสโครงการ... : 50990000-1234\t\tปีงบประมาณ พ.ศ. : 2567") == [("code", "50990000-1234"), ("fiscal_year", "2567")]
    assert match_fields("เริ่มต้นโครงการ : 01/10/2566    งบประมาณที่ได้รับ : 850,000 บาท") == [("start_date", "01/10/2566"), ("budget_received", "850,000 บาท")]


def test_values():
    assert parse_amount("1.5 ล้านบาท") == 1_500_000 and parse_amount("2 แสนบาท") == 200_000
    project, bad = build_project({"code": "50990000-O12l", "coordinator": "นายสมชาย ใจดี โทร 0 2123 4567 ต่อ 89"})
    assert project.code == "50990000-0121" and not bad
    assert (project.coordinator, project.coordinator_phone) == ("นายสมชาย ใจดี", "0 2123 4567 ต่อ 89")


def test_label_above_value_and_wrapped_name():
    text = header().replace("ชื่อโครงการ/กิจกรรม : ปรับปรุงถนนในซอยตัวอย่าง", "ชื่อโครงการ/กิจกรรม\nปรับปรุงถนนในซอย\nตัวอย่าง")
    (report,) = parse_text(text)
    assert report.project.name == "ปรับปรุงถนนในซอย ตัวอย่าง" and report.project.code == "50990000-1234"


def test_a_copy_with_a_garbled_code_or_year_joins_its_report():
    text = "\n".join([header(), header(), header(code="50990000-1284"), header(year="25G7")])
    (report,) = parse_text(text)
    assert report.copies == 4 and report.project.code == "50990000-1234" and report.project.fiscal_year == 2567
    assert any("code" in f.message for f in report.flags if f.code == "copies_disagree")


def test_a_different_project_stays_apart():
    text = "\n".join([header(), header(code="50990000-1284", name="จัดซื้อครุภัณฑ์คอมพิวเตอร์สำนักงาน")])
    assert len(parse_text(text)) == 2


def test_a_cut_name_never_wins():
    text = "\n".join([header(name="ปรับปรุงถนนในซอยตัวอย่าง"), header(name="ปรับปรุงถนนในซอยตัวอย่าง หมู่ 3")])
    (report,) = parse_text(text)
    assert report.project.name == "ปรับปรุงถนนในซอยตัวอย่าง หมู่ 3"


def test_pipe_table_installments_and_dropped_ordinal():
    text = "\n".join([
        "| ชื่อโครงการ/กิจกรรม | อบรมอาชีพ |",
        "| --- | --- |",
        "| รหัสโครงการ | 50990000-0007 |",
        "| ปีงบประมาณ พ.ศ. | 2566 |",
        "2. รายงานความก้าวหน้าของโครงการ",
        "| รายงานครั้งที่ | วันที่ | ผลการดำเนินงาน | ความก้าวหน้าของงานฯ | งบประมาณที่เบิกใช้ | เทียบแผน | เทียบเป้าหมาย |",
        "| --- | --- | --- | --- | --- | --- | --- |",
        "| 1 | 15/12/2565 | จัดทำโครงการ | 15.00 % | (ครั้งที่ 1) 0 บาท | เป็นไปตามแผน | เป็นไปตามเป้าหมาย |",
        "| 2 | 20/01/2566 | อบรมรุ่นที่ 1 | 40.00 % | 41,700 บาท | ล่าช้ากว่าแผน | เป็นไปตามเป้าหมาย |",
    ])  # fmt: skip
    (report,) = parse_text(text)
    second = report.installments[1]
    assert (second.number, second.disbursement_no, second.disbursed_baht, second.on_plan, second.date) == (2, 2, 41700, False, "2023-01-20")


def test_the_label_index_finds_what_a_scan_of_the_whole_lexicon_finds():
    """classify_label looks only at the labels its index offers; garbled, cut, extended and
    chunk-dropped labels (random edits of every label) get the label a scan of all would give."""
    import random

    from bma_nlp.parse import labels as lx

    rnd = random.Random(15)
    thai = [chr(c) for c in range(0x0E01, 0x0E4E)] + [" ", "."]
    texts = []
    for lab in load_labels():
        for _ in range(25):
            chars = list(lab.text)
            for _ in range(rnd.randint(1, 4)):
                op, j = rnd.random(), rnd.randrange(len(chars))
                if op < 0.3:
                    del chars[j]
                elif op < 0.6:
                    chars[j] = rnd.choice(thai)
                elif op < 0.8:
                    chars.insert(j, rnd.choice(thai))
                else:
                    chars = chars[: max(4, j)]
            texts.append("".join(chars) + rnd.choice(["", " ที่ 2", "ของโครงการ"]))
    found = 0
    for roles in (None, lx.HEADER_ROLES, lx.SECTION_ROLES, lx.INSTALLMENT_ROLES + lx.VERDICT_ROLES):
        for text in texts:
            obs = lx.compact(text)
            if not obs or len(obs) > 70 or not re.search("[\u0e01-\u0e2e]", obs):
                continue
            scan = lx._best(obs, lx.skeleton_text(obs), lx._of(roles))
            assert classify_label(text, roles) == scan, (text, roles)
            found += scan is not None
    assert found > 400  # the edits leave most labels recognisable: the comparison is not vacuous


def test_an_empty_box_ocr_read_is_no_line():
    """``[ ]`` (a tick box OCR read empty) is a decoration round nothing: the line is skipped,
    and the report parses as without it."""
    from conftest import SAMPLE

    import bma_nlp

    text = SAMPLE.read_text(encoding="utf-8")
    lines = text.splitlines()
    boxed = "\n".join(lines[:5] + ["[ ]", "[]", "> <"] + lines[5:])
    report = bma_nlp.parse_text(boxed, classify=False)
    plain = bma_nlp.parse_text(text, classify=False)
    assert report.project == plain.project and report.installments == plain.installments
