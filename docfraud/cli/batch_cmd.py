"""``docfraud batch``: examine many documents into a resumable results store; export, summary.

``docfraud batch INPUT... --out DIR`` runs (``docfraud batch run`` is the same);
``docfraud batch export DIR --format FMT`` and ``docfraud batch summary DIR`` read the store.
"""

from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import click
import typer
from rich.console import Console
from rich.progress import (BarColumn, MofNCompleteColumn, Progress, ProgressColumn, Task,
                           TextColumn, TimeElapsedColumn, TimeRemainingColumn)
from rich.text import Text
from typer.core import TyperGroup

from docfraud.errors import UsageError


class _DefaultRun(TyperGroup):
    """``docfraud batch INPUT...`` means ``docfraud batch run INPUT...``."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("-h", "--help"):
            args = ["run", *args]
        return super().parse_args(ctx, args)


batch_app = typer.Typer(cls=_DefaultRun, no_args_is_help=True,
                        help="Examine many documents (folders, zip archives, PDFs) into a "
                             "resumable results store; export the results and a summary with "
                             "linkage groups. docs/batch.md")


class _Rate(ProgressColumn):
    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        return Text(f"{speed:.2f}/s" if speed else "–/s", style="progress.data.speed")


@batch_app.command("run")
def run_cmd(
    inputs: List[Path] = typer.Argument(..., help="Folders (recursive), zip archives, PDFs, "
                                                  "images, NAME.capture.toml or manifest CSV "
                                                  "files."),
    out: Path = typer.Option(..., "--out", "-o", help="Results folder (the store, reports, "
                                                      "summary.html, batch.log)."),
    workers: Optional[int] = typer.Option(None, "--workers", "-w",
                                          help="Local worker processes (default: the number "
                                               "of cores)."),
    scheduler: Optional[str] = typer.Option(None, "--scheduler",
                                            help="Run on a Dask cluster: the scheduler's "
                                                 "address, tcp://HOST:PORT."),
    dask_local: Optional[int] = typer.Option(None, "--dask-local", metavar="N",
                                             help="Start a local Dask cluster of N workers."),
    recheck: bool = typer.Option(False, "--recheck", help="Examine again the captures stored "
                                                          "by another docfraud version or "
                                                          "against other specimen versions."),
    watchlist: Optional[Path] = typer.Option(None, "--watchlist", help="CSV of lost, stolen "
                                                                       "or revoked documents "
                                                                       "(docs/batch.md)."),
    specimens: Optional[Path] = typer.Option(None, "--specimens", help="Specimen library."),
    as_of: Optional[str] = typer.Option(None, "--as-of", metavar="YYYY-MM-DD"),
    device: Optional[str] = typer.Option(None, "--device", help="What took the captures "
                                                                "whose manifest does not say: "
                                                                "'scanner' (flatbed or reader) "
                                                                "or 'camera'."),
    no_reports: bool = typer.Option(False, "--no-reports", help="Write no per-capture HTML "
                                                                "report."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar and no summary "
                                                            "line (for cron jobs)."),
) -> None:
    """Examine every document of the inputs into the results store in --out. A re-run skips
    what is done; a killed run resumes. Exit 0 when every item was read, 1 when some could not
    be (recorded with their error code in the store and the log)."""
    from docfraud.batch.run import Options, run
    from docfraud.cli.mrz_cmd import parse_date

    when = parse_date(as_of, "--as-of")
    if workers is not None and workers < 1:
        raise UsageError("--workers must be at least 1")
    from docfraud.examine.capture import check_device
    check_device(device, "--device", UsageError)
    opts = Options(inputs=list(inputs), out=out, workers=workers, scheduler=scheduler,
                   dask_local=dask_local, recheck=recheck, watchlist=watchlist,
                   specimens=specimens, as_of=when.isoformat() if when else None,
                   device=device,
                   html=not no_reports)
    console = Console(stderr=True, highlight=False)
    progress = Progress(TextColumn("[bold]examining"), BarColumn(), MofNCompleteColumn(),
                        _Rate(), TextColumn("ETA"), TimeRemainingColumn(), TimeElapsedColumn(),
                        TextColumn("[red]{task.fields[failed]} failed[/] · "
                                   "{task.fields[skipped]} already done"),
                        console=console, disable=quiet, transient=False)
    with progress:
        task = progress.add_task("batch", total=None, failed=0, skipped=0)

        def tick(done: int, failed: int, skipped: int) -> None:
            progress.update(task, completed=done, failed=failed, skipped=skipped)

        def total(n: int) -> None:
            progress.update(task, total=n)

        stats = run(opts, progress=tick, total=total)
        progress.update(task, total=stats.units)
    if not quiet:
        Console(highlight=False).print(
            f"examined {stats.examined}, already done {stats.skipped}, failed {stats.failed}"
            f"{f', watch-list hits {stats.watch_hits}' if opts.watchlist else ''} "
            f"in {stats.seconds:.1f} s ({stats.executor}); summary: {out / 'summary.html'}")
    raise typer.Exit(1 if stats.failed else 0)


@batch_app.command("export")
def export_cmd(
    folder: Path = typer.Argument(..., help="Results folder of docfraud batch."),
    fmt: str = typer.Option("csv", "--format", "-f", help="csv, jsonl, parquet or graphml."),
    what: str = typer.Option("captures", "--what", help="captures (one row per capture) or "
                                                       "links (one row per capture in a "
                                                       "linkage group); graphml is always "
                                                       "the linkage graph."),
    output: Optional[Path] = typer.Option(None, "--output", "-o",
                                          help="File to write (default: DIR/export/WHAT.FMT)."),
) -> None:
    """Export the results (the current row of every capture) or the linkage groups."""
    from docfraud.batch.export import export

    path = export(folder, fmt, what=what, output=output)
    typer.echo(f"wrote {path}")


@batch_app.command("summary")
def summary_cmd(
    folder: Path = typer.Argument(..., help="Results folder of docfraud batch."),
    output: Optional[Path] = typer.Option(None, "--output", "-o",
                                          help="HTML file (default: DIR/summary.html)."),
) -> None:
    """Write the summary HTML report: counts, finding codes, score distributions, linkage
    groups and links to every capture's report."""
    from docfraud.batch.store import Store
    from docfraud.batch.summary import write_summary

    with Store(folder, create=False) as store:
        path = write_summary(store, output)
    typer.echo(f"wrote {path}")
