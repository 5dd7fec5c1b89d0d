"""Stage classification (placeholder until the classifier issue lands: stages stay null)."""

from __future__ import annotations

from bma_nlp.records import Report


def classify_report(report: Report) -> Report:
    return report
