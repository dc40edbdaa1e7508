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
    out: Path = typer.Option(Path("out/demo"), "--out", help="Where to write the reports."),
    as_of: str = typer.Option("2026-11-28", "--as-of", metavar="YYYY-MM-DD",
                              help="Reference date, fixed so the demo output is reproducible."),
) -> None:
    """Examine every bundled sample capture against its specimen and write the reports
    (HTML, JSON, annotated PNG); then check the sample MRZ texts."""
    from docfraud.cli.examine_cmd import STYLE, write_reports
    from docfraud.cli.mrz_cmd import parse_date
    from docfraud.examine.capture import is_light_variant, load_capture
    from docfraud.examine.engine import examine_document
    from docfraud.examine.model import NO_ANOMALIES, REFER, STRONG
    from docfraud.specimens import Library

    short = {NO_ANOMALIES: "no anomalies", REFER: "refer", STRONG: "STRONG"}
    root = find_samples(samples)
    ref = parse_date(as_of, "--as-of")
    console = Console(highlight=False)
    captures = sorted(p for p in (root / "captures").glob("*.jpg") if not is_light_variant(p))
    if not captures:
        raise InputFileError(f"no sample captures (*.jpg) in {root / 'captures'}")
    lib = Library()
    table = Table(title=f"docfraud examined {len(captures)} sample captures "
                        f"(reports in {out}/)", header_style="bold")
    for col in ("capture", "lights", "specimen", "verdict", "findings", "ms"):
        table.add_column(col, no_wrap=col in ("capture", "verdict"))
    groups: dict[str, list[Path]] = {}
    for path in captures:  # a card's sides: NAME-front.jpg and NAME-back.jpg
        key = path.stem.rsplit("-", 1)[0] if path.stem.endswith(("-front", "-back")) else path.stem
        groups.setdefault(key, []).append(path)
    results = []
    for paths in groups.values():
        exams = examine_document([load_capture(p) for p in paths], lib, as_of=ref)
        results += list(zip(paths, exams))
    for path, ex in results:
        stem = out / path.stem
        write_reports(ex, json_path=stem.with_suffix(".json"), html_path=stem.with_suffix(".html"),
                      png_path=stem.with_suffix(".png"))
        codes = sorted({f.code for f in ex.findings if f.severity != "info"
                        and f.code not in ("MRZ204",)})
        table.add_row(path.name, "/".join(ex.lights), ex.specimen or "-",
                      f"[{STYLE.get(ex.verdict, 'bold')}]{short.get(ex.verdict, ex.verdict)}[/]",
                      ", ".join(codes) or "-", f"{ex.timings.get('total', 0) * 1000:.0f}")
    console.print(table)
    console.print("Verdicts: 'no anomalies' = no anomalies found in the checks that ran; "
                  "'refer' = refer to second line; 'STRONG' = strong indicators of forgery.")
    console.print("Which samples are forged, and how, is in samples/captures/labels.json. Open "
                  f"{out}/NAME.html for a report; docfraud examine FILE --html F for your own "
                  "captures.\n")

    folder = root / "mrz"
    files = sorted(folder.glob("*.txt"))
    t2 = Table(title=f"{len(files)} sample MRZ texts, checked as of {as_of}", header_style="bold")
    for col in ("sample", "format", "result", "findings"):
        t2.add_column(col)
    for path in files:
        try:
            m = parse(path.read_text(encoding="utf-8"), as_of=ref)
        except DocfraudError as exc:
            t2.add_row(path.stem, "-", f"[red]{exc.code}[/]", exc.message)
            continue
        errors = [f for f in m.findings if f.severity == "error"]
        result = "[green]no errors[/]" if not errors else f"[bold red]{len(errors)} error(s)[/]"
        codes = ", ".join(f.code for f in m.findings if f.severity != "info") or "-"
        t2.add_row(path.stem, m.format, result, codes)
    console.print(t2)
    console.print("Details of any sample: docfraud mrz check -f samples/mrz/NAME.txt --explain; "
                  "finding codes are documented in docs/findings.md.")
