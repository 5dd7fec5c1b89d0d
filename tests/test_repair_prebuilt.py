"""Repair's word data read from the user's cache (bma_nlp.repair.prebuilt): the same data as
derived from the corpora, and never trusted when stale, altered or writable by others."""

from __future__ import annotations

import os

import pytest

from bma_nlp.cache import CACHE_ENV
from bma_nlp.repair import prebuilt
from bma_nlp.repair.evidence import _shipped_pairs, shipped
from bma_nlp.repair.lexicon import _base, _build_base, load_lexicon


@pytest.fixture
def folder(tmp_path, monkeypatch):
    path = tmp_path / "cache"
    monkeypatch.setenv(CACHE_ENV, str(path))
    return path


def test_second_call_reads_what_the_first_wrote(folder):
    calls = []

    def build():
        calls.append(1)
        return {"ข้าว": 12.0, "น้ำ": 3}

    assert prebuilt.cached("probe", build) == {"ข้าว": 12.0, "น้ำ": 3}
    (path,) = folder.glob("lexicon-*-probe-*.json")
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    assert prebuilt.cached("probe", build) == {"ข้าว": 12.0, "น้ำ": 3}
    assert len(calls) == 1


def test_altered_or_foreign_files_are_ignored(folder):
    prebuilt.cached("probe", lambda: ["ก", "ข"])
    (path,) = folder.glob("lexicon-*-probe-*.json")
    path.write_bytes(b'["x"]')  # no longer its own hash
    assert prebuilt.cached("probe", lambda: ["ก", "ข"]) == ["ก", "ข"]
    if hasattr(os, "getuid"):
        for p in folder.glob("lexicon-*-probe-*.json"):
            p.chmod(0o666)  # writable by others: not read
        assert prebuilt.cached("probe", lambda: ["ค"]) == ["ค"]


def test_cache_off_writes_nothing(monkeypatch, tmp_path):
    monkeypatch.setenv(CACHE_ENV, "off")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert prebuilt.cached("probe", lambda: [1]) == [1]
    assert not list(tmp_path.rglob("*.json"))


def test_cached_lexicon_is_the_derived_one():
    freq, trusted, names, dictionary = _build_base()
    assert _base() == (freq, trusted, names, dictionary)
    assert dict(shipped().pairs) == _shipped_pairs()
    lexicon = load_lexicon()
    fresh = type(lexicon)(freq, trusted, names, dictionary)
    assert lexicon.bare_index() == fresh.bare_index()
    assert {k: sorted(v) for k, v in lexicon.skeleton_index().items()} == {k: sorted(v) for k, v in fresh.skeleton_index().items()}


def test_state_keeps_sets_and_tuples_and_reads_plain_data_only(folder):
    calls = []

    def build():
        calls.append(1)
        return {"prefixes": frozenset({"ก", "กา"}), "index": {"กา": ("กาย", "การ")}, "after": {"น้ำ": {"ท่วม"}}}

    first = prebuilt.cached_state("probe", build)
    (path,) = folder.glob("lexicon-*-probe-*.pickle")
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    assert prebuilt.cached_state("probe", build) == first and len(calls) == 1
    # a file that names a class or function is refused (nothing of it runs), and built again
    import pickle

    from bma_nlp import cache

    data = pickle.dumps({"x": os.getcwd}, protocol=5)  # a file naming a function, carrying its own hash
    path.unlink()
    cache.write(folder, path.name[: path.name.rindex("-")], ".pickle", data)
    assert prebuilt.cached_state("probe", build) == first and len(calls) == 2


def test_cached_indexes_are_the_derived_ones(folder):
    def same(state):  # a deletes list's order follows the trusted set's (hash-seeded) order
        return {**state, "_deletes": {k: sorted(v) for k, v in state["_deletes"].items()}}

    freq, trusted, names, dictionary = _build_base()
    fresh = type(load_lexicon())(freq, trusted, names, dictionary).index_state()
    assert same(load_lexicon().index_state()) == same(fresh)
    prebuilt.cached_state("indexes", load_lexicon().index_state)  # written (unless load_lexicon wrote it)
    assert same(prebuilt.cached_state("indexes", lambda: {})) == same(fresh)  # read back
    assert shipped().index_state() == type(shipped())(pairs=shipped().pairs).index_state()
