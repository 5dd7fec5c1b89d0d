"""A fast form of a loaded stage model: NumPy arrays and JSON, predicted without scikit-learn.

Why: importing scikit-learn and rebuilding the model with skops cost 2-4 s of CPU, far more
than classifying a note, so ``bma-nlp classify 'text'`` waited seconds for milliseconds of
work. After a model has passed the loading rules of ``bma_nlp.classify.persist`` (its sha256
pinned or trusted, allow-listed types only) and been rebuilt by skops once, its fitted numbers
(vocabularies, idf weights, linear coefficients, sigmoid calibrations, the stacking table) are
written to the user's cache folder; later processes that load the same verified model file
read those numbers instead and predict with NumPy.

Trust: the fast form holds no code. It is a ``.npz`` read with ``allow_pickle=False`` (NumPy
refuses object arrays) and a JSON spec; the only callables it names are resolved through the
same allow-list as a model file (``persist.allowed_type``: functions of ``bma_nlp.classify``
and the project's tokenizer). It is found by the sha256 of the model file that was verified in
this very load, is used only when it carries the sha256 of its own bytes, is owned by the user
and writable by nobody else, and was written by this version of bma-nlp, scikit-learn and
NumPy. Deleting it is always safe (the next load rebuilds it).

Exactness: the predictor repeats scikit-learn's arithmetic (same n-grams, float32 TF-IDF with
float64 row norms, sparse dot in column order, sigmoid calibration averaged over the folds,
the stacking gate). A fast form is written only when its probabilities equal the rebuilt
model's on probe texts (within ``TOLERANCE``); a model with any other component is simply not
cached and loads through skops as before.

``$BMA_NLP_CACHE``: the cache folder (default: ``$XDG_CACHE_HOME/bma-nlp`` or
``~/.cache/bma-nlp``; ``%LOCALAPPDATA%/bma-nlp/cache`` on Windows); ``off`` disables it.
"""

from __future__ import annotations

import hashlib
import inspect
import io
import json
import re
from collections.abc import Callable, Sequence
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from bma_nlp import cache, installed
from bma_nlp.cache import CACHE_ENV, cache_dir
from bma_nlp.classify.features import code_points

FORMAT = "bma-nlp-fastform/2"  # 2: the stacked model with two sides and a domain model
TOLERANCE = 1e-6
CACHE_TEXTS = 20_000  # texts whose feature columns (NumPy int32, ~0.5 kB a note) a process remembers
CACHE_WORDS = 100_000  # words whose character n-gram columns it remembers
CHAIN_TEXTS = 256  # new texts in one batch that make it worth building the character n-gram tables
BATCH = 512  # notes scored at once (bounds the coefficient gather: classes x non-zeros)
_WHITE_SPACES = re.compile(r"\s\s+")  # scikit-learn's character-analyzer whitespace rule


class Unsupported(Exception):
    """The model holds a component this module does not reproduce (it then loads via skops)."""


def _code_digest() -> str:
    """The source of the code a fast form calls (feature functions, tokeniser, normalisation):
    after any change to it the fast form is rebuilt (and checked) from the model file again."""
    import bma_nlp

    root = Path(bma_nlp.__file__).parent
    return cache.source_digest(*(root / "classify").glob("*.py"), root / "tokenize.py", root / "text" / "normalize.py")


def cache_key(model_sha256: str) -> str:
    """What a fast form depends on: the verified model file and the code that replays it."""
    from bma_nlp import __version__

    parts = [FORMAT, model_sha256, __version__, installed.version("scikit-learn", "sklearn"), np.__version__.split(".")[0], _code_digest()]
    return hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()[:32]


# ---------------------------------------------------------------------------------------------
# the predictor


def _resolve_function(name: str) -> Callable[..., Any]:
    from bma_nlp.classify.persist import _resolve, allowed_type

    if not allowed_type(name):
        raise Unsupported(f"function {name} is outside the allow-list")
    func = _resolve(name)
    if not callable(func):
        raise Unsupported(f"{name} is not a function")
    return func  # type: ignore[no-any-return]


def _dotted(func: Any) -> str:
    return f"{func.__module__}.{func.__qualname__}"


class _Rows:
    """Features of a batch as sorted (row, column, value) triplets, values float64."""

    def __init__(self, n: int, rows: np.ndarray, cols: np.ndarray, vals: np.ndarray, width: int) -> None:
        self.n, self.rows, self.cols, self.vals, self.width = n, rows, cols, vals, width


