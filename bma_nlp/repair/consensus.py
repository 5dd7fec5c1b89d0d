"""Let OCR'd copies of the same text vote.

A real-word error (มุ่งคุณภาพ for ผดุงคุณภาพ) passes every dictionary check; only another
copy of the same line shows it. A file is cut into copies where the report header starts
again; each line is aligned, word by word, with its best-matching line in every other copy.
Where at least two other copies read a stretch of Thai words the same way, and more copies
read it so than read it as this line does, the majority reading wins. Numbers never vote.

Inside the pipeline (``parse``, ``ingest``), merged copies of one report vote the same way on
each text field (``vote_field``): the copy closest to the others is the pivot, every other copy
is aligned to it word by word, a stretch changes when more copies read it otherwise than as the
pivot does; stretches without a majority are left to lexical repair and flagged.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, replace
from difflib import SequenceMatcher

from rapidfuzz import fuzz, process

from bma_nlp.parse.layout import COPY_START
from bma_nlp.records import Repair, Report
from bma_nlp.repair.lexicon import THAI_WORD
from bma_nlp.text.normalize import strip_markup
from bma_nlp.tokenize import plan, word_tokenize

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
    # every line long enough may be read, most of them again as another line's peer: each is
    # tokenised once, and with the whole dictionary when there are many (``tokenize.plan``:
    # hundreds of per-line dictionaries cost more; the tokens are the same)
    plan(sum(len(found) for found in by_copy.values()))
    read: dict[str, tuple[list[str], list[int]]] = {}

    def tokens_of(text: str) -> tuple[list[str], list[int]]:
        hit = read.get(text)
        if hit is None:
            hit = read[text] = _tokens(text)
        return hit

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
        toks, starts = tokens_of(line)
        proposals: Counter[tuple[int, int, str]] = Counter()
        for peer in peers:
            peer_toks, _ = tokens_of(peer)
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
        out[i] = _apply_votes(line, toks, starts, sorted(chosen), len(peers) + 1)
    return out


def _apply_votes(text: str, toks: list[str], starts: list[int], chosen: list[tuple[int, int, str, int]], copies: int) -> tuple[str, list[Repair]]:
    """``text`` with each chosen stretch of its tokens ``[i1:i2]`` replaced by the copies'
    reading (in order; one overlapping an earlier replacement is skipped), and the changes."""
    pieces, changes, last = [], [], 0
    for i1, i2, theirs, votes in chosen:
        s, e = starts[i1], starts[i2 - 1] + len(toks[i2 - 1])
        if s < last:
            continue
        pieces.append(text[last:s] + theirs)
        changes.append(Repair(s, e, text[s:e], theirs, f"copies vote: {votes} of {copies} copies read it so", float(votes)))
        last = e
    pieces.append(text[last:])
    return "".join(pieces), changes


def _medoid(readings: list[str]) -> int:
    """The reading closest to all the others (the copy to align the rest to)."""
    scores = [sum(fuzz.ratio(r, other) for other in readings) for r in readings]
    return max(range(len(readings)), key=lambda i: (scores[i], -i))


def vote_readings(readings: list[str]) -> tuple[str, str, list[Repair], list[str]]:
    """Word-by-word vote among the copies' readings of one text field.

    Returns (pivot, voted, changes, disagreements): ``pivot`` is the copy the others were
    aligned to (an actual OCR reading, kept as the original), ``voted`` the text after the
    majority won where copies disagree, ``changes`` explain each replaced stretch (offsets in
    ``pivot``), ``disagreements`` the stretches no majority settles (``a / b``), which lexical
    repair may still decide and which are worth a flag. Only Thai words vote.
    """
    present = [r for r in readings if r]
    if not present:
        return "", "", [], []
    pivot = present[_medoid(present)]
    if len(set(present)) == 1:
        return pivot, pivot, [], []
    toks, starts = _tokens(pivot)
    peers = list(present)
    peers.remove(pivot)
    # what each peer reads where the pivot's tokens [i1:i2] stand
    readings_of: list[tuple[dict[tuple[int, int], str], list[tuple[int, int]]]] = []
    spans: set[tuple[int, int]] = set()
    for peer in peers:
        peer_toks, _ = _tokens(peer)
        replaced: dict[tuple[int, int], str] = {}
        equal: list[tuple[int, int]] = []
        for tag, i1, i2, j1, j2 in SequenceMatcher(None, toks, peer_toks, autojunk=False).get_opcodes():
            if tag == "equal":
                equal.append((i1, i2))
                continue
            mine, theirs = "".join(toks[i1:i2]), "".join(peer_toks[j1:j2])
            if i1 == i2 or not THAI_WORD.match(mine) or not THAI_WORD.match(theirs):
                continue  # only Thai words vote: never numbers, spacing or punctuation
            replaced[(i1, i2)] = theirs
            spans.add((i1, i2))
        readings_of.append((replaced, equal))
    proposals: Counter[tuple[int, int, str]] = Counter()
    agree: Counter[tuple[int, int]] = Counter()
    for i1, i2 in spans:
        for replaced, equal in readings_of:
            if (i1, i2) in replaced:
                proposals[(i1, i2, replaced[(i1, i2)])] += 1
            elif any(a <= i1 and i2 <= b for a, b in equal):
                agree[(i1, i2)] += 1  # this peer reads the stretch as the pivot does
    chosen: list[tuple[int, int, str, int]] = []
    disagreements: list[str] = []
    for i1, i2 in sorted(spans):
        mine = "".join(toks[i1:i2])
        votes_here = {theirs: v for (a, b, theirs), v in proposals.items() if (a, b) == (i1, i2)}
        theirs, votes = max(votes_here.items(), key=lambda kv: kv[1])
        keep = 1 + agree[(i1, i2)]
        if votes >= 2 and votes > keep and list(votes_here.values()).count(votes) == 1:
            chosen.append((i1, i2, theirs, votes))
        elif keep < 2 or votes == keep:
            # no reading has a majority of the copies: left open (lexical repair may decide)
            disagreements.append(" / ".join(dict.fromkeys([mine, *sorted(votes_here)])))
    voted, changes = _apply_votes(pivot, toks, starts, chosen, len(present))
    return pivot, voted, changes, disagreements


def vote_field(report: Report, readings: list[str], where: str, installment: int | None = None) -> tuple[str, str]:
    """Let the copies of a report vote on one text field, word by word, inside ``parse``.

    Records each change in ``report.repairs`` and flags (3+ copies) the stretches no majority
    settles. Returns (the OCR reading kept as original, the voted text)."""
    pivot, voted, changes, open_stretches = vote_readings([r for r in readings if r])
    report.repairs.extend(asdict(replace(c, field=where)) for c in changes)
    if len([r for r in readings if r]) >= 3:
        for stretch in open_stretches:
            report.flag("copies_disagree", f"copies disagree on {where}: {stretch} (no majority)", installment)
    return pivot, voted
