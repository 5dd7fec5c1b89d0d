"""The pieces under the pages: repair diffs, the chart's geometry, typed values, highlighting."""

from __future__ import annotations

import pytest

from bma_nlp.errors import InputError
from bma_nlp.records import Installment, Project, Report
from bma_nlp.store.browse import office_of, repair_segments, typed_value


def _change(start: int, original: str, replacement: str, reason: str = "ocr word") -> dict:
    return {"start": start, "end": start + len(original), "original": original, "replacement": replacement, "reason": reason}


def test_repair_segments_from_the_ocr_text() -> None:
    raw = "อยู่ระหวางจัดซื้อ ดำเนินการเรียบร้อยแลว"
    text = "อยู่ระหว่างจัดซื้อ ดำเนินการเรียบร้อยแล้ว"
    changes = [_change(0, "อยู่ระหวางจัดซื้อ", "อยู่ระหว่างจัดซื้อ"), _change(28, "เรียบร้อยแลว", "เรียบร้อยแล้ว")]
    segments = repair_segments(text, changes, raw=raw)
    assert segments is not None
    assert [(s.text, s.original) for s in segments] == [
        ("อยู่ระหว่างจัดซื้อ", "อยู่ระหวางจัดซื้อ"), (" ดำเนินการ", None), ("เรียบร้อยแล้ว", "เรียบร้อยแลว")
    ]  # fmt: skip
    assert "".join(s.text for s in segments) == text


def test_repair_segments_recover_the_ocr_text_and_merge_overlapping_changes() -> None:
    segments = repair_segments("ความสำเร็จของงาน", [_change(0, "ความสำเร็ของ", "ความสำเร็จของ")])
    assert segments is not None and segments[0].original == "ความสำเร็ของ" and segments[1].text == "งาน"
    merged = repair_segments("aXYc", [_change(1, "b", "X", "one"), _change(1, "X", "XY", "two")], raw="abc")
    assert merged is not None and [(s.text, s.original, s.reason) for s in merged][1] == ("XY", "b", "one; two")


def test_repair_segments_refuse_changes_that_do_not_fit() -> None:
    assert repair_segments("abc", [_change(1, "q", "b")], raw="abc") is None
    assert repair_segments("abc", [_change(7, "x", "y")]) is None


def test_a_rejected_repair_reads_as_the_ocr_text_again() -> None:
    steps = [_change(0, "แลว", "แล้ว"), {"start": None, "original": "แล้ว", "replacement": "แลว", "reason": "repair rejected by ก"}]
    segments = repair_segments("แลว", steps, raw="แลว")
    assert segments is not None and [(s.text, s.original) for s in segments] == [("แลว", "แลว")]


def test_typed_values_follow_the_record() -> None:
    assert typed_value("project.budget_received", "180,000 บาท") == 180000
    assert typed_value("installments[2].progress_pct", "40%") == 40.0
    assert typed_value("project.name", "  โครงการ  ") == "โครงการ"
    assert typed_value("project.agency", "") is None
    with pytest.raises(InputError):
        typed_value("project.budget_used", "lots")


def test_office_is_the_first_part_of_the_agency() -> None:
    assert office_of("สำนักงานเขตดุสิต / ฝ่ายการศึกษา") == "สำนักงานเขตดุสิต"
    assert office_of("สำนักการโยธา") == "สำนักการโยธา"
    assert office_of(None) is None and office_of(" / x") is None


def test_chart_geometry() -> None:
    pytest.importorskip("jinja2")
    from bma_nlp.web.chart import progress_chart

    report = Report("x", "utf-8", project=Project(budget_received=100, budget_used=300))
    report.installments = [
        Installment(1, "2023-01-01", progress_pct=10, disbursed_baht=0),
        Installment(2, None, progress_pct=20, disbursed_baht=50),
        Installment(3, "2023-03-01", progress_pct=100, disbursed_baht=150),
    ]
    chart = progress_chart(report)
    assert chart is not None
    assert chart.undated == [2] and len(chart.progress) == 2 and chart.overrun
    assert chart.progress[0].x == chart.left and chart.progress[-1].x == chart.right
    assert chart.progress[-1].y == chart.top  # 100% at the top
    assert chart.money[-1].over and not chart.money[0].over
    assert chart.used_y is not None and chart.budget_y is not None and chart.used_y < chart.budget_y  # 300 above 100
    assert progress_chart(Report("x", "utf-8", installments=[Installment(1)])) is None


def test_highlight_escapes_everything_but_the_marks() -> None:
    pytest.importorskip("starlette")
    from bma_nlp.web.app import highlight

    assert str(highlight("a «<b>» c")) == "a <mark>&lt;b&gt;</mark> c"
    assert str(highlight("«open")) == "<mark>open</mark>"
    assert str(highlight("» «x")) == "» <mark>x</mark>"


def test_narrative_items_place_their_repairs() -> None:
    """The narrative (issue 15's Project fields) item by item, with repairs where they stand."""
    from dataclasses import dataclass, field

    from bma_nlp.store.browse import narrative_items

    @dataclass
    class NarrativeProject(Project):
        rationale: str | None = None
        objectives: list[str] = field(default_factory=list)
        targets: list[str] = field(default_factory=list)
        rationale_raw: str | None = None
        objectives_raw: list[str] = field(default_factory=list)

    project = NarrativeProject(rationale="บรรทัดแรก\nเพื่อผดุงคุณภาพ", rationale_raw="บรรทัดแรก\nเพื่อผดงคุณภาพ", objectives=["ข้อหนึ่ง", "ข้อสอง"])
    report = Report("x", "utf-8", project=project)
    report.repairs = [{**_change(5, "ผดงคุณภาพ", "ผดุงคุณภาพ"), "field": "project.rationale[1]"}]
    (rationale, lines), (objectives, items) = narrative_items(report)
    assert (rationale, objectives) == ("rationale", "objectives")
    assert [i.text for i in lines] == ["บรรทัดแรก", "เพื่อผดุงคุณภาพ"] and lines[0].repaired is None
    repaired = lines[1].repaired
    assert repaired is not None and repaired.segments is not None
    assert [(s.text, s.original) for s in repaired.segments] == [("เพื่อ", None), ("ผดุงคุณภาพ", "ผดงคุณภาพ")]
    assert [i.text for i in items] == ["ข้อหนึ่ง", "ข้อสอง"]
