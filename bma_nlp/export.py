"""Serialise reports: JSON array, JSON Lines (one report per line), CSV (one installment per row).

The narrative (rationale, objectives, targets and their OCR forms) is in every format: in CSV
an objectives or targets cell holds one item per line.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from dataclasses import fields

from bma_nlp.records import Installment, Project, Report

FORMATS = ("json", "jsonl", "csv")
PROJECT_COLUMNS = [f.name for f in fields(Project)]
INSTALLMENT_COLUMNS = [f.name for f in fields(Installment)]
CSV_COLUMNS = ["source", "encoding", "copies", *PROJECT_COLUMNS, *(f"installment_{c}" if c == "number" else c for c in INSTALLMENT_COLUMNS), "flags", "corrected"]


def to_json(reports: Iterable[Report]) -> str:
    return json.dumps([r.to_dict() for r in reports], ensure_ascii=False, indent=1) + "\n"


def to_jsonl(reports: Iterable[Report]) -> str:
    return "".join(json.dumps(r.to_dict(), ensure_ascii=False) + "\n" for r in reports)


def _cell(value: object) -> object:
    """A list (objectives, targets) is one CSV cell, an item per line."""
    return "\n".join(str(v) for v in value) if isinstance(value, list) else value


def csv_rows(report: Report) -> Iterable[dict[str, object]]:
    base = {"source": report.source, "encoding": report.encoding, "copies": report.copies}
    base.update({c: _cell(getattr(report.project, c)) for c in PROJECT_COLUMNS})
    report_flags = [f.code for f in report.flags if f.installment is None]
    rows: list[Installment | None] = list(report.installments) or [None]  # a report without installments still gets a row
    for inst in rows:
        row = dict(base)
        if inst is not None:
            for c in INSTALLMENT_COLUMNS:
                row["installment_number" if c == "number" else c] = getattr(inst, c)
        own = [f.code for f in report.flags if inst is not None and f.installment == inst.number]
        row["flags"] = "; ".join(report_flags + own)
        row["corrected"] = "; ".join(_corrected(report, None if inst is None else inst.number))
        yield row


def _corrected(report: Report, number: int | None) -> list[str]:
    """The fields people corrected (see bma_nlp.store.corrections) shown on this row."""
    if not report.corrections:
        return []
    from bma_nlp.store.corrections import corrected_fields

    return corrected_fields(report, number)


def to_csv(reports: Iterable[Report]) -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for report in reports:
        writer.writerows(csv_rows(report))
    return buf.getvalue()


def render(reports: list[Report], fmt: str) -> str:
    return {"json": to_json, "jsonl": to_jsonl, "csv": to_csv}[fmt](reports)
