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
from bma_nlp.output import write_atomic
from bma_nlp.pipeline import process
from bma_nlp.summary import summary_text
from bma_nlp.text.read import DEFAULT_MAX_BYTES

F = TypeVar("F", bound=Callable[..., Any])


def sample_path() -> Path:
    """The real OCR'd sample archive shipped with the package."""
    return Path(str(resources.files("bma_nlp") / "data" / "samples" / "dusit-school-network-2566.txt"))


def report_error(exc: BmaNlpError) -> None:
    click.echo(f"error: {exc}", err=True)


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
            click.echo(f"internal error: {type(exc).__name__}: {' '.join(str(exc).split())}", err=True)
            sys.exit(70)

    return wrapper  # type: ignore[return-value]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="bma-nlp")
def main() -> None:
    """Turn OCR'd Thai BMA progress reports into clean, structured, searchable records."""


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="json", show_default=True)
@click.option("-o", "--output", type=click.Path(path_type=Path), help="Write here (atomically) instead of stdout; CSV gets a BOM for Excel.")
@click.option("--no-repair", is_flag=True, help="Skip OCR repair of notes.")
@click.option("--no-classify", is_flag=True, help="Skip stage classification.")
@click.option("--max-bytes", type=int, default=DEFAULT_MAX_BYTES, show_default=True, help="Refuse larger files.")
@one_line_errors
def parse(files: tuple[Path, ...], fmt: str, output: Path | None, no_repair: bool, no_classify: bool, max_bytes: int) -> None:
    """Parse archive FILES into one record per report (copies merged, problems flagged)."""
    reports, errors = process(files, repair=not no_repair, classify=not no_classify, max_bytes=max_bytes, on_error=report_error)
    text = render(reports, fmt)
    if output is not None and reports:
        write_atomic(output, text, encoding="utf-8-sig" if fmt == "csv" else "utf-8")
    elif reports:
        click.echo(text, nl=False)
    for r in reports:
        if not r.installments:
            click.echo(f"warning: {r.source}: report {r.project.code or r.project.name} has no installments", err=True)
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
    from bma_nlp.text import decode_bytes, read_text

    if str(file) == "-":
        text, _ = decode_bytes(click.get_binary_stream("stdin").read(), "<stdin>")
    else:
        text, _ = read_text(file)
    result = repair_text(text, lexicon=lexicon, consensus=not no_consensus)
    if fmt == "json":
        click.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=1))
        return
    click.echo(result.text, nl=False)
    if explain:
        for line in result.explain():
            click.echo(line, err=True)


@main.command()
@one_line_errors
def demo() -> None:
    """Run the whole job on the bundled sample report and print a summary."""
    reports, _ = process([sample_path()])
    click.echo(summary_text(reports))


if __name__ == "__main__":  # pragma: no cover
    main()
