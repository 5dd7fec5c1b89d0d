"""Reports written by hand in other layouts and districts than the sample."""

from pathlib import Path

import pytest

from bma_nlp import parse_report
from bma_nlp.errors import ParseError
from bma_nlp.parse import parse_text, read_copies

REPORTS = Path(__file__).parent / "data" / "reports"


@pytest.fixture(scope="module")
def bangrak():
    return parse_report(REPORTS / "bangrak-footpath-2567.txt", repair=False, classify=False)


def test_header_with_thai_digits_be_dates_and_satang(bangrak):
    p = bangrak.project
    assert (p.code, p.fiscal_year, p.start_date, p.end_date) == ("50120000-0042", 2567, "2023-10-01", "2024-09-30")
    assert p.budget_received == 2450000.5 and p.budget_used == 1200000
    assert p.agency == "สำนักงานเขตบางรัก / ฝ่ายโยธา"
    assert (p.coordinator, p.coordinator_phone) == ("นายสมชาย ใจดี", "02-236-1395")


def test_installments_across_layouts(bangrak):
    first, second, third = bangrak.installments
    assert (first.date, first.progress_pct, first.disbursed_baht, first.on_plan, first.on_target) == ("2023-11-15", 5.0, 0, False, True)
    assert second.date == "2024-01-20"
    assert second.note.endswith("ลงนามสัญญาในเดือนกุมภาพันธ์")  # continuation line joined
    assert (second.on_plan, second.on_target) == (None, None)  # markers absent
    assert third.date is None and third.disbursed_baht == 1200000
    assert (third.on_plan, third.on_target) == (True, False)  # wrapped marker line


def test_flags_for_impossible_date(bangrak):
    codes = {(f.code, f.installment) for f in bangrak.flags}
    assert ("invalid_date", 3) in codes and ("missing_date", 3) in codes
    assert not any(f.code == "budget_overrun" for f in bangrak.flags)


def test_report_without_installments_is_flagged():
    report = parse_report(REPORTS / "header-only.txt", repair=False, classify=False)
    assert report.installments == []
    assert [f.code for f in report.flags] == ["no_installments"]


def test_text_without_a_report_is_an_error():
    with pytest.raises(ParseError, match="no progress report"):
        parse_text("สวัสดีครับ นี่ไม่ใช่รายงาน\nบรรทัดที่สอง", "note.txt")


def _report(code, fy, rows, title="โครงการทดสอบ"):
    lines = [f"ชื่อโครงการ/กิจกรรม : {title}", f"รหัสโครงการ : {code}", f"ปีงบประมาณ พ.ศ. : {fy}", "งบประมาณที่ได้รับ : 100,000 บาท"]
    for k, (date, note, pct, amount) in enumerate(rows, 1):
        lines.append(f"รายงานครั้งที่{k}\t:: {date} : {note} :: ความก้าวหน้าของงานฯ = {pct} % งบประมาณที่เบิกใช้ (ครั้งที่ {k}) = {amount} บาท : เป็นไปตามแผน : เป็นไปตามเป้าหมาย")
    return "\n".join(lines) + "\n"


def test_decreases_gaps_and_fiscal_year_flags():
    text = _report("10000000-0001", 2566, [("01/11/2565", "ก", 50, "10,000"), ("01/12/2565", "ข", 40, "5,000"), ("01/01/2567", "ค", 100, "0")])
    text = text.replace("(ครั้งที่ 3)", "(ครั้งที่ 5)")
    (r,) = parse_text(text)
    codes = {(f.code, f.installment) for f in r.flags}
    assert ("progress_decreased", 2) in codes and ("disbursement_decreased", 2) in codes
    assert ("date_outside_fiscal_year", 5) in codes
    assert ("complete_without_disbursement", 5) in codes
    assert any(f.code == "numbering_gap" and "3..4" in f.message for f in r.flags)


def test_two_reports_in_one_file_and_copies_across_files():
    a = _report("10000000-0001", 2566, [("01/11/2565", "ก", 10, "0")])
    b = _report("20000000-0002", 2566, [("01/11/2565", "ข", 20, "0")])
    reports = parse_text(a + b)
    assert [r.project.code for r in reports] == ["10000000-0001", "20000000-0002"]
    with pytest.raises(ParseError, match="2 different reports"):
        parse_report(a + b)


def test_copies_disagreeing_on_a_number_are_flagged():
    a = _report("10000000-0001", 2566, [("01/11/2565", "ก", 10, "1,000")])
    b = a.replace("1,000 บาท", "7,000 บาท")
    (r,) = parse_text(a + a + b)
    assert r.copies == 3 and r.installments[0].disbursed_baht == 1000  # majority wins
    assert any(f.code == "copies_disagree" and "disbursed_baht" in f.message for f in r.flags)


def test_label_variants_and_date_words():
    report = parse_report(REPORTS / "bangsue-canal-2567.txt", repair=False, classify=False)
    p = report.project
    assert (p.start_date, p.end_date) == ("2023-10-01", "2024-09-30")  # วันเริ่มต้นโครงการ, Thai month names
    assert p.agency == "สำนักการระบายน้ำ / กองระบบคลอง"  # หน่วยงานรับผิดชอบ
    assert p.budget_received == 4500000  # งบประมาณที่ได้รับจัดสรร, no บาท
    first, second = report.installments
    assert (first.date, first.note, first.progress_pct) == ("2023-11-15", "อยู่ระหว่างจัดทำราคากลาง", 5.0)
    assert (second.date, second.disbursed_baht, second.on_plan) == ("2024-01-20", 2000000, False)
    assert report.flags == []


def test_metric_label_variants():
    text = (
        "ชื่อโครงการ : ทดสอบ\nรหัสโครงการ : 10000000-0009\nปีงบประมาณ : 2567\n"
        "มีการรายงานผลการเบิกจ่ายงบประมาณต่อผู้บริหารทุกเดือน\n"
        "รายงานครั้งที่ 1 :: 15/11/2566 : อยู่ระหว่างจัดทำราคากลาง :: ร้อยละความก้าวหน้า : 5 ผลการเบิกจ่าย (ครั้งที่ 1) : 0 บาท\n"
        "รายงานครั้งที่ 2 :: 20/01/2567 : ลงนามสัญญาแล้ว :: ผลการดำเนินงาน ร้อยละ 35 งบประมาณที่เบิกจ่าย (ครั้งที่ 2) = 1,000 บาท : เป็นไปตามแผน\n"
    )
    (r,) = parse_text(text)
    got = [(i.number, i.date, i.note, i.progress_pct, i.disbursed_baht, i.on_plan) for i in r.installments]
    assert got == [
        (1, "2023-11-15", "อยู่ระหว่างจัดทำราคากลาง", 5.0, 0, None),
        (2, "2024-01-20", "ลงนามสัญญาแล้ว", 35.0, 1000, True),
    ]


