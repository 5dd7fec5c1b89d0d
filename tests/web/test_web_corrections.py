"""Corrections from the report page: stored through the archive's corrections API, shown with
who and when, protected against cross-site posts, refused when served read-only."""

from __future__ import annotations

import re

import pytest

from bma_nlp.store import Archive

from .conftest import client_for
from .test_web_hostile import IMG, SCRIPT


def _report_id(db, code: str) -> int:  # type: ignore[no-untyped-def]
    with Archive(db, create=False) as archive:
        return int(archive.con.execute("SELECT id FROM reports WHERE code = ?", (code,)).fetchone()[0])


@pytest.fixture()
def web(writable_db):  # type: ignore[no-untyped-def]
    client = client_for(writable_db)
    rid = _report_id(writable_db, "50330000-0501")
    assert client.get(f"/report/{rid}").status_code == 200  # sets the CSRF cookie
    return client, rid, writable_db


def _post(client, rid: int, **form: str):  # type: ignore[no-untyped-def]
    form.setdefault("csrf", client.cookies.get("bma_csrf"))
    form.setdefault("who", "สมศรี")
    return client.post(f"/report/{rid}/correct", data=form, follow_redirects=False)


def test_change_a_stage_and_see_who_did_it(web) -> None:  # type: ignore[no-untyped-def]
    client, rid, db = web
    answer = _post(client, rid, kind="stage", field="installments[3].stage", new="procurement", why="ยังไม่ส่งมอบงาน")
    assert answer.status_code == 303 and answer.headers["location"].endswith("#i3")
    page = client.get(answer.headers["location"]).text
    assert "The stage was corrected." in page and "corrected by สมศรี" in page and "ยังไม่ส่งมอบงาน" in page
    with Archive(db, create=False) as archive:
        (c,) = archive.corrections("50330000-0501", 2567)
        assert (c.kind, c.field, c.new, c.who, c.why) == ("stage", "installments[3].stage", "procurement", "สมศรี", "ยังไม่ส่งมอบงาน")
        report = archive.report("50330000-0501", 2567)
        assert report is not None and report.installments[2].stage == "procurement" and report.installments[2].stage_source == "human"
    # the search facet finds corrected reports, and the name is offered again
    assert 'data-facet="corrected"' in client.get("/?q=วัสดุ").text
    assert 'value="สมศรี"' in client.get(f"/report/{rid}").text


def test_reject_a_repair_and_fix_a_word(web) -> None:  # type: ignore[no-untyped-def]
    client, rid, db = web
    assert "<del>เรียบร้อยแลว</del><ins>เรียบร้อยแล้ว</ins>" in client.get(f"/report/{rid}").text
    answer = _post(client, rid, kind="repair_rejected", field="installments[3].note", old="เรียบร้อยแล้ว", new="เรียบร้อยแลว")
    assert answer.status_code == 303
    page = client.get(f"/report/{rid}").text
    assert "rejected (correction" in page and 'class="rejected-repair"' in page
    answer = _post(client, rid, kind="word", field="installments[1].note", old="ขออนุมัติ", new="ขออนุมัติจัดซื้อ", why="ตามต้นฉบับ")
    assert answer.status_code == 303
    page = client.get(f"/report/{rid}").text
    assert "fixed by สมศรี" in page and "<ins>ขออนุมัติจัดซื้อ</ins>" in page
    with Archive(db, create=False) as archive:
        report = archive.report("50330000-0501", 2567)
        assert report is not None
        assert report.installments[0].note.startswith("อยู่ระหว่างขออนุมัติจัดซื้อ")
        assert report.installments[2].note == "ดำเนินการเรียบร้อยแลว"


def test_fix_a_header_field_then_withdraw_it(web) -> None:  # type: ignore[no-untyped-def]
    client, rid, db = web
    assert _post(client, rid, kind="field", field="project.budget_received", new="120,000").status_code == 303
    with Archive(db, create=False) as archive:
        report = archive.report("50330000-0501", 2567)
        assert report is not None and report.project.budget_received == 120000
        (c,) = archive.corrections("50330000-0501", 2567)
    page = client.get(f"/report/{rid}").text
    assert "120,000 บาท" in page and "(was 100000)" in page
    assert _post(client, rid, kind="withdraw", correction=str(c.id)).status_code == 303
    with Archive(db, create=False) as archive:
        report = archive.report("50330000-0501", 2567)
        assert report is not None and report.project.budget_received == 100000


