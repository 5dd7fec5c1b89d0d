"""Run the hostile-input fuzzer (tests/hostile/fuzzing.py) for a long time.

    python3 scripts/fuzz.py --inputs 100000 [--seed 0] [--no-classify] [--log fuzz.log]

Rounds of seeded Hypothesis runs (seed, seed+1, ...), each of ``--round`` batches of up to 16
inputs, into one scratch archive per round, until ``--inputs`` inputs were checked. Every input
goes read -> parse -> merge -> repair -> classify -> tokenise -> store, then a fuzzed search whose
hits are rendered as table, JSON and CSV. Prints a line per round (inputs so far, stored,
refused and why, peak memory) and stops at the first broken invariant with Hypothesis's
shrunk example. Exit code 0 when every input passed.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from hostile.fuzzing import Harness, fuzz  # noqa: E402


def run_round(round_seed: int, batches: int, classify: bool) -> Harness:
    with tempfile.TemporaryDirectory(prefix="bma-fuzz-") as folder:
        return fuzz(Harness(Path(folder), classify=classify), batches, round_seed)


def _current_rss_mb() -> float:
    """Resident memory now (Linux), so a plateau shows where the peak alone only ever rises."""
    try:
        with open("/proc/self/statm", encoding="ascii") as fh:
            return int(fh.read().split()[1]) * resource.getpagesize() / 2**20
    except (OSError, ValueError, IndexError):
        return float("nan")


def main() -> int:
    warnings.filterwarnings("ignore", message="Generating overly large repr")  # a failing batch is printed whole anyway
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--inputs", type=int, default=100_000, help="stop after this many inputs")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--round", type=int, default=200, help="batches per Hypothesis run (one archive each)")
    ap.add_argument("--no-classify", action="store_true")
    ap.add_argument("--log", type=Path, help="also append the progress lines here")
    args = ap.parse_args()

    total = stored = refused = 0
    started = time.monotonic()
    round_seed = args.seed
    while total < args.inputs:
        harness = run_round(round_seed, args.round, not args.no_classify)
        stats = harness.stats
        total += stats.inputs
        stored += stats.ingested
        refused += stats.failed
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        now_mb = _current_rss_mb()
        line = (
            f"seed {round_seed}: {stats.line()} | total {total} inputs ({stored} stored, {refused} refused), "
            f"RSS now {now_mb:.0f} MB, peak {peak_mb:.0f} MB, {time.monotonic() - started:.0f} s"
        )
        print(line, flush=True)
        if args.log:
            with open(args.log, "a", encoding="utf-8") as fh:
                fh.write(line + "\n")
        round_seed += 1
    print(f"fuzz: {total} inputs, no broken invariant (seeds {args.seed}..{round_seed - 1})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
