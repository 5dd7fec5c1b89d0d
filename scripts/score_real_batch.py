#!/usr/bin/env python3
"""A blind round on real notes: score one batch of newly labelled real notes (all of it, both
sides of the page split) before anything is fitted to it.

Prints, in one run, four-way accuracy, macro-F1 and the share of none-notes left untagged for
the shipped model (``load_model()``, or ``--model FILE``), the clause rules and the keyword rules
(the peers), plus the confusion of the model. The labels are read from a labels file (default
``training_data/real_labels.jsonl``) and the notes from ``real_notes.jsonl``; ``--batch`` names
the ``real_raw`` file the notes came from.

    python scripts/score_real_batch.py --batch batch11 [--labels FILE] [--model FILE] [--peer FILE ...]
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bma_nlp.classify import classify  # noqa: E402
from bma_nlp.classify.clauses import clause_label  # noqa: E402
from bma_nlp.classify.data import LABELS, default_real_notes_path  # noqa: E402
from bma_nlp.classify.metrics import accuracy, macro_f1  # noqa: E402
from bma_nlp.classify.rules import rule_label  # noqa: E402


def row(name: str, gold: list[str], pred: list[str]) -> str:
    none = [p for g, p in zip(gold, pred, strict=True) if g == "none"]
    untagged = sum(p == "none" for p in none) / len(none) if none else float("nan")
    return f"| {name} | {accuracy(gold, pred):.3f} | {macro_f1(gold, pred):.3f} | {untagged:.2f} (n={len(none)}) |"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--batch", required=True, help="the real_raw batch to score (e.g. batch11)")
    ap.add_argument("--labels", default=str(ROOT / "training_data" / "real_labels.jsonl"))
    ap.add_argument("--notes", default=str(default_real_notes_path()))
    ap.add_argument("--model", help="a model file (default: the shipped one)")
    ap.add_argument("--peer", action="append", default=[], metavar="FILE", help="another model file scored in the same run (e.g. the model before); repeatable")
    args = ap.parse_args()
    notes = {}
    for line in Path(args.notes).read_text(encoding="utf-8").splitlines():
        if line.strip():
            obj = json.loads(line)
            if obj.get("batch") == args.batch:
                notes[str(obj["id"])] = obj["text"]
    labels = {}
    for line in Path(args.labels).read_text(encoding="utf-8").splitlines():
        if line.strip():
            obj = json.loads(line)
            if str(obj["id"]) in notes:
                labels[str(obj["id"])] = obj.get("stage") or "none"
    ids = [i for i in notes if i in labels]
    if not ids:
        print(f"no labelled notes of {args.batch}", file=sys.stderr)
        return 2
    texts, gold = [notes[i] for i in ids], [labels[i] for i in ids]
    files = [args.model, *args.peer]
    names = [Path(f).name if f else "shipped" for f in files]
    # each model its own row: files of the same name (two stage.skops) are told apart by their path
    models = {("shipped model" if f is None else f"model {name if names.count(name) == 1 else f}"): f for f, name in zip(files, names, strict=True)}
    if len(models) != len(files):
        sys.exit("the same model file was given twice")
    preds = {name: [r.stage or "none" for r in classify(texts, model=f)] for name, f in models.items()}  # as users get it (abstaining)
    pred_model = next(iter(preds.values()))  # the model the confusion below is of
    pred_clause = [clause_label(t) or "none" for t in texts]
    pred_rules = [rule_label(t) or "none" for t in texts]
    print(f"{args.batch}: {len(ids)} labelled notes; gold {dict(Counter(gold))}")
    print("| classifier | accuracy | macro-F1 | none-notes untagged |\n|---|---:|---:|---:|")
    for name, pred in preds.items():
        print(row(name, gold, pred))
    print(row("clause rules", gold, pred_clause))
    print(row("keyword rules", gold, pred_rules))
    conf = Counter(zip(gold, pred_model, strict=True))
    print("\nmodel confusion (rows gold, columns predicted)\n| gold | " + " | ".join(LABELS) + " |\n|---|" + "---:|" * len(LABELS))
    for g in LABELS:
        print(f"| {g} | " + " | ".join(str(conf[(g, p)]) for p in LABELS) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
