"""Round-3 mechanisms (issue 15, third pass), one per test, on small texts written here (not
taken from any blind file): a narrative section printed as a field, a heading ending in a colon,
an agency line carrying the responsible officer's post, date words (ลงวันที่, เดือน, พ.ศ.), an
installment heading with an item marker, a system export's ``=``, installment labels above
their values."""

from __future__ import annotations

from bma_nlp.parse import parse_text
from bma_nlp.parse.dates import match_date
from bma_nlp.parse.header import build_project
from bma_nlp.parse.installments import parse_installments, parse_lead

HEAD = [
    "ชื่อโครงการ : ปรับปรุงลานกีฬาชุมชนหลังตลาดสด",
    "รหัสโครงการ : 50770000-0815",
    "ปีงบประมาณ พ.ศ. : 2567",
    "เริ่มต้นโครงการ : 01/10/2566",
    "สิ้นสุดโครงการ : 30/09/2567",
    "งบประมาณที่ได้รับ : 450,000 บาท",
    "หน่วยงานที่รับผิดชอบ : สำนักงานเขตตัวอย่าง / ฝ่ายโยธา",
    "ผู้ประสานงาน : นายสมปอง ใจดี โทร 0 2111 2222",
]
INST = [
    "รายงานครั้งที่1\t:: 20/12/2566 : สำรวจพื้นที่และขออนุมัติ",
    "\t:: ความก้าวหน้าของงานฯ = 10 % งบประมาณที่เบิกใช้ (ครั้งที่ 1) = 0 บาท\t: เป็นไปตามแผน\t: เป็นไปตามเป้าหมาย",
]


def test_a_narrative_section_printed_as_a_field_does_not_wrap_into_the_coordinator():
    for sign in (":", "="):
        narrative = [
            f"หลักการและเหตุผล {sign}",
            "ลานกีฬาเดิมชำรุดและมีน้ำขังเมื่อฝนตก",
            f"วัตถุประสงค์ของโครงการ {sign} 1. เพื่อให้เยาวชนมีที่ออกกำลังกาย",
            f"เป้าหมายของโครงการ {sign} ลานกีฬา 1 แห่ง",
        ]
        (report,) = parse_text("\n".join(HEAD + narrative + INST))
        assert report.project.coordinator == "นายสมปอง ใจดี"
        assert report.project.coordinator_phone == "0 2111 2222"
        p = report.project
        assert p.rationale == "ลานกีฬาเดิมชำรุดและมีน้ำขังเมื่อฝนตก"
        assert len(p.objectives) == 1 and "ออกกำลังกาย" in p.objectives[0]
        assert p.targets == ["ลานกีฬา 1 แห่ง"]


def test_a_numbered_narrative_heading_with_a_colon_and_a_header_field_alike_stay_apart():
    numbered = ["9) หลักการและเหตุผล:", "   ลานกีฬาเดิมชำรุด", "เป้าหมายที่ : 2.1 ชุมชนน่าอยู่"]
    (report,) = parse_text("\n".join(HEAD + numbered + INST))
    assert report.project.coordinator == "นายสมปอง ใจดี"
    assert report.project.rationale == "ลานกีฬาเดิมชำรุด"
    assert report.project.goal == "2.1 ชุมชนน่าอยู่"  # เป้าหมายที่ is a header field, not the targets section


def test_a_progress_heading_ending_in_a_colon_is_not_the_first_installments_lead():
    inst = [
        "5) รายงานความก้าวหน้าของโครงการและการใช้จ่ายงบประมาณ:",
        "(1) รายงานครั้งที่ 1 ลงวันที่ 20 ธ.ค. 2566 สำรวจพื้นที่",
        "ความก้าวหน้าของงานฯ ร้อยละ 10 ; งบประมาณที่เบิกใช้ (ครั้งที่ 1) 0 บาท ; เป็นไปตามแผน / เป็นไปตามเป้าหมาย",
    ]
    (report,) = parse_text("\n".join(HEAD + inst))
    (first,) = report.installments
    assert (first.date, first.note, first.on_plan) == ("2023-12-20", "สำรวจพื้นที่", True)


