"""Typed header fields of a progress report from the raw ``label : value`` texts (labels: ``bma_nlp.parse.labels``)."""

from __future__ import annotations

import re

from bma_nlp.parse.dates import match_date, parse_date
from bma_nlp.parse.numbers import numeric_text, numeric_value, parse_amount
from bma_nlp.records import Project
from bma_nlp.text.normalize import arabic_digits

# the phone after its label, or after a slash (``name / phone``: the form's ``(ชื่อ-สกุล / โทรศัพท์)``);
# a full stop after it ends the sentence (or is a speck)
_PHONE = re.compile(
    r"^(?P<who>.*?)[\s,]*\(?\s*(?:(?:หมายเลข)?โทร(?:ศัพท์)?\.?|Tel\.?|tel\.?|/)\s*[:.]?\s*"
    r"(?P<phone>[0-9๐-๙][0-9๐-๙\-\s,/]*[0-9๐-๙](?:\s*(?:ต่อ|ext\.?|#)\s*[0-9๐-๙]+)?)\s*\)?[\s.]*$"
)
_PHONE_TAIL = re.compile(r"(?:โทร(?:ศัพท์)?\.?|Tel\.?|tel\.?)\s*[:.]?((?>(?:\s*[0-9๐-๙A-Za-z|\-/,]+)+))\s*\)?\s*$")
_TOKEN = re.compile(r"[0-9๐-๙A-Za-z|]+")
_BARE_PHONE_LABEL = re.compile(r"[\s,(]*(?:(?:หมายเลข)?โทร(?:ศัพท์)?|Tel|tel)\.?\s*[:.]?\s*\)?\s*$")
# an amount spelled out after its figures: ``1,200,000 บาท (หนึ่งล้านสองแสนบาทถ้วน)``
_SPELLED_OUT = re.compile(r"\s*\([\u0e01-\u0e4e\s]+\)\s*$")
# the agency's parts, then the responsible officer's post in brackets (the form's ชื่อผู้รับผิดชอบ,
# printed inside the agency line): ``เขต X / ฝ่าย Y / โรงเรียน Z (ผู้อำนวยการโรงเรียน Z)``
_AGENCY_POST = re.compile(r"^(?P<agency>.+/[^/()]+?)\s*\((?P<post>[^()./]{8,})\)$")
_CODE = re.compile(r"[0-9๐-๙]{4,}(?:\s*-\s*[0-9๐-๙]+)*")
# the form's code, 8 digits - 4 digits, with spaces inside a digit group
_SPACED_CODE = re.compile(r"(?<![0-9])((?:[0-9] ?){7}[0-9])\s*-\s*((?:[0-9] ?){3}[0-9])(?![0-9])")
def _whole_phone(phone: str) -> bool:
    """A number that can be dialled: an internal number has 4 digits or more, an outside number
    (it starts with 0) 9 or more before any extension. Fewer digits: the line was cut off."""
    number = re.split(r"ต่อ|ext|#", phone)[0]
    digits = sum(c.isdigit() for c in number)
    return digits >= 4 and (not number.startswith("0") or digits >= 9)


def _dates_in(value: str) -> list[str]:
    """The dates inside a value, in order (``1 ต.ค. 2566 - 30 ก.ย. 2567`` -> two)."""
    found: list[str] = []
    i = 0
    while i < len(value):
        if value[i].isdigit():
            try:
                hit = match_date(value[i:])
            except ValueError:
                hit = None
            if hit:
                found.append(hit[0])
                i += hit[1]
                continue
            while i < len(value) and value[i].isdigit():
                i += 1  # not a date here: on past this number
            continue
        i += 1
    return found


def _clean_text(value: str | None) -> str | None:
    if value is None:
        return None
    value = " ".join(value.split())
    return value or None


def build_project(fields: dict[str, str]) -> tuple[Project, list[tuple[str, str]]]:
    """Typed project fields from raw label values; also return (field, raw) that failed to parse."""
    project = Project()
    bad: list[tuple[str, str]] = []
    for key, raw in sorted(fields.items(), key=lambda kv: kv[0] == "period"):  # a period last: own date fields first
        value = _clean_text(raw)
        if value is None:
            continue
        if key == "code":
            spaced = _SPACED_CODE.search(numeric_text(arabic_digits(value)))
            m = _CODE.search(numeric_text(arabic_digits(value)))
            if spaced:  # 5099 0000-1234: a space OCR put inside the form's 8-4 code
                project.code = f"{re.sub(r'[^0-9]', '', spaced.group(1))}-{re.sub(r'[^0-9]', '', spaced.group(2))}"
            elif m:
                project.code = re.sub(r"\s+", "", arabic_digits(m.group(0)))
            elif re.search("[0-9๐-๙]", value):
                project.code = value  # a code of another shape, kept as printed
            else:
                bad.append((key, value))  # no digit at all: words a garbled label left, no code
        elif key == "fiscal_year":
            m = re.search(r"(?<![0-9])[0-9]{4}(?![0-9])", " ".join(numeric_value(w) for w in numeric_text(arabic_digits(value)).split()))
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
        elif key == "period":
            dates = _dates_in(value)
            if len(dates) == 2:  # the start and end: fields of their own, where printed, win
                project.start_date = project.start_date or dates[0]
                project.end_date = project.end_date or dates[1]
        elif key in ("budget_received", "budget_used"):
            amount = parse_amount(numeric_text(_SPELLED_OUT.sub("", value)))
            if amount is None:
                bad.append((key, value))
            setattr(project, key, amount)
        elif key == "coordinator":
            tail = _PHONE_TAIL.search(value)
            if tail:  # look-alikes in the number (7O3l) read as digits
                value = value[: tail.start(1)] + _TOKEN.sub(lambda t: numeric_value(arabic_digits(t.group(0))), tail.group(1))
            m = _PHONE.match(value)
            bare = _BARE_PHONE_LABEL.search(value) if not m else None
            if bare:  # the phone label and no number after it (the line was cut)
                project.coordinator = _clean_text(value[: bare.start()])
                bad.append(("coordinator_phone", value[bare.start() :].strip()))
            elif m:
                project.coordinator = _clean_text(m.group("who"))
                phone = arabic_digits(m.group("phone")).strip()
                if _whole_phone(phone):
                    project.coordinator_phone = phone
                else:
                    bad.append(("coordinator_phone", phone))  # cut off: a phone no one can dial is no phone
            else:
                project.coordinator = value
        elif key == "agency" and (post := _AGENCY_POST.match(value)):
            project.agency = post.group("agency")  # an abbreviation in brackets (a dot, a few letters) stays
            if not fields.get("responsible"):
                project.responsible = post.group("post")
        else:
            setattr(project, key, value)
    return project, bad
