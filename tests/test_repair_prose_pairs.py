"""Word pairs of real BMA prose (issue 9): the shipped evidence holds them, the build script keeps
the notes that share a page or a phrase with the OCR evaluation sets out, and a fix is credited
only with the pairs that touch what it changes."""

from __future__ import annotations

import importlib.util
import math
import sys
from pathlib import Path

from bma_nlp.repair import Evidence
from bma_nlp.repair.evidence import prose_pairs, shipped

ROOT = Path(__file__).resolve().parent.parent


def _build_script():
    spec = importlib.util.spec_from_file_location("build_context_pairs", ROOT / "scripts" / "build_context_pairs.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("build_context_pairs", module)
    spec.loader.exec_module(module)
    return module


def test_the_shipped_evidence_holds_every_real_prose_pair():
    pairs, words = prose_pairs()
    assert len(pairs) > 1000 and words > 10_000
    evidence = shipped()
    for key, count in pairs.items():
        left, _, right = key.partition(" ")
        # counted on the word counts' scale (many times the prose's own count), on top of any compound pair
        assert evidence.pair(left, right) >= count * 100, key
        assert right in evidence.followers(left) and left in evidence.leaders(right)


def test_the_data_file_is_sorted_pairs_with_counts():
    text = (ROOT / "bma_nlp" / "data" / "context_pairs.tsv").read_text(encoding="utf-8")
    rows = [line for line in text.splitlines() if not line.startswith("#")]
    keys = [row.split("\t")[0] for row in rows]
    assert keys == sorted(keys) and len(set(keys)) == len(keys)
    for row in rows:
        key, count = row.split("\t")
        left, right = key.split(" ")
        assert left and right and int(count) >= 2  # (seen in two notes at least)


def test_the_build_leaves_out_notes_sharing_a_page_or_a_phrase_with_the_ocr_sets():
    build = _build_script()
    ocr_line = "ก" * 10 + " " + "ข" * 15  # 25 letters once spaces are removed
    urls = {build.norm_url("https://www.example.org/page?id=1/")}
    notes = [
        {"id": "a", "text": "อื่น", "source_url": "http://example.org/page?id=1"},  # the same page, cited otherwise
        {"id": "b", "text": "นำ " + "ก" * 5 + "ก" * 5 + "ข" * 10 + " ตาม", "source_url": "https://other.org/1"},  # 20 letters shared
        {"id": "c", "text": "ก" * 9 + "ข" * 10 + "ค", "source_url": "https://other.org/2"},  # 19 shared: kept
        {"id": "d", "text": "ไม่มีส่วนร่วม", "source_url": "https://other.org/3"},
    ]
    kept, why = build.exclude(notes, urls, [ocr_line])
    assert [n["id"] for n in kept] == ["c", "d"]
    assert why == {"url": 1, "text": 1}


def test_the_build_keeps_pairs_of_several_notes_and_pages_only():
    build = _build_script()
    phrase = "ขุดลอกคลองระบายน้ำ"
    notes = [
        {"id": "1", "text": f"{phrase} ทุกเดือน", "source_url": "p1"},
        {"id": "2", "text": f"งาน{phrase} แล้วเสร็จ", "source_url": "p2"},
        {"id": "3", "text": "ซ่อมแซมผิวจราจร", "source_url": "p3"},  # one note: none of its pairs
        {"id": "4", "text": "ปรับปรุงทางเท้า", "source_url": "p4"},
        {"id": "5", "text": "ปรับปรุงทางเท้า", "source_url": "p4"},  # the same note again: not a second one
    ]
    pairs, words = build.count_pairs(notes, min_notes=2, min_pages=2, min_assoc=0.0)
    both = Evidence.from_texts([phrase]).pairs
    assert both and set(both) <= set(pairs)
    assert not any(key.startswith(("ซ่อมแซม", "ปรับปรุง")) for key in pairs)
    assert words > 0


def test_a_fix_is_credited_only_with_the_pairs_it_touches():
    evidence = Evidence.from_texts(["ให้ เป็น ไป ตาม หลัก", "สมัย ที่", "สภา สมัย"] * 50)
    own = ("เป็นไปตาม", "หลัก", "อารย")
    finer = ("เป็น", "ไป", "ตาม", "หลัก", "อารย์")  # the same text split finer, one mark added
    assert evidence.fresh_logp("ให้", finer, "สถาปัตย์", own) == evidence.fresh_logp("ให้", own, "สถาปัตย์", finer) == 0.0
    assert evidence.context_logp("ให้", finer, "สถาปัตย์") > 0  # (what every pair would have credited)
    # a letter taken out: the two words that now meet are credited, not the rest of the unchanged word's pairs
    assert evidence.fresh_logp("สภา", ("สมัย",), "ที่", ("ฯ", "สมัย")) == math.log1p(evidence.pair("สภา", "สมัย"))
    only_meeting = Evidence.from_texts(["สมัย ที่"] * 50)
    assert only_meeting.fresh_logp("สภา", ("สมัย",), "ที่", ("ฯ", "สมัย")) == 0.0


def test_a_pair_that_spells_a_listed_word_is_that_word():
    evidence = Evidence.from_texts(["ได้ รับ"] * 50)
    words, own = ("ได้", "รับ"), ("ได้", "ปรับ")
    assert evidence.fresh_logp(None, words, None, own) > 0
    assert evidence.fresh_logp(None, words, None, own, listed={"ได้รับ"}) == 0.0