def test_the_responsible_officers_post_in_brackets_after_the_agency():
    project, _ = build_project({"agency": "สำนักงานเขตตัวอย่าง / ฝ่ายการศึกษา / โรงเรียนวัดตัวอย่าง (ผู้อำนวยการโรงเรียนวัดตัวอย่าง)"})
    assert project.agency == "สำนักงานเขตตัวอย่าง / ฝ่ายการศึกษา / โรงเรียนวัดตัวอย่าง"
    assert project.responsible == "ผู้อำนวยการโรงเรียนวัดตัวอย่าง"
    kept = "สำนักงานเขตตัวอย่าง / สำนักการระบายน้ำ (สนน.)"  # an abbreviation in brackets is the agency's own
    assert build_project({"agency": kept})[0].agency == kept
    alone = "ฝ่ายโยธา (งานทาง)"  # no parts: nothing says the bracket is a post
    assert build_project({"agency": alone})[0].agency == alone
    own = build_project({"agency": "เขต ก / ฝ่าย ข (หัวหน้าฝ่ายโยธา)", "responsible": "นายหนึ่ง"})[0]
    assert own.responsible == "นายหนึ่ง"


def test_date_words_before_the_date_and_its_parts():
    assert match_date("วันที่ 15 เดือนมกราคม พ.ศ. 2567")[0] == "2024-01-15"
    assert match_date("ลงวันที่ 3 มี.ค. 2566 ต่อ")[0] == "2023-03-03"
    assert match_date("15 เดือนมกราคม 2567")[0] == "2024-01-15"
    assert parse_lead("(2) รายงานครั้งที่ 2 ลงวันที่ 3 มี.ค. 2566 ติดตั้งแล้ว")[:3] == (2, "2023-03-03", None)
    assert parse_lead("3) รายงานครั้งที่ 3 ลงวันที่ 3 เม.ย. 2566 เสร็จ")[:2] == (3, "2023-04-03")


def test_a_system_exports_equals_signs_in_installments():
    lines = [
        "รายงานครั้งที่ = 1", "วันที่รายงาน = 2023-12-20", "ผลการดำเนินงาน = สำรวจพื้นที่",
        "ความก้าวหน้าของงานฯ = 10.00 %", "งบประมาณที่เบิกใช้ (ครั้งที่ 1) = 0 บาท",
        "ผลเทียบแผน = เร็วกว่าแผน", "#",
        "รายงานครั้งที่ = 2", "วันที่รายงาน = 2024-02-20", "ผลการดำเนินงาน = ก่อสร้างแล้ว",
        "ความก้าวหน้าของงานฯ = 50.00 %", "งบประมาณที่เบิกใช้ (ครั้งที่ 2) = 200,000 บาท",
        "ผลเทียบแผน = เป็นไปตามแผน", "ผลเทียบเป้าหมาย = ต่ำกว่าเป้าหมาย",
    ]  # fmt: skip
    (report,) = parse_text("\n".join([h.replace(" : ", " = ") for h in HEAD] + ["#"] + lines))
    got = [(i.number, i.date, i.note, i.on_plan, i.on_target) for i in report.installments]
    assert got == [(1, "2023-12-20", "สำรวจพื้นที่", True, None), (2, "2024-02-20", "ก่อสร้างแล้ว", True, False)]


