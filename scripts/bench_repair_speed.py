"""Repair speed, this checkout against an earlier release, measured in the same run.

    python scripts/bench_repair_speed.py [--baseline REV] [--rounds 3]

The baseline's ``bma_nlp`` is taken from git (``git archive REV bma_nlp``) into a temporary
directory; the two versions then run in alternating worker processes (baseline, current,
baseline, current, ...), so both see the same load on a shared host. Each worker builds its
lexicon, indexes (the shape index too) and tokeniser dictionary first, and lets the garbage
collector look at them once (start-up, not counted), then repairs each text
``--repeat`` times with every cache cleared before each pass, and reports CPU seconds
(``time.process_time``: one core, whatever else the machine runs). The table gives characters
per CPU second, best and median over all passes of all rounds.

Texts: the held-out real Tesseract OCR lines after normalisation (what repair is given in the
headline of ``bench_repair.py``) and the clean report prose of ``scripts/data/clean_corpus.txt``.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from revision_tree import importing_from, unpack_package, worker_result

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"


def texts() -> dict[str, list[str]]:
    from bma_nlp.repair.profile import normalise

    pairs = [json.loads(x) for x in (DATA / "ocr_pairs_heldout.jsonl").read_text(encoding="utf-8").splitlines() if x.strip()]
    clean = [line for line in (DATA / "clean_corpus.txt").read_text(encoding="utf-8").splitlines() if line.strip()]
    return {"real OCR, held out (normalised)": [normalise(" ".join(p["ocr"].split())) for p in pairs], "clean report prose": clean}


def worker(repeat: int) -> None:
    """Time this interpreter's bma_nlp (whichever PYTHONPATH put first) and print JSON."""
    import bma_nlp
    from bma_nlp.repair import channel, load_lexicon, repair
    from bma_nlp.repair.channel import ocr_cost
    from bma_nlp.tokenize import warm_up

    warm_up("nlpo3")
    lexicon = load_lexicon()
    for index in ("deletes_index", "words_by_length", "skeleton_index", "bare_index", "far_index", "shape_index"):
        if hasattr(lexicon, index):  # (an older release may lack some)
            getattr(lexicon, index)()
    repair("การดำเนนการจัดซี้อวัสดุ ผลงคุณภาพ ทุกะบบย่อย", consensus=False)
    gc.collect()  # the garbage collector's first look at the indexes just built: start-up too
    out: dict[str, object] = {"package": bma_nlp.__file__}
    for name, lines in texts().items():
        seconds = []
        for _ in range(repeat):
            lexicon.clear_caches()
            getattr(channel, "clear_costs", ocr_cost.cache_clear)()  # (an older bma_nlp: the one cache)
            start = time.process_time()
            for line in lines:
                repair(line, consensus=False)
            seconds.append(time.process_time() - start)
        out[name] = {"chars": sum(map(len, lines)), "seconds": seconds}
    print(json.dumps(out))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--baseline", default="1e78d98", help="git revision to compare with (default: the release before this speed work)")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--repeat", type=int, default=2, help="passes over each text per worker")
    ap.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        worker(args.repeat)
        return
    with tempfile.TemporaryDirectory() as tmp:
        unpack_package(args.baseline, tmp)
        runs: dict[str, dict[str, list[float]]] = {"baseline": {}, "current": {}}
        chars: dict[str, int] = {}
        for _ in range(args.rounds):
            for label in ("baseline", "current"):
                env = importing_from(tmp) if label == "baseline" else dict(os.environ)
                cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", "--repeat", str(args.repeat)]
                result = worker_result(cmd, env)
                if label == "baseline" and not str(result["package"]).startswith(tmp):
                    sys.exit(f"the baseline worker imported {result['package']}, not the archived revision")
                for name, row in result.items():
                    if name != "package":
                        chars[name] = row["chars"]
                        runs[label].setdefault(name, []).extend(row["seconds"])
    print(f"repair speed, characters per CPU second (best / median of {args.rounds} rounds x {args.repeat} passes, caches cold each pass)")
    print(f"baseline: {args.baseline} (git archive); current: this checkout; alternating worker processes")
    header = f"{'text':<34} {'chars':>7} {'baseline best':>13} {'median':>8} {'current best':>12} {'median':>8} {'ratio':>6}"
    print(header)
    print("-" * len(header))
    for name, n in chars.items():
        b, c = runs["baseline"][name], runs["current"][name]
        b_best, b_med, c_best, c_med = n / min(b), n / statistics.median(b), n / min(c), n / statistics.median(c)
        print(f"{name:<34} {n:>7,} {b_best:>13,.0f} {b_med:>8,.0f} {c_best:>12,.0f} {c_med:>8,.0f} {c_med / b_med:>5.2f}x")


if __name__ == "__main__":
    main()
