"""The Thai OCR profile: what OCR gets wrong in Thai, in one place.

Marks, look-alike letters, the normalisation rules that run before anything else, and the
character error table *learned* from real Tesseract output (``bma_nlp/data/ocr_profile.json``,
made by ``scripts/make_ocr_pairs.py``: clean lines rendered in Thai fonts at several sizes and
degradations, read back with ``tesseract -l tha+eng``, aligned character by character).

Repair prices an edit from this table (``sub_cost``/``insert_cost``/``drop_cost``); the
classifier's augmentation and ``bma_nlp.synth`` draw their OCR noise from it (``garble``). The
hand-written look-alike list is only the prior the learned counts are smoothed towards.
"""

from __future__ import annotations

import json
import math
import random
from collections import Counter
from collections.abc import Iterable
from functools import lru_cache
from importlib import resources
from itertools import chain
from pathlib import Path
from typing import Any

from bma_nlp.text.normalize import normalize_thai

TABLE = "ocr_profile.json"
# combining vowels and tone marks (above/below the consonant)
MARKS = frozenset("\u0e31\u0e34\u0e35\u0e36\u0e37\u0e38\u0e39\u0e3a\u0e47\u0e48\u0e49\u0e4a\u0e4b\u0e4c\u0e4d\u0e4e")
# the prior: pairs a reader of Thai OCR expects to be confused (smoothing target, not the model)
LOOKALIKE_PAIRS = [
    "ชซ", "ธช", "มบ", "ภก", "ฏย", "บป", "ดต", "ถภ", "ขช", "ผพ", "ฝฟ", "คด", "ฅค", "ฃข", "ทท", "ฑท", "ศส", "ษม",
    "ลส", "อฮ", "ฎฏ", "ญย", "ฐจ", "นบ", "วร", "ยบ", "ดค", "ำา", "ะ:", "าเ", "ใไ", "เแ", "โใ", "รว", "ฤถ",
]  # fmt: skip
LATIN_LOOKALIKE = {"n": "กทฑ", "u": "นบ", "o": "อ", "a": "ล", "b": "ษ", "s": "ร", "w": "ฟพ", "W": "ฬฟ", "0": "อo", "1": "ไ"}
_LOOKALIKE = {frozenset(p) for p in LOOKALIKE_PAIRS}

# prior costs (units of CHANNEL_WEIGHT nats): what an edit costs before any counts are seen
PRIOR_MARK = 0.35
PRIOR_LOOKALIKE = 0.3
PRIOR_SPACE = 0.3
PRIOR_OTHER = 1.0
PRIOR_PUNCT = 0.4
PRIOR_LETTER = 0.8
PRIOR_FOREIGN = 0.7  # any non-Thai character inside a Thai word is suspect
CHANNEL_WEIGHT = 9.0  # nats per unit of edit cost: cost = -ln P(edit) / CHANNEL_WEIGHT
PRIOR_WEIGHT = 200.0  # pseudo-observations of each character given to the prior
MIN_COST, MAX_COST = 0.12, 1.2
SHAPE_MAX_COST = 0.5  # letters this cheap to swap share a shape class (``Profile.shape_classes``)
PUNCT = set(".:,'\"`-_|")
TONES = frozenset("\u0e48\u0e49\u0e4a\u0e4b")


def normalise(text: str) -> str:
    """The normalisation every text gets before repair (and before errors are counted)."""
    return normalize_thai(text)


def prior_sub(a: str, b: str) -> float:
    if a == b:
        return 0.0
    if a in MARKS and b in MARKS:
        return PRIOR_MARK
    if frozenset((a, b)) in _LOOKALIKE:
        return PRIOR_LOOKALIKE
    if b in LATIN_LOOKALIKE.get(a, "") or a in LATIN_LOOKALIKE.get(b, ""):
        return PRIOR_LOOKALIKE
    if not ("\u0e00" <= a <= "\u0e7f"):
        return PRIOR_FOREIGN
    return PRIOR_OTHER


def prior_indel(c: str) -> float:
    if c in MARKS:
        return PRIOR_MARK
    if c == " ":
        return PRIOR_SPACE
    if c in PUNCT:
        return PRIOR_PUNCT
    return PRIOR_LETTER


# --- learning -------------------------------------------------------------------------------
def align(clean: str, ocr: str) -> list[tuple[str, str]]:
    """Character alignment as (intended, observed) pairs; "" on one side is a deletion/insertion."""
    from rapidfuzz.distance import Levenshtein

    out: list[tuple[str, str]] = []
    for op in Levenshtein.opcodes(clean, ocr):
        if op.tag == "equal":
            out.extend((c, c) for c in clean[op.src_start : op.src_end])
        elif op.tag == "replace":
            a, b = clean[op.src_start : op.src_end], ocr[op.dest_start : op.dest_end]
            out.extend(zip(a, b, strict=False))
            out.extend((c, "") for c in a[len(b) :])
            out.extend(("", c) for c in b[len(a) :])
        elif op.tag == "delete":
            out.extend((c, "") for c in clean[op.src_start : op.src_end])
        else:
            out.extend(("", c) for c in ocr[op.dest_start : op.dest_end])
    return out


