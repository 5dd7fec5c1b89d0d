"""Split an archive's lines into report copies, sort each line by role, and drop page furniture.

A file can hold several OCR'd copies of a report, each in its own layout: ``label : value``
lines (one or several fields on a line), Markdown pipe tables, a label on one line and its value
on the next, installments as ``::`` rows, space-aligned columns, one field per line, or table
rows. Page breaks leave repeated form titles and orphan lines (``รายงานครั้งที่ 6``, a bare
``2``) behind. Every label is recognised through the form's lexicon (``bma_nlp.parse.labels``),
however OCR garbled it. Copies start at the form's structure: the section that opens the
header (``1. ชื่อโครงการและหน่วยงาน...``), or a header field met again after the copy's
installments or identity fields.
"""

from __future__ import annotations

import csv
import html
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

from bma_nlp.parse.dates import match_date
from bma_nlp.parse.installments import BRACKET_CELL, METRICS, is_verdict_line, label_alone
from bma_nlp.parse.labels import (
    DOT_LEADER,
    HEADER_ROLES,
    INSTALLMENT_ROLES,
    QUALIFIER,
    SUM_WORDS,
    VERDICT_ROLES,
    WIDE_GAP,
    Label,
    canonical_metrics,
    canonical_text,
    classify_label,
    compact,
    find_labels,
    section_heading,
    skeleton_text,
)
from bma_nlp.parse.numbers import parse_ordinal

FORM_TITLE = re.compile(r"แบบแสดงรายงานความก้าวหน้า")
_REPORT_NO = r"(?:รายงาน(?:ผล)?)?ครั้งที่\s*([0-9๐-๙]{1,3})"  # an installment's number, its digits the group
# kept for repair's consensus (a copy starts at the header section); layout itself uses the lexicon
COPY_START = re.compile(r"^[0-9๐-๙]\.?\s*ชื่อโครงการและหน่วยงาน")
_ORPHAN_REPORT_NO = re.compile(r"^รายงาน(?:ผล)?ครั้งที่\s*[:=]?\s*[0-9๐-๙]+\s*[:.]?$")  # also ``รายงานครั้งที่ = 1`` (an export)
_BARE_FIGURE = re.compile(r"[0-9๐-๙]{1,3}(?:\.[0-9๐-๙]+)?")  # a page number's shape, or a value under its label
_PAGE_NUMBER = re.compile(r"^(?:-\s*)?(?:หน้า|page)?\s*[0-9๐-๙]{1,3}(?:\s*/\s*[0-9๐-๙]{1,3})?(?:\s*-)?$", re.IGNORECASE)
INSTALLMENT_START = re.compile(r"^(?:รายงานครั้งที่\s*[0-9๐-๙]*\s*)?::|^(?:รายงาน(?:ผล)?)?ครั้งที่\s*[0-9๐-๙]+\s+\S")
_METRICS_HINT = re.compile(
    r"ความก้าวหน้า\S*\s*[=:]|งบประมาณที่เบิก|ผลการเบิกจ่าย\S*\s*[(=:]|^\s*ความก้าวหน้า\S*\s+(?:ร้อยละ\s*)?[0-9๐-๙]"
    r"|ความก้าวหน้า\S*\s*(?:ร้อยละ\s*)?[0-9๐-๙][0-9๐-๙.,]*\s*%"
)
# the words one of which every match of _METRICS_HINT holds (tests/test_parse_equivalents.py
# checks them against the pattern's own: ``classify.clauses.required_strings``)
_METRICS_WORDS = ("ความก้าวหน้า", "งบประมาณที่เบิก", "ผลการเบิกจ่าย")
_STAMP = re.compile(
    r"^([^:0-9๐-๙]{2,30}?)\s*(?P<colon>:?)\s*[0-9๐-๙]{1,4}[/.\-][0-9๐-๙]{1,2}[/.\-][0-9๐-๙]{2,4}(?P<clock>\s+[0-9]{1,2}[:.][0-9]{2}(?:[:.][0-9]{2})?)?(?:\s*น\.)?$"
)
_DECORATION = re.compile(r"^[\s#>*▼▶►▸]+|[\s*<]+$|^\[(?=[^\]]+\]$)|\]$")  # also [a heading in brackets], >> a heading <<, ▼ a folding section's arrow
_BULLET = re.compile(r"^[-•·●○▪◦]\s+")
_BULLETS = frozenset("-•·●○▪◦")
_HTML_CELL = re.compile(r"<t[dh][^>]*>(.*?)(?=<t[dh][^>]*>|</tr>|$)", re.IGNORECASE)
_HTML_TAG = re.compile(r"<[^>]+>")
_HTML_BR = re.compile(r"<br\s*/?>", re.IGNORECASE)
_HTML_BREAK = re.compile(r"<br\s*/?>|</p>|</li>|</h[1-6]>|</ul>|<p>", re.IGNORECASE)
_COLUMN_GAP = re.compile(r"\t+| {2,}")
# a column gap right before a single colon: the typist aligned the colons (``label<TAB>: value``);
# not the ``::`` of the one-line layout's rows
_ALIGNED_COLON = re.compile(r"(?<=\S)(?:[ ]*\t[ \t]*| {3,})(?=:(?!:))")
# a comma that separates CSV cells: not one between digit groups (``240,000``: thousands)
_CSV_COMMA = re.compile(r"(?<![0-9๐-๙]),|,(?![0-9๐-๙]{3}(?![0-9๐-๙]))")
# ``words ........ value`` or ``words : value``: a field whose label was not recognised, never a wrapped value
_FIELD_SHAPE = re.compile(r"^[^:.…]{2,30}?(?:\s*:\s*|\s*(?:\.{3,}|…+)[.…\s]*)\S")
_TABLE_RULE = re.compile(r"^\|?\s*:?[-=]{2,}")  # (``|====|``: the rule under a grid head)
_INST_ROLES = INSTALLMENT_ROLES + VERDICT_ROLES
_INST_LABELS = INSTALLMENT_ROLES  # verdicts are read where they stand (after the metrics), not rewritten
_TITLE_SKELETON = skeleton_text("แบบแสดงรายงานความก้าวหน้า")
_PROGRESS_WORD = skeleton_text("ความก้าวหน้า")
_DISBURSED_WORD = skeleton_text("เบิก")
_SIGNOFF_SKELETONS = tuple(skeleton_text(w) for w in ("ขอรับรองว่า", "ลงชื่อ", "ตำแหน่ง"))
_SIGNOFF_FIRST = {k[i] for k in _SIGNOFF_SKELETONS for i in (0, 1)}
_SIGNOFF_FIRST_RAW = {chr(c) for c in range(0x0E01, 0x0E2F) if skeleton_text(chr(c)) in _SIGNOFF_FIRST}
# a sign-off line starts with one of the words' skeletons, or with it less its first letter (lost)
_SIGNOFF_HEADS = _SIGNOFF_SKELETONS + tuple(k[1:] for k in _SIGNOFF_SKELETONS if len(k) > 4)
_DIGITS = frozenset("0123456789๐๑๒๓๔๕๖๗๘๙")
_IDENTITY = {"name", "code", "fiscal_year"}
# fields whose value may wrap onto the next line (never numbers, dates or the phone)
_WRAPPING = {"name", "agency", "responsible", "strategy", "sub_strategy", "goal", "indicator", "coordinator"}


def _metrics_hint(s: str) -> bool:
    """``_METRICS_HINT.search(s)``, the regex run only on a line holding one of the words every
    match holds (str's own search: the regex, its ``^`` alternative keeping the engine from
    jumping, tries every character of every line; written out, not a generator: 3 checks)."""
    first, second, third = _METRICS_WORDS
    return (first in s or second in s or third in s) and _METRICS_HINT.search(s) is not None


@dataclass
class RawCopy:
    """One OCR'd copy of a report, as lines sorted by role."""

    fields: dict[str, str] = field(default_factory=dict)
    field_order: list[str] = field(default_factory=list)
    prose: list[str] = field(default_factory=list)
    installment_lines: list[str] = field(default_factory=list)
    narrative: dict[str, list[str]] = field(default_factory=dict)
    conflicts: list[tuple[str, str, str]] = field(default_factory=list)
    start_line: int = 0  # index of the line (in the text split at \n) that began this copy
    transposed: list[list[str]] = field(default_factory=list)  # a table with one column per installment

    @property
    def empty(self) -> bool:
        return not self.fields and not self.installment_lines and not self.transposed

    def close(self) -> RawCopy:
        """The copy once read: a transposed installment table becomes installment lines, and the
        notes a table had no column for, listed apart by number, go to their rows."""
        if self.transposed:
            notes, rest = _notes_by_number(self.installment_lines)
            self.installment_lines = rest + _transposed_lines(self.transposed, notes)
            self.transposed = []
        elif any(_ROW_WITHOUT_NOTE.match(line) for line in self.installment_lines):
            self.installment_lines = _notes_to_rows(self.installment_lines)
        return self


def _is_title(s: str) -> bool:
    if len(s) >= 90:
        return False
    return bool(FORM_TITLE.search(s)) or (("แบบ" in s or "แสดง" in s or "เกี่ยวกับ" in s) and _TITLE_SKELETON[:14] in skeleton_text(s))


def _is_print_stamp(s: str) -> bool:
    """``พิมพ์เมื่อ 01/02/2567 09:30``: when the page was printed, not report content."""
    if len(s) > 80:
        return False
    if "/" not in s and "-" not in s and "." not in s:
        return s[-1] in _DIGITS and _printed_with_month_name(s)
    if s[-1] not in _DIGITS and not s.endswith("น."):
        return False  # a stamp ends with its date or clock time (``_STAMP``'s end)
    m = _STAMP.match(s)
    # words, a date and a clock time and nothing else; or a date after a print label (วันที่พิมพ์)
    if m is None:
        return _printed_with_month_name(s)
    if m.group("clock") is not None and not m.group("colon"):
        return classify_label(m.group(1), HEADER_ROLES) is None  # ``เริ่มต้นโครงการ   2022-10-01 00:00:00`` is a field
    return classify_label(m.group(1), ("printed",)) is not None


