"""The stacked model: two gates and clause tables (real / synthetic notes) mixed by a domain model."""

import numpy as np

from bma_nlp.classify.data import default_data_path, load_examples, load_real
from bma_nlp.classify.gating import domain_features
from bma_nlp.classify.model import proba_in_label_order
from bma_nlp.classify.stack import LABELS, StackedStage


def _notes():
    synthetic = [e for e in load_examples(default_data_path()) if e.split == "train"]
    picked = {lab: [e for e in synthetic if e.label == lab][:25] for lab in LABELS}
    real = load_real(split="real-train")[:40]
    texts = [e.text for lab in LABELS for e in picked[lab]] + [e.text for e in real]
    labels = [e.label for lab in LABELS for e in picked[lab]] + [e.label for e in real]
    groups = [e.source.split("/")[0] for lab in LABELS for e in picked[lab]] + [f"page:{e.source}" for e in real]
    flags = [False] * (len(texts) - len(real)) + [True] * len(real)
    return texts, labels, groups, flags


def test_real_and_synthetic_sides_mixed_by_the_domain_model():
    texts, labels, groups, flags = _notes()
    model = StackedStage("tfidf-lr", seed=0, folds=2).fit(texts, labels, groups, flags)
    assert set(model.gates_) == {"real", "synthetic"} and model.domain_ is not None
    assert all(0.5 <= g <= 1.0 for g in model.gates_.values())
    proba = model.predict_proba(texts)
    assert proba.shape == (len(texts), len(LABELS)) and np.allclose(proba.sum(axis=1), 1.0)
    assert model.oof_.shape == proba.shape
    features = domain_features(proba_in_label_order(model.base_, texts), texts)
    real_share = model.domain_.predict_proba(features)[:, list(model.domain_.classes_).index(True)]
    flags_arr = np.array(flags)
    assert real_share[flags_arr].mean() > real_share[~flags_arr].mean()  # it tells the two kinds apart


def test_without_real_notes_one_side():
    texts, labels, groups, flags = _notes()
    keep = [i for i, f in enumerate(flags) if not f]
    model = StackedStage("tfidf-lr", seed=0, folds=2).fit([texts[i] for i in keep], [labels[i] for i in keep], [groups[i] for i in keep])
    assert set(model.gates_) == {"synthetic"} and model.domain_ is None
    assert model.predict(["ดำเนินการแล้วเสร็จ ตรวจรับงานงวดสุดท้ายแล้ว"])[0] in LABELS
