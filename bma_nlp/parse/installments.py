"""Installments (progress entries) of one report copy.

Layouts differ (two-line tab layout, one-line ``::`` layout, wrapped notes), but every
installment ends with the same metrics: ``ความก้าวหน้าของงานฯ = P % งบประมาณที่เบิกใช้
(ครั้งที่ K) = X บาท`` followed by plan/target markers. So the copy's installment lines are
joined and cut at each metrics match; what precedes a match is that installment's lead
(visible report number, date, note). The disbursement ordinal K is the identity: the visible
``รายงานครั้งที่ N`` shifts at page breaks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from bma_nlp.parse.dates import InvalidDate, match_date
from bma_nlp.parse.labels import (
    DOT_LEADER,
    INSTALLMENT_ROLES,
    SUM_WORDS,
    VERDICT_ROLES,
    WIDE_GAP,
    Label,
    canonical_text,
    classify_label,
    find_label_near,
    find_labels,
    label_in_slot,
    load_labels,
    skeleton_text,
)
from bma_nlp.parse.numbers import LOOKALIKE_DIGITS, parse_amount, parse_ordinal, parse_percent

_NUM = "[0-9๐-๙]"
# Label wording varies between exports of the form: ความก้าวหน้าของงานฯ / ร้อยละความก้าวหน้า /
# ผลการดำเนินงาน, then "=", ":" or "ร้อยละ"; งบประมาณที่เบิกใช้ / ที่เบิกจ่าย / ผลการเบิกจ่าย.
_PROGRESS_LABEL = r"(?:ร้อยละ\s*)?(?:ความก้าวหน้า(?:ของงาน|ของโครงการ)?|ผลการดำเนินงาน)\S*"
_DISBURSED_LABEL = r"(?:งบประมาณที่เบิก(?:ใช้|จ่าย)?|ผลการเบิกจ่าย(?:งบประมาณ)?|เบิกจ่าย(?:แล้ว|งบประมาณ)?)(?:\s*สะสม)?"  # สะสม: cumulative
METRICS = re.compile(
    # the lookahead names the words a match starts with: the engine tries the pattern only there
    r"(?=ร้อยละ|ความก้าวหน้า|ผลการดำเนินงาน)"
    # a qualifier in brackets after the label: ``(ร้อยละสะสม)``, ``(%)``
    rf"{_PROGRESS_LABEL}(?:\s*\([^()\n0-9๐-๙]{{1,20}}\))?\s*(?:=|:|ร้อยละ)?\s*(?:ร้อยละ\s*)?(?P<pct>[0-9๐-๙{LOOKALIKE_DIGITS}][0-9๐-๙.,]*+(?:[0-9๐-๙.,{LOOKALIKE_DIGITS} ]*?[0-9๐-๙.{LOOKALIKE_DIGITS}])?)?\s*%?"
    # words after the figure say what it is a share of (``ร้อยละ 45.50 ของปริมาณงานทั้งหมด``)
    r"(?:\s*ของ[\u0e01-\u0e4e]{1,30})?"
    # ``จำนวน`` ("the sum of") before the amount is a word of the label; the ordinal's word in its
    # bracket may come garbled (``(ครั้งnี่ 6)``, ``(ครั้ง'ที่ 6)``): the bracket and its number say what it is
    # Tesseract often reads the closing bracket after the number as a digit (``(ครั้งที่ 22 =`` for
    # ``(ครั้งที่ 2) =``): the bracket may stay open (``close`` unmatched; ``_ordinal`` weighs the number)
    rf"[\s:;,/|]*{_DISBURSED_LABEL}\s*(?:\(\s*(?:ครั้งที่|[^()\n0-9๐-๙=]{{1,12}}?)?\s*(?:(?P<k>{_NUM}+)\s*(?P<close>\))?|\)))?\s*[=:]?\s*(?:(?:{SUM_WORDS})\s*)?"
    # Latin look-alikes in a figure (56,2OO) are read by parse_amount, unless the figure runs into Latin text
    # (dots may separate the thousands too: 1.192.000, 1.914,000; parse_amount reads them)
    rf"(?P<amt>-|(?>{_NUM}[0-9๐-๙,{LOOKALIKE_DIGITS}]*(?:\.[0-9๐-๙{LOOKALIKE_DIGITS}][0-9๐-๙,{LOOKALIKE_DIGITS}]*)*)(?![A-Za-z])|{_NUM}[0-9๐-๙,]*(?:\.{_NUM}[0-9๐-๙,]*)*)?\s*(?P<million>ล้าน)?(?:บาท)?"  # ``1.269 ล้านบาท``: in millions
)
_EXACT_VERDICT = re.compile(r"(ไม่\s*)?เป็นไปตาม(แผน|เป้าหมาย)")
_THAI = re.compile("[\u0e01-\u0e4e]")
_DIGIT = re.compile("[0-9๐-๙]")
_VERDICT_GLUE = re.compile(r"^[\s:/|,\-]*(?:และ[\s:/|,\-]*)?$")  # (และ: two verdicts in one sentence)
# the visible number, after the section number a numbered layout prints before it (13.2 รายงานครั้งที่ 2)
# an item marker may stand before the heading: ``13.2``, ``3.``, ``(3)``, ``3)``
_ITEM = rf"\(?{_NUM}{{1,2}}(?:\.{_NUM}{{1,2}})*[.)]?\s+"
_VISIBLE_NO = re.compile(rf"^\s*(?:{_ITEM})?(?:รายงาน(?:ผล)?)?ครั้งที่\s*(?:[:=]\s*)?(?P<n>{_NUM}+)?")
_BRACKETED = re.compile(r"^[(\[]\s*(?:ณ\s*(?=[0-9๐-๙วณ]))?")  # ((ณ) 29/12/2566: "as of")
_BRACKETED_NO_DATE = re.compile(r"(?:ณ\s*)?(?:วันที่\s*)?[-–]\s*[)\]]")
# one-field-per-line blocks label the lead's parts; the labels are not part of the note
_LEAD_LABELS = re.compile(r"(?:^|\n|::)[ \t]*(?:วันที่รายงาน(?:ผล)?|ผลการดำเนินงาน(?:ในรอบ(?:การ)?รายงาน)?)(?:[ \t]*(?::|(?=\n))|[ \t]{2,}|\t)")
_NO_DATE = re.compile(r"^-\s*(?::|$)")
# what an edge of a lead may hold: colons, semicolons and whitespace (every character ``\s`` matches)
_EDGE = ":;\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
_LEAD_START = re.compile(rf"(?:^|\n)[ \t]*(?:รายงาน(?:ผล)?ครั้งที่\s*{_NUM}+|::)")


@dataclass
class RawInstallment:
    """One installment as read from one copy, before merging copies."""

    disbursement_no: int | None
    report_no: int | None
    date: str | None
    bad_date: str | None
    note: str
    progress_pct: float | None
    disbursed_baht: float | int | None
    on_plan: bool | None
    on_target: bool | None
    complete: bool = True  # False when the metrics are missing (truncated copy)


@lru_cache(maxsize=4096)  # copies repeat their lines: read each once
def read_verdicts(tail: str) -> tuple[bool | None, bool | None]:
    """``(on_plan, on_target)`` from the text after an installment's metrics, however OCR garbled
    the phrases; negations and synonyms (``ล่าช้ากว่าแผน``, ``ต่ำกว่าเป้าหมาย``) are their own labels."""
    plan = target = None
    tail = _ticked_options(tail)
    if not _THAI.search(_EXACT_VERDICT.sub("", tail)):  # the phrases as the form prints them: no fuzzy search needed
        for m in _EXACT_VERDICT.finditer(tail):
            if m.group(2) == "แผน" and plan is None:
                plan = m.group(1) is None
            elif m.group(2) == "เป้าหมาย" and target is None:
                target = m.group(1) is None
        return plan, target
    labels = [_negated(tail, start, lab) for start, _, lab in find_labels(tail, VERDICT_ROLES)]
    if len(labels) < 2:  # a phrase the skeleton search missed (a vowel lost, a letter misread): chunk by chunk
        labels = _verdict_chunks(tail) or labels
    for lab in labels:
        if lab.role.startswith("plan") and plan is None:
            plan = lab.role == "plan_yes"
        elif lab.role.startswith("target") and target is None:
            target = lab.role == "target_yes"
    return plan, target


# A form's tick boxes, as a scan's OCR or a converter prints them: ticked ``[X]``, ``(/)``, ``☑``,
# ``✓``; empty ``[ ]``, ``( )`` (an empty ``☐`` is dropped by normalisation, so it leaves no mark).
_TICKED = re.compile(r"\[\s*[xX/✓✔]\s*\]|\(\s*[xX/✓✔]\s*\)|[☑☒✓✔]")
_OPTION_AFTER_TICK = re.compile(rf"(?:{_TICKED.pattern})\s*(.+?)(?=\s{{2,}}|\t|[|/]|\[|\(|[☑☒✓✔]|$)")


def _ticked_options(tail: str) -> str:
    """Where verdicts are printed as options with tick boxes (both ``เป็นไปตามแผน`` and
    ``ไม่เป็นไปตามแผน`` on the line, one ticked), only the ticked options, in order; a tail
    without a ticked box as it is."""
    if not _TICKED.search(tail):
        return tail
    options = [m.group(1).strip() for m in _OPTION_AFTER_TICK.finditer(tail)]
    return "  ".join(o for o in options if o) or tail


_NEGATION_GLUE = re.compile(r"[\u0e01-\u0e4e]{1,3}$")  # letters glued before a phrase (ไม่, garbled)


def _negated(text: str, start: int, lab: Label) -> Label:
    """A yes-verdict glued to letters holding ม before it (``ไมยเป็นไปตามแผน``) is its negation, garbled."""
    glue = _NEGATION_GLUE.search(text, 0, start)
    if lab.role.endswith("_yes") and glue and "ม" in glue.group(0) and lab.text.startswith("เป็น"):
        return next(n for n in load_labels() if n.role == lab.role.replace("_yes", "_no"))
    return lab


# what parts verdicts in a tail or on a line: a separator with space beside it, a tab, a wide gap, a line end
_VERDICT_SPLIT = re.compile(r"\s*[:|/,;]\s+|\s+[:|/,;]\s*|\t+|\s{2,}|\n")
_VERDICT_AND_LABEL = (*VERDICT_ROLES, "verdict_label")
_FIELD_HEAD = re.compile(r"^\s*([^:]{2,30}?)\s*:\s*(?=\S)")


def _verdict_chunks(text: str, whole: bool = False) -> list[Label]:
    """The verdicts of ``text`` read chunk by chunk with the OCR-aware label match (a verdict's
    label, ``ผลเทียบแผน``, may stand before it). ``whole``: every chunk must be a verdict or its
    label, else none is returned."""
    out: list[Label] = []
    for chunk in _VERDICT_SPLIT.split(text):
        chunk = chunk.strip(" .:ฯ")
        if not chunk:
            continue
        heads = find_labels(chunk, ("verdict_label",)) if len(chunk) <= 60 else []
        if heads and heads[0][0] == 0:  # ``ผลเทียบแผน เป็นไปตามแผน``: a verdict's label, then the verdict
            chunk = chunk[heads[0][1] :].strip(" .:ฯ")
            if not chunk:
                continue  # the label alone
        lab = classify_label(chunk, VERDICT_ROLES) if 4 <= len(chunk) <= 40 and _THAI.search(chunk) else None
        if lab is None:
            if whole:
                return []
            continue
        out.append(lab)
    return out


@lru_cache(maxsize=4096)  # copies repeat their lines: read each once
def is_verdict_line(line: str) -> bool:
    """A line holding nothing but plan/target verdicts (wrapped from the metrics line above)."""
    line = _ticked_options(line)  # options with tick boxes: the ticked ones
    if len(line) > 80 and len(" ".join(line.split())) > 80 or _DIGIT.search(line):
        return False
    head = _FIELD_HEAD.match(line)
    if head and (lab := classify_label(head.group(1), ("inst_note", "verdict_label"))) is not None and lab.role == "inst_note":
        line = line[head.end() :]  # ``ผลการดำเนินงาน : เป็นไปตามแผน / ...``: the result field holding the verdicts
    found = find_labels(line, _VERDICT_AND_LABEL)
    if not any(lab.role in VERDICT_ROLES for _, _, lab in found):
        if found and _VERDICT_GLUE.match(line[found[-1][1] :]) and not line[: found[0][0]].strip():
            return True  # ``ผลเทียบแผน : -``: a verdict's label with its verdict left blank
        return bool(_verdict_chunks(line, whole=True))  # garbled past the skeleton search
    rest, last = [], 0
    for start, end, _ in found:
        rest.append(line[last:start])
        last = end
    rest.append(line[last:])
    # (between the verdicts: signs, or a verdict's label worded otherwise, ผลการดำเนินงานเทียบกับแผน)
    if rest[0].strip() == "ผลการดำเนินงาน":
        rest[0] = ""  # ผลการดำเนินงานเป็นไปตามแผนและ...: the sentence names the result, then its verdicts
    return all(_VERDICT_GLUE.match(r) or _verdict_head(r.strip(" :\t")) is not None for r in rest)


@lru_cache(maxsize=4096)  # copies repeat their lines: read each once
def parse_lead(lead: str) -> tuple[int | None, str | None, str | None, str]:
    """``'รายงานครั้งที่3 :: 25/01/2566 : note'`` -> (3, '2023-01-25', None, 'note')."""
    found = _parse_lead(lead)
    if found[1] is None and found[2] is None and _DIGIT.search(lead):
        # no date read: its labels may be garbled (a letter lost or misread): read again with them restored
        restored = label_in_slot(canonical_text(lead, _LEAD_ROLES), "report_no")  # also a heading garbled past its tolerance
        if "วันที่รายงาน" not in restored and (near := find_label_near(restored[:80], ("inst_date",))) is not None:
            restored = f"{restored[: near[0]]}วันที่รายงาน{restored[near[1] :]}"  # garbled past the skeleton search
        if restored != lead:
            again = _parse_lead(restored)
            if again[1] is not None:
                return again
        if (late := _date_after_garble(found[3])) is not None:
            return found[0], late[0], None, late[1]
    return found


# OCR turns the lead's separators and heading into specks (``8: 29/12/2564 :``, ``'. ว 29/12/2562 :``,
# ``รายงานตรังท1 - 26/01/2565``): a date still stands among the lead's first characters, followed by
# the form's colon (or, after a garbled heading, by the note)
_GARBLE_TOKEN = re.compile(r"[^\u0e01-\u0e2e]*|\S{1,3}|\S*(?:ครั้ง|ครัง|ตรั้ง|ตรัง|รายงาน)\S*")
_LATE_DATE_REACH = 30


def _date_after_garble(note: str) -> tuple[str, str] | None:
    """(iso date, the note after it) when ``note`` begins with OCR specks, a garbled heading at most,
    then a date and the form's colon; None otherwise (a date inside a note's words is the note's)."""
    for m in re.finditer(r"(?<![0-9๐-๙\u0e01-\u0e4e])[0-9๐-๙]", note[:_LATE_DATE_REACH]):  # (not a heading's number: รายงานตรังท2)
        prefix = note[: m.start()]
        if not all(_GARBLE_TOKEN.fullmatch(token) for token in prefix.split()):
            return None
        try:
            found = match_date(note[m.start() :])
        except InvalidDate:
            return None
        if found is None:
            continue
        rest = note[m.start() + found[1] :]
        if not re.match(r"\s*[:;]", rest) and not re.search(r"ครั้ง|ครัง|รายงาน", prefix):
            return None
        return found[0], " ".join(rest.strip(_EDGE).split())
    return None


