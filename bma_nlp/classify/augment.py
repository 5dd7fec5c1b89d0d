"""Seeded OCR noise for training-time augmentation (and robustness checks).

The error mix is the Thai OCR profile's (``bma_nlp.repair.profile``), learned from real
Tesseract 5 output: lost vowel and tone marks, ำ read as า, consonant confusions, stray spaces
and specks; errors cluster in some lines, so a note is either clean, lightly or badly garbled.
"""

from __future__ import annotations

import random
from collections.abc import Sequence

# a garbled copy is lightly, moderately or badly garbled: (share of copies, character error rate)
_LINE_QUALITY = ((0.5, 0.02), (0.35, 0.05), (0.15, 0.10))


def ocr_noise(text: str, rng: random.Random, rate: float) -> str:
    """Garble ``text`` at about ``rate`` errors per character, drawn from the Thai OCR profile
    (character confusions, losses and extra characters counted on real Tesseract output)."""
    from bma_nlp.repair.profile import profile

    return profile().garble(text, rng, rate)


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
