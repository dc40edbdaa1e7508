"""The checkpoint web station through FastAPI's test client: sign-in, CSRF, refused uploads,
examinations and their pages, retention, the audit chain, security headers and the server log."""

from __future__ import annotations

import io
import json
import logging
import re
import sqlite3
import struct
import zlib
from datetime import date, timedelta
from pathlib import Path

import pytest

pytest.importorskip("fastapi", reason="the web extra is not installed (pip install -e '.[dev]')")
jsonschema = pytest.importorskip("jsonschema")

from fastapi.testclient import TestClient  # noqa: E402

from docfraud.cli import main  # noqa: E402
from docfraud.errors import AuditChainError  # noqa: E402
from docfraud.examine.model import NO_ANOMALIES, STRONG, VERDICTS  # noqa: E402
from docfraud.web import create_app  # noqa: E402
from docfraud.web.station import Config  # noqa: E402
from docfraud.web.store import Store  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples" / "captures"
PASSWORD = "correct horse battery"
MAX_MB = 1.0


def sample(name: str) -> bytes:
    return (SAMPLES / name).read_bytes()


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    data = tmp_path_factory.mktemp("station")
    app = create_app(Config(data_dir=data, as_of=date(2026, 11, 28), max_upload_mb=MAX_MB))
    store = app.state.station.store
    store.add_user("officer1", PASSWORD)
    store.add_user("officer2", PASSWORD)
    return app


@pytest.fixture()
def anon(app):
    with TestClient(app) as c:
        yield c


def signed_in(app, user: str = "officer1") -> tuple[TestClient, str]:
    c = TestClient(app)
    r = c.post("/api/v1/session", json={"username": user, "password": PASSWORD})
    assert r.status_code == 200, r.text
    return c, r.json()["csrf_token"]


@pytest.fixture()
def officer(app):
    c, csrf = signed_in(app)
    c.headers["X-CSRF-Token"] = csrf
    with c:
        yield c


def upload(client, white: bytes, ir: bytes | None = None, uv: bytes | None = None, **kw):
    files = {"white": ("w.jpg", white, "image/jpeg")}
    if ir is not None:
        files["ir"] = ("i.jpg", ir, "image/jpeg")
    if uv is not None:
        files["uv"] = ("u.jpg", uv, "image/jpeg")
    return client.post("/api/v1/examinations", files=files, **kw)


@pytest.fixture(scope="module")
def forged(app):
    """The forged passport 0002 (portrait substitution), examined once with its three lights."""
    c, csrf = signed_in(app)
    r = upload(c, sample("0002.jpg"), sample("0002.ir.jpg"), sample("0002.uv.jpg"),
               headers={"X-CSRF-Token": csrf})
    assert r.status_code == 201, r.text
    return r.json()


# -- unauthenticated access --------------------------------------------------------------------