def test_table_rows_that_lost_their_cells_gaps():
    """A table printed, scanned and OCR'd: its head over three lines, each row's cells one space
    apart and wrapped over lines with blank lines between (OCR's paragraphs), brackets misread.
    Each row is read by what its parts are: number, date, note, progress, amount, plan/target;
    a percentage inside the note is the note's."""
    report = parse_report(REPORTS / "scanned-table-2566.txt", repair=False, classify=False)
    rows = [(i.number, i.date, i.progress_pct, i.disbursed_baht, i.disbursement_no, i.on_plan, i.on_target) for i in report.installments]
    assert rows == [
        (1, "2022-12-29", 10.0, 0, 1, True, True),
        (2, "2023-02-28", 45.0, 36500, 2, False, True),
        (3, "2023-05-30", 100.0, 118900, 3, True, True),
    ]
    notes = [i.note for i in report.installments]
    assert notes[0] == "สำรวจความต้องการของผู้สูงอายุ และจัดทำโครงการเสนอขออนุมัติ"
    assert "ผลงาน 30% ของเป้าหมายรายไตรมาส" in notes[1] and "45.00" not in notes[1]
    assert report.project.code == "50050000-1188" and not any(f.code == "no_installments" for f in report.flags)


def test_a_scanned_table_whose_amounts_print_satang_without_the_unit():
    """OCR of a table aligned with spaces keeps neither the head's places nor the rows whole: the
    head over two lines, each row wrapped, the amount a bare ``0.00`` under ``เบิกจ่าย (บาท)``. Each
    row is read as a row that lost its cells' gaps (written for this test, in the shape of Tesseract's
    output of blind round 6's printed tables)."""
    report = parse_report(REPORTS / "scanned-table-bare-amounts-2565.txt", repair=False, classify=False)
    rows = [(i.number, i.date, i.progress_pct, i.disbursed_baht, i.on_plan, i.on_target) for i in report.installments]
    assert rows == [
        (1, "2021-11-30", 15.0, 0, True, True),  # (the head's second line before it is no part of it)
        (2, "2022-01-31", 30.0, 0, True, True),
        (3, "2022-03-31", 60.0, 478500, False, True),
        (4, "2022-05-31", 100.0, 957000, True, True),
    ]


def test_a_printed_web_form_with_each_value_in_a_box_under_its_label():
    """A form printed from a web page: a line of labels (a required field's ``*`` after one), then a
    line of boxed values (a drop-down's ``▾`` inside the box), paired in order."""
    text = "\n".join([
        "แบบแสดงรายงานความก้าวหน้าและข้อมูลเกี่ยวกับโครงการ",
        "ชื่อโครงการ/กิจกรรม *",
        "[ ปรับปรุงทางเท้าถนนสามเสน ]",
        "รหัสโครงการ                        ปีงบประมาณ พ.ศ.",
        "[ 50020000-0411 ]                 [ 2567 ▾ ]",
        "งบประมาณที่ได้รับ (บาท)              งบประมาณที่ใช้ไป (บาท)",
        "[ 850,000.00 ]                    [ 842,500.00 ]",
        "หน่วยงานที่รับผิดชอบ",
        "[ สำนักงานเขตดุสิต / ฝ่ายโยธา ]",
        "▼ รายงานครั้งที่ 1",
        "รายงานครั้งที่1 :: 31/10/2566 : สำรวจพื้นที่และเสนอขออนุมัติโครงการ",
        ":: ความก้าวหน้าของงานฯ = 5.00 % งบประมาณที่เบิกใช้ (ครั้งที่ 1) = 0 บาท : เป็นไปตามแผน : เป็นไปตามเป้าหมาย",
    ])  # fmt: skip
    (report,) = parse_text(text)
    p = report.project
    assert (p.name, p.code, p.fiscal_year, p.budget_received, p.budget_used, p.agency) == (
        "ปรับปรุงทางเท้าถนนสามเสน", "50020000-0411", 2567, 850000, 842500, "สำนักงานเขตดุสิต / ฝ่ายโยธา",
    )  # fmt: skip
    assert [(i.number, i.date, i.progress_pct) for i in report.installments] == [(1, "2023-10-31", 5.0)]


def test_a_web_form_printout_of_installment_blocks_in_the_screens_order():
    """A tracking system's screen printed from the browser: each installment a folding block
    (``▼``) under a section heading with a qualifier in brackets and a rule; the date and the
    progress side by side, the note in a text area drawn with ASCII (``+---+`` / ``| ... |``), then
    the amount, then the verdicts as drop-downs. The progress is read with the amount below it, the
    note without its frame."""
    text = "\n".join([
        "แบบแสดงรายงานความก้าวหน้าและข้อมูลเกี่ยวกับโครงการ",
        "ชื่อโครงการ/กิจกรรม",
        "[ ติดตั้งไฟส่องสว่างในซอยชุมชนเขตบางซื่อ ]",
        "รหัสโครงการ                        ปีงบประมาณ พ.ศ.",
        "[ 50290000-0377 ]                 [ 2568 ▾ ]",
        "",
        "รายงานความก้าวหน้าของโครงการและการใช้จ่ายงบประมาณ  (ทั้งหมด 2 รายการ)",
        "--------------------------------------------------",
        "▼ รายงานครั้งที่ 1",
        "    วันที่รายงาน                                 ความก้าวหน้าของงานฯ",
        "    [ 29/11/2567 ]                            [ 10.00 % ]",
        "    ผลการดำเนินงาน",
        "    +----------------------------------------------+",
        "    | สำรวจซอยที่ไฟส่องสว่างไม่เพียงพอ 14 ซอย        |",
        "    | และเสนอขออนุมัติโครงการ                        |",
        "    +----------------------------------------------+",
        "    งบประมาณที่เบิกใช้ (ครั้งที่ 1)",
        "    [ 0.00 ]",
        "    ผลเทียบแผน                                   ผลเทียบเป้าหมาย",
        "    [ เป็นไปตามแผน ▾ ]                           [ เป็นไปตามเป้าหมาย ▾ ]",
        "",
        "▼ รายงานครั้งที่ 2",
        "    วันที่รายงาน                                 ความก้าวหน้าของงานฯ",
        "    [ 28/02/2568 ]                            [ 45.00 % ]",
        "    ผลการดำเนินงาน",
        "    +----------------------------------------------+",
        "    | ลงนามสัญญาแล้ว ผู้รับจ้างติดตั้งเสาไฟ 6 ซอย       |",
        "    +----------------------------------------------+",
        "    งบประมาณที่เบิกใช้ (ครั้งที่ 2)",
        "    [ 312,500.00 ]",
        "    ผลเทียบแผน                                   ผลเทียบเป้าหมาย",
        "    [ ล่าช้ากว่าแผน ▾ ]                            [ เป็นไปตามเป้าหมาย ▾ ]",
    ])  # fmt: skip
    (report,) = parse_text(text)
    rows = [(i.number, i.date, i.progress_pct, i.disbursed_baht, i.on_plan, i.on_target) for i in report.installments]
    assert rows == [(1, "2024-11-29", 10.0, 0, True, True), (2, "2025-02-28", 45.0, 312500, False, True)]
    assert report.installments[0].note == "สำรวจซอยที่ไฟส่องสว่างไม่เพียงพอ 14 ซอย และเสนอขออนุมัติโครงการ"
    assert report.installments[1].note == "ลงนามสัญญาแล้ว ผู้รับจ้างติดตั้งเสาไฟ 6 ซอย"


