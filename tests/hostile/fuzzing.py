"""A seeded fuzzer over read -> parse -> repair -> classify -> store (and search, render).

Inputs are report files built from a real report copy (``tests/data``) and then damaged the
way OCR, editors, copy-paste and attackers damage files: lines deleted, repeated, swapped or
cut; numbers and dates made huge, negative or foreign; control, bidi, formula, FTS and Thai
combining characters inserted; a second header spliced in; random bytes; and every encoding
the reader accepts (and some it must refuse). Each input is written to a file, ingested into
one archive (the whole pipeline), and then searched with a fuzzed query.

What must hold for every input (``check``): no exception but ``BmaNlpError``; every error is
one line and never an "internal error"; search never fails; rendered output has no raw
control characters and no CSV cell starts a formula; memory stays bounded.

Used by ``tests/hostile/test_fuzz.py`` (a bounded run in CI) and ``scripts/fuzz.py`` (long runs).
"""

from __future__ import annotations

import csv
import io
import itertools
import re
from dataclasses import dataclass, field
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import seed as hypothesis_seed
from hypothesis import strategies as st

from bma_nlp.errors import BmaNlpError

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "tests" / "data" / "dusit-school-network-2566.txt"


def _base_lines() -> list[str]:
    """One copy of the real report: its header fields and all five installments (~2.3 KB).
    The narrative sections (1.3-1.6) are left out: they only slow the fuzzer down."""
    text = SAMPLE.read_text(encoding="utf-8")
    start = text.index("ชื่อโครงการ/กิจกรรม")
    end = text.index("รายงานครั้งที่5")
    end = text.index("\n", text.index("ครั้งที่ 5)", end)) + 1
    lines = [line for line in text[start:end].splitlines() if line.strip()]
    narrative = (lines.index("**1.3 หลักการและเหตุผล**"), next(i for i, line in enumerate(lines) if line.startswith("ประเด็นยุทธศาสตร์")))
    return lines[: narrative[0]] + lines[narrative[1] :]


BASE_LINES = _base_lines()

HOSTILE_PIECES = [
    "\x00", "\x1b]0;pwned\x07", "\x1b[2J", "\x9b31m", "\u202e", "\u2066", "\u200b", "\ufeff", "\r", "\x0c", "\t",
    "=1+2", "=HYPERLINK(\"http://x\",\"y\")", "+SUM(A1)", "-1", "@cmd", '"', "'", "*", "NEAR(", " AND ", " OR ", "NOT ",
    "^", "{", "}", ":", "::", " : ", "%", "_", "\\", "\\*\\*", "****", "ํา", "่่่่", "ั้ั้", "ฯลฯ", "๑๒๓", "99999999999999999999",
    "-0", "1e308", "NaN", "31/02/2566", "00/00/0000", "29/02/2567", "๓๑/๐๑/๒๕๖๖", "(ครั้งที่ 999999999999)",
    "ความก้าวหน้าของงานฯ = ", "งบประมาณที่เบิกใช้ (ครั้งที่ ", "รายงานครั้งที่", "รหัสโครงการ : ", "ปีงบประมาณ พ.ศ. : ",
    "แบบแสดงรายงานความก้าวหน้าและข้อมูลเกี่ยวกับโครงการ", "ชื่อโครงการ/กิจกรรม : ", "\U0001f600", "\ud7ff", "\U0010ffff",
    "à¸à¸²à¸£", "\u0e00", "\u0e7f", "﻿", "�", "\u0301", "<script>", "'; DROP TABLE reports; --",
]  # fmt: skip

_THAI = "".join(chr(c) for c in range(0x0E01, 0x0E5C))
ALPHABET = st.one_of(
    st.sampled_from(_THAI + "0123456789 .,:/-=()%"),
    st.characters(codec="utf-8", exclude_categories=("Cs",)),
    st.sampled_from(HOSTILE_PIECES),
)
FRAGMENT = st.lists(ALPHABET, max_size=40).map("".join)
NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")
DATE = re.compile(r"\d{1,2}/\d{1,2}/\d{2,4}")


