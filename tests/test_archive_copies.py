"""Copies are the source of truth: records derived from all stored copies, reprocess,
people's corrections that survive both, and the upgrade of a schema-1 archive."""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from conftest import DATA, SAMPLE
from store_reports import YOTHA, report_text, write

import bma_nlp
from bma_nlp import Archive, InputError
from bma_nlp import revision as pipeline_module
from bma_nlp.store import schema

OPTS = {"classify": False}


def _halves(tmp_path: Path) -> tuple[Path, Path]:
    """The sample's four copies scanned into two files, two copies each (cut where the third
    copy's header starts)."""
    lines = SAMPLE.read_text(encoding="utf-8").split("\n")
    starts = [k for k, line in enumerate(lines) if "ชื่อโครงการและหน่วยงาน" in line]
    assert len(starts) == 4
    cut = starts[2]
    a = write(tmp_path / "scan-a.txt", "\n".join(lines[:cut]) + "\n")
    b = write(tmp_path / "scan-b.txt", "\n".join(lines[cut:]))
    return a, b


def _record(report: bma_nlp.Report) -> dict:
    """A record without where it came from (file names differ between the ways of delivering it)."""
    d = report.to_dict()
    for k in ("source", "sources", "encoding"):
        d.pop(k)
    return d


def _key(report: bma_nlp.Report) -> tuple:
    return (report.project.code, report.project.fiscal_year)


def test_copies_split_across_files_give_the_same_record_as_one_file_and_as_parse(tmp_path):
    a, b = _halves(tmp_path)
    with Archive(tmp_path / "one.db") as one:
        one.ingest(SAMPLE)
        (whole,) = one.reports()
    with Archive(tmp_path / "two.db") as two:
        first = two.ingest(a)
        assert (first.reports, first.replaced) == (1, 0) and two.reports()[0].copies == 2
        second = two.ingest(b)  # the second file merges with the first, it does not replace it
        assert (second.reports, second.replaced) == (1, 1)
        (split,) = two.reports()
        assert two.con.execute("SELECT count(*) FROM copies").fetchone()[0] == 4
    with Archive(tmp_path / "both.db") as both:
        both.ingest([a, b])
        (together,) = both.reports()
    (parsed,) = bma_nlp.parse_reports(os.path.abspath(SAMPLE))
    reports, errors = bma_nlp.process([os.path.abspath(a), os.path.abspath(b)])
    assert not errors and len(reports) == 1
    assert whole.copies == split.copies == together.copies == reports[0].copies == 4
    assert _record(whole) == _record(split) == _record(together) == _record(parsed) == _record(reports[0])
    assert split.sources == together.sources == reports[0].sources == [str(a.resolve()), str(b.resolve())]
    assert whole.to_dict() == parsed.to_dict()  # one file: the very same record, source and all


def test_stored_copies_hold_the_file_text_and_cost_little(tmp_path):
    with Archive(tmp_path / "a.db") as archive:
        archive.ingest(SAMPLE, **OPTS)
        rows = archive.con.execute("SELECT position, chars, length(text) FROM copies ORDER BY position").fetchall()
        texts = [c.text for c in archive.copies(archive.reports()[0].project.code, 2566)]
    assert [r[0] for r in rows] == [0, 1, 2, 3]
    assert "\n".join(texts) == SAMPLE.read_text(encoding="utf-8")  # nothing read is lost
    assert sum(r[2] for r in rows) < SAMPLE.stat().st_size / 3  # compressed


def _mark_notes(monkeypatch) -> None:
    """A 'pipeline change': a repair that marks every note, under a new pipeline revision."""
    import bma_nlp.repair as repair_module

    def marking_repair(report, lexicon=None):
        for inst in report.installments:
            inst.note = inst.note_raw + " [v2]"
        return report

    monkeypatch.setattr(repair_module, "repair_report", marking_repair)
    monkeypatch.setattr(pipeline_module, "PIPELINE_REVISION", pipeline_module.PIPELINE_REVISION + 100)


