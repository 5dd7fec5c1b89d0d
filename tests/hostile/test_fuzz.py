"""The seeded fuzzer, bounded for CI (``scripts/fuzz.py`` runs it for as long as you like)."""

from __future__ import annotations

import resource

from hypothesis import given, settings
from hypothesis import strategies as st

from .fuzzing import QUERY, Harness, fuzz

CI_BATCHES = 16  # up to 16 inputs each: about 130 inputs, 20-60 s on the project's shared 2-core machine


def test_fuzz_read_parse_repair_classify_store(tmp_path_factory):
    harness = fuzz(Harness(tmp_path_factory.mktemp("fuzz")), CI_BATCHES)
    assert harness.stats.inputs >= CI_BATCHES
    assert harness.stats.ingested > 0 and harness.stats.failed > 0  # the fuzzer reaches both sides
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss < 3_000_000  # KiB: memory stayed bounded


def test_fuzz_strategies_make_valid_reports_too():
    """Undamaged fuzz input is a report the pipeline reads completely (the fuzzer starts from real text)."""
    from bma_nlp import parse_text

    from .fuzzing import BASE_LINES

    report = parse_text("\n".join(BASE_LINES), classify=False, repair=False)
    assert report.project.code and len(report.installments) == 5


def test_query_strategy_examples():
    @settings(max_examples=20, derandomize=True, database=None)
    @given(st.data())
    def one(data):
        assert isinstance(data.draw(QUERY), str)

    one()
