#!/usr/bin/env python3
"""Scanned reports read back: blind reports drawn on paper, OCR'd, parsed, scored against their truth.

    python3 scripts/bench_scans.py [--sets shared round5] [--jobs 2] [--keep DIR [--reuse-ocr]]

Each blind report (``N.txt`` with ``N.truth.json``: ``../shared/blind-reports`` and the frozen
rounds in ``tests/data/blind_round*``), as it would print (``scan_pages.printed``: no Markdown
marks, table cells side by side), is drawn on A4 pages at 300 dpi (``scan_pages.draw_pages``:
a TLWG font, size and degradation drawn from the report's own seed, among the real OCR pairs'
ones: clean, blur, noise, JPEG, rescale, rotate) and saved as an image-only PDF, the kind of file a scanner makes. ``bma-nlp`` then
reads it as it reads any PDF (each page rendered by pdftoppm and read by Tesseract ``tha+eng``)
and ``score_blind.py`` scores header fields, installment fields and stages against the truth;
in the same run, as the peers, the same reports' text files and the pages' lines as drawn (the
text as printed, long rows wrapped as on paper; no OCR): the gap between the first two is what
the printed page's layout costs, between the last two what scanning and OCR cost.
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

from make_ocr_pairs import DEGRADATIONS, FONTS  # noqa: E402  (the real OCR pairs' fonts and degradations)
from scan_pages import draw_pages, printed, wrap  # noqa: E402
from score_blind import blind_files, score_file, summarise  # noqa: E402

SETS = {"shared": ROOT.parent / "shared" / "blind-reports", **{p.name.replace("blind_", ""): p for p in sorted((ROOT / "tests" / "data").glob("blind_round*"))}}
SIZES = (36, 40, 44)


def scan(args: tuple[Path, Path]) -> tuple[str, int, str]:
    """Draw one report as an image-only PDF in ``out`` (and its printed text in ``out/printed``);
    (name, pages, how it was drawn)."""
    from bma_nlp.text import read_text

    source, out = args
    seed = int(hashlib.sha1(source.read_bytes()).hexdigest()[:8], 16)
    rng = random.Random(seed)
    font, size, degradation = rng.choice(FONTS), rng.choice(SIZES), DEGRADATIONS[seed % len(DEGRADATIONS)]
    page_text = printed(read_text(source)[0])  # blind files come in every encoding
    pages = draw_pages(page_text, font, size, degradation, rng)
    pages[0].save(out / f"{source.stem}.pdf", save_all=True, append_images=pages[1:], resolution=300)
    (out / "printed" / source.name).write_text("\n".join(wrap(page_text)), encoding="utf-8")  # the lines as on paper
    for folder in (out, out / "printed"):
        shutil.copy(source.with_name(source.stem + ".truth.json"), folder / f"{source.stem}.truth.json")
    return source.name, len(pages), f"{font} {size}px {degradation}"


def read_scan(pdf: Path) -> float:
    """OCR one scanned PDF as ``bma-nlp`` reads it; its text goes to ``ocr/N.txt`` beside the
    truth (scored as a text file: the same records, and ``--keep`` leaves what OCR read). Seconds."""
    from bma_nlp.text import read_text

    start = time.perf_counter()
    text, _ = read_text(pdf)
    (pdf.parent / "ocr" / f"{pdf.stem}.txt").write_text(text, encoding="utf-8")
    shutil.copy(pdf.with_name(pdf.stem + ".truth.json"), pdf.parent / "ocr" / f"{pdf.stem}.truth.json")
    return time.perf_counter() - start


def add_by_degradation(totals: dict[str, list[int]], rows: list[dict], drawn: list[tuple[str, int, str]]) -> None:
    """Add the scanned reports' scores to ``totals`` under their page degradation: reports,
    then ok and total of header fields, installment fields and stages."""
    how = {Path(name).stem: what.split()[-1] for name, _, what in drawn}
    for row in rows:
        t = totals.setdefault(how[Path(row["file"]).stem], [0] * 7)
        t[0] += 1
        for k, key in enumerate(("header", "inst", "stage")):
            t[1 + 2 * k] += row[f"{key}_ok"]
            t[2 + 2 * k] += row[f"{key}_total"]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sets", nargs="+", default=["shared"], choices=sorted(SETS))
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--keep", type=Path, help="keep the scans here (default: a temporary folder)")
    ap.add_argument("--reuse-ocr", action="store_true", help="with --keep: score the text OCR read there before (the same pages: they are drawn from each report's seed) instead of reading them again; a parser change needs no new OCR")
    args = ap.parse_args()
    print("| set | input | files | pages | header fields | installment fields | stages | reports right | seconds |")
    print("|---|---|---|---|---|---|---|---|---|")
    by_degradation: dict[str, list[int]] = {}
    for name in args.sets:
        folder = SETS[name]
        texts = blind_files(folder)
        with tempfile.TemporaryDirectory() as tmp:
            out = args.keep / name if args.keep else Path(tmp)
            for sub in ("printed", "ocr"):
                (out / sub).mkdir(parents=True, exist_ok=True)
            with Pool(args.jobs) as pool:
                drawn = pool.map(scan, [(t, out) for t in texts])
                pages = sum(n for _, n, _ in drawn)
                pdfs = sorted(out.glob("*.pdf"))
                if args.reuse_ocr and args.keep and all((out / "ocr" / f"{pdf.stem}.txt").is_file() for pdf in pdfs):
                    ocr_seconds = float("nan")  # not measured in this run
                else:
                    ocr_seconds = sum(pool.map(read_scan, pdfs))
                runs = ((texts, "text files (peer)", False), (blind_files(out / "printed"), "the pages' text, not OCR'd (peer)", False), (blind_files(out / "ocr"), "scanned PDFs, OCR'd", True))
                for inputs, label, scanned in runs:
                    start = time.perf_counter()
                    rows = pool.map(score_file, inputs)
                    if scanned:
                        add_by_degradation(by_degradation, rows, drawn)
                    seconds = time.perf_counter() - start
                    s = summarise(rows)
                    cells = [f"{s[f'{k}_ok']}/{s[f'{k}_total']} ({s[f'{k}_ok'] / max(1, s[f'{k}_total']):.1%})" for k in ("header", "inst", "stage")]
                    seconds += ocr_seconds / args.jobs if scanned and ocr_seconds == ocr_seconds else 0.0
                    print(f"| {name} | {label} | {len(rows)} | {pages if scanned else '-'} | " + " | ".join(cells) + f" | {s['reports_right']}/{len(rows)} | {seconds:.0f} |", flush=True)
                per_page = f"{ocr_seconds / pages:.1f}" if ocr_seconds == ocr_seconds else "not measured (--reuse-ocr)"
                print(f"| {name} | OCR, seconds per page (one process) | | {pages} | | | | | {per_page} |")
            if args.keep:
                (out / "drawn.json").write_text(json.dumps(drawn, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"\n(seconds: wall time with --jobs {args.jobs}; scanned: OCR of every page (pdftoppm + tesseract, one thread each), then the same pipeline)")
    print("\nScanned PDFs by degradation, all sets:\n\n| degradation | reports | header fields | installment fields | stages |\n|---|---|---|---|---|")
    for degradation, (n, *counts) in sorted(by_degradation.items(), key=lambda kv: -kv[1][3] / max(1, kv[1][4])):
        cells = [f"{ok}/{total} ({ok / max(1, total):.1%})" for ok, total in zip(counts[::2], counts[1::2], strict=True)]
        print(f"| {degradation} | {n} | " + " | ".join(cells) + " |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
