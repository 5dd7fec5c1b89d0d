"""Case 7: SIGKILL or SIGTERM to `ingest --jobs 2` left the worker processes running."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .conftest import SAMPLE


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if fields[0] != "Z":
                tree.setdefault(int(fields[1]), []).append(int(entry.name))
    return tree


def _descendants(pid: int) -> set[int]:
    tree, out, todo = _children(), set(), [pid]
    while todo:
        for child in tree.get(todo.pop(), []):
            out.add(child)
            todo.append(child)
    return out


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")
@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM])
def test_workers_die_with_the_ingest(tmp_path, sig):
    folder = tmp_path / "scans"
    folder.mkdir()
    text = SAMPLE.read_text(encoding="utf-8")
    for k in range(24):
        (folder / f"r{k}.txt").write_text(text + f"\nหมายเหตุ {k}\n", encoding="utf-8")
    proc = subprocess.Popen(
        [sys.executable, "-m", "bma_nlp.cli", "ingest", str(folder), "--db", str(tmp_path / "a.db"), "--jobs", "2", "--no-classify", "--no-repair"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        workers: set[int] = set()
        while time.monotonic() < deadline and proc.poll() is None:
            workers = _descendants(proc.pid)
            if len(workers) >= 3:  # the fork server and two workers
                break
            time.sleep(0.05)
        if proc.poll() is not None:
            pytest.skip("ingest ended before its workers were seen (machine too fast or too busy)")
        assert len(workers) >= 3
        proc.send_signal(sig)
        proc.wait(30)
        end = time.monotonic() + 20
        while time.monotonic() < end and any(_alive(p) for p in workers):
            time.sleep(0.1)
        left = [p for p in workers if _alive(p)]
        assert not left, f"workers still running after the ingest died: {left}"
        if sig == signal.SIGTERM:
            assert proc.returncode == 130 and "Traceback" not in proc.stderr.read().decode()
    finally:
        if proc.poll() is None:
            proc.kill()
        for pid in _descendants(proc.pid) if proc.poll() is None else []:
            os.kill(pid, signal.SIGKILL)
