"""``docfraud examine``: a capture against its reference specimen, with reports."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import cv2
import typer
from rich.console import Console
from rich.table import Table

from docfraud.examine.model import NO_ANOMALIES, REFER, STRONG, Examination

#: Exit codes by verdict (2 and 3 stay bad input and internal error).
EXIT = {NO_ANOMALIES: 0, REFER: 1, STRONG: 4}
STYLE = {NO_ANOMALIES: "bold green", REFER: "bold dark_orange", STRONG: "bold red"}


def print_summary(ex: Examination, console: Console, *, redact: bool = False) -> None:
    from docfraud.report.json import personal_strings, scrub

    secrets = personal_strings(ex) if redact else []
    console.print(f"[{STYLE.get(ex.verdict, 'bold')}]{ex.verdict.upper()}[/]  {ex.name}  "
                  f"(specimen {ex.specimen or 'none'}"
                  f"{', side ' + ex.side if ex.side else ''}; lights {', '.join(ex.lights)}; "
                  f"{ex.timings.get('total', 0) * 1000:.0f} ms)")
    for r in ex.reasons:
        console.print(f"  - {scrub(r, secrets)}")
    order = {"error": 0, "warning": 1, "info": 2}
    shown = [f for f in sorted(ex.findings, key=lambda f: order[f.severity])
             if f.severity != "info"]
    if shown:
        t = Table(header_style="bold", show_lines=False)
        for col in ("code", "severity", "where", "finding"):
            t.add_column(col)
        for f in shown:
            t.add_row(f.code, f.severity, f.field or "", scrub(f.message, secrets))
        console.print(t)
    cov = ex.coverage()
    console.print(f"  coverage: {len(cov['passed'])} passed, {len(cov['failed'])} failed, "
                  f"{len(cov['not_run'])} not run")
    reasons = sorted({c["reason"] for c in cov["not_run"] if c.get("reason")})
    for r in reasons[:6]:
        console.print(f"    not run: {r}", style="dim")


def write_reports(ex: Examination, *, json_path: Path | None = None,
                  html_path: Path | None = None, png_path: Path | None = None,
                  redact: bool = False) -> None:
    from docfraud.report import annotated, to_dict, to_html

    if json_path is not None:
        json_path.parent.mkdir(parents=True, exist_ok=True)
        json_path.write_text(json.dumps(to_dict(ex, redact=redact), indent=1,
                                        ensure_ascii=False), encoding="utf-8")
    if html_path is not None:
        html_path.parent.mkdir(parents=True, exist_ok=True)
        html_path.write_text(to_html(ex, redact=redact), encoding="utf-8")
    if png_path is not None:
        png_path.parent.mkdir(parents=True, exist_ok=True)
        cv2.imwrite(str(png_path), annotated(ex, redact=redact))


def examine_cmd(
    capture: Path = typer.Argument(..., help="White-light image (NAME.ir.EXT and NAME.uv.EXT "
                                             "beside it are used too), or a NAME.capture.toml "
                                             "manifest."),
    ir: Optional[Path] = typer.Option(None, "--ir", help="Infrared image of the same page."),
    uv: Optional[Path] = typer.Option(None, "--uv", help="Ultraviolet image of the same page."),
    other_side: Optional[Path] = typer.Option(
        None, "--other-side", help="The document's other side (a card's back or front; its "
                                   ".ir/.uv images beside it are used too). Both sides are "
                                   "examined, the MRZ of one serving the visual-zone checks of "
                                   "the other; reports get -1/-2 before their extension and "
                                   "--json prints a list."),
    specimens: Optional[Path] = typer.Option(None, "--specimens", help="Specimen library "
                                                                       "(default: "
                                                                       "reference_specimens/)."),
    as_json: bool = typer.Option(False, "--json", help="Print the JSON report "
                                                       "(docs/examination.md)."),
    html: Optional[Path] = typer.Option(None, "--html", help="Write a self-contained HTML "
                                                             "report."),
    png: Optional[Path] = typer.Option(None, "--png", help="Write an annotated PNG."),
    redact: bool = typer.Option(False, "--redact", help="Mask names, numbers and the portrait in "
                                                        "every output."),
    as_of: Optional[str] = typer.Option(None, "--as-of", metavar="YYYY-MM-DD"),
    device: Optional[str] = typer.Option(
        None, "--device", help="What took the capture: 'scanner' (a flatbed scanner or "
                               "full-page reader, which hold the page flat in focus: a soft "
                               "print is then a finding) or 'camera'."),
) -> None:
    """Examine a capture against its reference specimen. Exit 0: no anomalies found in the
    checks that ran; 1: refer to second line; 4: strong indicators of forgery; 2: bad input.
    With --other-side, the exit code is that of the more serious of the two sides."""
    from docfraud.cli.mrz_cmd import parse_date
    from docfraud.errors import UsageError
    from docfraud.examine.capture import check_device, load_capture
    from docfraud.examine.engine import examine, examine_document, worst
    from docfraud.report import to_dict
    from docfraud.specimens import Library

    when = parse_date(as_of, "--as-of")
    check_device(device, "--device", UsageError)
    cap = load_capture(capture, ir=ir, uv=uv, device=device)
    if other_side is None:
        ex = examine(cap, Library(specimens), as_of=when)
        write_reports(ex, html_path=html, png_path=png, redact=redact)
        if as_json:
            typer.echo(json.dumps(to_dict(ex, redact=redact), indent=1, ensure_ascii=False))
        else:
            print_summary(ex, Console(highlight=False), redact=redact)
        raise typer.Exit(EXIT.get(ex.verdict, 1))

    exams = examine_document([cap, load_capture(other_side, device=device)], Library(specimens),
                             as_of=when)
    for i, ex in enumerate(exams, 1):
        write_reports(ex, html_path=_numbered(html, i), png_path=_numbered(png, i),
                      redact=redact)
    if as_json:
        typer.echo(json.dumps([to_dict(ex, redact=redact) for ex in exams], indent=1,
                              ensure_ascii=False))
    else:
        console = Console(highlight=False)
        for ex in exams:
            print_summary(ex, console, redact=redact)
    raise typer.Exit(EXIT.get(worst([ex.verdict for ex in exams]), 1))


def _numbered(path: Path | None, i: int) -> Path | None:
    """``report.html`` -> ``report-1.html``: one report per side."""
    return None if path is None else path.with_name(f"{path.stem}-{i}{path.suffix}")
