"""Does this checkout parse reports exactly as an earlier revision does? (speed work on reading,
normalising, splitting copies and parsing must not change a field, a flag or a copy)

    python scripts/check_parse_identical.py [--baseline REV] [--seeds 2] [--generated 500]

The baseline's ``bma_nlp`` is taken from git (``git archive REV bma_nlp``, as
``check_repair_identical.py`` does); each version then parses, in its own process, with repair
and stage classification off:

- every report file in ``../shared/samples``, ``../shared/blind-reports``, ``tests/data`` (its
  report folders and the files beside them) and any ``training_data`` folder of blind reports
  (``*.txt`` beside ``*.truth.json`` or ``*.json``);
- generated reports with OCR noise (``bma_nlp.synth``): ``--generated`` reports for each of four
  generator seeds, two as ``bench_parse.py`` makes them (random copies and layouts, noise 0.2)
  and two as ``bench_archive.py`` does (one copy, noise 0.1).

Compared, per input: the copies ``split_text`` cuts (text, source, encoding, position, rank)
with each copy's parsed records (``ParsedCopy`` as a dict), the records ``derive`` makes from
them (``Report.to_dict()``, flags included, and the positions of the copies each came from),
and ``bma_nlp.parse.parse_text``'s records (the normalise-then-split path, without the
pipeline's copy cut); an input that raises is compared by its error. Under ``--seeds``
string-hash seeds (set iteration order). Prints the number of differing inputs; exit status 1
on any.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
from dataclasses import asdict
from pathlib import Path

from revision_tree import importing_from, unpack_package, worker_result

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SHARED = ROOT.parent / "shared"
GENERATOR_SEEDS = (11, 12, 13, 14)


def report_files() -> list[Path]:
    """The real and hand-written report files this checkout can see (sorted, each once)."""
    found: set[Path] = set()
    for folder in (SHARED / "samples", SHARED / "blind-reports"):
        found.update(folder.glob("*.txt"))
    data = ROOT / "tests" / "data"
    found.update(p for p in data.rglob("*.txt") if p.parent == data or p.parent.name in ("reports", "unseen_reports") or p.parent.name.startswith("blind"))
    for txt in (ROOT / "training_data").rglob("*.txt"):
        if txt.with_suffix(".truth.json").exists() or txt.with_suffix(".json").exists():
            found.add(txt)  # a blind report with its truth beside it (the notes' batches are no reports)
    return sorted(found)


def generated(per_seed: int) -> list[tuple[str, str]]:
    """``(name, text)`` of generated reports with OCR noise, as the two benchmarks make them."""
    from bma_nlp.synth import generate_archive, generate_report

    out: list[tuple[str, str]] = []
    for seed in GENERATOR_SEEDS[:2]:  # bench_parse.py's archive: copies and layouts at random, noise 0.2
        out += [(f"bench_parse seed {seed} #{i}", text) for i, (text, _) in enumerate(generate_archive(seed, per_seed, copies="random", noise=0.2))]
    for seed in GENERATOR_SEEDS[2:]:  # bench_archive.py's files: one copy, noise 0.1
        rng = random.Random(seed)
        out += [(f"bench_archive seed {seed} #{i}", generate_report(random.Random(rng.getrandbits(64)), copies=1, noise=0.1)[0]) for i in range(per_seed)]
    return out


def records(text: str | None, path: Path | None) -> object:
    """Everything parsing gives for one input (text, or a file read as the pipeline reads it)."""
    from bma_nlp.errors import BmaNlpError
    from bma_nlp.parse import parse_text
    from bma_nlp.pipeline import derive, parsed_copies, read_copy_texts, split_text

    out: dict[str, object] = {}
    try:
        copies = read_copy_texts(path) if path is not None else split_text(text or "", "<generated>", "unicode")
        out["copies"] = [
            {"text": c.text, "source": c.source, "encoding": c.encoding, "position": c.position, "rank": c.rank, "parsed": [asdict(p) for p in parsed_copies(c)]}
            for c in copies
        ]
        out["derived"] = [{"report": d.report.to_dict(), "copies": [c.position for c in d.copies]} for d in derive(copies, repair=False, classify=False)]
    except BmaNlpError as exc:
        out["error"] = f"{type(exc).__name__}: {exc}"
    try:
        if path is not None:
            from bma_nlp.text import read_text

            text, encoding = read_text(path)
            out["parse_text"] = [r.to_dict() for r in parse_text(text, str(path), encoding)]
        else:
            out["parse_text"] = [r.to_dict() for r in parse_text(text or "")]
    except BmaNlpError as exc:
        out["parse_text error"] = f"{type(exc).__name__}: {exc}"
    return json.loads(json.dumps(out, ensure_ascii=False, default=repr))  # one form on both sides (tuples as lists)


def worker(per_seed: int) -> None:
    """Parse every input with this interpreter's bma_nlp; print one JSON document."""
    import bma_nlp

    files = report_files()
    out: dict[str, object] = {"package": bma_nlp.__file__}
    out["files"] = [[str(p.relative_to(ROOT.parent)), records(None, p)] for p in files]
    out["generated"] = [[name, records(text, None)] for name, text in generated(per_seed)]
    print(json.dumps(out, ensure_ascii=False))


