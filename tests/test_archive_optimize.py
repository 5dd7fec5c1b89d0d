"""``Archive.optimize`` / ``bma-nlp optimize``: each search index merged into one segment, the
same hits before and after, one transaction, a one-line error for a file that is no archive."""

from __future__ import annotations

from click.testing import CliRunner
from store_reports import DRAIN, SCHOOL, YOTHA, write

from bma_nlp import Archive
from bma_nlp.cli import main

QUERIES = ("ก่อสร้าง", "จัดซื้อ", "โรงเรียน", "ระบายน้ำ", "ท่อ")


def _segments(archive: Archive, table: str) -> int:
    """Segments of an FTS5 index: the segment ids of its pages in ``{table}_data`` (FTS5 keys a
    page by its segment id shifted left 37 bits; rows 1 and 10 are the structure and averages)."""
    rows = archive.con.execute(f"SELECT id FROM {table}_data WHERE id > 10").fetchall()
    return len({row[0] >> 37 for row in rows})


def _ingested(tmp_path, batches: int) -> Archive:
    archive = Archive(tmp_path / "a.db")
    for n, (name, text) in enumerate((("yotha.txt", YOTHA), ("school.txt", SCHOOL), ("drain.md", DRAIN))[:batches]):
        write(tmp_path / f"in{n}" / name, text)
        archive.ingest([tmp_path / f"in{n}"], classify=False)  # one commit each: one segment each
    return archive


def test_optimize_merges_each_index_and_keeps_every_hit(tmp_path):
    archive = _ingested(tmp_path, 3)
    tables = ("headers_trigram", "notes_fts", "notes_trigram")
    before = {q: [h.to_dict() for h in archive.search(q, limit=None)] for q in QUERIES}
    assert any(before.values())
    assert max(_segments(archive, t) for t in tables) > 1
    took = archive.optimize()
    assert sorted(took) == list(tables)
    assert all(_segments(archive, t) == 1 for t in tables)
    assert {q: [h.to_dict() for h in archive.search(q, limit=None)] for q in QUERIES} == before
    archive.close()


def test_optimize_command(tmp_path):
    _ingested(tmp_path, 2).close()
    result = CliRunner().invoke(main, ["optimize", "--db", str(tmp_path / "a.db")])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("optimized 3 search indexes in ")


def test_optimize_refuses_a_file_that_is_no_archive(tmp_path):
    bad = tmp_path / "notes.db"
    bad.write_text("not a database", encoding="utf-8")
    result = CliRunner().invoke(main, ["optimize", "--db", str(bad)])
    assert result.exit_code != 0
    assert len(result.output.strip().splitlines()) == 1 and "Traceback" not in result.output