def test_pages_send_strangers_to_sign_in(anon, forged):
    for path in ("/", "/history", f"/results/{forged['id']}",
                 f"/results/{forged['id']}/files/annotated"):
        r = anon.get(path, follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"] == "/login", path


def test_api_refuses_strangers(anon, forged):
    for method, path in (("get", "/api/v1/examinations"),
                         ("get", f"/api/v1/examinations/{forged['id']}"),
                         ("get", "/api/v1/specimens")):
        r = getattr(anon, method)(path)
        assert r.status_code == 401 and r.json()["error"]["code"] == "E600", path
    r = upload(anon, sample("0001.jpg"))
    assert r.status_code == 401
    assert anon.get("/api/v1/health").json()["status"] == "ok"  # the one open endpoint


def test_openapi_documents_the_api(anon):
    spec = anon.get("/api/openapi.json").json()
    assert {"/api/v1/session", "/api/v1/examinations", "/api/v1/examinations/{exam_id}",
            "/api/v1/mrz/check"} <= set(spec["paths"])
    assert not any(p.startswith("/results") for p in spec["paths"])  # pages are not API


# -- sign-in and sessions ----------------------------------------------------------------------

def _login_form(client: TestClient) -> str:
    page = client.get("/login").text
    return re.search(r'name="login_csrf" value="([^"]+)"', page).group(1)


def test_sign_in_with_the_form_sets_a_strict_httponly_cookie(anon):
    token = _login_form(anon)
    r = anon.post("/login", data={"username": "officer1", "password": "wrong password!",
                                  "login_csrf": token}, follow_redirects=False)
    assert r.status_code == 401 and "Wrong user name or password" in r.text
    token = _login_form(anon)
    r = anon.post("/login", data={"username": "officer1", "password": PASSWORD,
                                  "login_csrf": token}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/"
    cookie = r.headers["set-cookie"].lower()
    assert "docfraud_session=" in cookie and "httponly" in cookie and "samesite=strict" in cookie
    assert anon.get("/").status_code == 200


def test_sign_in_form_needs_its_csrf_token(anon):
    anon.get("/login")
    r = anon.post("/login", data={"username": "officer1", "password": PASSWORD,
                                  "login_csrf": "forged"})
    assert r.status_code == 403
    assert anon.get("/", follow_redirects=False).status_code == 303


def test_repeated_failed_sign_ins_are_throttled(tmp_path):
    app = create_app(Config(data_dir=tmp_path / "st", warm_up=False))
    app.state.station.store.add_user("officer9", PASSWORD)
    throttle = app.state.throttle
    now = [1000.0]
    throttle.clock = lambda: now[0]
    c = TestClient(app)
    for _ in range(5):
        r = c.post("/api/v1/session", json={"username": "officer9", "password": "guess guess"})
        assert r.status_code == 401
    # now even the right password is refused, without being checked
    r = c.post("/api/v1/session", json={"username": "officer9", "password": PASSWORD})
    assert r.status_code == 429 and "try again in 15 minutes" in r.json()["error"]["message"]
    token = _login_form(c)
    r = c.post("/login", data={"username": "officer9", "password": PASSWORD,
                               "login_csrf": token})
    assert r.status_code == 429 and "Too many failed sign-ins" in r.text
    now[0] += 901
    r = c.post("/api/v1/session", json={"username": "officer9", "password": PASSWORD})
    assert r.status_code == 200
    # many names from one address: the address is throttled too
    for i in range(20):
        c.post("/api/v1/session", json={"username": f"nobody{i}", "password": "guess guess"})
    r = c.post("/api/v1/session", json={"username": "officer9", "password": PASSWORD})
    assert r.status_code == 429


def test_secure_cookie_over_https(app):
    with TestClient(app, base_url="https://station.local") as c:
        r = c.post("/api/v1/session", json={"username": "officer1", "password": PASSWORD})
        assert "secure" in r.headers["set-cookie"].lower()


def test_disabled_account_and_changed_password_end_sessions(app, tmp_path):
    store = app.state.station.store
    store.add_user("temp1", PASSWORD)
    c, _ = signed_in(app, "temp1")
    assert c.get("/api/v1/examinations").status_code == 200
    store.set_password("temp1", "another long password")
    assert c.get("/api/v1/examinations").status_code == 401
    c = TestClient(app)
    r = c.post("/api/v1/session", json={"username": "temp1", "password": "another long password"})
    assert r.status_code == 200
    store.disable_user("temp1")
    assert c.get("/api/v1/examinations").status_code == 401
    r = c.post("/api/v1/session", json={"username": "temp1", "password": "another long password"})
    assert r.status_code == 401


def test_session_expires(app):
    store = app.state.station.store
    c, _ = signed_in(app)
    real = store.clock
    try:
        store.clock = lambda: real() + timedelta(hours=11)
        assert c.get("/api/v1/examinations").status_code == 401
    finally:
        store.clock = real


# -- CSRF --------------------------------------------------------------------------------------

def test_api_post_needs_the_csrf_header(app):
    c, csrf = signed_in(app)
    assert upload(c, sample("0001.jpg")).status_code == 403
    r = upload(c, sample("0001.jpg"), headers={"X-CSRF-Token": "x" + csrf})
    assert r.status_code == 403 and "CSRF" in r.json()["error"]["message"]
    r = c.post("/api/v1/mrz/check", json={"lines": ["x"]})
    assert r.status_code == 403


def test_form_post_needs_the_csrf_field(app):
    c, csrf = signed_in(app)
    files = {"white": ("w.jpg", sample("0001.jpg"), "image/jpeg")}
    r = c.post("/examine", files=files, data={"csrf_token": "wrong"})
    assert r.status_code == 403 and "CSRF" in r.text
    r = c.post("/logout", data={"csrf_token": "wrong"})
    assert r.status_code == 403
    assert c.get("/api/v1/examinations").status_code == 200  # still signed in


def test_cross_site_origin_is_refused(app):
    c, csrf = signed_in(app)
    r = upload(c, sample("0001.jpg"), headers={"X-CSRF-Token": csrf,
                                               "Origin": "https://evil.example"})
    assert r.status_code == 403 and "cross-site" in r.json()["error"]["message"]


# -- refused uploads ---------------------------------------------------------------------------

def _png_header(width: int, height: int) -> bytes:
    """A PNG claiming width x height pixels, with almost no data."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return (struct.pack(">I", len(body)) + kind + body
                + struct.pack(">I", zlib.crc32(kind + body)))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr)
            + chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + chunk(b"IEND", b""))


@pytest.mark.parametrize("data, status, code, words", [
    (b"GIF89a" + bytes(100), 415, "E603", "GIF"),                  # a GIF named w.jpg
    (b"%PDF-1.7\n" + bytes(100), 415, "E603", "PDF"),              # PDFs are not taken here
    (b"Name: SMITH, passport no X1234567\n", 415, "E603", "unknown content"),
    (b"", 400, "E603", "a white-light image is required"),
    (b"\xff\xd8\xff" + bytes(int(MAX_MB * 2**20)), 413, "E603", "over the limit"),
    (_png_header(30000, 30000), 413, "E302", "over the limit"),    # decompression bomb
    (sample("0001.jpg")[:3000], 422, "E301", ""),                  # truncated JPEG
])
def test_refused_uploads(officer, data, status, code, words):
    r = upload(officer, data)
    assert r.status_code == status, r.text
    err = r.json()["error"]
    assert err["code"] == code and words in err["message"]


def test_body_over_the_limit_is_refused_before_reading(officer):
    big = b"\xff\xd8\xff" + bytes(int(4.5 * 2**20))
    r = upload(officer, big, big)
    assert r.status_code == 413 and r.json()["error"]["code"] == "E603"


def test_infrared_of_another_page_is_refused(officer):
    import cv2
    import numpy as np

    other = cv2.imencode(".png", np.full((400, 900, 3), 128, np.uint8))[1].tobytes()
    r = upload(officer, sample("0001.jpg"), ir=other)
    assert r.status_code == 400 and "not of the same page" in r.json()["error"]["message"]


def test_refused_form_upload_shows_the_capture_page_again(app):
    c, csrf = signed_in(app)
    files = {"white": ("w.jpg", b"GIF89a" + bytes(50), "image/jpeg")}
    r = c.post("/examine", files=files, data={"csrf_token": csrf})
    assert r.status_code == 415
    assert "E603" in r.text and 'id="capture"' in r.text
    assert "Traceback" not in r.text


def test_refused_uploads_leave_nothing_behind(app, officer):
    store = app.state.station.store
    before = {p.name for p in (store.root / "examinations").iterdir()}
    upload(officer, b"GIF89a" + bytes(100))
    assert {p.name for p in (store.root / "examinations").iterdir()} == before


# -- examinations ------------------------------------------------------------------------------

def test_forged_sample_through_the_api(forged):
    from referencing import Registry, Resource

    reg = Registry()
    for name in ("mrz-check.schema.json", "examination.schema.json"):
        schema = json.loads((ROOT / "docs" / "schema" / name).read_text())
        reg = reg.with_resource(schema["$id"], Resource.from_contents(schema))
        reg = reg.with_resource(name, Resource.from_contents(schema))
    jsonschema.Draft202012Validator(schema, registry=reg).validate(forged["report"])
    assert forged["verdict"] == STRONG == forged["report"]["verdict"]
    assert forged["url"] == f"/results/{forged['id']}"
    assert {"white", "ir", "uv"} == set(forged["report"]["capture"]["lights"])


def test_genuine_sample_through_the_form_and_its_result_page(app):
    c, csrf = signed_in(app)
    files = {"white": ("w.jpg", sample("0001.jpg"), "image/jpeg"),
             "ir": ("i.jpg", sample("0001.ir.jpg"), "image/jpeg"),
             "uv": ("u.jpg", sample("0001.uv.jpg"), "image/jpeg")}
    r = c.post("/examine", files=files, data={"csrf_token": csrf}, follow_redirects=False)
    assert r.status_code == 303
    url = r.headers["location"]
    page = c.get(url)
    assert page.status_code == 200
    assert "No anomalies found in the checks that ran" in page.text
    assert "v-none" in page.text and "genuine" not in page.text.split("Not proof")[0]
    assert 'class="fields"' in page.text and "document number" in page.text
    img = c.get(url + "/files/annotated")
    assert img.status_code == 200 and img.content[:3] == b"\xff\xd8\xff"
    assert img.headers["cache-control"] == "no-store"
    # the uploaded originals are kept on disk for the retention period, not served
    assert c.get(url + "/files/white").status_code == 404


def test_result_page_of_the_forgery(app, forged):
    c, _ = signed_in(app)
    page = c.get(forged["url"]).text
    assert "Strong indicators of forgery" in page and "v-strong" in page
    # findings most serious first, each with what to look at
    sev = re.findall(r'class="finding sev-(\w+)"', page)
    assert sev and sev == sorted(sev, key=["error", "warning", "info"].index)
    assert page.count("Look at:") == len(sev)
    # the failed zones beside the specimen, and the coverage
    assert "Zones that failed, beside the specimen" in page
    crops = re.findall(r'src="(/results/[0-9a-f]+/files/zone/[^"]+)"', page)
    assert len(crops) >= 3 and all(c.get(u).status_code == 200 for u in crops)
    assert "Coverage" in page and "not run" in page


def test_reports_download_as_attachments(app, forged):
    c, _ = signed_in(app)
    r = c.get(forged["url"] + "/files/report.json")
    assert "attachment" in r.headers["content-disposition"]
    assert r.json()["verdict"] == STRONG
    r = c.get(forged["url"] + "/files/report.html")
    assert "attachment" in r.headers["content-disposition"] and "<html" in r.text


def test_history_search_by_document_number(app, forged):
    c, _ = signed_in(app, "officer2")
    number = forged["report"]["mrz"]["fields"]["document_number"]
    for q in (number, number[:3].lower(), " " + number[:4] + " "):
        r = c.get("/api/v1/examinations", params={"document_number": q})
        assert forged["id"] in [e["id"] for e in r.json()["examinations"]], q
    r = c.get("/api/v1/examinations", params={"document_number": "ZZZ999"})
    assert r.json()["examinations"] == []
    page = c.get("/history", params={"q": number[:4]}).text
    assert forged["id"] in page and number in page
    assert all(v in VERDICTS for v in (e["verdict"] for e in
                                       c.get("/api/v1/examinations").json()["examinations"]))


def test_search_text_is_escaped_in_the_page(app):
    c, _ = signed_in(app)
    page = c.get("/history", params={"q": '"><script>alert(1)</script>'}).text
    assert "<script>alert" not in page and "&lt;script&gt;" in page.lower()


def test_card_sides_examined_together(app):
    """A forged card (its visual zone altered on the front, the MRZ on the back): both sides
    examined together, as docfraud examine --other-side, so the front is checked against the
    back's MRZ; stored as two examinations of one document."""
    labels = {it["id"]: it for it in json.loads((SAMPLES / "labels.json").read_text())["items"]}
    assert labels["0008"]["forgery"]["type"] == "viz_alteration"
    c, csrf = signed_in(app)
    files = {"white": ("f.jpg", sample("0008-front.jpg"), "image/jpeg"),
             "other": ("b.jpg", sample("0008-back.jpg"), "image/jpeg")}
    r = c.post("/api/v1/examinations", files=files, headers={"X-CSRF-Token": csrf})
    assert r.status_code == 201, r.text
    body = r.json()
    front, back = body["sides"]
    assert (front["side"], back["side"]) == ("front", "back") and front["id"] == body["id"]
    assert body["verdict"] != NO_ANOMALIES and body["verdict"] == front["verdict"]
    assert any(f["code"].startswith("VIZ") for f in front["report"]["findings"])
    # the front has no MRZ of its own, but is found by the back's document number
    number = back["report"]["mrz"]["fields"]["document_number"]
    hits = c.get("/api/v1/examinations", params={"document_number": number}).json()
    assert {front["id"], back["id"]} <= {e["id"] for e in hits["examinations"]}
    page = c.get(body["url"]).text
    assert 'aria-label="The sides of this card"' in page and back["id"] in page
    assert "checked against the MRZ of the other side" in page
    back_page = c.get(back["url"]).text  # the banner is the document's, on either side
    assert re.search(r'class="verdict v-(\w+)"', back_page).group(1) != "none"


def test_other_side_refusals_name_the_side(officer):
    r = officer.post("/api/v1/examinations", files={
        "white": ("f.jpg", sample("0008-front.jpg"), "image/jpeg"),
        "other": ("b.jpg", b"GIF89a" + bytes(64), "image/jpeg")})
    assert r.status_code == 415 and "other side's white-light" in r.json()["error"]["message"]
    r = officer.post("/api/v1/examinations", files={
        "white": ("f.jpg", sample("0008-front.jpg"), "image/jpeg"),
        "other_ir": ("b.jpg", sample("0001.ir.jpg"), "image/jpeg")})
    assert r.status_code == 400
    assert "other side's white-light image is required" in r.json()["error"]["message"]


def test_api_mrz_check_mirrors_the_cli(officer):
    lines = ["P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
             "L898902C36UTO7408122F1204159ZE184226B<<<<<10"]
    r = officer.post("/api/v1/mrz/check", json={"lines": lines, "as_of": "2010-01-01"})
    assert r.status_code == 200 and r.json()["valid"] is True
    bad = [lines[0], lines[1][:9] + "4" + lines[1][10:]]
    assert officer.post("/api/v1/mrz/check", json={"lines": bad}).json()["valid"] is False
    r = officer.post("/api/v1/mrz/check", json={"lines": ["NOT AN MRZ"]})
    assert r.status_code == 422 and r.json()["error"]["code"] == "E201"


def test_unknown_examination_is_404(officer):
    assert officer.get("/api/v1/examinations/" + "0" * 24).status_code == 404
    assert officer.get("/api/v1/examinations/../../etc").status_code == 404


# -- security headers, pages fit the CSP, the server log ---------------------------------------

def test_security_headers_and_no_caching(app, forged):
    c, _ = signed_in(app)
    for path in ("/login", "/", forged["url"], "/history", "/api/v1/examinations"):
        h = c.get(path).headers
        assert "script-src 'self'" in h["content-security-policy"], path
        assert "frame-ancestors 'none'" in h["content-security-policy"]
        assert h["cache-control"] == "no-store" and h["x-content-type-options"] == "nosniff"
        assert h["x-frame-options"] == "DENY" and h["referrer-policy"] == "no-referrer"


def test_pages_have_no_inline_script_or_style(app, forged):
    """The CSP allows only the station's own files: an inline script would not run."""
    c, _ = signed_in(app)
    for path in ("/", forged["url"], "/history"):
        html = c.get(path).text
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), path
        assert " style=" not in html and "<style" not in html, path
        assert not re.search(r"\son[a-z]+=", html), path


def test_no_personal_data_in_the_server_log(app, caplog):
    caplog.set_level(logging.DEBUG)
    c, csrf = signed_in(app)
    r = upload(c, sample("0004.jpg"), headers={"X-CSRF-Token": csrf})
    report = r.json()["report"]
    fields = report["mrz"]["fields"]
    c.get(r.json()["url"])
    c.get("/history", params={"q": fields["document_number"]})
    c.get("/api/v1/examinations", params={"document_number": fields["document_number"]})
    # the server's loggers (the test client's own request log is not the server's)
    logged = "\n".join(rec.getMessage() for rec in caplog.records
                       if rec.name.split(".")[0] in ("docfraud", "uvicorn", "fastapi",
                                                     "starlette"))
    assert "/history" in logged  # the requests are logged ...
    for secret in (fields["document_number"], fields["surname"], fields["given_names"],
                   fields["birth_date"]):
        assert secret and secret not in logged  # ... without the holder's data


# -- retention ---------------------------------------------------------------------------------

def _old_and_young(tmp_path, first: str, second: str):
    """A station with two examinations 20 days apart: (app, store, old, young, the real clock);
    the store's clock is left 20 days on."""
    app = create_app(Config(data_dir=tmp_path / "st", warm_up=False, as_of=date(2026, 11, 28)))
    store = app.state.station.store
    store.add_user("officer1", PASSWORD)
    c, csrf = signed_in(app)
    real = store.clock
    old = upload(c, sample(first), headers={"X-CSRF-Token": csrf}).json()
    store.clock = lambda: real() + timedelta(days=20)
    c, csrf = signed_in(app)  # the first session has expired
    young = upload(c, sample(second), headers={"X-CSRF-Token": csrf}).json()
    return app, store, old, young, real


def test_retention_deletes_images_and_reports(tmp_path):
    app, store, old, young, real = _old_and_young(tmp_path, "0009.jpg", "0009.jpg")
    folder = store.root / "examinations" / old["id"]
    assert (folder / "report.json").is_file() and (folder / "white.jpg").is_file()
    store.clock = lambda: real() + timedelta(days=31)
    assert store.purge_expired() == 1
    assert not folder.exists()
    assert (store.root / "examinations" / young["id"]).is_dir()
    c2, _ = signed_in(app)
    assert c2.get(f"/api/v1/examinations/{old['id']}").status_code == 404
    assert c2.get(f"/api/v1/examinations/{young['id']}").status_code == 200
    assert [e["id"] for e in store.search()] == [young["id"]]
    purge = [e for e in store.audit_entries() if e["action"] == "purge"]
    assert purge and purge[-1]["detail"]["deleted"] == 1
    store.verify_audit()


# -- the audit log -----------------------------------------------------------------------------

def test_every_examination_and_view_is_audited(app, forged):
    store = app.state.station.store
    c, _ = signed_in(app, "officer2")
    n0 = len(store.audit_entries())
    c.get(forged["url"])
    c.get(f"/api/v1/examinations/{forged['id']}")
    c.get(forged["url"] + "/files/report.json")
    new = store.audit_entries()[n0:]
    assert [(e["user"], e["action"], e["target"]) for e in new] == \
        [("officer2", "view", forged["id"])] * 3
    exam = [e for e in store.audit_entries() if e["action"] == "examine"
            and e["target"] == forged["id"]]
    assert exam and exam[0]["user"] == "officer1" and exam[0]["detail"]["verdict"] == STRONG
    number = forged["report"]["mrz"]["fields"]["document_number"]
    c.get("/history", params={"q": number})
    search = store.audit_entries()[-1]
    assert (search["user"], search["action"]) == ("officer2", "search")
    assert search["detail"]["results"] >= 1
    assert number not in json.dumps(store.audit_entries())  # no personal data in the log


def _station_with_log(tmp_path) -> Store:
    store = Store(tmp_path / "audit")
    store.add_user("officer1", PASSWORD)
    for i in range(5):
        store.audit("officer1", "view", f"{i:024x}", {"page": "result"})
    return store


def test_audit_log_is_append_only(tmp_path):
    store = _station_with_log(tmp_path)
    con = sqlite3.connect(store.db)
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        con.execute("UPDATE audit SET user='someone' WHERE seq=2")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        con.execute("DELETE FROM audit WHERE seq=2")
    con.close()
    assert store.verify_audit()[0] == 6


@pytest.mark.parametrize("tamper, message", [
    ("UPDATE audit SET user='someone' WHERE seq=3", "entry 3 has been altered"),
    ("UPDATE audit SET detail='{\"page\":\"api\"}' WHERE seq=4", "entry 4 has been altered"),
    ("DELETE FROM audit WHERE seq=2", "entry 2 is missing"),
    ("UPDATE audit SET at='2020-01-01T00:00:00.000000Z' WHERE seq=6", "entry 6 has been altered"),
])
def test_audit_chain_detects_tampering(tmp_path, capsys, tamper, message):
    store = _station_with_log(tmp_path)
    assert main(["serve", "verify-audit", "--data-dir", str(store.root)]) == 0
    con = sqlite3.connect(store.db)
    con.executescript("DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete;")
    con.execute(tamper)
    con.commit()
    con.close()
    with pytest.raises(AuditChainError, match=message):
        store.verify_audit()
    capsys.readouterr()
    assert main(["serve", "verify-audit", "--data-dir", str(store.root)]) == 2
    err = capsys.readouterr().err
    assert "E604" in err and message in err and "Traceback" not in err


def test_audit_chain_cut_short_is_caught_with_a_recorded_head(tmp_path, capsys):
    store = _station_with_log(tmp_path)
    head = store.verify_audit()[1]
    con = sqlite3.connect(store.db)
    con.executescript("DROP TRIGGER audit_no_delete; DELETE FROM audit WHERE seq=6;")
    con.close()
    store.verify_audit()  # the shorter chain is whole in itself ...
    assert main(["serve", "verify-audit", "--data-dir", str(store.root),
                 "--expect-head", head]) == 2  # ... but the recorded head is gone
    assert "entries were removed" in capsys.readouterr().err


def test_audit_chain_holds_under_concurrent_writers(tmp_path):
    import threading

    store = _station_with_log(tmp_path)
    other = Store(store.root)  # a second process's view of the same database

    def write(s: Store, who: str) -> None:
        for i in range(40):
            s.audit(who, "view", f"{i:024x}")

    threads = [threading.Thread(target=write, args=(s, w))
               for s, w in ((store, "a"), (other, "b"), (store, "c"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert store.verify_audit()[0] == 6 + 120


# -- the command line --------------------------------------------------------------------------

def test_cli_accounts(tmp_path, monkeypatch, capsys):
    data = str(tmp_path / "cli")
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    assert main(["serve", "add-user", "alice", "--data-dir", data, "--password-stdin"]) == 0
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    assert main(["serve", "add-user", "alice", "--data-dir", data, "--password-stdin"]) == 2
    assert "E602" in capsys.readouterr().err
    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    assert main(["serve", "add-user", "bob", "--data-dir", data, "--password-stdin"]) == 2
    assert "too short" in capsys.readouterr().err
    assert main(["serve", "add-user", "Bad Name", "--data-dir", data, "--password-stdin"]) == 2
    assert main(["serve", "users", "--data-dir", data]) == 0
    assert "alice\tenabled" in capsys.readouterr().out
    store = Store(data)
    assert store.authenticate("alice", PASSWORD) is not None
    assert "scrypt$" in sqlite3.connect(store.db).execute(
        "SELECT password FROM users").fetchone()[0]  # hashed, never the password itself
    assert main(["serve", "disable-user", "alice", "--data-dir", data]) == 0
    assert store.authenticate("alice", PASSWORD) is None


def test_serve_without_the_web_extra_says_how_to_install(monkeypatch, tmp_path, capsys):
    import sys

    monkeypatch.setitem(sys.modules, "fastapi", None)
    monkeypatch.delitem(sys.modules, "docfraud.web.app", raising=False)
    assert main(["serve", "--data-dir", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "E601" in err and "docfraud[web]" in err


def test_store_refuses_an_unusable_data_dir(tmp_path):
    from docfraud.errors import StationStoreError

    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(StationStoreError):
        Store(blocker / "station")
    (tmp_path / "junk").mkdir()
    (tmp_path / "junk" / "station.sqlite3").write_bytes(b"not a database" * 100)
    with pytest.raises(StationStoreError):
        Store(tmp_path / "junk")


# -- the engines are shared by the station's worker threads ------------------------------------

def test_glyph_model_is_safe_to_share_between_threads():
    """Two examinations at once share one MRZ glyph network (cv2.dnn): run unguarded, its
    forward passes collided under load (OpenCV assertion 'buf.shape() == m.shape()')."""
    import threading

    import numpy as np

    from docfraud.imaging.ocr import load_glyph_model

    model = load_glyph_model()
    rng = np.random.default_rng(7)
    batches = [rng.random((n, model.cell, model.cell), dtype=np.float32) for n in (3, 17, 44, 88)]
    want = [model.predict_proba(b) for b in batches]
    failures: list[str] = []

    def work(k: int) -> None:
        for i in range(30):
            j = (i + k) % len(batches)
            try:
                got = model.predict_proba(batches[j])
            except Exception as exc:  # noqa: BLE001 - collected and reported below
                failures.append(repr(exc))
                return
            if got.shape != want[j].shape or not np.allclose(got, want[j], atol=1e-5):
                failures.append(f"batch {j} differs")
                return

    threads = [threading.Thread(target=work, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not failures, failures


def test_station_results_go_into_the_batch_store_and_leave_with_retention(tmp_path):
    """The station records its examinations in the same results store as `docfraud batch`
    (DATA_DIR/results): batch's export reads them; retention deletes them there too."""
    import csv

    from docfraud.batch.store import Store as Results
    from docfraud.cli import main as cli

    app, store, old, young, real = _old_and_young(tmp_path, "0009.jpg", "0001.jpg")
    folder = store.root / "results"
    with Results(folder, create=False) as results:
        rows = {r["source"]: r for r in results.rows()}
    assert set(rows) == {f"station:{old['id']}", f"station:{young['id']}"}
    assert rows[f"station:{young['id']}"]["verdict"] == young["report"]["verdict"]
    out = tmp_path / "captures.csv"
    assert cli(["batch", "export", str(folder), "--format", "csv", "-o", str(out)]) == 0
    exported = list(csv.DictReader(out.open()))
    assert len(exported) == 2
    store.clock = lambda: real() + timedelta(days=31)
    assert store.purge_expired() == 1
    with Results(folder, create=False) as results:
        assert [r["source"] for r in results.rows()] == [f"station:{young['id']}"]


def test_a_scanner_station_checks_print_sharpness(tmp_path):
    """A station configured with --device scanner examines its captures as a scanner's:
    print.sharpness runs (and the device is part of the stored capture's key)."""
    app = create_app(Config(data_dir=tmp_path / "st", warm_up=False, as_of=date(2026, 11, 28),
                            device="scanner"))
    store = app.state.station.store
    store.add_user("officer1", PASSWORD)
    c, csrf = signed_in(app)
    r = upload(c, sample("0009.jpg"), headers={"X-CSRF-Token": csrf}).json()
    report = c.get(f"/api/v1/examinations/{r['id']}").json()
    cov = report["report"]["coverage"] if "report" in report else report["coverage"]
    ran = [x for part in ("passed", "failed") for x in cov[part]
           if x["check"] == "print.sharpness"]
    assert ran, "print.sharpness ran on the scanner station's capture"
