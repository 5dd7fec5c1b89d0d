"""bma-nlp classify / evaluate / train, and the spaCy component in a fresh process."""

import json
import shutil
import subprocess
import sys

import pytest
from click.testing import CliRunner
from conftest import SAMPLE

from bma_nlp.classify.data import default_data_path
from bma_nlp.classify.model import clear_cache, default_model_path, sidecar_path
from bma_nlp.cli import main


@pytest.fixture
def run():
    runner = CliRunner()

    def invoke(*args, input=None, env=None):
        return runner.invoke(main, [str(a) for a in args], input=input, env=env)

    return invoke


def test_classify_text(run):
    result = run("classify", "โครงการแล้วเสร็จ")
    assert result.exit_code == 0, result.output
    (line,) = result.stdout.splitlines()
    obj = json.loads(line)
    assert set(obj) == {"stage", "confidence", "scores", "stage_evidence"}
    assert obj["stage"] == "completed" and obj["confidence"] > 0.5
    assert set(obj["scores"]) == {"approval", "procurement", "completed", "none"}
    assert obj["stage_evidence"] and all({"words", "stage", "status", "cue"} <= set(e) for e in obj["stage_evidence"])
    assert any("เสร็จ" in e["words"] for e in obj["stage_evidence"])


def test_classify_shows_the_deciding_words_of_a_long_note(run):
    note = "1. ได้รับอนุมัติโครงการแล้ว 2. อยู่ระหว่างประกวดราคา 3. คาดว่าจะแล้วเสร็จภายในเดือนกันยายน"
    obj = json.loads(run("classify", note).stdout)
    assert obj["stage"] == "procurement"
    assert obj["stage_evidence"][0]["stage"] == "procurement"
    assert "ประกวดราคา" in obj["stage_evidence"][0]["words"]


def test_classify_jsonl_file(run, tmp_path):
    path = tmp_path / "notes.jsonl"
    notes = [{"text": "อยู่ระหว่างขออนุมัติโครงการ", "id": 1}, {"text": "ผู้รับจ้างเข้าดำเนินการตามสัญญา"}, {"text": "-"}]
    path.write_text("\n".join(json.dumps(n, ensure_ascii=False) for n in notes) + "\n\n", encoding="utf-8")
    result = run("classify", "--input", path)
    assert result.exit_code == 0, result.output
    assert [json.loads(line)["stage"] for line in result.stdout.splitlines()] == ["approval", "procurement", None]


def test_classify_stdin_plain(run):
    result = run("classify", "--input", "-", "--plain", input="โครงการแล้วเสร็จ\n\nรออนุมัติ\n")
    assert result.exit_code == 0, result.output
    assert [json.loads(line)["stage"] for line in result.stdout.splitlines()] == ["completed", None, "approval"]


def test_classify_bad_line_names_it(run, tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"text": "รออนุมัติ"}\n{"text": broken\n', encoding="utf-8")
    result = run("classify", "--input", path)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.startswith(f"error: {path}:2: ") and "Traceback" not in result.stderr  # file:line
    assert len(result.stderr.strip().splitlines()) == 1
    path.write_text('{"note": "x"}\n', encoding="utf-8")
    result = run("classify", "--input", path)
    assert result.exit_code == 1 and f"{path}:1: " in result.stderr and '"text"' in result.stderr


def test_classify_usage_errors(run, tmp_path):
    assert run("classify").exit_code == 1
    assert run("classify", "x", "--input", "-").exit_code == 1
    result = run("classify", "--input", tmp_path / "missing.jsonl")
    assert result.exit_code == 1 and "no such file" in result.stderr


def test_corrupted_model_is_one_line(run, tmp_path):
    model = tmp_path / "stage.skops"
    shutil.copyfile(default_model_path(), model)
    shutil.copyfile(sidecar_path(default_model_path()), sidecar_path(model))
    model.write_bytes(model.read_bytes()[:1000])
    result = run("classify", "โครงการแล้วเสร็จ", "--model", model, "--trust-model")
    assert result.exit_code == 1
    assert result.stderr.startswith("error: ") and "corrupted" in result.stderr and len(result.stderr.strip().splitlines()) == 1
    result = run("parse", SAMPLE, env={"BMA_NLP_STAGE_MODEL": str(model), "BMA_NLP_TRUST_MODEL": "1"})
    assert result.exit_code == 1 and "corrupted" in result.stderr and "Traceback" not in result.stderr
    clear_cache()


def test_parse_fills_stage_fields(run, expected):
    result = run("parse", SAMPLE, "--format", "json")
    assert result.exit_code == 0, result.output
    (report,) = json.loads(result.stdout)
    assert [i["stage"] for i in report["installments"]] == [i["stage"] for i in expected["installments"]]
    assert all(i["stage_source"] in ("note", "sequence") and i["stage_confidence"] > 0.5 for i in report["installments"])


def test_evaluate(run):
    result = run("evaluate", "--split", "test")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "precision" in out and "recall" in out and "macro-F1" in out and "confusion" in out
    for label in ("approval", "procurement", "completed", "none"):
        assert label in out
    assert run("evaluate", "--split", "external").exit_code == 0


def test_train_cli(run, tmp_path):
    rows = [
        json.loads(line) for line in open(default_data_path(), encoding="utf-8")
    ]
    small = [r for r in rows if r["split"] == "train"][::12] + [r for r in rows if r["split"] == "test"][::10]
    data = tmp_path / "small.jsonl"
    data.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in small), encoding="utf-8")
    out = tmp_path / "m.skops"
    result = run("train", "--data", data, "--out", out, "--design", "tfidf-lr", "--external", tmp_path / "none.jsonl")
    assert result.exit_code == 0, result.output
    assert out.exists() and sidecar_path(out).exists() and "macro-F1" in result.stdout
    assert run("classify", "รออนุมัติ", "--model", out, "--trust-model").exit_code == 0
    assert "not the shipped model" in run("classify", "รออนุมัติ", "--model", out).stderr
    assert run("train", "--design", "nope", "--out", out).exit_code == 1
    clear_cache()


SPACY_SCRIPT = """
import json, spacy
nlp = spacy.blank("th")
nlp.add_pipe("bma_stage")
docs = list(nlp.pipe(["โครงการแล้วเสร็จ", "อยู่ระหว่างขออนุมัติโครงการ"]))
print(json.dumps([[d.cats, d._.bma_stage] for d in docs] + [nlp("-")._.bma_stage], ensure_ascii=False))
"""


def test_spacy_component_in_a_fresh_process():
    # a fresh interpreter finds the factory through the spacy_factories entry point alone
    proc = subprocess.run([sys.executable, "-c", SPACY_SCRIPT], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    (done, done_stage), (asking, asking_stage), blank = json.loads(proc.stdout.strip().splitlines()[-1])
    assert set(done) == {"approval", "procurement", "completed"}
    assert done["completed"] > 0.5 and done_stage == "completed"
    assert asking["approval"] > 0.5 and asking_stage == "approval"
    assert blank is None
