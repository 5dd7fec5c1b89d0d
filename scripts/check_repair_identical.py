"""Does this checkout repair text exactly as an earlier revision does? (speed work must not
change a byte of repair's output)

    python scripts/check_repair_identical.py [--baseline REV] [--seeds 2]

The baseline's ``bma_nlp`` is taken from git (``git archive REV bma_nlp``) into a temporary
directory, as ``bench_repair_speed.py`` does; each version then repairs, in its own process,
every line of the real OCR pairs (``scripts/data/ocr_pairs_*.jsonl``: the OCR as read, and
normalised as the benchmarks give it; the clean lines too), the clean report prose and the
speed benchmark's texts, once with every cache cleared before each text set (as the speed
benchmark times it) and once straight through (caches warm, as in an ingest), and also the
copies' vote (``consensus=True``) over each file's OCR as one text. The outputs (text and every
change) must be equal, under ``--seeds`` different string-hash seeds (set iteration order).
Exit status 1 on any difference, with the first few printed.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from dataclasses import asdict
from pathlib import Path

from revision_tree import differing_items, importing_from, unpack_package, worker_result

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"


def text_sets() -> dict[str, list[str]]:
    from bma_nlp.repair.profile import normalise

    sets: dict[str, list[str]] = {}
    for path in sorted(DATA.glob("ocr_pairs_*.jsonl")):
        pairs = [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]
        sets[f"{path.name} ocr"] = [p["ocr"] for p in pairs]
        sets[f"{path.name} ocr normalised"] = [normalise(" ".join(p["ocr"].split())) for p in pairs]
        sets[f"{path.name} clean"] = [p["clean"] for p in pairs]
    sets["clean_corpus.txt"] = [line for line in (DATA / "clean_corpus.txt").read_text(encoding="utf-8").splitlines() if line.strip()]
    return sets


def worker() -> None:
    """Repair every text set with this interpreter's bma_nlp; print one JSON document."""
    import bma_nlp
    from bma_nlp.repair import channel, load_lexicon, repair

    lexicon = load_lexicon()
    out: dict[str, object] = {"package": bma_nlp.__file__}
    sets = text_sets()
    for cold in (True, False):
        for name, lines in sets.items():
            if cold:
                lexicon.clear_caches()
                channel.clear_costs()
            results = []
            for line in lines:
                r = repair(line, consensus=False)
                results.append([r.text, [asdict(c) for c in r.changes]])
            out[f"{name} ({'cold' if cold else 'warm'})"] = results
    for name, lines in sets.items():  # the copies' vote: each file's lines as one text
        r = repair("\n".join(lines))
        out[f"{name} (one text, consensus)"] = [r.text, [asdict(c) for c in r.changes]]
    print(json.dumps(out, ensure_ascii=False))


def run(pythonpath: str, seed: int) -> dict[str, object]:
    env = importing_from(pythonpath, PYTHONHASHSEED=str(seed))
    cmd = [sys.executable, str(Path(__file__).resolve()), "--worker"]
    result: dict[str, object] = worker_result(cmd, env)
    return result


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--baseline", default="main", help="git revision to compare with")
    ap.add_argument("--seeds", type=int, default=2, help="string-hash seeds to run each version under")
    ap.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        worker()
        return
    repo = HERE.parent
    differences = 0
    with tempfile.TemporaryDirectory() as tmp:
        unpack_package(args.baseline, tmp)
        for seed in range(1, args.seeds + 1):
            base, current = run(tmp, seed), run(str(repo), seed)
            if not str(base.pop("package")).startswith(tmp):
                sys.exit("the baseline worker did not import the archived revision")
            current.pop("package")
            for name, expected in base.items():
                got = current.get(name)
                if got == expected:
                    continue
                if not (isinstance(expected, list) and isinstance(got, list) and len(got) == len(expected)) or "consensus" in name:
                    differences += 1
                    print(f"seed {seed}, {name}: differs")
                    continue
                differences += differing_items(seed, name, expected, got, differences, lambda k: f"line {k}")
            print(f"seed {seed}: {len(base)} text sets compared")
    print(f"{differences} differences from {args.baseline}")
    sys.exit(1 if differences else 0)


if __name__ == "__main__":
    main()
