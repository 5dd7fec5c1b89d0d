"""Thai word tokenisation shared by repair, the classifier and search (one tokeniser everywhere).

PyThaiNLP's default dictionary splits domain compounds (สำนักการโยธา -> สำ|นักการ|โยธา), so
``compounds=True`` (the default) adds the shipped domain lexicon (``data/domain_words.txt``)
to the dictionary and keeps such terms whole; ``compounds=False`` gives the plain dictionary's
finer split, which search indexes too so that a part of a compound still matches.

``engine="nlpo3"`` runs the same newmm algorithm with the same dictionary in Rust (the
``nlpo3`` package), about 3x faster; OCR repair uses it when installed. The classifier and
search keep ``newmm``, which the shipped model was trained with.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from collections.abc import Iterator
from functools import lru_cache
from importlib import resources

from pythainlp.tokenize import word_tokenize as _pythainlp_tokenize
from pythainlp.util import Trie

ENGINES = ("newmm", "nlpo3")
CHUNK_CHARS = 8192  # newmm's time per character grows with the text's length: cut long texts
_SPACE_RUN = re.compile(r"\s+")


@lru_cache(maxsize=1)
def domain_words() -> frozenset[str]:
    """The shipped domain lexicon (form labels, BMA agencies, districts, procurement terms)."""
    text = (resources.files("bma_nlp") / "data" / "domain_words.txt").read_text(encoding="utf-8")
    return frozenset(w.strip() for w in text.splitlines() if w.strip() and not w.startswith("#"))


@lru_cache(maxsize=1)
def _compound_trie() -> Trie:
    from pythainlp.corpus import thai_words

    return Trie(set(thai_words()) | domain_words())


@lru_cache(maxsize=2)
def _nlpo3_dictionary(compounds: bool) -> str | None:
    """Name of the loaded nlpo3 dictionary, or None when nlpo3 cannot be used here.

    nlpo3 reads its dictionary from a file: the word list is written once to the temporary
    folder, named by its content hash, and reused by later processes."""
    try:
        import nlpo3
    except ImportError:
        return None
    from pythainlp.corpus import thai_words

    words = sorted(set(thai_words()) | (domain_words() if compounds else frozenset()))
    text = "\n".join(words)
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
    path = os.path.join(tempfile.gettempdir(), f"bma-nlp-words-{digest}.txt")
    try:
        if not os.path.exists(path):
            tmp = f"{path}.{os.getpid()}"
            with open(tmp, "w", encoding="utf-8") as fh:
                fh.write(text)
            os.replace(tmp, path)
        name = f"bma-{digest}"
        _, ok = nlpo3.load_dict(path, name)
    except OSError:
        return None
    return name if ok else None


def _chunks(text: str, size: int = CHUNK_CHARS) -> Iterator[str]:
    """``text`` in pieces of about ``size`` characters, cut after a run of whitespace (where no
    word continues), or at ``size`` when a piece has no whitespace at all."""
    start = 0
    while len(text) - start > size:
        end = start + size
        cut = None
        for match in _SPACE_RUN.finditer(text, start + size // 2, end):
            cut = match.end()
        end = cut if cut is not None and cut < len(text) else end
        yield text[start:end]
        start = end
    yield text[start:]


def word_tokenize(text: str, engine: str = "newmm", compounds: bool = True, keep_whitespace: bool = False) -> list[str]:
    """Split Thai text into words. Module-level (picklable) so scikit-learn pipelines can use it.

    ``engine="nlpo3"`` falls back to ``newmm`` when the nlpo3 package is not installed."""
    if engine not in ENGINES:
        raise ValueError(f"unknown tokenizer engine {engine!r} (available: {', '.join(ENGINES)})")
    if len(text) > CHUNK_CHARS:  # short texts (every real note) are tokenised whole, as before
        return [t for piece in _chunks(text) for t in word_tokenize(piece, engine, compounds, keep_whitespace)]
    name = _nlpo3_dictionary(compounds) if engine == "nlpo3" else None
    if name is not None:
        import nlpo3

        tokens = nlpo3.segment(text, name)
    else:
        custom = _compound_trie() if compounds else None
        tokens = _pythainlp_tokenize(text, engine="newmm", custom_dict=custom, keep_whitespace=keep_whitespace)
    if keep_whitespace:
        return tokens
    return [t for t in tokens if t.strip()]
