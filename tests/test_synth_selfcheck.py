"""Self-check of the synthetic archive generator (imports nothing of the project but bma_nlp.synth)."""

from __future__ import annotations

import collections
import datetime as dt
import json
import random
import re
import time

import pytest

from bma_nlp import synth
from bma_nlp.synth import generate_archive, generate_report

PROJECT_KEYS = {
    "name", "code", "fiscal_year", "start_date", "end_date", "budget_received", "budget_used",
    "agency", "coordinator", "coordinator_phone",
}  # fmt: skip
INST_KEYS = {"number", "date", "note", "progress_pct", "disbursed_baht", "disbursement_no", "on_plan", "on_target", "stage"}
STAGE_ORDER = {"approval": 0, "procurement": 1, "completed": 2}


@pytest.fixture(scope="module")
def archive() -> list[tuple[str, dict]]:
    return generate_archive(20240601, 300, copies="random", noise=0.25)


def _unwrap(text: str) -> str:
    """Join wrapped note lines of the tab layout back onto their first line."""
    return re.sub(r"\t\t\n\t(?!::)", " ", text)


def test_deterministic_for_a_seed() -> None:
    a = generate_archive(5, 40, copies="random", noise=0.3)
    b = generate_archive(5, 40, copies="random", noise=0.3)
    assert a == b
    r1 = generate_report(random.Random(99), layout="mixed", copies=3, noise=0.5)
    r2 = generate_report(random.Random(99), layout="mixed", copies=3, noise=0.5)
    assert r1 == r2
    c = generate_archive(6, 40, copies="random", noise=0.3)
    assert [t for t, _ in a] != [t for t, _ in c]


def test_truth_does_not_depend_on_rendering_options() -> None:
    plain = generate_archive(77, 30)
    fancy = generate_archive(77, 30, layout="oneline", copies=4, noise=0.9)
    for (_, e1), (_, e2) in zip(plain, fancy, strict=True):
        assert e1["project"] == e2["project"]
        assert e1["installments"] == e2["installments"]
        assert (e1["copies"], e2["copies"]) == (1, 4)


def test_expected_contract_and_invariants(archive: list[tuple[str, dict]]) -> None:
    for _text, exp in archive:
        json.dumps(exp)  # plain JSON types only
        assert set(exp) == {"project", "installments", "copies"}
        proj = exp["project"]
        assert set(proj) == PROJECT_KEYS
        fy = proj["fiscal_year"]
        assert isinstance(fy, int) and 2560 <= fy <= 2569
        start, end = dt.date(fy - 544, 10, 1), dt.date(fy - 543, 9, 30)
        assert proj["start_date"] == start.isoformat() and proj["end_date"] == end.isoformat()
        assert re.fullmatch(r"\d{8}-\d{4}", proj["code"])
        for key in ("budget_received", "budget_used"):
            assert type(proj[key]) in (int, float) and proj[key] >= 0
        assert re.match(r"(นางสาว|นาง|นาย)\S+ \S+$", proj["coordinator"])
        assert re.fullmatch(r"\d{4}|02-\d{3}-\d{4}", proj["coordinator_phone"])
        assert proj["agency"].count(" / ") in (1, 2)
        assert isinstance(exp["copies"], int) and exp["copies"] >= 1

        insts = exp["installments"]
        assert insts
        assert [i["number"] for i in insts] == list(range(1, len(insts) + 1))
        last_p = last_x = -1.0
        last_stage = 0
        last_date = None
        for it in insts:
            assert set(it) == INST_KEYS
            assert it["disbursement_no"] == it["number"]
            assert it["stage"] in STAGE_ORDER
            assert STAGE_ORDER[it["stage"]] >= last_stage
            last_stage = STAGE_ORDER[it["stage"]]
            if it["progress_pct"] is not None:
                assert isinstance(it["progress_pct"], float) and 0 <= it["progress_pct"] <= 100
                assert it["progress_pct"] >= last_p
                last_p = it["progress_pct"]
            if it["stage"] == "completed":
                assert it["progress_pct"] == 100.0
            if it["disbursed_baht"] is not None:
                assert type(it["disbursed_baht"]) in (int, float)
                assert it["disbursed_baht"] >= last_x
                assert it["disbursed_baht"] <= proj["budget_received"]
                last_x = it["disbursed_baht"]
            for key in ("on_plan", "on_target"):
                assert it[key] in (True, False, None)
            if it["date"] is not None:
                d = dt.date.fromisoformat(it["date"])
                assert start <= d <= end
                assert last_date is None or d > last_date
                last_date = d
            note = it["note"]
            assert note and note == " ".join(note.split())
            assert not any(ch in note for ch in ":=%\t")
            assert "(ครั้งที่" not in note


def test_disbursement_ordinal_once_per_copy(archive: list[tuple[str, dict]]) -> None:
    for text, exp in archive:
        n_copies = exp["copies"]
        for it in exp["installments"]:
            assert text.count(f"(ครั้งที่ {it['disbursement_no']})") == n_copies
        assert text.count("(ครั้งที่ ") == n_copies * len(exp["installments"])


def test_expected_values_are_in_the_text(archive: list[tuple[str, dict]]) -> None:
    for text, exp in archive:
        n_copies = exp["copies"]
        proj = exp["project"]
        assert text.count(proj["code"]) == n_copies
        assert text.count(f"{proj['agency']}\n") == n_copies
        assert text.count(proj["coordinator"]) == n_copies
        assert text.count(proj["name"]) >= n_copies
        flat = _unwrap(text)
        for it in exp["installments"]:
            assert flat.count(it["note"]) >= n_copies, it["note"]


