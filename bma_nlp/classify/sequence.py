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


# A report has a handful of installments and three stages: the arithmetic below runs on
# Python floats (lists of rows), not NumPy arrays, whose per-call overhead was nearly all of the
# decoding's time (about 0.5 ms a report). The same IEEE operations in the same order as the
# array code it replaced (sums of a row left to right, as NumPy reduces three numbers; running
# sums for ``cumsum``; the first largest value for ``argmax``; NumPy's own ``log``), so every
# report decodes to the same bits (tests/test_sequence_exact.py holds it to that array code).


def _argmax(values: Sequence[float]) -> int:
    """``np.argmax``: the first largest value's index (the first NaN's, if any)."""
    best, top = 0, values[0]
    if top != top:
        return 0
    for j in range(1, len(values)):
        v = values[j]
        if v != v:
            return j
        if v > top:
            best, top = j, v
    return best


def _emission_rows(rows: Sequence[Sequence[float]], progress: Sequence[float | None], disbursed: Sequence[float | None]) -> list[list[float]]:
    complete, disbursed_prior = METRIC_PRIOR["progress_complete"], METRIC_PRIOR["money_disbursed"]
    out = []
    for row, pct, baht in zip(rows, progress, disbursed, strict=True):
        spread = row[3] / 3.0
        prior = [1.0, 1.0, 1.0]
        if pct is not None and pct >= 100:
            prior = [p * m for p, m in zip(prior, complete, strict=True)]
        if baht is not None and baht > 0:
            prior = [p * m for p, m in zip(prior, disbursed_prior, strict=True)]
        e = [max((row[s] + spread) * prior[s], _FLOOR) for s in range(3)]
        total = e[0] + e[1] + e[2]
        out.append([e[0] / total, e[1] / total, e[2] / total])
    return out


def emissions(proba: np.ndarray, progress: Sequence[float | None], disbursed: Sequence[float | None]) -> np.ndarray:
    """Per installment, unnormalised evidence for each of the three stages."""
    return np.array(_emission_rows(np.asarray(proba).tolist(), progress, disbursed), dtype=float).reshape(len(proba), 3)


def _viterbi(logs: list[list[float]]) -> list[int]:
    n = len(logs)
    if n == 0:
        return []
    k = len(logs[0])
    score = list(logs[0])
    back: list[list[int]] = [[0] * k]
    for i in range(1, n):
        row, link = logs[i], [0] * k
        new = [0.0] * k
        best = 0  # the best stage at or before t, as ``argmax(score[: t + 1])`` finds it
        for t in range(k):
            v = score[t]
            if t and (v > score[best] or (v != v and score[best] == score[best])):
                best = t
            link[t] = best
            new[t] = score[best] + row[t]
        back.append(link)
        score = new
    path = [_argmax(score)]
    for i in range(n - 1, 0, -1):
        path.append(back[i][path[-1]])
    return path[::-1]


def viterbi(emit: np.ndarray) -> list[int]:
    """Most likely non-decreasing stage index path."""
    return _viterbi(np.log(np.asarray(emit, dtype=float)).tolist())


def _normalised(values: list[float]) -> list[float]:
    total = 0.0
    for v in values:
        total += v
    return [v / total for v in values]


def _posteriors(emit: list[list[float]]) -> list[list[float]]:
    n = len(emit)
    if n == 0:
        return []
    k = len(emit[0])
    alpha = [_normalised(list(emit[0]))]
    for i in range(1, n):
        run, row, prev = 0.0, emit[i], alpha[-1]
        cur = []
        for t in range(k):  # sum over s <= t
            run += prev[t]
            cur.append(row[t] * run)
        alpha.append(_normalised(cur))
    beta = [[1.0] * k for _ in range(n)]
    for i in range(n - 2, -1, -1):
        run, row, nxt_beta = 0.0, emit[i + 1], beta[i + 1]
        cur = [0.0] * k
        for t in range(k - 1, -1, -1):  # sum over t >= s
            run += row[t] * nxt_beta[t]
            cur[t] = run
        beta[i] = _normalised(cur)
    return [_normalised([a * b for a, b in zip(ra, rb, strict=True)]) for ra, rb in zip(alpha, beta, strict=True)]


def posteriors(emit: np.ndarray) -> np.ndarray:
    """P(stage of installment i = s | all notes), summing over every non-decreasing path."""
    emit = np.asarray(emit, dtype=float)
    if len(emit) == 0:
        return emit.copy()
    return np.array(_posteriors(emit.tolist()), dtype=float)


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
    rows = np.asarray(proba).tolist()
    emit = _emission_rows(rows, progress, disbursed)
    path = _viterbi(np.log(np.array(emit, dtype=float)).tolist())  # NumPy's log, as before
    post = _posteriors(emit)
    out: list[Decision] = []
    for i in range(n):
        row = rows[i]
        best = _argmax(row)
        note_conf = row[:3][_argmax(row[:3])]
        note_stage = STAGES[best] if best < 3 and row[best] >= threshold else None
        seq = path[i]
        seq_conf = post[i][seq]
        if seq_conf < threshold:  # no clear stage here: the report contradicts itself, or says nothing
            out.append(Decision(None, seq_conf, "sequence") if note_stage is not None else Decision(None, note_conf, "note"))
        elif note_stage == STAGES[seq]:
            out.append(Decision(note_stage, row[best], "note"))
        else:  # the order overrides the note, or fills in for a note that says nothing
            out.append(Decision(STAGES[seq], seq_conf, "sequence"))
    return out
