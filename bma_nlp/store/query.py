"""Reading the archive: filters, ranked search, reports rebuilt from rows, statistics."""

from __future__ import annotations

import datetime as _dt
import json
import math
import re
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field, fields
from typing import Any

from bma_nlp.errors import InputError
from bma_nlp.records import STAGES, Flag, Installment, Project, Report
from bma_nlp.store import UNKNOWN_STAGE  # defined in the package: the CLI builds --stage without importing this module
from bma_nlp.store.index import (
    FLAG_FACET,
    FLAG_TRIGRAM,
    QueryPlan,
    agency_facet,
    agency_trigram,
    code_facet,
    fts_phrase,
    plan_query,
    snippet,
    stage_facet,
    stage_trigram,
    year_facet,
    year_trigram,
)  # fmt: skip
from bma_nlp.store.schema import (
    IN_VALUES,
    INSTALLMENT_COLUMNS,
    PROJECT_COLUMNS,
    read_column,
    read_value,
    unpack_extra,
    values_param,
)

_PROJECT_FIELDS = {f.name for f in fields(Project)}
_INSTALLMENT_FIELDS = {f.name for f in fields(Installment)}
_BOOL_COLUMNS = {"on_plan", "on_target"}


@dataclass
class Hit:
    """One installment found by a search."""

    code: str | None
    fiscal_year: int | None
    project: str | None
    installment: int
    date: str | None
    stage: str | None
    note: str
    snippet: str
    score: float | None  # higher is better; None for a listing without a query
    # what a list of projects wants beside the note: who, how far, how much spent
    agency: str | None = None
    progress_pct: float | None = None
    disbursed_baht: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


HIT_FIELDS = [f.name for f in fields(Hit)]


def _iso_date(value: str | _dt.date | None, name: str) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, _dt.date):
        return value.isoformat()[:10]
    try:
        return _dt.date.fromisoformat(str(value)).isoformat()
    except ValueError:
        raise ValueError(f"{name} must be an ISO date (YYYY-MM-DD), not {value!r}") from None


@dataclass
class Filters:
    """What ``search``, ``reports`` and ``export`` narrow down to.

    stage: one of STAGES or "unknown" (no stage); year: fiscal year, BE (a CE year such as 2023
    is taken as BE 2566); agency: substring of the agency; code: the project code or a prefix of
    it (``50070000`` = one unit's projects); since/until: installment dates, inclusive;
    flagged: the installment, or its report as a whole, has a flag; latest: only each
    report's latest installment (its highest ordinal), so ``stage`` then selects the projects
    whose latest report is at that stage ("still in procurement").
    """

    stage: str | None = None
    year: int | None = None
    agency: str | None = None
    code: str | None = None
    since: str | _dt.date | None = None
    until: str | _dt.date | None = None
    flagged: bool = False
    corrected: bool = False  # the report has a person's correction (active)
    latest: bool = False  # only each report's latest installment

    def report_conditions(self) -> tuple[list[str], list[Any]]:
        conds: list[str] = []
        params: list[Any] = []
        if self.year is not None:
            conds.append("r.fiscal_year = ?")
            params.append(_be_year(self.year))
        if self.agency and self.agency.strip():
            conds.append("instr(r.agency, ?) > 0")
            params.append(self.agency.strip())
        if self.code and self.code.strip():
            cond, cparams = _code_condition(self.code.strip())
            conds.append(cond)
            params += cparams
        if self.corrected:
            conds.append(_CORRECTED_REPORT)
        return conds, params

    def installment_conditions(self) -> tuple[list[str], list[Any]]:
        conds: list[str] = []
        params: list[Any] = []
        if self.stage:
            stage = self.stage.strip().lower()
            if stage == UNKNOWN_STAGE:
                conds.append("i.stage IS NULL")
            else:
                conds.append("i.stage = ?")
                params.append(stage)
        since, until = _iso_date(self.since, "since"), _iso_date(self.until, "until")
        if since:
            conds.append("i.date >= ?")
            params.append(since)
        if until:
            conds.append("i.date <= ?")
            params.append(until)
        if self.latest:
            conds.append(LATEST_INSTALLMENT)
        return conds, params

    def installment_conditions_sql(self) -> tuple[str, list[Any]]:
        conds, params = self.installment_conditions()
        return " AND ".join(conds) or "1", params

    def for_installments(self) -> tuple[str, list[Any]]:
        """SQL (``AND ...``) on aliases ``i`` (installments) and ``r`` (reports)."""
        rc, rp = self.report_conditions()
        ic, ip = self.installment_conditions()
        conds = rc + ic
        if self.flagged:
            conds.append(_FLAGGED_INSTALLMENT)
        return "".join(f" AND {c}" for c in conds), rp + ip

    def for_reports(self) -> tuple[str, list[Any]]:
        """SQL (``AND ...``) on alias ``r``: a report matches when any installment does (with
        ``latest``: when its latest installment does)."""
        rc, rp = self.report_conditions()
        ic, ip = self.installment_conditions()
        conds = list(rc)
        if ic:
            conds.append("EXISTS (SELECT 1 FROM installments i WHERE i.report_id = r.id AND " + " AND ".join(ic) + ")")
        if self.flagged:
            conds.append("EXISTS (SELECT 1 FROM flags f WHERE f.report_id = r.id)")
        return "".join(f" AND {c}" for c in conds), rp + ip


