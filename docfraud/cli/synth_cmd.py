"""``docfraud synth``: generated captures of fictional-issuer documents, genuine and forged."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

from docfraud.errors import UsageError


def _split(value: str | None) -> list[str]:
    return [v.strip() for v in (value or "").split(",") if v.strip()]


def synth(
    out: Path = typer.Option(..., "--out", "-o", help="Folder to write images and labels.json."),
    specimen: str = typer.Option("UTO/P-2024", "--specimen", help="Specimen id(s), comma "
                                                                   "separated, or 'all'."),
    count: int = typer.Option(10, "--count", "-n", help="How many documents."),
    forgeries: Optional[str] = typer.Option(None, "--forgeries", help="Forgery types, comma "
                                                                       "separated, or 'all' "
                                                                       "(default: none)."),
    forgery_rate: float = typer.Option(0.5, "--forgery-rate", help="Share of forged documents "
                                                                   "when --forgeries is given."),
    capture: str = typer.Option("scan", "--capture", help="scan, reader or phone (comma "
                                                          "separated to mix)."),
    seed: int = typer.Option(0, "--seed", help="Same seed, same set."),
    plant: int = typer.Option(0, "--plant", help="After the --count documents, plant this many "
                                                 "documents of each linked group (one "
                                                 "impostor's photo, a reused document number, "
                                                 "one forger's MRZ font) for linkage analysis."),
    quiet: bool = typer.Option(False, "--quiet", "-q"),
) -> None:
    """Generate documents of fictional issuers, genuine and forged, captured by a simulated
    scanner, full-page reader or phone; writes the images and a labels.json answer file."""
    from docfraud.synth.artwork import design_ids
    from docfraud.synth.dataset import make_set
    from docfraud.synth.forgery import TYPES

    specimens = design_ids() if specimen == "all" else _split(specimen)
    kinds = list(TYPES) if forgeries == "all" else _split(forgeries)
    captures = _split(capture)
    if not specimens or not captures:
        raise UsageError("give at least one --specimen and one --capture")
    with Progress("[progress.description]{task.description}", BarColumn(), MofNCompleteColumn(),
                  TimeRemainingColumn(), disable=quiet, transient=True) as bar:
        task = bar.add_task("generating", total=count + 3 * plant)
        data = make_set(out, specimens=specimens, count=count, forgeries=kinds,
                        forgery_rate=forgery_rate if kinds else 0.0, captures=captures,
                        seed=seed, progress=lambda i: bar.update(task, completed=i),
                        plant=plant)
    forged = sum(not it["genuine"] for it in data["items"])
    typer.echo(f"wrote {len(data['items'])} documents ({forged} forged) and labels.json to {out}")
