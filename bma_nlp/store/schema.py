"""The archive's SQLite schema, versioned with ``PRAGMA user_version`` and a list of migrations.

``MIGRATIONS[k]`` takes a database at version ``k`` to version ``k + 1``; opening an archive
applies whatever is missing, each step in its own transaction, so an older archive is
upgraded in place and never wiped. A new schema change is a new entry at the end of the list
(never an edit of an old one). ``PRAGMA application_id`` marks the file as a bma-nlp archive.
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
import zlib
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from bma_nlp.errors import ArchiveError
from bma_nlp.records import NARRATIVE_FIELDS
from bma_nlp.store.index import TOKEN_TOKENIZER

APPLICATION_ID = 0x424D4131  # "BMA1"

# Amount columns (budget_received, budget_used, progress_pct, disbursed_baht) have no declared
# type on purpose: SQLite then stores 180000 as an integer and 180000.5 as a real, so a
# report read back serialises exactly as it was parsed.
_V1 = (
    """CREATE TABLE files (
        id INTEGER PRIMARY KEY,
        sha256 TEXT NOT NULL UNIQUE,
        path TEXT NOT NULL,
        size INTEGER NOT NULL,
        ingested_at TEXT NOT NULL
    )""",
    """CREATE TABLE reports (
        id INTEGER PRIMARY KEY,
        key TEXT NOT NULL UNIQUE,
        code TEXT,
        fiscal_year INTEGER,
        name TEXT,
        start_date TEXT,
        end_date TEXT,
        budget_received,
        budget_used,
        agency TEXT,
        coordinator TEXT,
        coordinator_phone TEXT,
        responsible TEXT,
        strategy TEXT,
        sub_strategy TEXT,
        goal TEXT,
        indicator TEXT,
        source TEXT NOT NULL,
        encoding TEXT NOT NULL,
        copies INTEGER NOT NULL,
        sources TEXT NOT NULL,
        repairs TEXT NOT NULL,
        extra TEXT,
        file_id INTEGER NOT NULL REFERENCES files(id),
        updated_at TEXT NOT NULL
    )""",
    "CREATE INDEX reports_code ON reports(code, fiscal_year)",
    "CREATE INDEX reports_year ON reports(fiscal_year)",
    """CREATE TABLE installments (
        id INTEGER PRIMARY KEY,
        report_id INTEGER NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
        number INTEGER NOT NULL,
        date TEXT,
        note TEXT,
        note_raw TEXT,
        progress_pct,
        disbursed_baht,
        disbursement_no INTEGER,
        on_plan INTEGER,
        on_target INTEGER,
        stage TEXT,
        stage_confidence REAL,
        stage_source TEXT,
        report_no INTEGER,
        extra TEXT,
        UNIQUE (report_id, number)
    )""",
    "CREATE INDEX installments_stage ON installments(stage)",
    "CREATE INDEX installments_date ON installments(date)",
    """CREATE TABLE flags (
        id INTEGER PRIMARY KEY,
        report_id INTEGER NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
        code TEXT NOT NULL,
        message TEXT NOT NULL,
        installment INTEGER
    )""",
    "CREATE INDEX flags_report ON flags(report_id, installment)",
    """CREATE TABLE report_sources (
        report_id INTEGER NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
        file_id INTEGER NOT NULL REFERENCES files(id),
        ingested_at TEXT NOT NULL,
        replaced_at TEXT,
        PRIMARY KEY (report_id, file_id)
    )""",
    "CREATE INDEX report_sources_file ON report_sources(file_id)",
    # Agencies get a number each, for the agency facet below.
    "CREATE TABLE agencies (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE)",
    # Words: per installment (rowid = installments.id) the tokenised note, the tokenised OCR
    # form when repair changed it, the tokenised project name and agency, and facets: tokens
    # for the stage, fiscal year, flags, agency and code that search filters on inside the
    # full-text match (see bma_nlp.store.index.facets).
    f"""CREATE VIRTUAL TABLE notes_fts USING fts5(note, note_raw, header, facets, tokenize="{TOKEN_TOKENIZER}")""",
    # Fragments: the notes (rowid = installments.id) and the project header (rowid =
    # reports.id) as written, with facets as private-use trigrams. The header is indexed once
    # per report here, but once per installment in notes_fts above, where a query's words may
    # be split between the note and the header.
    "CREATE VIRTUAL TABLE notes_trigram USING fts5(note, note_raw, facets, tokenize='trigram')",
    "CREATE VIRTUAL TABLE headers_trigram USING fts5(header, facets, tokenize='trigram')",
    f"PRAGMA application_id = {APPLICATION_ID}",
)

# Schema 2: copies are the source of truth, records are derived from them (bma_nlp.pipeline.derive).
# Every copy read is kept (its text zlib-compressed, its file, place and rank); a report row
# records the pipeline version that derived it; people's corrections live apart and are
# applied on top of each derivation. Reports of a schema-1 archive have no stored copies
# until their file is ingested again (or found unchanged by ``reprocess``).
_V2 = (
    "ALTER TABLE files ADD COLUMN encoding TEXT",
    "ALTER TABLE files ADD COLUMN copies INTEGER",  # copies stored from this file; NULL: read by schema 1, none kept
    """CREATE TABLE copies (
        id INTEGER PRIMARY KEY,
        file_id INTEGER NOT NULL REFERENCES files(id),
        position INTEGER NOT NULL,
        report_key TEXT NOT NULL,
        rank INTEGER NOT NULL DEFAULT 0,
        chars INTEGER NOT NULL,
        text BLOB NOT NULL,
        UNIQUE (file_id, position)
    )""",
    "CREATE INDEX copies_report ON copies(report_key, rank)",
    "ALTER TABLE reports ADD COLUMN pipeline TEXT",  # NULL: derived by schema 1's ingest
    "ALTER TABLE reports ADD COLUMN derived_at TEXT",
    "ALTER TABLE reports ADD COLUMN corrections TEXT",  # JSON: Report.corrections as applied when written
    "CREATE INDEX reports_pipeline ON reports(pipeline)",
    """CREATE TABLE corrections (
        id INTEGER PRIMARY KEY,
        report_key TEXT NOT NULL,
        code TEXT,
        fiscal_year INTEGER,
        kind TEXT NOT NULL,
        field TEXT NOT NULL,
        old TEXT,
        new TEXT,
        occurrence INTEGER NOT NULL DEFAULT 0,
        who TEXT NOT NULL DEFAULT '',
        why TEXT NOT NULL DEFAULT '',
        at TEXT NOT NULL,
        withdrawn_at TEXT,
        withdrawn_by TEXT,
        withdrawn_why TEXT
    )""",
    "CREATE INDEX corrections_report ON corrections(report_key)",
)

# Schema 3: each text is stored once. The two installment indexes become external-content FTS5
# tables that read their columns from views over ``installments`` and ``reports`` instead of
# keeping a copy: the token strings and facet strings move into columns of their own, and the
# project header's tokens, which notes_fts held once per installment (half of the archive's
# bytes), are kept once per report. The indexes themselves are unchanged (the same text per
# row is tokenised), so search finds and ranks exactly as before. A row's index entries are
# removed while its installment and report rows still hold the text it was indexed with (a
# DELETE on an external-content table re-reads that text): see ``Archive._clear_report``.
_NOTES_FTS_SOURCE = (
    "CREATE VIEW notes_fts_source AS SELECT i.id AS id, i.tokens AS note, i.raw_tokens AS note_raw, "
    "r.header_tokens AS header, i.facets AS facets FROM installments i JOIN reports r ON r.id = i.report_id"
)
_NOTES_TRIGRAM_SOURCE = (  # the OCR form only where repair changed the note, as before
    "CREATE VIEW notes_trigram_source AS SELECT id, note, CASE WHEN note_raw IS note THEN '' ELSE note_raw END AS note_raw, "
    "facet_trigrams AS facets FROM installments"
)
def _header_tokens(con: sqlite3.Connection) -> None:
    """A report's header tokens as ``store.work.index_report`` makes them now (name and agency)."""
    from bma_nlp.store.index import index_text

    rows = con.execute("SELECT id, name, agency FROM reports").fetchall()
    con.executemany(
        "UPDATE reports SET header_tokens = ? WHERE id = ?", [(index_text(" ".join(x for x in (name, agency) if x)), rid) for rid, name, agency in rows]
    )


