#!/usr/bin/env python3
"""Scanned reports read back: blind reports drawn on paper, OCR'd, parsed, scored against their truth.

    python3 scripts/bench_scans.py [--sets shared round5] [--jobs 2] [--keep DIR]

Each blind report (``N.txt`` with ``N.truth.json``: ``../shared/blind-reports`` and the frozen
rounds in ``tests/data/blind_round*``) is drawn on A4 pages at 300 dpi (``scan_pages.draw_pages``:
a TLWG font, size and degradation drawn from the report's own seed: clean, blur, speckle noise,
JPEG, skew) and saved as an image-only PDF, the kind of file a scanner makes. ``bma-nlp`` then
reads it as it reads any PDF (each page rendered by pdftoppm and read by Tesseract ``tha+eng``)
and ``score_blind.py`` scores header fields, installment fields and stages against the truth;
the same reports' text files are scored in the same run, as the peer: the gap is what scanning
and OCR cost. Also printed: OCR seconds per page.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import shutil
import sys
import tempfile
import time
from multiprocessing import Pool
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from scan_pages import DEGRADATIONS, draw_pages  # noqa: E402
from score_blind import blind_files, score_file, summarise  # noqa: E402

SETS = {"shared": ROOT.parent / "shared" / "blind-reports", **{p.name.replace("blind_", ""): p for p in sorted((ROOT / "tests" / "data").glob("blind_round*"))}}
FONTS = ("Garuda", "Loma", "Norasi", "Waree", "Kinnari")
SIZES = (36, 40, 44)


def scan(args: tuple[Path, Path]) -> tuple[str, int, str]:
    """Draw one report as an image-only PDF in ``out``; (name, pages, how it was drawn)."""
    source, out = args
    seed = int(hashlib.sha1(source.read_bytes()).hexdigest()[:8], 16)
    rng = random.Random(seed)
    font, size, degradation = rng.choice(FONTS), rng.choice(SIZES), DEGRADATIONS[seed % len(DEGRADATIONS)]
    from bma_nlp.text import read_text

    pages = draw_pages(read_text(source)[0], font, size, degradation, rng)  # blind files come in every encoding
    pages[0].save(out / f"{source.stem}.pdf", save_all=True, append_images=pages[1:], resolution=300)
    shutil.copy(source.with_name(source.stem + ".truth.json"), out / f"{source.stem}.truth.json")
    return source.name, len(pages), f"{font} {size}px {degradation}"


def score(path: Path) -> dict:  # type: ignore[type-arg]
    return score_file(path)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sets", nargs="+", default=["shared"], choices=sorted(SETS))
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--keep", type=Path, help="keep the scans here (default: a temporary folder)")
    args = ap.parse_args()
    print("| set | input | files | pages | header fields | installment fields | stages | reports right | seconds |")
    print("|---|---|---|---|---|---|---|---|---|")
    for name in args.sets:
        folder = SETS[name]
        texts = blind_files(folder)
        with tempfile.TemporaryDirectory() as tmp:
            out = args.keep / name if args.keep else Path(tmp)
            out.mkdir(parents=True, exist_ok=True)
            with Pool(args.jobs) as pool:
                drawn = pool.map(scan, [(t, out) for t in texts])
                pages = sum(n for _, n, _ in drawn)
                for inputs, label in ((texts, "text files (peer)"), (blind_files(out, "*.pdf"), "scanned PDFs")):
                    start = time.perf_counter()
                    rows = pool.map(score, inputs)
                    seconds = time.perf_counter() - start
                    s = summarise(rows)
                    cells = [f"{s[f'{k}_ok']}/{s[f'{k}_total']} ({s[f'{k}_ok'] / max(1, s[f'{k}_total']):.1%})" for k in ("header", "inst", "stage")]
                    print(f"| {name} | {label} | {len(rows)} | {pages if 'PDF' in label else '-'} | " + " | ".join(cells) + f" | {s['reports_right']}/{len(rows)} | {seconds:.0f} |", flush=True)
            if args.keep:
                (out / "drawn.json").write_text(json.dumps(drawn, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"\n(seconds: wall time with --jobs {args.jobs}; scanned: OCR of every page, then the same pipeline)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