def test_installment_labels_above_their_values():
    lines = [
        "รายงานครั้งที่ 1", "วันที่รายงาน", "วันที่ 20 เดือนธันวาคม พ.ศ. 2566", "ผลการดำเนินงาน", "สำรวจพื้นที่",
        "ความก้าวหน้าของงานฯ (%)", "ร้อยละ 10", "งบประมาณที่เบิกใช้ (ครั้งที่ 1)", "0 บาท",
        "ผลการดำเนินงานเทียบกับแผน", "ล่าช้ากว่าแผน", "ผลการดำเนินงานเทียบกับเป้าหมาย", "เป็นไปตามเป้าหมาย",
        "รายงานครั้งที่ 2", "วันที่รายงาน", "วันที่ 20 เดือนกุมภาพันธ์ พ.ศ. 2567", "ผลการดำเนินงาน", "ก่อสร้างแล้ว",
        "ความก้าวหน้าของงานฯ (%)", "ร้อยละ 50", "งบประมาณที่เบิกใช้ (ครั้งที่ 2)", "200,000 บาท",
    ]  # fmt: skip
    got = [(i.disbursement_no, i.date, i.note, i.progress_pct, i.disbursed_baht, i.on_plan, i.on_target) for i in parse_installments(lines)]
    assert got == [
        (1, "2023-12-20", "สำรวจพื้นที่", 10.0, 0, False, True),
        (2, "2024-02-20", "ก่อสร้างแล้ว", 50.0, 200000, None, None),
    ]


def test_a_heading_between_chevrons_is_the_installments_number():
    lines = [
        ">> รายงานครั้งที่ 1 <<", "วันที่รายงาบ : 20/12/2566", "ผลการดำเนินงาน : สำรวจพื้นที่",
        "ความก้าวหน้าของงานฯ : 10.00 %", "งบประมาณที่เบิกใช้ (ครั้งที่ 1) : 0 บาท", "ผลเทียบแผน : เป็นไปตามแผน",
    ]  # fmt: skip
    (report,) = parse_text("\n".join(HEAD + ["", "ส่วนที่ 2 รายงานความก้าวหน้าของโครงการ"] + lines))
    (first,) = report.installments
    assert (first.date, first.note, first.on_plan) == ("2023-12-20", "สำรวจพื้นที่", True)


def test_labels_in_brackets_with_two_pairs_on_a_line():
    lines = [
        "[ชื่อโครงการ/กิจกรรม] ปรับปรุงลานกีฬาชุมชน", "[รหัสโครงการ] 50770000-0815   [ปีงบประมาณ พ.ศ.] 2567",
        "[งบประมาณที่ได้รับ] 450,000.-", "[ผู้ประสานงาน สยป] นายสมปอง ใจดี โทร 0 2111 2222",
        "[รายงานครั้งที่ 1] [20/12/2566] สำรวจพื้นที่",
        "    [ความก้าวหน้าของงานฯ] 10.00 %  [งบประมาณที่เบิกใช้ (ครั้งที่ 1)] 0.00 บาท  [เป็นไปตามแผน]  [ล่าช้ากว่าแผน]",
        "[รายงานครั้งที่ 2] [20/02/2567] ก่อสร้างแล้ว",
        "    [ความก้าวหน้าของงานฯ] 50.00 %  [งบประมาณที่เบิกใช้ (ครั้งที่ 2)] 200,000.00 บาท  [ไม่เป็นไปตามแผน]  [เป็นไปตามเป้าหมาย]",
    ]  # fmt: skip
    (report,) = parse_text("\n".join(lines))
    p = report.project
    assert (p.name, p.code, p.fiscal_year, p.budget_received, p.coordinator) == ("ปรับปรุงลานกีฬาชุมชน", "50770000-0815", 2567, 450000, "นายสมปอง ใจดี")
    got = [(i.number, i.date, i.note, i.progress_pct, i.disbursed_baht, i.on_plan) for i in report.installments]
    assert got == [(1, "2023-12-20", "สำรวจพื้นที่", 10.0, 0, True), (2, "2024-02-20", "ก่อสร้างแล้ว", 50.0, 200000, False)]


