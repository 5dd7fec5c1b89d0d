#!/usr/bin/env python3
"""Real-side gates and clause tables fitted on notes the clause reading was not written against.

The clause reading (``bma_nlp.classify.clauses``) was written against the real-train notes that
existed at the time, so on them it looks more reliable than on new pages, and the stack's real
side (``StackedStage``: one gate per clause label and P(gold | clause label)) is fitted on them.
This script asks whether fitting that side with those notes counted less helps, on the
real-train notes only (never the held-out side):

- the text model's out-of-fold probabilities and the domain model's out-of-fold real share are
  computed as ``StackedStage.fit`` computes them (the shipped recipe, ``training_set``);
- the real side is then fitted in page-grouped 5-fold CV over the real-train notes (5 shuffles
  of the pages), with each "tuned" note (a ``batch`` in real_notes.jsonl not named by
  ``--fresh``) weighted ``w`` in the table and in the gate search (w = 1: the shipped recipe;
  w = 0: the fresh notes alone); the synthetic side is the shipped one;
- for each ``w``: the abstain threshold ``train`` would calibrate on the training
  predictions (tables and gates fitted on all real-train notes), and out-of-fold four-way accuracy
  (an abstention counts as none) and none left untagged, on the fresh notes and on the tuned ones.

    python scripts/cv_fresh_gates.py --fresh batch09 [--weights 1 0.5 0.25 0.1 0]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bma_nlp.classify.data import default_data_path, default_real_notes_path, load_examples, load_real  # noqa: E402
from bma_nlp.classify.gating import LABELS, domain_features, mixed, rule_labels, table  # noqa: E402
from bma_nlp.classify.metrics import decide  # noqa: E402
from bma_nlp.classify.model import calibrate_threshold, cross_validated_proba, training_set  # noqa: E402
from bma_nlp.classify.stack import _best_gates, _domain_oof  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fresh", action="append", required=True, help="a batch the clause reading was not written against (repeatable)")
    parser.add_argument("--weights", type=float, nargs="+", default=[1.0, 0.5, 0.25, 0.1, 0.0])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    from sklearn.model_selection import GroupKFold

    batch = {}
    for line in default_real_notes_path().read_text(encoding="utf-8").splitlines():
        note = json.loads(line)
        batch[note["text"]] = note.get("batch", "")
    synthetic = [e for e in load_examples(default_data_path()) if e.split == "train"]
    texts, labels, groups = training_set(synthetic, load_real(split="real-train"))
    real = np.array([g.startswith("page:") for g in groups])
    tuned = np.array([bool(r) and batch.get(t) not in args.fresh for t, r in zip(texts, real, strict=True)])
    base = cross_validated_proba("clauses-svm", texts, labels, groups, args.seed, 5)  # as StackedStage.fit
    share = _domain_oof(domain_features(base, texts), real, groups, args.seed, 5)
    rules = rule_labels(texts)
    gold = np.array([LABELS.index(lab) for lab in labels])
    syn = ~real
    syn_table = table(rules[syn], gold[syn])
    syn_gates = _best_gates(base[syn], rules[syn], gold[syn], syn_table)

    def real_side(rows: np.ndarray, w: float) -> tuple[np.ndarray, list[float]]:
        weights = np.where(tuned[rows], w, 1.0)
        tab = table(rules[rows], gold[rows], weights)
        return tab, _best_gates(base[rows], rules[rows], gold[rows], tab, weights)

    def predict(rows: np.ndarray, tab: np.ndarray, gates: list[float]) -> np.ndarray:
        return mixed(base[rows], rules[rows], {"synthetic": syn_table, "real": tab}, {"synthetic": syn_gates, "real": gates}, share[rows])

    ridx = np.where(real)[0]
    pages = np.array(groups, dtype=object)[ridx]
    fresh = ~tuned[ridx]
    print(f"real-train notes: {len(ridx)} ({int(fresh.sum())} fresh: {', '.join(args.fresh)}; {int((~fresh).sum())} tuned); "
          f"none notes fresh {int((fresh & (gold[ridx] == 3)).sum())}, tuned {int((~fresh & (gold[ridx] == 3)).sum())}")  # fmt: skip
    print(f"{'w (tuned)':>9} {'gates (real side)':>26} {'thr':>5} {'fresh acc':>13} {'fresh none':>10} {'tuned acc':>9} {'tuned none':>10} {'all acc':>7}")
    for w in args.weights:
        tab, gates = real_side(ridx, w)
        threshold = calibrate_threshold(labels, mixed(base, rules, {"synthetic": syn_table, "real": tab}, {"synthetic": syn_gates, "real": gates}, share))
        runs = []
        for rep in range(args.repeats):
            order = {p: i for i, p in enumerate(np.random.RandomState(rep).permutation(np.unique(pages)))}
            keys = np.array([order[p] for p in pages])
            proba = np.zeros((len(ridx), len(LABELS)))
            for train_idx, test_idx in GroupKFold(5).split(ridx, groups=keys):
                fold_tab, fold_gates = real_side(ridx[train_idx], w)
                proba[test_idx] = predict(ridx[test_idx], fold_tab, fold_gates)
            pred = np.array([LABELS.index(p) for p in decide(proba, threshold)])
            g = gold[ridx]
            right = pred == g
            runs.append([right[fresh].mean(), (pred[fresh & (g == 3)] == 3).mean(), right[~fresh].mean(), (pred[~fresh & (g == 3)] == 3).mean(), right.mean()])
        m, s = np.mean(runs, axis=0), np.std(np.asarray(runs)[:, 0])
        print(f"{w:>9.2f} {str(gates):>26} {threshold:>5.2f} {m[0]:>7.3f}±{s:.3f} {m[1]:>10.3f} {m[2]:>9.3f} {m[3]:>10.3f} {m[4]:>7.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
