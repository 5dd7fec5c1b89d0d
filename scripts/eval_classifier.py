#!/usr/bin/env python3
"""Compare stage-classifier designs: keyword rules vs the learned pipelines.

For every design: 5-fold cross-validation on the train split, grouped by template family
(StratifiedGroupKFold: a family's notes never sit on both sides, so CV scores wording the
model has not seen), the abstain threshold calibrated on those out-of-fold predictions; then
a fit on the whole train split scored on the held-out test split, on test with simulated OCR
noise (5 % character errors, seeded) and on the external set. Macro-F1 over the four labels
(approval, procurement, completed, none; an abstention counts as none), Brier score and
expected calibration error (ECE) of the probabilities.

    python scripts/eval_classifier.py [--designs rules,tfidf-lr,...] [--json out.json]

The shipped design is the one with the best CV macro-F1 (test and external are only reported).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bma_nlp.classify.augment import ocr_noise  # noqa: E402
from bma_nlp.classify.data import LABELS, load_examples  # noqa: E402
from bma_nlp.classify.metrics import summary  # noqa: E402
from bma_nlp.classify.model import (  # noqa: E402
    DESIGNS,
    calibrate_threshold,
    cross_validated_proba,
    family,
    fit_design,
    proba_in_label_order,
)
from bma_nlp.classify.rules import rule_scores  # noqa: E402


def rules_proba(texts: list[str]) -> np.ndarray:
    return np.array([[rule_scores(t)[lab] for lab in LABELS] for t in texts])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=str(ROOT / "training_data" / "notes.jsonl"))
    parser.add_argument("--external", default=str(ROOT / "training_data" / "external.jsonl"))
    parser.add_argument("--designs", default=",".join(["rules", *DESIGNS]))
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", help="also write the results here")
    args = parser.parse_args()

    examples = load_examples(args.data)
    train = [e for e in examples if e.split == "train"]
    test = [e for e in examples if e.split == "test"]
    external = load_examples(args.external) if Path(args.external).is_file() else []
    x, y = [e.text for e in train], [e.label for e in train]
    groups = [family(e.source) or e.text for e in train]
    rng = random.Random(args.seed)
    noisy_test = [ocr_noise(e.text, rng, 0.05) for e in test]
    sets = {
        "test": ([e.text for e in test], [e.label for e in test]),
        "test+ocr": (noisy_test, [e.label for e in test]),
        "external": ([e.text for e in external], [e.label for e in external]),
    }
    print(f"train {len(train)} notes ({len(set(groups))} families), test {len(test)}, external {len(external)}", file=sys.stderr)

    results: dict[str, dict] = {}
    for design in args.designs.split(","):
        started = time.perf_counter()
        if design == "rules":
            threshold = 0.5
            cv = summary(y, rules_proba(x), threshold)
            predict = rules_proba
        else:
            oof = cross_validated_proba(design, x, y, groups, args.seed)
            threshold = calibrate_threshold(y, oof)
            cv = summary(y, oof, threshold)
            model = fit_design(design, x, y, args.seed)

            def predict(texts: list[str], model=model) -> np.ndarray:
                return proba_in_label_order(model, texts)

        row = {"threshold": threshold, "cv": cv}
        for name, (texts, labels) in sets.items():
            if texts:
                row[name] = summary(labels, predict(texts), threshold)
        row["seconds"] = round(time.perf_counter() - started, 1)
        results[design] = row
        print(f"{design}: done in {row['seconds']} s", file=sys.stderr)

    header = "| design | CV macro-F1 | test macro-F1 | test+OCR macro-F1 | external macro-F1 | test Brier | test ECE | external Brier | external ECE | threshold |"
    print(header)
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for design, row in results.items():
        t, n, e = row.get("test", {}), row.get("test+ocr", {}), row.get("external", {})
        print(
            f"| {design} | {row['cv']['macro_f1']:.3f} | {t.get('macro_f1', float('nan')):.3f} | {n.get('macro_f1', float('nan')):.3f} "
            f"| {e.get('macro_f1', float('nan')):.3f} | {t.get('brier', float('nan')):.3f} | {t.get('ece', float('nan')):.3f} "
            f"| {e.get('brier', float('nan')):.3f} | {e.get('ece', float('nan')):.3f} | {row['threshold']:.2f} |"
        )
    learned = {d: r for d, r in results.items() if d != "rules"}
    if learned:
        best = max(learned, key=lambda d: learned[d]["cv"]["macro_f1"])
        print(f"\nbest by CV macro-F1: {best}")
    if args.json:
        Path(args.json).write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
