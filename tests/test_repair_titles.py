"""(And, at the end: a space inside a word with a slip beside it, a consonant lost before its mark, a consonant with its marks read rather than dropped.) A person's title protects the name after it; a listed word that merely begins with a title's
letters (นายกเทศมนตรี starts with นาย, พระเจ้าอยู่หัว with พระ) is a word, not a title and a name.
Its holder's name glued to it (an honorific's royal name) stays protected; what stands after a
space (the next person, with a title of its own) or prose glued after it is not its name."""

import csv
from pathlib import Path

import pytest

from bma_nlp.repair import load_lexicon, repair
from bma_nlp.repair.core import _begins_like_a_title, _Line


def protected_words(text: str) -> list[str]:
    line = _Line(text, load_lexicon())
    return [tok for tok, safe in zip(line.tokens, line.protected, strict=True) if safe and not tok.isspace()]


@pytest.mark.parametrize("word", ["นายกเทศมนตรี", "นายกรัฐมนตรี", "พระราชดำริ", "พระเจ้าอยู่หัว", "นายช่างโยธา"])
def test_a_listed_word_that_begins_like_a_title_is_a_word(word):
    assert _begins_like_a_title(word, load_lexicon())


@pytest.mark.parametrize("title", ["นาย", "นางสาว", "นายแพทย์", "ทันตแพทย์หญิง", "เภสัชกรหญิง", "ว่าที่ร้อยตรีหญิง", "ผศ.ดร."])
def test_titles_alone_are_titles(title):
    assert not _begins_like_a_title(title, load_lexicon())


def test_the_person_after_an_office_keeps_the_whole_name():
    # นายกเทศมนตรี used to be read as นาย + a name running over the space, so the next person's
    # title started inside that span and the family name after it was left open to repair
    text = "นายกเทศมนตรี นายสมชาย ใจดื เป็นประธาน"
    assert {"สม", "ชาย", "ใจ", "ดื"} <= set(protected_words(text))
    assert repair(text, consensus=False).text == text
    text = "รองนายกเทศมนตรี นางสาวอรุณี ศรีสุข ตรวจงาน"
    assert {"ศรี", "สุข"} <= set(protected_words(text))


def test_prose_after_a_word_that_begins_like_a_title_is_repaired():
    assert repair("นายกเทศมนตรีลงพื้นทีตรวจงานก่อสร้าง", consensus=False).text == "นายกเทศมนตรีลงพื้นที่ตรวจงานก่อสร้าง"
    # a linking word ends what could be a name glued to the office
    assert repair("รองนายกเทศมนตรีตรวจงานก่อสร้างถนนในพื้นทีชุมชน", consensus=False).text == "รองนายกเทศมนตรีตรวจงานก่อสร้างถนนในพื้นที่ชุมชน"


@pytest.mark.parametrize(
    "text, piece",
    [
        ("พระเจ้าอยู่หัวปรมินทรมหาภูมิพลอดุลยเดช", "มิ"),  # a royal name glued to its honorific
        ("ในหลวงพระบาทสมเด็จพระเจ้าอยู่หัวภูมิพลอดุลยเดช ทรงพระราชทาน", "อดุลยเดช"),
        ("นายแพทย์สมชาย ใจดี ผู้อำนวยการโรงพยาบาล", "ใจดี"),
        ("ทันตแพทย์หญิงสมศรี ใจงาม", "งาม"),  # a title with its feminine ending is a title
        ("เภสัชกรหญิงวรรณา ศรีทอง", "รณา"),
    ],
)
def test_royal_and_ordinary_names_stay_protected(text, piece):
    assert piece in protected_words(text)
    assert repair(text, consensus=False).text == text


@pytest.mark.parametrize(
    "text, fixed",
    [
        # a space OCR put inside a listed word, with a slip beside it (ด read as ต): the two sides
        # are one slip from a common listed word and one side is a short piece
        ("เจ้าหน้าที่ตรวจสอบพื้นที่ตัง กล่าว แล้ว", "เจ้าหน้าที่ตรวจสอบพื้นที่ดังกล่าว แล้ว"),
        ("โครงการตัง กล่าวอยู่ระหว่างจัดซื้อ", "โครงการดังกล่าวอยู่ระหว่างจัดซื้อ"),
        # a space between two whole words is a phrase break and stays
        ("งานก่อสร้างสะพาน ตามสัญญา", "งานก่อสร้างสะพาน ตามสัญญา"),
        ("ผู้รับจ้างเร่ง ดำเนินการ", "ผู้รับจ้างเร่ง ดำเนินการ"),
    ],
)
def test_a_space_inside_a_word_with_a_slip_beside_it(text, fixed):
    assert repair(text, consensus=False).text == fixed


@pytest.mark.parametrize(
    "text, fixed",
    [
        # a mark cannot start a word: after a whole word, the consonant it sat on was lost
        ("ประชาชนในื้นที่ได้รับประโยชน์", "ประชาชนในพื้นที่ได้รับประโยชน์"),
        ("ดำเนินการตามื้นฐาน", "ดำเนินการตามพื้นฐาน"),
    ],
)
def test_a_consonant_lost_before_its_mark_after_a_whole_word(text, fixed):
    assert repair(text, consensus=False).text == fixed


@pytest.mark.parametrize(
    "text, fixed",
    [
        # a consonant with its marks is a syllable OCR cut short, not a speck: it is read as a
        # word, never dropped (dropping it used to outbid ที่ and made repair abstain)
        ("พัฒนาระบบแบบออนไลน์ท่เชื่อมโยงข้อมูลทุกหน่วยงาน", "พัฒนาระบบแบบออนไลน์ที่เชื่อมโยงข้อมูลทุกหน่วยงาน"),
        ("เก็บเอกสารเป็นหลักฐานว้ตรวจสอบภายหลัง", "เก็บเอกสารเป็นหลักฐานไว้ตรวจสอบภายหลัง"),
    ],
)
def test_a_consonant_with_its_marks_is_read_not_dropped(text, fixed):
    assert repair(text, consensus=False).text == fixed


NAMES_AFTER_TITLES = list(csv.DictReader((Path(__file__).parent / "data" / "repair_names_after_titles.tsv").open(encoding="utf-8"), delimiter="\t"))


@pytest.mark.parametrize("case", NAMES_AFTER_TITLES, ids=[c["note"] for c in NAMES_AFTER_TITLES])
def test_the_name_after_an_abbreviated_or_full_title_is_left_alone(case):
    text = case["text"].replace("\\n", "\n")  # (a \n in the file is a line break)
    assert repair(text, consensus=False).text == text


def test_a_line_that_starts_with_a_name_is_repaired_when_no_title_ends_the_line_before():
    # the mechanism above is the title: without it this line's surname reads as a word one mark away
    text = "ลงพื้นที่ตรวจงาน\nอรอนงค์ กาญจนชูศักดิ์ โฆษกสภากรุงเทพมหานคร"
    assert repair(text, consensus=False).text != text


@pytest.mark.parametrize(("line", "ends"), [("ลงพื้นที่โดยมีนาย", True), ("ประชุมโดย นางสาว", True), ("ประชุมโดยพล.อ.", True), ("ตามที่ได้ทำนาย", False), ("คือ นายก", False)])
def test_a_title_ends_a_line_only_as_a_word(line, ends):
    from bma_nlp.repair.core import ends_with_title

    assert ends_with_title(line) is ends
