"""Text preparation and tokenisation for the stage classifier.

Everything a pickled pipeline refers to lives at module level here (or in
``bma_nlp.tokenize``) so the model can be saved with skops (which rebuilds functions by name). Renaming these functions
breaks shipped models: retrain with ``bma-nlp train`` after such a change.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from typing import Any

from bma_nlp.text.normalize import arabic_digits, normalize

# A number (with thousands separators or decimals) carries no stage: 2566, 180,000.50, 31/12/2566.
# 100 is kept: "100 %" / "ร้อยละ 100" says the work is done.
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_HUNDRED = re.compile(r"100(?:[.,]0+)?")
_SPACES = re.compile(r"\s+")

# Standard shorthand of BMA paperwork, expanded so a note in clerk's shorthand shares words
# with one written out in full. The letter before must not be Thai, nor the one after
# when the dot is left out (so กรรม and ผอม are left alone).
ABBREVIATIONS = {
    "จซ.จจ.": "จัดซื้อจัดจ้าง",
    "อนม.": "อนุมัติ",
    "ผรจ.": "ผู้รับจ้าง",
    "คกก.": "คณะกรรมการ",
    "จนท.": "เจ้าหน้าที่",
    "สงม.": "สำนักงบประมาณกรุงเทพมหานคร",
    "สยป.": "สำนักยุทธศาสตร์และประเมินผล",
    "สนย.": "สำนักการโยธา",
    "สนน.": "สำนักการระบายน้ำ",
    "สนอ.": "สำนักอนามัย",
    "ปกท.": "ปลัดกรุงเทพมหานคร",
    "กทม.": "กรุงเทพมหานคร",
    "ผอ.": "ผู้อำนวยการ",
    "รร.": "โรงเรียน",
    "จซ.": "จัดซื้อ",
    "จจ.": "จัดจ้าง",
    "หจก.": "ห้างหุ้นส่วนจำกัด",
    "บจก.": "บริษัทจำกัด",
    "งบฯ": "งบประมาณ",
}
_ABBREVIATION = re.compile(
    "(?<![\u0e01-\u0e4e])("
    + "|".join(
        f"{re.escape(a)}|{re.escape(a.replace('.', ''))}(?![\u0e01-\u0e4e])" if "." in a else re.escape(a)
        for a in sorted(ABBREVIATIONS, key=len, reverse=True)
    )
    + ")"
)


def _expand(match: re.Match[str]) -> str:
    key = match.group(1)
    full = ABBREVIATIONS.get(key) or next(v for k, v in ABBREVIATIONS.items() if k.replace(".", "") == key)
    return f" {full} "


def prepare(text: str) -> str:
    """Normalise a note the same way for training and prediction.

    NFC, ำ written as ํ + า, invisible characters and OCR markup (``bma_nlp.text.normalize``),
    common BMA shorthand expanded (``ABBREVIATIONS``), Thai digits to Arabic, every number but
    100 to ``0``, Latin to lower case, runs of whitespace to one space. Words are not changed
    (OCR repair is the pipeline's job).
    """
    known = _PREPARED.get(text)
    if known is None:
        normalized = normalize(text)
        read = _ABBREVIATION.sub(_expand, arabic_digits(normalized)).lower()
        folded = _NUMBER.sub(lambda m: "100" if _HUNDRED.fullmatch(m.group(0)) else "0", read)
        # ``read`` is ``clauses.base_text(text)`` when the normalised note is NFC
        known = (_SPACES.sub(" ", folded).strip(), read if unicodedata.is_normalized("NFC", normalized) else None)
        if len(_PREPARED) >= _BASE_TEXT_LIMIT:
            _PREPARED.clear()
        _PREPARED[text] = known
    prepared, base = known
    if base is not None:
        if len(BASE_TEXTS) >= _BASE_TEXT_LIMIT:
            BASE_TEXTS.clear()
        BASE_TEXTS[text] = base
    return prepared


# ``prepare`` of the notes it saw last, with their ``base_text`` (functions of the text alone):
# reports repeat a note in installment after installment, and each batch the model scores
# prepares its notes again.
_PREPARED: dict[str, tuple[str, str | None]] = {}


# ``clauses.base_text`` of the notes ``prepare`` saw last: the same normalisation, shorthand and
# case before numbers are folded. A prediction reads the raw note's clauses right after
# ``prepare``, which then need not normalise the note a second time.
BASE_TEXTS: dict[str, str] = {}
_BASE_TEXT_LIMIT = 20_000


def code_points(text: str) -> Any:
    """The code points of ``text`` as a NumPy array (uint32), one per character: for counting and
    coding characters a whole text at a time instead of one by one in Python."""
    import numpy as np  # here: preparing notes does not need NumPy

    return np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)


def prepare_all(texts: Iterable[str]) -> list[str]:
    """``prepare`` over a batch: the first step of the model pipeline (done once per note)."""
    return [prepare(t) for t in texts]


_TOKENS: dict[str, tuple[str, ...]] = {}
_TOKEN_CACHE_LIMIT = 100_000
_PIECES: dict[str, tuple[str, ...]] = {}
_PIECE_CACHE_LIMIT = 200_000


def tokenize_cached(text: str) -> list[str]:
    """``bma_nlp.tokenize.word_tokenize`` remembered per text (within one process): training
    fits the same notes once per cross-validation fold, and tokenising is most of a fit. A new
    text is tokenised piece by piece (``bma_nlp.tokenize.pieces``: the same words), each piece
    remembered: notes repeat phrases (agency names, form wording, the items of earlier
    installments)."""
    hit = _TOKENS.get(text)
    if hit is None:
        from bma_nlp.tokenize import pieces, word_tokenize

        words: list[str] = []
        for piece in pieces(text):
            known = _PIECES.get(piece)
            if known is None:
                known = tuple(word_tokenize(piece))
                if len(_PIECES) < _PIECE_CACHE_LIMIT:
                    _PIECES[piece] = known
            words += known
        hit = tuple(words)
        if len(_TOKENS) < _TOKEN_CACHE_LIMIT:
            _TOKENS[text] = hit
    return list(hit)


def tokenize_words(text: str) -> list[str]:
    """The word tokens of the models trained since issue 13: newmm with the domain lexicon run
    by nlpo3 (Rust; the ``fast`` extra), which tokenises a note in tens of microseconds, about
    30x faster than PyThaiNLP's newmm in Python. nlpo3 splits punctuation, digits and dotted
    abbreviations differently from PyThaiNLP (/0/0 -> / 0 / 0, พ.ย. whole), so a model is
    trained with these tokens. Without nlpo3 the words come from PyThaiNLP's newmm
    (``tokenize_cached``): the classifier still works, its probabilities then differ slightly
    on notes with such punctuation."""
    from bma_nlp.tokenize import has_nlpo3, word_tokenize

    if not has_nlpo3():
        return tokenize_cached(text)
    return word_tokenize(text, engine="nlpo3")
