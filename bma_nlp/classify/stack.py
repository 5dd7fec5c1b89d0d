"""Stacking: a text model's probabilities and the clause reading, weighed on real notes.

The text model (TF-IDF + cue groups + clause features) learns most of its wording from the
synthetic notes, whose style real notes do not share: on real notes it leans on words
(ก่อสร้าง, จัดซื้อ) that name work in general. The clause reading (``bma_nlp.classify.clauses``)
carries the labelling rules to any wording, but cannot weigh doubtful cases. A small logistic
regression (the *meta* model) learns, from out-of-fold predictions of the text model, how much
to trust each: per label, the text model's probability and the clause label, and the same two
scaled by the note's length (real notes are long, synthetic ones short). Real training notes
get as much total weight in the meta model as all the synthetic notes together.

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


def meta_features(base_proba: np.ndarray, texts: Sequence[str]) -> np.ndarray:
    """Rows: [p_base (4), clause label one-hot (4), both x length share (8), length share, clause count]."""
    rows = []
    for proba, text in zip(base_proba, texts, strict=True):
        rule, long, clauses = _reading(text)
        rows.append([*proba, *rule, *(p * long for p in proba), *(r * long for r in rule), long, clauses])
    return np.asarray(rows, dtype=float)


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
    """``base_design`` (a name in ``bma_nlp.classify.model.DESIGNS``) stacked with the clause
    reading under a logistic-regression meta model. After ``fit``: ``base_``, ``meta_``,
    ``classes_`` and ``oof_`` (the meta model's out-of-fold probabilities, ``LABELS`` order)."""

    def __init__(self, base_design: str = "clauses-svm", seed: int = 0, folds: int = 5, c: float = 1.0) -> None:
        self.base_design = base_design
        self.seed = seed
        self.folds = folds
        self.c = c

    def fit(self, texts: Sequence[str], labels: Sequence[str], groups: Sequence[str] | None = None, real: Sequence[bool] | None = None) -> StackedStage:
        from sklearn.linear_model import LogisticRegression

        from bma_nlp.classify.model import cross_validated_proba, fit_design

        texts, labels = list(texts), list(labels)
        oof_base = cross_validated_proba(self.base_design, texts, labels, groups, self.seed, self.folds)
        self.base_ = fit_design(self.base_design, texts, labels, self.seed)
        x = meta_features(oof_base, texts)
        weights = _weights(real, len(texts))
        self.meta_ = LogisticRegression(C=self.c, class_weight="balanced", max_iter=5000, random_state=self.seed)
        self.meta_.fit(x, labels, sample_weight=weights)
        self.classes_ = np.array(LABELS)
        self.oof_ = self._meta_oof(x, labels, groups, weights)
        return self

    def _meta_oof(self, x: np.ndarray, labels: list[str], groups: Sequence[str] | None, weights: np.ndarray) -> np.ndarray:
        from sklearn.linear_model import LogisticRegression
        from sklearn.model_selection import GroupKFold, StratifiedKFold

        out = np.zeros((len(labels), len(LABELS)))
        y = np.array(labels, dtype=object)
        splits = (
            GroupKFold(self.folds).split(x, y, np.array(groups, dtype=object))
            if groups is not None
            else StratifiedKFold(self.folds, shuffle=True, random_state=self.seed).split(x, y)
        )
        for tr, te in splits:
            meta = LogisticRegression(C=self.c, class_weight="balanced", max_iter=5000, random_state=self.seed)
            meta.fit(x[tr], y[tr], sample_weight=weights[tr])
            out[te] = _in_label_order(meta, meta.predict_proba(x[te]))
        return out

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        from bma_nlp.classify.model import proba_in_label_order

        texts = list(texts)
        x = meta_features(proba_in_label_order(self.base_, texts), texts)
        return _in_label_order(self.meta_, self.meta_.predict_proba(x))

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
