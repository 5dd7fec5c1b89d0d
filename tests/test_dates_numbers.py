import pytest

from bma_nlp.parse.dates import InvalidDate, fiscal_year_bounds, match_date, parse_date
from bma_nlp.parse.numbers import parse_amount, parse_number


@pytest.mark.parametrize(
    "text, iso",
    [
        ("31/12/2565", "2022-12-31"),
        ("1/3/2566", "2023-03-01"),
        ("๒๕/๐๑/๒๕๖๖", "2023-01-25"),
        ("21 มี.ค. 2566", "2023-03-21"),
        ("21 มีนาคม 2566", "2023-03-21"),
        ("๒๑ มี.ค. ๖๖", "2023-03-21"),
        ("5 ต.ค.65", "2022-10-05"),
        ("2022-10-01 00:00:00", "2022-10-01"),
        ("2022-10-01", "2022-10-01"),
        ("15-03-2567", "2024-03-15"),
        ("29/02/2567", "2024-02-29"),  # 2024 is a leap year
        ("", None),
        ("ไม่ระบุ", None),
    ],
)
def test_parse_date(text, iso):
    assert parse_date(text) == iso


@pytest.mark.parametrize("text", ["31/02/2566", "29/02/2566", "32/01/2566", "10/13/2566"])
def test_impossible_dates_raise(text):
    with pytest.raises(InvalidDate):
        parse_date(text)


def test_match_date_reports_length_inside_longer_text():
    iso, length = match_date("23/06/2566 : โครงการแล้วเสร็จ")
    assert iso == "2023-06-23" and length == len("23/06/2566")


def test_fiscal_year_bounds():
    assert fiscal_year_bounds(2566) == ("2022-10-01", "2023-09-30")


@pytest.mark.parametrize(
    "text, value",
    [
        ("180,000", 180000),
        ("180,000 บาท", 180000),
        ("180,000.50", 180000.5),
        ("1,260,000.00 บาท", 1260000),
        ("-", 0),
        ("๑๘๐,๐๐๐ บาท", 180000),
        ("0", 0),
        ("abc", None),
        (None, None),
        # the unit garbled by OCR, the figure whole: read; a short number or a longer word: not
        ("100,000 um", 100000),
        ("4,785,000.- บาn", 4785000),
        ("2,500.50 uin", 2500.5),
        ("12 ab", None),
        ("100 ดอลลาร์", None),
        # thousands OCR separated by dots, or dots and commas; satang after the last dot
        ("1.192.000 บาท", 1192000),
        ("1.914,000 บาท", 1914000),
        ("2.965.500.50", 2965500.5),
        ("1.5.2", None),
    ],
)
def test_parse_amount(text, value):
    assert parse_amount(text) == value
    assert type(parse_amount(text)) is type(value)


def test_parse_number():
    assert parse_number("40.00") == 40.0
    assert parse_number("๑๐๐.๐๐ %") == 100.0
    assert parse_number("x") is None


def test_date_word_before_the_date():
    assert parse_date("วันที่ 15 พ.ย. 2566") == "2023-11-15"
    iso, length = match_date("ณ วันที่ 31/12/2565 : ขออนุมัติ")
    assert iso == "2022-12-31" and length == len("ณ วันที่ 31/12/2565")
    with pytest.raises(InvalidDate) as info:
        match_date("วันที่ 31/02/2566 : x")
    assert info.value.end == len("วันที่ 31/02/2566")


def test_whole_baht_dash_suffix():
    assert parse_amount("4,800,000.- บาท") == 4800000
    assert parse_amount("1,920,000.-") == 1920000
