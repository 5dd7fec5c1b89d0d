"""Archive cases: 8 (facet tokens searchable), 9 (--code with _ % . space), 10 (two ingests at
once; a new archive opened by several processes), 11 (a file replaced between hashing and
parsing), 12 (an unreadable subfolder), 15 (empty and identical files counted as "already in
the archive"), 19 (a read-only archive; a zero-byte --db), and 5's FIFO inside an ingest folder."""

from __future__ import annotations

import multiprocessing
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from bma_nlp.errors import ArchiveError
from bma_nlp.store import Archive
from bma_nlp.store import archive as archive_module
from bma_nlp.store.schema import connect

from .conftest import SAMPLE, one_line_error

UNSEEN = Path(__file__).resolve().parents[1] / "data" / "unseen_reports"


def _reports(n: int, folder: Path) -> list[Path]:
    """n report files with distinct content (the sample with a different closing line)."""
    folder.mkdir(parents=True, exist_ok=True)
    text = SAMPLE.read_text(encoding="utf-8")
    out = []
    for k in range(n):
        path = folder / f"r{k}.txt"
        path.write_text(text.replace("50070000-3437", f"50070000-{3437 + k}") + f"\nหมายเหตุ {k}\n", encoding="utf-8")
        out.append(path)
    return out


@pytest.fixture(scope="module")
def stored(tmp_path_factory):
    db = tmp_path_factory.mktemp("arch") / "a.db"
    with Archive(db) as archive:
        result = archive.ingest([SAMPLE], classify=False, repair=False)
        assert result.files_ingested == 1
    return db


# ------------------------------------------------------------------ case 8


@pytest.mark.parametrize("query", ["f", "sapproval", "sunknown", "y2566", "c50070000x3437", "a1", "ynone"])
def test_facet_tokens_are_not_words(stored, query):
    with Archive(stored, create=False) as archive:
        assert archive.search(query) == []


def test_filters_still_use_the_facets(stored):
    with Archive(stored, create=False) as archive:
        assert archive.search("จัดซื้อ", year=2566)
        assert archive.search("จัดซื้อ", year=2565) == []
        assert archive.search("จัดซื้อ", stage="unknown")


# ------------------------------------------------------------------ case 9


@pytest.mark.parametrize("code", ["50070000_3437", "50070000%3437", "50070000.3437", "50070000 3437", "%", "_"])
def test_code_filter_is_the_same_with_and_without_a_query(stored, code):
    with Archive(stored, create=False) as archive:
        with_query = {h.installment for h in archive.search("จัดซื้อ", code=code)}
        without = {h.installment for h in archive.search("", code=code)}
        assert with_query == set() and without == set()
        assert archive.search("จัดซื้อ", code="50070000-3437") and archive.search("", code="50070000")


# ------------------------------------------------------------------ case 10


