"""bma-nlp: OCR'd Thai BMA progress reports into clean, structured, searchable records."""

from bma_nlp.classify import StageResult, classify_report
from bma_nlp.classify import classify as classify_notes  # bma_nlp.classify stays the subpackage
from bma_nlp.errors import ArchiveError, BmaNlpError, InputError, ModelError, ParseError
from bma_nlp.pipeline import parse_file, parse_report, parse_reports, parse_text, process
from bma_nlp.records import Flag, Installment, Project, Repair, Report
from bma_nlp.repair import RepairResult, fix_and_explain  # bma_nlp.repair stays the subpackage: bma_nlp.repair.repair()
from bma_nlp.store import Archive

__version__ = "0.1.0"

__all__ = [
    "Archive", "ArchiveError", "BmaNlpError", "Flag", "InputError", "Installment", "ModelError", "ParseError",
    "Project", "Repair", "RepairResult", "Report", "fix_and_explain", "StageResult", "classify_notes", "classify_report", "parse_file", "parse_report", "parse_reports", "parse_text",
    "process",
]  # fmt: skip
