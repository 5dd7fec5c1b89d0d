#!/usr/bin/env python3
"""Make the scanned-report fixtures of ``tests/test_documents.py`` (run once; the files are committed).

    python3 scripts/make_scan_fixtures.py [--out tests/data]

- ``scan-page.png``: one page of a short BMA progress report in the form's tab layout (the
  ``tests/store_reports.report_text`` form, three installments), drawn in Garuda at 300 dpi
  (``scan_pages.draw_pages``: Pillow with libraqm), slightly blurred as a scanner leaves it;
- ``scan-page.pdf``: the same page as an image-only PDF (a scanned PDF: no text layer);
- ``sample-text-layer.pdf``: the real sample report (``tests/data/dusit-school-network-2566.txt``)
  printed to PDF by Chromium (a PDF with a text layer), when Chromium is installed.

The truth is the text the page was drawn from (``scan-page.truth.txt``), so a test can say what
OCR must recover without any string of it in the code.
"""

from __future__ import annotations

import argparse
import html
import random
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from scan_pages import draw_pages  # noqa: E402


def scan_text() -> str:
    from store_reports import report_text

    notes = ["อยู่ระหว่างจัดทำรายละเอียดโครงการเพื่อเสนอขออนุมัติ", "ประกาศประกวดราคาจ้างด้วยวิธีประกวดราคาอิเล็กทรอนิกส์", "ผู้รับจ้างเข้าดำเนินการตามสัญญา"]
    return report_text("50070000-0815", 2566, notes, name="ปรับปรุงทางเท้าถนนนครราชสีมา", agency="สำนักงานเขตดุสิต / ฝ่ายโยธา")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=ROOT / "tests" / "data")
    args = ap.parse_args()
    text = scan_text()
    (page,) = draw_pages(text, "Garuda", 40, "blur", random.Random(0))
    (args.out / "scan-page.truth.txt").write_text(text, encoding="utf-8")
    page.save(args.out / "scan-page.png", optimize=True)
    page.save(args.out / "scan-page.pdf", resolution=300)
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser:
        sample = (ROOT / "tests" / "data" / "dusit-school-network-2566.txt").read_text(encoding="utf-8")
        with tempfile.TemporaryDirectory() as tmp:
            page_html = Path(tmp) / "sample.html"
            page_html.write_text(
                '<!doctype html><html lang="th"><meta charset="utf-8"><style>body{font-family:Garuda,Loma,sans-serif;font-size:11pt}'
                f"pre{{white-space:pre-wrap;font-family:inherit}}</style><pre>{html.escape(sample)}</pre></html>",
                encoding="utf-8",
            )
            subprocess.run(
                [browser, "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
                 f"--print-to-pdf={args.out / 'sample-text-layer.pdf'}", page_html.as_uri()],
                check=True, capture_output=True, timeout=120,
            )  # fmt: skip
    for name in ("scan-page.png", "scan-page.pdf", "sample-text-layer.pdf"):
        path = args.out / name
        if path.exists():
            print(f"{path}: {path.stat().st_size:,} bytes")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