# The report's latest installment: an index seek per row (UNIQUE (report_id, number)), for
# filters; counts over the whole archive join LATEST_INSTALLMENTS instead (one pass, 3x faster).
LATEST_INSTALLMENT = "i.number = (SELECT max(l.number) FROM installments l WHERE l.report_id = i.report_id)"
LATEST_INSTALLMENTS = (
    "JOIN (SELECT report_id, max(number) AS last FROM installments GROUP BY report_id) latest "
    "ON latest.report_id = i.report_id AND latest.last = i.number"
)
_CORRECTED_REPORT = "EXISTS (SELECT 1 FROM corrections c WHERE c.report_key = r.key AND c.withdrawn_at IS NULL)"
_FLAGGED_INSTALLMENT = "EXISTS (SELECT 1 FROM flags f WHERE f.report_id = r.id AND (f.installment IS NULL OR f.installment = i.number))"

# An agency filter matching up to this many different agency names becomes a facet condition
# (an OR of their numbers); beyond it, a plain SQL test.
MAX_AGENCY_FACETS = 300


@dataclass
class _Target:
    """Filters for one FTS table: conditions inside its MATCH, and the rest as SQL."""

    match: str = ""  # appended to the MATCH expression
    where: str = ""  # appended to the SQL WHERE
    params: list[Any] = field(default_factory=list)
    # The same facet conditions as values, ANDed, each a tuple of alternatives (any one will
    # do): a row's facets column can be tested with them outside FTS5 (``_passes``). None once
    # a condition came without its values.
    tests: list[tuple[str, ...]] | None = field(default_factory=list)

    def facet(self, expression: str, values: tuple[str, ...] | None = None) -> None:
        self.match += f" AND facets : {expression}"
        if values is None:
            self.tests = None
        elif self.tests is not None:
            self.tests.append(values)

    def sql(self, condition: str, params: list[Any]) -> None:
        self.where += f" AND {condition}"
        self.params += params


@dataclass
class _FacetPlan:
    tables: dict[str, _Target]
    nothing: bool = False  # a filter no row can pass (an agency that is not in the archive)


