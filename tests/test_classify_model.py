"""The shipped stage model: quality floors, its sidecar, safe loading, reproducible training.

Hostile model files (pickles, foreign types, untrusted files) are in tests/hostile/test_model_trust.py."""

import hashlib
import json
import shutil
from pathlib import Path

import pytest

from bma_nlp.classify import note_probabilities
from bma_nlp.classify.data import default_data_path, default_external_path, default_real_notes_path, load_examples
from bma_nlp.classify.metrics import summary
from bma_nlp.classify.model import (
    DEFAULT_DESIGN,
    clear_cache,
    default_model_path,
    load_model,
    sidecar_path,
    train,
)
from bma_nlp.errors import InputError, ModelError

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def model():
    return load_model()


def _score(model, path, split):
    examples = load_examples(path, split)
    proba = note_probabilities([e.text for e in examples], model)
    return summary([e.label for e in examples], proba, model.threshold)


def test_held_out_macro_f1_floor(model):
    result = _score(model, default_data_path(), "test")
    assert result["n"] >= 150
    assert result["macro_f1"] >= 0.90
    assert result["ece"] <= 0.10  # probabilities mean something


def test_external_macro_f1_floor(model):
    result = _score(model, default_external_path(), "external")
    assert result["n"] >= 50
    assert result["macro_f1"] >= 0.85


