"""Reading archive files and normalising OCR'd Thai text."""

from bma_nlp.text.normalize import normalize
from bma_nlp.text.read import decode_bytes, read_bytes, read_input, read_text

__all__ = ["decode_bytes", "normalize", "read_bytes", "read_input", "read_text"]