def test_reprocess_after_a_pipeline_change_updates_records_and_keeps_corrections(tmp_path, monkeypatch):
    with Archive(tmp_path / "a.db") as archive:
        archive.ingest([SAMPLE, write(tmp_path / "yotha.txt", YOTHA)], **OPTS)
        archive.correct("50120000-0042", 2567, "stage", "installments[2].stage", "procurement", who="somchai", why="e-bidding")
        archive.correct("50120000-0042", 2567, "field", "project.budget_received", 120000, who="somchai")
        assert archive.stats()["outdated"] == 0
        assert archive.reprocess(**OPTS).reports == 0  # nothing to do: all derived by this pipeline
        _mark_notes(monkeypatch)
        assert archive.stats()["outdated"] == 2
        done = archive.reprocess(**OPTS)
        assert (done.reports, done.up_to_date) == (2, 0)
        assert archive.stats()["outdated"] == 0
        for report in archive.reports():
            assert all(i.note.endswith(" [v2]") for i in report.installments)
        yotha = archive.report("50120000-0042", 2567)
        assert yotha is not None
        assert yotha.installments[1].stage == "procurement" and yotha.installments[1].stage_source == "human"
        assert yotha.project.budget_received == 120000
        assert [c["applied"] for c in yotha.corrections] == [True, True]
        assert archive.search("e-bidding", stage="procurement")  # the index follows the correction
        assert archive.reprocess(**OPTS).reports == 0  # resumable: done once is done


def test_a_correction_survives_reingest_and_reprocess(tmp_path):
    yotha = write(tmp_path / "yotha.txt", YOTHA)
    with Archive(tmp_path / "a.db") as archive:
        archive.ingest(yotha, **OPTS)
        c = archive.correct("50120000-0042", 2567, "word", "installments[3].note", "ผู้ควบคุมงาน", old="ผู้รับจ้าง", who="nid", why="OCR read the wrong word")
        assert c.id is not None and c.old == "ผู้รับจ้าง"
        before = archive.report("50120000-0042", 2567)
        assert before is not None and before.installments[2].note.startswith("ผู้ควบคุมงาน")
        assert before.repairs[-1]["reason"] == "human" and before.repairs[-1]["correction"] == c.id
        # another copy of the report arrives: the record is derived again, the correction stays
        result = archive.ingest(write(tmp_path / "rescan.txt", YOTHA + "\n"), **OPTS)
        assert result.replaced == 1
        again = archive.report("50120000-0042", 2567)
        assert again is not None and again.copies == 2 and again.installments[2].note.startswith("ผู้ควบคุมงาน")
        archive.reprocess(every=True, jobs=2, **OPTS)  # in worker processes: the same record
        after = archive.report("50120000-0042", 2567)
        assert after is not None and after.installments[2].note == before.installments[2].note
        assert after.corrections[0]["derived"].startswith("ผู้รับจ้าง")  # the pipeline's own value is kept beside it
        assert archive.search("ผู้ควบคุมงาน")
        # exports show the corrected value as corrected
        line = json.loads(archive.export("jsonl").splitlines()[0])
        assert line["corrections"][0]["new"] == "ผู้ควบคุมงาน" and line["corrections"][0]["who"] == "nid"
        rows = archive.export("csv").splitlines()
        header = rows[0].split(",")
        assert "corrected" in header
        assert [r.split(",")[header.index("corrected")] for r in rows[1:]] == ["", "", "note"]
        # withdrawn: the pipeline's value comes back
        archive.withdraw_correction(c.id, who="nid", why="it was right")
        back = archive.report("50120000-0042", 2567)
        assert back is not None and back.installments[2].note.startswith("ผู้รับจ้าง") and not back.corrections
        assert len(archive.corrections(include_withdrawn=True)) == 1 and not archive.corrections()


