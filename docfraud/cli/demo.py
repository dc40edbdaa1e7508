"""``docfraud demo``: run docfraud on the bundled samples and show what it finds."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.table import Table

from docfraud.errors import DocfraudError, InputFileError
from docfraud.mrz import parse


def find_samples(explicit: Path | None) -> Path:
    """The samples folder: the one given, else ./samples, else the one beside the package."""
    candidates = [explicit] if explicit else [Path.cwd() / "samples",
                                              Path(__file__).resolve().parents[2] / "samples"]
    for c in candidates:
        if c is not None and c.is_dir():
            return c
    raise InputFileError("no samples folder found (looked in: "
                         + ", ".join(str(c) for c in candidates if c) + ")",
                         hint="run from the repository root, or pass --samples DIR")


def demo(
    samples: Optional[Path] = typer.Option(None, "--samples", help="The samples folder "
                                                                   "(default: ./samples)."),
    as_of: str = typer.Option("2026-11-28", "--as-of", metavar="YYYY-MM-DD",
                              help="Reference date, fixed so the demo output is reproducible."),
) -> None:
    """Check every bundled sample MRZ (samples/mrz/*.txt) and print what was found."""
    from docfraud.cli.mrz_cmd import parse_date

    folder = find_samples(samples) / "mrz"
    files = sorted(folder.glob("*.txt"))
    if not files:
        raise InputFileError(f"no sample MRZ files (*.txt) in {folder}")
    ref = parse_date(as_of, "--as-of")
    console = Console(highlight=False)
    table = Table(title=f"docfraud {len(files)} sample MRZs, checked as of {as_of}",
                  header_style="bold")
    for col in ("sample", "format", "result", "findings"):
        table.add_column(col)
    for path in files:
        try:
            m = parse(path.read_text(encoding="utf-8"), as_of=ref)
        except DocfraudError as exc:
            table.add_row(path.stem, "-", f"[red]{exc.code}[/]", exc.message)
            continue
        errors = [f for f in m.findings if f.severity == "error"]
        result = "[green]no errors[/]" if not errors else f"[bold red]{len(errors)} error(s)[/]"
        codes = ", ".join(f"{f.code}" for f in m.findings) or "-"
        table.add_row(path.stem, m.format, result, codes)
    console.print(table)
    console.print("Details of any sample: docfraud mrz check -f samples/mrz/NAME.txt --explain; "
                  "finding codes are documented in docs/findings.md.")