@st.composite
def mutated_report(draw: st.DrawFn) -> str:
    """A report copy with up to 8 damages applied."""
    lines = list(BASE_LINES)
    for _ in range(draw(st.integers(0, 8))):
        if not lines:
            lines.append(draw(FRAGMENT))
            continue
        k = draw(st.integers(0, len(lines) - 1))
        op = draw(st.integers(0, 11))
        if op == 0:
            del lines[k]
        elif op == 1:
            lines.insert(k, lines[k])
        elif op == 2:
            j = draw(st.integers(0, len(lines) - 1))
            lines[k], lines[j] = lines[j], lines[k]
        elif op == 3:
            pos = draw(st.integers(0, len(lines[k])))
            lines[k] = lines[k][:pos] + draw(FRAGMENT) + lines[k][pos:]
        elif op == 4:
            lines[k] = NUMBER.sub(lambda _m: draw(st.sampled_from(["99999999999999999999", "-5", "1e308", "๑,๐๐๐", "0", "", "1.2.3"])), lines[k], count=1)
        elif op == 5:
            lines[k] = DATE.sub(lambda _m: draw(st.sampled_from(["31/02/2566", "00/13/99", "1/1/1", "๒๕/๐๑/๒๕๖๖", "-", "32/12/2566"])), lines[k], count=1)
        elif op == 6:
            pos = draw(st.integers(0, len(lines[k])))
            lines[k] = lines[k][:pos]  # cut
        elif op == 7:
            lines[k:k] = [lines[k]] * draw(st.integers(2, 20))  # a repeated line
        elif op == 8:
            lines.insert(k, "แบบแสดงรายงานความก้าวหน้าและข้อมูลเกี่ยวกับโครงการ")  # a copy starts here
            lines[k + 1 : k + 1] = BASE_LINES[: draw(st.integers(0, 12))]
        elif op == 9:
            lines[k] = lines[k].replace(" ", draw(st.sampled_from(["", "  ", "\t", "\u00a0", " : ", "::"])))
        elif op == 10:
            lines.insert(k, draw(FRAGMENT))
        else:
            lines[k] = draw(st.sampled_from(HOSTILE_PIECES)) * draw(st.integers(1, 50))
    return "\n".join(lines) + draw(st.sampled_from(["\n", "", "\r\n", "\n\n\n"]))


ENCODINGS = ["utf-8", "utf-8", "utf-8", "utf-8-sig", "utf-16", "cp874", "mojibake", "truncated", "crlf", "flipped"]


@st.composite
def report_bytes(draw: st.DrawFn) -> bytes:
    """The bytes of a fuzzed report file (or, now and then, of something that is no report)."""
    kind = draw(st.integers(0, 19))
    if kind == 0:
        return draw(st.binary(max_size=400))
    if kind == 1:
        return draw(st.lists(ALPHABET, max_size=150).map("".join)).encode("utf-8", "surrogatepass")
    text = draw(mutated_report())
    encoding = draw(st.sampled_from(ENCODINGS))
    if encoding == "cp874":
        return text.encode("cp874", "replace")
    if encoding == "mojibake":
        return text.encode("utf-8", "surrogatepass").decode("latin-1").encode("utf-8")
    if encoding == "truncated":
        data = text.encode("utf-8", "surrogatepass")
        return data[: draw(st.integers(0, len(data)))]
    if encoding == "crlf":
        return text.replace("\n", "\r\n").encode("utf-8", "surrogatepass")
    if encoding == "flipped":
        data = bytearray(text.encode("utf-8", "surrogatepass"))
        for _ in range(draw(st.integers(1, 20))):
            if data:
                data[draw(st.integers(0, len(data) - 1))] = draw(st.integers(0, 255))
        return bytes(data)
    return text.encode(encoding, "surrogatepass")


QUERY = st.one_of(
    st.lists(ALPHABET, max_size=15).map("".join),
    st.sampled_from(["จัดซื้อ", "วัสดุ", "อนุมัติ", "f", "sapproval", "y2566", "\x00", '"', "*", "NEAR(a b)", "a OR b", "-x", "", " "]),
)