def test_corrections_move_between_archives_as_jsonl(tmp_path):
    yotha = write(tmp_path / "yotha.txt", YOTHA)
    with Archive(tmp_path / "a.db") as a:
        a.ingest(yotha, **OPTS)
        a.correct("50120000-0042", 2567, "stage", "installments[1].stage", None, who="nid")
        exported = a.export_corrections()
    with Archive(tmp_path / "b.db") as b:
        assert b.import_corrections(exported) == (1, 0)  # kept until the report arrives
        b.ingest(yotha, **OPTS)
        report = b.report("50120000-0042", 2567)
        assert report is not None and report.installments[0].stage is None and report.installments[0].stage_source == "human"
        assert b.import_corrections(exported) == (0, 1)


def test_bad_corrections_are_refused_in_one_line(tmp_path):
    with Archive(tmp_path / "a.db") as archive:
        archive.ingest(write(tmp_path / "yotha.txt", YOTHA), **OPTS)
        for args, words in [
            (("50120000-0042", 2567, "stage", "installments[1].stage", "finished"), "stage must be one of"),
            (("50120000-0042", 2567, "stage", "installments[9].stage", "approval"), "no installment 9"),
            (("50120000-0042", 2567, "field", "project.colour", "red"), "no field 'colour'"),
            (("50120000-0042", 2566, "field", "project.name", "x"), "no report"),
            (("50120000-0042", 2567, "word", "installments[1].note", "ก"), "needs the text"),
            (("50120000-0042", 2567, "repair_rejected", "installments[1].note", "ขอ", {"old": "อยู่"}), "no repair"),
            (("50120000-0042", 2567, "oops", "project.name", "x"), "unknown kind"),
        ]:
            kwargs = args[5] if len(args) > 5 else {}
            with pytest.raises(InputError, match=words):
                archive.correct(*args[:5], **kwargs)
        assert not archive.corrections()


_KILLED_REPROCESS = """
import os, signal, sys
sys.path.insert(0, {tests!r})
from test_archive_copies import _mark_notes
from bma_nlp.store import archive as archive_module

class Patch:
    def setattr(self, obj, name, value):
        setattr(obj, name, value)

_mark_notes(Patch())
archive_module._Batch.COMMIT_FILES = 4
original = archive_module.Archive._write_items
calls = []

def write_then_die(self, *args):
    calls.append(1)
    result = original(self, *args)
    if len(calls) == 10:
        os.kill(os.getpid(), signal.SIGKILL)  # mid-transaction: no cleanup of any kind
    return result

archive_module.Archive._write_items = write_then_die
with archive_module.Archive({db!r}) as a:
    a.reprocess(classify=False)
"""


def test_a_killed_reprocess_leaves_every_report_old_or_new(tmp_path):
    folder = tmp_path / "reports"
    for k in range(14):
        write(folder / f"r{k}.txt", report_text(f"50120000-{k:04d}", 2567, ["อยู่ระหว่างขออนุมัติโครงการ", f"ตรวจรับงานงวดที่ {k}"]))
    db = tmp_path / "a.db"
    with Archive(db) as archive:
        archive.ingest(folder, **OPTS)
        old = {_key(r): r.to_dict() for r in archive.reports()}
    script = _KILLED_REPROCESS.format(tests=str(Path(__file__).parent), db=str(db))
    proc = subprocess.run([sys.executable, "-c", textwrap.dedent(script)], capture_output=True, text=True, timeout=300)
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    with Archive(db) as archive:
        reports = archive.reports()
        assert len(reports) == 14
        counts = {t: archive.con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("installments", "notes_fts", "notes_trigram")}
        assert counts == dict.fromkeys(counts, 28)
        versions = dict(archive.con.execute("SELECT key, pipeline FROM reports").fetchall())
        new = [r for r in reports if all(i.note.endswith(" [v2]") for i in r.installments)]
        untouched = [r for r in reports if r.to_dict() == old[_key(r)]]
        assert len(new) + len(untouched) == 14  # each report is either as it was or re-derived
        assert 0 < len(new) < 10  # some were committed before the kill, the last batch was lost
        assert len(set(versions.values())) == 2


