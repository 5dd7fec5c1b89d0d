"""Whole-command wall times of the CLI, beside a bare Python and importing PyThaiNLP.

    python scripts/bench_cli.py [--repeat 7] [--db ARCHIVE] [--baseline REV]

Each row runs the command as a person would (a new process, the installed ``bma-nlp``
script beside this Python) ``--repeat`` times and prints the median and the fastest run, the
median CPU time of the process (user + system: on a shared machine it moves much less with the
load than the wall time), and which heavy libraries the command imported (``-X importtime`` of
one extra run). Every command runs once untimed first, as a person's second call would find
things: Python's bytecode cache written (as ``pip install`` does; ``PYTHONDONTWRITEBYTECODE``
is dropped for the commands) and the stage model's fast form in the user's cache
(``bma_nlp.classify.fastform``). The last row ingests a new file (the sample with another project
code) into a fresh copy of the archive before each run, as a script ingesting file by file
would. Without ``--db`` the bundled sample is ingested into a
temporary archive first (not timed). The host load is printed too. With ``--baseline REV`` each
``bma-nlp`` row also runs the ``bma_nlp`` of that git revision (``git archive``, on
``PYTHONPATH``), the two taking turns run by run, each with a cache folder of its own.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from revision_tree import importing_from, unpack_package  # noqa: E402

HEAVY = ("sklearn", "pythainlp", "numpy", "nlpo3", "rapidfuzz", "scipy")
NOTE = "ขณะนี้อยู่ระหว่างดำเนินการจัดซื้อจัดจ้าง"
INGEST_ROW = "bma-nlp ingest a new file (archive with evidence)"


def cli() -> list[str]:
    script = Path(sys.executable).with_name("bma-nlp")
    return [str(script)] if script.exists() else [sys.executable, "-m", "bma_nlp.cli"]


ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(
    cmd: list[str], repeat: int, setup: Callable[[], None] | None = None, envs: Sequence[dict[str, str]] = (ENV,)
) -> list[tuple[list[float], list[float]]]:
    """Wall and CPU seconds of ``repeat`` runs in each environment of ``envs`` (after one
    untimed run in each), the environments taking turns run by run, so that a change in the
    host's load falls on all of them alike; ``setup`` runs before each run, untimed."""
    for env in envs:
        if setup:
            setup()
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False, env=env)
    out: list[tuple[list[float], list[float]]] = [([], []) for _ in envs]
    for k in range(repeat):
        order = list(enumerate(envs)) if k % 2 == 0 else list(enumerate(envs))[::-1]
        for i, env in order:
            if setup:
                setup()
            start, start_cpu = time.perf_counter(), _children_cpu()
            subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False, env=env)
            out[i][0].append(time.perf_counter() - start)
            out[i][1].append(_children_cpu() - start_cpu)
    return out