def facet_plan(con: sqlite3.Connection, f: Filters) -> _FacetPlan:
    """Split the filters per FTS table: what each table's facets column can test, and SQL for the rest."""
    token, notes, headers = _Target(), _Target(), _Target()
    plan = _FacetPlan({"notes_fts": token, "notes_trigram": notes, "headers_trigram": headers})
    if f.stage:
        stage = None if f.stage.strip().lower() == UNKNOWN_STAGE else f.stage.strip()
        token.facet(fts_phrase(stage_facet(stage)), (stage_facet(stage),))
        notes.facet(fts_phrase(stage_trigram(stage)), (stage_trigram(stage),))
        headers.sql(*Filters(stage=f.stage).installment_conditions_sql())
    if f.year is not None:
        token.facet(fts_phrase(year_facet(_be_year(f.year))), (year_facet(_be_year(f.year)),))
        notes.facet(fts_phrase(year_trigram(_be_year(f.year))), (year_trigram(_be_year(f.year)),))
        headers.facet(fts_phrase(year_trigram(_be_year(f.year))), (year_trigram(_be_year(f.year)),))
    if f.flagged:
        token.facet(fts_phrase(FLAG_FACET), (FLAG_FACET,))
        notes.facet(fts_phrase(FLAG_TRIGRAM), (FLAG_TRIGRAM,))
        headers.sql(_FLAGGED_INSTALLMENT, [])
    if f.agency and f.agency.strip():
        ids = [row[0] for row in con.execute("SELECT id FROM agencies WHERE instr(name, ?) > 0 LIMIT ?", (f.agency.strip(), MAX_AGENCY_FACETS + 1))]
        if not ids:
            plan.nothing = True
        elif len(ids) <= MAX_AGENCY_FACETS:
            tokens, trigrams = tuple(agency_facet(i) for i in ids), tuple(agency_trigram(i) for i in ids)
            token.facet("(" + " OR ".join(fts_phrase(t) for t in tokens) + ")", tokens)
            notes.facet("(" + " OR ".join(fts_phrase(t) for t in trigrams) + ")", trigrams)
            headers.facet("(" + " OR ".join(fts_phrase(t) for t in trigrams) + ")", trigrams)
        else:
            for target in plan.tables.values():
                target.sql("instr(r.agency, ?) > 0", [f.agency.strip()])
    if f.code and f.code.strip():
        token.facet(fts_phrase(code_facet(f.code.strip())) + " *")  # narrows fast, but folds - _ % . into one letter:
        token.sql(*_code_condition(f.code.strip()))  # the exact condition decides, as it does without a query
        notes.sql(*_code_condition(f.code.strip()))
        headers.sql(*_code_condition(f.code.strip()))
    if f.corrected:
        for target in plan.tables.values():
            target.sql(_CORRECTED_REPORT, [])
    dates = Filters(since=f.since, until=f.until)
    if dates.since or dates.until:
        for target in plan.tables.values():
            target.sql(*dates.installment_conditions_sql())
    if f.latest:  # which installment is latest changes as reports grow: a row test, not a facet
        for target in plan.tables.values():
            target.sql(LATEST_INSTALLMENT, [])
    return plan


def _be_year(year: int) -> int:
    try:
        year = int(year)
    except (TypeError, ValueError):
        raise InputError(f"year must be a number, not {year!r}") from None
    if not 1 <= year <= 9999:  # also keeps the value inside SQLite's 64-bit integers
        raise InputError(f"year {year} is not a fiscal year (BE 2566, or CE 2023)")
    return year + 543 if year < 2400 else year


def _code_condition(code: str) -> tuple[str, list[Any]]:
    escaped = code.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return "(r.code = ? OR r.code LIKE ? ESCAPE '\\')", [code, escaped + "%"]


MAX_LIMIT = 2**62  # more rows than any archive holds, and n + offset stays a SQLite integer


def _limit(limit: int | None) -> int:
    return -1 if limit is None or limit <= 0 else min(int(limit), MAX_LIMIT)


