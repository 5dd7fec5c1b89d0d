#!/usr/bin/env python3
"""Benchmark the archive's single writer alone, as the archive grows.

    python3 scripts/bench_writer.py --installments 20000 --rounds 10

Generates report files (``bma_nlp.synth``, as ``bench_archive.py``), runs the workers' part of
an ingest on them once in this process (read, parse, repair, classify, tokenise), then stores
those results ``--rounds`` times into one archive, each round under new file hashes and report
codes (so every round adds new reports, as new files would), with the writer's own code
(``Archive._store``, savepoint per file, a commit every ``--commit-files`` files). It prints the
writer's CPU time (this thread) per installment in each round: a writer whose cost per
installment stays flat as the archive grows prints flat numbers. The vocabulary does not grow
between rounds (the same notes are stored again), so FTS5 and evidence tables grow by rows, not
by new terms.
"""

from __future__ import annotations

import argparse
import copy
import cProfile
import os
import pickle
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_archive import generate, make_queries, p95  # noqa: E402

from bma_nlp.store import Archive  # noqa: E402
from bma_nlp.store.archive import IngestResult, _Batch, _Task  # noqa: E402
from bma_nlp.store.work import FileResult, process_files  # noqa: E402


def _renamed(res: FileResult, round_no: int) -> FileResult:
    """The same file as a new one: another hash, and report codes of their own."""
    new = copy.copy(res)
    new.sha256 = f"{res.sha256}-{round_no}"
    new.reports = []
    for item in res.reports:
        it = copy.copy(item)
        it.report = copy.copy(item.report)
        it.report.project = copy.copy(item.report.project)
        if it.report.project.code:
            it.report.project.code = f"{it.report.project.code}-{round_no}"
        new.reports.append(it)
    return new


def _search(archive: Archive, n: int, seed: int) -> None:
    """Segments per FTS5 index, and the CPU time of ``n`` searches (median of 3 after a warm-up)."""
    con = archive.con
    segments = {t: con.execute(f"SELECT count(DISTINCT segid) FROM {t}_idx").fetchone()[0] for t in ("notes_fts", "notes_trigram", "headers_trigram")}  # noqa: S608
    print("segments: " + ", ".join(f"{t} {k}" for t, k in segments.items()))
    queries = make_queries(archive, n, seed)
    hits = [len(archive.search(q, **f)) for q, f in queries]
    times = []
    for q, f in queries:
        runs = []
        for _ in range(3):
            t0 = time.process_time()
            archive.search(q, **f)
            runs.append((time.process_time() - t0) * 1000)
        times.append(statistics.median(runs))
    print(f"search, {n} queries: CPU median {statistics.median(times):.2f} ms, p95 {p95(times):.2f} ms, max {max(times):.1f} ms; "
          f"{sum(h > 0 for h in hits)} with hits, {sum(hits)} hits in all")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--installments", type=int, default=20_000, help="installments per round")
    ap.add_argument("--rounds", type=int, default=10)
    ap.add_argument("--seed", type=int, default=2566)
    ap.add_argument("--commit-files", type=int, default=16, help="files per commit (ingest commits when it waits for workers: about a chunk)")
    ap.add_argument("--dir", type=Path, help="work folder (default: a temporary one)")
    ap.add_argument("--into", type=Path, help="start from a copy of this archive (e.g. a million installments) instead of an empty one")
    ap.add_argument("--sql", action="append", default=[], help="a statement run on the writer's connection first (e.g. a PRAGMA to try)")
    ap.add_argument("--search", type=int, default=0, help="then time this many queries (bench_archive's mix), CPU ms per query")
    ap.add_argument("--profile", type=Path, help="write a cProfile of the writer to this file")
    args = ap.parse_args(argv)
    work = args.dir or Path(tempfile.mkdtemp(prefix="bma-writer-"))
    work.mkdir(parents=True, exist_ok=True)
    reports_dir, db = work / "reports", work / "writer.db"
    for old in work.glob("writer.db*"):
        old.unlink()
    if args.into is not None:
        shutil.copyfile(args.into, db)
    if not reports_dir.exists():
        generate(reports_dir, args.installments, args.seed)
    paths = sorted(str(p) for p in reports_dir.rglob("*.txt"))
    t0 = time.process_time()
    prepared = work / "prepared.pickle"  # the workers' results, kept for the next run on this folder
    if prepared.exists():
        results = pickle.loads(prepared.read_bytes())  # noqa: S301 - written by this script
    else:
        results = [r for i in range(0, len(paths), 16) for r in process_files(paths[i : i + 16], 10_000_000) if r.error is None]
        prepared.write_bytes(pickle.dumps(results))
    n_inst = sum(len(item.report.installments) for r in results for item in r.reports)
    print(f"{len(results):,} files, {n_inst:,} installments per round, prepared in {time.process_time() - t0:.1f} CPU s", file=sys.stderr)
    print(f"load average {os.getloadavg()[0]:.1f}")
    print("| round | installments after | writer CPU s | ms per installment |")
    print("|---|---|---|---|")
    total = 0.0
    profiler = cProfile.Profile() if args.profile else None
    with Archive(db) as archive:
        archive._steps = (True, True)
        if hasattr(archive, "_writing"):  # the writer's settings, as ingest makes them (absent before them)
            archive._writing()
        for statement in args.sql:
            archive.con.execute(statement)
        start = archive.con.execute("SELECT count(*) FROM installments").fetchone()[0]
        for r in range(args.rounds):
            batch_results = [_renamed(res, r) for res in results]
            batch, result = _Batch(), IngestResult()
            spent = 0.0
            if profiler is not None:
                profiler.enable()
            for i, res in enumerate(batch_results):
                t = time.thread_time()
                archive._store(_Task(res.path, sha256=res.sha256, size=res.size), res, batch)
                if (i + 1) % args.commit_files == 0:
                    archive._commit(batch, result)
                spent += time.thread_time() - t
            t = time.thread_time()
            archive._commit(batch, result)
            spent += time.thread_time() - t
            total += spent
            if profiler is not None:
                profiler.disable()
            print(f"| {r + 1} | {start + n_inst * (r + 1):,} | {spent:.2f} | {spent / n_inst * 1000:.3f} |", flush=True)
        if args.search:
            _search(archive, args.search, args.seed)
    if profiler is not None:
        profiler.dump_stats(args.profile)
    print(f"total writer CPU {total:.1f} s; load average {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
