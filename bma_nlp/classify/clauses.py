"""Read a long note item by item: which stage each clause reports, and whether it is reached.

Real progress notes list several steps and quarters (``1.… 2.…``, ``เดือนต.ค. 62-…``,
``30/12/2563 : …``) and mix what was done with what is planned (``คาดว่าจะแล้วเสร็จ``), what
has not happened (``ยังไม่ได้รับอนุมัติ``) and names of projects (``โครงการก่อสร้างถนน…``).
This module finds every *stage mention* (a cue from ``CUES``), decides its *status* from the
words around it inside its clause, and combines them: the note's stage is the most advanced
stage that is reached (done or under way). The learned model gets the same analysis as
features (``clause_matrix``), and ``stage_evidence`` shows the words of the deciding mentions.

Statuses:

- ``done`` / ``underway``: reached (a marker such as แล้ว, เรียบร้อย, อยู่ระหว่าง, ขณะนี้ is
  next to it, or the cue itself says so, e.g. ตรวจรับ, ลงนามสัญญา, ผลงานร้อยละ 45);
- ``bare``: no marker; counts as reached for *strong* cues (a step that is only named when it
  happened: ประกาศผู้ชนะ, ตรวจรับ, เสนอขออนุมัติ); a verb that also names work in general
  (ก่อสร้าง, ปรับปรุง, ดำเนินการ) counts only at the head of an item (``2. ปรับปรุงถนน…``, how
  report forms list what was done), not inside a sentence about something else (a visit, a
  meeting, a headline) — that is what left routine notes tagged;
- ``planned``: an intention or expectation (คาดว่า, จะ, เตรียม, เพื่อ, เมื่อ…แล้วเสร็จ, ภายใน…);
- ``negated``: ยังไม่, ไม่ได้, ไม่มี; a negated approval or allocation means the note is still
  at the approval stage;
- ``name``: part of a project or budget-line name (โครงการก่อสร้าง…, ค่าก่อสร้าง…);
- ``metric``: an amount of money follows (ได้รับงบประมาณ … เป็นเงิน … บาท): a budget
  figure, not a step; or the work is a routine operation (ล้าง, ทำความสะอาด, กำจัดวัชพืช,
  รณรงค์);
- ``document``: the topic of a form, a rule, a guide or a notice heading (แบบฟอร์มการจัดทำคำของบ…,
  แนวทางการเผยแพร่ร่างเอกสารประกวดราคา): not a step taken;
- ``partial``: one installment of several, a count of finished places among more, a progress
  percentage below 100: the work goes on (procurement).

Everything here is a mechanism over wording, written from the labelling rules
(``training_data/GUIDE.md``); no note of a test or evaluation file is quoted.
"""

from __future__ import annotations

import math
import re
import unicodedata
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate
from typing import Any

from bma_nlp.classify.features import _ABBREVIATION, BASE_TEXTS, _expand
from bma_nlp.records import STAGES
from bma_nlp.text.normalize import arabic_digits, normalize

STATUSES = ("done", "underway", "bare", "planned", "negated", "name", "metric", "partial")  # the feature columns; a "document" topic counts as a name
_NOT_A_STEP = ("metric", "document")  # a figure or routine, a document's topic: not even an early approval
REACHED = ("done", "underway")
_RANK = {"approval": 0, "procurement": 1, "completed": 2}
_SPACE = re.compile(r"\s")


def squeeze(text: str) -> str:
    r"""``text`` with every whitespace character removed (``_SPACE.sub("", text)``: ``str.split``
    splits at exactly the characters ``\s`` matches, ``str.isspace``; a third of the time)."""
    return "".join(text.split())