def test_tab_separated_installment_fields_are_fields_not_a_table_head():
    lines = [
        "ผู้ประสานงาน\tนายสมปอง ใจดี\t\tโทรศัพท์\t0 2111 2222 ต่อ 15",
        "รายงานความก้าวหน้าของโครงการและการใช้จ่ายงบประมาณ",
        "ครั้งที่ 1\tวันที่รายงาน\t20/12/2566",
        "\tผลการดำเนินงาน\tสำรวจพื้นที่",
        "\tความก้าวหน้าของงานฯ\t10.00 %\tงบประมาณที่เบิกใช้ (ครั้งที่ 1)\t0 บาท",
        "\tผลเทียบแผน\tเป็นไปตามแผน\tผลเทียบเป้าหมาย\tต่ำกว่าเป้าหมาย",
        "ครั้งที่ 2\tวันที่รายงาน\t20/02/2567",
        "\tผลการดำเนินงาน\tก่อสร้างแล้ว",
        "\tความก้าวหน้าของงานฯ\t50.00 %\tงบประมาณที่เบิกใช้ (ครั้งที่ 2)\t200,000 บาท",
        "\tผลเทียบแผน\tล่าช้ากว่าแผน\tผลเทียบเป้าหมาย\tเป็นไปตามเป้าหมาย",
    ]  # fmt: skip
    (report,) = parse_text("\n".join(["รหัสโครงการ\t50770000-0815\t\tปีงบประมาณ พ.ศ.\t2567", *lines]))
    assert (report.project.coordinator, report.project.coordinator_phone) == ("นายสมปอง ใจดี", "0 2111 2222 ต่อ 15")
    got = [(i.number, i.date, i.note, i.progress_pct, i.disbursed_baht, i.on_plan, i.on_target) for i in report.installments]
    assert got == [
        (1, "2023-12-20", "สำรวจพื้นที่", 10.0, 0, True, False),
        (2, "2024-02-20", "ก่อสร้างแล้ว", 50.0, 200000, False, True),
    ]


def test_a_tie_between_two_copies_is_broken_by_the_files_own_text():
    def copy(name: str) -> str:
        return "\n".join([
            f"ชื่อโครงการ : พัฒนาระบบ (e-Booking) {name}", "รหัสโครงการ : 50770000-0815", "ปีงบประมาณ พ.ศ. : 2567",
            "หลักการและเหตุผล", "ระบบ e-Booking เดิมใช้งานไม่ได้", *INST,
        ])  # fmt: skip
    damaged = copy("").replace("(e-Booking)", "(e-Bookinq)", 1)
    for text in (damaged + "\n" + copy(""), copy("") + "\n" + damaged):
        (report,) = parse_text(text)
        assert report.project.name == "พัฒนาระบบ (e-Booking)"
        assert any("copies disagree on name" in f.message for f in report.flags)  # still flagged
    # the text does not tell (neither word printed elsewhere): the first copy's, as before
    plain = [c.replace("ระบบ e-Booking เดิม", "ระบบเดิม") for c in (damaged, copy(""))]
    (report,) = parse_text("\n".join(plain))
    assert report.project.name == "พัฒนาระบบ (e-Bookinq)"


def test_a_table_aligned_with_spaces_and_notes_under_its_rows():
    rows = [
        "รายงานความก้าวหน้าของโครงการและการใช้จ่ายงบประมาณ",
        "",
        "ครั้งที่ วันที่รายงาน   ความก้าวหน้าของงานฯ   งบประมาณที่เบิกใช้         เทียบแผน         เทียบเป้าหมาย",
        "-------------------------------------------------------------------------------------------------",
        "1        20/12/2566     10.00                 0.00 บาท (ครั้งที่ 1)      เป็นไปตามแผน     เป็นไปตามเป้าหมาย",
        "         สำรวจพื้นที่และขออนุมัติ",
        "2        20/02/2567     50.00                 200,000.00 บาท (ครั้งที่ 2) ล่าช้ากว่าแผน     เป็นไปตามเป้าหมาย",
        "         ก่อสร้างแล้วครึ่งหนึ่ง",
    ]  # fmt: skip
    head = [h.replace(" : ", "          ") for h in HEAD[:3]] + ["เริ่มต้นโครงการ          2023-10-01 00:00:00"]
    (report,) = parse_text("\n".join(head + rows))
    assert (report.project.code, report.project.start_date) == ("50770000-0815", "2023-10-01")  # a clock time is no stamp
    got = [(i.number, i.date, i.note, i.progress_pct, i.disbursed_baht, i.disbursement_no, i.on_plan, i.on_target) for i in report.installments]
    assert got == [
        (1, "2023-12-20", "สำรวจพื้นที่และขออนุมัติ", 10.0, 0, 1, True, True),
        (2, "2024-02-20", "ก่อสร้างแล้วครึ่งหนึ่ง", 50.0, 200000, 2, False, True),
    ]


