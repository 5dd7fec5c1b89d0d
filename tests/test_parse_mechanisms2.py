"""Round-2 mechanisms (issue 15, second pass), one per test, on small texts written here (not
taken from any blind file): a damaged progress value, a wrapped value's line join, a thousands
comma beside CSV detection, a cut-off phone, a heading over colon-less pairs, a label-above-value
copy after another copy's installments, a year misread in one digit, HTML lines and copy cuts."""

from __future__ import annotations

from bma_nlp.parse import parse_amount, parse_text
from bma_nlp.parse.header import build_project
from bma_nlp.parse.layout import match_fields, split_copies
from bma_nlp.parse.numbers import parse_number
from bma_nlp.pipeline import split_text

NAME = "ขุดลอกคูระบายน้ำในชุมชนริมทางรถไฟ"


def block(code="50880000-0421", year="2566", name=NAME, progress2="45.00 %", name_lines=None):
    """One copy in the label-above-value (next line) layout."""
    lines = ["ชื่อโครงการ/กิจกรรม", *(name_lines or [name]), "รหัสโครงการ", code, "ปีงบประมาณ พ.ศ.", year,
             "งบประมาณที่ได้รับ", "320,000 บาท", "เริ่มต้นโครงการ", "01/10/2565", "สิ้นสุดโครงการ", "30/09/2566",
             "2. รายงานความก้าวหน้าของโครงการและการใช้จ่ายงบประมาณ"]  # fmt: skip
    for n, (date, note, pct, amt) in enumerate([("15/12/2565", "สำรวจพื้นที่และขออนุมัติ", "10.00 %", "0 บาท"),
                                                 ("20/03/2566", "ขุดลอกแล้วครึ่งหนึ่ง", progress2, "150,000 บาท")], 1):  # fmt: skip
        lines += ["วันที่รายงาน", date, "ผลการดำเนินงาน", note, "ความก้าวหน้าของงานฯ", pct,
                  f"งบประมาณที่เบิกใช้ (ครั้งที่ {n})", amt, "เป็นไปตามแผน", "เป็นไปตามเป้าหมาย"]  # fmt: skip
    return "\n".join(lines)


def test_a_damaged_progress_value_keeps_its_installment():
    assert parse_number("6O") == 60.0 and parse_number("1O.5") == 10.5 and parse_number("4 .") is None
    from bma_nlp.parse.numbers import parse_percent

    assert parse_percent("37,50") == 37.5 and parse_percent("37.50") == 37.5  # a comma read for the decimal point
    (report,) = parse_text(block(progress2="4 .  %"))
    second = report.installments[1]
    assert (second.date, second.progress_pct, second.disbursed_baht, second.disbursement_no) == ("2023-03-20", None, 150000, 2)
    (report,) = parse_text(block(progress2="4O%"))
    assert report.installments[1].progress_pct == 40.0 and len(report.installments) == 2
    (report,) = parse_text(block(progress2="l00 %").replace("150,000 บาท", "15O,OOO บาท"))
    assert (report.installments[1].progress_pct, report.installments[1].disbursed_baht) == (100.0, 150000)
    assert parse_amount("9,8OO.5O บาท") == 9800.5 and parse_amount("OO บาท") is None  # no real digit: unreadable
    assert build_project({"budget_received": "3,2OO,OOO บาท"})[0].budget_received == 3_200_000


def test_a_wrapped_name_is_spaced_as_another_copy_prints_it():
    cut = block(name_lines=["ขุดลอกคูระบายน้ำใน", "ชุมชนริมทางรถไฟ"])  # wrapped where no space stands
    (report,) = parse_text(cut + "\n" + block())
    assert report.project.name == NAME and report.copies == 2
    assert not [f for f in report.flags if "name" in f.message]
    spaced = "ขุดลอกคูระบายน้ำ ในชุมชนริมทางรถไฟ"  # this copy prints a space inside its line
    (report,) = parse_text(block(name_lines=["ขุดลอกคูระบายน้ำ", "ในชุมชนริมทางรถไฟ"]) + "\n" + block(name=spaced))
    assert report.project.name == spaced
    (report,) = parse_text(cut)  # no copy tells: the join stays a space
    assert report.project.name == "ขุดลอกคูระบายน้ำใน ชุมชนริมทางรถไฟ"


