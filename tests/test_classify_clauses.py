"""Clause reading: stage mentions, their status, the most advanced stage reached, evidence."""

from __future__ import annotations

import re

import pytest

from bma_nlp.classify.clauses import clause_label, clause_vector, combine, evidence, mentions, split_clauses


def _statuses(note: str) -> list[tuple[str, str]]:
    return [(m.stage, m.status) for m in mentions(note)]


@pytest.mark.parametrize(
    ("note", "contract"),
    [
        ("บริษัทส่งงานล่าช้า ถูกเรียกเก็บค่าปรับรายวัน", True),  # a contractor's fine
        ("ผู้รับจ้างได้รับการขยายระยะเวลาและงดค่าปรับ", True),  # its waiver, not a negated step
        ("เทศบาลขึ้นค่าปรับทิ้งขยะ", False),  # a fine on the public
        ("ผู้ฝ่าฝืนจ่ายค่าปรับ 35 ราย", False),
        ("มีโทษปรับ เสียค่าปรับไม่เกิน 2,000 บาท", False),
        ("อนุมัติเงินเป็นค่าปรับปรุงห้องน้ำ", False),  # a renovation cost
    ],
)
def test_a_fine_is_contract_trouble_only_under_a_contract(note, contract):
    found = [m for m in mentions(note) if m.cue == "contract"]
    assert bool(found) is contract
    assert all(m.status != "negated" for m in found)


def test_split_into_items():
    parts = split_clauses("1. สำรวจพื้นที่ 2. จัดทำโครงการ - ส่งเรื่องแล้ว\nรอผล")
    assert parts == ["สำรวจพื้นที่", "จัดทำโครงการ", "ส่งเรื่องแล้ว", "รอผล"]
    assert len(split_clauses("30/12/2566 : ก 31/01/2567 : ข")) == 2


