"""Seeded OCR noise model for Thai repair benchmarks.

The edit mix follows what Tesseract 5.3 (``-l tha+eng``) actually gets wrong on rendered Thai
report lines (see shared PITFALLS, "What real Thai OCR gets wrong (measured)"):

=================  ======  ====================================================================
kind               weight  edit
=================  ======  ====================================================================
``sara_am``        0.40    ำ (U+0E33) written as ํ + า (U+0E4D U+0E32); sometimes ำ -> า
``mark``           0.16    an above/below vowel or tone mark lost, or swapped with a look-alike
                           (่/้, ิ/ี, ึ/ื, ุ/ู, ใ/ไ ...)
``consonant``      0.11    look-alike consonants: ช>ซ (most often), ธ>ช, ม>บ, ภ>ก, ฏ>ย, and
                           บ/ป, ด/ต, ถ/ภ, ผ/พ both ways
``latin``          0.16    a Thai letter read as a Latin letter or digit (น>u, ก>n, พ>w, ร>s ...),
                           or a punctuation misread (ะ>:, a stray . , or ')
``drop``           0.05    a letter lost (ทุกระบบ > ทุกะบบ), or the word truncated at a cluster
``double``         0.04    a letter doubled (งบประมมาณ), or แ read as เเ
``space``          0.04    a spurious space inside the word (ยุทธศา สตร์)
=================  ======  ====================================================================

When the drawn kind cannot apply to a word (no ำ, no confusable consonant ...) another kind is
drawn from the remaining ones, with their weights renormalised.

Only Thai words of at least two characters are touched: numbers (Arabic or Thai digits), Latin
words, punctuation and whitespace are never changed, so figures in a corrupted text can still be
checked. The output is NFC. Everything is driven by the ``random.Random`` you pass in, so a seed
reproduces a corpus exactly.

Usage::

    import random
    from ocr_noise import corrupt, corrupt_words
    noisy = corrupt(text, random.Random(7), word_rate=0.05)
    pairs = corrupt_words(text, random.Random(7))   # [(clean_token, noisy_token), ...]

Run ``python scripts/ocr_noise.py`` for examples, ``--file PATH`` to corrupt a file.
"""
from __future__ import annotations

import argparse
import collections
import random
import re
import sys
import unicodedata
from collections.abc import Collection, Iterable

from pythainlp.tokenize import subword_tokenize, word_tokenize

SARA_AM = "\u0e33"
NIKHAHIT = "\u0e4d"
SARA_AA = "\u0e32"

# weights of the measured edit mix (normalised when drawn)
KIND_WEIGHTS: dict[str, float] = {
    "sara_am": 0.40,
    "mark": 0.16,
    "consonant": 0.11,
    "latin": 0.16,
    "drop": 0.05,
    "double": 0.04,
    "space": 0.04,
}

THAI_CONSONANTS = frozenset(chr(c) for c in range(0x0E01, 0x0E2F))  # ก .. ฮ
# combining marks written above or below the base letter
ABOVE_BELOW_MARKS = frozenset("\u0e31\u0e34\u0e35\u0e36\u0e37\u0e38\u0e39\u0e3a\u0e47\u0e48\u0e49\u0e4a\u0e4b\u0e4c\u0e4d\u0e4e")
# mark (or vowel letter) -> look-alikes it is misread as
MARK_SWAPS: dict[str, str] = {
    "\u0e48": "\u0e49",  # ่ -> ้
    "\u0e49": "\u0e48",  # ้ -> ่
    "\u0e4a": "\u0e49",  # ๊ -> ้
    "\u0e4b": "\u0e48",  # ๋ -> ่
    "\u0e34": "\u0e35\u0e37",  # ิ -> ี ื
    "\u0e35": "\u0e34\u0e37",  # ี -> ิ ื
    "\u0e36": "\u0e37\u0e34",  # ึ -> ื ิ
    "\u0e37": "\u0e36\u0e35",  # ื -> ึ ี
    "\u0e38": "\u0e39",  # ุ -> ู
    "\u0e39": "\u0e38",  # ู -> ุ
    "\u0e31": "\u0e34\u0e49",  # ั -> ิ ้
    "\u0e47": "\u0e48",  # ็ -> ่
    "\u0e4c": "\u0e49",  # ์ -> ้
    "\u0e43": "\u0e44",  # ใ -> ไ
    "\u0e44": "\u0e43",  # ไ -> ใ
}
# (source, target, weight): ช>ซ is the most frequent confusion, then ธ>ช, ม>บ, ภ>ก, ฏ>ย
CONSONANT_CONFUSIONS: list[tuple[str, str, float]] = [
    ("ช", "ซ", 0.26),
    ("ธ", "ช", 0.14),
    ("ม", "บ", 0.12),
    ("ภ", "ก", 0.10),
    ("ฏ", "ย", 0.06),
    ("บ", "ป", 0.04), ("ป", "บ", 0.05),
    ("ด", "ต", 0.05), ("ต", "ด", 0.04),
    ("ถ", "ภ", 0.04), ("ภ", "ถ", 0.03),
    ("ผ", "พ", 0.04), ("พ", "ผ", 0.03),
]
# Thai letter -> Latin letters / digits Tesseract reads it as
LATIN_LOOKALIKES: dict[str, str] = {
    "ก": "n", "ท": "n", "ถ": "n", "น": "u", "ม": "u", "บ": "U", "พ": "w", "ฟ": "W",
    "ร": "s", "อ": "o", "จ": "o", "ด": "o", "ล": "a", "ข": "v", "ช": "v", "ซ": "v",
    "ง": "J", "ว": "3", "ค": "P", "ห": "K", "ฐ": "g", "ๆ": "7", "ฯ": "q",
    "า": "1", "ใ": "l", "ไ": "l", "ะ": ":",
}
STRAY_PUNCT = ".,'"