_LEAD_ROLES = ("report_no", "ordinal", "inst_date", "inst_note")


def _parse_lead(lead: str) -> tuple[int | None, str | None, str | None, str]:
    report_no = None
    m = _VISIBLE_NO.match(lead)
    if m:
        report_no = parse_ordinal(m.group("n"))
        lead = lead[m.end():]
    if "วันที่รายงาน" in lead or "ผลการดำเนินงาน" in lead:
        lead = _LEAD_LABELS.sub(" : ", lead)
    lead = lead.strip(_EDGE)
    if _NO_DATE.match(lead):
        lead = lead[1:]  # '-' where the date stands: no date given
    iso = bad = None
    bracket = _BRACKETED.match(lead)  # (วันที่ 30 พ.ย. 2565): the date in brackets
    if bracket:
        lead = lead[bracket.end():]
        if none := _BRACKETED_NO_DATE.match(lead):  # (วันที่ -): no date given
            return report_no, None, None, " ".join(lead[none.end() :].strip(_EDGE).split())
    try:
        found = match_date(lead)
    except InvalidDate as exc:
        bad = str(exc)
        found = None
        lead = lead[exc.end :]
    if found:
        iso, length = found
        lead = lead[length:]
    if bracket:
        lead = re.sub(r"^\s*[)\]]", "", lead) if (found or bad) else bracket.group(0) + lead
    note = " ".join(lead.strip(_EDGE).split())
    return report_no, iso, bad, note


