"""Parse OCR'd progress reports: copies, furniture, header, installments, merge, validation.

``read_copies`` turns one file's text into per-copy records; ``merge_copies`` groups copies
of the same report (same code and fiscal year, from one file or several) into one
``Report`` each and runs the validation checks.
"""

from __future__ import annotations

from bma_nlp.errors import ParseError
from bma_nlp.parse.dates import match_date, parse_date
from bma_nlp.parse.layout import RawCopy, split_copies
from bma_nlp.parse.merge import ParsedCopy, group_copies, merge_group, read_copy
from bma_nlp.parse.numbers import parse_amount
from bma_nlp.parse.validate import validate
from bma_nlp.records import Report
from bma_nlp.text import normalize

__all__ = ["ParsedCopy", "match_date", "merge_copies", "parse_amount", "parse_date", "parse_text", "read_copies", "read_raw_copies"]


def read_copies(text: str, source: str = "<text>", encoding: str = "unicode") -> list[ParsedCopy]:
    """All report copies in one file's text (normalised here). Raises ParseError if none."""
    return read_raw_copies(split_copies(normalize(text)), source, encoding)


def read_raw_copies(raws: list[RawCopy], source: str = "<text>", encoding: str = "unicode") -> list[ParsedCopy]:
    """The copies ``split_copies`` found, parsed; those without substance dropped. Raises
    ParseError if none is left."""
    copies = [c for c in (read_copy(raw, source, encoding) for raw in raws) if _has_substance(c)]
    if not copies:
        raise ParseError("no progress report found (no project header and no installments)", source)
    return copies


def _has_substance(copy: ParsedCopy) -> bool:
    """A copy is installments, a code, or a name with more beside it (another header field or
    narrative); a year or a date alone is no report. A name alone is a fragment a garbled heading
    left (``1. ชื่อโครงการและหน่วยงา:นที่รับผิดชอบโครงการ`` read as a name): no copy, its text stays
    with its neighbour."""
    p = copy.project
    if copy.installments or p.code:
        return True
    others = [f for f in ("fiscal_year", "start_date", "end_date", "budget_received", "budget_used", "agency", "coordinator", "responsible") if getattr(p, f)]
    return bool(p.name) and bool(others or any(copy.narrative.values()))


def merge_copies(copies: list[ParsedCopy]) -> list[Report]:
    return [validate(merge_group(group)) for group in group_copies(copies)]


def parse_text(text: str, source: str = "<text>", encoding: str = "unicode") -> list[Report]:
    """Parse and merge without repair or classification (see ``bma_nlp.pipeline`` for both)."""
    return merge_copies(read_copies(text, source, encoding))