_DIGIT_RE = re.compile(r"[0-9\u0e50-\u0e59]")


def _is_target(token: str) -> bool:
    """A Thai word we may corrupt: >= 2 chars, contains a Thai consonant, no digits."""
    return (
        len(token) >= 2
        and not token.isspace()
        and any(ch in THAI_CONSONANTS for ch in token)
        and not _DIGIT_RE.search(token)
    )


def _weighted_choice(rng: random.Random, items: list, weights: list[float]):
    return rng.choices(items, weights=weights, k=1)[0]


# --- single edits: each returns the new word, or None when the edit does not apply -------------

def _edit_sara_am(word: str, rng: random.Random) -> str | None:
    idx = [i for i, ch in enumerate(word) if ch == SARA_AM]
    if not idx:
        return None
    i = rng.choice(idx)
    if rng.random() < 0.85:
        repl = NIKHAHIT + SARA_AA  # Tesseract never emits ำ
    else:
        repl = SARA_AA  # nikhahit lost as well: น้ำ -> น้า
    return word[:i] + repl + word[i + 1:]


def _edit_mark(word: str, rng: random.Random) -> str | None:
    marks = [i for i, ch in enumerate(word) if ch in ABOVE_BELOW_MARKS]
    swappable = [i for i, ch in enumerate(word) if ch in MARK_SWAPS]
    if not marks and not swappable:
        return None
    if marks and (not swappable or rng.random() < 0.55):
        i = rng.choice(marks)  # mark lost
        return word[:i] + word[i + 1:]
    i = rng.choice(swappable)  # mark swapped for a look-alike
    return word[:i] + rng.choice(MARK_SWAPS[word[i]]) + word[i + 1:]


def _edit_consonant(word: str, rng: random.Random) -> str | None:
    options = [(i, dst, w) for src, dst, w in CONSONANT_CONFUSIONS
               for i, ch in enumerate(word) if ch == src]
    if not options:
        return None
    i, dst, _ = _weighted_choice(rng, options, [w for _, _, w in options])
    return word[:i] + dst + word[i + 1:]


def _edit_latin(word: str, rng: random.Random) -> str | None:
    if rng.random() < 0.25:  # punctuation misread
        if "ะ" in word and rng.random() < 0.5:
            i = rng.choice([i for i, ch in enumerate(word) if ch == "ะ"])
            return word[:i] + ":" + word[i + 1:]
        return word + rng.choice(STRAY_PUNCT)
    idx = [i for i, ch in enumerate(word) if ch in LATIN_LOOKALIKES]
    if not idx:
        return word + rng.choice(STRAY_PUNCT)
    i = rng.choice(idx)
    j = i + 1
    # the marks stacked on a misread letter are usually lost with it
    if rng.random() < 0.5:
        while j < len(word) and word[j] in ABOVE_BELOW_MARKS:
            j += 1
    return word[:i] + LATIN_LOOKALIKES[word[i]] + word[j:]


def _clusters(word: str) -> list[str]:
    parts = subword_tokenize(word, engine="tcc")
    return parts if "".join(parts) == word else list(word)


