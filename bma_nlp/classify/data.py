"""Labelled notes for training and evaluation (JSON Lines)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from bma_nlp.errors import InputError

LABELS = ("approval", "procurement", "completed", "none")


@dataclass(frozen=True)
class Example:
    text: str
    label: str
    split: str
    source: str = ""


def repo_root() -> Path:
    """The source checkout this package runs from (models/ and training_data/ live there)."""
    return Path(__file__).resolve().parents[2]


def default_data_path() -> Path:
    return repo_root() / "training_data" / "notes.jsonl"


def default_external_path() -> Path:
    return repo_root() / "training_data" / "external.jsonl"


def file_sha256(path: str | Path) -> str:
    from bma_nlp.text.read import read_bytes

    return hashlib.sha256(read_bytes(path)).hexdigest()


def load_examples(path: str | Path, split: str | None = None) -> list[Example]:
    """Read ``{"text", "label", "split", "source"}`` lines; ``split`` keeps only that split.

    A bad line raises ``InputError`` naming the file and line number.
    """
    from bma_nlp.text.read import read_bytes

    path = Path(path)
    if not path.exists():
        raise InputError("training data not found", str(path))
    try:
        lines = read_bytes(path).decode("utf-8").splitlines()  # a regular file, bounded: never a FIFO or device
    except UnicodeDecodeError as exc:
        raise InputError(f"cannot read training data ({exc})", str(path)) from None
    examples: list[Example] = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        where = f"{path}:{number}"
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(f"not valid JSON ({exc.msg})", where) from None
        if not isinstance(obj, dict):
            raise InputError("expected a JSON object", where)
        text, label = obj.get("text"), obj.get("label")
        if not isinstance(text, str):
            raise InputError('missing "text" string', where)
        if label not in LABELS:
            raise InputError(f'"label" must be one of {", ".join(LABELS)} (got {label!r})', where)
        example = Example(text, label, str(obj.get("split", "")), str(obj.get("source", "")))
        if split is None or example.split == split:
            examples.append(example)
    return examples
