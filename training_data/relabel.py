"""Labels of a later guide version laid over a labels file, for the notes labelled again.

When ``GUIDE.md`` moves a line between labels (version 2: the office's own work reported as being
carried out is ``procurement``, not ``none``), the notes whose label that line could move are
labelled again, in two independent passes from the new guide alone, and their disagreements are
settled by a third session, exactly as the first labelling was. This lays those labels over a labels
file (``real_labels.jsonl`` or a blind batch's ``batchNN_labels.jsonl``):

- a relabelled note's ``stage`` becomes the new label; its earlier label is kept as ``v1`` and how the
  new one was reached as ``relabel`` (``agree`` or ``guide <rule>: <how>``), so every change can be
  traced and undone;
- the other notes keep their label;
- the summary (Cohen's kappa of the two new passes, counts, the moves from the earlier label) is
  printed and, with ``--summary``, written.

The labels file can be laid over again: a row that already has ``v1`` starts from it.

    python training_data/relabel.py --labels training_data/real_labels.jsonl \
        --pass1 training_data/real_relabel_pass1.jsonl --pass2 training_data/real_relabel_pass2.jsonl \
        --adjudication training_data/real_relabel_adjudication.jsonl --summary training_data/real_relabel.json
    python training_data/relabel.py ... --list   # print the disagreements and stop
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path

from adjudicate import LABELS, cohen_kappa, read, settle


def lay_over(rows: list[dict], p1: dict[str, dict], p2: dict[str, dict], settled: dict[str, dict]) -> tuple[list[dict], dict]:
    """``rows`` with the relabelled notes' new labels, and the summary."""
    ids = [r["id"] for r in rows if r["id"] in p1 or r["id"] in p2]
    missing = [i for i in ids if i not in p1 or i not in p2]
    if missing:
        raise SystemExit(f"{len(missing)} relabelled notes lack a label in one pass: {missing[:10]}")
    unknown = sorted(set(p1) - {r["id"] for r in rows})
    if unknown:
        raise SystemExit(f"{len(unknown)} relabelled ids are not in the labels file: {unknown[:10]}")
    disagree = [i for i in ids if p1[i]["stage"] != p2[i]["stage"]]
    unsettled = [i for i in disagree if i not in settled]
    if unsettled:
        raise SystemExit(f"{len(unsettled)} disagreements are not settled: {unsettled[:10]}")
    out, moves, sided = [], Counter(), Counter()
    for row in rows:
        row = dict(row)
        i = row["id"]
        earlier = row.pop("v1", row["stage"]) or "none"
        row.pop("relabel", None)
        row["stage"] = earlier
        if i in p1:
            stage, how = settle(i, p1, p2, settled)
            if p1[i]["stage"] != p2[i]["stage"]:
                sided["neither" if stage not in (p1[i]["stage"], p2[i]["stage"]) else ("pass1" if stage == p1[i]["stage"] else "pass2")] += 1
            row.update(stage=stage, v1=earlier, relabel=how)
            moves[f"{earlier} -> {stage}"] += 1
        out.append(row)
    a, b = [p1[i]["stage"] for i in ids], [p2[i]["stage"] for i in ids]
    kappa, observed = cohen_kappa(a, b) if ids else (1.0, 1.0)
    summary = {
        "relabelled": len(ids),
        "cohen_kappa": round(kappa, 4),
        "observed_agreement": round(observed, 4),
        "disagreements": len(disagree),
        "settled_for": dict(sided),
        "counts": {"pass1": {lab: a.count(lab) for lab in LABELS}, "pass2": {lab: b.count(lab) for lab in LABELS}},
        "moves": dict(sorted(moves.items())),
        "final": dict(Counter((r["stage"] or "none") for r in out)),
    }
    return out, summary


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--labels", type=Path, required=True, help="the labels file to lay the new labels over (rewritten in place)")
    parser.add_argument("--pass1", type=Path, required=True)
    parser.add_argument("--pass2", type=Path, required=True)
    parser.add_argument("--adjudication", type=Path, required=True)
    parser.add_argument("--notes", type=Path, help="the notes file (only for --list)")
    parser.add_argument("--summary", type=Path, help="also write the summary here")
    parser.add_argument("--list", action="store_true", help="print the disagreements and stop")
    args = parser.parse_args()

    rows = [json.loads(line) for line in args.labels.read_text(encoding="utf-8").splitlines() if line.strip()]
    p1, p2 = read(args.pass1), read(args.pass2)
    if args.list:
        text = {}
        if args.notes:
            text = {str(n["id"]): n["text"] for n in map(json.loads, args.notes.read_text(encoding="utf-8").splitlines())}
        for i in p1:
            if i in p2 and p1[i]["stage"] != p2[i]["stage"]:
                print(json.dumps({"id": i, "pass1": p1[i]["stage"], "why1": p1[i].get("why"), "pass2": p2[i]["stage"],
                                  "why2": p2[i].get("why"), "text": text.get(i, "")}, ensure_ascii=False))  # fmt: skip
        return 0
    settled = read(args.adjudication, missing_ok=True)
    out, summary = lay_over(rows, p1, p2, settled)
    args.labels.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in out), encoding="utf-8")
    if args.summary:
        args.summary.write_text(json.dumps(summary, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(json.dumps(summary, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
