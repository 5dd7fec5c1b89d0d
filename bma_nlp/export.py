"""Serialise reports: JSON array, JSON Lines (one report per line), CSV (one installment per row)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import fields

from bma_nlp.output import csv_text, json_safe
from bma_nlp.records import Installment, Project, Report

FORMATS = ("json", "jsonl", "csv")
PROJECT_COLUMNS = [f.name for f in fields(Project)]
INSTALLMENT_COLUMNS = [f.name for f in fields(Installment)]
CSV_COLUMNS = ["source", "encoding", "copies", *PROJECT_COLUMNS, *(f"installment_{c}" if c == "number" else c for c in INSTALLMENT_COLUMNS), "flags"]


def to_json(reports: Iterable[Report]) -> str:
    return json_safe(json.dumps([r.to_dict() for r in reports], ensure_ascii=False, indent=1)) + "\n"


def to_jsonl(reports: Iterable[Report]) -> str:
    return "".join(json_safe(json.dumps(r.to_dict(), ensure_ascii=False)) + "\n" for r in reports)


def csv_rows(report: Report) -> Iterable[dict[str, object]]:
    base = {"source": report.source, "encoding": report.encoding, "copies": report.copies}
    base.update({c: getattr(report.project, c) for c in PROJECT_COLUMNS})
    report_flags = [f.code for f in report.flags if f.installment is None]
    rows: list[Installment | None] = list(report.installments) or [None]  # a report without installments still gets a row
    for inst in rows:
        row = dict(base)
        if inst is not None:
            for c in INSTALLMENT_COLUMNS:
                row["installment_number" if c == "number" else c] = getattr(inst, c)
        own = [f.code for f in report.flags if inst is not None and f.installment == inst.number]
        row["flags"] = "; ".join(report_flags + own)
        yield row


def to_csv(reports: Iterable[Report]) -> str:
    """One row per installment; formula-looking text is neutralised (``bma_nlp.output.csv_cell``)."""
    return csv_text((row for report in reports for row in csv_rows(report)), CSV_COLUMNS)


def render(reports: list[Report], fmt: str) -> str:
    return {"json": to_json, "jsonl": to_jsonl, "csv": to_csv}[fmt](reports)
