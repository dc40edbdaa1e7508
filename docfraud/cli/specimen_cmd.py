"""``docfraud specimen``: the reference specimen library."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.table import Table

from docfraud.errors import DocfraudError, UsageError
from docfraud.specimens import Library

specimen_app = typer.Typer(help="Reference specimens: list, show with zones drawn, validate, "
                                "enroll.", no_args_is_help=True)

LIBRARY_HELP = "The specimen library folder (default: $DOCFRAUD_SPECIMENS or reference_specimens/)."


@specimen_app.command("list")
def list_cmd(
    library: Optional[Path] = typer.Option(None, "--library", help=LIBRARY_HELP),
) -> None:
    """Every specimen in the library, with issuer, code, format, size and lights."""
    lib = Library(library)
    console = Console(highlight=False)
    specs = lib.specimens()
    table = Table(title=f"{len(specs)} specimen(s) in {lib.root}", header_style="bold")
    for col in ("id", "issuer", "code", "format", "size (mm)", "sides: lights", "zones", "name"):
        table.add_column(col)
    for s in specs:
        lights = "; ".join(f"{side.name}: {'/'.join(side.lights)}" for side in s.sides)
        table.add_row(s.id, s.issuer, s.document_code, s.mrz_format,
                      f"{s.size_mm[0]:g} x {s.size_mm[1]:g}", lights, str(len(s.zones)),
                      s.name + (" (fictional)" if s.fictional and "fictional" not in s.name else ""))
    console.print(table)
    for problem in lib.problems:
        console.print(f"[red]{problem.code}[/]: {problem.message}")
    if lib.problems:
        raise typer.Exit(1)


@specimen_app.command("show")
def show_cmd(
    specimen: str = typer.Argument(..., help="Specimen id (e.g. UTO/P-2024) or folder."),
    out: Path = typer.Option(..., "--out", "-o", help="The PNG to write."),
    side: Optional[str] = typer.Option(None, help="Which side (default: the first)."),
    light: str = typer.Option("white", help="white, ir or uv."),
    scale: float = typer.Option(1.0, help="Scale of the output image."),
    library: Optional[Path] = typer.Option(None, "--library", help=LIBRARY_HELP),
) -> None:
    """Write the reference image with every zone drawn and labelled, for review."""
    from docfraud.specimens.render import overlay

    if not 0.05 <= scale <= 4:
        raise UsageError("--scale must be between 0.05 and 4")
    spec = Library(library).get(specimen)
    try:
        image = overlay(spec, side, light, scale)
    except KeyError as exc:
        raise UsageError(str(exc.args[0])) from None
    out.parent.mkdir(parents=True, exist_ok=True)
    image.save(out)
    typer.echo(f"wrote {out} ({image.width} x {image.height})")


@specimen_app.command("validate")
def validate_cmd(
    specimens: Optional[list[str]] = typer.Argument(None, help="Specimen ids or folders "
                                                                 "(default: the whole library)."),
    library: Optional[Path] = typer.Option(None, "--library", help=LIBRARY_HELP),
) -> None:
    """Load and check specimens; print every problem with its code; exit 1 if any."""
    lib = Library(library)
    console = Console(highlight=False)
    problems: list[DocfraudError] = []
    ok = 0
    if specimens:
        for ref in specimens:
            try:
                lib.get(ref)
                ok += 1
            except DocfraudError as exc:
                problems.append(exc)
    else:
        ok = len(lib.specimens())
        problems = list(lib.problems)
    for p in problems:
        console.print(f"[red]error {p.code}[/]: {p.message}")
    console.print(f"{ok} specimen(s) valid, {len(problems)} with problems")
    if problems:
        raise typer.Exit(1)


@specimen_app.command("enroll")
def enroll_cmd(
    white: Path = typer.Option(..., "--white", help="White-light capture of a genuine document."),
    zones: Path = typer.Option(..., "--zones", help="The description without images: issuer, "
                                                    "codes, size, zones (docs/specimens.md)."),
    out: Path = typer.Option(..., "--out", "-o", help="The specimen folder to create or add to."),
    ir: Optional[Path] = typer.Option(None, "--ir", help="Infrared capture (same reader)."),
    uv: Optional[Path] = typer.Option(None, "--uv", help="Ultraviolet capture (same reader)."),
    side: str = typer.Option("page", help="Which side these captures show."),
    dpi: Optional[float] = typer.Option(None, help="Reference resolution (default: the zones "
                                                   "file's dpi, else 300)."),
) -> None:
    """Build a specimen from captures of a genuine document, rectified to nominal size."""
    from docfraud.specimens.enroll import enroll

    spec = enroll(white, zones, out, ir=ir, uv=uv, side=side, dpi=dpi)
    lights = "/".join(spec.side(side).lights)
    typer.echo(f"enrolled {spec.id}: side {side} ({lights}), {len(spec.zones)} zones, "
               f"{spec.size_px[0]} x {spec.size_px[1]} px at {spec.dpi:g} dpi")


@specimen_app.command("calibrate")
def calibrate_cmd(
    specimen: str = typer.Argument(..., help="Specimen id (e.g. UTO/P-2024) or folder."),
    captures: list[Path] = typer.Argument(..., help="Captures of GENUINE documents of this type "
                                                    "(files or folders)."),
    library: Optional[Path] = typer.Option(None, "--library", help=LIBRARY_HELP),
) -> None:
    """Set the specimen's check thresholds from captures of genuine documents; writes
    calibration.toml beside specimen.toml."""
    from docfraud.examine.calibrate import calibrate

    spec = Library(library).get(specimen)
    files: list[Path] = []
    for c in captures:
        if c.is_dir():
            files += sorted(p for p in c.rglob("*") if p.suffix.lower() in
                            (".png", ".jpg", ".jpeg", ".tif", ".tiff", ".webp", ".bmp"))
        else:
            files.append(c)
    path, info = calibrate(spec, files)
    typer.echo(f"wrote {path}: thresholds of {info['thresholds']} check/zone/quality groups "
               f"from {info['captures']} genuine captures ({len(info['skipped'])} skipped)")
    for s in info["skipped"][:10]:
        typer.echo(f"  skipped {s}")
