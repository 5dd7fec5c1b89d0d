"""A Thai OCR noisy channel: what an edit costs, by what OCR really gets wrong.

The prices come from the Thai OCR profile (``bma_nlp.repair.profile``): character
substitutions, losses and extra characters counted on real Tesseract output, smoothed towards
a small prior (marks and look-alike letters cheap, other letters dear). A candidate reachable
by the slips Tesseract actually makes ranks first.
"""

from __future__ import annotations

from functools import lru_cache

from rapidfuzz.distance import Postfix, Prefix

from bma_nlp.repair.profile import MARKS, MIN_COST, TONES, profile

COST_DOUBLED = 0.4  # a letter printed twice
MIN_EDIT_COST = MIN_COST  # the cheapest single edit (a lower bound used to prune candidates)


def _sub_cost(a: str, b: str) -> float:
    """OCR printed ``a`` where ``b`` stood."""
    return profile().sub_cost(b, a)


def _extra_cost(c: str) -> float:
    return profile().insert_cost(c)


def _lost_cost(c: str) -> float:
    return profile().drop_cost(c)


@lru_cache(maxsize=65536)
def ocr_cost(observed: str, intended: str) -> float:
    """Weighted edit distance (with adjacent transposition) from what OCR printed to a candidate."""
    # Only the differing middle matters: trim the common prefix and suffix first (rapidfuzz
    # measures them in C).
    full = observed
    start = Prefix.similarity(observed, intended)
    observed, intended = observed[start:], intended[start:]
    k = Postfix.similarity(observed, intended)
    if k:
        observed, intended = observed[:-k], intended[:-k]
    n, m = len(observed), len(intended)
    # what else the price depends on: for one extra letter, whether it repeats its neighbour (a
    # doubled letter); for one letter read as another, whether a tone mark stands before it
    if n == 1 and m == 0:
        flag = any(0 <= p < len(full) and full[p] == observed for p in (start - 1, start + 1))
    elif n == 1 and m == 1:
        flag = bool(start) and full[start - 1] in TONES
    else:
        flag = False
    return _middle_cost(observed, intended, flag)


@lru_cache(maxsize=65536)
def _middle_cost(observed: str, intended: str, flag: bool) -> float:
    """``ocr_cost`` of the differing middles (many windows share the same few slips)."""
    n, m = len(observed), len(intended)
    k_doubled = flag
    # most candidates differ by one edit: price it directly
    if n == 0:
        return sum(_lost_cost(c) for c in intended)
    if m == 0 and n == 1 and k_doubled:
        return min(COST_DOUBLED, _extra_cost(observed))
    if m == 0:
        return sum(_extra_cost(c) for c in observed)
    if n == 1 and m == 1:
        if flag:  # right after a tone mark
            return profile().sub_cost_after_tone(intended, observed)
        return _sub_cost(observed, intended)
    prof = profile()  # bound once: the table's caches are read directly in the loop below
    sub, drop, extra = prof.sub_cost, prof.drop_cost, prof.insert_cost
    rows = prof._sub_rows  # what each printed character costs for each intended one, as worked out so far
    lost = [drop(b) for b in intended]
    prev2: list[float] = []
    prev = [0.0] * (m + 1)
    for j in range(1, m + 1):
        prev[j] = prev[j - 1] + lost[j - 1]
    for i in range(1, n + 1):
        a = observed[i - 1]
        # a letter OCR printed twice is cheap to drop; any other extra letter is not
        drop_a = extra(a)
        if (i > 1 and observed[i - 2] == a) or (i < n and observed[i] == a):
            drop_a = min(drop_a, COST_DOUBLED)
        cur = [prev[0] + drop_a] + [0.0] * m
        row = rows.get(a)
        if row is None:
            row = rows[a] = {}
        for j in range(1, m + 1):
            b = intended[j - 1]
            best = prev[j] + drop_a
            other = cur[j - 1] + lost[j - 1]
            if other < best:
                best = other
            if a == b:
                other = prev[j - 1]
            else:
                price = row.get(b)
                if price is None:
                    price = row[b] = sub(b, a)
                other = prev[j - 1] + price
            if other < best:
                best = other
            if i > 1 and j > 1 and a == intended[j - 2] and observed[i - 2] == b and a != b:
                best = min(best, prev2[j - 2] + (0.35 if a in MARKS or b in MARKS else 0.6))
            cur[j] = best
        prev2, prev = prev, cur
    return prev[m]


def clear_costs() -> None:
    """Forget every remembered price (benchmarks time cold runs)."""
    ocr_cost.cache_clear()
    _middle_cost.cache_clear()
