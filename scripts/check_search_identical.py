"""Does this checkout search an archive exactly as an earlier revision does? (speed work on
search must not change a hit, its order, its snippet or its score)

    python scripts/check_search_identical.py --db ARCHIVE [--baseline main] [--queries 300]

The baseline's ``bma_nlp`` is taken from git (``git archive REV bma_nlp``) into a temporary
directory, as ``check_repair_identical.py`` does. The queries are drawn once, here, from the
archive's own text with ``bench_archive.make_queries`` (the benchmark's mix: words, word pairs,
district names, fragments, broad and absent words, half with a filter); each is run as drawn,
and again under one more filter set taken in turn from a list (each filter alone, filters
together, a code prefix, a date range), and a share of them with other limits (1, 50, all but
for the broadest) and as the web app's page of hits with facet counts (offset 20). Each version
then runs every search in its own process, opening the archive read-only, and prints the hits
(``Hit.to_dict``: code, year, installment, date, stage, note, snippet, score). They must be
equal. Exit status 1 on any difference, with the first few printed.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from revision_tree import differing_items, importing_from, unpack_package, worker_result

HERE = Path(__file__).resolve().parent


def draw(db: str, n: int, seed: int) -> list[dict[str, object]]:
    """The searches to compare: (query, filters, limit, page) for each."""
    import random

    from bench_archive import QUERY_KINDS, make_queries

    from bma_nlp.store import Archive

    with Archive(db, create=False) as archive:
        queries = make_queries(archive, n, seed)
        con = archive.con
        years = [r[0] for r in con.execute("SELECT DISTINCT fiscal_year FROM reports WHERE fiscal_year IS NOT NULL ORDER BY 1")]
        codes = [r[0] for r in con.execute("SELECT code FROM reports WHERE code IS NOT NULL ORDER BY id DESC LIMIT 200")]
        dates = [r[0] for r in con.execute("SELECT date FROM installments WHERE date IS NOT NULL ORDER BY id DESC LIMIT 200")]
    rng = random.Random(seed + 1)
    districts = sorted({q for (q, _), kind in zip(queries, QUERY_KINDS, strict=True) if kind.startswith("agency")}) or ["เขต"]
    stages = ("approval", "procurement", "completed", "unknown")

    def extra(k: int) -> dict[str, object]:
        kinds = (
            lambda: {"stage": rng.choice(stages)},
            lambda: {"year": rng.choice(years)} if years else {},
            lambda: {"agency": rng.choice(districts)},
            lambda: {"flagged": True},
            lambda: {"code": rng.choice(codes)[: rng.choice((2, 4, 8))]} if codes else {},
            lambda: {"since": min(d := rng.sample(dates, 2)), "until": max(d)} if len(dates) > 1 else {},
            lambda: {"stage": rng.choice(stages), "year": rng.choice(years)} if years else {},
            lambda: {"agency": rng.choice(districts), "stage": rng.choice(stages)},
            lambda: {"agency": "สำนักงานเขต"},  # more offices than one facet expression takes
            lambda: {"corrected": True},
            lambda: {"year": rng.choice(years), "flagged": True, "agency": rng.choice(districts)} if years else {},
        )
        return kinds[k % len(kinds)]()

    searches: list[dict[str, object]] = []
    for k, ((q, filters), kind) in enumerate(zip(queries, QUERY_KINDS, strict=True)):
        searches.append({"q": q, "filters": filters, "limit": 20})
        searches.append({"q": q, "filters": extra(k), "limit": 20})
        if k % 3 == 0:
            limit = (1, 50, None)[(k // 3) % 3]
            if limit is None and kind.startswith("broad"):
                limit = 200
            searches.append({"q": q, "filters": filters, "limit": limit})
        if k % 5 == 0:
            searches.append({"q": q, "filters": filters, "limit": 20, "page": 20})
    return searches


def worker(db: str, path: str) -> None:
    """Run every search in ``path`` with this interpreter's bma_nlp; print one JSON document."""
    import bma_nlp
    from bma_nlp.store import Archive

    searches = json.loads(Path(path).read_text(encoding="utf-8"))
    out: list[object] = []
    started = time.process_time()
    with Archive(db, create=False) as archive:
        archive.con.execute("PRAGMA query_only = ON")
        archive.search("ทดสอบ")
        for s in searches:
            try:
                out.append(_run(archive, s))
            except Exception as exc:  # an error is a result too: both versions must fail alike
                out.append({"error": f"{type(exc).__name__}: {exc}"})
    print(json.dumps({"package": bma_nlp.__file__, "cpu": time.process_time() - started, "results": out}, ensure_ascii=False))


