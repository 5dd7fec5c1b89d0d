"""Pages of a report as a scanner sees them: the text drawn on A4 pages at 300 dpi in a Thai font
(Pillow with libraqm, so marks are shaped), long rows wrapped as on paper, then degraded as the
real OCR pairs' lines are (``make_ocr_pairs.degrade``).

Used by ``make_scan_fixtures.py`` (the committed test scans) and ``bench_scans.py`` (whole
blind reports scanned and read back). Needs Pillow built with raqm and Debian's TLWG fonts.
"""

from __future__ import annotations

import random
import re
import sys

from make_ocr_pairs import FONT_DIR, degrade  # one degradation model for lines and pages

WIDTH, HEIGHT, MARGIN = 2480, 3508, 150  # A4 at 300 dpi
WRAP = 64  # characters a row holds at the sizes below before it wraps


_SEPARATOR_ROW = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")


def printed(text: str) -> str:
    """What a printed page of an OCR export shows: Markdown's marks gone (``#`` headings, ``**``
    bold, ``\\`` escapes, a table's ``| --- |`` rule), a table row's cells side by side, as a
    borderless table prints (the archive's text files are such exports; the paper had none)."""
    lines = []
    for line in text.splitlines():
        if _SEPARATOR_ROW.match(line):
            continue
        line = re.sub(r"^\s*#+\s*", "", line).replace("**", "").replace("\\", "")
        if line.strip().startswith("|"):
            line = "    ".join(cell.strip() for cell in line.strip().strip("|").split("|"))
        lines.append(line)
    return "\n".join(lines)


def wrap(text: str, width: int = WRAP) -> list[str]:
    """The text's lines, each long one cut at a space before ``width`` (or at ``width``)."""
    lines = []
    for line in text.replace("\t", "    ").splitlines():
        while len(line) > width:
            cut = line.rfind(" ", 0, width)
            cut = cut if cut > width // 3 else width
            lines.append(line[:cut])
            line = line[cut:].lstrip()
        lines.append(line)
    return lines


def draw_pages(text: str, font: str = "Garuda", size: int = 40, degradation: str = "blur", rng: random.Random | None = None) -> list:  # type: ignore[type-arg]
    """Grey page images of ``text`` (as many pages as it fills), each degraded the same way."""
    from PIL import Image, ImageDraw, ImageFont, features

    if not features.check("raqm"):
        sys.exit("scan_pages: Pillow has no raqm (complex text layout); Thai would be drawn wrongly")
    rng = rng or random.Random(0)
    face = ImageFont.truetype(str(FONT_DIR / f"{font}.ttf"), size, layout_engine=ImageFont.Layout.RAQM)
    step = int(size * 1.9)
    per_page = (HEIGHT - 2 * MARGIN) // step
    lines = wrap(text)
    pages = []
    for start in range(0, max(1, len(lines)), per_page):
        page = Image.new("L", (WIDTH, HEIGHT), 255)
        pen = ImageDraw.Draw(page)
        for k, line in enumerate(lines[start : start + per_page]):
            pen.text((MARGIN, MARGIN + k * step), line, font=face, fill=0)
        pages.append(degrade(page, degradation, rng))
    return pages
