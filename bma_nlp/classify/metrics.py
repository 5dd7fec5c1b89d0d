"""Scores for the stage classifier: per-class P/R/F1, confusion matrix, Brier score, ECE."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from bma_nlp.records import LABELS


def decide(proba: np.ndarray, threshold: float, labels: Sequence[str] = LABELS) -> list[str]:
    """Label per row of ``proba`` (columns in ``labels`` order); ``none`` below the threshold."""
    out: list[str] = []
    none = labels.index("none")
    for row in proba:
        best = int(np.argmax(row))
        out.append("none" if best == none or row[best] < threshold else labels[best])
    return out


def per_class(gold: Sequence[str], pred: Sequence[str], labels: Sequence[str] = LABELS) -> dict[str, dict[str, float]]:
    result: dict[str, dict[str, float]] = {}
    for label in labels:
        tp = sum(g == label and p == label for g, p in zip(gold, pred, strict=True))
        fp = sum(g != label and p == label for g, p in zip(gold, pred, strict=True))
        fn = sum(g == label and p != label for g, p in zip(gold, pred, strict=True))
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        result[label] = {"precision": precision, "recall": recall, "f1": f1, "support": tp + fn}
    return result


def macro_f1(gold: Sequence[str], pred: Sequence[str], labels: Sequence[str] = LABELS) -> float:
    """Mean F1 over the labels present in ``gold`` (``none`` counts as a class)."""
    present = [lab for lab in labels if lab in set(gold)]
    scores = per_class(gold, pred, present)
    return float(np.mean([scores[lab]["f1"] for lab in present])) if present else 0.0


def accuracy(gold: Sequence[str], pred: Sequence[str]) -> float:
    return float(np.mean([g == p for g, p in zip(gold, pred, strict=True)])) if gold else 0.0


def confusion(gold: Sequence[str], pred: Sequence[str], labels: Sequence[str] = LABELS) -> list[list[int]]:
    """Rows: gold label; columns: predicted label (both in ``labels`` order)."""
    index = {lab: i for i, lab in enumerate(labels)}
    matrix = [[0] * len(labels) for _ in labels]
    for g, p in zip(gold, pred, strict=True):
        matrix[index[g]][index[p]] += 1
    return matrix


def brier(gold: Sequence[str], proba: np.ndarray, labels: Sequence[str] = LABELS) -> float:
    """Multi-class Brier score: mean over notes of the squared error summed over the labels (0 best, 2 worst)."""
    onehot = np.zeros_like(proba)
    for i, g in enumerate(gold):
        onehot[i, labels.index(g)] = 1.0
    return float(np.mean(np.sum((proba - onehot) ** 2, axis=1))) if len(gold) else 0.0


def ece(gold: Sequence[str], proba: np.ndarray, labels: Sequence[str] = LABELS, bins: int = 10) -> float:
    """Expected calibration error of the top label: |accuracy - confidence| weighted over equal-width bins."""
    if not len(gold):
        return 0.0
    conf = proba.max(axis=1)
    correct = np.array([labels[int(np.argmax(row))] == g for row, g in zip(proba, gold, strict=True)], dtype=float)
    edges = np.linspace(0.0, 1.0, bins + 1)
    total = 0.0
    for lo, hi in zip(edges[:-1], edges[1:], strict=True):
        mask = (conf > lo) & (conf <= hi) if lo > 0 else (conf >= lo) & (conf <= hi)
        if mask.any():
            total += mask.mean() * abs(correct[mask].mean() - conf[mask].mean())
    return float(total)


def summary(gold: Sequence[str], proba: np.ndarray, threshold: float, labels: Sequence[str] = LABELS) -> dict[str, Any]:
    """Everything ``evaluate`` prints and the sidecar stores, for one labelled set."""
    pred = decide(proba, threshold, labels)
    return {
        "n": len(gold),
        "macro_f1": round(macro_f1(gold, pred, labels), 4),
        "accuracy": round(accuracy(gold, pred), 4),
        "brier": round(brier(gold, proba, labels), 4),
        "ece": round(ece(gold, proba, labels), 4),
        "abstained": sum(p == "none" for p in pred),
        "per_class": {k: {m: round(v, 4) for m, v in d.items()} for k, d in per_class(gold, pred, labels).items()},
        "confusion": confusion(gold, pred, labels),
    }


def format_report(result: dict[str, Any], labels: Sequence[str] = LABELS) -> str:
    """Per-class precision/recall/F1 and the confusion matrix as plain text."""
    lines = [f"{'label':<12} {'precision':>9} {'recall':>7} {'f1':>7} {'support':>8}"]
    for label in labels:
        d = result["per_class"][label]
        lines.append(f"{label:<12} {d['precision']:>9.3f} {d['recall']:>7.3f} {d['f1']:>7.3f} {int(d['support']):>8}")
    lines.append(
        f"macro-F1 {result['macro_f1']:.3f}  accuracy {result['accuracy']:.3f}  Brier {result['brier']:.3f}  "
        f"ECE {result['ece']:.3f}  abstained/none {result['abstained']} of {result['n']}"
    )
    lines.append("")
    lines.append("confusion (rows gold, columns predicted)")
    lines.append(" " * 12 + "".join(f"{lab[:11]:>12}" for lab in labels))
    for label, row in zip(labels, result["confusion"], strict=True):
        lines.append(f"{label:<12}" + "".join(f"{v:>12}" for v in row))
    return "\n".join(lines)
