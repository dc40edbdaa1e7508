"""``docfraud training``: workshop sets, scoring trainees, and comparing with docfraud."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.table import Table

training_app = typer.Typer(
    help="Training kit for document-examination workshops: exercise sets with worksheet and "
         "answer key, scoring of trainees' answers, and docfraud's own score on the same items "
         "(docs/training.md).",
    no_args_is_help=True, add_completion=False)


def _split(value: str | None) -> list[str]:
    return [v.strip() for v in (value or "").split(",") if v.strip()]


@training_app.command("make-set")
def make_set(
    out: Path = typer.Option(..., "--out", "-o", help="New (or empty) folder for the set."),
    count: int = typer.Option(30, "--count", "-n", help="How many documents."),
    forgery_rate: float = typer.Option(0.5, "--forgery-rate", help="Share of forged documents "
                                                                   "(exactly, rounded)."),
    difficulty: str = typer.Option("mixed", "--difficulty", help="easy, mixed or hard: how "
                                                                 "subtle the forgeries and "
                                                                 "how hard the phone photos."),
    seed: int = typer.Option(0, "--seed", help="Same seed, same set."),
    specimens: Optional[str] = typer.Option(None, "--specimens", help="Specimen ids, comma "
                                                                      "separated (default: "
                                                                      "all)."),
    captures: str = typer.Option("scan,reader,phone", "--captures", help="Captures to mix: "
                                                                         "scan, reader, phone."),
    forgeries: Optional[str] = typer.Option(None, "--forgeries", help="Forgery types, comma "
                                                                      "separated (default: "
                                                                      "all)."),
    title: Optional[str] = typer.Option(None, "--title", help="Title on the sheets."),
    no_examine: bool = typer.Option(False, "--no-examine", help="Do not run docfraud on the "
                                                               "items (faster; no compare)."),
    no_pdf: bool = typer.Option(False, "--no-pdf", help="HTML sheets only."),
    quiet: bool = typer.Option(False, "--quiet", "-q"),
) -> None:
    """Build a workshop set: numbered exercise images with a worksheet and answer template for
    trainees (trainee/), and an answer key with trainer notes (trainer/)."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    from docfraud.training import make_workshop

    with Progress("[progress.description]{task.description}", BarColumn(), MofNCompleteColumn(),
                  TimeRemainingColumn(), disable=quiet, transient=True) as bar:
        task = bar.add_task("generating", total=count)
        key = make_workshop(
            out, count=count, forgery_rate=forgery_rate, difficulty=difficulty, seed=seed,
            specimens=_split(specimens) or None, captures=_split(captures),
            forgeries=_split(forgeries) or None, examine=not no_examine, pdf=not no_pdf,
            title=title,
            progress=lambda what, i, n: bar.update(task, completed=i if what == "generated"
                                                   else i - 1, description=what))
    forged = sum(it["truth"] == "forged" for it in key["items"])
    typer.echo(f"wrote {len(key['items'])} documents ({forged} forged) to {out}")
    typer.echo(f"  hand out: {out / 'trainee'} (images/, worksheet.html, answers-template.csv)")
    typer.echo(f"  keep:     {out / 'trainer'} (answer-key.json, trainer-sheet.html, notes/)")
    pdf = key["pdf"]
    if pdf["why_not"]:
        typer.echo(f"  no PDF: {pdf['why_not']}")
    else:
        typer.echo(f"  PDF: {pdf['worksheet']}, {pdf['trainer_sheet']}")
    if key["left_out_types"]:
        typer.echo(f"  left out (not visible in these captures): "
                   f"{', '.join(key['left_out_types'])}")


def _print(result: dict, console: Console, compare: bool) -> None:
    from docfraud.training.summary import pct

    t = Table(header_style="bold")
    for col in ("participant", "accuracy", "found", "missed", "false alarms", "kind right",
                "region right"):
        t.add_column(col)
    people = dict(result["trainees"])
    if compare:
        people["docfraud"] = result["docfraud"]
    for name, s in people.items():
        t.add_row(name, pct(s["accuracy"]), f"{s['found']}/{s['forged']}",
                  " ".join(s["missed"]) or "-", " ".join(s["false_alarms"]) or "-",
                  pct(s["type_accuracy"]), pct(s["region_accuracy"]))
    console.print(t)
    rows = result["by_type"] if result["trainees"] else result["docfraud_by_type"]
    hard = sorted((r["right_rate"] or 0, r["title"]) for k, r in rows.items() if k != "genuine")
    if hard:
        console.print("hardest kinds: " + ", ".join(f"{title} {pct(v)}" for v, title in hard[:3]))


def _beside(key: Path) -> Path:
    """The trainer folder of a set, where the key is."""
    if key.is_dir():
        return key / "trainer" if (key / "trainer").is_dir() else key
    return key.parent


@training_app.command("score")
def score_cmd(
    key: Path = typer.Argument(..., help="trainer/answer-key.json (or the set's folder)."),
    answers: list[Path] = typer.Argument(..., help="Answer CSV files: one per trainee, or one "
                                                   "with a trainee column."),
    out: Optional[Path] = typer.Option(None, "--out", "-o", help="Folder for class-summary.html"
                                                                 ", .json and .csv (default: "
                                                                 "beside the key)."),
) -> None:
    """Score trainees' answers: per trainee and per kind of forgery (accuracy, missed forgeries,
    false alarms, kind and region named right), with a class summary in HTML."""
    from docfraud.training.answers import read_answers
    from docfraud.training.scoring import score
    from docfraud.training.summary import write_outputs
    from docfraud.training.workshop import load_key

    k = load_key(key)
    result = score(k, read_answers(list(answers), k))
    folder = out or _beside(key)
    paths = write_outputs(folder, k, result)
    _print(result, Console(highlight=False), compare=False)
    typer.echo(f"wrote {paths['html']}, {paths['json'].name}, {paths['csv'].name}")


@training_app.command("compare")
def compare_cmd(
    key: Path = typer.Argument(..., help="trainer/answer-key.json (or the set's folder)."),
    answers: Optional[list[Path]] = typer.Argument(None, help="Answer CSV files of the class "
                                                              "(optional)."),
    out: Optional[Path] = typer.Option(None, "--out", "-o", help="Folder for compare.html, "
                                                                 ".json and .csv (default: "
                                                                 "beside the key)."),
) -> None:
    """Score docfraud itself on the same items (from what it reported when the set was made),
    beside the class when answer files are given, to discuss where machine and officers
    differ."""
    from docfraud.training.answers import read_answers
    from docfraud.training.scoring import score
    from docfraud.training.summary import write_outputs
    from docfraud.training.workshop import load_key

    k = load_key(key)
    given = read_answers(list(answers), k) if answers else {}
    result = score(k, given, with_docfraud=True)
    folder = out or _beside(key)
    paths = write_outputs(folder, k, result, compare=True)
    _print(result, Console(highlight=False), compare=True)
    typer.echo(f"wrote {paths['html']}, {paths['json'].name}, {paths['csv'].name}")
