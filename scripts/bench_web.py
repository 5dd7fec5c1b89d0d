#!/usr/bin/env python3
"""Benchmark the web app: latency of the search and report pages, with the CLI search as the reference.

    python3 scripts/bench_web.py                          # 100,000 installments (several minutes to build)
    python3 scripts/bench_web.py --installments 5000      # a quick run
    python3 scripts/bench_web.py --dir /tmp/bw            # keep the archive; a second run reuses it

Builds an archive with the machinery of ``scripts/bench_archive.py`` (report files from
``bma_nlp.synth``, ingested end to end), starts ``bma-nlp serve`` on a free local port in its
own process, and times over HTTP (one keep-alive connection, as a browser tab):
- the search page (``/?q=...``: hits, snippets, facet counts, total) for a few hundred varied
  queries drawn from the archive (words, unspaced word pairs, districts, fragments; half with a
  filter: stage, fiscal year, office or flagged);
- the report page (``/report/N``: header, installments, chart, repairs, sources) of random reports;
- in the same run, as the reference: ``Archive.search`` in this process (what ``bma-nlp search``
  runs, without starting Python) on the same queries, and the ``bma-nlp search`` command itself
  (process start, tokeniser load and search) on a sample of them.
Each request is timed once after an untimed warm-up pass over all of them.
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_archive import generate, make_queries, p95  # noqa: E402

from bma_nlp.store import Archive  # noqa: E402


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def build(work: Path, installments: int, seed: int, jobs: int) -> Path:
    db = work / "bench.db"
    if db.exists():
        print(f"reusing {db}", file=sys.stderr)
        return db
    reports = work / "reports"
    shutil.rmtree(reports, ignore_errors=True)
    t0 = time.perf_counter()
    n_files, n_inst, n_chars, gen = generate(reports, installments, seed)
    print(f"generated {n_files:,} files, {n_inst:,} installments, {n_chars:,} characters ({gen}) in {time.perf_counter() - t0:.0f} s", file=sys.stderr)
    with Archive(work / "building.db") as archive:
        res = archive.ingest([reports], jobs=jobs, progress=True)
        print(f"ingested in {res.timings['total']:.0f} s: {res.summary()}", file=sys.stderr)
    for suffix in ("", "-wal", "-shm"):
        src = work / f"building.db{suffix}"
        if src.exists():
            src.rename(work / f"bench.db{suffix}")
    shutil.rmtree(reports, ignore_errors=True)
    return db


def url_for(query: str, filters: dict) -> str:
    params = {"q": query}
    for key, value in filters.items():
        params[{"agency": "office"}.get(key, key)] = "1" if value is True else str(value)
    return "/?" + urlencode(params)


class Client:
    """One keep-alive HTTP connection; ``get`` returns (status, milliseconds, bytes)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.con = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def get(self, path: str) -> tuple[int, float, int]:
        t0 = time.perf_counter()
        self.con.request("GET", path)
        response = self.con.getresponse()
        body = response.read()
        return response.status, (time.perf_counter() - t0) * 1000, len(body)


def start_server(db: Path, port: int) -> subprocess.Popen[bytes]:
    cmd = [sys.executable, "-m", "bma_nlp.cli", "serve", "--db", str(db), "--port", str(port), "--read-only"]
    server = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"the server stopped: {server.stderr.read().decode() if server.stderr else ''}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit("the server did not start within 120 s")


def timed_pages(client: Client, paths: list[str]) -> tuple[list[float], int, int]:
    for path in paths:  # warm-up pass: pages in the OS cache, tokeniser loaded
        client.get(path)
    times, failed, size = [], 0, 0
    for path in paths:
        status, ms, n = client.get(path)
        times.append(ms)
        failed += status != 200
        size += n
    return times, failed, size // max(1, len(paths))


def row(name: str, times: list[float], note: str = "") -> str:
    return f"| {name} | {len(times)} | {statistics.median(times):.1f} ms | {p95(times):.1f} ms | {max(times):.1f} ms | {note} |"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--installments", type=int, default=100_000)
    ap.add_argument("--requests", type=int, default=300, help="search pages timed (and as many report pages)")
    ap.add_argument("--cli-runs", type=int, default=15, help="`bma-nlp search` commands timed (each starts Python)")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--seed", type=int, default=2566)
    ap.add_argument("--dir", type=Path, help="work folder, kept (default: a temporary one, removed after)")
    args = ap.parse_args(argv)

    work = args.dir or Path(tempfile.mkdtemp(prefix="bma-bench-web-"))
    work.mkdir(parents=True, exist_ok=True)
    server = None
    try:
        db = build(work, args.installments, args.seed, args.jobs)
        with Archive(db, create=False) as archive:
            stats = archive.stats()
            queries = make_queries(archive, args.requests, args.seed)
            ids = [r[0] for r in archive.con.execute("SELECT id FROM reports ORDER BY id")]
            archive.search("ทดสอบ")  # load the tokeniser before timing
            for q, f in queries:
                archive.search(q, **f)
            api_ms = []
            for q, f in queries:
                t0 = time.perf_counter()
                archive.search(q, **f)
                api_ms.append((time.perf_counter() - t0) * 1000)
        rng = random.Random(args.seed)
        report_paths = [f"/report/{rng.choice(ids)}" for _ in range(args.requests)]
        search_paths = [url_for(q, f) for q, f in queries]

        port = free_port()
        server = start_server(db, port)
        client = Client(port)
        search_ms, search_failed, search_size = timed_pages(client, search_paths)
        report_ms, report_failed, report_size = timed_pages(client, report_paths)
        overview_ms, _, _ = timed_pages(client, ["/overview"] * 10)

        cli_ms = []
        for q, f in rng.sample(queries, min(args.cli_runs, len(queries))):
            cmd = [sys.executable, "-m", "bma_nlp.cli", "search", q, "--db", str(db), "--format", "jsonl"]
            for key, value in f.items():
                cmd += [f"--{key}"] if value is True else [f"--{key}", str(value)]
            t0 = time.perf_counter()
            subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
            cli_ms.append((time.perf_counter() - t0) * 1000)

        size_mb = sum(p.stat().st_size for p in work.glob("bench.db*")) / 1e6
        print()
        print(f"archive: {stats['installments']:,} installments in {stats['reports']:,} reports, {size_mb:.0f} MB; server: `bma-nlp serve --read-only`, one keep-alive connection")
        print()
        print("| what | requests | median | p95 | max | note |")
        print("|---|---|---|---|---|---|")
        print(row("search page `/?q=...` (hits, facet counts, total)", search_ms, f"{search_failed} failed; {search_size / 1000:.0f} kB a page"))
        print(row("report page `/report/N` (chart, installments, sources)", report_ms, f"{report_failed} failed; {report_size / 1000:.0f} kB a page"))
        print(row("overview page `/overview`", overview_ms, "whole-archive counts"))
        print(row("reference: `Archive.search` in-process, same queries", api_ms, "what `bma-nlp search` runs"))
        print(row("reference: `bma-nlp search` command", cli_ms, "includes starting Python and loading the tokeniser"))
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        if args.dir is None:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
