"""Agreement of the two labelling passes over ``real_notes.jsonl`` and the adjudicated labels.

Inputs: ``pass1.jsonl`` and ``pass2.jsonl`` (``{id, stage, why}``, written by two labellers
from ``GUIDE.md`` alone, independently) and ``real_adjudication.jsonl`` (``{id, stage, rule,
how}``: for each note the passes disagree on, the label settled by re-reading the note
against the guide, the guide rule that decides and one line on why).

When ``real_relabel_pass1.jsonl`` / ``pass2`` / ``adjudication`` exist (the notes labelled again
from version 2 of the guide), their labels are laid over the first ones (``relabel.py``).

Outputs: ``real_labels.jsonl`` (``{id, stage, pass1, pass2, settled}``; ``settled`` is
``agree`` or ``guide <rule>: <how>``) and ``real_agreement.json`` (Cohen's kappa, observed
agreement, counts per class for each pass and after adjudication, the disagreements).

    python training_data/adjudicate.py --pass1 /path/pass1.jsonl --pass2 /path/pass2.jsonl
    python training_data/adjudicate.py --pass1 ... --pass2 ... --list   # print the disagreements
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
LABELS = ("approval", "procurement", "completed", "none")


def read(path: Path, missing_ok: bool = False) -> dict[str, dict]:
    """Labels by note id (``stage`` ``none`` when null); ``missing_ok``: a missing file has none."""
    rows: dict[str, dict] = {}
    if missing_ok and not path.is_file():
        return rows
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            obj = json.loads(line)
            stage = obj.get("stage") or "none"
            if stage not in LABELS:
                raise SystemExit(f"{path}: id {obj.get('id')}: unknown stage {stage!r}")
            rows[str(obj["id"])] = {**obj, "stage": stage}
    return rows


def cohen_kappa(a: list[str], b: list[str]) -> tuple[float, float]:
    """(kappa, observed agreement) of two label lists."""
    n = len(a)
    observed = sum(x == y for x, y in zip(a, b, strict=True)) / n
    ca, cb = Counter(a), Counter(b)
    expected = sum(ca[lab] * cb[lab] for lab in LABELS) / (n * n)
    return ((observed - expected) / (1 - expected) if expected < 1 else 1.0), observed


def settle(i: str, p1: dict[str, dict], p2: dict[str, dict], settled: dict[str, dict]) -> tuple[str, str]:
    """(label, how) of note ``i``: the passes' label where they agree, else the adjudicated one
    with the guide rule and why."""
    if p1[i]["stage"] == p2[i]["stage"]:
        return p1[i]["stage"], "agree"
    s = settled[i]
    return s["stage"], f"guide {s.get('rule', '?')}: {s.get('how', '')}".strip()


def _sessions(ids: list[str], starts: list[str]) -> list[tuple[str, str]]:
    """(first id, last id) of each labelling session, in the order of the notes."""
    cuts = [ids.index(s) for s in starts if s in ids] + [len(ids)]
    return [(ids[a], ids[b - 1]) for a, b in zip(cuts, cuts[1:], strict=False) if b > a]


def _session(first: str, last: str, ids: list[str], a: list[str], b: list[str], disagree: list[str]) -> dict:
    lo, hi = ids.index(first), ids.index(last) + 1
    kappa, observed = cohen_kappa(a[lo:hi], b[lo:hi])
    return {"ids": f"{first}-{last}", "notes": hi - lo, "cohen_kappa": round(kappa, 4), "observed_agreement": round(observed, 4),
            "disagreements": sum(i in disagree for i in ids[lo:hi])}  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pass1", type=Path, required=True)
    parser.add_argument("--pass2", type=Path, required=True)
    parser.add_argument("--adjudication", type=Path, default=HERE / "real_adjudication.jsonl")
    parser.add_argument("--list", action="store_true", help="print the disagreements and stop")
    parser.add_argument(
        "--session-starts", nargs="*", default=["r001", "r205", "r357", "r511", "r661", "r813", "r972", "r1124", "r1262", "r1319", "r1485", "r1635", "r1785", "r1939", "r2069", "r2240", "r2327", "r2470", "r2616", "r2762"],
        help="first id of each labelling session (notes were added and labelled in batches); agreement is also given per session",
    )  # fmt: skip
    args = parser.parse_args()

    notes = [json.loads(line) for line in (HERE / "real_notes.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
    p1, p2 = read(args.pass1), read(args.pass2)
    missing = [n["id"] for n in notes if n["id"] not in p1 or n["id"] not in p2]
    if missing:
        raise SystemExit(f"{len(missing)} notes lack a label in one pass: {missing[:10]}")
    ids = [n["id"] for n in notes]
    a, b = [p1[i]["stage"] for i in ids], [p2[i]["stage"] for i in ids]
    kappa, observed = cohen_kappa(a, b)
    disagree = [i for i in ids if p1[i]["stage"] != p2[i]["stage"]]
    if args.list:
        text = {n["id"]: n["text"] for n in notes}
        for i in disagree:
            print(json.dumps({"id": i, "pass1": p1[i]["stage"], "why1": p1[i].get("why"), "pass2": p2[i]["stage"],
                              "why2": p2[i].get("why"), "text": text[i]}, ensure_ascii=False))  # fmt: skip
        print(f"kappa {kappa:.3f}, observed {observed:.3f}, {len(disagree)} disagreements of {len(ids)}")
        return 0
    settled = read(args.adjudication, missing_ok=True)
    unsettled = [i for i in disagree if i not in settled]
    if unsettled:
        raise SystemExit(f"{len(unsettled)} disagreements are not settled in {args.adjudication.name}: {unsettled[:10]}")
    final, rows = [], []
    for i in ids:
        stage, how = settle(i, p1, p2, settled)
        final.append(stage)
        rows.append({"id": i, "stage": stage, "pass1": p1[i]["stage"], "pass2": p2[i]["stage"], "settled": how})
    relabelled = None
    if (HERE / "real_relabel_pass1.jsonl").is_file():  # guide version 2's labels for the notes labelled again (relabel.py)
        from relabel import lay_over

        rows, relabelled = lay_over(rows, read(HERE / "real_relabel_pass1.jsonl"), read(HERE / "real_relabel_pass2.jsonl"),
                                    read(HERE / "real_relabel_adjudication.jsonl", missing_ok=True))  # fmt: skip
    (HERE / "real_labels.jsonl").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    sided = Counter()
    for i, stage in zip(ids, final, strict=True):
        if stage not in (p1[i]["stage"], p2[i]["stage"]):
            sided["neither"] += 1
        elif p1[i]["stage"] != p2[i]["stage"]:
            sided["pass1" if stage == p1[i]["stage"] else "pass2"] += 1
    summary = {
        "notes": len(ids),
        "cohen_kappa": round(kappa, 4),
        "observed_agreement": round(observed, 4),
        "disagreements": len(disagree),
        "settled_for": dict(sided),
        "counts": {
            "pass1": {lab: a.count(lab) for lab in LABELS},
            "pass2": {lab: b.count(lab) for lab in LABELS},
            "final": {lab: final.count(lab) for lab in LABELS},
        },
        "sessions": [_session(first, last, ids, a, b, disagree) for first, last in _sessions(ids, args.session_starts)],
        "confusion_pass1_rows_pass2_columns": [[sum(x == r and y == c for x, y in zip(a, b, strict=True)) for c in LABELS] for r in LABELS],
    }
    if relabelled is not None:
        summary["relabel_guide_v2"] = relabelled
    (HERE / "real_agreement.json").write_text(json.dumps(summary, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(json.dumps(summary, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
