"""Build bma_nlp/data/context_pairs.tsv: word pairs of real, clean BMA running prose (issue 9).

    python scripts/build_context_pairs.py [--min-notes 2] [--min-pages 2] [--check]

Repair's shipped word pairs were read off compounds of the bundled word counts only (แม่น้ำ ->
แม่ + น้ำ): no running text. The project ships verbatim real progress prose
(training_data/real_notes.jsonl); its adjacent word pairs, counted exactly as
``Evidence.add_text`` counts them (``evidence.text_pairs``: nlpo3 tokens with the compounds
dictionary, Thai words of two letters or more, numbers and punctuation breaking a phrase), say
which words stand next to which in the archive's own kind of text.

Leakage first: the real OCR pairs repair is scored on (scripts/data/ocr_pairs_*.jsonl, made from
scripts/data/ocr_sources*.txt) partly come from the same public sites. A note is left out when
its source page is any OCR source page, or when it shares a run of ``RUN`` characters (spaces
removed) with any OCR pair's clean line or any paragraph of the OCR source files (every split:
learn, held-out, fresh, round 3).

A pair is kept when it is seen in ``--min-notes`` distinct notes (by text) from ``--min-pages``
distinct source pages (one note's typo, or one page's repeated phrase, is not evidence), and
``--min-assoc`` nats more often than its two words' counts predict (pointwise mutual
information: two common words side by side say nothing of each other). A space breaks a phrase
here (unlike ``add_text``): repair looks a window's neighbours up only up to a space
(``core._neighbour``), and across one the prose mostly puts a person's name next to an office
(...กุล รองผู้ว่าราชการ), which is no evidence about either. Each kept pair's count is its number
of occurrences in the distinct kept notes; ``# words:`` gives the Thai words counted, the scale
``evidence.shipped`` puts the counts on. All thresholds were chosen on the learn split of the
real OCR pairs only. Output: one pair a line,
``left right<TAB>count``, sorted, after ``#`` comment lines. The blind batch
(training_data/blind/) is not read: it stays out of everything until it is scored.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bma_nlp.repair.evidence import text_pairs  # noqa: E402
from bma_nlp.repair.lexicon import THAI_WORD  # noqa: E402
from bma_nlp.tokenize import word_tokenize  # noqa: E402

NOTES = ROOT / "training_data" / "real_notes.jsonl"
DATA = ROOT / "scripts" / "data"
OUT = ROOT / "bma_nlp" / "data" / "context_pairs.tsv"
RUN = 20  # characters (spaces removed) two texts may share before a note counts as the same text
MIN_NOTES = 2
MIN_PAGES = 2
MIN_ASSOC = 2.0  # nats of pointwise mutual information


def norm_url(url: str) -> str:
    """A page's address without scheme, ``www.``, fragment or trailing slash (the same page
    copied twice is often cited both ways)."""
    url = url.strip().split("#", 1)[0]
    url = re.sub(r"^[a-z]+://", "", url, flags=re.IGNORECASE)
    url = re.sub(r"^www\.", "", url, flags=re.IGNORECASE)
    return url.rstrip("/").lower()


def ocr_references(data: Path) -> tuple[set[str], list[str]]:
    """The OCR sets' source page addresses and their clean texts (pairs' clean lines and the
    source files' paragraphs)."""
    urls: set[str] = set()
    texts: list[str] = []
    for path in sorted(data.glob("ocr_pairs_*.jsonl")):
        for raw in path.read_text(encoding="utf-8").splitlines():
            if raw.strip():
                row = json.loads(raw)
                if row.get("source"):
                    urls.add(norm_url(row["source"]))
                texts.append(row["clean"])
    for path in sorted(data.glob("ocr_sources*.txt")):
        for raw in path.read_text(encoding="utf-8").splitlines():
            line = raw.strip()
            if line.startswith("# source:"):
                urls.add(norm_url(line[len("# source:") :]))
            elif line and not line.startswith("#"):
                texts.append(line)
    urls.discard("form")  # (form lines written for the OCR file, no page)
    return urls, texts


def _flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def shingles(texts: Iterable[str], run: int = RUN) -> set[str]:
    out: set[str] = set()
    for text in texts:
        flat = _flat(text)
        out.update(flat[i : i + run] for i in range(len(flat) - run + 1))
    return out


def shares_run(text: str, seen: set[str], run: int = RUN) -> bool:
    flat = _flat(text)
    return any(flat[i : i + run] in seen for i in range(len(flat) - run + 1))