_V3 = (
    "ALTER TABLE installments ADD COLUMN tokens TEXT",  # the note's tokens (token index)
    "ALTER TABLE installments ADD COLUMN raw_tokens TEXT",  # the OCR form's tokens where repair changed the note, else ''
    "ALTER TABLE installments ADD COLUMN facets TEXT",  # filter tokens (token index)
    "ALTER TABLE installments ADD COLUMN facet_trigrams TEXT",  # the same as private-use trigrams (trigram index)
    "ALTER TABLE reports ADD COLUMN header_tokens TEXT",  # name and agency, tokenised (the narrative is in headers_trigram, once per report)
    "UPDATE installments SET (tokens, raw_tokens, facets) = (SELECT note, note_raw, facets FROM notes_fts WHERE notes_fts.rowid = installments.id)",
    "UPDATE installments SET facet_trigrams = (SELECT facets FROM notes_trigram WHERE notes_trigram.rowid = installments.id)",
    _header_tokens,  # schema 2 indexed the narrative with them: tokenised again from name and agency
    "DROP TABLE notes_fts",
    "DROP TABLE notes_trigram",
    _NOTES_FTS_SOURCE,
    _NOTES_TRIGRAM_SOURCE,
    f"""CREATE VIRTUAL TABLE notes_fts USING fts5(note, note_raw, header, facets, content='notes_fts_source', content_rowid='id', tokenize="{TOKEN_TOKENIZER}")""",
    "CREATE VIRTUAL TABLE notes_trigram USING fts5(note, note_raw, facets, content='notes_trigram_source', content_rowid='id', tokenize='trigram')",
    "INSERT INTO notes_fts (notes_fts) VALUES ('rebuild')",
    "INSERT INTO notes_trigram (notes_trigram) VALUES ('rebuild')",
)