# an installment's heading at a line start (its section number before it, in numbered layouts)
# (a table row's has no number; ``ครั้งที่ 4`` alone on its line, or before a wide gap, heads a block too)
_HEADING_IN_LEAD = re.compile(rf"\n[ \t]*(?:{_ITEM})?(?:รายงาน(?:ผล)?ครั้งที่\s*(?:{_NUM}+|(?=::))|ครั้งที่\s*{_NUM}+(?:[ \t]*(?=\n)| {{3}}|\t))")


_GLUED_HEADING = re.compile(rf"[ \t]รายงาน(?:ผล)?ครั้งที่\s*{_NUM}+\s*(?:::|\t)")


def _last_heading(lead: str) -> int:
    """Where the last installment heading stands in ``lead`` when text comes before it (0: none)."""
    found = 0
    for m in _HEADING_IN_LEAD.finditer(lead):
        if lead[: m.start()].strip():
            found = m.start() + 1
    return found


def _carry(inst: RawInstallment, text: str) -> None:
    """Text printed after an installment's metrics (a layout with the note below them, or its
    verdicts so garbled no line read as verdicts): its verdicts, else its note."""
    if not text.strip():
        return
    lines = text.split("\n")
    verdicts = [line for line in lines if line.strip() and is_verdict_line(line)]
    if verdicts and len(verdicts) < len([line for line in lines if line.strip()]):
        # the note below the metrics, then its verdict lines: each where it belongs
        _carry(inst, "\n".join(verdicts))
        text = "\n".join(line for line in lines if line not in verdicts)
    else:
        plan, target = read_verdicts(text)
        if plan is not None or target is not None:
            inst.on_plan = inst.on_plan if inst.on_plan is not None else plan
            inst.on_target = inst.on_target if inst.on_target is not None else target
            return
    note = parse_lead(text)[3]
    if note:
        inst.note = f"{inst.note} {note}".strip()


