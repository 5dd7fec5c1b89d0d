"""The CPU-bound part of an ingest or a reprocess: read -> split into copies -> derive -> tokenise.

Runs in worker processes under ``--jobs N`` (everything here is module-level and picklable);
the archive's main process is the only one that writes to the database. Deriving records is
``bma_nlp.pipeline.derive``, the same function ``parse`` uses.
"""

from __future__ import annotations

import hashlib
import signal
import time
from dataclasses import dataclass, field

from bma_nlp.collector import paused
from bma_nlp.errors import BmaNlpError, ParseError
from bma_nlp.pipeline import CopyText, Derived, derive, split_text
from bma_nlp.records import Report
from bma_nlp.repair.evidence import Evidence, using_evidence
from bma_nlp.store.index import index_text
from bma_nlp.store.schema import pack_copy
from bma_nlp.text.read import decode_bytes, read_bytes


@dataclass
class IndexedReport:
    """A finished report plus the text its installments are indexed under."""

    report: Report
    header_tokens: str  # name and agency, tokenised (token index; one per installment)
    note_tokens: list[tuple[str, str]] = field(default_factory=list)  # per installment: (note, note_raw) tokens
    positions: list[int] = field(default_factory=list)  # ingest: places (in its file) of the copies it was derived from
    copy_ids: list[int] = field(default_factory=list)  # reprocess: stored ids of those copies


@dataclass
class PackedCopy:
    """A copy read from a file, as the archive stores it: its place in the file, its length
    and its text compressed (``schema.pack_copy``)."""

    position: int
    chars: int
    blob: bytes


@dataclass
class FileResult:
    path: str
    reports: list[IndexedReport] = field(default_factory=list)
    copies: list[PackedCopy] = field(default_factory=list)  # every copy read from the file, in order
    evidence: Evidence | None = None  # what the file's repaired notes teach repair (with repair on)
    encoding: str = ""
    sha256: str | None = None  # of the bytes that were parsed (the archive files them under it)
    size: int = 0
    error: BmaNlpError | None = None
    parse_seconds: float = 0.0  # read, normalise, split into copies, parse
    finish_seconds: float = 0.0  # merge, OCR repair and stage classification
    tokenize_seconds: float = 0.0


def header_text(report: Report) -> str:
    """The project name and agency, for the token index. (The trigram index of headers holds
    the narrative too, read from the report's row: ``store.schema``'s headers_trigram_source.)"""
    return " ".join(x for x in (report.project.name, report.project.agency) if x)


def index_report(report: Report) -> IndexedReport:
    # The token index holds a header beside every installment's note, so it gets the name and
    # agency only: the narrative (a report's longest text) repeated per installment was most of
    # the archive (4.3 KB of 8 KB an installment). It is indexed once per report, in
    # headers_trigram, which search also consults.
    item = IndexedReport(report, index_text(header_text(report)))
    for inst in report.installments:
        raw = index_text(inst.note_raw) if inst.note_raw and inst.note_raw != inst.note else ""
        item.note_tokens.append((index_text(inst.note or ""), raw))
    return item


def _classify(derived: list[Derived], classify: bool) -> None:
    from bma_nlp.classify import classify_reports

    if classify and derived:
        classify_reports([d.report for d in derived])  # ModelError stops the run


def process_file(path: str, max_bytes: int, repair: bool = True, classify: bool = True) -> FileResult:
    """Everything but the database write for one file. A bad file comes back as ``error``."""
    return process_files([path], max_bytes, repair, classify)[0]


def process_files(paths: list[str], max_bytes: int, repair: bool = True, classify: bool = True, evidence: Evidence | None = None) -> list[FileResult]:
    """``process_file`` for a chunk of files, classifying all their notes in one model call
    (a call costs milliseconds whatever its size). Each file still succeeds or fails alone.
    Each file's records are derived from its own copies; the writer re-derives a record when
    the archive already holds other copies of it."""
    # Without the cyclic collector: a chunk makes almost no cyclic garbage (about a thousand
    # objects in a 5,000-installment ingest), but its allocations triggered hundreds of
    # collections that rescanned the memos and records, 5% of the ingest's CPU.
    with paused():
        return _process_files(paths, max_bytes, repair, classify, evidence)


