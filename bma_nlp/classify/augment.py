"""Seeded OCR noise for training-time augmentation (and robustness checks).

The error mix follows what Tesseract 5 does to Thai (shared/PITFALLS.md, "What real Thai OCR
gets wrong"): ำ written as ํ + า, lost vowel and tone marks, consonant confusions
(ช -> ซ, ธ -> ช, ม -> บ, ภ -> ก, ฏ -> ย, and บ/ป, ด/ต), a few stray spaces and dropped
letters; errors cluster in some lines, so a note is either clean, lightly or badly garbled.
"""

from __future__ import annotations

import random
from collections.abc import Sequence

_MARKS = frozenset("\u0e31\u0e34\u0e35\u0e36\u0e37\u0e38\u0e39\u0e47\u0e48\u0e49\u0e4a\u0e4b\u0e4c")
_CONFUSIONS = {"ช": "ซ", "ธ": "ช", "ม": "บ", "ภ": "ก", "ฏ": "ย", "บ": "ป", "ป": "บ", "ด": "ต", "ต": "ด", "ซ": "ช"}
_SARA_AM = "\u0e33"
# a garbled copy is lightly, moderately or badly garbled: (share of copies, character error rate)
_LINE_QUALITY = ((0.5, 0.02), (0.35, 0.05), (0.15, 0.10))


def ocr_noise(text: str, rng: random.Random, rate: float) -> str:
    """Garble ``text`` at about ``rate`` errors per character."""
    out: list[str] = []
    for ch in text:
        if rng.random() >= rate:
            out.append(ch)
            continue
        kind = rng.random()
        if ch == _SARA_AM:
            out.append("\u0e4d\u0e32")
        elif ch in _MARKS and kind < 0.7:
            continue  # lost mark
        elif ch in _CONFUSIONS and kind < 0.8:
            out.append(_CONFUSIONS[ch])
        elif kind < 0.5:
            out.append(ch + " ")  # stray space
        elif kind < 0.6:
            continue  # dropped letter
        else:
            out.append(ch)
    return "".join(out)


def augment(texts: Sequence[str], labels: Sequence[str], seed: int = 0, copies: int = 1) -> tuple[list[str], list[str]]:
    """The notes plus ``copies`` OCR-garbled copies of each (deterministic for a seed)."""
    rng = random.Random(seed)
    out_texts, out_labels = list(texts), list(labels)
    for _ in range(copies):
        for text, label in zip(texts, labels, strict=True):
            r, rate = rng.random(), _LINE_QUALITY[-1][1]
            for share, cer in _LINE_QUALITY:
                if r < share:
                    rate = cer
                    break
                r -= share
            out_texts.append(ocr_noise(text, rng, rate))
            out_labels.append(label)
    return out_texts, out_labels