_FIELD_ROLES = (*INSTALLMENT_ROLES, "verdict_label")
_SIGN = re.compile(r"^(?P<label>[^=:]{2,45}?)\s+=\s*")  # ``วันที่รายงาน = X``: a system export's sign
_LABEL_TAIL = re.compile(r"\s*\((?P<inner>[^()]*)\)\s*$")  # ``ความก้าวหน้าของงานฯ (%)``, ``... (ครั้งที่ 1)``


@lru_cache(maxsize=4096)
def _field_label(text: str) -> Label | None:
    """The installment field (or verdict) label ``text`` is, whole (a line going on past a
    label is a note's, not a label)."""
    text = text.strip(" \t:")
    if not 2 < len(text) < 50 or _DIGIT.search(text):
        return None
    lab = classify_label(text, _FIELD_ROLES)
    if lab is None or lab.role == "inst_note":
        head = _verdict_head(text)
        lab = head if head is not None else lab
    if lab is None or lab.role == "ordinal" or lab.role != "verdict_label" and len(skeleton_text(text)) > len(lab.skeleton) + 1:
        return None
    return lab


_COMPARED = skeleton_text("เทียบ")
_PLAN, _TARGET = skeleton_text("แผน"), skeleton_text("เป้าหมาย")


def _verdict_head(text: str) -> Label | None:
    """A verdict's label worded another way (``ผลการดำเนินงานเทียบกับแผน``, ``เทียบกับเป้าหมาย``):
    a comparison (เทียบ) ending in the plan or the target, read as the form's verdict label."""
    sk = skeleton_text(text)
    if _COMPARED not in sk or len(sk) > 30:
        return None
    word = "แผน" if sk.endswith(_PLAN) else "เป้าหมาย" if sk.endswith(_TARGET) else None
    if word is None:
        return None
    return next((lab for lab in load_labels() if lab.role == "verdict_label" and lab.text.endswith(word)), None)