def test_shipped_sidecar(model):
    path = default_model_path()
    meta = json.loads(sidecar_path(path).read_text(encoding="utf-8"))
    assert path.stat().st_size < 14_000_000  # 3.2 MB with 417 real train notes, 3.7 MB with 507, 4.4 MB with 695, 5.3 MB with 896, 6.6 MB with 1,180, 7.6 MB with 1,347, 10.5 MB with all 2,239, 12.6 MB with all 2,909 (the vocabulary grows with real notes)
    assert meta["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert meta["labels"] == ["approval", "procurement", "completed", "none"]
    assert {"python", "scikit-learn", "pythainlp"} <= set(meta["versions"])
    assert 0.3 <= meta["abstain_threshold"] <= 0.9
    assert meta["design"] == DEFAULT_DESIGN
    assert {"cv", "test", "external"} <= set(meta["metrics"])
    for split in ("test", "external"):
        assert {"macro_f1", "brier", "ece", "per_class", "confusion"} <= set(meta["metrics"][split])
    assert meta["training_data"]["sha256"] == hashlib.sha256(default_data_path().read_bytes()).hexdigest()


def test_loaded_once_per_process(model):
    assert load_model() is model
    assert load_model(default_model_path()) is model


@pytest.fixture
def model_copy(tmp_path):
    src = default_model_path()
    dst = tmp_path / "stage.skops"
    shutil.copyfile(src, dst)
    shutil.copyfile(sidecar_path(src), sidecar_path(dst))
    yield dst
    clear_cache()


def _never_unpickle(monkeypatch):
    import skops.io

    def refuse(*args, **kwargs):
        raise AssertionError("loaded a file whose hash did not match")

    monkeypatch.setattr(skops.io, "loads", refuse)


def test_truncated_model_is_refused_before_unpickling(model_copy, monkeypatch):
    data = model_copy.read_bytes()
    model_copy.write_bytes(data[: len(data) // 2])
    _never_unpickle(monkeypatch)
    with pytest.raises(ModelError, match="not the shipped model"):
        load_model(model_copy)
    with pytest.raises(ModelError, match="corrupted or truncated") as info:
        load_model(model_copy, trust=True)
    assert "\n" not in str(info.value) and "bma-nlp train" in str(info.value)


def test_flipped_byte_is_refused(model_copy, monkeypatch):
    data = bytearray(model_copy.read_bytes())
    data[len(data) // 3] ^= 0xFF
    model_copy.write_bytes(bytes(data))
    _never_unpickle(monkeypatch)
    with pytest.raises(ModelError, match="corrupted"):
        load_model(model_copy, trust=True)


def test_missing_files(model_copy, tmp_path):
    with pytest.raises(ModelError, match="not found"):
        load_model(tmp_path / "nope.skops")
    sidecar_path(model_copy).unlink()
    with pytest.raises(ModelError, match="sidecar .* missing"):
        load_model(model_copy)


def test_incompatible_scikit_learn_version(model_copy):
    side = sidecar_path(model_copy)
    meta = json.loads(side.read_text(encoding="utf-8"))
    meta["versions"]["scikit-learn"] = "0.24.2"
    side.write_text(json.dumps(meta), encoding="utf-8")
    with pytest.raises(ModelError, match=r"scikit-learn 0\.24\.2 .* run `bma-nlp train`"):
        load_model(model_copy)


def test_unloadable_file_with_a_matching_hash(model_copy):
    model_copy.write_bytes(b"not a skops file at all")
    side = sidecar_path(model_copy)
    meta = json.loads(side.read_text(encoding="utf-8"))
    meta["sha256"] = hashlib.sha256(model_copy.read_bytes()).hexdigest()
    side.write_text(json.dumps(meta), encoding="utf-8")
    with pytest.raises(ModelError, match="cannot load model"):
        load_model(model_copy, trust=True)


def test_garbage_sidecar(model_copy):
    sidecar_path(model_copy).write_text("{not json", encoding="utf-8")
    with pytest.raises(ModelError, match="unreadable"):
        load_model(model_copy)


def _subset(tmp_path, per_label=15):
    rows = [json.loads(line) for line in default_data_path().read_text(encoding="utf-8").splitlines()]
    kept, counts = [], {}
    for row in rows:
        key = (row["label"], row["split"])
        if counts.get(key, 0) < (per_label if row["split"] == "train" else 6):
            kept.append(row)
            counts[key] = counts.get(key, 0) + 1
    path = tmp_path / "small.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in kept), encoding="utf-8")
    return path


def test_training_is_reproducible(tmp_path):
    data = _subset(tmp_path)
    none = tmp_path / "none.jsonl"  # no external set, no real labels: a small, quick training
    a = train(data, tmp_path / "a.skops", external=none, real_labels=none, folds=2)
    b = train(data, tmp_path / "b.skops", external=none, real_labels=none, folds=2)
    assert a["metrics"] == b["metrics"] and a["abstain_threshold"] == b["abstain_threshold"]
    assert a["sha256"] == b["sha256"]  # same bytes, too
    assert "external" not in a["metrics"] and a["training_data"]["train_notes"] == 60
    loaded = load_model(tmp_path / "a.skops", trust=True)
    assert loaded.proba(["โครงการแล้วเสร็จ"]).shape == (1, 4)
    clear_cache()


def test_training_data_errors(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "x", "label": "approval", "split": "train"}\n{"text": "y", "label": "started"}\n', encoding="utf-8")
    with pytest.raises(InputError, match=r"bad\.jsonl:2"):
        load_examples(bad)
    with pytest.raises(InputError, match="at least 10"):
        train(_subset(tmp_path, per_label=2), tmp_path / "m.skops")


def test_real_notes_split_by_page():
    from bma_nlp.classify.data import load_real

    real = load_real()
    assert len(real) >= 200 and {e.split for e in real} == {"real-train", "real-test"}
    pages = {side: {e.source for e in real if e.split == side} for side in ("real-train", "real-test")}
    assert not pages["real-train"] & pages["real-test"]  # a page is never on both sides


def test_data_card_beside_the_shipped_model(model):
    from bma_nlp.classify.card import card_path

    card = card_path(model.path).read_text(encoding="utf-8")
    assert "Cohen's kappa" in card and model.path.name in card
    assert "real held-out" in card or "none is held out" in card  # fitted on one side of the page split, or on every real note


def test_training_on_every_real_note(tmp_path):
    from bma_nlp.classify.card import card_path
    from bma_nlp.classify.data import default_real_labels_path, load_real

    real = {e.text: e.split for e in load_real()}
    labels = [json.loads(line) for line in default_real_labels_path().read_text(encoding="utf-8").splitlines()]
    notes = {json.loads(line)["id"]: json.loads(line)["text"] for line in default_real_notes_path().read_text(encoding="utf-8").splitlines()}
    sides = {"real-train": [], "real-test": []}
    for row in labels:  # a few labelled notes from each side of the page split: a quick training
        side = sides[real[notes[row["id"]]]]
        if len(side) < 12:
            side.append(row)
    small = tmp_path / "labels.jsonl"
    small.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in sides["real-train"] + sides["real-test"]), encoding="utf-8")
    data, none = _subset(tmp_path), tmp_path / "none.jsonl"
    split = train(data, tmp_path / "split.skops", external=none, real_labels=small, folds=2, real_notes="train")
    every = train(data, tmp_path / "all.skops", external=none, real_labels=small, folds=2)  # the default: every real note
    assert (split["training_data"]["real_train_notes"], split["training_data"]["real_test_notes"]) == (12, 12)
    assert (every["training_data"]["real_train_notes"], every["training_data"]["real_test_notes"]) == (24, 0)
    assert "real-test" in split["metrics"] and "real-test" not in every["metrics"]  # nothing held out to score it with
    assert "none is held out" in card_path(tmp_path / "all.skops").read_text(encoding="utf-8")
    with pytest.raises(InputError, match="real_notes"):
        train(data, tmp_path / "x.skops", external=none, real_labels=small, real_notes="test")
    clear_cache()


def test_train_command_offers_the_real_notes_choices():
    from bma_nlp.classify.data import REAL_NOTES
    from bma_nlp.cli import main

    option = next(p for p in main.commands["train"].params if p.name == "real_notes")
    assert tuple(option.type.choices) == REAL_NOTES and option.default == REAL_NOTES[0]