def first_difference(expected: object, got: object, where: str = "") -> str:
    """Where two outputs first differ, and the two values there (shortened): an input's output
    is too long to print whole."""
    if isinstance(expected, dict) and isinstance(got, dict):
        for key in sorted(set(expected) | set(got)):
            if expected.get(key) != got.get(key):
                return first_difference(expected.get(key), got.get(key), f"{where}.{key}")
    if isinstance(expected, list) and isinstance(got, list) and len(expected) == len(got):
        for k, (e, g) in enumerate(zip(expected, got, strict=True)):
            if e != g:
                return first_difference(e, g, f"{where}[{k}]")
    return f"{where or '(whole)'}:\n    baseline {str(expected)[:300]}\n    current  {str(got)[:300]}"


def run(pythonpath: str, seed: int, per_seed: int) -> dict[str, object]:
    env = importing_from(pythonpath, PYTHONHASHSEED=str(seed))
    cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", "--generated", str(per_seed)]
    return worker_result(cmd, env)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--baseline", default="main", help="git revision to compare with")
    ap.add_argument("--seeds", type=int, default=2, help="string-hash seeds to run each version under")
    ap.add_argument("--generated", type=int, default=500, help="generated reports per generator seed (four seeds)")
    ap.add_argument("--show", type=int, default=10, help="differences to print (the rest are counted)")
    ap.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        worker(args.generated)
        return
    differences = 0
    with tempfile.TemporaryDirectory() as tmp:
        unpack_package(args.baseline, tmp)
        for seed in range(1, args.seeds + 1):
            base, current = run(tmp, seed, args.generated), run(str(ROOT), seed, args.generated)
            if not str(base.pop("package")).startswith(tmp):
                sys.exit("the baseline worker did not import the archived revision")
            if not str(current.pop("package")).startswith(str(ROOT)):
                sys.exit("the current worker did not import this checkout")
            counts = []
            for name in ("files", "generated"):
                expected, got = base[name], current[name]
                assert isinstance(expected, list) and isinstance(got, list)
                if [e[0] for e in expected] != [g[0] for g in got]:
                    sys.exit(f"seed {seed}: the two versions read different {name}")
                for (what, e), (_, g) in zip(expected, got, strict=True):
                    if e != g:
                        differences += 1
                        if differences <= args.show:
                            print(f"seed {seed}, {what}: {first_difference(e, g)}")
                counts.append(f"{len(expected)} {name}")
            print(f"seed {seed}: {', '.join(counts)} compared")
    print(f"{differences} differences from {args.baseline}")
    sys.exit(1 if differences else 0)


if __name__ == "__main__":
    main()
