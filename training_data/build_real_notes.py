"""Build ``real_notes.jsonl``: real Thai progress notes, verbatim, each with its source.

Inputs (all copied verbatim, nothing invented or paraphrased):

* ``../shared/real-notes/notes.jsonl`` (52 notes from BMA's monitoring pages; their labels are
  NOT copied here: the corpus is unlabelled, labels live in ``real_labels.jsonl``);
* ``real_raw/batch*.txt``: notes copied from stored public pages (BMA monitoring pages, BMA and
  district news, other Thai public bodies' progress, procurement and inspection notices).
  A block starts with ``@@ <url>`` (optionally ``| truncated`` when the stored excerpt ended
  mid-note, ``| title`` for a page headline, ``| header`` for a document header line) and its
  text runs to the next ``@@`` line.

``source_page`` groups the notes of one page: BMA's ``mykpi.php?pid=...`` pages are served
under several host names (monitor., dp., dp1., dp2., policy.) so the page key drops the host;
every other page is keyed by its URL. Evaluation splits by ``source_page``. ``batch`` says where
a note came from (``shared`` or the ``real_raw`` file's name): which notes existed when a piece of
the classifier was written (``scripts/cv_fresh_gates.py``).

    python training_data/build_real_notes.py           # rewrite real_notes.jsonl
    python training_data/build_real_notes.py --check   # verify it is up to date
"""

from __future__ import annotations

import json
import re
import sys
import unicodedata
from pathlib import Path

HERE = Path(__file__).resolve().parent
SHARED = HERE.parent.parent / "shared" / "real-notes" / "notes.jsonl"
OUT = HERE / "real_notes.jsonl"
KPI = re.compile(r"/mobile/(my(?:kpi|project)\.php\?pid=[\w-]+)")


def page_key(url: str) -> str:
    m = KPI.search(url)
    return f"bma-monitor:{m.group(1)}" if m else url


def clean(text: str) -> str:
    lines = [line.rstrip() for line in unicodedata.normalize("NFC", text).strip().splitlines()]
    return "\n".join(line for line in lines if line.strip())


def raw_blocks() -> list[dict]:
    out: list[dict] = []
    for path in sorted((HERE / "real_raw").glob("batch*.txt")):
        blocks: list[tuple[str, set[str], list[str]]] = []
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.startswith("@@ "):
                head = [p.strip() for p in line[3:].split("|")]
                blocks.append((head[0], set(head[1:]), []))
            elif blocks:
                blocks[-1][2].append(line)
        for url, flags, lines in blocks:
            text = clean("\n".join(lines))
            if text:
                out.append({"text": text, "source_url": url, "kind": "+".join(sorted(flags)) or "note", "batch": path.stem})
    return out


def build() -> list[dict]:
    rows = []
    if SHARED.is_file():
        for line in SHARED.read_text(encoding="utf-8").splitlines():
            d = json.loads(line)
            rows.append({"text": clean(d["text"]), "source_url": d["url"], "kind": "truncated" if d.get("truncated") else "note", "batch": "shared"})
    rows += raw_blocks()
    seen, notes = set(), []
    for r in rows:
        if r["text"] in seen:
            continue
        seen.add(r["text"])
        notes.append(
            {
                "id": f"r{len(notes) + 1:03d}",
                "text": r["text"],
                "source_url": r["source_url"],
                "source_page": page_key(r["source_url"]),
                "kind": r["kind"],
                "batch": r["batch"],
            }
        )
    return notes


def main() -> int:
    notes = build()
    data = "".join(json.dumps(n, ensure_ascii=False) + "\n" for n in notes)
    if "--check" in sys.argv:
        ok = OUT.is_file() and OUT.read_text(encoding="utf-8") == data
        print("real_notes.jsonl is up to date" if ok else "real_notes.jsonl differs from a rebuild")
        return 0 if ok else 1
    OUT.write_text(data, encoding="utf-8")
    pages = {n["source_page"] for n in notes}
    print(f"wrote {OUT.name}: {len(notes)} notes from {len(pages)} pages")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