def test_the_progress_apart_from_an_amount_of_a_later_block_stays_apart():
    """A two-column page read column by column leaves the amounts after the block; a progress field
    is not moved to an amount past its own verdicts."""
    text = "\n".join([
        "แบบแสดงรายงานความก้าวหน้าและข้อมูลเกี่ยวกับโครงการ",
        "รหัสโครงการ : 50290000-0378",
        "รายงานความก้าวหน้าของโครงการและการใช้จ่ายงบประมาณ",
        "รายงานครั้งที่ 1     วันที่ 31/10/2567",
        "ความก้าวหน้าของงานฯ : 5.00 %",
        "ผลเทียบแผน : เป็นไปตามแผน",
        "งบประมาณที่เบิกใช้ (ครั้งที่ 2) : 1,000 บาท",
    ])  # fmt: skip
    (report,) = parse_text(text)
    assert [(i.progress_pct, i.disbursed_baht) for i in report.installments] != [(5.0, 1000)]


def test_two_transposed_tables_and_the_notes_listed_apart_by_number():
    """Installments as columns (one per report), the table split in two where the page ends
    (``ตารางที่ 2``), amounts in millions, and the notes listed under the tables by number."""
    text = "\n".join([
        "แบบแสดงรายงานความก้าวหน้าและข้อมูลเกี่ยวกับโครงการ",
        "รหัสโครงการ: 50130000-0215",
        "ปีงบประมาณ พ.ศ.: 2567",
        "รายงานความก้าวหน้าของโครงการและการใช้จ่ายงบประมาณ (ข้อมูลสะสม)",
        "ตารางที่ 1",
        "| รายการ | ครั้งที่ 1 | ครั้งที่ 2 |",
        "|---|---|---|",
        "| วันที่รายงาน | 31/10/2566 | 29/12/2566 |",
        "| ความก้าวหน้าของงานฯ (ร้อยละ) | 5 | 20 |",
        "| งบประมาณที่เบิกใช้สะสม | 0 | 0 |",
        "| ผลเทียบแผน | เป็นไปตามแผน | ไม่เป็นไปตามแผน |",
        "",
        "ตารางที่ 2",
        "| รายการ | ครั้งที่ 3 |",
        "|---|---|",
        "| วันที่รายงาน | 29/03/2567 |",
        "| ความก้าวหน้าของงานฯ (ร้อยละ) | 70 |",
        "| งบประมาณที่เบิกใช้สะสม | 2.45 ล้านบาท |",
        "| ผลเทียบแผน | เป็นไปตามแผน |",
        "",
        "ผลการดำเนินงาน",
        "ครั้งที่ 1 : สำรวจแนวท่อระบายน้ำที่อุดตัน",
        "ครั้งที่ 2 : ได้รับอนุมัติแล้ว อยู่ระหว่างกำหนดราคากลาง",
        "ครั้งที่ 3 : ลงนามสัญญาแล้ว ผู้รับจ้างลอกท่อ",
        "ไปแล้ว 1.2 กิโลเมตร",
    ])  # fmt: skip
    (report,) = parse_text(text)
    rows = [(i.number, i.date, i.progress_pct, i.disbursed_baht, i.on_plan) for i in report.installments]
    assert rows == [(1, "2023-10-31", 5.0, 0, True), (2, "2023-12-29", 20.0, 0, False), (3, "2024-03-29", 70.0, 2450000, True)]
    assert [i.note for i in report.installments] == [
        "สำรวจแนวท่อระบายน้ำที่อุดตัน", "ได้รับอนุมัติแล้ว อยู่ระหว่างกำหนดราคากลาง", "ลงนามสัญญาแล้ว ผู้รับจ้างลอกท่อ ไปแล้ว 1.2 กิโลเมตร",
    ]  # fmt: skip


def test_installments_each_in_a_box_titled_in_its_top_rule():
    """``┌─ รายงานครั้งที่ 1 ───┐``: the box's title is the installment's heading, its walls no text."""
    text = "\n".join([
        "แบบแสดงรายงานความก้าวหน้าและข้อมูลเกี่ยวกับโครงการ",
        "รหัสโครงการ : 50170000-0090",
        "รายงานความก้าวหน้าของโครงการและการใช้จ่ายงบประมาณ",
        "┌─ รายงานครั้งที่ 1 ─────────────────────────────┐",
        "│ วันที่รายงาน : 30/12/2563                        │",
        "│ ผลการดำเนินงาน : จัดทำแบบและเสนอขออนุมัติโครงการ   │",
        "│ ความก้าวหน้าของงานฯ : ร้อยละ 10                  │",
        "│ งบประมาณที่เบิกใช้ (ครั้งที่ 1) : 0 บาท             │",
        "│ ผลเทียบแผน : เป็นไปตามแผน                        │",
        "└────────────────────────────────────────────┘",
        "┌─ รายงานครั้งที่ 2 ─────────────────────────────┐",
        "│ วันที่รายงาน : 31/03/2564                        │",
        "│ ผลการดำเนินงาน : ลงนามสัญญาจ้างแล้ว               │",
        "│ ความก้าวหน้าของงานฯ : ร้อยละ 30                  │",
        "│ งบประมาณที่เบิกใช้ (ครั้งที่ 2) : 0 บาท             │",
        "│ ผลเทียบแผน : เป็นไปตามแผน                        │",
        "└────────────────────────────────────────────┘",
    ])  # fmt: skip
    (report,) = parse_text(text)
    assert [(i.number, i.date, i.progress_pct) for i in report.installments] == [(1, "2020-12-30", 10.0), (2, "2021-03-31", 30.0)]
    assert report.installments[1].note == "ลงนามสัญญาจ้างแล้ว"