def _word_ngrams(tokens: list[str], ngram_range: tuple[int, int]) -> list[str]:
    min_n, max_n = ngram_range
    if max_n == 1:
        return tokens
    if ngram_range == (1, 2):  # the shipped models' word n-grams: the same strings, joined pairwise
        return [*tokens, *map(" ".join, zip(tokens, tokens[1:], strict=False))]
    if min_n == 1:
        out = list(tokens)
        min_n += 1
    else:
        out = []
    for n in range(min_n, min(max_n + 1, len(tokens) + 1)):
        for i in range(len(tokens) - n + 1):
            out.append(" ".join(tokens[i : i + n]))
    return out


def _char_wb_ngrams(text: str, ngram_range: tuple[int, int]) -> list[str]:
    text = _WHITE_SPACES.sub(" ", text)
    out: list[str] = []
    for w in text.split():
        out += _word_char_ngrams(w, ngram_range)
    return out


def _word_char_ngrams(word: str, ngram_range: tuple[int, int]) -> list[str]:
    """``_char_wb_ngrams`` of one word (no whitespace in it)."""
    w = " " + word + " "
    size = len(w)
    out: list[str] = []
    for n in range(ngram_range[0], ngram_range[1] + 1):
        if size <= n:  # the padded word itself, once, and no longer n-grams (scikit-learn's loop)
            out.append(w)
            break
        out += [w[i : i + n] for i in range(size - n + 1)]
    return out


def _char_ngrams(text: str, ngram_range: tuple[int, int]) -> list[str]:
    text = _WHITE_SPACES.sub(" ", text)
    min_n, max_n = ngram_range
    if min_n == 1:
        out = list(text)
        min_n += 1
    else:
        out = []
    for n in range(min_n, min(max_n + 1, len(text) + 1)):
        for i in range(len(text) - n + 1):
            out.append(text[i : i + n])
    return out


