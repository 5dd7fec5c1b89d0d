"""Round-4 mechanisms (issue 15, fourth pass), one per test, on small texts written here (not
taken from any blind file): weekday names before a date, and a typed memo's metrics (words after
the percentage, ``จำนวน`` before the amount)."""

from __future__ import annotations

from bma_nlp.parse import parse_text
from bma_nlp.parse.dates import match_date

MEMO_HEAD = [
    "ชื่อโครงการ  ซ่อมแซมทางเดินริมคลองหลังวัด",
    "รหัสโครงการ  50990000-0123    ปีงบประมาณ พ.ศ.  2566",
    "งบประมาณที่ได้รับ  300,000 บาท",
]


def test_a_weekday_before_a_date_is_decoration():
    assert match_date("ประจำวันพุธที่ 15 มีนาคม 2566")[0] == "2023-03-15"
    assert match_date("วันอาทิตย์ที่ ๕ ก.พ. ๒๕๖๖")[0] == "2023-02-05"
    assert match_date("วันเสาร์ที่ 4/3/2023")[0] == "2023-03-04"
    assert match_date("ประจำ15 มีนาคม 2566")[0] == "2023-03-15"  # ประจำ glued to the date
    assert match_date("วันหยุดราชการ") is None


def test_memo_installments_read_with_weekday_dates_share_words_and_sum_word():
    text = "\n".join(
        [
            *MEMO_HEAD,
            "รายงานครั้งที่ 1 ประจำวันพุธที่ 15 มีนาคม 2566",
            "  ผลการดำเนินงาน",
            "    1) สำรวจแนวทางเดิน",
            "    2) ขออนุมัติโครงการ",
            "  ความก้าวหน้าของงาน ร้อยละ 12.50 ของงานทั้งโครงการ",
            "  งบประมาณที่เบิกใช้ (ครั้งที่ 1) จำนวน 0 บาท",
            "  ผลเทียบแผน เป็นไปตามแผน   ผลเทียบเป้าหมาย เป็นไปตามเป้าหมาย",
            "รายงานครั้งที่ 2 ประจำวันศุกร์ที่ 28 เมษายน 2566",
            "  ผลการดำเนินงาน ทำสัญญาจ้างแล้ว",
            "  ความก้าวหน้าของงาน ร้อยละ 40 ของปริมาณงาน",
            "  งบประมาณที่เบิกใช้ (ครั้งที่ 2) จำนวน 120,000 บาท",
            "  ผลเทียบแผน ล่าช้ากว่าแผน",
        ]
    )
    (report,) = parse_text(text)
    got = [(i.number, i.date, i.progress_pct, i.disbursed_baht, i.disbursement_no, i.on_plan, i.on_target) for i in report.installments]
    assert got == [
        (1, "2023-03-15", 12.5, 0, 1, True, True),
        (2, "2023-04-28", 40.0, 120000, 2, False, None),
    ]


def test_form_blocks_with_result_headings_cumulative_labels_and_section_parts():
    text = "\n".join(
        [
            "ส่วนที่ 1 ข้อมูลทั่วไปของโครงการ",
            "ชื่อโครงการ : ซ่อมแซมทางเดินริมคลองหลังวัด",
            "รหัสโครงการ : 50990000-0123",
            "ปีงบประมาณ : 2566",
            "ผู้ประสานงาน : นายสมชาย ตัวอย่าง",
            "ส่วนที่ 2 รายละเอียดโครงการ",
            "เป้าหมายของโครงการ",
            "    (1) ทางเดินยาว 300 เมตร",
            "ส่วนที่ 3 รายงานผลการดำเนินงานและการเบิกจ่ายงบประมาณ",
            "[รายงานผลครั้งที่ 1]",
            "  วันที่รายงานผล : 15/03/2566",
            "  ผลการดำเนินงานในรอบรายงาน : สำรวจแนวทางเดิน",
            "  ความก้าวหน้าของงานฯ (ร้อยละสะสม) : ร้อยละ 10",
            "  งบประมาณที่เบิกใช้สะสม (ครั้งที่ 1) : 0 บาท",
            "  ผลเทียบกับแผน : เป็นไปตามแผน   ผลเทียบกับเป้าหมาย : เป็นไปตามเป้าหมาย",
            "[รายงานผลครั้งที่ 2]",
            "  วันที่รายงานผล : 28/04/2566",
            "  ผลการดำเนินงานในรอบรายงาน : ทำสัญญาจ้างแล้ว",
            "  ความก้าวหน้าของงานฯ (ร้อยละสะสม) : ร้อยละ 35.5",
            "  งบประมาณที่เบิกใช้สะสม (ครั้งที่ 2) : 90,000 บาท",
            "  ผลเทียบกับแผน : ไม่เป็นไปตามแผน   ผลเทียบกับเป้าหมาย : เป็นไปตามเป้าหมาย",
        ]
    )
    (report,) = parse_text(text)
    assert report.project.coordinator == "นายสมชาย ตัวอย่าง"  # the part heading does not wrap into it
    assert report.project.targets == ["ทางเดินยาว 300 เมตร"]  # the part heading and the blocks are not targets
    got = [(i.number, i.date, i.progress_pct, i.disbursed_baht, i.disbursement_no, i.on_plan, i.on_target, i.note) for i in report.installments]
    assert got == [
        (1, "2023-03-15", 10.0, 0, 1, True, True, "สำรวจแนวทางเดิน"),
        (2, "2023-04-28", 35.5, 90000, 2, False, True, "ทำสัญญาจ้างแล้ว"),
    ]


