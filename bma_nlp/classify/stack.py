"""Stacking: a text model's probabilities gated with the clause reading, weighed on real notes.

The text model (TF-IDF + cue groups + clause features) learns most of its wording from the
synthetic notes, whose style real notes do not share: on real notes it leans on words
(ก่อสร้าง, จัดซื้อ) that name work in general. The clause reading (``bma_nlp.classify.clauses``)
carries the labelling rules to any wording. Measured on out-of-fold predictions, the text
model is right on real notes mostly when it is very sure, the clause reading elsewhere; a
logistic-regression meta model over both did worse on real notes than the clause reading alone
(0.75 against 0.82 accuracy, real-train page-grouped CV), so the two are *gated*: the text
model's probabilities where it is sure, the clause label's calibrated probabilities elsewhere.

Real and synthetic notes want different gates: on synthetic notes the text model is nearly
always right, on real notes only when very sure. One gate for both was a compromise (real-train
CV 0.80, synthetic CV 0.96). So the stack keeps two gates and two clause tables, one fitted on
the real notes and one on the synthetic ones, and a *domain model* (logistic regression on the
text model's probabilities, the clause label, the note's length and number of items: is this
note real-like?) mixes the two readings by its probability.
Measured on out-of-fold predictions (the first 124 real-train notes, pages held out; synthetic
families held out): real 0.84, synthetic 0.96-0.97, with the domain model itself out of fold
(it calls 83 % of real notes and 5 % of synthetic ones real-like).

``StackedStage`` is a scikit-learn estimator whose ``fit`` takes the CV groups (template
families, source pages) so its out-of-fold predictions never see a note's family or page.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin

from bma_nlp.classify.gating import LABELS, Gate, domain_features, gated, mixed, rule_labels, table


class StackedStage(ClassifierMixin, BaseEstimator):
    """``base_design`` (a name in ``bma_nlp.classify.model.DESIGNS``) gated with the clause
    reading: where the text model is sure (top probability >= a gate) its probabilities stand;
    elsewhere the clause label's probabilities do (a table: how often each gold label went with
    that clause label, +1 smoothing). With real notes among the training notes (``real``), the
    gate and the table are fitted twice, on the real and on the synthetic notes (each gate
    maximises that side's out-of-fold accuracy), and ``domain_`` (logistic regression on a few
    features of the note and of the text model's output, ``gating.domain_features``) weighs the two by how real-like a note is. After ``fit``: ``base_``,
    ``tables_``, ``gates_`` (``real``, ``synthetic``: one gate per clause label, ``_best_gates``), ``domain_`` (None without real notes),
    ``classes_`` and ``oof_`` (out-of-fold probabilities, ``LABELS`` order)."""

    def __init__(self, base_design: str = "clauses-svm", seed: int = 0, folds: int = 5) -> None:
        self.base_design = base_design
        self.seed = seed
        self.folds = folds

    def fit(self, texts: Sequence[str], labels: Sequence[str], groups: Sequence[str] | None = None, real: Sequence[bool] | None = None) -> StackedStage:
        from bma_nlp.classify.model import cross_validated_proba, fit_design

        texts, labels = list(texts), list(labels)
        oof_base = cross_validated_proba(self.base_design, texts, labels, groups, self.seed, self.folds)
        self.base_ = fit_design(self.base_design, texts, labels, self.seed)
        return self.fit_gates(oof_base, texts, labels, groups, real)

    def fit_gates(
        self, oof_base: np.ndarray, texts: Sequence[str], labels: Sequence[str], groups: Sequence[str] | None = None,
        real: Sequence[bool] | None = None, real_weights: Sequence[float] | None = None,
    ) -> StackedStage:
        """The stack's second half (``fit`` after the text model): tables, gates and the domain
        model from the text model's out-of-fold probabilities ``oof_base``. ``real_weights``:
        how much each note counts in the real side's table and gate search (1 each; used by
        ``scripts/cv_bma.py`` to weigh kinds of real notes without refitting the text model)."""
        from sklearn.linear_model import LogisticRegression

        texts, labels = list(texts), list(labels)
        rules = rule_labels(texts)
        gold = np.array([LABELS.index(lab) for lab in labels])
        flags = np.zeros(len(texts), dtype=bool) if real is None else np.asarray(real, dtype=bool)
        sides = {"real": flags, "synthetic": ~flags} if flags.any() and not flags.all() else {"synthetic": np.ones(len(texts), dtype=bool)}
        self.tables_, self.gates_ = {}, {}
        for side, mask in sides.items():
            weights = None if real_weights is None or side != "real" else np.asarray(real_weights, dtype=float)[mask]
            self.tables_[side] = table(rules[mask], gold[mask], weights)
            self.gates_[side] = _best_gates(oof_base[mask], rules[mask], gold[mask], self.tables_[side], weights)
        self.domain_ = None
        share = flags.astype(float)
        if len(sides) == 2:
            features = domain_features(oof_base, texts)
            self.domain_ = LogisticRegression(C=1.0, class_weight="balanced", max_iter=2000, random_state=self.seed).fit(features, flags)
            share = _domain_oof(features, flags, groups, self.seed, self.folds)
        self.classes_ = np.array(LABELS)
        self.oof_ = self._mixed(oof_base, rules, share)
        return self

    def _mixed(self, base: np.ndarray, rules: np.ndarray, real_share: np.ndarray) -> np.ndarray:
        return mixed(base, rules, self.tables_, self.gates_, real_share)

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        texts = list(texts)
        from bma_nlp.classify.model import proba_in_label_order

        return self.proba_from_base(proba_in_label_order(self.base_, texts), texts)

    def proba_from_base(self, base: np.ndarray, texts: Sequence[str]) -> np.ndarray:
        """``predict_proba`` given the text model's probabilities of ``texts`` (``LABELS`` order)."""
        rules = rule_labels(texts)
        share = np.zeros(len(texts))
        if self.domain_ is not None:
            share = self.domain_.predict_proba(domain_features(base, texts))[:, list(self.domain_.classes_).index(True)]
        return self._mixed(base, rules, share)

    def predict(self, texts: Sequence[str]) -> np.ndarray:
        return self.classes_[np.argmax(self.predict_proba(texts), axis=1)]


