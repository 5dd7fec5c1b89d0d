"""Everything the program writes goes through here: terminal text, CSV cells, JSON, output files.

- **Terminal text** (tables, summaries, error lines): control characters (ESC, BEL, CR, C1
  controls such as CSI) and bidirectional overrides (U+202E...) would let a note or a file name
  rewrite the screen, set the window title or reverse what is shown. ``terminal_safe`` shows
  each as a visible ``\\u001b`` escape; ``one_line`` also escapes newlines (an error is one line).
- **CSV cells**: a spreadsheet runs a cell that starts with ``= + - @``, TAB or CR as a formula
  (OWASP, "CSV injection"). ``csv_cell`` prefixes such text with ``'`` and escapes control
  characters. Numbers stay numbers. JSON output keeps every text exactly as stored.
- **JSON**: ``json.dumps`` already escapes C0 controls; ``json_safe`` escapes the rest of the
  invisible set the same way (``\\u202e``), which any JSON reader decodes back: lossless.
- **Files** (``-o``): ``write_output`` writes a regular file atomically (temp file + rename, mode
  from the umask, or the old file's mode), follows a symlink to write its target, and writes a
  device or FIFO in place (``/dev/stdout``, ``/dev/null``) instead of replacing it. A missing,
  read-only or full target is one ``OutputError`` naming the target.
"""

from __future__ import annotations

import csv
import errno
import io
import os
import re
import stat
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from bma_nlp.errors import OutputError

# C0 controls but TAB and LF, DEL, C1 controls; bidi embeddings/overrides/isolates and marks
# that reorder text (U+061C, U+200E/F, U+202A-E, U+2066-9); line/paragraph separators.
_UNSAFE = "\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069"
_UNSAFE_TEXT = re.compile(f"[{_UNSAFE}]")
_UNSAFE_LINE = re.compile(f"[{_UNSAFE}\n\t]")
_UNSAFE_JSON = re.compile("[\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")  # C0 is escaped by json
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _escape(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


def terminal_safe(text: str) -> str:
    """``text`` with control and bidi characters shown as ``\\uXXXX`` (newlines and tabs kept)."""
    return _UNSAFE_TEXT.sub(_escape, text)


def one_line(text: str) -> str:
    """Like ``terminal_safe``, and newlines/tabs escaped too: for one-line messages."""
    return _UNSAFE_LINE.sub(_escape, text)


def json_safe(text: str) -> str:
    """JSON text with invisible/reordering characters escaped (still the same JSON value)."""
    return _UNSAFE_JSON.sub(_escape, text)


def csv_cell(value: Any) -> Any:
    """A value as a spreadsheet may safely read it: formula-looking text gets a leading ``'``."""
    if not isinstance(value, str):
        return value
    if value.startswith(FORMULA_START):
        value = "'" + value
    return terminal_safe(value)


def csv_text(rows: Iterable[Mapping[str, Any]], fieldnames: Sequence[str], header: bool = True) -> str:
    """Rows as CSV (``\\n`` line ends), every cell through ``csv_cell``."""
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(fieldnames), lineterminator="\n")
    if header:
        writer.writeheader()
    for row in rows:
        writer.writerow({k: csv_cell(v) for k, v in row.items()})
    return buf.getvalue()


# ---------------------------------------------------------------------------------------------
# output files


def _reason(exc: OSError) -> str:
    if isinstance(exc, FileNotFoundError):
        return "no such folder"
    if isinstance(exc, PermissionError) or exc.errno in (errno.EROFS,):
        return "permission denied" if exc.errno != errno.EROFS else "read-only file system"
    if exc.errno == errno.ENOSPC:
        return "no space left on device"
    if isinstance(exc, IsADirectoryError):
        return "is a directory"
    return exc.strerror or type(exc).__name__


def _umask_mode() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def write_output(path: str | os.PathLike[str], text: str, encoding: str = "utf-8") -> None:
    """Write ``text`` to ``path``: atomically for a regular file, in place for anything else."""
    shown = str(path)
    target = Path(os.path.realpath(path))  # a symlink: write what it points to, keep the link
    try:
        st = os.stat(target)
    except FileNotFoundError:
        st = None
    except OSError as exc:
        raise OutputError(f"cannot write ({_reason(exc)})", one_line(shown)) from None
    data = text.encode(encoding)
    if st is not None and stat.S_ISDIR(st.st_mode):
        raise OutputError("cannot write (is a directory)", one_line(shown))
    if st is not None and not stat.S_ISREG(st.st_mode):  # device, FIFO, socket: never replace it
        try:
            fd = os.open(target, os.O_WRONLY | os.O_NOCTTY)
            try:
                view = memoryview(data)
                while view:
                    view = view[os.write(fd, view) :]
            finally:
                os.close(fd)
        except OSError as exc:
            raise OutputError(f"cannot write ({_reason(exc)})", one_line(shown)) from None
        return
    tmp: str | None = None
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, stat.S_IMODE(st.st_mode) if st is not None else _umask_mode())
        os.replace(tmp, target)
        tmp = None
    except OSError as exc:
        raise OutputError(f"cannot write ({_reason(exc)})", one_line(shown)) from None
    finally:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)


write_atomic = write_output  # the name callers used before devices and symlinks were handled