BRACKET_CELL = re.compile(r"\[([^\[\]]{1,60})\]")


def _leaders_as_colons(line: str) -> str:
    """``ความก้าวหน้าของงานฯ ..... ร้อยละ 10   งบประมาณที่เบิกใช้ (ครั้งที่ 1) ....... 0 บาท``: a dot
    leader after an installment label, a verdict label or the report's number stands for the
    form's colon; dots anywhere else (an ellipsis in a note) stay."""
    out: list[str] = []
    last = 0
    for m in DOT_LEADER.finditer(line):
        before = WIDE_GAP.split(line[last : m.start()])[-1].strip()
        head = _LABEL_TAIL.sub("", before).strip()
        if head and (classify_label(head, _FIELD_ROLES) is not None or _VISIBLE_NO.fullmatch(before)):
            out.append(line[last : m.start()] + " : ")
            last = m.end()
    return "".join(out) + line[last:] if out else line


# the period a quarterly report names before its heading: ``ไตรมาสที่ 2 (มกราคม - มีนาคม 2566)   รายงานครั้งที่ 2``
_PERIOD_BEFORE_HEADING = re.compile(r"^\s*ไตรมาสที่\s*[0-9๐-๙]\s*(?:\([^()]{0,40}\))?\s*(?=รายงาน(?:ผล)?ครั้งที่)")


