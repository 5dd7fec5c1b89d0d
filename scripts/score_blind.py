"""Score the whole pipeline on blind reports (``N.txt`` beside ``N.truth.json``), printed as a table.

    python scripts/score_blind.py DIR [--json] [--totals] [--no-repair]

Per file: header fields right (the 10 project fields of the truth), installment fields right
(date, progress, disbursement, ordinal, plan, target, matched by installment number), stages
right, copies count right, number of reports right, narrative present (only where the truth has
one), and whether the file parsed at all. A truth is one report (an object) or several (a list,
an object with ``reports``, or an object with ``other_reports`` beside its own). Stages depend on the classifier, so they are reported apart.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from bma_nlp.errors import BmaNlpError
from bma_nlp.pipeline import process

PROJECT_FIELDS = [
    "name", "code", "fiscal_year", "start_date", "end_date", "budget_received", "budget_used",
    "agency", "coordinator", "coordinator_phone",
]  # fmt: skip
INST_FIELDS = ["date", "progress_pct", "disbursed_baht", "disbursement_no", "on_plan", "on_target"]
NARRATIVE_FIELDS = ["rationale", "objectives", "targets"]


def _truth_reports(truth: Any) -> list[dict[str, Any]]:
    if isinstance(truth, list):
        return truth
    if "reports" in truth:
        return list(truth["reports"])
    return [truth, *truth.get("other_reports", [])]  # round 2: a second report of the file


def _pick(reports: list[Any], want: dict[str, Any]) -> Any:
    """The parsed report that stands for a truth report: same code, else most header fields alike."""
    p = want.get("project", {})
    if not reports:
        return None

    def likeness(r: Any) -> tuple[int, int]:
        same = sum(getattr(r.project, k, None) == p.get(k) for k in PROJECT_FIELDS if p.get(k) is not None)
        return same, len(r.installments)

    return max(reports, key=likeness)


def _present(value: Any) -> bool:
    if isinstance(value, dict):
        return any(_present(v) for v in value.values())
    if isinstance(value, list):
        return any(_present(v) for v in value)
    return bool(value and str(value).strip())


def score_file(path: Path, repair: bool = True, classify: bool = True) -> dict[str, Any]:
    truth = json.loads(path.with_name(path.stem + ".truth.json").read_text(encoding="utf-8"))
    wants = _truth_reports(truth)
    row: dict[str, Any] = {
        "file": path.name, "parsed": True, "error": None, "header_ok": 0, "header_total": 0,
        "inst_ok": 0, "inst_total": 0, "stage_ok": 0, "stage_total": 0, "copies_ok": 0,
        "copies_total": 0, "reports_ok": False, "narrative_ok": 0, "narrative_total": 0, "misses": [],
    }  # fmt: skip
    errors: list[BmaNlpError] = []
    try:
        reports, errors = process([str(path)], repair=repair, classify=classify)
    except Exception as exc:  # noqa: BLE001 - a crash is a file not parsed, and the scorer goes on
        reports, row["error"] = [], f"{type(exc).__name__}: {exc}"
    if errors:
        row["error"] = str(errors[0])
    row["parsed"] = bool(reports)
    row["reports_ok"] = len(reports) == len(wants)
    row["reports"] = len(reports)
    for want in wants:
        got = _pick(reports, want)
        for key in PROJECT_FIELDS:
            if key not in want.get("project", {}):
                continue
            row["header_total"] += 1
            value = getattr(got.project, key, None) if got else None
            if value == want["project"][key]:
                row["header_ok"] += 1
            else:
                row["misses"].append(f"project.{key}: got {value!r} want {want['project'][key]!r}")
        row["copies_total"] += 1
        if got is not None and got.copies == want.get("copies"):
            row["copies_ok"] += 1
        elif got is not None:
            row["misses"].append(f"copies: got {got.copies} want {want.get('copies')}")
        by_no = {i.number: i for i in got.installments} if got else {}
        for inst in want.get("installments", []):
            g = by_no.get(inst["number"])
            for key in INST_FIELDS:
                if key not in inst:
                    continue
                row["inst_total"] += 1
                value = getattr(g, key, None) if g else None
                if g is not None and value == inst[key]:
                    row["inst_ok"] += 1
                else:
                    row["misses"].append(f"installment {inst['number']}.{key}: got {value!r} want {inst[key]!r}")
            if "stage" in inst:
                row["stage_total"] += 1
                if g is not None and g.stage == inst["stage"]:
                    row["stage_ok"] += 1
        extra = sorted(set(by_no) - {i["number"] for i in want.get("installments", [])})
        if extra:
            row["misses"].append(f"installments not in the truth: {extra}")
        narrative = want.get("narrative")
        if isinstance(narrative, dict):
            for key in NARRATIVE_FIELDS:
                if not _present(narrative.get(key)):
                    continue
                row["narrative_total"] += 1
                if got is not None and _present(getattr(got.project, key, None)):
                    row["narrative_ok"] += 1
                else:
                    row["misses"].append(f"narrative.{key}: missing")
    return row


def blind_files(folder: Path, pattern: str = "*.txt") -> list[Path]:
    return sorted(p for p in folder.glob(pattern) if p.with_name(p.stem + ".truth.json").exists())


def summarise(rows: list[dict[str, Any]]) -> dict[str, Any]:
    keys = ["header", "inst", "stage", "copies", "narrative"]
    total = {k: (sum(r[f"{k}_ok"] for r in rows), sum(r[f"{k}_total"] for r in rows)) for k in keys}
    return {
        "files": len(rows),
        "not_parsed": sum(not r["parsed"] for r in rows),
        "reports_right": sum(r["reports_ok"] for r in rows),
        "perfect_files": sum(r["header_ok"] == r["header_total"] and r["inst_ok"] == r["inst_total"] and r["copies_ok"] == r["copies_total"] and r["reports_ok"] for r in rows),
        **{f"{k}_ok": v[0] for k, v in total.items()},
        **{f"{k}_total": v[1] for k, v in total.items()},
    }  # fmt: skip


def _pct(ok: int, total: int) -> str:
    return f"{ok}/{total} {ok / total * 100:5.1f}%" if total else "-"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("folder", type=Path)
    ap.add_argument("--json", action="store_true", help="print the per-file rows as JSON")
    ap.add_argument("--totals", action="store_true", help="print only the totals (no per-file rows or misses)")
    ap.add_argument("--misses", action="store_true", help="list each file's misses under the table")
    ap.add_argument("--no-repair", action="store_true")
    ap.add_argument("--pattern", default="*.txt", help="the report files (e.g. '*.pdf': scans made by bench_scans.py)")
    args = ap.parse_args(argv)
    files = blind_files(args.folder, args.pattern)
    if not files:
        print(f"{args.folder}: no {args.pattern} with N.truth.json beside it", file=sys.stderr)
        return 2
    rows = [score_file(p, repair=not args.no_repair) for p in files]
    summary = summarise(rows)
    total = {k: (summary[f"{k}_ok"], summary[f"{k}_total"]) for k in ("header", "inst", "stage", "copies", "narrative")}
    if args.json:
        print(json.dumps({"summary": summary, "files": [] if args.totals else rows}, ensure_ascii=False, indent=1))
        return 0
    head = f"{'file':<14} {'header':>14} {'installments':>16} {'stages':>14} {'copies':>7} {'reports':>8} {'narrative':>10}"
    print(head)
    if not args.totals:
        for r in rows:
            print(
                f"{r['file']:<14} {_pct(r['header_ok'], r['header_total']):>14} {_pct(r['inst_ok'], r['inst_total']):>16} "
                f"{_pct(r['stage_ok'], r['stage_total']):>14} {r['copies_ok']}/{r['copies_total']:<5} "
                f"{('ok' if r['reports_ok'] else str(r['reports'])) if r['parsed'] else 'NOT PARSED':>8} "
                f"{_pct(r['narrative_ok'], r['narrative_total']):>10}"
            )
    print(
        f"{'TOTAL':<14} {_pct(*total['header']):>14} {_pct(*total['inst']):>16} {_pct(*total['stage']):>14} "
        f"{total['copies'][0]}/{total['copies'][1]:<5} {summary['reports_right']}/{len(rows):<6} {_pct(*total['narrative']):>10}"
    )
    print(f"files not parsed: {summary['not_parsed']}; files entirely right (header, installments, copies, reports): {summary['perfect_files']}/{len(rows)}")
    if args.misses and not args.totals:
        for r in rows:
            if r["misses"] or r["error"]:
                print(f"\n{r['file']}" + (f"  ERROR {r['error']}" if r["error"] else ""))
                for m in r["misses"]:
                    print(f"  {m}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