def test_targets_headed_by_the_key_word_alone_and_the_goal_field_kept_apart():
    """``3. เป้าหมาย`` alone heads the targets; ``เป้าหมายที่ : 1.4 ...`` stays the strategy's goal."""
    text = "\n".join([
        "แบบแสดงรายงานความก้าวหน้าและข้อมูลเกี่ยวกับโครงการ",
        "รหัสโครงการ : 50330000-0101",
        "2. วัตถุประสงค์",
        "   2.1 เพื่อให้ผู้สูงอายุมีสุขภาพดี",
        "3. เป้าหมาย",
        "   3.1 ผู้สูงอายุ 300 คน เข้าร่วมกิจกรรม",
        "เป้าหมายที่ : 1.4 ปลอดภัยจากโรคภัย",
    ])  # fmt: skip
    (copy,) = read_copies(text)
    assert copy.narrative["objectives"] == ["เพื่อให้ผู้สูงอายุมีสุขภาพดี"]
    assert copy.narrative["targets"] == ["ผู้สูงอายุ 300 คน เข้าร่วมกิจกรรม"]
    assert copy.project.goal == "1.4 ปลอดภัยจากโรคภัย"


def test_a_bare_figure_under_its_label_is_a_value_not_a_page_number():
    """One field per line, the value indented under its label: ``5`` under the progress label is the
    progress; a page number (``- 2 -``) between blocks is still furniture."""
    text = "\n".join([
        "แบบแสดงรายงานความก้าวหน้าและข้อมูลเกี่ยวกับโครงการ",
        "รหัสโครงการ : 50330000-0102",
        "รายงานความก้าวหน้าของโครงการและการใช้จ่ายงบประมาณ",
        "ครั้งที่ 1",
        "    วันที่รายงาน",
        "        31 ต.ค. 2568",
        "    ผลการดำเนินงาน",
        "        เสนอขออนุมัติโครงการ",
        "    ความก้าวหน้าของงาน (ร้อยละ)",
        "        5",
        "    งบประมาณที่เบิกใช้สะสม (บาท)",
        "        0.-",
        "- 2 -",
    ])  # fmt: skip
    (report,) = parse_text(text)
    (first,) = report.installments
    assert (first.date, first.progress_pct, first.disbursed_baht, first.note) == ("2025-10-31", 5.0, 0, "เสนอขออนุมัติโครงการ")


def test_an_ascii_grid_table_rules_are_no_rows():
    """A grid table (``+----+----+``, ``+====+====+`` under the head): a value wrapped in its cell
    ends at the rule, which is no text of it."""
    text = "\n".join([
        "แบบแสดงรายงานความก้าวหน้าและข้อมูลเกี่ยวกับโครงการ",
        "+--------------------+---------------------------------+",
        "| รายการ             | ข้อมูล                           |",
        "+====================+=================================+",
        "| ชื่อโครงการ/กิจกรรม  | ปรับปรุงลานกีฬาอเนกประสงค์          |",
        "|                    | สวนชุมชนบางซื่อ                   |",
        "+--------------------+---------------------------------+",
        "| รหัสโครงการ         | 50290000-0441                   |",
        "+--------------------+---------------------------------+",
    ])  # fmt: skip
    (copy,) = read_copies(text)
    assert (copy.project.name, copy.project.code) == ("ปรับปรุงลานกีฬาอเนกประสงค์ สวนชุมชนบางซื่อ", "50290000-0441")


def test_a_pipe_table_whose_cells_wrap_over_rows():
    """A table as a word processor prints it: a rule under each row, ``|====|`` under the head, a
    date column headed ``ณ วันที่``, notes wrapped over rows whose other cells are empty (one with a
    figure in its text, one with a word a label lookup could take for a column's), and one column for
    both verdicts (``ผลเทียบแผน /`` over ``ผลเทียบเป้าหมาย``). The wrapped rows join the row above."""
    text = "\n".join([
        "แบบแสดงรายงานความก้าวหน้าและข้อมูลเกี่ยวกับโครงการ",
        "รหัสโครงการ : 50310000-0215",
        "รายงานความก้าวหน้าของโครงการและการใช้จ่ายงบประมาณ",
        "|------|------------|----------------------------------|-------|-----------|----------------|",
        "| ครั้งที่ |  ณ วันที่    | ผลการดำเนินงาน                    | ร้อยละ | เบิกจ่ายสะสม | ผลเทียบแผน /     |",
        "|      |            |                                  |       | (บาท)     | ผลเทียบเป้าหมาย  |",
        "|======|============|==================================|=======|===========|================|",
        "|  1   | 30 พ.ย. 66 | สำรวจคูน้ำที่ตื้นเขิน              |    10 |      0.00 | เป็นไปตามแผน     |",
        "|      |            | เสนอขออนุมัติโครงการต่อผู้อำนวยการเขต |       |           | เป็นไปตามเป้าหมาย |",
        "|      |            | รวม 6 สาย                          |       |           |                |",
        "|------|------------|----------------------------------|-------|-----------|----------------|",
        "|  2   | 31 ม.ค. 67 | ลงนามสัญญาจ้างแล้ว                 |    35 | 120,000.00 | ล่าช้ากว่าแผน    |",
        "|      |            | ผู้รับจ้างขุดลอกแล้ว 2 สาย           |       |           | เป็นไปตามเป้าหมาย |",
        "|------|------------|----------------------------------|-------|-----------|----------------|",
    ])  # fmt: skip
    (report,) = parse_text(text)
    rows = [(i.number, i.date, i.progress_pct, i.disbursed_baht, i.on_plan, i.on_target) for i in report.installments]
    assert rows == [(1, "2023-11-30", 10.0, 0, True, True), (2, "2024-01-31", 35.0, 120000, False, True)]
    assert report.installments[0].note == "สำรวจคูน้ำที่ตื้นเขิน เสนอขออนุมัติโครงการต่อผู้อำนวยการเขต รวม 6 สาย"
    assert report.installments[1].note == "ลงนามสัญญาจ้างแล้ว ผู้รับจ้างขุดลอกแล้ว 2 สาย"


