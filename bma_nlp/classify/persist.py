"""How a stage model is stored and loaded: a format that cannot run code, and a trust rule.

A model is two files: ``stage.skops`` (the fitted scikit-learn ``Pipeline`` in the skops
format: a zip of JSON and ``.npy`` arrays, no pickle) and its sidecar ``stage.json`` (format,
sha256 and size of the model file, library versions, labels, abstain threshold, metrics).

Loading never unpickles. skops rebuilds only the types it is told to trust, and this loader
trusts only an allow-list: classes of scikit-learn, NumPy, SciPy and ``bma_nlp.classify``, and
functions of ``bma_nlp.classify`` plus the project's tokenizer. A file naming anything else
(``os.system``, ``builtins.eval``...) is refused before any object is built.

Which file may be loaded at all: the shipped model, recognised by the sha256 pinned in the
package (``bma_nlp.classify.shipped.MODEL_SHA256``; a hash in the sidecar proves nothing, as
whoever edits a file can edit the file beside it). Any other model file (``--model``,
``$BMA_NLP_STAGE_MODEL``) loads only when the caller says it trusts it: ``load_model(path,
trust=True)``, ``--trust-model`` on the command line, or ``BMA_NLP_TRUST_MODEL=1`` for
processes that only see the environment (``parse``, ``ingest`` workers).
"""

from __future__ import annotations

import hashlib
import importlib
import inspect
import io
import json
import os
import platform
import re
import tempfile
import threading
import warnings
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from bma_nlp import installed
from bma_nlp.errors import ModelError
from bma_nlp.records import LABELS

FORMAT = "bma-nlp-stage/2"
OLD_PICKLE_FORMAT = "bma-nlp-stage/1"
MODEL_SUFFIX = ".skops"
TRUST_ENV = "BMA_NLP_TRUST_MODEL"
RETRAIN = "run `bma-nlp train` to rebuild it"
MAX_MODEL_BYTES = 256 * 1024 * 1024  # refuse before reading: a model is ~1 MB
MAX_SIDECAR_BYTES = 1024 * 1024

ALLOWED_CLASS_PREFIXES = ("sklearn.", "numpy.", "scipy.", "bma_nlp.classify.")
ALLOWED_FUNCTION_PREFIXES = ("bma_nlp.classify.",)
ALLOWED_FUNCTIONS = frozenset({"bma_nlp.tokenize.word_tokenize"})


def sidecar_path(model_path: str | os.PathLike[str]) -> Path:
    return Path(model_path).with_suffix(".json")


# ---------------------------------------------------------------------------------------------
# the allow-list


def _resolve(name: str) -> Any:
    """The object a dotted ``module.attr`` name denotes, importing only allow-listed packages."""
    module, _, attr = name.rpartition(".")
    if not module or not any(name.startswith(p) for p in (*ALLOWED_CLASS_PREFIXES, *ALLOWED_FUNCTIONS)):
        return None
    try:
        obj: Any = importlib.import_module(module)
    except ImportError:
        return None
    for part in attr.split("."):
        obj = getattr(obj, part, None)
    return obj


def allowed_type(name: str) -> bool:
    """May a model file name this type or function? Classes: scikit-learn, NumPy, SciPy and
    ``bma_nlp.classify``; functions (which a pipeline calls on its input): only the project's own."""
    if name in ALLOWED_FUNCTIONS:
        return True
    obj = _resolve(name)
    if inspect.isclass(obj):
        return name.startswith(ALLOWED_CLASS_PREFIXES)
    if inspect.isfunction(obj) or inspect.isbuiltin(obj):
        return name.startswith(ALLOWED_FUNCTION_PREFIXES)
    return False


# ---------------------------------------------------------------------------------------------
# writing


_ID = re.compile(r'"__id__": (\d+)')


