"""PDFs and scans as text: a PDF's text layer, and Tesseract OCR for scanned pages and images.

The archive is kept as text files, PDFs and scans. A PDF's text layer is read with poppler's
``pdftotext -raw`` (content order): on Thai it keeps the letters of a cluster together where
pdfium doubles them (``ครั้งรั้ที่``) and pdfminer splits them across lines, so more header fields
and installments parse. A page whose text layer holds almost no letters is a scan: it is
rendered (``pdftoppm``, 300 dpi, grey) and read by Tesseract; so is an image file (PNG, JPEG,
TIFF, GIF; every page of a multi-page TIFF). A speckled page (dust, a grainy scan, a fax) is
cleaned with a 3x3 median filter (Pillow) before OCR: Tesseract reads specks as letters and marks
that garble the words around them. A page is speckled when the filter changes more than
``SPECKLED_SHARE`` of its pixels by more than ``SPECK_CONTRAST`` levels: on the bench's pages
(``scripts/bench_scans.py``) speckled ones measured 6.6-6.8 per thousand, every other kind
(clean, blurred, JPEG, rescaled, rotated) 0.65 or less. A clean page is left as it is: the filter
rounds thin strokes enough to turn ``บาท`` into ``um``. A page reaches Tesseract with its
resolution, which sizes Tesseract's layout analysis. Tesseract reads Thai and English together
(``tha+eng``, Thai first): with Thai alone every English word (e-bidding, COVID) comes out as junk. Its output is the same kind of text as the
OCR'd text files of the archive, and goes through the same normalisation, parsing and repair.

The tools are programs, not Python packages (Debian: ``poppler-utils``, ``tesseract-ocr``,
``tesseract-ocr-tha``); a missing one is a one-line error naming the file and the package.
Each runs with one thread (``OMP_THREAD_LIMIT=1``): ``ingest --jobs`` already runs a file per core.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from bma_nlp.errors import InputError

OCR_LANGUAGES = "tha+eng"
OCR_DPI = 300
# A PDF page whose text layer holds fewer letters than this is taken for a scan and OCR'd.
MIN_PAGE_LETTERS = 20
SPECKLED_SHARE = 0.002
SPECK_CONTRAST = 96
TOOL_TIMEOUT = 600  # seconds for one tool run (one page of OCR takes a few)

_IMAGE_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"\xff\xd8\xff", "jpeg"),
    (b"II*\x00", "tiff"),
    (b"MM\x00*", "tiff"),
    (b"GIF87a", "gif"),
    (b"GIF89a", "gif"),
)
_LETTER = re.compile(r"[^\W\d_]")
_PACKAGES = {"pdftotext": "poppler-utils", "pdftoppm": "poppler-utils", "tesseract": "tesseract-ocr tesseract-ocr-tha"}


def document_kind(data: bytes) -> str | None:
    """``pdf``, an image format's name, or None for anything else (text), from the first bytes."""
    if data[:1024].lstrip(b"\x00\t\n\r ").startswith(b"%PDF-"):
        return "pdf"
    for magic, name in _IMAGE_MAGIC:
        if data.startswith(magic):
            return name
    return None


def document_text(data: bytes, kind: str, where: str) -> tuple[str, str]:
    """The text of a PDF or an image and how it was read (the record's ``encoding``)."""
    with tempfile.TemporaryDirectory(prefix="bma-nlp-") as folder:
        path = Path(folder) / f"input.{kind}"
        path.write_bytes(data)
        if kind == "pdf":
            return _pdf_text(path, where)
        return _ocr(path, where), f"OCR of a {kind} image (tesseract {OCR_LANGUAGES})"


def _pdf_text(path: Path, where: str) -> tuple[str, str]:
    out = _run(["pdftotext", "-raw", "-enc", "UTF-8", str(path), "-"], where, "not a readable PDF")
    pages = out.split("\f")
    if pages and not pages[-1].strip():
        pages.pop()  # pdftotext ends every page with a form feed
    scanned = [k for k, page in enumerate(pages) if len(_LETTER.findall(page)) < MIN_PAGE_LETTERS]
    for k in scanned:
        stem = path.parent / f"page{k + 1}"
        _run(["pdftoppm", "-f", str(k + 1), "-l", str(k + 1), "-r", str(OCR_DPI), "-gray", "-png", "-singlefile", str(path), str(stem)], where, "not a readable PDF")
        pages[k] = _ocr(stem.with_suffix(".png"), where)
    text = "\n".join(page.strip("\n") for page in pages)
    if not scanned:
        how = "PDF text layer (pdftotext)"
    elif len(scanned) == len(pages):
        how = f"PDF of scans: OCR of {len(pages)} page{'s' if len(pages) != 1 else ''} (tesseract {OCR_LANGUAGES})"
    else:
        how = f"PDF text layer (pdftotext), OCR of {len(scanned)} scanned page{'s' if len(scanned) != 1 else ''} of {len(pages)} (tesseract {OCR_LANGUAGES})"
    return text, how