# Schema 4: the last texts stored twice. The project header that headers_trigram kept a copy of
# (name, agency and the narrative: a report's longest text) is read through a view over
# ``reports`` too, the narrative from its ``extra`` JSON, joined as ``store.work`` joined it
# (non-empty parts, one space between; the view is the one place that says what the header
# is: the writer indexes a report by reading it back through the view). Its facets get a
# column. An installment's OCR form (``note_raw``) is NULL where it equals the note (repair
# changed nothing: most notes), and read back as the note (``stored_note_raw``, ``read_column``);
# the narrative's OCR forms in ``reports.extra`` likewise (``pack_extra``, ``unpack_extra``).
_HEADERS_TRIGRAM_SOURCE = (
    "CREATE VIEW headers_trigram_source AS SELECT id, coalesce(("
    "WITH RECURSIVE k(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM k "
    "WHERE n + 1 < max(json_array_length(extra, '$.objectives'), json_array_length(extra, '$.targets'))) "
    "SELECT group_concat(v, ' ') FROM (SELECT v FROM ("
    "SELECT 0 AS part, 0 AS n, name AS v UNION ALL SELECT 1, 0, agency UNION ALL SELECT 2, 0, json_extract(extra, '$.rationale') "
    "UNION ALL SELECT 3, n, json_extract(extra, '$.objectives[' || n || ']') FROM k "
    "UNION ALL SELECT 4, n, json_extract(extra, '$.targets[' || n || ']') FROM k"
    ") WHERE v IS NOT NULL AND v <> '' ORDER BY part, n)), '') AS header, header_facets AS facets FROM reports"
)
_NOTES_TRIGRAM_SOURCE_4 = (  # the OCR form only where repair changed the note (NULL: it did not)
    "CREATE VIEW notes_trigram_source AS SELECT id, note, coalesce(nullif(note_raw, note), '') AS note_raw, "
    "facet_trigrams AS facets FROM installments"
)