def test_a_thousands_comma_does_not_make_a_csv_row():
    assert match_fields("งบประมาณที่ได้รับ ........ 1,250,000 บาท") == [("budget_received", "1,250,000 บาท")]
    assert match_fields("งบประมาณที่ใช้ไป ........ ๙๘๗,๖๕๐ บาท") == [("budget_used", "๙๘๗,๖๕๐ บาท")]
    (copy,) = split_copies("รหัสโครงการ,50880000-0421\nเริ่มต้นโครงการ,2022-10-01 08:00:00,สิ้นสุดโครงการ,2023-09-30 17:00:00")
    assert copy.fields["start_date"].startswith("2022-10-01") and copy.fields["end_date"].startswith("2023-09-30")


def test_a_cut_off_phone_is_no_phone():
    project, bad = build_project({"coordinator": "นางสาวมาลี ศรีสุข โทร ๐ ๒๔"})
    assert (project.coordinator, project.coordinator_phone) == ("นางสาวมาลี ศรีสุข", None) and bad
    for whole in ("3318", "0 2281 5577", "02 281 5577 ต่อ 12"):
        assert build_project({"coordinator": f"นายเอก ทดสอบ โทร {whole}"})[0].coordinator_phone == whole


def test_a_heading_over_label_value_pairs_without_colons():
    line = "4. ช่วงดำเนินงาน: เริ่มต้นโครงการ 1 พฤศจิกายน 2565  สิ้นสุดโครงการ 31 สิงหาคม 2566"
    assert match_fields(line) == [("start_date", "1 พฤศจิกายน 2565"), ("end_date", "31 สิงหาคม 2566")]
    assert match_fields("หมายเหตุ: ส่งรายงานทุกไตรมาส  ตามแบบฟอร์ม") == []  # a remark is no field
    # the form's own period label: one value with both dates, however they are joined
    for period in ("4. ระยะเวลาโครงการ: เริ่มต้นโครงการ 1 พฤศจิกายน 2565  สิ้นสุดโครงการ 31 สิงหาคม 2566",
                   "ระยะเวลาดำเนินการ : 1 พ.ย. 2565 - 31 ส.ค. 2566", "ระยะเวลา: 01/11/2565 ถึง 31/08/2566"):  # fmt: skip
        ((role, value),) = match_fields(period)
        project, _ = build_project({role: value})
        assert (project.start_date, project.end_date) == ("2022-11-01", "2023-08-31"), period
    project, _ = build_project({"start_date": "2 พ.ย. 2565", "period": "1 พ.ย. 2565 - 31 ส.ค. 2566"})
    assert (project.start_date, project.end_date) == ("2022-11-02", "2023-08-31")  # a field of its own wins


def test_colon_less_fields_parted_by_wide_gaps_and_glued_fields():
    assert match_fields("รหัสโครงการ          50880000-0421") == [("code", "50880000-0421")]
    assert match_fields("งบประมาณที่ได้รับ    320,000 บาท    งบประมาณที่ใช้ไป   300,500 บาท") == [
        ("budget_received", "320,000 บาท"), ("budget_used", "300,500 บาท")]  # fmt: skip
    assert match_fields("ลงพื้นที่สำรวจ  ร่วมกับชุมชน") == []  # prose with a wide gap is no field
    assert match_fields("รหัสโครงการ 50880000-0421      ปีงบประมาณ พ.ศ. 2566") == [("code", "50880000-0421"), ("fiscal_year", "2566")]
    assert match_fields("รหัสโครงการ ; 50880000-0421") == [("code", "50880000-0421")]  # a semicolon OCR read for the colon
    assert match_fields("รหัสโครงการ: 50880000-0421 ปีงบประมาณ พ.ศ.: 2566") == [("code", "50880000-0421"), ("fiscal_year", "2566")]
    assert match_fields("เริ่มต้นโครงการ: 2022-10-01 08:00") == [("start_date", "2022-10-01 08:00")]  # a clock is no label


def test_a_label_above_value_copy_after_installments_is_a_new_copy():
    (report,) = parse_text(block() + "\n" + block())
    assert report.copies == 2 and [i.number for i in report.installments] == [1, 2]
    assert report.project.name == NAME


def test_a_year_misread_in_one_digit_joins_its_report():
    (report,) = parse_text("\n".join([block(), block(year="2536"), block()]))
    assert report.copies == 3 and report.project.fiscal_year == 2566
    other = block(year="2536").replace("320,000", "410,000").replace("30/09/2566", "31/03/2566")
    assert len(parse_text(block() + "\n" + other)) == 2  # budget and end date differ: another report


