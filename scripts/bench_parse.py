"""Parse throughput and accuracy on generated reports (bma_nlp.synth) beside a baseline parser
measured in the same run, and accuracy on blind reports, as tables.

    python scripts/bench_parse.py [--reports 300] [--seed 7] [--baseline REV ...] [--blind DIR ...]

Generated rows: parse only (read -> normalise -> copies -> merge -> validate, no repair, no
classifier) and parse + OCR repair, on the same generated archive files; accuracy is exact match
of every header field and installment field in the generator's ground truth. Speed is in CPU
seconds of the parsing process (the host is shared: wall time measures the neighbours), after
imports and lexicons are loaded on a few other generated reports (start-up is
scripts/bench_cli.py's). Baseline rows: the same texts parsed by the code of an earlier
revision (``git archive REV``, run in a child process with that tree on PYTHONPATH); by default
6b0d77d, the exact-pattern parser issue 15 replaced.

Blind rows: files written from the form alone by people who never read the parser (scored by
scripts/score_blind.py: the 10 header fields, 6 installment fields, copies counted right; parse +
repair, no stage classifier; their MB/CPU s includes repair and scoring, it is no parse rate).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

from bma_nlp.parse import merge_copies, read_copies
from bma_nlp.pipeline import finish

try:  # the pipeline's own path (one copy split per file); trees before it only had read_copies
    from bma_nlp.pipeline import derive, split_text
except ImportError:  # pragma: no cover - old baselines
    derive = split_text = None
from bma_nlp.synth import generate_archive

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_BASELINES = ["6b0d77d"]

INST_FIELDS = ["number", "date", "note", "progress_pct", "disbursed_baht", "disbursement_no", "on_plan", "on_target"]


def accuracy(reports, truths) -> tuple[int, int]:
    ok = total = 0
    by_code = {(r.project.code, r.project.fiscal_year): r for r in reports}
    for truth in truths:
        p = truth["project"]
        r = by_code.get((p["code"], p["fiscal_year"]))
        for key, value in p.items():
            total += 1
            ok += r is not None and getattr(r.project, key, None) == value
        for i, inst in enumerate(truth["installments"]):
            for key in INST_FIELDS:
                total += 1
                got = r.installments[i] if r is not None and i < len(r.installments) else None
                ok += got is not None and getattr(got, key) == inst[key]
    return ok, total


def parse_file_text(text: str, name: str, repair: bool) -> list:
    """Reports of one file's text as ``parse``/``ingest`` derive them (without classification)."""
    if derive is None or split_text is None:
        return finish(merge_copies(read_copies(text, name)), repair=repair, classify=False)
    return [d.report for d in derive(split_text(text, name), repair=repair, classify=False)]


def warm_up(seed: int, repair: bool) -> None:
    """Load what parsing loads (imports, the label lexicon, the normaliser's PyThaiNLP rules, with
    ``repair`` the repair lexicon) on other reports than the timed ones."""
    for i, (text, _) in enumerate(generate_archive(seed + 1000, 3, copies="random", noise=0.2)):
        parse_file_text(text, f"warm-{i}", repair)
    try:
        from bma_nlp.text import normalize

        normalize("\u0e40\u0e40")  # a trigger of the Thai rules: their import is start-up too
    except ImportError:  # an old tree without it
        pass


def time_parse(texts: list[str], truths: list[dict], repair: bool) -> dict[str, float]:
    start = time.process_time()
    reports = []
    for i, text in enumerate(texts):
        reports.extend(parse_file_text(text, f"synth-{i}", repair))
    seconds = time.process_time() - start
    ok, total = accuracy(reports, truths)
    return {"seconds": seconds, "ok": ok, "total": total}


def child(corpus: str) -> None:
    """Baseline side: time this process's bma_nlp (an earlier tree) on the corpus, print JSON."""
    data = json.loads(Path(corpus).read_text(encoding="utf-8"))
    warm_up(data["seed"], repair=False)
    print(json.dumps(time_parse(data["texts"], data["truths"], repair=False)))