def learn_table(pairs: Iterable[tuple[str, str]]) -> dict[str, Any]:
    """Count what OCR did to each intended character, after normalisation of the OCR."""
    seen: Counter[str] = Counter()
    seen_after_tone: Counter[str] = Counter()
    sub_after_tone: Counter[str] = Counter()
    sub: Counter[str] = Counter()
    dropped: Counter[str] = Counter()
    inserted: Counter[str] = Counter()
    lines = 0
    for clean, ocr in pairs:
        lines += 1
        clean, ocr = normalise(clean), normalise(" ".join(ocr.split()))
        prev = ""
        for a, b in align(clean, ocr):
            if a:
                seen[a] += 1
                if prev in TONES:
                    seen_after_tone[a] += 1
                    if b != a:
                        sub_after_tone[a + b] += 1  # b == "": lost
                prev = a
            if a and b and a != b:
                sub[a + b] += 1
            elif a and not b:
                dropped[a] += 1
            elif b and not a:
                inserted[b] += 1
    return {
        "lines": lines,
        "chars": dict(seen.most_common()),
        "sub": {k: v for k, v in sub.most_common()},
        "drop": dict(dropped.most_common()),
        "insert": dict(inserted.most_common()),
        # the same right after a tone mark, where OCR behaves differently (ำ stacked under a
        # tone loses its nikhahit half the time: น้ำ -> น้า)
        "chars_after_tone": dict(seen_after_tone.most_common()),
        "sub_after_tone": dict(sub_after_tone.most_common()),
    }


def table_path() -> Path:
    return Path(str(resources.files("bma_nlp") / "data" / TABLE))


def write_table(table: dict[str, Any], path: Path | None = None) -> None:
    (path or table_path()).write_text(json.dumps(table, ensure_ascii=False, indent=0, sort_keys=False) + "\n", encoding="utf-8")


@lru_cache(maxsize=1)
def load_table() -> dict[str, Any]:
    path = table_path()
    if not path.exists():
        return {"lines": 0, "chars": {}, "sub": {}, "drop": {}, "insert": {}}
    return dict(json.loads(path.read_text(encoding="utf-8")))


# --- costs ----------------------------------------------------------------------------------
def _cost(p: float) -> float:
    return min(MAX_COST, max(MIN_COST, -math.log(p) / CHANNEL_WEIGHT))


def _p(cost: float) -> float:
    return math.exp(-CHANNEL_WEIGHT * cost)