class _Tfidf:
    """``CountVectorizer``/``TfidfVectorizer.transform``."""

    def __init__(self, spec: dict[str, Any], arrays: dict[str, np.ndarray]) -> None:
        self.analyzer = spec["analyzer"]
        self.lowercase = bool(spec["lowercase"])
        self.ngram_range = (int(spec["ngram_range"][0]), int(spec["ngram_range"][1]))
        self.binary = bool(spec["binary"])
        self.sublinear_tf = bool(spec["sublinear_tf"])
        self.norm = spec["norm"]
        self.dtype = np.dtype(spec["dtype"])
        self.vocabulary = dict(zip(spec["terms"], range(len(spec["terms"])), strict=True))  # (a third of a comprehension's time: 70k terms)
        self.idf = arrays[spec["idf"]].astype(self.dtype) if spec.get("idf") else None
        self.tokenizer: Callable[[str], list[str]] | None = None
        if spec.get("tokenizer"):
            self.tokenizer = _resolve_function(spec["tokenizer"])
        elif self.analyzer == "word":
            pattern = re.compile(spec["token_pattern"])
            if pattern.groups > 1:
                raise Unsupported("token pattern with several groups")
            self.tokenizer = pattern.findall
        self._doc_columns: dict[str, np.ndarray] = {}
        self._word_columns: dict[str, list[int]] = {}
        self._chained: _ChainedNgrams | None | bool = None  # built at first use; False: this vocabulary cannot be

    def features(self, doc: str) -> list[str]:
        if self.lowercase:
            doc = doc.lower()
        if self.analyzer == "word":
            assert self.tokenizer is not None
            return _word_ngrams(list(self.tokenizer(doc)), self.ngram_range)
        if self.analyzer == "char_wb":
            return _char_wb_ngrams(doc, self.ngram_range)
        return _char_ngrams(doc, self.ngram_range)

    def columns(self, doc: str) -> np.ndarray:
        """The vocabulary columns of ``doc``'s features, one per occurrence (remembered per
        text, and for character n-grams per word: notes repeat, and their words far more)."""
        hit = self._doc_columns.get(doc)
        if hit is not None:
            return hit
        vocabulary = self.vocabulary
        if self.analyzer == "char_wb":  # a word's n-grams do not depend on the words around it
            text = doc.lower() if self.lowercase else doc
            found_all: list[int] = []
            words = self._word_columns
            for word in text.split():  # scikit-learn's whitespace rule, then str.split(): the same words
                found = words.get(word)
                if found is None:
                    found = [i for i in map(vocabulary.get, _word_char_ngrams(word, self.ngram_range)) if i is not None]
                    if len(words) >= CACHE_WORDS:
                        words.clear()
                    words[word] = found
                found_all.extend(found)
        else:
            found_all = [i for i in map(vocabulary.get, self.features(doc)) if i is not None]
        hit = np.sort(np.array(found_all, dtype=np.int32))  # sorted: see ``_counted``
        if len(self._doc_columns) >= CACHE_TEXTS:
            self._doc_columns.clear()
        self._doc_columns[doc] = hit
        return hit

    def _char_wb_batch(self, docs: Sequence[str]) -> None:
        """``columns`` of a batch's new texts at once (``_ChainedNgrams``), when the vocabulary
        allows: the same columns per text, in another order, which ``transform`` does not see
        (it counts each text's columns). Building the tables takes about 0.15 s, the time of a
        few thousand notes word by word: a process does it at its first batch of ``CHAIN_TEXTS``
        new texts or more (one note on the command line never waits for it)."""
        if self._chained is False:
            return
        new = list(dict.fromkeys(doc for doc in docs if doc not in self._doc_columns))
        if len(new) < (1 if self._chained is not None else CHAIN_TEXTS) or len(new) > CACHE_TEXTS:
            return
        if self._chained is None:
            self._chained = _ChainedNgrams.build(self.vocabulary, self.ngram_range) or False
        if not isinstance(self._chained, _ChainedNgrams):
            return
        found = self._chained.columns([doc.lower() for doc in new] if self.lowercase else new)
        if len(self._doc_columns) + len(new) > CACHE_TEXTS:
            self._doc_columns.clear()
        self._doc_columns.update(zip(new, found, strict=True))

    def transform(self, docs: Sequence[str]) -> _Rows:
        if self.analyzer == "word" and self.tokenizer is not None:
            from bma_nlp.tokenize import plan

            plan(sum(1 for doc in docs if doc not in self._doc_columns))
        if self.analyzer == "char_wb":
            self._char_wb_batch(docs)
        found = [self.columns(doc) for doc in docs]
        width = len(self.vocabulary)
        flat = np.concatenate(found).astype(np.int64) if found else np.zeros(0, dtype=np.int64)
        owner = np.repeat(np.arange(len(docs), dtype=np.int64), [len(hit) for hit in found])
        # each (row, column) once with its count, sorted by row then column as scikit-learn's rows are
        keys, counts = _counted(owner * width + flat)
        rows, cols = np.divmod(keys, width) if width else (keys, keys)
        row_arr = rows.astype(np.int64)
        col_arr = cols.astype(np.int64)
        data = counts.astype(self.dtype)
        if self.binary:
            data.fill(1)
        if self.sublinear_tf:
            np.log(data, data)
            data += self.dtype.type(1.0)
        if self.idf is not None:
            data *= self.idf[col_arr]
        if self.norm == "l2":  # squares in the data's type, summed in float64 in column order
            sums = np.bincount(row_arr, weights=(data * data).astype(np.float64), minlength=len(docs))
            norms = np.sqrt(sums)
            safe = np.where(norms == 0.0, 1.0, norms)
            data = (data.astype(np.float64) / safe[row_arr]).astype(self.dtype)
        return _Rows(len(docs), row_arr, col_arr, data.astype(np.float64), width)


