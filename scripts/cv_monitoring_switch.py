#!/usr/bin/env python3
"""A lead, not a model: would telling BMA monitoring notes apart from other real notes let the
stage model use its text model alone on them (where page-grouped CV reads them better) and the gated
stack elsewhere?

    python scripts/cv_monitoring_switch.py --cache DIR [--repeat 4]

Reads ``scripts/cv_bma.py``'s cached folds (``--cache``, the same dealing; a run made since the
stop of 2026-12-05 21:20, whose folds hold "text model alone, monitoring xN"), fits a monitoring
detector (character 2-4-gram TF-IDF, logistic regression) on the same page-grouped folds (each real
note's probability comes from a detector that never saw its page), and prints, on the monitoring
and the other real notes, accuracy and none-notes left untagged for the stack, the text model
alone, and the two switched or blended by the detector. Every figure is out of fold, but the
dealing is the one the stack's own CV figures were read on: a claim needs a blind batch of
monitoring notes.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from cv_bma import alone_variant, cache_path, page_folds, scores, stack_variant  # noqa: E402

from bma_nlp.classify.data import load_real, monitoring_page  # noqa: E402
from bma_nlp.classify.metrics import decide  # noqa: E402


def detector_oof(texts: list[str], is_monitoring: np.ndarray, members: list[list[int]]) -> np.ndarray:
    """Each note's probability of being a monitoring note, from a detector fitted on the other folds (``members``: each fold's notes)."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    out = np.zeros(len(texts))
    for test in members:
        held = set(test)
        train = [i for i in range(len(texts)) if i not in held]
        vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4), min_df=2, sublinear_tf=True)
        x = vectorizer.fit_transform([texts[i] for i in train])
        model = LogisticRegression(C=4.0, class_weight="balanced", max_iter=3000).fit(x, is_monitoring[train])
        out[test] = model.predict_proba(vectorizer.transform([texts[i] for i in test]))[:, 1]
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cache", required=True, help="scripts/cv_bma.py's --cache of a finished run")
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--repeat", type=int, default=4, help="the monitoring weight of the cached run to read")
    args = ap.parse_args()
    from sklearn.metrics import roc_auc_score

    real = load_real()
    fold_of = page_folds(real, args.folds)
    texts, gold = [e.text for e in real], [e.label for e in real]
    is_monitoring = np.array([monitoring_page(e.source) for e in real])
    members = [[i for i, g in enumerate(fold_of) if g == f] for f in range(args.folds)]
    stack_name, alone_name = stack_variant(args.repeat), alone_variant(args.repeat)
    stack, alone = np.zeros((len(real), 4)), np.zeros((len(real), 4))
    thresholds: dict[str, dict[int, float]] = {"stack": {}, "alone": {}}  # each fold's abstain threshold
    for f in range(args.folds):
        path = cache_path(args.cache, f, args.folds, args.repeat, 0)
        variants = json.loads(path.read_text())["variants"]
        if alone_name not in variants:
            sys.exit(f"{path} holds no {alone_name!r}: run scripts/cv_bma.py again into a new --cache")
        test = members[f]
        stack[test], alone[test] = np.array(variants[stack_name]["real"]), np.array(variants[alone_name]["real"])
        thresholds["stack"][f], thresholds["alone"][f] = variants[stack_name]["threshold"], variants[alone_name]["threshold"]
    p_monitoring = detector_oof(texts, is_monitoring, members)
    print(f"monitoring detector, out of fold: AUC {roc_auc_score(is_monitoring, p_monitoring):.3f}, "
          f"right at 0.5 {np.mean((p_monitoring > 0.5) == is_monitoring):.3f}")  # fmt: skip
    readings = {
        "stack": stack,
        "text model alone": alone,
        "switched by the detector": np.where((p_monitoring > 0.5)[:, None], alone, stack),
        "blended by the detector": p_monitoring[:, None] * alone + (1 - p_monitoring[:, None]) * stack,
    }
    print("| reading | monitoring accuracy | none untagged | other real accuracy | none untagged |\n|---|---|---|---|---|")
    for name, proba in readings.items():
        pred = [""] * len(real)
        for f, threshold in thresholds["alone" if name == "text model alone" else "stack"].items():
            for i, label in zip(members[f], decide(proba[members[f]], threshold), strict=True):
                pred[i] = label
        cells = []
        for mask in (is_monitoring, ~is_monitoring):
            row = scores([x for x, m in zip(gold, mask, strict=True) if m], [x for x, m in zip(pred, mask, strict=True) if m])
            cells += [f"{row['accuracy']:.3f}", f"{row['none_untagged_n'] / max(1, row['none_n']):.2f}"]
        print(f"| {name} | " + " | ".join(cells) + " |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
