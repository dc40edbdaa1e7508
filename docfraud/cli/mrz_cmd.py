"""``docfraud mrz``: check and generate machine-readable zones as text."""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path
from typing import Any, Optional

import typer
from rich.console import Console
from rich.table import Table

from docfraud.errors import InputFileError, UsageError
from docfraud.mrz import MRZ, parse
from docfraud.mrz.explain import explain, label, render_check
from docfraud.mrz.generate import MRZFields, generate

mrz_app = typer.Typer(help="Machine-readable zones as text: check against ICAO 9303, explain, "
                           "generate.", no_args_is_help=True)

_SEVERITY_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}


def parse_date(value: str | None, option: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise UsageError(f"{option} {value!r} is not a date of the form YYYY-MM-DD") from None


def read_text_input(lines: list[str] | None, file: Path | None) -> str:
    """The MRZ text from arguments, a file, or standard input (``-``)."""
    if file is not None and lines:
        raise UsageError("give the MRZ either as arguments or with --file, not both")
    if file is not None:
        if str(file) == "-":
            return sys.stdin.read()
        try:
            data = file.read_bytes()
        except OSError as exc:
            raise InputFileError(f"cannot read {file}: {exc.strerror or exc}") from None
        if len(data) > 100_000:
            raise InputFileError(f"{file} has {len(data)} bytes; an MRZ text file is a few "
                                 "hundred at most")
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise InputFileError(f"{file} is not UTF-8 text") from None
    if not lines:
        raise UsageError("no MRZ given: pass its lines as arguments, --file FILE, or - to read "
                         "standard input")
    if lines == ["-"]:
        return sys.stdin.read()
    return "\n".join(lines)


def print_report(m: MRZ, console: Console, *, show_explain: bool = False) -> None:
    """The human view of a checked MRZ: verdict, fields, check digits, findings."""
    errors = sum(f.severity == "error" for f in m.findings)
    warnings = sum(f.severity == "warning" for f in m.findings)
    if m.valid:
        console.print(f"[bold green]{m.format}: no errors[/] ({warnings} warning(s)); the text "
                      "obeys ICAO 9303, which does not prove the document genuine.")
    else:
        console.print(f"[bold red]{m.format}: {errors} error(s)[/], {warnings} warning(s)")
    for line in m.lines:
        console.print(f"  [bold]{line}[/]", highlight=False)
    if m.normalised:
        console.print("input cleaned: " + "; ".join(m.normalised), style="dim")

    data = explain(m)
    table = Table(title="Fields", show_lines=False, header_style="bold")
    table.add_column("field")
    table.add_column("at", justify="right")
    table.add_column("printed")
    table.add_column("value")
    for f in data["fields"]:
        at = (f"{f['line']}:{f['start']}" if f["start"] >= f["end"]
              else f"{f['line']}:{f['start']}-{f['end']}")
        table.add_row(f["label"], at, f["raw"],
                      str(f["value"]) if f["value"] not in (None, "") else "-")
    console.print(table)

    cd_table = Table(title="Check digits", header_style="bold")
    cd_table.add_column("over")
    cd_table.add_column("printed", justify="center")
    cd_table.add_column("computed", justify="center")
    cd_table.add_column("result")
    for c in data["check_digits"]:
        result = "[green]pass[/]" if c["ok"] else "[bold red]FAIL[/]"
        cd_table.add_row(c["label"], c["printed"], c["computed"] or "?", result)
    console.print(cd_table)

    if m.findings:
        ft = Table(title="Findings", header_style="bold")
        ft.add_column("code")
        ft.add_column("severity")
        ft.add_column("field")
        ft.add_column("message")
        order = {"error": 0, "warning": 1, "info": 2}
        for f in sorted(m.findings, key=lambda f: order[f.severity]):
            style = _SEVERITY_STYLE[f.severity]
            ft.add_row(f.code, f"[{style}]{f.severity}[/]", label(f.field) if f.field else "",
                       f.message)
        console.print(ft)
    else:
        console.print("No findings.")
    if show_explain:
        console.print()
        console.print("Check digit arithmetic: values (0-9, A=10 ... Z=35, '<'=0) times the "
                      "weights 7, 3, 1 repeating; the sum modulo 10 is the check digit.")
        for c in data["check_digits"]:
            console.print()
            console.print(render_check(c), highlight=False, markup=False)


@mrz_app.command("check")
def check(
    lines: Optional[list[str]] = typer.Argument(None, help="The MRZ lines (or one string), or - "
                                                           "to read standard input."),
    file: Optional[Path] = typer.Option(None, "--file", "-f", help="Read the MRZ from a text "
                                                                   "file (- for stdin)."),
    as_json: bool = typer.Option(False, "--json", help="Print the JSON object of "
                                                       "docs/mrz-json.md."),
    as_of: Optional[str] = typer.Option(None, "--as-of", metavar="YYYY-MM-DD",
                                        help="Reference date for expiry and the century rule "
                                             "(default: today)."),
    issue_date: Optional[str] = typer.Option(None, "--issue-date", metavar="YYYY-MM-DD",
                                             help="Date of issue from the visual zone, if "
                                                  "known."),
    show_explain: bool = typer.Option(False, "--explain", help="Write out each check digit's "
                                                               "arithmetic."),
) -> None:
    """Check an MRZ against ICAO 9303: exit 0 without error findings, 1 with, 2 on bad input."""
    text = read_text_input(lines, file)
    m = parse(text, as_of=parse_date(as_of, "--as-of"),
              issue_date=parse_date(issue_date, "--issue-date"))
    if as_json:
        out = m.to_dict()
        if show_explain:
            out["explain"] = explain(m)
        typer.echo(json.dumps(out, indent=2, ensure_ascii=False))
    else:
        print_report(m, Console(highlight=False), show_explain=show_explain)
    if not m.valid:
        raise typer.Exit(1)


@mrz_app.command("generate")
def generate_cmd(
    fmt: str = typer.Option("TD3", "--format", help="TD1, TD2, TD3, MRV-A or MRV-B."),
    from_json: Optional[Path] = typer.Option(None, "--from-json", help="Read the fields from a "
                                                                       "JSON object (- for "
                                                                       "stdin)."),
    document_code: Optional[str] = typer.Option(None, help="e.g. P, PO, I, ID, V."),
    issuing_state: Optional[str] = typer.Option(None, help="e.g. UTO."),
    surname: Optional[str] = typer.Option(None, help="Primary identifier, in any script."),
    given_names: Optional[str] = typer.Option(None, help="Secondary identifier."),
    document_number: Optional[str] = typer.Option(None),
    nationality: Optional[str] = typer.Option(None),
    birth_date: Optional[str] = typer.Option(None, help="YYYY-MM-DD, YYMMDD, or with XX for "
                                                        "unknown parts."),
    sex: Optional[str] = typer.Option(None, help="M, F, X or <."),
    expiry_date: Optional[str] = typer.Option(None, help="YYYY-MM-DD or YYMMDD."),
    optional_data: Optional[str] = typer.Option(None),
    optional_data_2: Optional[str] = typer.Option(None, help="TD1 only."),
    umlauts: str = typer.Option("expand", help="expand (Ä→AE, ICAO's recommendation) or plain "
                                               "(Ä→A)."),
    as_json: bool = typer.Option(False, "--json", help="Print the checked MRZ as JSON."),
) -> None:
    """Build an MRZ from fields (for test data and training material)."""
    values: dict[str, Any] = {}
    if from_json is not None:
        raw = sys.stdin.read() if str(from_json) == "-" else read_text_input(None, from_json)
        try:
            loaded = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise InputFileError(f"{from_json}: not JSON ({exc.msg} at line {exc.lineno})") \
                from None
        if not isinstance(loaded, dict):
            raise InputFileError(f"{from_json}: expected a JSON object of fields")
        values.update(loaded)
    given = {"document_code": document_code, "issuing_state": issuing_state, "surname": surname,
             "given_names": given_names, "document_number": document_number,
             "nationality": nationality, "birth_date": birth_date, "sex": sex,
             "expiry_date": expiry_date, "optional_data": optional_data,
             "optional_data_2": optional_data_2}
    values.update({k: v for k, v in given.items() if v is not None})
    values.setdefault("format", fmt)
    if umlauts != "expand":
        values["umlauts"] = umlauts
    if values.get("format") in ("TD1", "TD2") and "document_code" not in values:
        values["document_code"] = "I"
    if str(values.get("format", "")).startswith("MRV") and "document_code" not in values:
        values["document_code"] = "V"
    MRZFields.from_dict(values)  # unknown keys fail here with a clear message
    out_lines = generate(**values)
    if as_json:
        typer.echo(json.dumps(parse(out_lines).to_dict(), indent=2, ensure_ascii=False))
    else:
        typer.echo("\n".join(out_lines))


@mrz_app.command("read")
def read_cmd(
    files: list[Path] = typer.Argument(..., help="Images or PDFs (each page is read)."),
    as_json: bool = typer.Option(False, "--json", help="One JSON object per input (JSON Lines): "
                                                       "the mrz check object plus file, lines, "
                                                       "confidence, corrections, quad."),
    debug_dir: Optional[Path] = typer.Option(None, "--debug-dir", help="Save pictures of each "
                                                                       "stage here."),
    engine: str = typer.Option("glyph", help="glyph (docfraud's OCR-B recogniser) or tesseract "
                                             "(needs mrz.traineddata)."),
    all_mrzs: bool = typer.Option(False, "--all", help="Report every MRZ in each image, not only "
                                                       "the best."),
    as_of: Optional[str] = typer.Option(None, "--as-of", metavar="YYYY-MM-DD"),
) -> None:
    """Read the MRZ of photos, scans and PDFs: exit 0 when every input has a valid MRZ, 1 when
    one has none or an invalid one, 2 when an input cannot be read."""
    from docfraud.errors import DocfraudError
    from docfraud.imaging import load_pages
    from docfraud.imaging.mrz import find_mrzs
    from docfraud.imaging.reader import MRZReader

    if engine not in ("glyph", "tesseract"):
        raise UsageError("--engine must be glyph or tesseract")
    ref = parse_date(as_of, "--as-of")
    try:
        reader = MRZReader(engine=engine)
    except DocfraudError:
        raise
    except Exception as exc:  # noqa: BLE001 - e.g. no Tesseract MRZ model here
        raise UsageError(f"the {engine} engine cannot start: {exc}") from None
    console = Console(highlight=False)
    worst = 0
    for path in files:
        try:
            pages = load_pages(path)
        except DocfraudError as exc:
            worst = 2
            if as_json:
                typer.echo(json.dumps({"file": str(path), "error": exc.to_dict()}))
            else:
                console.print(f"[bold red]{path}: error {exc.code}[/]: {exc.message}")
            continue
        for page_no, image in enumerate(pages, 1):
            label = str(path) if len(pages) == 1 else f"{path}#page={page_no}"
            found = find_mrzs(image, reader=reader, as_of=ref)
            if not all_mrzs:
                found = found[:1]
            if debug_dir is not None:
                from docfraud.imaging.debug import save

                stem = path.stem if len(pages) == 1 else f"{path.stem}-p{page_no}"
                save(debug_dir, stem, image, found)
            if not found:
                worst = max(worst, 1)
                if as_json:
                    typer.echo(json.dumps({"file": label, "found": False}))
                else:
                    console.print(f"[yellow]{label}: no MRZ found[/]")
                continue
            for r in found:
                if not r.valid:
                    worst = max(worst, 1)
                if as_json:
                    out = {"file": label, "found": True, **r.to_dict()}
                    typer.echo(json.dumps(out, ensure_ascii=False))
                else:
                    console.print(f"[bold]{label}[/] ({r.engine}, confidence "
                                  f"{r.confidence:.3f}, {sum(r.timings.values()) * 1000:.0f} ms)")
                    print_report(r.mrz, console)
                    for c in r.corrections:
                        console.print(f"  corrected line {c.line + 1} position {c.pos + 1}: "
                                      f"{c.read!r} -> {c.chosen!r} ({c.reason}"
                                      f"{', ' + c.checked_by + ' check digit' if c.checked_by else ''})")
    if worst:
        raise typer.Exit(worst)