def test_html_lines_keep_the_file_s_line_numbers_for_copy_cuts():
    html = "\n".join([
        "<table><tr><td>ชื่อโครงการ/กิจกรรม</td><td>" + NAME + "</td></tr>",
        "<tr><td>รหัสโครงการ</td><td>50880000-0421</td></tr><tr><td>ปีงบประมาณ พ.ศ.</td><td>2566</td></tr></table>",
        "<p>วัตถุประสงค์</p><ul><li>เพื่อลดน้ำท่วมขัง</li><li>เพื่อให้น้ำไหลสะดวก</li></ul>",
        "<p>2. รายงานความก้าวหน้าของโครงการ</p>",
        "รายงานครั้งที่1 :: 15/12/2565 : สำรวจพื้นที่ :: ความก้าวหน้าของงานฯ = 10.00 % งบประมาณที่เบิกใช้ (ครั้งที่ 1) = 0 บาท : เป็นไปตามแผน : เป็นไปตามเป้าหมาย",
    ])  # fmt: skip
    text = html + "\n" + block()
    cuts = split_text(text)
    assert len(cuts) == 2 and cuts[1].text.startswith("ชื่อโครงการ/กิจกรรม") and "<table>" in cuts[0].text


def test_dates_and_years_with_look_alikes_or_lost_dots():
    from bma_nlp.parse.dates import parse_date

    assert parse_date("2O/1O/2566") == "2023-10-20" and parse_date("15/03/256S") == "2022-03-15"
    assert parse_date("15 มี.ค 2566") == parse_date("15 มีค. 2566") == parse_date("15 มีค 66") == "2023-03-15"
    assert parse_date("Slide 3/4/5") is None and parse_date("มี.ค. 2566") is None  # no day: no date
    assert build_project({"fiscal_year": "256B"})[0].fiscal_year == 2568
    assert build_project({"fiscal_year": "25X8"})[0].fiscal_year is None  # not a look-alike: unreadable


def test_a_phone_in_brackets_and_an_amount_spelled_out():
    project, _ = build_project({"coordinator": "นางวันดี มีสุข (โทร. 0 2444 1234 ต่อ 7)", "budget_used": "2,450,000.00 บาท (สองล้านสี่แสนห้าหมื่นบาทถ้วน)"})
    assert (project.coordinator, project.coordinator_phone, project.budget_used) == ("นางวันดี มีสุข", "0 2444 1234 ต่อ 7", 2_450_000)


def test_phone_label_without_a_number_and_look_alikes_in_the_number():
    project, bad = build_project({"coordinator": "นายวีระ ชัยดี โทร"})
    assert (project.coordinator, project.coordinator_phone) == ("นายวีระ ชัยดี", None) and bad
    assert build_project({"coordinator": "นายวีระ ชัยดี โทร 7O3l"})[0].coordinator_phone == "7031"
    project, _ = build_project({"coordinator": "นายวีระ ชัยดี โทร 0 2328 1385."})  # a full stop after the number
    assert (project.coordinator, project.coordinator_phone) == ("นายวีระ ชัยดี", "0 2328 1385")


def test_a_label_broken_over_two_lines_and_a_label_garbled_at_both_ends():
    text = block().replace("งบประมาณที่ได้รับ\n320,000 บาท", "งบประมาณที่\nได้รับ : 320,000 บาท\nงบประมาณที่\nใช้ไป : 300,500 บาท")
    (report,) = parse_text(text)
    assert (report.project.budget_received, report.project.budget_used) == (320000, 300500)
    assert match_fields("หน่วยงานที่รับชอ. : สำนักงานเขตตัวอย่าง") == [("agency", "สำนักงานเขตตัวอย่าง")]


