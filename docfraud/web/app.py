"""The FastAPI application: server-rendered pages for officers and a JSON API beside them.

Pages (HTML, no front-end build): ``/login``, ``/`` (capture), ``/results/ID``, ``/history``.
API (JSON, OpenAPI at ``/api/openapi.json``): ``/api/v1/...``; see docs/web.md.

Security: every page and API call but sign-in, health and the static files needs a session
(cookie ``docfraud_session``: HttpOnly, SameSite=Strict, Secure over HTTPS); every state-changing
request needs the session's CSRF token (form field ``csrf_token`` or header ``X-CSRF-Token``) and,
when the browser sends one, an Origin of this server. Responses carry a strict CSP and
``Cache-Control: no-store``. Request bodies are limited in size before they are read. The server
log has method, path (no query string), status and duration: no personal data.
"""

from __future__ import annotations

import hmac
import logging
import secrets
import threading
import time
import traceback
from pathlib import Path
from typing import Any, Optional

from fastapi import FastAPI, File, Form, Query, Request, UploadFile
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from pydantic import BaseModel, Field

from docfraud import __version__
from docfraud.errors import DocfraudError, ImageTooLargeError, UsageError
from docfraud.web.station import Config, Station, error_payload
from docfraud.web.store import Session

HERE = Path(__file__).resolve().parent
COOKIE = "docfraud_session"
LOGIN_COOKIE = "docfraud_login"
log = logging.getLogger("docfraud.web")

CSP = ("default-src 'self'; img-src 'self' blob: data:; media-src 'self' blob:; "
       "script-src 'self'; style-src 'self'; object-src 'none'; base-uri 'none'; "
       "form-action 'self'; frame-ancestors 'none'")
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Permissions-Policy": "camera=(self), microphone=(), geolocation=()",
}