_PRINTED_HEAD = re.compile(r"^([^0-9๐-๙:]{2,20}?)\s*:?\s*(?=[0-9๐-๙])")
_CLOCK_TAIL = re.compile(r"^\s*(?:เวลา\s*)?[0-9]{1,2}[:.][0-9]{2}(?:[:.][0-9]{2})?\s*(?:น\.)?\s*$")


def _printed_with_month_name(s: str) -> bool:
    """``พิมพ์เมื่อ 5 มี.ค. 2567 09:15 น.``: a print label, a date (its month by name), a time or nothing."""
    head = _PRINTED_HEAD.match(s)
    if head is None or classify_label(head.group(1), ("printed",)) is None:
        return False
    try:
        found = match_date(s[head.end() :])
    except ValueError:
        return False
    return found is not None and (not s[head.end() + found[1] :].strip() or bool(_CLOCK_TAIL.match(s[head.end() + found[1] :])))


@lru_cache(maxsize=4096)  # copies and pages repeat their lines: classify each once
def is_furniture(line: str) -> bool:
    s = line.strip()
    if not s or len(s) > 90:
        return False  # furniture is short; a long line is content
    return _is_title(s) or bool(_ORPHAN_REPORT_NO.match(s)) or bool(_PAGE_NUMBER.match(s)) or _is_print_stamp(s)


@lru_cache(maxsize=4096)  # copies and pages repeat their lines: classify each once
def _is_signoff(s: str) -> bool:
    if not _SIGNOFF_FIRST_RAW.intersection(s[:4]):
        return False
    return skeleton_text(s[:16]).startswith(_SIGNOFF_HEADS)


_SECTION_NUMBER = re.compile(r"^\s*(?:ข้อ\s*)?\(?[0-9๐-๙]{1,2}(?:\.[0-9๐-๙]{1,2})*[.)]?\s+")  # (ข้อ ๒: a legal-style item)


# OCR specks around a label: punctuation before it, a short token after it that is no Thai word
# (the form's พ.ศ. read as ``wat``, ``na``, ``บค``)
_LABEL_SPECKS = re.compile(r"^[^\u0e01-\u0e4e0-9A-Za-z]+|\s+(?:[A-Za-z]{1,4}|[\u0e01-\u0e2e]{1,2})\.?\s*$")


def match_fields(line: str, roles: tuple[str, ...] = HEADER_ROLES + _INST_ROLES) -> list[tuple[str, str]]:
    """``'รหัสโครงการ... : X<TAB>ปีงบประมาณ พ.ศ. : 2567'`` -> ``[('code', 'X'), ('fiscal_year', '2567')]``.

    Each tab- or wide-space-separated chunk that reads ``label : value`` is a field; a chunk
    that is not continues the value before it. Empty when the line's first chunk is no field.
    """
    return list(_fields_of(line, roles))


