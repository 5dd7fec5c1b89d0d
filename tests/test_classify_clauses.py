"""Clause reading: stage mentions, their status, the most advanced stage reached, evidence."""

from __future__ import annotations

import pytest

from bma_nlp.classify.clauses import clause_label, clause_vector, combine, evidence, mentions, split_clauses


def _statuses(note: str) -> list[tuple[str, str]]:
    return [(m.stage, m.status) for m in mentions(note)]


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
