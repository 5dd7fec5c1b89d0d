"""The whole job for a set of inputs: read -> normalise -> parse copies -> merge -> repair -> classify.

Each stage lives in its own subpackage; this module only wires them together so the CLI,
the archive and the Python API run exactly the same steps.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from pathlib import Path

from bma_nlp.errors import BmaNlpError, ParseError
from bma_nlp.parse import ParsedCopy, merge_copies, read_copies
from bma_nlp.records import Report
from bma_nlp.text import read_text
from bma_nlp.text.read import DEFAULT_MAX_BYTES

Source = str | os.PathLike[str]


def _looks_like_path(value: Source) -> bool:
    if isinstance(value, os.PathLike):
        return True
    return "\n" not in value and len(value) < 4096 and Path(value).suffix != "" and not value.lstrip().startswith("**")


def copies_from(source: Source, max_bytes: int = DEFAULT_MAX_BYTES) -> list[ParsedCopy]:
    """Read one path (or literal text) into parsed report copies."""
    if _looks_like_path(source):
        text, encoding = read_text(source, max_bytes=max_bytes)
        return read_copies(text, str(source), encoding)
    return read_copies(str(source), "<text>", "unicode")


def finish(reports: list[Report], *, repair: bool = True, classify: bool = True) -> list[Report]:
    """Post-merge steps: OCR repair of text fields, then stage classification."""
    if repair:
        from bma_nlp.repair import repair_report

        for report in reports:
            repair_report(report)
    if classify:
        from bma_nlp.classify import classify_reports

        classify_reports(reports)
    return reports


def process(
    sources: Iterable[Source],
    *,
    repair: bool = True,
    classify: bool = True,
    max_bytes: int = DEFAULT_MAX_BYTES,
    on_error: Callable[[BmaNlpError], None] | None = None,
) -> tuple[list[Report], list[BmaNlpError]]:
    """Process several inputs; copies of one report merge across files.

    A bad input is reported through ``on_error`` (and returned) and the others still run.
    """
    copies: list[ParsedCopy] = []
    errors: list[BmaNlpError] = []
    for source in sources:
        try:
            copies.extend(copies_from(source, max_bytes))
        except BmaNlpError as exc:
            errors.append(exc)
            if on_error:
                on_error(exc)
    return finish(merge_copies(copies), repair=repair, classify=classify), errors


def parse_reports(source: Source, *, repair: bool = True, classify: bool = True) -> list[Report]:
    """Every report in one file or text."""
    return finish(merge_copies(copies_from(source)), repair=repair, classify=classify)


def parse_report(source: Source, *, repair: bool = True, classify: bool = True) -> Report:
    """The one report in a file or text (its copies merged). See ``parse_reports`` for several."""
    reports = parse_reports(source, repair=repair, classify=classify)
    if len(reports) > 1:
        codes = ", ".join(str(r.project.code) for r in reports)
        raise ParseError(f"holds {len(reports)} different reports ({codes}); use parse_reports()", str(source) if _looks_like_path(source) else "<text>")
    return reports[0]
