"""``docfraud serve``: the checkpoint web station, and its administration from the command line.

    docfraud serve [--host 127.0.0.1] [--port 8000] [--data-dir DIR]   start the station
    docfraud serve add-user NAME                                      create an officer account
    docfraud serve set-password NAME / disable-user NAME / users      manage accounts
    docfraud serve verify-audit                                       check the audit chain
    docfraud serve purge                                              delete expired examinations
"""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console

from docfraud.errors import AccountError, UsageError

serve_app = typer.Typer(
    help="The checkpoint web station (docs/web.md): with no sub-command, start the server; the "
         "sub-commands manage accounts, the audit log and retention.",
    invoke_without_command=True, no_args_is_help=False)

DATA_DIR_HELP = "The station's data folder (database, images, reports); default: " \
                "$DOCFRAUD_DATA_DIR or the user's data folder (…/docfraud/station)."
#: options shared by the sub-commands
DATA_DIR = typer.Option(None, "--data-dir", help=DATA_DIR_HELP)
PASSWORD_STDIN = typer.Option(False, "--password-stdin", help="Read the password from standard "
                                                              "input (one line) instead of "
                                                              "prompting.")


def _store(data_dir: Path | None, retention_days: int = 30):  # type: ignore[no-untyped-def]
    from docfraud.web.store import Store

    return Store(data_dir, retention_days=retention_days)


def _read_password(password_stdin: bool) -> str:
    if password_stdin:
        pw = sys.stdin.readline().rstrip("\r\n")
        if not pw:
            raise AccountError("no password on standard input")
        return pw
    pw = typer.prompt("Password", hide_input=True)
    again = typer.prompt("Password again", hide_input=True)
    if pw != again:
        raise AccountError("the two passwords differ")
    return pw


@serve_app.callback()
def serve(
    ctx: typer.Context,
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on. The default "
                                                         "serves this computer only; 0.0.0.0 "
                                                         "serves the local network (use TLS)."),
    port: int = typer.Option(8000, "--port", help="Port to listen on."),
    data_dir: Optional[Path] = DATA_DIR,
    specimens: Optional[Path] = typer.Option(None, "--specimens", help="Specimen library "
                                                                       "(default: "
                                                                       "reference_specimens/)."),
    retention_days: int = typer.Option(30, "--retention-days", min=1,
                                       help="Days after which images and reports are deleted."),
    max_upload_mb: float = typer.Option(25.0, "--max-upload-mb", min=0.1,
                                        help="Largest image accepted, per light."),
    workers: int = typer.Option(2, "--workers", min=1,
                                help="Examinations run at once (the others wait their turn)."),
    ssl_certfile: Optional[Path] = typer.Option(None, "--ssl-certfile",
                                                help="TLS certificate (PEM): serve HTTPS."),
    ssl_keyfile: Optional[Path] = typer.Option(None, "--ssl-keyfile", help="TLS private key."),
    device: Optional[str] = typer.Option(None, "--device", help="What takes this station's "
                                                                "captures: 'scanner' (a "
                                                                "full-page reader or flatbed) "
                                                                "or 'camera'."),
) -> None:
    """Start the checkpoint web station (when no sub-command is given)."""
    if ctx.invoked_subcommand is not None:
        return
    from docfraud.web import create_app
    from docfraud.web.station import Config

    if (ssl_certfile is None) != (ssl_keyfile is None):
        raise UsageError("--ssl-certfile and --ssl-keyfile go together")
    from docfraud.examine.capture import check_device
    check_device(device, "--device", UsageError)
    try:
        import uvicorn
    except ImportError:
        from docfraud.errors import WebUnavailableError

        raise WebUnavailableError("the web app needs uvicorn, which is not installed",
                                  hint="pip install 'docfraud[web]'") from None
    config = Config(data_dir=data_dir, specimens=specimens, retention_days=retention_days,
                    max_upload_mb=max_upload_mb, workers=workers,
                    secure_cookies=True if ssl_certfile else None, device=device)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    console = Console(stderr=True, highlight=False)
    console.print("loading the engines and the specimen library ...")
    app = create_app(config)
    station = app.state.station
    if not station.store.users():
        console.print("[bold yellow]no accounts yet[/]: create one with "
                      f"docfraud serve add-user NAME --data-dir {station.store.root}")
    from docfraud.errors import AuditChainError

    try:
        n, head = station.store.verify_audit()
        console.print(f"audit log intact: {n} entries, head {head}")
    except AuditChainError as exc:  # keep the checkpoint working, but say it loudly
        console.print(f"[bold red]warning {exc.code}[/]: {exc.message}; the station starts, "
                      "but report this to the station's administrator")
    scheme = "https" if ssl_certfile else "http"
    console.print(f"docfraud station: {scheme}://{host}:{port}/  (data in {station.store.root}, "
                  f"{len(station.specimens)} specimens, engines loaded in "
                  f"{station.load_seconds:.1f} s)")
    uvicorn.run(app, host=host, port=port, access_log=False, log_level="warning",
                ssl_certfile=str(ssl_certfile) if ssl_certfile else None,
                ssl_keyfile=str(ssl_keyfile) if ssl_keyfile else None)


