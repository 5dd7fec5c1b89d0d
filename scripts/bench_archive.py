#!/usr/bin/env python3
"""Benchmark the archive: ingest and reprocess throughput, the cost of keeping copies, and
search latency of FTS5 beside a LIKE scan.

    python3 scripts/bench_archive.py                       # 100,000 installments (several minutes)
    python3 scripts/bench_archive.py --installments 5000   # a quick run
    python3 scripts/bench_archive.py --word-noise 0.05     # 5% of Thai words OCR-damaged: no note repeats

Generates report files (``bma_nlp.synth`` when present, else a small built-in generator),
ingests them end to end (read, parse, merge, repair, classify, tokenise, store) and prints:
- ingest throughput in characters per second (wall clock), with the time split between the
  CPU-bound steps (summed over worker processes) and the database writes (the main process);
- reprocess throughput (every report derived again from its stored copies, same jobs, same
  run), and the storage cost of keeping every copy (compressed bytes per installment, and
  the share of the archive file);
- search latency (median, p95) over a few hundred varied queries (words, word pairs, agency
  names, fragments inside words; half of them with filters) for ``Archive.search`` (FTS5,
  ranked, with snippets) and for a plain ``LIKE '%...%'`` scan of the same rows (unranked,
  stops at the limit) on the same archive. Each query runs three times after a warm-up pass;
  its median counts.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

from bma_nlp.store import Archive

THAI_RUN = re.compile(r"[\u0e00-\u0e7f]{6,}")


# -- report files ---------------------------------------------------------------------------

_NOTES = (
    "อยู่ระหว่างขออนุมัติโครงการ", "ได้รับอนุมัติโครงการแล้ว อยู่ระหว่างจัดทำรายละเอียดคุณลักษณะเฉพาะ",
    "อยู่ระหว่างจัดซื้อวัสดุ อุปกรณ์เพื่อใช้ในการจัดกิจกรรม", "อยู่ระหว่างประกวดราคาอิเล็กทรอนิกส์ (e-bidding)",
    "ลงนามสัญญาจ้างแล้ว ผู้รับจ้างเข้าดำเนินการ", "ผู้รับจ้างส่งมอบงานงวดที่ {k} คณะกรรมการตรวจรับพัสดุแล้ว",
    "ดำเนินการเรียบร้อยแล้ว", "โครงการแล้วเสร็จ เบิกจ่ายงบประมาณครบถ้วน", "จัดกิจกรรมอบรมครู จำนวน {n} คน",
    "อยู่ระหว่างปรับปรุงทางเท้าและท่อระบายน้ำ", "ซ่อมแซมผิวจราจรถนนในพื้นที่เขต ระยะทาง {n} เมตร",
)  # fmt: skip
_DISTRICTS = ("ดุสิต", "บางรัก", "ปทุมวัน", "พระนคร", "บางกะปิ", "จตุจักร", "ห้วยขวาง", "คลองเตย", "บางเขน", "ลาดพร้าว")
_DIVISIONS = ("ฝ่ายการศึกษา", "ฝ่ายโยธา", "ฝ่ายรักษาความสะอาดและสวนสาธารณะ", "ฝ่ายพัฒนาชุมชนและสวัสดิการสังคม")
_PROJECTS = ("โครงการพัฒนาคุณภาพเครือข่ายโรงเรียน", "ปรับปรุงทางเท้า", "ก่อสร้างท่อระบายน้ำ", "อบรมอาสาสมัครป้องกันภัย")


def _builtin_report(rng: random.Random, k: int) -> tuple[str, dict]:
    """A small report in the BMA form (used when bma_nlp.synth is not there)."""
    fy = rng.choice((2565, 2566, 2567))
    code = f"50{rng.randrange(100):02d}0000-{k:05d}"
    n = rng.randint(3, 12)
    lines = [
        "แบบแสดงรายงานความก้าวหน้าและข้อมูลเกี่ยวกับโครงการ",
        f"ชื่อโครงการ/กิจกรรม : {rng.choice(_PROJECTS)}{rng.choice(_DISTRICTS)}",
        f"รหัสโครงการ : {code}",
        f"ปีงบประมาณ พ.ศ. : {fy}",
        f"งบประมาณที่ได้รับ : {rng.randrange(1, 90) * 10000:,} บาท",
        f"หน่วยงานที่รับผิดชอบ : สำนักงานเขต{rng.choice(_DISTRICTS)} / {rng.choice(_DIVISIONS)}",
        "2. รายงานความก้าวหน้าของโครงการและการใช้จ่ายงบประมาณ",
    ]
    for i in range(1, n + 1):
        note = rng.choice(_NOTES).format(k=rng.randint(1, 5), n=rng.randint(10, 900))
        date = f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/{fy}"
        lines.append(f"รายงานครั้งที่{i}\t:: {date} : {note} :: ความก้าวหน้าของงานฯ = {min(100, i * 10)}.00 % "
                     f"งบประมาณที่เบิกใช้ (ครั้งที่ {i}) = 0 บาท : เป็นไปตามแผน : เป็นไปตามเป้าหมาย")  # fmt: skip
    return "\n".join(lines) + "\n", {"project": {"code": code, "fiscal_year": fy}, "installments": [{}] * n}


def _corrupted(args: tuple[str, int, float]) -> str:
    """``text`` with about ``rate`` of its Thai words damaged by the OCR noise model of the
    repair benchmarks (``scripts/ocr_noise.py``, the kinds Tesseract makes), seeded."""
    from ocr_noise import corrupt

    text, seed, rate = args
    return corrupt(text, random.Random(seed), word_rate=rate)


def generate(folder: Path, installments: int, seed: int, word_noise: float = 0.0, jobs: int = 1) -> tuple[int, int, int, str]:
    """Write report files until they hold ``installments`` installments of distinct reports.
    With ``word_noise``, about that share of each report's Thai words is OCR-damaged after it is
    made (every note then differs from every other, as in a real archive, so no cache of repeated
    wording helps ingest). Returns (files, installments, characters, generator name)."""
    try:
        from bma_nlp.synth import generate_report

        def make(rng: random.Random, k: int) -> tuple[str, dict]:
            return generate_report(rng, copies=1, noise=0.1)

        name = "bma_nlp.synth"
    except ImportError:
        make, name = _builtin_report, "built-in"
    rng = random.Random(seed)
    keys: set[tuple[str, int]] = set()
    files = n_inst = chars = 0
    pending: list[str] = []
    pool = None
    if word_noise > 0:
        import multiprocessing

        pool = multiprocessing.get_context("fork").Pool(max(1, jobs))
        name += f", {word_noise:.0%} of Thai words OCR-damaged by scripts/ocr_noise.py"

    def flush() -> None:
        nonlocal files, chars
        texts = pool.map(_corrupted, [(t, seed * 1_000_003 + files + i, word_noise) for i, t in enumerate(pending)], chunksize=16) if pool else pending
        for text in texts:
            sub = folder / f"{files // 1000:03d}"
            sub.mkdir(parents=True, exist_ok=True)
            (sub / f"report-{files:06d}.txt").write_text(text, encoding="utf-8")
            files += 1
            chars += len(text)
        pending.clear()

    try:
        while n_inst < installments:
            text, expected = make(random.Random(rng.getrandbits(64)), files + len(pending))
            key = (expected["project"]["code"], expected["project"]["fiscal_year"])
            if key in keys:  # a second report with the same code and year would replace the first
                continue
            keys.add(key)
            pending.append(text)
            n_inst += len(expected["installments"])
            if len(pending) >= 2000:
                flush()
        flush()
    finally:
        if pool:
            pool.close()
    return files, n_inst, chars, name


# -- queries --------------------------------------------------------------------------------


def make_queries(archive: Archive, n: int, seed: int) -> list[tuple[str, dict]]:
    """Varied queries drawn from the archive's own text, half of them with filters: words,
    neighbouring word pairs, district names, fragments inside words, the broadest words (in
    most notes) and words that are nowhere. ``QUERY_KINDS`` records each query's kind."""
    from bma_nlp.tokenize import word_tokenize

    rng = random.Random(seed)
    con = archive.con
    every = [r[0] for r in con.execute("SELECT note FROM installments WHERE note IS NOT NULL ORDER BY id")]
    notes = rng.sample(every, min(3000, len(every)))
    agencies = [r[0] for r in con.execute("SELECT DISTINCT agency FROM reports WHERE agency IS NOT NULL ORDER BY agency LIMIT 500")]
    years = [r[0] for r in con.execute("SELECT DISTINCT fiscal_year FROM reports WHERE fiscal_year IS NOT NULL ORDER BY fiscal_year")]
    words = [w for note in notes[:600] for w in word_tokenize(note) if THAI_RUN.fullmatch(w) or len(w) >= 4]
    districts = sorted({m.group(1) for a in agencies for m in re.finditer(r"สำนักงานเขต(\S+)", a)}) or ["ดุสิต"]
    from collections import Counter

    broad = [w for w, _ in Counter(w for w in words if len(w) >= 3).most_common(10)]
    absent = ["ไม่มีคำนี้แน่นอน", "ฟหกดเสวง", "ขนมครกสามสี", "quantum", "ลลลลล"]
    queries: list[tuple[str, dict]] = []
    QUERY_KINDS.clear()
    while len(queries) < n:
        kind = rng.choice(("word", "word", "pair", "agency", "fragment", "broad", "absent"))
        if kind == "broad":
            q = rng.choice(broad)
        elif kind == "absent":
            q = rng.choice(absent)
        elif kind == "word":
            q = rng.choice(words)
        elif kind == "pair":
            runs = [m.group(0) for m in THAI_RUN.finditer(rng.choice(notes))]
            toks = [t for t in word_tokenize(rng.choice(runs)) if len(t) >= 2] if runs else []
            if len(toks) < 2:
                continue
            k = rng.randrange(len(toks) - 1)
            q = toks[k] + toks[k + 1]  # two neighbouring words, unspaced as people type Thai
        elif kind == "agency":
            q = rng.choice(districts)
        else:
            runs = [m.group(0) for m in THAI_RUN.finditer(rng.choice(notes))]
            if not runs:
                continue
            run = rng.choice(runs)
            size = rng.randint(3, min(6, len(run)))
            start = rng.randrange(len(run) - size + 1)
            q = run[start : start + size]
        filters: dict = {}
        if rng.random() < 0.5:
            pick = rng.choice(("year", "agency", "stage", "flagged"))
            if pick == "year" and years:
                filters["year"] = rng.choice(years)
            elif pick == "agency":
                filters["agency"] = rng.choice(districts)
            elif pick == "stage":
                filters["stage"] = rng.choice(("approval", "procurement", "completed", "unknown"))
            else:
                filters["flagged"] = True
        queries.append((q, filters))
        QUERY_KINDS.append(kind + (" +" + next(iter(filters)) if filters else ""))
    return queries


