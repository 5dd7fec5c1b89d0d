"""Stage of each installment's progress note: approval, procurement, completed (or null).

- ``classify(texts)`` scores notes on their own (``StageResult`` per text); the top-level
  package exports it as ``bma_nlp.classify_notes`` (``bma_nlp.classify`` stays this
  subpackage, so ``import bma_nlp.classify`` and its submodules behave as usual).
- ``classify_report(report)`` fills ``stage``, ``stage_confidence`` and ``stage_source`` on
  every installment, correcting unlikely sequences (``bma_nlp.classify.sequence``).

The model (``bma_nlp/data/models/stage.skops`` + ``stage.json``, see ``bma_nlp.classify.persist``) is loaded lazily, once per process.
scikit-learn is imported only when a note is first classified.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from bma_nlp.records import LABELS, STAGES, Report

if TYPE_CHECKING:
    from bma_nlp.classify.model import StageModel



@dataclass(frozen=True)
class StageResult:
    """The stage of one note on its own: ``stage`` is None when the note says nothing about it
    (``none``) or the top probability is below the model's abstain threshold; ``confidence`` is
    the probability of the best of the three stages; ``scores`` has all four labels (sum 1).
    ``evidence``: the words that decided (``bma_nlp.classify.clauses.evidence``): the mentions of
    the chosen stage that are reached, most recent first; for no stage, the mentions that did
    not count (planned, negated, part of a name, an amount) and why."""

    stage: str | None
    confidence: float
    scores: dict[str, float]
    evidence: tuple[dict[str, Any], ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "stage": self.stage,
            "confidence": self.confidence,
            "scores": dict(self.scores),
            "stage_evidence": [dict(e) for e in self.evidence],
        }


def _model(model: StageModel | str | os.PathLike[str] | None) -> StageModel:
    from bma_nlp.classify.model import StageModel, load_model

    return model if isinstance(model, StageModel) else load_model(model)


def note_probabilities(texts: Sequence[str], model: StageModel | str | os.PathLike[str] | None = None) -> Any:
    """Probabilities (rows: texts, columns: ``LABELS``); an empty note is ``none`` with certainty."""
    import numpy as np

    out = np.zeros((len(texts), len(LABELS)))
    out[:, 3] = 1.0
    idx = [i for i, t in enumerate(texts) if t and t.strip()]
    if idx:
        out[idx] = _model(model).proba([texts[i] for i in idx])
    return out


def classify(
    texts: str | Sequence[str],
    *,
    model: StageModel | str | os.PathLike[str] | None = None,
    threshold: float | None = None,
) -> list[StageResult]:
    """Stage of each note on its own. ``model``: a path or loaded model (default: the shipped one);
    ``threshold``: abstain below this probability (default: the model's calibrated threshold)."""
    if isinstance(texts, str):
        texts = [texts]
    texts = list(texts)
    if not texts:
        return []
    loaded = _model(model)
    from bma_nlp.classify.clauses import evidence

    cut = loaded.threshold if threshold is None else threshold
    proba = note_probabilities(texts, loaded)
    results = []
    for text, row in zip(texts, proba, strict=True):
        best = int(row.argmax())
        stage = STAGES[best] if best < 3 and row[best] >= cut else None
        scores = {lab: round(float(p), 4) for lab, p in zip(LABELS, row, strict=True)}
        found = tuple(evidence(text, stage)) if text and text.strip() else ()
        results.append(StageResult(stage, round(float(row[:3].max()), 4), scores, found))
    return results


def classify_report(
    report: Report,
    *,
    model: StageModel | str | os.PathLike[str] | None = None,
    use_sequence: bool = True,
) -> Report:
    """Fill ``stage``, ``stage_confidence`` and ``stage_source`` on every installment (in place)."""
    classify_reports([report], model=model, use_sequence=use_sequence)
    return report


def classify_reports(
    reports: Sequence[Report],
    *,
    model: StageModel | str | os.PathLike[str] | None = None,
    use_sequence: bool = True,
) -> Sequence[Report]:
    """``classify_report`` for many reports with one model call: a call costs milliseconds
    whatever its size, so an archive ingest batches the notes of many files."""
    from bma_nlp.classify.sequence import decode

    per_report = [sorted(report.installments, key=lambda inst: inst.number) for report in reports]
    notes = [inst.note or inst.note_raw for installments in per_report for inst in installments]
    if not notes:
        return reports
    loaded = _model(model)
    all_proba = note_probabilities(notes, loaded)
    start = 0
    for installments in per_report:
        proba = all_proba[start : start + len(installments)]
        start += len(installments)
        if not installments:
            continue
        if use_sequence:
            decisions = decode(
                proba,
                [inst.progress_pct for inst in installments],
                [inst.disbursed_baht for inst in installments],
                loaded.threshold,
            )
            for inst, d in zip(installments, decisions, strict=True):
                inst.stage, inst.stage_confidence, inst.stage_source = d.stage, round(d.confidence, 4), d.source
        else:
            for inst, row in zip(installments, proba, strict=True):
                best = int(row.argmax())
                inst.stage = STAGES[best] if best < 3 and row[best] >= loaded.threshold else None
                inst.stage_confidence = round(float(row[:3].max()), 4)
                inst.stage_source = "note"
    return reports


__all__ = ["LABELS", "STAGES", "StageResult", "classify", "classify_report", "classify_reports", "note_probabilities"]
