"""Stage classification: the API, the sample's stages, sequence correction, rules, preparation."""

import numpy as np
import pytest
from conftest import SAMPLE

import bma_nlp
from bma_nlp.classify import LABELS, STAGES, StageResult, classify, classify_report
from bma_nlp.classify.features import prepare
from bma_nlp.classify.metrics import brier, ece, macro_f1
from bma_nlp.classify.rules import rule_label
from bma_nlp.classify.sequence import decode, posteriors, viterbi
from bma_nlp.records import Installment, Report


def test_sample_stages_match_the_reconciled_record(expected):
    report = bma_nlp.parse_report(SAMPLE)
    assert [i.stage for i in report.installments] == [i["stage"] for i in expected["installments"]]
    for inst in report.installments:
        assert inst.stage_source in {"note", "sequence"}
        assert 0.5 < inst.stage_confidence <= 1.0


def test_no_classify_leaves_stages_empty():
    report = bma_nlp.parse_report(SAMPLE, classify=False)
    assert all(i.stage is None and i.stage_confidence is None for i in report.installments)


def test_public_names():
    import bma_nlp.classify as subpackage

    assert bma_nlp.classify is subpackage  # the subpackage is not shadowed
    assert bma_nlp.classify_notes is classify
    assert bma_nlp.classify_report is classify_report


@pytest.mark.parametrize(
    ("note", "stage"),
    [
        ("อยู่ระหว่างขออนุมัติโครงการ", "approval"),
        ("รอสำนักงบประมาณโอนเงินประจำงวด", "approval"),
        ("ได้รับอนุมัติแล้ว อยู่ระหว่างประกวดราคาอิเล็กทรอนิกส์ (e-bidding)", "procurement"),
        ("ผู้รับจ้างเข้าดำเนินการตามสัญญา", "procurement"),
        ("ตรวจรับงานงวดที่ 2 จาก 4 งวดแล้ว", "procurement"),
        ("ส่งมอบงานงวดสุดท้ายและเบิกจ่ายเงินครบถ้วนแล้ว", "completed"),
        ("ดำเนินการแล้วเสร็จ ปิดโครงการ", "completed"),
        ("-", None),
        ("ตามเอกสารแนบ", None),
    ],
)
def test_classify_notes(note, stage):
    (result,) = classify([note])
    assert result.stage == stage


def test_classify_result_shape():
    results = classify(["โครงการแล้วเสร็จ", "", "   "])
    assert all(isinstance(r, StageResult) for r in results)
    done, empty, blank = results
    assert set(done.scores) == set(LABELS)
    assert abs(sum(done.scores.values()) - 1) < 1e-3
    assert done.confidence == max(done.scores[s] for s in STAGES)
    assert empty.stage is None and empty.scores["none"] == 1.0 and blank.stage is None
    assert classify("โครงการแล้วเสร็จ")[0].to_dict()["stage"] == "completed"  # a bare string is one note
    assert classify([]) == []


def test_threshold_makes_the_model_abstain():
    (sure,) = classify(["โครงการแล้วเสร็จ"], threshold=0.5)
    (never,) = classify(["โครงการแล้วเสร็จ"], threshold=1.01)
    assert sure.stage == "completed" and never.stage is None and never.confidence == sure.confidence


def test_ocr_garbled_notes():
    # lost tone marks, ำ as ํ + า, ช/ซ, a stray space: as Tesseract writes Thai
    results = classify(["โครงการแลวเสร็จ", "อยู่ระหวางขออนุมัติโครงการ", "อยู่ระหว่างจัดซื้อจัดจ้าง ดํา เนินการ", "ผู้รับจ้างส่งมอบงานงวดสุดท้ายแลว"])
    assert [r.stage for r in results] == ["completed", "approval", "procurement", "completed"]


def _report(rows):
    report = Report(source="<test>", encoding="unicode")
    for n, (note, pct, baht) in enumerate(rows, 1):
        report.installments.append(Installment(number=n, note=note, note_raw=note, progress_pct=pct, disbursed_baht=baht))
    return report


def test_sequence_overrides_a_completed_note_among_approval_notes():
    report = _report(
        [
            ("อยู่ระหว่างจัดทำรายละเอียดโครงการ", 5.0, 0),
            ("ส่งเรื่องเรียบร้อยแล้ว", 10.0, 0),  # alone: reads as "done"
            ("อยู่ระหว่างขออนุมัติโครงการ", 15.0, 0),
            ("รอผู้อำนวยการเขตอนุมัติโครงการ", 20.0, 0),
        ]
    )
    (alone,) = classify([report.installments[1].note])
    assert alone.stage == "completed"
    classify_report(report)
    second = report.installments[1]
    assert [i.stage for i in report.installments] == ["approval"] * 4
    assert second.stage_source == "sequence" and second.stage_confidence > 0.5
    assert {i.stage_source for i in report.installments if i is not second} == {"note"}


