"""Command line: a thin layer over the Python API. No logic lives here."""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

import click

from bma_nlp import __version__
from bma_nlp.errors import BmaNlpError
from bma_nlp.export import FORMATS, render
from bma_nlp.output import json_safe, one_line, terminal_safe, write_output
from bma_nlp.text.read import DEFAULT_MAX_BYTES

F = TypeVar("F", bound=Callable[..., Any])


def sample_path() -> Path:
    """The real OCR'd sample archive shipped with the package."""
    return Path(str(resources.files("bma_nlp") / "data" / "samples" / "dusit-school-network-2566.txt"))


def report_error(exc: BmaNlpError) -> None:
    click.echo(f"error: {one_line(str(exc))}", err=True)


def one_line_errors(func: F) -> F:
    """Every failure becomes one line on stderr and a non-zero exit, never a traceback."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except BmaNlpError as exc:
            report_error(exc)
            sys.exit(1)
        except KeyboardInterrupt:
            click.echo("interrupted", err=True)
            sys.exit(130)
        except BrokenPipeError:
            sys.exit(0)
        except (click.exceptions.Exit, click.ClickException, click.Abort, SystemExit):
            raise
        except Exception as exc:  # noqa: BLE001 - last resort: still one line
            click.echo(f"internal error: {type(exc).__name__}: {one_line(' '.join(str(exc).split()))}", err=True)
            sys.exit(70)

    return wrapper  # type: ignore[return-value]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="bma-nlp")
def main() -> None:
    """Turn OCR'd Thai BMA progress reports into clean, structured, searchable records."""
    import signal

    def terminate(signum: int, frame: object) -> None:
        raise KeyboardInterrupt  # SIGTERM ends a run like Ctrl-C: stored work committed, workers stopped

    signal.signal(signal.SIGTERM, terminate)


def _use_model(model: Path | None, trust: bool) -> None:
    """``--model``/``--trust-model`` for this process and the workers it starts. The model module
    is imported only when one is given: it imports NumPy (0.1-0.2 s), which ``parse
    --no-classify`` never needs, and without either option there is nothing to select."""
    if model is not None or trust:
        from bma_nlp.classify.model import use_model

        use_model(model, trust)


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(readable=False, path_type=Path))  # an unreadable file is reported, the others still run
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="json", show_default=True)
@click.option("-o", "--output", type=click.Path(path_type=Path), help="Write here (atomically) instead of stdout; CSV gets a BOM for Excel.")
@click.option("--no-repair", is_flag=True, help="Skip OCR repair of notes.")
@click.option("--no-classify", is_flag=True, help="Skip stage classification.")
@click.option("--max-bytes", type=click.IntRange(min=1), default=DEFAULT_MAX_BYTES, show_default=True, help="Refuse larger files.")
@click.option("--model", type=click.Path(dir_okay=False, path_type=Path), help="Stage model to use instead of the shipped one (also: BMA_NLP_MODEL).")
@click.option("--trust-model", is_flag=True, help="Load a --model (or $BMA_NLP_MODEL) that is not the shipped one (only if you trust where it came from).")
@one_line_errors
def parse(
    files: tuple[Path, ...], fmt: str, output: Path | None, no_repair: bool, no_classify: bool, max_bytes: int, model: Path | None = None,
    trust_model: bool = False,
) -> None:
    """Parse archive FILES into one record per report (copies merged, problems flagged)."""
    _use_model(model, trust_model)
    from bma_nlp.pipeline import process

    reports, errors = process(files, repair=not no_repair, classify=not no_classify, max_bytes=max_bytes, on_error=report_error)
    text = render(reports, fmt)
    if output is not None and reports:
        write_output(output, text, encoding="utf-8-sig" if fmt == "csv" else "utf-8")
    elif reports:
        click.echo(text, nl=False)
    for r in reports:
        if not r.installments:
            click.echo(f"warning: {one_line(f'{r.source}: report {r.project.code or r.project.name} has no installments')}", err=True)
    if errors or any(not r.installments for r in reports):
        sys.exit(1)