QUERY_KINDS: list[str] = []


class MemorySampler:
    """Peak resident memory of this process and its descendants (the ingest workers are
    children of a forkserver child), sampled from /proc twice a second (Linux only). ``cpu``:
    the CPU seconds the sampling itself took (it reads every process's /proc entry, which on a
    busy host costs several percent of a core), so the ingest's CPU time can leave it out.
    ``descendants_cpu``: each descendant's CPU seconds as last sampled (forkserver workers are
    never this process's children, so ``getrusage`` does not count them)."""

    def __init__(self) -> None:
        import threading

        self.peak_total = 0.0  # MB, all processes together
        self.peak_one = 0.0  # MB, the largest single descendant
        self.cpu = 0.0  # CPU seconds spent sampling
        self.descendants_cpu: dict[int, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    @staticmethod
    def _tree() -> dict[int, tuple[float, float]]:
        """(resident MB, CPU seconds) of this process and each of its descendants."""
        parents: dict[int, int] = {}
        rss: dict[int, float] = {}
        cpu: dict[int, float] = {}
        tick = os.sysconf("SC_CLK_TCK")
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                with open(f"/proc/{entry}/stat") as fh:
                    stat = fh.read().rsplit(")", 1)[1].split()
                    parents[int(entry)] = int(stat[1])
                    cpu[int(entry)] = (int(stat[11]) + int(stat[12])) / tick  # utime + stime
                with open(f"/proc/{entry}/statm") as fh:
                    rss[int(entry)] = int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e6
            except (OSError, ValueError, IndexError):
                continue
        mine = {os.getpid()}
        grew = True
        while grew:
            new = {pid for pid, parent in parents.items() if parent in mine and pid not in mine}
            mine |= new
            grew = bool(new)
        return {pid: (rss.get(pid, 0.0), cpu.get(pid, 0.0)) for pid in mine}

    def _run(self) -> None:
        while not self._stop.wait(0.5):
            started = time.thread_time()
            tree = self._tree()
            self.peak_total = max(self.peak_total, sum(mb for mb, _ in tree.values()))
            self.peak_one = max([self.peak_one, *(mb for pid, (mb, _) in tree.items() if pid != os.getpid())])
            self.descendants_cpu.update((pid, cpu) for pid, (_, cpu) in tree.items() if pid != os.getpid())
            self.cpu += time.thread_time() - started

    def __enter__(self) -> MemorySampler:
        if os.path.isdir("/proc"):
            self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()


def _cpu_seconds() -> float:
    """User + system CPU time of this process and of its finished children (ingest workers)."""
    import resource

    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _own_cpu_seconds() -> float:
    """User + system CPU time of this process alone (all its threads)."""
    import resource

    own = resource.getrusage(resource.RUSAGE_SELF)
    return own.ru_utime + own.ru_stime


def tokeniser_rate(texts: list[str], engine: str, max_chars: int) -> float:
    """Characters per second of ``bma_nlp.tokenize.word_tokenize`` alone (one core), on the
    generated files' text (the first ``max_chars`` of it), after the dictionary is loaded."""
    from bma_nlp.tokenize import word_tokenize

    word_tokenize(texts[0] * 40, engine=engine)  # long enough to build the whole dictionary
    sample, total = [], 0
    for text in texts:
        if total >= max_chars:
            break
        sample.append(text)
        total += len(text)
    start = time.process_time()
    for text in sample:
        word_tokenize(text, engine=engine)
    return total / max(time.process_time() - start, 1e-9)


def like_search(archive: Archive, query: str, filters: dict, limit: int = 20) -> int:
    """The peer: a plain substring scan of the same rows (no ranking, no tokenising)."""
    from bma_nlp.store import Filters

    where, params = Filters(**filters).for_installments()
    pattern = "%" + query.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    sql = (
        "SELECT i.id, r.code, r.fiscal_year, r.name, i.number, i.date, i.stage, i.note FROM installments i "
        "JOIN reports r ON r.id = i.report_id WHERE (i.note LIKE :p ESCAPE '\\' OR i.note_raw LIKE :p ESCAPE '\\' "
        "OR r.name LIKE :p ESCAPE '\\' OR r.agency LIKE :p ESCAPE '\\')"
    )
    named = {f"f{k}": v for k, v in enumerate(params)}
    k = iter(range(len(params)))
    sql += re.sub(r"\?", lambda _: f":f{next(k)}", where) + " LIMIT :limit"
    return len(archive.con.execute(sql, {"p": pattern, "limit": limit, **named}).fetchall())


def timed(fn, queries, repeat: int = 3) -> tuple[list[float], list[int]]:  # type: ignore[no-untyped-def]
    """Per query: the median of ``repeat`` runs (ms) after one untimed warm-up pass over all
    queries (the archive's pages in the OS cache, as in daily use); and the number of hits.
    The same runs' CPU time (``time.process_time``, ms, median) goes to ``CPU_MS``: on a host
    shared with other work, wall time also counts the waits for a core."""
    counts = [fn(q, f) for q, f in queries]
    times = []
    CPU_MS.clear()
    for q, f in queries:
        runs, cpu = [], []
        for _ in range(repeat):
            t0, c0 = time.perf_counter(), time.process_time()
            fn(q, f)
            cpu.append((time.process_time() - c0) * 1000)
            runs.append((time.perf_counter() - t0) * 1000)
        times.append(statistics.median(runs))
        CPU_MS.append(statistics.median(cpu))
    return times, counts


CPU_MS: list[float] = []


def storage(con: sqlite3.Connection) -> dict[str, int]:
    """Bytes on disk per table (``dbstat``): a table's own indexes counted with it, each FTS5
    table's shadow tables as its index and (where it keeps one) its content copy; free pages apart."""
    owner = dict(con.execute("SELECT name, tbl_name FROM sqlite_master"))
    fts = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE sql LIKE 'CREATE VIRTUAL TABLE%'")]
    out: dict[str, int] = {}
    for name, size in con.execute("SELECT name, sum(pgsize) FROM dbstat GROUP BY name"):
        table = owner.get(name, name)
        base = next((f for f in fts if table.startswith(f + "_")), None)
        key = table if base is None else f"{base} {'content' if table.endswith('_content') else 'index'}"
        out[key] = out.get(key, 0) + int(size)
    page_size, pages = (con.execute(f"PRAGMA {x}").fetchone()[0] for x in ("page_size", "page_count"))
    out["free pages"] = page_size * pages - sum(out.values())
    return out


def _storage_table(con: sqlite3.Connection, stored: int) -> None:
    sizes = storage(con)
    print("\n| bytes per installment (dbstat) | bytes |\n|---|---|")
    for name, size in sorted(sizes.items(), key=lambda x: -x[1]):
        if size / max(stored, 1) >= 1:
            print(f"| {name} | {size / max(stored, 1):,.0f} |")
    print(f"| whole file | {sum(sizes.values()) / max(stored, 1):,.0f} |")


def p95(values: list[float]) -> float:
    return sorted(values)[max(0, round(0.95 * len(values)) - 1)]


def _search_table(queries: list, fts_ms: list[float], fts_hits: list[int], like_ms: list[float], like_hits: list[int], fts_cpu: list[float]) -> None:  # type: ignore[type-arg]
    print()
    print(f"| search, {len(queries)} queries, limit 20      | median | p95 | max | queries with hits |")
    print("|---|---|---|---|---|")
    rows = [("FTS5 tokens + trigram (Archive.search)", fts_ms, fts_hits), ("Archive.search, CPU time", fts_cpu, fts_hits)]
    if like_ms:
        rows.append(("LIKE '%...%' scan (peer)", like_ms, like_hits))
    for name, ms, hits in rows:
        found = sum(1 for h in hits if h)
        print(f"| {name} | {statistics.median(ms):.2f} ms | {p95(ms):.2f} ms | {max(ms):.1f} ms | {found}/{len(hits)} |")
    print()
    print("| Archive.search by query kind | queries | median | p95 | over 20 ms | CPU median | CPU p95 |")
    print("|---|---|---|---|---|---|---|")
    groups: dict[str, list[tuple[float, float]]] = {}
    for kind, ms, cpu in zip(QUERY_KINDS, fts_ms, fts_cpu, strict=True):
        groups.setdefault(kind.split(" ")[0], []).append((ms, cpu))
        if " " in kind:
            groups.setdefault("filter " + kind.split("+")[1], []).append((ms, cpu))
    for kind in sorted(groups):
        wall, cpu = [m for m, _ in groups[kind]], [c for _, c in groups[kind]]
        print(f"| {kind} | {len(wall)} | {statistics.median(wall):.2f} ms | {p95(wall):.2f} ms | {sum(m > 20 for m in wall)} | {statistics.median(cpu):.2f} ms | {p95(cpu):.2f} ms |")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--installments", type=int, default=100_000, help="size of the archive (default 100,000)")
    ap.add_argument("--queries", type=int, default=300)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--seed", type=int, default=2566)
    ap.add_argument("--dir", type=Path, help="work folder (default: a temporary one, removed after)")
    ap.add_argument("--no-classify", action="store_true", help="skip stage classification")
    ap.add_argument("--no-repair", action="store_true", help="skip OCR repair")
    ap.add_argument("--no-reprocess", action="store_true", help="skip the reprocess pass")
    ap.add_argument("--reuse", action="store_true", help="with --dir: search the archive a previous run left there (no ingest)")
    ap.add_argument("--search-only", action="store_true", help="with --reuse: time Archive.search alone (no LIKE peer, no storage table, no writes)")
    ap.add_argument("--optimize", action="store_true", help="merge the search indexes (Archive.optimize) after the ingest (or on the reused archive) and before searching; its time is printed")
    ap.add_argument("--word-noise", type=float, default=0.0, metavar="RATE", help="OCR-damage about RATE of each report's Thai words (e.g. 0.05) with scripts/ocr_noise.py before ingest: an archive whose notes all differ")
    ap.add_argument("--tokeniser-chars", type=int, default=3_000_000, help="characters tokenised alone by each peer tokeniser")
    args = ap.parse_args(argv)
    import resource

    work = args.dir or Path(tempfile.mkdtemp(prefix="bma-bench-"))
    try:
        reports_dir, db = work / "reports", work / "bench.db"
        reuse = args.reuse and args.dir is not None and db.exists()
        load_before = os.getloadavg()
        if not reuse:
            shutil.rmtree(reports_dir, ignore_errors=True)
            for old in work.glob("bench.db*"):
                old.unlink()
            t0 = time.perf_counter()
            n_files, n_inst, n_chars, gen = generate(reports_dir, args.installments, args.seed, args.word_noise, args.jobs)
            print(f"generated {n_files:,} files, {n_inst:,} installments, {n_chars:,} characters ({gen}) in {time.perf_counter() - t0:.1f} s", file=sys.stderr)

        with Archive(db) as archive:
            if not reuse:
                cpu_before, own_before = _cpu_seconds(), _own_cpu_seconds()
                with MemorySampler() as memory:
                    res = archive.ingest([reports_dir], jobs=args.jobs, progress=True, repair=not args.no_repair, classify=not args.no_classify)
                ingest_cpu = _cpu_seconds() - cpu_before - memory.cpu  # workers are counted once the pool has shut down; the sampler is not ingest
                main_cpu = _own_cpu_seconds() - own_before - memory.cpu  # the writer, the pool's result thread, the file digests
                if res.errors:
                    print(f"{len(res.errors)} file(s) failed, first: {res.errors[0]}", file=sys.stderr)
                t = res.timings
            if args.optimize:
                took = archive.optimize()
                print(f"optimize: {sum(took.values()):.1f} s wall (" + ", ".join(f"{k} {v:.1f} s" for k, v in took.items()) + ")")
            queries = make_queries(archive, args.queries, args.seed)
            archive.search("ทดสอบ")  # load the tokeniser before timing
            fts_ms, fts_hits = timed(lambda q, f: len(archive.search(q, **f)), queries)
            fts_cpu = list(CPU_MS)
            if reuse and args.search_only:
                print(f"package: {sys.modules['bma_nlp'].__file__}; load average {load_before[0]:.1f} before, {os.getloadavg()[0]:.1f} after")
                _search_table(queries, fts_ms, fts_hits, [], [], fts_cpu)
                return 0
            like_ms, like_hits = timed(lambda q, f: like_search(archive, q, f), queries)
            stats = archive.stats()
            stored = stats["installments"]
            archive.con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            size = sum(p.stat().st_size for p in work.glob("bench.db*"))
            _storage_table(archive.con, stored)
            size_mb = size / 1e6
            if not reuse and not args.no_reprocess:
                rep = archive.reprocess(every=True, jobs=args.jobs, progress=True, repair=not args.no_repair, classify=not args.no_classify)
        peak_self = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        load_after = os.getloadavg()
        print(f"\nhost: {os.cpu_count()} cores shared with other sessions; load average {load_before[0]:.1f} before, {load_after[0]:.1f} after")
        print(f"archive: {stored:,} installments; {size_mb:.0f} MB on disk = {size / max(stored, 1):,.0f} bytes per installment")
        print(f"peak memory (max RSS): this process {peak_self:,.0f} MB", end="")
        if not reuse:
            print(f"; during ingest, all processes together {memory.peak_total:,.0f} MB, largest worker {memory.peak_one:,.0f} MB (sampling took {memory.cpu:.1f} CPU s, left out of the ingest's)", end="")
        print()
        if not reuse:
            texts = [p.read_text(encoding="utf-8") for p in sorted(reports_dir.rglob("*.txt"))]
            rates = {engine: tokeniser_rate(texts, engine, args.tokeniser_chars) for engine in ("newmm", "nlpo3")}
            ingest_rate = n_chars / t["total"]
            print()
            print(f"| ingest, end to end (jobs={args.jobs}) | chars/s | ratio to it |")
            print("|---|---|---|")
            print(f"| bma-nlp ingest (wall clock, {n_chars:,} chars) | {ingest_rate:,.0f} | 1.00 |")
            for engine, rate in rates.items():
                print(f"| {engine} word_tokenize alone (one core, CPU time) | {rate:,.0f} | ingest = {ingest_rate / rate:.2f}x |")
            if args.jobs <= 1:  # one process: its own CPU time, start-up included (forkserver workers are not its children)
                what, spent = "this process, start-up included", ingest_cpu
            else:
                what, spent = "summed over the workers' steps and the writer, start-up excluded", sum(t[k] for k in ("parse", "repair_classify", "tokenize", "write"))
            per_cpu = n_chars / max(spent, 1e-9)
            ratios = ", ".join(f"{per_cpu / rate:.2f}x {engine}" for engine, rate in rates.items())
            print(f"| bma-nlp ingest per CPU second ({spent:.1f} CPU s, {what}) | {per_cpu:,.0f} | {ratios} |")
        _search_table(queries, fts_ms, fts_hits, like_ms, like_hits, fts_cpu)
        if reuse:
            return 0

        cpu = t["parse"] + t["repair_classify"] + t["tokenize"] + t["write"]
        print()
        print(f"archive: {stored:,} installments in {res.reports:,} reports from {res.files_ingested:,} files; {size_mb:.0f} MB on disk; jobs={args.jobs}")
        print()
        print("| ingest, end to end | value |")
        print("|---|---|")
        print(f"| characters ingested | {n_chars:,} |")
        print(f"| wall time | {t['total']:.1f} s |")
        print(f"| throughput | {n_chars / t['total']:,.0f} chars/s ({n_inst / t['total']:,.0f} installments/s) |")
        print()
        print("| where the CPU time goes | CPU s | share | chars/s per core |")
        print("|---|---|---|---|")
        for label, key in (("read, normalise, parse, merge copies", "parse"), ("OCR repair + stage classification", "repair_classify"),
                           ("tokenise notes and headers for the index", "tokenize"), ("database writes incl. FTS indexes (main process)", "write")):  # fmt: skip
            rate = f"{n_chars / t[key]:,.0f}" if t[key] else "-"
            print(f"| {label} | {t[key]:.1f} | {100 * t[key] / cpu:.0f}% | {rate} |")
        if args.jobs > 1:  # what the steps leave out: start-up, pickling, waiting, the pool's thread, file digests
            workers = sum(memory.descendants_cpu.values())
            print(f"| all processes (sampled from /proc: main {main_cpu:.1f}, forkserver and workers {workers:.1f}) | {main_cpu + workers:.1f} | | |")
        print("| keeping every copy | value |")
        print("|---|---|")
        print(f"| copies stored | {stats['copies']:,} ({stats['copy_chars']:,} characters) |")
        print(f"| compressed size | {stats['copy_bytes'] / 1e6:.1f} MB ({100 * stats['copy_bytes'] / (size_mb * 1e6):.0f}% of the {size_mb:.0f} MB archive) |")
        print(f"| bytes per installment | {stats['copy_bytes'] / stored:,.0f} |")
        if args.no_reprocess:
            return 0
        print()
        r = rep.timings
        print("| reprocess (every report derived again from its stored copies) | value |")
        print("|---|---|")
        print(f"| reports re-derived | {rep.reports:,} |")
        print(f"| characters of copy text | {rep.chars:,} |")
        print(f"| wall time | {r['total']:.1f} s |")
        print(f"| throughput | {rep.chars / r['total']:,.0f} chars/s ({stored / r['total']:,.0f} installments/s) |")
        print(f"| CPU: derive (parse, merge, repair, classify, tokenise) / write | {r['derive']:.1f} s / {r['write']:.1f} s |")
        print()
    finally:
        if args.dir is None:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