@pytest.mark.parametrize(
    ("note", "label"),
    [
        # the most advanced stage reached wins, earlier steps are history
        ("1. ได้รับอนุมัติโครงการแล้ว 2. อยู่ระหว่างจัดทำราคากลาง", "procurement"),
        ("จัดทำโครงการ เสนอขออนุมัติผู้อำนวยการเขต", "approval"),
        # plans and expectations are not reached
        ("อยู่ระหว่างก่อสร้าง คาดว่าจะแล้วเสร็จในเดือนหน้า", "procurement"),
        ("เมื่อโครงการแล้วเสร็จจะช่วยลดปัญหาน้ำท่วม", "none"),
        # negation of approval keeps the note at approval
        ("ยังไม่ได้รับการจัดสรรงบประมาณ", "approval"),
        # one installment of several is procurement, the last one completes
        ("ส่งมอบงานงวดที่ 1", "procurement"),
        ("ตรวจรับงานงวดที่ 2 จาก 5 งวดแล้ว", "procurement"),
        ("ตรวจรับงานงวดสุดท้ายเรียบร้อย", "completed"),
        # a purchasing step that is finished is not the work finished
        ("ร่างขอบเขตของงานและราคากลางแล้วเสร็จ", "procurement"),
        # a completion word with a progress figure below 100 is part of the work
        ("เทพื้นชั้นล่างแล้วเสร็จ ความก้าวหน้าร้อยละ 35", "procurement"),
        ("ปรับปรุงแล้วเสร็จ ความก้าวหน้าร้อยละ 100", "completed"),
        # goods delivered while their installation or testing goes on; a delivery that does not
        # meet the specification; the final acceptance with payment pending stays completed
        ("บริษัทส่งมอบเครื่องกำเนิดไฟฟ้าเรียบร้อยแล้ว ขณะนี้อยู่ระหว่างติดตั้ง", "procurement"),
        ("ส่งมอบชุดกล้องวงจรปิดแล้ว อยู่ระหว่างทดสอบระบบ", "procurement"),
        ("ผู้ขายส่งมอบโต๊ะเก้าอี้แล้ว แต่ไม่ตรงตามรายละเอียดตามสัญญา", "procurement"),
        ("ส่งมอบงานแล้ว อยู่ระหว่างเบิกจ่ายเงิน", "completed"),
        # a bidder's appeal holds the purchase; an appeal against a tax assessment does not
        ("ประกาศผู้ชนะแล้ว มีผู้เสนอราคารายอื่นยื่นอุทธรณ์", "procurement"),
        ("รับคำร้องอุทธรณ์การประเมินภาษี 12 ราย", "none"),
        # a waived contractor's fine is contract relief while the work goes on; a fine on the
        # public is no contract; a renovation cost (ค่าปรับปรุง) is no fine at all
        ("ได้รับอนุมัติขยายเวลาและงดค่าปรับตามมาตรการช่วยเหลือผู้ประกอบการ", "procurement"),
        ("เทศบาลขึ้นค่าปรับทิ้งขยะไม่เป็นที่เป็นทาง", "none"),
        ("เทศกิจจับกุมผู้ฝ่าฝืนจอดรถบนทางเท้า ผู้ฝ่าฝืนจ่ายค่าปรับ 35 ราย", "none"),
        ("ประมาณราคาค่าปรับปรุงห้องสมุดชุมชน เพื่อเสนอขอรับงบประมาณปีหน้า", "approval"),
        # a step finished just before the project is put forward prepared the proposal (A1);
        # a payment or a purchase asked for after finished work is not the project's approval
        ("จัดทำรายละเอียดค่าใช้จ่ายเรียบร้อยแล้ว อยู่ระหว่างขออนุมัติโครงการ", "approval"),
        ("จัดทำคำบรรยายลักษณะงานแล้วเสร็จ อยู่ระหว่างขออนุมัติหลักการ", "approval"),
        ("ปรับปรุงห้องน้ำแล้วเสร็จ อยู่ระหว่างขออนุมัติเบิกจ่ายเงินค่าจ้าง", "completed"),
        ("1. ซ่อมถนนแล้วเสร็จ 2. เสนอขออนุมัติโครงการระยะที่ 2", "completed"),
        # a clause that opens with a rule, a guideline, a procedure or a law: its purchasing words
        # are the document's topic (N3); a procurement step named after such words in a progress note stays
        ("กฎกระทรวงว่าด้วยการจ้างที่ปรึกษาและราคากลางงานก่อสร้าง", "none"),
        ("แบบประกาศเชิญชวนการประกวดราคาอิเล็กทรอนิกส์ (e-bidding) ฉบับใหม่", "none"),
        ("ขั้นตอนการจ้างก่อสร้างโดยวิธีประกาศเชิญชวนทั่วไป", "none"),
        ("อยู่ระหว่างขั้นตอนการจัดซื้อจัดจ้าง", "procurement"),
        # metrics, names and routine are none
        ("เบิกจ่ายในภาพรวมได้ 1,250,000 บาท", "none"),
        ("โครงการก่อสร้างสะพานคนเดินข้ามคลอง", "none"),
        ("ดำเนินการจัดเก็บขยะได้ 120 ตัน", "none"),
        ("", "none"),
        # building said plainly after a marker of work going on; a started job; a negated start
        ("ขณะนี้อยู่ระหว่างสร้างอาคารเรียนหลังใหม่", "procurement"),
        ("เขตเริ่มก่อสร้างทางเดินริมคลองแล้ว", "procurement"),
        ("ยังไม่ได้รับเงินงวด จึงยังเริ่มจัดซื้อไม่ได้", "approval"),
        # the verb, its object, then the done marker; a share below 100 of the work
        ("ดำเนินการซ่อมผิวถนนแล้ว", "procurement"),
        ("ดำเนินการสำรวจแล้ว 300 หลัง คิดเป็นร้อยละ 60", "procurement"),
        # opening a finished facility
        ("สำนักงานเขตเปิดศูนย์เด็กเล็กแห่งใหม่", "completed"),
        # a body approving a budget is an approval; money received and stated as an amount is a figure
        ("สภาเขตมีมติอนุมัติงบประมาณ 3 ล้านบาท ให้ปรับปรุงสวน", "procurement"),
        ("ได้รับงบประมาณ เป็นเงิน 500,000 บาท", "none"),
        ("ได้รับจัดสรรเงินงวด 90,000 บาท แล้ว อยู่ระหว่างทำรายงานขอซื้อ", "procurement"),
        # an expected completion of named work: the work has begun; a plan of work has not
        ("เขตก่อสร้างสะพานข้ามคลองสายใหม่ คาดว่าจะแล้วเสร็จปีหน้า", "procurement"),
        ("มีแผนปรับปรุงสวนสาธารณะ คาดว่าจะแล้วเสร็จปีหน้า", "none"),
        ("ได้เริ่มโครงการก่อสร้างอาคารจอดรถแล้ว", "procurement"),
        # studies before a decision; asking for and receiving support money
        ("กรมใช้เวลาศึกษาโครงการทางยกระดับมาเกือบปี", "approval"),
        ("ชุมชนยื่นหนังสือขอสนับสนุนงบประมาณซ่อมถนน", "approval"),
        ("ได้รับการสนับสนุนงบประมาณจากจังหวัดแล้ว", "procurement"),
        # a count of purchases by method is a statistic
        ("ปีนี้ใช้วิธีเฉพาะเจาะจง 120 โครงการ และ e-bidding 14 โครงการ", "none"),
        # fixing a problem is a project's purpose, not a delivery sent back
        ("ได้ปรับปรุงรางระบายน้ำเพื่อแก้ไขปัญหาน้ำท่วมขังเรียบร้อยแล้ว", "completed"),
        # ceremonies that mark building begun: reached, unless planned
        ("ผู้อำนวยการเขตเป็นประธานพิธีวางศิลาฤกษ์อาคารศูนย์สาธารณสุข", "procurement"),
        ("ร่วมพิธียกเสาเอก เพื่อสร้างอาคารเรียนหลังใหม่", "procurement"),
        ("เขตจะจัดพิธีวางศิลาฤกษ์ในเดือนหน้า", "none"),
        # a progress word and its percentage apart; disbursement progress is a money figure
        ("ความคืบหน้างานวางท่อระบายน้ำซอยวัดใหม่ คิดเป็น 35%", "procurement"),
        ("ความก้าวหน้าการเบิกจ่ายงบประมาณ ร้อยละ 60", "none"),
        # a budget ordinance passed or approved, before or after it is named, is approval of money
        ("ร่างเทศบัญญัติงบประมาณรายจ่ายประจำปี ผ่านความเห็นชอบจากสภาเทศบาลแล้ว", "approval"),
        ("สภาอนุมัติข้อบัญญัติงบประมาณรายจ่ายประจำปี 2567", "approval"),
        ("สภาเทศบาลอนุมัติจ่ายขาดเงินสะสม 5 ล้านบาท", "approval"),
        # a cancelled step, and what the rest of the item names, is not reached; a new round is
        ("ยกเลิกประกาศประกวดราคาจ้างซ่อมถนน ด้วยวิธีประกวดราคาอิเล็กทรอนิกส์ (e-bidding)", "none"),
        ("ยกเลิกประกาศประกวดราคาครั้งที่ 1 อยู่ระหว่างประกวดราคาครั้งที่ 2", "procurement"),
        # "ได้ให้" (had someone do) is done, not a plan; "ก่อน" (before) is not reached yet
        ("ขณะนี้เขตได้ให้ผู้รับจ้างซ่อมผิวถนนชั่วคราว", "procurement"),
        ("เชิญชมสะพานก่อนเปิดใช้งานในวันที่ 1 มีนาคม", "none"),
        # the work a request asks for (permission, approval, a design put forward) is not begun
        ("เขตขออนุญาต การรถไฟ ปรับปรุงที่ว่างข้างทางเป็นลานกีฬา", "approval"),
        ("ขออนุมัติปรับปรุงถนนซอยวัด", "approval"),
        ("เอกชนได้ยื่นเสนอแบบก่อสร้างสะพานลอยให้เขตพิจารณา", "approval"),
        # hiring a contractor; paving seen by officials following the work; preparing the site
        ("การประปาจ้างผู้รับเหมาวางท่อประปาใหม่ทั้งซอย", "procurement"),
        ("รองนายกลงพื้นที่ติดตามการดำเนินงานเทยางมะตอยถนนสายหลัก", "procurement"),
        ("กรมเตรียมพื้นที่ก่อสร้างสะพานแห่งใหม่ คาดเสร็จปีหน้า", "procurement"),
        # a stage word as the topic of a form, a guide or a notice heading is no step; drafting the documents is
        ("แบบฟอร์มการจัดทำคำขอตั้งงบประมาณประจำปี", "none"),
        ("คู่มือการจัดซื้อจัดจ้างด้วยวิธีประกวดราคาอิเล็กทรอนิกส์", "none"),
        ("อยู่ระหว่างจัดทำเอกสารประกวดราคา", "procurement"),
        # a condition ("if approved, then ...") is ahead, not reached
        ("ออกแบบแล้วเสร็จ อยู่ระหว่างพิจารณา EIA หากได้รับความเห็นชอบแล้วจะเวนคืนที่ดิน", "approval"),
        # a duration is a specification, not a step
        ("ออกแบบสะพานแล้วเสร็จ ใช้เวลาก่อสร้างประมาณ 2 ปี", "approval"),
        # a done word that is itself planned, and the finish of planned work, are plans (GUIDE C4)
        ("ผู้รับจ้างเร่งงานก่อสร้างอาคาร เพื่อให้เสร็จพร้อมใช้งานในเดือนหน้า", "procurement"),
        ("ติดตามความคืบหน้าการก่อสร้างถนน ซึ่งเมื่อโครงการดังกล่าวก่อสร้างแล้วเสร็จ จะช่วยลดการจราจร", "procurement"),
        # a cabinet meeting is not a request to the cabinet; a proposal to it is
        ("นายกรัฐมนตรีเป็นประธานการประชุมคณะรัฐมนตรีที่ทำเนียบรัฐบาล", "none"),
        ("กรมจะเสนอโครงการเข้าที่ประชุมคณะรัฐมนตรีเดือนหน้า", "approval"),
        # duties (มีหน้าที่…) describe a post, not a step; an audit of purchasing is oversight
        ("ฝ่ายโยธามีหน้าที่วางแผนและควบคุมการก่อสร้างถนนในเขต", "none"),
        ("สตง. แจ้งผลการตรวจสอบการจัดซื้อจัดจ้างของหน่วยงาน", "none"),
        # a building project said plainly (โครงการสร้าง…): a name, unless it has started
        ("ดังนั้นโรงพยาบาลประจำอำเภอจึงได้เริ่มโครงการสร้างอาคารผู้ป่วยนอกหลังใหม่ขึ้น", "procurement"),
        ("โครงการสร้างอาคารผู้ป่วยนอกหลังใหม่", "none"),
        # ทำการ (carried out) reports the work done, unless it is planned
        ("วันนี้ผู้อำนวยการเขตพร้อมด้วยเจ้าหน้าที่และอาสาสมัครในพื้นที่ ทำการปรับปรุงภูมิทัศน์ริมคลอง", "procurement"),
        ("วันนี้ผู้อำนวยการเขตพร้อมด้วยเจ้าหน้าที่และอาสาสมัครในพื้นที่ จะทำการปรับปรุงภูมิทัศน์ริมคลอง", "none"),
        # designing a system, a database or a course is the work going on; designing a building prepares a project
        ("อยู่ระหว่างออกแบบระบบสารสนเทศงานทะเบียน", "procurement"),
        ("2. อยู่ระหว่างพัฒนาและออกแบบโครงสร้างฐานข้อมูลผู้พิการ", "procurement"),
        ("อยู่ระหว่างออกแบบอาคารศูนย์กีฬา", "approval"),
        ("เสนอโครงการจัดทำฐานข้อมูลต่อผู้อำนวยการเขตเพื่อพิจารณาอนุมัติ", "approval"),
        ("เขตสำรวจและจัดทำฐานข้อมูลต้นไม้ 5,000 ต้น", "none"),
        # activities listed after the request for the project: the approved project is under way
        ("1. ขออนุมัติโครงการ 2. ประชาสัมพันธ์โครงการ 3. ลงพื้นที่ให้ความรู้แก่ผู้ประกอบการ", "procurement"),
        ("1. สำรวจความต้องการ 2. ขออนุมัติโครงการ", "approval"),
        ("ประชาสัมพันธ์ให้ประชาชนรับทราบทางเสียงตามสาย", "none"),
        # a budget asked for in news voice; no money for the work yet
        ("เขตของบ 20 ล้าน ซ่อมสะพานไม้", "approval"),
        ("ชุมชนรอซ่อมถนนมานาน เนื่องจากขาดงบประมาณในการดำเนินการ", "approval"),
        ("ส่งโครงการไปยังสำนักงบประมาณเพื่อพิจารณา", "approval"),
        # รอง (deputy), รอบ (round) are not รอ (waiting): a deputy inspecting works sees them going on
        ("รองผู้อำนวยการเขตเยี่ยมชมไซต์ก่อสร้างอาคารจอดรถ", "procurement"),
        ("รอบที่ 2 ดำเนินการขุดลอกคูน้ำแล้ว", "procurement"),
        # progress in words or as "ทำได้ N%": the work goes on
        ("งานวางท่อคืบหน้าไปมาก คาดว่าจะแล้วเสร็จเดือนหน้า", "procurement"),
        ("งานโยธาทำได้ 42.5%", "procurement"),
        # launching a project of activities begins it; opening finished works completes them
        ("ผู้อำนวยการเขตเป็นประธานเปิดโครงการอบรมอาสาสมัคร", "procurement"),
        ("ผู้ว่าการเป็นประธานในพิธีเปิดโครงการขยายเขตประปาหมู่บ้าน", "completed"),
        ("รองผู้ว่าฯ เป็นประธานเปิดกิจกรรมล้างตลาด", "none"),
        # the results of a survey summed up: the survey is finished
        ("สรุปผลการสำรวจความพึงพอใจของผู้ใช้บริการห้องสมุด", "completed"),
        ("อยู่ระหว่างสรุปผลการประเมิน", "procurement"),
        # staff on site to do the work are doing it; "ให้ทราบว่า" reports, it is no purpose
        ("เจ้าหน้าที่ลงพื้นที่เพื่อติดตั้งกล้องวงจรปิดในซอย", "procurement"),
        ("ขอแจ้งให้ทราบว่า เทศบาลได้รับการจัดสรรงบประมาณแล้ว", "procurement"),
        # a campaign carried out now is work under way; reported as counts it is routine
        ("ดำเนินการประชาสัมพันธ์ให้ประชาชนคัดแยกขยะ", "procurement"),
        ("ดำเนินการประชาสัมพันธ์ผ่านเสียงตามสาย จำนวน 12 ครั้ง", "none"),
        # work called off, suspended or stopped is not reached (GUIDE N4)
        ("ที่ประชุมมีมติงดการจัดงานวันเด็กปีนี้", "none"),
        ("เขตระงับการก่อสร้างชั่วคราว", "none"),
        # a preparedness plan is the deliverable of in-house work
        ("สถานีดับเพลิงอยู่ระหว่างจัดทำแผนเตรียมความพร้อมรับมืออัคคีภัยของชุมชน", "procurement"),
    ],
)
def test_clause_label(note, label):
    assert clause_label(note) == label


