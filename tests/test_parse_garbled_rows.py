"""Installment rows of the one-line ``::`` layout whose labels OCR garbled past the label's own
tolerance: the form's structure still says which label stands where, so no installment is lost
(before, each row below vanished, leaving only a numbering-gap flag). Rows written here, with the
kinds of damage Tesseract makes (letters lost from a word's middle, one doubled, Latin look-alikes,
a stray comma or letter glued to a label), in the one-line and the two-line layouts."""

from __future__ import annotations

import pytest

from bma_nlp.parse import parse_text
from bma_nlp.parse.labels import canonical_metrics

HEAD = """1. ชื่อโครงการและหน่วยงาน
ชื่อโครงการ : ปรับปรุงลานกีฬาชุมชนริมคลอง
รหัสโครงการ : 50990000-4321
ปีงบประมาณ : 2566
**2. รายงานความก้าวหน้าของโครงการและการใช้จ่ายงบประมาณ**
"""
ROW = "รายงานครั้งที่{n}\t:: 1{n}/0{n}/2566 : {note} :: ความก้าวหน้าของงานฯ = {pct}.00 % : งบประมาณที่เบิกใช้ (ครั้งที่ {n}) = {amt} บาท\t: เป็นไปตามแผน\t: เป็นไปตามเป้าหมาย"
# the two-line layout: the lead on one line, the metrics on the next
TWO_LINES = "รายงานครั้งที่{n}\t:: 1{n}/0{n}/2566 : {note}\t\t\n\t:: ความก้าวหน้าของงานฯ = {pct}.00 % งบประมาณที่เบิกใช้ (ครั้งที่ {n}) = {amt} บาท\t: เป็นไปตามแผน\t: เป็นไปตามเป้าหมาย"
NOTES = ["สำรวจพื้นที่ ออกแบบ", "ขออนุมัติโครงการ", "อยู่ระหว่างจัดหาผู้รับจ้าง", "ผู้รับจ้างเข้าดำเนินการ", "ตรวจรับงานแล้ว"]


def _rows(damage: tuple[str, str] | None = None, row: int = 2, layout: str = ROW) -> str:
    lines = []
    for n, note in enumerate(NOTES, 1):
        line = layout.format(n=n, note=note, pct=n * 20, amt=f"{n * 1000:,}")
        if damage is not None and n == row:
            assert damage[0] in line
            line = line.replace(damage[0], damage[1], 1)
        lines.append(line)
    return HEAD + "\n".join(lines) + "\n"


@pytest.mark.parametrize(
    "damage",
    [
        ("งบประมาณที่เบิกใช้", "งบประที่เบิกใช้"),  # letters lost from the middle, past the tolerance
        ("งบประมาณที่เบิกใช้", "งงบประมาณที่เบิกใช้"),  # a letter doubled before the label
        ("รายงานครั้งที่", "รายงงานครั้งที่"),  # a doubled letter in the row's heading
        ("รายงานครั้งที่", "รายงานครั้ง,ที่"),  # a stray comma: no CSV row
        ("ความก้าวหน้าของงานฯ", "ความก้าวKน้าขอJงานฯ"),  # Latin look-alikes
        ("ความก้าวหน้าของงานฯ", "ความก้าวของงานฯ"),  # a syllable lost
        ("ความก้าวหน้าของงานฯ", "ความก้1วหน้าขอJงานฯ"),  # a digit and a Latin letter read for Thai
        ("รายงานครั้งที่", "ร1ยงานครั้งที่"),
        ("(ครั้งที่ 2)", "(ครั้งnี่ 2)"),  # the ordinal's word garbled: its bracket and number still say it
        ("(ครั้งที่ 2)", "(ครั้ง'ที่ 2)"),
        ("(ครั้งที่ 2) =", "(ครั้งที่ 22 ="),  # Tesseract reads the closing bracket as the digit again
        ("(ครั้งที่ 2) =", "(ครั้งที่ 21 ="),  # ... or as 1
        ("(ครั้งที่ 2) =", "(ครั้งที่ 2 ="),  # ... or loses it
        ("(ครั้งที่ 2) = 2,000", "(ครั้งที่ 2) = 2.000"),  # a thousands comma read as a dot
        ("\t:: 12/02/2566 :", " 8: 12/02/2566 :"),  # the lead's separator read as specks
        ("รายงานครั้งที่2\t:: 12/02/2566", "รายงานตรังท2 - 12/02/2566"),  # a heading and separator garbled
    ],
)
@pytest.mark.parametrize("layout", [ROW, TWO_LINES], ids=["one line", "two lines"])
def test_a_row_with_a_garbled_label_keeps_its_installment(damage, layout):
    (clean,) = parse_text(_rows(layout=layout))
    (report,) = parse_text(_rows(damage, layout=layout))
    assert [i.disbursement_no for i in report.installments] == [1, 2, 3, 4, 5]
    second = report.installments[1]
    assert (second.date, second.note, second.progress_pct, second.disbursed_baht) == ("2023-02-12", "ขออนุมัติโครงการ", 40.0, 2000)
    assert [i.note for i in report.installments] == [i.note for i in clean.installments]
    assert not [f for f in report.flags if f.code == "numbering_gap"]


@pytest.mark.parametrize(
    "line",
    [
        # a note that reads like a label is no label: the slot is the label's place only
        "รายงานครั้งที่2\t:: 12/02/2566 : ประชุมครั้งที่ 2 เรื่องงบประมาณ :: ความก้าวหน้าของงานฯ = 40.00 % : งบประมาณที่เบิกใช้ (ครั้งที่ 2) = 2,000 บาท",
        # words far from any label where a label would stand are left as printed
        "รายงานครั้งที่2\t:: 12/02/2566 : ขออนุมัติ :: ผลการประชุมคณะกรรมการ = 40.00 % : ค่าวัสดุอุปกรณ์กีฬา (ชุดที่ 2) = 2,000 บาท",
    ],
)
def test_text_that_is_no_label_is_left_as_printed(line):
    from bma_nlp.parse.layout import _INST_LABELS

    assert canonical_metrics(line, _INST_LABELS, ("progress", "disbursed")) == line


@pytest.mark.parametrize(
    ("line", "role", "value"),
    [
        ("; ปีงบประมาณ wat : 2566", "fiscal_year", "2566"),  # a speck before, พ.ศ. read as Latin letters
        ("ปีงบประมาณ บศ : 2566", "fiscal_year", "2566"),  # ... or as two Thai letters
        ("' รหัสโครงการ : 50990000-4321", "code", "50990000-4321"),
    ],
)
def test_a_header_label_among_ocr_specks_is_read(line, role, value):
    from bma_nlp.parse.layout import match_fields

    assert match_fields(line) == [(role, value)]
