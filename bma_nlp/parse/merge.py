"""Merge OCR'd copies of the same report: per field, the value most copies agree on."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, fields
from typing import Any

from bma_nlp.parse.header import build_project
from bma_nlp.parse.installments import RawInstallment, parse_installments
from bma_nlp.parse.layout import RawCopy
from bma_nlp.parse.numbers import format_baht
from bma_nlp.records import Installment, Project, Report

# Fields where any disagreement matters (a misread digit changes the record).
_EXACT_FIELDS = {"code", "fiscal_year", "start_date", "end_date", "budget_received", "budget_used", "coordinator_phone"}


@dataclass
class ParsedCopy:
    source: str
    encoding: str
    project: Project
    installments: list[RawInstallment]
    bad_fields: list[tuple[str, str]]


def read_copy(raw: RawCopy, source: str, encoding: str) -> ParsedCopy:
    project, bad = build_project(raw.fields)
    return ParsedCopy(source, encoding, project, parse_installments(raw.installment_lines), bad)


def _vote(values: list[Any]) -> tuple[Any, bool, bool]:
    """Return (winner, any_disagreement, no_majority). None values do not vote."""
    present = [v for v in values if v is not None and v != ""]
    if not present:
        return None, False, False
    counts = Counter(present).most_common()
    winner, top = counts[0]
    tie = len(counts) > 1 and counts[1][1] == top
    if tie:  # prefer the value seen first among the tied ones
        tied = {v for v, c in counts if c == top}
        winner = next(v for v in present if v in tied)
    return winner, len(counts) > 1, tie


def _show(value: Any) -> str:
    return format_baht(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else str(value)


def group_copies(copies: list[ParsedCopy]) -> list[list[ParsedCopy]]:
    """Copies with the same (code, fiscal year) belong together; a copy without a code
    joins the copy before it in the same file (a truncated or headless page run)."""
    groups: dict[Any, list[ParsedCopy]] = {}
    previous_key: Any = None
    for i, copy in enumerate(copies):
        p = copy.project
        if p.code:
            key: Any = (p.code, p.fiscal_year)
        elif previous_key is not None and copies[i - 1].source == copy.source:
            key = previous_key
        else:
            key = ("no-code", p.name, p.fiscal_year, i)
        groups.setdefault(key, []).append(copy)
        previous_key = key
    return list(groups.values())


def merge_group(group: list[ParsedCopy]) -> Report:
    first = group[0]
    sources = list(dict.fromkeys(c.source for c in group))
    encodings = list(dict.fromkeys(c.encoding for c in group))
    report = Report(source=first.source, encoding=", ".join(encodings), copies=len(group), sources=sources)

    for f in fields(Project):
        winner, disagree, tie = _vote([getattr(c.project, f.name) for c in group])
        setattr(report.project, f.name, winner)
        if disagree and (tie or f.name in _EXACT_FIELDS):
            seen = sorted({_show(getattr(c.project, f.name)) for c in group if getattr(c.project, f.name) is not None})
            report.flag("copies_disagree", f"copies disagree on {f.name}: {' / '.join(seen)} (kept {_show(winner)})")
    for c in group:
        for key, value in c.bad_fields:
            report.flag("unparsed_field", f"{key} value not understood: {value!r}")

    by_number: dict[int, list[RawInstallment]] = {}
    for c in group:
        seen_here: set[int] = set()
        next_no = 1
        for raw in c.installments:
            number = raw.disbursement_no if raw.disbursement_no is not None else next_no
            if number in seen_here:
                report.flag("numbering_duplicate", f"installment {number} appears twice in one copy", number)
                continue
            seen_here.add(number)
            next_no = number + 1
            by_number.setdefault(number, []).append(raw)

    for number in sorted(by_number):
        raws = by_number[number]
        inst = Installment(number=number)
        for name in ("date", "note", "progress_pct", "disbursed_baht", "disbursement_no", "on_plan", "on_target", "report_no"):
            winner, disagree, _ = _vote([getattr(r, name) for r in raws])
            setattr(inst, name, winner)
            if disagree and name in ("date", "progress_pct", "disbursed_baht"):
                seen = sorted({_show(getattr(r, name)) for r in raws if getattr(r, name) is not None})
                report.flag("copies_disagree", f"copies disagree on installment {number} {name}: {' / '.join(seen)} (kept {_show(winner)})", number)
        inst.note = inst.note or ""  # no copy had a note: empty text, not None
        inst.note_raw = inst.note
        if len({r.note for r in raws if r.note}) > 1:  # copies read the note differently: they vote word by word
            from bma_nlp.repair.consensus import vote_field

            inst.note_raw, inst.note = vote_field(report, [r.note for r in raws], f"installments[{number}].note", number)
        if inst.date is None:
            bad = next((r.bad_date for r in raws if r.bad_date), None)
            if bad:
                report.flag("invalid_date", f"installment {number} has an impossible date {bad!r}", number)
        if not any(r.complete for r in raws):
            report.flag("incomplete_installment", f"installment {number} has no progress or disbursement figures (truncated?)", number)
        report.installments.append(inst)
    return report