def test_statuses():
    assert ("completed", "planned") in _statuses("คาดว่าจะแล้วเสร็จภายในเดือนกันยายน")
    assert ("approval", "underway") in _statuses("ยังไม่ได้รับอนุมัติโครงการ")
    assert ("procurement", "underway") in _statuses("ขณะนี้อยู่ระหว่างประกวดราคา")
    assert ("procurement", "name") in _statuses("โครงการก่อสร้างถนน")
    assert ("procurement", "metric") in _statuses("ได้รับงบประมาณ เป็นเงิน 500,000 บาท")
    # a marker is a word, not letters inside another word: รอ in อิเล็กทรอนิกส์ or ครอบครัว is no wait
    assert set(_statuses("ประกวดราคาอิเล็กทรอนิกส์ (e-bidding)")) == {("procurement", "bare")}


def test_evidence_names_the_deciding_words():
    note = "1. ได้รับอนุมัติแล้ว 2. ลงนามสัญญาจ้างเรียบร้อย 3. คาดว่าจะแล้วเสร็จเดือนหน้า"
    label, deciding = combine(mentions(note))
    assert label == "procurement" and deciding
    words = [e["words"] for e in evidence(note, "procurement")]
    assert any("สัญญา" in w for w in words)
    missed = evidence(note, None)
    assert any(e["status"] == "planned" and "แล้วเสร็จ" in str(e["words"]) for e in missed)


