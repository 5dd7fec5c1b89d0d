"""Repair as data: garbled cases that must be fixed (or left alone), clean text that must not change."""

import csv
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from bma_nlp.cli import main
from bma_nlp.repair import fix_and_explain, repair, repair_report
from bma_nlp.text.normalize import normalize_thai

DATA = Path(__file__).parent / "data"
CASES = list(csv.DictReader((DATA / "repair_cases.tsv").open(encoding="utf-8"), delimiter="\t"))
CLEAN = [line.rstrip("\n") for line in (DATA / "repair_clean.txt").open(encoding="utf-8") if line.strip()]


@pytest.mark.parametrize("case", CASES, ids=[c["garbled"][:30] for c in CASES])
def test_garbled_case_is_fixed_or_left_alone(case):
    out = repair(case["garbled"], consensus=False).text
    assert out in (case["expected"], normalize_thai(case["garbled"])), "repair made the text different and wrong"


def test_most_garbled_cases_are_fixed():
    fixed = sum(repair(c["garbled"], consensus=False).text == c["expected"] for c in CASES)
    assert fixed / len(CASES) >= 0.7, f"only {fixed}/{len(CASES)} fixed"


# Mechanisms measured on real Tesseract OCR (the learn split of scripts/make_ocr_pairs.py): their
# cases must come out exactly as expected, not merely be left alone.
STRICT = ("specks at", "a speck at", "dot glued", "apostrophe glued", "a title inside", "marks lost", "a listed", "real-word slip", "two slips in one word", "two garbles side by side", "cheap slips")


@pytest.mark.parametrize("case", [c for c in CASES if c["note"].startswith(STRICT)], ids=lambda c: c["note"])
def test_real_ocr_mechanism_fixes_its_case(case):
    assert repair(case["garbled"], consensus=False).text == case["expected"]


def test_speed_shortcuts_agree_with_the_plain_computation():
    """The look-up tables and the early stop that make repair faster give what the plain
    computation gives: the likeliest marked word (searched likeliest first, stopping once a
    word's prior alone cannot win), solid words and their log-probabilities, the split score."""
    import math

    from bma_nlp.repair import core
    from bma_nlp.repair.channel import ocr_cost
    from bma_nlp.repair.lexicon import SOLID_SHORT_FREQ, bare, load_lexicon

    lexicon = load_lexicon()
    index = lexicon.bare_index()
    for piece in ["ผูรับผิดชอบ", "ดำเนนการ", "พืนที", "นา", "ทีดิน", "กา", "เพือ", "ตรวจสอน"]:
        letters = bare(piece)
        if letters not in index:
            continue
        plain = max((lexicon.logp(w) - core.CHANNEL_WEIGHT * ocr_cost(piece, w), w) for w in index[letters])
        assert core._likeliest_marked(piece, letters, lexicon) == plain
    for word in ["การ", "นา", "ดำเนินการ", "ผลง", "ทีดิน", "ของ", "กรุงเทพมหานคร"]:
        plain_solid = word in lexicon.trusted and (len(word) > 3 or lexicon.freq.get(word, 0.0) >= SOLID_SHORT_FREQ)
        assert (word in lexicon.solid_logp()) == plain_solid
        if plain_solid:
            assert lexicon.solid_logp()[word] == lexicon.logp(word)
    for text in ["ดำเนินการจัดซื้อวัสดุ", "ผลงคุณภาพ", "ทีดินของการ"]:
        log_total = math.log(lexicon.total)
        best = [0.0] + [-math.inf] * len(text)
        for i in range(1, len(text) + 1):
            best[i] = best[i - 1] + math.log(0.5) - log_total - 2.0
            for j in range(max(0, i - 20), i - 1):
                piece, count = text[j:i], lexicon.freq.get(text[j:i], 0.0)
                if text[j] in core.MARKS or count <= 0 or piece not in lexicon.trusted or (i - j <= 3 and count < 1000):
                    continue
                best[i] = max(best[i], best[j] + math.log(count) - log_total)
        assert lexicon.best_split_logp(text) == best[len(text)]


def test_readings_resumed_from_a_shorter_window_agree_with_a_fresh_search():
    """The marks search and the best split resume from the readings of a window that begins
    the text (the same first tokens, fewer after them): the same result as a search from scratch."""
    from bma_nlp.repair import core
    from bma_nlp.repair.lexicon import load_lexicon

    lexicon = load_lexicon()
    texts = ["ผูรับผิดชอบดำเนนการจัดซี้อวัสดุ", "เพือจดต้งเพิมพืนที", "ทีดินของการตรวจสอนผลงคุณภาพ", "กรุงเทพมหานครไดเร่งชดดำ"]
    for text in texts:
        lexicon.clear_caches()
        fresh = (core._restore_marks(text, lexicon), lexicon.best_split_logp(text))
        lexicon.clear_caches()
        for end in range(3, len(text)):  # every beginning first, as overlapping windows meet them
            core._restore_marks(text[:end], lexicon)
            lexicon.best_split_logp(text[:end])
        lexicon._marks_cache.clear()
        lexicon._split_cache.clear()  # (the result itself must not come from a cache)
        assert (core._restore_marks(text, lexicon), lexicon.best_split_logp(text)) == fresh
    lexicon.clear_caches()