def _counted(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``np.unique(keys, return_counts=True)`` without its sort when ``keys`` are sorted
    already: ``_Tfidf`` keeps each text's columns sorted, so a batch's (row, column) keys come in
    order, and sorting a batch's half a million keys again was a third of the character
    n-grams' time. The same steps as NumPy's after its sort."""
    if len(keys) and not bool(np.all(keys[1:] >= keys[:-1])):
        keys = np.sort(keys)
    if not len(keys):
        return keys, np.zeros(0, dtype=np.intp)
    first = np.empty(len(keys), dtype=bool)
    first[0] = True
    np.not_equal(keys[1:], keys[:-1], out=first[1:])
    starts = np.flatnonzero(first)
    return keys[first], np.diff(np.append(starts, len(keys)))


class _ChainedNgrams:
    """The character n-grams of a ``char_wb`` vocabulary looked up by table, for a whole batch
    of texts with NumPy.

    Each character of the vocabulary gets a code 1..K (0: any other character). The n-grams of
    the lowest length n0 get dense numbers through a table indexed by their n0 codes; an n-gram
    one longer gets its number through a table indexed by (the number of its first n-1
    characters, the code of its last): a chain, which needs every vocabulary n-gram's prefix in
    the vocabulary too (so it is for a vocabulary cut by document frequency alone: a prefix
    occurs wherever its n-gram does; ``build`` checks it and gives None otherwise). The text's
    words, padded with a space each side as scikit-learn pads them, are laid end to end with a
    character coded 0 between them (and between texts); each window of n characters is looked
    up. A window holding the 0 or a character outside the vocabulary has no number, as neither an
    n-gram across two words nor one with an unknown character is in the vocabulary; nor has one
    whose prefix is not in it.

    The same n-grams as scikit-learn's ``_char_wb_ngrams``: every window of n characters of a
    padded word, for each n of the range no longer than the word. (scikit-learn also counts a
    padded word shorter than the range's lowest n whole; a padded word has at least three
    characters, so with a lowest n of at most 3 that never happens: ``build`` requires it.)"""

    MAX_TABLE = 8_000_000  # entries of the largest table (int32): a larger vocabulary is not chained

    def __init__(self, low: int, codes: np.ndarray, tables: list[np.ndarray], columns: list[np.ndarray]) -> None:
        self.low, self.codes, self.tables, self.cols = low, codes, tables, columns
        self.k = int(codes.max()) + 1

    @classmethod
    def build(cls, vocabulary: dict[str, int], ngram_range: tuple[int, int]) -> _ChainedNgrams | None:
        low, high = ngram_range
        if not (1 <= low <= 3 and low <= high) or not vocabulary or any(not (low <= len(t) <= high) for t in vocabulary):
            return None
        # the characters in code-point order (as ``sorted`` orders them), coded 1..K
        alphabet = np.unique(code_points("".join(vocabulary)))
        k = len(alphabet) + 1
        codes = np.zeros(int(alphabet[-1]) + 2, dtype=np.int32)  # the last slot (0) for every character beyond
        codes[alphabet] = np.arange(1, k, dtype=np.int32)
        tables: list[np.ndarray] = []
        columns: list[np.ndarray] = []
        for n in range(low, high + 1):
            terms = sorted(t for t in vocabulary if len(t) == n)  # an n-gram's number: its place here
            size = k**n if n == low else len(columns[-1]) * k  # keys: n codes, or (a prefix's number, a code)
            if size > cls.MAX_TABLE:
                return None
            table = np.full(max(size, 1), -1, dtype=np.int32)
            if terms:
                c = codes[code_points("".join(terms))].astype(np.int64).reshape(len(terms), n)
                key = np.zeros(len(terms), dtype=np.int64)
                for j in range(low):
                    key = key * k + c[:, j]
                for j in range(low, n):  # along the chain: the number of each term's first j characters, then a code
                    prefix = tables[j - low][key]
                    if bool((prefix < 0).any()):
                        return None  # a prefix outside the vocabulary: no chain
                    key = prefix.astype(np.int64) * k + c[:, j]
                table[key] = np.arange(len(terms), dtype=np.int32)
            tables.append(table)
            columns.append(np.array([vocabulary[t] for t in terms], dtype=np.int32))
        return cls(low, codes, tables, columns)

    def columns(self, texts: Sequence[str]) -> list[np.ndarray]:
        """The vocabulary columns of each text's n-grams (int32, one per occurrence)."""
        laid = ["\x00".join(f" {word} " for word in text.split()) for text in texts]
        joined = "\x00".join(laid)
        points = code_points(joined)
        c = self.codes[np.minimum(points, len(self.codes) - 1)].astype(np.int64)
        size, k = len(c), self.k
        # the text each character belongs to (a separator to the text before it)
        owner = np.repeat(np.arange(len(texts), dtype=np.int64), [len(x) + 1 for x in laid])[:size]
        per_text: list[list[np.ndarray]] = [[] for _ in texts]
        number = np.zeros(0, dtype=np.int64)
        for level, (table, cols) in enumerate(zip(self.tables, self.cols, strict=True)):
            n = self.low + level
            count = size - n + 1
            if count <= 0:
                break
            if level == 0:
                key = np.zeros(count, dtype=np.int64)
                for j in range(n):
                    key = key * k + c[j : j + count]
            else:
                prefix = number[:count]
                key = np.where(prefix >= 0, prefix, 0) * k + c[n - 1 : n - 1 + count]
            number = table[key].astype(np.int64)
            if level:
                number[prefix < 0] = -1
            at = np.flatnonzero(number >= 0)
            found = cols[number[at]]
            bounds = np.searchsorted(owner[at], np.arange(1, len(texts)))
            for i, part in enumerate(np.split(found, bounds)):
                per_text[i].append(part)
        return [np.sort(np.concatenate(parts)) if parts else np.zeros(0, dtype=np.int32) for parts in per_text]  # sorted: see ``_counted``


class _Function:
    """``FunctionTransformer`` (no validation): a project function called by name."""

    def __init__(self, spec: dict[str, Any]) -> None:
        self.func = _resolve_function(spec["func"])
        self.kw_args = dict(spec.get("kw_args") or {})
        # a feature function that can give plain rows says so with a ``dense`` parameter:
        # building SciPy's sparse matrix means importing SciPy (0.2-0.5 s), for a few numbers
        self.dense = "dense" in inspect.signature(self.func).parameters
        self._rows: dict[str, np.ndarray] = {}

    def apply(self, data: Any) -> Any:
        return self.func(data, **self.kw_args)

    def transform(self, docs: Sequence[str]) -> _Rows:
        # a feature function gives each text its own row (a prediction may not depend on the
        # batch it came in), so a text's row is remembered: notes repeat
        known = self._rows
        new = list(dict.fromkeys(doc for doc in docs if doc not in known))
        if new:
            out = self.func(new, **self.kw_args, dense=True) if self.dense else self.apply(new)
            fresh = np.asarray(out.toarray() if hasattr(out, "toarray") else out, dtype=np.float64)
            if fresh.ndim != 2 or fresh.shape[0] != len(new):
                raise Unsupported("a feature function did not give one row per text")
            if len(known) + len(new) > CACHE_TEXTS:
                known.clear()
            if len(new) > CACHE_TEXTS:  # more new texts than the cache holds: not remembered
                at = {doc: i for i, doc in enumerate(new)}
                return self._dense_rows(docs, fresh[[at[doc] for doc in docs]])
            known.update(zip(new, fresh, strict=True))
        return self._dense_rows(docs, np.array([known[doc] for doc in docs], dtype=np.float64).reshape(len(docs), -1))

    def _dense_rows(self, docs: Sequence[str], dense: np.ndarray) -> _Rows:
        if dense.ndim != 2 or dense.shape[0] != len(docs):
            raise Unsupported("a feature function did not give one row per text")
        rows, cols = np.nonzero(dense)  # row-major: sorted by row, then column
        return _Rows(len(docs), rows.astype(np.int64), cols.astype(np.int64), dense[rows, cols], dense.shape[1])


def _union(parts: list[_Rows]) -> _Rows:
    """``FeatureUnion``: the parts side by side, each row's columns in order."""
    n = parts[0].n
    offset = 0
    rows, cols, vals = [], [], []
    for part in parts:
        rows.append(part.rows)
        cols.append(part.cols + offset)
        vals.append(part.vals)
        offset += part.width
    row_arr, col_arr, val_arr = np.concatenate(rows), np.concatenate(cols), np.concatenate(vals)
    # each part is sorted by row, then column, and a later part's columns all come after an
    # earlier one's: a stable sort by row alone gives the order by row, then column
    order = np.argsort(row_arr, kind="stable")
    return _Rows(n, row_arr[order], col_arr[order], val_arr[order], offset)


class _Calibrated:
    """``CalibratedClassifierCV`` (sigmoid) over linear estimators: each fold's decision
    function, one sigmoid per class, normalised, averaged over the folds."""

    def __init__(self, spec: dict[str, Any], arrays: dict[str, np.ndarray]) -> None:
        self.classes = list(spec["classes"])
        self.folds = [
            # each class's coefficients contiguous (a fitted LinearSVC's are column-major): the
            # gather of a batch's columns then reads one row, not every class's entries interleaved
            (np.ascontiguousarray(arrays[f["coef"]]), arrays[f["intercept"]], list(f["positions"]), [(float(a), float(b)) for a, b in f["sigmoids"]])
            for f in spec["folds"]
        ]

    def proba(self, x: _Rows) -> np.ndarray:
        if x.width != self.folds[0][0].shape[1]:
            from bma_nlp.errors import ModelError

            raise ModelError(f"the model expects {self.folds[0][0].shape[1]} features, this code gives {x.width}; run `bma-nlp train`")
        k = len(self.classes)
        mean = np.zeros((x.n, k))
        for coef, intercept, positions, sigmoids in self.folds:
            scores = _decision(x, coef, intercept)
            proba = np.zeros((x.n, k))
            for j, (pos, (a, b)) in enumerate(zip(positions, sigmoids, strict=True)):
                proba[:, pos] = 1.0 / (1.0 + np.exp(a * scores[:, j] + b))  # scikit-learn: expit(-(a*f + b))
            denominator = proba.sum(axis=1)[:, np.newaxis]
            proba = np.divide(proba, denominator, out=np.full_like(proba, 1 / k), where=denominator != 0)
            proba[(1.0 < proba) & (proba <= 1.0 + 1e-5)] = 1.0
            mean += proba
        mean /= len(self.folds)
        return mean


def _decision(x: _Rows, coef: np.ndarray, intercept: np.ndarray) -> np.ndarray:
    """``X @ coef.T + intercept`` summed per row in column order, as scipy's CSR product does."""
    out = np.empty((x.n, coef.shape[0]))
    for c in range(coef.shape[0]):
        out[:, c] = np.bincount(x.rows, weights=coef[c].take(x.cols) * x.vals, minlength=x.n)
    return out + intercept


class _Pipeline:
    """``Pipeline(prepare, FeatureUnion(...), calibrated classifier)``."""

    def __init__(self, spec: dict[str, Any], arrays: dict[str, np.ndarray]) -> None:
        self.prepare = [_Function(s) for s in spec["prepare"]]
        self.parts: list[_Tfidf | _Function] = [
            _Tfidf(s, arrays) if s["kind"] == "tfidf" else _Function(s) for s in spec["features"]
        ]
        self.clf = _Calibrated(spec["clf"], arrays)
        self.classes_ = np.array(self.clf.classes)
        self._rows: dict[str, np.ndarray] = {}

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """``_predict``, each text's row remembered: a row depends on its text alone (every
        step works row by row: per-row sums in column order, elementwise functions), not on the
        batch it came in, and reports repeat their notes."""
        known = self._rows
        new = list(dict.fromkeys(text for text in texts if text not in known))
        fresh = dict(zip(new, self._predict(new), strict=True)) if new else {}
        # the batch's rows are read before the memo may be emptied for the new ones
        out = np.array([fresh[t] if t in fresh else known[t] for t in texts]).reshape(len(texts), -1)
        if fresh and len(fresh) <= CACHE_TEXTS:  # more new texts than the memo holds: not remembered
            if len(known) + len(fresh) > CACHE_TEXTS:
                known.clear()
            known.update(fresh)
        return out

    def _predict(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), len(self.clf.classes)))
        for start in range(0, len(texts), BATCH):
            docs: Any = list(texts[start : start + BATCH])
            for step in self.prepare:
                docs = step.apply(docs)
            out[start : start + len(docs)] = self.clf.proba(_union([part.transform(docs) for part in self.parts]))
        return out


