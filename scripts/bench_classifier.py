#!/usr/bin/env python3
"""Speed of the stage classifier on one core: model load, and notes per second.

Each figure is measured in a fresh Python process (so imports and the first-use tokeniser
dictionary are counted where they belong):

- import: ``import bma_nlp`` plus scikit-learn (paid once per process, by any model);
- load: ``load_model()`` of the shipped model (hash check, version check, unpickle);
- first note: the first ``classify`` call (builds PyThaiNLP's dictionary trie);
- 10,000 distinct notes in batches of 1,000: seconds per thousand. Distinct means distinct
  after ``prepare`` (which folds every number to 0): the labelled notes (synthetic, real,
  unseen, external) once each, then splices of two of them cut at a random space (the head of
  one, the tail of another), deduplicated on their prepared text, so no note is classified
  twice and clauses repeat only as they do across real notes;
- 10,000 notes as reports repeat them (1,000 more distinct notes made the same way, each 10
  times, shuffled): classify() scores each distinct text of a batch once;
- 2,000 more distinct notes with the per-piece tokens, per-clause readings and per-mention
  statuses not remembered (every phrase tokenised and read as if never seen: the splices share
  phrases with the labelled notes, which flatters those memos);
- classify_report on the sample's ten installments (parse excluded).

    python scripts/bench_classifier.py [--notes 10000]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

CHILD = r"""
import json, os, random, sys, time
os.environ.setdefault("OMP_NUM_THREADS", "1")
t0 = time.perf_counter()
import bma_nlp
bma_nlp_path = bma_nlp.__file__
import sklearn.svm, sklearn.linear_model, sklearn.calibration, sklearn.pipeline, sklearn.feature_extraction.text
t1 = time.perf_counter()
from bma_nlp.classify.model import load_model
model = load_model()
t2 = time.perf_counter()
bma_nlp.classify_notes(["โครงการแล้วเสร็จ"])
t3 = time.perf_counter()
root = sys.argv[1]; n = int(sys.argv[2])
rng = random.Random(0)
from bma_nlp.classify.features import prepare
sys.path.insert(0, os.path.join(root, "scripts"))  # this checkout's recipe, whichever bma_nlp is measured
from note_pool import distinct_notes, labelled_texts
pool = labelled_texts(root)
distinct = distinct_notes(pool, n, n // 10 + 2000, rng)  # n to classify once each, n/10 more to repeat, 2,000 with memos off
distinct, fresh, cold = distinct[:n], distinct[n : n + n // 10], distinct[n + n // 10 :]
t4, c4 = time.perf_counter(), time.process_time()
for start in range(0, n, 1000):
    bma_nlp.classify_notes(distinct[start:start + 1000])
t5, c5 = time.perf_counter(), time.process_time()
repeated = fresh * 10
rng.shuffle(repeated)
t6, c6 = time.perf_counter(), time.process_time()
for start in range(0, n, 1000):
    bma_nlp.classify_notes(repeated[start:start + 1000])
t7, c7 = time.perf_counter(), time.process_time()
from bma_nlp.classify import clauses, features
for module, memo, limit in ((features, "_PIECES", "_PIECE_CACHE_LIMIT"), (clauses, "_CLAUSES", "_CLAUSE_CACHE_LIMIT"), (clauses, "_STATUSES", "_STATUS_CACHE_LIMIT")):
    if hasattr(module, memo):  # the per-piece, per-clause and per-mention memos off: every phrase read as if new
        getattr(module, memo).clear()
        setattr(module, limit, 0)
c10 = time.process_time()
for start in range(0, len(cold), 1000):
    bma_nlp.classify_notes(cold[start:start + 1000])
c11 = time.process_time()
from bma_nlp.classify import classify_report
report = bma_nlp.parse_report(os.path.join(root, "tests", "data", "dusit-school-network-2566.txt"), classify=False)
t8 = time.perf_counter()
for _ in range(20):
    classify_report(report)
t9 = time.perf_counter()
print(json.dumps({
    "import_s": t1 - t0, "load_s": t2 - t1, "first_note_s": t3 - t2,
    "distinct_per_1000_s": (t5 - t4) / (n / 1000), "distinct_cpu_per_1000_s": (c5 - c4) / (n / 1000),
    "cold_cpu_per_1000_s": (c11 - c10) / (len(cold) / 1000), "repeated_per_1000_s": (t7 - t6) / (n / 1000), "repeated_cpu_per_1000_s": (c7 - c6) / (n / 1000), "load_average": os.getloadavg()[0],
    "report_ms": (t9 - t8) / 20 * 1000, "model_mb": os.path.getsize(model.path) / 1e6, "notes": n,
    "mean_note_chars": sum(map(len, distinct)) / n, "package": bma_nlp_path, "distinct_prepared": len(set(map(prepare, distinct))),
}))
"""


WARM = "from bma_nlp.classify.model import load_model; load_model()"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notes", type=int, default=10_000)
    parser.add_argument("--baseline", type=Path, help="another checkout of bma-nlp (e.g. a git archive of main), measured first in the same run on the same notes")
    args = parser.parse_args()
    results = []
    for tree in ([args.baseline] if args.baseline else []) + [ROOT]:
        env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1", PYTHONPATH=str(tree))
        cmd = [sys.executable, "-c", CHILD, str(ROOT), str(args.notes)]
        if sys.platform.startswith("linux"):
            cmd = ["taskset", "-c", "0", *cmd]  # one core
        try:
            # a first load writes the model's fast form to the cache folder (bma_nlp.classify.fastform);
            # the process that writes it predicts with scikit-learn, so it is not the one timed
            subprocess.run([sys.executable, "-c", WARM], capture_output=True, text=True, env=env, check=True, cwd=tree)
            out = subprocess.run(cmd, capture_output=True, text=True, env=env, check=True, cwd=tree)  # cwd too: "-c" puts it first on sys.path
        except subprocess.CalledProcessError as exc:
            print(f"bench_classifier: the run with {tree} failed: {exc.stderr.strip().splitlines()[-1:]}", file=sys.stderr)
            return 1
        results.append((tree, json.loads(out.stdout.strip().splitlines()[-1])))
    for tree, r in results:
        print(f"\n{'baseline' if args.baseline and tree == args.baseline else 'this checkout'}: {r['package']}")
        _table(r)
    return 0


def _table(r: dict[str, float]) -> None:
    rows = [
        ("import bma_nlp + scikit-learn", f"{r['import_s']:.2f} s"),
        ("load_model() (sha256 + versions + unpickle)", f"{r['load_s']:.3f} s"),
        ("first note (builds the tokeniser trie)", f"{r['first_note_s']:.2f} s"),
        (f"{r['notes']:,} distinct notes (mean {r['mean_note_chars']:.0f} chars; {r['distinct_prepared']:,} distinct prepared texts), wall", f"{r['distinct_per_1000_s']:.3f} s per 1,000"),
        (f"{r['notes']:,} distinct notes, CPU time", f"{r['distinct_cpu_per_1000_s']:.3f} s per 1,000"),
        ("2,000 more distinct notes, per-piece/clause/mention memos off, CPU time", f"{r['cold_cpu_per_1000_s']:.3f} s per 1,000 ({1000 / r['cold_cpu_per_1000_s']:,.0f} per CPU s)"),
        (f"{r['notes']:,} notes, 1,000 distinct shuffled 10x (as reports repeat them), wall", f"{r['repeated_per_1000_s']:.3f} s per 1,000"),
        (f"{r['notes']:,} notes, 1,000 distinct shuffled 10x, CPU time", f"{r['repeated_cpu_per_1000_s']:.3f} s per 1,000"),
        ("notes per CPU second: distinct / repeated (target 10,000)", f"{1000 / r['distinct_cpu_per_1000_s']:,.0f} / {1000 / r['repeated_cpu_per_1000_s']:,.0f}"),
        ("classify_report, 10 installments", f"{r['report_ms']:.1f} ms"),
        ("model file", f"{r['model_mb']:.2f} MB"),
    ]
    width = max(len(a) for a, _ in rows)
    print(f"| {'what':<{width}} | time |")
    print(f"|{'-' * (width + 2)}|------|")
    for what, value in rows:
        print(f"| {what:<{width}} | {value} |")
    print(f"\n(load average {r['load_average']:.2f} while measuring; wall times grow when other processes share the core)")


if __name__ == "__main__":
    raise SystemExit(main())