def exclude(notes: list[dict], urls: set[str], texts: list[str], run: int = RUN) -> tuple[list[dict], Counter[str]]:
    """The notes kept, and why the others were left out (``url``: an OCR source page;
    ``text``: a shared run of ``run`` characters with an OCR clean text; a note matching both is
    counted under ``url``)."""
    seen = shingles(texts, run)
    kept, why = [], Counter[str]()
    for note in notes:
        if norm_url(note.get("source_url", "")) in urls or norm_url(note.get("source_page", "")) in urls:
            why["url"] += 1
        elif shares_run(note["text"], seen, run):
            why["text"] += 1
        else:
            kept.append(note)
    return kept, why


def count_pairs(notes: list[dict], min_notes: int = MIN_NOTES, min_pages: int = MIN_PAGES, min_assoc: float = MIN_ASSOC, space_breaks: bool = True) -> tuple[Counter[str], int]:
    """Pairs of the distinct notes (by text, spaces collapsed), kept when seen in ``min_notes``
    notes from ``min_pages`` pages, and ``min_assoc`` nats more often than chance (pointwise
    mutual information of the two words: และ|ทำ, two common words side by side, says nothing
    of either); counted by occurrences. Also: how many Thai words the notes hold."""
    by_text: dict[str, set[str]] = defaultdict(set)
    for note in notes:
        by_text[" ".join(note["text"].split())].add(note.get("source_url") or note.get("source_page") or note.get("id", ""))
    occurrences: Counter[str] = Counter()
    words: Counter[str] = Counter()
    n_notes: Counter[str] = Counter()
    pages: dict[str, set[str]] = defaultdict(set)
    for text, where in by_text.items():
        found = text_pairs(text, space_breaks=space_breaks)
        occurrences.update(found)
        words.update(tok for tok in word_tokenize(text, engine="nlpo3") if THAI_WORD.match(tok) and len(tok) >= 2)
        for pair in set(found):
            n_notes[pair] += 1
            pages[pair] |= where
    total = sum(words.values())

    def assoc(pair: str) -> float:
        left, _, right = pair.partition(" ")
        return math.log(occurrences[pair] * total / (words[left] * words[right]))

    kept = Counter({p: c for p, c in occurrences.items() if n_notes[p] >= min_notes and len(pages[p]) >= min_pages and assoc(p) >= min_assoc})
    return kept, total


def write(pairs: Counter[str], out: Path, header: list[str]) -> None:
    lines = [f"# {h}" for h in header] + [f"{p}\t{pairs[p]}" for p in sorted(pairs)]
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--min-notes", type=int, default=MIN_NOTES)
    ap.add_argument("--min-pages", type=int, default=MIN_PAGES)
    ap.add_argument("--min-assoc", type=float, default=MIN_ASSOC, help="nats by which a pair must beat chance")
    ap.add_argument("--across-spaces", action="store_true", help="count pairs across a space too (as Evidence.add_text does)")
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--check", action="store_true", help="build, and fail if the shipped file differs")
    args = ap.parse_args()

    notes = [json.loads(line) for line in NOTES.read_text(encoding="utf-8").splitlines() if line.strip()]
    urls, texts = ocr_references(DATA)
    kept, why = exclude(notes, urls, texts)
    print(f"notes: {len(notes)}; excluded {sum(why.values())} (source page among the OCR sources: {why['url']}; a run of {RUN}+ characters shared with an OCR clean text: {why['text']}); kept {len(kept)}")
    pairs, words = count_pairs(kept, args.min_notes, args.min_pages, args.min_assoc, not args.across_spaces)
    print(f"pairs kept (>= {args.min_notes} distinct notes from >= {args.min_pages} pages, PMI >= {args.min_assoc} nats): {len(pairs)}, {sum(pairs.values())} occurrences")
    header = [
        "Word pairs of real BMA progress prose (training_data/real_notes.jsonl), built by scripts/build_context_pairs.py.",
        f"Notes left out: source page an OCR source, or a {RUN}-character run shared with an OCR clean text ({sum(why.values())} of {len(notes)}).",
        f"Kept: pairs in >= {args.min_notes} distinct notes from >= {args.min_pages} pages, PMI >= {args.min_assoc} nats"
        + ("" if args.across_spaces else ", a space breaking a phrase") + "; count = occurrences.",
        "Format: left right<TAB>count. Below: the Thai words (2+ letters) of the notes counted, the counts' scale.",
        f"words: {words}",
    ]
    if args.check:
        tmp = args.out.with_suffix(".check")
        write(pairs, tmp, header)
        same = tmp.read_bytes() == args.out.read_bytes()
        tmp.unlink()
        sys.exit(0 if same else f"{args.out} differs from a fresh build")
    write(pairs, args.out, header)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
