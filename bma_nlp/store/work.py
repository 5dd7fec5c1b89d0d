"""The CPU-bound part of an ingest, for one file: read -> parse/merge -> repair -> classify -> tokenise.

Runs in worker processes under ``--jobs N`` (everything here is module-level and picklable);
the archive's main process is the only one that writes to the database.
"""

from __future__ import annotations

import signal
import time
from dataclasses import dataclass, field
from pathlib import Path

from bma_nlp.errors import BmaNlpError, ParseError
from bma_nlp.parse import merge_copies
from bma_nlp.pipeline import copies_from, finish
from bma_nlp.records import Report
from bma_nlp.store.index import index_text


@dataclass
class IndexedReport:
    """A finished report plus the text its installments are indexed under."""

    report: Report
    header: str  # project name and agency, as written (trigram index, display)
    header_tokens: str  # the same, tokenised (token index)
    note_tokens: list[tuple[str, str]] = field(default_factory=list)  # per installment: (note, note_raw) tokens


@dataclass
class FileResult:
    path: str
    reports: list[IndexedReport] = field(default_factory=list)
    error: BmaNlpError | None = None
    parse_seconds: float = 0.0  # read, normalise, parse, merge copies
    finish_seconds: float = 0.0  # OCR repair and stage classification
    tokenize_seconds: float = 0.0


def header_text(report: Report) -> str:
    return " ".join(x for x in (report.project.name, report.project.agency) if x)


def index_report(report: Report) -> IndexedReport:
    header = header_text(report)
    item = IndexedReport(report, header, index_text(header))
    for inst in report.installments:
        raw = index_text(inst.note_raw) if inst.note_raw and inst.note_raw != inst.note else ""
        item.note_tokens.append((index_text(inst.note or ""), raw))
    return item


def process_file(path: str, max_bytes: int, repair: bool = True, classify: bool = True) -> FileResult:
    """Everything but the database write for one file. A bad file comes back as ``error``."""
    return process_files([path], max_bytes, repair, classify)[0]


def process_files(paths: list[str], max_bytes: int, repair: bool = True, classify: bool = True) -> list[FileResult]:
    """``process_file`` for a chunk of files, classifying all their notes in one model call
    (a call costs milliseconds whatever its size). Each file still succeeds or fails alone."""
    from bma_nlp.classify import classify_reports

    clock = time.thread_time  # CPU seconds of this thread: comparable however busy the machine is
    results: list[FileResult] = []
    finished: list[tuple[FileResult, list[Report]]] = []
    for path in paths:
        result = FileResult(path)
        results.append(result)
        t0 = clock()
        try:
            merged = merge_copies(copies_from(Path(path), max_bytes))
            t1 = clock()
            result.parse_seconds = t1 - t0
            reports = finish(merged, repair=repair, classify=False)
            result.finish_seconds = clock() - t1
        except BmaNlpError as exc:
            result.error = exc
            continue
        except Exception as exc:  # noqa: BLE001 - a bug on one odd file must not stop a long ingest
            result.error = ParseError(f"internal error: {type(exc).__name__}: {exc}", path)
            continue
        finished.append((result, reports))
    if classify and finished:
        t0 = clock()
        classify_reports([r for _, reports in finished for r in reports])  # ModelError stops the ingest
        share = (clock() - t0) / sum(max(1, len(reports)) for _, reports in finished)
        for result, reports in finished:
            result.finish_seconds += share * max(1, len(reports))
    for result, reports in finished:
        t2 = clock()
        result.reports = [index_report(r) for r in reports]
        result.tokenize_seconds = clock() - t2
    return results


def die_with_parent() -> None:
    """Exit as soon as the process that started this one is gone, however it ended (SIGKILL
    included, which runs no cleanup): a thread waits on the parent's sentinel, a pipe that
    the operating system closes when the parent exits."""
    import multiprocessing
    import os
    import threading

    parent = multiprocessing.parent_process()
    if parent is None:
        return

    def watch() -> None:
        parent.join()
        os._exit(1)

    threading.Thread(target=watch, name="die-with-parent", daemon=True).start()


def init_worker() -> None:
    """Worker process start: die with the main process, leave Ctrl-C to it, load the tokeniser once."""
    die_with_parent()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    index_text("ทดสอบการตัดคำ")
