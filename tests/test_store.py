"""The archive: ingest, idempotence, re-scans, failures, crashes, Thai search, filters, export."""

from __future__ import annotations

import json
import os
import sqlite3

import pytest
from conftest import SAMPLE
from store_reports import DRAIN, SCHOOL, YOTHA, report_text, write

import bma_nlp
from bma_nlp import Archive, ArchiveError
from bma_nlp.export import to_csv
from bma_nlp.store import schema
from bma_nlp.store.index import index_text, plan_query

# Classification is someone else's issue (and needs its model): these tests store whatever the
# pipeline hands over, so they run without it unless a test installs a stand-in.
OPTS = {"classify": False}


@pytest.fixture
def archive(tmp_path):
    with Archive(tmp_path / "archive.db") as a:
        yield a


@pytest.fixture
def three(tmp_path, archive):
    """The archive holding the three small reports (two districts, two years)."""
    folder = tmp_path / "reports"
    for name, text in (("yotha.txt", YOTHA), ("sub/school.txt", SCHOOL), ("sub/deeper/drain.md", DRAIN)):
        write(folder / name, text)
    result = archive.ingest([folder], **OPTS)
    assert (result.files_ingested, result.reports, result.installments) == (3, 3, 9)
    return archive


def count(archive, table):
    return archive.con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def all_counts(archive):
    return {t: count(archive, t) for t in ("files", "reports", "installments", "flags", "report_sources", "notes_fts", "notes_trigram")}


# -- ingest ---------------------------------------------------------------------------------


def test_ingest_sample_stores_what_the_pipeline_makes(archive):
    result = archive.ingest(SAMPLE, **OPTS)
    assert (result.files_seen, result.files_ingested, result.reports, result.installments) == (1, 1, 1, 10)
    assert not result.errors and result.bytes == SAMPLE.stat().st_size
    expected = bma_nlp.parse_reports(os.path.abspath(SAMPLE), **OPTS)
    (stored,) = archive.reports()
    assert stored.to_dict() == expected[0].to_dict()
    assert isinstance(stored.project.budget_received, int)  # 180000 stays an int, 2450000.5 a float
    assert stored.installments[0].on_plan is True


def test_export_round_trip_equals_stored_records(archive, tmp_path):
    write(tmp_path / "b.txt", YOTHA + "\n" + SCHOOL)  # two reports in one file
    archive.ingest([SAMPLE, tmp_path / "b.txt"], **OPTS)
    stored = archive.reports()
    assert len(stored) == 3
    lines = archive.export("jsonl").splitlines()
    assert [json.loads(line) for line in lines] == [r.to_dict() for r in stored]
    assert json.loads(archive.export("json")) == [r.to_dict() for r in stored]
    assert archive.export("csv") == to_csv(stored)
    # ...and the records are those the pipeline makes from the files directly
    direct = bma_nlp.parse_reports(os.path.abspath(SAMPLE), **OPTS) + bma_nlp.parse_reports(os.path.abspath(tmp_path / "b.txt"), **OPTS)
    assert sorted(json.dumps(r.to_dict(), sort_keys=True) for r in direct) == sorted(lines_sorted(lines))


def lines_sorted(lines):
    return [json.dumps(json.loads(line), sort_keys=True) for line in lines]


def test_export_in_batches_writes_one_csv_header(archive, tmp_path):
    for k in range(5):
        write(tmp_path / f"r{k}.txt", report_text(f"50000000-{k:04d}", 2567, ["ดำเนินการเรียบร้อยแล้ว"]))
    archive.ingest([tmp_path], **OPTS)
    chunks = list(archive.iter_export("csv", batch=2))
    assert len(chunks) == 3 and "".join(chunks).count("source,encoding") == 1
    assert "".join(chunks) == archive.export("csv")