def _deterministic(blob: bytes) -> bytes:
    """skops names arrays and shared objects by memory address and stamps the time: renumber
    both in order of appearance and fix the timestamps, so the same model gives the same bytes."""
    src = zipfile.ZipFile(io.BytesIO(blob))
    schema = src.read("schema.json").decode("utf-8")
    ids: dict[str, str] = {}
    schema = _ID.sub(lambda m: f'"__id__": {ids.setdefault(m.group(1), str(len(ids) + 1))}', schema)
    files = sorted((n for n in src.namelist() if n != "schema.json"), key=lambda n: schema.find(f'"{n}"'))
    renamed = {old: f"{i}{Path(old).suffix}" for i, old in enumerate(files)}
    for old, new in renamed.items():
        schema = schema.replace(f'"{old}"', f'"{new}"')
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for name, data in [("schema.json", schema.encode("utf-8")), *((renamed[n], src.read(n)) for n in files)]:
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            dst.writestr(info, data, compresslevel=9)
    return out.getvalue()


def model_bytes(estimator: Any) -> bytes:
    """The bytes of ``estimator`` in the model format (skops, deterministic)."""
    import skops.io as sio

    return _deterministic(sio.dumps(estimator))


def _installed_version(distribution: str, module: str) -> str:
    """A library's version from its installed metadata (``bma_nlp.installed``): importing
    scikit-learn only to read ``__version__`` costs a second, more than loading a model's fast form."""
    found = installed.version(distribution, module, missing="")
    return found or str(importlib.import_module(module).__version__)


def versions() -> dict[str, str]:
    from bma_nlp import __version__

    return {
        "python": platform.python_version(),
        "scikit-learn": _installed_version("scikit-learn", "sklearn"),
        "pythainlp": _installed_version("pythainlp", "pythainlp"),
        "numpy": np.__version__,
        "skops": _installed_version("skops", "skops"),
        "nlpo3": installed.version("nlpo3", missing="not installed"),  # the classifier's word tokens (features.tokenize_words); newmm without it
        "bma-nlp": __version__,
    }


def _write_bytes_atomic(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, 0o644)  # mkstemp makes 0600; a shipped model must be readable by all
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def check_model_path(path: str | os.PathLike[str]) -> Path:
    """Refuse, before any work, a model path whose sidecar would be the model file itself."""
    target = Path(path)
    if target.suffix.lower() == ".json":
        raise ModelError("a model file cannot end in .json: its .json sidecar would overwrite it (use .skops)", str(target))
    return target


def save_model(estimator: Any, path: str | os.PathLike[str], meta: dict[str, Any] | None = None, *, pin: bool = False) -> dict[str, Any]:
    """Write ``estimator`` to ``path`` (skops) and its sidecar beside it; return the sidecar.

    ``meta`` (threshold, design, metrics...) goes into the sidecar with the format, sha256, size,
    labels and library versions added. ``pin``: this is the shipped model; record its sha256 in
    ``bma_nlp/classify/shipped.py`` so it loads without ``trust``.
    """
    target = check_model_path(path)
    for name in getattr(estimator, "classes_", []):
        if str(name) not in LABELS:
            raise ModelError(f"estimator class {name!r} is not one of {list(LABELS)}", str(target))
    blob = model_bytes(estimator)
    full: dict[str, Any] = {"format": FORMAT, "labels": list(LABELS)}
    full.update(meta or {})
    full.update({"format": FORMAT, "sha256": hashlib.sha256(blob).hexdigest(), "size_bytes": len(blob), "versions": versions()})
    target.parent.mkdir(parents=True, exist_ok=True)
    _write_bytes_atomic(target, blob)
    _write_bytes_atomic(sidecar_path(target), (json.dumps(full, ensure_ascii=False, indent=1) + "\n").encode("utf-8"))
    if pin:
        pin_shipped(full["sha256"])
    clear_cache()
    return full


def pin_shipped(sha256: str) -> None:
    """Record ``sha256`` as the shipped model's hash (rewrites ``bma_nlp/classify/shipped.py``)."""
    from bma_nlp.classify import shipped

    source = Path(shipped.__file__)
    text = re.sub(r'MODEL_SHA256 = "[0-9a-f]*"', f'MODEL_SHA256 = "{sha256}"', source.read_text(encoding="utf-8"))
    _write_bytes_atomic(source, text.encode("utf-8"))
    shipped.MODEL_SHA256 = sha256


# ---------------------------------------------------------------------------------------------
# loading


