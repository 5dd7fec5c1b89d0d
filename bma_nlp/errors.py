"""One exception hierarchy. Every error renders as one line: what is wrong and where."""

from __future__ import annotations


class BmaNlpError(Exception):
    """Base class. ``where`` names the file (or other place) the problem is in."""

    def __init__(self, message: str, where: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.where = where

    def __str__(self) -> str:
        one_line = " ".join(self.message.split())
        return f"{self.where}: {one_line}" if self.where else one_line


class InputError(BmaNlpError):
    """The input cannot be read as text (missing, empty, binary, undecodable, too large)."""


class ParseError(BmaNlpError):
    """The text was read but holds no usable report."""


class ModelError(BmaNlpError):
    """A model file is missing, corrupted or was built by incompatible versions."""


class OutputError(BmaNlpError):
    """An output file cannot be written (missing folder, no permission, disk full)."""


class ArchiveError(BmaNlpError):
    """The SQLite archive cannot be opened, written or migrated."""
