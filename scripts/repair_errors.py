"""Where the errors left after OCR repair stand, by mechanism (learn split only by default).

    python scripts/repair_errors.py [--pairs learn] [--degradation noise] [--show CLASS] [--limit 20]

Each real Tesseract pair (``scripts/data/ocr_pairs_all.jsonl``, the tuning split) is
normalised and repaired as in ``bench_repair.py``; the clean line and the repaired one are then
aligned character by character (``Levenshtein.editops``), adjacent edits grouped into one
*stretch*, and each stretch put in the first class that fits:

- speck: punctuation only (``' . , ` : ; _ - ~ | ! = ( )`` ...) inserted, at the line's edge,
  glued to a Thai word, or standing alone between spaces;
- space inserted / space lost: a space only;
- Latin/digit for Thai: the repaired stretch holds Latin letters or digits where Thai stood;
- then the clean line's word(s) the stretch touches (tokeniser's) and what stands aligned with
  them in the repaired line: "a word broken by a space and slips" when that holds a space;
  "real-word slip" when it is trusted as it stands (a listed word, or a compound of listed
  words: garbles often split into real words), "marks only" or "letters" by what differs;
  else "non-word", marks only or by the edit distance of the word read from the right one.

The count is of character edits (the CER numerator), so the table adds up to the errors left.

``--why`` then asks, for each word-level error (real-word slips and non-words), why repair left
it, by the first reason that holds: a token there is protected (a name, an abbreviation); the
right word is not trusted; the learned channel prices the edit over a fix's limit; the gain
(unigram log-probability over the text's best reading, less the channel) is under ``MIN_GAIN``;
no detector judged the token though the fix would gain; the near candidates do not hold the
right word; else the runner-up margin, a rival window or the second pass. Approximate: it prices
the word alone, without the context bonus or the windows repair tries.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

from rapidfuzz.distance import Levenshtein

from bma_nlp.repair import core, load_lexicon, repair
from bma_nlp.repair.channel import MARKS, ocr_cost
from bma_nlp.repair.profile import normalise
from bma_nlp.tokenize import word_tokenize

DATA = Path(__file__).parent / "data"
_THAI = re.compile("[\u0e01-\u0e5b]")
_LATIN_DIGIT = re.compile("[A-Za-z0-9]")


def load_pairs(which: str) -> list[dict[str, str]]:
    path = {"learn": "ocr_pairs_all.jsonl", "heldout": "ocr_pairs_heldout.jsonl", "fresh": "ocr_pairs_fresh.jsonl"}[which]
    pairs = [json.loads(x) for x in (DATA / path).read_text(encoding="utf-8").splitlines() if x.strip()]
    return [p for p in pairs if p.get("split", "heldout") == which]


def stretches(ref: str, out: str) -> list[tuple[int, int, int, int]]:
    """Groups of adjacent edits as (ref_start, ref_end, out_start, out_end)."""
    groups: list[list[int]] = []
    for op in Levenshtein.editops(ref, out):
        s, d = op.src_pos, op.dest_pos
        s_end = s + (op.tag != "insert")
        d_end = d + (op.tag != "delete")
        if groups and s <= groups[-1][1] and d <= groups[-1][3]:
            g = groups[-1]
            g[1], g[3] = max(g[1], s_end), max(g[3], d_end)
        else:
            groups.append([s, s_end, d, d_end])
    return [(a, b, c, d) for a, b, c, d in groups]


def position_map(ref: str, out: str) -> list[int]:
    """For each position 0..len(ref) of the clean line, the aligned position in the repaired one."""
    at = list(range(len(ref) + 1))
    shift = 0
    ops = list(Levenshtein.editops(ref, out))
    k = 0
    for i in range(len(ref) + 1):
        while k < len(ops) and ops[k].src_pos <= i and (ops[k].src_pos < i or ops[k].tag == "insert"):
            shift += {"insert": 1, "delete": -1, "replace": 0}[ops[k].tag]
            k += 1
        at[i] = i + shift
    return at


def word_span(tokens: list[str], start: int, end: int) -> tuple[int, int]:
    """The character span of the clean line's words (tokeniser's) that [start, end) touches."""
    pos, lo, hi = 0, None, None
    for tok in tokens:
        a, b = pos, pos + len(tok)
        pos = b
        if b > start and a < max(end, start + 1) or (a == start == end):
            lo = a if lo is None else lo
            hi = b
    return (lo, hi) if lo is not None else (start, end)


def classify(ref: str, out: str, group: tuple[int, int, int, int], lexicon: object, ref_tokens: list[str], at: list[int]) -> str:
    rs, re_, os_, oe = group
    lost, added = ref[rs:re_], out[os_:oe]
    both = lost + added
    if not lost and added and not _THAI.search(added) and not _LATIN_DIGIT.search(added) and added.strip():
        before = out[os_ - 1] if os_ > 0 else ""
        after = out[oe] if oe < len(out) else ""
        if not out[:os_].strip() or not out[oe:].strip():
            return "speck at the line edge"
        if _THAI.match(before or " ") or _THAI.match(after or " "):
            return "speck glued to a Thai word"
        return "speck standing alone"
    if both.strip() == "" and both:
        return "space inserted" if added else "space lost"
    if not lost and not _THAI.search(added) and not _LATIN_DIGIT.search(added):
        return "speck with a space"
    if _LATIN_DIGIT.search(added) and not _LATIN_DIGIT.search(lost):
        return "Latin/digit for Thai"
    if not _THAI.search(both):
        return "other (non-Thai)"
    ws, we = word_span(ref_tokens, rs, re_)
    right, word = ref[ws:we], out[at[ws] : at[we]]
    marks = bool(both) and all(ch in MARKS for ch in both)
    if " " in word.strip():
        return "a word broken by a space and slips"
    if word and lexicon.is_trusted(word):  # type: ignore[attr-defined]
        return "real-word slip, marks only" if marks else "real-word slip, letters"
    if marks:
        return "non-word, marks only"
    d = Levenshtein.distance(word, right)
    return f"non-word, {min(d, 3)}{'+' if d >= 3 else ''} edit{'s' if d > 1 else ''} in the word"


def why_left(ref: str, out: str, group: tuple[int, int, int, int], kind: str, lexicon: object, ref_tokens: list[str], at: list[int], line: core._Line) -> str:
    """Why repair left a word-level error (``--why``; see the module's docstring)."""
    lex = lexicon  # (a Lexicon)
    ws, we = word_span(ref_tokens, group[0], group[1])
    right, s, e = ref[ws:we], at[ws], at[we]
    word = out[s:e]
    toks = [k for k, st in enumerate(line.starts) if st < e and st + len(line.tokens[k]) > s and not line.tokens[k].isspace()]
    head = kind.split(",")[0]
    if not toks:
        return f"{head}: no token"
    if any(line.protected[k] for k in toks):
        return f"{head}: protected"
    a, b = toks[0], toks[-1]
    judged = any(
        core._suspicious(line.tokens[k], lex) or core._pair_suspect(line, k, lex) or core._context_suspect(line, k, lex) or core._real_word_slip(line, k, lex)  # type: ignore[arg-type]
        for k in toks
    )
    base = max(core._window_logp(line, a, b, lex), lex.best_split_logp(word))  # type: ignore[arg-type, attr-defined]
    cost = ocr_cost(word, right)
    gain = lex.best_split_logp(right) - base - core.CHANNEL_WEIGHT * cost  # type: ignore[attr-defined]
    if not lex.is_trusted(right):  # type: ignore[attr-defined]
        return f"{head}: right word not trusted"
    if cost > 0.2 * len(right) + 0.5:
        return f"{head}: channel cost over the limit"
    if gain < core.MIN_GAIN:
        return f"{head}: gain under MIN_GAIN" + ("" if judged else " (not judged)")
    if not judged:
        return f"{head}: not judged (would gain)"
    if right not in {"".join(words) for words, _ in core._candidates(word, lex)}:  # type: ignore[arg-type]
        return f"{head}: candidate not generated (near)"
    return f"{head}: margin, rival window or pass"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--pairs", choices=["learn", "heldout", "fresh"], default="learn")
    ap.add_argument("--degradation", default=None, help="only lines of this degradation (e.g. noise)")
    ap.add_argument("--show", default=None, help="print examples of the classes whose name starts so")
    ap.add_argument("--limit", type=int, default=20)
    ap.add_argument("--why", action="store_true", help="why repair left each word-level error (approximate)")
    args = ap.parse_args()
    if args.pairs != "learn":
        print("note: scoring a held-out set; do not tune on what this prints", file=sys.stderr)
    lexicon = load_lexicon()
    pairs = load_pairs(args.pairs)
    if args.degradation:
        pairs = [p for p in pairs if p["degradation"] == args.degradation]
    errors: Counter[str] = Counter()
    noise_errors: Counter[str] = Counter()
    reasons: Counter[str] = Counter()
    examples: dict[str, list[str]] = defaultdict(list)
    total_norm = total_after = 0
    for p in pairs:
        ref = p["clean"]
        normed = normalise(" ".join(p["ocr"].split()))
        out = repair(normed, consensus=False).text
        total_norm += Levenshtein.distance(ref, normed)
        total_after += Levenshtein.distance(ref, out)
        ref_tokens = word_tokenize(ref, engine="nlpo3", keep_whitespace=True)
        at = position_map(ref, out)
        line = core._Line(out, lexicon) if args.why else None
        for g in stretches(ref, out):
            kind = classify(ref, out, g, lexicon, ref_tokens, at)
            n = Levenshtein.distance(ref[g[0] : g[1]], out[g[2] : g[3]])
            errors[kind] += n
            if line is not None and kind.startswith(("real-word", "non-word")):
                reasons[why_left(ref, out, g, kind, lexicon, ref_tokens, at, line)] += n
            if p["degradation"] == "noise":
                noise_errors[kind] += n
            if args.show and kind.startswith(args.show) and len(examples[kind]) < args.limit:
                lo, hi = max(0, g[2] - 12), g[3] + 12
                rlo, rhi = max(0, g[0] - 12), g[1] + 12
                examples[kind].append(f"  ref {ref[rlo:rhi]!r}  out {out[lo:hi]!r}  [{ref[g[0]:g[1]]!r} -> {out[g[2]:g[3]]!r}]")
    print(f"{args.pairs} split{' (' + args.degradation + ')' if args.degradation else ''}: {len(pairs)} lines; "
          f"errors after normalisation {total_norm}, after repair {total_after} ({(total_norm - total_after) / max(1, total_norm):.1%} fixed)")
    print(f"{'mechanism':<36} {'errors':>6} {'share':>6} {'noise lines':>11}")
    for kind, n in errors.most_common():
        print(f"{kind:<36} {n:>6} {n / max(1, total_after):>6.1%} {noise_errors[kind]:>11}")
    if args.why:
        print(f"\nwhy repair left the word-level errors ({sum(reasons.values())} character edits):")
        for reason, n in reasons.most_common():
            print(f"  {reason:<52} {n:>6}")
    for kind, rows in examples.items():
        print(f"\n{kind}:")
        print("\n".join(rows))


if __name__ == "__main__":
    main()
