"""The whole job for a set of inputs: read -> split into copies -> parse -> merge -> repair -> classify.

Each stage lives in its own subpackage; this module only wires them together. ``derive`` is
the one function that turns report copies into records: ``parse`` calls it on the copies of
the files it is given, the archive calls it on the copies it has stored (at ingest, when a new
copy arrives, and at reprocess), so the same copies always give the same record however they
were delivered (one file or several, now or after an upgrade).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from bma_nlp.errors import BmaNlpError, ParseError
from bma_nlp.parse import ParsedCopy, merge_copies, read_copies, read_raw_copies
from bma_nlp.parse.layout import split_copies
from bma_nlp.parse.merge import group_copies
from bma_nlp.records import Report
from bma_nlp.revision import PIPELINE_REVISION, pipeline_version  # noqa: F401 - re-exported: the version lives apart, light (bma-nlp stats reads it alone)
from bma_nlp.text import decode_bytes, normalize, read_text
from bma_nlp.text.read import DEFAULT_MAX_BYTES

Source = str | os.PathLike[str]
_FILE_SUFFIX = re.compile(r"\.[A-Za-z0-9]{1,10}$")  # .txt, .md, .jsonl: a file name, not '... พ.ศ. 2566'

_NEWLINE = re.compile(r"\r\n|\r|\n")  # the line breaks ``normalize`` unifies, so line k here is line k there


@dataclass
class CopyText:
    """One OCR'd copy of a report as it was read: its lines (decoded, not yet normalised) and
    where they came from. What the archive stores; everything else is derived from it."""

    text: str
    source: str
    encoding: str
    position: int = 0  # place among the copies of its file (0-based)
    rank: int = 0  # only the copies of the highest rank of a report vote (a re-scan marked to win)
    parsed: list[ParsedCopy] | None = field(default=None, repr=False, compare=False)  # cache, never stored


@dataclass
class Derived:
    """A record and the copies it was derived from (in voting order)."""

    report: Report
    copies: list[CopyText]


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


def split_text(text: str, source: str = "<text>", encoding: str = "unicode") -> list[CopyText]:
    """Cut one file's text into its report copies (lines before the first copy, and a
    fragment that holds no report, stay with a neighbouring copy, so nothing read is lost).
    Raises ParseError when the text holds no report at all."""
    lines = _NEWLINE.split(text) if "\r" in text else text.split("\n")  # str.split: no regex pass when only \n ends lines
    raws = split_copies(normalize(text))
    starts = [0] + [raw.start_line for raw in raws[1:]]
    pieces = ["\n".join(lines[a:b]) for a, b in zip(starts, [*starts[1:], len(lines)], strict=True)]
    copies: list[CopyText] = []
    orphan = ""  # text before the first piece that holds a report
    for number, piece in enumerate(pieces):
        try:
            # The copies found in the whole text are parsed as found (a piece read again on its
            # own splits the same way: checked over the sample, blind rounds and generated files).
            parsed = read_raw_copies(raws[number : number + 1], source, encoding)
        except ParseError:
            if copies:
                copies[-1].text += "\n" + piece
                copies[-1].parsed = None
            else:
                orphan += piece + "\n"
            continue
        copies.append(CopyText(orphan + piece, source, encoding, len(copies), parsed=None if orphan else parsed))
        orphan = ""
    if not copies:
        raise ParseError("no progress report found (no project header and no installments)", source)
    return copies


def read_copy_texts(source: Source | bytes, max_bytes: int = DEFAULT_MAX_BYTES) -> list[CopyText]:
    """Read one path (or literal text, or a file's bytes) into its report copies."""
    _check_source(source)
    if isinstance(source, bytes):
        text, encoding = decode_bytes(source, "<bytes>")
        return split_text(text, "<bytes>", encoding)
    if _looks_like_path(source):
        text, encoding = read_text(source, max_bytes=max_bytes)
        return split_text(text, str(source), encoding)
    return split_text(str(source), "<text>", "unicode")


def parsed_copies(copy: CopyText) -> list[ParsedCopy]:
    if copy.parsed is None:
        copy.parsed = read_copies(copy.text, copy.source, copy.encoding)
    return copy.parsed


def copies_from(source: Source, max_bytes: int = DEFAULT_MAX_BYTES) -> list[ParsedCopy]:
    """Read one path (or literal text) into parsed report copies."""
    return [p for c in read_copy_texts(source, max_bytes) for p in parsed_copies(c)]


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


def derive(copies: Sequence[CopyText], *, repair: bool = True, classify: bool = True) -> list[Derived]:
    """THE pipeline: records from report copies (any number of files, in voting order).

    Copies of the same report (code + fiscal year) are merged; when some copies of a report
    have a higher ``rank`` (a re-scan marked to win), only those vote.
    """
    owner: dict[int, CopyText] = {}
    parsed: list[ParsedCopy] = []
    for copy in copies:
        for p in parsed_copies(copy):
            owner[id(p)] = copy
            parsed.append(p)
    derived: list[Derived] = []
    for group in group_copies(parsed):
        top = max(owner[id(p)].rank for p in group)
        voters = [p for p in group if owner[id(p)].rank == top]
        sources = _unique([owner[id(p)] for p in voters])
        for report in merge_copies(voters):
            derived.append(Derived(report, sources))
    finish([d.report for d in derived], repair=repair, classify=classify)
    return derived


def _unique(items: list[CopyText]) -> list[CopyText]:
    seen: set[int] = set()
    out = []
    for item in items:
        if id(item) not in seen:
            seen.add(id(item))
            out.append(item)
    return out


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
    copies: list[CopyText] = []
    errors: list[BmaNlpError] = []
    for source in sources:
        try:
            copies.extend(read_copy_texts(source, max_bytes))
        except BmaNlpError as exc:
            errors.append(exc)
            if on_error:
                on_error(exc)
    return [d.report for d in derive(copies, repair=repair, classify=classify)], errors


def parse_reports(source: Source | bytes, *, repair: bool = True, classify: bool = True) -> list[Report]:
    """Every report in one file or text."""
    return [d.report for d in derive(read_copy_texts(source), repair=repair, classify=classify)]


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
    derived = derive(split_text(text, "<text>", "unicode"), repair=repair, classify=classify)
    return _one([d.report for d in derived], "<text>")


def parse_file(path: str | os.PathLike[str], *, repair: bool = True, classify: bool = True, max_bytes: int = DEFAULT_MAX_BYTES) -> Report:
    """The one report in the file at ``path`` (never taken for text)."""
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"parse_file() takes a path (str or os.PathLike), not {type(path).__name__}")
    text, encoding = read_text(path, max_bytes=max_bytes)
    derived = derive(split_text(text, str(path), encoding), repair=repair, classify=classify)
    return _one([d.report for d in derived], str(path))