def test_layout_options() -> None:
    for text, exp in generate_archive(3, 40, layout="tab", copies=2):
        assert " :: ความก้าวหน้าของงานฯ" not in text
        assert text.count("\t:: ความก้าวหน้าของงานฯ") == 2 * len(exp["installments"])
    for text, exp in generate_archive(3, 40, layout="oneline", copies=2):
        assert "\n\t:: ความก้าวหน้าของงานฯ" not in text
        assert text.count(" :: ความก้าวหน้าของงานฯ") == 2 * len(exp["installments"])
    for text, exp in generate_archive(3, 40, layout="mixed", n_installments=6):
        assert " :: ความก้าวหน้าของงานฯ" in text and "\n\t:: ความก้าวหน้าของงานฯ" in text
        assert len(exp["installments"]) == 6
    with pytest.raises(ValueError):
        generate_report(random.Random(1), layout="columns")
    with pytest.raises(ValueError):
        generate_report(random.Random(1), copies=0)
    with pytest.raises(ValueError):
        generate_report(random.Random(1), noise=2.0)


def test_many_installments_keep_dates_in_the_year() -> None:
    for _text, exp in generate_archive(4, 20, n_installments=20):
        insts = exp["installments"]
        assert len(insts) == 20
        dates = [i["date"] for i in insts if i["date"]]
        assert dates == sorted(set(dates))
        fy = exp["project"]["fiscal_year"]
        assert all(f"{fy - 544}-10-01" <= d <= f"{fy - 543}-09-30" for d in dates)


def test_noise_only_when_asked() -> None:
    for text, _ in generate_archive(8, 60, copies=2):
        assert "□" not in text and "\u0e4d\u0e32" not in text
    noisy = "".join(t for t, _ in generate_archive(8, 60, copies=2, noise=0.5))
    assert "□" in noisy and "\u0e4d\u0e32" in noisy


def test_variety(archive: list[tuple[str, dict]]) -> None:
    for pool in (synth.NOTES_APPROVAL, synth.NOTES_PROCUREMENT, synth.NOTES_COMPLETED):
        assert len(pool) >= 15
    notes_by_stage: dict[str, set[str]] = collections.defaultdict(set)
    n_notes = n_sample = 0
    seen = collections.Counter()
    offices = set()
    for text, exp in archive:
        offices.add(exp["project"]["agency"].split(" / ")[0])
        for it in exp["installments"]:
            notes_by_stage[it["stage"]].add(it["note"])
            n_notes += 1
            n_sample += it["note"] in synth.SAMPLE_NOTES
            seen["no_date"] += it["date"] is None
            seen["not_on_plan"] += it["on_plan"] is False
            seen["not_on_target"] += it["on_target"] is False
            seen["plan_absent"] += it["on_plan"] is None
            seen["progress_none"] += it["progress_pct"] is None
            seen["disbursed_none"] += it["disbursed_baht"] is None
            seen["satang"] += isinstance(it["disbursed_baht"], float)
        seen["budget_satang"] += isinstance(exp["project"]["budget_received"], float)
        seen["used_zero"] += exp["project"]["budget_used"] == 0
        seen["used_summed"] += exp["project"]["budget_used"] > exp["project"]["budget_received"]
        patterns = {
            "orphan_label": r"\nรายงานครั้งที่ \d+\n",
            "page_number": r"\n\d\n",
            "thai_digit_date": r":: [๐-๙]{2}/[๐-๙]{2}/[๐-๙]{4} :",
            "month_abbr_date": r":: \d{1,2} (?:ม\.ค\.|ก\.พ\.|มี\.ค\.|เม\.ย\.|พ\.ค\.|มิ\.ย\.|ก\.ค\.|ส\.ค\.|ก\.ย\.|ต\.ค\.|พ\.ย\.|ธ\.ค\.) \d{4} :",
            "month_full_date": r":: \d{1,2} (?:มกราคม|กุมภาพันธ์|มีนาคม|เมษายน|พฤษภาคม|มิถุนายน|กรกฎาคม|สิงหาคม|กันยายน|ตุลาคม|พฤศจิกายน|ธันวาคม) \d{4} :",
            "thai_short_year": r":: [๐-๙]{1,2} \S+ [๐-๙]{2} :",
            "iso_datetime_header": r"เริ่มต้นโครงการ\.* : \d{4}-\d\d-\d\d 00:00:00",
            "be_header": r"เริ่มต้นโครงการ\.* : \d\d/\d\d/\d{4}",
            "thai_digit_budget": r"งบประมาณที่ได้รับ : [๐-๙,.]+ บาท",
            "dash_budget": r"งบประมาณที่ใช้ไป : -\n",
            "wrapped_note": r"\t\t\n\t[^:\n][^\n]*\t\t\n",
            "dropped_percent": r"= \d+\.\d\d : งบประมาณที่เบิกใช้",
            "unlabelled_line": r"\n\t:: [^\n]* :: ความก้าวหน้า",
            "not_on_plan": r": ไม่เป็นไปตามแผน",
            "not_on_target": r": ไม่เป็นไปตามเป้าหมาย",
        }
        for name, pat in patterns.items():
            seen[name] += bool(re.search(pat, text))
    for stage in STAGE_ORDER:
        assert len(notes_by_stage[stage]) >= 30, stage
    assert n_sample / n_notes < 0.1
    assert len(offices) >= 40
    missing = [k for k in (*patterns, "no_date", "not_on_plan", "plan_absent", "progress_none", "disbursed_none", "satang",
                           "budget_satang", "used_zero", "used_summed") if seen[k] == 0]  # fmt: skip
    assert not missing, missing


def test_fast_enough() -> None:
    t0 = time.perf_counter()
    generate_archive(1, 500)
    assert time.perf_counter() - t0 < 5.0
