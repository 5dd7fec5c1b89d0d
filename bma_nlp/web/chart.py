"""The report page's chart, drawn as inline SVG on the server (no JavaScript, no chart library):
progress % (left axis) and cumulative disbursement in baht (right axis) over the installments'
dates, with the budget received as a horizontal line, so an overrun is seen at a glance.

Only geometry lives here; the numbers come from the stored record as they are.
"""

from __future__ import annotations

import datetime as _dt
import math
from dataclasses import dataclass, field

from bma_nlp.records import Report
from bma_nlp.web.labels import baht, thai_date

WIDTH, HEIGHT = 760, 300
LEFT, RIGHT, TOP, BOTTOM = 56, 96, 20, 44  # margins: axis labels on both sides


@dataclass
class Point:
    x: float
    y: float
    title: str  # the tooltip (an SVG <title>)
    over: bool = False  # a disbursement above the budget received


@dataclass
class Chart:
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    right: int = WIDTH - RIGHT
    top: int = TOP
    bottom: int = HEIGHT - BOTTOM
    progress: list[Point] = field(default_factory=list)
    money: list[Point] = field(default_factory=list)
    budget_y: float | None = None  # the budget received, as a line
    budget_label: str = ""
    used_y: float | None = None  # the budget used the header states, when above the budget received
    used_label: str = ""
    x_ticks: list[tuple[float, str]] = field(default_factory=list)
    progress_ticks: list[tuple[float, str]] = field(default_factory=list)
    money_ticks: list[tuple[float, str]] = field(default_factory=list)
    undated: list[int] = field(default_factory=list)  # installments left off (no date)
    overrun: bool = False

    @property
    def progress_path(self) -> str:
        return " ".join(f"{p.x:.1f},{p.y:.1f}" for p in self.progress)

    @property
    def money_path(self) -> str:
        return " ".join(f"{p.x:.1f},{p.y:.1f}" for p in self.money)


def _nice_step(span: float, ticks: int = 5) -> float:
    raw = span / max(1, ticks)
    magnitude = 10 ** math.floor(math.log10(raw)) if raw > 0 else 1
    for m in (1, 2, 2.5, 5, 10):
        if raw <= m * magnitude:
            return m * magnitude
    return 10 * magnitude


def _short_baht(value: float) -> str:
    if value >= 1_000_000:
        return f"{value / 1_000_000:g} ล้าน"
    return baht(value)


def progress_chart(report: Report) -> Chart | None:
    """None when fewer than one installment has a date and a figure."""
    dated: list[tuple[_dt.date, int, float | None, float | None]] = []
    chart = Chart()
    for inst in report.installments:
        try:
            day = _dt.date.fromisoformat(str(inst.date)[:10]) if inst.date else None
        except ValueError:
            day = None
        if day is None:
            chart.undated.append(inst.number)
            continue
        progress = float(inst.progress_pct) if inst.progress_pct is not None else None
        money = float(inst.disbursed_baht) if inst.disbursed_baht is not None else None
        if progress is not None or money is not None:
            dated.append((day, inst.number, progress, money))
    if not dated:
        return None
    dated.sort()
    first, last = dated[0][0].toordinal(), dated[-1][0].toordinal()
    if last == first:
        first, last = first - 15, last + 15
    received = float(report.project.budget_received) if report.project.budget_received is not None else None
    used = float(report.project.budget_used) if report.project.budget_used is not None else None
    top_money = max([m for *_, m in dated if m is not None] + [v for v in (received, used) if v is not None] + [1.0])
    step = _nice_step(top_money)
    top_money = step * math.ceil(top_money * 1.05 / step)
    plot_w, plot_h = chart.right - chart.left, chart.bottom - chart.top

    def x_of(day: _dt.date) -> float:
        return chart.left + (day.toordinal() - first) / (last - first) * plot_w

    def y_pct(value: float) -> float:
        return chart.bottom - max(0.0, min(value, 100.0)) / 100 * plot_h

    def y_money(value: float) -> float:
        return chart.bottom - max(0.0, value) / top_money * plot_h

    for day, number, progress, money in dated:
        x = x_of(day)
        when = f"ครั้งที่ {number} · {thai_date(day.isoformat())}"
        if progress is not None:
            chart.progress.append(Point(x, y_pct(progress), f"{when}: ความก้าวหน้า {progress:g}%"))
        if money is not None:
            over = received is not None and money > received
            chart.money.append(Point(x, y_money(money), f"{when}: เบิกจ่ายสะสม {baht(money)} บาท", over))
            chart.overrun |= over
    if received is not None:
        chart.budget_y = y_money(received)
        chart.budget_label = f"งบที่ได้รับ {_short_baht(received)}"
    if used is not None and received is not None and used > received:
        chart.used_y = y_money(used)
        chart.used_label = f"งบที่ใช้ (แจ้ง) {_short_baht(used)}"
        chart.overrun = True
    chart.progress_ticks = [(y_pct(v), f"{v}%") for v in range(0, 101, 25)]
    chart.money_ticks = [(y_money(k * step), _short_baht(k * step)) for k in range(int(round(top_money / step)) + 1)]
    months = _month_ticks(dated[0][0], dated[-1][0])
    chart.x_ticks = [(x_of(d), thai_date(d.isoformat()).split(" ", 1)[1]) for d in months if first <= d.toordinal() <= last]
    return chart


def _month_ticks(start: _dt.date, end: _dt.date, most: int = 8) -> list[_dt.date]:
    months: list[_dt.date] = []
    y, m = start.year, start.month
    while (y, m) <= (end.year, end.month):
        months.append(_dt.date(y, m, 1))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    every = max(1, math.ceil(len(months) / most))
    return months[::every]
