"""Dates as Thai reports print them: BE dd/mm/yyyy, Thai digits, Thai month names, ISO CE.

``pythainlp.util.thai_strptime`` is too narrow for OCR'd text (see PITFALLS.md), so this is
a small dedicated parser. It returns ISO CE strings and never invents a date: an impossible
date raises ``InvalidDate`` so the caller can flag it.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache

from bma_nlp.parse.labels import skeleton_text
from bma_nlp.parse.numbers import LATIN_DIGITS, LOOKALIKE_DIGITS
from bma_nlp.text.normalize import arabic_digits

BE_OFFSET = 543

THAI_MONTHS = {
    "มกราคม": 1, "ม.ค.": 1, "กุมภาพันธ์": 2, "ก.พ.": 2, "มีนาคม": 3, "มี.ค.": 3,
    "เมษายน": 4, "เม.ย.": 4, "พฤษภาคม": 5, "พ.ค.": 5, "มิถุนายน": 6, "มิ.ย.": 6,
    "กรกฎาคม": 7, "ก.ค.": 7, "สิงหาคม": 8, "ส.ค.": 8, "กันยายน": 9, "ก.ย.": 9,
    "ตุลาคม": 10, "ต.ค.": 10, "พฤศจิกายน": 11, "พ.ย.": 11, "ธันวาคม": 12, "ธ.ค.": 12,
}  # fmt: skip
# OCR and typists drop an abbreviation's dots (มิ.ย / มิย. / ตค): a dot may be missing, or spaced
_MONTH_ALT = "|".join(re.escape(k).replace(r"\.", r"\.?\s*") for k in sorted(THAI_MONTHS, key=len, reverse=True))
_MONTH_BY_LETTERS = {k.replace(".", ""): v for k, v in THAI_MONTHS.items()}
_D = "[0-9๐-๙]"

# Patterns anchored at the start of a string; each captures the whole date as group "date".
DATE_PATTERNS = [
    re.compile(rf"(?P<date>(?P<y>{_D}{{4}})-(?P<m>{_D}{{1,2}})-(?P<d>{_D}{{1,2}}))(?:[ T]{_D}{{2}}:{_D}{{2}}(?::{_D}{{2}})?)?"),
    re.compile(rf"(?P<date>(?P<d>{_D}{{1,2}})\s*[/.\-]\s*(?P<m>{_D}{{1,2}})\s*[/.\-]\s*(?P<y>{_D}{{4}}|{_D}{{2}}))(?!{_D})"),
    re.compile(rf"(?P<date>(?P<d>{_D}{{1,2}})\s*(?:เดือน\s*)?(?P<mname>{_MONTH_ALT})\s*(?:พ\.ศ\.\s*)?(?P<y>{_D}{{4}}|{_D}{{2}}))(?!{_D})"),
    # a month name OCR garbled (มีนาดม, ชันวาคม): any Thai word there, read by its skeleton (``_month_of``)
    re.compile(rf"(?P<date>(?P<d>{_D}{{1,2}})\s*(?:เดือน\s*)?(?P<mname>[\u0e01-\u0e4e]{{4,12}}?)\s*(?:พ\.ศ\.\s*)?(?P<y>{_D}{{4}}|{_D}{{2}}))(?!{_D})"),
]  # fmt: skip


# "วันที่ 15 พ.ย. 2566", "ณ วันที่ ...", "ลงวันที่ ..." (dated): the word for "date" before the date
# itself; the words for "month" and "year" may stand before those (วันที่ 5 เดือนมกราคม พ.ศ. 2567)
# ``วันที่``, and a weekday before the date (``ประจำวันศุกร์ที่ 31 ...``): decoration, the date follows
_WEEKDAY = "จันทร์|อังคาร|พุธ|พฤหัสบดี|พฤหัส|ศุกร์|เสาร์|อาทิตย์"
_DAY_WORD = rf"(?:วันที่|วัน(?:{_WEEKDAY})\s*(?:ที่)?)"
_DATE_WORD = re.compile(rf"(?:ประจำ\s*{_DAY_WORD}?|(?:(?:ณ|ลง)\s*)?{_DAY_WORD})\s*")  # also ``ประจำ30 พ.ย. 2566``


class InvalidDate(ValueError):
    """A date-shaped string that names no real day (31/02/2566); ``end`` is where it stops."""

    def __init__(self, text: str, end: int = 0) -> None:
        super().__init__(text)
        self.end = end


def _month_of(name: str) -> int | None:
    """A month by its printed name or abbreviation (dots optional); a full name garbled by OCR
    (marks lost, look-alike letters) by its skeleton, when exactly one month has that skeleton."""
    letters = re.sub(r"[.\s]", "", name)
    if letters in _MONTH_BY_LETTERS:
        return _MONTH_BY_LETTERS[letters]
    return _months_by_skeleton().get(skeleton_text(letters)) if len(letters) >= 5 else None


@lru_cache(maxsize=1)
def _months_by_skeleton() -> dict[str, int]:
    seen: dict[str, set[int]] = {}
    for name, month in THAI_MONTHS.items():
        if "." not in name:
            seen.setdefault(skeleton_text(name), set()).add(month)
    return {k: v.pop() for k, v in seen.items() if len(v) == 1}


def _year_to_ce(year_text: str) -> int:
    year = int(arabic_digits(year_text))
    if year < 100:  # two-digit years in these reports are BE: 66 -> 2566
        year += 2500
    return year - BE_OFFSET if year > 2400 else year


def match_date(text: str) -> tuple[str, int] | None:
    """Find a date at the start of ``text``; return ``(iso_ce, length_matched)`` or None.

    Raises InvalidDate when the text starts with a date that does not exist.
    """
    word = _DATE_WORD.match(text)
    skip = word.end() if word else 0
    found = _match_at(text, skip)
    if found is None:
        head = _DIGITISH_HEAD.match(text, skip)  # 3O/O6/2565: Latin look-alikes for digits
        if head is not None and re.search("[0-9]", head.group(0)) and re.search(f"[{LOOKALIKE_DIGITS}]", head.group(0)):
            found = _match_at(text[: head.start()] + head.group(0).translate(LATIN_DIGITS) + text[head.end() :], skip)
    return found


_DIGITISH_HEAD = re.compile(f"[0-9{LOOKALIKE_DIGITS}]{{1,4}}(?:\\s*[/.\\-]\\s*[0-9{LOOKALIKE_DIGITS}]{{1,4}}){{2}}")


def _match_at(text: str, skip: int) -> tuple[str, int] | None:
    for pattern in DATE_PATTERNS:
        m = pattern.match(text, skip)
        if not m:
            continue
        name = m.groupdict().get("mname")
        if name:
            found = _month_of(name)
            if found is None:
                continue  # no month's name, however garbled: not a date
            month = found
        else:
            month = int(arabic_digits(m.group("m")))
        day = int(arabic_digits(m.group("d")))
        year = _year_to_ce(m.group("y"))
        try:
            return dt.date(year, month, day).isoformat(), m.end()  # (m.end() counts from text's start)
        except ValueError:
            raise InvalidDate(m.group("date"), m.end()) from None
    return None


def parse_date(text: str | None) -> str | None:
    """Parse a whole field value as a date; None when empty or not a date."""
    if not text or not text.strip():
        return None
    found = match_date(text.strip())
    return found[0] if found else None


def fiscal_year_bounds(fiscal_year_be: int) -> tuple[str, str] | None:
    """Thai government fiscal year N (BE) runs 1 Oct of N-1 to 30 Sep of N; None for a year no
    calendar date has (OCR noise such as 0000, found by the fuzzer)."""
    ce = fiscal_year_be - BE_OFFSET
    if not 2 <= ce <= 9999:
        return None
    return dt.date(ce - 1, 10, 1).isoformat(), dt.date(ce, 9, 30).isoformat()
