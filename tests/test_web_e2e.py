"""End to end: a real headless Chromium, driven by Playwright, against a real server.

An officer signs in, examines a genuine and a forged sample capture, reads the verdicts, goes to the
next document with Enter and finds an examination in the history. Screenshots at 1280x800 and at
a tablet's size go to ``out/web-screenshots/`` (``$DOCFRAUD_SCREENSHOTS`` to change).

Uses the system's Chromium (Debian: ``apt-get install chromium``) and never downloads a browser;
skipped, saying why, where Chromium or the ``playwright`` package is absent.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import threading
import time
from datetime import date
from pathlib import Path

import pytest

pytest.importorskip("fastapi", reason="the web extra is not installed (pip install -e '.[dev]')")
uvicorn = pytest.importorskip("uvicorn")
playwright_api = pytest.importorskip(
    "playwright.sync_api", reason="the playwright package is not installed (it is in the dev "
                                  "extra: ./dev test installs it)")

from docfraud.examine.model import NO_ANOMALIES, REFER, STRONG, VERDICTS  # noqa: E402
from docfraud.web import create_app  # noqa: E402
from docfraud.web.station import Config  # noqa: E402

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples" / "captures"
CHROMIUM = os.environ.get("DOCFRAUD_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
SHOTS = Path(os.environ.get("DOCFRAUD_SCREENSHOTS", ROOT / "out" / "web-screenshots"))
PASSWORD = "correct horse battery"


def _genuine_and_forged() -> tuple[str, str]:
    """A genuine and a forged passport page from labels.json, both with IR and UV images."""
    items = json.loads((SAMPLES / "labels.json").read_text())["items"]
    full = [it for it in items if set(it["files"]) == {"page"}
            and set(it["files"]["page"]) == {"white", "ir", "uv"}
            and it["specimen"] == "UTO/P-2024"]
    genuine = next(it for it in full if it["genuine"])
    forged = next(it for it in full if not it["genuine"]
                  and it["forgery"]["type"] == "portrait_substitution")
    return genuine["id"], forged["id"]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    if not (Path(CHROMIUM).is_file() and os.access(CHROMIUM, os.X_OK)):
        pytest.skip(f"no Chromium at {CHROMIUM} (Debian: apt-get install chromium; or set "
                    "DOCFRAUD_CHROMIUM): the browser tests cannot run")
    data = tmp_path_factory.mktemp("station")
    app = create_app(Config(data_dir=data, as_of=date(2026, 11, 28)))
    app.state.station.store.add_user("officer1", PASSWORD)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    srv = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False))
    thread = threading.Thread(target=srv.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not srv.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("the server did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", app
    srv.should_exit = True
    thread.join(10)
    sock.close()


@pytest.fixture(scope="module")
def playwright(server):
    pw = playwright_api.sync_playwright().start()
    yield pw
    pw.stop()


def launch(pw, *extra: str):
    try:
        return pw.chromium.launch(executable_path=CHROMIUM, args=ARGS + list(extra),
                                  headless=True)
    except Exception as exc:  # noqa: BLE001 - say why and skip, as for a missing browser
        pytest.skip(f"Chromium at {CHROMIUM} could not be started by Playwright: "
                    f"{str(exc).splitlines()[0]}")


@pytest.fixture(scope="module")
def browser(playwright):
    b = launch(playwright)
    yield b
    b.close()


def _until(page, expression: str, timeout: float = 20.0) -> None:
    """Wait until a JavaScript expression is true. (Playwright's wait_for_function evaluates a
    string, which the pages' CSP forbids, rightly.)"""
    deadline = time.monotonic() + timeout
    while not page.evaluate(expression):
        if time.monotonic() > deadline:
            pytest.fail(f"still false after {timeout} s: {expression}")
        time.sleep(0.05)


def _sign_in(page, base: str, shot: str | None = None) -> None:
    page.goto(base + "/")
    assert page.url.endswith("/login")
    if shot:
        page.screenshot(path=str(SHOTS / shot))
    page.fill("#username", "officer1")
    page.fill("#password", PASSWORD)
    page.press("#password", "Enter")
    page.wait_for_url(base + "/")


def _examine(page, base: str, sample: str, shot: str | None = None) -> str:
    page.set_input_files("#white", str(SAMPLES / f"{sample}.jpg"))
    page.set_input_files("#ir", str(SAMPLES / f"{sample}.ir.jpg"))
    page.set_input_files("#uv", str(SAMPLES / f"{sample}.uv.jpg"))
    assert page.is_enabled("#examine")
    if shot:
        _until(page, "document.getElementById('preview').complete")
        page.screenshot(path=str(SHOTS / shot))
    page.keyboard.press("Enter")
    page.wait_for_url(base + "/results/*", timeout=60_000)
    page.wait_for_load_state("networkidle")
    return page.inner_text("#verdict-text").strip().lower()


def test_officer_examines_a_genuine_and_a_forged_sample(server, browser):
    base, app = server
    genuine, forged = _genuine_and_forged()
    SHOTS.mkdir(parents=True, exist_ok=True)
    ctx = browser.new_context(viewport={"width": 1280, "height": 800})
    page = ctx.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)

    _sign_in(page, base, "login-1280x800.png")
    page.screenshot(path=str(SHOTS / "capture-1280x800.png"))

    assert _examine(page, base, genuine, "capture-ready-1280x800.png") == NO_ANOMALIES
    page.screenshot(path=str(SHOTS / "result-genuine-1280x800.png"))
    page.screenshot(path=str(SHOTS / "result-genuine-full.png"), full_page=True)
    assert page.locator("table.fields").count() == 1
    assert page.locator(".v-none").count() == 1

    page.keyboard.press("Enter")  # next document
    page.wait_for_url(base + "/")
    assert _examine(page, base, forged) == STRONG
    page.screenshot(path=str(SHOTS / "result-forged-1280x800.png"))
    page.screenshot(path=str(SHOTS / "result-forged-full.png"), full_page=True)
    assert page.locator(".v-strong").count() == 1
    first = page.locator("ol.findings li").first
    assert "error" in first.get_attribute("class")
    assert "Look at" in first.inner_text()
    # the failed zones beside the specimen, each picture actually loaded
    assert page.locator(".zone").count() >= 1
    assert page.evaluate("Array.from(document.images).every(i => i.complete && "
                         "i.naturalWidth > 0)")
    forged_url = page.url

    # the same result on a tablet, portrait
    tablet = browser.new_context(viewport={"width": 820, "height": 1180},
                                 device_scale_factor=1, has_touch=True,
                                 storage_state=ctx.storage_state())
    tpage = tablet.new_page()
    tpage.goto(forged_url)
    tpage.wait_for_load_state("networkidle")
    assert tpage.inner_text("#verdict-text").strip().lower() == STRONG
    assert tpage.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    box = tpage.locator("#next").bounding_box()
    assert box["height"] >= 44 and box["width"] >= 44  # a finger's touch target
    tpage.screenshot(path=str(SHOTS / "result-forged-tablet-820x1180.png"))
    tpage.goto(base + "/")
    tpage.screenshot(path=str(SHOTS / "capture-tablet-820x1180.png"))
    tablet.close()

    # history: searchable by document number
    report = app.state.station.store.search(limit=1)[0]
    number = report["document_number"]
    page.goto(base + "/history")
    page.fill("#q", number[:4])
    page.press("#q", "Enter")
    page.wait_for_url(base + "/history?q=*")
    assert page.locator("table.history tbody tr").count() >= 1
    assert number in page.inner_text("table.history")
    page.screenshot(path=str(SHOTS / "history-1280x800.png"))
    ctx.close()
    assert not errors, errors

    # every examination and every view is in the audit log, and the chain holds
    n, _ = app.state.station.store.verify_audit()
    actions = [e["action"] for e in app.state.station.store.audit_entries()]
    assert actions.count("examine") == 2 and actions.count("view") >= 3 and n == len(actions)