@main.command()
@click.argument("file", default="-", type=click.Path(allow_dash=True, path_type=Path))
@click.option("--explain", is_flag=True, help="List each change and why (on stderr with text output).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--lexicon", type=click.Path(path_type=Path), help="Extra trusted words, one per line.")
@click.option("--no-consensus", is_flag=True, help="Do not let copies of a report vote.")
@one_line_errors
def repair(file: Path, explain: bool, fmt: str, lexicon: Path | None, no_consensus: bool) -> None:
    """Repair OCR-garbled words in FILE (or stdin); repaired text goes to stdout line for line."""
    from bma_nlp.repair import repair as repair_text
    from bma_nlp.text import read_input

    text, _ = read_input(file)
    result = repair_text(text, lexicon=lexicon, consensus=not no_consensus)
    if fmt == "json":
        click.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=1))
        return
    click.echo(result.text, nl=False)
    if explain:
        for line in result.explain():
            click.echo(line, err=True)


@main.command()
@click.option("--db", type=click.Path(dir_okay=False, path_type=Path), help="Archive to ingest the sample into (default: bma-demo.db in a temporary folder).")
@one_line_errors
def demo(db: Path | None) -> None:
    """Run the whole job on the bundled sample report: ingest it into an archive, print a
    summary, the archive's statistics and an example search."""
    import contextlib
    import os
    import shutil
    import tempfile

    from bma_nlp.store import Archive
    from bma_nlp.store.render import render_hits, stats_text

    sample = sample_path()
    with contextlib.ExitStack() as stack:
        if db is None:
            db = Path(stack.enter_context(tempfile.TemporaryDirectory())) / "bma-demo.db"
        archive = stack.enter_context(Archive(db))
        result = archive.ingest([sample])
        if result.errors:
            raise result.errors[0]
        from bma_nlp.summary import summary_text

        click.echo(terminal_safe(summary_text([r for r in archive.reports() if r.source == os.path.abspath(sample)])))
        click.echo(f"\nArchive {db}:")
        click.echo(stats_text(archive.stats()), nl=False)
        query = "จัดซื้อวัสดุ"
        click.echo(f"\nbma-nlp search {query!r}:")
        width = shutil.get_terminal_size((120, 24)).columns
        click.echo(render_hits(archive.search(query, limit=3), "table", width), nl=False)


# -- archive: ingest, search, export, stats (logic in bma_nlp.store) ------------------------


def _db_option(func: F) -> F:
    from bma_nlp.store import DEFAULT_DB

    return click.option(  # type: ignore[no-any-return]
        "--db", type=click.Path(dir_okay=False, path_type=Path), default=DEFAULT_DB, show_default=True, help="The archive file (SQLite)."
    )(func)


def _filter_options(func: F) -> F:
    from bma_nlp.records import STAGES
    from bma_nlp.store import UNKNOWN_STAGE

    date = click.DateTime(["%Y-%m-%d"])
    options = [
        click.option("--stage", type=click.Choice([*STAGES, UNKNOWN_STAGE], case_sensitive=False), help="Installment stage ('unknown': none)."),
        click.option("--year", type=int, help="Fiscal year, BE (2566); a CE year (2023) is converted."),
        click.option("--agency", help="Part of the agency's name (a district name works)."),
        click.option("--code", help="Project code, or the start of one (50070000)."),
        click.option("--since", type=date, help="Installments dated on or after this ISO date."),
        click.option("--until", type=date, help="Installments dated on or before this ISO date."),
        click.option("--flagged", is_flag=True, help="Only what has a flag (the installment's or its report's)."),
        click.option(
            "--latest", is_flag=True,
            help="Only each report's latest installment: with --stage, the projects still at that stage (--stage procurement --latest).",
        ),
    ]
    for option in reversed(options):
        func = option(func)
    return func


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(readable=False, path_type=Path))
@_db_option
@click.option("-j", "--jobs", type=click.IntRange(min=1), help="Processes for reading, parsing, repair, classification and tokenising (default: the number of cores).")
@click.option("--glob", "patterns", multiple=True, help="File name pattern inside folders (repeatable; default: text files *.txt *.md, PDFs *.pdf and scans *.png *.jpg *.jpeg *.tif *.tiff).")
@click.option("--no-repair", is_flag=True, help="Skip OCR repair of notes.")
@click.option("--no-classify", is_flag=True, help="Skip stage classification.")
@click.option("--max-bytes", type=click.IntRange(min=1), default=DEFAULT_MAX_BYTES, show_default=True, help="Refuse larger files.")
@click.option("--supersede", is_flag=True, help="These files are re-scans that win: only their copies vote for the reports they hold.")
@click.option("--model", type=click.Path(dir_okay=False, path_type=Path), help="Stage model to use instead of the shipped one (also: BMA_NLP_MODEL).")
@click.option("--trust-model", is_flag=True, help="Load a --model (or $BMA_NLP_MODEL) that is not the shipped one (only if you trust where it came from).")
@one_line_errors
def ingest(
    paths: tuple[Path, ...], db: Path, jobs: int | None, patterns: tuple[str, ...], no_repair: bool, no_classify: bool, max_bytes: int, supersede: bool,
    model: Path | None = None, trust_model: bool = False,
) -> None:
    """Store the report copies in PATHS (files, or folders searched recursively) in the archive
    and derive each report from all its stored copies.

    Files already stored (same content) are skipped; a re-scan of a stored report (same code
    and fiscal year) is one more copy of it, or the copy that wins with --supersede. A bad
    file is reported and skipped; the exit code is 1 then.
    """
    from bma_nlp.store import DEFAULT_PATTERNS, Archive

    _use_model(model, trust_model)
    with Archive(db) as archive:
        result = archive.ingest(
            paths, jobs=jobs, progress=True, patterns=patterns or DEFAULT_PATTERNS, max_bytes=max_bytes,
            repair=not no_repair, classify=not no_classify, on_error=report_error, supersede=supersede,
        )  # fmt: skip
    click.echo(result.summary())
    if result.files_failed:
        sys.exit(1)


