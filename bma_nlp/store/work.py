"""The CPU-bound part of an ingest, for one file: read -> parse/merge -> repair -> classify -> tokenise.

Runs in worker processes under ``--jobs N`` (everything here is module-level and picklable);
the archive's main process is the only one that writes to the database.
"""

from __future__ import annotations

import signal
import time
from dataclasses import dataclass, field
from pathlib import Path

from bma_nlp.errors import BmaNlpError, ModelError, ParseError
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
    result = FileResult(path)
    clock = time.thread_time  # CPU seconds of this thread: comparable however busy the machine is
    t0 = clock()
    try:
        merged = merge_copies(copies_from(Path(path), max_bytes))
        t1 = clock()
        result.parse_seconds = t1 - t0
        reports = finish(merged, repair=repair, classify=classify)
        result.finish_seconds = clock() - t1
    except ModelError:
        raise  # not this file's fault: the whole ingest stops
    except BmaNlpError as exc:
        result.error = exc
        return result
    except Exception as exc:  # noqa: BLE001 - a bug on one odd file must not stop a long ingest
        result.error = ParseError(f"internal error: {type(exc).__name__}: {exc}", path)
        return result
    t2 = clock()
    result.reports = [index_report(r) for r in reports]
    result.tokenize_seconds = clock() - t2
    return result


def init_worker() -> None:
    """Worker process start: leave Ctrl-C to the main process, and load the tokeniser once."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    index_text("ทดสอบการตัดคำ")
