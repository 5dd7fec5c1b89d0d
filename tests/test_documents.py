"""PDFs and scans: a PDF's text layer, OCR of scanned pages and images, and their errors.

Fixtures (``scripts/make_scan_fixtures.py``): a one-page report drawn from ``scan-page.truth.txt``
as a PNG scan and as an image-only PDF, and the real sample printed to a PDF with a text layer.
The OCR tests need Tesseract with Thai and poppler (``.ci/run`` installs them) and are skipped
without them.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import SAMPLE
from rapidfuzz import fuzz

import bma_nlp
from bma_nlp import Archive
from bma_nlp.errors import InputError
from bma_nlp.text import decode_bytes, documents
from bma_nlp.text.documents import document_kind

DATA = Path(__file__).parent / "data"
SCAN_PNG, SCAN_PDF, TEXT_PDF = DATA / "scan-page.png", DATA / "scan-page.pdf", DATA / "sample-text-layer.pdf"
TRUTH = DATA / "scan-page.truth.txt"

needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
needs_ocr = pytest.mark.skipif(
    shutil.which("tesseract") is None or shutil.which("pdftoppm") is None, reason="tesseract-ocr(-tha) or poppler-utils not installed"
)

HEADER = ("name", "code", "fiscal_year", "start_date", "end_date", "budget_received", "budget_used", "agency")


def rows(report: bma_nlp.Report) -> list[tuple[object, ...]]:
    return [(i.number, i.date, i.progress_pct, i.disbursed_baht, i.disbursement_no, i.on_plan, i.on_target) for i in report.installments]


def test_kinds_come_from_the_bytes_not_the_name():
    assert document_kind(SCAN_PNG.read_bytes()) == "png" and document_kind(SCAN_PDF.read_bytes()) == "pdf"
    assert document_kind(b"\xff\xd8\xff\xe0\x00\x10JFIF") == "jpeg" and document_kind(b"II*\x00\x08") == "tiff"
    assert document_kind(SAMPLE.read_bytes()) is None and document_kind("BMA รายงาน".encode()) is None


@needs_ocr
@pytest.mark.parametrize("scan", [SCAN_PNG, SCAN_PDF], ids=["png", "image-only pdf"])
def test_a_scan_reads_like_its_text(scan):
    """OCR of the page gives the record the page was drawn from: every header field and every
    installment's date, progress, amount, ordinal and plan/target marks; the notes' words nearly."""
    truth = bma_nlp.parse_text(TRUTH.read_text(encoding="utf-8"), classify=False)
    (report,) = bma_nlp.parse_reports(scan, classify=False)
    assert "tesseract tha+eng" in report.encoding and ("PDF of scans" in report.encoding) == (scan.suffix == ".pdf")
    assert {f: getattr(report.project, f) for f in HEADER} == {f: getattr(truth.project, f) for f in HEADER}
    assert rows(report) == rows(truth) and len(rows(truth)) == 3
    # the words: near the truth (the image-only PDF holds a JPEG of the page: a letter or two goes astray)
    assert all(fuzz.ratio(a.note, b.note) >= 85 for a, b in zip(report.installments, truth.installments, strict=True))


def speckle(source: Path, out: Path, seed: int = 0) -> Path:
    """``source`` as a grainy scan leaves it: a fortieth of the pixels inverted or set at random,
    then a slight blur (the noise of ``scripts/make_ocr_pairs.degrade``)."""
    import numpy as np
    from PIL import Image, ImageFilter

    rng = np.random.default_rng(seed)
    px = np.asarray(Image.open(source).convert("L")).copy()
    flat = px.reshape(-1)
    spots = rng.choice(flat.size, flat.size // 40, replace=False)
    invert = rng.random(spots.size) < 0.5
    flat[spots[invert]] = 255 - flat[spots[invert]]
    flat[spots[~invert]] = rng.integers(0, 256, (~invert).sum())
    Image.fromarray(px).filter(ImageFilter.GaussianBlur(0.4)).save(out)
    return out


@needs_ocr
def test_a_clean_page_goes_to_tesseract_as_it_is_with_its_resolution(tmp_path, monkeypatch):
    """A page that is not speckled goes to Tesseract unchanged, with its resolution: Tesseract
    sizes its layout analysis by it (without it, it guesses, 270 dpi on the bench's pages, and
    reads them otherwise)."""
    from PIL import Image

    page = tmp_path / "page.png"
    Image.open(SCAN_PNG).save(page, dpi=(300, 300))
    seen = []
    run = documents._run

    def spy(command, where, unreadable):
        if command[0] == "tesseract":
            with Image.open(command[1]) as img:
                seen.append((img.info.get("dpi"), img.tobytes() == Image.open(page).convert("L").tobytes()))
        return run(command, where, unreadable)

    monkeypatch.setattr(documents, "_run", spy)
    decode_bytes(page.read_bytes(), "page.png")
    assert len(seen) == 1 and seen[0][1] and seen[0][0] is not None and round(seen[0][0][0]) == 300


@needs_ocr
def test_a_speckled_scan_is_cleaned_before_ocr(tmp_path, monkeypatch):
    """Specks read as letters garble the fields around them; the page is despeckled first, and
    reads as the clean page does. Without the filter the same page loses fields."""
    page = speckle(SCAN_PNG, tmp_path / "speckled.png")
    truth = bma_nlp.parse_text(TRUTH.read_text(encoding="utf-8"), classify=False)
    (report,) = bma_nlp.parse_reports(page, classify=False)
    assert {f: getattr(report.project, f) for f in HEADER} == {f: getattr(truth.project, f) for f in HEADER}
    assert rows(report) == rows(truth)
    monkeypatch.setattr(documents, "SPECKLED_SHARE", 1.0)  # never speckled: read as it is
    (unfiltered,) = bma_nlp.parse_reports(page, classify=False)
    header_right = sum(getattr(unfiltered.project, f) == getattr(truth.project, f) for f in HEADER)
    assert header_right < len(HEADER) or rows(unfiltered) != rows(truth)


@needs_poppler
def test_a_pdf_text_layer_reads_like_the_text_file():
    (text, how) = decode_bytes(TEXT_PDF.read_bytes(), "sample.pdf")
    assert how == "PDF text layer (pdftotext)" and "แบบแสดงรายงานความก้าวหน้า" in text
    truth = bma_nlp.parse_report(SAMPLE, classify=False)
    report = bma_nlp.parse_report(TEXT_PDF, classify=False)
    assert {f: getattr(report.project, f) for f in HEADER} == {f: getattr(truth.project, f) for f in HEADER}
    assert report.copies == truth.copies and [i.number for i in report.installments] == [i.number for i in truth.installments]
    exact = sum(a == b for a, b in zip(rows(report), rows(truth), strict=True))
    assert exact >= 8  # the browser's PDF wraps long rows: two rows' marks lose their line (measured: 8 of 10)


@needs_ocr
def test_ingest_stores_scans_and_pdfs_found_in_folders(tmp_path):
    folder = tmp_path / "scans"
    folder.mkdir()
    for path in (SCAN_PNG, TEXT_PDF):
        shutil.copy(path, folder / path.name.upper())  # upper-case extensions are found too
    with Archive(tmp_path / "a.db") as archive:
        result = archive.ingest([folder], classify=False)
        assert (result.files_ingested, result.files_failed) == (2, 0)
        codes = {r.project.code: r.encoding for r in archive.reports()}
        assert set(codes) == {"50070000-0815", "50070000-3437"} and "OCR" in codes["50070000-0815"]
        assert archive.search("ประกวดราคา", code="50070000-0815")  # what OCR read is searchable
        assert archive.reprocess(every=True, classify=False).failed == 0  # derived again from the stored text, no OCR


def test_missing_tools_are_one_line_errors(monkeypatch):
    monkeypatch.setattr(documents.shutil, "which", lambda tool: None)
    for path, package in ((SCAN_PNG, "tesseract-ocr-tha"), (TEXT_PDF, "poppler-utils")):
        with pytest.raises(InputError) as info:
            decode_bytes(path.read_bytes(), path.name)
        message = str(info.value)
        assert message.startswith(f"{path.name}: reading this file needs ") and package in message and "\n" not in message


@needs_ocr
@pytest.mark.parametrize(
    "data, message",
    [(b"%PDF-1.4\n%garbage, no objects\n", "not a readable PDF"), (b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, "binary image file whose image data cannot be read")],
)
def test_broken_documents_are_one_line_errors(data, message):
    with pytest.raises(InputError) as info:
        decode_bytes(data, "bad.pdf")
    text = str(info.value)
    assert text.startswith("bad.pdf: ") and message in text and "\n" not in text


@needs_ocr
def test_parse_command_reads_a_scan(tmp_path):
    from bma_nlp.cli import main

    result = CliRunner().invoke(main, ["parse", str(SCAN_PNG), "--format", "jsonl", "--no-classify"])
    assert result.exit_code == 0, result.output
    assert '"code": "50070000-0815"' in result.stdout and "tesseract" in result.stdout
