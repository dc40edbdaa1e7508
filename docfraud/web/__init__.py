"""The checkpoint web station: ``docfraud serve`` (docs/web.md).

An interface layer: server-rendered pages for officers and a JSON API beside them, over the same
examination engine as the command line. :mod:`docfraud.web.store` (accounts, examinations, audit
log) needs only the standard library; the app needs the ``web`` extra
(``pip install 'docfraud[web]'``).
"""

from __future__ import annotations

from typing import Any

from docfraud.errors import WebUnavailableError


def create_app(*args: Any, **kw: Any) -> Any:
    """The FastAPI app (see :func:`docfraud.web.app.create_app`); a coded error when the web
    dependencies are not installed."""
    try:
        from docfraud.web.app import create_app as _create
    except ImportError as exc:
        raise WebUnavailableError(
            f"the web app needs packages that are not installed ({exc.name})",
            hint="pip install 'docfraud[web]'") from None
    return _create(*args, **kw)


__all__ = ["create_app"]
