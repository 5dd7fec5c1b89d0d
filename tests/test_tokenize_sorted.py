"""The nlpo3 dictionaries' word lists: one sort of PyThaiNLP's words serves both, unchanged."""

from __future__ import annotations

from bma_nlp import tokenize


def test_sorted_words_are_the_sorted_dictionaries() -> None:
    for compounds in (True, False):
        assert tokenize._sorted_words(compounds) == sorted(tokenize.dictionary(compounds))