def test_shape_folds_marks_and_cheap_lookalikes_only():
    from bma_nlp.repair.lexicon import load_lexicon, shape
    from bma_nlp.repair.profile import profile

    classes = profile().shape_classes()
    fold = lambda c: classes.get(c, c)  # noqa: E731
    assert fold("ด") == fold("ต") and fold("ช") == fold("ซ") and fold("ร") == fold("ว")  # learned cheap swaps
    assert fold("ก") != fold("ข") and fold("ร") != fold("ง")  # dear ones stay apart
    assert shape("ผูรันผิดซอบ") == shape("ผู้รับผิดชอบ")  # marks lost, บ/น and ช/ซ swapped: one shape
    assert shape("ผู้รับผิดชอบ") != shape("ผู้รับผิดชอบ"[:-1])
    assert "ผู้รับผิดชอบ" in load_lexicon().shape_index()[shape("ผูรันผิดซอบ")]


@pytest.mark.parametrize("line", CLEAN, ids=[line[:30] for line in CLEAN])
def test_clean_text_comes_back_unchanged(line):
    result = repair(line, consensus=False)
    assert result.text == line, result.explain()


def test_changes_explain_and_undo():
    text = "งบประบาณที่ได้รับ : 250,000 บาท\nอยู่ระหว่างจัดซี้อวัสดุ"
    fixed, changes = fix_and_explain(text)
    assert fixed == "งบประมาณที่ได้รับ : 250,000 บาท\nอยู่ระหว่างจัดซื้อวัสดุ"
    assert [c.line for c in changes] == [0, 1] and all(c.reason for c in changes)
    lines = fixed.split("\n")
    for c in reversed(changes):  # undo each change from its recorded offsets
        line = lines[c.line]
        assert line[c.start : c.start + len(c.replacement)] == c.replacement
        lines[c.line] = line[: c.start] + c.original + line[c.start + len(c.replacement) :]
    assert "\n".join(lines) == text
    assert repair(text).undo() == text


def test_numbers_names_and_codes_are_never_touched():
    text = "ผู้ประสานงาน สยป : นางสาวบุษย์ ชลสายทรัพย์ โทร 1515 รหัส 50070000-3437 COVID-19"
    assert repair(text).text == text


def test_user_lexicon_protects_office_terms(tmp_path):
    word = "ศูนย์ฯกรีนซิตี้"
    lex = tmp_path / "lex.txt"
    lex.write_text(word + "\n", encoding="utf-8")
    assert repair(word, lexicon=lex).text == word


def test_sample_garbles_fixed_and_copies_vote(sample_text):
    result = repair(sample_text)
    text = result.text
    for garbled in ("ผลงคุณภาพ", "ทุกะบบย่อย", "หน่วยงานที่รับขอ", "ประเด็นยุทธศา ย่อย", "มุ่งคุณภาพ"):
        assert garbled not in text
    assert text.count("ผดุงคุณภาพ") == 4 and text.count("ทุกระบบย่อย") == 2
    assert any("copies vote" in c.reason and c.original == "มุ่งคุณภาพ" for c in result.changes)
    assert len(text.split("\n")) == len(sample_text.split("\n"))  # line for line


def test_repair_report_keeps_note_raw():
    from bma_nlp.parse import parse_text

    text = "รหัสโครงการ : 10000000-0001\nปีงบประมาณ พ.ศ. : 2566\nรายงานครั้งที่1\t:: 01/11/2565 : อยู่ระหว่างจัดซี้อวัสดุ :: ความก้าวหน้าของงานฯ = 10.00 % งบประมาณที่เบิกใช้ (ครั้งที่ 1) = 0 บาท\n"
    (report,) = parse_text(text)
    repair_report(report)
    inst = report.installments[0]
    assert inst.note_raw == "อยู่ระหว่างจัดซี้อวัสดุ" and inst.note == "อยู่ระหว่างจัดซื้อวัสดุ"
    assert report.repairs and report.repairs[0]["field"] == "installments[1].note"