def test_equals_signs_tab_tables_and_bracketed_dates():
    text = "\n".join([
        "ชื่อโครงการ/กิจกรรม = " + NAME,
        "รหัสโครงการ = 50880000-0421",
        "ปีงบประมาณ พ.ศ. = 2566",
        "หน่วยงานที่รับผิดชอบ = สำนักงานเขตตัวอย่าง",
        "2. รายงานความก้าวหน้าของโครงการ",
        "รายงานครั้งที่\tวันที่รายงาน\tผลการดำเนินงาน\tร้อยละความก้าวหน้า\tงบประมาณที่เบิกจ่าย (บาท)\tเบิกครั้งที่\tผลเทียบแผน\tผลเทียบเป้าหมาย",
        "1\t15/12/2565\tสำรวจพื้นที่\t10\t0\t1\tเป็นไปตามแผน\tเป็นไปตามเป้าหมาย",
        "2\t20/03/2566\tขุดลอกแล้ว\t45\t150,000\t2\tล่าช้ากว่าแผน\tเป็นไปตามเป้าหมาย",
    ])  # fmt: skip
    (report,) = parse_text(text)
    assert (report.project.code, report.project.agency) == ("50880000-0421", "สำนักงานเขตตัวอย่าง")
    got = [(i.number, i.date, i.progress_pct, i.disbursed_baht, i.disbursement_no, i.on_plan) for i in report.installments]
    assert got == [(1, "2022-12-15", 10.0, 0, 1, True), (2, "2023-03-20", 45.0, 150000, 2, False)]
    from bma_nlp.parse.installments import parse_lead

    assert parse_lead("  4.2 รายงานครั้งที่ 2 (วันที่ 20 มี.ค. 2566)\nขุดลอกแล้ว") == (2, "2023-03-20", None, "ขุดลอกแล้ว")
    assert parse_lead("(ร่าง) สำรวจ")[3] == "(ร่าง) สำรวจ"  # a bracket that holds no date stays in the note
    assert parse_lead("  4.1 รายงานครั้งที่ 1 (วันที่ -)\nผลการดำเนินงาน: รอจัดสรร") == (1, None, None, "รอจัดสรร")


def test_a_label_with_one_letter_lost_is_priced_by_its_cheapest_reading():
    """A lost letter reads both as "a chunk lost" (a fixed, dear price) and as a near garble
    (the OCR channel's price): the cheaper counts, so a short label survives one lost letter."""
    from bma_nlp.parse.labels import classify_label

    for garbled in ("ปีงบปรมาณ", "ปีงบประาณ", "ปีงบปร.มาณ"):
        lab = classify_label(garbled)
        assert lab is not None and lab.role == "fiscal_year", garbled
    assert classify_label("ปีใหม่") is None


def test_verdicts_garbled_past_the_skeleton_search():
    """A vowel lost (ไ), a letter misread or a colon inside: the verdicts are read chunk by chunk
    with the OCR-aware label match; a verdict line so garbled still joins its installment."""
    from bma_nlp.parse.installments import is_verdict_line, read_verdicts

    assert read_verdicts(" : เป็นปตามแผน : เป็นไปตามเป้าหมย") == (True, True)
    assert read_verdicts("   ไม่เป็นไปตามแผ   ต่ำกว่าเป้าหมา") == (False, False)
    assert read_verdicts(" : ไมยเป็นไปตามแผน : เป็นไปตามเป้าหมาย") == (False, True)  # a garbled ไม่ glued before
    assert is_verdict_line("ผลเทียบแผน เป็นปตามแผน") and not is_verdict_line("ดำเนินการตามแผน")
    text = block().replace("เป็นไปตามแผน\nเป็นไปตามเป้าหมาย", "เป็นปตามแผน\nเป็นไปตามเปัาหมย", 1)
    (report,) = parse_text(text)
    first = report.installments[0]
    assert (first.on_plan, first.on_target, first.note) == (True, True, "สำรวจพื้นที่และขออนุมัติ")


def test_metric_labels_garbled_past_the_skeleton_search():
    """A letter lost, added or misread in ความก้าวหน้าของงานฯ / งบประมาณที่เบิกใช้ (not only marks):
    the labels are found by alignment and the channel's price, in a ``::`` row, a spaced row and
    alone on their lines."""
    rows = [
        "รายงานครั้งที่1 :: 10/11/2566 : ประชุมชี้แจง :: ความก้าวหน้าของานฯ = 10.00 % งบประมาณที่เบิกใข้ (ครั้งที่ 1) = 5,000 บาท : เป็นไปตามแผน : เป็นไปตามเป้าหมาย",
        "รายงานครั้งที่ 2   10/12/2566   จัดซื้อวัสดุ\n      คว ามก้าวหน้าของงาน์ฯ 20%   งบประมาณที่เi ิกใช้ (ครั้งที่ 2) 6,000 บาท   เป็นไปตามแผน   เป็นไปตามเป้าหมาย",
    ]  # fmt: skip
    head = "ชื่อโครงการ/กิจกรรม : " + NAME + "\nรหัสโครงการ : 50880000-0421\nปีงบประมาณ พ.ศ. : 2566\n2. รายงานความก้าวหน้าของโครงการ\n"
    (report,) = parse_text(head + "\n".join(rows))
    assert [(i.number, i.progress_pct, i.disbursed_baht) for i in report.installments] == [(1, 10.0, 5000), (2, 20.0, 6000)]
    (report,) = parse_text(block().replace("ความก้าวหน้าของงานฯ\n45.00 %", "ความก1าวหน้าของงานฯ\n45.00 %"))
    assert report.installments[1].progress_pct == 45.0 and report.installments[1].note == "ขุดลอกแล้วครึ่งหนึ่ง"