# What both sides of a comparison have: hit fields and facets added later (agency, progress_pct,
# disbursed_baht; the latest facet, stop of 2026-12-05 23:28) are left out, so a baseline from
# before them still compares.
COMPARED_FIELDS = ("code", "fiscal_year", "project", "installment", "date", "stage", "note", "snippet", "score")
COMPARED_FACETS = ("stage", "year", "office", "flagged", "corrected")


def _hit(hit: Any) -> dict[str, Any]:
    values = hit.to_dict()
    return {k: values[k] for k in COMPARED_FIELDS}


def _run(archive: Any, s: dict[str, Any]) -> object:
    """One search's output: its hits, or the web app's page (hits, counts, facets)."""
    if "page" in s:
        page = archive.search_page(s["q"], offset=s["page"], limit=s["limit"], **s["filters"])
        return {"hits": [[_hit(h.hit), h.report_id, h.installment_id, h.flagged, h.corrected] for h in page.hits],
                "has_next": page.has_next, "total": page.total, "complete": page.complete,
                "facets": {k: [[v.value, v.count] for v in vs] for k, vs in page.facets.items() if k in COMPARED_FACETS}}  # fmt: skip
    return [_hit(h) for h in archive.search(s["q"], limit=s["limit"], **s["filters"])]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", required=True, help="the archive to search (bench_archive.py --dir X leaves X/bench.db)")
    ap.add_argument("--baseline", default="main", help="git revision to compare with")
    ap.add_argument("--queries", type=int, default=300, help="queries drawn (each run several ways)")
    ap.add_argument("--seed", type=int, default=2566, help="the benchmark's seed (its query mix)")
    ap.add_argument("--worker", nargs=2, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        worker(*args.worker)
        return
    repo = HERE.parent
    with tempfile.TemporaryDirectory() as tmp:
        searches = draw(args.db, args.queries, args.seed)
        path = Path(tmp) / "searches.json"
        path.write_text(json.dumps(searches, ensure_ascii=False), encoding="utf-8")
        pkg = Path(tmp) / "baseline"
        pkg.mkdir()
        unpack_package(args.baseline, str(pkg))
        cmd = [sys.executable, str(Path(__file__).resolve()), "--db", args.db, "--worker", args.db, str(path)]
        base = worker_result(cmd, importing_from(str(pkg)))
        current = worker_result(cmd, importing_from(str(repo)))
        if not str(base["package"]).startswith(str(pkg)) or not str(current["package"]).startswith(str(repo)):
            sys.exit("a worker did not import the revision it was meant to")
        expected, got = base["results"], current["results"]
        assert isinstance(expected, list) and isinstance(got, list)
        differences = differing_items(0, "search", expected, got, 0, lambda k: f"search {k} {searches[k]}")
        hits = sum(len(x.get("hits", ())) if isinstance(x, dict) else len(x) for x in got)
        errors = sum(isinstance(x, dict) and "error" in x for x in expected)
        print(f"{len(searches)} searches compared ({hits:,} hits; {errors} failed in the baseline); CPU s: baseline {base['cpu']:.1f}, current {current['cpu']:.1f}")
    print(f"{differences} differences from {args.baseline}")
    sys.exit(1 if differences else 0)


if __name__ == "__main__":
    main()
