"""OCR repair: fix garbled Thai words before text is stored, explain every change, abstain when unsure.

``repair(text)`` returns a ``RepairResult`` (text, original, changes); ``fix_and_explain``
returns ``(text, changes)``. ``repair_report`` repairs a parsed record's text fields in place,
keeping the OCR'd note in ``note_raw``.
"""

from __future__ import annotations

import os
from dataclasses import asdict, replace

from bma_nlp.records import Repair, Report
from bma_nlp.repair.core import RepairResult, names_first, repair_line, repair_text
from bma_nlp.repair.evidence import Evidence, current_evidence, using_evidence
from bma_nlp.repair.lexicon import Lexicon, load_lexicon, read_user_lexicon

__all__ = ["Evidence", "using_evidence", "RepairResult", "fix_and_explain", "lexicon_with", "load_lexicon", "read_user_lexicon", "repair", "repair_report"]

ENGINES = ("bma",)
# Free-text project fields worth repairing; names, codes, numbers and dates are never touched.
TEXT_FIELDS = ("name", "agency", "responsible", "strategy", "sub_strategy", "goal", "indicator")


def repair(
    text: str,
    *,
    engine: str = "bma",
    lexicon: str | os.PathLike[str] | list[str] | None = None,
    consensus: bool = True,
    evidence: Evidence | None = None,
) -> RepairResult:
    """Repair OCR-garbled words in ``text``.

    ``lexicon``: extra trusted words (a list, or a file with one word per line).
    ``consensus``: when the text holds three or more copies of a report, let them vote.
    ``evidence``: context from an archive (``Archive.repair_evidence()``): its word pairs, and
    its recurring words trusted.
    """
    if engine not in ENGINES:
        raise ValueError(f"unknown repair engine {engine!r} (available: {', '.join(ENGINES)})")
    words = read_user_lexicon(lexicon) if isinstance(lexicon, (str, os.PathLike)) else list(lexicon or [])
    return repair_text(text, lexicon_with(evidence, words), consensus=consensus)


_WITH_EVIDENCE: dict[tuple[tuple[int, int, int], tuple[str, ...]], Lexicon] = {}


def lexicon_with(evidence: Evidence | None, words: list[str] | tuple[str, ...] = ()) -> Lexicon:
    """The lexicon for these user words and this evidence (built once per evidence state)."""
    base = load_lexicon(words)
    if evidence is None:
        return base
    key = (evidence.fingerprint(), tuple(sorted(words)))
    found = _WITH_EVIDENCE.get(key)
    if found is None:
        if len(_WITH_EVIDENCE) > 4:
            _WITH_EVIDENCE.clear()
        found = _WITH_EVIDENCE[key] = base.with_evidence(evidence, evidence.recurring_words())
    return found


def fix_and_explain(text: str, **kwargs: object) -> tuple[str, list[Repair]]:
    """ftfy-style: the fixed text and the list of changes that produced it."""
    result = repair(text, **kwargs)  # type: ignore[arg-type]
    return result.text, result.changes


def _repair_field(value: str, where: str, lexicon: Lexicon, repairs: list[dict[str, object]], name_first: bool = False) -> str:
    fixed, changes = repair_line(value, lexicon, name_first)
    repairs.extend(asdict(replace(c, field=where)) for c in changes)
    return fixed


def repair_report(report: Report, lexicon: Lexicon | None = None, evidence: Evidence | None = None) -> Report:
    """Repair a merged record's notes and free-text header fields in place (``note_raw`` keeps the OCR)."""
    lexicon = lexicon or lexicon_with(evidence if evidence is not None else current_evidence())
    for name in TEXT_FIELDS:
        value = getattr(report.project, name)
        if value:
            setattr(report.project, name, _repair_field(value, f"project.{name}", lexicon, report.repairs))
    # The narrative, like notes, is repaired from its OCR form (*_raw), line by line / item by item.
    p = report.project
    if p.rationale_raw:
        lines = p.rationale_raw.split("\n")
        p.rationale = "\n".join(
            _repair_field(line, f"project.rationale[{k}]", lexicon, report.repairs, after)
            for k, (line, after) in enumerate(zip(lines, names_first(lines), strict=True))
        )
    p.objectives = [_repair_field(item, f"project.objectives[{k}]", lexicon, report.repairs) for k, item in enumerate(p.objectives_raw)]
    p.targets = [_repair_field(item, f"project.targets[{k}]", lexicon, report.repairs) for k, item in enumerate(p.targets_raw)]
    for inst in report.installments:
        if inst.note:  # the copies' vote (when they disagreed) already stands in ``note``; repair what it left open
            inst.note = _repair_field(inst.note, f"installments[{inst.number}].note", lexicon, report.repairs)
    return report
