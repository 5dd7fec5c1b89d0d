"""Let OCR'd copies of the same text vote.

A real-word error (มุ่งคุณภาพ for ผดุงคุณภาพ) passes every dictionary check; only another
copy of the same line shows it. A file is cut into copies where the report header starts
again; each line is aligned, word by word, with its best-matching line in every other copy.
Where at least two other copies read a stretch of Thai words the same way, and more copies
read it so than read it as this line does, the majority reading wins. Numbers never vote.
"""

from __future__ import annotations

from collections import Counter
from difflib import SequenceMatcher

from rapidfuzz import fuzz, process

from bma_nlp.parse.layout import COPY_START
from bma_nlp.records import Repair
from bma_nlp.repair.lexicon import THAI_WORD
from bma_nlp.text.normalize import strip_markup
from bma_nlp.tokenize import word_tokenize

MIN_LINE = 15  # shorter lines are too generic to align safely
MIN_SIMILARITY = 85.0


def copy_of_each_line(lines: list[str]) -> list[int]:
    copy, out = 0, []
    for line in lines:
        if COPY_START.match(strip_markup(line).strip()):
            copy += 1
        out.append(copy)
    return out


def _tokens(line: str) -> tuple[list[str], list[int]]:
    toks = word_tokenize(line, keep_whitespace=True)
    starts, pos = [], 0
    for t in toks:
        starts.append(pos)
        pos += len(t)
    return toks, starts


def vote_lines(lines: list[str]) -> dict[int, tuple[str, list[Repair]]]:
    """For each line index that the other copies outvote: the corrected line and its changes."""
    copy_ids = copy_of_each_line(lines)
    copies = sorted(set(copy_ids))
    out: dict[int, tuple[str, list[Repair]]] = {}
    if len(copies) < 3:
        return out
    by_copy = {c: [i for i, cid in enumerate(copy_ids) if cid == c and len(lines[i].strip()) >= MIN_LINE] for c in copies}
    for i, line in enumerate(lines):
        if len(line.strip()) < MIN_LINE:
            continue
        peers = []
        for c in copies:
            if c == copy_ids[i] or not by_copy[c]:
                continue
            best = process.extractOne(line, [lines[j] for j in by_copy[c]], scorer=fuzz.ratio, processor=None, score_cutoff=MIN_SIMILARITY)
            if best is not None:
                peers.append(best[0])
        if len(peers) < 2:
            continue
        toks, starts = _tokens(line)
        proposals: Counter[tuple[int, int, str]] = Counter()
        for peer in peers:
            peer_toks, _ = _tokens(peer)
            matcher = SequenceMatcher(None, toks, peer_toks, autojunk=False)
            for tag, i1, i2, j1, j2 in matcher.get_opcodes():
                if tag == "equal":
                    continue
                mine, theirs = "".join(toks[i1:i2]), "".join(peer_toks[j1:j2])
                if i1 == i2 or not THAI_WORD.match(mine) or not THAI_WORD.match(theirs):
                    continue  # only Thai words vote: never numbers, spacing or punctuation
                proposals[(i1, i2, theirs)] += 1
        chosen = []
        for (i1, i2, theirs), votes in proposals.items():
            # copies that read this stretch (with a word of context) as this line does, itself included
            context = "".join(toks[max(0, i1 - 1) : i2 + 1])
            agree = 1 + sum(context in peer for peer in peers)
            if votes >= 2 and votes > agree:
                chosen.append((i1, i2, theirs, votes))
        if not chosen:
            continue
        chosen.sort()
        pieces, changes, last = [], [], 0
        for i1, i2, theirs, votes in chosen:
            s, e = starts[i1], starts[i2 - 1] + len(toks[i2 - 1])
            if s < last:
                continue
            pieces.append(line[last:s] + theirs)
            changes.append(Repair(s, e, line[s:e], theirs, f"copies vote: {votes} of {len(peers) + 1} copies read it so", float(votes)))
            last = e
        pieces.append(line[last:])
        out[i] = ("".join(pieces), changes)
    return out