def test_coordinator_name_slash_phone_is_split():
    text = "\n".join([*MEMO_HEAD, "ผู้ประสานงาน สยป (ชื่อ-สกุล / โทรศัพท์) : นายสมชาย ตัวอย่าง / 0 2111 2222 ต่อ 31"])
    (report,) = parse_text(text)
    assert (report.project.coordinator, report.project.coordinator_phone) == ("นายสมชาย ตัวอย่าง", "0 2111 2222 ต่อ 31")


def test_memo_header_without_colons_period_heading_and_phone_after_a_gap():
    text = "\n".join(
        [
            *MEMO_HEAD,
            "ระยะเวลาดำเนินการ  เริ่มต้นโครงการ 1 ตุลาคม 2565  สิ้นสุดโครงการ 30 กันยายน 2566",
            "ผู้ประสานงาน สยป  นายสมชาย ตัวอย่าง  โทรศัพท์ 0 2111 2222",
        ]
    )
    (report,) = parse_text(text)
    p = report.project
    assert (p.start_date, p.end_date) == ("2022-10-01", "2023-09-30")
    assert (p.coordinator, p.coordinator_phone) == ("นายสมชาย ตัวอย่าง", "0 2111 2222")


XML_COPY = """<?xml version="1.0" encoding="UTF-8"?>
<report form="แบบแสดงรายงานความก้าวหน้าและข้อมูลเกี่ยวกับโครงการ">
  <field label="ชื่อโครงการ">ซ่อมแซมทางเดินริมคลองหลังวัด</field>
  <field label="รหัสโครงการ">50990000-0123</field>
  <field label="ปีงบประมาณ พ.ศ.">2566</field>
  <field label="ผู้ประสานงาน สยป">นายสมชาย ตัวอย่าง</field>
  <field label="โทรศัพท์">0 2111 2222 ต่อ 7</field>
  <section label="เป้าหมายของโครงการ">
    <item>ทางเดินยาว 300 เมตร</item>
  </section>
  <progress label="รายงานความก้าวหน้าของโครงการและการใช้จ่ายงบประมาณ">
    <installment no="1">
      <field label="วันที่รายงาน">15/03/2566</field>
      <field label="ผลการดำเนินงาน">สำรวจแนวทางเดิน</field>
      <field label="ความก้าวหน้าของงานฯ">10.00</field>
      <field label="งบประมาณที่เบิกใช้ (ครั้งที่ 1)">0 บาท</field>
      <field label="ผลเทียบแผน"></field>
      <field label="ผลเทียบเป้าหมาย"/>
    </installment>
    <installment no="2">
      <field label="วันที่รายงาน">28/04/2566</field>
      <field label="ผลการดำเนินงาน">ทำสัญญาจ้างแล้ว</field>
      <field label="ความก้าวหน้าของงานฯ">35.50</field>
      <field label="งบประมาณที่เบิกใช้ (ครั้งที่ 2)">90,000 บาท</field>
      <field label="ผลเทียบแผน">เป็นไปตามแผน</field>
      <field label="ผลเทียบเป้าหมาย">ต่ำกว่าเป้าหมาย</field>
    </installment>
  </progress>
</report>"""


def test_xml_export_read_as_the_form_and_counted_as_a_copy():
    tab = "\n".join(
        [
            "แบบแสดงรายงานความก้าวหน้าและข้อมูลเกี่ยวกับโครงการ",
            "ชื่อโครงการ : ซ่อมแซมทางเดินริมคลองหลังวัด",
            "รหัสโครงการ : 50990000-0123",
            "ปีงบประมาณ พ.ศ. : 2566",
        ]
    )
    (report,) = parse_text(XML_COPY + "\n\n" + tab)
    assert report.copies == 2
    p = report.project
    assert (p.code, p.fiscal_year, p.coordinator, p.coordinator_phone) == ("50990000-0123", 2566, "นายสมชาย ตัวอย่าง", "0 2111 2222 ต่อ 7")
    assert p.targets == ["ทางเดินยาว 300 เมตร"]
    got = [(i.number, i.date, i.progress_pct, i.disbursed_baht, i.disbursement_no, i.on_plan, i.on_target, i.note) for i in report.installments]
    assert got == [
        (1, "2023-03-15", 10.0, 0, 1, None, None, "สำรวจแนวทางเดิน"),
        (2, "2023-04-28", 35.5, 90000, 2, True, False, "ทำสัญญาจ้างแล้ว"),
    ]


