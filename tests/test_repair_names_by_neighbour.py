"""Words their neighbours mark as names or as text, which repair leaves as they stand: the name
after an address word (คลอง, ตำบล, อำเภอ, จังหวัด) and the word before จังหวัด, a word the
abbreviation mark ends, the one-letter word ณ, and an opening bracket that wraps to the next
line. Then the frozen blind round 3 of real OCR (Thai government prose no session of this
project wrote): its clean lines come back unchanged but one, a source's misspelling of a
loanword (แอสฟัลท์) that repair writes as the dictionary does."""

import json
from pathlib import Path

import pytest

from bma_nlp.repair import load_lexicon, repair
from bma_nlp.repair.core import _Line, _only_specks_here

ROUND3 = Path(__file__).resolve().parent.parent / "scripts" / "data" / "ocr_pairs_round3.jsonl"


def protected_words(text: str) -> list[str]:
    line = _Line(text, load_lexicon())
    return [tok for tok, safe in zip(line.tokens, line.protected, strict=True) if safe and not tok.isspace()]


@pytest.mark.parametrize(
    "text, name",
    [
        ("ขุดลอกคลองลำกะดาน เพื่อให้น้ำไหลสะดวก", "กะ"),  # คลอง|ลำ|กะ|ดาน: the whole name
        ("สำรวจถนนในอำเภอนาทวี", "ทวี"),
        ("นาทวี จังหวัดสงขลา ได้รับความเสียหาย", "นา"),  # the name before จังหวัด, its อำเภอ on the line before
        ("ตามพระราชดำริของสมเด็จพระเทพรัตนราชสุดาฯ สยามบรมราชกุมารี", "ฯ"),
        ("ประชาชนในกรณฯ ทุกแห่ง", "กร"),  # (the tokeniser cuts กร|ณฯ)
        ("ประชุมคณะกรรมการ ณ ห้องประชุมสำนักงานเขต", "ณ"),
    ],
)
def test_a_neighbour_marks_the_name(text, name):
    assert any(name in word for word in protected_words(text))


def test_an_address_word_used_as_a_common_noun_protects_nothing():
    assert protected_words("เจ้าหน้าที่ลงพื้นที่ริมคลองพร้อมดำเนนการขุดลอก") == []


def test_an_opening_bracket_at_the_line_end_is_text_a_closing_one_at_the_start_may_be_a_speck():
    assert not _only_specks_here("(", "ก่อสร้างเขื่อนริมคลอง ช่วงถนนประชาราษฎร์", "", wraps="(\u201c")
    assert _only_specks_here(")", "ก่อสร้างเขื่อนริมคลอง ช่วงถนนประชาราษฎร์", "")


def test_round3_clean_lines_come_back_unchanged():
    pairs = [json.loads(x) for x in ROUND3.read_text(encoding="utf-8").splitlines() if x.strip()]
    clean = list(dict.fromkeys(p["clean"] for p in pairs))
    changed = [(line, repair(line, consensus=False).text) for line in clean]
    changed = [(a, b) for a, b in changed if a != b]
    assert len(changed) <= 1 and all(a.replace("แอสฟัลท์", "แอสฟัลต์") == b for a, b in changed)