def test_two_ingests_into_one_archive_at_once(tmp_path):
    files = _reports(6, tmp_path / "scans")
    db = tmp_path / "a.db"
    cmd = [sys.executable, "-m", "bma_nlp.cli", "ingest", str(tmp_path / "scans"), "--db", str(db), "--no-classify", "--no-repair"]
    procs = [subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    outs = [p.communicate(timeout=300) for p in procs]
    for p, (_out, err) in zip(procs, outs, strict=True):
        assert p.returncode == 0, err
        assert "Traceback" not in err
    with Archive(db, create=False) as archive:
        assert archive.stats()["files"] == len(files)
        assert len(archive.reports()) == len(files)


def _open_new(path: str, conn) -> None:
    try:
        connect(path).close()
        conn.send("ok")
    except Exception as exc:  # noqa: BLE001 - reported to the parent
        conn.send(f"{type(exc).__name__}: {exc}")


def test_a_new_archive_opened_by_several_processes_at_once(tmp_path):
    ctx = multiprocessing.get_context("fork")
    failures = []
    for round_ in range(12):
        path = str(tmp_path / f"new{round_}.db")
        pipes, procs = [], []
        for _ in range(4):
            parent, child = ctx.Pipe()
            proc = ctx.Process(target=_open_new, args=(path, child))
            procs.append(proc)
            pipes.append(parent)
        for proc in procs:
            proc.start()
        for proc, pipe in zip(procs, pipes, strict=True):
            proc.join(60)
            answer = pipe.recv() if pipe.poll(1) else "no answer"
            if answer != "ok":
                failures.append(answer)
    assert not failures, failures[:3]


# ------------------------------------------------------------------ case 11


def test_a_file_replaced_between_hashing_and_parsing(tmp_path, monkeypatch):
    old, new = _reports(2, tmp_path / "src")
    target = tmp_path / "scans" / "report.txt"
    target.parent.mkdir()
    shutil.copyfile(old, target)
    real_digest = archive_module._digest

    def digest_then_swap(path, max_bytes):
        answer = real_digest(path, max_bytes)
        if path == str(target):
            shutil.copyfile(new, target)  # replaced right after it was hashed
        return answer

    monkeypatch.setattr(archive_module, "_digest", digest_then_swap)
    db = tmp_path / "a.db"
    with Archive(db) as archive:
        archive.ingest([target], classify=False, repair=False)
        monkeypatch.setattr(archive_module, "_digest", real_digest)
        # the old content was never stored, so it must not be "already in the archive"
        again = archive.ingest([old], classify=False, repair=False)
        assert again.files_ingested == 1 and again.files_skipped == 0
        codes = sorted(r.project.code for r in archive.reports())
    assert codes == ["50070000-3437", "50070000-3438"]


# ------------------------------------------------------------------ case 12


def test_an_unreadable_subfolder_is_reported(tmp_path, monkeypatch, cli):
    _reports(2, tmp_path / "scans")
    locked = tmp_path / "scans" / "locked"
    _reports(1, locked)
    real_scandir = os.scandir

    def scandir(path="."):
        if os.fspath(path) == str(locked):  # as root chmod 000 does not stop us: say what a user sees
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    result = cli("ingest", tmp_path / "scans", "--db", tmp_path / "a.db", "--no-classify", "--no-repair")
    assert result.exit_code == 1
    assert "locked" in result.stderr and "permission denied" in result.stderr
    assert "2 ingested" in result.stdout


# ------------------------------------------------------------------ case 15


def test_empty_and_identical_files_are_not_already_stored(tmp_path, cli):
    folder = tmp_path / "scans"
    folder.mkdir()
    for k in range(3):
        (folder / f"empty{k}.txt").write_bytes(b"")
        (folder / f"image{k}.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 50)
    result = cli("ingest", folder, "--db", tmp_path / "a.db", "--no-classify")
    assert result.exit_code == 1
    assert "0 already in the archive" in result.stdout and "6 failed" in result.stdout


def test_identical_good_files_in_one_run_are_stored_once(tmp_path):
    folder = tmp_path / "scans"
    folder.mkdir()
    for k in range(3):
        shutil.copyfile(SAMPLE, folder / f"copy{k}.txt")
    with Archive(tmp_path / "a.db") as archive:
        result = archive.ingest([folder], classify=False, repair=False)
    assert (result.files_ingested, result.files_skipped, result.files_failed) == (1, 2, 0)


# ------------------------------------------------------------------ case 19


def test_stats_on_a_zero_byte_file_writes_nothing(tmp_path, cli):
    db = tmp_path / "empty.db"
    db.write_bytes(b"")
    for command in (["stats"], ["search", "x"], ["export"]):
        result = cli(*command, "--db", db)
        assert result.exit_code == 1 and one_line_error(result.stderr), result.stderr
    assert db.read_bytes() == b"" and not Path(f"{db}-wal").exists()


def test_a_read_only_archive_without_wal_files_can_be_searched(tmp_path, stored, monkeypatch, cli):
    folder = tmp_path / "ro"
    folder.mkdir()
    db = folder / "a.db"
    with sqlite3.connect(stored) as src, sqlite3.connect(db) as dst:  # a clean copy: no -wal, no -shm
        src.backup(dst)
    with sqlite3.connect(db) as con:
        con.execute("PRAGMA journal_mode = WAL")
    before = db.read_bytes()
    for extra in (Path(f"{db}-wal"), Path(f"{db}-shm")):
        extra.unlink(missing_ok=True)
    real_access = os.access
    monkeypatch.setattr(os, "access", lambda p, mode, *a, **k: False if mode & os.W_OK and str(p).startswith(str(folder)) else real_access(p, mode, *a, **k))
    result = cli("search", "จัดซื้อ", "--db", db)
    assert result.exit_code == 0, result.stderr
    assert "match" in result.stdout and db.read_bytes() == before
    assert cli("stats", "--db", db).exit_code == 0
    (fresh,) = _reports(1, tmp_path / "new")
    with Archive(db, create=False) as archive, pytest.raises(ArchiveError):
        archive.ingest([fresh], classify=False, repair=False)


def test_immutable_fallback_when_the_shm_file_cannot_be_made(tmp_path, stored):
    from bma_nlp.store.schema import _open_readonly

    con = _open_readonly(stored, 5.0)
    try:
        assert con.execute("SELECT count(*) FROM reports").fetchone()[0] >= 1
    finally:
        con.close()


# ------------------------------------------------------------------ case 5, in a folder


def test_a_fifo_inside_an_ingest_folder_does_not_hang(tmp_path, cli):
    _reports(1, tmp_path / "scans")
    os.mkfifo(tmp_path / "scans" / "pipe.txt")
    from .test_input_bounds import deadline

    with deadline(120):
        result = cli("ingest", tmp_path / "scans", "--db", tmp_path / "a.db", "--no-classify", "--no-repair")
    assert result.exit_code == 1 and "FIFO" in result.stderr and "1 ingested" in result.stdout
