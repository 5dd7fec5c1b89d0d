"""Amounts and percentages as printed in the reports (commas, Thai digits, บาท, '-')."""

from __future__ import annotations

import re

from bma_nlp.text.normalize import arabic_digits

# "180,000", "180,000.50", "4,800,000.-" (whole baht), "-" (nil), with or without บาท
_AMOUNT = re.compile(
    r"^\s*(-|[0-9][0-9,]*(?:\.[0-9]+)*(?:,[0-9]+)*)(?:\.-|-)?\s*(?P<scale>ล้าน|แสน|หมื่น|พัน)?\s*(?:บาท|บ\.)?\s*\.?\s*$"
)
# "180,000 um": the figure, then a word of one to four letters where บาท stands (OCR garbles the
# unit more often than the figure: บาท -> um, uin, บาn); the unit of an amount field is baht
_GARBLED_UNIT = re.compile(r"^\s*(?P<figure>(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]{3,})(?:\.[0-9]{2})?(?:\.-|-)?)\s+[A-Za-z\u0e01-\u0e4e]{1,4}\.?\s*$")
# "1.5 ล้านบาท": Thai number words that scale an amount
SCALES = {"ล้าน": 1_000_000, "แสน": 100_000, "หมื่น": 10_000, "พัน": 1_000}


# Bounds of what a report can print. Beyond them a "number" is OCR noise (a run of digits), and
# it would not fit the archive's 64-bit integers either: it is read as unreadable (None).
MAX_AMOUNT = 10**15  # baht; the whole BMA budget is about 10**11
MAX_ORDINAL_DIGITS = 6  # รายงานครั้งที่ N, (ครั้งที่ K)


# Latin letters OCR prints for digits; applied only where a field is numeric.
LATIN_DIGITS = str.maketrans({"O": "0", "o": "0", "D": "0", "l": "1", "I": "1", "|": "1", "S": "5", "B": "8"})
_DIGITISH = re.compile(r"(?<![A-Za-z])[0-9OoDlI|SB][0-9OoDlI|SB\-\s]{3,}[0-9OoDlI|SB](?![A-Za-z])")
# what a numeric value's pattern admits beside digits (read by ``numeric_value``); not ``|``, a cell border there
LOOKALIKE_DIGITS = "OoDlISB"
_SHORT_DIGITISH = re.compile(f"[0-9{LOOKALIKE_DIGITS}][0-9{LOOKALIKE_DIGITS}.,]*")


def numeric_text(value: str) -> str:
    """Latin look-alikes inside a run of digits read as the digits they stand for (``50990000-O12l`` -> ``50990000-0121``)."""
    return _DIGITISH.sub(lambda m: m.group(0).translate(LATIN_DIGITS) if re.search("[0-9]", m.group(0)) else m.group(0), value)


def numeric_value(value: str) -> str:
    """A value that is one number, its Latin look-alikes read as digits (``7O`` -> ``70``): only
    when the whole value is digits and look-alikes with at least one real digit; else unchanged."""
    if value.isascii() and not value.replace(".", "").replace(",", "").isdigit() and _SHORT_DIGITISH.fullmatch(value) and re.search("[0-9]", value):
        return value.translate(LATIN_DIGITS)
    return value


def parse_ordinal(text: str | None) -> int | None:
    """An ordinal as printed ('3', '๓'); None when it is not one (empty, or too many digits)."""
    digits = arabic_digits(text or "").strip()
    if not digits.isdigit() or len(digits.lstrip("0")) > MAX_ORDINAL_DIGITS:
        return None
    return int(digits)


# thousands OCR separated by dots, or by dots and commas (1.192.000, 1.914,000), and satang after
# a last dot: a group of three digits after a separator is thousands (baht have two decimals)
_DOTTED_THOUSANDS = re.compile(r"[0-9]{1,3}(?:[.,][0-9]{3})+(?:\.[0-9]{1,2})?")


def parse_amount(text: str | None) -> int | float | None:
    """'180,000 บาท' -> 180000, '1.5 ล้านบาท' -> 1500000, '-' -> 0, unreadable -> None."""
    if text is None:
        return None
    text = arabic_digits(text)
    m = _AMOUNT.match(text)
    if not m:
        garbled = _GARBLED_UNIT.match(text)
        if garbled:
            return parse_amount(garbled.group("figure"))
        lead = _SHORT_DIGITISH.match(text.strip())  # 56,2OO บาท: Latin look-alikes in the figure
        if lead is None or numeric_value(lead.group(0)) == lead.group(0):
            return None
        m = _AMOUNT.match(numeric_value(lead.group(0)) + text.strip()[lead.end():])
        if not m:
            return None
    raw = m.group(1)
    if raw == "-":
        return 0  # a dash in a Thai financial form means "nil"
    if not m.group("scale") and "." in raw and _DOTTED_THOUSANDS.fullmatch(raw):
        # 44.071 บาท: a thousands comma OCR read as a dot; the last dot before one or two digits is the satang's
        whole, dot, satang = raw.rpartition(".") if len(raw.rpartition(".")[2]) < 3 else (raw, "", "")
        raw = whole.replace(".", ",") + dot + satang
    elif raw.count(".") > 1 or ("." in raw and "," in raw.split(".", 1)[1]):
        return None  # dots and commas no reading explains (1.5.2, 1.19,5)
    digits = raw.replace(",", "")
    value = float(digits)
    if m.group("scale"):
        value = round(value * SCALES[m.group("scale")], 2)
    if value >= MAX_AMOUNT:
        return None
    return int(value) if value.is_integer() else value


def parse_number(text: str | None) -> float | None:
    """A plain decimal number such as a percentage: '40.00' -> 40.0."""
    if text is None:
        return None
    cleaned = arabic_digits(text).strip().rstrip("%").strip()
    try:
        return float(cleaned.replace(",", ""))  # the common case: a plain number
    except ValueError:
        cleaned = numeric_value(cleaned).replace(",", "")
    try:
        return float(cleaned)
    except ValueError:
        return None


_DECIMAL_COMMA = re.compile(r"\s*[0-9]{1,3},[0-9]{1,2}\s*%?\s*")


def parse_percent(text: str | None) -> float | None:
    """A percentage: ``parse_number``, but ``10,50`` is 10.5 (a comma OCR read for the decimal
    point: no percentage has thousands)."""
    if text is not None and "," in text and _DECIMAL_COMMA.fullmatch(arabic_digits(text)):
        text = arabic_digits(text).replace(",", ".")
    return parse_number(text)


def format_baht(value: float | int) -> str:
    return f"{value:,.2f}" if isinstance(value, float) and not value.is_integer() else f"{int(value):,}"