def test_verdicts_printed_in_the_result_field():
    lines = [
        "รายงานครั้งที่ 1", "    วันที่รายงาน : 20/12/2566", "    ผลการดำเนินงาน : สำรวจพื้นที่",
        "    ความก้าวหน้าของงานฯ : ร้อยละ 10", "    งบประมาณที่เบิกใช้ (ครั้งที่ 1) : 0 บาท",
        "    ผลการดำเนินงาน : ไม่เป็นไปตามแผน / เป็นไปตามเป้าหมาย",
        "รายงานครั้งที่ 2", "    วันที่รายงาน : 20/02/2567", "    ผลการดำเนินงาน : ก่อสร้างแล้ว",
        "    ความก้าวหน้าของงานฯ : ร้อยละ 50", "    งบประมาณที่เบิกใช้ (ครั้งที่ 2) : 200,000 บาท",
        "    ผลการดำเนินงาน : เป็นไปตามแผน / ต่ำกว่าเป้าหมาย",
    ]  # fmt: skip
    (report,) = parse_text("\n".join(HEAD + ["ส่วนที่ 2 รายงานความก้าวหน้าของโครงการและการใช้จ่ายงบประมาณ", *lines]))
    got = [(i.number, i.date, i.note, i.on_plan, i.on_target) for i in report.installments]
    assert got == [(1, "2023-12-20", "สำรวจพื้นที่", False, True), (2, "2024-02-20", "ก่อสร้างแล้ว", True, False)]


def test_a_note_that_begins_with_a_disbursement_word_is_no_metrics():
    lines = [
        "รายงานครั้งที่ 1", "    วันที่รายงาน : 20/12/2566", "    ผลการดำเนินงาน : สำรวจพื้นที่",
        "    ความก้าวหน้าของงานฯ : ร้อยละ 10", "    งบประมาณที่เบิกใช้ (ครั้งที่ 1) : 0 บาท",
        "รายงานครั้งที่ 2", "    วันที่รายงาน : 20/02/2567", "    ผลการดำเนินงาน : เบิกจ่ายค่าวัสดุแล้ว โครงการแล้วเสร็จ",
        "    ความก้าวหน้าของงานฯ : ร้อยละ 100", "    งบประมาณที่เบิกใช้ (ครั้งที่ 2) : 200,000 บาท",
    ]  # fmt: skip
    got = [(i.disbursement_no, i.date, i.note, i.progress_pct, i.disbursed_baht) for i in parse_installments(lines)]
    assert got == [(1, "2023-12-20", "สำรวจพื้นที่", 10.0, 0), (2, "2024-02-20", "เบิกจ่ายค่าวัสดุแล้ว โครงการแล้วเสร็จ", 100.0, 200000)]


def test_a_print_stamp_with_the_month_by_name_is_furniture():
    from bma_nlp.parse.layout import is_furniture

    assert is_furniture("พิมพ์เมื่อ 5 มี.ค. 2567 09:15 น.") and is_furniture("วันที่พิมพ์ : 5 มีนาคม 2567")
    assert not is_furniture("วันที่รายงาน 5 มี.ค. 2567") and not is_furniture("พิมพ์เมื่อ 5 มี.ค. 2567 แก้ไขแล้ว")
    lines = [
        "ครั้งที่ 1\tวันที่รายงาน\t20/12/2566", "\tผลการดำเนินงาน\tสำรวจพื้นที่",
        "\tความก้าวหน้าของงานฯ\t10%\tงบประมาณที่เบิกใช้ (ครั้งที่ 1)\t0 บาท",
        "", "หน้า 1/2", "พิมพ์เมื่อ 5 มี.ค. 2567 09:15 น.", "",
        "ครั้งที่ 2\tวันที่รายงาน\t20 ก.พ. 2567", "\tผลการดำเนินงาน\tก่อสร้างแล้ว",
        "\tความก้าวหน้าของงานฯ\t50%\tงบประมาณที่เบิกใช้ (ครั้งที่ 2)\t200,000 บาท",
    ]  # fmt: skip
    (report,) = parse_text("\n".join(HEAD + ["รายงานความก้าวหน้าของโครงการและการใช้จ่ายงบประมาณ", *lines]))
    assert [(i.number, i.date, i.note) for i in report.installments] == [(1, "2023-12-20", "สำรวจพื้นที่"), (2, "2024-02-20", "ก่อสร้างแล้ว")]