def test_a_schema_1_archive_upgrades_in_place(tmp_path):
    db = tmp_path / "v1.db"
    shutil.copy(DATA / "archive-v1.db", db)
    raw = sqlite3.connect(db)
    assert raw.execute("PRAGMA user_version").fetchone()[0] == 1
    (v1_path,) = raw.execute("SELECT path FROM files").fetchone()
    raw.close()
    with Archive(db) as archive:
        stats = archive.stats()
        assert stats["schema_version"] == schema.SCHEMA_VERSION >= 2
        assert (stats["reports"], stats["installments"], stats["outdated"], stats["copies"]) == (1, 10, 1, 0)
        (report,) = archive.reports()
        assert report.copies == 4 and report.project.code and report.installments[0].note
        assert archive.search("จัดซื้อ")
        # a correction works on a record that has no stored copies yet
        archive.correct(report.project.code, report.project.fiscal_year, "stage", "installments[1].stage", "approval", who="t")
        assert archive.reports()[0].installments[0].stage_source == "human"
        # its file is gone (it was read elsewhere): reprocess says so and keeps the record
        if not Path(v1_path).exists():
            done = archive.reprocess(**OPTS)
            assert (done.reports, done.no_copies) == (0, 1) and archive.reports()[0].installments
        # the file again where the archive saw it: reprocess stores its copies and derives anew
        archive.con.execute("UPDATE files SET path = ?", (str(write(tmp_path / "sample.txt", SAMPLE.read_text(encoding="utf-8"))),))
        done = archive.reprocess(**OPTS)
        assert done.no_copies == 0
        stats = archive.stats()
        assert (stats["reports"], stats["copies"], stats["outdated"], stats["files"]) == (1, 4, 0, 1)
        (report,) = archive.reports()
        assert report.installments[0].stage == "approval" and report.corrections[0]["applied"]
        (parsed,) = bma_nlp.parse_reports(SAMPLE, **OPTS)
        assert report.project == parsed.project and report.installments[1:] == parsed.installments[1:]
        assert report.flags == parsed.flags and report.copies == parsed.copies


def test_correct_reprocess_and_stats_commands(tmp_path):
    from click.testing import CliRunner

    from bma_nlp.cli import main

    def run(*args):
        return CliRunner().invoke(main, [str(a) for a in args])

    db = tmp_path / "a.db"
    assert run("ingest", write(tmp_path / "yotha.txt", YOTHA), "--db", db, "--no-classify").exit_code == 0
    result = run("correct", "50120000-0042", "--year", "2567", "--db", db, "--stage", "2", "procurement", "--who", "nid", "--why", "e-bidding")
    assert result.exit_code == 0 and result.stdout.startswith("stored: #1 50120000-0042/2567 stage installments[2].stage")
    result = run("correct", "50120000-0042", "--year", "2567", "--db", db, "--stage", "2", "finished")
    assert result.exit_code == 1 and result.stderr.count("\n") == 1 and "stage must be one of" in result.stderr
    assert "#1 " in run("correct", "--list", "--db", db).stdout
    assert run("correct", "--export", tmp_path / "c.jsonl", "--db", db).exit_code == 0
    assert json.loads((tmp_path / "c.jsonl").read_text(encoding="utf-8"))["who"] == "nid"
    result = run("reprocess", "--db", db, "--no-classify", "--all")
    assert result.exit_code == 0 and result.stdout.startswith("re-derived 1 report")
    stats = json.loads(run("stats", "--db", db, "--format", "json").stdout)
    assert (stats["copies"], stats["corrections"], stats["outdated"]) == (1, 1, 0)
    assert "corrections:   1" in run("stats", "--db", db).stdout
    assert run("correct", "--withdraw", "1", "--db", db).exit_code == 0
    assert run("reprocess", "--db", tmp_path / "missing.db").exit_code == 1


