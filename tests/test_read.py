import codecs

import pytest

from bma_nlp.errors import InputError
from bma_nlp.text import decode_bytes, normalize, read_text

THAI = "ความก้าวหน้าของงานฯ = 40.00 % งบประมาณที่เบิกใช้ (ครั้งที่ 2) = 0 บาท\n"


@pytest.mark.parametrize(
    "data, encoding",
    [
        (THAI.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF8 + THAI.encode("utf-8"), "utf-8-sig"),
        (THAI.encode("utf-16"), "utf-16"),
        (THAI.encode("cp874"), "cp874"),
        (THAI.encode("tis-620"), "cp874"),
    ],
)
def test_encodings_detected(data, encoding):
    text, used = decode_bytes(data)
    assert text == THAI
    assert used == encoding


def test_mojibake_is_detected_and_undone():
    garbled = THAI.encode("utf-8").decode("latin-1")
    text, used = decode_bytes(garbled.encode("utf-8"))
    assert text == THAI
    assert "mojibake" in used


def test_truncated_utf8_keeps_what_is_there():
    data = "รายงาน บาท".encode()[:-1]  # cut inside the last Thai letter (3 bytes each)
    text, used = decode_bytes(data, "cut.txt")
    assert text == "รายงาน บา"
    assert "truncated" in used


@pytest.mark.parametrize(
    "data, message",
    [
        (b"", "empty"),
        (b"  \n\t\n", "empty"),
        (bytes(range(0, 32)) * 10, "binary"),
        (b"\x81\x81\x81\xff\xfe\x81", "cannot decode"),
    ],
)
def test_bad_bytes_give_one_line_error(data, message):
    with pytest.raises(InputError) as info:
        decode_bytes(data, "bad.txt")
    text = str(info.value)
    assert text.startswith("bad.txt: ") and message in text and "\n" not in text


def test_read_text_errors_name_the_file(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        read_text(tmp_path / "missing.txt")
    with pytest.raises(InputError, match="directory"):
        read_text(tmp_path)
    big = tmp_path / "big.txt"
    big.write_text("ก" * 100, encoding="utf-8")
    with pytest.raises(InputError, match="too large"):
        read_text(big, max_bytes=50)


@pytest.mark.parametrize(
    "raw, clean",
    [
        ("น\u0e4d\u0e32", "นำ"),  # ำ written as ํ + า
        ("น\u0e4d\u0e49\u0e32", "น้ำ"),  # tone mark after ํ moves before ำ
        ("น้\u0e4d\u0e32", "น้ำ"),
        ("ก\u200bา\u200cร\ufeff", "การ"),
        ("□□สำนักงาน", "สำนักงาน"),
        ("**\\*\\* แบบแสดงรายงาน \\*\\***", " แบบแสดงรายงาน"),
        ("ผล \\* หมายเหตุ", "ผล * หมายเหตุ"),
        ("**1.2 หน่วยงาน**", "1.2 หน่วยงาน"),
        ("ข้อความ  \nบรรทัด", "ข้อความ\nบรรทัด"),
        ("a\r\nb", "a\nb"),
        ("e\u0301", "\u00e9"),
    ],
)
def test_normalize_cases(raw, clean):
    assert normalize(raw) == clean


def test_normalize_keeps_meaningful_text(sample_text):
    once = normalize(sample_text)
    assert normalize(once) == once  # idempotent
    assert "50070000-3437" in once and "1,260,000" in once


def test_stdin_over_the_limit_is_refused_not_cut(monkeypatch):
    import io
    import sys

    from bma_nlp.text import read_input

    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO("ก".encode() * 100)))
    with pytest.raises(InputError, match="<stdin>: input too large"):
        read_input("-", max_bytes=50)
