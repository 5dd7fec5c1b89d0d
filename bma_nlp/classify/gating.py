"""The arithmetic of the stacked stage model, without scikit-learn.

``bma_nlp.classify.stack.StackedStage`` fits these numbers; ``bma_nlp.classify.fastform``
predicts with them after a verified load. Both call the functions here, so the fast form cannot
drift from the estimator it stands for, and predicting never has to import scikit-learn.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np

from bma_nlp.classify.clauses import decided, mentions
from bma_nlp.records import LABELS

_LONG = 200.0  # characters: a note this long counts as fully "long"

_READINGS: dict[str, tuple[list[float], float, float]] = {}


def reading(text: str) -> tuple[list[float], float, float]:
    """Clause label (one-hot), length share and log clause count of a note, remembered per text."""
    hit = _READINGS.get(text)
    if hit is None:
        found = mentions(text)
        label, _ = decided(text)
        hit = ([1.0 if label == lab else 0.0 for lab in LABELS], min(1.0, len(text.strip()) / _LONG), math.log1p(len({m.clause for m in found})))
        if len(_READINGS) < 100_000:
            _READINGS[text] = hit
    return hit


def rule_labels(texts: Sequence[str]) -> np.ndarray:
    """The clause label of each note, as an index into ``LABELS``."""
    onehots = [reading(t)[0] for t in texts]
    return np.array([onehot.index(max(onehot)) for onehot in onehots], dtype=int)  # np.argmax's answer (the first largest), without a NumPy call per note


def table(rules: np.ndarray, gold: np.ndarray, weights: np.ndarray | None = None) -> np.ndarray:
    """P(gold label | clause label), +1 smoothing; ``weights``: how much each note counts (1 each)."""
    out = np.ones((len(LABELS), len(LABELS)))
    counts = np.ones(len(rules)) if weights is None else np.asarray(weights, dtype=float)
    for r, g, w in zip(rules, gold, counts, strict=True):
        out[r, g] += w
    return np.asarray(out / out.sum(axis=1, keepdims=True))


Gate = float | Sequence[float]


def gate_of(rules: np.ndarray, gate: Gate) -> np.ndarray | float:
    """The gate each note must pass: one number for all, or one per clause label (``LABELS`` order)."""
    if isinstance(gate, (int, float)):
        return float(gate)
    return np.asarray(gate, dtype=float)[rules]


def gated(base: np.ndarray, rules: np.ndarray, table: np.ndarray, gate: Gate) -> np.ndarray:
    """The text model's probabilities where it is sure (top >= the gate of the note's clause
    label), the clause label's row of ``table`` elsewhere."""
    sure = base.max(axis=1) >= gate_of(rules, gate)
    return np.asarray(np.where(sure[:, None], base, table[rules]))


def domain_features(base: np.ndarray, texts: Sequence[str]) -> np.ndarray:
    """What tells a real note from a synthetic one, cheaply: the text model's probabilities and
    their top, the clause label, the note's length and its number of items (real notes are
    long, list several steps, and the text model is less sure of them)."""
    rows = []
    tops = np.max(base, axis=1) if len(base) else np.zeros(0)  # each row's largest value, as np.max of the row
    for proba, top, text in zip(base.tolist(), tops.tolist(), texts, strict=True):
        onehot, length, clauses = reading(text)
        rows.append([*proba, top, *onehot, length, clauses])
    return np.asarray(rows, dtype=float).reshape(len(rows), len(LABELS) + 1 + len(LABELS) + 2)


def mixed(base: np.ndarray, rules: np.ndarray, tables: Mapping[str, np.ndarray], gates: Mapping[str, Gate], real_share: np.ndarray) -> np.ndarray:
    """The synthetic-side and real-side gated readings, weighed by how real-like each note is."""
    syn = gated(base, rules, tables["synthetic"], gates["synthetic"])
    if "real" not in tables:
        return syn
    real = gated(base, rules, tables["real"], gates["real"])
    w = np.asarray(real_share, dtype=float)[:, None]
    return np.asarray(w * real + (1.0 - w) * syn)


def real_share(features: np.ndarray, coef: np.ndarray, intercept: float) -> np.ndarray:
    """A binary logistic regression's probability of its positive class (the domain model),
    in scikit-learn's order of operations (a matrix product with the coefficient row, then the
    intercept, then the logistic), so the fast form gives the estimator's very numbers."""
    z = (np.asarray(features, dtype=float) @ np.asarray(coef, dtype=float).reshape(1, -1).T + np.array([float(intercept)])).ravel()
    return np.asarray(1.0 / (1.0 + np.exp(-z)))
