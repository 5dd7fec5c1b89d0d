"""Stage cues from the labelling rules: a keyword baseline, and features for the learned model.

A *cue group* is a regular expression for one kind of evidence (asking for approval, a step
of the purchasing process, a partial delivery, a final acceptance, a cancellation, ...). Groups
are matched in the order below on the prepared note with its spaces removed (OCR splits
words with stray spaces); each match is blanked so a later, broader group does not count the
same words again: ยังไม่ได้รับอนุมัติ is "waiting for approval", not "approval received", and
ขออนุมัติจัดซื้อ is a purchasing step, not a request to approve the project.

``rule_label`` is the keyword baseline: partial work beats completion words, a final
acceptance beats the rest, otherwise the stage with the strongest cue wins, ties to the cue
mentioned last (notes tell the history first and the current state last); ``none`` without
a stage cue. ``cue_matrix`` turns the same matches into
features for the learned model (``FunctionTransformer(cue_matrix)``), which learns its own
weights; this is what keeps it sensible on wording no training note used.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np

from bma_nlp.classify.clauses import LazyPattern, Prefilter, matches_in_order, required_strings, squeeze
from bma_nlp.classify.features import code_points, prepare
from bma_nlp.records import LABELS

# (name, stage it votes for, weight in the baseline, pattern). Order matters: see module doc.
GROUPS: list[tuple[str, str, float, str]] = [
    # an approval step inside the purchasing process (README rule 3)
    ("procurement_step", "procurement", 2.0,
     r"(?:ขอ|เสนอ)(?:ขอ)?(?:อนุมัติ|ความเห็นชอบ)(?:การ|ให้)?(?:จัดซื้อ|จัดจ้าง|สั่งซื้อ|ซื้อ|จ้าง|tor|ราคากลาง|ขอบเขต|ผล|ขยาย)"
     r"|อนุมัติ(?:ให้)?ขยาย(?:เวลา)?|ราคากลาง|แต่งตั้ง.{0,70}?(?:แล้ว|เรียบร้อย|$)|คณะกรรมการ(?:กำหนด|จัดซื้อ|จัดจ้าง|ซื้อ|จ้าง|ราคา)"
     r"|รอ(?:ผล)?(?:การ)?(?:พิจารณา)?(?:ผล)?(?:การ)?(?:ประกวด|เสนอราคา|คัดเลือก|ผู้ชนะ)"),
    # not yet approved / money not here (README rule 2)
    ("approval_wait", "approval", 2.0,
     r"ยังไม่(?:ได้)?(?:รับ|ผ่าน)?(?:การ)?(?:อนุมัติ|จัดสรร|โอน|แจ้งผล|ลงนาม|เงิน|งบ)|ไม่ได้รับ(?:การ)?จัดสรร"
     r"|(?:เงิน|งบ)(?:ประจำ)?(?:งวด|ประมาณ)?(?:ยังไม่|ไม่)(?:ได้)?(?:ลง|โอน|มา|รับ)"
     r"|รอ.{0,30}?(?:อนุมัติ|เห็นชอบ|เห็นซอบ|มติ|ลงนาม|เซ็น|approve|จัดสรร|โอน|พิจารณา)|รอ(?:การ)?(?:ผล|เงิน|งบ|เสนอ)"),
    # says nothing about the stage (README rule 7, 8)
    ("no_progress", "none", 0.0,
     r"ไม่มี(?:ความ)?(?:ก้าวหน้า|คืบหน้า|เคลื่อนไหว|การเปลี่ยนแปลง|เปลี่ยนแปลง|ข้อมูล|รายละเอียด|ผล|อะไร)|ไม่มี$|คงเดิม"
     r"|เหมือน(?:เดิม|ไตรมาส|เดือน|งวด|ครั้ง)|ไม่ระบุ|ไม่ได้รับรายงาน|ตรวจสอบข้อมูล|รอข้อมูล|ไม่ครบ"
     r"|ยังไม่(?:ได้)?(?:ดำเนินการ|เริ่ม)"),
    ("cancelled", "none", 0.0, r"ยกเลิก|เลื่อน|ชะลอ|ระงับ|งด(?:จัด|การ|กิจกรรม|โครงการ)"),
    # work done in part, or sent back for repair (README rule 5, 6, 9)
    ("partial", "procurement", 3.0,
     r"(?:งวด|รุ่น|ครั้ง|รอบ|ระยะ|ฉบับ|ชุด)(?:ที่)?0(?:แล้ว)?(?:จาก|ใน|/)(?:ทั้งหมด)?0"
     r"|(?<![/0])0(?:ใน|จาก)(?:ทั้งหมด)?0(?![/0])|(?<![/0])0/0(?:จุด|ราย|คน|ต้น|แห่ง|ชุมชน|รุ่น|งวด|ครั้ง|หลัง|กม|เครื่อง|ชุด|โรง|ห้อง|ตัว|ครัวเรือน)"
     r"|จาก(?:เป้าหมาย|ระยะทาง|จำนวน)?(?:ทั้งหมด)?0|ยังเหลือ|เหลือ(?:อีก)?0|บางส่วน|partial|interim|ความก้าวหน้าฉบับ"
     r"|(?:ความก้าวหน้า|ผลการดำเนินงาน|ผลงาน|แล้ว|ได้)(?:ประมาณ|คิดเป็น|ราว)?ร้อยละ0(?!0)|(?<!10)0%"
     r"|ข้อบกพร่อง|ให้(?:ผู้รับจ้าง|ผู้ขาย)?แก้ไข|ไม่ผ่าน"),
    # final delivery, acceptance, payment (README rule 6)
    ("accepted", "completed", 3.0,
     r"ตรวจรับ(?:งาน|พัสดุ)?(?:งวดสุดท้าย)?(?:แล้ว|เรียบร้อย|ผ่าน|ครบ|เมื่อ|✓)|งวดสุดท้าย|ส่งมอบ(?:งาน)?(?:ครบ|แล้ว|เรียบร้อย)"
     r"|ส่งงาน(?:ครบ|งวดสุดท้าย)|เบิก(?:จ่าย)?(?:เงิน)?(?:ครบ|แล้ว|หมด|เรียบร้อย|✓)|ประกัน(?:ความ)?ชำรุด|รับประกัน"
     r"|(?:รายงาน)?(?:ฉบับ)?สมบูรณ์|finalreport|ปิด(?:โครงการ|สัญญา|งาน|บัญชี)|ขึ้นทะเบียน"),
    # finished (README "completed" wording)
    ("finished", "completed", 2.5,
     r"แล้วเสร็จ|เสร็จ(?:สิ้น|เรียบร้อย|แล้ว|สมบูรณ์|ก่อน)?|จบ|สิ้นสุด|ครบ(?!กำหนด)|บรรลุ|เรียบร้อย|100%|ร้อยละ100"
     r"|go-?live|เปิด(?:ใช้|ให้บริการ)|✓"),
    # approval received (README rule 1)
    ("approved", "procurement", 1.0,
     r"ได้รับ(?:การ)?(?:อนุมัติ|จัดสรร|โอน)|อนุมัติ(?:งวด)?(?:เงิน)?(?:ประจำ)?(?:งวด)?(?:แล้ว|เรียบร้อย|ผ่าน)"
     r"|ผ่านการ(?:อนุมัติ|พิจารณา)|ได้(?:รับ)?เงิน(?:ประจำ)?งวด|หลัง(?:จาก)?(?:ได้|อนุมัติ)"),
    # asking for approval or for the budget
    ("approval_request", "approval", 2.0,
     r"(?:ขอ|เสนอ|ยื่น)(?:ขอ)?(?:อนุมัติ|ความเห็นชอบ|ตั้งงบ|รับการ(?:สนับสนุน|จัดสรร)|จัดสรร|โอน|ใช้(?:เงิน|งบ)|เงินอุดหนุน)"
     r"|ขอ(?:เบิก)?เงิน(?:ประจำ)?งวด|อนุมัติ(?:ใน)?หลักการ|พิจารณาอนุมัติ|เสนอ(?:โครงการ|ผู้บริหาร|ผู้อำนวยการ|ปลัด|ผู้ว่า|เรื่อง)"
     r"|ส่งเรื่อง|ทำเรื่อง"),
    # planning, drafting, surveying, designing for the proposal
    ("planning", "approval", 1.5,
     r"จัดทำ(?:รายละเอียด)?(?:โครงการ|แผน)|เขียนโครงการ|ร่าง(?:โครงการ|หลักสูตร|tor)?|draft|proposal|วางแผน"
     r"|สำรวจ|ประมาณ(?:การ|ราคา)|ออกแบบ|กลั่นกรอง|แก้(?:ไข)?(?:รายละเอียด|โครงการ)|ปรับ(?:ปรุง|ลด)?(?:รายละเอียด|โครงการ|วงเงิน)"
     r"|เสนอใหม่|ขั้นเสนอ|รวบรวมข้อมูล|คุณลักษณะเฉพาะ"),
    # the contract and the purchasing process
    ("contract", "procurement", 1.5,
     r"สัญญา|ผู้รับจ้าง|ผู้ขาย|ผู้รับเหมา|ที่ปรึกษา|ผู้ประกอบการ|(?:ส่ง|รับ)มอบพื้นที่|เข้า(?:ดำเนินการ|งาน|พื้นที่)"),
    ("purchasing", "procurement", 2.0,
     r"จัดซื้อ|จัดจ้าง|จัดหา|สั่งซื้อ|ซื้อ|จ้าง|ประกวดราคา|สอบราคา|สืบราคา|e-?bidding|e-?gp|e-?market|เฉพาะเจาะจง"
     r"|คัดเลือก|tor|ขอบเขต(?:ของ)?งาน|ประกาศ|ผู้ชนะ|ยื่น(?:ข้อ)?เสนอ|เสนอราคา|เปิดซอง|อุทธรณ์|ใบสั่ง|(?<![a-z])po(?![a-z])"
     r"|วางหลักประกัน"),
    # work under way
    ("working", "procurement", 1.0,
     r"อยู่ระหว่าง|กำลัง|ต่อเนื่อง|เริ่ม|ก่อสร้าง|ติดตั้ง|ล่าช้า|เร่ง|เตรียม|กำหนด(?:จัด|การ|ส่ง|เปิด)|จะ|คาดว่า|ทดสอบ|uat"
     r"|รอ(?:ของ|ส่งมอบ)|ขณะนี้|ปัจจุบัน|ดำเนินการ|ดำเนินงาน|เปิดรับ|ไปแล้ว"),
    ("reference", "none", 0.0,
     r"แนบ|ตามหนังสือ|ตามแบบ|แบบฟอร์ม|ในระบบ|ผู้ประสานงาน|ผู้รับผิดชอบ|โทร|รหัส|งบ(?:รายจ่าย|ลงทุน|ดำเนินงาน)"
     r"|ตัวชี้วัด|กลุ่มเป้าหมาย|ตามแผน|ตามเป้าหมาย|ระยะเวลาดำเนินการ|ไตรมาส0"),
    ("contrast", "none", 0.0, r"แต่|ยังไม่|ไม่ได้|ไม่สามารถ|ติดปัญหา|เนื่องจาก"),
]  # fmt: skip

_COMPILED = [(name, stage, weight, LazyPattern(pattern)) for name, stage, weight, pattern in GROUPS]
_PATTERNS = [pattern for *_, pattern in _COMPILED]
_NEEDS = [required_strings(pattern) for *_, pattern in GROUPS]
_PREFILTER = Prefilter(_NEEDS)
GROUP_NAMES = [name for name, *_ in GROUPS]


def cue_hits(text: str, prepared: bool = False) -> list[tuple[str, str, float, int]]:
    """``(group, stage, weight, position)`` for every cue in a note, in group order.

    ``prepared``: the text already went through ``features.prepare``.
    """
    return _squeezed_hits(squeeze(text if prepared else prepare(text)))


def _squeezed_hits(squeezed: str) -> list[tuple[str, str, float, int]]:
    """``cue_hits`` of a prepared note with its whitespace removed already."""
    hits: list[tuple[str, str, float, int]] = []
    for i, spans in matches_in_order(_PATTERNS, _PREFILTER, squeezed):
        name, stage, weight, _pattern = _COMPILED[i]
        hits.extend((name, stage, weight, start) for start, _end in spans)
    return hits


def rule_label(text: str) -> str:
    """The stage the keyword rules give a note: approval, procurement, completed or none.

    Partial work (without a final acceptance) is procurement; a final acceptance is completed;
    otherwise each stage scores the weight of its strongest cue group, ties going to the
    stage mentioned last.
    """
    hits = [h for h in cue_hits(text) if h[1] != "none"]
    if not hits:
        return "none"
    names = {name for name, *_ in hits}
    if "partial" in names and "accepted" not in names:
        return "procurement"
    if "accepted" in names and "partial" not in names:
        return "completed"
    score: dict[str, float] = {}
    last: dict[str, int] = {}
    for _name, stage, weight, pos in hits:
        score[stage] = max(score.get(stage, 0.0), weight)
        last[stage] = max(last.get(stage, -1), pos)
    return max(score, key=lambda stage: (score[stage], last[stage]))


def rule_labels(texts: Iterable[str]) -> list[str]:
    return [rule_label(t) for t in texts]


def rule_scores(text: str) -> dict[str, float]:
    """Pseudo-probabilities over the four labels (the rules' label gets 0.85)."""
    label = rule_label(text)
    return {lab: (0.85 if lab == label else 0.05) for lab in LABELS}


def thai_letters(text: str) -> int:
    """How many characters of ``text`` are Thai letters (U+0E01-U+0E2E), counted over
    the code points with NumPy (a quarter of the time of a regular expression's ``findall``)."""
    points = code_points(text)
    return int(np.count_nonzero(points - np.uint32(0x0E01) <= np.uint32(0x0E2E - 0x0E01)))  # below U+0E01 wraps round: not counted


def cue_vector(text: str, prepared: bool = False) -> list[float]:
    """Per cue group: 1 if present (+0.5 for a second hit); per stage: 1 if it has the last
    cue; then "no stage cue", log length, and the share of Thai letters."""
    stripped = squeeze(text)
    hits = _squeezed_hits(stripped if prepared else squeeze(prepare(text)))
    counts = dict.fromkeys(GROUP_NAMES, 0)
    for name, *_ in hits:
        counts[name] += 1
    vec = [0.0 if c == 0 else (1.0 if c == 1 else 1.5) for c in counts.values()]
    staged = [h for h in hits if h[1] != "none"]
    last_stage = max(staged, key=lambda h: h[3])[1] if staged else None
    vec += [1.0 if last_stage == stage else 0.0 for stage in LABELS[:3]]
    vec.append(0.0 if staged else 1.0)
    vec.append(math.log1p(len(stripped)) / 5.0)
    vec.append(thai_letters(stripped) / len(stripped) if stripped else 0.0)
    return vec


def cue_matrix(texts: Iterable[str], dense: bool = False) -> object:
    """``cue_vector`` of each prepared text as a sparse matrix (a ``FunctionTransformer`` in the
    model, after its ``prepare`` step); ``dense``: as plain rows, without importing SciPy
    (``bma_nlp.classify.fastform``)."""
    rows = [cue_vector(t, prepared=True) for t in texts]
    if dense:
        return rows
    from scipy.sparse import csr_matrix

    return csr_matrix(rows)


def cue_phrases(text: str) -> list[tuple[str, str, str]]:
    """``(group, stage, words)`` of each cue in a note, in reading order: the words that vote
    for a stage, as they read after ``prepare`` (numbers as 0, spaces dropped), to show a person
    why a note got its stage."""
    squeezed = squeeze(prepare(text))
    found: list[tuple[int, str, str, str]] = []
    for name, stage, _weight, pattern in _COMPILED:
        for m in pattern.finditer(squeezed):
            found.append((m.start(), name, stage, m.group(0)))
        squeezed = pattern.sub(lambda m: "_" * len(m.group(0)), squeezed)
    return [(name, stage, words) for _pos, name, stage, words in sorted(found)]
