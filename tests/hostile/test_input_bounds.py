"""Cases 5 (FIFOs and devices skip --max-bytes or hang), 6 (quadratic cue search on a long
note), 13 (one unreadable file stops parse), 14 (NUL bytes), 17 (overflowing numbers),
21 (the Python API's guessing)."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import threading

import pytest

import bma_nlp
from bma_nlp.errors import InputError, ParseError
from bma_nlp.text import read_bytes, read_text

from .conftest import SAMPLE, one_line_error


@contextlib.contextmanager
def deadline(seconds: int):
    """Fail instead of hanging (a guard against hangs, not a speed claim)."""

    def boom(signum, frame):
        raise TimeoutError(f"still running after {seconds} s")

    old = signal.signal(signal.SIGALRM, boom)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


# ------------------------------------------------------------------ case 5


def test_devices_are_refused_not_read():
    with deadline(20):
        for dev in ("/dev/zero", "/dev/urandom", "/dev/null"):
            with pytest.raises(InputError, match="device"):
                read_text(dev, max_bytes=1000)


def test_parse_dev_zero_with_max_bytes(cli):
    with deadline(30):
        result = cli("parse", "--max-bytes", "1000", "/dev/zero", "--no-classify")
    assert result.exit_code == 1 and one_line_error(result.stderr) and "device" in result.stderr


def test_a_fifo_is_refused_without_blocking(tmp_path, cli):
    fifo = tmp_path / "report.txt"
    os.mkfifo(fifo)
    with deadline(30):
        with pytest.raises(InputError, match="FIFO"):
            read_bytes(fifo)
        result = cli("parse", fifo, SAMPLE, "--no-classify", "--format", "jsonl")
        assert result.exit_code == 1 and "FIFO" in result.stderr and len(result.stdout.splitlines()) == 1
        jsonl = tmp_path / "notes.jsonl"
        os.mkfifo(jsonl)
        result = cli("classify", "--input", jsonl)
        assert result.exit_code == 1 and one_line_error(result.stderr)
        result = cli("evaluate", "--data", jsonl)
        assert result.exit_code == 1 and one_line_error(result.stderr)


def test_a_file_that_grows_past_the_limit_while_read_is_cut(tmp_path, monkeypatch):
    path = tmp_path / "a.txt"
    path.write_bytes(b"x" * 100)
    real_fstat = os.fstat

    class Small:  # the size said at open time is small; the read finds more
        def __init__(self, st):
            self.st_mode, self.st_size = st.st_mode, 10

    monkeypatch.setattr(os, "fstat", lambda fd: Small(real_fstat(fd)))
    with pytest.raises(InputError, match="too large"):
        read_bytes(path, max_bytes=50)


def test_stdin_with_a_huge_limit_is_read_in_pieces(cli):
    result = cli("repair", "-", input="ดำเนินการแล้ว\n")
    assert result.exit_code == 0
    import io
    import sys

    from bma_nlp.text.read import read_input

    old = sys.stdin
    sys.stdin = io.TextIOWrapper(io.BytesIO("ดำเนินการแล้ว".encode()), encoding="utf-8")
    try:
        text, _ = read_input("-", max_bytes=10**30)
    finally:
        sys.stdin = old
    assert text == "ดำเนินการแล้ว"


# ------------------------------------------------------------------ case 6


def test_cue_search_is_linear_on_a_long_note():
    from bma_nlp.classify.rules import cue_hits

    note = "ได้รับอนุมัติแล้ว อยู่ระหว่างจัดซื้อ 3 จาก 5 ร้อยละ 40 " * 60_000  # 3.2 M characters
    with deadline(60):  # the quadratic search needed about 3 minutes here
        hits = cue_hits(note, prepared=True)
    assert len(hits) >= 60_000 * 3


def test_cue_blanking_still_stops_a_broad_group_counting_the_same_words():
    from bma_nlp.classify.rules import cue_hits

    names = [h[0] for h in cue_hits("ยังไม่ได้รับอนุมัติ")]
    assert "approval_wait" in names and "approved" not in names


def test_tokenizer_on_a_long_text_gives_what_short_pieces_give():
    from bma_nlp.tokenize import CHUNK_CHARS, word_tokenize

    piece = "ได้รับอนุมัติเงินประจำงวดแล้ว ขณะนี้โรงเรียนอยู่ระหว่างจัดซื้อวัสดุ "
    long_text = piece * (3 * CHUNK_CHARS // len(piece))
    assert word_tokenize(long_text) == word_tokenize(piece) * (3 * CHUNK_CHARS // len(piece))
    with deadline(60):
        assert len(word_tokenize("ก" * (4 * CHUNK_CHARS + 7))) >= 1  # no whitespace at all still ends


# ------------------------------------------------------------------ case 13


def test_one_unreadable_file_does_not_stop_the_others(cli, tmp_path, monkeypatch):
    noperm = tmp_path / "noperm.txt"
    noperm.write_text("x", encoding="utf-8")
    os.chmod(noperm, 0)
    real_access, real_open = os.access, os.open

    def access(path, mode, *a, **k):  # as root every file is readable: say what a user would see
        return False if str(path) == str(noperm) else real_access(path, mode, *a, **k)

    def open_(path, flags, *a, **k):
        if str(path) == str(noperm):
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, flags, *a, **k)

    monkeypatch.setattr(os, "access", access)
    monkeypatch.setattr(os, "open", open_)
    result = cli("parse", noperm, SAMPLE, "--no-classify", "--format", "jsonl")
    assert result.exit_code == 1 and "permission denied" in result.stderr
    assert len(result.stdout.splitlines()) == 1 and json.loads(result.stdout)["project"]["code"]


# ------------------------------------------------------------------ case 14


def test_nul_after_the_first_64_kib_is_refused(tmp_path):
    data = SAMPLE.read_bytes()
    path = tmp_path / "nul.txt"
    path.write_bytes(data + b"\n" * 70_000 + "แล้ว\x00เสร็จ".encode())
    with pytest.raises(InputError, match="NUL"):
        read_text(path)


def test_control_characters_never_reach_a_report():
    text = SAMPLE.read_text(encoding="utf-8").replace("ดำเนินการเรียบร้อยแล้ว", "ดำเนินการ\x00เรียบร้อย\x1b[2Jแล้ว")
    report = bma_nlp.parse_text(text, classify=False)
    notes = [i.note + (i.note_raw or "") for i in report.installments]
    assert not any(c in n for n in notes for c in "\x00\x1b")


def test_nul_in_a_query(tmp_path, cli):
    db = tmp_path / "a.db"
    assert cli("ingest", SAMPLE, "--db", db, "--no-classify").exit_code == 0
    result = cli("search", "จัดซื้อ\x00วัสดุ", "--db", db)
    assert result.exit_code == 0 and "match" in result.stdout
    with bma_nlp.Archive(db, create=False) as archive:
        assert archive.search("\x00") == [] or True  # no exception is the point
        archive.search("วัสดุ\x00")


# ------------------------------------------------------------------ case 17


@pytest.mark.parametrize(
    "args",
    [["--year", "99999999999999999999"], ["--year", "-5"], ["--limit", str(10**23)], ["--year", str(2**63)]],
)
def test_overflowing_numbers_are_one_line(tmp_path, cli, args):
    db = tmp_path / "a.db"
    assert cli("ingest", SAMPLE, "--db", db, "--no-classify").exit_code == 0
    for command in (["search", "วัสดุ"], ["search"], ["export"]):
        if command[0] == "export" and args[0] == "--limit":
            continue
        result = cli(*command, "--db", db, *args)
        assert result.exit_code in (0, 1, 2) and "internal error" not in result.stderr and "Traceback" not in result.stderr, result.stderr
    with bma_nlp.Archive(db, create=False) as archive:
        assert archive.search("วัสดุ", limit=10**30)
        assert archive.search("", limit=10**30)
        with pytest.raises(InputError):
            archive.search("วัสดุ", year=10**30)


def test_huge_max_bytes(cli):
    result = cli("parse", SAMPLE, "--no-classify", "--max-bytes", str(10**30), "--format", "jsonl")
    assert result.exit_code == 0


# ------------------------------------------------------------------ case 21


def test_api_type_errors_say_what_was_expected():
    with pytest.raises(TypeError, match="a path or the report's text .*NoneType"):
        bma_nlp.parse_report(None)
    with pytest.raises(TypeError, match="parse_text"):
        bma_nlp.parse_text(b"x")
    with pytest.raises(TypeError, match="parse_file"):
        bma_nlp.parse_file(None)


def test_bytes_are_a_files_content():
    report = bma_nlp.parse_report(SAMPLE.read_bytes(), classify=False)
    assert report.project.code and report.installments


def test_process_one_path_is_not_its_characters():
    reports, errors = bma_nlp.process(str(SAMPLE), classify=False)
    assert len(reports) == 1 and not errors


def test_thai_text_with_a_dot_is_text_not_a_file_name():
    with pytest.raises(ParseError):
        bma_nlp.parse_report("ปีงบประมาณ พ.ศ. 2566", classify=False)
    with pytest.raises(InputError, match="no such file"):
        bma_nlp.parse_report("missing-report.txt", classify=False)
    with pytest.raises(InputError, match="no such file"):
        bma_nlp.parse_file("ปีงบประมาณ พ.ศ. 2566", classify=False)


def test_parse_text_and_parse_file_agree():
    by_text = bma_nlp.parse_text(SAMPLE.read_text(encoding="utf-8"), classify=False)
    by_file = bma_nlp.parse_file(SAMPLE, classify=False)
    assert by_text.installments == by_file.installments and by_text.project == by_file.project


def test_reading_in_a_thread_is_fine():
    out = []
    t = threading.Thread(target=lambda: out.append(read_text(SAMPLE)))
    t.start()
    t.join(30)
    assert out and out[0][1] == "utf-8"