def test_two_installments_glued_on_one_line():
    lines = [
        "รายงานครั้งที่1\t:: 20/12/2566 : สำรวจพื้นที่ :: ความก้าวหน้าของงานฯ = 10.00 % งบประมาณที่เบิกใช้ (ครั้งที่ 1) = 0 บาท\t: เป็นไปตามแผน\t: เป็นไปตามเป้าหมาย"
        " รายงานครั้งที่2\t:: 20/02/2567 : ก่อสร้างแล้ว :: ความก้าวหน้าของงานฯ = 50.00 % งบประมาณที่เบิกใช้ (ครั้งที่ 2) = 200,000 บาท\t: ล่าช้ากว่าแผน\t: เป็นไปตามเป้าหมาย",
    ]  # fmt: skip
    got = [(i.disbursement_no, i.report_no, i.date, i.note, i.on_plan) for i in parse_installments(lines)]
    assert got == [(1, 1, "2023-12-20", "สำรวจพื้นที่", True), (2, 2, "2024-02-20", "ก่อสร้างแล้ว", False)]


def test_garbled_labels_above_values_and_after_signs_are_read_as_the_form_prints_them():
    lines = [
        "รายงานครั้งที่ 1", "วันที่รายงาบ", "20/12/2566", "ผลการดำเนินงาบ", "สำรวจพื้นที่",
        "ความก้าวหนาของงานฯ (%)", "ร้อยละ 10", "งบประมาณทีเบิกใช้ (ครั้งที่ 1)", "0 บาท",
    ]  # fmt: skip
    got = [(i.disbursement_no, i.date, i.note, i.progress_pct) for i in parse_installments(lines)]
    assert got == [(1, "2023-12-20", "สำรวจพื้นที่", 10.0)]
    eq = ["รายงานครั้งที่ = 1", "วันทีรายงาน = 20/12/2566", "ผลการดำเนินงาน = สำรวจพื้นที่",
          "ความก้าวหน้าของงานฯ = 10 %", "งบประมาณที่เบิกใช้ (ครั้งที่ 1) = 0 บาท"]  # fmt: skip
    assert [(i.date, i.note) for i in parse_installments(eq)] == [("2023-12-20", "สำรวจพื้นที่")]


def test_no_coordinator_value_wraps_past_its_phone_or_into_a_subsection():
    for after in ("1.3 ห:ลักการและเหตุผล", "ถนนตัวอย่าง แขวงตัวอย่าง"):
        (report,) = parse_text("\n".join([*HEAD, after, *INST]))
        assert (report.project.coordinator, report.project.coordinator_phone) == ("นายสมปอง ใจดี", "0 2111 2222")
    (report,) = parse_text("\n".join([*HEAD, "ต่อ 15", *INST]))  # the extension on the next line still belongs
    assert report.project.coordinator_phone == "0 2111 2222 ต่อ 15"
    wrapped = [h if not h.startswith("ผู้ประสานงาน") else "ผู้ประสานงาน : นายสมปอง" for h in HEAD] + ["ใจดี โทร 0 2111 2222"]
    (report,) = parse_text("\n".join([*wrapped, *INST]))
    assert (report.project.coordinator, report.project.coordinator_phone) == ("นายสมปอง ใจดี", "0 2111 2222")


def test_a_leads_garbled_labels_are_restored_when_no_date_was_read():
    assert parse_lead("ครังที่ 2\tวันทที่รายงาน\t20/02/2567\nผลการดำเนินงาป\tก่อสร้างแล้ว") == (2, "2024-02-20", None, "ก่อสร้างแล้ว")
    assert parse_lead("ครั้งที่ 2 ประชุมชี้แจงชุมชน")[1] is None  # no date printed: nothing invented