class FastStacked:
    """``StackedStage`` (``bma_nlp.classify.stack``): the text model's probabilities gated with
    the clause reading by ``bma_nlp.classify.gating``, the arithmetic the estimator itself
    calls. Has ``predict_proba`` and ``classes_`` like the scikit-learn estimator it stands for."""

    def __init__(self, spec: dict[str, Any], arrays: dict[str, np.ndarray]) -> None:
        self.base = _Pipeline(spec["base"], arrays)
        self.tables = {side: arrays[name] for side, name in spec["tables"].items()}
        self.gates: dict[str, float | list[float]] = {
            side: float(gate) if isinstance(gate, (int, float)) else [float(g) for g in gate] for side, gate in spec["gates"].items()
        }
        domain = spec.get("domain")
        self.domain = None if domain is None else (arrays[domain["coef"]], float(domain["intercept"]))
        self.labels = list(spec["labels"])
        self.classes_ = np.array(spec["classes"])

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        from bma_nlp.classify import gating
        from bma_nlp.classify.persist import proba_in_label_order  # loaded already: it loaded this fast form

        texts = list(texts)
        base = proba_in_label_order(self.base, texts)
        share = np.zeros(len(texts))
        if self.domain is not None:
            share = gating.real_share(gating.domain_features(base, texts), *self.domain)
        return gating.mixed(base, gating.rule_labels(texts), self.tables, self.gates, share)


