"""Split an archive's lines into report copies and drop page furniture.

A file can hold several OCR'd copies of a report, each with its own layout; page breaks
leave repeated form titles and orphan lines (``รายงานครั้งที่ 6``, a bare ``2``) behind.
Each line is classified once; copies start where a header begins again.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bma_nlp.parse.header import match_field

FORM_TITLE = re.compile(r"แบบแสดงรายงานความก้าวหน้า")
_ORPHAN_REPORT_NO = re.compile(r"^รายงานครั้งที่\s*[0-9๐-๙]+\s*[:.]?$")
_PAGE_NUMBER = re.compile(r"^(?:-\s*)?(?:หน้า|page)?\s*[0-9๐-๙]{1,3}(?:\s*/\s*[0-9๐-๙]{1,3})?(?:\s*-)?$", re.IGNORECASE)
COPY_START = re.compile(r"^[0-9๐-๙]\.?\s*ชื่อโครงการและหน่วยงาน")
_PROGRESS_SECTION = re.compile(r"^[0-9๐-๙]\.?\s*รายงานความก้าวหน้าของโครงการ")
INSTALLMENT_START = re.compile(r"^(?:รายงานครั้งที่\s*[0-9๐-๙]+\s*)?::|^รายงานครั้งที่\s*[0-9๐-๙]+\s+\S")
_METRICS_HINT = re.compile(r"ความก้าวหน้า\S*\s*[=:]|งบประมาณที่เบิก|ผลการเบิกจ่าย\S*\s*[(=:]")
_SIGN_OFF = re.compile(r"^(?:ขอรับรองว่า|ลงชื่อ|ตำแหน่ง)")


@dataclass
class RawCopy:
    """One OCR'd copy of a report, as lines sorted by role."""

    fields: dict[str, str] = field(default_factory=dict)
    field_order: list[str] = field(default_factory=list)
    prose: list[str] = field(default_factory=list)
    installment_lines: list[str] = field(default_factory=list)
    conflicts: list[tuple[str, str, str]] = field(default_factory=list)
    start_line: int = 0  # index of the line (in the text split) that began this copy

    @property
    def empty(self) -> bool:
        return not self.fields and not self.installment_lines


def is_furniture(line: str) -> bool:
    s = line.strip()
    return bool(FORM_TITLE.search(s) and len(s) < 80) or bool(_ORPHAN_REPORT_NO.match(s)) or bool(_PAGE_NUMBER.match(s))


def split_copies(text: str) -> list[RawCopy]:
    """Group the lines of a normalised archive text into report copies."""
    copies: list[RawCopy] = []
    current = RawCopy()
    in_progress = False

    def start_new(at: int) -> None:
        nonlocal current, in_progress
        if not current.empty:
            copies.append(current)
        current = RawCopy(start_line=at)
        in_progress = False

    for number, line in enumerate(text.split("\n")):
        s = line.strip()
        if not s or is_furniture(s):
            continue
        if COPY_START.match(s):
            if current.fields or current.installment_lines:
                start_new(number)
            continue
        if _PROGRESS_SECTION.match(s):
            in_progress = True
            continue
        if INSTALLMENT_START.match(s) or _METRICS_HINT.search(s):
            in_progress = True
            current.installment_lines.append(line)
            continue
        found = match_field(s)
        if found is not None:
            key, value = found
            if key in current.fields or current.installment_lines:
                start_new(number)
            current.fields[key] = value
            current.field_order.append(key)
            continue
        if _SIGN_OFF.match(s):
            in_progress = False
            current.prose.append(s)
            continue
        if in_progress:
            current.installment_lines.append(line)  # a note's continuation line
        else:
            current.prose.append(s)
    if not current.empty:
        copies.append(current)
    return copies
