"""People's corrections: what they say, how they are checked, and how they apply to a record.

A correction names a report (code + fiscal year), a kind, a field (addressed like
``Repair.field``: ``project.<name>`` or ``installments[<N>].<name>``) and the value it
should have. Corrections are stored apart from what the pipeline derives and applied on top
of every derivation (``apply_corrections``), so they survive a re-ingest and a reprocess;
a correction that no longer fits the record (its word or installment gone) is kept and
shown as not applied, never forced.
"""

from __future__ import annotations

import dataclasses
import json
import re
from dataclasses import dataclass, fields
from typing import Any

from bma_nlp.errors import InputError
from bma_nlp.records import STAGES, Installment, Project, Report

KINDS = ("field", "stage", "repair_rejected", "word")
_FIELD = re.compile(r"^(?:project\.(?P<p>\w+)|installments\[(?P<n>\d+)\]\.(?P<i>\w+))$")
_PROJECT_FIELDS = {f.name for f in fields(Project)}
_INSTALLMENT_FIELDS = {f.name for f in fields(Installment)} - {"number"}
_TEXT_FIELDS = {"name", "agency", "coordinator", "responsible", "strategy", "sub_strategy", "goal", "indicator", "note", "note_raw"}


@dataclass
class Correction:
    """One person's statement about one field of one report (see docs in the module)."""

    code: str | None
    fiscal_year: int | None
    kind: str
    field: str
    new: Any
    old: Any = None
    who: str = ""
    why: str = ""
    at: str = ""
    id: int | None = None
    withdrawn_at: str | None = None
    occurrence: int = 0

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Correction:
        known = {f.name for f in fields(cls)}
        missing = {"code", "kind", "field", "new"} - set(data)
        if missing:
            raise InputError(f"correction lacks {', '.join(sorted(missing))}")
        return cls(**{k: v for k, v in data.items() if k in known})

    @property
    def report_key(self) -> str:
        return report_key(self.code, self.fiscal_year)


def report_key(code: str | None, fiscal_year: int | None) -> str:
    """The archive's identity of a report: project code + fiscal year."""
    return f"{code}|{fiscal_year if fiscal_year is not None else ''}"


def split_field(address: str) -> tuple[int | None, str]:
    """``project.X`` -> (None, X); ``installments[N].X`` -> (N, X). InputError if unknown."""
    m = _FIELD.match(address or "")
    if m is None:
        raise InputError(f"field {address!r} is not project.<name> or installments[<N>].<name>")
    if m["p"] is not None:
        if m["p"] not in _PROJECT_FIELDS:
            raise InputError(f"project has no field {m['p']!r} (fields: {', '.join(sorted(_PROJECT_FIELDS))})")
        return None, m["p"]
    if m["i"] not in _INSTALLMENT_FIELDS:
        raise InputError(f"an installment has no field {m['i']!r} (fields: {', '.join(sorted(_INSTALLMENT_FIELDS))})")
    return int(m["n"]), m["i"]


def check(c: Correction) -> None:
    """Refuse what can never apply (unknown kind or field, a stage outside the label set)."""
    if c.kind not in KINDS:
        raise InputError(f"unknown kind of correction {c.kind!r} (choose from {', '.join(KINDS)})")
    number, name = split_field(c.field)
    if c.kind == "stage":
        if number is None or name != "stage":
            raise InputError("a stage correction names installments[<N>].stage")
        if c.new is not None and c.new not in STAGES:
            raise InputError(f"stage must be one of {', '.join(STAGES)} or none (got {c.new!r})")
    elif c.kind in ("word", "repair_rejected"):
        if name not in _TEXT_FIELDS:
            raise InputError(f"{c.kind} corrections apply to text fields, not {name!r}")
        if not isinstance(c.old, str) or not c.old or not isinstance(c.new, str):
            raise InputError(f"a {c.kind} correction needs the text as it stands (old) and as it should be (new)")
    elif c.kind == "field" and name == "stage":
        raise InputError("use kind 'stage' for an installment's stage")
    if c.new is not None and not isinstance(c.new, (str, int, float, bool)):
        raise InputError(f"a corrected value is a string, number, true/false or null (got {type(c.new).__name__})")


def _target(report: Report, number: int | None) -> Project | Installment | None:
    if number is None:
        return report.project
    return next((i for i in report.installments if i.number == number), None)


def _nth(text: str, word: str, occurrence: int) -> int:
    start = -1
    for _ in range(occurrence + 1):
        start = text.find(word, start + 1)
        if start < 0:
            return -1
    return start


def current_value(report: Report, address: str) -> Any:
    number, name = split_field(address)
    target = _target(report, number)
    return None if target is None else getattr(target, name)