@lru_cache(maxsize=4096)
def _as_printed(line: str) -> str:
    """``label = value``, ``label ..... value`` and ``[label] value`` with the form's colon (the
    sign every later step reads); a quarter's name before an installment's heading dropped."""
    if line.lstrip().startswith("ไตรมาส"):
        line = _PERIOD_BEFORE_HEADING.sub("", line)
    if "..." in line or "…" in line:
        line = _leaders_as_colons(line)
    if line.lstrip()[:1] == "[":
        line = BRACKET_CELL.sub(r"\1 :", line)  # [รายงานครั้งที่ 1] [31/10/2567] ..., [ความก้าวหน้าของงานฯ] 3 %
    m = _SIGN.match(line) if "=" in line and ":" not in line else None
    if m is None or (lab := _field_label(_LABEL_TAIL.sub("", m.group("label")))) is None:
        return line
    tail = _LABEL_TAIL.search(m.group("label"))
    label = lab.text + (f" ({tail.group('inner').strip()})" if tail and _DIGIT.search(tail.group("inner")) else "")
    return f"{label} : {line[m.end():]}"  # the label as the form prints it (a garbled one restored)


def label_alone(line: str) -> str | None:
    """The label of a line holding an installment field's label alone (its value on the next
    line), as the value's prefix: a bracket with the ordinal kept, a unit bracket (``(%)``) dropped."""
    tail = _LABEL_TAIL.search(line)
    head = line[: tail.start()] if tail else line
    lab = _field_label(head)
    if lab is None or lab.role == "report_no":
        return None
    keep = tail is not None and _DIGIT.search(tail.group("inner")) is not None
    return lab.text + (f" ({tail.group('inner').strip()})" if keep and tail else "") + " : "  # the label as the form prints it


def _values_beside_labels(lines: list[str]) -> list[str]:
    """Lines with each installment label that stands above its value joined to it
    (``วันที่รายงาน`` / ``วันที่ 31 ...`` -> ``วันที่รายงาน : วันที่ 31 ...``)."""
    out: list[str] = []
    i = 0
    while i < len(lines):
        line = _as_printed(lines[i])
        bare = line.rstrip(" \t:=")  # a label alone may keep its sign (``วันที่รายงาน :``, value below)
        if i + 1 < len(lines) and len(line) < 60 and ":" not in bare and "=" not in bare:
            prefix = label_alone(bare.strip())
            following = lines[i + 1].strip()
            if prefix is not None and following and label_alone(following) is None and not _VISIBLE_NO.match(following):
                out.append(prefix + following)
                i += 2
                continue
        out.append(line)
        i += 1
    return out


# a progress field ending its line: ``label : figure``, nothing after it
_PROGRESS_LAST = re.compile(rf"(?:^|\t|(?<=\S) {{3,}})(?P<chunk>(?P<label>[^\t:]{{3,50}}?)\s*:\s*(?:ร้อยละ\s*)?{_NUM}[0-9๐-๙.,]*\s*%?)\s*$")
_DISBURSED_FIRST = re.compile(rf"^\s*{_DISBURSED_LABEL}")
_DISBURSED_ANYWHERE = re.compile(_DISBURSED_LABEL)


