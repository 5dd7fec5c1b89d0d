"""Read archive files: detect the encoding, refuse what is not text, say which codec was used;
PDFs and scans are read by ``bma_nlp.text.documents`` (text layer or OCR)."""

from __future__ import annotations

import codecs
import os
import re
import stat
import sys

from bma_nlp.errors import InputError

DEFAULT_MAX_BYTES = 64 * 1024 * 1024

# UTF-8 Thai text decoded as latin-1/cp1252 and saved again: every Thai letter becomes "à¸x"/"à¹x".
_MOJIBAKE = re.compile("\u00e0[\u00b8\u00b9]")
_THAI = re.compile("[\u0e00-\u0e7f]")
# Characters that never occur in a text document (C0 controls except tab/newline/cr/ff).
_CONTROL = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f]")


_CONTROL_BYTES = bytes([*range(0x00, 0x09), 0x0B, *range(0x0E, 0x20), 0x7F])


def _looks_like_text(text: str, utf8: bytes | None = None) -> bool:
    """Few control characters. ``utf8``: the bytes ``text`` was decoded from as UTF-8, counted
    instead of the text (a control character is one byte there, and that byte is never part of
    another character's; ``bytes.translate`` counts them without a regex pass over the text)."""
    if not text:
        return True
    controls = len(utf8) - len(utf8.translate(None, _CONTROL_BYTES)) if utf8 is not None else len(_CONTROL.findall(text))
    return controls <= max(2, len(text) // 1000)


def _fix_mojibake(text: str) -> str | None:
    """Undo UTF-8-read-as-cp1252/latin-1 damage, or None when it is not that."""
    if len(_MOJIBAKE.findall(text)) < 3:
        return None
    for codec in ("cp1252", "latin-1"):
        try:
            fixed = text.encode(codec).decode("utf-8")
        except UnicodeError:
            continue
        if _THAI.search(fixed):
            return fixed
    return None


def decode_bytes(data: bytes, where: str = "<input>") -> tuple[str, str]:
    """Decode ``data`` and return ``(text, encoding_name)``; raise InputError when it is not text.
    A PDF or an image is read as a document instead (``bma_nlp.text.documents``: its text layer, or OCR)."""
    if not data.strip():
        raise InputError("file is empty", where)
    from bma_nlp.text.documents import document_kind, document_text

    kind = document_kind(data)
    if kind is not None:  # a PDF or a scan: its text layer, or OCR
        return document_text(data, kind, where)
    if data.startswith(codecs.BOM_UTF8):
        candidates = ["utf-8-sig"]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates = ["utf-16"]
    else:
        if b"\x00" in data:
            raise InputError("binary file (contains NUL bytes), not a text report", where)
        candidates = ["utf-8", "cp874"]

    for encoding in candidates:
        decoded = data  # the bytes ``text`` is, when it is UTF-8
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError as exc:
            if encoding == "utf-8" and exc.start >= len(data) - 3 and exc.reason.startswith("unexpected end"):
                # Truncated mid-character at the very end: keep everything before the cut.
                decoded = data[: exc.start]
                text = decoded.decode("utf-8")
                encoding = "utf-8 (truncated)"
            else:
                continue
        if not _looks_like_text(text, decoded if encoding.startswith("utf-8") else None):
            raise InputError("binary file (control bytes), not a text report", where)
        if encoding.startswith("utf-8"):
            fixed = _fix_mojibake(text)
            if fixed is not None:
                return fixed, "utf-8 (mojibake repaired)"
        if encoding == "cp874" and not _THAI.search(text):
            continue
        return text, encoding
    raise InputError("cannot decode: not UTF-8, UTF-16 or TIS-620/cp874 text", where)


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "is a directory, not a file"
    if stat.S_ISFIFO(mode):
        return "is a FIFO (named pipe), not a regular file"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "is a device, not a regular file"
    if stat.S_ISSOCK(mode):
        return "is a socket, not a regular file"
    return "is not a regular file"


def read_bytes(path: str | os.PathLike[str], max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
    """The bytes of a regular file, at most ``max_bytes`` (else InputError).

    The file is opened without blocking and checked on the open descriptor, so a FIFO, a device
    (``/dev/zero``) or a file swapped for one after a check is refused instead of hanging or
    filling memory; the read itself stops at ``max_bytes + 1`` whatever the size said.
    """
    where = str(path)
    try:
        if not isinstance(path, (str, bytes, os.PathLike)):
            raise TypeError
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    except FileNotFoundError:
        raise InputError("no such file", where) from None
    except PermissionError:
        raise InputError("permission denied", where) from None
    except IsADirectoryError:
        raise InputError("is a directory, not a file", where) from None
    except (TypeError, ValueError) as exc:
        raise InputError(f"not a usable file name ({exc or type(exc).__name__})", where) from None
    except OSError as exc:
        raise InputError(f"cannot read file ({exc.strerror or exc})", where) from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise InputError(_kind(st.st_mode), where)
        if st.st_size > max_bytes:
            raise InputError(f"file too large ({st.st_size:,} bytes > limit {max_bytes:,})", where)
        chunks, total = [], 0
        while total <= max_bytes:
            chunk = os.read(fd, min(1 << 20, max_bytes + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
        if total > max_bytes:
            raise InputError(f"file too large (more than the limit of {max_bytes:,} bytes)", where)
        return b"".join(chunks)
    except IsADirectoryError:
        raise InputError("is a directory, not a file", where) from None
    except OSError as exc:
        raise InputError(f"cannot read file ({exc.strerror or exc})", where) from None
    finally:
        os.close(fd)


def read_text(path: str | os.PathLike[str], max_bytes: int = DEFAULT_MAX_BYTES) -> tuple[str, str]:
    """Read a regular file as text; return ``(text, encoding)``. Errors are one-line InputErrors."""
    return decode_bytes(read_bytes(path, max_bytes), str(path))


def read_input(source: str | os.PathLike[str], max_bytes: int = DEFAULT_MAX_BYTES) -> tuple[str, str]:
    """Like ``read_text``, with ``-`` meaning standard input (same checks, same messages)."""
    if str(source) == "-":
        chunks, total = [], 0
        while total <= max_bytes:  # in pieces: a huge limit must not become one huge read() call
            chunk = sys.stdin.buffer.read(min(1 << 20, max_bytes + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
        if total > max_bytes:
            raise InputError(f"input too large (more than the limit of {max_bytes:,} bytes)", "<stdin>")
        return decode_bytes(b"".join(chunks), "<stdin>")
    return read_text(source, max_bytes=max_bytes)
