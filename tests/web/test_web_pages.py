"""The web app's pages over a real archive, through Starlette's test client (no browser)."""

from __future__ import annotations

import json

import pytest

from bma_nlp.store import Archive


def test_search_page_finds_thai_words_inside_unspaced_text(client) -> None:  # type: ignore[no-untyped-def]
    page = client.get("/", params={"q": "จัดซื้อวัสดุ"})
    assert page.status_code == 200
    assert 'lang="th"' in page.text
    assert "<mark>" in page.text  # the match is highlighted
    assert 'id="facets"' in page.text and 'data-facet="stage"' in page.text
    assert "procurement" in page.text


def test_facets_narrow_and_the_url_holds_the_search(client, archive_db) -> None:  # type: ignore[no-untyped-def]
    with Archive(archive_db, create=False) as archive:
        everything = archive.search_page("ดำเนินการ", limit=1)
        stages = {v.value: v.count for v in everything.facets["stage"]}
        narrowed = archive.search_page("ดำเนินการ", limit=1, stage="completed")
    assert narrowed.total == stages["completed"] < everything.total
    page = client.get("/?q=ดำเนินการ&stage=completed")
    assert f"{narrowed.total:,} installment" in page.text
    assert "/?q=%E0%B8%94" in page.text  # links keep the query in the URL


def test_facet_counts_match_what_the_filter_returns(archive_db) -> None:  # type: ignore[no-untyped-def]
    with Archive(archive_db, create=False) as archive:
        page = archive.search_page("", limit=1)
        for facet in page.facets["office"][:3]:
            assert archive.search_page("", limit=1, agency=facet.value).total == facet.count
        for facet in page.facets["year"]:
            if facet.value:
                assert len(archive.search("", year=int(facet.value), limit=None)) == facet.count
        flagged = page.facets["flagged"][0].count
        assert len(archive.search("", flagged=True, limit=None)) == flagged
        for query in ("", "ดำเนินการ"):  # the listing's counts and a query's
            latest = archive.search_page(query, limit=1).facets["latest"][0].count
            assert len(archive.search(query, latest=True, limit=None)) == latest
        assert archive.search_page("", limit=1).facets["latest"][0].count == archive.stats()["reports"]


def test_latest_filter_shows_each_projects_current_state(client, archive_db) -> None:  # type: ignore[no-untyped-def]
    with Archive(archive_db, create=False) as archive:
        still = archive.search_page("", limit=1, stage="procurement", latest=True).total
        passed = archive.search_page("", limit=1, stage="procurement").total
    assert 0 < still < passed
    page = client.get("/", params={"stage": "procurement", "latest": "1"})
    assert page.status_code == 200 and f"{still:,} installment" in page.text
    assert "latest: each report's last installment" in page.text and 'data-facet="latest"' in page.text


def test_download_csv_is_excel_ready_and_jsonl_is_one_hit_a_line(client) -> None:  # type: ignore[no-untyped-def]
    csv = client.get("/search.csv", params={"q": "อนุมัติ"})
    assert csv.status_code == 200 and csv.content.startswith(b"\xef\xbb\xbf")
    assert "attachment" in csv.headers["content-disposition"]
    header = csv.content.decode("utf-8-sig").splitlines()[0]
    assert header.startswith("code,fiscal_year,project")
    lines = client.get("/search.jsonl", params={"q": "อนุมัติ", "stage": "approval"}).text.splitlines()
    assert lines and all(json.loads(line)["stage"] == "approval" for line in lines)


def test_report_page_shows_header_installments_chart_flags_and_sources(client, archive_db) -> None:  # type: ignore[no-untyped-def]
    with Archive(archive_db, create=False) as archive:
        rid = archive.con.execute("SELECT id FROM reports WHERE code = '50070000-3437'").fetchone()[0]
    page = client.get(f"/report/{rid}")
    assert page.status_code == 200
    text = page.text
    assert "ค่าใช้จ่ายโครงการพัฒนาคุณภาพเครือข่ายโรงเรียน" in text
    assert "<svg" in text and 'class="progress-line"' in text and 'class="money-line"' in text
    assert 'class="budget"' in text and 'class="used"' in text  # the overrun: budget used drawn above received
    assert "Budget used is more than the budget received" in text
    assert "Installment without a date" in text and "Not on the chart (no date): installment 6" in text
    assert "dusit-school-network-2566.txt" in text and "4 copies" in text
    assert text.count('<tr id="i') == 10
    assert '<span class="cue">' in text  # the words behind a stage


