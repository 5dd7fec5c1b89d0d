"""What a person browsing the archive reads: a page of search hits with facet counts, one
report with where it came from and how OCR repair changed it, and an overview of the archive.

The web app (``bma_nlp.web``) shows these and nothing else; they are plain queries on the
archive, built from the same filters and query plan as ``Archive.search``.
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from dataclasses import dataclass, field, fields
from typing import Any

from bma_nlp.records import NARRATIVE_FIELDS, STAGES, Flag, Report  # NARRATIVE_FIELDS: free-text parts of the form
from bma_nlp.store import query as _query
from bma_nlp.store.query import UNKNOWN_STAGE, Filters, Hit
from bma_nlp.store.schema import IN_VALUES, values_param

# Facets are shown in this order; the office is the first part of the agency ("สำนักงานเขตดุสิต"
# of "สำนักงานเขตดุสิต / ฝ่ายการศึกษา"), which the agency filter (a substring) selects again.
FACET_NAMES = ("stage", "year", "office", "flagged", "corrected", "latest")
OFFICE_SEPARATOR = "/"
MAX_OFFICES = 30  # offices listed in a facet (the largest first)


def office_of(agency: str | None) -> str | None:
    """The office an agency belongs to: its first part (a district office, a department)."""
    if not agency:
        return None
    return agency.split(OFFICE_SEPARATOR, 1)[0].strip() or None


@dataclass
class FacetValue:
    value: str  # what the filter takes to select it ("" when it cannot be selected)
    label: str
    count: int


@dataclass
class PageHit:
    """A search hit with what a page needs to link it and show how sure the stage is."""

    hit: Hit
    report_id: int
    installment_id: int
    stage_confidence: float | None
    stage_source: str | None
    flagged: bool
    corrected: bool  # its report has a person's correction


@dataclass
class SearchPage:
    query: str
    offset: int
    limit: int
    hits: list[PageHit]
    has_next: bool
    total: int  # installments matching the query and filters (counted: see ``complete``)
    complete: bool = True  # False: a broad query, counted over FACET_LIMIT of its matches
    facets: dict[str, list[FacetValue]] = field(default_factory=dict)


def search_page(
    con: sqlite3.Connection, query: str, filters: Filters, offset: int = 0, limit: int = 20, width: int = 160
) -> SearchPage:
    """Hits ``offset``..``offset+limit`` in ``search`` order, the number of matches and facet counts."""
    offset, limit = max(0, int(offset)), max(1, int(limit))
    ranked, plan = _query.ranked_installments(con, query, filters, offset + limit + 1)
    page = ranked[offset : offset + limit]
    hits = _query._fetch_hits(con, page, plan, width)
    ids = [i for i, _ in page]
    extra: dict[int, sqlite3.Row] = {}
    if ids:
        sql = (
            f"SELECT i.id, i.report_id, i.stage_confidence, i.stage_source, {_query._FLAGGED_INSTALLMENT} AS flagged, "
            f"{_query._CORRECTED_REPORT} AS corrected "
            f"FROM installments i JOIN reports r ON r.id = i.report_id WHERE i.id {IN_VALUES}"
        )
        extra = {row["id"]: row for row in con.execute(sql, (values_param(ids),))}
    page_hits = [
        PageHit(
            hit,
            extra[i]["report_id"],
            i,
            extra[i]["stage_confidence"],
            extra[i]["stage_source"],
            bool(extra[i]["flagged"]),
            bool(extra[i]["corrected"]),
        )
        for hit, i in zip(hits, ids, strict=True)
    ]
    total, complete, facets = facet_counts(con, query, filters)
    return SearchPage(query, offset, limit, page_hits, len(ranked) > offset + limit, total, complete, facets)


# Facet counts read one row per counted installment, so a query is counted over at most
# FACET_LIMIT of its most recently stored matches (unranked: FTS5 walks its doclist backwards
# and stops); a broader query says its counts are a sample. The listing (no
# query) is counted exactly, once per state of the archive.
FACET_LIMIT = 1000
_LISTING_CACHE: dict[tuple[Any, ...], tuple[int, bool, dict[str, list[FacetValue]]]] = {}
_LISTING_CACHE_SIZE = 64


def facet_counts(con: sqlite3.Connection, query: str, filters: Filters) -> tuple[int, bool, dict[str, list[FacetValue]]]:
    """(matches, whether every match was counted, facets): how the installments matching the
    query and filters fall by stage, fiscal year, office, flag and correction; each value
    narrows the current results further."""
    plan = _query.plan_query(query)
    if plan.text:
        rows, complete = matching_rows(con, plan, filters, FACET_LIMIT)
        return len(rows), complete, _counted(con, rows)
    key = (id(con), repr(filters), con.execute("PRAGMA data_version").fetchone()[0], con.total_changes)
    if key not in _LISTING_CACHE:
        where, params = filters.for_installments()
        total, facets = _grouped(con, f"installments i JOIN reports r ON r.id = i.report_id WHERE 1{where}", params)
        if len(_LISTING_CACHE) >= _LISTING_CACHE_SIZE:
            _LISTING_CACHE.clear()
        _LISTING_CACHE[key] = (total, True, facets)
    return _LISTING_CACHE[key]


def matching_ids(con: sqlite3.Connection, plan: _query.QueryPlan, filters: Filters, limit: int) -> tuple[list[int], bool]:
    """Installments a query matches (the indexes and filters ``search`` uses, unranked, in the
    order search consults them): at most ``limit``; and whether that was all of them."""
    facet = _query.facet_plan(con, filters)
    if facet.nothing:
        return [], True
    searches = [("notes_fts", plan.token_match)] if plan.token_match else []
    searches += [(t, plan.trigram_match) for t in ("notes_trigram", "headers_trigram")] if plan.trigram_match else []
    found: set[int] = set()
    complete = True
    for table, expression in searches:
        target = facet.tables[table]
        if table != "notes_fts":
            for part in plan.short_parts:  # as in search: parts too short for trigrams must be there too
                target.sql(_query.SHORT_PART_CONDITION, [part] * 4)
        if table == "headers_trigram":
            sql = (
                "SELECT i.id FROM headers_trigram JOIN reports r ON r.id = headers_trigram.rowid JOIN installments i ON i.report_id = r.id "
                f"WHERE headers_trigram MATCH ?{target.where} ORDER BY headers_trigram.rowid DESC LIMIT ?"
            )
        elif not target.where:
            sql = f"SELECT rowid FROM {table} WHERE {table} MATCH ? ORDER BY rowid DESC LIMIT ?"
        else:
            sql = (
                f"SELECT i.id FROM {table} JOIN installments i ON i.id = {table}.rowid JOIN reports r ON r.id = i.report_id "
                f"WHERE {table} MATCH ?{target.where} ORDER BY {table}.rowid DESC LIMIT ?"
            )
        rows = [row[0] for row in con.execute(sql, [f"({expression}){target.match}", *target.params, limit + 1])]
        found.update(rows[:limit])
        if len(rows) > limit or len(found) > limit:
            # search ranks the token index's matches first and fills up from the others only
            # when they are too few: so are they counted
            complete = False
            break
    return sorted(found)[-limit:], complete


def matching_rows(
    con: sqlite3.Connection, plan: _query.QueryPlan, filters: Filters, limit: int
) -> tuple[list[tuple[Any, ...]], bool]:
    """``matching_ids`` with what facets count of each (installment id, stage, fiscal year,
    agency, report id, installment number, report key), read in one pass in id order."""
    ids, complete = matching_ids(con, plan, filters, limit)
    sql = (
        "SELECT i.id, i.stage, r.fiscal_year, r.agency, r.id, i.number, r.key FROM installments i JOIN reports r ON r.id = i.report_id "
        f"WHERE i.id {IN_VALUES} ORDER BY i.id"
    )
    return [tuple(row) for row in con.execute(sql, [values_param(ids)])], complete


def _counted(con: sqlite3.Connection, rows: list[tuple[Any, ...]]) -> dict[str, list[FacetValue]]:
    """Facets of matches read by ``matching_rows``: their flags and corrections are looked up
    once for all their reports rather than once per installment."""
    reports = values_param(sorted({row[4] for row in rows}))
    keys = values_param(sorted({row[6] for row in rows if row[6] is not None}))
    flags = con.execute(
        f"SELECT report_id, installment FROM flags WHERE report_id {IN_VALUES}", [reports]
    ).fetchall()
    whole = {r for r, number in flags if number is None}  # a flag on the report flags each installment
    flagged_installments = {(r, number) for r, number in flags}
    corrected_keys = {
        row[0]
        for row in con.execute(
            f"SELECT DISTINCT report_key FROM corrections WHERE withdrawn_at IS NULL AND report_key {IN_VALUES}",
            [keys],
        )
    }
    last = dict(con.execute(f"SELECT report_id, max(number) FROM installments WHERE report_id {IN_VALUES} GROUP BY report_id", [reports]).fetchall())
    stages: Counter[str] = Counter()
    years: Counter[int | None] = Counter()
    offices: Counter[str | None] = Counter()
    flagged = corrected = latest = 0
    for _, stage, year, agency, report_id, number, key in rows:
        stages[stage or UNKNOWN_STAGE] += 1
        years[year] += 1
        offices[office_of(agency)] += 1
        flagged += report_id in whole or (report_id, number) in flagged_installments
        corrected += key in corrected_keys
        latest += last.get(report_id) == number
    return _facets(stages, years, offices, flagged, corrected, latest)


def _grouped(con: sqlite3.Connection, source: str, params: list[Any]) -> tuple[int, dict[str, list[FacetValue]]]:
    sql = (
        f"SELECT i.stage AS stage, r.fiscal_year AS year, r.agency AS agency, {_query._FLAGGED_INSTALLMENT} AS flagged, "
        f"{_query._CORRECTED_REPORT} AS corrected, {_query.LATEST_INSTALLMENT} AS latest, count(*) AS n FROM {source} GROUP BY 1, 2, 3, 4, 5, 6"
    )
    stages: Counter[str] = Counter()
    years: Counter[int | None] = Counter()
    offices: Counter[str | None] = Counter()
    flagged = corrected = latest = total = 0
    for row in con.execute(sql, params):
        n = row["n"]
        total += n
        stages[row["stage"] or UNKNOWN_STAGE] += n
        years[row["year"]] += n
        offices[office_of(row["agency"])] += n
        flagged += n if row["flagged"] else 0
        corrected += n if row["corrected"] else 0
        latest += n if row["latest"] else 0
    return total, _facets(stages, years, offices, flagged, corrected, latest)


def _facets(
    stages: Counter[str], years: Counter[int | None], offices: Counter[str | None], flagged: int, corrected: int, latest: int
) -> dict[str, list[FacetValue]]:
    return {
        "stage": [FacetValue(s, s, stages[s]) for s in (*STAGES, UNKNOWN_STAGE) if stages[s]],
        "year": [
            FacetValue("" if y is None else str(y), "unknown" if y is None else str(y), n)
            for y, n in sorted(years.items(), key=lambda kv: (kv[0] is None, -(kv[0] or 0)))
        ],
        "office": [
            FacetValue(o or "", o or "unknown", n)
            for o, n in sorted(offices.items(), key=lambda kv: (-kv[1], kv[0] or ""))[:MAX_OFFICES]
        ],
        "flagged": [FacetValue("1", "flagged", flagged)] if flagged else [],
        "corrected": [FacetValue("1", "corrected by a person", corrected)] if corrected else [],
        # each project's latest installment: with a stage, the projects still at that stage
        "latest": [FacetValue("1", "each report's latest installment", latest)] if latest else [],
    }


# -- one report -----------------------------------------------------------------------------


@dataclass
class Segment:
    """A piece of a repaired text: unchanged (``original`` None) or a repair of ``original``."""

    text: str
    original: str | None = None
    reason: str | None = None
    score: float | None = None


def repair_segments(text: str, changes: list[dict[str, Any]], raw: str | None = None) -> list[Segment] | None:
    """``text`` cut into unchanged pieces and repairs (each with the OCR text it replaced and
    why), from the repairs recorded in order (offsets refer to the text as it was before each
    change). ``raw`` is the OCR text when known; otherwise it is recovered by undoing the
    changes. None when the recorded changes do not fit the text (then show them as a list)."""
    if raw is None:
        raw = text
        for c in reversed(changes):
            start, replacement = int(c["start"]), str(c["replacement"])
            if raw[start : start + len(replacement)] != replacement:
                return None
            raw = raw[:start] + str(c["original"]) + raw[start + len(replacement) :]
    segments = [Segment(raw)]
    for c in changes:
        current = "".join(s.text for s in segments)
        start = int(c["start"]) if c.get("start") is not None else current.find(str(c["original"]))
        end = start + len(str(c["original"]))
        if start < 0 or current[start:end] != str(c["original"]):
            return None
        before: list[Segment] = []
        covered: list[Segment] = []
        after: list[Segment] = []
        pos = 0
        for seg in segments:
            seg_end = pos + len(seg.text)
            touches = pos < end and seg_end > start or (start == end and pos <= start <= seg_end and seg.original is not None)
            if not touches:
                (before if seg_end <= start else after).append(seg)
            elif seg.original is not None:  # overlaps an earlier repair: the two become one
                covered.append(seg)
            else:  # cut the unchanged piece at the change's edges
                if pos < start:
                    before.append(Segment(seg.text[: start - pos]))
                covered.append(Segment(seg.text[max(start, pos) - pos : min(end, seg_end) - pos]))
                if seg_end > end:
                    after.append(Segment(seg.text[end - pos :]))
            pos = seg_end
        head = sum(len(s.text) for s in before)
        span = "".join(s.text for s in covered)
        lead, tail = span[: start - head], span[start - head + (end - start) :]
        original = "".join(s.original if s.original is not None else s.text for s in covered)
        reasons = [s.reason for s in covered if s.reason] + [str(c.get("reason") or "")]
        merged = Segment(lead + str(c["replacement"]) + tail, original, "; ".join(r for r in reasons if r), c.get("score"))
        segments = [s for s in (*before, merged, *after) if s.text or s.original]
    if "".join(s.text for s in segments) != text:
        return None
    return segments


@dataclass
class RepairedField:
    name: str  # "project.name", "installments[3].note"
    segments: list[Segment] | None  # None: the recorded changes could not be placed in the text
    changes: list[dict[str, Any]]  # OCR repairs (``rejected``: by which correction) and people's word fixes


@dataclass
class NarrativeItem:
    text: str
    repaired: RepairedField | None = None  # OCR repairs placed in the text, when it has any


@dataclass
class ReportView:
    id: int
    key: str
    updated_at: str
    report: Report
    files: list[dict[str, Any]]  # the files this record was read from, oldest first
    copies: list[dict[str, Any]]  # the stored copies it is derived from (file, place in it, rank)
    repaired: dict[str, RepairedField]  # by field address
    corrected: dict[str, list[dict[str, Any]]]  # active corrections by field address (Report.corrections entries)
    narrative: list[
        tuple[str, list[NarrativeItem]]
    ]  # the form's free-text parts the record has: rationale lines, objectives, targets
    pipeline: str | None  # the pipeline version that derived the record (None: an older archive's ingest)
    evidence: dict[int, list[str]] = field(default_factory=dict)  # per installment: the note's words that point to its stage

    def flags_for(self, installment: int | None) -> list[Flag]:
        return [f for f in self.report.flags if f.installment == installment]


def _text_steps(report: Report, address: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]], bool]:
    """The changes made to one text field, in the order they were made: OCR repairs, then
    people's corrections (a word fixed, a repair rejected). Returns (steps to replay, changes
    to list, whether people changed it)."""
    ocr = [r for r in report.repairs if r.get("field") == address and r.get("correction") is None]
    steps = list(ocr)
    listed = list(ocr)
    human = False
    for entry in report.corrections:
        if entry.get("field") != address or not entry.get("applied") or entry.get("kind") not in ("word", "repair_rejected"):
            continue
        human = True
        who = entry.get("who") or "someone"
        if entry["kind"] == "word":
            fix = next((r for r in report.repairs if r.get("correction") == entry.get("id")), None)
            if fix is not None:
                steps.append({**fix, "reason": f"fixed by {who}"})
                listed.append({**fix, "reason": f"fixed by {who}"})
        else:  # the repair's original put back where its replacement stood
            steps.append(
                {"start": None, "original": entry["old"], "replacement": entry["new"], "reason": f"repair rejected by {who}"}
            )
    return steps, listed, human


def field_segments(report: Report, address: str, text: str, raw: str | None) -> RepairedField | None:
    steps, listed, human = _text_steps(report, address)
    if not steps:
        return None
    if raw is None and human:  # the OCR text of a header field is only known by undoing OCR repairs
        return RepairedField(address, None, listed)
    return RepairedField(address, repair_segments(text, steps, raw=raw), listed)


def report_view(con: sqlite3.Connection, report_id: int) -> ReportView | None:
    row = con.execute("SELECT * FROM reports WHERE id = ?", (report_id,)).fetchone()
    if row is None:
        return None
    report = next(_query.load_reports(con, [report_id]))
    files = [
        {"path": p, "sha256": h, "size": size, "ingested_at": at, "replaced_at": rep, "current": rep is None}
        for p, h, size, at, rep in con.execute(
            "SELECT f.path, f.sha256, f.size, s.ingested_at, s.replaced_at FROM report_sources s JOIN files f ON f.id = s.file_id "
            "WHERE s.report_id = ? ORDER BY s.ingested_at, f.id",
            (report_id,),
        )
    ]
    copies = [
        dict(r)
        for r in con.execute(
            "SELECT f.path, f.sha256, c.position, c.rank, c.chars FROM copies c JOIN files f ON f.id = c.file_id "
            "WHERE c.report_key = ? ORDER BY c.rank DESC, f.id, c.position",
            (row["key"],),
        )
    ]
    repaired: dict[str, RepairedField] = {}
    for inst in report.installments:
        address = f"installments[{inst.number}].note"
        found = field_segments(report, address, inst.note, inst.note_raw or None)
        if found is not None:
            repaired[address] = found
    for f in fields(report.project):
        value = getattr(report.project, f.name)
        if isinstance(value, str):
            found = field_segments(report, f"project.{f.name}", value, None)
            if found is not None:
                repaired[found.name] = found
    corrected: dict[str, list[dict[str, Any]]] = {}
    for entry in report.corrections:
        if entry.get("applied"):
            corrected.setdefault(str(entry["field"]), []).append(entry)
    narrative = narrative_items(report)
    pipeline = row["pipeline"] if "pipeline" in row.keys() else None
    return ReportView(
        row["id"],
        row["key"],
        row["updated_at"],
        report,
        files,
        copies,
        repaired,
        corrected,
        narrative,
        pipeline,
        stage_evidence(report),
    )


def narrative_items(report: Report) -> list[tuple[str, list[NarrativeItem]]]:
    """The narrative parts a record has (``NARRATIVE_FIELDS``), item by item (rationale: line by
    line), each with its OCR repairs (field ``project.<part>[k]``) placed in the text."""
    project_fields = {f.name for f in fields(report.project)}
    out: list[tuple[str, list[NarrativeItem]]] = []
    for name in NARRATIVE_FIELDS:
        value = getattr(report.project, name) if name in project_fields else None
        raw = getattr(report.project, f"{name}_raw", None) if f"{name}_raw" in project_fields else None
        if not value:
            continue
        items = value.split("\n") if isinstance(value, str) else [str(v) for v in value]
        raws = raw.split("\n") if isinstance(raw, str) else [str(v) for v in raw] if isinstance(raw, list) else []
        parts = []
        for k, text in enumerate(items):
            item_raw = raws[k] if k < len(raws) and len(raws) == len(items) else None
            parts.append(NarrativeItem(text, field_segments(report, f"project.{name}[{k}]", text, item_raw)))
        out.append((name, [p for p in parts if p.text.strip()]))
    return out


def stage_evidence(report: Report) -> dict[int, list[str]]:
    """Per installment with a stage: the cue words of its note that vote for that stage (the
    classifier's keyword features; the model weighs them with the rest of the note)."""
    from bma_nlp.classify.rules import cue_phrases

    evidence: dict[int, list[str]] = {}
    for inst in report.installments:
        if inst.stage and inst.note:
            words = [w for _group, stage, w in cue_phrases(inst.note) if stage == inst.stage]
            evidence[inst.number] = list(dict.fromkeys(words))
    return evidence


def typed_value(address: str, text: str) -> Any:
    """A value a person typed for a field, as the record holds it: a number for the amount,
    percentage and number fields, None for an empty box, else the text."""
    from bma_nlp.errors import InputError
    from bma_nlp.store.corrections import split_field

    _, name = split_field(address)
    text = text.strip()
    if not text:
        return None
    if name in NUMBER_FIELDS:
        cleaned = text.replace(",", "").replace("บาท", "").replace("%", "").strip()
        try:
            number = float(cleaned)
        except ValueError:
            raise InputError(f"{name} takes a number, not {text[:40]!r}") from None
        return int(number) if number.is_integer() and name not in ("progress_pct",) else number
    return text


NUMBER_FIELDS = {
    "fiscal_year",
    "budget_received",
    "budget_used",
    "progress_pct",
    "disbursed_baht",
    "disbursement_no",
    "report_no",
}


# -- the archive as a whole -----------------------------------------------------------------


_OVERVIEW_CACHE: dict[tuple[Any, ...], dict[str, Any]] = {}


def overview(con: sqlite3.Connection, current_pipelines: list[str], top: int = 15) -> dict[str, Any]:
    """``stats`` plus installments by stage per fiscal year, reports and installments per
    office, and the reports with the most flags. Whole-archive counts: computed once per state
    of the archive (another connection's commit or this one's changes make them new)."""
    key = (id(con), tuple(current_pipelines), top, con.execute("PRAGMA data_version").fetchone()[0], con.total_changes)
    if key not in _OVERVIEW_CACHE:
        _OVERVIEW_CACHE.clear()
        _OVERVIEW_CACHE[key] = _overview(con, current_pipelines, top)
    return dict(_OVERVIEW_CACHE[key])


def _stages_by_year(con: sqlite3.Connection, narrow: str) -> dict[str, dict[str, int]]:
    """Installments (``narrow``: a join on ``i`` that keeps some of them) by stage per fiscal year, oldest first."""
    by_year: dict[str, dict[str, int]] = {}
    for year, stage, n in con.execute(
        f"SELECT r.fiscal_year, i.stage, count(*) FROM installments i JOIN reports r ON r.id = i.report_id{narrow} GROUP BY 1, 2 ORDER BY 1"
    ):
        by_year.setdefault("unknown" if year is None else str(year), dict.fromkeys([*STAGES, UNKNOWN_STAGE], 0))[stage or UNKNOWN_STAGE] += n
    return by_year


def _overview(con: sqlite3.Connection, current_pipelines: list[str], top: int) -> dict[str, Any]:
    numbers = _query.stats(con, current_pipelines)
    by_year, now_by_year = _stages_by_year(con, ""), _stages_by_year(con, f" {_query.LATEST_INSTALLMENTS}")
    offices: dict[str, list[int]] = {}
    for agency, reports, installments in con.execute(
        "SELECT r.agency, count(DISTINCT r.id), count(i.id) FROM reports r LEFT JOIN installments i ON i.report_id = r.id GROUP BY r.agency"
    ):
        entry = offices.setdefault(office_of(agency) or "", [0, 0])
        entry[0] += reports
        entry[1] += installments
    most_flagged = [
        dict(row)
        for row in con.execute(
            "SELECT r.id, r.code, r.fiscal_year, r.name, r.agency, count(*) AS flags, group_concat(DISTINCT f.code) AS codes "
            "FROM flags f JOIN reports r ON r.id = f.report_id GROUP BY r.id ORDER BY flags DESC, r.code LIMIT ?",
            (top,),
        )
    ]
    numbers.update(
        stages_by_year=by_year,
        # where the projects stand: the stage of each report's latest installment
        stages_now_by_year=now_by_year,
        offices=sorted(((o, r, i) for o, (r, i) in offices.items()), key=lambda t: (-t[2], t[0]))[: top * 2],
        most_flagged=most_flagged,
        older_pipeline=numbers["outdated"],
    )
    return numbers
