"""Another revision's ``bma_nlp`` beside this checkout's: for the scripts that run it in a worker
process next to this checkout's (speed and identity checks, the benchmarks' baselines)."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Callable, Sequence
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def unpack_package(rev: str, folder: str) -> None:
    """``bma_nlp`` as committed at ``rev`` (``git archive``), unpacked into ``folder``."""
    archive = subprocess.run(["git", "-C", str(REPO), "archive", rev, "bma_nlp"], check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", folder], input=archive, check=True)


def importing_from(folder: str, **extra: str) -> dict[str, str]:
    """This process's environment (plus ``extra``) with ``folder`` first on ``PYTHONPATH``: a
    worker started with it imports the ``bma_nlp`` in ``folder``."""
    env = dict(os.environ, **extra)
    env["PYTHONPATH"] = folder + os.pathsep + env.get("PYTHONPATH", "")
    return env


def worker_result(cmd: list[str], env: dict[str, str]) -> dict[str, object]:
    """Run a worker process and read the JSON object it prints last."""
    out = subprocess.run(cmd, env=env, check=True, capture_output=True, text=True).stdout
    result: dict[str, object] = json.loads(out.splitlines()[-1])
    return result


def differing_items(seed: int, name: str, expected: Sequence[object], got: Sequence[object], shown: int, what: Callable[[int], str]) -> int:
    """How many items of two equally long output lists differ; the first ones printed (while
    fewer than 10 were shown before, ``shown``), each named by ``what(k)``."""
    count = 0
    for k, (e, g) in enumerate(zip(expected, got, strict=True)):
        if e != g:
            count += 1
            if shown + count <= 10:
                print(f"seed {seed}, {name}, {what(k)}:\n  baseline {e}\n  current  {g}")
    return count