def test_ingest_generated_reports(archive, tmp_path):
    synth = pytest.importorskip("bma_nlp.synth")
    generated = synth.generate_archive(7, 12, copies="random", noise=0.2)
    keys = {}
    for k, (text, expected) in enumerate(generated):
        write(tmp_path / "gen" / f"{k % 3}" / f"report-{k:02d}.txt", text)
        p = expected["project"]
        keys[(p["code"], p["fiscal_year"])] = len(expected["installments"])
    result = archive.ingest([tmp_path / "gen"], **OPTS)
    assert result.files_ingested == 12 and not result.errors
    stored = {(r.project.code, r.project.fiscal_year): len(r.installments) for r in archive.reports()}
    assert stored == keys
    note = next(i.note for r in archive.reports() for i in r.installments if i.note and len(i.note) > 12)
    assert archive.search(note[:12]), note


def test_folders_are_searched_recursively_for_report_files(tmp_path, archive):
    write(tmp_path / "in" / "a.txt", YOTHA)
    write(tmp_path / "in" / "deep" / "er" / "b.MD", SCHOOL)
    write(tmp_path / "in" / "minutes.docx", "not a report")  # not a report file type (scans *.png and PDFs are: test_documents.py)
    write(tmp_path / "in" / ".hidden" / "c.txt", DRAIN)
    result = archive.ingest(tmp_path / "in", **OPTS)
    assert (result.files_seen, result.files_ingested, result.files_failed) == (2, 2, 0)
    result = archive.ingest(tmp_path / "in", patterns=["*.docx"], **OPTS)
    assert result.files_failed == 1 and "no progress report" in str(result.errors[0])
    (tmp_path / "empty").mkdir()
    result = archive.ingest(tmp_path / "empty", **OPTS)
    assert (result.files_seen, result.files_failed) == (1, 1) and "folder holds no report files" in str(result.errors[0])


def test_same_file_is_skipped_however_named(archive, tmp_path):
    write(tmp_path / "a.txt", YOTHA)
    write(tmp_path / "copy-of-a.txt", YOTHA)
    first = archive.ingest([tmp_path / "a.txt", tmp_path / "copy-of-a.txt"], **OPTS)
    assert (first.files_ingested, first.files_skipped) == (1, 1)
    before = all_counts(archive)
    again = archive.ingest([tmp_path], **OPTS)
    assert (again.files_seen, again.files_ingested, again.files_skipped, again.reports) == (2, 0, 2, 0)
    assert all_counts(archive) == before


def test_rescan_is_another_copy_and_a_superseding_one_wins(archive, tmp_path):
    old = write(tmp_path / "scan-1.txt", report_text("50120000-0099", 2567, ["อยู่ระหว่างขออนุมัติโครงการ", "ผลงคุณภาพ"]))
    new = write(tmp_path / "scan-2.txt", report_text("50120000-0099", 2567, ["อยู่ระหว่างขออนุมัติโครงการ", "อยู่ระหว่างจัดซื้อครุภัณฑ์", "ส่งมอบงานแล้ว"]))
    archive.ingest(old, **OPTS)
    result = archive.ingest(new, **OPTS)  # a plain re-scan: one more copy, merged with the first
    assert (result.reports, result.replaced, result.installments) == (1, 1, 3)
    (report,) = archive.reports()
    assert report.copies == 2 and report.sources == [str(old), str(new)]
    assert [i.note for i in report.installments][1] == "ผลงคุณภาพ"  # a tie: the copy stored first wins
    again = write(tmp_path / "scan-3.txt", report_text("50120000-0099", 2567, ["อยู่ระหว่างขออนุมัติโครงการ", "อยู่ระหว่างจัดซื้อครุภัณฑ์", "ส่งมอบงานแล้ว"]) + "\n")
    result = archive.ingest(again, supersede=True, **OPTS)  # a re-scan marked to win
    (report,) = archive.reports()
    assert report.copies == 1 and report.source == str(again)
    assert [i.note for i in report.installments][-2:] == ["อยู่ระหว่างจัดซื้อครุภัณฑ์", "ส่งมอบงานแล้ว"]
    assert not archive.search("ผลงคุณภาพ") and archive.search("ครุภัณฑ์")
    assert count(archive, "notes_fts") == count(archive, "notes_trigram") == count(archive, "installments") == 3
    assert count(archive, "copies") == 3  # every copy is kept
    history = archive.history("50120000-0099", 2567)
    assert [(h["path"], h["current"]) for h in history] == [(str(old), False), (str(new), False), (str(again), True)]
    assert archive.stats()["replaced"] == 2
    # the old scan coming round again changes nothing
    assert archive.ingest(old, **OPTS).files_skipped == 1
    assert archive.reports()[0].source == str(again)


