"""Header fields (``label : value`` lines) of a progress report."""

from __future__ import annotations

import re

from rapidfuzz import fuzz

from bma_nlp.parse.dates import parse_date
from bma_nlp.parse.numbers import arabic_digits, parse_amount
from bma_nlp.records import Project

# (field, canonical label). Order matters: more specific labels first.
LABELS: list[tuple[str, str]] = [
    ("name", "ชื่อโครงการ"),
    ("code", "รหัสโครงการ"),
    ("fiscal_year", "ปีงบประมาณ"),
    ("start_date", "เริ่มต้นโครงการ"),
    ("start_date", "วันเริ่มต้นโครงการ"),
    ("start_date", "วันเริ่มโครงการ"),
    ("start_date", "วันที่เริ่มต้น"),
    ("end_date", "สิ้นสุดโครงการ"),
    ("end_date", "วันสิ้นสุดโครงการ"),
    ("end_date", "วันที่สิ้นสุด"),
    ("budget_received", "งบประมาณที่ได้รับ"),
    ("budget_used", "งบประมาณที่ใช้ไป"),
    ("responsible", "ชื่อผู้รับผิดชอบ"),
    ("agency", "หน่วยงานที่รับผิดชอบ"),
    ("agency", "หน่วยงานรับผิดชอบ"),
    ("coordinator", "ผู้ประสานงาน"),
    ("sub_strategy", "ประเด็นยุทธศาสตร์ย่อย"),
    ("strategy", "ประเด็นยุทธศาสตร์"),
    ("goal", "เป้าหมายที่"),
    ("indicator", "ตัวชี้วัด"),
]
_LABEL_NOISE = re.compile(r"[\s.…·:]+")
_MAX_LABEL = 40
_PHONE = re.compile(r"^(?P<who>.*?)[\s,]*(?:โทร(?:ศัพท์)?\.?|Tel\.?|tel\.?)\s*[:.]?\s*(?P<phone>[0-9๐-๙][0-9๐-๙\-\s,/]*[0-9๐-๙])\s*$")
_CODE = re.compile(r"[0-9๐-๙]{4,}(?:\s*-\s*[0-9๐-๙]+)*")
_DECOR = re.compile(r"^[\s*#]+|[\s*#]+$")


def canonical_label(label: str) -> str:
    return _LABEL_NOISE.sub("", label)


def _label_key(label: str) -> str | None:
    canon = canonical_label(label)
    if not canon or len(canon) > _MAX_LABEL:
        return None
    for key, known in LABELS:
        if key == "sub_strategy":
            # OCR often truncates this label (ประเด็นยุทธศา ย่อย): the ย่อย suffix decides it.
            if canon.startswith("ประเด็นยุทธ") and canon.endswith("ย่อย"):
                return key
            continue
        if canon.startswith(known) or (key == "agency" and canon.startswith("หน่วยงานที่รับ")):
            return key
    # OCR-garbled labels: accept a close match of the label's beginning.
    best_key, best_score = None, 0.0
    for key, known in LABELS:
        score = fuzz.ratio(canon[: len(known)], known, processor=None)
        if score > best_score:
            best_key, best_score = key, score
    return best_key if best_score >= 85 else None


def match_field(line: str) -> tuple[str, str] | None:
    """``'รหัสโครงการ... : 50070000-3437'`` -> ``('code', '50070000-3437')``; None if not a field."""
    if ":" not in line:
        return None
    label, _, value = line.partition(":")
    key = _label_key(label)
    if key is None:
        return None
    return key, _DECOR.sub("", value.strip())


def _clean_text(value: str | None) -> str | None:
    if value is None:
        return None
    value = " ".join(value.split())
    return value or None


def build_project(fields: dict[str, str]) -> tuple[Project, list[tuple[str, str]]]:
    """Typed project fields from raw label values; also return (field, raw) that failed to parse."""
    project = Project()
    bad: list[tuple[str, str]] = []
    for key, raw in fields.items():
        value = _clean_text(raw)
        if value is None:
            continue
        if key == "code":
            m = _CODE.search(value)
            project.code = re.sub(r"\s+", "", arabic_digits(m.group(0))) if m else value
        elif key == "fiscal_year":
            m = re.search(r"[0-9]{4}", arabic_digits(value))
            if m:
                year = int(m.group(0))
                project.fiscal_year = year if year > 2400 else year + 543
            else:
                bad.append((key, value))
        elif key in ("start_date", "end_date"):
            if value in ("-", "–", "ไม่ระบุ", "ไม่มี"):
                continue  # an explicit "none": not a parse failure
            iso = None
            try:
                iso = parse_date(value)
            except ValueError:
                pass
            if iso is None:
                bad.append((key, value))
            setattr(project, key, iso)
        elif key in ("budget_received", "budget_used"):
            amount = parse_amount(value)
            if amount is None:
                bad.append((key, value))
            setattr(project, key, amount)
        elif key == "coordinator":
            m = _PHONE.match(value)
            if m:
                project.coordinator = _clean_text(m.group("who"))
                project.coordinator_phone = arabic_digits(m.group("phone")).strip()
            else:
                project.coordinator = value
        else:
            setattr(project, key, value)
    return project, bad