def _metrics_together(lines: list[str]) -> list[str]:
    """A progress field printed apart from its amount (a web form puts it beside the date, the
    note and the amount below) moved to the front of the amount's line, where the form prints
    it: the two figures are read as one installment's metrics. The amount's line must come
    before any other progress field, date, verdict or report heading: an amount further on is
    another installment's (a column of amounts a two-column page left after the block)."""
    out = list(lines)
    for k, line in enumerate(lines):
        if ("ความก้าวหน้า" not in line and "ร้อยละ" not in line) or ("เบิก" in line and _DISBURSED_ANYWHERE.search(line)):
            continue  # no progress field, or its amount on its line already (every amount label holds เบิก)
        m = _PROGRESS_LAST.search(line)
        if m is None:
            continue
        lab = _field_label(m.group("label"))
        if lab is None or lab.role != "progress":
            continue
        for j in range(k + 1, min(len(lines), k + 12)):
            later = lines[j]
            if _DISBURSED_FIRST.match(later):
                out[k] = line[: m.start("chunk")].rstrip()
                out[j] = m.group("chunk") + "   " + later.strip()
                break
            heading = _VISIBLE_NO.match(later)
            if (heading and heading.group("n")) or METRICS.search(later) or find_labels(later, ("inst_date", "progress", "verdict_label")) or is_verdict_line(later):
                break  # the next installment, or this one's metrics or verdicts printed otherwise
    return out


def _ordinal(m: re.Match[str], earlier: list[RawInstallment]) -> int | None:
    """The disbursement ordinal of a metrics match. A bracket left open says OCR damaged it: the
    last digit may be the bracket misread (Tesseract repeats the digit or reads ``1``: ``22`` for
    ``2)``, ``11`` for ``1)``), or the number itself misread. The number stands when it follows the
    installment before; else the number without its last digit, when that comes after the one
    before; else None, and the installment's place among its neighbours gives it (``merge``)."""
    k = m.group("k")
    if not k:
        return None
    number = parse_ordinal(k)
    if m.group("close") is None and number is not None:
        before = next((r.disbursement_no for r in reversed(earlier) if r.disbursement_no is not None), 0)
        if number == before + 1:
            return number
        cut = parse_ordinal(k[:-1]) if len(k) >= 2 else None
        return cut if cut is not None and cut > before and k[-1] in (k[-2], "1") else None
    return number


def parse_installments(lines: list[str]) -> list[RawInstallment]:
    text = "\n".join(_metrics_together(_values_beside_labels(lines)))
    result: list[RawInstallment] = []
    pos = 0
    for m in METRICS.finditer(text):
        if m.group("pct") is None and m.group("amt") is None and m.group("k") is None and m.group(0).startswith("ผลการดำเนินงาน"):
            continue  # the result label, then a note that begins with เบิกจ่าย...: no figure, no metrics
        lead = text[pos:m.start()]
        line_end = text.find("\n", m.end())
        line_end = len(text) if line_end < 0 else line_end
        if (glued := _GLUED_HEADING.search(text, m.end(), line_end)) is not None:
            line_end = glued.start() + 1  # the next installment on this line (its line break lost): its lead starts there
        tail = text[m.end():line_end]
        # Plan/target markers that wrapped onto their own line(s) still belong here.
        while line_end < len(text):
            next_end = text.find("\n", line_end + 1)
            next_end = len(text) if next_end < 0 else next_end
            if not is_verdict_line(text[line_end + 1:next_end]):
                break
            tail += "\n" + text[line_end + 1:next_end]  # a line end parts verdicts as a separator does
            line_end = next_end
        pos = line_end
        heading = _last_heading(lead)
        if heading > 0:
            if result:
                _carry(result[-1], lead[:heading])  # text after the last metrics, before this heading: the last one's
            lead = lead[heading:]  # (before the first heading: the section's preamble, a table's caption)
        report_no, iso, bad, note = parse_lead(lead)
        plan, target = read_verdicts(tail)
        result.append(RawInstallment(
            disbursement_no=_ordinal(m, result),
            report_no=report_no, date=iso, bad_date=bad, note=note,
            progress_pct=parse_percent(m.group("pct")),
            disbursed_baht=parse_amount(m.group("amt") + " ล้านบาท" if m.group("million") and m.group("amt") else m.group("amt")),
            on_plan=plan, on_target=target,
        ))  # fmt: skip
    rest = text[pos:]
    if result and not _LEAD_START.search(rest) and not result[-1].note:
        _carry(result[-1], rest)  # the last one's note printed after its metrics
    if _LEAD_START.search(rest):
        # An entry with no metrics: the copy was cut off (truncated file or page lost).
        start = _LEAD_START.search(rest)
        assert start is not None
        report_no, iso, bad, note = parse_lead(rest[start.start():])
        if note or iso:
            result.append(RawInstallment(None, report_no, iso, bad, note, None, None, None, None, complete=False))
    return result