def proba_in_label_order(estimator: Any, texts: Sequence[str]) -> np.ndarray:
    """``predict_proba`` with the columns in ``LABELS`` order (zeros for a class never seen)."""
    raw = estimator.predict_proba(list(texts))
    out = np.zeros((len(texts), len(LABELS)), dtype=float)
    for j, label in enumerate(estimator.classes_):
        out[:, LABELS.index(str(label))] = raw[:, j]
    return out


class StageModel:
    """A loaded pipeline with its sidecar metadata.

    ``fast``: the model's fast form (``bma_nlp.classify.fastform``), which predicts when present;
    ``pipeline`` (the scikit-learn estimator) is then rebuilt from the verified file only when
    someone asks for it."""

    def __init__(
        self, pipeline: Any, meta: dict[str, Any] | None = None, path: Path | None = None, *,
        fast: Any = None, rebuild: Any = None,
    ) -> None:  # fmt: skip
        self._pipeline = pipeline
        self.meta: dict[str, Any] = meta if meta is not None else {}
        self.path = path
        self.fast = fast
        self._rebuild = rebuild

    @property
    def pipeline(self) -> Any:
        if self._pipeline is None and self._rebuild is not None:
            self._pipeline = self._rebuild()
        return self._pipeline

    @property
    def threshold(self) -> float:
        return float(self.meta.get("abstain_threshold", 0.5))

    def proba(self, texts: Sequence[str]) -> np.ndarray:
        """Probabilities over ``LABELS`` per text; each distinct text is scored once."""
        if not texts:
            return np.zeros((0, len(LABELS)))
        unique = list(dict.fromkeys(texts))
        table = proba_in_label_order(self.fast if self.fast is not None else self.pipeline, unique)
        row = {text: i for i, text in enumerate(unique)}
        return table[[row[t] for t in texts]]


def _major_minor(version: str, parts: int = 2) -> tuple[str, ...]:
    return tuple(version.split(".")[:parts])


def check_versions(meta: dict[str, Any], where: str) -> None:
    """The library versions a model needs: same scikit-learn major.minor, same PyThaiNLP, NumPy and Python major."""
    built = meta.get("versions") or {}
    if not isinstance(built, dict):
        raise ModelError(f"sidecar versions are not a mapping; {RETRAIN}", where)
    now = versions()
    rules = [("scikit-learn", 2), ("pythainlp", 1), ("numpy", 1), ("python", 1)]
    for name, parts in rules:
        if name not in built:
            raise ModelError(f"sidecar does not record the {name} version; {RETRAIN}", where)
        if _major_minor(str(built[name]), parts) != _major_minor(now[name], parts):
            raise ModelError(f"model was built with {name} {built[name]} but {now[name]} is installed; {RETRAIN}", where)


def _read_bounded(path: Path, limit: int, what: str, where: str) -> bytes:
    try:
        with open(path, "rb") as fh:
            if not os.path.isfile(path) or os.fstat(fh.fileno()).st_size > limit:
                raise ModelError(f"{what} is not a regular file of at most {limit:,} bytes", where)
            data = fh.read(limit + 1)
    except FileNotFoundError:
        raise ModelError(f"{what} not found; {RETRAIN}", where) from None
    except OSError as exc:
        raise ModelError(f"cannot read {what} ({exc.strerror or exc})", where) from None
    if len(data) > limit:
        raise ModelError(f"{what} is larger than {limit:,} bytes", where)
    return data