def _process_files(paths: list[str], max_bytes: int, repair: bool, classify: bool, evidence: Evidence | None) -> list[FileResult]:
    clock = time.thread_time  # CPU seconds of this thread: comparable however busy the machine is
    results: list[FileResult] = []
    finished: list[tuple[FileResult, list[Derived]]] = []
    for path in paths:
        result = FileResult(path)
        results.append(result)
        t0 = clock()
        try:
            data = read_bytes(path, max_bytes)  # hashed and parsed from the same bytes, read once
            result.sha256, result.size = hashlib.sha256(data).hexdigest(), len(data)
            text, encoding = decode_bytes(data, path)
            copies = split_text(text, path, encoding)  # parses each copy as it splits
            packed = [PackedCopy(c.position, len(c.text), pack_copy(c.text)) for c in copies]
            t1 = clock()
            result.parse_seconds = t1 - t0
            with using_evidence(evidence):  # the archive's repair evidence (None: the shipped one)
                derived = derive(copies, repair=repair, classify=False)
            result.finish_seconds = clock() - t1
        except BmaNlpError as exc:
            result.error = exc
            continue
        except Exception as exc:  # noqa: BLE001 - a bug on one odd file must not stop a long ingest
            result.error = ParseError(f"internal error: {type(exc).__name__}: {exc}", path)
            continue
        result.copies, result.encoding = packed, copies[0].encoding  # (a failed file sends nothing back)
        finished.append((result, derived))
    if classify and finished:
        t0 = clock()
        _classify([d for _, derived in finished for d in derived], classify)
        share = (clock() - t0) / sum(max(1, len(derived)) for _, derived in finished)
        for result, derived in finished:
            result.finish_seconds += share * max(1, len(derived))
    for result, derived in finished:
        t2 = clock()
        for d in derived:
            item = index_report(d.report)
            item.positions = [c.position for c in d.copies]
            result.reports.append(item)
        if repair:  # counted here, not by the single writer: the archive adds the counts up
            result.evidence = Evidence.from_texts("\n".join(i.note for i in item.report.installments) for item in result.reports)
        result.tokenize_seconds = clock() - t2
    return results


@dataclass
class StoredCopy:
    """A copy as the archive keeps it, with its id and the report it is filed under."""

    id: int
    report_key: str
    copy: CopyText


def derive_stored(
    copies: list[StoredCopy], repair: bool = True, classify: bool = True, evidence: Evidence | None = None
) -> tuple[list[IndexedReport], float]:
    """Records from stored copies (ordered by file and place), indexed; and the CPU seconds it took."""
    t0 = time.thread_time()
    ids = {id(s.copy): s.id for s in copies}
    with paused():
        with using_evidence(evidence):
            derived = derive([s.copy for s in copies], repair=repair, classify=False)
        _classify(derived, classify)
        items = []
        for d in derived:
            item = index_report(d.report)
            item.copy_ids = [ids[id(c)] for c in d.copies]
            items.append(item)
    return items, time.thread_time() - t0


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


PRELOAD_ENV = "BMA_NLP_PRELOAD"  # the steps bma_nlp.store.preload builds before the workers fork


def warm_up(repair: bool = True, classify: bool = True) -> None:
    """Build what the steps use (tokeniser dictionaries; repair lexicon; stage model) now, in
    the forkserver (``bma_nlp.store.preload``), so that the workers forked from it share them.
    (Long-lived tables, no cycles among them: built without the collector rescanning them.)"""
    with paused():
        import numpy  # noqa: F401 - reading a file-sized text uses it (bma_nlp.text.normalize): once here, not per worker

        from bma_nlp import tokenize

        tokenize.warm_up(engine="nlpo3")
        if repair:
            from bma_nlp.repair import load_lexicon

            load_lexicon()
        if classify:
            from bma_nlp.classify.model import load_model

            if not tokenize.has_nlpo3():  # the classifier's words come from nlpo3 (built above), else from newmm
                tokenize.warm_up(engine="newmm", units=(True,))
            load_model()


def init_worker() -> None:
    """Worker process start: die with the main process, leave Ctrl-C to it, load the tokeniser once."""
    die_with_parent()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    index_text("ทดสอบการตัดคำ")
