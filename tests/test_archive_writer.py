"""The writer's connection settings (``schema.writer_settings``): a larger page cache and fewer
WAL checkpoints for ingest and reprocess, set on the connection only (nothing is kept in the
archive), so the archive's contents and what search finds do not depend on them."""

from __future__ import annotations

import shutil
import time

import pytest
from store_reports import report_text, write

from bma_nlp.errors import ParseError
from bma_nlp.store import Archive, schema
from bma_nlp.store.archive import _Batch
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


def _segments(archive: Archive) -> list[int]:
    return [archive.con.execute(f"SELECT count(DISTINCT segid) FROM {t}_idx").fetchone()[0] for t in ("notes_fts", "notes_trigram", "headers_trigram")]  # noqa: S608


def test_a_batch_of_files_is_indexed_at_its_commit_as_one_segment_per_index(tmp_path, monkeypatch):
    """FTS5 writes a segment at every SAVEPOINT; the index rows of a batch's files wait for the
    commit, so a batch of 12 files makes one segment per index, not 12 to merge."""
    monkeypatch.setattr(_Batch, "COMMIT_SECONDS", 1e9)  # one batch, however slow the host
    files = [write(tmp_path / "in" / f"r{k}.txt", report_text(f"50000000-{k:04d}", 2567, [f"ดำเนินการเรียบร้อยแล้ว {k}", "อยู่ระหว่างจัดซื้อ"])) for k in range(12)]
    with Archive(tmp_path / "a.db") as archive:
        assert archive.ingest(files, repair=False, classify=False).files_ingested == 12  # fewer than a chunk: one commit
        assert _segments(archive) == [1, 1, 1]
        integrity(archive.con)
        assert len(archive.search("ดำเนินการเรียบร้อยแล้ว", limit=None)) == 12


def test_with_workers_the_writer_keeps_its_batch_open_while_it_waits_for_them_within_the_batchs_second(tmp_path, monkeypatch):
    """With worker processes the writer committed whenever the next chunk was not back yet (a
    commit every chunk or two, each an FTS5 flush and merge); within its batch's second it now
    waits with the batch open. Three chunks of files, one at a time (a thread here, each chunk
    taking half a second: the writer waits for every one), a batch that may stay open: one
    commit, not one per chunk."""
    from concurrent.futures import ThreadPoolExecutor
    from contextlib import contextmanager

    from bma_nlp.store import work

    monkeypatch.setattr(_Batch, "COMMIT_SECONDS", 1e9)
    parse = work.process_files

    def slow(*args, **kwargs):  # type: ignore[no-untyped-def]
        time.sleep(0.5)
        return parse(*args, **kwargs)

    @contextmanager
    def threads(self, jobs, kept):  # type: ignore[no-untyped-def]
        with ThreadPoolExecutor(1) as pool:
            yield pool

    monkeypatch.setattr(work, "process_files", slow)
    monkeypatch.setattr(Archive, "_worker_pool", threads)
    commits: list[int] = []
    original = Archive._commit

    def counted(self, batch, result):  # type: ignore[no-untyped-def]
        if self.con.in_transaction:
            commits.append(batch.files)
        return original(self, batch, result)

    monkeypatch.setattr(Archive, "_commit", counted)
    files = [write(tmp_path / "in" / f"r{k}.txt", report_text(f"50000000-{k:04d}", 2567, [f"ดำเนินการเรียบร้อยแล้ว {k}"])) for k in range(40)]
    with Archive(tmp_path / "a.db") as archive:
        assert archive.ingest(files, jobs=2, repair=False, classify=False).files_ingested == 40
        assert commits == [40]
        assert _segments(archive) == [1, 1, 1]
        integrity(archive.con)


def test_a_file_rolled_back_in_a_batch_takes_its_index_rows_with_it_and_gives_back_those_it_replaced(tmp_path, monkeypatch):
    """The second file re-derives a report the first file of the same batch wrote (its index rows
    still waiting for the commit) and fails half-way: the first file's rows are indexed, the
    second's are not."""
    first = write(tmp_path / "a.txt", report_text("50120000-0099", 2567, ["อยู่ระหว่างขออนุมัติโครงการ", "ผลงคุณภาพ"]))
    second = write(tmp_path / "b.txt", report_text("50120000-0099", 2567, ["อยู่ระหว่างขออนุมัติโครงการ", "อยู่ระหว่างจัดซื้อครุภัณฑ์", "ส่งมอบงานแล้ว"]))
    original = Archive._write_installment
    calls: list[int] = []

    def flaky(self, *args):  # type: ignore[no-untyped-def]
        calls.append(1)
        if len(calls) == 4:  # the first file's two installments, then one of the re-derived report
            raise ParseError("cannot derive it", "b.txt")
        return original(self, *args)

    monkeypatch.setattr(Archive, "_write_installment", flaky)
    with Archive(tmp_path / "a.db") as archive:
        result = archive.ingest([first, second], repair=False, classify=False)
        assert result.files_ingested == 1 and result.files_failed == 1
        integrity(archive.con)
        notes = [i.note for i in archive.reports(code="50120000-0099")[0].installments]
        assert notes == ["อยู่ระหว่างขออนุมัติโครงการ", "ผลงคุณภาพ"]
        assert [h.installment for h in archive.search("ผลงคุณภาพ")] == [2]
        assert not archive.search("ส่งมอบงานแล้ว")
        counts = [archive.con.execute(f"SELECT count(*) FROM {t}_docsize").fetchone()[0] for t in ("notes_fts", "notes_trigram", "headers_trigram")]  # noqa: S608
        assert counts == [2, 2, 1]
