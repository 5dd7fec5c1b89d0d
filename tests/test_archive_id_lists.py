"""Statements that take a list of ids hold whatever the list's length: SQLite refuses a statement
with more `?` than its variable limit (250,000 in Debian's build, 32,766 by default), which a
search for every match of a broad word in a large archive goes over. The ids go in as one JSON
array instead; here the connection's limit is lowered so a small archive goes over it."""

from __future__ import annotations

import sqlite3

import pytest
from conftest import SAMPLE
from store_reports import DRAIN, SCHOOL, YOTHA, write

from bma_nlp import Archive


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    folder = tmp_path_factory.mktemp("reports")
    for name, text in (("yotha.txt", YOTHA), ("school.txt", SCHOOL), ("drain.md", DRAIN)):
        write(folder / name, text)
    with Archive(folder / "archive.db") as a:
        a.ingest([folder, SAMPLE], classify=False)
        yield a


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
