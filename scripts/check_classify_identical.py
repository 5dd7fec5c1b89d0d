"""Does this checkout classify notes exactly as an earlier revision does? (speed work on the
stage classifier must not change a label, a confidence, a score or a word of evidence)

    python scripts/check_classify_identical.py [--baseline REV] [--seeds 1] [--splices 13000]

The baseline's ``bma_nlp`` is taken from git (``git archive REV bma_nlp``, as
``check_repair_identical.py`` does); each version then classifies, in its own process, with the
shipped model:

- every labelled note: ``training_data/{notes,real_notes,unseen,external}.jsonl`` and
  ``training_data/blind/*_notes.jsonl``;
- the notes of the reports in ``tests/data`` (parsed with this checkout, ``note`` and
  ``note_raw`` of every installment) and every distinct line of those files;
- ``--splices`` notes made as ``bench_classifier.py`` makes its distinct notes (the head of one
  labelled note and the tail of another, cut at a random space, seed 0).

They are classified in batches of 1,000 (as the benchmark does) with the memos empty, then all
again with them warm. Compared: ``classify(...).to_dict()`` (stage, confidence, scores,
stage_evidence) of every note, and the unrounded probabilities (``note_probabilities``, by
``repr``). Each version runs with its own empty ``$BMA_NLP_CACHE`` (so each builds and checks its
own fast form), under ``--seeds`` string-hash seeds. Prints the number of differing outputs;
exit status 1 on any.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

from note_pool import distinct_notes, labelled_texts
from revision_tree import differing_items, importing_from, unpack_package, worker_result

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
BATCH = 1000


def report_texts() -> list[str]:
    import bma_nlp

    out: list[str] = []
    for path in sorted((ROOT / "tests" / "data").rglob("*.txt")):
        out += [line.strip() for line in path.read_text(encoding="utf-8", errors="replace").splitlines() if line.strip()]
        try:
            reports = bma_nlp.parse_reports(str(path), classify=False)
        except Exception:  # noqa: BLE001 - a file that is not a report gives its lines only
            continue
        for report in reports:
            for inst in report.installments:
                out += [t for t in (inst.note, inst.note_raw) if t]
    return out


def worker(texts_path: str) -> None:
    """Classify the texts with this interpreter's bma_nlp; print one JSON document."""
    import bma_nlp
    from bma_nlp.classify import classify, note_probabilities

    texts = json.loads(Path(texts_path).read_text(encoding="utf-8"))
    out: dict[str, object] = {"package": bma_nlp.__file__}
    for run in ("cold", "warm"):
        results, proba = [], []
        for start in range(0, len(texts), BATCH):
            batch = texts[start : start + BATCH]
            results += [r.to_dict() for r in classify(batch)]
            proba += [[repr(float(p)) for p in row] for row in note_probabilities(batch)]
        out[run] = results
        out[f"{run} probabilities"] = proba
    print(json.dumps(out, ensure_ascii=False))


def run(pythonpath: str, seed: int, texts_path: str, cache: str) -> dict[str, object]:
    env = importing_from(pythonpath, PYTHONHASHSEED=str(seed), BMA_NLP_CACHE=cache)
    cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", texts_path]
    result: dict[str, object] = worker_result(cmd, env)
    return result


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--baseline", default="main", help="git revision to compare with")
    ap.add_argument("--seeds", type=int, default=1, help="string-hash seeds to run each version under")
    ap.add_argument("--splices", type=int, default=13_000, help="notes made the benchmark's way")
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        worker(args.worker)
        return
    pool = labelled_texts(ROOT, blind=True)
    texts = list(dict.fromkeys([*pool, *report_texts(), *distinct_notes(pool, args.splices)]))
    print(f"{len(texts):,} distinct texts ({len(set(pool)):,} labelled notes)")
    differences = 0
    with tempfile.TemporaryDirectory() as tmp:
        tree = os.path.join(tmp, "tree")
        os.mkdir(tree)
        unpack_package(args.baseline, tree)
        texts_path = os.path.join(tmp, "texts.json")
        Path(texts_path).write_text(json.dumps(texts, ensure_ascii=False), encoding="utf-8")
        for seed in range(1, args.seeds + 1):
            outputs = []
            for name, path in (("baseline", tree), ("current", str(ROOT))):
                cache = os.path.join(tmp, f"cache-{name}-{seed}")
                os.mkdir(cache)
                outputs.append(run(path, seed, texts_path, cache))
            base, current = outputs
            if not str(base.pop("package")).startswith(tree) or not str(current.pop("package")).startswith(str(ROOT)):
                sys.exit("a worker did not import the version it should")
            for key, expected in base.items():
                got = current[key]
                assert isinstance(expected, list) and isinstance(got, list) and len(got) == len(expected)
                differences += differing_items(seed, key, expected, got, differences, lambda k: f"text {k} {texts[k][:80]!r}")
            print(f"seed {seed}: {len(texts):,} texts x {len(base)} outputs compared")
    print(f"{differences} differences from {args.baseline}")
    sys.exit(1 if differences else 0)


if __name__ == "__main__":
    main()