# (name, stage, strong, pattern) — matched in this order on the note with spaces removed; each
# match is blanked so a later, broader cue does not count the same words again.
CUES: list[tuple[str, str, bool, str]] = [
    # an approval inside the purchasing process is a purchasing step (GUIDE A5, P1)
    ("purchase_step", "procurement", True,
     r"(?:ขอ|เสนอ)(?:ขอ)?(?:อนุมัติ|ความเห็นชอบ)(?:การ|ให้)?(?:จัดซื้อ|จัดจ้าง|สั่งซื้อ|ซื้อ|จ้าง|tor|ราคากลาง|ขอบเขต|ผล|ขยาย|แบบ)"
     r"|แต่งตั้ง(?:คณะกรรมการ|กรรมการ)(?:ตรวจรับ|ตรวจการจ้าง)(?:พัสดุ|การจ้าง|งานจ้าง)?"
     r"|(?:แต่งตั้ง)?(?:คณะกรรมการ|กรรมการ|คณะทำงาน)(?:พิจารณาผล|(?:ตรวจรับ)?(?:พัสดุ)(?!เรียบร้อย|แล้ว)|กำหนด(?:ราคา|คุณลักษณะ|tor|ขอบเขต)|จัดซื้อ|จัดจ้าง|ซื้อ|จ้าง|ประกวด|e-?bidding)"
     r"|ประกวดราคา|e-?bidding|e-?market|สอบราคา|เฉพาะเจาะจง|คัดเลือก(?:ผู้|บริษัท)?|ราคากลาง|(?<![a-z])tor(?![a-z])|ขอบเขต(?:ของ)?งาน"
     r"|รายงาน(?:ขอ|การ)?(?:ซื้อ|จ้าง)(?:ขอ(?:ซื้อ|จ้าง))?|ผู้ชนะ(?:การ)?(?:เสนอราคา|ประกวดราคา)?|เสนอราคา|ยื่นซอง|เปิดซอง|ร่างสัญญา|(?:ลงนาม|เซ็น|ทำ)(?:ใน)?สัญญา|ว่าจ้าง|(?<!ผู้รับ)จ้าง(?:ผู้รับเหมา|ผู้รับจ้าง)"
     r"|ได้(?:ตัว)?(?:ผู้รับจ้าง|ผู้รับเหมา|ผู้ขาย|บริษัท)|ประกาศ(?:เชิญชวน|ซื้อ|จ้าง|ผล)|ใบสั่ง(?:ซื้อ|จ้าง)|ขยาย(?:ระยะ)?(?:เวลา)?สัญญา"
     # a bidder's appeal against the result holds the purchase up (not a tax or an order appealed)
     r"|อุทธรณ์(?!การประเมิน|ภาษี|คำสั่ง|คำพิพากษา|คดี)"),
    # approval / allocation / money received (negated: still waiting, GUIDE A2, A4)
    ("approved", "procurement", True,
     r"(?:ได้รับ|ได้)(?:การ)?(?:อนุมัติ|จัดสรร|โอน|ความเห็นชอบ)(?:โครงการ|งบประมาณ|เงิน|หลักการ)?|ได้รับ(?:งบ|เงิน)(?:ประมาณ|ประจำงวด|งวด)?"
     r"|(?:มีมติ|ผ่านมติ|(?<!น)ครม\.?|คณะรัฐมนตรี)(?:มีมติ)?(?:เอกฉันท์)?(?:อนุมัติ|เห็นชอบ|ไฟเขียว)|อนุมัติ(?:โครงการ|งบประมาณ|เงินงวด)?(?:แล้ว|เรียบร้อย)"
     r"|ผ่าน(?:การ)?(?:อนุมัติ|ความเห็นชอบ|งบ)|(?<!ขอ)(?<!เสนอ)(?<!รอ)(?<!พิจารณา)(?:อนุมัติ|เห็นชอบ)(?:ให้ดำเนิน)?โครงการ"
     r"|ตามโครงการที่ได้รับอนุมัติ|ได้รับ(?:การ)?สนับสนุน(?:งบ|เงิน)(?:ประมาณ)?"
     r"|(?<!ขอ)(?<!เสนอ)(?<!รอ)(?<!พิจารณา)อนุมัติ(?=(?:ร่าง)?(?:ข้อ|เทศ)บัญญัติ|(?:การ)?(?:ใช้)?จ่าย(?:ขาด)?เงินสะสม)"),
    # waiting for approval or money (GUIDE A2)
    ("approval_wait", "approval", True,
     r"รอ(?:การ|ผล)?(?:การ)?(?:อนุมัติ|อนุม้ติ|จัดสรร|โอน|พิจารณา|ความเห็นชอบ|ลงนามอนุมัติ)|รอ(?:รับ)?(?:งบ|เงิน)(?:ประมาณ|งวด|ประจำงวด)?"
     r"|อยู่ระหว่าง(?:การ)?(?:พิจารณา|ขออนุมัติ|เสนอขอ|ขอความเห็น)|(?:ขั้นตอน)?(?:การ)?พิจารณาของ"
     # no money for the work yet (ขาดงบประมาณ, ไม่มีงบ)
     r"|(?:ขาด(?:แคลน)?|ไม่มี)(?:งบ|เงิน)(?:ประมาณ)?(?!ประจำ)"),
    # asking for approval of the project or its budget (GUIDE A1)
    ("approval_request", "approval", True,
     r"(?:เสนอ|ยื่น)?ขอ(?:อนุมัติ|ความเห็นชอบ|อนุญาต)(?:โครงการ|หลักการ|ดำเนินโครงการ)?|(?:เสนอ|ขอ)(?:ตั้ง)?งบประมาณ"
     # news voice: ของบ + an amount, a kind of budget or the work asked for (not ของ + บ…: "of the …")
     r"|ขอ(?:รับ)?งบ(?=เพิ่ม|สนับสนุน|ลงทุน|กลาง|อุดหนุน|[0-9]|กว่า|ราว|จาก|ก่อสร้าง|สร้าง|ซ่อม|ปรับปรุง|ทำ)|ชง(?=(?:ที่ประชุม)?(?:ครม|คณะรัฐมนตรี|สภา|ผู้ว่า|บอร์ด|ของบ|ขอ))|ขอ(?:รับ)?(?:การ|ความ)?(?:จัดสรร|สนับสนุน)"
     r"|ขอโอน(?:เปลี่ยนแปลง)?(?:งบ|เงิน)|ขอ(?:เบิก)?เงิน(?:ประจำ)?งวด|เสนอ(?:โครงการ|ครม|คณะรัฐมนตรี|ผู้บริหาร|ผู้ว่า|สภา|ที่ประชุม|แบบ)|คำของบ"
     r"|ส่ง(?:โครงการ|เรื่อง|คำขอ|รายละเอียดโครงการ)(?:ให้|ไปยัง|ไป|ถึง|ต่อ)(?=[^0-9]{0,40}?(?:พิจารณา|อนุมัติ|เห็นชอบ))"
     r"|(?:(?:เข้า|ผ่าน)?ที่ประชุม|เข้า|ผ่าน|(?<!ประชุม))(?<!มติ)(?:(?<!น)ครม|คณะรัฐมนตรี)(?!มีมติ)|ร่าง(?:ข้อ|เทศ)บัญญัติ|พิจารณา(?:ความเห็นชอบ|อนุมัติ)?(?:ร่าง)?(?:(?:ข้อ|เทศ)บัญญัติ|งบประมาณ)"),
    # designing or building a deliverable that is not a construction (a database, an information
    # system, software, a course, media, a questionnaire): the design is part of carrying out the
    # work (GUIDE P3, P5), not a design that prepares a project for approval (A3: buildings, roads)
    ("design_work", "procurement", False,
     r"(?:ออกแบบ|จัดทำ|พัฒนา|สร้าง)(?:และ(?:พัฒนา|จัดทำ|ออกแบบ|สร้าง))?(?:โครงสร้าง)?(?:ระบบ)?(?:ฐานข้อมูล|คลังข้อมูล"
     r"|ระบบ(?:สารสนเทศ|ข้อมูล|งาน|คอมพิวเตอร์|บริหาร|ติดตาม|แจ้ง|ออนไลน์|จัดการ|บริการ|อิเล็กทรอนิกส์|ดิจิทัล|ลงทะเบียน|รายงาน)"
     r"|โปรแกรม|แอปพลิเคชั่?น|แอพพลิเคชั่?น|แอป|แอพ|(?<![a-z])(?:application|app|website|web|platform|dashboard)(?![a-z])|เว็บ|แพลตฟอร์ม|แดชบอร์ด"
     r"|หลักสูตร|สื่อ(?:การ|ประชาสัมพันธ์|ให้ความรู้|อิเล็กทรอนิกส์|วีดิ|วิดี|ออนไลน์)?|แบบสอบถาม|ตราสัญลักษณ์|โลโก้|อินโฟกราฟ|แผนที่(?:ดิจิทัล|ภาษี)"
     # an emergency or preparedness plan is the deliverable of in-house work, not a project's plan
     r"|แผน(?:เตรียมความพร้อม|ป้องกัน(?:และ)?(?:บรรเทา|ระงับ)?|รับมือ|เผชิญเหตุ|อพยพ|ฉุกเฉิน|ปฏิบัติการ(?:ฉุกเฉิน|ป้องกัน)))"),
    # planning, designing and studying before a decision (GUIDE A3)
    ("planning", "approval", False,
     r"จัดทำ(?:รายละเอียด)?(?:โครงการ|แผน|ข้อเสนอ)|เขียนโครงการ|ร่างโครงการ|วางแผน|ศึกษา(?:ความเหมาะสม|ความเป็นไปได้|ออกแบบ|โครงการ|แนวทาง|วิเคราะห์|และออกแบบ|รูปแบบ)|ผลการศึกษา"
     r"|(?:สำรวจ)?ออกแบบ(?:รายละเอียด)?|(?<![a-z])eia(?![a-z])|ผลกระทบ(?:ทาง)?สิ่งแวดล้อม|รับฟังความคิดเห็น|ประมาณราคา|ประชาคม"
     r"|สำรวจความต้องการ|เสนอใหม่|ส่ง(?:โครงการ)?คืน|ปรับปรุงรายละเอียด|กลั่นกรอง"
     r"|การมีส่วนร่วมของประชาชน|ประชุมกลุ่มย่อย|ปัจฉิมนิเทศ|ปฐมนิเทศ|ความคุ้มค่า|marketsounding|ทดสอบความสนใจ|แผนแม่บท"),
    # ceremonies that mark building work begun or going on: laying the foundation stone, raising
    # the first pillar, blessing the start of building, topping out (GUIDE P5: works under way)
    ("ceremony", "procurement", True,
     r"วางศิลาฤกษ์|(?:ยก|ลง|ตั้ง)เสาเอก|บวงสรวง(?:การ|เพื่อ)?(?:ก่อสร้าง|เริ่ม|ตอกเสาเข็ม|เปิดหน้าดิน)|ตอกเสาเข็มต้นแรก|ปิดหลังคา"),
    # opening (launching) a project or an activity (kick-off): its work begins, nothing is
    # finished (GUIDE P5); opening a finished facility stays completed (C3, next cue)
    ("launch", "procurement", True,
     # a project of activities (training, campaigns, fostering), not of works (a power line, a
     # road: "พิธีเปิดโครงการขยายเขตไฟฟ้า" opens finished works)
     r"(?:พิธี|ประธาน(?:ใน)?(?:พิธี)?|ร่วม)?เปิด(?:ตัว|และเข้าร่วม)?(?:\(?kick-?off\)?)?(?:(?:โครงการ|งาน)?(?:กิจกรรม|การ)?"
     r"(?:อบรม|ฝึก|แข่งขัน|รณรงค์|ประชุมเชิง|พัฒนาศักยภาพ|ส่งเสริม|ให้ความรู้|ค่าย|สัปดาห์|มหกรรม)|กิจกรรม)"
     r"|kick-?off"),
    # summing up the results of a survey or an assessment: the survey is finished (GUIDE C1)
    ("summary", "completed", True, r"สรุปผล(?:การ)?(?:สำรวจ|สอบถาม|ประเมิน|การประเมิน)"),
    # final delivery / inspection / acceptance / opening (GUIDE C2, C3)
    ("accepted", "completed", True,
     r"ตรวจรับ(?:งาน|พัสดุ|การจ้าง|โครงการ|มอบ)?|(?:ส่ง|รับ)มอบ(?!หมาย|พื้นที่(?!คืน))(?:งาน|พื้นที่คืน)?|งวดสุดท้าย|เบิกจ่าย(?:เงิน)?ครบ|ปิด(?:โครงการ|บัญชี)"
     r"|ประกันความชำรุด|(?:พิธี|ประธาน)?เปิด(?:ใช้|ให้(?:บริการ|รถ|ประชาชน)|อย่างเป็นทางการ)|พร้อมใช้งาน|พิธี(?:รับมอบและ)?เปิด|เปิด(?:ให้)?บริการ"
     # opening a finished facility (GUIDE C3)
     r"|เปิด(?:ตัว|ใช้)?(?:ศูนย์|อาคาร|สวน|สะพาน|ถนน|โรงพยาบาล|รพ\.|ห้องสมุด|พิพิธภัณฑ์|ตลาด|ลานกีฬา|สนามกีฬา|อุโมงค์|ทางเดิน|ท่าเรือ)"),
    # finished (GUIDE C1); "คาดว่าจะแล้วเสร็จ" is planned (C4)
    ("finished", "completed", True,
     r"แล้วเสร็จ|เสร็จ(?:สิ้น|เรียบร้อย|สมบูรณ์)?(?:แล้ว)?|เป็นที่เรียบร้อย|(?<!ระเบียบ)(?<!ความ)เรียบร้อย(?:แล้ว)?|บรรลุเป้าหมาย"
     r"|ครบ(?:จำนวน|ตาม)?[0-9,]*(?:ทุก|ถ้วน|แล้ว|รุ่น|จุด|แห่ง|งวด|ครั้ง|ระยะทาง|สาย|หลัง|ชุด|เป้าหมาย)|ร้อยละ100(?![0-9.])|(?<![0-9.])100(?:\.0+)?%"),
    # progress figures: below 100 the work goes on (GUIDE P3)
    ("progress", "procurement", True,
     r"(?:ความก้าวหน้า|ความคืบหน้า|คืบหน้า|ผลงาน|ผลการดำเนิน(?:งาน|การ)|(?<!โครง)(?:ก่อ)?สร้าง|ดำเนินการ|งาน[\u0e00-\u0e7f]{0,12}?ทำ(?=ได้|ไป))(?:ของงาน|ของโครงการ|โครงการ)?ฯ?"
     r"(?:รวม|สะสม|ที่ทำได้|ไป|ได้|ตามสัญญา|ตามแผน)*(?:แล้ว)?(?:ประมาณ|กว่า|มากกว่า|คิดเป็น|ราว|:|=)*"
     r"(?:ร้อยละ[0-9]+(?:\.[0-9]+)?|[0-9]+(?:[.,][0-9]+)?(?:%|เปอร์เซ็?นต์)|(?<==)[0-9]+(?:\.[0-9]+)?)"
     # the progress word, what progresses (a work, a place), then its share: "ความก้าวหน้าการก่อสร้างงานโยธา ร้อยละ 58"
     r"|(?:ความก้าวหน้า|ความคืบหน้า)(?:(?!เบิกจ่าย|งบ|เงิน|ภาษี|รายได้|ร้อยละ)[^0-9%]){1,90}?(?:คิดเป็น)?(?:ร้อยละ[0-9]+(?:\.[0-9]+)?|[0-9]+(?:\.[0-9]+)?(?:%|เปอร์เซ็?นต์))"),
    # works said to advance, without a figure (GUIDE P3): not the noun of a heading (ความคืบหน้า)
    ("advancing", "procurement", True,
     r"(?<!ความ)(?<!รายงาน)(?<!ติดตาม)คืบหน้า(?:ไป)?(?:มาก|อย่างต่อเนื่อง|ต่อเนื่อง|ตามแผน|ตามเป้า|ด้วยดี|เรื่อย|แล้ว|กว่า|เกือบ|ราว|ประมาณ|ไม่ต่ำกว่า)"),
    # an official following the progress of works: the works are under way (GUIDE P5)
    ("follow_up", "procurement", True, r"ติดตาม(?:ความ)?(?:คืบหน้า|ก้าวหน้า)(?:การ|ของ)?(?:ก่อสร้าง|ปรับปรุง|ซ่อม|งาน|โครงการก่อสร้าง)"),
    # a cumulative count of work done (in-house work under way)
    ("cumulative", "procurement", False, r"(?:แล้ว)?สะสม(?:จำนวน)?[0-9]"),
    # work under a contract (GUIDE P3)
    ("under_contract", "procurement", True, r"(?:ดำเนินการ|ปฏิบัติ(?:งาน)?|ก่อสร้าง)ตามสัญญา|เข้า(?:ดำเนินการ|ทำงาน|พื้นที่)|(?:ส่ง|รับ)มอบพื้นที่(?!คืน)"),
    # a delivery found wanting: the work goes on (GUIDE P6)
    ("defect", "procurement", True,
     r"ข้อบกพร่อง|ให้(?:ผู้รับจ้าง|ผู้ขาย|บริษัท)?แก้ไข(?!ปัญหา)|ไม่ผ่านการตรวจรับ|ส่งคืนให้แก้ไข"
     r"|ไม่ตรง(?:ตาม)?(?:คุณลักษณะ|สเปค|สเป็ค|ข้อกำหนด|รายละเอียด(?:ตาม)?สัญญา)|ให้(?:ผู้รับจ้าง|ผู้ขาย|บริษัท)(?:นำ(?:ไป|มา)?)?เปลี่ยน"),
    # k done of a target of n (GUIDE P4)
    ("k_of_n", "procurement", True, r"[0-9][0-9,]*(?:ราย|คน|จุด|แห่ง|ชุมชน|กิจกรรม|รุ่น|ครั้ง|สวน|โครงการ|หลัง|กม\\.?)?จาก(?:เป้าหมาย|ทั้งหมด)?[0-9]"),
    # the contract and its trouble (GUIDE P6): a contractor's fine, waived or not (งดค่าปรับ is
    # contract relief, not a negated step); not ค่าปรับปรุง (a renovation cost) nor a fine on the
    # public (ค่าปรับทิ้งขยะ, ผู้ฝ่าฝืนจ่ายค่าปรับ, โทษปรับ): an offence, no contract (GUIDE N2)
    ("contract", "procurement", False,
     r"ตามสัญญา|ผู้รับจ้าง|ผู้รับเหมา|ผู้ขาย|ที่ปรึกษา|สัญญา|ทิ้งงาน"
     r"|(?:(?:ขอ)?(?:ขยายเวลา)?(?:งด|ลด)(?:หรือ(?:งด|ลด))?)?(?<!ฝ่าฝืน)(?<!ฝ่าฝืนจ่าย)(?<!ผู้กระทำผิดจ่าย)(?<!เสีย)(?<!โทษ)ค่าปรับ(?!ปรุง|ทิ้ง|ผู้ฝ่าฝืน|ผู้กระทำ|จราจร|จอด|การจอด|กรณี(?:ทิ้ง|จอด|ฝ่าฝืน))"),
    # buying in general (also in names: โครงการจัดซื้อ…)
    ("purchasing", "procurement", False, r"จัดซื้อ|จัดจ้าง|จัดหา|สั่งซื้อ"),
    # the work itself (GUIDE P5)
    ("works", "procurement", False,
     r"ก่อสร้าง|ติดตั้ง|ซ่อม(?:แซม|สร้าง|บำรุง)?|ปรับปรุง|ขุดลอก|รื้อ(?:ถอน|ย้าย)?|วางท่อ|เท(?:คอนกรีต|ยาง|ปูน|แอสฟัลต์|แอสฟัลท์)|ปูผิว|ลาดยาง"
     r"|ดำเนินการ(?:ตาม)?(?:โครงการ|กิจกรรม|แผน|งาน)?|ดำเนินโครงการ|จัด(?:อบรม|กิจกรรม|งาน|ประชุมเชิง)|อบรม|พัฒนาระบบ|ทดสอบระบบ"
     r"|(?:จัด)?เก็บข้อมูล|รวบรวมข้อมูล|สำรวจข้อมูล|แบบสอบถาม|รณรงค์|ปรับ(?:ภูมิทัศน์|หน้าดิน|พื้นที่|ผิว)|ปู(?:ผิว|สนาม|หญ้า|กระเบื้อง|บล็อก)|ทาสี"
     # building, said plainly (สร้าง, จัดสร้าง) right after a marker of work going on or done; not สร้างความ…/สร้างสรรค์
     r"|(?:(?<=ระหว่าง)|(?<=กำลัง)|(?<=เริ่ม)|(?<=ได้)|(?<=แล้ว)|(?<=โครงการ))(?:จัด)?สร้าง(?!ความ|การ|สรรค์|เสริม|ขวัญ|จิต|ภาพ|เครือข่าย|แรง)"),
    # the activities a project is carried out by (publicity, teaching, field visits, screening,
    # enrolling): on their own routine (GUIDE N2); listed after the project was put forward for
    # approval they report the approved project under way (GUIDE combination rule): ``combine``
    # counts them only there
    ("activity", "procurement", False,
     r"ประชาสัมพันธ์|ให้ความรู้|ลงพื้นที่|ประสาน(?:งาน)?(?:วิทยากร|หน่วยงาน|ผู้|กับ)|จัดประชุม|ประชุมชี้แจง|ตรวจ(?:สุขภาพ|คัดกรอง|ประเมิน)|คัดกรอง|ฝึกอบรม|รับสมัคร"
     r"|คัดเลือกกลุ่ม|จัดหาวิทยากร|ฝึกปฏิบัติ|สาธิต|เยี่ยมบ้าน|ติดตามผล|ประเมินผล|ส่งต่อ|แจกจ่าย|มอบ(?!หมาย)"),
]  # fmt: skip


