"""Case 1 (code execution through the model), 16 (train --out over the sidecar), 20 (a model
of another scikit-learn version): a model file is data, never code."""

from __future__ import annotations

import hashlib
import io
import json
import pickle
import shutil
import zipfile

import pytest

from bma_nlp.classify.model import clear_cache, default_model_path, load_model, sidecar_path
from bma_nlp.errors import ModelError

from .conftest import SAMPLE, one_line_error


class Payload:
    """Unpickling this writes a marker file: what a malicious model would do."""

    def __init__(self, marker):
        self.marker = str(marker)

    def __reduce__(self):
        return (eval, (f"open({self.marker!r}, 'w').write('pwned')",))


def _with_sidecar_of(model, source=None):
    """Give ``model`` a sidecar that carries its sha256 (what an attacker does)."""
    meta = json.loads(sidecar_path(source or default_model_path()).read_text(encoding="utf-8"))
    meta["sha256"] = hashlib.sha256(model.read_bytes()).hexdigest()
    sidecar_path(model).write_text(json.dumps(meta), encoding="utf-8")


def _edit_schema(src, dst, edit):
    """Copy a skops model, changing its schema.json text."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == "schema.json":
                data = edit(data.decode("utf-8")).encode("utf-8")
            zout.writestr(info, data)
    _with_sidecar_of(dst)


@pytest.fixture(autouse=True)
def _fresh_cache():
    clear_cache()
    yield
    clear_cache()


@pytest.mark.parametrize("sidecar_format", ["bma-nlp-stage/1", "bma-nlp-stage/2"])
def test_malicious_pickle_never_runs(tmp_path, sidecar_format):
    marker = tmp_path / "marker"
    evil = tmp_path / "evil.joblib"
    evil.write_bytes(pickle.dumps(Payload(marker)))
    _with_sidecar_of(evil)
    meta = json.loads(sidecar_path(evil).read_text(encoding="utf-8"))
    meta["format"] = sidecar_format
    sidecar_path(evil).write_text(json.dumps(meta), encoding="utf-8")
    for trust in (False, True):
        with pytest.raises(ModelError):
            load_model(evil, trust=trust)
    assert not marker.exists()


def test_malicious_pickle_through_cli_and_environment(tmp_path, cli, bma):
    marker = tmp_path / "marker"
    evil = tmp_path / "evil.skops"
    evil.write_bytes(pickle.dumps(Payload(marker)))
    _with_sidecar_of(evil)
    for args in (["classify", "x", "--model", evil], ["classify", "x", "--model", evil, "--trust-model"], ["evaluate", "--model", evil, "--trust-model"]):
        result = cli(*args)
        assert result.exit_code == 1 and one_line_error(result.stderr), result.stderr
    proc = bma("parse", SAMPLE, env={"BMA_NLP_STAGE_MODEL": str(evil), "BMA_NLP_TRUST_MODEL": "1"})  # a fresh process
    assert proc.returncode == 1 and one_line_error(proc.stderr), proc.stderr
    for env in ({"BMA_NLP_STAGE_MODEL": str(evil)}, {"BMA_NLP_STAGE_MODEL": str(evil), "BMA_NLP_TRUST_MODEL": "1"}):
        result = cli("parse", SAMPLE, env=env)
        assert result.exit_code == 1 and one_line_error(result.stderr), result.stderr
        result = cli("ingest", SAMPLE, "--db", tmp_path / "a.db", env=env)
        assert result.exit_code == 1 and "Traceback" not in result.stderr and "error:" in result.stderr
    assert not marker.exists()


def test_skops_file_naming_a_dangerous_function_is_refused(tmp_path):
    evil = tmp_path / "evil.skops"

    def to_os_system(schema):
        return schema.replace('"__class__": "prepare_all"', '"__class__": "system"').replace('"__module__": "bma_nlp.classify.features"', '"__module__": "os"', 1)

    _edit_schema(default_model_path(), evil, to_os_system)
    with pytest.raises(ModelError, match="allow-list .*os.system"):
        load_model(evil, trust=True)


def test_allow_list():
    from bma_nlp.classify.persist import allowed_type

    assert allowed_type("sklearn.calibration._CalibratedClassifier")
    assert allowed_type("bma_nlp.classify.features.prepare_all")
    assert allowed_type("bma_nlp.tokenize.word_tokenize")
    for name in ("os.system", "builtins.eval", "numpy.load", "subprocess.Popen", "sklearn.utils._testing.assert_run_python_script_without_output",
                 "bma_nlp.store.archive.Archive", "sklearn.nope.Missing", "x"):  # fmt: skip
        assert not allowed_type(name), name


def test_untrusted_model_needs_an_explicit_flag(tmp_path, cli):
    import copy

    from bma_nlp.classify.model import save_model

    own = tmp_path / "own.skops"
    loaded = load_model()
    pipeline = copy.deepcopy(loaded.pipeline)
    flag = {"verbose": True} if "verbose" in pipeline.get_params(deep=False) else {"seed": 1}  # a fitted StackedStage ignores seed
    pipeline.set_params(**flag)  # same predictions, other bytes
    save_model(pipeline, own, {**loaded.meta, "abstain_threshold": 0.5})
    assert json.loads(sidecar_path(own).read_text(encoding="utf-8"))["sha256"] != loaded.meta["sha256"]
    result = cli("classify", "x", "--model", own)
    assert result.exit_code == 1 and "--trust-model" in result.stderr
    assert cli("classify", "x", "--model", own, "--trust-model").exit_code == 0
    assert load_model(own, trust=True).threshold == 0.5


def test_shipped_model_loads_without_trust_and_a_copy_of_it_too(tmp_path):
    copy = tmp_path / "copy.skops"
    shutil.copyfile(default_model_path(), copy)
    shutil.copyfile(sidecar_path(default_model_path()), sidecar_path(copy))
    assert load_model(copy).proba(["โครงการแล้วเสร็จ"]).shape == (1, 4)


def test_model_of_another_scikit_learn_version_is_one_line(tmp_path):
    import sklearn

    old = tmp_path / "old.skops"
    _edit_schema(default_model_path(), old, lambda s: s.replace(f'\\"{sklearn.__version__}\\"', '\\"1.5.0\\"'))
    with _no_warnings():
        with pytest.raises(ModelError, match="scikit-learn 1.5.0") as info:
            load_model(old, trust=True)
    assert "\n" not in str(info.value)


class _no_warnings:
    def __enter__(self):
        import warnings

        self._ctx = warnings.catch_warnings(record=True)
        self.caught = self._ctx.__enter__()
        warnings.simplefilter("always")
        return self

    def __exit__(self, *exc):
        self._ctx.__exit__(*exc)
        assert not self.caught, [str(w.message) for w in self.caught]
        return False


def test_train_out_json_would_overwrite_its_own_sidecar(tmp_path, cli):
    from bma_nlp.classify.model import save_model

    out = tmp_path / "m.json"
    result = cli("train", "--out", out, "--design", "tfidf-lr")
    assert result.exit_code == 1 and one_line_error(result.stderr) and ".json" in result.stderr
    assert not out.exists()
    with pytest.raises(ModelError):
        save_model(load_model().pipeline, out, {})


def test_model_file_that_is_not_a_regular_file(tmp_path):
    import os

    fifo = tmp_path / "m.skops"
    os.mkfifo(fifo)
    _with_sidecar_of_text(fifo)
    with pytest.raises(ModelError):
        load_model(fifo, trust=True)  # must not block on the FIFO


def _with_sidecar_of_text(model):
    meta = json.loads(sidecar_path(default_model_path()).read_text(encoding="utf-8"))
    sidecar_path(model).write_text(json.dumps(meta), encoding="utf-8")


def test_zip_bomb_like_schema_is_one_line(tmp_path):
    bad = tmp_path / "bad.skops"
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("schema.json", "[" * 100000)
    bad.write_bytes(buf.getvalue())
    _with_sidecar_of(bad)
    with pytest.raises(ModelError, match="cannot load model"):
        load_model(bad, trust=True)