def test_a_summary_table_under_its_own_heading_then_the_notes_by_number():
    """A summary: the installments in a table aligned with spaces under a heading the form does not
    have (``สรุปผลการดำเนินงานรายครั้ง``), its head over two lines; then each note listed apart under
    ``ครั้งที่ K (date)``. The table is read from its head; each note goes to its row."""
    text = "\n".join([
        "แบบแสดงรายงานความก้าวหน้าและข้อมูลเกี่ยวกับโครงการ",
        "รหัสโครงการ : 10030000-0555",
        "2. สรุปผลการดำเนินงานรายครั้ง",
        "   ครั้งที่      วันที่รายงาน      ความก้าวหน้า     เบิกจ่ายสะสม       ผลเทียบแผน",
        "                             (ร้อยละ)          (บาท)",
        "   ──────────────────────────────────────────────",
        "    1      30 พ.ย. 2566           5.00             0.00    เป็นไปตามแผน",
        "    2      29 ก.พ. 2567          40.00       250,000.00    ล่าช้ากว่าแผน",
        "3. รายละเอียดผลการดำเนินงานแต่ละครั้ง",
        "   ครั้งที่ 1 (30 พ.ย. 2566)",
        "       สำรวจความต้องการของศูนย์บริการ",
        "       เสนอขออนุมัติโครงการ",
        "   ครั้งที่ 2 (29 ก.พ. 2567)",
        "       ลงนามสัญญาแล้ว ผู้ขายส่งมอบงวดที่ 1",
    ])  # fmt: skip
    (report,) = parse_text(text)
    rows = [(i.number, i.date, i.progress_pct, i.disbursed_baht, i.on_plan) for i in report.installments]
    assert rows == [(1, "2023-11-30", 5.0, 0, True), (2, "2024-02-29", 40.0, 250000, False)]
    assert [i.note for i in report.installments] == ["สำรวจความต้องการของศูนย์บริการ เสนอขออนุมัติโครงการ", "ลงนามสัญญาแล้ว ผู้ขายส่งมอบงวดที่ 1"]


def test_a_spreadsheet_pasted_as_text_header_in_a_row_of_labels_over_a_row_of_values():
    """Cells parted by tabs: the header as one row of labels (a row-number column and a phone column
    among them) over one row of values; a quoted cell holding line breaks; narrative rows headed by
    their section (``เป้าหมาย`` alone, a letter from the header label เป้าหมายที่)."""
    text = "\n".join([
        "แบบแสดงรายงานความก้าวหน้าและข้อมูลเกี่ยวกับโครงการ\t\t\t\t",
        "ลำดับ\tรหัสโครงการ\tชื่อโครงการ/กิจกรรม\tปีงบประมาณ\tงบประมาณที่ได้รับ (บาท)\tผู้ประสานงาน สยป\tโทรศัพท์",
        "1\t11030000-0999\tปรับปรุงป้ายหยุดรถประจำทาง 30 จุด\t2561\t1,250,000.00\tนางสาวสุดา ใจงาม\t0 2354 1200 ต่อ 11",
        "หลักการและเหตุผล\t\"ป้ายหยุดรถหลายจุดชำรุด",
        "ผู้โดยสารไม่มีที่พักรอรถ\"\t\t\t",
        "เป้าหมาย\tป้ายหยุดรถประจำทาง 30 จุด\t\t\t",
        "รายงานครั้งที่\tวันที่รายงาน\tผลการดำเนินงาน\tความก้าวหน้าของงาน (%)\tงบประมาณที่เบิกใช้สะสม (บาท)\tผลเทียบแผน\tผลเทียบเป้าหมาย",
        "1\t31/10/2560\tสำรวจป้ายหยุดรถ เสนอขออนุมัติโครงการ\t5.00%\t0.00\tเป็นไปตามแผน\tเป็นไปตามเป้าหมาย",
    ])  # fmt: skip
    (copy,) = read_copies(text)
    p = copy.project
    assert (p.code, p.name, p.fiscal_year, p.budget_received) == ("11030000-0999", "ปรับปรุงป้ายหยุดรถประจำทาง 30 จุด", 2561, 1250000)
    assert (p.coordinator, p.coordinator_phone) == ("นางสาวสุดา ใจงาม", "0 2354 1200 ต่อ 11")
    assert copy.narrative["rationale"] == ["ป้ายหยุดรถหลายจุดชำรุด ผู้โดยสารไม่มีที่พักรอรถ"]
    assert copy.narrative["targets"] == ["ป้ายหยุดรถประจำทาง 30 จุด"]
    assert [(i.date, i.progress_pct) for i in copy.installments] == [("2017-10-31", 5.0)]