@serve_app.command("add-user")
def add_user(
    username: str = typer.Argument(..., help="The officer's user name (lower case)."),
    data_dir: Optional[Path] = DATA_DIR,
    password_stdin: bool = PASSWORD_STDIN,
) -> None:
    """Create an officer account (asks for the password twice)."""
    store = _store(data_dir)
    store.add_user(username, _read_password(password_stdin))
    typer.echo(f"account {username} created in {store.root}")


@serve_app.command("set-password")
def set_password(
    username: str = typer.Argument(...),
    data_dir: Optional[Path] = DATA_DIR,
    password_stdin: bool = PASSWORD_STDIN,
) -> None:
    """Change an account's password (and enable it again); its sessions end."""
    _store(data_dir).set_password(username, _read_password(password_stdin))
    typer.echo(f"password of {username} changed")


@serve_app.command("disable-user")
def disable_user(
    username: str = typer.Argument(...),
    data_dir: Optional[Path] = DATA_DIR,
) -> None:
    """Disable an account; its sessions end (its examinations and audit entries stay)."""
    _store(data_dir).disable_user(username)
    typer.echo(f"account {username} disabled")


@serve_app.command("users")
def users(data_dir: Optional[Path] = DATA_DIR) -> None:
    """List the accounts."""
    for u in _store(data_dir).users():
        typer.echo(f"{u['username']}\t{'disabled' if u['disabled'] else 'enabled'}\t"
                   f"created {u['created'][:19]}")


@serve_app.command("verify-audit")
def verify_audit(
    data_dir: Optional[Path] = DATA_DIR,
    expect_head: Optional[str] = typer.Option(None, "--expect-head", metavar="HASH",
                                              help="A head hash recorded earlier: it must still "
                                                   "be in the chain (detects a chain cut "
                                                   "short)."),
    show: int = typer.Option(0, "--show", help="Print the last N entries as JSON Lines."),
) -> None:
    """Verify the audit log's hash chain. Exit 0 when whole, 2 (error E604) when broken."""
    from docfraud.errors import AuditChainError

    store = _store(data_dir)
    n, head = store.verify_audit()
    if expect_head and not any(e["hash"] == expect_head for e in store.audit_entries()):
        raise AuditChainError(f"the recorded head {expect_head[:16]}… is not in the chain of "
                              f"{n} entries: entries were removed")
    for e in store.audit_entries(limit=show) if show > 0 else []:
        typer.echo(json.dumps(e, ensure_ascii=False))
    typer.echo(f"audit log intact: {n} entries, head {head}")


@serve_app.command("purge")
def purge(
    data_dir: Optional[Path] = DATA_DIR,
    retention_days: int = typer.Option(30, "--retention-days", min=1),
) -> None:
    """Delete the examinations (images and reports) older than the retention period now (the
    server also does it hourly)."""
    n = _store(data_dir, retention_days).purge_expired(by="cli")
    typer.echo(f"{n} examination{'' if n == 1 else 's'} deleted")