def test_evidence_keeps_numbers():
    (first,) = evidence("ความก้าวหน้าร้อยละ 45", "procurement")[:1]
    assert "45" in str(first["words"])


def test_clause_vector_is_fixed_length():
    assert len(clause_vector("")) == len(clause_vector("1. ก่อสร้างแล้วเสร็จ 2. ตรวจรับงานแล้ว"))


def _labelled_notes() -> list[str]:
    import json
    from pathlib import Path

    root = Path(__file__).resolve().parents[1] / "training_data"
    notes = []
    for name in ("notes.jsonl", "real_notes.jsonl", "unseen.jsonl", "external.jsonl"):
        notes += [json.loads(line)["text"] for line in (root / name).read_text(encoding="utf-8").splitlines() if line.strip()]
    return notes


def test_required_strings_are_in_every_match():
    """The strings ``required_strings`` reads from a cue are in each of its matches (so a clause
    without any of them is skipped without changing what is found)."""
    from bma_nlp.classify import clauses, rules
    from bma_nlp.classify.clauses import required_strings
    from bma_nlp.classify.features import prepare

    assert required_strings(r"ab(?:c|de)+") == ("ab",)
    assert required_strings(r"x(?:cd|ef)+") == ("cd", "ef")
    assert required_strings(r"(?:ขอ)?x?") is None
    assert required_strings(r"(?i)abc") is None
    patterns = [p for *_, p in clauses._COMPILED] + [p for *_, p in rules._COMPILED]
    needs = clauses._NEEDS + rules._NEEDS
    checked = 0
    for note in _labelled_notes():
        squeezed = "".join(prepare(note).split())
        for pattern, need in zip(patterns, needs, strict=True):
            for m in pattern.finditer(squeezed):
                checked += 1
                assert need is None or any(n in m.group(0) for n in need), (pattern.pattern[:40], m.group(0))
    assert checked > 1000