# ---------------------------------------------------------------------------------------------
# the invariants


_RAW_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


@dataclass
class Stats:
    inputs: int = 0
    ingested: int = 0
    failed: int = 0
    skipped: int = 0
    errors: dict[str, int] = field(default_factory=dict)
    searches: int = 0

    def line(self) -> str:
        top = ", ".join(f"{k}: {v}" for k, v in sorted(self.errors.items(), key=lambda kv: -kv[1])[:4])
        return f"{self.inputs} inputs: {self.ingested} stored, {self.skipped} duplicates, {self.failed} refused ({top}); {self.searches} searches"


def _error_kind(exc: BmaNlpError) -> str:
    return re.sub(r"[\d,]+", "N", exc.message.split("(")[0].split(";")[0].strip())[:50]


def _is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


def check_error(exc: BaseException) -> None:
    assert isinstance(exc, BmaNlpError), f"{type(exc).__name__}: {exc}"
    text = str(exc)
    assert "\n" not in text, repr(text)
    assert "internal error" not in text, text


def check_rendered(hits: list) -> None:
    from bma_nlp.store.render import render_hits

    for fmt in ("table", "json", "csv"):
        out = render_hits(hits, fmt, 120)
        raw = _RAW_CONTROL.search(out)
        assert raw is None, f"{fmt}: raw {raw.group()!r}"
        if fmt == "csv":
            for row in itertools.islice(csv.reader(io.StringIO(out)), 1, None):
                assert not any(c.startswith(("=", "+", "-", "@", "\t", "\r")) and not _is_number(c) for c in row), row


BATCH = st.lists(st.tuples(report_bytes(), QUERY), min_size=1, max_size=16)


class Harness:
    """One archive and a scratch folder; ``run(batch)`` checks a batch of ``(bytes, query)``.

    A batch is ingested in one call, as an archivist's folder would be: the stage model is
    called once per chunk of files, which is what makes 100,000 inputs affordable."""

    def __init__(self, folder: Path, classify: bool = True) -> None:
        from bma_nlp.store import Archive

        self.folder = folder
        self.archive = Archive(folder / "fuzz.db")
        self.classify = classify
        self.stats = Stats()
        self._n = 0

    def close(self) -> None:
        self.archive.close()

    def run(self, batch: list[tuple[bytes, str]]) -> None:
        self._n += 1
        here = self.folder / f"batch{self._n % 4}"
        here.mkdir(exist_ok=True)
        paths = []
        for k, (data, _query) in enumerate(batch):
            path = here / f"{k}.txt"
            path.write_bytes(data)
            paths.append(path)
        self.stats.inputs += len(batch)
        try:
            result = self.archive.ingest(paths, classify=self.classify)
        except BaseException as exc:  # noqa: BLE001 - any escape is a finding
            check_error(exc)
            raise AssertionError(f"ingest raised instead of recording the error: {exc}") from None
        self.stats.ingested += result.files_ingested
        self.stats.skipped += result.files_skipped
        self.stats.failed += result.files_failed
        for exc in result.errors:
            check_error(exc)
            kind = _error_kind(exc)
            self.stats.errors[kind] = self.stats.errors.get(kind, 0) + 1
        for k, (_data, query) in enumerate(batch):
            hits = self.archive.search(query, limit=5, latest=k % 2 == 1)  # every other one with the row-test filter
            self.stats.searches += 1
            check_rendered(hits)


def fuzz(harness: Harness, batches: int, round_seed: int | None = None) -> Harness:
    """Run ``batches`` Hypothesis examples of ``BATCH`` through ``harness`` (closed afterwards):
    derandomised (the same inputs every time, for CI) without ``round_seed``, else that round's."""

    @settings(max_examples=batches, deadline=None, database=None, derandomize=round_seed is None,
              suppress_health_check=list(HealthCheck), print_blob=True)  # fmt: skip
    @given(batch=BATCH)
    def one(batch: list[tuple[bytes, str]]) -> None:
        harness.run(batch)

    if round_seed is not None:
        one = hypothesis_seed(round_seed)(one)
    try:
        one()
    finally:
        harness.close()
    return harness