def test_sequence_fills_a_silent_note_after_completion():
    report = _report(
        [
            ("อยู่ระหว่างจัดซื้อวัสดุ", 40.0, 0),
            ("โครงการแล้วเสร็จ", 100.0, 50000),
            ("-", 100.0, 50000),
            ("ตามเอกสารแนบ", 100.0, 50000),
        ]
    )
    classify_report(report)
    assert [i.stage for i in report.installments] == ["procurement", "completed", "completed", "completed"]
    assert [i.stage_source for i in report.installments] == ["note", "note", "sequence", "sequence"]
    assert report.installments[2].stage_confidence > 0.9


def test_a_silent_note_without_context_stays_null():
    report = _report([("-", 20.0, 0), ("โครงการแล้วเสร็จ", 100.0, 1000)])
    classify_report(report)
    first = report.installments[0]
    assert first.stage is None and first.stage_source == "note" and first.stage_confidence < 0.5
    assert report.installments[1].stage == "completed"


def test_without_sequence_each_note_stands_alone():
    report = _report([("อยู่ระหว่างขออนุมัติโครงการ", 5.0, 0), ("ส่งเรื่องเรียบร้อยแล้ว", 10.0, 0), ("รออนุมัติ", 15.0, 0)])
    classify_report(report, use_sequence=False)
    assert report.installments[1].stage == "completed" and report.installments[1].stage_source == "note"


def test_classify_report_handles_no_installments():
    report = Report(source="<test>", encoding="unicode")
    assert classify_report(report) is report


def test_viterbi_is_monotonic_and_posteriors_sum_to_one():
    rng = np.random.default_rng(0)
    emit = rng.dirichlet(np.ones(3), size=12)
    path = viterbi(emit)
    assert path == sorted(path)
    post = posteriors(emit)
    assert np.allclose(post.sum(axis=1), 1.0)
    # brute force over all monotone paths for a short sequence
    short = emit[:4]
    best = max(
        ((a, b, c, d) for a in range(3) for b in range(a, 3) for c in range(b, 3) for d in range(c, 3)),
        key=lambda p: np.prod([short[i, s] for i, s in enumerate(p)]),
    )
    assert tuple(viterbi(short)) == best


def test_decode_contradiction_without_a_winner_is_null():
    proba = np.array([[0.01, 0.01, 0.97, 0.01], [0.97, 0.01, 0.01, 0.01]])  # completed, then approval
    decisions = decode(proba, [None, None], [None, None], threshold=0.6)
    assert all(d.stage is None and d.source == "sequence" for d in decisions)


@pytest.mark.parametrize(
    ("note", "label"),
    [
        ("ได้รับอนุมัติแล้ว อยู่ระหว่างจัดซื้อ", "procurement"),
        ("ได้รับอนุมัติโครงการแล้ว แต่ยังไม่ได้รับโอนเงินประจำงวด", "approval"),
        ("ขออนุมัติจัดซื้อตามระเบียบพัสดุ", "procurement"),
        ("อบรมแล้ว 2 จาก 4 รุ่น", "procurement"),
        ("ส่งมอบงานงวดสุดท้ายแล้ว อยู่ระหว่างเบิกจ่าย", "completed"),
        ("ยกเลิกโครงการ", "none"),
        ("", "none"),
    ],
)
def test_rule_baseline(note, label):
    assert rule_label(note) == label


def test_prepare():
    assert prepare("ผลงาน ๑๐๐ %  วงเงิน 1,250,000.50 บาท") == "ผลงาน 100 % วงเงิน 0 บาท"
    assert prepare("ขอ อนม. โครงการ") == "ขอ อนุมัติ โครงการ"
    assert prepare("ผรจ.เข้างาน E-Bidding") == "ผู้รับจ้าง เข้างาน e-bidding"
    assert prepare("กรรมการ ผอม") == "กรรมการ ผอม"  # not abbreviations
    assert prepare("ดํา เนินการ") == "ดำ เนินการ"


def test_metrics():
    gold = ["approval", "none"]
    perfect = np.array([[1.0, 0, 0, 0], [0, 0, 0, 1.0]])
    assert brier(gold, perfect) == 0 and ece(gold, perfect) == 0
    assert macro_f1(gold, gold) == 1.0
    wrong = np.array([[0, 1.0, 0, 0], [0, 0, 0, 1.0]])
    assert brier(gold, wrong) == 1.0
