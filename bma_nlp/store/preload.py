"""Loaded once by the forkserver that starts ingest and reprocess workers (``--jobs N``).

What every worker needs is built here, before the fork, so N workers share one copy instead
of each building its own: the tokeniser dictionaries, the OCR repair lexicon and the stage
model (with scikit-learn), about 3 s of CPU per worker otherwise. ``BMA_NLP_PRELOAD`` (set by
the archive before it starts the pool) names the steps the run uses: "repair", "classify".
A failure here is not an error: a worker then loads what it needs itself, as before.
"""

from __future__ import annotations

import os

from bma_nlp.store.work import PRELOAD_ENV, warm_up

try:
    steps = set(os.environ.get(PRELOAD_ENV, "").split(","))
    warm_up(repair="repair" in steps, classify="classify" in steps)
except Exception:  # noqa: BLE001, S110 - see the module docstring
    pass