def test_prefilter_answers_as_a_search_per_required_string():
    """``Prefilter.possible`` (one trie scan of all required strings) says a pattern can match
    exactly when one of its required strings is in the text, as ``str.__contains__`` per
    string would: on crafted overlaps (a string that is a prefix of another, one inside
    another) and on every labelled note's clauses and whole prepared text, for the cues of
    ``clauses`` and the groups of ``rules``."""
    from bma_nlp.classify import clauses, rules
    from bma_nlp.classify.clauses import Prefilter
    from bma_nlp.classify.features import prepare

    needs = [("ab", "abcd"), ("bc",), ("abx",), None, ("d",), ("x.y",)]
    crafted = Prefilter(needs)
    for text in ("abcd", "abc", "abxd", "zzz", "", "xxy", "x.y", "aabcab"):
        assert crafted.possible(text) == [n is None or any(x in text for x in n) for n in needs], text
    texts = []
    for note in _labelled_notes():
        texts.append("".join(prepare(note).split()))
        texts += ["".join(c.split()) for c in clauses.split_clauses(clauses.base_text(note))]
    for module in (clauses, rules):
        for text in texts:
            assert module._PREFILTER.possible(text) == [n is None or any(map(text.__contains__, n)) for n in module._NEEDS]


def test_guarded_patterns_find_the_same_matches():
    """``guarded`` (a lookahead for the characters a match can start with, ``first_characters``)
    is a speed device: every cue of ``clauses``, group of ``rules`` and status marker finds the
    same matches as the plain pattern on crafted texts and on every labelled note's clauses,
    raw and prepared, spaces removed as the readers remove them."""
    from bma_nlp.classify import clauses, rules
    from bma_nlp.classify.clauses import first_characters, guarded
    from bma_nlp.classify.features import prepare

    assert first_characters(r"(?<!x)(?:ab|c)?d") == frozenset("acd")
    assert first_characters(r"(?:(?<=q)|(?<=r))s|[t-v]w") == frozenset("stuv")
    assert first_characters(r"a*") is None  # may match nothing
    assert first_characters(r"[^a]b|c") is None  # a negated class: any character
    assert first_characters(r".b") is None
    assert first_characters(r"(?=ab)|(?<=c)d") == frozenset("ad")  # a lookahead needs its first character
    assert first_characters(r"(?!a)b|$") is None  # may match at the end, where there is no character
    assert guarded(r"abc|d").pattern == r"abc|d"  # the engine searches for the literal itself
    assert guarded(r"(?<!x)(?:ab|c)?d").pattern.startswith("(?=[acd])")
    compiled = [p for *_, p in clauses._COMPILED] + [p for *_, p in rules._COMPILED] + [p for _, p in clauses._MARKERS]
    compiled += [clauses._CLAUSE_BREAK, clauses._ITEM_BREAK, clauses._PREFILTER._scan, rules._PREFILTER._scan]  # zero-width matches, led by lookaheads
    # the written pattern: what follows the lookahead guard, if any
    sources = [p.pattern[p.pattern.index("])(?:") + 5 : -1] if p.pattern.startswith("(?=[") else p.pattern for p in compiled]
    assert sources[: len(clauses.CUES)] == [p for *_, p in clauses.CUES]
    texts = ["", "x", "ขอ", "0/0จุด", "ได้รับอนุมัติแล้ว", "ร้อยละ100", "tor", "✓", "ต.ค. 62 - 1.ก\n- 2) ไตรมาสที่ 2"]
    for note in _labelled_notes():
        texts += [prepare(note), clauses.base_text(note)]  # with spaces and line breaks (the clause-break scan)
        texts.append("".join(prepare(note).split()))
        texts += ["".join(c.split()) for c in clauses.split_clauses(clauses.base_text(note))]
    guarded_count = 0
    for source, pattern in zip(sources, compiled, strict=True):
        guarded_count += pattern.pattern != source
        plain = re.compile(source)
        for text in texts:
            assert [m.span() for m in pattern.finditer(text)] == [m.span() for m in plain.finditer(text)], (source[:40], text)
    assert guarded_count >= 13


