"""Schema 4: the project header is read through a view over ``reports`` (headers_trigram keeps
no copy of it) and an installment's OCR form is stored only where repair changed the note; a
schema-3 archive upgraded in place finds, ranks, quotes, counts and exports exactly as before.

``tests/data/archive-v3.db`` was written by the schema-3 code (main at db282c3): the sample, the
sample with OCR slips repair undoes as another report (``test_archive_schema3.garbled_copy``), six
``bma_nlp.synth.generate_archive(7, 6, copies="random", noise=0.3)`` reports, ingested with
``jobs=1``, and one stage correction; then checkpointed and vacuumed.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

from bma_nlp.export import to_csv, to_jsonl
from bma_nlp.store import Archive, Filters, schema
from bma_nlp.store import browse as _browse
from bma_nlp.store import query as _query
from tests.test_archive_schema3 import SAMPLE, garbled_copy, integrity

DATA = Path(__file__).parent / "data"
V3 = DATA / "archive-v3.db"
# words, OCR forms, fragments, the narrative (headers only), a short part, an absent word
QUERIES = ["จัดซื้อวัสดุ", "ดำเนินการ", "ดำเนินกาว", "เรียบรัอย", "โรงเรียน", "ซื้อวัส", "พระราชบัญญัติ", "ประกันคุณภาพ", "มาตรา 48", "ดุสิต", "ก่อสร้าง", "แล้วเสร็จ", "งาน ก", "ไม่มีคำนี้"]
FILTERS = [{}, {"stage": "procurement"}, {"stage": "completed"}, {"year": 2566}, {"agency": "ดุสิต"}, {"code": "50070000-3438"}, {"flagged": True}]


def _read(con: sqlite3.Connection) -> dict:
    """What a reader gets from the archive: every hit (score, snippet), page counts, exports."""
    con.row_factory = sqlite3.Row
    out: dict = {"hits": [], "pages": []}
    for q in QUERIES:
        for f in FILTERS:
            out["hits"] += [(q, tuple(sorted(f.items())), h.code, h.installment, h.score, h.snippet, h.note) for h in _query.search(con, q, Filters(**f), 50)]
            page = _browse.search_page(con, q, Filters(**f), 0, 10, 160)
            out["pages"].append((q, tuple(sorted(f.items())), page.total, page.complete, [h.hit.snippet for h in page.hits]))
    reports = list(_query.load_reports(con, _query.report_ids(con, Filters())))
    out["jsonl"], out["csv"] = to_jsonl(reports), to_csv(reports)
    return out


def test_a_schema_3_archive_upgrades_in_place_and_reads_exactly_as_before(tmp_path):
    db = tmp_path / "v3.db"
    shutil.copy(V3, db)
    raw = sqlite3.connect(db)
    assert raw.execute("PRAGMA user_version").fetchone()[0] == 3
    equal, changed = raw.execute("SELECT sum(note_raw IS note), sum(note_raw IS NOT note) FROM installments").fetchone()
    assert changed > 0 and equal > changed
    before = _read(raw)  # this code's reading of the schema-3 rows (a copy of the header in headers_trigram, every note_raw)
    raw.close()
    assert any(q == "พระราชบัญญัติ" for q, *_ in before["hits"]) and any(q == "ดำเนินกาว" for q, *_ in before["hits"])
    with Archive(db) as upgraded:
        assert upgraded.stats()["schema_version"] == schema.SCHEMA_VERSION == 4
        con = upgraded.con
        integrity(con)
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert "headers_trigram_content" not in {r[0] for r in con.execute("SELECT name FROM sqlite_master")}
        assert con.execute("SELECT count(*) FROM installments WHERE note_raw IS NULL").fetchone()[0] == equal  # stored once
        assert con.execute("SELECT count(*) FROM installments WHERE note_raw IS NOT NULL").fetchone()[0] == changed
        after = _read(sqlite3.connect(db))
    for key in before:
        assert after[key] == before[key], key


def _joined(report) -> str:
    """The header as schema 3's writer joined it (store.work.header_text with the narrative)."""
    p = report.project
    return " ".join(x for x in (p.name, p.agency, p.rationale, *p.objectives, *p.targets) if x)


def test_the_header_view_reads_what_the_index_held(tmp_path):
    shutil.copy(V3, tmp_path / "v3.db")
    raw = sqlite3.connect(tmp_path / "v3.db")
    held = dict(raw.execute("SELECT rowid, header FROM headers_trigram"))  # schema 3's copy
    raw.close()
    with Archive(tmp_path / "v3.db") as archive:
        viewed = dict(archive.con.execute("SELECT id, header FROM headers_trigram_source"))
        assert viewed == held and any(len(v) > 1000 for v in viewed.values())  # the narrative is in it
        ids = [r[0] for r in archive.con.execute("SELECT id FROM reports ORDER BY id")]
        assert [viewed[i] for i in ids] == [_joined(r) for r in _query.load_reports(archive.con, ids)]