class WebError(Exception):
    """A refusal with an HTTP status and a coded payload (not a user-input DocfraudError)."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message

    def payload(self) -> dict[str, Any]:
        return {"error": {"code": self.code, "title": "refused", "message": self.message,
                          "hint": None}}


class _BodyTooLarge(Exception):
    pass


class LimitsAndHeaders:
    """ASGI middleware: refuses request bodies over the limit (413, before reading them whole),
    adds the security headers, and logs each request without personal data."""

    def __init__(self, app: Any, max_body: int) -> None:
        self.app, self.max_body = app, max_body

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        t0 = time.perf_counter()
        status = {"code": 500, "started": False}
        headers = dict(scope.get("headers") or [])
        length = headers.get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > self.max_body):
            await self._too_large(send)
            self._log(scope, 413, t0)
            return
        seen = 0

        async def limited_receive() -> dict:
            nonlocal seen
            msg = await receive()
            if msg["type"] == "http.request":
                seen += len(msg.get("body", b""))
                if seen > self.max_body:
                    raise _BodyTooLarge()
            return msg

        async def send_with_headers(msg: dict) -> None:
            if msg["type"] == "http.response.start":
                status["code"], status["started"] = msg["status"], True
                hs = list(msg.get("headers", []))
                names = {k.lower() for k, _ in hs}
                for k, v in HEADERS.items():
                    if k.lower().encode() not in names:
                        hs.append((k.lower().encode(), v.encode()))
                if not scope["path"].startswith("/static/"):
                    hs = [(k, v) for k, v in hs if k.lower() not in (b"cache-control", b"pragma")]
                    hs += [(b"cache-control", b"no-store"), (b"pragma", b"no-cache")]
                msg = {**msg, "headers": hs}
            await send(msg)

        try:
            await self.app(scope, limited_receive, send_with_headers)
        except _BodyTooLarge:
            if not status["started"]:
                await self._too_large(send)
            status["code"] = 413
        finally:
            self._log(scope, status["code"], t0)

    async def _too_large(self, send: Any) -> None:
        body = JSONResponse(WebError(413, "E603", f"the request is larger than "
                                     f"{self.max_body // 2**20} MB").payload(), 413).body
        hs = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
        hs += [(k.lower().encode(), v.encode()) for k, v in HEADERS.items()]
        await send({"type": "http.response.start", "status": 413, "headers": hs})
        await send({"type": "http.response.body", "body": body})

    @staticmethod
    def _log(scope: dict, code: int, t0: float) -> None:
        # the path only: a query string may hold a document number
        log.info("%s %s %d %.0f ms", scope.get("method"), scope.get("path"), code,
                 (time.perf_counter() - t0) * 1000)


class Throttle:
    """Failed sign-ins: after ``per_user`` failures for one user name, or ``per_client`` from
    one address, within ``window`` seconds, sign-in is refused (without checking the password)
    until the oldest of them is ``window`` seconds old. In memory: a restart forgets them."""

    def __init__(self, per_user: int = 5, per_client: int = 20, window: float = 900.0) -> None:
        self.limits = {"user": per_user, "client": per_client}
        self.window = window
        self.clock = time.monotonic
        self._failures: dict[tuple[str, str], list[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: tuple[str, str], now: float) -> list[float]:
        times = [t for t in self._failures.get(key, []) if now - t < self.window]
        if times:
            self._failures[key] = times
        else:
            self._failures.pop(key, None)
        return times

    def wait(self, user: str, client: str) -> float:
        """Seconds until this user name may try again from this address (0: now)."""
        now = self.clock()
        with self._lock:
            waits = [self.window - (now - times[0])
                     for key in (("user", user.lower()), ("client", client))
                     if len(times := self._recent(key, now)) >= self.limits[key[0]]]
        return max(waits, default=0.0)

    def failed(self, user: str, client: str) -> None:
        now = self.clock()
        with self._lock:
            for key in (("user", user.lower()), ("client", client)):
                self._failures.setdefault(key, []).append(now)

    def succeeded(self, user: str) -> None:
        with self._lock:
            self._failures.pop(("user", user.lower()), None)


class Login(BaseModel):
    username: str = Field(max_length=64)
    password: str = Field(max_length=256)


class MRZCheck(BaseModel):
    lines: list[str] = Field(description="The MRZ lines (or one string with newlines)",
                             max_length=3)
    as_of: Optional[str] = Field(None, description="Reference date YYYY-MM-DD (default today)")


def create_app(config: Config | None = None, station: Station | None = None) -> FastAPI:
    """The web app; the engines and the store are loaded here, once."""
    config = config or Config()
    station = station or Station(config)
    store = station.store
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    templates.env.autoescape = True  # every template is HTML
    templates.env.globals.update(version=__version__)

    def purge_loop(stop: threading.Event) -> None:
        while not stop.wait(3600):
            try:
                store.purge_expired()
            except Exception as exc:  # noqa: BLE001 - keep the server up; say what failed
                log.error("retention purge failed: %s", type(exc).__name__)

    from contextlib import asynccontextmanager

    @asynccontextmanager
    async def lifespan(_app: FastAPI):  # type: ignore[no-untyped-def]
        store.purge_expired()
        stop = threading.Event()
        threading.Thread(target=purge_loop, args=(stop,), daemon=True).start()
        yield
        stop.set()

    app = FastAPI(
        title="docfraud checkpoint station",
        version=__version__,
        description="Examine travel-document captures against reference specimens. Sign in "
                    "with POST /api/v1/session, then send the returned csrf_token as "
                    "X-CSRF-Token on every POST/DELETE. docfraud never says a document is "
                    "genuine: verdicts are 'no anomalies found in the checks that ran', 'refer "
                    "to second line' or 'strong indicators of forgery'.",
        docs_url=None, redoc_url=None, openapi_url="/api/openapi.json", lifespan=lifespan)
    app.state.station = station
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    max_body = 3 * config.max_upload_bytes + 1024 * 1024
    app.add_middleware(LimitsAndHeaders, max_body=max_body)

    # -- helpers --------------------------------------------------------------------------------

    def user_of(request: Request) -> Session | None:
        return store.session(request.cookies.get(COOKIE))

    def secure(request: Request) -> bool:
        if config.secure_cookies is not None:
            return config.secure_cookies
        return request.url.scheme == "https"

    def check_origin(request: Request) -> None:
        origin = request.headers.get("origin")
        if origin and origin != "null":
            host = request.headers.get("host", "")
            if origin.split("://", 1)[-1] != host:
                raise WebError(403, "E600", "cross-site request refused")

    def check_csrf(request: Request, user: Session, token: str | None) -> None:
        check_origin(request)
        token = token or request.headers.get("x-csrf-token")
        if not token or not hmac.compare_digest(token, user.csrf):
            raise WebError(403, "E600", "missing or wrong CSRF token: reload the page")

    def api_user(request: Request) -> Session:
        user = user_of(request)
        if user is None:
            raise WebError(401, "E600", "sign in first (POST /api/v1/session)")
        return user

    def set_session(resp: Response, request: Request, token: str) -> None:
        resp.set_cookie(COOKIE, token, httponly=True, samesite="strict", secure=secure(request),
                        path="/")

    throttle = Throttle()
    app.state.throttle = throttle

    def sign_in(request: Request, username: str, password: str) -> int | None:
        """The user's id, or None for a wrong name or password; 429 after too many failures."""
        client = request.client.host if request.client else "?"
        wait = throttle.wait(username, client)
        if wait > 0:
            raise WebError(429, "E600", f"too many failed sign-ins: try again in "
                                        f"{max(1, round(wait / 60))} minutes")
        uid = store.authenticate(username, password)
        if uid is None:
            throttle.failed(username, client)
        else:
            throttle.succeeded(username)
        return uid

    def page(request: Request, name: str, status: int = 200, **ctx: Any) -> HTMLResponse:
        return templates.TemplateResponse(request, name, ctx, status_code=status)

    def login_redirect(request: Request) -> RedirectResponse:
        return RedirectResponse("/login", 303)

    async def read_upload(f: UploadFile | None) -> bytes | None:
        if f is None or not f.filename and not f.size:
            return None
        data = await f.read(config.max_upload_bytes + 1)
        return data or None

    # -- errors ---------------------------------------------------------------------------------

    def wants_json(request: Request) -> bool:
        return request.url.path.startswith("/api/") or \
            "application/json" in request.headers.get("accept", "")

    @app.exception_handler(WebError)
    async def _web_error(request: Request, exc: WebError) -> Response:
        if wants_json(request):
            return JSONResponse(exc.payload(), exc.status)
        if exc.status == 401:
            return login_redirect(request)
        return page(request, "error.html", exc.status, user=user_of(request), code=exc.code,
                    message=exc.message)

    @app.exception_handler(DocfraudError)
    async def _docfraud_error(request: Request, exc: DocfraudError) -> Response:
        status = getattr(exc, "status", None) or (413 if isinstance(exc, ImageTooLargeError)
                                                  else 422)
        log.info("refused %s: %s", request.url.path, exc.code)
        if wants_json(request):
            return JSONResponse(error_payload(exc), status)
        user = user_of(request)
        if user is not None and request.url.path == "/examine":
            return page(request, "capture.html", status, user=user, error=exc,
                        max_mb=config.max_upload_mb)
        return page(request, "error.html", status, user=user, code=exc.code,
                    message=exc.message, hint=exc.hint)

    @app.exception_handler(Exception)
    async def _internal(request: Request, exc: Exception) -> Response:
        # the exception's message may quote the document: its type and place only
        log.error("internal error %s on %s\n%s", type(exc).__name__, request.url.path,
                  "".join(traceback.format_tb(exc.__traceback__)))
        payload = {"error": {"code": "E000", "title": "internal error",
                             "message": "internal error: this is a bug in docfraud",
                             "hint": "the server log has the details"}}
        if wants_json(request):
            return JSONResponse(payload, 500)
        return page(request, "error.html", 500, user=None, code="E000",
                    message=payload["error"]["message"])

    @app.exception_handler(404)
    async def _not_found(request: Request, exc: Exception) -> Response:
        if wants_json(request):
            return JSONResponse(WebError(404, "E600", "not found").payload(), 404)
        return page(request, "error.html", 404, user=user_of(request), code="404",
                    message="There is nothing here: the examination may have passed its "
                            "retention period.")

    # -- pages ----------------------------------------------------------------------------------

    @app.get("/login", include_in_schema=False)
    def login_page(request: Request) -> Response:
        if user_of(request) is not None:
            return RedirectResponse("/", 303)
        token = secrets.token_urlsafe(24)
        resp = page(request, "login.html", user=None, login_csrf=token)
        resp.set_cookie(LOGIN_COOKIE, token, httponly=True, samesite="strict",
                        secure=secure(request), max_age=3600, path="/login")
        return resp

    @app.post("/login", include_in_schema=False)
    def login_submit(request: Request, username: str = Form("", max_length=64),
                     password: str = Form("", max_length=256),
                     login_csrf: str = Form("", max_length=64)) -> Response:
        check_origin(request)
        cookie = request.cookies.get(LOGIN_COOKIE, "")
        if not cookie or not hmac.compare_digest(cookie, login_csrf):
            raise WebError(403, "E600", "the sign-in form has expired: reload the page")
        try:
            uid, status, error = sign_in(request, username.strip(), password), 401, None
        except WebError as exc:  # too many failures
            uid, status, error = None, exc.status, exc.message[0].upper() + exc.message[1:] + "."
        if uid is None:
            token = secrets.token_urlsafe(24)
            resp = page(request, "login.html", status, user=None, login_csrf=token,
                        error=error or "Wrong user name or password.",
                        username=username.strip())
            resp.set_cookie(LOGIN_COOKIE, token, httponly=True, samesite="strict",
                            secure=secure(request), max_age=3600, path="/login")
            return resp
        token, _ = store.new_session(uid)
        resp = RedirectResponse("/", 303)
        set_session(resp, request, token)
        resp.delete_cookie(LOGIN_COOKIE, path="/login")
        return resp

    @app.post("/logout", include_in_schema=False)
    def logout(request: Request, csrf_token: str = Form("")) -> Response:
        user = user_of(request)
        if user is not None:
            check_csrf(request, user, csrf_token)
            store.end_session(request.cookies.get(COOKIE))
        resp = RedirectResponse("/login", 303)
        resp.delete_cookie(COOKIE, path="/")
        return resp

    @app.get("/", include_in_schema=False)
    def capture_page(request: Request) -> Response:
        user = user_of(request)
        if user is None:
            return login_redirect(request)
        return page(request, "capture.html", user=user,
                    max_mb=config.max_upload_mb)

    @app.post("/examine", include_in_schema=False)
    async def examine_form(request: Request, white: UploadFile | None = File(None),
                           ir: UploadFile | None = File(None), uv: UploadFile | None = File(None),
                           other: UploadFile | None = File(None),
                           csrf_token: str = Form("")) -> Response:
        user = user_of(request)
        if user is None:
            raise WebError(401, "E600", "sign in first")
        check_csrf(request, user, csrf_token)
        uploads = {"white": await read_upload(white), "ir": await read_upload(ir),
                   "uv": await read_upload(uv), "other": await read_upload(other)}
        from starlette.concurrency import run_in_threadpool

        exam_id = await run_in_threadpool(station.examine, uploads, user)
        return RedirectResponse(f"/results/{exam_id}", 303)

    def stored(exam_id: str, user: Session, action: str, **detail: Any) -> dict[str, Any]:
        view = station.result(exam_id)
        if view is None:
            raise WebError(404, "E600", "no such examination (it may have passed its "
                                        "retention period)")
        store.audit(user.username, action, exam_id, detail)
        return view

    @app.get("/results/{exam_id}", include_in_schema=False)
    def result_page(request: Request, exam_id: str) -> Response:
        user = user_of(request)
        if user is None:
            return login_redirect(request)
        view = stored(exam_id, user, "view", page="result")
        return page(request, "result.html", user=user, r=view)

    @app.get("/results/{exam_id}/files/{key:path}", include_in_schema=False)
    def result_file(request: Request, exam_id: str, key: str) -> Response:
        user = user_of(request)
        if user is None:
            raise WebError(401, "E600", "sign in first")
        ex = store.examination(exam_id)
        if ex is None or key not in ex["files"] or key in ("white", "ir", "uv"):
            raise WebError(404, "E600", "no such file")
        path = ex["files"][key]
        if key.startswith("report."):
            store.audit(user.username, "view", exam_id, {"as": key})
            return FileResponse(path, filename=f"docfraud-{exam_id[:8]}-{key}",
                                content_disposition_type="attachment")
        return FileResponse(path, media_type="image/jpeg")

    @app.get("/history", include_in_schema=False)
    def history(request: Request, q: str = Query("", max_length=40)) -> Response:
        user = user_of(request)
        if user is None:
            return login_redirect(request)
        rows = store.search(q or None, limit=100)
        if q:  # who searched, and how much they saw; never what they searched for
            store.audit(user.username, "search", None, {"results": len(rows)})
        return page(request, "history.html", user=user, rows=rows, q=q,
                    retention=config.retention_days)

    # -- API ------------------------------------------------------------------------------------

    @app.get("/api/v1/health", tags=["station"])
    def api_health() -> dict[str, Any]:
        """Whether the station is up, and which engines it loaded (no sign-in needed)."""
        return station.health()

    @app.post("/api/v1/session", tags=["session"])
    def api_login(request: Request, body: Login) -> Response:
        """Sign in: sets the session cookie and returns the CSRF token for later requests."""
        check_origin(request)
        uid = sign_in(request, body.username.strip(), body.password)
        if uid is None:
            raise WebError(401, "E600", "wrong user name or password")
        token, csrf = store.new_session(uid)
        resp = JSONResponse({"user": body.username.strip(), "csrf_token": csrf})
        set_session(resp, request, token)
        return resp

    @app.delete("/api/v1/session", tags=["session"])
    def api_logout(request: Request) -> Response:
        """Sign out (needs X-CSRF-Token)."""
        user = api_user(request)
        check_csrf(request, user, None)
        store.end_session(request.cookies.get(COOKIE))
        resp = JSONResponse({"signed_out": True})
        resp.delete_cookie(COOKIE, path="/")
        return resp

    @app.post("/api/v1/examinations", status_code=201, tags=["examinations"])
    async def api_examine(request: Request,
                          white: UploadFile = File(..., description="White-light image"),
                          ir: UploadFile | None = File(None, description="Infrared image"),
                          uv: UploadFile | None = File(None, description="Ultraviolet image"),
                          other: UploadFile | None = File(
                              None, description="A card's other side, white light"),
                          other_ir: UploadFile | None = File(None, description="... infrared"),
                          other_uv: UploadFile | None = File(None, description="... ultraviolet"),
                          ) -> Response:
        """Examine a capture, like ``docfraud examine --json``: the report (schema
        docs/schema/examination.schema.json), its id and the result page's address. JPEG, PNG,
        TIFF, WebP or BMP, checked by content; needs X-CSRF-Token.

        With ``other`` (like ``--other-side``), a card's two sides are examined together: the
        answer's ``verdict`` is the document's (its more serious side), ``report`` the first
        side's, and ``sides`` lists both with their own ids, verdicts and reports."""
        user = api_user(request)
        check_csrf(request, user, None)
        uploads = {name: await read_upload(f) for name, f in (
            ("white", white), ("ir", ir), ("uv", uv), ("other", other),
            ("other_ir", other_ir), ("other_uv", other_uv))}
        from starlette.concurrency import run_in_threadpool

        exam_id = await run_in_threadpool(station.examine, uploads, user)
        view = station.result(exam_id)
        ex = store.examination(exam_id)
        assert ex is not None and view is not None
        out: dict[str, Any] = {"id": exam_id, "url": f"/results/{exam_id}",
                               "verdict": view["verdict"], "report": ex["report"]}
        if view["sides"]:
            out["sides"] = []
            for sd in view["sides"]:
                side = store.examination(sd["id"])
                assert side is not None
                out["sides"].append({"id": sd["id"], "url": f"/results/{sd['id']}",
                                     "side": sd["side"], "verdict": sd["verdict"],
                                     "report": side["report"]})
        return JSONResponse(out, 201)

    @app.get("/api/v1/examinations", tags=["examinations"])
    def api_search(request: Request,
                   document_number: str = Query("", max_length=40,
                                                description="Prefix of the document number"),
                   limit: int = Query(50, ge=1, le=500)) -> dict[str, Any]:
        """This station's recent examinations, newest first (search by document number)."""
        user = api_user(request)
        rows = store.search(document_number or None, limit=limit)
        if document_number:
            store.audit(user.username, "search", None, {"results": len(rows)})
        return {"examinations": rows}

    @app.get("/api/v1/examinations/{exam_id}", tags=["examinations"])
    def api_get(request: Request, exam_id: str) -> dict[str, Any]:
        """A stored examination's report (the view is written to the audit log)."""
        user = api_user(request)
        stored(exam_id, user, "view", page="api")
        ex = store.examination(exam_id)
        assert ex is not None
        return {"id": exam_id, "created": ex["created"], "officer": ex["username"],
                "expires": ex["expires"], "report": ex["report"]}

    @app.post("/api/v1/mrz/check", tags=["mrz"])
    def api_mrz_check(request: Request, body: MRZCheck) -> dict[str, Any]:
        """Check MRZ text against ICAO 9303, like ``docfraud mrz check --json``."""
        from datetime import date

        from docfraud.mrz import parse

        user = api_user(request)
        check_csrf(request, user, None)
        try:
            as_of = date.fromisoformat(body.as_of) if body.as_of else None
        except ValueError:
            raise UsageError(f"as_of {body.as_of!r} is not a date YYYY-MM-DD") from None
        m = parse("\n".join(body.lines), as_of=as_of)
        return m.to_dict()

    @app.get("/api/v1/specimens", tags=["station"])
    def api_specimens(request: Request) -> dict[str, Any]:
        """The reference specimens this station compares with, like ``docfraud specimen
        list``."""
        api_user(request)
        return {"specimens": [{"id": s.id, "name": getattr(s, "name", s.id),
                               "sides": [side.name for side in s.sides]}
                              for s in station.specimens]}

    return app