def _sre() -> tuple[Any, Any]:
    """Python's regular-expression parser and its constants (renamed in Python 3.11)."""
    try:
        from re import _constants as sc  # type: ignore[attr-defined]
        from re import _parser as sp  # type: ignore[attr-defined]
    except ImportError:  # Python 3.10
        import sre_constants as sc  # type: ignore[no-redef]
        import sre_parse as sp  # type: ignore[no-redef]
    return sc, sp


@lru_cache(maxsize=256)
def _parsed(pattern: str) -> Any:
    """``pattern`` parsed by Python's regular-expression parser, once: ``required_strings``,
    ``first_characters`` and ``guarded`` each read the same patterns at import, and parsing them
    three times over was most of what importing the stage model's rules cost (read only)."""
    return _sre()[1].parse(pattern)


def required_strings(pattern: str) -> tuple[str, ...] | None:
    """Strings one of which every match of ``pattern`` contains (None: no such set known).

    Read from the parsed expression: a run of literal characters, a small character class, a
    repeat of at least once, alternatives (one requirement per branch); lookarounds and anchors
    match no characters and add none. A cue whose strings are all absent from a clause cannot
    match it (nor its blanked copy: blanking only turns characters into ``_``, and a string
    holding ``_`` is never required), so ``_mentions`` and ``rules.cue_hits`` skip its search.
    A speed device: the same matches."""
    sc = _sre()[0]

    def best(options: list[tuple[str, ...]]) -> tuple[str, ...] | None:
        # the most selective: longest shortest string, then fewest strings
        return max(options, key=lambda o: (min(map(len, o)), -len(o)), default=None)

    def node(op: object, av: Any) -> tuple[str, ...] | None:
        if op is sc.LITERAL:
            return (chr(av),)
        if op is sc.IN:
            chars: list[str] = []
            for kind, value in av:
                if kind is sc.LITERAL:
                    chars.append(chr(value))
                elif kind is sc.RANGE and value[1] - value[0] < 32:
                    chars.extend(chr(c) for c in range(value[0], value[1] + 1))
                else:
                    return None  # a negated or wide class
            return tuple(chars)
        if op is sc.SUBPATTERN:
            return seq(av[-1])
        if op is sc.BRANCH:
            out: list[str] = []
            for branch in av[1]:
                need = seq(branch)
                if need is None:
                    return None
                out.extend(need)
            return tuple(dict.fromkeys(out))
        if op in (sc.MAX_REPEAT, sc.MIN_REPEAT):
            low, _high, item = av
            return seq(item) if low >= 1 else None
        return None  # lookarounds, anchors and anything else: no requirement

    def seq(items: Any) -> tuple[str, ...] | None:
        options: list[tuple[str, ...]] = []
        run = ""
        for op, av in items:
            if op is sc.LITERAL:
                run += chr(av)
                continue
            if run:
                options.append((run,))
                run = ""
            need = node(op, av)
            if need is not None:
                options.append(need)
        if run:
            options.append((run,))
        return best(options)

    parsed = _parsed(pattern)
    if parsed.state.flags & (sc.SRE_FLAG_IGNORECASE | sc.SRE_FLAG_VERBOSE):
        return None  # literals would not be read as written
    need = seq(parsed)
    return None if need is None or any("_" in n or not n for n in need) else need


