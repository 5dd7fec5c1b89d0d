"""The notes the classifier scripts measure and compare on: the labelled notes, then splices
of two of them (the head of one and the tail of another, cut at a random space, seed 0), each
distinct after ``prepare`` (which folds every number to 0). One recipe for
``bench_classifier.py`` (its distinct notes) and ``check_classify_identical.py`` (its spliced
notes), so the identity check covers the notes the benchmark times."""

from __future__ import annotations

import json
import random
from pathlib import Path


def labelled_texts(root: Path, blind: bool = False) -> list[str]:
    """Every labelled note's text: ``training_data/{notes,real_notes,unseen,external}.jsonl``,
    and with ``blind`` the frozen blind batches (``training_data/blind/*_notes.jsonl``)."""
    data = Path(root) / "training_data"
    paths = [data / f"{name}.jsonl" for name in ("notes", "real_notes", "unseen", "external")]
    if blind:
        paths += sorted((data / "blind").glob("*_notes.jsonl"))
    return [json.loads(line)["text"] for path in paths for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def distinct_notes(pool: list[str], n: int, extra: int = 0, rng: random.Random | None = None) -> list[str]:
    """At most ``n`` of the notes of ``pool`` once each (shuffled), then splices, until there
    are ``n + extra``: every one distinct after ``prepare`` (of the ``bma_nlp`` imported).
    ``rng``: the random numbers to draw from (``random.Random(0)``; a caller that goes on
    drawing passes its own)."""
    from bma_nlp.classify.features import prepare

    rng = rng or random.Random(0)
    distinct: list[str] = []
    seen: set[str] = set()

    def add(text: str) -> None:
        key = prepare(text)
        if key not in seen:
            seen.add(key)
            distinct.append(text)

    for text in sorted(set(pool)):
        add(text)
    rng.shuffle(distinct)
    del distinct[n:]
    while len(distinct) < n + extra:
        a, b = rng.choice(pool), rng.choice(pool)
        cuts_a = [i for i, ch in enumerate(a) if ch == " "] or [len(a)]
        cuts_b = [i for i, ch in enumerate(b) if ch == " "] or [0]
        add(a[: rng.choice(cuts_a)] + " " + b[rng.choice(cuts_b) :].strip())
    return distinct[: n + extra]
