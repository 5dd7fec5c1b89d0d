"""Plain dataclasses for what the pipeline produces; ``to_dict()`` gives the JSON contract."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

STAGES = ("approval", "procurement", "completed")
LABELS = (*STAGES, "none")  # what the stage classifier says of a note: a stage, or none


@dataclass
class Flag:
    """Something in a report that does not add up (for a person to check)."""

    code: str
    message: str
    installment: int | None = None


@dataclass
class Repair:
    """One change made by OCR repair: ``original`` at ``[start:end]`` of line ``line`` (0-based)
    became ``replacement``. Changes are listed in the order they were applied; offsets refer
    to the line as it was just before the change."""

    start: int
    end: int
    original: str
    replacement: str
    reason: str
    score: float
    line: int = 0
    field: str | None = None  # for repairs inside a parsed record: which field


@dataclass
class Project:
    name: str | None = None
    code: str | None = None
    fiscal_year: int | None = None
    start_date: str | None = None
    end_date: str | None = None
    budget_received: float | int | None = None
    budget_used: float | int | None = None
    agency: str | None = None
    coordinator: str | None = None
    coordinator_phone: str | None = None
    responsible: str | None = None
    strategy: str | None = None
    sub_strategy: str | None = None
    goal: str | None = None
    indicator: str | None = None
    # The narrative (the form's free-text sections 1.3-1.5): rationale (หลักการและเหตุผล) as
    # lines, objectives (วัตถุประสงค์) and targets (เป้าหมาย, quantity and quality) as items with
    # their printed numbering removed. The *_raw forms keep the OCR as merged, before repair.
    rationale: str | None = None
    objectives: list[str] = field(default_factory=list)
    targets: list[str] = field(default_factory=list)
    rationale_raw: str | None = None
    objectives_raw: list[str] = field(default_factory=list)
    targets_raw: list[str] = field(default_factory=list)


NARRATIVE_FIELDS = ("rationale", "objectives", "targets")


@dataclass
class Installment:
    number: int
    date: str | None = None
    note: str = ""
    note_raw: str = ""
    progress_pct: float | None = None
    disbursed_baht: float | int | None = None
    disbursement_no: int | None = None
    on_plan: bool | None = None
    on_target: bool | None = None
    stage: str | None = None
    stage_confidence: float | None = None
    stage_source: str | None = None  # "note", or "sequence" when the order overrode the note
    report_no: int | None = None  # the visible รายงานครั้งที่ N (unreliable, kept for reference)


@dataclass
class Report:
    source: str
    encoding: str
    copies: int = 1
    project: Project = field(default_factory=Project)
    installments: list[Installment] = field(default_factory=list)
    flags: list[Flag] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    repairs: list[dict[str, Any]] = field(default_factory=list)
    # People's corrections applied on top of what the pipeline derived (archive only; see
    # bma_nlp.store.corrections): one dict per correction, with the pipeline's own value.
    corrections: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def flag(self, code: str, message: str, installment: int | None = None) -> None:
        if not any(f.code == code and f.installment == installment and f.message == message for f in self.flags):
            self.flags.append(Flag(code, message, installment))
