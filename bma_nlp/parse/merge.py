"""Merge OCR'd copies of the same report: per field, the value most copies agree on."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field, fields
from typing import Any

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from bma_nlp.parse.header import build_project
from bma_nlp.parse.installments import RawInstallment, parse_installments
from bma_nlp.parse.layout import RawCopy
from bma_nlp.parse.numbers import format_baht
from bma_nlp.records import NARRATIVE_FIELDS, Installment, Project, Report
from bma_nlp.text.normalize import arabic_digits

# Fields where any disagreement matters (a misread digit changes the record).
_EXACT_FIELDS = {"code", "fiscal_year", "start_date", "end_date", "budget_received", "budget_used", "coordinator_phone"}


@dataclass
class ParsedCopy:
    source: str
    encoding: str
    project: Project
    installments: list[RawInstallment]
    bad_fields: list[tuple[str, str]]
    narrative: dict[str, list[str]] = field(default_factory=dict)
    # a value that wrapped onto more lines, with its line joins as "\n" (a join is a space or none:
    # the copies that print that place inside a line tell which)
    wrapped: dict[str, str] = field(default_factory=dict)


_WRAPPED_FIELDS = {"name", "agency", "responsible", "strategy", "sub_strategy", "goal", "indicator"}
_ITEM_NUMBER = re.compile(r"^\s*(?:[-•·]\s*)?(?:\(?[0-9๐-๙]+\)|[0-9๐-๙]+(?:\.[0-9๐-๙]+)*\.?)\s+|^\s*[-•·]\s+")


def narrative_items(lines: list[str]) -> list[str]:
    """Objectives or targets as items: a numbered line starts an item (its number dropped), an
    unnumbered line continues the item before it; with no numbering at all, each line is an item."""
    numbered = any(_ITEM_NUMBER.match(line) for line in lines)
    items: list[str] = []
    for line in lines:
        m = _ITEM_NUMBER.match(line)
        text = " ".join(line[m.end() if m else 0 :].split())
        if not text:
            continue
        if numbered and not m and items:
            items[-1] += " " + text
        else:
            items.append(text)
    return items


def read_copy(raw: RawCopy, source: str, encoding: str) -> ParsedCopy:
    project, bad = build_project(raw.fields)
    narrative = {
        "rationale": [" ".join(line.split()) for line in raw.narrative.get("rationale", []) if line.strip()],
        "objectives": narrative_items(raw.narrative.get("objectives", [])),
        "targets": narrative_items(raw.narrative.get("targets", [])),
    }
    wrapped = {
        key: "\n".join(" ".join(part.split()) for part in value.strip().split("\n"))
        for key, value in raw.fields.items()
        if key in _WRAPPED_FIELDS and "\n" in value.strip()
    }
    return ParsedCopy(source, encoding, project, parse_installments(raw.installment_lines), bad, narrative, wrapped)


def _gaps(value: str) -> tuple[str, dict[int, str]]:
    """A value without its spaces, and what stands after each of its letters: ``" "`` a space,
    ``"\n"`` a line join (space or not unknown); nothing for letters that touch."""
    letters: list[str] = []
    gaps: dict[int, str] = {}
    for ch in value:
        if ch in " \n":
            if letters and gaps.get(len(letters)) != "\n":
                gaps[len(letters)] = ch
        else:
            letters.append(ch)
    return "".join(letters), gaps


def respace_wrapped(values: list[str | None], marked: list[str | None]) -> list[str | None]:
    """Each copy's value with its line joins spaced as the other copies print that place inside a
    line (``ขนาดเล็ก`` / ``สำหรับ`` wrapped, ``ขนาดเล็กสำหรับ`` in another copy: no space). A join no
    copy prints inside a line stays a space. Values that differ in more than spacing are left alone."""
    if not any(m and "\n" in m for m in marked):
        return values
    read = [_gaps(m if m else v) if v else None for v, m in zip(values, marked, strict=True)]
    out = list(values)
    for key in {r[0] for r in read if r is not None}:
        members = [i for i, r in enumerate(read) if r is not None and r[0] == key]
        if len(members) < 2 or not any("\n" in read[i][1].values() for i in members):  # type: ignore[index]
            continue
        positions = sorted({p for i in members for p in read[i][1]})  # type: ignore[index]
        spaced: dict[int, str] = {}
        for p in positions:
            inline = [read[i][1].get(p, "") for i in members if read[i][1].get(p) != "\n"]  # type: ignore[index]
            if not inline:
                spaced[p] = " "
            else:
                counts = Counter(inline).most_common()
                spaced[p] = next(s for s in inline if counts[0][1] == inline.count(s))
        text = "".join(spaced.get(p, "") + ch if p else ch for p, ch in enumerate(key))
        for i in members:
            out[i] = text
    return out



def _medoid(variants: list[str]) -> str:
    """The copy's reading closest to all the others: OCR damage differs between copies, so the
    reading nearest the rest is the least damaged one (ties: the first copy's)."""
    if len(variants) <= 2:
        return variants[0]
    costs = [sum(Levenshtein.distance(v, w) for w in variants) for v in variants]
    return variants[costs.index(min(costs))]


def merge_narrative(versions: list[list[str]]) -> list[str]:
    """One reading of a narrative section from several copies, line by line (or item by item)."""
    versions = [v for v in versions if v]
    if not versions:
        return []
    lengths = Counter(len(v) for v in versions).most_common()
    top = max(n for n, c in lengths if c == lengths[0][1])
    agreeing = [v for v in versions if len(v) == top]
    return [_medoid([v[i] for v in agreeing]) for i in range(top)]


def _vote(values: list[Any]) -> tuple[Any, bool, bool]:
    """Return (winner, any_disagreement, no_majority). None values do not vote."""
    if len(values) == 1:  # one copy's reading (most reports): what the steps below give it, without them
        v = values[0]
        return (v if v is not None and v != "" else None), False, False
    present = [v for v in values if v is not None and v != ""]
    if not present:
        return None, False, False
    first = present[0]
    if all(v == first for v in present):
        return first, False, False  # one reading (most fields): what the count below would give, without it
    counts = Counter(present).most_common()
    winner, top = counts[0]
    tie = len(counts) > 1 and counts[1][1] == top
    if tie:  # prefer the value seen first among the tied ones
        tied = {v for v, c in counts if c == top}
        winner = next(v for v in present if v in tied)
    return winner, len(counts) > 1, tie


_WORD = re.compile(r"[^\s()\[\]/,;:\"'“”]+")


def _attested(values: list[Any], group: list[ParsedCopy], name: str) -> Any:
    """Among copies' readings tied in the vote, the one whose own words the rest of the file
    prints (its narrative, notes and other fields): OCR damage is rarely the same twice, so a
    word read one way in one copy and printed the other way everywhere else is the damaged one
    (``Bookinq`` beside notes with ``Booking``). None when the text does not tell."""
    if not all(isinstance(v, str) for v in values):
        return None
    words = [set(_WORD.findall(v)) for v in values]
    own = [{w for w in ws if len(w) >= 4 and not all(w in other for other in words)} for ws in words]
    if not any(own):
        return None
    parts: list[str] = []
    for c in group:
        parts += [line for lines in c.narrative.values() for line in lines]
        parts += [r.note for r in c.installments if r.note]
        parts += [v for f in fields(c.project) if f.name != name and isinstance(v := getattr(c.project, f.name), str)]
    text = "\n".join(parts)
    scores = [sum(text.count(w) for w in ws) for ws in own]
    best = max(scores)
    return values[scores.index(best)] if best > 0 and scores.count(best) == 1 else None


def _whole_values(values: list[Any]) -> list[Any]:
    """A value cut where the line wrapped is the start of another copy's whole value: it votes
    for the whole one, so the cut reading never wins."""
    present = {v for v in values if isinstance(v, str) and v}
    out = []
    for v in values:
        longer = [w for w in present if isinstance(v, str) and len(v) >= 8 and w != v and w.startswith(v)]
        out.append(max(longer, key=len) if longer else v)
    return out


def _one_digit_script(values: list[Any]) -> list[Any]:
    """A reading printed with Thai digits where another copy prints the same with Arabic ones
    (``ซอย ๑๑๓`` / ``ซอย 113``) is that reading: both vote for the Arabic form."""
    arabic = {v for v in values if isinstance(v, str)}
    return [a if isinstance(v, str) and (a := arabic_digits(v)) != v and a in arabic else v for v in values]


def _show(value: Any) -> str:
    return format_baht(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else str(value)


def group_copies(copies: list[ParsedCopy]) -> list[list[ParsedCopy]]:
    """Copies with the same (code, fiscal year) belong together; a copy without a code
    joins the copy before it in the same file (a truncated or headless page run), or, first in its
    file with installments and no name, the copy after it when that one is a header without
    installments (a memo reporting the progress, the system's form attached after it)."""
    groups: dict[Any, list[ParsedCopy]] = {}
    previous_key: Any = None
    for i, copy in enumerate(copies):
        p = copy.project
        after = copies[i + 1] if i + 1 < len(copies) and copies[i + 1].source == copy.source else None
        if p.code:
            key: Any = (p.code, p.fiscal_year)
        elif previous_key is not None and copies[i - 1].source == copy.source:
            key = previous_key
        elif after is not None and after.project.code and not after.installments and copy.installments and not p.name:
            key = (after.project.code, after.project.fiscal_year)
        else:
            key = ("no-code", p.name, p.fiscal_year, i)
        groups.setdefault(key, []).append(copy)
        previous_key = key
    return _join_damaged(list(groups.values()))


def _identity(group: list[ParsedCopy]) -> tuple[str | None, int | None, str | None]:
    p = group[0].project
    return p.code, p.fiscal_year, p.name


_WELL_FORMED_CODE = re.compile(r"^[0-9]{8}-[0-9]{4}$")


def _same_report(small: list[ParsedCopy], big: list[ParsedCopy]) -> bool:
    """Could ``small`` be copies of ``big``'s report whose code or fiscal year OCR garbled?"""
    code_a, year_a, name_a = _identity(small)
    code_b, year_b, name_b = _identity(big)
    same_file = bool({c.source for c in small} & {c.source for c in big})
    if code_a is None or code_b is None:
        # a copy whose code OCR lost: the report whose name it bears, in the same file, if no year or detail differs
        if not same_file or (year_a is not None and year_b is not None and year_a != year_b):
            return False
        return bool(name_a and name_b) and _same_details(small, big, name_a, name_b, at_least=0)
    code_distance = Levenshtein.distance(code_a, code_b)
    if year_a is not None and year_b is not None and year_a != year_b:
        # a year misread in one digit (2536 for 2566) with the same code, name, dates and budget
        return code_distance == 0 and Levenshtein.distance(str(year_a), str(year_b)) == 1 and _same_details(small, big, name_a, name_b)
    if code_distance > 2 or (code_distance == 0 and year_a is not None and year_b is not None):
        return False
    # Reports in different files with well-formed codes are different reports (a ward's
    # projects share names); a damaged copy sits beside its siblings or has a misshapen code.
    well_formed = bool(_WELL_FORMED_CODE.match(code_a))
    if well_formed and (code_distance > 1 or (not same_file and year_a is not None)):
        return False
    pa, pb = small[0].project, big[0].project
    for other in ("budget_received", "start_date", "end_date"):
        if getattr(pa, other) is not None and getattr(pb, other) is not None and getattr(pa, other) != getattr(pb, other):
            return False
    if name_a and name_b:
        return _same_name(name_a, name_b)
    if code_distance == 0 and same_file and (year_a is None or year_b is None):
        return True  # the same code beside it, its year lost: nothing tells them apart
    return code_distance <= 1 and year_a == year_b


def _same_name(a: str, b: str) -> bool:
    """Names OCR garbled a little, or one with the next line's words run on (a label it missed)."""
    if fuzz.ratio(a, b, processor=None) >= 85:
        return True
    short, long = sorted((a, b), key=len)
    return len(short) >= 10 and long.startswith(short)


def _same_details(small: list[ParsedCopy], big: list[ParsedCopy], name_a: str | None, name_b: str | None, at_least: int = 2) -> bool:
    """The same name and, of budget and dates, at least ``at_least`` printed in both and none differing."""
    if not (name_a and name_b) or not _same_name(name_a, name_b):
        return False
    pa, pb = small[0].project, big[0].project
    both = [(getattr(pa, k), getattr(pb, k)) for k in ("budget_received", "budget_used", "start_date", "end_date")]
    both = [(a, b) for a, b in both if a is not None and b is not None]
    return len(both) >= at_least and all(a == b for a, b in both)


def _join_damaged(groups: list[list[ParsedCopy]]) -> list[list[ParsedCopy]]:
    """A group whose code or year differs a little from a larger group's, with the same
    project name, is that report's damaged copy: it joins it (the vote then keeps the
    majority's code and flags the disagreement)."""
    order = sorted(range(len(groups)), key=lambda k: -len(groups[k]))
    joined: dict[int, int] = {}
    for small in reversed(order):
        for big in order:
            if big == small or big in joined or len(groups[big]) < len(groups[small]) or small in joined:
                continue
            if len(groups[big]) == len(groups[small]) and big > small:
                continue  # between equals, the later one joins the earlier
            if _same_report(groups[small], groups[big]):
                joined[small] = big
                break
    for small, big in joined.items():
        groups[big].extend(groups[small])
    return [g for k, g in enumerate(groups) if k not in joined]


_VOTED_FIELDS = [f for f in fields(Project) if f.name not in NARRATIVE_FIELDS and not f.name.endswith("_raw")]


def merge_group(group: list[ParsedCopy]) -> Report:
    first = group[0]
    sources = list(dict.fromkeys(c.source for c in group))
    encodings = list(dict.fromkeys(c.encoding for c in group))
    report = Report(source=first.source, encoding=", ".join(encodings), copies=len(group), sources=sources)

    for name in NARRATIVE_FIELDS:
        merged = merge_narrative([c.narrative.get(name, []) for c in group])
        if name == "rationale":
            report.project.rationale = report.project.rationale_raw = "\n".join(merged) or None
        else:
            setattr(report.project, name, list(merged))
            setattr(report.project, f"{name}_raw", list(merged))
    several = len(group) > 1  # one copy: respacing, whole values and digit scripts leave its readings as they are
    for f in _VOTED_FIELDS:
        values = [getattr(c.project, f.name) for c in group]
        if several and f.name in _WRAPPED_FIELDS:
            values = _whole_values(respace_wrapped(values, [c.wrapped.get(f.name) for c in group]))
        if several:
            values = _one_digit_script(values)
        winner, disagree, tie = _vote(values)
        if tie:
            counts = Counter(v for v in values if v is not None and v != "").most_common()
            winner = _attested([v for v, n in counts if n == counts[0][1]], group, f.name) or winner
        setattr(report.project, f.name, winner)
        if disagree and (tie or f.name in _EXACT_FIELDS):
            seen = sorted({_show(getattr(c.project, f.name)) for c in group if getattr(c.project, f.name) is not None})
            report.flag("copies_disagree", f"copies disagree on {f.name}: {' / '.join(seen)} (kept {_show(winner)})")
    for c in group:
        for key, value in c.bad_fields:
            report.flag("unparsed_field", f"{key} value not understood: {value!r}")

    by_number: dict[int, list[RawInstallment]] = {}
    for c in group:
        seen_here: set[int] = set()
        next_no = 1
        for raw in c.installments:
            number = raw.disbursement_no if raw.disbursement_no is not None else next_no
            if number in seen_here:
                report.flag("numbering_duplicate", f"installment {number} appears twice in one copy", number)
                continue
            seen_here.add(number)
            next_no = number + 1
            by_number.setdefault(number, []).append(raw)

    for number in sorted(by_number):
        raws = by_number[number]
        inst = Installment(number=number)
        for name in ("date", "note", "progress_pct", "disbursed_baht", "disbursement_no", "on_plan", "on_target", "report_no"):
            winner, disagree, _ = _vote([getattr(r, name) for r in raws])
            setattr(inst, name, winner)
            if disagree and name in ("date", "progress_pct", "disbursed_baht"):
                seen = sorted({_show(getattr(r, name)) for r in raws if getattr(r, name) is not None})
                report.flag("copies_disagree", f"copies disagree on installment {number} {name}: {' / '.join(seen)} (kept {_show(winner)})", number)
        if inst.disbursement_no is None and any(r.complete for r in raws):
            inst.disbursement_no = number  # the ordinal was dropped: its place among its neighbours gives it
        inst.note = inst.note or ""  # no copy had a note: empty text, not None
        inst.note_raw = inst.note
        if len({r.note for r in raws if r.note}) > 1:  # copies read the note differently: they vote word by word
            from bma_nlp.repair.consensus import vote_field

            inst.note_raw, inst.note = vote_field(report, [r.note for r in raws], f"installments[{number}].note", number)
        if inst.date is None:
            bad = next((r.bad_date for r in raws if r.bad_date), None)
            if bad:
                report.flag("invalid_date", f"installment {number} has an impossible date {bad!r}", number)
        if not any(r.complete for r in raws):
            report.flag("incomplete_installment", f"installment {number} has no progress or disbursement figures (truncated?)", number)
        report.installments.append(inst)
    return report