def test_base_text_left_by_prepare_is_the_one_computed():
    """``prepare`` leaves each note's ``base_text`` behind (the same steps before numbers are
    folded) so the raw note's reading need not normalise it again: it equals ``base_text``
    computed afresh, on every labelled note and on a text whose markup hides a composable pair
    (then NFC, which ``prepare`` does not apply, tells them apart and nothing is left)."""
    from bma_nlp.classify import clauses
    from bma_nlp.classify.features import BASE_TEXTS, prepare

    hidden = "e\u25a1\u0301 ๑๒ จซ. แล้ว"  # a box glyph between a letter and its accent
    notes = _labelled_notes()
    for note in [*notes, hidden]:
        prepare(note)
        left = BASE_TEXTS.get(note)
        BASE_TEXTS.clear()
        fresh = clauses.base_text(note)
        assert left == fresh or (left is None and note == hidden), note
    prepare(hidden)
    assert hidden not in BASE_TEXTS and clauses.base_text(hidden).startswith("\u00e9")


def test_mentions_same_without_the_shortcuts(monkeypatch):
    """The cue prefilter, the clause-break shortcut and the per-clause and per-mention-window
    memos are speed devices: every labelled note reads the same with them switched off."""
    from bma_nlp.classify import clauses
    from bma_nlp.classify.features import prepare

    notes = _labelled_notes()
    monkeypatch.setattr(clauses, "_CLAUSES", {})  # every clause read here, its mentions' statuses through the window memo
    fast = [(clauses._mentions(n, False), clauses._mentions(prepare(n), True)) for n in notes]
    monkeypatch.setattr(clauses, "_PREFILTER", clauses.Prefilter([None] * len(clauses._NEEDS)))
    monkeypatch.setattr(clauses, "_MAY_BREAK", re.compile(""))  # every text through the clause-break scan
    monkeypatch.setattr(clauses, "_ITEM_BREAK", clauses._CLAUSE_BREAK)  # ... with every kind of break
    monkeypatch.setattr(clauses, "_CLAUSES", {})
    monkeypatch.setattr(clauses, "_CLAUSE_CACHE_LIMIT", 0)
    monkeypatch.setattr(clauses, "_STATUSES", {})
    monkeypatch.setattr(clauses, "_STATUS_CACHE_LIMIT", 0)
    monkeypatch.setattr(clauses, "_status", lambda squeezed, start, end, cue, strong: clauses._status_uncached(squeezed, start, end, cue, strong))
    slow = [(clauses._mentions(n, False), clauses._mentions(prepare(n), True)) for n in notes]
    assert fast == slow