def apply_corrections(report: Report, corrections: list[Correction]) -> Report:
    """Apply active corrections (oldest first) to a derived record, in place; fill
    ``report.corrections`` with what each did (``derived``: the value before it applied)."""
    report.corrections = []
    for c in corrections:
        if c.withdrawn_at:
            continue
        number, name = split_field(c.field)
        target = _target(report, number)
        entry: dict[str, Any] = {
            "id": c.id, "kind": c.kind, "field": c.field, "old": c.old, "new": c.new, "derived": None,
            "applied": False, "problem": None, "who": c.who, "why": c.why, "at": c.at,
        }  # fmt: skip
        report.corrections.append(entry)
        if target is None:
            entry["problem"] = f"the record has no installment {number}"
            continue
        value = getattr(target, name)
        entry["derived"] = value
        if c.kind == "field":
            setattr(target, name, c.new)
        elif c.kind == "stage":
            assert isinstance(target, Installment)
            target.stage, target.stage_confidence, target.stage_source = c.new, 1.0, "human"
        else:
            text = value or ""
            at = _nth(text, c.old, c.occurrence)
            if at < 0:
                entry["problem"] = f"{c.old!r} is no longer in {c.field}"
                continue
            setattr(target, name, text[:at] + c.new + text[at + len(c.old) :])
            if c.kind == "repair_rejected":
                for r in report.repairs:
                    if r.get("field") == c.field and r.get("replacement") == c.old and r.get("original") == c.new and "rejected" not in r:
                        r["rejected"] = c.id
                        break
            else:
                report.repairs.append(
                    {"start": at, "end": at + len(c.old), "original": c.old, "replacement": c.new, "reason": "human", "score": 1.0,
                     "line": 0, "field": c.field, "correction": c.id}
                )  # fmt: skip
        entry["applied"] = True
    return report


def corrected_fields(report: Report, number: int | None) -> list[str]:
    """The CSV columns a person corrected on the row of installment ``number`` (the
    project's fields show on every row of the report)."""
    names = []
    for entry in report.corrections:
        if not entry.get("applied"):
            continue
        n, name = split_field(entry["field"])
        if n is None or n == number:
            names.append("installment_number" if name == "number" else name)
    return list(dict.fromkeys(names))


def to_jsonl(corrections: list[Correction]) -> str:
    return "".join(json.dumps(c.to_dict(), ensure_ascii=False) + "\n" for c in corrections)


def from_jsonl(text: str, where: str = "<corrections>") -> list[Correction]:
    """Corrections from JSON Lines; a bad line raises InputError naming its number."""
    out = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
            if not isinstance(data, dict):
                raise InputError("expected a JSON object")
            c = Correction.from_dict(data)
            check(c)
        except json.JSONDecodeError as exc:
            raise InputError(f"line {number}: not valid JSON ({exc.msg})", where) from None
        except (InputError, TypeError) as exc:
            raise InputError(f"line {number}: {getattr(exc, 'message', None) or exc}", where) from None
        out.append(c)
    return out


def describe(c: Correction) -> str:
    """One line for people: id, report, what changed, who, why."""
    gone = f" (withdrawn {c.withdrawn_at[:19]})" if c.withdrawn_at else ""
    by = f" by {c.who}" if c.who else ""
    because = f": {c.why}" if c.why else ""
    year = c.fiscal_year if c.fiscal_year is not None else "?"
    return f"#{c.id} {c.code}/{year} {c.kind} {c.field}: {json.dumps(c.old, ensure_ascii=False)} -> {json.dumps(c.new, ensure_ascii=False)}{by}{because}{gone}"


def request(
    stage: tuple[str, str] | None, set_field: tuple[str, str] | None, reject_repair: tuple[str, str] | None, fix_word: tuple[str, str, str] | None
) -> tuple[str, str, Any, Any]:
    """(kind, field, new, old) from the ``correct`` command's options; exactly one is given."""
    given = [x for x in (stage, set_field, reject_repair, fix_word) if x is not None]
    if len(given) != 1:
        raise InputError("give exactly one of --stage, --set, --reject-repair, --fix-word")
    if stage is not None:
        number, value = stage
        if not number.isdigit():
            raise InputError(f"--stage N STAGE: N is an installment number (got {number!r})")
        return "stage", f"installments[{number}].stage", None if value.lower() == "none" else value.lower(), None
    if set_field is not None:
        field, text = set_field
        try:
            parsed: Any = json.loads(text)
        except json.JSONDecodeError:
            parsed = text
        return "field", field, parsed, None
    if reject_repair is not None:
        return "repair_rejected", reject_repair[0], None, reject_repair[1]
    assert fix_word is not None
    return "word", fix_word[0], fix_word[2], fix_word[1]