def test_box_drawn_tables_read_as_pipe_tables_with_wrapped_cells():
    text = "\n".join(
        [
            "┌──────────────┬──────────────────────────┐",
            "│ ชื่อโครงการ    │ ซ่อมแซมทางเดินริมคลอง         │",
            "│              │ เขตตัวอย่าง                  │",
            "│ รหัสโครงการ    │ 50990000-0123             │",
            "│ ปีงบประมาณ    │ 2566                      │",
            "│ ผู้ประสานงาน   │ นายสมชาย ตัวอย่าง โทร 0 2111 2222 │",
            "└──────────────┴──────────────────────────┘",
            "รายงานความก้าวหน้าของโครงการและการใช้จ่ายงบประมาณ",
            "┌────┬──────────┬──────────────┬─────────┬────────────────────┬──────────┬────────────┐",
            "│ ครั้งที่│ วันที่รายงาน │ ผลการดำเนินงาน  │ ความก้าวหน้า│ งบประมาณที่เบิกใช้ (บาท)│ เทียบแผน   │ เทียบเป้าหมาย │",
            "├────┼──────────┼──────────────┼─────────┼────────────────────┼──────────┼────────────┤",
            "│ 1  │ 15/03/2566│ สำรวจแนวทางเดิน │ ร้อยละ 10│ 0 (ครั้งที่ 1)        │ เป็นไปตามแผน│ เป็นไปตามเป้าหมาย│",
            "│ 2  │ 28/04/2566│ ทำสัญญาจ้าง     │ ร้อยละ 35│ 90,000 (ครั้งที่ 2)   │ ล่าช้ากว่าแผน│ ต่ำกว่าเป้าหมาย│",
            "│    │           │ แล้ว          │         │                    │          │            │",
            "└────┴──────────┴──────────────┴─────────┴────────────────────┴──────────┴────────────┘",
        ]
    )
    (report,) = parse_text(text)
    p = report.project
    assert (p.name, p.code, p.coordinator_phone) == ("ซ่อมแซมทางเดินริมคลอง เขตตัวอย่าง", "50990000-0123", "0 2111 2222")
    got = [(i.number, i.date, i.progress_pct, i.disbursed_baht, i.disbursement_no, i.on_plan, i.on_target) for i in report.installments]
    assert got == [
        (1, "2023-03-15", 10.0, 0, 1, True, True),
        (2, "2023-04-28", 35.0, 90000, 2, False, False),
    ]


def test_copies_that_differ_only_in_digit_script_vote_for_arabic_digits():
    one = "\n".join(["ชื่อโครงการ : ปรับปรุงถนนซอยตัวอย่าง ๑๑๓", "รหัสโครงการ : 50990000-0123", "ปีงบประมาณ : 2566"])
    two = "\n".join(["ชื่อโครงการ : ปรับปรุงถนนซอยตัวอย่าง 113", "รหัสโครงการ : 50990000-0123", "ปีงบประมาณ : 2566"])
    (report,) = parse_text(one + "\n\n" + two)
    assert report.copies == 2 and report.project.name == "ปรับปรุงถนนซอยตัวอย่าง 113"
    (alone,) = parse_text(one)
    assert alone.project.name == "ปรับปรุงถนนซอยตัวอย่าง ๑๑๓"  # one copy: kept as printed


def _across(left: list[str], right: list[str], col: int = 48) -> list[str]:
    rows = max(len(left), len(right))
    left, right = left + [""] * (rows - len(left)), right + [""] * (rows - len(right))
    return [f"{a.ljust(col)}{b}".rstrip() for a, b in zip(left, right, strict=True)]