def test_bad_files_are_reported_and_skipped(archive, tmp_path):
    archive.ingest(SAMPLE, **OPTS)
    good = write(tmp_path / "good.txt", YOTHA)
    empty = write(tmp_path / "empty.txt", "")
    (tmp_path / "binary.txt").write_bytes(b"\x00\x01\x02binary")
    prose = write(tmp_path / "prose.txt", "สวัสดีครับ นี่ไม่ใช่รายงาน")
    seen = []
    result = archive.ingest([empty, tmp_path / "binary.txt", good, prose, tmp_path / "missing.txt"], on_error=seen.append, **OPTS)
    assert (result.files_seen, result.files_ingested, result.files_failed) == (5, 1, 4)
    assert seen == result.errors
    messages = [str(e) for e in result.errors]
    assert messages[0] == f"{empty}: file is empty"
    assert messages[1].startswith(f"{tmp_path / 'binary.txt'}: binary file")
    assert messages[2] == f"{prose}: no progress report found (no project header and no installments)"
    assert str(tmp_path / "missing.txt") in messages[3]
    assert all("\n" not in m for m in messages)
    assert {r.project.code for r in archive.reports()} == {"50070000-3437", "50120000-0042"}  # nothing lost
    assert "4 failed" in result.summary()


def test_an_internal_error_on_one_file_does_not_stop_the_run(archive, tmp_path, monkeypatch):
    import bma_nlp.repair

    def broken(report):
        if report.project.code == "50120000-0042":
            raise IndexError("boom")
        return report

    monkeypatch.setattr(bma_nlp.repair, "repair_report", broken)
    result = archive.ingest([write(tmp_path / "a.txt", YOTHA), write(tmp_path / "b.txt", SCHOOL)], **OPTS)
    assert result.files_ingested == 1 and result.files_failed == 1
    assert "internal error: IndexError: boom" in str(result.errors[0]) and str(tmp_path / "a.txt") in str(result.errors[0])


def test_a_missing_model_stops_the_run(archive, tmp_path, monkeypatch):
    import bma_nlp.classify
    from bma_nlp.errors import ModelError

    def no_model(model):
        raise ModelError("model file not found", "models/stage.joblib")

    archive.ingest(write(tmp_path / "1.txt", YOTHA), **OPTS)
    monkeypatch.setattr(bma_nlp.classify, "_model", no_model)  # the stage model cannot be loaded
    with pytest.raises(ModelError):  # every file would fail the same way: not a per-file error
        archive.ingest([write(tmp_path / "2.txt", SCHOOL), write(tmp_path / "3.txt", DRAIN)])
    assert [r.project.code for r in archive.reports()] == ["50120000-0042"]


