"""The stage model's fast form (bma_nlp.classify.fastform): the same probabilities as the model
rebuilt by skops, read from the user's cache without scikit-learn, and never trusted blindly."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from bma_nlp.classify import fastform
from bma_nlp.classify.data import default_data_path, default_external_path, load_examples, load_real
from bma_nlp.classify.model import clear_cache, default_model_path, load_model


@pytest.fixture
def cache(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv(fastform.CACHE_ENV, str(folder))
    clear_cache()
    yield folder
    clear_cache()


@pytest.fixture(scope="module")
def rebuilt():
    """The shipped model as skops rebuilds it (whatever the cache holds)."""
    return load_model().pipeline


def _notes() -> list[str]:
    texts = [e.text for e in load_examples(default_data_path(), "test")] + [e.text for e in load_examples(default_external_path())]
    return texts + [e.text for e in load_real()]


def test_fast_form_scores_every_labelled_note_as_the_model(rebuilt):
    spec, arrays = fastform.spec_of(rebuilt)
    fast = fastform._unpack(fastform._pack(spec, arrays))
    texts = _notes()
    assert len(texts) >= 450
    assert fastform.max_difference(rebuilt, fast, texts) <= 1e-12
    assert list(fast.classes_) == [str(c) for c in rebuilt.classes_]


def test_character_ngrams_by_table_are_the_ones_word_by_word(rebuilt):
    """``_ChainedNgrams`` (a batch's character n-grams looked up by table) gives each text the
    columns the word-by-word path gives (as a multiset: ``transform`` counts them), on the
    labelled notes as prepared and raw, and on edge cases: no words, one letter, characters
    outside the vocabulary, tabs and line breaks, a separator character in the text."""
    from bma_nlp.classify.features import prepare

    spec, arrays = fastform.spec_of(rebuilt)
    part = next(p for p in fastform._unpack(fastform._pack(spec, arrays)).base.parts if getattr(p, "analyzer", "") == "char_wb")
    chained = fastform._ChainedNgrams.build(part.vocabulary, part.ngram_range)
    assert chained is not None
    notes = _notes()
    texts = [*map(prepare, notes), *notes, "", " ", "a", "ab", "\x00ก", "ก\tข  ค\nง", "\U0001f600 ก", "\uffff ๆ", "ก" * 3000]
    got = chained.columns(texts)
    part._chained = False  # word by word
    for text, columns in zip(texts, got, strict=True):
        assert sorted(columns.tolist()) == sorted(part.columns(text).tolist()), text


def test_character_ngram_tables_on_a_crafted_vocabulary():
    """``_ChainedNgrams.build`` numbers each n-gram along its prefixes' chain, and gives up when a
    prefix is outside the vocabulary."""
    chained = fastform._ChainedNgrams.build({"ab": 0, "bc": 1, "abc": 2, " a": 3, "c ": 4}, (2, 3))
    assert chained is not None
    assert [c.tolist() for c in chained.columns(["abc", "cab", "x"])] == [[0, 1, 2, 3, 4], [0], []]  # " cab ": ab only
    assert fastform._ChainedNgrams.build({"ab": 0, "xbc": 1}, (2, 3)) is None


def test_a_text_model_row_does_not_depend_on_its_batch(rebuilt):
    """The text model's fast form remembers each text's probabilities, which is exact only if a
    text's row is the same whatever batch it is scored in: bit for bit, each labelled note alone,
    in one batch, and in reverse order in batches of another size."""
    spec, arrays = fastform.spec_of(rebuilt)
    base = fastform._unpack(fastform._pack(spec, arrays)).base
    texts = _notes()
    together = base._predict(texts)
    reverse = np.concatenate([base._predict(texts[::-1][i : i + 97]) for i in range(0, len(texts), 97)])[::-1]
    assert np.array_equal(together, reverse)
    for i in range(0, len(texts), 7):
        assert np.array_equal(base._predict([texts[i]])[0], together[i])
    assert np.array_equal(base.predict_proba(texts[::-1]), together[::-1])  # the memo's answer is the row


def test_a_full_row_memo_still_answers_notes_it_held(rebuilt, monkeypatch):
    """A batch that mixes remembered notes with enough new ones to fill the memo gets every row
    (the memo is emptied for the new ones only after the batch's rows are read), and a batch of
    more new notes than the memo holds is scored without being remembered."""
    spec, arrays = fastform.spec_of(rebuilt)
    base = fastform._unpack(fastform._pack(spec, arrays)).base
    texts = _notes()[:12]
    expected = base._predict(texts)
    monkeypatch.setattr(fastform, "CACHE_TEXTS", 5)
    assert np.array_equal(base.predict_proba(texts[:4]), expected[:4])
    assert np.array_equal(base.predict_proba(texts[2:6]), expected[2:6])  # two held, two new: full
    assert np.array_equal(base.predict_proba(texts[3:12]), expected[3:12])  # nine new at once
    assert len(base._rows) <= 5


def test_second_load_reads_the_cache(cache):
    first = load_model()
    assert first.fast is None and first.pipeline is not None  # rebuilt by skops, then cached
    files = list(cache.glob("stage-*.npz"))
    assert len(files) == 1 and oct(files[0].stat().st_mode & 0o777) == "0o600"
    clear_cache()
    second = load_model()
    assert second.fast is not None
    note = ["ขณะนี้อยู่ระหว่างดำเนินการจัดซื้อจัดจ้าง"]
    assert np.allclose(second.proba(note), first.proba(note), rtol=0, atol=1e-12)  # float sums in another order
    assert second.pipeline is not None and hasattr(second.pipeline, "get_params")  # the estimator, rebuilt on request


def test_fast_forms_of_older_models_do_not_pile_up(cache):
    cache.mkdir(parents=True)
    for i in range(6):  # what six earlier versions left
        old = cache / f"stage-{i:032x}-{i:032x}.npz"
        old.write_bytes(b"old")
        os.utime(old, (1_000_000 + i, 1_000_000 + i))
    load_model()
    left = sorted(p.name for p in cache.glob("stage-*.npz"))
    assert len(left) == fastform.KEEP_MODELS
    assert f"stage-{5:032x}-{5:032x}.npz" in left and f"stage-{0:032x}-{0:032x}.npz" not in left  # the newest kept
    assert any(not name.startswith("stage-0000") for name in left)  # and the one just written


def test_altered_or_foreign_cache_files_are_ignored(cache):
    load_model()
    (path,) = cache.glob("stage-*.npz")
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    clear_cache()
    assert load_model().fast is None  # its own hash no longer matches: skops again, which rewrites it
    clear_cache()
    assert load_model().fast is not None
    clear_cache()
    if hasattr(os, "getuid"):
        path.chmod(0o666)  # writable by others: not read
        assert load_model().fast is None


def test_cache_can_be_turned_off(monkeypatch, tmp_path):
    monkeypatch.setenv(fastform.CACHE_ENV, "off")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    clear_cache()
    try:
        assert load_model().fast is None
        assert load_model(default_model_path()).fast is None
    finally:
        clear_cache()
    assert not list(tmp_path.rglob("*.npz"))


def test_a_model_it_cannot_reproduce_is_not_cached(cache):
    class Other:
        classes_ = np.array(["approval", "procurement", "completed", "none"])

        def predict_proba(self, texts):
            return np.full((len(texts), 4), 0.25)

    with pytest.raises(fastform.Unsupported):
        fastform.spec_of(Other())
    assert fastform.store("0" * 64, Other()) is None
    assert not cache.exists() or not list(cache.iterdir())


CLASSIFY = """
import sys
from click.testing import CliRunner
from bma_nlp.cli import main
result = CliRunner().invoke(main, ["classify", "ขณะนี้อยู่ระหว่างดำเนินการจัดซื้อจัดจ้าง"])
assert result.exit_code == 0, result.output
print(result.output.strip())
print(" ".join(sorted({m.split(".")[0] for m in sys.modules if m.split(".")[0] in ("sklearn", "scipy", "skops")})) or "-")
"""


def test_classify_with_a_warm_cache_imports_no_scikit_learn(tmp_path):
    env = {**os.environ, fastform.CACHE_ENV: str(tmp_path / "cache")}
    cold = subprocess.run([sys.executable, "-c", CLASSIFY], capture_output=True, text=True, timeout=300, env=env, check=True).stdout.splitlines()
    warm = subprocess.run([sys.executable, "-c", CLASSIFY], capture_output=True, text=True, timeout=300, env=env, check=True).stdout.splitlines()
    assert cold[0] == warm[0] and '"procurement"' in warm[0]  # same answer
    assert "sklearn" in cold[1].split() and warm[1] == "-"
    assert Path(tmp_path / "cache").is_dir()


def test_tokenising_by_pieces_gives_the_same_words():
    """``tokenize.pieces``: newmm over the pieces gives the words of the whole text (what lets
    the classifier remember tokens per piece), on every labelled note as the model reads it
    and as written; a space inside a dictionary word (ตรง ๆ) is not a cut."""
    import json
    from pathlib import Path

    from bma_nlp.classify.features import prepare, tokenize_cached
    from bma_nlp.tokenize import pieces, word_tokenize

    root = Path(__file__).resolve().parents[1] / "training_data"
    notes = []
    for name in ("notes.jsonl", "real_notes.jsonl", "unseen.jsonl", "external.jsonl"):
        notes += [json.loads(line)["text"] for line in (root / name).read_text(encoding="utf-8").splitlines() if line.strip()]
    cut = 0
    for note in notes:
        for text in (prepare(note), note):
            parts = pieces(text)
            assert "".join(parts) == text
            cut += len(parts) - 1
            assert [w for p in parts for w in word_tokenize(p)] == word_tokenize(text)
        assert tokenize_cached(prepare(note)) == word_tokenize(prepare(note))
    assert cut > 1000
    assert "ตรง ๆ" in word_tokenize("ทำตรง ๆ")
    assert all(not p.endswith("ตรง ") for p in pieces("ทำตรง ๆ"))


def test_word_set_answers_prefixes_as_the_trie():
    """``tokenize.WordSet`` (newmm's dictionary here) lists the words at a position exactly as
    PyThaiNLP's ``Trie`` does, so newmm's words are the same."""
    from pythainlp.util import Trie

    from bma_nlp.tokenize import WordSet, _pythainlp_newmm, dictionary

    words = ["สวัส", "สวัสดี", " ดี ", "ดี", "ครับ", "ตรง ๆ", ""]
    trie, ours = Trie(words), WordSet(words)
    for text in ("สวัสดีครับ", "ดีครับ", "ตรง ๆ ดี", "x", ""):
        for start in range(len(text) + 1):
            assert ours.prefixes(text, start) == trie.prefixes(text, start)
    whole_trie, whole = Trie(dictionary(True)), WordSet(dictionary(True))
    for text in ("สำนักการโยธาดำเนินการก่อสร้างแล้วเสร็จ ตรง ๆ", "อยู่ระหว่างจัดทำราคากลาง e-bidding 100%"):
        assert _pythainlp_newmm(text, whole, False) == _pythainlp_newmm(text, whole_trie, False)


def test_classifier_words_come_from_nlpo3_and_fall_back_to_newmm(monkeypatch):
    """``features.tokenize_words`` (the shipped model's tokenizer since issue 13): nlpo3's newmm
    when installed; without it PyThaiNLP's newmm (``tokenize_cached``), so the classifier still
    works."""
    pytest.importorskip("nlpo3")
    from bma_nlp import tokenize
    from bma_nlp.classify.features import prepare, tokenize_cached, tokenize_words

    text = prepare("ได้รับอนุมัติแล้ว อยู่ระหว่างจัดซื้อ (e-bidding) เมื่อ 12/3/2566")
    assert tokenize_words(text) == tokenize.word_tokenize(text, engine="nlpo3")
    monkeypatch.setattr(tokenize, "has_nlpo3", lambda: False)
    assert tokenize_words(text) == tokenize_cached(text)


def test_predictions_do_not_depend_on_the_engine_where_the_tokens_agree(rebuilt, monkeypatch):
    """nlpo3 and PyThaiNLP's newmm split punctuation, digits and dotted abbreviations apart
    (/0/0, พ.ย.); on every labelled note whose words they agree on, the shipped model's
    probabilities with nlpo3 and with the newmm fallback are exactly equal."""
    pytest.importorskip("nlpo3")
    from bma_nlp import tokenize
    from bma_nlp.classify.features import prepare, tokenize_cached

    texts = _notes()
    agree = [t for t in texts if tokenize.word_tokenize(prepare(t), engine="nlpo3") == tokenize_cached(prepare(t))]
    assert 0 < len(agree) < len(texts)  # the engines differ on some notes: the model is trained with nlpo3's words
    spec, arrays = fastform.spec_of(rebuilt)
    with_nlpo3 = fastform._unpack(fastform._pack(spec, arrays)).predict_proba(agree)
    monkeypatch.setattr(tokenize, "has_nlpo3", lambda: False)
    with_newmm = fastform._unpack(fastform._pack(spec, arrays)).predict_proba(agree)  # a fresh form: no remembered columns
    assert np.array_equal(with_nlpo3, with_newmm)
