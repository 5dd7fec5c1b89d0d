"""Sequence awareness: a report's installments move forward, approval -> procurement -> completed.

Each note's probabilities (from the model, on the note alone) are combined with two facts
from its metrics and decoded over the report with a monotonic constraint (a stage never goes
back):

1. Emission of installment *i* for stage *s*: ``p_i(s) + p_i(none) / 3`` (a note that says
   nothing spreads its mass evenly) times a prior from the metrics, ``METRIC_PRIOR``:
   progress >= 100 % doubles ``completed``; money already disbursed halves ``approval``.
2. Viterbi gives the most likely non-decreasing stage path; forward-backward gives each
   installment's posterior probability of every stage over all non-decreasing paths.

Per installment:

- the path's stage has a posterior below the threshold: null. With a confident note this
  means the report contradicts itself (``"sequence"``, confidence = the posterior); with a
  silent note, there is nothing to go on (``"note"``, the note's low confidence);
- the note alone is confident (top label a stage, probability >= threshold) and the path
  agrees: that stage, ``stage_source = "note"``, confidence = the note's own probability;
- otherwise the path's stage, ``"sequence"``, confidence = its posterior: the order overrides
  the note (a "completed" note among approval notes), or fills in for a note that says
  nothing (a blank note at 100 % after completed installments).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from bma_nlp.records import STAGES

# multiplier per stage (approval, procurement, completed) when a metric condition holds
METRIC_PRIOR = {
    "progress_complete": (1.0, 1.0, 2.0),  # progress_pct >= 100
    "money_disbursed": (0.5, 1.0, 1.0),  # cumulative disbursed_baht > 0
}
_FLOOR = 1e-9


@dataclass(frozen=True)
class Decision:
    stage: str | None
    confidence: float
    source: str  # "note" or "sequence"


def emissions(proba: np.ndarray, progress: Sequence[float | None], disbursed: Sequence[float | None]) -> np.ndarray:
    """Per installment, unnormalised evidence for each of the three stages."""
    stage_p = proba[:, :3] + proba[:, 3:4] / 3.0
    prior = np.ones_like(stage_p)
    for i, (pct, baht) in enumerate(zip(progress, disbursed, strict=True)):
        if pct is not None and pct >= 100:
            prior[i] *= METRIC_PRIOR["progress_complete"]
        if baht is not None and baht > 0:
            prior[i] *= METRIC_PRIOR["money_disbursed"]
    out = np.maximum(stage_p * prior, _FLOOR)
    return np.asarray(out / out.sum(axis=1, keepdims=True))


def viterbi(emit: np.ndarray) -> list[int]:
    """Most likely non-decreasing stage index path."""
    n, k = emit.shape
    if n == 0:
        return []
    logs = np.log(emit)
    score = logs[0].copy()
    back = np.zeros((n, k), dtype=int)
    for i in range(1, n):
        new = np.empty(k)
        for t in range(k):
            s = int(np.argmax(score[: t + 1]))  # only from a stage at or before t
            back[i, t] = s
            new[t] = score[s] + logs[i, t]
        score = new
    path = [int(np.argmax(score))]
    for i in range(n - 1, 0, -1):
        path.append(int(back[i, path[-1]]))
    return path[::-1]


def posteriors(emit: np.ndarray) -> np.ndarray:
    """P(stage of installment i = s | all notes), summing over every non-decreasing path."""
    n, k = emit.shape
    if n == 0:
        return emit.copy()
    alpha = np.zeros((n, k))
    beta = np.ones((n, k))
    alpha[0] = emit[0] / emit[0].sum()
    for i in range(1, n):
        alpha[i] = emit[i] * np.cumsum(alpha[i - 1])  # sum over s <= t
        alpha[i] /= alpha[i].sum()
    for i in range(n - 2, -1, -1):
        nxt = emit[i + 1] * beta[i + 1]
        beta[i] = np.cumsum(nxt[::-1])[::-1]  # sum over t >= s
        beta[i] /= beta[i].sum()
    gamma = alpha * beta
    return np.asarray(gamma / gamma.sum(axis=1, keepdims=True))


def decode(
    proba: np.ndarray,
    progress: Sequence[float | None],
    disbursed: Sequence[float | None],
    threshold: float,
) -> list[Decision]:
    """Stage, confidence and source per installment (in report order). ``proba`` columns: ``LABELS``."""
    n = len(proba)
    if n == 0:
        return []
    emit = emissions(proba, progress, disbursed)
    path = viterbi(emit)
    post = posteriors(emit)
    out: list[Decision] = []
    for i in range(n):
        best = int(np.argmax(proba[i]))
        note_conf = float(proba[i, :3].max())
        note_stage = STAGES[best] if best < 3 and proba[i, best] >= threshold else None
        seq = path[i]
        seq_conf = float(post[i, seq])
        if seq_conf < threshold:  # no clear stage here: the report contradicts itself, or says nothing
            out.append(Decision(None, seq_conf, "sequence") if note_stage is not None else Decision(None, note_conf, "note"))
        elif note_stage == STAGES[seq]:
            out.append(Decision(note_stage, float(proba[i, best]), "note"))
        else:  # the order overrides the note, or fills in for a note that says nothing
            out.append(Decision(STAGES[seq], seq_conf, "sequence"))
    return out
