"""Thai word tokenisation shared by repair, the classifier and search (one tokeniser everywhere).

PyThaiNLP's default dictionary splits domain compounds (สำนักการโยธา -> สำ|นักการ|โยธา), so
``compounds=True`` (the default) adds the shipped domain lexicon (``data/domain_words.txt``)
to the dictionary and keeps such terms whole; ``compounds=False`` gives the plain dictionary's
finer split, which search indexes too so that a part of a compound still matches.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

from pythainlp.tokenize import word_tokenize as _pythainlp_tokenize
from pythainlp.util import Trie

ENGINES = ("newmm",)


@lru_cache(maxsize=1)
def domain_words() -> frozenset[str]:
    """The shipped domain lexicon (form labels, BMA agencies, districts, procurement terms)."""
    text = (resources.files("bma_nlp") / "data" / "domain_words.txt").read_text(encoding="utf-8")
    return frozenset(w.strip() for w in text.splitlines() if w.strip() and not w.startswith("#"))


@lru_cache(maxsize=1)
def _compound_trie() -> Trie:
    from pythainlp.corpus import thai_words

    return Trie(set(thai_words()) | domain_words())


def word_tokenize(text: str, engine: str = "newmm", compounds: bool = True, keep_whitespace: bool = False) -> list[str]:
    """Split Thai text into words. Module-level (picklable) so scikit-learn pipelines can use it."""
    if engine not in ENGINES:
        raise ValueError(f"unknown tokenizer engine {engine!r} (available: {', '.join(ENGINES)})")
    custom = _compound_trie() if compounds else None
    tokens = _pythainlp_tokenize(text, engine=engine, custom_dict=custom, keep_whitespace=keep_whitespace)
    if keep_whitespace:
        return tokens
    return [t for t in tokens if t.strip()]
