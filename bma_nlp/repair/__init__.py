"""OCR repair (placeholder until the repair issue lands: nothing is changed)."""

from __future__ import annotations

from bma_nlp.records import Report


def repair_report(report: Report) -> Report:
    return report