@lru_cache(maxsize=4096)  # copies repeat their lines: read each once
def _fields_of(line: str, roles: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    if line[:1] == "[" and ":" not in line:
        line = _BRACKET_LABEL.sub(r"\t\1 : ", line).strip()  # [รหัสโครงการ] X   [ปีงบประมาณ พ.ศ.] 2568
    if line.count(":") >= 2 and _INNER_COLON.search(line):
        line = _INNER_COLON.sub("", line)  # งบประ:มาณที่ได้รับ: X: a colon OCR put inside a label, the sign after it
    if ":" not in line or _clock_colons_only(line):  # the colons of a clock time (00:00:00) are no sign
        if "=" in line or ";" in line:
            line = line.replace("=", ":").replace(";", ":")  # รหัสโครงการ = X (or ; OCR read for :): the colon
        elif "..." in line or "…" in line:
            line = DOT_LEADER.sub(" : ", line, count=1)  # รหัสโครงการ ........ X: dots stand for the colon
        elif _COLUMN_GAP.search(line) and len(_COLUMN_GAP.split(line.strip(), 1)[0]) < 45:
            return _gap_pairs(line, roles)  # รหัสโครงการ      X: a wide gap stands for the colon
        if ":" not in line:
            return ()
    if "\t:" in line or "   :" in line:
        line = _ALIGNED_COLON.sub(" ", line)  # ชื่อโครงการ<TAB>: X: the colon aligned by a tab is the label's
    out: list[tuple[str, str]] = []
    for chunk in WIDE_GAP.split(line.strip()):
        label, sep, value = chunk.partition(":")
        # a section number (``4.``, ``(4)``) is the form's numbering, not part of the label: it must not cost the match
        lab = classify_label(_SECTION_NUMBER.sub("", label), roles) if sep else None
        if lab is None and sep and (bare := _LABEL_SPECKS.sub("", label)) != label and bare:
            lab = classify_label(bare, roles)  # ``; ปีงบประมาณ wat :``: specks before, พ.ศ. read as Latin after
        if lab is not None:
            out.extend(_glued_fields(lab.role, value.strip(), roles))
        elif sep and "code" in roles and (shaped := _CODE_SHAPED.match(chunk.strip())) is not None:
            out.append(("code", shaped.group("v")))  # a label cut short (รหัส : X), its value the form's 8-4 code
        elif out and not sep and (more := _gap_pairs(chunk, roles)):
            out.extend(more)  # ``รหัสโครงการ : X   ปีงบประมาณ พ.ศ. 2567``: the second field without its colon
        elif out:
            out[-1] = (out[-1][0], f"{out[-1][1]} {chunk.strip()}".strip())
        elif sep and value.strip():
            # a heading over several fields (``ระยะเวลา: เริ่มต้นโครงการ X  สิ้นสุดโครงการ Y``):
            # the value is ``label value`` pairs without their colons
            return _gap_pairs(line.partition(":")[2], roles)
        else:
            return ()
    return tuple(out)


def _clock_colons_only(line: str) -> bool:
    """``":" not in _CLOCK_TIME.sub("", line)``: every colon of the line is a clock time's. A colon
    without an ASCII digit before it is in no clock time: the regex pass runs only when each has one."""
    at = line.find(":")
    while at >= 0:
        if at == 0 or line[at - 1] not in "0123456789":
            return False
        at = line.find(":", at + 1)
    return ":" not in _CLOCK_TIME.sub("", line)


def _glued_fields(role: str, value: str, roles: tuple[str, ...]) -> list[tuple[str, str]]:
    """``('code', '50990000-2222 ปีงบประมาณ: 2567')`` -> the code, then the year: a second field
    after one space (a label of up to three words before a colon) is a field of its own."""
    if ":" not in value:
        return [(role, value)]
    head, _, rest = value.partition(":")
    words = head.split()
    for n in (1, 2, 3):
        if len(words) > n and classify_label(" ".join(words[-n:]), roles) is not None:
            lab = classify_label(" ".join(words[-n:]), roles)
            assert lab is not None
            return [(role, " ".join(words[:-n])), *_glued_fields(lab.role, rest.strip(), roles)]
    return [(role, value)]


# a colon glued between Thai letters with another colon after it on the line
_INNER_COLON = re.compile(r"(?<=[\u0e01-\u0e4e]):(?=[\u0e01-\u0e4e][^:]*:)")
_CODE_SHAPED = re.compile(r"^([^:=0-9๐-๙]{2,20})[:=]\s*(?P<v>[0-9๐-๙]{8}\s*-\s*[0-9๐-๙]{4})\s*$")
_CLOCK_TIME = re.compile(r"[0-9]{1,2}(?::[0-9]{2}){1,2}")
_PHONE_LABEL = re.compile(r"^(?:(?:หมายเลข)?โทร(?:ศัพท์)?|Tel|tel)\.?$")
_PHONE_FIELD = re.compile(r"^(?:(?:หมายเลข)?โทร(?:ศัพท์)?|Tel|tel)\.?\s*[:=]\s*([0-9๐-๙].*)$")  # โทรศัพท์ : 0 2xxx xxxx, alone on its line
_PHONE_IN = re.compile(r"โทร|Tel|tel|/\s*[0-9๐-๙]")
_PHONE_LEAD = re.compile(r"^(?:(?:หมายเลข)?โทร(?:ศัพท์)?|Tel|tel)\.?\s*[:.]?\s*[0-9๐-๙]")  # the phone label and its number
_BRACKET_LABEL = re.compile(r"\[([^\[\]:]{2,45})\]\s*")  # a label in brackets, its value after it
_NUMERIC_ROLES = ("code", "fiscal_year", "start_date", "end_date", "budget_received", "budget_used", "period")
_BARE_VALUE = re.compile(r"\s*[:.]?\s*(?=[0-9๐-๙])")


def _bare_field(line: str) -> list[tuple[str, str]]:
    """``'ปีงบประมาณ พ.ศ. 2567'``: a numeric field whose colon OCR lost, its label then one space
    and a figure (short: a sentence that begins with a label's words is prose, not a field)."""
    found = find_labels(line, _NUMERIC_ROLES)
    if not found or found[0][0] != 0 or len(line) > 90:
        return []
    start, end, lab = found[0]
    gap = _BARE_VALUE.match(line, end)
    value = line[gap.end() :].strip() if gap else ""
    if not value or len(value.split()) > 6:
        return []
    return [(lab.role, value)]


_SUM_WORD = re.compile(rf"^(?:{SUM_WORDS})\s*(?=[0-9๐-๙])")


def _inline_fields(line: str) -> list[tuple[str, str]]:
    """Header fields written into a sentence, no colon, no gap (a memo's ``1.3 งบประมาณที่ได้รับ
    จำนวน 245,000 บาท งบประมาณที่ใช้ไป จำนวน 238,760 บาท``): the line, its item number aside, starts
    with a header label, and each label's value runs to the next label. Empty unless every label
    has a value."""
    text = _SECTION_NUMBER.sub("", line.strip(), count=1)
    found = find_labels(text, HEADER_ROLES) if len(text) < 200 else []
    if not found or found[0][0] != 0:
        return []
    out = []
    for (_, end, lab), after in zip(found, [*found[1:], (len(text), len(text), None)], strict=True):
        if text[end : end + 1] != " " and not text.startswith("วันที่", end):
            return []  # words of a sentence part at spaces (a comma or a tab parts cells); เริ่มต้นโครงการวันที่ 1 ...
        value = _SUM_WORD.sub("", text[end : after[0]].strip(" \t:“”\"'"))
        if not value and lab.role == "period":
            continue  # ระยะเวลาดำเนินการ เริ่มต้นโครงการ ... สิ้นสุดโครงการ ...: a heading over its two dates
        if not value or value[0] == "(" or (lab.role in _NUMERIC_ROLES and not _DIGITS.intersection(value)):
            return []  # (a label's qualifier in brackets, or its words going on: the label goes on below)
        out.append((lab.role, value))
    return out


@lru_cache(maxsize=4096)  # the form's own lines (its section headings, asked whether a value follows) repeat in every report
def _gap_pairs(text: str, roles: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    """Fields without colons, chunks parted by wide gaps: ``label value`` in one chunk, or a label
    chunk then its value chunk (``'เริ่มต้นโครงการ 01/10/2563  สิ้นสุดโครงการ 30/09/2564'``,
    ``'รหัสโครงการ      50990000-1234'``). Empty unless every chunk is read so."""
    chunks = _COLUMN_GAP.split(_SECTION_NUMBER.sub("", text.strip(), count=1))  # (an item number before the label: 1.2  รหัสโครงการ  X)
    out: list[tuple[str, str]] = []
    i = 0
    while i < len(chunks):
        chunk = chunks[i]
        if out and i + 1 < len(chunks) and _PHONE_LABEL.match(chunk):
            out[-1] = (out[-1][0], f"{out[-1][1]} {chunk} {chunks[i + 1]}")  # โทรศัพท์ <TAB> 0 2xxx xxxx: the value's phone
            i += 2
            continue
        qualifier = QUALIFIER.search(chunk)  # (a qualifier after the label, no figure in it: งบประมาณที่ใช้ไป (สะสม), ... (บาท))
        head = chunk[: qualifier.start()] if qualifier and not _DIGITS.intersection(qualifier.group(1)) else chunk
        lab = classify_label(head, roles) if len(chunk) < 45 else None
        if lab is not None and len(skeleton_text(head)) > len(lab.skeleton) + 1:
            lab = None  # a label with its value in the chunk (below), not a label alone
        if lab is not None and i + 1 < len(chunks):
            ahead = find_labels(chunks[i + 1], roles)
            if ahead and ahead[0][0] == 0 and ahead[0][2].role != lab.role and chunks[i + 1][ahead[0][1] :].strip(" :"):
                i += 1  # a heading over pairs (ระยะเวลาดำเนินการ  เริ่มต้นโครงการ X  สิ้นสุดโครงการ Y)
                continue
        if lab is not None and i + 1 < len(chunks) and classify_label(chunks[i + 1], roles) is None:
            out.append((lab.role, chunks[i + 1]))
            i += 2
            continue
        if out and _PHONE_LEAD.match(chunk):
            out[-1] = (out[-1][0], f"{out[-1][1]} {chunk}")  # name  โทรศัพท์ 0 2xxx xxxx: the value's phone
            i += 1
            continue
        found = find_labels(chunk, roles)
        value = chunk[found[0][1]:].strip(" :") if found and found[0][0] == 0 else ""
        if not value:
            return ()
        out.append((found[0][2].role, value))
        i += 1
    return tuple(out)


def match_field(line: str) -> tuple[str, str] | None:
    """``'รหัสโครงการ... : 50070000-3437'`` -> ``('code', '50070000-3437')``; None if not a field."""
    found = match_fields(line, HEADER_ROLES)
    return found[0] if found else None


def _table_cells(line: str) -> list[str] | None:
    """A table row's cells: Markdown pipes (outer bars optional), an HTML ``<tr>``, or CSV."""
    s = line.strip()
    if s.count("|") >= 2 or (s.count("|") == 1 and not s.startswith("|")):
        cells = [c.strip() for c in s.strip("|").split("|")]
        if s.startswith("|") or classify_label(cells[0]) is not None:
            return cells
    if "<td" in s or "<th" in s:
        return [_strip_html(c) for c in _HTML_CELL.findall(s)]
    if "\t" in s and ":" not in s:  # tab-separated cells (a spreadsheet pasted as text; a cell in quotes unquoted)
        cells = [c.strip() for c in s.split("\t")]
        cells = [c[1:-1].replace('""', '"').strip() if len(c) >= 2 and c[0] == c[-1] == '"' else c for c in cells]
        if (len(cells) >= 4 or classify_label(cells[0]) is not None) and not _installment_pairs(cells):
            return cells
    # (a row of the one-line ``::`` layout is never CSV: a comma in it is a figure's or an OCR speck, รายงานครั้ง,ที่2)
    if s.count(",") >= 1 and ":" not in s.partition(",")[0] and "::" not in s and _CSV_COMMA.search(s):
        cells = next(csv.reader([s]))
        if len(cells) >= 2 and (classify_label(cells[0]) is not None or section_heading("1 " + cells[0]) is not None or len(cells) >= 4 or not cells[0].strip()):
            return [c.strip() for c in cells]  # (a first cell empty: the row goes on with the one above)
    return None


_KEY_ROLES = (*INSTALLMENT_ROLES, "verdict_label")


def _installment_pairs(cells: list[str]) -> bool:
    """``label, value, label, value`` of an installment's fields on one line (``ความก้าวหน้าของงานฯ
    <TAB> 5 % <TAB> งบประมาณที่เบิกใช้ (ครั้งที่ 1) <TAB> 0 บาท``): fields, not a table's head."""
    cells = [c for c in cells if c]
    if len(cells) < 2 or len(cells) % 2:
        return False
    return all(classify_label(c, _KEY_ROLES) is not None for c in cells[0::2]) and all(
        classify_label(c, _KEY_ROLES) is None for c in cells[1::2]
    )


_ROW_ITEM = re.compile(r"\s+(?=\(?[0-9๐-๙]{1,2}[.)]\s)")


def _label_pairs(cells: list[str]) -> list[tuple[str, str]]:
    """``[label, value, label, value]`` when every other cell is a header label."""
    if len(cells) < 2 or len(cells) % 2:
        return []
    labels = cells[0::2]
    if all(classify_label(c, HEADER_ROLES) is not None for c in labels):
        return list(zip(labels, cells[1::2], strict=True))
    return []


def _quoted_cells_joined(lines: list[str]) -> list[str]:
    """A spreadsheet pasted as text: a quoted cell holding line breaks (``"para 1<NL>para 2"``)
    joined into its row with a space; the lines it took become empty (the lines keep their numbers).
    The cell's closing quote must have the row's next tab after it: a quote that opens a message
    (a chat's export) and closes far below, at a line's end, holds text of its own lines."""
    out = list(lines)
    k = 0
    while k < len(out):
        if "\t" in out[k] and out[k].count('"') % 2:
            end = next((j for j in range(k + 1, min(len(out), k + 30)) if out[j].count('"') % 2), None)
            if end is not None and '"\t' in out[end]:
                out[k] = " ".join(x.strip() if j else x for j, x in enumerate(out[k : end + 1]))
                out[k + 1 : end + 1] = [""] * (end - k)
                k = end
        k += 1
    return out


def _labels_row(cells: list[str]) -> bool:
    """A table row of header labels (three or more, twice as many as its other cells: a column of
    row numbers, ``ลำดับ``, or the phone's): the head of a header laid out as a table."""
    found = [classify_label(c, HEADER_ROLES) is not None for c in cells if c]
    return sum(found) >= 3 and sum(found) >= 2 * found.count(False) and not _DIGITS.intersection("".join(cells))


def _under_labels(labels: list[str], values: list[str]) -> list[tuple[str, str]]:
    """Each header label of a row of labels with the value under it in the next row."""
    pairs = [(label, value) for label, value in zip(labels, values, strict=False) if value and classify_label(label, HEADER_ROLES) is not None]
    phone = next((value for label, value in zip(labels, values, strict=False) if value and _PHONE_LABEL.match(label)), None)
    where = next((k for k, (label, _) in enumerate(pairs) if classify_label(label, HEADER_ROLES).role == "coordinator"), None)  # type: ignore[union-attr]
    if phone and where is not None:
        pairs[where] = (pairs[where][0], f"{pairs[where][1]} โทร {phone}")  # the phone column: the coordinator's phone
    return pairs


def _strip_html(text: str) -> str:
    return " ".join(html.unescape(_HTML_TAG.sub(" ", text)).split())


def html_lines(text: str) -> str:
    """HTML table remains as lines the splitter reads: a ``<tr>`` stays one row (its ``<br>``
    becomes a space), other block ends and ``<br>`` end a line, ``<li>`` items become bullets."""
    return "\n".join(line for _, line in numbered_lines(text))


# a system's XML export of the form: elements become the lines the form prints
_XML_DECL = re.compile(r"<\?xml[^>]*\?>|<!--.*?-->")
_XML_FORM = re.compile(r"<\w+\b[^>]*?\bform=\"([^\"]+)\"[^>]*>")  # <report form="title">: a copy starts
_XML_FIELD = re.compile(r"<(\w+)\b[^>]*?\blabel=\"([^\"]*)\"[^>]*?(?:/>|>([^<]*)</\1>)")  # <field label="L">V</field>
_XML_LABELLED = re.compile(r"<\w+\b[^>]*?\blabel=\"([^\"]*)\"[^>]*>")  # <section label="L">: a heading
_XML_NUMBERED = re.compile(r"<\w+\b[^>]*?\bno=\"([^\"]*)\"[^>]*>")  # <installment no="K">
_XML_ITEM = re.compile(r"<item\b[^>]*>")


# a PDF-to-text box table (┌─┬─┐ │ a │ b │ └─┴─┘): its cell walls are a pipe table's, its rules a rule row
_BOX_WALLS = str.maketrans({"│": "|", "┃": "|", "║": "|"})
_BOX_RULE = re.compile(r"\s*[┌┬┐├┼┤└┴┘╔╦╗╠╬╣╚╩╝╞╪╡╟╫╢─━═]+\s*")


_BOX_TITLE = re.compile(r"\s*[┌╔╒╓]\s*[─━═]+\s*(\S.*?)\s*[─━═]+\s*[┐╗╕╖]\s*")  # ┌─ รายงานครั้งที่ 1 ───┐


def _box_line(line: str) -> str:
    if _BOX_RULE.fullmatch(line):
        return "|---|" if line.strip()[:1] in "├╠╞╟" else ""  # the rule under a header row; the box's top and bottom are no row
    if titled := _BOX_TITLE.fullmatch(line):
        return titled.group(1)  # a box's title, printed in its top rule
    return line.translate(_BOX_WALLS)


_BOX_JUNCTIONS = frozenset("┬┼┴╤╪╧╦╬╩╥╫╨")
# a grid table drawn with ASCII (``+------+-----+``, ``+======+=====+`` under its head)
_ASCII_RULE = re.compile(r"\s*\+(?:[-=:]{2,}\+)+\s*")  # two corners: a text frame's; more: a grid table's
# a text area drawn with ASCII (a web form's printout): ``+-----+`` over and under ``| text |`` rows


def _text_frames(lines: list[str], framed: list[str], top: Callable[[str], bool], bottom: Callable[[str], bool]) -> list[str]:
    """``framed`` (``lines`` with their frames' rules already read) with the walls of each frame
    that holds text taken away: from a ``top`` line to the next ``bottom`` one, when no rule of it
    parts columns (a junction: ``┼``, ``+---+---+``) and no row has a wall inside, each row
    ``| text |`` becomes ``text``. A frame with columns is a table: left as it is."""
    out = list(framed)
    k = 0
    while k < len(lines):
        if not top(lines[k]):
            k += 1
            continue
        end = next((j for j in range(k + 1, len(lines)) if bottom(lines[j]) or top(lines[j])), None)
        if end is None or not bottom(lines[end]):
            k = k + 1 if end is None else end
            continue
        rows = [framed[j].strip() for j in range(k + 1, end)]
        if not _BOX_JUNCTIONS.intersection("".join(lines[k : end + 1])) and all("|" not in r[1:-1] for r in rows):
            for j, row in enumerate(rows, k + 1):
                if len(row) >= 2 and row[0] == row[-1] == "|":
                    out[j] = row[1:-1].strip()
        k = end if top(lines[end]) else end + 1  # (an ASCII rule closes one frame and may open the next)
    return out


def _xml_field(m: re.Match[str]) -> str:
    value = html.unescape(m.group(3) or "").strip()
    return f"{html.unescape(m.group(2))} : {value}" if value else ""  # an empty element: no value (no verdict), no line


def _xml_line(line: str) -> str:
    """One line of an XML export as the form prints it (``<field label="L">V</field>`` -> ``L : V``,
    ``<installment no="K">`` -> ``[รายงานครั้งที่ K]``); a line without such elements is kept."""
    if not any(t in line for t in ('label="', 'no="', "form=", "<?xml", "<item", "<p>", "</")):
        return line
    indent = line[: len(line) - len(line.lstrip())]
    out = _XML_DECL.sub("", line)
    out = _XML_FORM.sub(lambda m: html.unescape(m.group(1)), out)
    out = _XML_FIELD.sub(_xml_field, out)
    out = _XML_LABELLED.sub(lambda m: html.unescape(m.group(1)), out)
    out = _XML_NUMBERED.sub(lambda m: f"[รายงานครั้งที่ {m.group(1)}]", out)
    out = _XML_ITEM.sub("- ", out)
    out = html.unescape(_HTML_TAG.sub("", out)).strip()
    return indent + out if out else ""


_WIDE_GAP = re.compile(r" {3,}(?=\S)")
_THAI_LETTER = re.compile("[\u0e01-\u0e2e]")


def _right_column(block: list[str]) -> int | None:
    """Where the right column of a two-column page read across begins in ``block`` (lines with
    no blank between them), or None. Both columns are text (Thai), the right one starts at one
    character position on at least three lines after a wide gap, and no other position is shared
    so (an aligned table has several)."""
    starts: Counter[int] = Counter()
    for line in block:
        for m in _WIDE_GAP.finditer(line):
            if m.end() >= 40:  # mid-page: a label column with its values beside it is narrower
                starts[m.end()] += 1
    if not starts:
        return None
    (col, n), *rest = starts.most_common()
    if n < 3 or (rest and rest[0][1] * 2 >= n):
        return None
    split = [line for line in block if len(line) > col and line[col - 1] == " " and line[col] != " "]
    if len(split) * 2 < len(block):
        return None  # a few lines with two fields each (verdicts side by side) in a column of text
    lefts = [line[:col].strip() for line in split]
    rights = [line[col:].strip() for line in split]
    if sum(bool(_THAI_LETTER.search(x)) for x in lefts) * 2 < len(split) or sum(bool(_THAI_LETTER.search(x)) for x in rights) * 2 < len(split):
        return None
    if any(_WIDE_GAP.search(x) for x in rights):
        return None  # more columns on the right: a table, not a page of two columns
    return col


# a numbered section heading glued after other text (its line break lost): ``... ต่อ 20 1.3 หลักการและเหตุผล``
_GLUED_SECTION = re.compile(r"(?<=\S)[ \t]+(?=[0-9๐-๙]{1,2}\.[0-9๐-๙]{1,2}\.?[ \t]+[\u0e01-\u0e2e])")
# the same place found from the heading's first dot (a literal the engine jumps to; a pattern that
# begins with a look-behind is tried at every character of the text)
_SECTION_DOT = re.compile(r"\.[0-9๐-๙]{1,2}\.?[ \t]+[\u0e01-\u0e2e]")
_DIGIT_CHARS = frozenset("0123456789๐๑๒๓๔๕๖๗๘๙")


def _glued_section_ends(text: str) -> list[int]:
    """Where each match of ``_GLUED_SECTION`` in ``text`` ends (its heading's number begins), in
    order: a dot after one or two digits, the digits after spaces or tabs, those after a character
    that is not whitespace."""
    ends = []
    for m in _SECTION_DOT.finditer(text):
        q = m.start()
        d = q - 2 if q >= 2 and text[q - 2] in _DIGIT_CHARS else q - 1  # the number's first digit
        if d < 1 or text[q - 1] not in _DIGIT_CHARS or text[d - 1] not in " \t":
            continue
        run = d - 1
        while run > 0 and text[run - 1] in " \t":
            run -= 1
        if run > 0 and not text[run - 1].isspace():
            ends.append(d)
    return ends


def _glued_heading_at(text: str, start: int) -> bool:
    end = text.find("\n", start)
    return section_heading(text[start : end if end >= 0 else len(text)].strip()[:110]) is not None


def _glued_sections(line: str) -> list[str]:
    """The line cut before each numbered form heading glued inside it (the heading begins a line)."""
    if not _GLUED_SECTION.search(line):
        return [line]
    parts: list[str] = []
    last = 0
    for m in _GLUED_SECTION.finditer(line):
        if _glued_heading_at(line, m.end()):
            parts.append(line[last : m.start()])
            last = m.end()
    parts.append(line[last:])
    return parts


_NARROW_GAP = re.compile(r" {2,}(?=\S)")


def _overflow_gap(line: str, col: int) -> int | None:
    """Where the right column begins on a line whose left text ran past the column's edge: the
    first gap of two spaces or more shortly after it (None: the line is one column's)."""
    for m in _NARROW_GAP.finditer(line, col - 2):
        return m.end() if m.end() <= col + 12 else None
    return None


def _columns_apart(lines: list[str]) -> list[tuple[int, str]]:
    """The lines, each two-column block read column by column (its left column's lines, then its
    right column's), each line with its index."""
    out: list[tuple[int, str]] = []
    block: list[int] = []

    def flush() -> None:
        col = _right_column([lines[k] for k in block]) if len(block) >= 3 else None
        if col is None:
            out.extend((k, lines[k]) for k in block)
        else:
            right: list[tuple[int, str]] = []
            for k in block:
                line = lines[k]
                at = col if len(line) > col and line[col - 1] == " " and line[col] != " " else _overflow_gap(line, col)
                if at is not None:
                    out.append((k, line[:at].rstrip()))
                    right.append((k, line[at:].strip()))
                else:
                    out.append((k, line))
            out.extend(right)
        block.clear()

    for k, line in enumerate(lines):
        if line.strip():
            block.append(k)
        else:
            flush()
            out.append((k, line))
    flush()
    return out


# a printed web form: each value in a box (``[ 2569 ▾ ]``: a drop-down's arrow), on the line below its label
_BOX_ROW = re.compile(r"\s*(?:\[[^\[\]]*\]\s*)+")
_BOX_VALUE = re.compile(r"\[\s*([^\[\]]*?)\s*[▾▼]?\s*\]")
_REQUIRED_MARK = re.compile(r"\s*\*$")  # a required field's star after its label


def _values_in_boxes(lines: list[str]) -> list[str]:
    """A printed web form read as ``label : value`` lines: a line of one to three form labels
    (parted by wide gaps) over a line of as many boxed values pairs them in order; the value line
    becomes empty, so the lines keep their numbers. Any other line stays as it is."""
    out = list(lines)
    for k in range(len(lines) - 1):
        below = lines[k + 1]
        if "[" not in below or not _BOX_ROW.fullmatch(below) or not lines[k].strip() or "[" in lines[k]:
            continue
        labels = [_REQUIRED_MARK.sub("", chunk) for chunk in WIDE_GAP.split(lines[k].strip())]
        values = _BOX_VALUE.findall(below)
        if len(labels) != len(values) or len(labels) > 3 or any(_box_label(label) is None for label in labels):
            continue
        indent = lines[k][: len(lines[k]) - len(lines[k].lstrip())]
        out[k] = indent + "\t".join(f"{label} : {value}" for label, value in zip(labels, values, strict=True))
        out[k + 1] = ""
    return out


def _box_label(text: str) -> Label | None:
    """The form label ``text`` is (a unit in brackets after it aside: ``งบประมาณที่ได้รับ (บาท)``)."""
    bare = re.sub(r"\s*\((?:บาท|%|ครั้งที่\s*[0-9๐-๙]+)\)$", "", text)
    return classify_label(bare, HEADER_ROLES + _INST_ROLES + ("verdict_label",)) if bare else None


_RECORD_START = re.compile(rf"^\s*(?:\(?[0-9๐-๙]{{1,2}}(?:\.[0-9๐-๙]{{1,2}})*[.)]?\s+)?({_REPORT_NO}\s*;.*)$")


def _semicolon_records(lines: list[str]) -> list[str]:
    """Installments typed as records of fields parted by ``;`` under a key in brackets that names
    them (``(ครั้งที่ ; วันที่รายงาน ; ผลการดำเนินงาน ; ...)``), each key and record wrapped over
    lines as it runs: the key becomes a pipe table's head and each record its row (the lines a key
    or a record took become empty, so the lines keep their numbers). Left as they are unless the
    key names installment columns and every record has as many fields as the key."""
    out = list(lines)
    k = 0
    while k < len(lines):
        if not lines[k].lstrip().startswith("(") or ";" not in lines[k]:
            k += 1
            continue
        end = next((j for j in range(k, min(len(lines), k + 4)) if lines[j].rstrip().endswith(")")), None)
        if end is None:
            k += 1
            continue
        key = [c.strip() for c in " ".join(x.strip() for x in lines[k : end + 1]).strip("() ").split(";")]
        head = _Table(key)
        if len(key) < 4 or not head.is_installments:
            k = end + 1
            continue
        records: list[tuple[int, int, list[str]]] = []
        j = end + 1
        while j < len(lines) and (m := _RECORD_START.match(lines[j])):
            stop = j + 1
            while stop < len(lines) and lines[stop].strip() and not _RECORD_START.match(lines[stop]) and lines[stop][:1].isspace():
                stop += 1
            text = " ".join([m.group(1).strip(), *(x.strip() for x in lines[j + 1 : stop])])
            records.append((j, stop, [c.strip() for c in text.split(";")]))
            j = stop
        if not records or any(len(cells) != len(key) for _, _, cells in records):
            k = end + 1
            continue
        out[k] = "| " + " | ".join(key) + " |"
        for x in range(k + 1, end + 1):
            out[x] = ""
        for first, stop, cells in records:
            out[first] = "| " + " | ".join(cells) + " |"
            for x in range(first + 1, stop):
                out[x] = ""
        k = j
    return out


def numbered_lines(text: str) -> list[tuple[int, str]]:
    """The text's lines, each with the index of the line of ``text`` it comes from (HTML remains
    read as ``html_lines`` reads them: one line of ``text`` may give several)."""
    lines = text.split("\n")
    if "│" in text or "┃" in text or "║" in text:
        lines = _text_frames(lines, [_box_line(line) for line in lines], lambda x: x.lstrip()[:1] in ("┌", "╔"), lambda x: x.lstrip()[:1] in ("└", "╚"))
    if 'label="' in text or "<?xml" in text:
        lines = [_xml_line(line) if "<" in line else line for line in lines]
    if "+--" in text or "+==" in text:
        lines = ["" if line.count("+") > 2 and _ASCII_RULE.fullmatch(line) else line for line in lines]  # a grid table's rules: no rows
    if "+---" in text:  # (a rule is both a frame's top and its bottom)
        rule = lambda x: x.count("+") == 2 and _ASCII_RULE.fullmatch(x) is not None  # noqa: E731
        lines = _text_frames(lines, ["" if rule(line) else line for line in lines], rule, rule)
    if "\t" in text and '"' in text:
        lines = _quoted_cells_joined(lines)
    if " ; " in text:
        lines = _semicolon_records(lines)
    if "[ " in text and " ]" in text:
        lines = _values_in_boxes(lines)
    rows = _columns_apart(lines) if "     " in text else list(enumerate(lines))
    if any(_glued_heading_at(text, end) for end in _glued_section_ends(text)):
        rows = [(k, part) for k, line in rows for part in _glued_sections(line)]
    if "<td" not in text and "<br" not in text and "<p>" not in text:
        return rows
    out: list[tuple[int, str]] = []
    for k, line in rows:
        if "<tr" in line or "<td" in line:
            out.append((k, _HTML_BR.sub(" ", line)))
            continue
        line = _HTML_BREAK.sub("\n", line)
        line = re.sub(r"<li[^>]*>", "\n- ", line)
        out.extend((k, _strip_html(part) if "<" in part or "&" in part else part) for part in line.split("\n"))
    return out


def _without_label(cell: str, role: str) -> str:
    """A cell's value when the cell repeats its column's label (``ความก้าวหน้าของงานฯ = 10.00 %``)."""
    if role not in ("progress", "disbursed"):
        return cell
    found = find_labels(cell, (role,))
    return cell[found[0][1]:].lstrip(" =:") if found else cell


_FIGURE_LEAD = re.compile(r"[-–]|[0-9๐-๙]")
_DATE_HEADS = frozenset(skeleton_text(x) for x in ("วันที่", "ณ วันที่"))
_PERCENT_HEADS = frozenset(skeleton_text(x) for x in ("ร้อยละ", "%", "(%)", "ร้อยละ (%)"))


class _Table:
    """An installment table: which column holds which installment field."""

    def __init__(self, cells: list[str]) -> None:
        self.roles: list[str | None] = []
        for cell in cells:
            cell = cell.replace(":", "") if ":" in cell and not _DIGITS.intersection(cell) else cell  # a colon OCR put in a column's label
            # ``ผลเทียบแผน /`` over ``ผลเทียบเป้าหมาย``: one column for both verdicts, read as the plan's;
            # its cells hold both phrases (wrapped rows join), and each verdict is read by its meaning
            cell = cell.rstrip(" /")
            lab = classify_label(cell, _INST_ROLES + ("plan_word", "target_word"))
            role = lab.role if lab else None
            if role is None:
                s = skeleton_text(cell)
                if s.endswith(skeleton_text("แผน")):
                    role = "plan"
                elif skeleton_text("เป้าหมาย") in s:
                    role = "target"
                elif s in _DATE_HEADS:
                    role = "inst_date"  # (ณ วันที่: "as of the date")
                elif s in _PERCENT_HEADS:
                    role = "progress"  # a column headed ร้อยละ or (%) alone: the share of the work done
                else:  # a label after a qualifier (เบิกเงินครั้งที่: the ordinal column), or the column's key word
                    inside = {lab.role for _, _, lab in find_labels(cell, INSTALLMENT_ROLES)}
                    role = inside.pop() if len(inside) == 1 else None
                    if role is None and _PROGRESS_WORD in s:
                        role = "progress"  # ความก้าวหน้า (%)
                    elif role is None and _DISBURSED_WORD in s:
                        role = "disbursed"  # เบิกจ่าย (บาท)
            self.roles.append(role)

        self.numbers = any(re.search("[0-9๐-๙]", cell) for cell in cells)
        self.starts: list[int] | None = None  # where each column begins (a table aligned with spaces)
        self.last: list[str] | None = None  # the cells of the last row read (its wrapped lines join it)

    def wrapped(self, cells: list[str]) -> bool:
        """A row that holds the wrapped lines of the row before (a cell's text going on under it):
        its number, date and figures empty, something in another cell."""
        keys = ("ordinal", "report_no", "inst_date", "progress", "disbursed")
        return (
            self.last is not None and len(cells) == len(self.roles) and any(cells)
            and not any(cell.strip() for role, cell in zip(self.roles, cells, strict=True) if role in keys)
        )  # fmt: skip

    def join(self, cells: list[str]) -> list[str]:
        """The last row with a wrapped row's cells added to it, each after a space."""
        assert self.last is not None
        self.last = [f"{a} {b}".strip() if b.strip() else a for a, b in zip(self.last, cells, strict=True)]
        return self.last

    @property
    def is_installments(self) -> bool:
        """A header row of installment columns (data rows that repeat the labels hold numbers; a
        row with one cell read as a label is a wrapped note's, not a head)."""
        return ("progress" in self.roles or "disbursed" in self.roles) and not self.numbers and sum(r is not None for r in self.roles) >= 2

    def table_row(self, line: str, chunks: list[tuple[int, str]]) -> list[str] | None:
        """A row's cells under an aligned head (``starts``): one per wide-gap chunk when the
        counts agree, else cut at the columns' places (a cut inside a word moves to its start)."""
        assert self.starts is not None
        if not chunks or not _DIGITS.intersection(chunks[0][1][:3]) and len(chunks) != len(self.starts):
            return None  # a row begins with its number or date (a note's line below a row does not)
        if len(chunks) == len(self.starts):
            cells = [c for _, c in chunks]
        elif len(chunks) < len(self.starts):
            cuts = []
            for p in self.starts[1:]:
                while 0 < p < len(line) and line[p - 1] != " ":
                    p -= 1
                cuts.append(p)
            bounds = [0, *cuts, len(line)]
            cells = [line[a:b].strip() for a, b in zip(bounds, bounds[1:], strict=False)]
            if not all(_FIGURE_LEAD.match(cell) for role, cell in zip(self.roles, cells, strict=False) if role in ("progress", "disbursed") and cell):
                return None  # words where the figures stand: the row does not keep the head's places (wrapped, or OCR'd)
        else:
            return None
        return cells if self.holds_figures(cells) else None

    def holds_figures(self, cells: list[str]) -> bool:
        return any(role in ("progress", "disbursed") and re.search("[0-9๐-๙]", cell) for role, cell in zip(self.roles, cells, strict=False))

    def row_line(self, cells: list[str]) -> str:
        """A table row as the ``::`` layout prints it, so one installment reader serves both."""
        get = {role: _without_label(cell, role) for role, cell in zip(self.roles, cells, strict=False) if role}
        number = re.sub(r"[^0-9๐-๙]", "", get.get("report_no", ""))
        disbursed = get.get("disbursed", "")
        ordinal = re.sub(r"[^0-9๐-๙]", "", get.get("ordinal", ""))
        after = re.match(r"^(.*?)\s*(\(\s*(?:ครั้งที่)?\s*[0-9๐-๙]*\s*\))\s*$", disbursed)
        if after and after.group(1):
            disbursed = f"{after.group(2)} {after.group(1)}"  # ``0.00 บาท (ครั้งที่ 1)``: the ordinal first, as the form prints it
        if ordinal and "(" not in disbursed:
            disbursed = f"(ครั้งที่ {ordinal}) {disbursed}"  # the ordinal in a column of its own
        if not re.search(r"ครั้งที่|\(", disbursed):
            disbursed = f"() {disbursed}"
        disbursed = re.sub(r"^(.*?\))\s*[=:]?\s*", r"\1 = ", disbursed, count=1)
        progress = get.get("progress", "")
        return (
            f"รายงานครั้งที่{number} :: {get.get('inst_date', '')} : {get.get('inst_note', '')} :: "
            f"ความก้าวหน้าของงานฯ = {progress} งบประมาณที่เบิกใช้ {disbursed} : {get.get('plan', '')} : {get.get('target', '')}"
        )


_RULE_LINE = re.compile(r"^[-=_─━ ]{3,}$")

# A table row that lost its cells' gaps: read back from a printed page by OCR (one space between
# cells) or wrapped over several lines, as a wide row wraps on paper: its number, its date (OCR may
# have lost a slash: ``30/1212565``), then the note, the progress and the amount, read by what they are.
_LOOSE_ROW_START = re.compile(r"^(?P<no>[0-9๐-๙]{1,2})[.)]?\s+(?P<date>[0-9๐-๙]{1,2}\s?[/.\-][0-9๐-๙/.\-\s]{4,10}?[0-9๐-๙])\s+(?P<rest>\S.*)$")
_LOOSE_ROW_METRICS = re.compile(
    r"(?P<progress>[0-9๐-๙]{1,3}(?:[.,][0-9๐-๙]{1,2})?)\s*%\s*\S{0,2}?(?:[(\[{]\s*ครั้งที่\s*(?P<k>[0-9๐-๙]{1,2})\s*[)\]}]?)?\s*"
    # the amount with its unit, or without it (the unit in the column's head, ``เบิกจ่าย (บาท)``) when
    # it prints satang (``0.00``, ``712,500.00``): a figure with two decimals after a percentage is money
    r"(?P<amount>[0-9๐-๙][0-9๐-๙,]*(?:\.[0-9๐-๙]{1,2})?(?=\s*บาท)|[0-9๐-๙][0-9๐-๙,]*\.[0-9๐-๙]{2}(?![0-9๐-๙]))(?:\s*บาท)?"
)
_LOOSE_ROW_LINES = 6  # a row wraps over a few lines at most
_COLUMN_WORDS = re.compile(r"วันที่|เทียบ(?:แผน|เป้าหมาย)|\((?:%|บาท)\)|\s+")
_HEAD_WORDS = re.compile(r"ครั้งที่|ความก้าวหน้า|งบประมาณ|ผลการดำเนิน|ผลการดําเนิน")  # a head names two of its columns so


def _head_labels(s: str) -> int | None:
    """How many column labels ``s`` holds when it holds nothing else (วันที่, เทียบแผน, ... besides
    the installment labels, no digit); None when it holds anything else."""
    if _DIGITS.intersection(s):
        return None
    found = find_labels(s, _INST_ROLES)
    rest, at = [], 0
    for start, end, _ in found:
        rest.append(s[at:start])
        at = end
    rest.append(s[at:])
    return None if _COLUMN_WORDS.sub("", "".join(rest)) else len(found)


def _column_head(rows: list[tuple[int, str]], k: int) -> int | None:
    """The last line of the head of a table whose rows lost their cells' gaps, when line ``k``
    begins one: two or more column labels and nothing else, then more of them (or blank lines)
    up to such a row (``_LOOSE_ROW_START``). A label alone, or labels over values
    (``_values_beside_labels``), are not. None otherwise."""
    if not _HEAD_WORDS.search(rows[k][1]) or (_head_labels(rows[k][1].strip()) or 0) < 2:
        return None  # (the fuzzy label search only where a head's words are: notes' lines are many)
    last = k
    for j in range(k + 1, min(len(rows), k + 8)):
        t = rows[j][1].strip()
        if _LOOSE_ROW_START.match(t):
            return last
        if t and _head_labels(t) is None:
            return None
        last = j if t else last
    return None


def _loose_row(lines: list[str]) -> str | None:
    """A table row whose cells run together (``lines``: its first line, then the lines it wrapped
    onto) as the ``::`` layout prints it, so one installment reader serves it; None when its
    figures (a percentage, then an amount in baht) are not there to read."""
    start = _LOOSE_ROW_START.match(lines[0])
    if start is None:
        return None
    rest = " ".join([start.group("rest"), *lines[1:]])
    found = list(_LOOSE_ROW_METRICS.finditer(rest))
    if not found:
        return None
    m = found[-1]  # the row's own figures come last (a note may hold a percentage of its own)
    return (
        f"รายงานครั้งที่{start.group('no')} :: {start.group('date').replace(' ', '')} : {rest[: m.start()].strip()} :: "
        f"ความก้าวหน้าของงานฯ = {m.group('progress')} % งบประมาณที่เบิกใช้ ({'ครั้งที่ ' + m.group('k') if m.group('k') else ''}) = "
        f"{m.group('amount')} บาท : {rest[m.end() :].strip()}"  # the plan/target marks: read as any row's tail
    )


def _aligned_table(line: str, table: _Table | None) -> _Table | list[str] | None:
    """A table whose columns are aligned with spaces (a fixed-width print): its head (labels
    parted by wide gaps, two labels parted by one space are two columns) as a ``_Table`` that
    keeps where each column begins, or a row's cells under that head (parted by wide gaps, or,
    where a value runs up to the next column, at the columns' places). None for any other line."""
    chunks: list[tuple[int, str]] = []
    for m in re.finditer(r"\S+(?: \S+)*", line):
        chunks.append((m.start(), m.group(0)))
    if table is None or table.starts is None:
        if len(chunks) < 3 or _DIGITS.intersection(line):
            return None
        cells: list[str] = []
        starts: list[int] = []
        for at, chunk in chunks:
            found = find_labels(chunk, _INST_ROLES) if " " in chunk else []
            if len(found) >= 2 and found[0][0] == 0:  # two columns' labels parted by one space
                ends = [f[0] for f in found[1:]] + [len(chunk)]
                cells += [chunk[a:e].strip() for (a, _, _), e in zip(found, ends, strict=True)]
                starts += [at + a for a, _, _ in found]
            else:
                cells.append(chunk)
                starts.append(at)
        head = _Table(cells)
        if not head.is_installments or len(cells) < 4:
            return None
        head.starts = starts
        return head
    if table.table_row(line, chunks) is None:
        return None
    return table.table_row(line, chunks)


_ORDINAL_CELL = re.compile(rf"^{_REPORT_NO}$")


def _transposed_row(cells: list[str]) -> list[str] | None:
    """A row of a transposed installment table (``ความก้าวหน้าของงานฯ | 10 % | 40 %``: an
    installment field's label, then its value for each installment), or its head
    (``รายการ | ครั้งที่ 1 | ครั้งที่ 2``, read as the report numbers). None for any other row."""
    if len(cells) < 2 or not any(cells[1:]) or _DIGITS.intersection(cells[0]):
        return None  # a label has no figure (``รายงานครั้งที่1 | 31/10/2567 | ...`` is an ordinary row)
    numbers = [_ORDINAL_CELL.match(c) for c in cells[1:] if c]
    if numbers and all(numbers):
        return ["รายงานครั้งที่", *(_ORDINAL_CELL.sub(r"\1", c) for c in cells[1:])]
    if _Table(cells).is_installments:
        return None  # the head of an ordinary installment table
    role = _Table(cells[:1]).roles[0]
    return cells if role is not None else None


# ``ครั้งที่ 3 : note``, or ``ครั้งที่ 3 (31 ม.ค. 2566)`` with the note on the lines under it
_NUMBERED_NOTE = re.compile(rf"^{_REPORT_NO}\s*(?:[:.]\s*(\S.*)|\([^()]{{1,30}}\)\s*:?\s*(.*)|$)")
# a table's row as ``_Table.row_line`` writes it, its note cell empty
_ROW_WITHOUT_NOTE = re.compile(r"^รายงานครั้งที่(?P<n>[0-9๐-๙]*) :: (?P<date>[^:]*) :  :: (?P<rest>.*)$")
_ROW_ORDINAL = re.compile(r"\(ครั้งที่ ([0-9๐-๙]+)\)")


def _notes_to_rows(lines: list[str]) -> list[str]:
    """Table rows without notes given the notes listed apart under the table by number (a
    summary table, then each installment's note); left as they are unless every note listed
    finds its row. A row's number is its report number, else its disbursement ordinal, else its
    place among the rows."""
    notes, rest = _notes_by_number(lines)
    if not notes:
        return lines
    rows: dict[int, int] = {}  # number -> index in ``rest``
    for k, line in enumerate(rest):
        if m := _ROW_WITHOUT_NOTE.match(line):
            ordinal = _ROW_ORDINAL.search(m.group("rest"))
            number = parse_ordinal(m.group("n")) or (parse_ordinal(ordinal.group(1)) if ordinal else None) or len(rows) + 1
            rows.setdefault(number, k)
    if not set(notes) <= set(rows):
        return lines
    out = list(rest)
    for number, note in notes.items():
        m = _ROW_WITHOUT_NOTE.match(out[rows[number]])
        assert m is not None
        out[rows[number]] = f"รายงานครั้งที่{m.group('n')} :: {m.group('date')} : {note} :: {m.group('rest')}"
    return out


def _notes_by_number(lines: list[str]) -> tuple[dict[int, str], list[str]]:
    """The notes a transposed table's columns have no room for, listed apart by number
    (``ครั้งที่ 3 : note``, its wrapped lines after it), and the lines left. A line with a
    sign (``=``) or a label ends a note."""
    notes: dict[int, str] = {}
    rest: list[str] = []
    current: int | None = None
    for line in lines:
        m = _NUMBERED_NOTE.match(line.strip())
        if m and (number := parse_ordinal(m.group(1))) is not None:
            notes[number] = (m.group(2) or m.group(3) or "").strip()
            current = number
        elif current is not None and line.strip() and "=" not in line and not match_fields(line):
            notes[current] = f"{notes[current]} {line.strip()}".strip()
        else:
            current = None
            rest.append(line)
    return notes, rest


def _transposed_lines(rows: list[list[str]], notes: dict[int, str] | None = None) -> list[str]:
    """Each column of a transposed table as the ``::`` row of its installment. Installments
    past a page's width go on in a second table under the first (``รายงานครั้งที่ 4 - 6``): a
    row whose field the table already holds starts the next table."""
    tables: list[list[list[str]]] = []
    held: set[str | None] = set()
    for row in rows:
        role = _Table(row[:1]).roles[0] if row[0] != "รายงานครั้งที่" else "report_no"
        if not tables or role in held:
            tables.append([])
            held = set()
        tables[-1].append(row)
        held.add(role)
    out = []
    for part in tables:
        numbers = next((row for row in part if row[0] == "รายงานครั้งที่"), None)
        if notes and numbers is not None:  # the notes listed apart, as the table's row of notes
            part = [*part, ["ผลการดำเนินงาน", *(notes.get(parse_ordinal(n) or 0, "") for n in numbers[1:])]]
        table = _Table([r[0] for r in part])
        for j in range(1, max(len(r) for r in part)):
            column = [r[j] if j < len(r) else "" for r in part]
            if table.holds_figures(column):
                out.append(table.row_line(column))
    return out


_CLEAN_LEAD = re.compile(r"^(?:รายงานครั้งที่\s*[0-9๐-๙]+\s*)?::")
_LABEL_SIGNS = re.compile(r"[=:%(]")
_FIGURES = re.compile(r"[0-9๐-๙]\s*%|บาท|\(\s*ครั้ง")  # a percentage, baht or an ordinal: the metrics are on this line
_METRIC_SIGNS = re.compile(r"[=%]|บาท")


def _clean_row(s: str) -> bool:
    """A ``::`` row whose metrics read as printed, or a lead row with no metrics at all (no
    percentage, baht or ordinal: a row with them but unread has labels to restore)."""
    return bool(_CLEAN_LEAD.match(s)) and (_clean_metrics(s) or "ความก้าวหน้า" not in s and "เบิก" not in s and not _FIGURES.search(s))


def _clean_metrics(s: str) -> bool:
    m = METRICS.search(s)
    return m is not None and m.group("pct") is not None and m.group("amt") is not None


@lru_cache(maxsize=4096)  # copies repeat their lines: restore each once
def _installment_text(s: str, mode: str) -> str:
    """The line with its installment labels as the form prints them (fuzzy, only where it can matter)."""
    if _clean_row(s):
        return s  # a clean ``::`` row: nothing to restore
    if _LABEL_SIGNS.search(s) and (mode in ("progress", "signoff") or _METRIC_SIGNS.search(s) and find_labels(s, ("progress", "disbursed"))):
        if _FIGURES.search(s) and mode != "signoff":  # a metrics line: its two labels, however garbled
            return canonical_metrics(s, _INST_LABELS, ("progress", "disbursed"))
        return canonical_text(s, _INST_LABELS)
    if mode == "progress" and (s.startswith("ร") or len(s) < 40):
        text = canonical_text(s, _INST_LABELS)  # a label alone on its line (its value below)
        if text == s and len(s) < 40:
            lab = classify_label(s, _INST_LABELS)  # garbled past the skeleton search
            if lab is not None and lab.role in ("progress", "disbursed", "inst_date", "inst_note") and len(skeleton_text(s)) <= len(lab.skeleton) + 1:
                return lab.text  # the label alone (a line that goes on past it is a note's)
        return text
    if mode == "header" and _FIGURES.search(s) and len(s) < 200 and "%" in s:
        # a metrics line before any installment heading (its labels garbled): restored, it starts the installments
        return canonical_metrics(s, _INST_LABELS, ("progress", "disbursed"))
    return s


def _label_rest(head: str, following: str) -> str | None:
    """``following`` when it carries the rest of the label ``head`` began (``ได้รับ : 150,000``
    after ``งบประมาณที่``): the rest alone is no label, the two together are one of the header."""
    before, sep, _ = following.partition(":")
    if not sep or not before.strip() or len(before) > 30 or classify_label(before, HEADER_ROLES) is not None:
        return None
    whole = classify_label(head + before.strip(), HEADER_ROLES)
    if whole is None or classify_label(head, HEADER_ROLES) == whole and not _SKELETON_CUT(head, whole):
        return None
    return following


_NARRATIVE_ROLES = ("rationale", "objectives", "targets")
_COLON_HEADINGS = ("section_progress", *_NARRATIVE_ROLES)
_FIELD_SIGN = re.compile(r"\s*[:=]\s*")


def _narrative_field(s: str) -> tuple[str, str] | None:
    """``('rationale', text)`` for a narrative section printed as a field: its label (after the
    form's numbering), then ``:`` or ``=``, then its text or nothing. The label is read among the
    header's too, so a header field whose words begin alike (``เป้าหมายที่``) stays a field."""
    # the first ``_FIELD_SIGN``: the first colon or equals sign with the whitespace around it (found
    # with str's own search; the regex, ``\s*`` first, is tried at every character of the line)
    colon, equals = s.find(":"), s.find("=")
    at = colon if equals < 0 or 0 <= colon < equals else equals
    if at < 0:
        return None
    head = s[:at].rstrip()
    if len(head) > 60:
        return None
    label = _SECTION_NUMBER.sub("", head)
    lab = classify_label(label, _NARRATIVE_AND_HEADER) if 2 < len(label) < 45 else None
    if lab is None or lab.role not in _NARRATIVE_ROLES:
        return None
    return lab.role, s[at + 1 :].strip()


_NARRATIVE_AND_HEADER = HEADER_ROLES + _NARRATIVE_ROLES


_SUBSECTION = re.compile(r"^[0-9๐-๙]{1,2}\.[0-9๐-๙]{1,2}\.?\s")  # 1.3 ...: the form's numbering, a heading
_DIALLED = re.compile(r"(?:โทร|Tel|tel)[^0-9๐-๙]{0,4}(?:[0-9๐-๙][\s\-]?){9}")  # a phone with all its digits


def _may_wrap(key: str, value: str, line: str) -> bool:
    """Whether ``line`` can be the rest of ``key``'s value: not a numbered subsection's heading
    (however garbled), and no coordinator's value after its whole phone number."""
    if _SUBSECTION.match(line):
        return False
    return not (key == "coordinator" and _DIALLED.search(value) and not line.startswith(("ต่อ", "ext", "Ext")))


def _SKELETON_CUT(head: str, label: Label) -> bool:  # noqa: N802
    """``head`` is only the start of ``label`` (its skeleton shorter than the label's)."""
    return len(skeleton_text(compact(head))) < len(label.skeleton)


def split_copies(text: str) -> list[RawCopy]:
    """Group the lines of a normalised archive text into report copies."""
    copies: list[RawCopy] = []
    current = RawCopy()
    mode = "header"  # header | progress | rationale | objectives | targets | signoff
    last_key: str | None = None
    line_keys: list[str] = []  # the fields of the last header line, left to right (two-column layouts)
    pending_label: str | None = None
    header_head: list[str] | None = None  # a row of header labels whose values come in the next row
    table: _Table | None = None
    here = 0  # the line being read: a copy started now begins there

    def start_new() -> None:
        nonlocal current, mode, last_key, pending_label, table
        if not current.empty:
            copies.append(current.close())
        current = RawCopy(start_line=here)
        mode, last_key, pending_label, table = "header", None, None, None

    def add_field(key: str, value: str) -> None:
        nonlocal last_key, mode
        if (key in _IDENTITY and current.fields.get(key)) or current.installment_lines:
            start_new()
        if key in current.fields and current.fields[key] and not value:
            return
        current.fields[key] = value
        current.field_order.append(key)
        last_key = key if key in _WRAPPING else None
        mode = "header"

    rows = numbered_lines(text)
    joined_next = False
    read_until = -1  # the last line a wrapped table row took in
    for k, (here, line) in enumerate(rows):  # noqa: B007 - start_new reads ``here``
        if joined_next:
            joined_next = False
            continue
        if k <= read_until:
            continue
        s = line.strip()
        if not s:
            continue
        if len(s) < 30 and ":" not in s and k + 1 < len(rows) and mode == "header":
            rest = _label_rest(s, rows[k + 1][1].strip())
            if rest is not None:
                s, joined_next = s + rest, True  # a label broken over two lines (งบประมาณที่ / ได้รับ : X)
        if _clean_row(s):
            # the common case, a clean ``::`` row with its metrics: no label needs restoring
            mode, last_key, pending_label = "progress", None, None
            current.installment_lines.append(s)
            continue
        if s[0] in "#>*[▼▶►▸" or s[-1] in "*<":
            s = _DECORATION.sub("", s).strip()  # (``[ ]``, an empty box OCR read, leaves nothing)
        if s[:1] in _BULLETS and mode in ("header", "progress") and (bullet := _BULLET.match(s)):
            rest = s[bullet.end() :]  # - รหัสโครงการ: X; a bullet before anything else is text (a note's "- ...")
            if match_fields(rest) or INSTALLMENT_START.match(rest) or _ORPHAN_REPORT_NO.match(rest) or _METRICS_HINT.match(rest) or is_verdict_line(rest):
                s = rest
        if not s:
            continue
        if is_furniture(s) and not (mode == "progress" and current.installment_lines and _BARE_FIGURE.fullmatch(s) and label_alone(current.installment_lines[-1])):
            # (a bare number under an installment label alone is its value, not a page number)
            if _ORPHAN_REPORT_NO.match(s):
                mode = "progress"  # a report number alone heads an installment block (or repeats at a page break)
            continue
        if "|" in s and _ORDINAL_CELL.match(s.partition("|")[0].strip()) and _clean_metrics(s.replace("|", " ")):
            # an installment's head on one line parted by ``|`` (ครั้งที่ 1 | ลงวันที่ X | ความก้าวหน้า
            # ร้อยละ 5 | เบิกจ่ายสะสม 0.00 บาท): labelled fields, not a table's cells
            s = "   ".join(part.strip() for part in s.split("|"))
        cells = _table_cells(s)
        if cells is not None and table is None and mode != "progress" and len(cells) >= 2 and not cells[0] and sum(1 for c in cells if c) == 1:
            s, cells = next(c for c in cells if c), None  # a row with its label cell empty: the value above (a field's, a section's) goes on
        if (mode == "progress" or (table is not None and table.starts is not None)) and _RULE_LINE.match(s):
            continue  # a rule: under an aligned table's head, or parting installment blocks
        if cells is None and (mode == "progress" or ":" not in s) and "  " in s and not s.startswith("::"):
            # (outside the progress section only a table's head can start one: ``_aligned_table``
            # takes a line of installment column labels there, a summary table under its own heading)
            aligned = _aligned_table(line.rstrip(), table)  # a table whose columns are aligned with spaces
            if isinstance(aligned, _Table):
                table = aligned
                continue
            if aligned is not None:
                current.installment_lines.append(table.row_line(aligned))  # type: ignore[union-attr]
                continue
        if cells is not None:
            if _TABLE_RULE.match(s):
                continue
            row = _transposed_row(cells) if table is None and (mode == "progress" or current.transposed) else None
            if row is not None:
                current.transposed.append(row)  # a row of a table with one column per installment
                mode = "progress"
                continue
            if header_head is not None and _DIGITS.intersection("".join(cells)):
                pairs, header_head = _under_labels(header_head, cells), None  # the row of values under a row of labels
            elif table is None and _labels_row(cells):
                header_head = cells  # a header laid out as a table: its labels in one row, the values in the next
                continue
            else:
                cells = [c for c in cells if c] if len(cells) <= 8 and not (table and len(cells) >= 4) else cells
                pairs = _label_pairs(cells)
            heading = section_heading("1 " + cells[0]) if len(cells) == 2 else None
            if heading is not None and heading.role in ("rationale", "objectives", "targets"):
                # a narrative section on one row: its heading, then its text (``เป้าหมาย`` alone is
                # the targets' heading, though a header label, เป้าหมายที่, is a letter away)
                current.narrative.setdefault(heading.role, []).extend(_ROW_ITEM.split(cells[1]))
                mode, last_key, pending_label = heading.role, None, None  # (its next rows may go on with it)
                continue
            if pairs:
                s = "\t".join(f"{label} : {value}" for label, value in pairs)
            elif len(cells) == 2 and _PHONE_LABEL.match(cells[0]) and cells[1]:
                s = f"{cells[0]} : {cells[1]}"  # a row of its own for the phone: the coordinator's
            elif len(cells) >= 4:
                if table is not None and table.wrapped(cells) and current.installment_lines:
                    # the wrapped lines of the row above (before any head: such a row may read
                    # like one, ตรวจรับและเบิกจ่ายแล้ว | เป็นไปตามเป้าหมาย)
                    current.installment_lines[-1] = table.row_line(table.join(cells))
                    continue
                head = _Table(cells)
                if head.is_installments:
                    table = head
                    mode = "progress"
                    continue
                if table is not None:
                    if table.holds_figures(cells):
                        table.last = cells
                        current.installment_lines.append(table.row_line(cells))
                    continue  # a row without figures (a print stamp caught in the table) is no installment
        if mode != "progress" and ("=" in s or ":" in s) and (section := _narrative_field(s)) is not None:
            # a narrative section printed as a field (``หลักการและเหตุผล : text``, ``9) วัตถุประสงค์: ``):
            # its text follows the sign or the line, and no header field's value wraps into it
            mode, value = section
            current.narrative.setdefault(mode, [])
            if value:
                current.narrative[mode].append(_BULLET.sub("", value))
            last_key = pending_label = None
            continue
        heading = section_heading(s) if ":" not in s else None  # a line with a colon is a field, never a heading
        if heading is not None and heading.role == "section_header" and _gap_pairs(s, HEADER_ROLES):
            heading = None  # ... nor one with a value after a wide gap (1.7  หน่วยงานที่รับผิดชอบ    สำนักงานเขต...)
        if heading is None and s[-1] == ":" and s.count(":") == 1 and mode != "progress":
            # ... except a heading over what follows (``13) รายงานความก้าวหน้าของโครงการ...:``)
            heading = section_heading(s[:-1].rstrip())
            heading = heading if heading is not None and heading.role in _COLON_HEADINGS else None
        if heading is not None:
            role = heading.role
            if role == "section_copy":
                if current.fields or current.installment_lines:
                    start_new()
                mode = "header"
            elif role == "section_progress":
                mode = "progress"
            elif role in ("rationale", "objectives", "targets"):
                mode = role
                current.narrative.setdefault(role, [])
            else:
                mode = "header"
            last_key = pending_label = None
            continue
        if _is_signoff(s):
            mode = "signoff"
            current.prose.append(s)
            continue
        if s[0] == "[" and INSTALLMENT_START.match(BRACKET_CELL.sub(r"\1", s)):
            mode, last_key, pending_label = "progress", None, None  # [รายงานครั้งที่ 1] [31/10/2567] ...
            current.installment_lines.append(s)
            continue
        if mode == "progress" and not _DIGITS.intersection(s) and (head_end := _column_head(rows, k)) is not None:
            read_until = head_end  # the head of a table whose rows follow without their cells' gaps
            continue
        if mode == "progress" and _LOOSE_ROW_START.match(s):
            block, last = [s], k
            for j in range(k + 1, min(len(rows), k + 2 * _LOOSE_ROW_LINES)):  # (OCR leaves blank lines inside a row)
                t = rows[j][1].strip()
                if not t:
                    continue
                if len(block) == _LOOSE_ROW_LINES or _LOOSE_ROW_START.match(t) or _clean_row(t) or INSTALLMENT_START.match(t) or section_heading(t) is not None or _is_signoff(t):
                    break
                block.append(t)
                last = j
            loose = _loose_row(block)
            if loose is not None:
                current.installment_lines.append(loose)
                read_until, last_key, pending_label = last, None, None
                continue
        inst = _installment_text(s, mode)
        if _ORPHAN_REPORT_NO.match(inst):
            continue  # a page break's repeated รายงานครั้งที่ N, however garbled
        if INSTALLMENT_START.match(inst) or _metrics_hint(inst) or (mode == "progress" and is_verdict_line(s)):
            mode = "progress"
            current.installment_lines.append(inst)
            last_key = pending_label = None
            continue
        if mode == "header" and (phone := _PHONE_FIELD.match(s)) and current.fields.get("coordinator") and not _PHONE_IN.search(current.fields["coordinator"]):
            current.fields["coordinator"] += f" โทร {phone.group(1)}"  # the coordinator's phone printed as a field of its own
            last_key = None
            continue
        found = match_fields(s)
        if not found and mode == "header" and ":" not in s:
            inline = _inline_fields(s)  # fields written into a sentence
            found = inline if len(inline) > 1 else _bare_field(s) or inline  # (รหัสโครงการ 50990000-1234: the colon lost)
        if not found and mode == "header" and not current.fields.get("code") and (shaped := _CODE_SHAPED.match(s)) is not None:
            found = [("code", shaped.group("v"))]  # a label cut short (รหัส : X), its value the form's 8-4 code
        if found and found[0][0] in HEADER_ROLES:
            for key, value in found:
                if key in HEADER_ROLES:
                    add_field(key, value)
            line_keys = [key for key, _ in found if key in HEADER_ROLES]
            pending_label = found[-1][0] if not found[-1][1] else None
            continue
        if found and mode == "progress":
            current.installment_lines.append(inst)  # one field per line: วันที่รายงาน : ..., ผลการดำเนินงาน : ...
            continue
        if mode in ("rationale", "objectives", "targets"):
            current.narrative[mode].append(_BULLET.sub("", s))
            continue
        lone = classify_label(s, HEADER_ROLES) if len(s) < 45 else None
        if lone is not None and (mode == "header" or (mode == "progress" and lone.role in _IDENTITY)):
            # label above its value; after the installments, an identity label alone begins the next copy
            add_field(lone.role, "")
            pending_label = lone.role  # set after add_field, which may begin a new copy
            continue
        if pending_label is not None and mode == "header":
            current.fields[pending_label] = s
            last_key = pending_label if pending_label in _WRAPPING else None
            pending_label = None
            continue
        if mode == "progress":
            current.installment_lines.append(inst)  # a note's continuation line
        elif mode == "header" and last_key is not None and current.fields.get(last_key) and not current.installment_lines and not _FIELD_SHAPE.match(_SECTION_NUMBER.sub("", s)) and _may_wrap(last_key, current.fields[last_key], s):
            chunks = _COLUMN_GAP.split(s)
            if len(line_keys) > 1 and len(chunks) == len(line_keys) and all(k in _WRAPPING for k in line_keys):
                for key, chunk in zip(line_keys, chunks, strict=True):  # both columns wrapped
                    current.fields[key] += "\n" + chunk
            else:
                current.fields[last_key] += "\n" + s  # a value wrapped onto the next line (the join is marked: merge spaces it)
        else:
            current.prose.append(s)
    if not current.empty:
        copies.append(current.close())
    return copies