def _edit_drop(word: str, rng: random.Random) -> str | None:
    clusters = _clusters(word)
    if len(clusters) >= 3 and rng.random() < 0.3:
        keep = rng.randint(max(1, len(clusters) - 2), len(clusters) - 1)  # truncation
        out = "".join(clusters[:keep])
        return out if len(out) >= 1 and out != word else None
    idx = [i for i, ch in enumerate(word) if ch in THAI_CONSONANTS and i > 0]
    if not idx:
        idx = [i for i in range(1, len(word))]
    if not idx:
        return None
    i = rng.choice(idx)
    return word[:i] + word[i + 1:]


def _edit_double(word: str, rng: random.Random) -> str | None:
    if "แ" in word and rng.random() < 0.25:
        i = rng.choice([i for i, ch in enumerate(word) if ch == "แ"])
        return word[:i] + "เเ" + word[i + 1:]
    idx = [i for i, ch in enumerate(word) if ch in THAI_CONSONANTS]
    if not idx:
        return None
    i = rng.choice(idx)
    return word[:i + 1] + word[i] + word[i + 1:]


def _edit_space(word: str, rng: random.Random) -> str | None:
    clusters = _clusters(word)
    if len(clusters) < 2:
        return None
    k = rng.randint(1, len(clusters) - 1)
    return "".join(clusters[:k]) + " " + "".join(clusters[k:])


EDITS = {
    "sara_am": _edit_sara_am,
    "mark": _edit_mark,
    "consonant": _edit_consonant,
    "latin": _edit_latin,
    "drop": _edit_drop,
    "double": _edit_double,
    "space": _edit_space,
}


def corrupt_word(word: str, rng: random.Random,
                 lexicon: Collection[str] | None = None,
                 tries: int = 5) -> tuple[str, str | None]:
    """Apply one OCR-like edit to ``word``; return ``(noisy_word, kind)``.

    ``kind`` is None when nothing could be applied (the word is returned unchanged). With a
    ``lexicon``, up to ``tries`` draws are made to avoid producing another real word (real-word
    errors do happen in OCR, e.g. น้ำ -> น้า, but cannot be repaired without context).
    """
    best: tuple[str, str | None] = (word, None)
    for _ in range(max(1, tries)):
        kinds = list(KIND_WEIGHTS)
        weights = [KIND_WEIGHTS[k] for k in kinds]
        noisy = None
        while kinds:
            kind = _weighted_choice(rng, kinds, weights)
            noisy = EDITS[kind](word, rng)
            if noisy is not None:
                noisy = unicodedata.normalize("NFC", noisy)
            if noisy is not None and noisy != word:
                break
            j = kinds.index(kind)
            del kinds[j], weights[j]
            noisy = None
        if noisy is None:
            return best
        best = (noisy, kind)
        if lexicon is None or noisy not in lexicon:
            return best
    return best


def _keeps_numbers(prev_tok: str, noisy: str, next_tok: str) -> bool:
    """False when a digit or punctuation look-alike would touch an adjacent number."""
    numberish = re.compile(r"[0-9\u0e50-\u0e59.,':]")
    if noisy and next_tok[:1].isdigit() and numberish.match(noisy[-1]):
        return False
    if noisy and prev_tok[-1:].isdigit() and numberish.match(noisy[0]):
        return False
    return True


def _tokens(text: str, custom_dict=None) -> list[str]:
    return word_tokenize(text, engine="newmm", keep_whitespace=True, custom_dict=custom_dict)