def test_a_colon_ocr_put_inside_a_label():
    from bma_nlp.parse.layout import match_fields

    assert match_fields("งบประ:มาณที่ได้รับ: 1,200,000 บาท") == [("budget_received", "1,200,000 บาท")]
    assert match_fields("เริ่มต้นโครง:การ : 01/10/2566") == [("start_date", "01/10/2566")]
    assert match_fields("ชื่อโครงการ : ปรับปรุงถนน:ซอย 5") == [("name", "ปรับปรุงถนน:ซอย 5")]  # a value's own colon stays


def test_a_colon_ocr_put_inside_a_tables_column_label():
    rows = [
        "| รายงานครั้งที่ | วันที่ร:ยงัาน | ผลการดำเนินงาน | ความก้าวหน้าของงานฯ | งบประมาณที่เบิกใช้ | ผลเทียบแผน | ผลเทียบเป้าหมาย |",
        "|:-:|---|---|--:|--:|---|---|",
        "| 1 | 20/12/2566 | สำรวจพื้นที่ | 10 % | 0 (ครั้งที่ 1) | เป็นไปตามแผน | เป็นไปตามเป้าหมาย |",
    ]  # fmt: skip
    (report,) = parse_text("\n".join(HEAD + ["รายงานความก้าวหน้าของโครงการและการใช้จ่ายงบประมาณ", *rows]))
    assert [(i.number, i.date, i.note, i.progress_pct) for i in report.installments] == [(1, "2023-12-20", "สำรวจพื้นที่", 10.0)]


def test_installment_labels_with_their_colon_above_their_values():
    lines = [
        "รายงานความก้าวหน้าของโครงการและการใช้จ่ายงบประมาณ", "รายงานครั้งที่ 1", "วันที่รายงาน :", "20/12/2566",
        "ผลการดำเนินงาน :", "สำรวจพื้นที่", "ความก้าวหน้าของงานฯ :", "10 %", "งบประมาณที่เบิกใช้ (ครั้งที่ 1) :", "0 บาท",
        "ผลเทียบแผน :", "เป็นไปตามแผน", "ผลเทียบเป้าหมาย :", "ต่ำกว่าเป้าหมาย",
    ]  # fmt: skip
    (report,) = parse_text("\n".join(HEAD + lines))
    got = [(i.number, i.date, i.note, i.progress_pct, i.disbursed_baht, i.on_plan, i.on_target) for i in report.installments]
    assert got == [(1, "2023-12-20", "สำรวจพื้นที่", 10.0, 0, True, False)]


def test_a_report_number_alone_in_a_bullet_heads_its_block():
    lines = [
        "รายงานความก้าวหน้าของโครงการ", "- **รายงานครั้งที่ 1**", "  - **วันที่รายงาน**: 20/12/2566",
        "  - **ผลการดำเนินงาน**: สำรวจพื้นที่", "  - **ความก้าวหน้าของงานฯ**: 10%",
        "  - **งบประมาณที่เบิกใช้ (ครั้งที่ 1)**: 0 บาท", "  - **ผลเทียบแผน**: เป็นไปตามแผน",
    ]  # fmt: skip
    (report,) = parse_text("\n".join(HEAD + lines))
    assert [(i.number, i.date, i.note, i.on_plan) for i in report.installments] == [(1, "2023-12-20", "สำรวจพื้นที่", True)]


def test_a_value_shaped_like_the_forms_code_after_a_label_cut_short():
    text = "\n".join(["ชื่อโครงการ : ปรับปรุงลานกีฬา", "รหัส : 50770000-0815", "ปีงบประมาณ : 2567", *INST])
    (report,) = parse_text(text)
    assert report.project.code == "50770000-0815"
    (report,) = parse_text(text.replace("รหัส : 50770000-0815", "เลขที่สัญญา : 12/2567"))
    assert report.project.code is None  # any other value stays no code