def test_numbered_labels_without_colons_and_quarterly_blocks():
    """Items numbered ``1.2`` with the label and its value parted by a wide gap, no colon (a label
    with a qualifier, ``(สะสม)``, and the agency's label, which the form also prints as a section's);
    a progress section headed in other words; each installment named by its quarter before its
    heading; verdict labels worded ``ผลการดำเนินงานเทียบกับแผน`` on the verdict's line."""
    text = "\n".join([
        "แบบแสดงรายงานความก้าวหน้าและข้อมูลเกี่ยวกับโครงการ",
        "ส่วนที่ 1  ข้อมูลทั่วไปของโครงการ",
        "   1.1  ชื่อโครงการ/กิจกรรม              ปรับปรุงสนามเด็กเล่นในชุมชน",
        "   1.2  รหัสโครงการ                    50460000-1400",
        "   1.6  งบประมาณที่ใช้ไป (สะสม)          97,860.- บาท",
        "   1.7  หน่วยงานที่รับผิดชอบ               สำนักงานเขตคลองสามวา / ฝ่ายโยธา",
        "ส่วนที่ 3  ผลการดำเนินงานและการใช้จ่ายงบประมาณรายไตรมาส",
        "   ไตรมาสที่ 1 (ตุลาคม - ธันวาคม 2565)   รายงานครั้งที่ 1   ณ วันที่ 30 ธันวาคม 2565",
        "        ผลการดำเนินงาน                สำรวจสนามเด็กเล่น เสนอขออนุมัติโครงการ",
        "        ความก้าวหน้าของงาน             ร้อยละ 15",
        "        งบประมาณที่เบิกจ่ายสะสม          0.- บาท",
        "        ผลการดำเนินงานเทียบกับแผน       เป็นไปตามแผน",
        "        ผลการดำเนินงานเทียบกับเป้าหมาย   เป็นไปตามเป้าหมาย",
        "   ไตรมาสที่ 2 (มกราคม - มีนาคม 2566)   รายงานครั้งที่ 2   ณ วันที่ 31 มีนาคม 2566",
        "        ผลการดำเนินงาน                ลงนามสัญญาแล้ว ผู้รับจ้างเข้าพื้นที่",
        "        ความก้าวหน้าของงาน             ร้อยละ 40",
        "        งบประมาณที่เบิกจ่ายสะสม          0.- บาท",
        "        ผลการดำเนินงานเทียบกับแผน       ไม่เป็นไปตามแผน",
        "        ผลการดำเนินงานเทียบกับเป้าหมาย   ต่ำกว่าเป้าหมาย",
        "ส่วนที่ 4  ปัญหา อุปสรรค และแนวทางแก้ไข",
        "        ผู้รับจ้างขาดแคลนแรงงาน",
    ])  # fmt: skip
    (report,) = parse_text(text)
    p = report.project
    assert (p.name, p.code, p.budget_used, p.agency) == ("ปรับปรุงสนามเด็กเล่นในชุมชน", "50460000-1400", 97860, "สำนักงานเขตคลองสามวา / ฝ่ายโยธา")
    rows = [(i.number, i.date, i.progress_pct, i.on_plan, i.on_target) for i in report.installments]
    assert rows == [(1, "2022-12-30", 15.0, True, True), (2, "2023-03-31", 40.0, False, False)]


def test_a_memo_reporting_the_installments_with_the_form_attached_after_it():
    """A memo (บันทึกข้อความ) that reports the installments in a box table, its header nowhere but
    in the system's form attached after the signatures: the two parts are one report. A wrapped row
    of the table that reads like a head (ตรวจรับและเบิกจ่ายแล้ว | เป็นไปตามเป้าหมาย) joins its row;
    the phone on a row of its own is the coordinator's."""
    text = "\n".join([
        "                บันทึกข้อความ",
        "ส่วนราชการ  ฝ่ายโยธา สำนักงานเขตบึงกุ่ม",
        "เรื่อง  รายงานความก้าวหน้าโครงการ",
        "    ๔. ผลการดำเนินงานและการใช้จ่ายงบประมาณ",
        "┌──────┬─────────────┬──────────────────────────┬──────────┬───────────┬─────────────────┐",
        "│ ครั้งที่ │ วันที่รายงาน   │ ผลการดำเนินงาน             │ ความก้าวหน้า │ เบิกจ่ายสะสม │ ผลเทียบแผน /      │",
        "│      │             │                          │ (ร้อยละ)   │ (บาท)     │ เป้าหมาย          │",
        "├──────┼─────────────┼──────────────────────────┼──────────┼───────────┼─────────────────┤",
        "│  ๑   │ ๓๑ ต.ค. ๒๕๕๙ │ สำรวจพื้นที่ เสนอขออนุมัติ      │        ๕ │         ๐ │ เป็นไปตามแผน      │",
        "│      │             │                          │          │           │ เป็นไปตามเป้าหมาย  │",
        "├──────┼─────────────┼──────────────────────────┼──────────┼───────────┼─────────────────┤",
        "│  ๒   │ ๓๑ พ.ค. ๒๕๖๐ │ ส่งมอบงานงวดที่ ๑ จาก ๔ งวด   │       ๕๕ │ ๒,๖๘๕,๐๐๐ │ เป็นไปตามแผน      │",
        "│      │             │ ตรวจรับและเบิกจ่ายแล้ว        │          │           │ เป็นไปตามเป้าหมาย  │",
        "└──────┴─────────────┴──────────────────────────┴──────────┴───────────┴─────────────────┘",
        "                จึงเรียนมาเพื่อโปรดทราบ",
        "สิ่งที่ส่งมาด้วย  ข้อมูลโครงการตามระบบติดตามและประเมินผล",
        "┌────────────────────┬──────────────────────────┐",
        "│ ชื่อโครงการ/กิจกรรม   │ ก่อสร้างบ่อสูบน้ำซอยนวมินทร์ ๔๒  │",
        "├────────────────────┼──────────────────────────┤",
        "│ รหัสโครงการ         │ 50270000-0658             │",
        "├────────────────────┼──────────────────────────┤",
        "│ ปีงบประมาณ พ.ศ.     │ 2560                      │",
        "├────────────────────┼──────────────────────────┤",
        "│ ผู้ประสานงาน สยป     │ นายปิยะพงษ์ ทองเจริญ         │",
        "├────────────────────┼──────────────────────────┤",
        "│ โทรศัพท์             │ 0 2510 8460 ต่อ 2314       │",
        "└────────────────────┴──────────────────────────┘",
    ])  # fmt: skip
    (report,) = parse_text(text)
    p = report.project
    assert (p.code, p.fiscal_year, p.coordinator, p.coordinator_phone) == ("50270000-0658", 2560, "นายปิยะพงษ์ ทองเจริญ", "0 2510 8460 ต่อ 2314")
    rows = [(i.number, i.date, i.progress_pct, i.disbursed_baht, i.on_plan, i.on_target) for i in report.installments]
    assert rows == [(1, "2016-10-31", 5.0, 0, True, True), (2, "2017-05-31", 55.0, 2685000, True, True)]
    assert report.installments[1].note == "ส่งมอบงานงวดที่ ๑ จาก ๔ งวด ตรวจรับและเบิกจ่ายแล้ว"


