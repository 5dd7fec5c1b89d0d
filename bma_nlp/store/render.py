"""Showing search hits and archive statistics: a table for people, JSON/JSONL/CSV for scripts."""

from __future__ import annotations

import json
import unicodedata
from typing import Any

from bma_nlp.output import csv_text, json_safe, one_line, terminal_safe
from bma_nlp.store.query import HIT_FIELDS, Hit

HIT_FORMATS = ("table", "json", "jsonl", "csv")


def display_width(text: str) -> int:
    """Terminal cells: Thai vowel and tone marks above/below take none, wide characters two."""
    width = 0
    for ch in text:
        if unicodedata.category(ch) in ("Mn", "Me", "Cf"):
            continue
        width += 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
    return width


def fit(text: str, width: int) -> str:
    """Cut ``text`` to ``width`` cells (marks stay with their letter), padded with spaces."""
    if display_width(text) > width:
        out, used = [], 0
        for ch in text:
            w = display_width(ch)
            if used + w > width - 1:
                break
            out.append(ch)
            used += w
        text = "".join(out) + "…"
    return text + " " * (width - display_width(text))


def hits_table(hits: list[Hit], width: int = 120) -> str:
    if not hits:
        return "no matches\n"
    head = ["code", "FY", "no.", "date", "stage", "score"]
    rows = [
        [one_line(h.code or "?"), str(h.fiscal_year or "?"), str(h.installment), one_line(h.date or "-"), h.stage or "unknown", "" if h.score is None else f"{h.score:.2f}"]
        for h in hits
    ]
    widths = [max(display_width(r[k]) for r in [head, *rows]) for k in range(len(head))]
    lead = sum(widths) + 2 * len(widths)
    rest = max(20, width - lead)
    lines = ["  ".join(fit(c, w) for c, w in zip(head, widths, strict=True)) + "  match"]
    for h, row in zip(hits, rows, strict=True):
        lines.append(("  ".join(fit(c, w) for c, w in zip(row, widths, strict=True)) + "  " + fit(one_line(h.snippet.replace("\n", " ")), rest)).rstrip())
        lines.append((" " * lead + fit(one_line(h.project or ""), rest)).rstrip())
    lines.append(f"{len(hits)} match{'' if len(hits) == 1 else 'es'}")
    return terminal_safe("\n".join(lines)) + "\n"


def render_hits(hits: list[Hit], fmt: str = "table", width: int = 120) -> str:
    if fmt == "table":
        return hits_table(hits, width)
    dicts = [h.to_dict() for h in hits]
    if fmt == "json":
        return json_safe(json.dumps(dicts, ensure_ascii=False, indent=1)) + "\n"
    if fmt == "jsonl":
        return "".join(json_safe(json.dumps(d, ensure_ascii=False)) + "\n" for d in dicts)
    if fmt == "csv":
        return csv_text(dicts, HIT_FIELDS)
    raise ValueError(f"unknown format {fmt!r} (choose from {', '.join(HIT_FORMATS)})")


def stats_text(stats: dict[str, Any]) -> str:
    def counts(d: dict[str, int]) -> str:
        return ", ".join(f"{k}: {v}" for k, v in d.items()) or "none"

    def n(k: int, word: str) -> str:
        return f"{k} {word}{'' if k == 1 else 's'}"

    lines = [
        f"files:         {stats['files']}",
        f"reports:       {stats['reports']} ({n(stats['projects'], 'project code')}; {n(stats['replaced'], 'earlier version')} replaced by a re-scan)",
        f"fiscal years:  {counts(stats['fiscal_years'])}",
        f"installments:  {stats['installments']} by stage: {counts(stats['stages'])}",
        f"reports now:   by their latest installment's stage: {counts(stats['stages_now'])}",
        f"flags:         {sum(stats['flags'].values())} in {n(stats['flagged_reports'], 'report')}: {counts(stats['flags'])}",
        f"OCR repairs:   {stats['repairs']}",
    ]
    if "copies" in stats:
        per = stats["copy_bytes"] / stats["installments"] if stats["installments"] else 0
        lines.append(f"copies kept:   {stats['copies']} ({stats['copy_bytes'] / 1e6:.2f} MB compressed, {per:.0f} bytes per installment)")
        lines.append(f"corrections:   {stats['corrections']}")
        older = f"{stats['outdated']} derived by another pipeline version (run `bma-nlp reprocess`)" if stats["outdated"] else "all derived by this pipeline version"
        lines.append(f"pipeline:      {stats['pipeline']}; {older}")
        if stats["no_copies"]:
            lines.append(f"               {n(stats['no_copies'], 'report')} from schema 1 without stored copies (ingest their files again)")
    return "\n".join(lines) + "\n"