def test_refused_upload_is_explained_on_the_page(server, browser, tmp_path):
    base, _ = server
    ctx = browser.new_context(viewport={"width": 1280, "height": 800})
    page = ctx.new_page()
    _sign_in(page, base)
    fake = tmp_path / "passport.jpg"
    fake.write_bytes(b"GIF89a" + bytes(200))  # a GIF wearing a .jpg name
    page.set_input_files("#white", str(fake))
    page.click("#examine")
    page.wait_for_selector("#error:not([hidden])")
    text = page.inner_text("#error")
    assert "E603" in text and "GIF" in text
    assert page.url == base + "/"
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "capture-refused-1280x800.png"))
    ctx.close()
    shutil.rmtree(tmp_path, ignore_errors=True)


def test_large_image_is_reduced_in_the_browser_before_upload(server, browser, tmp_path):
    import cv2

    base, app = server
    img = cv2.imread(str(SAMPLES / "0009.jpg"))
    big = cv2.resize(img, None, fx=2.6, fy=2.6, interpolation=cv2.INTER_CUBIC)
    assert max(big.shape[:2]) > 3200
    path = tmp_path / "big.png"  # PNG: the browser's JPEG is then surely its own
    cv2.imwrite(str(path), big)
    ctx = browser.new_context(viewport={"width": 1280, "height": 800})
    page = ctx.new_page()
    _sign_in(page, base)
    page.set_input_files("#white", str(path))
    page.keyboard.press("Enter")
    page.wait_for_url(base + "/results/*", timeout=60_000)
    assert page.inner_text("#verdict-text").strip().lower() in VERDICTS
    exam_id = page.url.rsplit("/", 1)[1]
    stored = app.state.station.store.examination(exam_id)["files"]["white"]
    assert stored.suffix == ".jpg"  # re-encoded on the device
    h, w = cv2.imread(str(stored)).shape[:2]
    assert max(h, w) == 3200 and abs(w / h - big.shape[1] / big.shape[0]) < 0.01
    ctx.close()


