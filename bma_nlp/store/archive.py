"""``Archive``: a searchable SQLite archive of report copies and the records derived from them.

Copies are the source of truth: ingest stores every report copy a file holds and derives
each record (project code + fiscal year) from all its stored copies with
``bma_nlp.pipeline.derive``, the function ``parse`` uses (the CPU-bound part runs per file in
``bma_nlp.store.work``; a record that already had copies from other files is derived again
from all of them). Each file is one unit (a savepoint inside a transaction committed every
few dozen files, see ``_Batch``), so a crash or Ctrl-C never leaves half a report behind.
Files are identified by the sha256 of their content (the same file twice is skipped).
``reprocess`` derives records again from the stored copies after a pipeline change; people's
corrections (``bma_nlp.store.corrections``) are applied on top of every derivation.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import functools
import hashlib
import json
import os
import sqlite3
import sys
import time
from collections.abc import Callable, Generator, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from fnmatch import fnmatch
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bma_nlp.errors import ArchiveError, BmaNlpError, InputError, ModelError, ParseError
from bma_nlp.export import FORMATS, render
from bma_nlp.records import Installment, Report
from bma_nlp.revision import pipeline_version
from bma_nlp.store import DEFAULT_DB, DEFAULT_PATTERNS  # defined in the package: the CLI reads them without importing this module
from bma_nlp.store import browse as _browse
from bma_nlp.store import query as _query
from bma_nlp.store.corrections import Correction, apply_corrections
from bma_nlp.store.corrections import report_key as correction_key
from bma_nlp.store.index import facets, header_facets
from bma_nlp.store.query import Filters, Hit
from bma_nlp.store.schema import (
    IN_VALUES,
    INSTALLMENT_COLUMNS,
    PROJECT_COLUMNS,
    connect,
    pack_extra,
    stored_note_raw,
    unpack_copy,
    values_param,
    writer_settings,
)
from bma_nlp.text.read import DEFAULT_MAX_BYTES, read_bytes

if TYPE_CHECKING:  # the pipeline (parser, repair, classifier) is imported by what runs it, not by a search
    from concurrent.futures import Future

    from bma_nlp.pipeline import CopyText
    from bma_nlp.repair.evidence import Evidence
    from bma_nlp.store.work import FileResult, IndexedReport, StoredCopy


def _read_evidence(con: sqlite3.Connection) -> Evidence | None:
    """Repair's archive evidence (imported here, not at module level: a search never loads repair)."""
    from bma_nlp.repair.evidence import read_evidence

    return read_evidence(con)


PathLike = str | os.PathLike[str]


@dataclass
class IngestResult:
    """What one ``Archive.ingest`` call did."""

    files_seen: int = 0  # paths named or found (an empty folder counts, as a failure)
    files_ingested: int = 0
    files_skipped: int = 0  # already in the archive (same content), or twice in this run
    files_failed: int = 0
    reports: int = 0  # reports stored (new, or derived again with the new copies)
    replaced: int = 0  # of which were already in the archive
    installments: int = 0
    bytes: int = 0  # size of the files ingested
    errors: list[BmaNlpError] = field(default_factory=list)
    # CPU seconds (of the thread doing it) per step, summed over worker processes: parse (read, normalise, parse, merge
    # copies), repair_classify, tokenize (for the index), write (the main process's database
    # work); and total, the wall-clock time of the whole call.
    timings: dict[str, float] = field(default_factory=lambda: dict.fromkeys(("parse", "repair_classify", "tokenize", "write", "total"), 0.0))

    def summary(self) -> str:
        def n(k: int, word: str) -> str:
            return f"{k} {word}{'' if k == 1 else 's'}"

        text = (
            f"{n(self.files_seen, 'file')}: {self.files_ingested} ingested, {self.files_skipped} already in the archive, "
            f"{self.files_failed} failed; stored {n(self.reports, 'report')} ({self.replaced} already stored, derived again with the new copies), "
            f"{n(self.installments, 'installment')}"
        )
        return text


@dataclass
class ReprocessResult:
    """What one ``Archive.reprocess`` call did."""

    reports: int = 0  # reports derived again
    up_to_date: int = 0  # selected, but already derived by this pipeline version
    no_copies: int = 0  # schema-1 reports whose copies are not stored and whose file is gone or changed
    chars: int = 0  # characters of copy text derived
    failed: int = 0  # reports the pipeline could not derive from their copies (kept as they were)
    errors: list[BmaNlpError] = field(default_factory=list)
    # CPU seconds: derive (parse, merge, repair, classify, tokenise), write; total: wall-clock.
    timings: dict[str, float] = field(default_factory=lambda: dict.fromkeys(("derive", "write", "total"), 0.0))

    def summary(self) -> str:
        text = f"re-derived {self.reports} report{'' if self.reports == 1 else 's'} from their stored copies; {self.up_to_date} already up to date"
        if self.no_copies:
            text += f"; {self.no_copies} without stored copies (ingest their files again to store them)"
        if self.failed:
            text += f"; {self.failed} failed (kept as they were)"
        return text


def _correction(row: sqlite3.Row) -> Correction:
    return Correction(
        row["code"], row["fiscal_year"], row["kind"], row["field"], json.loads(row["new"]) if row["new"] is not None else None,
        old=json.loads(row["old"]) if row["old"] is not None else None, who=row["who"], why=row["why"], at=row["at"], id=row["id"],
        withdrawn_at=row["withdrawn_at"], occurrence=row["occurrence"],
    )  # fmt: skip


def _identity(c: Correction) -> tuple[Any, ...]:
    return (c.report_key, c.kind, c.field, json.dumps(c.old, ensure_ascii=False), json.dumps(c.new, ensure_ascii=False), c.who, c.at)


def _settled(
    keys: list[str], stored: list[StoredCopy], fut: Future[tuple[list[IndexedReport], float]]
) -> tuple[list[str], list[StoredCopy], list[IndexedReport] | None, float]:
    from concurrent.futures.process import BrokenProcessPool

    try:
        return (keys, stored, *fut.result())
    except (ModelError, BrokenProcessPool):
        raise
    except Exception:  # noqa: BLE001 - the caller derives this chunk again report by report
        return keys, stored, None, 0.0


def _split_key(key: str) -> tuple[str | None, int | None]:
    code, _, year = key.partition("|")
    return code, int(year) if year else None


@dataclass
class _Task:
    path: str
    sha256: str | None = None
    size: int = 0
    skip: bool = False
    supersede: bool = False


@dataclass
class _Batch:
    """Files written since the last COMMIT. Each file is its own savepoint inside one
    transaction, committed every COMMIT_FILES files or COMMIT_SECONDS: FTS5 flushes and merges
    its index at every commit, so one commit per file would make writing twice as slow. A
    reader sees new files within about a second; a killed process loses at most that much
    work, never part of a file. (With worker processes the writer also commits when it would
    wait for them past the batch's second: ``Archive._run``.)

    ``index``: the full-text index rows of the files in the batch, inserted just before the COMMIT
    (``Archive._commit``), in the same transaction. FTS5 writes what it holds in memory as a new
    index segment at every SAVEPOINT, so rows inserted inside each file's savepoint made one
    segment per file and index, which FTS5 then spent most of a commit merging. Keyed by (index,
    rowid); a file rolled back takes its rows out again (``Archive._unit``)."""

    # The second bounds the batch (a million installments are about 200 files a second); fewer,
    # larger commits cost FTS5 less flushing and merging (100k: 615 commits took 20.5 CPU s, 161 16.2).
    COMMIT_FILES = 200
    COMMIT_SECONDS = 1.0

    files: int = 0
    started: float = 0.0
    counts: list[int] = field(default_factory=lambda: [0] * 5)
    index: dict[tuple[str, int], tuple[str, tuple[Any, ...]]] = field(default_factory=dict)
    evidence: Evidence | None = None  # the stored files' repair evidence added up, written at the commit

    def due(self) -> bool:
        return self.files >= self.COMMIT_FILES or time.monotonic() - self.started >= self.COMMIT_SECONDS

    def seconds_left(self) -> float:
        """How long the open batch may stay open (0 when none is open: nothing to keep)."""
        return max(0.0, self.COMMIT_SECONDS - (time.monotonic() - self.started)) if self.files else 0.0

    def clear(self) -> None:
        self.files = 0
        self.counts = [0] * 5
        self.index.clear()
        self.evidence = None


