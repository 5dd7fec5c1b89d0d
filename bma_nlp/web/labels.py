"""Words and number formats the pages show (presentation only: no archive logic here)."""

from __future__ import annotations

import datetime as _dt
from typing import Any

STAGE_LABELS = {
    "approval": ("อนุมัติ", "approval"),
    "procurement": ("จัดซื้อจัดจ้าง", "procurement"),
    "completed": ("แล้วเสร็จ", "completed"),
    "unknown": ("ไม่ระบุ", "no stage"),
}

# The form's own labels for the header fields (แบบแสดงรายงานความก้าวหน้าฯ), with English beside them.
FIELD_LABELS = {
    "name": ("ชื่อโครงการ/กิจกรรม", "project"),
    "code": ("รหัสโครงการ", "code"),
    "fiscal_year": ("ปีงบประมาณ", "fiscal year"),
    "start_date": ("วันเริ่มต้นโครงการ", "start"),
    "end_date": ("วันสิ้นสุดโครงการ", "end"),
    "budget_received": ("งบประมาณที่ได้รับ", "budget received"),
    "budget_used": ("งบประมาณที่ใช้", "budget used"),
    "agency": ("หน่วยงานที่รับผิดชอบ", "agency"),
    "coordinator": ("ผู้ประสานงาน", "coordinator"),
    "coordinator_phone": ("โทรศัพท์", "phone"),
    "responsible": ("ผู้รับผิดชอบ", "responsible"),
    "strategy": ("ยุทธศาสตร์", "strategy"),
    "sub_strategy": ("ประเด็นยุทธศาสตร์", "sub-strategy"),
    "goal": ("เป้าประสงค์", "goal"),
    "indicator": ("ตัวชี้วัด", "indicator"),
    "rationale": ("หลักการและเหตุผล", "rationale"),
    "objectives": ("วัตถุประสงค์", "objectives"),
    "targets": ("เป้าหมาย", "targets"),
}

FLAG_TITLES = {
    "budget_overrun": "Budget used is more than the budget received",
    "complete_without_disbursement": "Complete, but nothing disbursed",
    "copies_disagree": "The copies of the report disagree",
    "date_order": "Installments out of date order",
    "date_outside_fiscal_year": "Date outside the fiscal year",
    "disbursement_decreased": "Cumulative disbursement went down",
    "disbursement_exceeds_budget": "Disbursement exceeds the budget received",
    "incomplete_installment": "Installment without figures",
    "invalid_date": "Impossible date",
    "missing_date": "Installment without a date",
    "no_installments": "No installments",
    "numbering_duplicate": "Installment number repeated",
    "numbering_gap": "Installment numbers missing",
    "progress_decreased": "Progress went down",
    "progress_out_of_range": "Progress outside 0-100%",
    "unparsed_field": "A field could not be read",
}

THAI_MONTHS = ("ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.", "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค.")


def stage_label(stage: str | None) -> str:
    thai, english = STAGE_LABELS.get(stage or "unknown", (stage or "", stage or ""))
    return f"{thai} · {english}"


def field_label(name: str) -> str:
    thai, english = FIELD_LABELS.get(name, (name, ""))
    return f"{thai} ({english})" if english else thai


def flag_title(code: str) -> str:
    return FLAG_TITLES.get(code, code.replace("_", " ").capitalize())


def thai_date(value: Any) -> str:
    """An ISO date as Thai readers write it: day, month, Buddhist-era year (31 ธ.ค. 2565)."""
    if not value:
        return "—"
    try:
        d = _dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return str(value)
    return f"{d.day} {THAI_MONTHS[d.month - 1]} {d.year + 543}"


def baht(value: Any) -> str:
    if value is None or value == "":
        return "—"
    try:
        number = float(value)
    except (TypeError, ValueError):
        return str(value)
    return f"{number:,.2f}" if number != int(number) else f"{int(number):,}"


def percent(value: Any) -> str:
    if value is None:
        return "—"
    return f"{float(value):g}%"


def verdict(value: bool | None) -> str:
    return {True: "yes", False: "no", None: "—"}[value]