def test_sections_numbered_in_brackets_and_a_second_field_without_its_colon():
    """A report quoted as an agenda item of minutes: items numbered ``(2)``, ``(7)``; a field after
    a wide gap without its colon (``ปีงบประมาณ พ.ศ. 2567``)."""
    text = "\n".join([
        "ระเบียบวาระที่ 3  เรื่องเพื่อทราบ",
        "        3.1 รายงานผลการดำเนินโครงการ ดังนี้",
        "            (1) ชื่อโครงการ/กิจกรรม : จัดงานประเพณีลอยกระทง",
        "            (2) รหัสโครงการ : 50220000-1046   ปีงบประมาณ พ.ศ. 2567",
        "            (7) หลักการและเหตุผล",
        "                    ประเพณีลอยกระทงเป็นประเพณีสำคัญ",
        "            (8) วัตถุประสงค์",
        "                1) เพื่ออนุรักษ์ประเพณี",
        "            (9) เป้าหมาย",
        "                1) ผู้ร่วมงานไม่น้อยกว่า 3,000 คน",
    ])  # fmt: skip
    (copy,) = read_copies(text)
    assert (copy.project.code, copy.project.fiscal_year) == ("50220000-1046", 2567)
    assert copy.narrative["rationale"] == ["ประเพณีลอยกระทงเป็นประเพณีสำคัญ"]
    assert copy.narrative["objectives"] == ["เพื่ออนุรักษ์ประเพณี"]
    assert copy.narrative["targets"] == ["ผู้ร่วมงานไม่น้อยกว่า 3,000 คน"]


def test_a_memo_with_the_header_fields_written_into_sentences():
    """A memo's numbered items, each a sentence of header fields without colons or gaps; a label
    broken over two lines keeps its value for the line below; installments as paragraphs
    (``... เป็นเงิน 0 บาท``)."""
    text = "\n".join([
        "                บันทึกข้อความ",
        "        1. ข้อมูลโครงการ",
        "            1.1 ชื่อโครงการ/กิจกรรม “ส่งเสริมการปลูกผักในชุมชน”",
        "                รหัสโครงการ 50440000-0999 ปีงบประมาณ พ.ศ. 2567",
        "            1.2 ระยะเวลาดำเนินการ เริ่มต้นโครงการวันที่ 1 ตุลาคม 2566 สิ้นสุดโครงการวันที่ 30 กันยายน 2567",
        "            1.3 งบประมาณที่ได้รับ จำนวน 245,000 บาท งบประมาณที่ใช้ไป จำนวน 238,760 บาท",
        "        5. ผลการดำเนินงานและการใช้จ่ายงบประมาณ",
        "            5.1 รายงานครั้งที่ 1 ณ วันที่ 31 ตุลาคม 2566 จัดทำรายละเอียดโครงการ",
        "                ความก้าวหน้าของงานร้อยละ 5",
        "                งบประมาณที่เบิกใช้สะสม (ครั้งที่ 1) เป็นเงิน 0 บาท",
        "                ผลการดำเนินงานเป็นไปตามแผนและเป็นไปตามเป้าหมาย",
    ])  # fmt: skip
    (report,) = parse_text(text)
    p = report.project
    assert (p.name, p.code, p.fiscal_year, p.start_date, p.end_date) == ("ส่งเสริมการปลูกผักในชุมชน", "50440000-0999", 2567, "2023-10-01", "2024-09-30")
    assert (p.budget_received, p.budget_used) == (245000, 238760)
    (first,) = report.installments
    assert (first.date, first.progress_pct, first.disbursed_baht, first.on_plan, first.on_target) == ("2023-10-31", 5.0, 0, True, True)


def test_a_label_broken_over_two_lines_is_no_sentence_of_fields():
    """``3. ปีงบประมาณ พ.ศ. ที่ได้รับ`` with the value on the next line: no field is read from the
    label's own words."""
    (copy,) = read_copies("แบบแสดงรายงานความก้าวหน้าและข้อมูลเกี่ยวกับโครงการ\nรหัสโครงการ : 50440000-0998\n3. ปีงบประมาณ พ.ศ. ที่ได้รับ\n   งบประมาณ : 2567\n")
    assert not any(key == "fiscal_year" and not value[:1].isdigit() for key, value in copy.bad_fields)


def test_one_field_per_line_blocks_across_a_page_break():
    """Blocks headed ``ครั้งที่ N`` alone, each field's value indented under its label: a running
    header after a page break is no part of the next block; a plan verdict left blank (``-``) before
    the target's; the phone under ``หมายเลขโทรศัพท์``."""
    text = "\n".join([
        "แบบแสดงรายงานความก้าวหน้าและข้อมูลเกี่ยวกับโครงการ",
        "รหัสโครงการ : 50180000-0321",
        "ผู้ประสานงาน สยป",
        "        นางสาวปวีณา ทองคำสุข",
        "หมายเลขโทรศัพท์",
        "        0 2202 9811",
        "รายงานความก้าวหน้าของโครงการและการใช้จ่ายงบประมาณ",
        "ครั้งที่ 1",
        "    วันที่รายงาน",
        "        31 ต.ค. 2568",
        "    ผลการดำเนินงาน",
        "        เสนอขออนุมัติโครงการ",
        "    ความก้าวหน้าของงาน (ร้อยละ)",
        "        5",
        "    งบประมาณที่เบิกใช้สะสม (บาท)",
        "        0.-",
        "",
        "                                          - 2 -",
        "สถาบันพัฒนาข้าราชการกรุงเทพมหานคร  แบบรายงานโครงการ",
        "",
        "ครั้งที่ 2",
        "    วันที่รายงาน",
        "        31 มี.ค. 2569",
        "    ผลการดำเนินงาน",
        "        จัดฝึกอบรมรุ่นที่ 1",
        "    ความก้าวหน้าของงาน (ร้อยละ)",
        "        40",
        "    งบประมาณที่เบิกใช้สะสม (บาท)",
        "        311,450.-",
        "    ผลเทียบแผน",
        "        -",
        "    ผลเทียบเป้าหมาย",
        "        เป็นไปตามเป้าหมาย",
    ])  # fmt: skip
    (report,) = parse_text(text)
    assert (report.project.coordinator, report.project.coordinator_phone) == ("นางสาวปวีณา ทองคำสุข", "0 2202 9811")
    rows = [(i.number, i.date, i.progress_pct, i.disbursed_baht, i.on_plan, i.on_target) for i in report.installments]
    assert rows == [(1, "2025-10-31", 5.0, 0, None, None), (2, "2026-03-31", 40.0, 311450, None, True)]
    assert report.installments[1].note == "จัดฝึกอบรมรุ่นที่ 1"


