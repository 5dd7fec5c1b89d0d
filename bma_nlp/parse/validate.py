"""Checks a careful clerk makes: what in a merged report does not add up."""

from __future__ import annotations

from bma_nlp.parse.dates import fiscal_year_bounds
from bma_nlp.parse.numbers import format_baht
from bma_nlp.records import Report


def _ranges(numbers: list[int]) -> str:
    """[4,5,6,8] -> '4..6, 8'"""
    parts: list[str] = []
    start = prev = numbers[0]
    for n in numbers[1:] + [None]:  # type: ignore[list-item]
        if n is not None and n == prev + 1:
            prev = n
            continue
        parts.append(f"{start}..{prev}" if prev != start else str(start))
        if n is not None:
            start = prev = n
    return ", ".join(parts)


def validate(report: Report) -> Report:
    p, insts = report.project, report.installments
    if not insts:
        report.flag("no_installments", "report has no installments")

    received, used = p.budget_received, p.budget_used
    if received is not None and used is not None and used > received:
        paid = [i for i in insts if i.disbursed_baht]
        total = sum(i.disbursed_baht or 0 for i in paid)
        why = ""
        if paid and abs(total - used) < 0.5:
            why = f": equals the sum of the cumulative installment figures {_ranges([i.number for i in paid])}"
        report.flag("budget_overrun", f"budget_used exceeds budget_received ({format_baht(used)} > {format_baht(received)}{why})")

    bounds = fiscal_year_bounds(p.fiscal_year) if p.fiscal_year else None
    prev = None
    numbers = [i.number for i in insts]
    for inst in insts:
        n = inst.number
        if inst.date is None:
            report.flag("missing_date", f"installment {n} has no date", n)
        elif bounds and not bounds[0] <= inst.date <= bounds[1]:
            report.flag("date_outside_fiscal_year", f"installment {n} date {inst.date} is outside fiscal year {p.fiscal_year} ({bounds[0]}..{bounds[1]})", n)
        if received is not None and inst.disbursed_baht is not None and inst.disbursed_baht > received:
            report.flag("disbursement_exceeds_budget", f"installment {n} cumulative disbursement {format_baht(inst.disbursed_baht)} exceeds budget received {format_baht(received)}", n)
        if inst.progress_pct is not None and not 0 <= inst.progress_pct <= 100:
            report.flag("progress_out_of_range", f"installment {n} progress {inst.progress_pct}% is not between 0 and 100", n)
        if inst.progress_pct == 100 and inst.disbursed_baht == 0 and received:
            report.flag("complete_without_disbursement", f"installment {n} is 100% complete but nothing is disbursed", n)
        if prev is not None:
            if prev.disbursed_baht is not None and inst.disbursed_baht is not None and inst.disbursed_baht < prev.disbursed_baht:
                report.flag("disbursement_decreased", f"installment {n} cumulative disbursement went down ({format_baht(prev.disbursed_baht)} -> {format_baht(inst.disbursed_baht)})", n)
            if prev.progress_pct is not None and inst.progress_pct is not None and inst.progress_pct < prev.progress_pct:
                report.flag("progress_decreased", f"installment {n} progress went down ({prev.progress_pct:g}% -> {inst.progress_pct:g}%)", n)
            if prev.date and inst.date and inst.date < prev.date:
                report.flag("date_order", f"installment {n} is dated {inst.date}, before installment {prev.number} ({prev.date})", n)
        prev = inst
    if numbers:
        missing = sorted(set(range(1, max(numbers) + 1)) - set(numbers))
        if missing:
            report.flag("numbering_gap", f"installment numbers missing: {_ranges(missing)}")
    return report
