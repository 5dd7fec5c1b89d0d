"""The archive commands: ingest, search, export, stats, demo."""

from __future__ import annotations

import csv
import io
import json
import os

import pytest
from click.testing import CliRunner
from conftest import SAMPLE
from store_reports import DRAIN, SCHOOL, YOTHA, write

from bma_nlp.cli import main


@pytest.fixture
def run():
    runner = CliRunner()

    def invoke(*args):
        return runner.invoke(main, [str(a) for a in args])

    return invoke


@pytest.fixture
def db(tmp_path, run):
    """An archive with the sample and three small reports (in a folder tree)."""
    write(tmp_path / "in" / "yotha.txt", YOTHA)
    write(tmp_path / "in" / "a" / "school.txt", SCHOOL)
    write(tmp_path / "in" / "a" / "b" / "drain.txt", DRAIN)
    path = tmp_path / "archive.db"
    result = run("ingest", SAMPLE, tmp_path / "in", "--db", path, "--no-classify")
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "4 files: 4 ingested, 0 already in the archive, 0 failed; stored 4 reports (0 already stored, derived again with the new copies), 19 installments"
    return path


def test_ingest_twice_skips(run, db, tmp_path):
    result = run("ingest", SAMPLE, tmp_path / "in", "--db", db, "--no-classify")
    assert result.exit_code == 0 and "0 ingested, 4 already in the archive" in result.stdout