def corrupt_words(text: str, rng: random.Random, word_rate: float = 0.05,
                  lexicon: Collection[str] | None = None,
                  with_kinds: bool = False,
                  tesseract_am: bool = False,
                  custom_dict=None) -> list[tuple]:
    """Tokenise ``text`` (newmm) and corrupt about ``word_rate`` of its Thai words.

    Returns one pair ``(clean_token, noisy_token)`` per token, untouched tokens included, so
    ``"".join(noisy for _, noisy in pairs)`` is the corrupted text. With ``with_kinds=True`` the
    tuples are ``(clean, noisy, kind)`` where kind is None for untouched tokens.

    ``tesseract_am=True`` additionally writes every remaining ำ as ํา, as Tesseract does (it never
    emits ำ; that is why the split is ~40% of all real errors). Tokens changed only by this get
    kind ``"sara_am"``. Off by default, so ``word_rate`` alone controls how much is corrupted.

    ``custom_dict`` (a ``pythainlp.util.dict_trie``) is passed to newmm, e.g. the default words
    plus ``bma_nlp/data/domain_words.txt``, so compounds are corrupted as whole words.
    """
    text = unicodedata.normalize("NFC", text)
    out: list[tuple] = []
    toks = _tokens(text, custom_dict)
    for n, tok in enumerate(toks):
        noisy, kind = tok, None
        if _is_target(tok) and rng.random() < word_rate:
            prev_tok = toks[n - 1] if n else ""
            next_tok = toks[n + 1] if n + 1 < len(toks) else ""
            for _ in range(5):
                noisy, kind = corrupt_word(tok, rng, lexicon=lexicon)
                if _keeps_numbers(prev_tok, noisy, next_tok):
                    break
            else:
                noisy, kind = tok, None
        if tesseract_am and SARA_AM in noisy:
            noisy = noisy.replace(SARA_AM, NIKHAHIT + SARA_AA)
            kind = kind or "sara_am"
        out.append((tok, noisy, kind) if with_kinds else (tok, noisy))
    return out


def corrupt(text: str, rng: random.Random, word_rate: float = 0.05,
            lexicon: Collection[str] | None = None, tesseract_am: bool = False,
            custom_dict=None) -> str:
    """Return ``text`` with about ``word_rate`` of its Thai words OCR-corrupted (NFC output)."""
    pairs = corrupt_words(text, rng, word_rate, lexicon=lexicon, tesseract_am=tesseract_am,
                          custom_dict=custom_dict)
    return unicodedata.normalize("NFC", "".join(p[1] for p in pairs))


def kind_histogram(lines: Iterable[str], rng: random.Random,
                   word_rate: float = 0.05) -> collections.Counter:
    """Count edit kinds produced on ``lines`` (for checking the mix)."""
    hist: collections.Counter = collections.Counter()
    for line in lines:
        for _, _, kind in corrupt_words(line, rng, word_rate, with_kinds=True):
            if kind:
                hist[kind] += 1
    return hist


_EXAMPLES = [
    "ได้รับอนุมัติเงินประจำงวดแล้ว ขณะนี้โรงเรียนอยู่ระหว่างจัดซื้อวัสดุ อุปกรณ์เพื่อใช้ในการจัดกิจกรรม",
    "หน่วยงานที่รับผิดชอบ : สำนักงานเขตดุสิต / ฝ่ายการศึกษา",
    "ความก้าวหน้าของงานฯ = 40.00 % งบประมาณที่เบิกใช้ (ครั้งที่ 2) = 0 บาท : เป็นไปตามแผน",
    "ประเด็นยุทธศาสตร์ย่อย : การปฏิบัติงานประจำของหน่วยงาน",
    "ซึ่งเป็นโครงการที่เน้นการพัฒนาด้วยระบบคุณภาพภายในทั้งระบบหลักและระบบสนับสนุน มีกระบวนการของระบบคุณภาพในทุกระบบย่อย",
    "คณะกรรมการตรวจรับพัสดุได้ตรวจรับงานงวดที่ 2 เรียบร้อยแล้ว อยู่ระหว่างวางฎีกาเบิกจ่ายเงิน 1,173,750 บาท",
]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--rate", type=float, default=0.3, help="share of Thai words to corrupt")
    ap.add_argument("--file", help="corrupt this UTF-8 file line by line to stdout")
    ap.add_argument("--tesseract-am", action="store_true", help="write every ำ as ํา")
    args = ap.parse_args(argv)
    rng = random.Random(args.seed)
    if args.file:
        with open(args.file, encoding="utf-8") as fh:
            for line in fh:
                sys.stdout.write(corrupt(line, rng, args.rate, tesseract_am=args.tesseract_am))
        return 0
    for line in _EXAMPLES:
        pairs = corrupt_words(line, rng, args.rate, with_kinds=True)
        print("clean:", line)
        print("noisy:", "".join(p[1] for p in pairs))
        for clean, noisy, kind in pairs:
            if kind:
                print(f"   {kind:<9} {clean!r} -> {noisy!r}")
        print()
    hist = kind_histogram(_EXAMPLES * 50, random.Random(args.seed), word_rate=1.0)
    total = sum(hist.values())
    print("edit mix at word_rate=1.0 on the examples:",
          ", ".join(f"{k} {v / total:.0%}" for k, v in hist.most_common()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
