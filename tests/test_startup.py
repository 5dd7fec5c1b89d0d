"""Start-up: what a command imports, and the per-text dictionary that spares a short-lived
process the whole dictionary build (it must give exactly the tokens the whole one gives)."""

from __future__ import annotations

import subprocess
import sys

import pytest

import bma_nlp.tokenize as tok
from bma_nlp.synth import NOTES_APPROVAL, NOTES_COMPLETED, NOTES_PROCUREMENT, SAMPLE_NOTES

TEXTS = [str(t) for t in (*SAMPLE_NOTES, *NOTES_APPROVAL, *NOTES_PROCUREMENT, *NOTES_COMPLETED)] + [
    "", "  ", "abc", "จัดซื้อวัสดุ", "ผลงาน ที่", "xyz จัด", "สำนักการโยธา (e-bidding) 1.1 ธ.ค., สยภ.ภายใน15 พ.ค. 63",
]  # fmt: skip


@pytest.mark.parametrize("engine", tok.ENGINES)
@pytest.mark.parametrize("compounds", [True, False])
def test_per_text_dictionary_gives_the_same_tokens(monkeypatch, engine, compounds):
    monkeypatch.setattr(tok, "SMALL_DICTIONARY_BUDGET", 10**12)
    monkeypatch.setattr(tok, "SMALL_DICTIONARY_MAX_CHARS", 10**9)
    monkeypatch.setattr(tok, "_small_spent", 0)
    tok._trie.cache_clear()
    tok._nlpo3_dictionary.cache_clear()
    small = [tok.word_tokenize(t, engine, compounds, keep) for t in TEXTS for keep in (True, False)]
    tok.warm_up(engine)  # the whole dictionary from here on
    assert tok._small_dictionary("จัดซื้อ", compounds) is None
    whole = [tok.word_tokenize(t, engine, compounds, keep) for t in TEXTS for keep in (True, False)]
    assert small == whole


def test_word_list_read_without_pythainlp_is_pythainlps():
    from pythainlp.corpus import thai_words

    assert tok.thai_words() == frozenset(thai_words())


SEARCH_ONLY = """
import sys
from click.testing import CliRunner
from bma_nlp.cli import main
def run(*args):
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == 0, result.output
def heavy():
    return " ".join(sorted({m.split(".")[0] for m in sys.modules if m.split(".")[0] in ("sklearn", "scipy", "pythainlp", "numpy", "rapidfuzz")}
                           | {m for m in sys.modules if m.startswith(("bma_nlp.repair", "bma_nlp.parse", "bma_nlp.classify.model"))})) or "-"
run("search", "จัดซื้อวัสดุ", "--db", sys.argv[1]); run("export", "--db", sys.argv[1]); run("--version")
print(heavy())
run("stats", "--db", sys.argv[1])
print(heavy())
"""


def test_search_export_stats_import_only_what_they_use(tmp_path):
    from bma_nlp.cli import sample_path
    from bma_nlp.store import Archive

    db = tmp_path / "a.db"
    with Archive(db) as archive:
        archive.ingest([sample_path()], repair=False, classify=False)
    out = subprocess.run([sys.executable, "-c", SEARCH_ONLY, str(db)], capture_output=True, text=True, timeout=120, check=True).stdout
    searched, with_stats = (line.split() for line in out.splitlines())
    assert searched == ["-"]  # search, export, --version: no parser, repair, classifier, PyThaiNLP, NumPy, rapidfuzz
    # stats reads the pipeline's version (the word lists and the model card hashed: bma_nlp.revision)
    # and nothing more
    assert with_stats == ["-"]


@pytest.mark.parametrize("env", [{}, {"BMA_NLP_MODEL": "/x/m.skops"}, {"BMA_NLP_STAGE_MODEL": "/y/old.skops"}, {"BMA_NLP_MODEL": "", "BMA_NLP_STAGE_MODEL": "/y/o.skops"}])
def test_the_light_model_card_path_is_the_classifiers(monkeypatch, env):
    """bma_nlp.revision finds the model's card without importing the classifier: as it does."""
    from bma_nlp.classify.model import default_model_path, sidecar_path
    from bma_nlp.revision import model_card_path

    for name in ("BMA_NLP_MODEL", "BMA_NLP_STAGE_MODEL"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert model_card_path() == sidecar_path(default_model_path())


def test_the_shipped_model_name_has_the_model_suffix():
    from bma_nlp.classify.persist import MODEL_SUFFIX
    from bma_nlp.revision import shipped_model_path

    assert shipped_model_path().suffix == MODEL_SUFFIX and shipped_model_path().is_file()


PARSE_ONLY = """
import sys
from click.testing import CliRunner
from bma_nlp.cli import main, sample_path
result = CliRunner().invoke(main, ["parse", str(sample_path()), "--no-repair", "--no-classify"])
assert result.exit_code == 0, result.output
print(" ".join(sorted({m for m in sys.modules if m.split(".")[0] == "sklearn" or m.startswith("bma_nlp.classify.")})) or "-")
"""


def test_parse_without_repair_and_classifier_imports_neither():
    """``parse --no-repair --no-classify`` imports no part of the stage classifier."""
    out = subprocess.run([sys.executable, "-c", PARSE_ONLY], capture_output=True, text=True, timeout=120, check=True).stdout
    assert out.split() == ["-"]