def test_cli_repair_text_json_and_stdin():
    runner = CliRunner()
    result = runner.invoke(main, ["repair", "-", "--explain"], input="อยู่ระหว่างจัดซี้อวัสดุ\nบรรทัดที่สอง 123\n".encode())
    assert result.exit_code == 0
    assert result.stdout == "อยู่ระหว่างจัดซื้อวัสดุ\nบรรทัดที่สอง 123\n"
    assert "ocr word" in result.stderr
    result = runner.invoke(main, ["repair", "-", "--format", "json"], input="อยู่ระหว่างจัดซี้อ".encode())
    assert json.loads(result.stdout)["changes"][0]["replacement"].endswith("ซื้อ")
    result = runner.invoke(main, ["repair", "-"], input=b"\x00\x01binary")
    assert result.exit_code == 1 and result.stderr.startswith("error: <stdin>: binary")


def test_fast_tokeniser_falls_back_and_agrees(monkeypatch):
    from bma_nlp import tokenize

    text = "ได้รับอนุมัติเงินประจำงวดแล้ว ขณะนี้อยู่ระหว่างจัดซื้อวัสดุ"
    fast = tokenize.word_tokenize(text, engine="nlpo3", keep_whitespace=True)
    assert fast == tokenize.word_tokenize(text, keep_whitespace=True)
    monkeypatch.setattr(tokenize, "_has_nlpo3", lambda: False)  # nlpo3 missing
    assert tokenize.word_tokenize(text, engine="nlpo3", keep_whitespace=True) == fast


def test_spacing_between_words_and_text_beside_the_window_are_kept():
    # a space between two real words is a phrase break, never joined
    assert repair("ขุดลอกคลองเปรมประชากร ช่วงที่ 2", consensus=False).text == "ขุดลอกคลองเปรมประชากร ช่วงที่ 2"
    # a closing quote after an opening one stays
    assert repair("เรียกว่า 'ตลาดน้ำ' ของชุมชน", consensus=False).text == "เรียกว่า 'ตลาดน้ำ' ของชุมชน"


def test_abbreviations_and_short_labels_are_kept():
    assert repair("ผรจ. ส่งงานงวดสุดท้าย คกก. ตรวจรับแล้ว", consensus=False).text == "ผรจ. ส่งงานงวดสุดท้าย คกก. ตรวจรับแล้ว"
    assert repair("ผู้รับผิดชอบ: ฝ่ายพัฒนาชุมชน", consensus=False).text == "ผู้รับผิดชอบ: ฝ่ายพัฒนาชุมชน"


def test_doubled_letters_are_cheap_other_extra_letters_are_not():
    from bma_nlp.repair.channel import ocr_cost

    assert ocr_cost("บบาท", "บาท") < ocr_cost("กบาท", "บาท")


def test_a_later_pass_judges_only_what_the_last_pass_changed():
    from bma_nlp.repair import load_lexicon
    from bma_nlp.repair.core import _repair_line

    lexicon = load_lexicon()
    line = "ตรวจสอบปัญหาน้ำท่วมจังบริเวณถนน"  # the first pass fixed ท่วม; จัง beside it is judged again
    at = line.index("ท่วม")
    assert _repair_line(line, lexicon, [])[0] == line  # nothing changed: nothing is judged again
    assert _repair_line(line, lexicon, [(at, at + 4)])[0] == "ตรวจสอบปัญหาน้ำท่วมขังบริเวณถนน"


@pytest.mark.parametrize("max_cost", [0.12, 0.15, 0.2, 0.3, 0.35, 0.5, 1.2])
def test_cheap_substitutions_are_those_a_full_scan_prices_so(max_cost):
    """Pricing only the counted pairs below the cheapest prior finds exactly what pricing every
    pair of letters finds (and every pair above it)."""
    from bma_nlp.repair.profile import profile

    prof = profile()
    letters = [chr(c) for c in range(0x0E01, 0x0E4F)]
    full = {(a, b) for a in letters for b in letters if a != b and min(prof.sub_cost(a, b), prof.sub_cost_after_tone(a, b)) <= max_cost}
    assert prof.cheap_substitutions(letters, max_cost) == full


@pytest.mark.xfail(strict=True, reason="known: a listed compound's pseudo-count (DOMAIN_FREQ) outweighs two common words read as they stand; see the closing note of the stop of 2026-12-05 05:00")
@pytest.mark.parametrize("clean", ["ได้รับความเห็นชอบแล้ว รออนุมัติเงินประจำงวดจากสำนักงบประมาณ", "เขตส่งมอบวัสดุให้ศูนย์ฝึกอาชีพแล้ว"])
def test_two_common_words_near_a_listed_compound_stay(clean):
    assert repair(clean).text == clean  # รอ|อนุมัติ is not ขออนุมัติ; ส่งมอบ|วัสดุ is not ส่งมอบพัสดุ