def _accuracy(base: np.ndarray, rules: np.ndarray, gold: np.ndarray, table: np.ndarray, gate: Gate, weights: np.ndarray | None) -> float:
    """Out-of-fold accuracy of the gated reading, each note counting ``weights`` (1 each)."""
    right = np.argmax(gated(base, rules, table, gate), axis=1) == gold
    return float(np.mean(right)) if weights is None else float(np.sum(weights * right) / np.sum(weights))


def _best_gate(base: np.ndarray, rules: np.ndarray, gold: np.ndarray, table: np.ndarray, weights: np.ndarray | None = None) -> float:
    """The single gate (0.50-1.00) with the best out-of-fold accuracy; the lowest of ties."""
    best = (-1.0, 1.0)
    for gate in np.round(np.arange(0.50, 1.0001, 0.01), 2):
        score = _accuracy(base, rules, gold, table, float(gate), weights)
        if score > best[0] + 1e-9:
            best = (score, float(gate))
    return best[1]


def _best_gates(base: np.ndarray, rules: np.ndarray, gold: np.ndarray, table: np.ndarray, weights: np.ndarray | None = None) -> list[float]:
    """One gate per clause label (``LABELS`` order), from the single best gate by coordinate
    ascent (two rounds, each label's gate the best with the others fixed; the lowest of ties).

    Where the clause reading finds no stage reached (``none``), a real note's text model is
    right only when very sure: it tags routine and metric notes on words that name work in
    general. Where the clause reading finds a stage, a lower gate serves. Measured on
    real-train page-grouped CV of the gate itself (the text model's out-of-fold probabilities):
    accuracy 0.787 against 0.773 for one gate, none left untagged 0.82 against 0.80."""
    gates = [_best_gate(base, rules, gold, table, weights)] * len(LABELS)
    grid = np.round(np.arange(0.50, 1.0001, 0.01), 2)
    for _round in range(2):
        for label in range(len(LABELS)):
            best = (-1.0, 1.0)
            for gate in grid:
                trial = [*gates[:label], float(gate), *gates[label + 1 :]]
                score = _accuracy(base, rules, gold, table, trial, weights)
                if score > best[0] + 1e-9:
                    best = (score, float(gate))
            gates[label] = best[1]
    return gates


def _domain_oof(features: Any, flags: np.ndarray, groups: Sequence[str] | None, seed: int, folds: int) -> np.ndarray:
    """Out-of-fold probability that each training note is real (grouped like the text model's CV)."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import GroupKFold, StratifiedKFold

    out = np.zeros(len(flags))
    if groups is not None and len(set(groups)) >= folds:
        splits = GroupKFold(folds).split(features, flags, np.asarray(groups, dtype=object))
    else:
        splits = StratifiedKFold(folds, shuffle=True, random_state=seed).split(features, flags)
    for train_idx, test_idx in splits:
        if len(set(flags[train_idx])) < 2:
            out[test_idx] = flags[train_idx].mean()
            continue
        model = LogisticRegression(C=1.0, class_weight="balanced", max_iter=2000, random_state=seed).fit(features[train_idx], flags[train_idx])
        out[test_idx] = model.predict_proba(features[test_idx])[:, list(model.classes_).index(True)]
    return out