class Profile:
    """Edit costs from the learned counts, smoothed towards the prior."""

    def __init__(self, table: dict[str, Any]) -> None:
        self.chars: dict[str, int] = table.get("chars", {})
        self.sub: dict[str, int] = table.get("sub", {})
        self.drop: dict[str, int] = table.get("drop", {})
        self.insert: dict[str, int] = table.get("insert", {})
        self.chars_after_tone: dict[str, int] = table.get("chars_after_tone", {})
        self.sub_after_tone: dict[str, int] = table.get("sub_after_tone", {})
        self.total = sum(self.chars.values())
        self._sub_cache: dict[tuple[str, str], float] = {}
        self._sub_rows: dict[str, dict[str, float]] = {}  # printed -> intended -> sub_cost (the channel's inner loop)
        self._drop_cache: dict[str, float] = {}
        self._insert_cache: dict[str, float] = {}

    def sub_cost(self, intended: str, observed: str) -> float:
        """Cost of OCR printing ``observed`` where ``intended`` stood."""
        key = (intended, observed)
        cost = self._sub_cache.get(key)
        if cost is None:
            if intended == observed:
                cost = 0.0
            else:
                n = self.chars.get(intended, 0)
                k = self.sub.get(intended + observed, 0)
                cost = _cost((k + PRIOR_WEIGHT * _p(prior_sub(observed, intended))) / (n + PRIOR_WEIGHT))
            self._sub_cache[key] = cost
        return cost

    def sub_cost_after_tone(self, intended: str, observed: str) -> float:
        """``sub_cost`` for a character right after a tone mark (its own counts, when there are enough)."""
        n = self.chars_after_tone.get(intended, 0)
        if n < 20:
            return self.sub_cost(intended, observed)
        k = self.sub_after_tone.get(intended + observed, 0)
        return _cost((k + PRIOR_WEIGHT * _p(self.sub_cost(intended, observed))) / (n + PRIOR_WEIGHT))

    def drop_cost(self, intended: str) -> float:
        """Cost of OCR losing ``intended`` (repair puts it back)."""
        cost = self._drop_cache.get(intended)
        if cost is None:
            n = self.chars.get(intended, 0)
            k = self.drop.get(intended, 0)
            cost = self._drop_cache[intended] = _cost((k + PRIOR_WEIGHT * _p(prior_indel(intended))) / (n + PRIOR_WEIGHT))
        return cost

    def insert_cost(self, observed: str) -> float:
        """Cost of OCR printing an extra ``observed`` (repair takes it out)."""
        cost = self._insert_cache.get(observed)
        if cost is None:
            k = self.insert.get(observed, 0)
            # per intended character of text: inserts are rare events across all of it
            p = (k + PRIOR_WEIGHT * _p(prior_indel(observed))) / (self.total / 50 + PRIOR_WEIGHT)
            cost = self._insert_cache[observed] = _cost(min(p, 0.5))
        return cost

    def confusions(self, intended: str, limit: int = 8) -> list[tuple[str, float]]:
        """What OCR prints for ``intended`` ("" = lost), likeliest first, with probabilities."""
        n = self.chars.get(intended, 0)
        if not n:
            return []
        out = [(k[1], v / n) for k, v in self.sub.items() if k[0] == intended and len(k) == 2]
        if self.drop.get(intended):
            out.append(("", self.drop[intended] / n))
        return sorted(out, key=lambda kv: -kv[1])[:limit]

    def error_rate(self) -> float:
        """Measured errors per intended character (substitutions, losses and extra characters)."""
        errors = sum(self.sub.values()) + sum(self.drop.values()) + sum(self.insert.values())
        return errors / self.total if self.total else 0.0

    def lookalikes(self) -> dict[str, str]:
        """For each Thai letter OCR confuses with another letter, the one it prints most often
        (learned counts; the prior pairs for letters the pairs never showed confused)."""
        out: dict[str, str] = {}
        for pair in LOOKALIKE_PAIRS:
            for a, b in ((pair[0], pair[1]), (pair[1], pair[0])):
                if "\u0e01" <= a <= "\u0e2e" and "\u0e01" <= b <= "\u0e2e" and a != b:
                    out.setdefault(a, b)
        best: dict[str, tuple[int, str]] = {}
        for key, count in self.sub.items():
            a, b = key[0], key[1:]
            if len(b) == 1 and "\u0e01" <= a <= "\u0e2e" and "\u0e01" <= b <= "\u0e2e" and count >= 2:
                if count > best.get(a, (0, ""))[0]:
                    best[a] = (count, b)
        out.update({a: b for a, (_, b) in best.items()})
        return out

    def cheap_substitutions(self, letters: Iterable[str], max_cost: float) -> set[tuple[str, str]]:
        """(intended, observed) pairs of ``letters`` whose substitution costs at most ``max_cost``,
        anywhere or right after a tone mark. A pair the table never counted costs no less than
        its prior (its probability is the prior's, shrunk by the counts of what was read right),
        so below the cheapest prior cost only the counted pairs need pricing, not all of them."""
        letters = set(letters)
        if max_cost >= min(PRIOR_MARK, PRIOR_LOOKALIKE, PRIOR_SPACE, PRIOR_OTHER, PRIOR_PUNCT, PRIOR_LETTER, PRIOR_FOREIGN):
            pairs = [(a, b) for a in letters for b in letters]
        else:
            pairs = [(key[0], key[1]) for key in chain(self.sub, self.sub_after_tone) if len(key) == 2]
        return {
            (a, b) for a, b in pairs
            if a != b and a in letters and b in letters and min(self.sub_cost(a, b), self.sub_cost_after_tone(a, b)) <= max_cost
        }  # fmt: skip

    def shape_classes(self, max_cost: float = SHAPE_MAX_COST) -> dict[str, str]:
        """Letters OCR swaps cheaply, folded into classes: each Thai letter or vowel to its
        class's first member, for every pair whose substitution costs at most ``max_cost``
        (learned counts smoothed towards the prior; chained: ร~ว, ฏ~ย~บ~ป ...)."""
        letters = [chr(c) for c in range(0x0E01, 0x0E2F)] + list("เแโใไะาำ")
        parent = {c: c for c in letters}

        def root(c: str) -> str:
            while parent[c] != c:
                c = parent[c]
            return c

        for i, a in enumerate(letters):
            for b in letters[i + 1 :]:
                if min(self.sub_cost(a, b), self.sub_cost(b, a)) <= max_cost:
                    ra, rb = root(a), root(b)
                    if ra != rb:
                        parent[max(ra, rb)] = min(ra, rb)
        return {c: root(c) for c in letters if root(c) != c}

    def garble(self, text: str, rng: random.Random, rate: float = 0.05) -> str:
        """OCR noise drawn from the learned table, at about ``rate`` errors per character: the
        measured mix of substitutions, lost characters and extra ones (mostly spaces and specks)."""
        scale = rate / self.error_rate() if self.error_rate() else 0.0
        total = self.total or 1
        extra = [(c, n / total * scale) for c, n in self.insert.items()]
        out: list[str] = []
        for ch in text:
            n = self.chars.get(ch, 0)
            r = rng.random()
            if n:
                for observed, p in self.confusions(ch, limit=12):
                    r -= p * scale
                    if r < 0:
                        out.append(observed)
                        break
                else:
                    out.append(ch)
            else:
                out.append(ch)
            r = rng.random()
            for c, p in extra:
                r -= p
                if r < 0:
                    out.append(c)
                    break
        return "".join(out)


@lru_cache(maxsize=1)
def profile() -> Profile:
    """The shipped profile (learned table + prior), loaded once."""
    return Profile(load_table())