def test_a_two_column_page_read_across_is_read_column_by_column():
    header = _across(
        [
            "ชื่อโครงการ : ซ่อมแซมทางเดินริมคลอง",
            "รหัสโครงการ : 50990000-0123",
            "ปีงบประมาณ : 2566",
            "หน่วยงานที่รับผิดชอบ : สำนักงานเขตตัวอย่าง /",
            "ฝ่ายโยธา",
            "ผู้ประสานงาน : นายสมชาย ตัวอย่าง",
        ],
        ["หลักการและเหตุผล", "ทางเดินริมคลองชำรุดหลายช่วง", "ประชาชนสัญจรไม่สะดวก", "เป้าหมายของโครงการ", "- ทางเดินยาว 300 เมตร"],
    )
    installments = _across(
        [
            "รายงานครั้งที่ 1  วันที่ 15/03/2566",
            "ผลการดำเนินงาน : สำรวจแนวทางเดิน",
            "ความก้าวหน้าของงานฯ 10.00 %",
            "งบประมาณที่เบิกใช้ (ครั้งที่ 1) 0 บาท",
            "เทียบแผน : เป็นไปตามแผน",
        ],
        [
            "รายงานครั้งที่ 2  วันที่ 28/04/2566",
            "ผลการดำเนินงาน : ทำสัญญาจ้างแล้ว",
            "ความก้าวหน้าของงานฯ 35.00 %",
            "งบประมาณที่เบิกใช้ (ครั้งที่ 2) 90,000 บาท",
            "เทียบแผน : ล่าช้ากว่าแผน",
        ],
    )
    (report,) = parse_text("\n".join([*header, "", "รายงานความก้าวหน้าของโครงการและการใช้จ่ายงบประมาณ", "", *installments]))
    p = report.project
    assert (p.name, p.agency, p.coordinator) == ("ซ่อมแซมทางเดินริมคลอง", "สำนักงานเขตตัวอย่าง / ฝ่ายโยธา", "นายสมชาย ตัวอย่าง")
    assert p.targets == ["ทางเดินยาว 300 เมตร"]
    got = [(i.number, i.date, i.progress_pct, i.disbursed_baht, i.on_plan) for i in report.installments]
    assert got == [(1, "2023-03-15", 10.0, 0, True), (2, "2023-04-28", 35.0, 90000, False)]


def test_a_numbered_heading_glued_after_a_value_ends_it():
    text = "\n".join(
        [
            *MEMO_HEAD,
            "งบประมาณที่ใช้ไป : 120,000 บาท 1.2 หน่วยงานที่รับผิดชอบ",
            "ผู้ประสานงาน : นายสมชาย ตัวอย่าง โทร 0 2111 2222 ต่อ 5 1.3 หลักการและเหตุผล",
            "ทางเดินริมคลองชำรุดหลายช่วง 1.5 ล้านบาทไม่พอ",
        ]
    )
    (report,) = parse_text(text)
    p = report.project
    assert (p.budget_used, p.coordinator, p.coordinator_phone) == (120000, "นายสมชาย ตัวอย่าง", "0 2111 2222 ต่อ 5")
    assert p.rationale == "ทางเดินริมคลองชำรุดหลายช่วง 1.5 ล้านบาทไม่พอ"  # a figure before words is no heading


def test_tick_box_verdicts_read_the_ticked_option():
    """Verdicts printed as options with tick boxes: the ticked one counts, whichever comes first,
    as a scan's OCR prints the boxes ([X], (/), ☑) or drops an empty ☐."""
    from bma_nlp.parse.installments import read_verdicts

    assert read_verdicts("[ ] เป็นไปตามแผน   [X] ไม่เป็นไปตามแผน") == (False, None)
    assert read_verdicts("(/) เป็นไปตามแผน  ( ) ไม่เป็นไปตามแผน   ( ) เป็นไปตามเป้าหมาย  (x) ไม่เป็นไปตามเป้าหมาย") == (True, False)
    assert read_verdicts("เป็นไปตามแผน  ☑ ไม่เป็นไปตามแผน") == (False, None)  # the empty box before the first was dropped
    assert read_verdicts("☑ เป็นไปตามเป้าหมาย  ไม่เป็นไปตามเป้าหมาย") == (None, True)
    assert read_verdicts("เป็นไปตามแผน / เป็นไปตามเป้าหมาย") == (True, True)  # no boxes: as before
    # the sample's layout, its first installment's verdicts printed as ticked options in every copy
    from pathlib import Path

    sample = (Path(__file__).parent / "data" / "dusit-school-network-2566.txt").read_text(encoding="utf-8")
    plain = "(ครั้งที่ 1) = 0 บาท\t: เป็นไปตามแผน\t: เป็นไปตามเป้าหมาย"
    ticked = "(ครั้งที่ 1) = 0 บาท\t: [ ] เป็นไปตามแผน  [X] ไม่เป็นไปตามแผน\t: [X] เป็นไปตามเป้าหมาย  [ ] ไม่เป็นไปตามเป้าหมาย"
    assert plain in sample
    (report,) = parse_text(sample.replace(plain, ticked))
    first, second = report.installments[:2]
    assert (first.on_plan, first.on_target) == (False, True)
    assert (second.on_plan, second.on_target) == (True, True)  # untouched
