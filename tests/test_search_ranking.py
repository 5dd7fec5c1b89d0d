"""Search's ranking helpers give what a plain row-by-row computation gives (speed work on
search must not change a score): BM25 from the candidates' text, and document frequencies
taken from a probe that counted a term's rows itself."""

from __future__ import annotations

import math
import sqlite3

import pytest
from conftest import SAMPLE
from store_reports import DRAIN, SCHOOL, YOTHA, write

from bma_nlp import Archive
from bma_nlp.store import query as Q
from bma_nlp.store.index import plan_query


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    folder = tmp_path_factory.mktemp("reports")
    for name, text in (("yotha.txt", YOTHA), ("school.txt", SCHOOL), ("drain.md", DRAIN)):
        write(folder / name, text)
    with Archive(folder / "archive.db") as a:
        a.ingest([folder, SAMPLE], classify=False)
        yield a


def _reference_bm25(con, table, terms, rowids):
    """BM25 as the search first computed it: each row's columns read through the FTS table,
    lowered and counted one by one."""
    columns = Q._COLUMNS[table]
    marks = ",".join("?" * len(rowids))
    texts = {r[0]: tuple(r[1:]) for r in con.execute(f"SELECT rowid, {', '.join(c for c, _ in columns)} FROM {table} WHERE rowid IN ({marks})", rowids)}
    if not texts:
        return {}
    tokens = table == "notes_fts"
    docs = {rid: [f" {(t or '').lower()} " if tokens else (t or "").lower() for t in cols] for rid, cols in texts.items()}
    lengths = {rid: [t.count(" ") - 1 if tokens else len(t) for t in cols] for rid, cols in docs.items()}
    average = [max(1.0, sum(lens[c] for lens in lengths.values()) / len(lengths)) for c in range(len(columns))]
    n = max(Q._rows(con, table), 1)
    weights = []
    for term in terms:
        df = min(Q._document_frequency(con, table, term), n)
        weights.append((f" {term.lower()} " if tokens else term.lower(), math.log(1 + (n - df + 0.5) / (df + 0.5))))
    scores = {}
    for rid, cols in docs.items():
        score = 0.0
        for c, (_, weight) in enumerate(columns):
            norm = Q._K1 * (1 - Q._B + Q._B * lengths[rid][c] / average[c])
            for term, idf in weights:
                tf = cols[c].count(term)
                if tf:
                    score += weight * idf * tf * (Q._K1 + 1) / (tf + norm)
        scores[rid] = score
    return scores


QUERIES = ["จัดซื้อวัสดุ", "ดำเนินการ", "การศึกษา", "วดราค", "สำนักการโยธา", "ท่อระบายน้ำ", "e-bidding", "อยู่ระหว่าง ขออนุมัติ", "ร้อย"]


@pytest.mark.parametrize("query", QUERIES)
def test_bm25_equals_the_row_by_row_computation(archive, query):
    con = archive.con
    plan = plan_query(query)
    token_terms = list(dict.fromkeys(t for alt in plan.token_alternatives for t in alt))
    for table, terms in (("notes_fts", token_terms), ("notes_trigram", plan.trigram_parts), ("headers_trigram", plan.trigram_parts)):
        if not terms:
            continue
        rowids = [r[0] for r in con.execute(f"SELECT rowid FROM {table} ORDER BY rowid")]
        assert Q._bm25(con, table, terms, Q._texts(con, table, rowids)) == _reference_bm25(con, table, terms, rowids)  # exactly: same sums


def test_texts_are_what_the_fts_tables_read(archive):
    con = archive.con
    for table in ("notes_fts", "notes_trigram", "headers_trigram"):
        rowids = [r[0] for r in con.execute(f"SELECT rowid FROM {table} ORDER BY rowid")]
        columns = ", ".join(c for c, _ in Q._COLUMNS[table])
        expected = {r[0]: tuple(r[1:]) for r in con.execute(f"SELECT rowid, {columns} FROM {table}")}
        assert Q._texts(con, table, [*rowids, 10**9]) == expected  # a rowid without a row is left out


