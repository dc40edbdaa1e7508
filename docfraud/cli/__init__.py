"""The ``docfraud`` command line (typer).

Sub-commands are grouped by task: ``docfraud mrz ...`` for machine-readable zones as text,
``docfraud demo`` for the bundled samples, ``docfraud serve ...`` for the checkpoint web station,
``docfraud batch ...`` for many documents at once, ``docfraud training ...`` for workshop sets
and scoring. Errors the user can cause print their code and message,
never a traceback, and exit 2; an internal error exits 3 (set ``DOCFRAUD_DEBUG=1`` for the
traceback).
"""

from __future__ import annotations

import os
import sys

import typer
from rich.console import Console

from docfraud import __version__
from docfraud.cli.batch_cmd import batch_app
from docfraud.cli.demo import demo
from docfraud.cli.examine_cmd import examine_cmd
from docfraud.cli.mrz_cmd import mrz_app
from docfraud.cli.serve_cmd import serve_app
from docfraud.cli.specimen_cmd import specimen_app
from docfraud.cli.synth_cmd import synth
from docfraud.cli.training_cmd import training_app
from docfraud.errors import DocfraudError

app = typer.Typer(
    name="docfraud",
    help="Examine travel documents for fraud: read and check the MRZ (ICAO 9303), compare the "
         "document with its reference specimen under white, infrared and ultraviolet light, and "
         "generate fictional-issuer specimens and forgeries for tests and training.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="rich",
    context_settings={"help_option_names": ["-h", "--help"]},
)
app.add_typer(mrz_app, name="mrz")
app.add_typer(specimen_app, name="specimen")
app.add_typer(serve_app, name="serve")
app.add_typer(training_app, name="training")
app.add_typer(batch_app, name="batch")
app.command("demo")(demo)
app.command("examine")(examine_cmd)
app.command("synth")(synth)

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3


def _version(value: bool) -> None:
    if value:
        typer.echo(f"docfraud {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(False, "--version", "-V", callback=_version, is_eager=True,
                                 help="Print the version and exit."),
) -> None:
    """Examine travel documents for fraud."""


def main(argv: list[str] | None = None) -> int:
    """Entry point: run the app, turning docfraud errors into coded messages and exit code 2."""
    err = Console(stderr=True, highlight=False)
    try:
        app(args=argv, prog_name="docfraud")  # standalone: ends in SystemExit
    except SystemExit as exc:  # normal end, --help, usage errors (already printed, code 2)
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else EXIT_USAGE)
    except DocfraudError as exc:
        err.print(f"[bold red]error {exc.code}[/]: {exc.message}", markup=True)
        if exc.hint:
            err.print(f"hint: {exc.hint}", markup=False)
        return EXIT_USAGE
    except KeyboardInterrupt:
        err.print("interrupted")
        return 130
    except Exception as exc:  # noqa: BLE001 - the CLI must never show a raw traceback
        if os.environ.get("DOCFRAUD_DEBUG"):
            raise
        err.print(f"[bold red]internal error E000[/]: {type(exc).__name__}: {exc}", markup=True)
        err.print("This is a bug in docfraud; please report it. Set DOCFRAUD_DEBUG=1 to see the "
                  "traceback.", markup=False)
        return EXIT_INTERNAL
    return EXIT_OK


def run() -> None:  # pragma: no cover - console script shim
    sys.exit(main())