def _shorten(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def _coverage(text: str | None, terms: list[str]) -> int:
    """How much of the query ``text`` shows: the summed length of the terms found in it."""
    low = (text or "").lower()
    return sum(len(t) for t in terms if t.lower() in low)


def _hit_snippet(row: sqlite3.Row, plan: QueryPlan, width: int) -> str:
    """Highlight the original text where the query shows best: the note, its OCR form, or
    (after the start of the note) the project name or agency."""
    note = row["note"] or ""
    candidates = [(note, "note"), (row["note_raw"] or "", "raw"), (row["name"] or "", "header"), (row["agency"] or "", "header")]
    best, kind = max(candidates, key=lambda c: _coverage(c[0], plan.terms))  # first of equals: the note
    found = snippet(best, plan.terms, width if kind != "header" else width // 2)
    if found is None:
        return _shorten(note, width)
    if kind == "raw":
        return "OCR: " + found
    if kind == "header":
        return (_shorten(note, width // 2) + " — " if note else "") + found
    return found


# A query part too short for trigrams, checked in the installment's texts (in search and facet counts).
SHORT_PART_CONDITION = f"(instr(i.note, ?) OR instr({read_value('note_raw', 'i.')}, ?) OR instr(coalesce(r.name, ''), ?) OR instr(coalesce(r.agency, ''), ?))"
_HIT_COLUMNS = f"i.id, r.code, r.fiscal_year, r.name, r.agency, i.number, i.date, i.stage, i.note, i.progress_pct, i.disbursed_baht, {read_column('note_raw', 'i.')}"


def _fetch_hits(con: sqlite3.Connection, ranked: list[tuple[int, float | None]], plan: QueryPlan, width: int) -> list[Hit]:
    if not ranked:
        return []
    ids = [i for i, _ in ranked]
    rows = {
        row["id"]: row
        for row in con.execute(
            f"SELECT {_HIT_COLUMNS} FROM installments i JOIN reports r ON r.id = i.report_id WHERE i.id {IN_VALUES}", (values_param(ids),)
        )
    }
    hits = []
    for iid, score in ranked:
        row = rows[iid]
        hits.append(
            Hit(
                code=row["code"], fiscal_year=row["fiscal_year"], project=row["name"], installment=row["number"],
                date=row["date"], stage=row["stage"], note=row["note"] or "",
                snippet=_hit_snippet(row, plan, width) if plan.terms else _shorten(row["note"] or "", width),
                score=None if score is None else round(-score, 4),
                agency=row["agency"], progress_pct=row["progress_pct"], disbursed_baht=row["disbursed_baht"],
            )
        )  # fmt: skip
    return hits


# Ranking that holds at a million installments. FTS5's bm25() reads the whole row list of
# every phrase of the query (filter facets and common words included) to count how many rows
# hold it, so its cost grows with the archive whatever the query; and a count(*) of all
# matches is a full pass too. Instead, each table is probed for its PROBE most recently stored
# matches (FTS5 walks the row lists backwards and stops there; filters are facets inside the
# MATCH, so they narrow before anything is read), and those candidates are ranked by BM25
# computed here from their own text, with each term's document frequency counted only up to
# DF_CAP rows (a term in more rows than that gets the floor weight: it tells notes apart
# little anyway). A query matching fewer than PROBE rows is ranked whole, as before. Project
# headers are probed per report, with a tenth of PROBE.
PROBE = 250
DF_CAP = 5000
_K1, _B = 1.2, 0.75

# Column weights (the facets column never scores): note, OCR text, project header.
_COLUMNS = {
    "notes_fts": (("note", 1.0), ("note_raw", 0.5), ("header", 0.3)),
    "notes_trigram": (("note", 1.0), ("note_raw", 0.5)),
    "headers_trigram": (("header", 1.0),),
}


# The columns a query's words are matched in: never ``facets``, whose tokens (``f``, ``sapproval``)
# no note contains; only a filter may match those.
_TEXT_COLUMNS = {"notes_fts": "{note note_raw header}", "notes_trigram": "{note note_raw}", "headers_trigram": "{header}"}


# The text each FTS table ranks by, read from its content view: the rows FTS5 itself reads for
# a rowid (the tables are external-content since schema 3; headers_trigram since schema 4, and
# a table that keeps its own copy is read itself). Read in one plain statement instead of
# through the FTS table, which looks each rowid of an IN list up with a call of its own; the
# ids go in as one JSON array, so the statement is prepared once per table and reused.
_CONTENT = re.compile(r"\bcontent\s*=\s*'([^']+)'", re.IGNORECASE)
_CONTENT_ROWID = re.compile(r"\bcontent_rowid\s*=\s*'([^']+)'", re.IGNORECASE)


def _content(con: sqlite3.Connection, table: str) -> tuple[str, str]:
    """(table or view, its id column) holding ``table``'s columns by FTS rowid."""
    row = con.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)).fetchone()
    sql = (row[0] or "") if row else ""
    content, key = _CONTENT.search(sql), _CONTENT_ROWID.search(sql)
    return (content.group(1), key.group(1) if key else "rowid") if content else (table, "rowid")


def _probe(con: sqlite3.Connection, table: str, text: str, target: _Target, size: int) -> list[tuple[int, int]]:
    """(installment id, FTS rowid) of the newest ``size`` matches of ``text`` (all when size
    < 0; headers: of the newest size/10 reports), newest first, filters applied."""
    if target.tests and not target.where and any(len(values) > 1 for values in target.tests):
        found = _probe_text_first(con, table, text, target, size)
        if found is not None:
            return found
    match = text + target.match
    if table == "headers_trigram":
        sql = (
            f"SELECT i.id, h.rid FROM (SELECT rowid AS rid FROM headers_trigram WHERE headers_trigram MATCH ? ORDER BY rowid DESC LIMIT {size // 10 if size > 0 else -1}) h "
            f"JOIN reports r ON r.id = h.rid JOIN installments i ON i.report_id = r.id WHERE 1{target.where} ORDER BY h.rid DESC, i.id"
        )
    elif not target.where:  # nothing to check row by row: FTS5 alone
        sql = f"SELECT rowid, rowid FROM {table} WHERE {table} MATCH ? ORDER BY rowid DESC LIMIT {size}"
    else:
        sql = (
            f"SELECT i.id, i.id FROM {table} JOIN installments i ON i.id = {table}.rowid JOIN reports r ON r.id = i.report_id "
            f"WHERE {table} MATCH ?{target.where} ORDER BY {table}.rowid DESC LIMIT {size}"
        )
    return [(row[0], row[1]) for row in con.execute(sql, [match, *target.params])]


# A facet condition with many alternatives (an office's agency names: dozens) makes FTS5 open
# a doclist per alternative in every index segment before it reads a row, and step them all
# together, whatever the query text. When the text alone has fewer matches than the probe
# takes, they are all at hand after one cheap walk: the facets are then tested on those rows
# (their facets column, as the index holds it) instead.
_FACET_TOKEN = re.compile(r"[^\W_]+")  # a facet token is letters and digits (store.index.facets): unicode61 splits the column there


def _passes(table: str, facets: str | None, tests: list[tuple[str, ...]]) -> bool:
    """Whether a row's facets column matches every facet condition (``facets : "..."``)."""
    text = (facets or "").lower()
    if table == "notes_fts":
        tokens = set(_FACET_TOKEN.findall(text))
        return all(any(v in tokens for v in values) for values in tests)
    return all(any(v in text for v in values) for values in tests)  # one trigram each: a substring


def _probe_text_first(con: sqlite3.Connection, table: str, text: str, target: _Target, size: int) -> list[tuple[int, int]] | None:
    """``_probe`` for facet conditions tested on the text's own matches, when these are fewer
    than the probe takes; None when they are not (FTS5 then narrows by the facets)."""
    if not 0 <= size <= PROBE:  # a caller asking for more (or all): the walk could be long, FTS5 narrows first
        return None
    limit = size // 10 if table == "headers_trigram" else size
    rowids = [row[0] for row in con.execute(f"SELECT rowid FROM {table} WHERE {table} MATCH ? ORDER BY rowid DESC LIMIT {limit}", (text,))]
    if limit <= len(rowids):
        return None
    source, key = _content(con, table)
    sql = f"SELECT {key}, facets FROM {source} WHERE {key} {IN_VALUES}"
    facets = dict(con.execute(sql, (values_param(rowids),)).fetchall())
    tests = target.tests or []
    kept = [rid for rid in rowids if rid in facets and _passes(table, facets[rid], tests)]
    if table != "headers_trigram":
        return [(rid, rid) for rid in kept]
    sql = (
        "SELECT i.id, h.rid FROM (SELECT value AS rid FROM json_each(?)) h JOIN reports r ON r.id = h.rid "
        "JOIN installments i ON i.report_id = r.id ORDER BY h.rid DESC, i.id"
    )
    return [(row[0], row[1]) for row in con.execute(sql, (values_param(kept),))]


def _texts(con: sqlite3.Connection, table: str, rowids: list[int]) -> dict[int, tuple[str | None, ...]]:
    """The scored columns' text of each FTS rowid (a rowid without a content row is left out)."""
    columns = ", ".join(c for c, _ in _COLUMNS[table])
    source, key = _content(con, table)
    sql = f"SELECT {key}, {columns} FROM {source} WHERE {key} {IN_VALUES}"
    return {row[0]: tuple(row[1:]) for row in con.execute(sql, (values_param(rowids),))}


def _document_frequency(con: sqlite3.Connection, table: str, term: str) -> int:
    """Rows holding ``term`` (in a scored column), counted up to DF_CAP."""
    columns = " ".join(c for c, _ in _COLUMNS[table])
    sql = f"SELECT count(*) FROM (SELECT 1 FROM {table} WHERE {table} MATCH ? LIMIT {DF_CAP})"
    return int(con.execute(sql, (f"{{{columns}}} : {fts_phrase(term)}",)).fetchone()[0])


def _rows(con: sqlite3.Connection, table: str) -> int:
    source = "reports" if table == "headers_trigram" else "installments"
    return int(con.execute(f"SELECT coalesce(max(id), 0) FROM {source}").fetchone()[0])


def _bm25(
    con: sqlite3.Connection, table: str, terms: list[str], texts: dict[int, tuple[str | None, ...]], known: dict[str, int] | None = None
) -> dict[int, float]:
    """BM25 of each row (by FTS rowid, its scored columns' ``texts``) for ``terms``, summed over
    the weighted columns. The token index counts whole tokens, the trigram indexes substrings
    (case-folded). ``known``: document frequencies the caller has counted already.

    Notes and headers repeat (a report's header is in each of its installments' rows, and
    progress notes recur word for word), so each distinct text of a column is measured and
    weighed once: its length, and the terms' contributions, which each row then adds up in
    the same order as a row by row count would (the same floating-point sums)."""
    if not texts:
        return {}
    columns = _COLUMNS[table]
    tokens = table == "notes_fts"
    # Counted with str.count (in C): a token as " token " in the space-joined token text, a
    # trigram table's term as a substring of the case-folded text.
    distinct: list[dict[str | None, tuple[int, str]]] = [{} for _ in columns]
    totals = [0] * len(columns)
    for cols in texts.values():
        for c, t in enumerate(cols):
            seen = distinct[c].get(t)
            if seen is None:
                low = f" {(t or '').lower()} " if tokens else (t or "").lower()
                seen = distinct[c][t] = (low.count(" ") - 1 if tokens else len(low), low)
            totals[c] += seen[0]
    average = [max(1.0, totals[c] / len(texts)) for c in range(len(columns))]
    n = max(_rows(con, table), 1)
    weights = []
    for term in terms:
        df = min(known[term] if known and term in known else _document_frequency(con, table, term), n)
        weights.append((f" {term.lower()} " if tokens else term.lower(), math.log(1 + (n - df + 0.5) / (df + 0.5))))
    parts: list[dict[str | None, list[float]]] = []
    for c, (_, weight) in enumerate(columns):
        by_text: dict[str | None, list[float]] = {}
        for t, (length, text) in distinct[c].items():
            norm = _K1 * (1 - _B + _B * length / average[c])
            adds = []
            for term, idf in weights:
                tf = text.count(term)
                if tf:
                    adds.append(weight * idf * tf * (_K1 + 1) / (tf + norm))
            by_text[t] = adds
        parts.append(by_text)
    scores: dict[int, float] = {}
    for rid, cols in texts.items():
        score = 0.0
        for c, t in enumerate(cols):
            for add in parts[c][t]:
                score += add
        scores[rid] = score
    return scores


def _ranked(con: sqlite3.Connection, table: str, match: str, target: _Target, n: int, terms: list[str], whole: bool = False) -> list[tuple[int, float]]:
    """(installment id, -score) of the best ``n`` (all when n < 0) among the probed matches
    of one FTS table, best first (ties: the installment stored first). ``whole``: ``match``
    is the one term of ``terms`` as a phrase, unfiltered, so a probe that comes back short
    has counted that term's rows (its document frequency) itself."""
    size = PROBE if 0 <= n <= PROBE else n  # a caller asking for more (or all) gets them probed
    found = _probe(con, table, f"{_TEXT_COLUMNS[table]} : {match}", target, size)
    if not found:
        return []
    known = None
    if whole and table != "headers_trigram" and not target.match and not target.where and (size < 0 or len(found) < size):
        known = {terms[0]: min(len(found), DF_CAP)}  # every row holding the term (one probe row per FTS row here)
    scores = _bm25(con, table, terms, _texts(con, table, sorted({rid for _, rid in found})), known)
    ranked = sorted(((iid, -scores.get(rid, 0.0)) for iid, rid in found), key=lambda x: (x[1], x[0]))
    return ranked if n < 0 else ranked[:n]


def search(con: sqlite3.Connection, query: str, filters: Filters, limit: int | None = 20, width: int = 90) -> list[Hit]:
    """Rank installments by bm25 on the token index; when that gives fewer than ``limit``,
    fill up with trigram matches (fragments inside words: notes first, then project headers),
    ranked after them. An empty query lists what the filters select, in code order."""
    ranked, plan = ranked_installments(con, query, filters, limit)
    return _fetch_hits(con, ranked, plan, width)


def ranked_installments(con: sqlite3.Connection, query: str, filters: Filters, limit: int | None = 20) -> tuple[list[tuple[int, float | None]], QueryPlan]:
    """(installment id, bm25) in the order ``search`` returns them, and the query's plan."""
    plan = plan_query(query)
    n = _limit(limit)
    if not plan.text:
        where, params = filters.for_installments()
        listing = con.execute(
            f"SELECT i.id FROM installments i JOIN reports r ON r.id = i.report_id WHERE 1{where} ORDER BY r.code, r.fiscal_year, i.number LIMIT ?",
            [*params, n],
        )
        return [(row[0], None) for row in listing], plan
    facet = facet_plan(con, filters)
    if facet.nothing:
        return [], plan
    ranked: list[tuple[int, float | None]] = []
    if plan.token_match:
        token_terms = list(dict.fromkeys(t for alt in plan.token_alternatives for t in alt))
        ranked += _ranked(con, "notes_fts", f"({plan.token_match})", facet.tables["notes_fts"], n, token_terms, whole=len(token_terms) == 1)
    if plan.trigram_match:
        for table in ("notes_trigram", "headers_trigram"):
            if 0 <= n <= len(ranked):
                break
            target = facet.tables[table]
            for part in plan.short_parts:  # parts of the query too short for trigrams must still be there
                target.sql(SHORT_PART_CONDITION, [part] * 4)
            seen = {i for i, _ in ranked}
            rows = _ranked(con, table, f"({plan.trigram_match})", target, n if n < 0 else n + len(seen), plan.trigram_parts, whole=len(plan.trigram_parts) == 1)
            more = [(i, s) for i, s in rows if i not in seen]
            ranked += more if n < 0 else more[: n - len(ranked)]
    return ranked, plan


def report_ids(con: sqlite3.Connection, filters: Filters) -> list[int]:
    where, params = filters.for_reports()
    sql = f"SELECT r.id FROM reports r WHERE 1{where} ORDER BY r.code IS NULL, r.code, r.fiscal_year, r.id"
    return [row[0] for row in con.execute(sql, params)]


def _batches(ids: list[int], size: int) -> Iterator[list[int]]:
    for k in range(0, len(ids), size):
        yield ids[k : k + size]


def _record_values(row: sqlite3.Row, columns: tuple[str, ...], known: set[str]) -> dict[str, Any]:
    """Constructor arguments from a row: its columns plus its ``extra`` JSON, for the fields
    the record class has now (a field dropped since is ignored)."""
    values = {c: row[c] for c in columns if c in known}
    if row["extra"]:
        values.update((k, v) for k, v in unpack_extra(json.loads(row["extra"])).items() if k in known)
    return values


_INSTALLMENT_READ = ", ".join(["report_id", "extra", *(read_column(c) for c in INSTALLMENT_COLUMNS)])


def load_reports(con: sqlite3.Connection, ids: Iterable[int], batch: int = 500) -> Iterator[Report]:
    """Rebuild ``Report`` objects (as the pipeline made them) from their rows, in ``ids`` order."""
    for chunk in _batches(list(ids), batch):
        marks = ",".join("?" * len(chunk))
        reports: dict[int, Report] = {}
        for row in con.execute(f"SELECT * FROM reports WHERE id IN ({marks})", chunk):
            project = Project(**_record_values(row, PROJECT_COLUMNS, _PROJECT_FIELDS))
            reports[row["id"]] = Report(
                source=row["source"], encoding=row["encoding"], copies=row["copies"], project=project,
                sources=json.loads(row["sources"]), repairs=json.loads(row["repairs"]),
                corrections=json.loads(row["corrections"] or "[]"),
            )  # fmt: skip
        for row in con.execute(f"SELECT {_INSTALLMENT_READ} FROM installments WHERE report_id IN ({marks}) ORDER BY report_id, number", chunk):
            values = _record_values(row, INSTALLMENT_COLUMNS, _INSTALLMENT_FIELDS)
            for c in _BOOL_COLUMNS:
                if c in values:
                    values[c] = None if values[c] is None else bool(values[c])
            reports[row["report_id"]].installments.append(Installment(**values))
        for row in con.execute(f"SELECT * FROM flags WHERE report_id IN ({marks}) ORDER BY id", chunk):
            reports[row["report_id"]].flags.append(Flag(row["code"], row["message"], row["installment"]))
        for rid in chunk:
            yield reports[rid]


def stats(con: sqlite3.Connection, current_pipelines: list[str] | None = None) -> dict[str, Any]:
    one = lambda sql: con.execute(sql).fetchone()[0]  # noqa: E731
    stages: dict[str, int] = dict.fromkeys([*STAGES, UNKNOWN_STAGE], 0)
    for stage, n in con.execute("SELECT stage, count(*) FROM installments GROUP BY stage"):
        stages[stage or UNKNOWN_STAGE] = n
    stages_now: dict[str, int] = dict.fromkeys([*STAGES, UNKNOWN_STAGE], 0)  # reports by their latest installment's stage
    for stage, n in con.execute(f"SELECT i.stage, count(*) FROM installments i {LATEST_INSTALLMENTS} GROUP BY i.stage"):
        stages_now[stage or UNKNOWN_STAGE] = n
    flags = dict(con.execute("SELECT code, count(*) AS n FROM flags GROUP BY code ORDER BY n DESC, code").fetchall())
    years = {str(y) if y is not None else "unknown": n for y, n in con.execute("SELECT fiscal_year, count(*) FROM reports GROUP BY fiscal_year ORDER BY fiscal_year")}
    return {
        "schema_version": one("PRAGMA user_version"),
        "files": one("SELECT count(*) FROM files"),
        "reports": one("SELECT count(*) FROM reports"),
        "projects": one("SELECT count(DISTINCT code) FROM reports"),
        "installments": one("SELECT count(*) FROM installments"),
        "stages": stages,
        "stages_now": stages_now,
        "flags": flags,
        "flagged_reports": one("SELECT count(DISTINCT report_id) FROM flags"),
        "fiscal_years": years,
        "replaced": one("SELECT count(*) FROM report_sources WHERE replaced_at IS NOT NULL"),
        "repairs": one("SELECT coalesce(sum(json_array_length(repairs)), 0) FROM reports"),
        **archive_stats(con, current_pipelines or []),
    }


def archive_stats(con: sqlite3.Connection, current_pipelines: list[str]) -> dict[str, Any]:
    """Copies kept, their size, corrections, and reports derived by another pipeline version
    than this one (``current_pipelines``: its versions for each choice of steps; ``no_copies``:
    schema-1 reports without stored copies)."""
    one = lambda sql, *args: con.execute(sql, args).fetchone()[0]  # noqa: E731
    pipelines = dict(con.execute("SELECT coalesce(pipeline, 'schema 1'), count(*) FROM reports GROUP BY pipeline ORDER BY 2 DESC").fetchall())
    return {
        "copies": one("SELECT count(*) FROM copies"),
        "copy_bytes": one("SELECT coalesce(sum(length(text)), 0) FROM copies"),
        "copy_chars": one("SELECT coalesce(sum(chars), 0) FROM copies"),
        "corrections": one("SELECT count(*) FROM corrections WHERE withdrawn_at IS NULL"),
        "pipeline": current_pipelines[0] if current_pipelines else None,
        "pipelines": pipelines,
        "outdated": sum(n for p, n in pipelines.items() if p not in current_pipelines),
        "no_copies": one("SELECT count(*) FROM reports r WHERE NOT EXISTS (SELECT 1 FROM copies c WHERE c.report_key = r.key)"),
    }


def history(con: sqlite3.Connection, code: str, fiscal_year: int | None) -> list[dict[str, Any]]:
    """The files that produced a report over time, oldest first; ``current`` marks the stored one."""
    rows = con.execute(
        "SELECT f.path, f.sha256, s.ingested_at, s.replaced_at FROM reports r JOIN report_sources s ON s.report_id = r.id "
        "JOIN files f ON f.id = s.file_id WHERE r.code = ? AND r.fiscal_year IS ? ORDER BY s.ingested_at, f.id",
        (code, fiscal_year),
    )
    return [{"path": p, "sha256": h, "ingested_at": at, "replaced_at": rep, "current": rep is None} for p, h, at, rep in rows]
