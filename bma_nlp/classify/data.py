"""Labelled notes for training and evaluation (JSON Lines)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bma_nlp.errors import InputError
from bma_nlp.records import LABELS


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


def json_objects(lines: list[str], source: str, hint: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    """``(where, object)`` for each non-blank line of a JSON-lines text (``where`` is
    ``source:line``); a line that is not a JSON object raises ``InputError`` saying so there
    (``hint`` is added to the message)."""
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        where = f"{source}:{number}"
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(f"not valid JSON ({exc.msg}){hint}", where) from None
        if not isinstance(obj, dict):
            raise InputError(f"expected a JSON object{hint}", where)
        yield where, obj


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
    for where, obj in json_objects(lines, str(path)):
        text, label = obj.get("text"), obj.get("label")
        if not isinstance(text, str):
            raise InputError('missing "text" string', where)
        if label not in LABELS:
            raise InputError(f'"label" must be one of {", ".join(LABELS)} (got {label!r})', where)
        example = Example(text, label, str(obj.get("split", "")), str(obj.get("source", "")))
        if split is None or example.split == split:
            examples.append(example)
    return examples


# ---------------------------------------------------------------------------------------------
# real notes (training_data/real_notes.jsonl + the adjudicated labels of two labelling passes)

REAL_TEST_SHARE = 40  # percent of source pages held out; a page is never on both sides


def default_real_notes_path() -> Path:
    return repo_root() / "training_data" / "real_notes.jsonl"


def default_real_labels_path() -> Path:
    return repo_root() / "training_data" / "real_labels.jsonl"


# Which labelled real notes ``train`` fits on: all of them (the shipped model; the recipe is judged
# by page-grouped CV and blind batches), or the training side of the page split (the held-out side
# scores it). Here, not in model.py, so that the CLI can list them without importing the model.
REAL_NOTES = ("all", "train")

MONITORING_PAGES = ("mykpi", "myproject")  # BMA's project/KPI monitoring system (monitor.bangkok.go.th): the notes users have


def monitoring_page(source: str) -> bool:
    """Whether a source page is one of BMA's monitoring system (its address names one)."""
    return any(key in source for key in MONITORING_PAGES)


def real_split(page: str) -> str:
    """``real-test`` for about ``REAL_TEST_SHARE`` % of source pages, chosen by a hash of the
    page key (stable, independent of labels and of the order of the files), else ``real-train``."""
    bucket = int(hashlib.sha256(page.encode("utf-8")).hexdigest(), 16) % 100
    return "real-test" if bucket < REAL_TEST_SHARE else "real-train"


def _read_jsonl(path: Path) -> list[dict]:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        raise InputError("file not found", str(path)) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read ({exc})", str(path)) from None
    return [obj for _, obj in json_objects(lines, str(path))]


def load_real(
    notes: str | Path | None = None, labels: str | Path | None = None, split: str | None = None
) -> list[Example]:
    """Real notes with their adjudicated label: ``Example(text, label, split, source=page)``.

    ``split`` (``real-train`` / ``real-test``) keeps one side of the page split. Notes without
    a label are left out; a label for an unknown id, or an unknown label, is an ``InputError``.
    """
    notes_path = Path(notes) if notes is not None else default_real_notes_path()
    labels_path = Path(labels) if labels is not None else default_real_labels_path()
    by_id = {str(r.get("id")): r for r in _read_jsonl(notes_path)}
    out: list[Example] = []
    for number, row in enumerate(_read_jsonl(labels_path), 1):
        where = f"{labels_path}:{number}"
        note = by_id.get(str(row.get("id")))
        if note is None:
            raise InputError(f"label for unknown note id {row.get('id')!r}", where)
        label = row.get("stage") or "none"
        if label not in LABELS:
            raise InputError(f'"stage" must be one of {", ".join(LABELS)} (got {label!r})', where)
        page = str(note.get("source_page") or note.get("source_url") or note["id"])
        example = Example(str(note["text"]), label, real_split(page), page)
        if split is None or example.split == split:
            out.append(example)
    return out