def test_ingest_defaults_to_an_archive_in_the_current_folder(run, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert run("ingest", SAMPLE, "--no-classify").exit_code == 0
    assert (tmp_path / "bma-archive.db").exists()
    assert "50070000-3437" in run("search", "จัดซื้อวัสดุ").stdout


def test_ingest_reports_bad_files_and_fails(run, db, tmp_path):
    empty = write(tmp_path / "bad" / "empty.txt", "")
    good = write(tmp_path / "bad" / "good.txt", YOTHA.replace("50120000-0042", "50120000-0043"))
    result = run("ingest", empty, good, tmp_path / "nothing-here", "--db", db, "--no-classify")
    assert result.exit_code == 1
    errors = result.stderr.strip().splitlines()
    assert errors[0] == f"error: {empty}: file is empty"
    assert errors[1].startswith(f"error: {tmp_path / 'nothing-here'}: ") and len(errors) == 2
    assert "3 files: 1 ingested, 0 already in the archive, 2 failed" in result.stdout
    assert "Traceback" not in result.output
    assert json.loads(run("stats", "--db", db, "--format", "json").stdout)["reports"] == 5


def test_search_table(run, db):
    result = run("search", "จัดซื้อวัสดุ", "--db", db)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["code", "FY", "no.", "date", "stage", "score", "match"]
    assert lines[1].startswith("50070000-1234  2566  2    2023-02-15  unknown") and "«จัดซื้อวัสดุ»" in lines[1]  # shortest note first
    assert lines[3].startswith("50070000-3437  2566  2") and "«จัดซื้อวัสดุ»" in lines[3]
    assert lines[4].strip() == "ค่าใช้จ่ายโครงการพัฒนาคุณภาพเครือข่ายโรงเรียน"
    assert lines[-1] == "3 matches"
    assert run("search", "ไม่มีคำนี้แน่นอน", "--db", db).stdout == "no matches\n"


@pytest.mark.parametrize("fmt", ["json", "jsonl", "csv"])
def test_search_formats(run, db, fmt):
    result = run("search", "โยธา", "--db", db, "--format", fmt, "--code", "50120000-0042")
    assert result.exit_code == 0, result.output
    if fmt == "json":
        hits = json.loads(result.stdout)
    elif fmt == "jsonl":
        hits = [json.loads(line) for line in result.stdout.splitlines()]
    else:
        hits = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [str(h["installment"]) for h in hits] and {h["code"] for h in hits} == {"50120000-0042"}
    assert list(hits[0]) == ["code", "fiscal_year", "project", "installment", "date", "stage", "note", "snippet", "score", "agency", "progress_pct", "disbursed_baht"]


def test_search_filters(run, db):
    def codes(*args):
        result = run("search", *args, "--db", db, "--format", "jsonl", "--limit", "100")
        assert result.exit_code == 0, result.output
        return sorted((h["code"][-4:], h["installment"]) for h in map(json.loads, result.stdout.splitlines()))

    assert codes("อนุมัติ", "--year", "2567", "--agency", "บางรัก") == [("0077", 1)]
    assert codes("", "--stage", "unknown", "--since", "2024-02-01", "--until", "2024-02-29") == [("0042", 2), ("0077", 2)]
    assert codes("โครงการ", "--flagged") == [("3437", n) for n in range(1, 11)]  # the name has โครงการ too
    assert codes("โครงการแล้วเสร็จ", "--flagged") == [("3437", n) for n in (6, 7, 9, 10)]
    assert len(codes("", "--code", "50120000")) == 5
    assert len(codes("", "--limit", "3")) == 19  # the later --limit wins
    assert codes("", "--latest") == [("0042", 3), ("0077", 2), ("1234", 4), ("3437", 10)]  # each report's last installment
    assert codes("", "--latest", "--agency", "ดุสิต", "--year", "2566") == [("1234", 4), ("3437", 10)]
    bad = run("search", "x", "--db", db, "--since", "15/01/2567")
    assert bad.exit_code == 2 and "Invalid value for '--since'" in bad.output
    assert run("search", "x", "--db", db, "--stage", "done").exit_code == 2


def test_search_without_an_archive(run, tmp_path):
    result = run("search", "x", "--db", tmp_path / "none.db")
    assert result.exit_code == 1 and result.stderr == f"error: {tmp_path / 'none.db'}: no archive here (create one with `bma-nlp ingest`)\n"
    assert not (tmp_path / "none.db").exists()
    (tmp_path / "text.db").write_text("not sqlite at all " * 50)
    result = run("stats", "--db", tmp_path / "text.db")
    assert result.exit_code == 1 and "not a bma-nlp archive" in result.stderr and "Traceback" not in result.output


def test_export_is_the_parse_format(run, db, tmp_path):
    exported = run("export", "--db", db, "--code", "50070000-3437")
    assert exported.exit_code == 0, exported.output
    parsed = run("parse", os.path.abspath(SAMPLE), "--format", "jsonl", "--no-classify")
    assert exported.stdout == parsed.stdout
    everything = run("export", "--db", db, "--format", "json")
    assert [r["project"]["code"] for r in json.loads(everything.stdout)] == ["50070000-1234", "50070000-3437", "50120000-0042", "50120000-0077"]
    rows = list(csv.DictReader(io.StringIO(run("export", "--db", db, "--format", "csv", "--agency", "ดุสิต").stdout)))
    assert len(rows) == 14 and {r["code"] for r in rows} == {"50070000-1234", "50070000-3437"}
    out = tmp_path / "out.csv"
    assert run("export", "--db", db, "--format", "csv", "-o", out).exit_code == 0
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")


def test_stats(run, db):
    text = run("stats", "--db", db)
    assert text.exit_code == 0, text.output
    assert "installments:  19 by stage: approval: 0, procurement: 0, completed: 0, unknown: 19" in text.stdout
    assert "budget_overrun: 1" in text.stdout and "4 project codes" in text.stdout
    numbers = json.loads(run("stats", "--db", db, "--format", "json").stdout)
    assert (numbers["files"], numbers["reports"], numbers["installments"]) == (4, 4, 19)


def test_demo_ingests_the_sample_into_an_archive(run, tmp_path, monkeypatch):
    import bma_nlp.classify

    def stand_in(report):  # the demo classifies; this keeps the test off the shipped model
        for inst in report.installments:
            inst.stage = "procurement" if "จัดซื้อ" in (inst.note or "") else None
        return report

    monkeypatch.setattr(bma_nlp.classify, "classify_reports", lambda reports, **kw: [stand_in(r) for r in reports])
    path = tmp_path / "demo.db"
    result = run("demo", "--db", path)
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "50070000-3437" in out and "budget_overrun" in out
    assert f"Archive {path}:" in out and "installments:  10 by stage: approval: 0, procurement: 2" in out
    assert "«จัดซื้อวัสดุ»" in out and "2 matches" in out
    assert path.exists()
    again = run("demo", "--db", path)  # the sample is already there: same output
    assert again.exit_code == 0 and again.stdout == out
    assert "bma-demo.db" in run("demo").stdout  # default: a temporary archive