def baseline(rev: str, corpus: Path) -> dict[str, float] | str:
    """Parse-only figures of revision ``rev`` on the corpus, or why there are none."""
    try:
        tar = subprocess.run(["git", "-C", str(ROOT), "archive", "--format=tar", rev], capture_output=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError) as exc:
        return f"git archive {rev} failed ({exc})"
    with tempfile.TemporaryDirectory() as tree:
        with tarfile.open(fileobj=io.BytesIO(tar)) as archive:
            archive.extractall(tree, filter="data")
        code = f"import sys; sys.path.insert(0, {str(ROOT / 'scripts')!r}); import bench_parse; bench_parse.child({str(corpus)!r})"
        env = {**os.environ, "PYTHONPATH": tree}
        run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=tree)
    if run.returncode != 0:
        return f"baseline {rev} failed: {(run.stderr.strip().splitlines() or ['?'])[-1]}"
    return json.loads(run.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--reports", type=int, default=300)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--baseline", nargs="*", default=DEFAULT_BASELINES, metavar="REV", help="earlier revisions timed on the same texts (none: no baseline)")
    ap.add_argument("--blind", type=Path, nargs="*", default=[ROOT / "tests/data/blind_reports", ROOT / "tests/data/blind_round2", ROOT / "tests/data/blind_round3", ROOT / "tests/data/blind_round4", ROOT / "tests/data/blind_round5"])
    args = ap.parse_args()
    archive = generate_archive(args.seed, args.reports, copies="random", noise=0.2)
    texts = [t for t, _ in archive]
    truths = [e for _, e in archive]
    mb = sum(len(t.encode("utf-8")) for t in texts) / 1e6
    rows: list[tuple[str, dict[str, float] | str]] = []
    warm_up(args.seed, repair=True)
    rows.append(("parse only", time_parse(texts, truths, repair=False)))
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus.json"
        corpus.write_text(json.dumps({"seed": args.seed, "texts": texts, "truths": truths}, ensure_ascii=False), encoding="utf-8")
        for rev in args.baseline:
            rows.append((f"parse only @ {rev}", baseline(rev, corpus)))
    rows.append(("parse + repair", time_parse(texts, truths, repair=True)))
    print(f"{'pipeline':<24} {'files':>6} {'MB':>7} {'CPU s':>7} {'MB/CPU s':>9} {'fields exact %':>15}")
    for label, row in rows:
        if isinstance(row, str):
            print(f"{label:<24} {row}")
            continue
        sec = row["seconds"]
        print(f"{label:<24} {len(texts):>6} {mb:>7.2f} {sec:>7.2f} {mb / sec:>9.2f} {row['ok'] / row['total'] * 100:>15.2f}")
    print(f"(load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs while measuring: the host is shared)")
    print()

    sys.path.insert(0, str(Path(__file__).parent))
    from score_blind import blind_files, score_file, summarise  # the one blind scorer

    print(f"{'blind set':<34} {'files':>6} {'header %':>9} {'install. %':>10} {'copies':>7} {'reports':>8} {'MB/CPU s':>9}")
    for folder in args.blind:
        files = blind_files(folder)
        if not files:
            continue
        size = sum(p.stat().st_size for p in files) / 1e6
        start = time.process_time()
        s = summarise([score_file(p, repair=True, classify=False) for p in files])
        rate = size / (time.process_time() - start)
        print(
            f"{str(folder.relative_to(ROOT) if folder.is_relative_to(ROOT) else folder):<34} {s['files']:>6} "
            f"{s['header_ok'] / max(s['header_total'], 1) * 100:>9.1f} {s['inst_ok'] / max(s['inst_total'], 1) * 100:>10.1f} "
            f"{s['copies_ok']:>3}/{s['copies_total']:<3} {s['reports_right']:>3}/{s['files']:<4} {rate:>9.2f}"
        )
    print("(generated: the generator's own truth; blind: written from the form alone, truth by hand)")


if __name__ == "__main__":
    main()
