#!/usr/bin/env python3
"""Reports that went through real OCR: generated reports (``bma_nlp.synth``, clean, one copy,
every layout) with each of their lines rendered in a Thai font, degraded and read back with
Tesseract, as ``make_ocr_pairs.py`` does for prose lines (a line at a time: the page's layout is
the generator's, its text is what Tesseract read). Writes one JSON object per report: the clean
text, the OCR'd text and the generator's installments and project, for
``bench_parse_noise.py --ocr-reports``.

    nice -n 19 python scripts/make_ocr_reports.py [--reports 60] [--jobs 2] [--out scripts/data/ocr_reports.jsonl]

Needs Tesseract 5 with Thai and Pillow with raqm (see ``make_ocr_pairs.py``); tests and CI never
run it. Each line gets one rendering (font, size and degradation drawn from the line's own seed,
over the same choices as the prose pairs).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import sys
import tempfile
from multiprocessing import Pool
from pathlib import Path

from make_ocr_pairs import DEGRADATIONS, FONTS, SIZES, ocr, render

DATA = Path(__file__).parent / "data"


def _read_line(line: str) -> str:
    """One line as Tesseract reads it from one rendering (a blank line stays blank)."""
    if not line.strip():
        return line
    seed = int(hashlib.sha1(line.encode()).hexdigest()[:8], 16)
    rng = random.Random(seed)
    font, size, deg = rng.choice(FONTS), rng.choice(SIZES), DEGRADATIONS[seed % len(DEGRADATIONS)]
    with tempfile.TemporaryDirectory() as tmp:
        return ocr(render(line.replace("\t", "    "), font, size, deg, rng), tmp)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reports", type=int, default=60)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--seed", type=int, default=2569)
    ap.add_argument("--out", type=Path, default=DATA / "ocr_reports.jsonl")
    args = ap.parse_args()
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from bma_nlp.synth import generate_report

    rng = random.Random(args.seed)
    with args.out.open("w", encoding="utf-8") as fh, Pool(args.jobs) as pool:
        for k in range(args.reports):
            text, expected = generate_report(random.Random(rng.getrandbits(64)), copies=1, noise=0.0)
            lines = text.split("\n")
            lines = pool.map(_read_line, lines)
            truth = [[i["disbursement_no"], i["date"], i["progress_pct"], i["disbursed_baht"]] for i in expected["installments"]]
            project = {key: expected["project"].get(key) for key in ("code", "fiscal_year", "name")}
            fh.write(json.dumps({"id": k, "clean": text, "ocr": "\n".join(lines), "installments": truth, "project": project}, ensure_ascii=False) + "\n")
            fh.flush()
            print(f"report {k + 1}/{args.reports}: {len(lines)} lines read", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