@pytest.mark.parametrize("query", [*QUERIES, "เรียบร้อย", "ไม่มีคำนี้"])
@pytest.mark.parametrize("filters", [{}, {"year": 2567}, {"stage": "unknown"}])
def test_a_document_frequency_from_the_probe_equals_the_counted_one(archive, monkeypatch, query, filters):
    expected = []
    with monkeypatch.context() as m:
        m.setattr(Q, "_bm25", lambda con, table, terms, texts, known=None, bm25=Q._bm25: bm25(con, table, terms, texts))  # always counted
        for limit in (1, 3, 20, None):
            expected.append([h.to_dict() for h in archive.search(query, limit=limit, **filters)])
    assert [[h.to_dict() for h in archive.search(query, limit=limit, **filters)] for limit in (1, 3, 20, None)] == expected


def test_the_probe_counts_only_whole_unfiltered_single_terms(archive, monkeypatch):
    seen = []
    real = Q._bm25

    def spy(con, table, terms, texts, known=None):
        seen.append((table, known))
        return real(con, table, terms, texts, known)

    monkeypatch.setattr(Q, "_bm25", spy)
    archive.search("ดำเนินการ")  # one token, unfiltered, fewer matches than a probe takes
    assert seen[0][0] == "notes_fts" and seen[0][1] and set(seen[0][1]) == {"ดำเนินการ"}
    seen.clear()
    archive.search("ดำเนินการ", year=2567)
    assert all(known is None for _, known in seen)
    seen.clear()
    archive.search("จัดซื้อวัสดุ")  # several tokens
    assert all(known is None for table, known in seen if table == "notes_fts")


@pytest.mark.parametrize("query", [*QUERIES, "เรียบร้อย", "ไม่มีคำนี้"])
@pytest.mark.parametrize("filters", [{"agency": "สำนักงานเขต"}, {"agency": "สำนัก", "year": 2567}, {"agency": "เขต", "stage": "unknown"}, {"agency": "สำนัก", "flagged": True}])
def test_facets_tested_on_the_texts_matches_select_what_fts5_selects(archive, monkeypatch, query, filters):
    con = archive.con
    ids = con.execute("SELECT count(*) FROM agencies WHERE instr(name, ?) > 0", (filters["agency"],)).fetchone()[0]
    assert ids > 1  # several agency names: the facet condition has alternatives
    got = [[h.to_dict() for h in archive.search(query, limit=limit, **filters)] for limit in (1, 3, 20, None)]
    monkeypatch.setattr(Q, "_probe_text_first", lambda *a: None)  # FTS5 narrows by the facets
    assert got == [[h.to_dict() for h in archive.search(query, limit=limit, **filters)] for limit in (1, 3, 20, None)]


def test_passes_is_the_facets_match(archive):
    con = archive.con
    for filters in ({"agency": "สำนักงานเขต"}, {"year": 2567}, {"stage": "unknown"}, {"flagged": True}, {"agency": "เขต", "year": 2566}):
        plan = Q.facet_plan(con, Q.Filters(**filters))
        for table, target in plan.tables.items():
            if not target.match:
                continue
            assert target.tests
            expected = {r[0] for r in con.execute(f"SELECT rowid FROM {table} WHERE {table} MATCH ?", (target.match[len(" AND ") :],))}
            source, key = Q._content(con, table)
            rows = con.execute(f"SELECT {key}, facets FROM {source}").fetchall()
            assert {rid for rid, facets in rows if Q._passes(table, facets, target.tests)} == expected


# Statements that take a list of ids hold whatever the list's length: SQLite refuses a statement
# with more `?` than its variable limit (250,000 in Debian's build, 32,766 by default), which a
# search for every match of a broad word in a large archive goes over. The ids go in as one JSON
# array instead; here the connection's limit is lowered so the small archive goes over it.
def _few_variables(archive: Archive, n: int) -> int:
    return archive.con.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, n)


def test_search_without_limit_returns_more_hits_than_the_variable_limit(archive):
    every = archive.search("", limit=None)
    assert len(every) > 3
    before = _few_variables(archive, 2)
    try:
        hits = archive.search("", limit=None)
        page = archive.search_page("", limit=len(every))
    finally:
        _few_variables(archive, before)
    assert [(h.code, h.fiscal_year, h.installment) for h in hits] == [(h.code, h.fiscal_year, h.installment) for h in every]
    assert len(page.hits) == len(every)
