#!/usr/bin/env python3
"""Installments kept when OCR garbles the form's words: generated reports (``bma_nlp.synth``, one
copy, as ``bench_archive.py`` makes them) with a share of their Thai words damaged by the repair
benchmarks' OCR noise model (``scripts/ocr_noise.py``, the kinds Tesseract makes: marks lost,
look-alike letters, Latin read for Thai, a letter lost or doubled, a stray space or comma),
parsed by this checkout and by an earlier revision (``--baseline``) in the same run.

    python scripts/bench_parse_noise.py [--reports 400] [--rates 0.02 0.05 0.10] [--baseline REV]   # REV: default HEAD
    python scripts/bench_parse_noise.py --ocr-reports scripts/data/ocr_reports.jsonl   # real Tesseract output

Prints, per noise rate and version: installments found of those the generator wrote, and of those
found, the share whose date, progress and amount are exactly the generator's (repair and stage
classification off: what parsing alone keeps). With ``--ocr-reports`` (made by
``make_ocr_reports.py``: every line of generated reports rendered and read back by Tesseract) the
same for those reports as OCR read them, beside their clean text, and the share of reports whose
code and fiscal year read exactly.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

from revision_tree import importing_from, unpack_package, worker_result

HERE = Path(__file__).resolve().parent

WORKER = r"""
import json, sys
from bma_nlp.parse import parse_text
texts = json.load(open(sys.argv[1], encoding="utf-8"))
out = []
for text in texts:
    reports = parse_text(text)
    out.append({"installments": [[i.disbursement_no, i.date, i.progress_pct, i.disbursed_baht] for r in reports for i in r.installments],
                "projects": [[r.project.code, r.project.fiscal_year] for r in reports]})
print(json.dumps(out))
"""


def make_inputs(reports: int, rate: float, seed: int) -> tuple[list[str], list[list[list[object]]]]:
    """``reports`` generated reports with about ``rate`` of their Thai words OCR-damaged, and the
    generator's installments (disbursement number, date, progress, amount) of each."""
    from ocr_noise import corrupt

    from bma_nlp.synth import generate_report

    rng = random.Random(seed)
    texts, truth = [], []
    for k in range(reports):
        text, expected = generate_report(random.Random(rng.getrandbits(64)), copies=1, noise=0.1)
        texts.append(corrupt(text, random.Random(seed * 100_003 + k), word_rate=rate) if rate else text)
        truth.append([[i["disbursement_no"], i["date"], i["progress_pct"], i["disbursed_baht"]] for i in expected["installments"]])
    return texts, truth


def score(truth: list[list[list[object]]], got: list[dict[str, list[list[object]]]]) -> tuple[int, int, int]:
    """(installments written, found by their disbursement number, found with every field exact)."""
    written = found = exact = 0
    for want, have in zip(truth, got, strict=True):
        by_no = {row[0]: row for row in have["installments"]}
        for row in want:
            written += 1
            if row[0] in by_no:
                found += 1
                exact += by_no[row[0]] == row
    return written, found, exact


def parsed_by(versions: tuple[tuple[str, dict[str, str]], ...], texts: list[str], worker: Path) -> Iterator[tuple[str, list[dict[str, list[list[object]]]]]]:
    """(version name, what it parsed of each text) for each version, each in a worker process."""
    data = worker.with_name("texts.json")
    data.write_text(json.dumps(texts, ensure_ascii=False), encoding="utf-8")
    for name, env in versions:
        yield name, worker_result([sys.executable, str(worker), str(data)], env)  # type: ignore[misc]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reports", type=int, default=400)
    ap.add_argument("--rates", type=float, nargs="+", default=[0.0, 0.02, 0.05, 0.10])
    ap.add_argument("--baseline", default="HEAD", help="the git revision parsed beside this checkout (default: the last commit)")
    ap.add_argument("--seed", type=int, default=5)
    ap.add_argument("--ocr-reports", type=Path, help="score these OCR'd reports (make_ocr_reports.py) instead of the noise model's")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp) / "baseline"
        base.mkdir()
        unpack_package(args.baseline, str(base))
        worker = Path(tmp) / "worker.py"
        worker.write_text(WORKER, encoding="utf-8")
        versions = ((f"baseline {args.baseline}", importing_from(str(base))), ("this checkout", importing_from(str(HERE.parent))))
        if args.ocr_reports:
            rows = [json.loads(x) for x in args.ocr_reports.read_text(encoding="utf-8").splitlines() if x.strip()]
            truth = [row["installments"] for row in rows]
            print(f"{len(rows)} reports from {args.ocr_reports}, every line read by Tesseract (tha+eng)\n")
            print("| text | version | installments found | lost | found with date, progress and amount exact | code and fiscal year exact |")
            print("|---|---|---|---|---|---|")
            for which in ("clean", "ocr"):
                for name, got in parsed_by(versions, [row[which] for row in rows], worker):
                    written, found, exact = score(truth, got)
                    ids = sum([row["project"]["code"], row["project"]["fiscal_year"]] in g["projects"] for row, g in zip(rows, got, strict=True))
                    print(f"| {which} | {name} | {found:,} of {written:,} ({found / written:.2%}) | {written - found:,} | {exact / max(found, 1):.2%} | {ids} of {len(rows)} |")
            return 0
        print("| OCR-damaged share of Thai words | version | installments found | lost | found with date, progress and amount exact |")
        print("|---|---|---|---|---|")
        for rate in args.rates:
            texts, truth = make_inputs(args.reports, rate, args.seed)
            for name, got in parsed_by(versions, texts, worker):
                written, found, exact = score(truth, got)
                print(f"| {rate:.0%} | {name} | {found:,} of {written:,} ({found / written:.2%}) | {written - found:,} | {exact / max(found, 1):.2%} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