def find_files(paths: Iterable[PathLike], patterns: Iterable[str] = DEFAULT_PATTERNS) -> tuple[list[Path], list[BmaNlpError]]:
    """Files named, plus files under named folders (recursively) whose name matches a pattern.
    Hidden files and folders are left out; a folder without any matching file is an error."""
    pats = [p.lower() for p in patterns]
    files: list[Path] = []
    errors: list[BmaNlpError] = []
    for given in paths:
        path = Path(given)
        if not path.is_dir():
            files.append(path)
            continue
        found: list[Path] = []

        def unreadable(exc: OSError, top: Path = path) -> None:  # os.walk skips these silently
            reason = "permission denied" if isinstance(exc, PermissionError) else (exc.strerror or type(exc).__name__)
            errors.append(InputError(f"cannot read folder ({reason}); its files were not ingested", exc.filename or str(top)))

        for root, dirs, names in os.walk(path, onerror=unreadable):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            found += [Path(root) / f for f in sorted(names) if not f.startswith(".") and any(fnmatch(f.lower(), p) for p in pats)]
        if not found and not any(e.where and e.where.startswith(str(path)) for e in errors):
            errors.append(InputError(f"folder holds no report files ({', '.join(patterns)})", str(path)))
        files += found
    unique = {os.path.abspath(f): f for f in files}
    return [Path(p) for p in unique], errors


def _digest(path: str, max_bytes: int) -> tuple[str, int] | None:
    """sha256 and size of a file, to skip a stored file without parsing it; None when it cannot
    be read (a FIFO or device, too large...: the worker then reports why, in the pipeline's own
    words). What is stored is filed under the hash of the bytes the worker parsed."""
    try:
        data = read_bytes(path, max_bytes)
    except InputError:
        return None
    return hashlib.sha256(data).hexdigest(), len(data)


def _now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="microseconds")


def _json_default(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.asdict(value)
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def _plain(value: Any) -> Any:
    """Numbers as Python int/float (a classifier may hand over numpy scalars)."""
    if value is None or isinstance(value, (str, int, float)):
        return value
    return value.item() if hasattr(value, "item") else value


_INSERT_INSTALLMENT = (  # with the text its index rows read (schema 3: tokens, raw_tokens, facets, facet_trigrams)
    f"INSERT INTO installments (report_id, {', '.join(INSTALLMENT_COLUMNS)}, extra, tokens, raw_tokens, facets, facet_trigrams) "
    f"VALUES (?{', ?' * (len(INSTALLMENT_COLUMNS) + 5)})"
)


_NOTE_RAW = INSTALLMENT_COLUMNS.index("note_raw")


def _current_versions() -> list[str]:
    """The versions this code derives records with, with and without repair and classification
    (a record derived by any other is outdated: ``stats``, ``overview``)."""
    return [pipeline_version(repair=r, classify=c) for r in (True, False) for c in (True, False)]


@functools.lru_cache(maxsize=64)
def _extra_fields(kind: type, columns: tuple[str, ...]) -> tuple[str, ...]:
    """The fields of a record class that have no column of their own (an installment has none)."""
    return tuple(f.name for f in dataclasses.fields(kind) if f.name not in columns)


def _extra(record: Any, columns: tuple[str, ...]) -> str | None:
    """Fields of a record that have no column of their own, as JSON (None when there are none)."""
    names = _extra_fields(record.__class__, columns)
    if not names:
        return None
    extra = pack_extra({name: getattr(record, name) for name in names})
    return json.dumps(extra, ensure_ascii=False, default=_json_default) if extra else None


def _mp_context() -> Any:
    """Fresh worker processes, never forks of a process holding an SQLite connection."""
    import multiprocessing

    if "forkserver" in multiprocessing.get_all_start_methods():
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(["bma_nlp.store.work", "bma_nlp.store.preload"])  # workers share the model, lexicon, dictionaries
        return ctx
    return multiprocessing.get_context("spawn")


CHUNK_FILES = 16  # files per worker task: enough to amortise a model call, small enough to stream
# Chunks per worker that ingest submits ahead of the writer. With 2 per worker the workers ran dry
# while the writer sat in a long commit (an FTS5 segment merge takes seconds at a million rows),
# and one core idled for a tenth of a million-installment ingest; 8 keep them parsing (results
# still come back in input order; peak memory unchanged at a million).
AHEAD_CHUNKS = 8


def _chunks(tasks: Iterator[_Task], size: int) -> Iterator[list[_Task]]:
    """Group tasks so that each chunk holds up to ``size`` files to process (skips ride along)."""
    chunk: list[_Task] = []
    work = 0
    for task in tasks:
        chunk.append(task)
        work += not task.skip
        if work >= size:
            yield chunk
            chunk, work = [], 0
    if chunk:
        yield chunk


@contextmanager
def _signals_held() -> Iterator[None]:
    """Hold Ctrl-C and SIGTERM (in the main thread) until the block ends, then deliver them."""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []
    held = (signal.SIGINT, signal.SIGTERM)
    previous = {sig: signal.signal(sig, lambda signum, frame: caught.append(signum)) for sig in held}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler if handler is not None else signal.SIG_DFL)
        if caught:
            signal.raise_signal(caught[0])  # now, to the handler it was meant for