def test_camera_picture_is_examined(server, playwright):
    """The camera path, with Chromium's synthetic camera (a moving test pattern): the picture
    is taken, sent and examined. A test pattern has no document in it, so the station must say
    it could not compare it, and refer it."""
    base, _ = server
    b = launch(playwright, "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream")
    try:
        ctx = b.new_context(viewport={"width": 1280, "height": 800}, permissions=["camera"])
        page = ctx.new_page()
        _sign_in(page, base)
        page.click("#camera-open")
        _until(page, "document.getElementById('video').videoWidth > 0")
        page.screenshot(path=str(SHOTS / "capture-camera-1280x800.png"))
        page.click("#camera-shoot")
        page.wait_for_selector("#drop.ready")
        assert "camera.jpg" in page.inner_text("#drop-text")
        page.click("#examine")
        page.wait_for_url(base + "/results/*", timeout=60_000)
        assert page.inner_text("#verdict-text").strip().lower() == REFER
        assert "No MRZ was read" in page.inner_text("main")
        page.screenshot(path=str(SHOTS / "result-camera-1280x800.png"))
        ctx.close()
    finally:
        b.close()


def test_card_with_its_other_side(server, browser):
    base, _ = server
    ctx = browser.new_context(viewport={"width": 1280, "height": 800})
    page = ctx.new_page()
    _sign_in(page, base)
    page.set_input_files("#white", str(SAMPLES / "0008-front.jpg"))
    page.set_input_files("#other", str(SAMPLES / "0008-back.jpg"))
    page.screenshot(path=str(SHOTS / "capture-card-1280x800.png"))
    page.keyboard.press("Enter")
    page.wait_for_url(base + "/results/*", timeout=60_000)
    assert page.inner_text("#verdict-text").strip().lower() != NO_ANOMALIES
    chips = page.locator("nav.sides a")
    assert chips.count() == 2
    page.screenshot(path=str(SHOTS / "result-card-1280x800.png"))
    chips.nth(1).click()  # the back
    page.wait_for_load_state("networkidle")
    assert page.locator("nav.sides a[aria-current=page]").inner_text().startswith("Back")
    page.screenshot(path=str(SHOTS / "result-card-back-1280x800.png"))
    ctx.close()
