#!/usr/bin/env python3
"""How much the synthetic notes should weigh: real-train page-grouped CV for several REAL_SHARE
values (``bma_nlp.classify.model``: the real block weighs about REAL_SHARE of the synthetic one,
one block or the other repeated). Only the real-train side is used, never the held-out pages.
Each value is five full trainings (about 10 CPU minutes each on the project's machine).

    python scripts/cv_synthetic_share.py 0.5 0.25 1.0
"""
import json
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

import eval_classifier as E  # noqa: E402

import bma_nlp.classify.model as M  # noqa: E402
from bma_nlp.classify.data import default_data_path, load_examples, load_real  # noqa: E402


def main() -> int:
    syn = [e for e in load_examples(default_data_path()) if e.split == "train"]
    real_train = load_real(split="real-train")
    gold = [e.label for e in real_train]
    for share in [float(x) for x in sys.argv[1:]] or [M.REAL_SHARE]:
        M.REAL_SHARE = share  # read by training_set through real_repeat / synthetic_repeat
        start = time.time()
        proba = E.real_cv(M.DEFAULT_DESIGN, syn, real_train, 0)
        predicted = [E.LABELS[i] for i in proba.argmax(1)]
        accuracy = float(np.mean([p == g for p, g in zip(predicted, gold, strict=True)]))
        untagged = float(np.mean([p == "none" for p, g in zip(predicted, gold, strict=True) if g == "none"]))
        fold = int(len(real_train) * 0.8)
        row = {"real_share": share, "synthetic_repeat": M.synthetic_repeat(len(syn), fold), "real_repeat": M.real_repeat(len(syn), fold),
               "real_train_cv_accuracy": round(accuracy, 4), "none_untagged": round(untagged, 3), "seconds": round(time.time() - start)}
        print(json.dumps(row), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
