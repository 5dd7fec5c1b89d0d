"""Parse throughput and accuracy on generated reports (bma_nlp.synth) beside blind reports, as a table.

    python scripts/bench_parse.py [--reports 300] [--seed 7] [--blind tests/data/blind_reports ...]

Generated rows: parse only (read -> normalise -> copies -> merge -> validate) and parse + OCR
repair, on the same generated archive files; accuracy is exact match of every header field and
installment field in the generator's ground truth. Blind rows: files written from the form
alone by people who never read the parser (scored by scripts/score_blind.py: the 10 header
fields, 6 installment fields, copies counted right; parse + repair, no stage classifier).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from bma_nlp.parse import merge_copies, read_copies
from bma_nlp.pipeline import finish
from bma_nlp.synth import generate_archive

sys.path.insert(0, str(Path(__file__).parent))
from score_blind import blind_files, score_file, summarise  # noqa: E402  (the one blind scorer)

ROOT = Path(__file__).resolve().parent.parent

INST_FIELDS = ["number", "date", "note", "progress_pct", "disbursed_baht", "disbursement_no", "on_plan", "on_target"]


def accuracy(reports, truths) -> tuple[int, int]:
    ok = total = 0
    by_code = {(r.project.code, r.project.fiscal_year): r for r in reports}
    for truth in truths:
        p = truth["project"]
        r = by_code.get((p["code"], p["fiscal_year"]))
        for key, value in p.items():
            total += 1
            ok += r is not None and getattr(r.project, key) == value
        for i, inst in enumerate(truth["installments"]):
            for key in INST_FIELDS:
                total += 1
                got = r.installments[i] if r is not None and i < len(r.installments) else None
                ok += got is not None and getattr(got, key) == inst[key]
    return ok, total


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--reports", type=int, default=300)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--blind", type=Path, nargs="*", default=[ROOT / "tests/data/blind_reports", ROOT / "tests/data/blind_round2"])
    args = ap.parse_args()
    archive = generate_archive(args.seed, args.reports, copies="random", noise=0.2)
    texts = [t for t, _ in archive]
    truths = [e for _, e in archive]
    mb = sum(len(t.encode("utf-8")) for t in texts) / 1e6
    rows = []
    for label, repair in (("parse only", False), ("parse + repair", True)):
        if repair:
            finish(merge_copies(read_copies(texts[0])), repair=True, classify=False)  # load the lexicon once
        start = time.perf_counter()
        reports = []
        for i, text in enumerate(texts):
            reports.extend(finish(merge_copies(read_copies(text, f"synth-{i}")), repair=repair, classify=False))
        seconds = time.perf_counter() - start
        ok, total = accuracy(reports, truths)
        rows.append((label, len(texts), mb, seconds, mb / seconds, ok / total * 100))
    print(f"{'pipeline':<16} {'files':>6} {'MB':>7} {'seconds':>8} {'MB/s':>7} {'fields exact %':>15}")
    for label, n, size, sec, rate, acc in rows:
        print(f"{label:<16} {n:>6} {size:>7.2f} {sec:>8.2f} {rate:>7.2f} {acc:>15.2f}")
    print()
    print(f"{'blind set':<34} {'files':>6} {'header %':>9} {'install. %':>10} {'copies':>7} {'reports':>8} {'MB/s':>6}")
    for folder in args.blind:
        files = blind_files(folder)
        if not files:
            continue
        size = sum(p.stat().st_size for p in files) / 1e6
        start = time.perf_counter()
        s = summarise([score_file(p, repair=True, classify=False) for p in files])
        rate = size / (time.perf_counter() - start)
        print(
            f"{str(folder.relative_to(ROOT) if folder.is_relative_to(ROOT) else folder):<34} {s['files']:>6} "
            f"{s['header_ok'] / max(s['header_total'], 1) * 100:>9.1f} {s['inst_ok'] / max(s['inst_total'], 1) * 100:>10.1f} "
            f"{s['copies_ok']:>3}/{s['copies_total']:<3} {s['reports_right']:>3}/{s['files']:<4} {rate:>6.2f}"
        )
    print("(generated: the generator's own truth; blind: written from the form alone, truth by hand; host shared)")


if __name__ == "__main__":
    main()