@pytest.mark.parametrize("crash", [RuntimeError("disk on fire"), KeyboardInterrupt()])
def test_crash_mid_file_leaves_nothing_half_written(archive, tmp_path, monkeypatch, crash):
    archive.ingest(write(tmp_path / "first.txt", YOTHA), **OPTS)
    before = all_counts(archive)
    calls = []
    original = Archive._write_installment

    def flaky(self, *args):
        calls.append(1)
        if len(calls) == 3:  # two installments (and the report row) already inserted
            raise crash
        return original(self, *args)

    monkeypatch.setattr(Archive, "_write_installment", flaky)
    with pytest.raises(type(crash)):
        archive.ingest(write(tmp_path / "second.txt", SCHOOL), **OPTS)
    assert all_counts(archive) == before
    # a crash while replacing a stored report keeps the stored version whole
    calls.clear()
    rescan = write(tmp_path / "rescan.txt", report_text("50120000-0042", 2567, ["ก", "ข", "ค", "ง"]))
    with pytest.raises(type(crash)):
        archive.ingest(rescan, **OPTS)
    assert all_counts(archive) == before
    assert [i.note for i in archive.reports(code="50120000-0042")[0].installments][0] == "อยู่ระหว่างขออนุมัติโครงการ"
    monkeypatch.undo()
    result = archive.ingest([tmp_path / "second.txt", rescan], **OPTS)
    assert result.files_ingested == 2 and result.replaced == 1


def test_crash_keeps_the_files_stored_before_it_in_the_same_run(archive, tmp_path, monkeypatch):
    original = Archive._write_installment

    def flaky(self, report_id, inst, *args):
        if inst.note == "ลงนามสัญญาจ้างแล้ว":  # the second installment of DRAIN
            raise RuntimeError("disk on fire")
        return original(self, report_id, inst, *args)

    monkeypatch.setattr(Archive, "_write_installment", flaky)
    with pytest.raises(RuntimeError):
        archive.ingest([write(tmp_path / "1.txt", YOTHA), write(tmp_path / "2.txt", SCHOOL), write(tmp_path / "3.txt", DRAIN)], **OPTS)
    assert sorted(r.project.code for r in archive.reports()) == ["50070000-1234", "50120000-0042"]
    assert count(archive, "notes_fts") == count(archive, "notes_trigram") == count(archive, "installments") == 7
    assert count(archive, "files") == 2


KILL_MID_FILE = """
import os, sys
from bma_nlp import Archive
archive = Archive(sys.argv[1])
archive.ingest(sys.argv[2], classify=False)
calls = []
original = Archive._write_installment
def dying(self, *args):
    calls.append(1)
    if len(calls) == 2:
        os._exit(9)  # like kill -9 or a power cut: no cleanup at all
    return original(self, *args)
Archive._write_installment = dying
archive.ingest(sys.argv[3], classify=False)
"""