def heavy_imports(cmd: list[str]) -> str:
    """The heavy top-level packages a command imports (from ``python -X importtime``)."""
    if cmd[0] != sys.executable:
        cmd = [sys.executable, "-X", "importtime", cmd[0], *cmd[1:]]
    else:
        cmd = [sys.executable, "-X", "importtime", *cmd[1:]]
    err = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, check=False, env=ENV).stderr
    found = {line.split("|")[-1].strip().split(".")[0] for line in err.splitlines() if line.startswith("import time:")}
    return ",".join(h for h in HEAVY if h in found) or "-"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeat", type=int, default=7)
    ap.add_argument("--db", type=Path, help="An archive to search (default: the sample, ingested into a temporary one).")
    ap.add_argument(
        "--baseline", metavar="REV",
        help="also run each bma-nlp command with the bma_nlp of this git revision (git archive, each with its own "
        "cache folder), taking turns with this checkout run by run: a column pair of its own",
    )  # fmt: skip
    args = ap.parse_args()

    from bma_nlp.cli import sample_path

    sample = str(sample_path())
    tmp = tempfile.mkdtemp(prefix="bench-cli-")
    try:
        db = args.db
        if db is None:
            from bma_nlp.store import Archive

            db = Path(tmp) / "sample.db"
            with Archive(db) as archive:
                archive.ingest([sample])
        # a script ingesting file by file: a new file into an archive that already holds reports
        # (so repair weighs the archive's evidence), the archive copied afresh before each run
        fresh_db, new_file = Path(tmp) / "ingest.db", Path(tmp) / "new-report.txt"
        new_file.write_text(Path(sample).read_text(encoding="utf-8").replace("5007", "5008"), encoding="utf-8")

        def fresh_archive() -> None:
            for old in Path(tmp).glob("ingest.db*"):
                old.unlink()
            shutil.copyfile(db, fresh_db)

        bma = cli()
        py = sys.executable
        rows: list[tuple[str, list[str], str]] = [
            ("python -c pass", [py, "-c", "pass"], ""),
            ("python -c 'import pythainlp'", [py, "-c", "import pythainlp"], ""),
            ("python: pythainlp word_tokenize (1st call)", [py, "-c", f"from pythainlp.tokenize import word_tokenize; word_tokenize('{NOTE}')"], ""),
            ("bma-nlp --version", [*bma, "--version"], ""),
            ("bma-nlp search จัดซื้อวัสดุ", [*bma, "search", "จัดซื้อวัสดุ", "--db", str(db)], "< 0.3 s"),
            ("bma-nlp search ก่อสร้าง --stage completed --year 2566", [*bma, "search", "ก่อสร้าง", "--stage", "completed", "--year", "2566", "--db", str(db)], "< 0.3 s"),
            ("bma-nlp stats", [*bma, "stats", "--db", str(db)], ""),
            ("bma-nlp export --code 5007 --format csv", [*bma, "export", "--code", "5007", "--format", "csv", "--db", str(db)], ""),
            ("bma-nlp classify 'text'", [*bma, "classify", NOTE], "< 1 s"),
            ("bma-nlp parse sample --no-repair --no-classify", [*bma, "parse", sample, "--no-repair", "--no-classify"], ""),
            ("bma-nlp parse sample", [*bma, "parse", sample], "< 1.5 s"),
            (INGEST_ROW, [*bma, "ingest", str(new_file), "--db", str(fresh_db)], ""),
        ]
        setups = {INGEST_ROW: fresh_archive}
        envs = [ENV]
        if args.baseline:  # this checkout and the baseline, each with a cache folder of its own
            base = Path(tmp) / "baseline"
            base.mkdir()
            unpack_package(args.baseline, str(base))
            envs = [dict(ENV, BMA_NLP_CACHE=str(Path(tmp) / "cache-this")), importing_from(str(base), BMA_NLP_CACHE=str(Path(tmp) / "cache-base"))]
            envs[1] = {k: v for k, v in envs[1].items() if k != "PYTHONDONTWRITEBYTECODE"}
        load = os.getloadavg()
        print(f"host: {os.cpu_count()} cores, load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f} (shared machine); {args.repeat} runs each; archive {db}")
        extra = f" {'base med s':>10} {'base CPU s':>10}" if args.baseline else ""
        print(f"{'command':<58} {'median s':>9} {'min s':>7} {'CPU s':>7}{extra}  {'target':<8} heavy imports")
        for label, cmd, target in rows:
            setup = setups.get(label)
            measured = timed(cmd, args.repeat, setup, envs if cmd[: len(bma)] == bma else envs[:1])
            if setup:
                setup()  # (the import census too runs the command as it was timed)
            (times, cpu), *others = measured
            extra = "".join(f" {statistics.median(t):>10.3f} {statistics.median(c):>10.3f}" for t, c in others)
            if args.baseline and not others:
                extra = f" {'':>10} {'':>10}"
            print(
                f"{label:<58} {statistics.median(times):>9.3f} {min(times):>7.3f} {statistics.median(cpu):>7.3f}{extra}  {target:<8} {heavy_imports(cmd)}",
                flush=True,
            )
        if args.baseline:
            print(f"base: bma_nlp of {args.baseline} (git archive), runs taking turns with this checkout's")
        load = os.getloadavg()
        print(f"load average at the end: {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