def test_arabic_digits_is_the_translation_table():
    """``arabic_digits`` (a scan, then one ``replace`` per digit) rewrites every text as
    ``str.translate`` with the Thai digit table does: the labelled notes, every Thai digit, none."""
    from bma_nlp.text.normalize import arabic_digits

    table = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
    for text in [*_labelled_notes(), "๐๑๒๓๔๕๖๗๘๙", "งบ ๑,๒๐๐.๕๐ บาท 12", "", "abc"]:
        assert arabic_digits(text) == text.translate(table)


def test_cue_scans_in_order_as_the_plain_loop():
    """``matches_in_order`` (the prefilter's bits, blanking only after a match) finds what the
    plain loop finds: every pattern in order, each match found then blanked by ``re.sub``, for
    the cues of ``clauses`` and the groups of ``rules`` on every labelled note's clauses and whole
    prepared text, and on crafted overlaps."""
    from bma_nlp.classify import clauses, rules
    from bma_nlp.classify.clauses import LazyPattern, Prefilter, matches_in_order, required_strings
    from bma_nlp.classify.features import prepare

    def plain(patterns: list[LazyPattern], text: str) -> list[tuple[int, list[tuple[int, int]]]]:
        out = []
        for i, pattern in enumerate(patterns):
            spans = [m.span() for m in re.finditer(pattern.source, text)]
            if spans:
                out.append((i, spans))
            text = re.sub(pattern.source, lambda m: "_" * len(m.group(0)), text)
        return out

    crafted = [LazyPattern(p) for p in (r"abc", r"b", r"(?<!_)c|d", r"a.c", r"x*")]
    needs = Prefilter([required_strings(p.source) for p in crafted])
    for text in ("abcd", "abcabc", "bd", "", "axc", "cbd_c"):
        assert matches_in_order(crafted, needs, text) == plain(crafted, text), text
    texts = []
    for note in _labelled_notes():
        texts.append("".join(prepare(note).split()))
        texts += ["".join(c.split()) for c in clauses.split_clauses(clauses.base_text(note))]
    for module in (clauses, rules):
        patterns = [p for *_, p in module._COMPILED]
        for text in texts:
            assert matches_in_order(patterns, module._PREFILTER, text) == plain(patterns, text), text[:60]