def _pack_narrative(con: sqlite3.Connection) -> None:
    """Leave out of ``reports.extra`` the narrative's OCR forms that equal the repaired fields; a
    form a schema-3 writer did not store (an archive older than the narrative) is written as
    the record's default instead, since from now on a missing one means "as repaired"."""
    from bma_nlp.records import Project

    defaults = Project()
    updates = []
    for rid, text in con.execute("SELECT id, extra FROM reports WHERE extra IS NOT NULL").fetchall():
        extra = json.loads(text)
        for _, raw in _RAW_FORMS:
            extra.setdefault(raw, getattr(defaults, raw))
        updates.append((json.dumps(pack_extra(extra), ensure_ascii=False), rid))
    con.executemany("UPDATE reports SET extra = ? WHERE id = ?", updates)


_V4 = (
    _pack_narrative,
    "ALTER TABLE reports ADD COLUMN header_facets TEXT",  # the header's filter trigrams (store.index.header_facets)
    "UPDATE reports SET header_facets = (SELECT facets FROM headers_trigram WHERE headers_trigram.rowid = reports.id)",
    "DROP TABLE headers_trigram",
    _HEADERS_TRIGRAM_SOURCE,
    "CREATE VIRTUAL TABLE headers_trigram USING fts5(header, facets, content='headers_trigram_source', content_rowid='id', tokenize='trigram')",
    "INSERT INTO headers_trigram (headers_trigram) VALUES ('rebuild')",
    # notes_trigram's rows stay as they are: its view gives the same text for a NULL as for a copy of the note
    "DROP VIEW notes_trigram_source",
    _NOTES_TRIGRAM_SOURCE_4,
    "UPDATE installments SET note_raw = NULL WHERE note_raw = note",
)

# A step is SQL, or a function of the connection where SQL cannot say it (tokenising).
MIGRATIONS: list[tuple[str | Callable[[sqlite3.Connection], None], ...]] = [_V1, _V2, _V3, _V4]
SCHEMA_VERSION = len(MIGRATIONS)

# "Is one of a list", the whole list bound as ONE parameter (a JSON array made by ``values_param``):
# SQLite caps the number of ``?`` in a statement (SQLITE_LIMIT_VARIABLE_NUMBER), and a search or a
# reprocess can ask about hundreds of thousands of ids or keys at once.
IN_VALUES = "IN (SELECT value FROM json_each(?))"


def values_param(values: Iterable[Any]) -> str:
    """The parameter ``IN_VALUES`` (or ``json_each(?)``) reads: ``values`` as one JSON array."""
    return json.dumps(list(values))


# The record fields that have their own column. Any other field of ``Project`` or
# ``Installment`` (one added after this schema) is kept in the row's ``extra`` JSON, so nothing
# is lost before a migration gives it a column.
PROJECT_COLUMNS = (
    "name", "code", "fiscal_year", "start_date", "end_date", "budget_received", "budget_used", "agency",
    "coordinator", "coordinator_phone", "responsible", "strategy", "sub_strategy", "goal", "indicator",
)  # fmt: skip
INSTALLMENT_COLUMNS = (
    "number", "date", "note", "note_raw", "progress_pct", "disbursed_baht", "disbursement_no", "on_plan",
    "on_target", "stage", "stage_confidence", "stage_source", "report_no",
)  # fmt: skip


# The narrative's OCR forms beside the fields they were repaired into (records.NARRATIVE_FIELDS).
_RAW_FORMS = tuple((name, f"{name}_raw") for name in NARRATIVE_FIELDS)


def pack_extra(extra: dict[str, Any]) -> dict[str, Any]:
    """A record's ``extra`` JSON as stored (schema 4): a narrative field's OCR form is left out
    where it equals the field (repair changed nothing); ``unpack_extra`` puts it back."""
    same = {raw for name, raw in _RAW_FORMS if name in extra and raw in extra and extra[raw] == extra[name]}
    return {k: v for k, v in extra.items() if k not in same}


def unpack_extra(extra: dict[str, Any]) -> dict[str, Any]:
    """``extra`` as read back: an OCR form left out is the repaired field (a copy of it)."""
    for name, raw in _RAW_FORMS:
        if name in extra and raw not in extra:
            extra[raw] = list(extra[name]) if isinstance(extra[name], list) else extra[name]
    return extra