def test_table_columns_named_by_their_key_words_and_label_variants():
    from bma_nlp.parse.labels import classify_label
    from bma_nlp.parse.layout import _Table

    head = ["ครั้งที่", "วันที่", "ผลการดำเนินงาน", "ความก้าวหน้า (%)", "เบิกจ่าย (บาท)", "เบิกเงินครั้งที่", "เทียบแผน", "เทียบเป้าหมาย"]
    assert _Table(head).roles == ["ordinal", "inst_date", "inst_note", "progress", "disbursed", "ordinal", "plan", "target"]
    for printed, role in [("วันที่เริ่มโครงการ", "start_date"), ("ผู้รับผิดชอบโครงการ", "responsible"), ("จำนวนเงินที่เบิกจ่าย", "disbursed")]:
        lab = classify_label(printed)
        assert lab is not None and lab.role == role, printed


def test_a_month_name_garbled_by_ocr():
    from bma_nlp.parse.dates import parse_date

    assert parse_date("31 มีนาดม 2566") == "2023-03-31" and parse_date("5 กรกฎาคบ 2566") == "2023-07-05"
    assert parse_date("15 มิถนายน 2565") == "2022-06-15"
    assert parse_date("3 หมู่บ้าน 2566") is None  # a Thai word that is no month: no date


def test_copies_whose_identity_ocr_lost_join_their_report():
    """The code label garbled past reading (its line is then no wrapped name either), the year
    lost beside the same code, a code that holds no digit, a name-only fragment: one report."""
    lost_code = block().replace("รหัสโครงการ\n50880000-0421", "รหัสโนครการ ........ 50880000-0421")
    (report,) = parse_text(lost_code + "\n" + block())
    assert report.copies == 2 and report.project.name == NAME and report.project.code == "50880000-0421"
    no_year = block().replace("ปีงบประมาณ พ.ศ.\n2566\n", "")
    (report,) = parse_text(block() + "\n" + no_year)
    assert report.copies == 2 and report.project.fiscal_year == 2566
    assert build_project({"code": "และชื่อโครงการ"})[0].code is None
    assert build_project({"code": "5088 0000 - 0421"})[0].code == "50880000-0421"  # spaces OCR put inside the code
    fragment = "1. ชื่อโครงการและหน่วยงา:นที่รับผิดชอบโครงการ\n"
    (report,) = parse_text(fragment + block())
    assert report.copies == 1 and report.project.name == NAME


def test_a_numeric_field_whose_colon_ocr_lost():
    text = block().replace("รหัสโครงการ\n50880000-0421", "รหัสโครงการ 50880000-0421").replace("ปีงบประมาณ พ.ศ.\n2566", "ปีงบประมาณ พ.ศ. 2566")
    (report,) = parse_text(text)
    assert (report.project.code, report.project.fiscal_year, report.project.name) == ("50880000-0421", 2566, NAME)
    from bma_nlp.parse.layout import _bare_field

    assert _bare_field("งบประมาณที่ได้รับไม่เพียงพอ จึงขอปรับแผน") == []  # a sentence, no figure after the label


