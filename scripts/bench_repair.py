"""OCR repair benchmark: CER before/after, damage to clean text and names, speed. Printed as a table.

    python scripts/bench_repair.py [--rate 0.05] [--seed 1] [--subset 12]

The corrupted corpus is built from scripts/data/clean_corpus.txt with the seeded OCR noise
model in scripts/ocr_noise.py. Systems, all in one run: no repair, bma_nlp.repair, and
PyThaiNLP's spell.correct applied word by word (on the first --subset lines: it is slow).
CER = character edit distance to the clean text / clean length (ICDAR post-OCR style).
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path

from rapidfuzz.distance import Levenshtein

sys.path.insert(0, str(Path(__file__).parent))
from ocr_noise import corrupt  # noqa: E402

from bma_nlp.repair import load_lexicon, repair  # noqa: E402
from bma_nlp.repair.channel import ocr_cost  # noqa: E402
from bma_nlp.tokenize import word_tokenize  # noqa: E402

DATA = Path(__file__).parent / "data"


def bma(text: str) -> str:
    return repair(text, consensus=False).text


def pythainlp_correct(text: str) -> str:
    from pythainlp.spell import correct

    out = []
    for tok in word_tokenize(text, keep_whitespace=True):
        out.append(correct(tok) if any("\u0e01" <= ch <= "\u0e2e" for ch in tok) else tok)
    return "".join(out)


def none(text: str) -> str:
    return text


def cer(refs: list[str], hyps: list[str]) -> float:
    return sum(Levenshtein.distance(r, h) for r, h in zip(refs, hyps, strict=True)) / sum(len(r) for r in refs)


def run(system: Callable[[str], str], lines: list[str]) -> tuple[list[str], float]:
    load_lexicon().clear_caches()  # every timing starts cold: no decisions remembered from another run
    ocr_cost.cache_clear()
    start = time.process_time()  # CPU seconds of this process: "one core", whatever else the machine runs
    out = [system(line) for line in lines]
    return out, time.process_time() - start


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rate", type=float, default=0.05, help="share of words corrupted")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--subset", type=int, default=12, help="lines given to the slow pythainlp baseline (0: skip it)")
    ap.add_argument(
        "--lines", choices=["all", "tuning", "held-out"], default="all",
        help="repair's thresholds were tuned on the even lines; 'held-out' uses only the odd ones",
    )
    args = ap.parse_args()
    clean = [line for line in (DATA / "clean_corpus.txt").read_text(encoding="utf-8").splitlines() if line.strip()]
    clean = {"all": clean, "tuning": clean[0::2], "held-out": clean[1::2]}[args.lines]
    names = [line for line in (DATA / "names.txt").read_text(encoding="utf-8").splitlines() if line.strip()]
    rng = random.Random(args.seed)
    settings = {
        f"{args.rate:.0%} words": [corrupt(line, rng, args.rate) for line in clean],
        f"{args.rate:.0%} words + ำ as ํา": [corrupt(line, rng, args.rate, tesseract_am=True) for line in clean],
    }
    # Start-up, once per process and not part of throughput: load the lexicon, build both
    # candidate indexes, and run every code path once.
    lexicon = load_lexicon()
    lexicon.deletes_index()
    lexicon.words_by_length()
    bma("การดำเนนการจัดซี้อวัสดุ ผลงคุณภาพ ทุกะบบย่อย")
    systems: list[tuple[str, Callable[[str], str], int]] = [
        ("no repair", none, len(clean)),
        ("bma_nlp.repair", bma, len(clean)),
        ("pythainlp spell.correct", pythainlp_correct, args.subset),
    ]
    systems = [row for row in systems if row[2] > 0]
    print(f"corpus ({args.lines} lines): {len(clean)} lines, {sum(map(len, clean)):,} characters; names: {len(names)}; seed {args.seed}")
    header = f"{'system':<24} {'noise':<20} {'lines':>5} {'CER before':>10} {'CER after':>9} {'reduction':>9} {'clean chg':>9} {'names chg':>9} {'chars/s':>9}"
    print(header)
    print("-" * len(header))
    for label, system, n in systems:
        clean_out, _ = run(system, clean[:n])
        clean_changed = cer(clean[:n], clean_out)
        names_out, _ = run(system, names[: max(n, 40)])
        names_changed = cer(names[: max(n, 40)], names_out)
        for noise, noisy in settings.items():
            out, seconds = run(system, noisy[:n])
            before, after = cer(clean[:n], noisy[:n]), cer(clean[:n], out)
            speed = f"{sum(map(len, noisy[:n])) / seconds:,.0f}" if system is not none else "-"
            reduction = (before - after) / before * 100 if before else 0.0
            print(
                f"{label:<24} {noise:<20} {n:>5} {before:>10.2%} {after:>9.2%} {reduction:>8.1f}% "
                f"{clean_changed:>9.3%} {names_changed:>9.3%} {speed:>9}"
            )


    print("chars/s: characters per CPU second on one core, caches cold (start-up excluded);")
    print("clean chg / names chg: share of characters changed in uncorrupted text / people's names")


if __name__ == "__main__":
    main()
