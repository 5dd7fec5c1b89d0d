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


def _probe():
    return {"freq": {"ข้าว": 12.0, "น้ำ": 3.0}, "names": frozenset({"สมชาย"})}


def test_second_call_reads_what_the_first_wrote(folder):
    calls = []

    def build():
        calls.append(1)
        return _probe()

    assert prebuilt.cached_tables("probe", build, pool="freq") == _probe()
    (path,) = folder.glob("lexicon-*-probe-*.marshal")
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    assert prebuilt.cached_tables("probe", build, pool="freq") == _probe()
    assert len(calls) == 1


def test_altered_or_foreign_files_are_ignored(folder):
    prebuilt.cached_tables("probe", _probe, pool="freq")
    (path,) = folder.glob("lexicon-*-probe-*.marshal")
    path.write_bytes(path.read_bytes()[:-1] + b"x")  # no longer its own hash
    other = {"freq": {"ค": 1.0}, "names": frozenset()}
    assert prebuilt.cached_tables("probe", lambda: other, pool="freq") == other
    if hasattr(os, "getuid"):
        for p in folder.glob("lexicon-*-probe-*.marshal"):
            p.chmod(0o666)  # writable by others: not read
        assert prebuilt.cached_tables("probe", _probe, pool="freq") == _probe()


def test_cache_off_writes_nothing(monkeypatch, tmp_path):
    monkeypatch.setenv(CACHE_ENV, "off")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert prebuilt.cached_tables("probe", _probe, pool="freq") == _probe()
    assert not list(tmp_path.rglob("*"))


def test_cached_lexicon_is_the_derived_one():
    freq, trusted, names, dictionary = _build_base()
    assert _base() == (freq, trusted, names, dictionary)
    assert dict(shipped().pairs) == _shipped_pairs()
    lexicon = load_lexicon()
    fresh = type(lexicon)(freq, trusted, names, dictionary)
    assert lexicon.bare_index() == fresh.bare_index()
    assert {k: sorted(v) for k, v in lexicon.skeleton_index().items()} == {k: sorted(v) for k, v in fresh.skeleton_index().items()}


def test_cached_indexes_are_the_derived_ones(folder):
    def same(state):  # a deletes list's order follows the trusted set's (hash-seeded) order
        return {**state, "_deletes": {k: sorted(v) for k, v in state["_deletes"].items()}}

    freq, trusted, names, dictionary = _build_base()
    fresh = type(load_lexicon())(freq, trusted, names, dictionary).index_state()
    assert same(load_lexicon().index_state()) == same(fresh)
    assert shipped().index_state() == type(shipped())(pairs=shipped().pairs).index_state()


def test_tables_read_back_equal_and_the_lazy_ones_sorted(folder):
    calls = []
    tables = {
        "freq": {"กา": 1.0, "การ": 2.5, "ข้าว": 3.0},
        "trusted": {"กา", "การ"},
        "names": frozenset({"สมชาย", "กา"}),
        "logp": {"การ": -1.5, "นอกรายการ": 0.25},
        "words": {"กา": ("กา",), "ก": ("กา", "การ"), "ข้าว": ("ข้าว",)},
        "index": {"กา": ("กา", "การ"), "ก": ("กา",), "าร": ("การ",)},
        "beginnings": frozenset({"ก", "กา", "ข"}),
    }

    def build():
        calls.append(1)
        return tables

    assert prebuilt.cached_tables("probe", build, pool="freq", lazy=("index", "beginnings")) == tables
    (path,) = folder.glob("lexicon-*-probe-*.marshal")
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    back = prebuilt.cached_tables("probe", build, pool="freq", lazy=("index", "beginnings"))
    assert len(calls) == 1 and back == tables
    assert type(back["trusted"]) is set and type(back["names"]) is frozenset and back["words"]["ก"] == ("กา", "การ")
    index, beginnings = back["index"], back["beginnings"]
    assert isinstance(index, prebuilt.LazyIndex) and isinstance(beginnings, prebuilt.LazySet)
    for key in ["กา", "ก", "าร", "ข", "", "การ"]:
        assert index.get(key) == tables["index"].get(key) and index.get(key, ()) == tables["index"].get(key, ())
        assert (key in index) == (key in tables["index"]) and (key in beginnings) == (key in tables["beginnings"])
    assert index.table() == tables["index"] and beginnings.table() == tables["beginnings"]


def test_tables_file_holding_code_is_refused(folder):
    import marshal

    from bma_nlp import cache

    calls = []

    def build():
        calls.append(1)
        return {"freq": {"กา": 1.0}, "trusted": {"กา"}}

    prebuilt.cached_tables("probe", build, pool="freq")
    (path,) = folder.glob("lexicon-*-probe-*.marshal")
    path.unlink()
    # marshal can hold code objects: a file carrying one (and its own hash) is not read, and built again
    data = marshal.dumps({"freq": ("pool", 1, "กา".encode("utf-16-le"), compile("1", "x", "eval").co_code), "x": (compile("1", "x", "eval"),)})
    cache.write(folder, path.name[: path.name.rindex("-")], ".marshal", data)
    assert prebuilt.cached_tables("probe", build, pool="freq") == build() and len(calls) == 3


