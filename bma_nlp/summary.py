"""A short human-readable summary of processed reports (what `bma-nlp demo` prints)."""

from __future__ import annotations

from collections import Counter

from bma_nlp.parse.numbers import format_baht
from bma_nlp.records import Report


def summary_text(reports: list[Report]) -> str:
    lines: list[str] = []
    stages: Counter[str] = Counter()
    n_flags = 0
    for r in reports:
        p = r.project
        budget = f"{format_baht(p.budget_received)} baht" if p.budget_received is not None else "budget ?"
        lines.append(f"{p.code or '?'}  FY {p.fiscal_year or '?'}  {p.name or '(no name)'}")
        lines.append(f"  {p.agency or '(no agency)'} | {budget} | {r.copies} cop{'y' if r.copies == 1 else 'ies'} merged | {len(r.installments)} installments")
        for inst in r.installments:
            stages[inst.stage or "unknown"] += 1
        if r.repairs:
            lines.append(f"  OCR repairs: {len(r.repairs)}")
        for f in r.flags:
            n_flags += 1
            lines.append(f"  ! {f.code}: {f.message}")
    per_stage = ", ".join(f"{k} {v}" for k, v in sorted(stages.items())) or "none"
    lines.append(f"{len(reports)} report(s); installments by stage: {per_stage}; {n_flags} flag(s)")
    return "\n".join(lines)
