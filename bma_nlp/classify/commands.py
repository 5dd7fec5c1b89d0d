"""What the ``classify``, ``train`` and ``evaluate`` commands do (``cli.py`` only wires options)."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from bma_nlp.classify.data import json_objects
from bma_nlp.errors import InputError
from bma_nlp.text import read_input

if TYPE_CHECKING:
    from bma_nlp.classify.model import StageModel

BATCH = 1000


def read_notes(text: str | None, input_file: str | None, plain: bool, stdin: TextIO | None = None) -> list[str]:
    """The notes to classify: ``text`` itself, or every line of ``input_file`` (``-`` = stdin).

    JSON Lines input: each non-blank line is an object with a ``text`` string. ``plain``: each
    line is one note (a blank line is an empty note, so output lines match input lines).
    A bad line raises ``InputError`` naming the file and line number.
    """
    if text is not None and input_file is not None:
        raise InputError("give either TEXT or --input, not both")
    if text is not None:
        return [text]
    if input_file is None:
        raise InputError("nothing to classify: give TEXT or --input FILE (- for stdin)")
    where = "<stdin>" if input_file == "-" else input_file
    if stdin is not None:
        lines = stdin.read().splitlines()
    else:
        text_read, _ = read_input(input_file)  # same encoding detection and errors as every input
        lines = text_read.splitlines()
    if plain:
        return lines
    notes: list[str] = []
    for place, obj in json_objects(lines, where, "; use --plain for one note per line"):
        if not isinstance(obj.get("text"), str):
            raise InputError('expected a JSON object with a "text" string', place)
        notes.append(obj["text"])
    return notes


def classify_lines(notes: list[str], model: StageModel | str | os.PathLike[str] | None = None) -> Iterator[str]:
    """One JSON line ``{stage, confidence, scores}`` per note, in order."""
    from bma_nlp.classify import classify

    for start in range(0, len(notes), BATCH):
        for result in classify(notes[start : start + BATCH], model=model):
            yield json.dumps(result.to_dict(), ensure_ascii=False)


def train_command(
    data: Path | None,
    out: Path | None,
    design: str | None,
    seed: int,
    external: Path | None,
    log: TextIO | None = None,
    archive: Path | None = None,
    real_notes: str = "all",
) -> str:
    """Train, save, and return a short summary (progress goes to ``log``). ``archive``: add the
    stages people set in that archive (``bma-nlp correct --stage``) to the training notes."""
    from bma_nlp.classify.model import DEFAULT_DESIGN, DESIGNS, sidecar_path, train, user_model_path

    design = design or DEFAULT_DESIGN
    if design not in DESIGNS:
        raise InputError(f"unknown design {design!r} (available: {', '.join(DESIGNS)})")
    stream = log or sys.stderr
    extra = []
    if archive is not None:
        from bma_nlp.classify.data import Example
        from bma_nlp.store import Archive

        with Archive(archive, create=False) as stored:
            extra = [Example(x["text"], x["label"], x["split"], x["source"]) for x in stored.stage_labels()]
        print(f"{len(extra)} notes labelled by people in {archive}", file=stream, flush=True)
    meta = train(data, out, design=design, seed=seed, external=external, log=lambda msg: print(msg, file=stream, flush=True), extra=extra, real_notes=real_notes)
    target = out or user_model_path()
    rows = [f"model {target} ({meta['size_bytes'] / 1e6:.2f} MB), sidecar {sidecar_path(target).name}; use it with --model or BMA_NLP_MODEL={target}"]
    rows.append(f"design {meta['design']}: {meta['description']}")
    rows.append(f"abstain threshold {meta['abstain_threshold']:.2f}")
    for name, m in meta["metrics"].items():
        rows.append(f"{name:<9} n={m['n']:<5} macro-F1 {m['macro_f1']:.3f}  Brier {m['brier']:.3f}  ECE {m['ece']:.3f}")
    return "\n".join(rows)


def evaluate_command(split: str, data: Path | None, model: StageModel | str | os.PathLike[str] | None) -> str:
    """Per-class precision/recall/F1 and the confusion matrix of the note-alone classifier."""
    from bma_nlp.classify import note_probabilities
    from bma_nlp.classify.data import default_data_path, default_external_path, load_examples
    from bma_nlp.classify.metrics import format_report, summary
    from bma_nlp.classify.model import StageModel, load_model

    path = data or (default_external_path() if split == "external" else default_data_path())
    examples = load_examples(path, split)
    if not examples:
        raise InputError(f'no notes with split "{split}"', str(path))
    loaded = model if isinstance(model, StageModel) else load_model(model)
    proba = note_probabilities([e.text for e in examples], loaded)
    result = summary([e.label for e in examples], proba, loaded.threshold)
    head = f"{split}: {len(examples)} notes from {path}; model {loaded.path} (abstain below {loaded.threshold:.2f})"
    return head + "\n" + format_report(result)