def pack_copy(text: str) -> bytes:
    """A copy's text as the ``copies`` table holds it (compressed by the worker that read it,
    so the single writer does not spend its time on it)."""
    return zlib.compress(text.encode("utf-8"), 6)


def unpack_copy(blob: bytes) -> str:
    return zlib.decompress(blob).decode("utf-8")


def stored_note_raw(note: str | None, note_raw: str | None) -> str | None:
    """What the ``note_raw`` column holds: the OCR form where repair changed the note, else NULL
    (``read_column`` reads a NULL back as the note)."""
    return None if note_raw == note else note_raw


_READ_AS = {"note_raw": "coalesce({t}note_raw, {t}note)"}  # a NULL OCR form is the note itself (stored_note_raw)


def read_value(column: str, table: str = "") -> str:
    """SQL for an installment column's value as a record has it, in a condition (``table``: an
    alias with its dot, ``i.``)."""
    expression = _READ_AS.get(column)
    return expression.format(t=table) if expression else f"{table}{column}"


def read_column(column: str, table: str = "") -> str:
    """``read_value`` in a select list: named as the column when it is an expression."""
    value = read_value(column, table)
    return f"{value} AS {column}" if column in _READ_AS else value


# The page cache of a connection that writes many files (``writer_settings``; SQLite's default
# is 2 MB): it keeps the interior and recent pages of the B-trees that grow in random key order
# (files by hash, reports by key, copies by report, the repair evidence) and of the FTS5 segments
# being merged, instead of reading them again for most files of a large archive. Measured with
# ``scripts/bench_writer.py`` (docs/performance.md). SQLite allocates it as pages are
# used; readers keep the default. The write-ahead log is copied back into the file (a checkpoint)
# every WRITER_CHECKPOINT_PAGES pages instead of SQLite's 1,000: the pages a commit rewrites every
# time (index interiors, the FTS5 structure records) are copied once per checkpoint, and the log
# stays under about 40 MB.
WRITER_CACHE_KIB = 256 * 1024
WRITER_CHECKPOINT_PAGES = 10_000


def writer_settings(con: sqlite3.Connection) -> None:
    """Set up a connection that is about to write many files (ingest, reprocess)."""
    con.execute(f"PRAGMA cache_size = -{WRITER_CACHE_KIB}")
    con.execute(f"PRAGMA wal_autocheckpoint = {WRITER_CHECKPOINT_PAGES}")


def _version(con: sqlite3.Connection) -> int:
    return int(con.execute("PRAGMA user_version").fetchone()[0])


def check_archive(con: sqlite3.Connection, where: str) -> int:
    """Refuse files that are not (or not yet readable as) a bma-nlp archive; return its version."""
    try:
        version = _version(con)
        app_id = int(con.execute("PRAGMA application_id").fetchone()[0])
        has_tables = con.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] > 0
    except sqlite3.DatabaseError as exc:
        raise ArchiveError(f"not a bma-nlp archive ({exc})", where) from None
    if app_id != APPLICATION_ID and (version or has_tables):
        raise ArchiveError("an SQLite database, but not a bma-nlp archive", where)
    if version > SCHEMA_VERSION:
        raise ArchiveError(f"archive schema {version} is newer than this bma-nlp reads ({SCHEMA_VERSION}); upgrade bma-nlp", where)
    return version


def migrate(con: sqlite3.Connection, where: str, version: int) -> int:
    """Bring the archive from ``version`` (as ``_snapshot_check`` read it) up to SCHEMA_VERSION,
    one transaction per migration.

    Every check reads one snapshot: checked in autocommit, the application id could be read
    before another process's creating transaction commits and the tables after it; so each
    migration checks the file again inside its own write transaction."""
    while version < SCHEMA_VERSION:
        try:
            con.execute("BEGIN IMMEDIATE")
            version = check_archive(con, where)  # another process may have migrated meanwhile
            if version < SCHEMA_VERSION:
                for statement in MIGRATIONS[version]:
                    if callable(statement):
                        statement(con)
                    else:
                        con.execute(statement)
                con.execute(f"PRAGMA user_version = {version + 1}")
            con.execute("COMMIT")
        except BaseException as exc:
            if con.in_transaction:
                con.execute("ROLLBACK")
            if isinstance(exc, sqlite3.Error) and ("no such module" in str(exc) or "no such tokenizer" in str(exc)):
                raise ArchiveError(f"this Python's SQLite {sqlite3.sqlite_version} lacks FTS5 or its trigram tokenizer (SQLite >= 3.34 needed)", where) from None
            if isinstance(exc, sqlite3.Error):
                raise ArchiveError(f"cannot upgrade the archive to schema {version + 1}: {exc}", where) from None
            raise
        version = _version(con)
    return version