def test_an_annex_numbered_by_articles_with_installments_as_semicolon_records():
    """A legal-style annex: items ``ข้อ ๒`` before the labels (no colon, gaps), and the installments
    typed as records parted by ``;`` under a key in brackets, key and records wrapped over lines."""
    text = "\n".join([
        "              แบบแสดงรายงานความก้าวหน้าและข้อมูลเกี่ยวกับโครงการ",
        "ข้อ ๑   ชื่อโครงการ/กิจกรรม  จัดซื้อเครื่องอ่านบัตรสำหรับงานทะเบียน",
        "ข้อ ๒   รหัสโครงการ  ๕๐๒๕๐๐๐๐-๐๗๑๙     ปีงบประมาณ พ.ศ.  ๒๕๖๒",
        "ข้อ ๙   รายงานความก้าวหน้าของโครงการและการใช้จ่ายงบประมาณ",
        "       (ครั้งที่ ; วันที่รายงาน ; ผลการดำเนินงาน ; ความก้าวหน้าของงานฯ ; งบประมาณที่เบิกใช้ ;",
        "        ผลเทียบแผน ; ผลเทียบเป้าหมาย)",
        "       ๙.๑  ครั้งที่ ๑ ; ๒๘ ธ.ค. ๒๕๖๑ ;",
        "             จัดทำคุณลักษณะเฉพาะ",
        "             และเสนอขออนุมัติจัดซื้อ ; ร้อยละ ๒๐ ; ๐.- บาท ; เป็นไปตามแผน ; เป็นไปตามเป้าหมาย",
        "       ๙.๒  ครั้งที่ ๒ ; ๒๙ มี.ค. ๒๕๖๒ ; ลงนามในสัญญาซื้อขายแล้ว ;",
        "             ร้อยละ ๖๐ ; ๐.- บาท ; ไม่เป็นไปตามแผน ; เป็นไปตามเป้าหมาย",
        "ข้อ ๑๐  ปัญหา อุปสรรค และข้อเสนอแนะ",
    ])  # fmt: skip
    (report,) = parse_text(text)
    assert (report.project.code, report.project.fiscal_year) == ("50250000-0719", 2562)
    rows = [(i.number, i.date, i.progress_pct, i.disbursed_baht, i.on_plan, i.on_target) for i in report.installments]
    assert rows == [(1, "2018-12-28", 20.0, 0, True, True), (2, "2019-03-29", 60.0, 0, False, True)]
    assert report.installments[0].note == "จัดทำคุณลักษณะเฉพาะ และเสนอขออนุมัติจัดซื้อ"


def test_a_quote_that_opens_a_chat_message_is_no_spreadsheet_cell():
    """A chat export: ``time<TAB>name<TAB>"message`` with the message's lines below it and its
    closing quote at a line's end; the lines inside are read as they stand, not joined as a cell."""
    text = "\n".join([
        "2024.10.31 วันพฤหัสบดี",
        '16:02\tปวีณา เทศกิจ\t"แบบแสดงรายงานความก้าวหน้าและข้อมูลเกี่ยวกับโครงการ',
        "รหัสโครงการ : 50480000-1963",
        "ปีงบประมาณ พ.ศ. : 2568",
        'ผู้ประสานงาน สยป : นางสาวปวีณา ใจกว้าง โทร 0 2448 5712"',
    ])  # fmt: skip
    (copy,) = read_copies(text)
    assert (copy.project.code, copy.project.fiscal_year) == ("50480000-1963", 2568)


def test_short_labels_and_bulleted_installment_fields():
    """Labels shortened as clerks write them (``รหัส``, ``ปีงบฯ``, ``งบที่ได้รับ``), two on a line;
    installment fields as ``- label: value`` lines under ``ครั้งที่ 1 (ณ 29/12/2566)``."""
    text = "\n".join([
        "แบบแสดงรายงานความก้าวหน้าและข้อมูลเกี่ยวกับโครงการ",
        "รหัส : 50170000-3157                           ปีงบฯ : 2567",
        "งบที่ได้รับ : 3.75 ล้านบาท                         งบที่ใช้ไป : 3,688,000.- บาท",
        "ผลการดำเนินงาน :",
        "ครั้งที่ 1 (ณ 29/12/2566)",
        "   - ผลการดำเนินงาน: สำรวจจุดติดตั้ง และขออนุมัติโครงการ",
        "   - ความก้าวหน้า: 10%",
        "   - เบิกจ่ายสะสม: 0.- บาท",
        "   - เทียบแผน: เป็นไปตามแผน",
        "   - เทียบเป้าหมาย: เป็นไปตามเป้าหมาย",
    ])  # fmt: skip
    (report,) = parse_text(text)
    p = report.project
    assert (p.code, p.fiscal_year, p.budget_received, p.budget_used) == ("50170000-3157", 2567, 3750000, 3688000)
    (first,) = report.installments
    assert (first.date, first.progress_pct, first.disbursed_baht, first.on_plan, first.on_target) == ("2023-12-29", 10.0, 0, True, True)


def test_an_installment_head_on_one_line_parted_by_bars():
    """``ครั้งที่ 1 | ลงวันที่ X | ความก้าวหน้า ร้อยละ 5 | เบิกจ่ายสะสม 0.00 บาท`` over the note and
    ``ผลการประเมิน : <plan> / <target>``: labelled fields, not a table's cells."""
    text = "\n".join([
        "แบบแสดงรายงานความก้าวหน้าและข้อมูลเกี่ยวกับโครงการ",
        "รหัสโครงการ : 50050000-0611",
        "รายงานความก้าวหน้าของโครงการและการใช้จ่ายงบประมาณ",
        "ครั้งที่ 1 | ลงวันที่ ๓๑ ต.ค. ๖๑ | ความก้าวหน้า ร้อยละ 5 | เบิกจ่ายสะสม 0.00 บาท",
        "    ผลการดำเนินงาน : สำรวจสภาพบ้านหนังสือ",
        "    ผลการประเมิน   : เป็นไปตามแผน / เป็นไปตามเป้าหมาย",
        "",
        "ครั้งที่ 2 | ลงวันที่ ๒๘ ธ.ค. ๖๑ | ความก้าวหน้า ร้อยละ 15 | เบิกจ่ายสะสม 0.00 บาท",
        "    ผลการดำเนินงาน : ได้รับอนุมัติแล้ว",
        "    ผลการประเมิน   : ไม่เป็นไปตามแผน / เป็นไปตามเป้าหมาย",
    ])  # fmt: skip
    (report,) = parse_text(text)
    rows = [(i.number, i.date, i.progress_pct, i.disbursed_baht, i.on_plan, i.on_target) for i in report.installments]
    assert rows == [(1, "2018-10-31", 5.0, 0, True, True), (2, "2018-12-28", 15.0, 0, False, True)]
    assert report.installments[1].note == "ได้รับอนุมัติแล้ว"
