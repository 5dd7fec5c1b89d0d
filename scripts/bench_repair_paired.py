"""Repair speed, this checkout against an earlier revision, paired chunk by chunk (for speed
work: differences of a few per cent).

    python scripts/bench_repair_paired.py [--baseline REV] [--repeat 10] [--chunk 60]

Why: on a shared host ``bench_repair_speed.py`` (whole passes in fresh processes) moves by up to
30% between two runs of the same code, more than most single speed steps gain. Here both
versions stay loaded in two worker processes; the texts are cut into chunks of ``--chunk``
lines, and each chunk is repaired by one worker, then the other (in turn first), every cache
cleared before each chunk and the garbage collector off while it runs (the indexes frozen out
of its sight at start-up), ``--repeat`` times. A version's time is the sum over chunks of its
fastest run (and of its median run): load from elsewhere on the host slows runs, never speeds
them up. Two runs of the same code on this (shared, 2-core) host: medians within 2%, fastest runs
within 9% (``bench_repair_speed.py``: 32%).

Texts: the learn-side real OCR pairs (``ocr_pairs_all`` and ``ocr_pairs_round3``, normalised as
repair is given them; the held-out pairs are left to ``bench_repair_speed.py``) and the clean
report prose of ``scripts/data/clean_corpus.txt``.
"""

from __future__ import annotations

import argparse
import gc
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from revision_tree import importing_from, unpack_package

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"


def chunks(size: int) -> dict[str, list[str]]:
    from bma_nlp.repair.profile import normalise

    learn: list[str] = []
    for name in ("ocr_pairs_all.jsonl", "ocr_pairs_round3.jsonl"):
        rows = [json.loads(x) for x in (DATA / name).read_text(encoding="utf-8").splitlines() if x.strip()]
        learn += [normalise(" ".join(p["ocr"].split())) for p in rows]
    clean = [line for line in (DATA / "clean_corpus.txt").read_text(encoding="utf-8").splitlines() if line.strip()]
    out: dict[str, list[str]] = {}
    for label, lines in (("real OCR, learn (normalised)", learn), ("clean report prose", clean)):
        for k in range(0, len(lines), size):
            out[f"{label}#{k // size}"] = lines[k : k + size]
    return out


def worker(size: int) -> None:
    """Load this interpreter's bma_nlp, then repair the chunk named on each stdin line."""
    import bma_nlp
    from bma_nlp.repair import channel, load_lexicon, repair
    from bma_nlp.tokenize import warm_up

    warm_up("nlpo3")
    lexicon = load_lexicon()
    for index in ("deletes_index", "words_by_length", "skeleton_index", "bare_index", "far_index", "shape_index"):
        getattr(lexicon, index)()
    repair("การดำเนนการจัดซี้อวัสดุ ผลงคุณภาพ ทุกะบบย่อย", consensus=False)
    gc.collect()
    gc.freeze()  # (start-up's objects: never rescanned while timing)
    texts = chunks(size)
    print(json.dumps({"package": bma_nlp.__file__, "chars": {k: sum(map(len, v)) for k, v in texts.items()}}), flush=True)
    for name in sys.stdin:
        lines = texts[name.rstrip("\n")]
        lexicon.clear_caches()
        channel.clear_costs()
        gc.disable()
        start = time.process_time()
        for line in lines:
            repair(line, consensus=False)
        seconds = time.process_time() - start
        gc.enable()
        print(seconds, flush=True)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--baseline", default="main", help="git revision to compare with")
    ap.add_argument("--repeat", type=int, default=10, help="runs of each chunk per version")
    ap.add_argument("--chunk", type=int, default=60, help="lines per chunk")
    ap.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        worker(args.chunk)
        return
    repo = HERE.parent
    with tempfile.TemporaryDirectory() as tmp:
        unpack_package(args.baseline, tmp)
        procs = {}
        chars: dict[str, int] = {}
        for label, path in (("baseline", tmp), ("current", str(repo))):
            env = importing_from(path)
            cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", "--chunk", str(args.chunk)]
            proc = subprocess.Popen(cmd, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
            assert proc.stdin is not None and proc.stdout is not None
            head = json.loads(proc.stdout.readline())
            if not str(head["package"]).startswith(path):
                sys.exit(f"the {label} worker imported {head['package']}, not {path}")
            procs[label], chars = proc, head["chars"]

        def run(label: str, name: str) -> float:
            proc = procs[label]
            assert proc.stdin is not None and proc.stdout is not None
            proc.stdin.write(name + "\n")
            proc.stdin.flush()
            return float(proc.stdout.readline())

        times: dict[str, dict[str, list[float]]] = {"baseline": {k: [] for k in chars}, "current": {k: [] for k in chars}}
        for r in range(args.repeat):
            for name in chars:
                for label in ("baseline", "current") if r % 2 == 0 else ("current", "baseline"):
                    times[label][name].append(run(label, name))
        for proc in procs.values():
            assert proc.stdin is not None
            proc.stdin.close()
            proc.wait()
    print(f"repair speed, characters per CPU second, paired chunks (sum over chunks of the fastest / median of {args.repeat} runs, caches cold, GC off)")
    print(f"baseline: {args.baseline} (git archive); current: this checkout")
    header = f"{'text':<30} {'chars':>7} {'baseline best':>13} {'median':>8} {'current best':>12} {'median':>8} {'ratio best':>10} {'median':>7}"
    print(header)
    print("-" * len(header))
    for text in dict.fromkeys(k.rsplit("#", 1)[0] for k in chars):
        names = [k for k in chars if k.rsplit("#", 1)[0] == text]
        n = sum(chars[k] for k in names)
        b_best, c_best = (sum(min(times[v][k]) for k in names) for v in ("baseline", "current"))
        b_med, c_med = (sum(statistics.median(times[v][k]) for k in names) for v in ("baseline", "current"))
        print(f"{text:<30} {n:>7,} {n / b_best:>13,.0f} {n / b_med:>8,.0f} {n / c_best:>12,.0f} {n / c_med:>8,.0f} {b_best / c_best:>9.3f}x {b_med / c_med:>6.3f}x")


if __name__ == "__main__":
    main()