def _ocr(image: Path, where: str) -> str:
    """The text of every page (frame) of an image file, each despeckled, then read by Tesseract."""
    _require("tesseract", where)  # the missing program named before any image work
    pages = []
    for k, (page, dpi) in enumerate(_despeckled_pages(image, where)):
        cleaned = image.with_name(f"{image.stem}-clean{k + 1}.png")
        page.save(cleaned, **({"dpi": dpi} if dpi else {}))  # Tesseract sizes its layout by the resolution: keep it
        pages.append(_run(["tesseract", str(cleaned), "stdout", "-l", OCR_LANGUAGES], where, "binary image file that Tesseract cannot read"))
    return "\n".join(page.strip("\n") for page in pages)


def _speckled(grey: Any) -> bool:
    """Whether the median filter changes more than ``SPECKLED_SHARE`` of the page's pixels by more
    than ``SPECK_CONTRAST``, judged on eight bands across the page (a quarter of it: the filter
    costs 0.65 CPU s on a whole A4 page at 300 dpi, and specks spread over all of it)."""
    import numpy as np
    from PIL import ImageFilter

    width, height = grey.size
    band = max(1, height // 32)
    changed = total = 0
    for k in range(8):
        top = k * height // 8
        strip = grey.crop((0, top, width, min(height, top + band)))
        before = np.asarray(strip, dtype=np.int16)
        after = np.asarray(strip.filter(ImageFilter.MedianFilter(3)), dtype=np.int16)
        changed += int((np.abs(before - after) > SPECK_CONTRAST).sum())
        total += before.size
    return changed > SPECKLED_SHARE * max(1, total)


def _despeckled_pages(image: Path, where: str) -> Iterator[tuple[Any, Any]]:
    """Each frame of ``image`` in grey, through a 3x3 median filter if it is speckled (module
    doc: why and when), with its resolution as the file gives it (None: Tesseract estimates it)."""
    from PIL import Image, ImageFilter, ImageSequence, UnidentifiedImageError

    try:
        with Image.open(image) as img:
            for frame in ImageSequence.Iterator(img):
                grey = frame.convert("L")
                yield (grey.filter(ImageFilter.MedianFilter(3)) if _speckled(grey) else grey), frame.info.get("dpi") or img.info.get("dpi")
    except Image.DecompressionBombError:
        raise InputError("image too large to read (more pixels than Pillow's safety limit)", where) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise InputError("binary image file whose image data cannot be read (broken or cut short)", where) from None


def _require(tool: str, where: str) -> None:
    if shutil.which(tool) is None:
        raise InputError(f"reading this file needs {tool}, which is not installed (Debian: apt-get install {_PACKAGES[tool]})", where)


def _run(command: list[str], where: str, unreadable: str) -> str:
    """A tool's standard output; every way it can fail is one InputError naming the file."""
    tool = command[0]
    _require(tool, where)
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    try:
        done = subprocess.run(command, capture_output=True, timeout=TOOL_TIMEOUT, env=env, check=False)
    except subprocess.TimeoutExpired:
        raise InputError(f"{tool} took more than {TOOL_TIMEOUT} s on this file; gave up", where) from None
    except OSError as exc:
        raise InputError(f"cannot run {tool} ({exc.strerror or exc})", where) from None
    stderr = done.stderr.decode("utf-8", "replace")
    if done.returncode != 0:
        if tool == "tesseract" and "tha" in stderr and ("Failed loading language" in stderr or "Error opening data file" in stderr):
            raise InputError(f"Tesseract has no Thai language data (Debian: apt-get install {_PACKAGES['tesseract']})", where)
        detail = " ".join(stderr.split())[:160] or f"exit code {done.returncode}"
        raise InputError(f"{unreadable} ({tool}: {detail})", where)
    return done.stdout.decode("utf-8", "replace")