def test_the_header_view_joins_parts_as_python_does(tmp_path):
    """Empty parts are left out, items keep their order past ten, quotes and backslashes survive."""
    with Archive(tmp_path / "a.db") as archive:
        archive.ingest([SAMPLE], jobs=1, repair=False, classify=False)
        con = archive.con
        (rid, extra), = con.execute("SELECT id, extra FROM reports")
        cases = [
            {"rationale": 'เหตุ "ผล" \\ ท้าย', "objectives": ["a", "", "b"], "targets": []},
            {"rationale": None, "objectives": [f"o{i}" for i in range(12)], "targets": ["t1", "", "t2"]},
            {"rationale": "", "objectives": [], "targets": []},
        ]
        for case in cases:
            data = {**json.loads(extra), **case}
            con.execute("UPDATE reports SET extra = ?, agency = '' WHERE id = ?", (json.dumps(data, ensure_ascii=False), rid))
            name = con.execute("SELECT name FROM reports WHERE id = ?", (rid,)).fetchone()[0]
            parts = (name, "", data["rationale"], *data["objectives"], *data["targets"])
            assert con.execute("SELECT header FROM headers_trigram_source WHERE id = ?", (rid,)).fetchone()[0] == " ".join(x for x in parts if x)
        con.execute("UPDATE reports SET extra = NULL, name = NULL WHERE id = ?", (rid,))
        assert con.execute("SELECT header FROM headers_trigram_source WHERE id = ?", (rid,)).fetchone()[0] == ""


def test_note_raw_is_stored_only_where_repair_changed_the_note_and_read_back_everywhere(tmp_path):
    with Archive(tmp_path / "a.db") as archive:
        archive.ingest([SAMPLE, garbled_copy(tmp_path)], jobs=1)
        con = archive.con
        stored = con.execute("SELECT count(*), count(note_raw), sum(note_raw = note) FROM installments").fetchone()
        assert stored[0] > stored[1] > 0 and stored[2] == 0  # NULL where equal, never a copy
        reports = archive.reports()
        insts = [i for r in reports for i in r.installments]
        assert all(i.note_raw for i in insts) and sum(i.note_raw != i.note for i in insts) == stored[1]
        assert all(row["note_raw"] for row in (json.loads(line) for line in archive.export("jsonl").splitlines()) for row in [row["installments"][0]])
        hit = archive.search("ดำเนินกาว", code="50070000-3438")[0]  # the OCR form, found and quoted
        assert hit.snippet.startswith("OCR: ")


def test_indexes_stay_consistent_when_the_header_changes(tmp_path):
    """A correction of the project name re-writes the report: its header is removed from the
    index as it was indexed (the row's old text) and indexed again from the new."""
    with Archive(tmp_path / "a.db") as archive:
        archive.ingest([SAMPLE, garbled_copy(tmp_path)], jobs=1)
        report = next(r for r in archive.reports() if r.project.code == "50070000-3438")
        archive.correct(report.project.code, report.project.fiscal_year, "field", "project.name", "โครงการทดลองเปลี่ยนชื่อ", who="t")
        archive.reprocess(every=True, jobs=1)
        integrity(archive.con)
        assert archive.con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert {h.code for h in archive.search("ทดลองเปลี่ยน")} == {"50070000-3438"}
        assert {h.code for h in archive.search("พระราชบัญญัติ")} == {"50070000-3437", "50070000-3438"}  # the narrative, from the view
        archive.ingest([SAMPLE], jobs=1, supersede=True)
        integrity(archive.con)


def test_the_narratives_ocr_forms_are_stored_only_where_repair_changed_them(tmp_path):
    with Archive(tmp_path / "a.db") as archive:
        archive.ingest([SAMPLE, garbled_copy(tmp_path)], jobs=1)
        stored = [json.loads(e) for (e,) in archive.con.execute("SELECT extra FROM reports")]
        assert all("rationale" in e and "objectives" in e for e in stored)
        assert any("objectives_raw" not in e for e in stored)  # left out: the same as repaired
        for report in archive.reports():
            p = report.project
            assert p.objectives_raw and p.targets_raw and p.rationale_raw  # read back as the repaired fields
            assert p.objectives_raw is not p.objectives  # a copy: correcting one never changes the other
    assert schema.unpack_extra(schema.pack_extra({"rationale": "a", "rationale_raw": "b", "objectives": ["x"], "objectives_raw": ["x"]})) == {
        "rationale": "a", "rationale_raw": "b", "objectives": ["x"], "objectives_raw": ["x"]
    }  # fmt: skip
    assert schema.pack_extra({"targets": [], "targets_raw": []}) == {"targets": []}


def test_an_archive_older_than_the_narratives_ocr_forms_reads_as_before(tmp_path):
    """A report stored without ``*_raw`` keys (a writer before them) keeps their defaults
    through the upgrade: a missing form means "as repaired" only from schema 4 on."""
    db = tmp_path / "v3.db"
    shutil.copy(V3, db)
    raw = sqlite3.connect(db)
    (rid, text), = raw.execute("SELECT id, extra FROM reports ORDER BY id LIMIT 1")
    old = {k: v for k, v in json.loads(text).items() if not k.endswith("_raw")}
    raw.execute("UPDATE reports SET extra = ? WHERE id = ?", (json.dumps(old, ensure_ascii=False), rid))
    raw.commit()
    raw.close()
    with Archive(db) as upgraded:
        project = next(_query.load_reports(upgraded.con, [rid])).project
    assert (project.rationale_raw, project.objectives_raw, project.targets_raw) == (None, [], [])  # the defaults, as schema 3 read them
    assert (project.rationale, project.objectives, project.targets) == (old["rationale"], old["objectives"], old["targets"])