@main.command()
@click.argument("query", required=False, default="")
@_db_option
@_filter_options
@click.option("--limit", type=click.IntRange(min=1), default=20, show_default=True, help="At most this many matches.")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "jsonl", "csv"]), default="table", show_default=True)
@one_line_errors
def search(query: str, db: Path, limit: int, fmt: str, **filters: Any) -> None:
    """Search progress notes (and project names and agencies) for QUERY, best first.

    Thai words are found inside unspaced text, and so is any fragment of three or more
    characters. Without QUERY, list what the filters select.
    """
    import shutil

    from bma_nlp.store import Archive
    from bma_nlp.store.render import render_hits

    with Archive(db, create=False) as archive:
        hits = archive.search(query, limit=limit, **filters)
    click.echo(render_hits(hits, fmt, shutil.get_terminal_size((120, 24)).columns), nl=False)


@main.command()
@_db_option
@_filter_options
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="jsonl", show_default=True)
@click.option("-o", "--output", type=click.Path(path_type=Path), help="Write here (atomically) instead of stdout; CSV gets a BOM for Excel.")
@one_line_errors
def export(db: Path, fmt: str, output: Path | None, **filters: Any) -> None:
    """Export stored reports in the format of `bma-nlp parse` (filters select whole reports)."""
    from bma_nlp.store import Archive

    with Archive(db, create=False) as archive:
        if output is not None:
            write_output(output, archive.export(fmt, **filters), encoding="utf-8-sig" if fmt == "csv" else "utf-8")
        else:
            for chunk in archive.iter_export(fmt, **filters):
                click.echo(chunk, nl=False)


@main.command()
@_db_option
@one_line_errors
def optimize(db: Path) -> None:
    """Merge the archive's search indexes into one piece each (after a large ingest: faster searches)."""
    from bma_nlp.store import Archive

    with Archive(db, create=False) as archive:
        took = archive.optimize()
    click.echo(f"optimized {len(took)} search indexes in {sum(took.values()):.1f} s")


@main.command()
@_db_option
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@one_line_errors
def stats(db: Path, fmt: str) -> None:
    """Counts in the archive: files, reports, installments per stage, flags."""
    import json as _json

    from bma_nlp.store import Archive
    from bma_nlp.store.render import stats_text

    with Archive(db, create=False) as archive:
        numbers = archive.stats()
    click.echo(_json.dumps(numbers, ensure_ascii=False, indent=1) if fmt == "json" else stats_text(numbers), nl=fmt == "json")


