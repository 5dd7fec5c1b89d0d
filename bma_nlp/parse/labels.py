"""The form's labels and verdict phrases, recognised however OCR printed them.

``bma_nlp/data/form_labels.txt`` is the one lexicon of the form (``ROLE = label`` lines); this
module is its one loader. Header fields, installment metrics, verdicts, section headings and
copy boundaries are all found through it, and repair restores header labels from the same list.

Matching is OCR-aware in two steps. A *skeleton* drops what OCR most often loses or adds
(vowel and tone marks, spaces, dots) and folds look-alike letters into one class (the pairs of
``bma_nlp.repair.channel``), so a garbled label's skeleton usually equals the label's. A skeleton
match is only a candidate: ``bma_nlp.repair.channel.ocr_cost`` (the repair module's noisy
channel) then prices the edits from what was printed to the label, and a candidate is accepted
only when that price is small for the label's length.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

HEADER_ROLES = (
    "name", "code", "fiscal_year", "start_date", "end_date", "budget_received", "budget_used",
    "agency", "responsible", "coordinator", "strategy", "sub_strategy", "goal", "indicator", "period",
)  # fmt: skip
SECTION_ROLES = ("section_copy", "section_progress", "section_header", "rationale", "objectives", "targets", "strategy_plan")
# a dot leader between a label and its value (``รหัสโครงการ ........ X``): it stands for the colon
DOT_LEADER = re.compile(r"\s*(?:\.{3,}|…+)[.…\s]*")
# a gap between two cells or fields of a line: a tab, or three spaces or more
WIDE_GAP = re.compile(r"\t+| {3,}")
INSTALLMENT_ROLES = ("report_no", "progress", "disbursed", "ordinal", "inst_date", "inst_note")
VERDICT_ROLES = ("plan_yes", "plan_no", "target_yes", "target_no")
# What a verdict role reads as once recognised: the parser sees one spelling per meaning.
VERDICT_TEXT = {"plan_yes": "เป็นไปตามแผน", "plan_no": "ไม่เป็นไปตามแผน", "target_yes": "เป็นไปตามเป้าหมาย", "target_no": "ไม่เป็นไปตามเป้าหมาย"}

# Marks OCR loses, adds or swaps (and ฯ, which exports print or drop), and typographic noise.
_DROP = set("\u0e31\u0e34\u0e35\u0e36\u0e37\u0e38\u0e39\u0e3a\u0e47\u0e48\u0e49\u0e4a\u0e4b\u0e4c\u0e4d\u0e4e\u0e2f") | set(" \t.…·*#\\_")
_NOISE = re.compile(r"[\s.…·*#\\_]+")
_MARKS = frozenset("\u0e31\u0e34\u0e35\u0e36\u0e37\u0e38\u0e39\u0e3a\u0e47\u0e48\u0e49\u0e4a\u0e4b\u0e4c\u0e4d\u0e4e")


def _letter_classes() -> dict[str, str]:
    from bma_nlp.repair.profile import LATIN_LOOKALIKE, LOOKALIKE_PAIRS

    parent: dict[str, str] = {}

    def find(c: str) -> str:
        while parent.get(c, c) != c:
            c = parent[c]
        return c

    for pair in LOOKALIKE_PAIRS:
        a, b = pair[0], pair[1]
        if not ("\u0e00" <= a <= "\u0e7f" and "\u0e00" <= b <= "\u0e7f") or a in _DROP or b in _DROP:
            continue
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    classes = {c: find(c) for c in list(parent)}
    for latin, thai in LATIN_LOOKALIKE.items():
        if latin.isalpha():
            classes[latin] = classes.get(thai[0], thai[0])
    return classes


@lru_cache(maxsize=1)
def _classes() -> dict[str, str]:
    return _letter_classes()


@lru_cache(maxsize=1)
def _table() -> dict[int, str | None]:
    table: dict[int, str | None] = {ord(c): None for c in _DROP}
    table.update({ord(c): k for c, k in _classes().items() if c != k})
    return table


def skeleton_text(text: str) -> str:
    """``text`` without marks, spaces and dots, look-alike letters folded (one C-speed translate);
    ``เเ`` (two sara e, as OCR prints แ) counts as one letter."""
    if "เเ" in text:
        text = text.replace("เเ", "เ")
    return text.translate(_table())


def skeleton(text: str) -> tuple[str, list[int]]:
    """The skeleton of ``text`` and where each of its characters came from in ``text``."""
    if "เเ" not in text:
        return text.translate(_table()), [i for i, c in enumerate(text) if c not in _DROP]
    kept = [i for i, c in enumerate(text) if not (c == "เ" and i > 0 and text[i - 1] == "เ")]
    single = "".join(text[i] for i in kept)
    return single.translate(_table()), [kept[i] for i, c in enumerate(single) if c not in _DROP]


def compact(text: str) -> str:
    """A label as compared by the channel: spaces, dots and decoration removed."""
    return _NOISE.sub("", text)


@dataclass(frozen=True)
class Label:
    role: str
    text: str
    compact: str
    skeleton: str

    @property
    def tolerance(self) -> float:
        """The largest channel cost accepted for this label: more edits for a longer label."""
        return 0.45 + 0.07 * len(self.compact)


@lru_cache(maxsize=1)
def load_labels() -> tuple[Label, ...]:
    text = (resources.files("bma_nlp") / "data" / "form_labels.txt").read_text(encoding="utf-8")
    labels = []
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        role, sep, label = line.partition("=")
        if not sep:
            raise ValueError(f"form_labels.txt: line without 'ROLE = label': {line!r}")
        label = label.strip()
        labels.append(Label(role.strip(), label, compact(label), skeleton(label)[0]))
    return tuple(labels)


def label_texts(roles: tuple[str, ...] = HEADER_ROLES) -> tuple[str, ...]:
    """The printed labels of some roles (by default the header fields), in lexicon order."""
    return tuple(lab.text for lab in load_labels() if lab.role in roles)


@lru_cache(maxsize=64)
def _of(roles: tuple[str, ...] | None) -> tuple[Label, ...]:
    return tuple(lab for lab in load_labels() if roles is None or lab.role in roles)


def _near(a: str, b: str) -> bool:
    """Cheap gate before the channel: skeletons sharing most letters (rapidfuzz, in C)."""
    from rapidfuzz import fuzz

    return fuzz.ratio(a, b, processor=None) >= 70


def _channel_cost(observed: str, intended: str) -> float:
    from bma_nlp.repair.channel import ocr_cost

    return ocr_cost(observed, intended)


@dataclass(frozen=True)
class _Index:
    """The labels of some roles, found by what a match needs: every rule of ``classify_label``
    but the fuzzy one needs the first 4 skeleton letters equal, the fuzzy one a compact length
    within 3 (then near skeletons)."""

    labels: tuple[Label, ...]
    by_head: dict[str, tuple[int, ...]]
    by_length: dict[int, tuple[int, ...]]


@lru_cache(maxsize=64)
def _index(roles: tuple[str, ...] | None) -> _Index:
    labels = _of(roles)
    by_head: dict[str, list[int]] = {}
    by_length: dict[int, list[int]] = {}
    for i, lab in enumerate(labels):
        by_head.setdefault(lab.skeleton[:4], []).append(i)
        by_length.setdefault(len(lab.compact), []).append(i)
    return _Index(labels, {k: tuple(v) for k, v in by_head.items()}, {k: tuple(v) for k, v in by_length.items()})


def _candidates(obs: str, sk: str, roles: tuple[str, ...] | None) -> list[Label]:
    """The labels that can match (lexicon order, so ties resolve as a scan of all would)."""
    index = _index(roles)
    found = set(index.by_head.get(sk[:4], ()))
    for n in range(len(obs) - 3, len(obs) + 4):
        for i in index.by_length.get(n, ()):
            if i not in found and _near(sk, index.labels[i].skeleton):
                found.add(i)
    return [index.labels[i] for i in sorted(found)]


@lru_cache(maxsize=8192)
def classify_label(text: str, roles: tuple[str, ...] | None = None) -> Label | None:
    """The label ``text`` is (a whole label as printed before ``:``, in a table cell, or alone).

    Accepts a label garbled by OCR, a label extended by a qualifier (``ตัวชี้วัดที่ 2``), a label cut
    short at its end, or one with a chunk dropped in the middle (``ประเด็นยุทธศา ย่อย``).
    """
    obs = compact(text)
    if not obs or len(obs) > 70 or not re.search("[\u0e01-\u0e2e]", obs):
        return None
    sk = skeleton_text(obs)
    return _best(obs, sk, _candidates(obs, sk, roles))


def _best(obs: str, sk: str, labels: Iterable[Label]) -> Label | None:
    """The cheapest of ``labels`` that ``obs`` (compact, skeleton ``sk``) can be, if any. Each
    reading that fits (same skeleton, a qualifier after, cut short, a chunk lost, near letters)
    prices the label; the cheapest reading counts (a lost letter is a chunk lost *and* near)."""
    best: Label | None = None
    best_cost = float("inf")
    for lab in labels:
        ls = lab.skeleton
        costs: list[float] = []
        if sk == ls:
            costs.append(_channel_cost(obs, lab.compact))
        elif sk.startswith(ls) and len(ls) >= 4:
            # a label followed by a qualifier: price only the part standing for the label
            cut = skeleton(obs)[1][len(ls) - 1] + 1
            costs.append(_channel_cost(obs[:cut], lab.compact) + 0.05 * (len(sk) - len(ls)))
        elif ls.startswith(sk) and len(sk) >= max(4, 0.6 * len(ls)):
            costs.append(0.3 * (len(ls) - len(sk)) + 0.1)  # cut short at the end
        elif len(sk) >= 0.55 * len(ls) and any(
            ls.startswith(sk[:a]) and ls.endswith(sk[a:]) for a in range(4, len(sk) - 1)
        ):
            costs.append(1.2)  # a chunk lost in the middle, both ends intact
        elif len(sk) >= 0.55 * len(ls) and any(
            ls.startswith(sk[:a]) and ls[:-1].endswith(sk[a:]) for a in range(4, len(sk) - 1)
        ):
            costs.append(1.5)  # a chunk lost in the middle and the last letter lost (หน่วยงานที่รับชอ.)
        if sk != ls and abs(len(obs) - len(lab.compact)) <= 3 and (costs or _near(sk, ls)):
            costs.append(_channel_cost(obs, lab.compact))  # letters garbled, lost or added here and there
        if not costs:
            continue
        cost = min(costs)
        if cost <= lab.tolerance and cost < best_cost:
            best, best_cost = lab, cost
    return best


@lru_cache(maxsize=64)
def _finder(roles: tuple[str, ...]) -> tuple[re.Pattern[str], dict[str, list[Label]]]:
    by_skeleton: dict[str, list[Label]] = {}
    for lab in _of(roles):
        by_skeleton.setdefault(lab.skeleton, []).append(lab)
        if len(lab.skeleton) >= 8:  # the last letter lost (เป็นไปตามเป้าหมา)
            by_skeleton.setdefault(lab.skeleton[:-1], []).append(lab)
    alternatives = sorted(by_skeleton, key=len, reverse=True)
    return re.compile("|".join(re.escape(s) for s in alternatives)), by_skeleton


# A line is searched for labels several times (``canonical_metrics``: all the installment labels,
# then each metric's; a line's installment text, then its verdicts): its skeleton and where each of
# its letters stands are computed once per line (pure functions of the text; the list is only read).
@lru_cache(maxsize=1024)
def _line_skeleton(text: str) -> str:
    return skeleton_text(text)


@lru_cache(maxsize=1024)
def _line_places(text: str) -> list[int]:
    return skeleton(text)[1]


def find_labels(text: str, roles: tuple[str, ...]) -> list[tuple[int, int, Label]]:
    """Every label of ``roles`` inside ``text`` as ``(start, end, label)``, however OCR printed it."""
    pattern, by_skeleton = _finder(roles)
    sk = _line_skeleton(text)
    matches = list(pattern.finditer(sk))
    if not matches:
        return []
    where = _line_places(text)
    found: list[tuple[int, int, Label]] = []
    for m in matches:
        start = where[m.start()]
        end = where[m.end() - 1] + 1
        while end < len(text) and text[end] in _DROP and text[end] not in " \t":
            end += 1  # the marks riding on the last letter belong to the label
        if end + 1 < len(text) and text[end] == " " and text[end + 1] in _MARKS:
            end += 2  # and a mark OCR set apart by a space (ใช ้)
            while end < len(text) and text[end] in _MARKS:
                end += 1
        observed = compact(text[start:end])
        for lab in by_skeleton[m.group(0)]:
            if _channel_cost(observed, lab.compact) <= lab.tolerance:
                found.append((start, end, lab))
                break
    return found


def canonical_text(text: str, roles: tuple[str, ...]) -> str:
    """``text`` with every label of ``roles`` printed as the form prints it (verdicts by meaning)."""
    found = find_labels(text, roles)
    if not found:
        return text
    out: list[str] = []
    last = 0
    for start, end, lab in found:
        out.append(text[last:start])
        out.append(VERDICT_TEXT.get(lab.role, lab.text))
        last = end
    out.append(text[last:])
    return "".join(out)


_SPAN_EDGE = re.compile(r"[\s=(%0-9๐-๙]")


def find_label_near(text: str, roles: tuple[str, ...]) -> tuple[int, int, Label] | None:
    """Where a label of ``roles`` stands in ``text`` though garbled past the skeleton search
    (a letter lost, added or misread, a colon or a space inside): the window of ``text`` most
    like the label (rapidfuzz's alignment, in C), widened to the word's edges, accepted when the
    OCR channel prices it within the label's tolerance. None when nothing is close enough."""
    from rapidfuzz import fuzz

    best: tuple[float, int, int, Label] | None = None
    for lab in _of(roles):
        hit = fuzz.partial_ratio_alignment(lab.text, text, processor=None, score_cutoff=70)
        if hit is None:
            continue
        start, end = hit.dest_start, hit.dest_end
        for _ in range(3):  # widen to the word's edges: letters the window cut off
            if start > 0 and not _SPAN_EDGE.match(text[start - 1]):
                start -= 1
        for _ in range(3):
            if end < len(text) and not _SPAN_EDGE.match(text[end]):
                end += 1
        while start < end and text[start] in " \t:":
            start += 1
        while end > start and text[end - 1] in " \t:":
            end -= 1
        cost = _channel_cost(compact(text[start:end]), lab.compact)
        if cost <= lab.tolerance and (best is None or cost < best[0]):
            best = (cost, start, end, lab)
    return None if best is None else best[1:]


# Where the form's structure puts a label, a garble past the label's tolerance (letters lost from
# the middle: ``งบประที่เบิกใช้``, ``ความก้าวของงานฯ``; one doubled: ``รายงงานครั้งที่``; Latin
# look-alikes and digits: ``ความก้าวKน้าขอJงานฯ``, ``ร1ยงานครั้งที่``) is still that label: in the one-line layout the progress label
# follows the lead's ``::`` and precedes ``= figure``; the disbursement label stands between the
# progress figure and the ordinal's bracket before the amount; an installment row's heading at the
# row's start, before its number and the row's ``::`` or tab. There the channel may price the edits
# up to ``_SLOT_SLACK`` times the label's tolerance.
_SLOTS = {
    "progress": re.compile(r"::\s*(?P<label>[^\s=:()%0-9๐-๙][^=:()%\n]{2,30}?)\s*(?==\s*[0-9๐-๙])"),
    "disbursed": re.compile(
        r"[0-9๐-๙]\s*%?\s*[:;,/|]?\s*(?P<label>[^\s=():%0-9๐-๙][^=():%\n0-9๐-๙]{1,30}?)\s*(?=\(\s*[^()\n0-9๐-๙]{0,12}[0-9๐-๙]{1,3}\s*\)\s*[=:]?\s*[-0-9๐-๙])"
    ),
    "report_no": re.compile(r"^\s*(?P<label>[^\s:0-9๐-๙][^\s:]{2,18}?)\s*(?=[0-9๐-๙]{1,3}\s*(?:::|\t))"),
}
_SLOT_SLACK = 2.0


@lru_cache(maxsize=8)
def _compacts(role: str) -> frozenset[str]:
    return frozenset(lab.compact for lab in _of((role,)))


def label_in_slot(text: str, role: str) -> str:
    """``text`` with the label of ``role`` printed as the form prints it where the form's structure
    puts it (``_SLOTS``), when what stands there is no label as printed but within ``_SLOT_SLACK``
    times a label's tolerance of one; else ``text``."""
    m = _SLOTS[role].search(text)
    if m is None or (observed := compact(m.group("label"))) in _compacts(role):
        return text
    cost, lab = min(((_channel_cost(observed, lab.compact), lab) for lab in _of((role,))), key=lambda item: item[0])
    if cost > _SLOT_SLACK * lab.tolerance:
        return text
    return f"{text[: m.start('label')]}{lab.text}{text[m.end('label') :]}"


def canonical_metrics(text: str, roles: tuple[str, ...], needed: tuple[str, ...]) -> str:
    """``canonical_text``, then each of the ``needed`` roles it did not find looked for with
    ``find_label_near``, and each looked for where the form's structure puts it (``_SLOTS``: found
    there garbled, or with letters beside it, ``งงบประมาณ…``), printed as the form prints it; an
    installment row's heading too when ``report_no`` is one of the ``roles``."""
    text = canonical_text(text, roles)
    for role in needed:
        if not find_labels(text, (role,)) and (near := find_label_near(text, (role,))) is not None:
            start, end, lab = near
            text = f"{text[:start]}{lab.text}{text[end:]}"
        if role in _SLOTS:
            text = label_in_slot(text, role)
    if "report_no" in roles and "report_no" not in needed:
        text = label_in_slot(text, "report_no")
    return text


_SECTION_NUMBER = re.compile(r"^\s*(?:ส่วนที่\s*|ข้อ\s*)?(?:[0-9๐-๙]+(?:\.[0-9๐-๙]+)*\.?|\([0-9๐-๙]{1,2}\))\s*")  # (also ``(7)``)
# headings recognised without a section number: long enough not to be a value's words
# a qualifier in brackets after a label or a heading: ``(สะสม)``, ``(บาท)``, ``(ทั้งหมด 9 รายการ)``
QUALIFIER = re.compile(r"\s*\(([^()]{1,30})\)\s*$")
# "the sum of" before an amount (``จำนวน 245,000 บาท``, ``เป็นเงิน 0 บาท``): a word of the label, not the value
SUM_WORDS = "จำนวน(?:เงิน)?|เป็นเงิน"
_UNNUMBERED = ("section_progress", "rationale", "objectives", "targets", "strategy_plan")


@lru_cache(maxsize=4096)
def section_heading(line: str) -> Label | None:
    """``'1.3 หลักการและเหตุพล'`` -> the rationale section; None if the line is not a form heading."""
    m = _SECTION_NUMBER.match(line)
    if line[m.end() if m else 0 :].strip(" \t:") == "เป้าหมาย":
        # the targets' heading shortened to its key word, alone on its line (a field labelled
        # เป้าหมายที่ is the strategy's goal, and the word inside a line is a verdict's)
        return _of(("targets",))[0]
    if not m or m.end() == 0:
        # an unnumbered heading is the whole line (หลักการและเหตุผล, alone), a qualifier in
        # brackets after it aside (``... การใช้จ่ายงบประมาณ (ข้อมูลสะสม)``, ``วัตถุประสงค์ (ต่อ)``)
        bare = QUALIFIER.sub("", line)
        return classify_label(bare, _UNNUMBERED) if len(bare) < 60 and bare else None
    rest = line[m.end():].strip()
    if not rest or len(rest) > 110:
        return None
    lab = classify_label(rest, SECTION_ROLES)
    if lab is None:
        # headings carry a tail after the label (สนับสนุนแผนพัฒนา กทม. ระยะ 20 ปี (...)): match the start
        sk = skeleton_text(rest)
        for cand in _of(SECTION_ROLES):
            if sk.startswith(cand.skeleton):
                return cand
            n = len(cand.text)
            if len(rest) >= n and sk[:3] == cand.skeleton[:3] and _channel_cost(compact(rest[:n]), cand.compact) <= cand.tolerance:
                return cand
    return lab
