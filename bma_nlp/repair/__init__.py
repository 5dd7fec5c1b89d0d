"""OCR repair: fix garbled Thai words before text is stored, explain every change, abstain when unsure.

``repair(text)`` returns a ``RepairResult`` (text, original, changes); ``fix_and_explain``
returns ``(text, changes)``. ``repair_report`` repairs a parsed record's text fields in place,
keeping the OCR'd note in ``note_raw``.
"""

from __future__ import annotations

import os
from dataclasses import asdict, replace

from bma_nlp.records import Repair, Report
from bma_nlp.repair.core import RepairResult, repair_line, repair_text
from bma_nlp.repair.lexicon import Lexicon, load_lexicon, read_user_lexicon

__all__ = ["RepairResult", "fix_and_explain", "load_lexicon", "read_user_lexicon", "repair", "repair_report"]

ENGINES = ("bma",)
# Free-text project fields worth repairing; names, codes, numbers and dates are never touched.
TEXT_FIELDS = ("name", "agency", "responsible", "strategy", "sub_strategy", "goal", "indicator")


def repair(
    text: str,
    *,
    engine: str = "bma",
    lexicon: str | os.PathLike[str] | list[str] | None = None,
    consensus: bool = True,
) -> RepairResult:
    """Repair OCR-garbled words in ``text``.

    ``lexicon``: extra trusted words (a list, or a file with one word per line).
    ``consensus``: when the text holds three or more copies of a report, let them vote.
    """
    if engine not in ENGINES:
        raise ValueError(f"unknown repair engine {engine!r} (available: {', '.join(ENGINES)})")
    words = read_user_lexicon(lexicon) if isinstance(lexicon, (str, os.PathLike)) else list(lexicon or [])
    return repair_text(text, load_lexicon(words), consensus=consensus)


def fix_and_explain(text: str, **kwargs: object) -> tuple[str, list[Repair]]:
    """ftfy-style: the fixed text and the list of changes that produced it."""
    result = repair(text, **kwargs)  # type: ignore[arg-type]
    return result.text, result.changes


def _repair_field(value: str, where: str, lexicon: Lexicon, repairs: list[dict[str, object]]) -> str:
    fixed, changes = repair_line(value, lexicon)
    repairs.extend(asdict(replace(c, field=where)) for c in changes)
    return fixed


def repair_report(report: Report, lexicon: Lexicon | None = None) -> Report:
    """Repair a merged record's notes and free-text header fields in place (``note_raw`` keeps the OCR)."""
    lexicon = lexicon or load_lexicon()
    for name in TEXT_FIELDS:
        value = getattr(report.project, name)
        if value:
            setattr(report.project, name, _repair_field(value, f"project.{name}", lexicon, report.repairs))
    # The narrative, like notes, is repaired from its OCR form (*_raw), line by line / item by item.
    p = report.project
    if p.rationale_raw:
        lines = p.rationale_raw.split("\n")
        p.rationale = "\n".join(_repair_field(line, f"project.rationale[{k}]", lexicon, report.repairs) for k, line in enumerate(lines))
    p.objectives = [_repair_field(item, f"project.objectives[{k}]", lexicon, report.repairs) for k, item in enumerate(p.objectives_raw)]
    p.targets = [_repair_field(item, f"project.targets[{k}]", lexicon, report.repairs) for k, item in enumerate(p.targets_raw)]
    for inst in report.installments:
        if inst.note_raw:
            inst.note = _repair_field(inst.note_raw, f"installments[{inst.number}].note", lexicon, report.repairs)
    return report