def _build(spec: dict[str, Any], arrays: dict[str, np.ndarray]) -> Any:
    if spec.get("kind") == "stacked":
        return FastStacked(spec, arrays)
    if spec.get("kind") == "pipeline":
        return _Pipeline(spec, arrays)
    raise Unsupported(f"unknown fast-form kind {spec.get('kind')!r}")


# ---------------------------------------------------------------------------------------------
# from a rebuilt scikit-learn model


class _Arrays:
    def __init__(self) -> None:
        self.arrays: dict[str, np.ndarray] = {}

    def add(self, value: Any) -> str:
        name = f"a{len(self.arrays)}"
        array = np.asarray(value)
        if array.dtype == object:
            raise Unsupported("object array")
        self.arrays[name] = array
        return name


def _cls(obj: Any) -> str:
    return f"{type(obj).__module__}.{type(obj).__qualname__}"


def _function_spec(step: Any) -> dict[str, Any]:
    if not _cls(step).endswith("FunctionTransformer") or step.validate:
        raise Unsupported(f"{_cls(step)} is not a plain FunctionTransformer")
    kw = dict(step.kw_args or {})
    json.dumps(kw)  # only JSON values (a weight), never objects
    return {"kind": "function", "func": _dotted(step.func), "kw_args": kw}