def test_item_breaks_cut_a_text_without_dates_as_all_breaks_do():
    """A text without ไตรมาสที่ and without two digits followed by a dash or a colon is cut by
    ``_ITEM_BREAK`` where ``_CLAUSE_BREAK`` cuts it (a month or a date head ends in two digits, a
    space or not, then - or :; the quarter needs its word): on every labelled note, prepared and
    raw, and on crafted items."""
    from bma_nlp.classify import clauses
    from bma_nlp.classify.features import prepare

    texts = ["1. ก 2) ข - ค\nง • จ", "ต.ค. 0 - ก", "0/0/0 : ก", "ไตรมาส 0 ก", "ก\n\n- ข", "ต.ค. 62 ก 12/10/2562 ข", "ม.ค.62-ก"]
    for note in _labelled_notes():
        texts += [prepare(note), clauses.base_text(note)]
    cut = 0
    for text in texts:
        if "ไตรมาสที่" in text or re.search(r"[0-9]{2}\s?[-:]", text):
            continue
        cut += 1
        assert [m.span() for m in clauses._ITEM_BREAK.finditer(text)] == [m.span() for m in clauses._CLAUSE_BREAK.finditer(text)], text[:60]
    assert cut > 1000


def test_squeeze_removes_what_the_regex_removes():
    """``squeeze`` (``str.split``) removes exactly the characters ``\\s`` matches: every code point,
    and the labelled notes."""
    from bma_nlp.classify.clauses import squeeze

    every = "".join(map(chr, range(0x110000))).replace("\ud800", "")
    every = "".join(ch for ch in every if not 0xD800 <= ord(ch) <= 0xDFFF)
    for text in [every, *_labelled_notes(), "", " \t\n\u00a0\u3000ก ข"]:
        assert squeeze(text) == re.sub(r"\s", "", text)


def test_thai_letters_counts_the_letter_range():
    """``rules.thai_letters`` counts what ``re.findall("[\u0e01-\u0e2e]", text)`` finds: the range's
    ends and neighbours, characters beyond the Basic Multilingual Plane, the labelled notes."""
    from bma_nlp.classify.rules import thai_letters

    for text in ["", "\u0e00\u0e01\u0e2e\u0e2f\u0e30", "\U0001f600ก", "abc", *_labelled_notes()]:
        assert thai_letters(text) == len(re.findall("[\u0e01-\u0e2e]", text)), text[:40]