def _snapshot_check(con: sqlite3.Connection, where: str) -> tuple[int, bool]:
    """``check_archive`` inside one read transaction, so that another process creating the
    archive at the same moment is seen before or after, never half-way; and whether it has tables."""
    con.execute("BEGIN")
    try:
        version = check_archive(con, where)
        has_tables = con.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] > 0
    finally:
        if con.in_transaction:
            con.execute("COMMIT")
    return version, has_tables


def _open_readonly(p: Path, timeout: float) -> sqlite3.Connection:
    """Read-only, writing nothing (no -wal/-shm created): ``mode=ro``, or, in a folder where the
    -shm file cannot be created (so no process can be writing), ``immutable=1``."""
    uri = p.resolve().as_uri()
    con = sqlite3.connect(f"{uri}?mode=ro", uri=True, timeout=timeout, isolation_level=None)
    try:
        con.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return con
    except sqlite3.OperationalError:
        con.close()
    return sqlite3.connect(f"{uri}?immutable=1", uri=True, timeout=timeout, isolation_level=None)


def _writable(p: Path) -> bool:
    return os.access(p, os.W_OK) and os.access(p.parent if str(p.parent) else Path("."), os.W_OK)


def connect(path: str | os.PathLike[str], *, create: bool = True, timeout: float = 10.0, readonly: bool | None = None) -> sqlite3.Connection:
    """Open (and create or upgrade) an archive. Autocommit mode: callers BEGIN/COMMIT themselves.

    ``create=False``: refuse a missing file, and an existing file that holds no archive (a
    zero-byte file stays untouched). ``readonly``: open without writing anything; by default,
    an existing archive that this process cannot write to (or whose folder it cannot write to)
    is opened that way, so it can still be searched. Opening waits for other processes
    creating or upgrading the same archive (up to ``timeout`` seconds) instead of failing.
    """
    where = str(path)
    p = Path(path)
    if p.is_dir():
        raise ArchiveError("is a directory, not an archive file", where)
    if not create and not p.exists():
        raise ArchiveError("no archive here (create one with `bma-nlp ingest`)", where)
    if readonly is None:
        readonly = not create and not _writable(p)
    deadline = time.monotonic() + timeout
    while True:
        con: sqlite3.Connection | None = None
        try:
            con = _open_readonly(p, timeout) if readonly else sqlite3.connect(where, timeout=timeout, isolation_level=None)
            version, has_tables = _snapshot_check(con, where)
            if not create and not version and not has_tables:
                raise ArchiveError("holds no bma-nlp archive (an empty database); create one with `bma-nlp ingest`", where)
            if readonly:
                if version < SCHEMA_VERSION:
                    raise ArchiveError(f"archive schema {version} needs an upgrade, which needs write access to it and its folder", where)
                con.execute("PRAGMA query_only = ON")
                return con
            con.execute("PRAGMA journal_mode = WAL")
            con.execute("PRAGMA synchronous = NORMAL")
            con.execute("PRAGMA foreign_keys = ON")
            migrate(con, where, version)
            return con
        except ArchiveError:
            if con is not None:
                con.close()
            raise
        except sqlite3.Error as exc:
            if con is not None:
                con.close()
            busy = isinstance(exc, sqlite3.OperationalError) and ("locked" in str(exc) or "busy" in str(exc))
            if busy and time.monotonic() < deadline:  # another process is creating or upgrading it
                time.sleep(0.05)
                continue
            raise ArchiveError(f"cannot open the archive: {exc}", where) from None