def _submit(pool: Any, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """``pool.submit`` with Ctrl-C and SIGTERM held until it returns: the first submits start the
    worker processes, and a worker interrupted half-started dies printing a traceback."""
    with _signals_held():
        return pool.submit(fn, *args, **kwargs)


def _stop_workers(pool: Any) -> None:
    """Stop a process pool's workers now instead of letting them finish their chunks, which on
    a loaded machine can take many seconds after Ctrl-C or SIGTERM. (``ProcessPoolExecutor``
    has no public way to do this before Python 3.14's ``terminate_workers``.)"""
    for proc in list((getattr(pool, "_processes", None) or {}).values()):
        try:
            proc.terminate()
        except (OSError, ValueError, AttributeError):
            pass  # already gone


def _zip_results(chunk: list[_Task], results: list[FileResult]) -> Iterator[tuple[_Task, FileResult | None]]:
    done = iter(results)
    for task in chunk:
        yield task, None if task.skip else next(done)


class Archive:
    """A searchable archive in one SQLite file (WAL mode; readers may search during an ingest).

    ``create=False`` refuses to make a new file (for commands that only read).
    """

    def __init__(self, path: PathLike = DEFAULT_DB, *, create: bool = True, timeout: float = 10.0) -> None:
        self.path = str(path)
        self._con: sqlite3.Connection | None = connect(path, create=create, timeout=timeout)
        self._con.row_factory = sqlite3.Row
        self._steps = (True, True)  # (repair, classify) of the ingest running
        self._evidence: Evidence | None = None  # repair's archive evidence as the ingest running found it
        self._versions: dict[tuple[bool, bool], str] = {}
        self._index: dict[tuple[str, int], tuple[str, tuple[Any, ...]]] | None = None  # the open unit's batch index rows (_Batch.index)

    # -- housekeeping -------------------------------------------------------------------

    @property
    def con(self) -> sqlite3.Connection:
        if self._con is None:
            raise ArchiveError("archive is closed", self.path)
        return self._con

    def close(self) -> None:
        if self._con is not None:
            self._con.close()
            self._con = None

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _read(self, what: Callable[[], Any]) -> Any:
        try:
            return what()
        except sqlite3.Error as exc:
            raise ArchiveError(f"cannot read the archive: {exc}", self.path) from None

    # -- ingest -------------------------------------------------------------------------

    def ingest(
        self,
        paths: PathLike | Iterable[PathLike],
        jobs: int | None = 1,
        progress: bool = False,
        *,
        patterns: Iterable[str] = DEFAULT_PATTERNS,
        max_bytes: int = DEFAULT_MAX_BYTES,
        repair: bool = True,
        classify: bool = True,
        on_error: Callable[[BmaNlpError], None] | None = None,
        supersede: bool = False,
    ) -> IngestResult:
        """Store the copies in files (and in report files under folders, recursively) and
        derive the reports they belong to from all their stored copies.

        A file already stored (same content) is skipped. ``supersede`` marks these files as
        re-scans that win: their copies outrank the stored copies of the same reports, which
        are kept but no longer vote.

        A bad file is recorded in ``errors`` (and passed to ``on_error``) and skipped. ``jobs``
        > 1 runs the CPU-bound steps in that many processes; this process alone writes. ``jobs=None``:
        the number of cores, but no more processes than chunks of files to give them.
        ``progress`` shows a progress bar on stderr when stderr is a terminal.
        """
        started = time.perf_counter()
        result = IngestResult()
        if isinstance(paths, (str, os.PathLike)):
            paths = [paths]
        patterns = tuple(patterns)
        files, folder_errors = find_files(paths, patterns)
        result.files_seen = len(files) + len(folder_errors)  # = ingested + skipped + failed in the end
        show = progress and sys.stderr.isatty()
        from tqdm import tqdm

        bar = tqdm(total=len(files), unit="file", desc="ingest", file=sys.stderr, disable=not show, dynamic_ncols=True)

        def fail(exc: BmaNlpError) -> None:
            result.errors.append(exc)
            result.files_failed += 1
            if on_error is not None:
                if show:
                    with tqdm.external_write_mode(file=sys.stderr):
                        on_error(exc)
                else:
                    on_error(exc)

        for exc in folder_errors:
            fail(exc)
        self._steps = (repair, classify)
        self._versions.clear()
        self._writing()
        self._evidence = _read_evidence(self.con) if repair else None  # one state for the whole run, every worker
        if jobs is None:  # the cores, but no more workers than chunks of CHUNK_FILES files (a worker costs start-up)
            jobs = max(1, min(os.cpu_count() or 1, -(-len(files) // CHUNK_FILES)))
        batch = _Batch()
        tasks = self._tasks(files, max_bytes, supersede)
        results = self._run(tasks, jobs, (max_bytes, repair, classify, self._evidence), many=len(files) > CHUNK_FILES, hold=batch.seconds_left)
        try:
            for task, res in results:
                if task is None:  # the next files are still being parsed: do not keep the write lock meanwhile
                    t0 = time.thread_time()
                    self._commit(batch, result)
                    result.timings["write"] += time.thread_time() - t0
                    continue
                if task.skip:
                    result.files_skipped += 1
                elif res is not None and res.error is not None:
                    result.timings["parse"] += res.parse_seconds
                    fail(res.error)
                elif res is not None:
                    result.timings["parse"] += res.parse_seconds
                    result.timings["repair_classify"] += res.finish_seconds
                    result.timings["tokenize"] += res.tokenize_seconds
                    t0 = time.thread_time()
                    try:
                        if not self._store(task, res, batch):
                            result.files_skipped += 1  # the same content was stored meanwhile (another process, or this run)
                    except (ModelError, ArchiveError):
                        raise
                    except BmaNlpError as exc:  # deriving a stored report again with this file's copies failed: the file is not stored
                        fail(exc)
                    if batch.due():
                        self._commit(batch, result)
                    result.timings["write"] += time.thread_time() - t0
                bar.update(1)
        finally:
            results.close()
            t0 = time.thread_time()
            self._commit(batch, result)  # also on Ctrl-C or an error: complete files are kept
            result.timings["write"] += time.thread_time() - t0
            bar.close()
            result.timings["total"] = time.perf_counter() - started
        return result

    def _writing(self) -> None:
        """Set this connection up for a run of writes (``schema.writer_settings``)."""
        try:
            writer_settings(self.con)
        except sqlite3.Error as exc:
            raise ArchiveError(f"cannot write to the archive: {exc}", self.path) from None

    def _tasks(self, files: list[Path], max_bytes: int, supersede: bool = False) -> Iterator[_Task]:
        # Only a file already in the archive is skipped here. A second file with the content of
        # one earlier in this run is parsed too: when the first was stored, the writer skips it
        # then (and counts it as already stored); when the first failed, it fails the same way.
        for f in files:
            task = _Task(os.path.abspath(f), supersede=supersede)
            digest = _digest(task.path, max_bytes)
            if digest is not None:
                task.sha256, task.size = digest
                task.skip = self._has_file(task.sha256)
            yield task

    def _has_file(self, sha256: str) -> bool:
        return self.con.execute("SELECT 1 FROM files WHERE sha256 = ? AND copies IS NOT NULL", (sha256,)).fetchone() is not None

    def _run(
        self, tasks: Iterator[_Task], jobs: int, args: tuple[Any, ...], many: bool = False, hold: Callable[[], float] = lambda: 0.0
    ) -> Generator[tuple[_Task | None, FileResult | None], None, None]:
        """Results in input order. Files go to the workers in chunks (the stage model is called
        once per chunk); with jobs > 1 up to ``AHEAD_CHUNKS`` chunks per worker run ahead of the writer. ``(None,
        None)`` comes before a wait for parsing, so the writer commits first: another process
        ingesting into the same archive then waits for a commit, not for our parsing. With
        workers, a wait of up to ``hold()`` seconds (what is left of the open batch's second)
        comes first: the next chunk is usually that close, and a commit at every wait (one per
        chunk or two) cost the writer a fifth of its time in FTS5 flushes and merges. ``many``:
        more than one chunk of files (one process then builds the tokeniser dictionaries, the
        lexicon and the model first, as the workers' forkserver does)."""
        from collections import deque
        from concurrent.futures import wait

        from bma_nlp.store.work import PRELOAD_ENV, process_files

        chunks = _chunks(tasks, CHUNK_FILES)
        if jobs <= 1:
            if many:  # what the workers' forkserver builds at once (not hundreds of per-text dictionaries first)
                from bma_nlp.store.work import warm_up

                warm_up(repair=args[1], classify=args[2])
            for chunk in chunks:
                yield None, None
                yield from _zip_results(chunk, process_files([t.path for t in chunk if not t.skip], *args))
            return
        os.environ[PRELOAD_ENV] = ",".join(step for step, on in zip(("parse", "repair", "classify"), (True, *args[1:3]), strict=True) if on)
        window: deque[tuple[list[_Task], Future[list[FileResult]]]] = deque()
        with self._worker_pool(jobs, "files stored") as pool:
            for chunk in chunks:
                window.append((chunk, _submit(pool, process_files, [t.path for t in chunk if not t.skip], *args)))
                while len(window) > AHEAD_CHUNKS * jobs:
                    done, fut = window.popleft()
                    if not fut.done() and not wait([fut], timeout=hold()).done:
                        yield None, None
                    yield from _zip_results(done, fut.result())
            while window:
                done, fut = window.popleft()
                if not fut.done() and not wait([fut], timeout=hold()).done:
                    yield None, None
                yield from _zip_results(done, fut.result())

    def _store(self, task: _Task, res: FileResult, batch: _Batch) -> bool:
        """Write one file as one unit (a savepoint): its copies, and every report they belong
        to, re-derived from all its stored copies when the archive already held others.

        Files are committed in groups (see ``_Batch``); a failure inside a file rolls back that
        file only, and the files before it are committed when the error goes up.
        """
        if res.sha256 is not None:  # the bytes parsed, whatever the file held when it was hashed
            task.sha256, task.size = res.sha256, res.size
        if task.sha256 is None:
            raise ArchiveError("file changed while being ingested", task.path)
        con = self.con
        now = _now()
        counts = [1, 0, 0, 0, task.size]  # files, reports, replaced, installments, bytes
        with self._unit(batch, f"storing {task.path}"):
            if self._has_file(task.sha256):  # checked under the write lock: another ingest may have stored it
                return False
            file_id = self._file_row(task.sha256, task.path, task.size, res.encoding, len(res.copies), now)
            keys = {p: self.report_key(item.report, task.sha256, item.positions[0]) for item in res.reports for p in item.positions}
            ranks: dict[str, int] = {}
            for key in dict.fromkeys(keys.values()):
                top = con.execute("SELECT max(rank) FROM copies WHERE report_key = ?", (key,)).fetchone()[0]
                ranks[key] = 0 if top is None else top + 1 if task.supersede else top
            con.executemany(
                "INSERT INTO copies (file_id, position, report_key, rank, chars, text) VALUES (?, ?, ?, ?, ?, ?)",
                [(file_id, c.position, keys[c.position], ranks[keys[c.position]], c.chars, c.blob) for c in res.copies],
            )
            for item in res.reports:
                key = keys[item.positions[0]]
                others = con.execute(
                    "SELECT 1 FROM copies WHERE report_key = ? AND file_id != ? AND rank >= ? LIMIT 1", (key, file_id, ranks[key])
                ).fetchone()
                if others is None:
                    existed = self._write_derived(key, item, [file_id], now, self._steps)
                    counts[3] += len(item.report.installments)
                else:  # more copies of this report are stored: derive it from all of them
                    existed, n = self._rederive(key, now, self._steps)
                    counts[3] += n
                counts[1] += 1
                counts[2] += existed
        if self._steps[0] and res.evidence is not None:  # repaired notes teach repair the archive's words and word pairs
            # added up and written at the commit (only files stored get there)
            if batch.evidence is None:
                from bma_nlp.repair.evidence import Evidence

                batch.evidence = Evidence()
            batch.evidence.update(res.evidence)
        batch.files += 1
        batch.counts = [a + b for a, b in zip(batch.counts, counts, strict=True)]
        return True

    def _file_row(self, sha256: str, path: str, size: int, encoding: str, copies: int, now: str) -> int:
        """The file's row; a file read by schema 1 (no copies kept) gets its copies now."""
        con = self.con
        row = con.execute("SELECT id FROM files WHERE sha256 = ?", (sha256,)).fetchone()
        if row is not None:
            con.execute("UPDATE files SET path = ?, encoding = ?, copies = ? WHERE id = ?", (path, encoding, copies, row[0]))
            return int(row[0])
        file_id = con.execute(
            "INSERT INTO files (sha256, path, size, ingested_at, encoding, copies) VALUES (?, ?, ?, ?, ?, ?)", (sha256, path, size, now, encoding, copies)
        ).lastrowid
        assert file_id is not None
        return int(file_id)

    @contextmanager
    def _worker_pool(self, jobs: int, kept: str) -> Iterator[Any]:
        """A pool of ``jobs`` worker processes (forkserver, preloaded), shut down on leaving.
        A worker that dies is one line (``kept``: what was written before it stays); on any
        other exception (Ctrl-C, SIGTERM, the writer failing) the workers are stopped at once:
        the chunks in flight are not wanted."""
        from concurrent.futures import ProcessPoolExecutor
        from concurrent.futures.process import BrokenProcessPool

        from bma_nlp.store.work import init_worker

        pool = ProcessPoolExecutor(max_workers=jobs, mp_context=_mp_context(), initializer=init_worker)
        try:
            yield pool
        except BrokenProcessPool:
            raise ArchiveError(f"a worker process died (out of memory?); {kept} before it are kept", self.path) from None
        except BaseException:
            _stop_workers(pool)
            raise
        finally:
            pool.shutdown(wait=True, cancel_futures=True)

    @contextmanager
    def _unit(self, batch: _Batch, doing: str) -> Iterator[None]:
        """One file (or one reprocessed report) as one unit: a savepoint inside the batch's
        transaction, which is begun here when none is open. A failure rolls back this unit
        only; the units before it stay in the batch."""
        con = self.con
        before = dict(batch.index)
        try:
            if not con.in_transaction:
                con.execute("BEGIN IMMEDIATE")
                batch.started = time.monotonic()
            con.execute("SAVEPOINT ingest_file")
            self._index = batch.index
            yield
            con.execute("RELEASE ingest_file")
        except BaseException as exc:
            batch.index.clear()
            batch.index.update(before)  # the file's index rows go with it (and rows it took out come back)
            self._undo_file(batch)
            if isinstance(exc, sqlite3.Error):
                raise ArchiveError(f"cannot write to the archive while {doing}: {exc}", self.path) from None
            raise
        finally:
            self._index = None

    def _index_row(self, table: str, rowid: int, sql: str, params: tuple[Any, ...]) -> None:
        """Insert a full-text index row: inside a unit, at the batch's commit (``_Batch.index``)."""
        if self._index is None:
            self.con.execute(sql, params)
        else:
            self._index[(table, rowid)] = (sql, params)

    def _unindex(self, table: str, rowids: list[int]) -> None:
        """Remove index rows: a row still waiting for the commit is dropped from the batch; a
        stored one is deleted (re-read from the text it was indexed with, which must not have
        changed yet)."""
        waiting = self._index if self._index is not None else {}
        stored = [(r,) for r in rowids if waiting.pop((table, r), None) is None]
        if stored:
            self.con.executemany(f"DELETE FROM {table} WHERE rowid = ?", stored)  # noqa: S608

    def _undo_file(self, batch: _Batch) -> None:
        con = self.con
        if not con.in_transaction:  # SQLite already rolled the whole transaction back
            batch.clear()
            return
        try:
            con.execute("ROLLBACK TO ingest_file")
            con.execute("RELEASE ingest_file")
        except sqlite3.Error:
            con.execute("ROLLBACK")
            batch.clear()

    def _commit(self, batch: _Batch, result: IngestResult) -> None:
        """Commit the files stored since the last commit and count them in ``result``."""
        con = self.con
        if con.in_transaction:
            try:
                rows: dict[str, list[tuple[Any, ...]]] = {}  # the batch's index rows (see _Batch): none inside a savepoint
                for sql, params in batch.index.values():
                    rows.setdefault(sql, []).append(params)
                for sql, params_list in rows.items():  # each table's rows in their order, one call per table
                    con.executemany(sql, params_list)
                if batch.evidence is not None:  # one upsert per distinct pair of the batch, not per file
                    from bma_nlp.repair.evidence import add_evidence

                    add_evidence(con, batch.evidence)
                con.execute("COMMIT")
            except BaseException as exc:  # also Ctrl-C between index rows: the whole batch goes, never part of it
                if con.in_transaction:
                    con.execute("ROLLBACK")
                batch.clear()
                if isinstance(exc, sqlite3.Error):
                    raise ArchiveError(f"cannot write to the archive: {exc}", self.path) from None
                raise
        files, reports, replaced, installments, size = batch.counts
        result.files_ingested += files
        result.reports += reports
        result.replaced += replaced
        result.installments += installments
        result.bytes += size
        batch.clear()

    def repair_evidence(self) -> Evidence | None:
        """What repair has learned from this archive: word pairs and words recurring across reports."""
        return _read_evidence(self.con)

    @staticmethod
    def report_key(report: Report, sha256: str, position: int) -> str:
        """A report's identity: code + fiscal year; without a code, the place of its first copy in its file."""
        p = report.project
        if p.code:
            return correction_key(p.code, p.fiscal_year)
        return f"file:{sha256}#{position}"

    # -- deriving records from stored copies ----------------------------------------------

    def _stored_copies(self, keys: Iterable[str]) -> list[StoredCopy]:
        """The copies that vote for these reports (each report's highest rank), ordered by file and place."""
        from bma_nlp.pipeline import CopyText
        from bma_nlp.store.work import StoredCopy

        out: list[StoredCopy] = []
        for key in keys:
            rows = self.con.execute(
                "SELECT c.id, c.position, c.rank, c.text, f.path, f.encoding FROM copies c JOIN files f ON f.id = c.file_id "
                "WHERE c.report_key = ? AND c.rank = (SELECT max(rank) FROM copies WHERE report_key = ?) ORDER BY c.file_id, c.position",
                (key, key),
            )
            out += [StoredCopy(r[0], key, CopyText(unpack_copy(r[3]), r[4], r[5] or "", r[1], r[2])) for r in rows]
        return out

    def copies(self, code: str | None, fiscal_year: int | None) -> list[CopyText]:
        """Every stored copy of a report (all ranks), by file and place: what its record is derived from."""
        from bma_nlp.pipeline import CopyText

        key = correction_key(code, fiscal_year)
        rows = self._read(
            lambda: self.con.execute(
                "SELECT c.position, c.rank, c.text, f.path, f.encoding FROM copies c JOIN files f ON f.id = c.file_id "
                "WHERE c.report_key = ? ORDER BY c.file_id, c.position",
                (key,),
            ).fetchall()
        )
        return [CopyText(unpack_copy(r[2]), r[3], r[4] or "", r[0], r[1]) for r in rows]

    def _copy_sources(self, key: str) -> list[tuple[str, int]]:
        return [(r[0], int(r[1])) for r in self.con.execute("SELECT DISTINCT f.sha256, c.file_id FROM copies c JOIN files f ON f.id = c.file_id WHERE c.report_key = ?", (key,))]

    def _rederive(self, key: str, now: str, steps: tuple[bool, bool]) -> tuple[bool, int]:
        """Derive the report ``key`` from all its stored copies and write it; returns (it
        existed before, installments written). Copies whose record now has another identity
        (a better parser read a code it missed) move to that report, which is derived too."""
        stored = self._stored_copies([key])
        existed = self.con.execute("SELECT 1 FROM reports WHERE key = ?", (key,)).fetchone() is not None
        if not stored:
            return existed, 0
        from bma_nlp.store.work import derive_stored

        items, _ = derive_stored(stored, *steps, evidence=self._evidence)
        return existed, self._write_items(key, stored, items, now, steps)

    def _write_items(self, key: str, stored: list[StoredCopy], items: list[IndexedReport], now: str, steps: tuple[bool, bool]) -> int:
        """Write what ``derive_stored`` made of the copies filed under ``key``."""
        con = self.con
        by_id = {s.id: s for s in stored}
        sha_of = {fid: sha for sha, fid in self._copy_sources(key)}
        file_of = {r[0]: r[1] for r in con.execute(f"SELECT id, file_id FROM copies WHERE id IN ({','.join('?' * len(by_id))})", list(by_id))}
        written, moved, kept = 0, [], False
        for item in items:
            first = by_id[item.copy_ids[0]]
            new_key = self.report_key(item.report, sha_of.get(file_of[first.id], ""), first.copy.position)
            if new_key == key:
                kept = True
                self._write_derived(key, item, list(dict.fromkeys(file_of[i] for i in item.copy_ids)), now, steps)
                written += len(item.report.installments)
            else:
                con.executemany("UPDATE copies SET report_key = ? WHERE id = ?", [(new_key, i) for i in item.copy_ids])
                moved.append(new_key)
        if not kept:
            self._delete_report(key)
        for new_key in dict.fromkeys(moved):
            written += self._rederive(new_key, now, steps)[1]
        return written

    def _write_derived(self, key: str, item: IndexedReport, file_ids: list[int], now: str, steps: tuple[bool, bool]) -> bool:
        """Write a derived record (people's corrections applied on top) and its index; True if
        it replaced a stored version."""
        from bma_nlp.store.work import index_report

        corrections = self._corrections_of(key)
        if corrections:
            apply_corrections(item.report, corrections)
            item = index_report(item.report)
        return self._write_report(key, file_ids, item, now, self._version(steps))

    def _version(self, steps: tuple[bool, bool]) -> str:
        """The pipeline version (read once per ingest or reprocess: it hashes the model's card)."""
        if steps not in self._versions:
            self._versions[steps] = pipeline_version(repair=steps[0], classify=steps[1])
        return self._versions[steps]

    def _write_report(self, key: str, file_ids: list[int], item: IndexedReport, now: str, version: str | None) -> bool:
        con = self.con
        report = item.report
        agency_id = self._agency_id(report.project.agency)
        values: dict[str, Any] = {c: _plain(getattr(report.project, c, None)) for c in PROJECT_COLUMNS}
        values.update(
            extra=_extra(report.project, PROJECT_COLUMNS),
            key=key, source=report.source, encoding=report.encoding, copies=report.copies,
            sources=json.dumps(report.sources, ensure_ascii=False),
            repairs=json.dumps(report.repairs, ensure_ascii=False, default=_json_default),
            corrections=json.dumps(report.corrections, ensure_ascii=False, default=_json_default) if report.corrections else None,
            file_id=file_ids[0], updated_at=now, pipeline=version, derived_at=now, header_tokens=item.header_tokens,
            header_facets=header_facets(report.project.fiscal_year, agency_id),
        )  # fmt: skip
        row = con.execute("SELECT id FROM reports WHERE key = ?", (key,)).fetchone()
        if row is not None:
            report_id = int(row[0])
            self._clear_report(report_id)
            con.execute(f"UPDATE reports SET {', '.join(f'{c} = :{c}' for c in values)} WHERE id = :id", {**values, "id": report_id})
            marks = ",".join("?" * len(file_ids))
            con.execute(
                f"UPDATE report_sources SET replaced_at = ? WHERE report_id = ? AND replaced_at IS NULL AND file_id NOT IN ({marks})", (now, report_id, *file_ids)
            )
        else:
            cols = ", ".join(values)
            report_id = int(con.execute(f"INSERT INTO reports ({cols}) VALUES ({', '.join(':' + c for c in values)})", values).lastrowid or 0)
        con.executemany(
            "INSERT INTO report_sources (report_id, file_id, ingested_at, replaced_at) VALUES (?, ?, ?, NULL) "
            "ON CONFLICT (report_id, file_id) DO UPDATE SET replaced_at = NULL",
            [(report_id, f, now) for f in file_ids],
        )
        con.executemany(
            "INSERT INTO flags (report_id, code, message, installment) VALUES (?, ?, ?, ?)",
            [(report_id, f.code, f.message, f.installment) for f in report.flags],
        )
        # the header is indexed as the view reads it (schema 4): what a later delete re-reads
        # (read first, then inserted as values: an INSERT ... SELECT into an FTS5 table opens a
        # statement savepoint, at which every FTS5 index of the transaction writes a segment)
        header, header_facets_ = con.execute("SELECT header, facets FROM headers_trigram_source WHERE id = ?", (report_id,)).fetchone()
        self._index_row("headers_trigram", report_id, "INSERT INTO headers_trigram (rowid, header, facets) VALUES (?, ?, ?)", (report_id, header, header_facets_))
        whole_report_flagged = any(f.installment is None for f in report.flags)
        flagged = {f.installment for f in report.flags}
        for inst, (note_tokens, raw_tokens) in zip(report.installments, item.note_tokens, strict=True):
            facet_text = facets(
                _plain(inst.stage), report.project.fiscal_year, whole_report_flagged or inst.number in flagged, agency_id, report.project.code
            )
            self._write_installment(report_id, inst, note_tokens, raw_tokens, item.header_tokens, facet_text)
        return row is not None

    def _delete_report(self, key: str) -> None:
        row = self.con.execute("SELECT id FROM reports WHERE key = ?", (key,)).fetchone()
        if row is not None:
            self._clear_report(int(row[0]))
            self.con.execute("DELETE FROM report_sources WHERE report_id = ?", (row[0],))
            self.con.execute("DELETE FROM reports WHERE id = ?", (row[0],))

    def _agency_id(self, agency: str | None) -> int | None:
        if not agency:
            return None
        row = self.con.execute("SELECT id FROM agencies WHERE name = ?", (agency,)).fetchone()  # a name already stored: one statement
        if row is not None:
            return int(row[0])
        return int(self.con.execute("INSERT INTO agencies (name) VALUES (?)", (agency,)).lastrowid or 0)

    def _write_installment(
        self, report_id: int, inst: Installment, note_tokens: str, raw_tokens: str, header_tokens: str, facet_text: tuple[str, str]
    ) -> None:
        con = self.con
        values = [_plain(getattr(inst, c, None)) for c in INSTALLMENT_COLUMNS]
        values[_NOTE_RAW] = stored_note_raw(inst.note, inst.note_raw)
        row = [report_id, *values, _extra(inst, INSTALLMENT_COLUMNS), note_tokens, raw_tokens, facet_text[0], facet_text[1]]
        iid = int(con.execute(_INSERT_INSTALLMENT, row).lastrowid or 0)
        raw = values[_NOTE_RAW] or ""  # as notes_trigram_source reads it back
        self._index_row(
            "notes_fts", iid, "INSERT INTO notes_fts (rowid, note, note_raw, header, facets) VALUES (?, ?, ?, ?, ?)", (iid, note_tokens, raw_tokens, header_tokens, facet_text[0])
        )
        self._index_row("notes_trigram", iid, "INSERT INTO notes_trigram (rowid, note, note_raw, facets) VALUES (?, ?, ?, ?)", (iid, inst.note, raw, facet_text[1]))

    def _clear_report(self, report_id: int) -> None:
        """Remove a report's rows. The index rows go first: an external-content index removes
        a row's entries by re-reading the text it was indexed with from the installment and
        report rows, which must not have changed yet."""
        con = self.con
        ids = [int(r[0]) for r in con.execute("SELECT id FROM installments WHERE report_id = ?", (report_id,))]
        self._unindex("notes_fts", ids)
        self._unindex("notes_trigram", ids)
        con.execute("DELETE FROM installments WHERE report_id = ?", (report_id,))
        con.execute("DELETE FROM flags WHERE report_id = ?", (report_id,))
        self._unindex("headers_trigram", [report_id])

    # -- reprocess ----------------------------------------------------------------------

    def reprocess(
        self,
        *,
        every: bool = False,
        progress: bool = False,
        repair: bool = True,
        classify: bool = True,
        chunk: int = 16,
        on_error: Callable[[BmaNlpError], None] | None = None,
        jobs: int = 1,
        **filters: Any,
    ) -> ReprocessResult:
        """Derive the stored reports again from their stored copies with the pipeline as it is
        now (no source files needed); people's corrections are applied on top again.

        Only reports derived by another pipeline version are redone unless ``every``; each
        report is its own unit (a savepoint, committed about every second), so a killed run
        leaves every report either as it was or re-derived, and running it again goes on
        where it stopped. Filters (code, year, agency, ...) select reports as in ``reports``.
        Reports of a schema-1 archive without stored copies get them from their file when it
        is still there unchanged; the others are counted in ``no_copies`` and left as they are.
        """
        started = time.perf_counter()
        result = ReprocessResult()
        self._versions.clear()
        steps = (repair, classify)
        self._writing()
        self._evidence = _read_evidence(self.con) if repair else None  # what ingest has gathered so far
        version = self._version(steps)
        f = Filters(**filters)
        ids = self._read(lambda: _query.report_ids(self.con, f))
        rows = self._read(
            lambda: [
                (r[0], r[1], r[2])
                for k in range(0, len(ids), 500)
                for r in self.con.execute(
                    f"SELECT key, pipeline, EXISTS (SELECT 1 FROM copies c WHERE c.report_key = reports.key) FROM reports WHERE id IN ({','.join('?' * len(ids[k : k + 500]))})",
                    ids[k : k + 500],
                )
            ]
        )
        todo = [key for key, pipe, _ in rows if every or pipe != version]
        result.up_to_date = len(rows) - len(todo)
        pending = set(todo)
        legacy = {key for key, _, has in rows if not has and key in pending}
        if legacy:
            todo = [k for k in todo if k not in legacy]
            self._backfill(legacy, result, steps, on_error)
        show = progress and sys.stderr.isatty()
        from tqdm import tqdm

        bar = tqdm(total=len(todo), unit="report", desc="reprocess", file=sys.stderr, disable=not show, dynamic_ncols=True)
        batch = _Batch()
        try:
            for keys, stored, items, seconds in self._derived_chunks(todo, chunk, jobs, steps):
                result.chars += sum(len(s.copy.text) for s in stored)
                result.timings["derive"] += seconds
                t0 = time.thread_time()
                by_key: dict[str, list[IndexedReport] | None] = {key: [] for key in keys}
                key_of = {s.id: s.report_key for s in stored}
                if items is None:  # a copy the pipeline now refuses: derive report by report
                    by_key = {key: self._derive_one(key, [s for s in stored if s.report_key == key], steps, result, on_error) for key in keys}
                else:
                    for item in items:
                        by_key[key_of[item.copy_ids[0]]].append(item)  # type: ignore[union-attr]
                for key in keys:
                    derived = by_key[key]
                    if derived is None:
                        bar.update(1)
                        continue
                    self._reprocess_one(key, [s for s in stored if s.report_key == key], derived, steps, batch)
                    result.reports += 1
                    if batch.due():
                        self._commit(batch, IngestResult())
                    bar.update(1)
                result.timings["write"] += time.thread_time() - t0
        finally:
            self._commit(batch, IngestResult())  # also on Ctrl-C or an error: finished reports are kept
            bar.close()
            result.timings["total"] = time.perf_counter() - started
        return result

    def _derive_one(
        self, key: str, stored: list[StoredCopy], steps: tuple[bool, bool], result: ReprocessResult, on_error: Callable[[BmaNlpError], None] | None
    ) -> list[IndexedReport] | None:
        """One report's records, or None (reported, and the stored record kept) when the pipeline fails on its copies."""
        from bma_nlp.store.work import derive_stored

        try:
            return derive_stored(stored, *steps, evidence=self._evidence)[0]
        except ModelError:
            raise
        except Exception as exc:  # noqa: BLE001 - one report the pipeline cannot derive must not stop a reprocess
            error = exc if isinstance(exc, BmaNlpError) else ParseError(f"internal error: {type(exc).__name__}: {exc}")
            error.where = f"{self.path} report {key}"
            result.failed += 1
            result.errors.append(error)
            if on_error is not None:
                on_error(error)
            return None

    def _derived_chunks(
        self, todo: list[str], size: int, jobs: int, steps: tuple[bool, bool]
    ) -> Generator[tuple[list[str], list[StoredCopy], list[IndexedReport] | None, float], None, None]:
        """(keys, their stored copies, the records derived from them, CPU seconds) per chunk of
        reports, in order; with jobs > 1 the deriving runs in worker processes, a few chunks ahead.
        Records are None when deriving the chunk failed (the caller retries report by report)."""
        from collections import deque

        from bma_nlp.store.work import PRELOAD_ENV, derive_stored

        chunks = (todo[k : k + size] for k in range(0, len(todo), size))
        if jobs <= 1:
            if len(todo) > size:  # as in ``_run``: build once what many reports will use
                from bma_nlp.store.work import warm_up

                warm_up(*steps)
            for keys in chunks:
                stored: list[StoredCopy] = self._read(functools.partial(self._stored_copies, keys))
                try:
                    yield (keys, stored, *derive_stored(stored, *steps, evidence=self._evidence))
                except ModelError:
                    raise
                except Exception:  # noqa: BLE001 - see _derive_one
                    yield keys, stored, None, 0.0
            return
        os.environ[PRELOAD_ENV] = ",".join(step for step, on in zip(("repair", "classify"), steps, strict=True) if on)
        window: deque[tuple[list[str], list[StoredCopy], Future[tuple[list[IndexedReport], float]]]] = deque()
        with self._worker_pool(jobs, "reports re-derived") as pool:
            for keys in chunks:
                stored = self._read(functools.partial(self._stored_copies, keys))
                window.append((keys, stored, _submit(pool, derive_stored, stored, *steps, evidence=self._evidence)))
                while len(window) > 2 * jobs:
                    yield _settled(*window.popleft())
            while window:
                yield _settled(*window.popleft())

    def _reprocess_one(self, key: str, stored: list[StoredCopy], items: list[IndexedReport], steps: tuple[bool, bool], batch: _Batch) -> None:
        with self._unit(batch, f"reprocessing {key}"):
            now = [s.id for s in self._stored_copies([key])]
            if now == [s.id for s in stored]:
                self._write_items(key, stored, items, _now(), steps)
            else:  # its copies changed since they were read (moved here from another report): derive again
                self._rederive(key, _now(), steps)
        batch.files += 1

    def _backfill(self, keys: set[str], result: ReprocessResult, steps: tuple[bool, bool], on_error: Callable[[BmaNlpError], None] | None) -> None:
        """Schema-1 reports: store their copies from their files when those are unchanged."""
        key_list = values_param(sorted(keys))
        rows = self.con.execute(
            "SELECT DISTINCT f.path, f.sha256, r.key FROM reports r JOIN report_sources s ON s.report_id = r.id JOIN files f ON f.id = s.file_id "
            f"WHERE r.key {IN_VALUES} AND s.replaced_at IS NULL",
            (key_list,),
        ).fetchall()
        found = [p for p, sha, _ in rows if (_digest(p, DEFAULT_MAX_BYTES) or ("",))[0] == sha]
        if found:
            done = self.ingest(found, repair=steps[0], classify=steps[1], on_error=on_error)
            result.reports += done.reports
        have = {r[0] for r in self.con.execute(f"SELECT DISTINCT report_key FROM copies WHERE report_key {IN_VALUES}", (key_list,))}
        result.no_copies += len(keys - have)

    # -- people's corrections (see bma_nlp.store.corrections and /docs in the README) ---------

    def _corrections_of(self, key: str) -> list[Correction]:
        rows = self.con.execute("SELECT * FROM corrections WHERE report_key = ? AND withdrawn_at IS NULL ORDER BY id", (key,))
        return [_correction(r) for r in rows]

    def corrections(self, code: str | None = None, fiscal_year: int | None = None, *, include_withdrawn: bool = False) -> list[Correction]:
        """Corrections, oldest first (of one report when ``code`` is given)."""
        sql, args = "SELECT * FROM corrections WHERE 1", []
        if code is not None:
            sql += " AND report_key = ?"
            args.append(correction_key(code, fiscal_year))
        if not include_withdrawn:
            sql += " AND withdrawn_at IS NULL"

        def rows() -> list[Correction]:
            return [_correction(r) for r in self.con.execute(sql + " ORDER BY id", args)]

        return self._read(rows)  # type: ignore[no-any-return]

    def report(self, code: str | None, fiscal_year: int | None) -> Report | None:
        """One stored report (corrections applied, listed in ``report.corrections``), or None."""
        row = self._read(lambda: self.con.execute("SELECT id FROM reports WHERE key = ?", (correction_key(code, fiscal_year),)).fetchone())
        return None if row is None else next(iter(self._read(lambda: list(_query.load_reports(self.con, [row[0]])))))

    def correct(
        self, code: str | None, fiscal_year: int | None, kind: str, field: str, new: Any,
        *, old: Any = None, who: str = "", why: str = "", occurrence: int = 0,
    ) -> Correction:  # fmt: skip
        """Store a person's correction and re-write the report with it applied (one transaction).
        See ``bma_nlp.store.corrections`` for the kinds and the field addressing."""
        from bma_nlp.store.corrections import check, current_value

        c = Correction(code, fiscal_year, kind, field, new, old=old, who=who, why=why, occurrence=occurrence)
        report = self.report(code, fiscal_year)
        if kind == "repair_rejected" and new is None and report is not None:  # the repair says what was there
            c.new = next((r.get("original") for r in report.repairs if r.get("field") == field and r.get("replacement") == old and "rejected" not in r), None)
            if c.new is None:
                raise InputError(f"no repair of {field} wrote {old!r}", self.path)
        check(c)
        if report is None:
            raise InputError(f"no report {code} of fiscal year {fiscal_year} in the archive", self.path)
        value = current_value(report, field)
        number = field.split("[")[1].split("]")[0] if field.startswith("installments[") else None
        if number is not None and not any(str(i.number) == number for i in report.installments):
            raise InputError(f"report {code} has no installment {number}", self.path)
        if kind in ("field", "stage") and c.old is None:
            c.old = value
        if kind in ("word", "repair_rejected") and c.old not in (value or ""):
            raise InputError(f"{c.old!r} is not in {field} of report {code}", self.path)
        if kind == "repair_rejected" and not any(r.get("field") == field and r.get("replacement") == c.old and r.get("original") == c.new for r in report.repairs):
            raise InputError(f"no repair of {field} replaced {c.new!r} with {c.old!r}", self.path)
        c.at = _now()
        self._write_correction(c)
        return c

    @contextmanager
    def _write_transaction(self, doing: str) -> Iterator[sqlite3.Connection]:
        """One write transaction (taken at once, so a busy archive fails here, not half-way):
        committed at the end of the block, rolled back on any error; a database error comes out
        as one line, "cannot <doing>"."""
        con = self.con
        try:
            con.execute("BEGIN IMMEDIATE")
            yield con
            con.execute("COMMIT")
        except BaseException as exc:
            if con.in_transaction:
                con.execute("ROLLBACK")
            if isinstance(exc, sqlite3.Error):
                raise ArchiveError(f"cannot {doing}: {exc}", self.path) from None
            raise

    def _write_correction(self, c: Correction, *, withdraw: int | None = None) -> None:
        with self._write_transaction("write the correction") as con:
            if withdraw is None:
                c.id = con.execute(
                    "INSERT INTO corrections (report_key, code, fiscal_year, kind, field, old, new, occurrence, who, why, at, withdrawn_at) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (c.report_key, c.code, c.fiscal_year, c.kind, c.field, json.dumps(c.old, ensure_ascii=False), json.dumps(c.new, ensure_ascii=False),
                     c.occurrence, c.who, c.why, c.at, c.withdrawn_at),
                ).lastrowid  # fmt: skip
            else:
                con.execute("UPDATE corrections SET withdrawn_at = ?, withdrawn_by = ?, withdrawn_why = ? WHERE id = ?", (c.withdrawn_at, c.who, c.why, withdraw))
            self._refresh(c.report_key)

    def _refresh(self, key: str) -> None:
        """Re-write one report after its corrections changed: derived again from its copies,
        or (a schema-1 report without copies) with the corrections applied to what is stored."""
        self._versions.clear()
        row = self.con.execute("SELECT pipeline FROM reports WHERE key = ?", (key,)).fetchone()
        steps = (True, True)
        if row is not None and row[0]:
            steps = ("-norepair" not in row[0], "-noclassify" not in row[0])
        if self._stored_copies([key]):
            self._rederive(key, _now(), steps)
            return
        from bma_nlp.store.work import index_report

        report = self.report(*_split_key(key))
        if report is not None:
            file_ids = [r[0] for r in self.con.execute("SELECT s.file_id FROM report_sources s JOIN reports r ON r.id = s.report_id WHERE r.key = ?", (key,))]
            pipe = row[0] if row is not None else None
            self._write_report(key, file_ids, index_report(apply_corrections(report, self._corrections_of(key))), _now(), pipe)

    def withdraw_correction(self, correction_id: int, *, who: str = "", why: str = "") -> Correction:
        """Stop a correction from applying (it stays listed, with when it was withdrawn)."""
        row = self._read(lambda: self.con.execute("SELECT * FROM corrections WHERE id = ?", (correction_id,)).fetchone())
        if row is None:
            raise InputError(f"no correction {correction_id} in the archive", self.path)
        c = _correction(row)
        if c.withdrawn_at:
            return c
        c.withdrawn_at = _now()
        self._write_correction(dataclasses.replace(c, who=who, why=why), withdraw=correction_id)
        return c

    def export_corrections(self) -> str:
        """Every correction (withdrawn ones too) as JSON Lines, to move them to another archive."""
        from bma_nlp.store.corrections import to_jsonl

        return to_jsonl(self.corrections(include_withdrawn=True))

    def import_corrections(self, text: str, where: str = "<corrections>") -> tuple[int, int]:
        """Add corrections from JSON Lines (``export_corrections``); returns (added, already
        present). A correction of a report this archive lacks is kept and applies when its
        copies arrive."""
        from bma_nlp.store.corrections import from_jsonl

        incoming = from_jsonl(text, where)
        have = {_identity(c) for c in self.corrections(include_withdrawn=True)}
        added = 0
        for c in incoming:
            if _identity(c) in have:
                continue
            c.id = None
            c.at = c.at or _now()
            self._write_correction(c)
            have.add(_identity(c))
            added += 1
        return added, len(incoming) - added

    def stage_labels(self) -> list[dict[str, Any]]:
        """Notes whose stage a person set (active stage corrections that applied), as training
        examples ``{"text", "label", "split": "train", "source"}`` (label "none" for no stage)."""
        out = []
        for report in self.reports():
            for entry in report.corrections:
                if entry["kind"] != "stage" or not entry["applied"]:
                    continue
                number = int(entry["field"].split("[")[1].split("]")[0])
                inst = next(i for i in report.installments if i.number == number)
                out.append({"text": inst.note, "label": entry["new"] or "none", "split": "train", "source": f"archive:{report.project.code}/{number}"})
        return out

    # -- upkeep -------------------------------------------------------------------------

    def optimize(self) -> dict[str, float]:
        """Merge each full-text index into one segment (FTS5 ``optimize``, as ``sqlite-utils
        optimize`` does); return the seconds each index took. An ingest leaves an index in the
        segments its commits wrote (15-19 at a million installments), and every query term is
        looked up in each of them: merged, a search at a million reads one (p95 about 3-4 ms
        lower, docs/performance.md). One transaction: on an error nothing changes.
        Worth running after a large ingest or reprocess; it rewrites the indexes (about 20 s at
        a million installments), so not after every small one."""
        con = self.con
        tables = self._read(lambda: [r[0] for r in con.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE 'CREATE VIRTUAL TABLE % USING fts5%' ORDER BY name")])  # fmt: skip
        took: dict[str, float] = {}
        with self._write_transaction("optimize the search indexes"):
            for table in tables:
                started = time.perf_counter()
                con.execute(f"INSERT INTO {table} ({table}) VALUES ('optimize')")
                took[table] = time.perf_counter() - started
        return took

    # -- reading ------------------------------------------------------------------------

    def search(self, query: str = "", *, limit: int | None = 20, width: int = 90, **filters: Any) -> list[Hit]:
        """Installments whose note (repaired or as OCR'd) or project name/agency match ``query``,
        best first. Filters: see ``bma_nlp.store.Filters``. ``limit=None`` returns all."""
        f = Filters(**filters)
        return self._read(lambda: _query.search(self.con, query, f, limit, width))  # type: ignore[no-any-return]

    def reports(self, **filters: Any) -> list[Report]:
        """Stored reports, rebuilt as the pipeline made them (a report matches a filter on
        installments when any of its installments does)."""
        f = Filters(**filters)
        return self._read(lambda: list(_query.load_reports(self.con, _query.report_ids(self.con, f))))  # type: ignore[no-any-return]

    def iter_export(self, fmt: str = "jsonl", *, batch: int = 500, **filters: Any) -> Iterator[str]:
        """``export`` in pieces, for archives too large to hold as one string (json is one piece)."""
        if fmt not in FORMATS:
            raise ValueError(f"unknown format {fmt!r} (choose from {', '.join(FORMATS)})")
        f = Filters(**filters)
        ids = self._read(lambda: _query.report_ids(self.con, f))
        if fmt == "json":
            yield render(self._read(lambda: list(_query.load_reports(self.con, ids))), "json")
            return
        for k in range(0, max(len(ids), 1), batch):
            chunk = self._read(lambda k=k: list(_query.load_reports(self.con, ids[k : k + batch])))  # type: ignore[misc]
            text = render(chunk, fmt)
            if fmt == "csv" and k > 0:
                text = text.split("\n", 1)[1]  # the header row once
            yield text

    def export(self, fmt: str = "jsonl", **filters: Any) -> str:
        """Stored reports in the format of ``bma-nlp parse`` (json, jsonl or csv)."""
        return "".join(self.iter_export(fmt, **filters))

    def stats(self) -> dict[str, Any]:
        """Counts: files, reports, projects, installments per stage, flags per code, years;
        copies kept and their bytes, corrections, and reports derived by an older pipeline."""
        current = _current_versions()
        return self._read(lambda: _query.stats(self.con, current))  # type: ignore[no-any-return]

    def history(self, code: str, fiscal_year: int | None) -> list[dict[str, Any]]:
        """Which files produced a report, oldest first (``current``: the stored version)."""
        return self._read(lambda: _query.history(self.con, code, fiscal_year))  # type: ignore[no-any-return]

    # -- browsing (the web app) ---------------------------------------------------------

    def search_page(self, query: str = "", *, offset: int = 0, limit: int = 20, width: int = 160, **filters: Any) -> _browse.SearchPage:
        """One page of ``search`` hits (with report links), the number of matches and facet counts."""
        f = Filters(**filters)
        return self._read(lambda: _browse.search_page(self.con, query, f, offset, limit, width))  # type: ignore[no-any-return]

    def report_view(self, report_id: int) -> _browse.ReportView | None:
        """One stored report with its source files and its repairs placed in the text; None if absent."""
        return self._read(lambda: _browse.report_view(self.con, report_id))  # type: ignore[no-any-return]

    def overview(self) -> dict[str, Any]:
        """``stats`` plus stages per year, offices and the most flagged reports."""
        current = _current_versions()
        return self._read(lambda: _browse.overview(self.con, current))  # type: ignore[no-any-return]