def test_bulleted_fields_and_a_note_printed_after_the_metrics():
    head = "ชื่อโครงการ/กิจกรรม: " + NAME + "\nรหัสโครงการ: 50880000-0421\nปีงบประมาณ พ.ศ.: 2566\n2. รายงานความก้าวหน้าของโครงการ\n"
    bulleted = "\n".join([
        "รายงานครั้งที่ 1", "- วันที่รายงาน: 15/12/2565", "- ผลการดำเนินงาน: สำรวจพื้นที่", "- ความก้าวหน้าของงานฯ: 10%",
        "- งบประมาณที่เบิกใช้ (ครั้งที่ 1): 0 บาท", "- ผลเทียบแผน: เป็นไปตามแผน", "- ผลเทียบเป้าหมาย: เป็นไปตามเป้าหมาย",
    ])  # fmt: skip
    (report,) = parse_text(head + bulleted)
    first = report.installments[0]
    assert (first.date, first.note, first.progress_pct, first.on_plan) == ("2022-12-15", "สำรวจพื้นที่", 10.0, True)
    after = "\n".join([
        "รายงานครั้งที่ 1 (15/12/2565) ความก้าวหน้าของงานฯ = 10 % งบประมาณที่เบิกใช้ (ครั้งที่ 1) = 0 บาท เป็นไปตามแผน เป็นไปตามเป้าหมาย",
        "    ผลการดำเนินงาน: สำรวจพื้นที่",
        "รายงานครั้งที่ 2 (20/03/2566) ความก้าวหน้าของงานฯ = 45 % งบประมาณที่เบิกใช้ (ครั้งที่ 2) = 150,000 บาท เป็นไปตามแผน เป็นไปตามเป้าหมาย",
        "    ผลการดำเนินงาน: ขุดลอกแล้ว - ครึ่งหนึ่ง",
    ])  # fmt: skip
    (report,) = parse_text(head + after)
    assert [(i.date, i.note) for i in report.installments] == [("2022-12-15", "สำรวจพื้นที่"), ("2023-03-20", "ขุดลอกแล้ว - ครึ่งหนึ่ง")]
    wrapped = "รายงานครั้งที่1 :: 15/12/2565 : สำรวจพื้นที่ช่วงเดือนตุลาคม\n- พฤศจิกายน แล้วเสร็จ :: ความก้าวหน้าของงานฯ = 10.00 % งบประมาณที่เบิกใช้ (ครั้งที่ 1) = 0 บาท : เป็นไปตามแผน : เป็นไปตามเป้าหมาย"
    (report,) = parse_text(head + wrapped)
    assert report.installments[0].note == "สำรวจพื้นที่ช่วงเดือนตุลาคม - พฤศจิกายน แล้วเสร็จ"  # a note's dash is kept


def test_a_transposed_installment_table():
    """One column per installment, one row per field (its label first), headed by the ordinals."""
    head = "ชื่อโครงการ/กิจกรรม : " + NAME + "\nรหัสโครงการ : 50880000-0421\nปีงบประมาณ พ.ศ. : 2566\n2. รายงานความก้าวหน้าของโครงการ\n"
    table = "\n".join([
        "| รายการ | ครั้งที่ 1 | ครั้งที่ 2 |", "|---|---|---|",
        "| วันที่รายงาน | 15/12/2565 | 20/03/2566 |", "| ผลการดำเนินงาน | สำรวจพื้นที่ | ขุดลอกแล้ว |",
        "| ร้อยละความก้าวหน้า | 10 | 45 |", "| งบประมาณที่เบิกจ่าย (บาท) | 0 | 150,000 |",
        "| ผลเทียบแผน | เป็นไปตามแผน | ล่าช้ากว่าแผน |", "| ผลเทียบเป้าหมาย | เป็นไปตามเป้าหมาย | |",
    ])  # fmt: skip
    (report,) = parse_text(head + table)
    got = [(i.number, i.date, i.note, i.progress_pct, i.disbursed_baht, i.on_plan, i.on_target) for i in report.installments]
    assert got == [(1, "2022-12-15", "สำรวจพื้นที่", 10.0, 0, True, True), (2, "2023-03-20", "ขุดลอกแล้ว", 45.0, 150000, False, None)]


def test_a_copy_read_on_its_own_parses_as_it_did_inside_its_file():
    """``split_text`` parses the copies found in the whole text once; the archive stores each
    copy's text and reprocess reads it alone. Both readings must agree, on every file kind."""
    from pathlib import Path

    from bma_nlp import synth
    from bma_nlp.parse import read_copies
    from bma_nlp.text import read_text

    data = Path(__file__).parent / "data"
    texts = [read_text(p)[0] for p in sorted(data.glob("blind_round*/*.txt"))[:40]]
    texts += [t for t, _ in synth.generate_archive(5, 30)]
    checked = 0
    for text in texts:
        for copy in split_text(text):
            if copy.parsed is not None:
                assert repr(copy.parsed) == repr(read_copies(copy.text, copy.source, copy.encoding))
                checked += 1
    assert checked > 60
