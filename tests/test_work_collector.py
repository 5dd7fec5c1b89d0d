"""``store.work`` pauses the cyclic garbage collector for a chunk's steps and restores it as it was."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest

from bma_nlp.store import work


@pytest.mark.parametrize("enabled", [True, False])
def test_process_files_restores_the_collector(tmp_path: Path, enabled: bool) -> None:
    bad = tmp_path / "empty.txt"
    bad.write_text("", encoding="utf-8")
    seen: list[bool] = []
    original = work._process_files

    def spy(*args, **kwargs):  # type: ignore[no-untyped-def]
        seen.append(gc.isenabled())
        return original(*args, **kwargs)

    was = gc.isenabled()
    try:
        (gc.enable if enabled else gc.disable)()
        work._process_files = spy  # type: ignore[assignment]
        results = work.process_files([str(bad), str(tmp_path / "missing.txt")], 1 << 20, repair=False, classify=False)
        assert [r.error is not None for r in results] == [True, True]
        assert seen == [False]  # paused while the chunk ran
        assert gc.isenabled() is enabled  # and as it was after
    finally:
        work._process_files = original  # type: ignore[assignment]
        (gc.enable if was else gc.disable)()