@main.command()
@_db_option
@click.option("--code", help="Project code, or the start of one.")
@click.option("--year", type=int, help="Fiscal year, BE (2566); a CE year (2023) is converted.")
@click.option("--agency", help="Part of the agency's name.")
@click.option("--all", "every", is_flag=True, help="Also reports already derived by this pipeline version.")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=1, show_default=True, help="Processes for parsing, repair, classification and tokenising.")
@click.option("--no-repair", is_flag=True, help="Skip OCR repair of notes.")
@click.option("--no-classify", is_flag=True, help="Skip stage classification.")
@click.option("--model", type=click.Path(dir_okay=False, path_type=Path), help="Stage model to use instead of the shipped one (also: BMA_NLP_MODEL).")
@click.option("--trust-model", is_flag=True, help="Load a --model (or $BMA_NLP_MODEL) that is not the shipped one (only if you trust where it came from).")
@one_line_errors
def reprocess(
    db: Path, code: str | None, year: int | None, agency: str | None, every: bool, jobs: int, no_repair: bool, no_classify: bool,
    model: Path | None = None, trust_model: bool = False,
) -> None:
    """Derive stored reports again from their stored copies with this version of the pipeline
    (no source files needed); people's corrections stay applied. Each report is re-written
    whole or not at all; after an interruption, run it again to go on."""
    from bma_nlp.store import Archive

    _use_model(model, trust_model)
    filters: dict[str, Any] = {k: v for k, v in (("code", code), ("year", year), ("agency", agency)) if v is not None}
    with Archive(db, create=False) as archive:
        result = archive.reprocess(
            every=every, progress=True, repair=not no_repair, classify=not no_classify, on_error=report_error, jobs=jobs, **filters
        )
    click.echo(result.summary())
    if result.failed:
        sys.exit(1)


@main.command()
@click.argument("code", required=False)
@_db_option
@click.option("--year", type=int, help="Fiscal year of the report, BE.")
@click.option("--stage", "stage", nargs=2, metavar="N STAGE", help="Installment N's stage is STAGE (approval, procurement, completed or none).")
@click.option("--set", "set_field", nargs=2, metavar="FIELD VALUE", help="FIELD (project.X or installments[N].X) is VALUE (JSON, else text).")
@click.option("--reject-repair", nargs=2, metavar="FIELD REPLACEMENT", help="Undo the OCR repair that wrote REPLACEMENT in FIELD.")
@click.option("--fix-word", nargs=3, metavar="FIELD OLD NEW", help="In FIELD, the word OLD should read NEW.")
@click.option("--who", default="", help="Who says so.")
@click.option("--why", default="", help="Why (shown beside the corrected value).")
@click.option("--list", "list_", is_flag=True, help="List corrections (of CODE, or all).")
@click.option("--withdraw", type=int, metavar="ID", help="Withdraw correction ID (the pipeline's value comes back).")
@click.option("--export", "export_to", type=click.Path(dir_okay=False, path_type=Path), help="Write all corrections to this JSON Lines file.")
@click.option("--import", "import_from", type=click.Path(dir_okay=False, path_type=Path), help="Add the corrections of a JSON Lines file.")
@click.option("--format", "fmt", type=click.Choice(["text", "jsonl"]), default="text", show_default=True, help="Of --list.")
@one_line_errors
def correct(
    code: str | None, db: Path, year: int | None, stage: tuple[str, str] | None, set_field: tuple[str, str] | None,
    reject_repair: tuple[str, str] | None, fix_word: tuple[str, str, str] | None, who: str, why: str, list_: bool,
    withdraw: int | None, export_to: Path | None, import_from: Path | None, fmt: str,
) -> None:  # fmt: skip
    """Correct a stored report (kept through re-ingest and reprocess), or list, withdraw,
    export and import corrections."""
    from bma_nlp.errors import InputError
    from bma_nlp.store import Archive
    from bma_nlp.store.corrections import describe, request

    with Archive(db, create=False) as archive:
        if list_:
            found = archive.corrections(code, year, include_withdrawn=True) if code else archive.corrections(include_withdrawn=True)
            for c in found:
                click.echo(json_safe(json.dumps(c.to_dict(), ensure_ascii=False)) if fmt == "jsonl" else one_line(describe(c)))
            return
        if withdraw is not None:
            click.echo(f"withdrawn: {one_line(describe(archive.withdraw_correction(withdraw, who=who, why=why)))}")
            return
        if export_to is not None:
            write_output(export_to, archive.export_corrections())
            click.echo(f"wrote {len(archive.corrections(include_withdrawn=True))} corrections to {one_line(str(export_to))}")
            return
        if import_from is not None:
            from bma_nlp.text import read_input

            added, present = archive.import_corrections(read_input(import_from)[0], str(import_from))
            click.echo(f"added {added} corrections ({present} already present)")
            return
        if code is None:
            raise InputError("name the report: bma-nlp correct CODE --year FY ... (or --list, --withdraw, --export, --import)")
        kind, field, new, old = request(stage, set_field, reject_repair, fix_word)
        c = archive.correct(code, year, kind, field, new, old=old, who=who, why=why)
        click.echo(f"stored: {one_line(describe(c))}")