def first_characters(pattern: str) -> frozenset[str] | None:
    """The characters that can stand where a match of ``pattern`` starts (None: not known, or
    a match may need no character there, e.g. at the end of the text). Read from the parsed
    expression like ``required_strings``: a lookbehind, negative lookahead or anchor needs no
    character, so the first one comes from what follows it; a lookahead needs its own first
    characters there; an optional item adds its first characters and lets the next item's
    count too."""
    sc = _sre()[0]
    small = 64  # a class wider than this (or negated, or a category) gives up

    def node(op: object, av: Any) -> tuple[set[str], bool] | None:  # (first characters, may be empty)
        if op is sc.LITERAL:
            return {chr(av)}, False
        if op is sc.IN:
            chars: set[str] = set()
            for kind, value in av:
                if kind is sc.LITERAL:
                    chars.add(chr(value))
                elif kind is sc.RANGE and value[1] - value[0] < small:
                    chars.update(chr(c) for c in range(value[0], value[1] + 1))
                else:
                    return None
            return chars, False
        if op is sc.SUBPATTERN:
            return seq(av[-1])
        if op is sc.BRANCH:
            out: set[str] = set()
            empty = False
            for branch in av[1]:
                got = seq(branch)
                if got is None:
                    return None
                out |= got[0]
                empty = empty or got[1]
            return out, empty
        if op in (sc.MAX_REPEAT, sc.MIN_REPEAT):
            low, _high, item = av
            got = seq(item)
            return None if got is None else (got[0], got[1] or low == 0)
        if op is sc.ASSERT and av[0] == 1:  # a lookahead: what it needs is at the match's start
            got = seq(av[1])
            return (set(), True) if got is None or got[1] else (got[0], False)
        if op in (sc.ASSERT, sc.ASSERT_NOT, sc.AT):
            return set(), True  # a lookbehind, a negative lookahead, an anchor: no character needed
        return None  # any character, a back reference, ...

    def seq(items: Any) -> tuple[set[str], bool] | None:
        out: set[str] = set()
        for op, av in items:
            got = node(op, av)
            if got is None:
                return None
            out |= got[0]
            if not got[1]:
                return out, False
        return out, True

    parsed = _parsed(pattern)
    if parsed.state.flags & (sc.SRE_FLAG_IGNORECASE | sc.SRE_FLAG_VERBOSE | sc.SRE_FLAG_DOTALL):
        return None
    got = seq(parsed)
    return None if got is None or got[1] or not got[0] else frozenset(got[0])


def guarded(pattern: str) -> re.Pattern[str]:
    """``pattern`` compiled to find the same matches faster: led by a lookahead for its first
    characters (``first_characters``) when the regular-expression engine has no prefix of its
    own to search for. The engine then tries the whole expression (dozens of alternatives, some
    led by lookbehinds) only where a match can start; elsewhere one character-class test fails.
    The same matches: a match must start with one of those characters, and a lookahead
    consumes nothing. A speed device; a pattern led by a literal or a class is left as is (the
    engine already skips to where that occurs)."""
    sc = _sre()[0]
    items = list(_parsed(pattern))
    while items and items[0][0] is sc.SUBPATTERN:
        items = list(items[0][1][-1])
    if items and (items[0][0] in (sc.LITERAL, sc.IN) or (
        items[0][0] is sc.BRANCH and all(branch and branch[0][0] is sc.LITERAL for branch in items[0][1][1])
    )):  # fmt: skip
        return re.compile(pattern)
    chars = first_characters(pattern)
    if chars is None:
        return re.compile(pattern)
    return re.compile(f"(?=[{''.join(re.escape(c) for c in sorted(chars))}])(?:{pattern})")


class LazyPattern:
    """``guarded(pattern)``, compiled when first used. A speed device for start-up: the cue
    lists hold dozens of long patterns, and a process that classifies a few notes (``bma-nlp
    classify``, ``parse`` of one report) searches only those ``Prefilter`` finds possible; a
    long run compiles them all, once each, as before."""

    __slots__ = ("_compiled", "source")

    def __init__(self, source: str) -> None:
        self.source = source
        self._compiled: re.Pattern[str] | None = None

    def compiled(self) -> re.Pattern[str]:
        if self._compiled is None:
            self._compiled = guarded(self.source)
        return self._compiled

    @property
    def pattern(self) -> str:
        """The expression as compiled (with its guard, if any)."""
        return self.compiled().pattern

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        return self.compiled().finditer(text)

    def sub(self, repl: Callable[[re.Match[str]], str], text: str) -> str:
        return self.compiled().sub(repl, text)


class Prefilter:
    """Which of several patterns can match a text, by ``required_strings`` and one scan.

    ``possible(text)`` is, for each pattern, whether one of its required strings is in
    ``text`` (True for a pattern without any): the test ``any(map(text.__contains__, needs))``
    per pattern, answered by one regular-expression scan instead. The scan is a trie of all
    the required strings inside a lookahead, so at each position it reports the longest one
    starting there; every other required string starting there is a prefix of it, so the
    strings present are the prefixes (among the required strings) of the ones reported."""

    def __init__(self, needs: Sequence[tuple[str, ...] | None]) -> None:
        self._needs = [None if n is None else frozenset(n) for n in needs]
        strings = sorted({x for n in needs if n is not None for x in n})
        self._prefixes = {x: frozenset(y for y in strings if x.startswith(y)) for x in strings}
        self._scan = guarded(f"(?=({_trie_pattern(strings)}))") if strings else None
        # per string the scan reports, the patterns one of its prefixes (among the required
        # strings) is required by, as bits: a pattern is possible when a reported string sets its bit
        self._bits = {
            x: sum(1 << i for i, need in enumerate(self._needs) if need is not None and not need.isdisjoint(present))
            for x, present in self._prefixes.items()
        }
        self._always = sum(1 << i for i, need in enumerate(self._needs) if need is None)

    def possible(self, text: str) -> list[bool]:
        mask = self.mask(text)
        return [mask >> i & 1 == 1 for i in range(len(self._needs))]

    def mask(self, text: str) -> int:
        """``possible(text)`` as bits: bit ``i`` set when pattern ``i`` can match."""
        if self._scan is None:
            return (1 << len(self._needs)) - 1
        bits, mask = self._bits, self._always
        for found in set(self._scan.findall(text)):
            mask |= bits[found]
        return mask


def matches_in_order(patterns: Sequence[LazyPattern], prefilter: Prefilter, text: str) -> list[tuple[int, list[tuple[int, int]]]]:
    """``(index, spans)`` of each pattern that matches ``text``, in the patterns' order, each
    searched in ``text`` with the matches of the patterns before it blanked (turned into
    ``_``), so a later, broader pattern does not count the same words again; a pattern
    ``prefilter`` rules out is not searched. (The cue reading of ``_read_clause_uncached`` and
    the cue groups of ``rules.cue_hits``.)"""
    mask = prefilter.mask(text)
    out: list[tuple[int, list[tuple[int, int]]]] = []
    work = text
    while mask:  # the patterns that can match, in order (the others lack every string a match needs)
        low = mask & -mask
        mask ^= low
        i = low.bit_length() - 1
        pattern = patterns[i]
        spans = [m.span() for m in (pattern._compiled or pattern.compiled()).finditer(work)]
        if len(spans) == 1:  # most patterns match once: one slice each side
            out.append((i, spans))
            a, b = spans[0]
            work = work[:a] + "_" * (b - a) + work[b:]
        elif spans:
            out.append((i, spans))
            pieces, last = [], 0
            for a, b in spans:
                pieces += [work[last:a], "_" * (b - a)]
                last = b
            work = "".join(pieces) + work[last:]
    return out