def _tfidf_spec(vec: Any, store: _Arrays) -> dict[str, Any]:
    name = _cls(vec)
    if name not in ("sklearn.feature_extraction.text.TfidfVectorizer", "sklearn.feature_extraction.text.CountVectorizer"):
        raise Unsupported(name)
    if vec.analyzer not in ("word", "char_wb", "char") or vec.preprocessor is not None or vec.strip_accents is not None:
        raise Unsupported("vectorizer with a custom analyzer, preprocessor or accent stripping")
    if vec.stop_words is not None or vec.input != "content":
        raise Unsupported("vectorizer with stop words or file input")
    terms = [""] * len(vec.vocabulary_)
    for term, i in vec.vocabulary_.items():
        terms[int(i)] = term
    tfidf = name.endswith("TfidfVectorizer")
    return {
        "kind": "tfidf",
        "analyzer": vec.analyzer,
        "lowercase": bool(vec.lowercase),
        "ngram_range": list(vec.ngram_range),
        "binary": bool(vec.binary),
        "sublinear_tf": bool(tfidf and vec.sublinear_tf),
        "norm": vec.norm if tfidf else None,
        "dtype": np.dtype(vec.dtype).name,
        "tokenizer": _dotted(vec.tokenizer) if vec.analyzer == "word" and vec.tokenizer is not None else None,
        "token_pattern": vec.token_pattern,
        "terms": terms,
        "idf": store.add(vec.idf_) if tfidf and vec.use_idf else None,
    }


def _calibrated_spec(clf: Any, store: _Arrays) -> dict[str, Any]:
    if _cls(clf) != "sklearn.calibration.CalibratedClassifierCV" or clf.method != "sigmoid":
        raise Unsupported(f"{_cls(clf)} (only sigmoid CalibratedClassifierCV)")
    classes = [str(c) for c in clf.classes_]
    if len(classes) < 3:
        raise Unsupported("binary calibration")
    folds = []
    for cc in clf.calibrated_classifiers_:
        est = cc.estimator
        if _cls(est) not in ("sklearn.svm._classes.LinearSVC", "sklearn.linear_model._logistic.LogisticRegression"):
            raise Unsupported(_cls(est))
        if est.coef_.ndim != 2 or est.coef_.shape[0] != len(est.classes_) or cc.method != "sigmoid":
            raise Unsupported("one-vs-rest coefficients expected")
        positions = [classes.index(str(c)) for c in est.classes_]
        folds.append({
            "coef": store.add(np.asarray(est.coef_, dtype=np.float64)),
            "intercept": store.add(np.asarray(est.intercept_, dtype=np.float64)),
            "positions": positions,
            "sigmoids": [[float(cal.a_), float(cal.b_)] for cal in cc.calibrators],
        })  # fmt: skip
    return {"classes": classes, "folds": folds}


def _pipeline_spec(pipe: Any, store: _Arrays) -> dict[str, Any]:
    if _cls(pipe) != "sklearn.pipeline.Pipeline":
        raise Unsupported(_cls(pipe))
    steps = [step for _name, step in pipe.steps]
    *before, union, clf = steps
    if _cls(union) != "sklearn.pipeline.FeatureUnion" or union.transformer_weights is not None:
        raise Unsupported("a FeatureUnion without weights before the classifier")
    features = []
    for _name, part in union.transformer_list:
        if part == "drop" or part == "passthrough":
            raise Unsupported("dropped or passed-through union part")
        features.append(_function_spec(part) if _cls(part).endswith("FunctionTransformer") else _tfidf_spec(part, store))
    return {"kind": "pipeline", "prepare": [_function_spec(s) for s in before], "features": features, "clf": _calibrated_spec(clf, store)}


def _domain_spec(lr: Any, store: _Arrays) -> dict[str, Any]:
    """The domain model: a binary logistic regression whose positive class is ``True`` (real-like)."""
    if _cls(lr) != "sklearn.linear_model._logistic.LogisticRegression" or list(lr.classes_) != [False, True] or lr.coef_.shape[0] != 1:
        raise Unsupported(f"domain model {_cls(lr)}")
    return {"coef": store.add(np.asarray(lr.coef_[0], dtype=np.float64)), "intercept": float(lr.intercept_[0])}


