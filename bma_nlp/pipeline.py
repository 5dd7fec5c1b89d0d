"""The whole job for a set of inputs: read -> normalise -> parse copies -> merge -> repair -> classify.

Each stage lives in its own subpackage; this module only wires them together so the CLI,
the archive and the Python API run exactly the same steps.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable

from bma_nlp.errors import BmaNlpError, ParseError
from bma_nlp.parse import ParsedCopy, merge_copies, read_copies
from bma_nlp.records import Report
from bma_nlp.text import decode_bytes, read_text
from bma_nlp.text.read import DEFAULT_MAX_BYTES

Source = str | os.PathLike[str]
_FILE_SUFFIX = re.compile(r"\.[A-Za-z0-9]{1,10}$")  # .txt, .md, .jsonl: a file name, not '... พ.ศ. 2566'


def _check_source(value: object, what: str = "a path or the report's text (str)") -> None:
    if isinstance(value, bytes):
        return
    if not isinstance(value, (str, os.PathLike)):
        raise TypeError(f"expected {what}, not {type(value).__name__}")


def _looks_like_path(value: Source) -> bool:
    """``parse_report`` guesses; ``parse_file`` and ``parse_text`` do not. A string is a path when
    it names an existing file, or is one line that ends in a file suffix (``.txt``)."""
    if isinstance(value, os.PathLike):
        return True
    if "\n" in value or len(value) >= 4096 or "\x00" in value or value.lstrip().startswith("**"):
        return False
    return os.path.isfile(value) or _FILE_SUFFIX.search(value) is not None


def copies_from(source: Source | bytes, max_bytes: int = DEFAULT_MAX_BYTES) -> list[ParsedCopy]:
    """Read one path (or literal text, or a file's bytes) into parsed report copies."""
    _check_source(source)
    if isinstance(source, bytes):
        text, encoding = decode_bytes(source, "<bytes>")
        return read_copies(text, "<bytes>", encoding)
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
    if isinstance(sources, (str, bytes, os.PathLike)):
        sources = [sources]  # one source, not the characters of its name
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


def parse_reports(source: Source | bytes, *, repair: bool = True, classify: bool = True) -> list[Report]:
    """Every report in one file or text."""
    return finish(merge_copies(copies_from(source)), repair=repair, classify=classify)


def parse_report(source: Source | bytes, *, repair: bool = True, classify: bool = True) -> Report:
    """The one report in a file or text (its copies merged). See ``parse_reports`` for several."""
    reports = parse_reports(source, repair=repair, classify=classify)
    if len(reports) > 1:
        codes = ", ".join(str(r.project.code) for r in reports)
        named = isinstance(source, (str, os.PathLike)) and _looks_like_path(source)
        raise ParseError(f"holds {len(reports)} different reports ({codes}); use parse_reports()", str(source) if named else "<text>")
    return reports[0]


def _one(reports: list[Report], where: str) -> Report:
    if len(reports) > 1:
        codes = ", ".join(str(r.project.code) for r in reports)
        raise ParseError(f"holds {len(reports)} different reports ({codes}); use parse_reports()", where)
    return reports[0]


def parse_text(text: str, *, repair: bool = True, classify: bool = True) -> Report:
    """The one report in ``text`` (never taken for a file name; see ``parse_report`` for guessing)."""
    if not isinstance(text, str):
        raise TypeError(f"parse_text() takes the report's text as str, not {type(text).__name__}")
    reports = merge_copies(read_copies(text, "<text>", "unicode"))
    return _one(finish(reports, repair=repair, classify=classify), "<text>")


def parse_file(path: str | os.PathLike[str], *, repair: bool = True, classify: bool = True, max_bytes: int = DEFAULT_MAX_BYTES) -> Report:
    """The one report in the file at ``path`` (never taken for text)."""
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"parse_file() takes a path (str or os.PathLike), not {type(path).__name__}")
    text, encoding = read_text(path, max_bytes=max_bytes)
    reports = merge_copies(read_copies(text, str(path), encoding))
    return _one(finish(reports, repair=repair, classify=classify), str(path))
