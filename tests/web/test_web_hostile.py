"""Hostile input: FTS5 syntax, HTML and JavaScript, huge values, in query strings, paths and
stored text. Nothing may run, be rendered unescaped, or fail with a traceback."""

from __future__ import annotations

import pytest
from store_reports import report_text, write

from bma_nlp.store import Archive

from .conftest import client_for

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
FTS = ['"', '""', "NEAR(a b", "จัดซื้อ*", "* OR *", "note:อนุมัติ", "^อนุมัติ", "a AND NOT b", "(((", ")", "{note}: x", "'; DROP TABLE reports; --", "\\", "%_%"]


def _no_raw_markup(text: str) -> None:
    assert "<script>alert" not in text and "<img src=x" not in text and "onerror=alert(1)>" not in text


@pytest.mark.parametrize("query", FTS)
def test_fts_syntax_in_the_query_is_searched_as_text(client, query: str) -> None:  # type: ignore[no-untyped-def]
    page = client.get("/", params={"q": query})
    assert page.status_code == 200, page.text
    assert "Something went wrong" not in page.text
    assert client.get("/search.csv", params={"q": query}).status_code == 200


@pytest.mark.parametrize("value", [SCRIPT, IMG, "javascript:alert(1)"])
@pytest.mark.parametrize("name", ["q", "office", "code"])
def test_markup_in_the_query_string_comes_back_escaped(client, name: str, value: str) -> None:  # type: ignore[no-untyped-def]
    page = client.get("/", params={name: value})
    assert page.status_code == 200
    _no_raw_markup(page.text)
    if name == "q":
        assert "&lt;script&gt;" in page.text or "&#34;&gt;&lt;img" in page.text or "javascript:alert(1)" in page.text


@pytest.mark.parametrize("name", ["stage", "year", "page", "size"])
def test_markup_in_checked_parameters_is_refused_and_not_echoed_raw(client, name: str) -> None:  # type: ignore[no-untyped-def]
    page = client.get("/", params={name: SCRIPT})
    assert page.status_code == 400
    _no_raw_markup(page.text)


@pytest.mark.parametrize("name", ["q", "office", "code"])
def test_huge_values_are_refused_with_a_short_answer(client, name: str) -> None:  # type: ignore[no-untyped-def]
    page = client.get("/", params={name: "ก" * 5_000})
    assert page.status_code == 400
    assert "too long" in page.text and len(page.text) < 5_000  # the value is not echoed back


def test_nul_and_control_characters(client) -> None:  # type: ignore[no-untyped-def]
    assert client.get("/", params={"q": "a\x00b"}).status_code == 400
    assert client.get("/", params={"q": "\u200b\u0e31\ufeff"}).status_code == 200


@pytest.mark.parametrize(
    "path",
    ["/report/<script>alert(1)</script>", "/report/1%3Cscript%3E", "/report/-1", "/report/1.5", "/report/" + "1" * 5000,
     "/static/../pyproject.toml", "/static/%2e%2e/app.py", "/static/" + "a" * 5000, "/search.<svg>"],
)  # fmt: skip
def test_hostile_paths(client, path: str) -> None:  # type: ignore[no-untyped-def]
    page = client.get(path)
    assert page.status_code in (404, 400), (path, page.status_code)
    _no_raw_markup(page.text)
    assert "[tool.setuptools" not in page.text and "def create_app" not in page.text


def test_markup_stored_in_a_report_is_shown_as_text(writable_db, tmp_path) -> None:  # type: ignore[no-untyped-def]
    text = report_text(
        "50990000-0666", 2567, [f"อยู่ระหว่างจัดซื้อ {SCRIPT} วัสดุ", f"ลงนามสัญญาแล้ว {IMG}"], name=f"โครงการ {SCRIPT}", agency=f"สำนักงานเขตบางรัก / {IMG}"
    )
    with Archive(writable_db) as archive:
        assert not archive.ingest([write(tmp_path / "hostile.txt", text)]).errors
        rid = archive.con.execute("SELECT id FROM reports WHERE code = '50990000-0666'").fetchone()[0]
    client = client_for(writable_db)
    for url in (f"/report/{rid}", "/?q=จัดซื้อ", "/?q=script", "/?q=alert", "/overview", "/?q=บางรัก"):
        page = client.get(url)
        assert page.status_code == 200
        _no_raw_markup(page.text)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in client.get(f"/report/{rid}").text


def test_a_megabyte_request_line_does_not_take_the_server_down(live_server) -> None:  # type: ignore[no-untyped-def]
    import socket
    import urllib.request

    with socket.create_connection(("127.0.0.1", live_server.port), timeout=10) as sock:
        sock.sendall(b"GET /?q=" + b"%E0%B8%81" * 120_000 + b" HTTP/1.1\r\nHost: localhost\r\n\r\n")
        answer = sock.recv(200)
    assert answer == b"" or answer.startswith(b"HTTP/1.1 4")  # refused or closed, never served
    with urllib.request.urlopen(live_server.url + "/?q=%E0%B8%AD%E0%B8%99%E0%B8%B8%E0%B8%A1%E0%B8%B1%E0%B8%95%E0%B8%B4", timeout=10) as response:
        assert response.status == 200  # and the next visitor is served
