import csv
import io
import json

import pytest
from click.testing import CliRunner
from conftest import SAMPLE

from bma_nlp.cli import main


@pytest.fixture
def run():
    runner = CliRunner()

    def invoke(*args, input=None):
        return runner.invoke(main, [str(a) for a in args], input=input)

    return invoke


def test_parse_json(run, expected):
    result = run("parse", SAMPLE, "--format", "json")
    assert result.exit_code == 0, result.output
    (report,) = json.loads(result.stdout)
    assert report["copies"] == 4 and report["project"]["code"] == expected["project"]["code"]


def test_parse_jsonl_and_csv(run):
    lines = run("parse", SAMPLE, "--format", "jsonl").stdout.splitlines()
    assert len(lines) == 1 and json.loads(lines[0])["project"]["fiscal_year"] == 2566
    rows = list(csv.DictReader(io.StringIO(run("parse", SAMPLE, "--format", "csv").stdout)))
    assert len(rows) == 10 and rows[5]["installment_number"] == "6" and "missing_date" in rows[5]["flags"]


def test_csv_file_output_has_bom_for_excel(run, tmp_path):
    out = tmp_path / "out.csv"
    assert run("parse", SAMPLE, "--format", "csv", "-o", out).exit_code == 0
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")


@pytest.mark.parametrize(
    "content, message",
    [(b"", "file is empty"), (b"\x00\x01\x02binary", "binary file"), ("สวัสดี".encode(), "no progress report")],
)
def test_bad_file_among_good_ones(run, tmp_path, content, message):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(content)
    result = run("parse", bad, SAMPLE)
    assert result.exit_code == 1
    err = result.stderr.strip().splitlines()
    assert err == [f"error: {bad}: {message}" + err[0].split(message, 1)[1]]
    assert "Traceback" not in result.output
    assert json.loads(result.stdout)[0]["copies"] == 4  # the good file still processed


def test_missing_file_and_nothing_written(run, tmp_path):
    out = tmp_path / "out.json"
    result = run("parse", tmp_path / "nope.txt", "-o", out)
    assert result.exit_code == 1 and "no such file" in result.stderr
    assert not out.exists()


def test_report_without_installments_warns_and_fails(run):
    from pathlib import Path

    path = Path(__file__).parent / "data" / "reports" / "header-only.txt"
    result = run("parse", path)
    assert result.exit_code == 1 and "has no installments" in result.stderr
    assert json.loads(result.stdout)[0]["flags"][0]["code"] == "no_installments"


def test_demo_prints_summary(run):
    result = run("demo")
    assert result.exit_code == 0, result.output
    assert "50070000-3437" in result.stdout and "budget_overrun" in result.stdout