def test_repairs_are_shown_inline_with_the_ocr_text_struck_through(client, archive_db) -> None:  # type: ignore[no-untyped-def]
    with Archive(archive_db, create=False) as archive:
        rid = archive.con.execute("SELECT id FROM reports WHERE code = '50330000-0501'").fetchone()[0]
    text = client.get(f"/report/{rid}").text
    assert "<del>อยู่ระหวางจัดซื้อ</del><ins>อยู่ระหว่างจัดซื้อ</ins>" in text
    assert "<del>เรียบร้อยแลว</del><ins>เรียบร้อยแล้ว</ins>" in text
    assert "ocr word" in text


def test_overview_counts(client, archive_db) -> None:  # type: ignore[no-untyped-def]
    with Archive(archive_db, create=False) as archive:
        stats = archive.stats()
    text = client.get("/overview").text
    assert f"<b>{stats['installments']:,}</b> installments" in text
    assert "สำนักงานเขตดุสิต" in text and "Most flagged reports" in text
    assert 'id="older-pipeline"' in text


def test_overview_says_where_projects_stand(client, archive_db) -> None:  # type: ignore[no-untyped-def]
    """The second table counts each report once, at its latest installment's stage; its links
    list those very installments."""
    import re

    with Archive(archive_db, create=False) as archive:
        now = archive.overview()["stages_now_by_year"]
        reports = archive.stats()["reports"]
        assert sum(sum(c.values()) for c in now.values()) == reports
        for year, counts in now.items():
            for stage, n in counts.items():
                if year != "unknown" and n:
                    assert len(archive.search("", year=int(year), stage=stage, latest=True, limit=None)) == n
    text = client.get("/overview").text
    table = text[text.index('id="now-by-year"') :]
    table = table[: table.index("</table>")]
    assert "latest=1" in table and re.search(rf"<td class=\"num\">{reports:,}</td>", table)


def test_paging(client) -> None:  # type: ignore[no-untyped-def]
    first = client.get("/", params={"size": 20}).text
    assert 'rel="next"' in first
    second = client.get("/", params={"page": 2}).text
    assert 'start="21"' in second and 'rel="prev"' in second


@pytest.mark.parametrize(
    ("url", "status"),
    [("/report/999999", 404), ("/report/12abc", 404), ("/report/" + "9" * 40, 404), ("/nothing", 404), ("/search.exe", 404),
     ("/?year=25", 400), ("/?stage=done", 400), ("/?page=0", 400), ("/?page=" + "9" * 30, 400), ("/?size=7", 400)],
)  # fmt: skip
def test_bad_requests_get_a_page_that_says_why(client, url: str, status: int) -> None:  # type: ignore[no-untyped-def]
    response = client.get(url)
    assert response.status_code == status
    assert 'class="message"' in response.text and "Traceback" not in response.text


def test_every_response_forbids_scripts_and_framing(client) -> None:  # type: ignore[no-untyped-def]
    for url in ("/", "/overview", "/nothing", "/static/style.css"):
        headers = client.get(url).headers
        assert "default-src 'none'" in headers["content-security-policy"]
        assert "script-src" not in headers["content-security-policy"]  # no script is allowed at all
        assert headers["x-content-type-options"] == "nosniff"


def test_a_broad_query_says_its_counts_are_a_sample(client, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from bma_nlp.store import browse

    monkeypatch.setattr(browse, "FACET_LIMIT", 3)
    text = client.get("/", params={"q": "ดำเนินการ"}).text
    assert "+ installments match" in text and "A broad search: the counts are over" in text
    monkeypatch.setattr(browse, "FACET_LIMIT", 100_000)
    assert "A broad search" not in client.get("/", params={"q": "ดำเนินการ"}).text
