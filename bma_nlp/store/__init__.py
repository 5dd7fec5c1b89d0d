"""The searchable archive: SQLite storage, Thai full-text search, export and statistics.

``Archive(path)`` opens (or creates, or upgrades) an archive file; see ``bma_nlp.store.archive``.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

# Defaults the command line shows in every command's --help: here, so that a command that does
# not open an archive (classify, parse, --version) does not import it.
DEFAULT_DB = "bma-archive.db"
# text files, PDFs and scans (bma_nlp.text.documents reads the last two: text layer or OCR)
DEFAULT_PATTERNS = ("*.txt", "*.md", "*.pdf", "*.png", "*.jpg", "*.jpeg", "*.tif", "*.tiff")
UNKNOWN_STAGE = "unknown"  # --stage unknown: installments without a stage

if TYPE_CHECKING:
    from bma_nlp.store.archive import Archive, IngestResult, find_files
    from bma_nlp.store.query import HIT_FIELDS, Filters, Hit
    from bma_nlp.store.schema import SCHEMA_VERSION

_LAZY = {
    "Archive": "bma_nlp.store.archive", "IngestResult": "bma_nlp.store.archive", "find_files": "bma_nlp.store.archive",
    "HIT_FIELDS": "bma_nlp.store.query", "Filters": "bma_nlp.store.query",
    "Hit": "bma_nlp.store.query", "SCHEMA_VERSION": "bma_nlp.store.schema",
}  # fmt: skip


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'bma_nlp.store' has no attribute {name!r}")

__all__ = [
    "DEFAULT_DB", "DEFAULT_PATTERNS", "HIT_FIELDS", "SCHEMA_VERSION", "UNKNOWN_STAGE",
    "Archive", "Filters", "Hit", "IngestResult", "find_files",
]  # fmt: skip