def _trie_pattern(strings: Iterable[str]) -> str:
    """A regular expression matching exactly ``strings``, the longest first at a position
    (a trie: a string that is a prefix of longer ones ends in an optional, greedy group)."""
    trie: dict[str, Any] = {}
    for x in strings:
        node = trie
        for ch in x:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: dict[str, Any]) -> str:
        branches = [re.escape(ch) + emit(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if "" in node:  # a string ends here: what follows is optional (greedy: longest first)
            return (f"(?:{body})" if len(branches) == 1 else body) + "?"
        return body

    return emit(trie)


_COMPILED = [(name, stage, strong, LazyPattern(pattern)) for name, stage, strong, pattern in CUES]
_PATTERNS = [pattern for *_, pattern in _COMPILED]
_NEEDS = [required_strings(pattern) for *_, pattern in CUES]
_PREFILTER = Prefilter(_NEEDS)
CUE_NAMES = [name for name, *_ in CUES]

# status markers, searched in the words just before a mention (nearest one wins)
_MARKERS: list[tuple[str, re.Pattern[str]]] = [
    ("negated", guarded(r"ยังไม่(?:ได้|มี|มีการ)?|ไม่ได้(?:รับ)?|ไม่มี(?:การ)?|ไม่สามารถ|มิได้|ไม่ผ่าน|ไม่(?:เข้า)?$|ยกเลิก(?:การ)?(?:ประกาศ)?"
        # called off, suspended, stopped (GUIDE N4); not เลื่อน (a delivery put back goes on, P6)
        r"|งด(?:การ)?$|ระงับ(?:การ)?$|(?<!ไม่)หยุด(?:การ)?$|บอกเลิก(?:การ)?$")),
    ("planned", guarded(
        r"คาด(?:ว่า|การณ์)?|จะ|เล็ง|จ่อ|(?<![กคตทบปพด])รอ(?!ง(?!บ|าน)|บ|ย|ด)|ก่อน(?!หน้า)|เตรียม(?!พื้นที่|หน้าดิน|สถานที่ก่อสร้าง)(?:การ|ความพร้อม)?|มีแผน|แผนการ|(?<!ตาม)แผน$|มีกำหนด|กำหนด(?:การ)?|ตั้งเป้า|เพื่อ|หาก|ถ้า"
        r"|เมื่อ(?!วัน|[0-9]|ต้น|ปลาย|เดือน|ปี|ช่วง|คราว)|(?<!ได้)ให้(?!ทราบ)|ภายใน(?=[0-9]|วัน|เดือน|ปี|สัปดาห์|ต้น|กลาง|สิ้น|ไตรมาส|กำหนด)|ต้อง|ควร|ขอให้|เร่งรัด|กำชับ|สั่งการ|มุ่ง"
        # a duration (ใช้เวลาก่อสร้าง 3 ปี, ระยะเวลาดำเนินการ 120 วัน) is a specification, not a step
        r"|(?:ใช้เวลา(?:ใน)?(?:การ)?|ระยะเวลา(?:ใน)?การ)$"
        # money or means for a work (งบประมาณในการดำเนินการ, สำหรับการก่อสร้าง): its purpose, not a step
        r"|(?:งบ|เงิน)(?:ประมาณ)?(?:ใน|สำหรับ)(?:การ)?$")),
    ("underway", guarded(
        r"อยู่ระหว่าง|อยู่ในระหว่าง|อยู่ใน(?:ขั้นตอน|กระบวนการ)|กำลัง|ขณะนี้|ปัจจุบัน|ระหว่าง|เร่ง|ยังคง|ทยอย|ต่อเนื่อง"
        # work that has started (not "will start", "due to start")
        r"|(?<!จะ)(?<!กำหนด)(?<!แผน)(?<!เพื่อ)(?<!ให้)(?<!ยัง)(?<!ไม่)(?<!สามารถ)เริ่ม(?:ต้น|ดำเนินการ|ดำเนิน)?(?:การ|โครงการ|งาน)?"
        # an official following, inspecting or on site of the works: they are under way (GUIDE P5)
        r"|ติดตาม(?:ความ)?(?:คืบหน้า|ก้าวหน้า)?(?:การ|งาน|ของ)?|ตรวจ(?:ติดตาม|เยี่ยม)?(?:ความคืบหน้า)?(?:การ|งาน|โครงการ)?|ลงพื้นที่|ดูการ"
        r"|เยี่ยมชม(?:ความคืบหน้า)?(?:ไซต์|หน้า)?(?:งาน)?(?:การ)?|(?:ไซต์|หน้า)งาน(?:การ)?")),
    ("done", guarded(r"แล้ว|เรียบร้อย|ได้(?:ทำการ)?|เสร็จ|ทำการ(?!ปกครอง|ไปรษณีย์|เขต|อำเภอ|แทน|ชั่วคราว|องค์|บริหาร)")),  # not ที่ทำการ… (an office), ทำการแทน (acting)
    ("name", guarded(r"(?:โครงการ|แผนงาน|งาน|ค่า|สิ่ง|ชื่อเรื่อง:?|งบ)$")),
]
_FIELD_PURPOSE = re.compile(r"(?:ลง|ออก)พื้นที่(?:ร่วมกัน)?เพื่อ(?:ดำเนินการ)?$")
_INSPECT_NAME = re.compile(r"(?:ติดตาม|ตรวจ(?!สอบ)(?:เยี่ยม)?|ดู|เยี่ยมชม)(?:ความ)?(?:คืบหน้า|ก้าวหน้า)?(?:ไซต์|หน้า)?(?:การ|งาน|ของ)?(?:(?:ดำเนิน(?:การ|งาน))?(?:โครงการ|งาน)|ดำเนิน(?:การ|งาน))$")
_AFTER_COUNT_OF = re.compile(r"^(?:จำนวน)?[0-9][0-9,]*(?:โครงการ|รายการ|สัญญา|ครั้ง|ราย)(?!ละ)")
_STARTED_NAME = re.compile(r"(?<!จะ)(?<!กำหนด)(?<!ยัง)(?<!ไม่)เริ่ม(?:ต้น)?(?:ดำเนิน(?:การ)?)?(?:โครงการ|งาน)$")
_AFTER_PLANNED = re.compile(r"^(?:ต่อไป|ในอนาคต|ภายใน|ให้ทัน|ให้ได้|ได้ภายใน|(?:ได้)?(?:ใน|ช่วง)?(?:ปี|เดือน)[0-9ก-ฮ]|ใน[0-9])")
_AFTER_NEGATED = re.compile(r"^(?:งาน|การ)?(?:ไม่ผ่าน|ไม่ได้|ไม่ทัน|ไม่เสร็จ)")
_AFTER_PENDING = re.compile(r"^(?:แล้ว)?(?:รอ|เหลือ|ยังเหลือ|คงเหลือ|ส่วนที่เหลือ)")
_ROUTINE_AFTER = re.compile(
    r"^.{0,10}?(?:ล้าง|ทำความสะอาด|เก็บ(?:กวาด|ขยะ)|กำจัดวัชพืช|ตัด(?:แต่ง)?(?:กิ่ง|หญ้า|ต้นไม้)|ลอกท่อ|ดูดลอก|ฉีดล้าง|ฉีดพ่น"
    r"|รณรงค์|ประชาสัมพันธ์|ตรวจตรา|กวดขัน|จัดระเบียบ|ดูแลความ)"
)
_CAMPAIGN = re.compile(r"รณรงค์|ประชาสัมพันธ์")  # a routine operation that is a campaign (counted: routine; carried out now: work)
_COUNTED_LATER = re.compile(r"[0-9][0-9,.]*(?:ครั้ง|ราย|คน|แห่ง|ชุมชน|กก|กิโลกรัม|ตัน|ครัวเรือน|จุด|ชิ้น|แผ่น|ฉบับ|ดวง|ตัว|ลิตร)")
_BUDGET_LAW_AFTER = re.compile(r"^.{0,6}?(?:ร่าง(?:ข้อ|เทศ)?บัญญัติ|(?:ข้อ|เทศ)บัญญัติ|งบประมาณรายจ่าย|โอน(?:งบ|เงิน)|งบเพิ่มเติม|(?:การ)?(?:ใช้)?จ่าย(?:ขาด)?เงินสะสม)")
_PLANNED_THEN_DONE = re.compile(r"(?:คาดว่า|จะ|เพื่อ|ให้|เมื่อ|หาก|ถ้า)(?:แล้ว)?(?:เสร็จ|เรียบร้อย|ทำการ)$")
_AFTER_THEN_WILL = re.compile(r"^แล้ว(?:จึง|ก็)?จะ")
_AFTER_DONE = re.compile(r"^(?:แล้ว|เรียบร้อย|เสร็จ|ไปแล้ว)")
_AFTER_DONE_NOT_FINISH = re.compile(r"^(?:ไป)?แล้ว(?!เสร็จ)|^เรียบร้อย")
_AFTER_OBJECT_DONE = re.compile(r"^[^0-9_]{1,15}?(?<!ยัง)(?<!ไม่)(?:แล้ว(?!เสร็จ)|เรียบร้อยแล้ว)")
_AMOUNT_THEN_DONE = re.compile(r"^.{0,40}?[0-9][0-9,.]*(?:-)?(?:พัน|หมื่น|แสน|ล้าน)*บาท(?:ถ้วน)?(?:\.-)?(?:แล้ว|เรียบร้อย)")
_WORK_PERCENT_AFTER = re.compile(r"^[^ร]{0,30}?(?:คิดเป็น|ได้|แล้ว)ร้อยละ([0-9]+(?:\.[0-9]+)?)")
_PERCENT_AFTER = re.compile(r"^.{0,12}?(?:คิดเป็น)?ร้อยละ([0-9]+(?:\.[0-9]+)?)")
_AFTER_AMOUNT = re.compile(r"^.{0,25}?(?:เป็นเงิน|รวมเป็นเงิน|จำนวนเงิน|วงเงิน|[0-9][0-9,.]*(?:พัน|หมื่น|แสน|ล้าน)*บาท|หลังปรับโอน|ในภาพรวม|รายจ่ายประจำปี)")
_INSTALLMENT = re.compile(r"(?:งวด|รุ่น|ฉบับ|ระยะ)(?:ที่)?([0-9]+)(?:(?:จาก|/|ใน)(?:ทั้งหมด)?([0-9]+)(?:งวด|รุ่น)?)?")
_COUNT_AFTER = re.compile(r"^(?:จำนวน)?[0-9][0-9,]*(?:แห่ง|จุด|รายการ|สาย|ตัว|คน|หลัง|กล้อง|ดวง|ชุมชน|โครงการ|รุ่น|ครั้ง)")
_NUMBER = re.compile(r"[0-9]+(?:\.[0-9]+)?")
_AFTER_COUNTED = re.compile(r"^[^0-9_]{0,15}?[0-9][0-9,]*(?![0-9,.]*%)(?!ร้อยละ)")  # the object, then a count
# the words that name a document, a form, a rule or a guide (both readings below)
_DOCUMENT_WORDS = "แบบฟอร์ม|แนวทาง|หลักเกณฑ์|คู่มือ|ตัวอย่าง|หนังสือเวียน"
# a stage word as the topic of a document, a form, a rule or a guide, not a step taken (GUIDE N3)
_DOCUMENT_BEFORE = re.compile(rf"(?:{_DOCUMENT_WORDS}|ระเบียบ|ประกาศ/เอกสาร|(?<!เจ้า)หน้าที่(?:รับผิดชอบ)?)(?:การ|ว่าด้วย|ใน|ของ)?[^0-9/]{{0,22}}$")
# a clause that opens with a rule, a guideline, a procedure, a form or a law names what the
# document is about: its purchasing words are its topic, not a step taken (GUIDE N3)
_DOCUMENT_HEAD = re.compile(rf"(?:km)?(?:{_DOCUMENT_WORDS}|แนวปฏิบัติ|เกณฑ์|ขั้นตอน|กฎกระทรวง|พระราชบัญญัติ|พ\.?ร\.?บ\.|ระเบียบ(?!วาระ)|แบบประกาศ)")
# a request whose object follows: the work asked for is not reached (GUIDE A1)
_REQUEST_BEFORE = re.compile(
    r"(?:ขอ(?:อนุมัติ|อนุญาต|ความเห็นชอบ)|เสนอแบบ|เสนอโครงการ)(?:การ|ให้|ใช้พื้นที่|เพื่อ)?(?:(?!แล้ว|เรียบร้อย|ได้|เสร็จ)[^0-9]){0,8}$"
    r"|ขอ(?:รับ)?งบ(?:ประมาณ)?(?:เพิ่ม)?(?:กว่า|ราว)?[0-9,.]*(?:ล้าน|พัน|หมื่น|แสน)?(?:บาท)?(?:เพื่อ|ใน|สำหรับ)?(?:การ)?$"  # ของบ 20 ล้าน ซ่อม…: the money asked for the work
)  # the body asked may come between
_AFTER_QUANTITY = re.compile(r"^.{0,30}?(?:ได้|แล้ว|สะสม)(?:จำนวน)?[0-9][0-9,.]*(?:กก|กิโลกรัม|ตัน|ราย|คน|ครั้ง|ลิตร|บาท|ครัวเรือน|โดส|ดวง|ตัว|กล้อง)")
_WINDOW = 28  # characters (spaces removed) looked at before a mention for its status

# clause boundaries in the spaced text: line breaks, numbered items, bullets, month or date heads
_ITEM_BREAKS = r"\n|(?:(?<=\s)|^)(?:[0-9]{1,2}[.)](?![0-9])|[-•*–]\s?)"
_CLAUSE_BREAK = guarded(
    _ITEM_BREAKS
    # a month or a date: each needs two digits in a row; a quarter needs its word
    + r"|(?=(?:เดือน)?(?:ต\.?ค|พ\.?ย|ธ\.?ค|ม\.?ค|ก\.?พ|มี\.?ค|เม\.?ย|พ\.?ค|มิ\.?ย|ก\.?ค|ส\.?ค|ก\.?ย)\.?\s?[0-9]{2}\s?[-:])"
    r"|(?<![0-9])(?=[0-9]{1,2}/[0-9]{1,2}/[0-9]{2,4}\s?:)|(?=ไตรมาสที่\s?[0-9])"
)
# ``_CLAUSE_BREAK`` for a text without ไตรมาสที่ and without two digits followed by a dash or a
# colon (every prepared note whose numbers are all folded to 0, most raw notes: a date or a year
# alone is not a head): the other alternatives cannot match anywhere in it (a month or a date head
# ends in two digits, then perhaps a space, then - or :), and leaving them out finds the same
# breaks, without trying the month names at every Thai letter
_ITEM_BREAK = guarded(_ITEM_BREAKS)
_DATED_HEAD = re.compile(r"[0-9]{2}\s?[-:]")


@dataclass(frozen=True)
class Mention:
    """One stage cue in a note: its kind, the stage it reports, its status and its words."""

    cue: str
    stage: str  # the stage this mention stands for, after its status (a negated approval -> approval)
    status: str
    words: str
    clause: int
    position: int

    @property
    def reached(self) -> bool:
        return self.status in REACHED

    def to_dict(self) -> dict[str, object]:
        return {"words": self.words, "stage": self.stage, "status": self.status, "cue": self.cue}


def base_text(text: str) -> str:
    """The note normalised for reading (NFC, OCR markup out, Thai digits, shorthand expanded,
    lower case) but with its numbers kept: evidence is shown in these words."""
    known = BASE_TEXTS.get(text)
    if known is not None:
        return known
    text = arabic_digits(unicodedata.normalize("NFC", normalize(text)))
    return _ABBREVIATION.sub(_expand, text).lower()


# an audit of purchasing just before a purchasing word: oversight, not a step (GUIDE N2)
_AUDIT_BEFORE = re.compile(r"ตรวจสอบ(?:การ)?(?:จัดซื้อ|จัดหา)?$")
# every clause break holds a line break, an ASCII digit or a bullet: a text without any is one clause
_MAY_BREAK = re.compile(r"[\n0-9\-•*–]")


def split_clauses(text: str) -> list[str]:
    """The items of a note (``text`` already through ``base_text`` or ``prepare``)."""
    if not _MAY_BREAK.search(text):
        return [text.strip()] if text.strip() else []
    parts, start = [], 0
    breaks = _CLAUSE_BREAK if "ไตรมาสที่" in text or _DATED_HEAD.search(text) else _ITEM_BREAK
    for m in breaks.finditer(text):
        if m.start() > start:
            parts.append(text[start : m.start()])
        start = m.end() if m.group(0) else m.start()
    parts.append(text[start:])
    return [p.strip() for p in parts if p.strip()]


# ``_status_uncached`` reads at most ``_READ_BEFORE`` characters before a mention (``_WINDOW`` is
# fewer), the mention and ``_READ_AFTER`` after it, nothing else: ``_status`` remembers it per such
# window (the same wording stands around mentions of different notes).
_READ_BEFORE, _READ_AFTER = 30, 25
_STATUSES: dict[tuple[str, int, int, str, bool], tuple[str, int]] = {}
_STATUS_CACHE_LIMIT = 20_000  # windows (about 300 bytes each with their key)


def _status(squeezed: str, start: int, end: int, cue: str, strong: bool) -> tuple[str, int]:
    """Status of the mention at ``squeezed[start:end]`` and where its marker starts."""
    low = max(0, start - _READ_BEFORE)
    key = (squeezed[low : end + _READ_AFTER], start - low, end - start, cue, strong)
    hit = _STATUSES.get(key)
    if hit is None:
        window, at, size = key[0], key[1], key[2]
        status, from_ = _status_uncached(window, at, at + size, cue, strong)
        hit = (status, from_ - at)
        if len(_STATUSES) >= _STATUS_CACHE_LIMIT:
            _STATUSES.clear()
        if _STATUS_CACHE_LIMIT:
            _STATUSES[key] = hit
    return hit[0], start + hit[1]


def _status_uncached(squeezed: str, start: int, end: int, cue: str, strong: bool) -> tuple[str, int]:
    before = squeezed[max(0, start - _WINDOW) : start]
    after = squeezed[end : end + _READ_AFTER]
    best, best_end, best_start = None, -1, start
    for status, pattern in _MARKERS:
        if status == "name":
            continue
        for m in pattern.finditer(before):
            if m.end() > best_end or (m.end() == best_end and status == "negated"):
                best, best_end, best_start = status, m.end(), start - len(before) + m.start()
    if cue in {"works", "purchasing", "contract", "planning", "design_work"} and _MARKERS[-1][1].search(squeezed[max(0, start - 12) : start]):
        # an official inspecting or following a named project: the works are under way (GUIDE P5)
        if cue == "works" and (_INSPECT_NAME.search(squeezed[max(0, start - _READ_BEFORE) : start]) or _STARTED_NAME.search(squeezed[max(0, start - _READ_BEFORE) : start])):
            return "underway", start  # "ลงพื้นที่ตรวจโครงการก่อสร้าง…", "ได้เริ่มโครงการก่อสร้าง…": the named works are going on
        return "name", start
    if best == "negated" and best_end >= len(before) - 12:
        return "negated", best_start
    if cue == "follow_up":
        return "underway", start
    if (cue in {"finished", "accepted"} or best == "underway") and _AFTER_NEGATED.match(after):
        return "negated", start
    if cue == "finished" and best == "planned" and squeezed[start:end].endswith("แล้ว") and re.search(r"(?:เพื่อ|ให้)$", before[: best_end]):
        return "done", start  # "... เพื่อแก้ไขปัญหาดังกล่าวเรียบร้อยแล้ว": the purpose is named, the work is reported done
    if cue == "works" and best == "planned" and _FIELD_PURPOSE.search(before):
        return "underway", best_start  # "ลงพื้นที่เพื่อติดตั้ง…": staff on site to do the work are doing it (GUIDE P5)
    if _AFTER_PLANNED.match(after) and cue not in {"accepted"}:
        return "planned", start
    if best == "planned" and best_end >= len(before) - 20 and (not _AFTER_DONE_NOT_FINISH.match(after) or _AFTER_THEN_WILL.match(after)):
        # "หากได้รับความเห็นชอบแล้วจะ…": a condition and what follows it, both ahead
        return "planned", best_start
    if _AFTER_DONE.match(after):
        return "done", start
    if best == "done" and best_end >= len(before) - 20 and _PLANNED_THEN_DONE.search(before[: best_end]):
        return "planned", best_start  # "เพื่อให้เสร็จพร้อมใช้งาน", "จะแล้วเสร็จ": the done word is itself planned (GUIDE C4)
    if best in ("underway", "done") and best_end >= len(before) - 20:
        return best, best_start
    if cue in {"progress", "approval_wait", "follow_up"}:
        return "underway", start
    if cue in {"purchase_step", "accepted"} and _AFTER_COUNT_OF.match(after):
        return "metric", start  # "เฉพาะเจาะจง 4,039 โครงการ", "ส่งมอบ 12 สัญญา": a count by kind, a statistic (GUIDE N1)
    if cue in {"works", "purchasing"} and _AFTER_OBJECT_DONE.match(after) and not before.endswith("ที่"):  # "…ที่ก่อสร้างไว้แล้ว" describes a thing
        return "done", start  # "ดำเนินการสำรวจแล้ว", "ปรับปรุงถนนแล้ว": the verb, its object, then the done marker
    return "bare", start


_MENTIONS: dict[tuple[str, bool], tuple[Mention, ...]] = {}


def mentions(text: str, prepared: bool = False) -> list[Mention]:
    """Every stage mention of a note with its status, in reading order.

    ``prepared``: the text already went through ``features.prepare`` (numbers are ``0``);
    otherwise ``base_text`` is applied and the words keep their numbers. Remembered per text
    within a process (the model's gate and ``evidence`` read the same note).
    """
    hit = _MENTIONS.get((text, prepared))
    if hit is None:
        hit = tuple(_mentions(text, prepared))
        if len(_MENTIONS) >= 20_000:  # emptied when full, as ``_DECIDED`` is: a full memo that
            _MENTIONS.clear()  # kept its first notes would miss every note a process reads after them
        _MENTIONS[(text, prepared)] = hit
    return list(hit)


def _mentions(text: str, prepared: bool) -> list[Mention]:
    base = text if prepared else base_text(text)
    found: list[Mention] = []
    for index, clause in enumerate(split_clauses(base)):
        found += [Mention(cue, stage, status, words, index, position) for cue, stage, status, words, position in _read_clause(clause)]
    return _downgrade(_carry(found))


# The mentions of one clause depend on that clause only (``_adjust`` weighs the earlier mentions
# of the same clause): remembered per clause text, since items repeat across notes and
# installments (a report's later installment repeats the earlier items and adds one).
_CLAUSES: dict[str, tuple[tuple[str, str, str, str, int], ...]] = {}
_CLAUSE_CACHE_LIMIT = 50_000


def _read_clause(clause: str) -> tuple[tuple[str, str, str, str, int], ...]:
    hit = _CLAUSES.get(clause)
    if hit is None:
        hit = _read_clause_uncached(clause)
        if len(_CLAUSES) < _CLAUSE_CACHE_LIMIT:
            _CLAUSES[clause] = hit
    return hit


def _read_clause_uncached(clause: str) -> tuple[tuple[str, str, str, str, int], ...]:
    """(cue, stage, status, words, position) of each mention in ``clause``, in reading order."""
    squeezed = squeeze(clause)
    found = matches_in_order(_PATTERNS, _PREFILTER, squeezed)
    if not found:
        return ()
    hits: list[tuple[int, int, str, str, bool]] = []
    for i, spans in found:
        name, stage, strong, _pattern = _COMPILED[i]
        hits.extend((a, b, name, stage, strong) for a, b in spans)
    # where each character of ``squeezed`` stands in ``clause``: its index plus the number of
    # spaces before it (``gaps[k]``: how many other characters precede the k-th space, the
    # lengths of the pieces between spaces added up)
    gaps = list(accumulate(map(len, _SPACE.split(clause)[:-1]))) if len(squeezed) != len(clause) else []

    def spot(j: int) -> int:
        return j + bisect_right(gaps, j) if gaps else j

    out: list[tuple[str, str, str, str, int]] = []
    earlier: list[Mention] = []
    ends: list[int] = []
    for start, end, name, stage, strong in sorted(hits):
        status, from_ = _status(squeezed, start, end, name, strong)
        status, stage = _adjust(squeezed, start, end, name, stage, status, earlier)
        words = clause[spot(from_) : spot(end - 1) + 1]
        out.append((name, stage, status, words, start))
        earlier.append(Mention(name, stage, status, words, 0, start))
        ends.append(end)
    return tuple(_prepared_for_request(squeezed, out, ends))


# what an approval asked for inside the purchase or the payment is for (GUIDE A5, C2): not the project's
_PURCHASE_OR_PAYMENT = re.compile(r"^[^0-9]{0,12}?(?:เบิก|จ่าย|ตรวจรับ|ส่งมอบ|จัดซื้อ|จัดจ้าง|ซื้อ|จ้าง|ราคา|สัญญา|ผู้ชนะ|ยกเลิก)")


def _prepared_for_request(squeezed: str, out: list[tuple[str, str, str, str, int]], ends: list[int]) -> list[tuple[str, str, str, str, int]]:
    """A step finished just before the project is put forward in the same sentence
    ("ร่างหลักสูตร ... เสร็จแล้ว อยู่ระหว่างเสนอขออนุมัติโครงการ") finished the proposal's
    preparation, not the work: the project is before approval (GUIDE A1, A3). Not when the
    approval asked for is a purchase's or a payment's ("แล้วเสร็จ อยู่ระหว่างขออนุมัติเบิกจ่าย")."""
    for k in range(len(out) - 1):
        cue, stage, status, words, start = out[k]
        nxt = out[k + 1]
        if (
            cue == "finished" and stage == "completed" and status in ("bare", "done")
            and nxt[0] in ("approval_request", "approval_wait") and nxt[2] not in ("planned", "negated", *_NOT_A_STEP)
            and nxt[4] - ends[k] <= 12 and not _PURCHASE_OR_PAYMENT.match(squeezed[ends[k + 1] :])
        ):
            out[k] = (cue, "approval", "done", words, start)
    return out


def _carry(found: list[Mention]) -> list[Mention]:
    """A general work verb (ดำเนินการ, ดำเนินโครงการ) followed at once by a study or design takes
    that stage: "ดำเนินโครงการสำรวจและออกแบบ" is work before approval (GUIDE A3)."""
    out = list(found)
    for i, m in enumerate(found[:-1]):
        nxt = found[i + 1]
        if m.cue == "works" and m.words.replace(" ", "").removeprefix("ได้").startswith("ดำเนิน") and nxt.clause == m.clause and nxt.cue == "planning" and nxt.position - m.position <= len(m.words.replace(" ", "")) + 12:
            out[i] = Mention(m.cue, "approval", m.status, m.words, m.clause, m.position)
    return out


def _adjust(squeezed: str, start: int, end: int, cue: str, stage: str, status: str, earlier: list[Mention]) -> tuple[str, str]:
    """Status and stage after the facts a regular expression cannot weigh."""
    words = squeezed[start:end]
    if cue == "approved" and status == "negated":
        return "underway", "approval"  # not approved yet: still waiting (GUIDE A4)
    if cue in ("finished", "accepted") and status == "bare" and earlier and earlier[-1].status == "planned" and earlier[-1].cue == "works" and start - earlier[-1].position <= 12:
        return "planned", stage  # "เมื่อโครงการดังกล่าวก่อสร้างแล้วเสร็จ จะ…": the finish of planned work is planned too (GUIDE C4)
    if status == "bare" and any(m.status == "negated" and "ยกเลิก" in m.words for m in earlier):
        return "negated", stage  # "ยกเลิกประกาศประกวดราคาซื้อ… ด้วยวิธีประกวดราคา…": the rest of the item names what was cancelled (GUIDE N4)
    if status == "bare" and (_DOCUMENT_BEFORE.search(squeezed[max(0, start - 30) : start]) or any(m.status == "document" for m in earlier) or _DOCUMENT_HEAD.match(squeezed)):
        return "document", stage  # "แนวทางการเผยแพร่ร่างเอกสารประกวดราคา", "แบบฟอร์มการจัดทำคำของบประมาณ": a document's topic
    if cue in ("works", "purchasing", "design_work") and status in ("bare", "done", "underway") and _REQUEST_BEFORE.search(squeezed[max(0, start - 20) : start]):
        return "planned", stage  # "ขออนุญาตปรับปรุง…", "เสนอแบบก่อสร้าง…": the work is what is asked for, not begun (GUIDE A1)
    if cue == "approved" and status not in ("planned", "negated") and (
        _BUDGET_LAW_AFTER.match(squeezed[end:]) or any(m.cue == "approval_request" and "บัญญัติ" in m.words for m in earlier)
    ):
        return "done", "approval"  # a budget bill or a transfer passed (before or after it is named): money, not yet work (GUIDE A)
    if cue == "approved" and _AFTER_AMOUNT.match(squeezed[end:]) and ("ได้รับ" in words or "จัดสรร" in words) and not _AMOUNT_THEN_DONE.match(squeezed[end:]):
        # money received, stated as an amount: a budget figure (GUIDE N1); but a body approving a
        # budget (อนุมัติ, ผ่านงบ) is an approval, and "ได้รับ … 7,000 บาท แล้ว" reports the event
        return "metric", stage
    if cue == "purchasing" and _AUDIT_BEFORE.search(squeezed[max(0, start - 18) : start]):
        return "metric", stage  # an audit of purchasing (ตรวจสอบการจัดซื้อจัดจ้าง) is oversight, not a step (GUIDE N2)
    if cue == "launch" and (routine := _ROUTINE_AFTER.match(squeezed[end:])) and not _CAMPAIGN.search(routine.group(0)):
        return "metric", stage  # "เปิดกิจกรรมลอกท่อ…": a routine operation launched (GUIDE N2)
    routine = _ROUTINE_AFTER.match(squeezed[end:]) if cue in ("works", "under_contract", "purchasing") else None
    if routine and not (_CAMPAIGN.search(routine.group(0)) and not _COUNTED_LATER.search(squeezed[end:])):
        # cleaning, weeding: routine operations, not a project's stage; a campaign too when it is
        # reported as counts (GUIDE N2), but a campaign being carried out now is work under way (P5)
        return "metric", stage
    if cue == "design_work" and status == "bare" and _AFTER_COUNTED.match(squeezed[end:]):
        return "metric", stage  # "จัดทำฐานข้อมูลโคมไฟ 7,066 เส้นทาง": what the data holds, a figure (GUIDE N1)
    if cue in ("works", "purchasing") and _AFTER_QUANTITY.match(squeezed[end:]) or cue == "cumulative" and _AFTER_QUANTITY.match(squeezed[start:]):
        return "metric", stage  # a quantity handled (waste collected, people served): routine work
    if cue == "works" and status not in ("planned", "negated", "name", "metric", "document"):
        pct = _WORK_PERCENT_AFTER.match(squeezed[end:])
        if pct and float(pct.group(1)) < 100:
            return "partial", "procurement"  # "ดำเนินการสำรวจแล้ว 9,000 แปลง คิดเป็นร้อยละ 95": the work goes on (GUIDE P3)
    if cue == "summary" and status in ("underway", "planned", "negated"):
        return ("underway" if status == "underway" else status), "procurement"  # "อยู่ระหว่างสรุปผล…": the survey's work goes on
    if cue == "progress":
        numbers = [float(n) for n in _NUMBER.findall(words)]
        if numbers and numbers[-1] >= 100:
            return ("done" if status != "planned" else "planned"), "completed"
        return ("partial" if status not in ("planned", "negated") else status), "procurement"
    if cue == "finished" and status not in ("planned", "negated") and any(
        m.cue == "purchase_step" and m.position >= start - 30 and m.position < start for m in earlier[-3:]
    ):
        return "done", "procurement"  # "ร่าง TOR ... แล้วเสร็จ": a purchasing step is finished, not the work
    if cue == "finished" and status not in ("planned", "negated") and any(
        m.cue == "planning" and m.position >= start - 90 and m.position < start for m in earlier[-3:]
    ):
        return "done", "approval"  # "ออกแบบ ... แล้วเสร็จ": the design or study is finished, the project is before approval (GUIDE A3)
    if cue == "finished" and status not in ("planned", "negated") and _AFTER_PENDING.match(squeezed[end:]):
        return "partial", "procurement"  # "... แล้วเสร็จ รอติดตั้ง": a step is finished, the next one waits
    if stage == "completed" and status not in ("planned", "negated"):
        near = squeezed[max(0, start - 20) : end + 20]
        inst = _INSTALLMENT.search(near)
        if inst and "สุดท้าย" not in near:
            k, n = inst.group(1), inst.group(2)
            if n is None or float(k) < float(n) or (k == n == "0"):
                return "partial", "procurement"
        pct = _PERCENT_AFTER.match(squeezed[end:])
        if pct and float(pct.group(1)) < 100:
            return "partial", "procurement"
        if _COUNT_AFTER.match(squeezed[end:]) and any(m.stage == "procurement" and m.reached for m in earlier):
            return "partial", "procurement"
    return status, stage


_SETTING_UP = re.compile(r"ติดตั้ง|ทดสอบ|ทดลองใช้")


def _downgrade(found: list[Mention]) -> list[Mention]:
    """A completion word in a note whose progress figure is below 100, or that also reports a
    defect to repair, reports a part of the work (a pile, a section): the work goes on. So does a
    delivery followed by the delivered goods' installation or testing under way ("ผู้ขายส่งมอบ…แล้ว
    อยู่ระหว่างติดตั้งและทดสอบ", GUIDE P4): what was delivered is not yet in use."""
    whole = any((m.cue == "progress" and m.status == "partial") or (m.cue == "defect" and m.status not in ("planned", "negated")) for m in found)
    # where the last installation or test under way stands ((-1, -1): none, so nothing precedes it)
    setting_up = max(((m.clause, m.position) for m in found if m.cue == "works" and m.status == "underway" and _SETTING_UP.search(m.words)), default=(-1, -1))
    delivered = any(m.cue == "accepted" and (m.clause, m.position) < setting_up for m in found)
    if not whole and not delivered:
        return found
    return [
        Mention(m.cue, "procurement", "partial", m.words, m.clause, m.position)
        if m.stage == "completed" and m.cue in ("finished", "accepted") and m.status in ("bare", "done") and "สุดท้าย" not in m.words
        and (whole or (m.clause, m.position) < setting_up)
        else m
        for m in found
    ]


_WEAK = {name for name, _stage, strong, _p in CUES if not strong}
_REQUEST_STATUSES = ("bare", "done", "underway")


def _after_request(found: Sequence[Mention], reached: list[Mention]) -> list[Mention]:
    """Activity mentions (publicity, teaching, field visits) count as reached only in a later
    item than a request for the project's approval (``1. ขออนุมัติโครงการ 2. ประชาสัมพันธ์…``:
    the request is behind, the approved project is being carried out; GUIDE combination rule);
    elsewhere they are routine work (GUIDE N2) and do not count."""
    first = min((m.clause for m in found if m.cue == "approval_request" and m.status in _REQUEST_STATUSES), default=None)
    return [m for m in reached if m.cue != "activity" or (first is not None and m.clause > first and m.status in _REQUEST_STATUSES)]


def combine(found: Sequence[Mention]) -> tuple[str, list[Mention]]:
    """The note's stage by the rules: the most advanced stage reached (a partial completion
    counts as procurement; a mention without a marker counts if its cue is strong or it heads
    its item, a planned, negated, name or metric one does not); ``none`` when nothing is reached. Returns the label and the mentions that decided it (last first)."""
    reached = [m for m in found if m.reached or m.status == "partial" or (m.status == "bare" and (m.cue not in _WEAK or m.position <= 25))]
    reached = _after_request(found, reached)
    if any(m.cue == "approved" and m.stage == "approval" for m in reached):
        # approved, but the money is not here yet: still waiting (GUIDE A2)
        reached = [m for m in reached if not (m.cue == "approved" and m.stage == "procurement")]
    last_approval = max((i for i, m in enumerate(found) if m.stage == "approval" and m.status not in _NOT_A_STEP), default=-1)
    if last_approval >= 0:
        # work named before the project is put forward is preparation for it (GUIDE A1)
        order = {id(m): i for i, m in enumerate(found)}
        reached = [m for m in reached if not (m.cue in _WEAK and order[id(m)] < last_approval)]
    if not reached and not any(m.stage == "approval" and m.status not in _NOT_A_STEP for m in found):
        # a work verb and an expected completion (คาดว่าจะแล้วเสร็จ, กำหนดแล้วเสร็จ): only work that
        # has begun is expected to finish (GUIDE P3: an expectation is not completion)
        expected = [m for m in found if m.cue == "finished" and m.stage == "completed" and m.status == "planned"]
        works = [m for m in found if m.cue in ("works", "purchasing") and m.status == "bare"]
        if expected and works:
            return "procurement", works[::-1]
    if not reached:
        # a project still being planned, proposed or designed (even "will be proposed",
        # "no EIA yet", a design project's name) is before approval (GUIDE A1-A4)
        early = [m for m in found if m.stage == "approval" and m.status not in _NOT_A_STEP]
        return ("approval", early[::-1]) if early else ("none", [])
    top = max(_RANK[m.stage] for m in reached)
    label = STAGES[top]
    deciding = [m for m in reached if m.stage == label]
    return label, deciding[::-1]


_DECIDED: dict[str, tuple[str, tuple[Mention, ...]]] = {}


def decided(text: str) -> tuple[str, list[Mention]]:
    """``combine(mentions(text))``, remembered per note within a process: the model's gate
    (``gating.reading``) and ``evidence`` read the same note one after the other."""
    hit = _DECIDED.get(text)
    if hit is None:
        label, deciding = combine(mentions(text))
        hit = (label, tuple(deciding))
        if len(_DECIDED) >= 20_000:
            _DECIDED.clear()
        _DECIDED[text] = hit
    return hit[0], list(hit[1])


def clause_label(text: str) -> str:
    """``combine(mentions(text))``'s label: the clause-reading rule baseline."""
    return decided(text)[0]


def evidence(text: str, stage: str | None, limit: int = 3) -> list[dict[str, object]]:
    """The words behind ``stage``, most recent first, at most ``limit``: the deciding mentions
    when the rules agree with it, else the mentions of that stage; for no stage (``None``), the
    mentions that did not count (planned, negated, part of a name, an amount) and why."""
    found = mentions(text)
    label, deciding = decided(text)
    if stage is not None:
        support = deciding if stage == label else [m for m in found if m.stage == stage and m.status not in _NOT_A_STEP][::-1]
        return [m.to_dict() for m in support[:limit]]
    return [m.to_dict() for m in found if m.status in ("planned", "negated", "name", "metric", "document")][::-1][:limit]


_VECTORS: dict[tuple[str, bool], tuple[float, ...]] = {}


def clause_vector(text: str, prepared: bool = True) -> list[float]:
    """Features for the learned model: per stage and status, how many mentions (log-scaled);
    the rule label and the last reached stage (one-hot, with none); clause and mention counts.
    Remembered per text within a process (cross-validation fits the same notes again)."""
    hit = _VECTORS.get((text, prepared))
    if hit is None:
        hit = tuple(_clause_vector(text, prepared))
        if len(_VECTORS) < 100_000:
            _VECTORS[(text, prepared)] = hit
    return list(hit)


# the column of each (stage, status) count: the pairs in sorted order
_COUNT_COLUMN = {key: i for i, key in enumerate(sorted((s, st) for s in STAGES for st in STATUSES))}


def _clause_vector(text: str, prepared: bool) -> list[float]:
    found = mentions(text, prepared=prepared)
    counts = [0] * len(_COUNT_COLUMN)
    for m in found:
        counts[_COUNT_COLUMN[(m.stage, "name" if m.status == "document" else m.status)]] += 1
    vec = [math.log1p(c) for c in counts]
    label, _ = combine(found)
    vec += [1.0 if label == lab else 0.0 for lab in (*STAGES, "none")]
    reached = [m for m in found if m.reached or m.status == "partial"]
    last = reached[-1].stage if reached else "none"
    vec += [1.0 if last == lab else 0.0 for lab in (*STAGES, "none")]
    clauses = len({m.clause for m in found})
    vec += [math.log1p(clauses) / 3.0, math.log1p(len(found)) / 3.0]
    return vec


def clause_matrix(texts: Iterable[str], weight: float = 1.0, dense: bool = False) -> object:
    """``clause_vector`` of each prepared text as a sparse matrix (a ``FunctionTransformer`` step).
    ``weight`` scales the block: beside tens of thousands of TF-IDF columns, a larger scale lets
    the regularised model lean on the clause reading, which carries over to unseen wording.
    ``dense``: as plain rows, without importing SciPy (``bma_nlp.classify.fastform``)."""
    rows = [[weight * v for v in clause_vector(t, prepared=True)] for t in texts]
    if dense:
        return rows
    from scipy.sparse import csr_matrix

    return csr_matrix(rows)