def spec_of(model: Any) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    """The fast form of a rebuilt model (raises ``Unsupported`` for anything else)."""
    store = _Arrays()
    if _cls(model) == "bma_nlp.classify.stack.StackedStage":
        from bma_nlp.classify.gating import LABELS

        spec = {
            "kind": "stacked",
            "base": _pipeline_spec(model.base_, store),
            "tables": {side: store.add(np.asarray(t, dtype=np.float64)) for side, t in model.tables_.items()},
            "gates": {side: float(g) if isinstance(g, (int, float)) else [float(x) for x in g] for side, g in model.gates_.items()},
            "domain": None if model.domain_ is None else _domain_spec(model.domain_, store),
            "labels": list(LABELS),
            "classes": [str(c) for c in model.classes_],
        }
    else:
        spec = _pipeline_spec(model, store)
    return spec, store.arrays


def probe_texts() -> list[str]:
    """Texts a fast form must score exactly as the rebuilt model: the lines of the bundled
    sample report (Thai notes, numbers, labels, punctuation) and a few made-up edge cases."""
    sample = (resources.files("bma_nlp") / "data" / "samples" / "dusit-school-network-2566.txt").read_text(encoding="utf-8")
    lines = [line.strip() for line in sample.splitlines() if line.strip()]
    return [*dict.fromkeys(lines), "ก", "100 %", "ABC def", "จซ.จจ. แล้วเสร็จ ๑๐๐ %", "  \t "]


# ---------------------------------------------------------------------------------------------
# the cache


def _pack(spec: dict[str, Any], arrays: dict[str, np.ndarray]) -> bytes:
    out = io.BytesIO()
    blob = json.dumps(spec, ensure_ascii=False, sort_keys=True).encode("utf-8")
    np.savez(out, spec=np.frombuffer(blob, dtype=np.uint8), **arrays)  # type: ignore[arg-type]
    return out.getvalue()


def _unpack(data: bytes) -> Any:
    with np.load(io.BytesIO(data), allow_pickle=False) as npz:
        spec = json.loads(npz["spec"].tobytes().decode("utf-8"))
        arrays = {name: npz[name] for name in npz.files if name != "spec"}
    return _build(spec, arrays)


KEEP_MODELS = 4  # fast forms kept: the shipped model, an office's own, and a version or two after an upgrade


def load_cached(model_sha256: str) -> Any | None:
    """The fast form of the verified model with this sha256, or None (no cache, stale, altered)."""
    folder = cache_dir()
    if folder is None:
        return None
    try:
        data = cache.read(folder, f"stage-{cache_key(model_sha256)}", ".npz")
        return None if data is None else _unpack(data)
    except (OSError, ValueError, KeyError, TypeError, json.JSONDecodeError, Unsupported):
        return None


def store(model_sha256: str, model: Any) -> Path | None:
    """Write the fast form of ``model`` (just rebuilt from the verified file with this sha256)
    when it scores the probe texts as the model does; return its path (None: not cached)."""
    folder = cache_dir()
    if folder is None:
        return None
    try:
        spec, arrays = spec_of(model)
        data = _pack(spec, arrays)
        fast = _unpack(data)
        probes = probe_texts()
        expected = np.asarray(model.predict_proba(probes), dtype=np.float64)
        got = fast.predict_proba(probes)
        if expected.shape != got.shape or not np.allclose(expected, got, rtol=0.0, atol=TOLERANCE):
            return None
        if list(map(str, model.classes_)) != list(map(str, fast.classes_)):
            return None
        path = cache.write(folder, f"stage-{cache_key(model_sha256)}", ".npz", data)
        cache.keep_newest(folder, "stage-*.npz", KEEP_MODELS)
        return path
    except (OSError, ValueError, TypeError, AttributeError, Unsupported):
        return None


def max_difference(model: Any, fast: Any, texts: Sequence[str]) -> float:
    """Largest absolute difference between two models' probabilities on ``texts``."""
    a = np.asarray(model.predict_proba(list(texts)), dtype=np.float64)
    b = np.asarray(fast.predict_proba(list(texts)), dtype=np.float64)
    return float(np.abs(a - b).max()) if a.size else 0.0


__all__ = ["CACHE_ENV", "FastStacked", "Unsupported", "cache_dir", "load_cached", "max_difference", "probe_texts", "spec_of", "store"]