def read_sidecar(model_path: Path) -> dict[str, Any]:
    side = sidecar_path(model_path)
    where = str(model_path)
    if not side.exists():
        raise ModelError(f"model sidecar {side.name} is missing; {RETRAIN}", where)
    try:
        meta = json.loads(_read_bounded(side, MAX_SIDECAR_BYTES, f"model sidecar {side.name}", where).decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise ModelError(f"model sidecar {side.name} is unreadable ({exc}); {RETRAIN}", where) from None
    if isinstance(meta, dict) and meta.get("format") == OLD_PICKLE_FORMAT:
        raise ModelError(f"a pickled (joblib) model is never loaded, as unpickling can run code; {RETRAIN}", where)
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        raise ModelError(f"{side.name} is not a {FORMAT} sidecar; {RETRAIN}", where)
    return meta


def _trusted_by_env() -> bool:
    return os.environ.get(TRUST_ENV, "").strip().lower() in ("1", "true", "yes")


def _load_uncached(path: Path, trust: bool) -> StageModel:
    from bma_nlp.classify import shipped

    where = str(path)
    if not path.is_file():
        raise ModelError(f"model file not found (or not a regular file); {RETRAIN}", where)
    meta = read_sidecar(path)
    blob = _read_bounded(path, MAX_MODEL_BYTES, "model file", where)
    digest = hashlib.sha256(blob).hexdigest()
    if digest != shipped.MODEL_SHA256 and not trust:
        raise ModelError(
            f"not the shipped model (sha256 {digest[:12]}...); load a model of your own only if you trust it: "
            f"--trust-model, load_model(path, trust=True) or {TRUST_ENV}=1",
            where,
        )
    if digest != meta.get("sha256"):
        raise ModelError(f"model file is corrupted or truncated (sha256 {digest[:12]}... does not match its sidecar); {RETRAIN}", where)
    check_versions(meta, where)
    if list(meta.get("labels", [])) != list(LABELS):
        raise ModelError(f"model labels {meta.get('labels')} are not {list(LABELS)}; {RETRAIN}", where)
    from bma_nlp.classify import fastform

    fast = fastform.load_cached(digest)  # this verified file's numbers, predicted without scikit-learn
    if fast is not None:
        return StageModel(None, meta, path, fast=fast, rebuild=lambda: _rebuild(blob, where))
    pipeline = _rebuild(blob, where)
    fastform.store(digest, pipeline)  # for the next process (only if it scores as this one)
    return StageModel(pipeline, meta, path)


def _rebuild(blob: bytes, where: str) -> Any:
    """The scikit-learn estimator in a verified model file: skops rebuilds allow-listed types only."""
    import skops.io as sio
    from sklearn.exceptions import InconsistentVersionWarning

    try:
        named = sio.get_untrusted_types(data=blob)
    except Exception as exc:  # noqa: BLE001 - any unreadable file is one ModelError
        raise ModelError(f"cannot load model ({type(exc).__name__}: {' '.join(str(exc).split())[:200]}); {RETRAIN}", where) from None
    refused = sorted(name for name in named if not allowed_type(name))
    if refused:
        raise ModelError(f"model file names types outside the allow-list ({', '.join(refused[:5])}); refused", where)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            pipeline = sio.loads(blob, trusted=named)
        except Exception as exc:  # noqa: BLE001 - any load failure is one ModelError
            raise ModelError(f"cannot load model ({type(exc).__name__}: {' '.join(str(exc).split())[:200]}); {RETRAIN}", where) from None
    stale = [w for w in caught if issubclass(w.category, InconsistentVersionWarning)]
    if stale:
        version = getattr(stale[0].message, "original_sklearn_version", "another version")
        raise ModelError(f"model was saved by scikit-learn {version}, not the installed one; {RETRAIN}", where)
    classes = {str(c) for c in getattr(pipeline, "classes_", [])}
    if not hasattr(pipeline, "predict_proba") or not classes or not classes <= set(LABELS):
        raise ModelError(f"file does not hold a stage classifier; {RETRAIN}", where)
    return pipeline


_cache: dict[tuple[str, int, int, bool], StageModel] = {}
_lock = threading.Lock()


def load_model(path: str | os.PathLike[str] | None = None, *, trust: bool | None = None) -> StageModel:
    """Load (once per process and file version) the shipped model or the one at ``path``.

    ``trust``: load a model that is not the shipped one (default: ``$BMA_NLP_TRUST_MODEL``).
    Whatever ``trust`` says, only allow-listed types are rebuilt and nothing is unpickled.
    """
    from bma_nlp.classify.model import default_model_path

    target = Path(path) if path is not None else default_model_path()
    trusted = _trusted_by_env() if trust is None else bool(trust)
    try:
        st = target.stat()
        key = (str(target.resolve()), st.st_mtime_ns, st.st_size, trusted)
    except (OSError, ValueError):
        raise ModelError(f"model file not found; {RETRAIN}", str(target)) from None
    with _lock:
        model = _cache.get(key)
        if model is None:
            model = _load_uncached(target, trusted)
            _cache.clear()
            _cache[key] = model
        return model


def clear_cache() -> None:
    with _lock:
        _cache.clear()
