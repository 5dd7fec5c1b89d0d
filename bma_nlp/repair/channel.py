"""A Thai OCR noisy channel: what an edit costs, by what OCR really gets wrong.

Measured (PITFALLS.md): lost or swapped vowel/tone marks and a handful of look-alike
consonant pairs dominate; letters dropped or doubled are rarer. Cheap edits for the former,
full price for the rest, so a candidate reachable by typical OCR slips ranks first.
"""

from __future__ import annotations

from functools import lru_cache

MARKS = set("\u0e31\u0e34\u0e35\u0e36\u0e37\u0e38\u0e39\u0e3a\u0e47\u0e48\u0e49\u0e4a\u0e4b\u0e4c\u0e4d\u0e4e")
LOOKALIKE_PAIRS = [
    "ชซ", "ธช", "มบ", "ภก", "ฏย", "บป", "ดต", "ถภ", "ขช", "ผพ", "ฝฟ", "คด", "ฅค", "ฃข", "ทท", "ฑท", "ศส", "ษม",
    "ลส", "อฮ", "ฎฏ", "ญย", "ฐจ", "นบ", "วร", "ยบ", "ดค", "ำา", "ะ:", "าเ", "ใไ", "เแ", "โใ", "รว", "ฤถ",
]  # fmt: skip
_LOOKALIKE = {frozenset(p) for p in LOOKALIKE_PAIRS}
_LATIN_LOOKALIKE = {"n": "กทฑ", "u": "นบ", "o": "อ", "a": "ล", "b": "ษ", "s": "ร", "w": "ฟพ", "W": "ฬฟ", "0": "อo", "1": "ไ"}

COST_MARK = 0.35  # a vowel/tone mark lost, added or swapped for another
COST_LOOKALIKE = 0.3
COST_SPACE = 0.3
COST_OTHER = 1.0
COST_DOUBLED = 0.4  # a letter printed twice
COST_LETTER = 0.8  # a letter lost, or an extra one that is not a repeat
MIN_EDIT_COST = min(COST_MARK, COST_LOOKALIKE, COST_SPACE)  # the cheapest single edit (a lower bound)


def _sub_cost(a: str, b: str) -> float:
    if a == b:
        return 0.0
    if a in MARKS and b in MARKS:
        return COST_MARK
    if frozenset((a, b)) in _LOOKALIKE:
        return COST_LOOKALIKE
    if b in _LATIN_LOOKALIKE.get(a, "") or a in _LATIN_LOOKALIKE.get(b, ""):
        return COST_LOOKALIKE
    if not ("\u0e00" <= a <= "\u0e7f"):  # any non-Thai character inside a Thai word is suspect
        return 0.7
    return COST_OTHER


def _indel_cost(c: str) -> float:
    if c in MARKS:
        return COST_MARK
    if c == " ":
        return COST_SPACE
    if c in ".:,'\"`-_|":
        return 0.4
    return COST_LETTER


@lru_cache(maxsize=65536)
def ocr_cost(observed: str, intended: str) -> float:
    """Weighted edit distance (with adjacent transposition) from what OCR printed to a candidate."""
    # Only the differing middle matters: trim the common prefix and suffix first.
    full = observed
    k = 0
    while k < len(observed) and k < len(intended) and observed[k] == intended[k]:
        k += 1
    start = k
    observed, intended = observed[k:], intended[k:]
    k = 0
    while k < len(observed) and k < len(intended) and observed[-1 - k] == intended[-1 - k]:
        k += 1
    if k:
        observed, intended = observed[:-k], intended[:-k]
    n, m = len(observed), len(intended)
    # a single extra letter that repeats its neighbour is a doubled letter
    k_doubled = n == 1 and m == 0 and any(0 <= p < len(full) and full[p] == observed for p in (start - 1, start + 1))
    # most candidates differ by one edit: price it directly
    if n == 0:
        return sum(_indel_cost(c) for c in intended)
    if m == 0 and n == 1 and k_doubled:
        return COST_DOUBLED
    if m == 0:
        return sum(_indel_cost(c) for c in observed)
    if n == 1 and m == 1:
        return _sub_cost(observed, intended)
    prev2: list[float] = []
    prev = [0.0] * (m + 1)
    for j in range(1, m + 1):
        prev[j] = prev[j - 1] + _indel_cost(intended[j - 1])
    for i in range(1, n + 1):
        a = observed[i - 1]
        # a letter OCR printed twice is cheap to drop; any other extra letter is not
        drop_a = COST_DOUBLED if (i > 1 and observed[i - 2] == a) or (i < n and observed[i] == a) else _indel_cost(a)
        cur = [prev[0] + drop_a] + [0.0] * m
        for j in range(1, m + 1):
            b = intended[j - 1]
            best = min(prev[j] + drop_a, cur[j - 1] + _indel_cost(b), prev[j - 1] + _sub_cost(a, b))
            if i > 1 and j > 1 and a == intended[j - 2] and observed[i - 2] == b and a != b:
                best = min(best, prev2[j - 2] + (COST_MARK if a in MARKS or b in MARKS else 0.6))
            cur[j] = best
        prev2, prev = prev, cur
    return prev[m]
