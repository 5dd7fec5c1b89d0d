"""Helpers for the hostile-input suite: the CLI in-process (fast) and as a real process
(signals, FIFOs, terminals, file descriptors)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from bma_nlp.cli import main

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "tests" / "data" / "dusit-school-network-2566.txt"


def one_line_error(stderr: str) -> bool:
    """The project's promise for bad input: exactly one line, no traceback."""
    lines = [line for line in stderr.splitlines() if line.strip()]
    return len(lines) == 1 and "Traceback" not in stderr and "internal error" not in stderr


@pytest.fixture
def cli():
    runner = CliRunner()

    def invoke(*args, input=None, env=None):
        return runner.invoke(main, [str(a) for a in args], input=input, env=env)

    return invoke


@pytest.fixture
def bma():
    """Run ``bma-nlp`` as its own process; returns CompletedProcess (text)."""

    def invoke(*args, timeout=120, env=None, **kwargs):
        full_env = {**os.environ, **(env or {})}
        return subprocess.run(
            [sys.executable, "-m", "bma_nlp.cli", *[str(a) for a in args]],
            capture_output=True, text=True, timeout=timeout, env=full_env, **kwargs,
        )  # fmt: skip

    return invoke