@pytest.mark.parametrize(
    ("form", "problem"),
    [({"kind": "stage", "field": "installments[1].stage", "new": "finished"}, "stage must be one of"),
     ({"kind": "field", "field": "project.budget_used", "new": "lots"}, "takes a number"),
     ({"kind": "field", "field": "project.no_such_field", "new": "x"}, "has no field"),
     ({"kind": "stage", "field": "installments[99].stage", "new": "completed"}, "no installment 99"),
     ({"kind": "word", "field": "installments[1].note", "old": "ไม่มีคำนี้", "new": "x"}, "is not in"),
     ({"kind": "stage", "field": "installments[1].stage", "new": "approval"}, "nothing to correct"),
     ({"kind": "stage", "field": "installments[1].stage", "new": "completed", "who": ""}, "say who"),
     ({"kind": "withdraw", "correction": "999"}, "no such correction"),
     ({"kind": "withdraw", "correction": "9" * 300}, "no such correction"),
     ({"kind": "delete-everything", "field": "x"}, "unknown kind")],
)  # fmt: skip
def test_a_bad_correction_is_refused_and_says_why(web, form: dict, problem: str) -> None:  # type: ignore[no-untyped-def]
    client, rid, db = web
    answer = _post(client, rid, **form)
    assert answer.status_code == 400
    assert problem in answer.text and "Not saved:" in answer.text
    with Archive(db, create=False) as archive:
        assert archive.corrections() == []


def test_cross_site_and_tokenless_posts_are_refused(web) -> None:  # type: ignore[no-untyped-def]
    client, rid, db = web
    form = {"kind": "stage", "field": "installments[1].stage", "new": "completed"}
    assert _post(client, rid, csrf="", **form).status_code == 403
    assert _post(client, rid, csrf="x" * 43, **form).status_code == 403
    token = client.cookies.get("bma_csrf")
    evil = client.post(f"/report/{rid}/correct", data={**form, "csrf": token, "who": "x"}, headers={"origin": "http://evil.example"}, follow_redirects=False)
    assert evil.status_code == 403
    stranger = client_for(db)  # another browser: no cookie, the token copied from a page
    assert stranger.post(f"/report/{rid}/correct", data={**form, "csrf": token, "who": "x"}, follow_redirects=False).status_code == 403
    with Archive(db, create=False) as archive:
        assert archive.corrections() == []


def test_hostile_form_fields_are_stored_as_text_and_shown_escaped(web) -> None:  # type: ignore[no-untyped-def]
    client, rid, db = web
    answer = _post(client, rid, kind="field", field="project.coordinator", new=SCRIPT, who=IMG, why=SCRIPT)
    assert answer.status_code == 303
    page = client.get(f"/report/{rid}").text
    assert "<script>alert" not in page and "<img src=x" not in page
    assert page.count("&lt;script&gt;alert(1)&lt;/script&gt;") >= 2
    assert _post(client, rid, kind="field", field="project.coordinator", new="ก" * 2500).status_code == 400  # too long
    assert _post(client, rid, kind="stage", field="installments[1].stage" + "]" * 3, new="completed").status_code == 400
    huge = client.post(f"/report/{rid}/correct", content=b"why=" + b"a" * 200_000, headers={"content-type": "application/x-www-form-urlencoded"})
    assert huge.status_code == 413
    assert client.post(f"/report/{rid}/correct", content=b"\xff\xfe", headers={"content-type": "application/x-www-form-urlencoded"}).status_code == 400
    assert client.post(f"/report/{rid}/correct", json={"kind": "stage"}).status_code == 400
    with Archive(db, create=False) as archive:
        (c,) = archive.corrections()
        assert c.new == SCRIPT and c.who == IMG


def test_read_only_shows_no_forms_and_refuses_posts(archive_db) -> None:  # type: ignore[no-untyped-def]
    client = client_for(archive_db, read_only=True)
    rid = _report_id(archive_db, "50330000-0501")
    page = client.get(f"/report/{rid}").text
    assert "<form method=\"post\"" not in page and "read-only" in page
    answer = client.post(f"/report/{rid}/correct", data={"csrf": client.cookies.get("bma_csrf"), "kind": "stage", "who": "x"})
    assert answer.status_code == 403 and "read-only" in answer.text
    assert not re.search(r"name=\"csrf\"", page)