def test_killed_process_leaves_a_consistent_archive(tmp_path):
    import subprocess
    import sys

    db, first, second = tmp_path / "a.db", write(tmp_path / "1.txt", YOTHA), write(tmp_path / "2.txt", SCHOOL)
    proc = subprocess.run([sys.executable, "-c", KILL_MID_FILE, str(db), str(first), str(second)], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 9, proc.stderr
    with Archive(db) as archive:
        assert [r.project.code for r in archive.reports()] == ["50120000-0042"]
        assert all_counts(archive) == {
            "files": 1, "reports": 1, "installments": 3, "flags": 0, "report_sources": 1, "notes_fts": 3, "notes_trigram": 3,
        }  # fmt: skip
        assert archive.con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert archive.ingest(second, **OPTS).files_ingested == 1  # the interrupted file goes in next time


def test_several_processes_store_the_same_as_one(tmp_path):
    folder = tmp_path / "in"
    for k, text in enumerate((YOTHA, SCHOOL, DRAIN)):
        write(folder / f"{k}.txt", text)
    write(folder / "bad.txt", "")
    exports = []
    for jobs in (1, 2):
        with Archive(tmp_path / f"j{jobs}.db") as a:
            result = a.ingest([folder, SAMPLE], jobs=jobs, **OPTS)
            assert (result.files_ingested, result.files_failed, result.installments) == (4, 1, 19)
            exports.append(a.export("jsonl"))
    assert exports[0] == exports[1]


# -- search ---------------------------------------------------------------------------------


def test_thai_words_inside_unspaced_text(archive):
    archive.ingest(SAMPLE, **OPTS)
    hits = archive.search("จัดซื้อวัสดุ")
    assert [(h.code, h.installment) for h in hits] == [("50070000-3437", 2), ("50070000-3437", 3)]
    hit = hits[0]
    assert hit.fiscal_year == 2566 and hit.project == "ค่าใช้จ่ายโครงการพัฒนาคุณภาพเครือข่ายโรงเรียน" and hit.date == "2023-01-25"
    assert "«จัดซื้อวัสดุ»" in hit.snippet and hit.score is not None and hit.score > 0
    assert hit.snippet.replace("«", "").replace("»", "").strip("…") in hit.note  # original text, not tokens
    assert set(hit.to_dict()) == {"code", "fiscal_year", "project", "installment", "date", "stage", "note", "snippet", "score", "agency", "progress_pct", "disbursed_baht"}
    (report,) = archive.reports(code=hit.code)
    stored = next(i for i in report.installments if i.number == hit.installment)
    assert (hit.agency, hit.progress_pct, hit.disbursed_baht) == (report.project.agency, stored.progress_pct, stored.disbursed_baht)
    assert hit.agency and hit.progress_pct is not None
    # a word the default tokenizer would never find inside the unspaced note
    assert {h.installment for h in archive.search("เรียบร้อย")} == {4, 5}
    assert {h.installment for h in archive.search("แล้วเสร็จ")} == {6, 7, 9, 10}


def test_part_of_a_compound_matches(three):
    assert index_text("สำนักการโยธา").split()[:1] == ["สำนักการโยธา"] and "โยธา" in index_text("สำนักการโยธา").split()
    whole = {(h.code, h.installment) for h in three.search("สำนักการโยธา")}
    part = {(h.code, h.installment) for h in three.search("โยธา")}
    assert whole == {("50120000-0042", n) for n in (1, 2, 3)}
    assert part == whole | {("50120000-0077", 1), ("50120000-0077", 2)}  # ฝ่ายโยธา too
    hit = three.search("สำนักการโยธา")[0]
    assert "«สำนักการโยธา»" in hit.snippet  # matched in the header: shown there


def test_trigram_only_fragment(three):
    plan = plan_query("วดราค")  # inside ประกวดราคา: no tokenisation gives this piece
    assert three.con.execute("SELECT count(*) FROM notes_fts WHERE notes_fts MATCH ?", (plan.token_match,)).fetchone()[0] == 0
    (hit,) = three.search("วดราค")
    assert (hit.code, hit.installment) == ("50120000-0042", 2) and "ประก«วดราค»า" in hit.snippet
    assert [h.installment for h in three.search("e-bidding")] == [2]
    assert [h.installment for h in three.search("E-BIDDING")] == [2]


def test_token_matches_rank_before_fragment_matches(three):
    hits = three.search("การศึกษา")
    assert hits and all(h.code == "50070000-1234" for h in hits)
    assert len(three.search("ดำเนินการ", limit=1)) == 1


def test_query_is_normalised_like_the_text(archive):
    archive.ingest(SAMPLE, **OPTS)
    decomposed = "ดําเนินการเรียบร้อย"  # ำ typed as ํ + า
    assert {h.installment for h in archive.search(decomposed)} == {4, 5}


@pytest.mark.parametrize(
    "query", ['"', "'", '""', 'จัดซื้อ"', "AND", "OR NOT", "(", ")", "*", "NEAR(a b)", "note:จัดซื้อ", "^", "-", "a+b", "%_", "\\", "  ", "{}", "ก OR"]
)
def test_query_syntax_never_crashes(archive, query):
    archive.ingest(SAMPLE, **OPTS)
    archive.search(query)


def test_search_sees_repaired_and_ocr_text(archive, tmp_path, monkeypatch):
    import bma_nlp.repair

    def fake_repair(report):  # stands in for OCR repair: note repaired, note_raw kept
        for inst in report.installments:
            inst.note = inst.note_raw.replace("ผลง", "ผดุง")
        report.repairs.append({"original": "ผลง", "replacement": "ผดุง"})
        return report

    monkeypatch.setattr(bma_nlp.repair, "repair_report", fake_repair)
    archive.ingest(write(tmp_path / "r.txt", report_text("50000000-0001", 2567, ["อยู่ระหว่างขออนุมัติ", "ผลงคุณภาพการศึกษา"])), **OPTS)
    (repaired,) = archive.search("ผดุงคุณภาพ")
    assert repaired.installment == 2 and repaired.note == "ผดุงคุณภาพการศึกษา" and "«ผดุงคุณภาพ»" in repaired.snippet
    (raw,) = archive.search("ผลงคุณภาพ")
    assert raw.installment == 2 and raw.snippet.startswith("OCR: ") and "«ผลงคุณภาพ»" in raw.snippet
    assert archive.stats()["repairs"] == 1


# -- filters --------------------------------------------------------------------------------


def fake_classify(report):
    for inst in report.installments:
        note = inst.note or ""
        inst.stage = "procurement" if "จัดซื้อ" in note or "ประกวดราคา" in note else "completed" if "เสร็จ" in note else None
        inst.stage_confidence = None if inst.stage is None else 0.9
    return report


def test_filters(archive, tmp_path, monkeypatch):
    import bma_nlp.classify

    monkeypatch.setattr(bma_nlp.classify, "classify_reports", lambda reports, **kw: [fake_classify(r) for r in reports])
    write(tmp_path / "in" / "yotha.txt", YOTHA)
    write(tmp_path / "in" / "school.txt", SCHOOL)
    write(tmp_path / "in" / "drain.txt", DRAIN)
    archive.ingest([tmp_path / "in", SAMPLE])  # classify on: the stand-in above

    def found(query="", **filters):
        return sorted((h.code[-4:], h.installment) for h in archive.search(query, limit=None, **filters))

    assert found("จัดซื้อ", stage="procurement") == [("1234", 2), ("3437", 2), ("3437", 3)]
    assert found("ประกวดราคา", stage="procurement") == [("0042", 2)]
    assert found("จัดซื้อ", stage="completed") == []
    assert archive.search("โครงการแล้วเสร็จ", stage="completed")[0].stage == "completed"
    assert ("0042", 1) in found(stage="unknown") and all(h.stage is None for h in archive.search(stage="UNKNOWN", limit=None))
    assert found("อนุมัติ", year=2566) == [("1234", 1), ("3437", 1), ("3437", 2), ("3437", 3)]
    assert found("อนุมัติ", year=2023) == found("อนุมัติ", year=2566)  # CE year converted
    assert found("อนุมัติ", agency="บางรัก") == [("0077", 1)]
    assert {c for c, _ in found(agency="ดุสิต")} == {"1234", "3437"}
    assert found("อนุมัติ", code="50120000") == [("0042", 1), ("0077", 1)]
    assert found(code="50120000-0077") == [("0077", 1), ("0077", 2)]
    assert found(code="5012000%") == []  # LIKE wildcards are text
    assert found(since="2024-02-01", until="2024-02-29") == [("0042", 2), ("0077", 2)]
    assert found("โครงการ", since="2023-09-01") == [("0042", 1), ("3437", 10)]
    flagged = found(flagged=True)
    assert len(flagged) == 10 and {c for c, _ in flagged} == {"3437"}  # budget_overrun flags the whole report
    assert len(archive.search("", limit=5)) == 5 and len(archive.search("")) == 19
    with pytest.raises(ValueError, match="ISO date"):
        archive.search("x", since="15/01/2567")
    stats = archive.stats()
    assert stats["stages"] == {"approval": 0, "procurement": 4, "completed": 6, "unknown": 9}
    latest = archive.search(limit=None, latest=True)
    assert stats["stages_now"] == {s: sum((h.stage or "unknown") == s for h in latest) for s in stats["stages"]}
    assert sum(stats["stages_now"].values()) == stats["reports"]


@pytest.mark.parametrize(
    "query, filters",
    [("", {}), ("", {"stage": "procurement"}), ("", {"stage": "completed", "agency": "ดุสิต"}), ("", {"stage": "unknown"}),
     ("อนุมัติ", {}), ("จัดซื้อ", {"stage": "procurement"}), ("โครงการ", {"year": 2566}), ("ดุสิต", {}), ("ซื้อวัส", {})],
)  # fmt: skip
def test_latest_keeps_each_reports_latest_installment(archive, tmp_path, monkeypatch, query, filters):
    """``latest`` selects, of what the other filters select, the installments that are their
    report's last: with a stage, the projects whose latest report is at that stage."""
    import bma_nlp.classify

    monkeypatch.setattr(bma_nlp.classify, "classify_reports", lambda reports, **kw: [fake_classify(r) for r in reports])
    for name, text in (("yotha.txt", YOTHA), ("school.txt", SCHOOL), ("drain.txt", DRAIN)):
        write(tmp_path / "in" / name, text)
    archive.ingest([tmp_path / "in", SAMPLE])
    last = {r.project.code: max(i.number for i in r.installments) for r in archive.reports()}
    every = archive.search(query, limit=None, **filters)
    latest = archive.search(query, limit=None, latest=True, **filters)
    assert every  # each case selects something to narrow
    assert sorted((h.code, h.installment) for h in latest) == sorted((h.code, h.installment) for h in every if h.installment == last[h.code])
    assert len({h.code for h in latest}) == len(latest)  # one installment per report
    # export and reports: whole reports whose latest installment passes
    codes = [r.project.code for r in archive.reports(latest=True, **({} if query else filters))]
    if not query:
        assert codes == sorted({h.code for h in latest})


def test_still_in_procurement(archive, tmp_path, monkeypatch):
    """The projects still at a stage are those whose latest installment is at it, not those
    that passed through it."""
    import bma_nlp.classify

    monkeypatch.setattr(bma_nlp.classify, "classify_reports", lambda reports, **kw: [fake_classify(r) for r in reports])
    still = report_text("50070000-0101", 2566, ["อยู่ระหว่างขออนุมัติ", "อยู่ระหว่างจัดซื้อวัสดุ"])
    done = report_text("50070000-0102", 2566, ["อยู่ระหว่างจัดซื้อวัสดุ", "ส่งมอบงานแล้วเสร็จ"])
    archive.ingest([write(tmp_path / "still.txt", still), write(tmp_path / "done.txt", done)])
    assert {h.code for h in archive.search(stage="procurement")} == {"50070000-0101", "50070000-0102"}
    assert [(h.code, h.installment) for h in archive.search(stage="procurement", latest=True)] == [("50070000-0101", 2)]
    assert [(h.code, h.installment) for h in archive.search("จัดซื้อ", stage="procurement", latest=True)] == [("50070000-0101", 2)]
    assert [r.project.code for r in archive.reports(stage="completed", latest=True)] == ["50070000-0102"]
    assert archive.stats()["stages_now"] == {"approval": 0, "procurement": 1, "completed": 1, "unknown": 0}


def test_export_filters_select_whole_reports(three):
    (report,) = three.reports(agency="ดุสิต")
    assert report.project.code == "50070000-1234" and len(report.installments) == 4
    assert [r.project.code for r in three.reports(year=2567)] == ["50120000-0042", "50120000-0077"]
    lines = three.export("jsonl", since="2024-03-01").splitlines()
    assert [json.loads(line)["project"]["code"] for line in lines] == ["50120000-0042"]
    assert three.export("jsonl", code="4999") == ""
    assert three.export("csv", code="4999").startswith("source,encoding,")


def test_stats(three):
    stats = three.stats()
    assert (stats["files"], stats["reports"], stats["projects"], stats["installments"]) == (3, 3, 3, 9)
    assert stats["stages"]["unknown"] == 9 and stats["fiscal_years"] == {"2566": 1, "2567": 2}
    assert stats["schema_version"] == schema.SCHEMA_VERSION and stats["flags"] == {} and stats["replaced"] == 0


# -- the file -------------------------------------------------------------------------------


def test_archive_file_settings(three):
    con = three.con
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert con.execute("PRAGMA user_version").fetchone()[0] == schema.SCHEMA_VERSION
    assert con.execute("PRAGMA application_id").fetchone()[0] == schema.APPLICATION_ID


def test_not_an_archive(tmp_path):
    text = write(tmp_path / "notes.db", "hello, this is not SQLite " * 100)
    with pytest.raises(ArchiveError, match="not a bma-nlp archive") as err:
        Archive(text)
    assert "\n" not in str(err.value) and str(text) in str(err.value)
    other = tmp_path / "other.db"
    with sqlite3.connect(other) as con:
        con.execute("CREATE TABLE t (x)")
    with pytest.raises(ArchiveError, match="not a bma-nlp archive"):
        Archive(other)
    with pytest.raises(ArchiveError, match="no archive here"):
        Archive(tmp_path / "missing.db", create=False)
    with pytest.raises(ArchiveError, match="directory"):
        Archive(tmp_path)


def test_newer_schema_is_refused(tmp_path):
    Archive(tmp_path / "a.db").close()
    with sqlite3.connect(tmp_path / "a.db") as con:
        con.execute(f"PRAGMA user_version = {schema.SCHEMA_VERSION + 1}")
    with pytest.raises(ArchiveError, match="newer"):
        Archive(tmp_path / "a.db")


def test_migrations_upgrade_in_place(tmp_path, monkeypatch, three):
    path = three.path
    three.close()
    extra = ("ALTER TABLE reports ADD COLUMN reviewed_by TEXT", "UPDATE reports SET reviewed_by = 'archivist'")
    monkeypatch.setattr(schema, "MIGRATIONS", [*schema.MIGRATIONS, extra])
    monkeypatch.setattr(schema, "SCHEMA_VERSION", schema.SCHEMA_VERSION + 1)
    with Archive(path) as upgraded:
        assert upgraded.con.execute("PRAGMA user_version").fetchone()[0] == schema.SCHEMA_VERSION
        assert [tuple(r) for r in upgraded.con.execute("SELECT DISTINCT reviewed_by FROM reports")] == [("archivist",)]
        assert len(upgraded.reports()) == 3 and upgraded.search("โยธา")  # nothing wiped


def test_failed_migration_rolls_back(tmp_path, monkeypatch, three):
    path = three.path
    three.close()
    broken = ("ALTER TABLE reports ADD COLUMN reviewed_by TEXT", "THIS IS NOT SQL")
    monkeypatch.setattr(schema, "MIGRATIONS", [*schema.MIGRATIONS, broken])
    monkeypatch.setattr(schema, "SCHEMA_VERSION", schema.SCHEMA_VERSION + 1)
    with pytest.raises(ArchiveError, match="cannot upgrade"):
        Archive(path)
    monkeypatch.undo()
    with Archive(path) as a:
        assert "reviewed_by" not in [r[1] for r in a.con.execute("PRAGMA table_info(reports)")]
        assert len(a.reports()) == 3


def test_closed_archive(tmp_path):
    a = Archive(tmp_path / "a.db")
    a.close()
    a.close()
    with pytest.raises(ArchiveError, match="closed"):
        a.search("x")