def test_train_writes_to_the_user_data_folder_and_learns_from_archive_corrections(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from bma_nlp.classify.data import default_data_path
    from bma_nlp.classify.model import clear_cache, shipped_model_path, sidecar_path
    from bma_nlp.cli import main

    shipped = shipped_model_path().read_bytes()
    db = tmp_path / "a.db"
    with Archive(db) as archive:
        archive.ingest(write(tmp_path / "yotha.txt", YOTHA), **OPTS)
        archive.correct("50120000-0042", 2567, "stage", "installments[2].stage", "procurement", who="nid")
        assert archive.stage_labels() == [
            {"text": "อยู่ระหว่างประกวดราคาอิเล็กทรอนิกส์ (e-bidding)", "label": "procurement", "split": "train", "source": "archive:50120000-0042/2"}
        ]
    rows = [json.loads(line) for line in open(default_data_path(), encoding="utf-8")]
    small = [r for r in rows if r["split"] == "train"][::30]
    data = write(tmp_path / "small.jsonl", "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in small))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    result = CliRunner().invoke(main, ["train", "--data", str(data), "--design", "tfidf-lr", "--external", str(tmp_path / "none.jsonl"), "--archive", str(db)])
    assert result.exit_code == 0, result.output
    out = tmp_path / "xdg" / "bma-nlp" / "stage.joblib"
    card = json.loads(sidecar_path(out).read_text(encoding="utf-8"))
    assert card["training_data"]["archive_labels"] == 1 and card["training_data"]["train_notes"] == len(small) + 1
    assert shipped_model_path().read_bytes() == shipped  # the shipped model is never overwritten
    clear_cache()


def test_runs_without_spacy_and_bma_nlp_model_selects_the_model(tmp_path):
    script = (
        "import sys, bma_nlp\n"
        f"(r,) = bma_nlp.parse_reports({str(SAMPLE)!r})\n"
        "assert r.installments[0].stage and 'spacy' not in sys.modules, sorted(m for m in sys.modules if 'spacy' in m)\n"
    )
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    missing = tmp_path / "nowhere" / "stage.joblib"
    env = {**os.environ, "BMA_NLP_MODEL": str(missing)}
    proc = subprocess.run([sys.executable, "-m", "bma_nlp.cli", "parse", str(SAMPLE)], capture_output=True, text=True, timeout=300, env=env)
    assert proc.returncode == 1 and proc.stderr.count("\n") == 1 and str(missing) in proc.stderr and "model file not found" in proc.stderr


def test_a_report_the_pipeline_now_refuses_is_reported_and_kept(tmp_path, monkeypatch):
    from bma_nlp.errors import ParseError
    from bma_nlp.store import work as work_module  # the archive imports derive_stored from here when it runs

    with Archive(tmp_path / "a.db") as archive:
        archive.ingest([write(tmp_path / "yotha.txt", YOTHA), write(tmp_path / "other.txt", report_text("50120000-0077", 2567, ["ก", "ข"]))], **OPTS)
        before = archive.report("50120000-0077", 2567)
        real = work_module.derive_stored

        def refusing(stored, *steps, **options):
            if any("50120000-0077" in s.copy.text for s in stored):
                raise ParseError("a newer parser refuses this copy")
            return real(stored, *steps, **options)

        monkeypatch.setattr(work_module, "derive_stored", refusing)
        seen = []
        done = archive.reprocess(every=True, on_error=seen.append, **OPTS)
        assert (done.reports, done.failed) == (1, 1) and "50120000-0077" in str(seen[0]) and "refuses" in str(seen[0])
        assert archive.report("50120000-0077", 2567) == before  # kept as it was
