"""The searchable archive: SQLite storage, Thai full-text search, export and statistics.

``Archive(path)`` opens (or creates, or upgrades) an archive file; see ``bma_nlp.store.archive``.
"""

from bma_nlp.store.archive import DEFAULT_DB, DEFAULT_PATTERNS, Archive, IngestResult, find_files
from bma_nlp.store.query import HIT_FIELDS, UNKNOWN_STAGE, Filters, Hit
from bma_nlp.store.schema import SCHEMA_VERSION

__all__ = [
    "DEFAULT_DB", "DEFAULT_PATTERNS", "HIT_FIELDS", "SCHEMA_VERSION", "UNKNOWN_STAGE",
    "Archive", "Filters", "Hit", "IngestResult", "find_files",
]  # fmt: skip
