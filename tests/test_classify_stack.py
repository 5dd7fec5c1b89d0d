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
    assert all(len(g) == len(LABELS) and all(0.5 <= x <= 1.0 for x in g) for g in model.gates_.values())  # one per clause label
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


def test_gate_per_clause_label():
    """A gate per clause label: where the clause reading finds nothing the text model may need
    more certainty than where it finds a stage (``gating.gated`` takes one gate or one per label)."""
    from bma_nlp.classify.gating import gated, table

    base = np.array([[0.7, 0.1, 0.1, 0.1], [0.7, 0.1, 0.1, 0.1]])
    rules = np.array([1, 3])  # clause label procurement, none
    tab = table(np.array([1, 3]), np.array([1, 3]))
    one = gated(base, rules, tab, 0.6)
    assert np.argmax(one, axis=1).tolist() == [0, 0]
    per = gated(base, rules, tab, [0.6, 0.6, 0.6, 0.9])
    assert np.argmax(per, axis=1).tolist() == [0, 3]  # the note the clause reading calls none keeps none


def test_weighted_table_and_gates():
    """Notes can count less in the real side's table and gate search (``scripts/cv_fresh_gates.py``
    weighs the notes the clause reading was written against): weight 1 is the plain count,
    weight 0 leaves a note out."""
    from bma_nlp.classify.gating import table
    from bma_nlp.classify.stack import _best_gates

    rules = np.array([1, 1, 1, 3])
    gold = np.array([1, 1, 3, 3])
    assert np.allclose(table(rules, gold, np.ones(4)), table(rules, gold))
    assert np.allclose(table(rules, gold, np.array([1.0, 0.0, 1.0, 1.0])), table(rules[[0, 2, 3]], gold[[0, 2, 3]]))
    base = np.array([[0.1, 0.8, 0.05, 0.05], [0.1, 0.6, 0.1, 0.2], [0.1, 0.55, 0.05, 0.3], [0.2, 0.5, 0.1, 0.2]])
    tab = table(rules, gold)
    assert _best_gates(base, rules, gold, tab, np.ones(4)) == _best_gates(base, rules, gold, tab)
    kept = [0, 1, 3]
    assert _best_gates(base, rules, gold, tab, np.array([1.0, 1.0, 0.0, 1.0])) == _best_gates(base[kept], rules[kept], gold[kept], tab)
