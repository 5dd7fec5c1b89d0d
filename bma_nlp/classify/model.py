"""The learned stage model: designs and reproducible training.

How a model is stored and loaded (skops, an allow-list of types, the shipped model's sha256
pinned in the package, ``trust`` for any other file) lives in ``bma_nlp.classify.persist``;
its names are re-exported here.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from bma_nlp.classify.card import agreement, card_path, real_sources, render
from bma_nlp.classify.data import (
    LABELS,
    REAL_NOTES,
    Example,
    default_external_path,
    default_real_labels_path,
    file_sha256,
    load_examples,
    load_real,
    monitoring_page,
)
from bma_nlp.classify.metrics import decide, macro_f1, summary
from bma_nlp.classify.persist import (  # noqa: F401 - re-exported: the model's API in one place
    FORMAT,
    MODEL_SUFFIX,
    RETRAIN,
    TRUST_ENV,
    StageModel,
    _write_bytes_atomic,
    check_model_path,
    check_versions,
    clear_cache,
    load_model,
    proba_in_label_order,
    read_sidecar,
    save_model,
    sidecar_path,
)
from bma_nlp.errors import InputError
from bma_nlp.revision import LEGACY_MODEL_ENV, MODEL_ENV, default_model_path, shipped_model_path  # noqa: F401 - one definition, re-exported

DEFAULT_DESIGN = "stacked-clauses"  # real notes: see scripts/eval_classifier.py and bma_nlp/data/models/stage.card.md


def user_model_path() -> Path:
    """Where ``bma-nlp train`` writes unless told otherwise: the user's data folder
    ($XDG_DATA_HOME, or %LOCALAPPDATA% on Windows, or ~/.local/share), never over the shipped model."""
    base = os.environ.get("XDG_DATA_HOME") or (os.environ.get("LOCALAPPDATA") if os.name == "nt" else None)
    return (Path(base) if base else Path.home() / ".local" / "share") / "bma-nlp" / f"stage{MODEL_SUFFIX}"


def use_model(path: str | os.PathLike[str] | None, trust: bool = False) -> None:
    """Select the model for this process and the worker processes it starts (``--model``);
    ``trust`` (``--trust-model``): load it even though it is not the shipped model."""
    if path is not None:
        os.environ[MODEL_ENV] = str(Path(path).resolve())
    if trust:
        os.environ[TRUST_ENV] = "1"


# ---------------------------------------------------------------------------------------------
# designs


def _features(cues: bool = False, clauses: bool = False, text: bool = True, clause_weight: float = 1.0) -> Any:
    """Word 1-2-grams (newmm + domain lexicon, by nlpo3 when installed: ``features.tokenize_words``) and character 2-4-grams, both TF-IDF;
    with ``cues``, also the rule cue groups of ``bma_nlp.classify.rules`` (``cue_matrix``).
    All work on the prepared note (the pipeline's first step).

    Character n-grams keep OCR-garbled words (ดําเนินการ, เสร็จสิน) close to their clean form;
    the cue groups carry the labelling rules to wording no training note used.
    """
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.pipeline import FeatureUnion
    from sklearn.preprocessing import FunctionTransformer

    from bma_nlp.classify.features import tokenize_words
    from bma_nlp.classify.rules import cue_matrix
    from bma_nlp.tokenize import word_tokenize

    word = TfidfVectorizer(
        tokenizer=tokenize_words if clauses else word_tokenize,  # older designs keep their tokenizer reference (models saved with tokenize_cached load as before)
        token_pattern=None, lowercase=False, ngram_range=(1, 2), sublinear_tf=True, min_df=4,  # (each note counts twice with its OCR copy, a real one four times): the file stays under 3 MB
        dtype=np.float32,
    )  # fmt: skip
    char = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4), lowercase=False, sublinear_tf=True, min_df=2, dtype=np.float32)
    parts: list[tuple[str, Any]] = [("word", word), ("char", char)] if text else []
    if cues:
        parts.append(("cues", FunctionTransformer(cue_matrix, accept_sparse=True)))
    if clauses:
        from bma_nlp.classify.clauses import clause_matrix

        parts.append(("clauses", FunctionTransformer(clause_matrix, accept_sparse=True, kw_args={"weight": clause_weight})))
    return FeatureUnion(parts)


def _pipeline(features: Any, clf: Any) -> Any:
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import FunctionTransformer

    from bma_nlp.classify.features import prepare_all

    return Pipeline([("prepare", FunctionTransformer(prepare_all)), ("features", features), ("clf", clf)])


def _lr(seed: int, cues: bool = False, clauses: bool = False, c: float = 10.0, text: bool = True, clause_weight: float = 1.0) -> Any:
    from sklearn.linear_model import LogisticRegression

    clf = LogisticRegression(C=c, class_weight="balanced", max_iter=5000, random_state=seed)
    return _pipeline(_features(cues, clauses, text, clause_weight), clf)


def _svm(seed: int, cues: bool = False, clauses: bool = False) -> Any:
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.model_selection import StratifiedKFold
    from sklearn.svm import LinearSVC

    svm = LinearSVC(C=0.5, class_weight="balanced", random_state=seed)
    clf = CalibratedClassifierCV(svm, method="sigmoid", cv=StratifiedKFold(3, shuffle=True, random_state=seed))
    return _pipeline(_features(cues, clauses), clf)


def _stacked(seed: int) -> Any:
    from bma_nlp.classify.stack import StackedStage

    return StackedStage("clauses-svm", seed)


@dataclass(frozen=True)
class Design:
    description: str
    build: Callable[[int], Any]
    augment: bool = False  # add one OCR-garbled copy of every training note (bma_nlp.classify.augment)
    stacked: bool = False  # a StackedStage: fit() takes the CV groups and which notes are real


DESIGNS: dict[str, Design] = {
    "tfidf-lr": Design("word 1-2 + char 2-4 TF-IDF, LogisticRegression (C=10, balanced)", _lr),
    "tfidf-svm": Design("word 1-2 + char 2-4 TF-IDF, LinearSVC in CalibratedClassifierCV (sigmoid)", _svm),
    "tfidf-cues-lr": Design(
        "word 1-2 + char 2-4 TF-IDF + rule cue groups, LogisticRegression (C=10, balanced), OCR-noise augmentation",
        lambda seed: _lr(seed, True), augment=True,
    ),
    "tfidf-cues-svm": Design(
        "word 1-2 + char 2-4 TF-IDF + rule cue groups, calibrated LinearSVC, OCR-noise augmentation",
        lambda seed: _svm(seed, True), augment=True,
    ),
    "clauses-lr": Design(
        "word 1-2 + char 2-4 TF-IDF + rule cue groups + clause reading (stage x status per mention, "
        "most advanced stage reached), LogisticRegression (C=2, balanced), OCR-noise augmentation",
        lambda seed: _lr(seed, True, True, 2.0), augment=True,
    ),
    "clauses-w3-lr": Design(
        "word 1-2 + char 2-4 TF-IDF + rule cue groups + clause reading weighted x3, LogisticRegression (C=2, balanced), "
        "OCR-noise augmentation",
        lambda seed: _lr(seed, True, True, 2.0, clause_weight=3.0), augment=True,
    ),
    "clauses-dense-lr": Design(
        "rule cue groups + clause reading only (no TF-IDF), LogisticRegression (C=1, balanced), OCR-noise augmentation",
        lambda seed: _lr(seed, True, True, 1.0, text=False), augment=True,
    ),
    "stacked-clauses": Design(
        "clauses-svm text model (word 1-2 + char 2-4 TF-IDF + cue groups + clause reading, calibrated LinearSVC, "
        "OCR augmentation) gated with the clause reading: the text model where it is sure, the clause label's "
        "calibrated probabilities elsewhere; gate and calibration fitted apart on real and on synthetic notes, "
        "mixed by a domain model (is the note real-like?) (bma_nlp.classify.stack)",
        lambda seed: _stacked(seed), stacked=True,
    ),
    "clauses-svm": Design(
        "word 1-2 + char 2-4 TF-IDF + rule cue groups + clause reading, calibrated LinearSVC, OCR-noise augmentation",
        lambda seed: _svm(seed, True, True), augment=True,
    ),
}  # fmt: skip


def build_pipeline(design: str = DEFAULT_DESIGN, seed: int = 0) -> Any:
    if design not in DESIGNS:
        raise ValueError(f"unknown design {design!r} (available: {', '.join(DESIGNS)})")
    return DESIGNS[design].build(seed)


def fit_design(
    design: str,
    texts: Sequence[str],
    labels: Sequence[str],
    seed: int = 0,
    groups: Sequence[str] | None = None,
    folds: int = 5,
) -> Any:
    """Build and fit a design (with its training-time augmentation, if any). ``groups`` and
    ``folds``: a stacked design's inner cross-validation (``training_set`` gives the groups)."""
    from bma_nlp.classify.augment import augment

    texts, labels = list(texts), list(labels)
    if DESIGNS[design].stacked:
        real = None if groups is None else [str(g).startswith("page:") for g in groups]
        return build_pipeline(design, seed).set_params(folds=folds).fit(texts, labels, groups, real)
    if DESIGNS[design].augment:
        texts, labels = augment(texts, labels, seed)
    return build_pipeline(design, seed).fit(texts, labels)


def calibrate_threshold(gold: Sequence[str], proba: np.ndarray) -> float:
    """Abstain threshold: middle of the range of thresholds whose macro-F1 is within 0.005 of the best.

    Computed on out-of-fold predictions, so it is not tuned on the notes it is scored on.
    """
    grid = [round(t, 2) for t in np.arange(0.30, 0.905, 0.01)]
    scores = [macro_f1(gold, decide(proba, t)) for t in grid]
    best = max(scores)
    plateau = [t for t, s in zip(grid, scores, strict=True) if s >= best - 0.005]
    return round(float(np.median(plateau)), 2)


def family(source: str) -> str:
    """The template family of a training note (``A-school-propose/school+ocr`` -> ``A-school-propose``)."""
    return source.split("/")[0].split("+")[0]


def cross_validated_proba(
    design: str,
    texts: Sequence[str],
    labels: Sequence[str],
    groups: Sequence[str] | None = None,
    seed: int = 0,
    folds: int = 5,
) -> np.ndarray:
    """Out-of-fold probabilities in ``LABELS`` order.

    Stratified k-fold with a fixed seed; with ``groups`` (note families) a whole family stays in
    one fold (StratifiedGroupKFold), so the score is that of notes phrased unlike any training note.
    """
    from sklearn.model_selection import StratifiedGroupKFold, StratifiedKFold

    counts = [labels.count(lab) for lab in set(labels)]
    k = max(2, min(folds, min(counts)))
    out = np.zeros((len(texts), len(LABELS)), dtype=float)
    texts_arr = np.array(texts, dtype=object)
    labels_arr = np.array(labels, dtype=object)
    if groups is not None and len(set(groups)) >= k:
        splits = StratifiedGroupKFold(k, shuffle=True, random_state=seed).split(
            texts_arr, labels_arr, np.array(groups, dtype=object)
        )
    else:
        splits = StratifiedKFold(k, shuffle=True, random_state=seed).split(texts_arr, labels_arr)
    for train_idx, test_idx in splits:
        model = fit_design(design, list(texts_arr[train_idx]), list(labels_arr[train_idx]), seed)
        out[test_idx] = proba_in_label_order(model, list(texts_arr[test_idx]))
    return out


# ---------------------------------------------------------------------------------------------
# training


def _strip_volatile(pipeline: Any) -> None:
    """Drop the one fitted attribute that differs between identical runs (``_stop_words_id``
    is a memory address; scikit-learn recomputes it on use), so a rebuild gives the same bytes."""
    if hasattr(pipeline, "base_"):  # a StackedStage: its text model, and the training-only predictions
        _strip_volatile(pipeline.base_)
        if hasattr(pipeline, "oof_"):
            del pipeline.oof_
        return
    features = getattr(pipeline, "named_steps", {}).get("features")
    for _name, step in getattr(features, "transformer_list", []):
        if hasattr(step, "_stop_words_id"):
            del step._stop_words_id


def _split(examples: Sequence[Example]) -> tuple[list[str], list[str]]:
    return [e.text for e in examples], [e.label for e in examples]


REAL_SHARE = 0.5  # the real training notes weigh about half as much as the synthetic ones (one block or the other repeated)


def real_repeat(synthetic: int, real: int) -> int:
    """How many times each real training note counts: enough for the real block to weigh
    ``REAL_SHARE`` of the synthetic one (chosen on real-train page-grouped CV with 124 real notes,
    where it was x3; the block keeps that weight as real notes are added), at least once."""
    return max(1, round(REAL_SHARE * synthetic / real)) if real else 1


def synthetic_repeat(synthetic: int, real: int) -> int:
    """How many times each synthetic note counts: once the real notes, counted once, weigh more
    than ``REAL_SHARE`` of the synthetic block, the synthetic notes are repeated to keep that
    balance (without it every labelled real batch shrank the synthetic side's say: with 896 real
    notes to 747 synthetic ones the synthetic test fell 0.028 macro-F1 below the first model)."""
    return max(1, round(real / (REAL_SHARE * synthetic))) if synthetic else 1


def monitoring_note(example: Example) -> bool:
    """Whether a real note comes from a page of BMA's monitoring system."""
    return monitoring_page(example.source)


MONITORING_REPEAT = 4  # each monitoring note counts this many times the other real notes (scripts/cv_bma.py: two page dealings, +9/-1 monitoring notes out of fold, other notes level)


def training_set(
    synthetic: Sequence[Example], real: Sequence[Example], monitoring_repeat: int | None = None
) -> tuple[list[str], list[str], list[str]]:
    """Texts, labels and CV groups: synthetic notes grouped by template family (repeated
    ``synthetic_repeat`` times), real notes by source page (repeated ``real_repeat`` times, a
    monitoring note ``monitoring_repeat`` times that, by default ``MONITORING_REPEAT``), the
    copies in their group."""
    k = real_repeat(len(synthetic), len(real))
    j = synthetic_repeat(len(synthetic), len(real))
    m = MONITORING_REPEAT if monitoring_repeat is None else monitoring_repeat
    repeated = [e for e in real for _ in range(k * (m if monitoring_note(e) else 1))]
    texts = [e.text for e in synthetic for _ in range(j)] + [e.text for e in repeated]
    labels = [e.label for e in synthetic for _ in range(j)] + [e.label for e in repeated]
    groups = [family(e.source) or e.text for e in synthetic for _ in range(j)] + [f"page:{e.source}" for e in repeated]
    return texts, labels, groups


def train(
    data: str | os.PathLike[str] | None = None,
    out: str | os.PathLike[str] | None = None,
    *,
    design: str = DEFAULT_DESIGN,
    seed: int = 0,
    external: str | os.PathLike[str] | None = None,
    log: Callable[[str], None] | None = None,
    folds: int = 5,
    extra: Sequence[Example] = (),
    real_labels: str | os.PathLike[str] | None = None,
    real_notes: str = "all",
) -> dict[str, Any]:
    """Fit on the ``train`` split plus the labelled real notes (each counted ``real_repeat``
    times), score CV / ``test`` / external / ``real-test``, save model + sidecar; return the sidecar.

    ``real_notes="all"`` (the shipped model) fits on both sides of the page split: the final model
    of a recipe whose held-out figures come from page-grouped CV of that recipe
    (``scripts/cv_bma.py``) and from blind batches, since no real note is left out to score it.
    ``real_notes="train"`` fits on the ``real-train`` side only and scores the ``real-test`` side.

    Reproducible: fixed seeds, no timestamps in the sidecar; the same data gives the same metrics
    (and, with the same library versions, the same bytes).
    """
    from bma_nlp.classify.data import default_data_path

    say = log or (lambda _msg: None)
    data_path = Path(data) if data is not None else default_data_path()
    out_path = check_model_path(out) if out is not None else user_model_path()
    ext_path = Path(external) if external is not None else default_external_path()
    examples = load_examples(data_path)
    train_set = [e for e in examples if e.split == "train"] + [e for e in extra if e.split == "train"]
    test_set = [e for e in examples if e.split == "test"]
    if len(train_set) < 10 or len({e.label for e in train_set}) < 2:
        raise InputError('needs at least 10 notes with split "train" in two or more labels', str(data_path))
    if real_notes not in REAL_NOTES:
        raise InputError(f"unknown real_notes {real_notes!r} (one of: {', '.join(REAL_NOTES)})")
    real_path = Path(real_labels) if real_labels is not None else default_real_labels_path()
    real_train, real_test = ([], []) if not real_path.is_file() else (
        load_real(labels=real_path, split="real-train"), load_real(labels=real_path, split="real-test"))  # fmt: skip
    if real_notes == "all":  # the held-out side is trained on too: nothing is left to score it with
        real_train, real_test = real_train + real_test, []
    texts, labels, groups = training_set(train_set, real_train)
    started = time.perf_counter()
    say(f"training {design} on {len(train_set)} synthetic notes ({data_path}) x{synthetic_repeat(len(train_set), len(real_train))} + {len(real_train)} real notes x{real_repeat(len(train_set), len(real_train))}")
    if DESIGNS[design].stacked:  # the stacked model's own out-of-fold predictions (no nested CV)
        pipeline = fit_design(design, texts, labels, seed, groups, folds)
        oof = pipeline.oof_
    else:
        oof = cross_validated_proba(design, texts, labels, groups, seed, folds)
        pipeline = fit_design(design, texts, labels, seed)
    threshold = calibrate_threshold(labels, oof)
    metrics: dict[str, Any] = {"cv": summary(labels, oof, threshold)}
    say(f"{folds}-fold grouped CV macro-F1 {metrics['cv']['macro_f1']:.3f}; abstain threshold {threshold:.2f}")
    stage = StageModel(pipeline, {"abstain_threshold": threshold})
    if test_set:
        t_texts, t_labels = _split(test_set)
        metrics["test"] = summary(t_labels, stage.proba(t_texts), threshold)
        say(f"held-out test macro-F1 {metrics['test']['macro_f1']:.3f} (n={len(test_set)})")
    if ext_path.is_file():
        e_texts, e_labels = _split(load_examples(ext_path))
        if e_texts:
            metrics["external"] = summary(e_labels, stage.proba(e_texts), threshold)
            say(f"external macro-F1 {metrics['external']['macro_f1']:.3f} (n={len(e_texts)})")
    if real_test:
        r_texts, r_labels = _split(real_test)
        metrics["real-test"] = summary(r_labels, stage.proba(r_texts), threshold)
        say(f"real held-out macro-F1 {metrics['real-test']['macro_f1']:.3f}, accuracy {metrics['real-test']['accuracy']:.3f} (n={len(r_texts)})")
    _strip_volatile(pipeline)
    counts = {lab: sum(e.label == lab for e in train_set) for lab in LABELS}
    meta: dict[str, Any] = {
        "design": design,
        "description": DESIGNS[design].description,
        "labels": list(LABELS),
        "stages": [lab for lab in LABELS if lab != "none"],
        "abstain_threshold": threshold,
        "seed": seed,
        "cv_folds": folds,
        "training_data": {
            "file": data_path.name,
            "sha256": file_sha256(data_path),
            "train_notes": len(train_set),
            "label_counts": counts,
            "test_notes": len(test_set),
            "archive_labels": sum(e.split == "train" for e in extra),  # stages people set in an archive (train --archive)
            "external_file": ext_path.name if ext_path.is_file() else None,
            "external_sha256": file_sha256(ext_path) if ext_path.is_file() else None,
            "real_labels_file": real_path.name if real_path.is_file() else None,
            "real_labels_sha256": file_sha256(real_path) if real_path.is_file() else None,
            "real_train_notes": len(real_train),
            "real_train_label_counts": {lab: sum(e.label == lab for e in real_train) for lab in LABELS},
            "real_test_notes": len(real_test),
            "real_notes": real_notes,
            "real_repeat": real_repeat(len(train_set), len(real_train)),
            "synthetic_repeat": synthetic_repeat(len(train_set), len(real_train)),
            "monitoring_repeat": MONITORING_REPEAT,
        },
        "metrics": metrics,
        "data_card": {"real_sources": real_sources(), "agreement": agreement()},
    }
    pin = out_path.resolve() == shipped_model_path().resolve()  # rebuilding the shipped model: pin its new hash
    meta = save_model(pipeline, out_path, meta, pin=pin)
    _write_bytes_atomic(card_path(out_path), render(meta, out_path.name).encode("utf-8"))
    say(f"wrote {out_path} ({meta['size_bytes'] / 1e6:.2f} MB), {sidecar_path(out_path).name} and {card_path(out_path).name} in {time.perf_counter() - started:.1f} s")
    return meta
