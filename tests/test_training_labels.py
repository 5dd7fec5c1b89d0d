"""The corpus's labels are what the labelling files say: the two passes, the adjudication and the
guide-version-2 relabelling laid over them (``training_data/adjudicate.py``, ``relabel.py``)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

TRAINING = Path(__file__).resolve().parents[1] / "training_data"
sys.path.insert(0, str(TRAINING))

from relabel import lay_over  # noqa: E402


def _rows(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_relabel_keeps_the_earlier_label_and_lays_over_again() -> None:
    rows = [{"id": "a", "stage": "none"}, {"id": "b", "stage": "none"}, {"id": "c", "stage": "procurement"}]
    p1 = {"a": {"stage": "procurement"}, "b": {"stage": "none"}}
    p2 = {"a": {"stage": "procurement"}, "b": {"stage": "approval"}}
    settled = {"b": {"stage": "approval", "rule": "A1", "how": "drafts the action plan"}}
    out, summary = lay_over(rows, p1, p2, settled)
    assert [r["stage"] for r in out] == ["procurement", "approval", "procurement"]
    assert out[0]["v1"] == "none" and out[0]["relabel"] == "agree"
    assert out[1]["relabel"].startswith("guide A1")
    assert "v1" not in out[2]
    assert summary["moves"] == {"none -> approval": 1, "none -> procurement": 1}
    again, _ = lay_over(out, p1, p2, settled)  # laid over its own output: the same labels
    assert again == out


def test_relabel_needs_every_disagreement_settled() -> None:
    with pytest.raises(SystemExit):
        lay_over([{"id": "a", "stage": "none"}], {"a": {"stage": "none"}}, {"a": {"stage": "approval"}}, {})


def test_corpus_labels_follow_the_relabel_files() -> None:
    labels = {r["id"]: r for r in _rows(TRAINING / "real_labels.jsonl")}
    p1 = {r["id"]: r for r in _rows(TRAINING / "real_relabel_pass1.jsonl")}
    p2 = {r["id"]: r for r in _rows(TRAINING / "real_relabel_pass2.jsonl")}
    assert set(p1) == set(p2) and set(p1) <= set(labels)
    for i in p1:
        row = labels[i]
        assert "v1" in row and "relabel" in row
        if p1[i]["stage"] == p2[i]["stage"]:
            assert row["stage"] == p1[i]["stage"]
    assert all("v1" not in row for i, row in labels.items() if i not in p1)
