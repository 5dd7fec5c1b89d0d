"""Context evidence: word pairs an archive has seen settle a real-word OCR error (ที่ read as ที)
that unigram counts and the OCR channel alone leave open; the archive gathers that evidence as it
ingests. (น้ำ read as น้า, the commonest real-word slip, the learned channel settles alone.)"""

from __future__ import annotations

from store_reports import report_text, write

from bma_nlp import Archive
from bma_nlp.repair import Evidence, load_lexicon, repair
from bma_nlp.repair.core import _slip_alternative

GARBLED = "ตรวจรับงานทีสำนักงานเขตทุกเดือน"  # ที่ -> ที: the tone lost, and ที is a word too
FIXED = "ตรวจรับงานที่สำนักงานเขตทุกเดือน"
SEEN = "ตรวจรับงานที่สำนักงานเขต"


def test_without_context_repair_abstains_on_a_real_word():
    assert repair(GARBLED, consensus=False).text == GARBLED


def test_the_learned_channel_settles_the_commonest_real_word_slip():
    # Tesseract drops ำ's ring after a tone about half the time (the learned table), and น้ำ is
    # eleven times as common as น้า: with no word pair speaking for น้า, it reads as น้ำ
    # (the real-prose pair ปริมาณ|น้ำ now also flags this one by context: either mechanism may fix it)
    result = repair("ตรวจวัดปริมาณน้าในคลองทุกสัปดาห์", consensus=False)
    assert result.text == "ตรวจวัดปริมาณน้ำในคลองทุกสัปดาห์"
    assert len(result.changes) == 1 and result.changes[0].reason in ("real-word OCR slip", "ocr word")
    found = _slip_alternative("น้า", load_lexicon())
    assert found is not None and found[0] == "น้ำ"


def test_word_pairs_decide_it():
    evidence = Evidence.from_texts([SEEN] * 20)
    assert evidence.pair("ที่", "สำนักงานเขต") == 20 and evidence.n_reports == 20
    result = repair(GARBLED, consensus=False, evidence=evidence)
    assert result.text == FIXED and result.changes


def test_a_little_evidence_is_not_enough():
    assert repair(GARBLED, consensus=False, evidence=Evidence.from_texts([SEEN] * 2)).text == GARBLED


def test_evidence_round_trips_through_rows():
    evidence = Evidence.from_texts([SEEN, "ขุดลอกคลองระบายน้ำ"])
    again = Evidence.from_rows(evidence.to_rows())
    assert again.pairs == evidence.pairs and again.reports == evidence.reports and again.n_reports == 2


def test_the_archive_gathers_evidence_and_repair_uses_it(tmp_path):
    folder = tmp_path / "in"
    for k in range(20):
        write(folder / f"r{k}.txt", report_text(f"50120000-{k:04d}", 2567, [SEEN + "ประจำเดือน"]))
    with Archive(tmp_path / "archive.db") as archive:
        assert archive.repair_evidence() is None
        archive.ingest([folder], classify=False)
        evidence = archive.repair_evidence()
        assert evidence is not None and evidence.n_reports == 20 and evidence.pair("ที่", "สำนักงานเขต") == 20
        write(tmp_path / "new" / "garbled.txt", report_text("50120000-9999", 2567, [GARBLED]))
        archive.ingest([tmp_path / "new"], classify=False)
        note = archive.con.execute(
            "SELECT i.note FROM installments i JOIN reports r ON r.id = i.report_id WHERE r.code = '50120000-9999'"
        ).fetchone()[0]
    assert note == FIXED


def test_the_archive_counts_each_stored_report_once_across_commits(tmp_path):
    # workers count each file's evidence; the writer adds a batch's counts up at each commit
    folder = tmp_path / "in"
    words = ["ก่อสร้างถนน", "ขุดลอกคลอง", "ปรับปรุงอาคาร"]
    for k in range(60):  # more files than one commit holds (one ingest process commits before each chunk of files)
        notes = [f"{words[k % 3]}ที่สำนักงานเขต", f"ตรวจรับงาน{words[(k + 1) % 3]}"]
        write(folder / f"r{k}.txt", report_text(f"50120000-{k:04d}", 2567, notes))
    (folder / "broken.txt").write_bytes(b"\x00\x01binary")
    with Archive(tmp_path / "archive.db") as archive:
        archive.ingest([folder], classify=False, on_error=lambda exc: None)
        stored = archive.repair_evidence()
        rows = archive.con.execute(
            "SELECT group_concat(i.note, char(10)) FROM installments i GROUP BY i.report_id ORDER BY i.report_id"
        ).fetchall()
    expected = Evidence.from_texts(r[0] for r in rows)
    assert stored is not None and len(rows) == 60
    assert (stored.n_reports, stored.pairs, stored.reports) == (expected.n_reports, expected.pairs, expected.reports)


def test_an_archives_lexicon_shares_the_fallback_index_without_building_it():
    # the two-deletes index of the far fallback costs about a second: an ingest call into an
    # archive with evidence builds it only if a search needs it, and then once for the word data
    from bma_nlp.repair.core import _generate_far_candidates, _scan_far_candidates
    from bma_nlp.repair.lexicon import Lexicon, _base

    words = Lexicon(*_base())
    archive = words.with_evidence(Evidence.from_texts([SEEN] * 3), ["สำนักงานเขต"])
    assert not words._far_index and not archive._far_index
    scanned = {t: _scan_far_candidates(t, archive) for t in ("ดำเนนการ", "งบประมาน", "สำนกงาน")}
    assert archive.far_index() is words.far_index()  # built once, shared
    archive._far_searches = 10**6  # past the scanning: the index answers
    assert {t: _generate_far_candidates(t, archive) for t in scanned} == scanned


def test_combined_evidence_starts_from_the_indexed_one():
    from bma_nlp.repair.evidence import shipped

    archive = Evidence.from_texts([SEEN, "น้ำท่วมขังถนนในซอย"] * 3)
    combined = shipped().combined(archive)
    fresh = Evidence(combined.pairs.copy(), combined.reports.copy(), combined.n_reports)
    assert combined.followers("งาน") == fresh.followers("งาน") and combined.leaders("เขต") == fresh.leaders("เขต")
    assert (combined._after, combined._before) == (fresh._after, fresh._before)
    combined.update(archive)  # a later change is indexed anew
    assert combined._indexed != combined.version
