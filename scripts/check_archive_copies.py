#!/usr/bin/env python3
"""Check that the archive stores what ``parse`` makes, however the copies are delivered.

    python3 scripts/check_archive_copies.py ../shared/blind-reports tests/data/unseen_reports

For every report file under the folders given: (1) the file ingested whole gives the records
``bma-nlp parse FILE`` gives; (2) the file cut into one file per copy, each ingested on its own
(one ingest call per file), gives the records ``bma-nlp parse`` gives for those files together.
Records are compared without ``source``/``sources``/``encoding`` (file names differ). Stage
classification is left out (``--classify`` to include it; slower). Files that hold no report
are skipped. Prints one line per difference and a summary; exit code 1 when any differ.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import bma_nlp
from bma_nlp import Archive, BmaNlpError
from bma_nlp.pipeline import read_copy_texts
from bma_nlp.store import find_files


def _records(reports: list[bma_nlp.Report]) -> dict[tuple, dict]:
    out = {}
    for r in reports:
        d = r.to_dict()
        for k in ("source", "sources", "encoding"):
            d.pop(k)
        out[(r.project.code, r.project.fiscal_year)] = d
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("folders", nargs="+", type=Path)
    ap.add_argument("--classify", action="store_true", help="also classify stages (needs the model)")
    args = ap.parse_args(argv)
    files, _ = find_files(args.folders, ("*.txt",))
    checked = several = differ = 0
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        for n, path in enumerate(sorted(files)):
            try:
                whole = _records(bma_nlp.parse_reports(path, classify=args.classify))
                copies = read_copy_texts(path)
            except BmaNlpError:
                continue
            several += len(copies) > 1
            pieces = []
            for c in copies:
                piece = work / f"{n}-{c.position}.txt"
                piece.write_text(c.text, encoding="utf-8")
                pieces.append(piece)
            split_parse = _records(bma_nlp.process(pieces, classify=args.classify)[0])
            for label, batches, want in (("whole file", [[path]], whole), ("one file per copy", [[p] for p in pieces], split_parse)):
                with Archive(work / f"{n}-{len(label)}.db") as archive:
                    for batch in batches:
                        archive.ingest(batch, classify=args.classify)
                    got = _records(archive.reports())
                checked += 1
                if got != want:
                    differ += 1
                    print(f"differs ({label}): {path}")
    print(f"{len(files)} files, {checked // 2} with reports ({several} with several copies): {checked - differ}/{checked} archives equal to parse")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
