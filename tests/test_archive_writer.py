"""The writer's connection settings (``schema.writer_settings``): a larger page cache and fewer
WAL checkpoints for ingest and reprocess, set on the connection only (nothing is kept in the
archive), so the archive's contents and what search finds do not depend on them."""

from __future__ import annotations

import shutil

import pytest

from bma_nlp.store import Archive, schema
from tests.test_archive_schema3 import SAMPLE, integrity

QUERIES = ["จัดซื้อวัสดุ", "ดำเนินการ", "โรงเรียน", "ซื้อวัส", "ก่อสร้าง", "แล้วเสร็จ", "ดุสิต", "ไม่มีคำนี้"]
FILTERS = [{}, {"stage": "completed"}, {"year": 2566}, {"flagged": True}]


def _settings(archive: Archive) -> tuple[int, int]:
    con = archive.con
    return con.execute("PRAGMA cache_size").fetchone()[0], con.execute("PRAGMA wal_autocheckpoint").fetchone()[0]


WRITER = (-schema.WRITER_CACHE_KIB, schema.WRITER_CHECKPOINT_PAGES)


def test_ingest_and_reprocess_set_up_the_writers_connection_and_readers_keep_sqlites_defaults(tmp_path):
    (tmp_path / "in").mkdir()
    shutil.copy(SAMPLE, tmp_path / "in")
    with Archive(tmp_path / "a.db") as archive:
        default = _settings(archive)
        assert default != WRITER
        archive.ingest([tmp_path / "in"], repair=False, classify=False)
        assert _settings(archive) == WRITER
    with Archive(tmp_path / "a.db", create=False) as reader:
        assert reader.search("ดำเนินการ") and _settings(reader) == default  # nothing kept in the file
        reader.reprocess(repair=False, classify=False)
        assert _settings(reader) == WRITER


def test_the_settings_change_how_fast_the_writer_is_never_what_is_stored_or_found(tmp_path, monkeypatch):
    synth = pytest.importorskip("bma_nlp.synth")
    folder = tmp_path / "in"
    folder.mkdir()
    for k, (text, _) in enumerate(synth.generate_archive(11, 30, copies=1, noise=0.2)):
        (folder / f"report-{k:03d}.txt").write_text(text, encoding="utf-8")
    found = []
    for name, settings in (("sqlite", lambda con: None), ("writer", schema.writer_settings)):
        monkeypatch.setattr("bma_nlp.store.archive.writer_settings", settings)
        with Archive(tmp_path / f"{name}.db") as archive:
            archive.ingest([folder], repair=False, classify=False)
            integrity(archive.con)
            hits = [[(h.code, h.installment, h.score, h.snippet) for h in archive.search(q, limit=50, **f)] for q in QUERIES for f in FILTERS]
            found.append((hits, archive.export("jsonl")))
    assert found[0] == found[1] and any(found[0][0])
