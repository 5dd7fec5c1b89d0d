"""bma-nlp: OCR'd Thai BMA progress reports into clean, structured, searchable records.

The public names below are imported on first use (PEP 562), so ``import bma_nlp`` and a
command that only searches never pay for the parser, the repairer's lexicon or scikit-learn.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bma_nlp.classify import StageResult, classify_report
    from bma_nlp.classify import classify as classify_notes
    from bma_nlp.errors import ArchiveError, BmaNlpError, InputError, ModelError, ParseError
    from bma_nlp.pipeline import parse_file, parse_report, parse_reports, parse_text, process
    from bma_nlp.records import Flag, Installment, Project, Repair, Report
    from bma_nlp.repair import RepairResult, fix_and_explain
    from bma_nlp.store import Archive

__version__ = "0.1.0"

# public name -> (module, attribute); bma_nlp.classify and bma_nlp.repair stay the subpackages.
_LAZY = {
    "StageResult": ("bma_nlp.classify", "StageResult"),
    "classify_report": ("bma_nlp.classify", "classify_report"),
    "classify_notes": ("bma_nlp.classify", "classify"),
    "ArchiveError": ("bma_nlp.errors", "ArchiveError"),
    "BmaNlpError": ("bma_nlp.errors", "BmaNlpError"),
    "InputError": ("bma_nlp.errors", "InputError"),
    "ModelError": ("bma_nlp.errors", "ModelError"),
    "ParseError": ("bma_nlp.errors", "ParseError"),
    "parse_file": ("bma_nlp.pipeline", "parse_file"),
    "parse_report": ("bma_nlp.pipeline", "parse_report"),
    "parse_text": ("bma_nlp.pipeline", "parse_text"),
    "parse_reports": ("bma_nlp.pipeline", "parse_reports"),
    "process": ("bma_nlp.pipeline", "process"),
    "Flag": ("bma_nlp.records", "Flag"),
    "Installment": ("bma_nlp.records", "Installment"),
    "Project": ("bma_nlp.records", "Project"),
    "Repair": ("bma_nlp.records", "Repair"),
    "Report": ("bma_nlp.records", "Report"),
    "RepairResult": ("bma_nlp.repair", "RepairResult"),
    "fix_and_explain": ("bma_nlp.repair", "fix_and_explain"),
    "Archive": ("bma_nlp.store", "Archive"),
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        module, attr = _LAZY[name]
        value = getattr(importlib.import_module(module), attr)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'bma_nlp' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *_LAZY])


__all__ = [
    "Archive", "ArchiveError", "BmaNlpError", "Flag", "InputError", "Installment", "ModelError", "ParseError",
    "Project", "Repair", "RepairResult", "Report", "fix_and_explain", "StageResult", "classify_notes", "classify_report", "parse_file", "parse_report", "parse_reports", "parse_text",
    "process",
]  # fmt: skip
