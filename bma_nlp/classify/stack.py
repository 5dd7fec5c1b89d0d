"""Stacking: a text model's probabilities gated with the clause reading, weighed on real notes.

The text model (TF-IDF + cue groups + clause features) learns most of its wording from the
synthetic notes, whose style real notes do not share: on real notes it leans on words
(ก่อสร้าง, จัดซื้อ) that name work in general. The clause reading (``bma_nlp.classify.clauses``)
carries the labelling rules to any wording. Measured on out-of-fold predictions, the text
model is right on real notes mostly when it is very sure, the clause reading elsewhere; a
logistic-regression meta model over both did worse on real notes than the clause reading alone
(0.75 against 0.82 accuracy, real-train page-grouped CV), so the two are *gated*: the text
model's probabilities where it is sure, the clause label's calibrated probabilities elsewhere.

``StackedStage`` is a scikit-learn estimator whose ``fit`` takes the CV groups (template
families, source pages) so its out-of-fold predictions never see a note's family or page.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin

from bma_nlp.classify.clauses import combine, mentions

LABELS = ("approval", "procurement", "completed", "none")
_LONG = 200.0  # characters: a note this long counts as fully "long"


_READINGS: dict[str, tuple[list[float], float, float]] = {}


def _reading(text: str) -> tuple[list[float], float, float]:
    """Clause label (one-hot), length share and log clause count of a note, remembered per text."""
    hit = _READINGS.get(text)
    if hit is None:
        found = mentions(text)
        label, _ = combine(found)
        hit = ([1.0 if label == lab else 0.0 for lab in LABELS], min(1.0, len(text.strip()) / _LONG), math.log1p(len({m.clause for m in found})))
        if len(_READINGS) < 100_000:
            _READINGS[text] = hit
    return hit


class StackedStage(ClassifierMixin, BaseEstimator):
    """``base_design`` (a name in ``bma_nlp.classify.model.DESIGNS``) gated with the clause
    reading: where the text model is sure (top probability >= ``gate_``) its probabilities
    stand; elsewhere the clause label's probabilities do, ``table_[label]`` = how often each
    gold label went with that clause label in the training notes (real notes weighted as all
    synthetic ones together, +1 smoothing). ``gate_`` is chosen on out-of-fold predictions to
    maximise the mean of the real and the synthetic accuracy. After ``fit``: ``base_``,
    ``table_``, ``gate_``, ``classes_`` and ``oof_`` (out-of-fold probabilities, ``LABELS`` order)."""

    def __init__(self, base_design: str = "clauses-svm", seed: int = 0, folds: int = 5) -> None:
        self.base_design = base_design
        self.seed = seed
        self.folds = folds

    def fit(self, texts: Sequence[str], labels: Sequence[str], groups: Sequence[str] | None = None, real: Sequence[bool] | None = None) -> StackedStage:
        from bma_nlp.classify.model import cross_validated_proba, fit_design

        texts, labels = list(texts), list(labels)
        oof_base = cross_validated_proba(self.base_design, texts, labels, groups, self.seed, self.folds)
        self.base_ = fit_design(self.base_design, texts, labels, self.seed)
        rules = np.array([int(np.argmax(_reading(t)[0])) for t in texts])
        gold = np.array([LABELS.index(lab) for lab in labels])
        weights = _weights(real, len(texts))
        table = np.ones((len(LABELS), len(LABELS)))
        for r, g, w in zip(rules, gold, weights, strict=True):
            table[r, g] += w
        self.table_ = table / table.sum(axis=1, keepdims=True)
        flags = np.zeros(len(texts), dtype=bool) if real is None else np.asarray(real, dtype=bool)
        best = (-1.0, 1.0)
        for gate in np.round(np.arange(0.50, 1.0001, 0.01), 2):
            pred = np.argmax(self._gated(oof_base, rules, float(gate)), axis=1)
            parts = [np.mean(pred[m] == gold[m]) for m in (flags, ~flags) if m.any()]
            score = float(np.mean(parts))
            if score > best[0] + 1e-9:
                best = (score, float(gate))
        self.gate_ = best[1]
        self.classes_ = np.array(LABELS)
        self.oof_ = self._gated(oof_base, rules, self.gate_)
        return self

    def _gated(self, base: np.ndarray, rules: np.ndarray, gate: float) -> np.ndarray:
        sure = base.max(axis=1) >= gate
        return np.where(sure[:, None], base, self.table_[rules])

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        from bma_nlp.classify.model import proba_in_label_order

        texts = list(texts)
        rules = np.array([int(np.argmax(_reading(t)[0])) for t in texts], dtype=int)
        return np.asarray(self._gated(proba_in_label_order(self.base_, texts), rules, self.gate_))

    def predict(self, texts: Sequence[str]) -> np.ndarray:
        return self.classes_[np.argmax(self.predict_proba(texts), axis=1)]


def _in_label_order(estimator: Any, raw: np.ndarray) -> np.ndarray:
    out = np.zeros((raw.shape[0], len(LABELS)))
    for j, label in enumerate(estimator.classes_):
        out[:, LABELS.index(str(label))] = raw[:, j]
    return out


def _weights(real: Sequence[bool] | None, n: int) -> np.ndarray:
    """Synthetic rows weigh 1; real rows together weigh as much as all synthetic rows."""
    if real is None or not any(real) or all(real):
        return np.ones(n)
    flags = np.asarray(real, dtype=bool)
    out = np.ones(n)
    out[flags] = (~flags).sum() / flags.sum()
    return out
