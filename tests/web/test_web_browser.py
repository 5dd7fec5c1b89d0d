"""End to end in a real headless browser: Debian's Chromium driven by Playwright (launched
with ``executable_path``: Playwright's own browser download is not reachable here).

The archive holds the real sample and generated reports; the app is served by uvicorn on a
free local port. When no browser can be started these tests say so plainly: skipped on a
developer's machine, FAILED under CI (CI=true), where .ci/run installs Chromium.

Screenshots of the pages go to docs/ when BMA_WEB_SCREENSHOTS=docs (how the README's are
made), else to the test's temporary folder.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = os.environ.get("BMA_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]  # fmt: skip
DOCS = Path(__file__).resolve().parents[2] / "docs"


def _no_browser(why: str) -> None:
    message = f"NO BROWSER: the end-to-end web tests cannot run: {why}"
    if os.environ.get("CI") == "true":
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:
        _no_browser(f"Playwright is not installed ({exc}); pip install -e '.[dev]'")
    if not Path(CHROMIUM).exists():
        _no_browser(f"no Chromium at {CHROMIUM} (apt-get install chromium, or set BMA_CHROMIUM)")
    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, timeout=60_000)
    except Exception as exc:  # noqa: BLE001 - any launch failure means: no browser
        playwright.stop()
        _no_browser(f"Chromium at {CHROMIUM} did not start: {' '.join(str(exc).split())[:300]}")
    yield chromium
    chromium.close()
    playwright.stop()


@pytest.fixture()
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="th-TH")
    tab = context.new_page()
    tab.set_default_timeout(15_000)
    dialogs: list[str] = []
    tab.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    tab.dialogs = dialogs
    yield tab
    context.close()


def _shot(tab: Any, name: str, tmp_path: Path) -> Path:
    folder = DOCS if os.environ.get("BMA_WEB_SCREENSHOTS") == "docs" else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    tab.screenshot(path=str(path), full_page=True)
    return path


def test_search_in_thai_use_a_facet_open_a_report_and_see_the_chart(page: Any, live_server: Any, tmp_path: Path) -> None:
    page.goto(live_server.url + "/")
    page.fill("input[name=q]", "จัดซื้อวัสดุ")
    page.press("input[name=q]", "Enter")
    page.wait_for_url(re.compile(r"q=%E0%B8%88"))
    hits = page.locator("li.hit")
    assert hits.count() > 0
    assert "จัดซื้อ" in page.locator("li.hit mark").first.inner_text()

    # a facet narrows the results, and the URL holds it
    total_before = page.inner_text("#total")
    page.click("section[data-facet=stage] a:has-text('procurement')")
    page.wait_for_url(re.compile(r"stage=procurement"))
    assert page.inner_text("#total") != total_before or hits.count() > 0
    stages = page.locator("li.hit .stage").all_inner_texts()
    assert stages and all("procurement" in s for s in stages)
    assert "stage:" in page.inner_text("#active-filters")
    _shot(page, "web-search.png", tmp_path)

    # open the sample's report from a search for part of its name
    page.fill("input[name=q]", "เครือข่ายโรงเรียน")
    page.press("input[name=q]", "Enter")
    page.wait_for_url(re.compile(r"q=%E0%B9%80"))
    page.click("#active-filters >> text=clear all")
    page.locator("a.report-link", has_text="ค่าใช้จ่ายโครงการพัฒนาคุณภาพเครือข่ายโรงเรียน").first.click()
    page.wait_for_url(re.compile(r"/report/\d+"))
    assert "50070000-3437" in page.inner_text("p.sub")
    assert page.locator("table.insts tbody tr").count() == 10

    # the chart: progress and disbursement lines, the budget received and (overrun) the budget used
    chart = page.locator("svg.progress-chart")
    box = chart.bounding_box()
    assert box is not None and box["width"] > 400 and box["height"] > 150
    points = page.get_attribute("polyline.progress-line", "points") or ""
    assert len(points.split()) == 9  # ten installments, one without a date
    assert page.locator("svg.progress-chart g.budget line").count() == 1
    assert page.locator("svg.progress-chart g.used line").count() == 1
    assert "overrun" in (chart.get_attribute("class") or "")
    assert "Budget used is more than the budget received" in page.inner_text("#flags")

    # correct the first installment's stage, with a reason, and find it after a reload
    row = page.locator("tr#i1")
    assert "approval" in row.locator(".stage").inner_text()
    row.locator("td.stage-cell details.correct summary").click()
    form = row.locator("td.stage-cell form")
    form.locator("select[name=new]").select_option("procurement")
    form.locator("input[name=who]").fill("สมศรี ใจดี")
    form.locator("input[name=why]").fill("บันทึกระบุการจัดซื้อ")
    form.locator("button[type=submit]").click()
    page.wait_for_url(re.compile(r"done=stage"))
    assert "The stage was corrected." in page.inner_text("#notice")
    page.reload()
    row = page.locator("tr#i1")
    assert "procurement" in row.locator(".stage").first.inner_text()
    assert "corrected by สมศรี ใจดี" in row.inner_text()
    assert "บันทึกระบุการจัดซื้อ" in page.inner_text("#corrections")
    _shot(page, "web-report.png", tmp_path)

    page.goto(live_server.url + "/overview")
    assert page.locator("table.by-year tbody tr").count() >= 2
    _shot(page, "web-overview.png", tmp_path)
    assert not page.dialogs


def test_nothing_hostile_runs_in_the_browser(page: Any, live_server: Any) -> None:
    for q in ("<script>alert(1)</script>", '"><img src=x onerror=alert(2)>', "<svg onload=alert(3)>", '" NEAR(*'):
        page.goto(live_server.url + "/?q=" + q.replace("#", "%23"))
        assert page.locator("input[name=q]").input_value() == q  # shown as typed, as text
    page.goto(live_server.url + "/?office=<img src=x onerror=alert(4)>")
    page.goto(live_server.url + "/report/<script>alert(5)</script>")
    assert "Not found" in page.inner_text("h1")
    assert page.dialogs == []
    assert page.locator("img[src=x]").count() == 0
