"""bma-nlp: OCR'd Thai BMA progress reports into clean, structured, searchable records."""

from bma_nlp.errors import ArchiveError, BmaNlpError, InputError, ModelError, ParseError
from bma_nlp.pipeline import parse_report, parse_reports, process
from bma_nlp.records import Flag, Installment, Project, Repair, Report

__version__ = "0.1.0"

__all__ = [
    "ArchiveError", "BmaNlpError", "Flag", "InputError", "Installment", "ModelError", "ParseError",
    "Project", "Repair", "Report", "parse_report", "parse_reports", "process",
]  # fmt: skip