def test_lexicon_read_from_the_cache_looks_up_as_the_built_one(folder):
    from bma_nlp.repair import lexicon as lexicon_module

    def fresh() -> object:
        lexicon_module._lexicon.cache_clear()
        lexicon_module._default_state.cache_clear()
        lexicon_module._base.cache_clear()
        return load_lexicon()

    try:
        built = fresh()  # derived, and written to ``folder``
        read = fresh()  # read back: its look-up indexes sorted, not built
        assert set(read._lazy) == {"_deletes", "_skeletons", "_bare", "_prefixes", "_bare_prefixes"}
        assert not built._lazy
        words = ["ดำเนินการ", "ดำเนนการ", "พืนที", "เพือ", "นา", "ก", "", "โรงเรียน", "ผลง", "xyz"]
        keys = {w[:i] + w[i + 1 :] for w in words for i in range(len(w))} | set(words)
        for name in ("_deletes", "_skeletons", "_bare"):
            lazy, table = read.lookup(name), built.lookup(name)
            assert isinstance(lazy, prebuilt.LazyIndex)
            for key in keys:
                assert lazy.get(key) == table.get(key) and (key in lazy) == (key in table)
        for name in ("_prefixes", "_bare_prefixes"):
            lazy, table = read.lookup(name), built.lookup(name)
            assert isinstance(lazy, prebuilt.LazySet) and all((key in lazy) == (key in table) for key in keys)
        lazy = read.lookup("_skeletons")
        lazy.asked = len(lazy)  # asked as often as its size: built (as a dict, once) and kept
        assert read.lookup("_skeletons") == built.skeleton_index() and read._skeletons is read.lookup("_skeletons")
        assert "_skeletons" not in read._lazy
        assert read.index_state() == built.index_state()
    finally:
        lexicon_module._lexicon.cache_clear()
        lexicon_module._default_state.cache_clear()
        lexicon_module._base.cache_clear()


def test_files_of_older_code_or_formats_are_removed_when_new_data_is_written(folder):
    """Writing new data removes the files of all but the most recently used versions (keys),
    older formats' names included; another kind of cached file is not repair's to remove."""
    folder.mkdir(parents=True)
    keys = ["0123abcd", "4567cdef", "89abef01", "cdef2345"]  # oldest first
    stale = {k: [folder / f"lexicon-{k}-base-ffff.json", folder / f"lexicon-{k}-indexes-eeee.pickle"] for k in keys}
    for age, k in enumerate(reversed(keys)):
        for path in stale[k]:
            path.write_bytes(b"{}")
            os.utime(path, (1_000_000 - age * 100, 1_000_000 - age * 100))
    other = folder / "stage-0123-abcd.npz"
    other.write_bytes(b"x")
    prebuilt.cached_tables("probe", _probe, pool="freq")
    kept = [k for k in keys if all(path.exists() for path in stale[k])]
    assert kept == keys[-(prebuilt.KEEP_KEYS - 1) :]  # with the current one, KEEP_KEYS versions
    assert not any(path.exists() for k in keys if k not in kept for path in stale[k])
    assert other.exists()
    assert len(list(folder.glob(f"lexicon-{prebuilt.key()}-probe-*.marshal"))) == 1


def test_shipped_neighbours_by_bisection_are_the_index_ones():
    """Before its neighbour index is built, the shipped evidence finds each word's followers and
    leaders in its sorted pairs: the same sets as the index, for every word, and once a word is
    added (or many have been asked) the index answers."""
    from collections import Counter

    from bma_nlp.repair.evidence import Evidence, _reversed

    pairs = Counter(shipped().pairs)
    lazy, index = Evidence(pairs=Counter(pairs)), Evidence(pairs=Counter(pairs))
    lazy.sorted_pairs(sorted(pairs), sorted(map(_reversed, pairs)))
    words = sorted({w for key in pairs for w in key.split(" ")})[::5] + ["", "ก", "ไม่มีในรายการ", "น้ำ ท่วม"]
    for word in words:
        assert lazy.followers(word) == index.followers(word) and lazy.leaders(word) == index.leaders(word), word
    assert lazy._indexed == lazy.version  # asked of a fifth of the words: the index was built on the way
    small = Evidence(pairs=Counter({"น้ำ ท่วม": 3, "ระบาย น้ำ": 2}))
    small.sorted_pairs(["น้ำ ท่วม", "ระบาย น้ำ"], ["ท่วม น้ำ", "น้ำ ระบาย"])
    assert small.followers("น้ำ") == {"ท่วม"} and small.leaders("น้ำ") == {"ระบาย"}
    small.add_text("ระบาย น้ำเสีย")  # changed: the sorted pairs no longer speak for it
    assert small.followers("ระบาย") == {key.split(" ")[1] for key in small.pairs if key.split(" ")[0] == "ระบาย"}
    assert small._indexed == small.version