@main.command()
@_db_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (only this machine by default).")
@click.option("--port", type=click.IntRange(1, 65535), default=8765, show_default=True)
@click.option("--read-only", is_flag=True, help="No correction forms: the archive is only read.")
@one_line_errors
def serve(db: Path, host: str, port: int, read_only: bool) -> None:
    """The archive as a web app in your browser: search, read reports, see charts, correct."""
    from bma_nlp.web import serve as run_server

    run_server(db, host, port, read_only=read_only, announce=lambda line: click.echo(line, err=True))


@main.command("classify")
@click.argument("text", required=False)
@click.option("--input", "input_file", type=click.Path(dir_okay=False, allow_dash=True, path_type=str), help="JSON Lines with a \"text\" field per line (- for stdin).")
@click.option("--plain", is_flag=True, help="--input lines are plain notes, one per line.")
@click.option("--model", type=click.Path(dir_okay=False, path_type=Path), help="A stage model (.skops beside its .json sidecar) instead of the shipped one.")
@click.option("--trust-model", is_flag=True, help="Load a --model that is not the shipped one (only if you trust where it came from).")
@one_line_errors
def classify_command(text: str | None, input_file: str | None, plain: bool, model: Path | None, trust_model: bool) -> None:
    """Stage of progress notes on their own, as JSON Lines: {stage, confidence, scores}."""
    from bma_nlp.classify.commands import classify_lines, read_notes
    from bma_nlp.classify.model import load_model

    loaded = load_model(model, trust=True) if trust_model else model
    for line in classify_lines(read_notes(text, input_file, plain), loaded):
        click.echo(line)


@main.command("train")
@click.option("--data", type=click.Path(dir_okay=False, path_type=Path), help="Labelled notes, JSON Lines (default: training_data/notes.jsonl).")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Model file to write (default: stage.skops in the user's data folder, ~/.local/share/bma-nlp); the .json sidecar goes beside it.")
@click.option("--design", help="A design of bma_nlp.classify.model.DESIGNS (default: stacked-clauses, the shipped one).")
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--external", type=click.Path(dir_okay=False, path_type=Path), help="Extra evaluation set (default: training_data/external.jsonl if present).")
@click.option("--archive", type=click.Path(dir_okay=False, path_type=Path), help="Also train on the stages people set in this archive (bma-nlp correct --stage).")
@click.option(
    "--real-notes",
    type=click.Choice(["all", "train"]),  # bma_nlp.classify.data.REAL_NOTES, not imported here: parse must not load the classifier
    default="all",
    show_default=True,
    help="Labelled real notes to fit on: all of them (the shipped model), or the training side of the page split (its held-out side then scores the model).",
)
@one_line_errors
def train_command(data: Path | None, out: Path | None, design: str | None, seed: int, external: Path | None, archive: Path | None, real_notes: str) -> None:
    """Rebuild the stage model reproducibly (same data and seed, same metrics). Select the
    model it writes with --model or BMA_NLP_MODEL."""
    from bma_nlp.classify.commands import train_command as run_training

    click.echo(run_training(data, out, design, seed, external, archive=archive, real_notes=real_notes))


@main.command("evaluate")
@click.option("--split", type=click.Choice(["test", "external", "train"]), default="test", show_default=True)
@click.option("--data", type=click.Path(dir_okay=False, path_type=Path), help="Labelled notes (default: training_data/notes.jsonl, or external.jsonl for --split external).")
@click.option("--model", type=click.Path(dir_okay=False, path_type=Path), help="A stage model instead of the shipped one.")
@click.option("--trust-model", is_flag=True, help="Load a --model that is not the shipped one (only if you trust where it came from).")
@one_line_errors
def evaluate_command(split: str, data: Path | None, model: Path | None, trust_model: bool) -> None:
    """Per-class precision/recall/F1 and confusion matrix of the stage model on a labelled split."""
    from bma_nlp.classify.commands import evaluate_command as run_evaluation
    from bma_nlp.classify.model import load_model

    click.echo(run_evaluation(split, data, load_model(model, trust=True) if trust_model else model))


if __name__ == "__main__":  # pragma: no cover
    main()
