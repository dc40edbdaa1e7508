"""A passing, a failing and a not-run case for the checks no other test names: the advisory
ones (background.colour, portrait.edge, mrz.baseline_mm, ir.dropout), microprint.detail and
uv.paper. Each works on the genuine reader sample flattened into its specimen's frame (the
capture as the examination warped it), so a zone's place in the image is its place in the
specimen, and changes one zone the way the flaw the check looks for would."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from docfraud.examine.capture import Capture, load_capture
from docfraud.examine.engine import examine
from docfraud.examine.model import NO_ANOMALIES
from docfraud.specimens import Library

SAMPLE = Path(__file__).resolve().parents[2] / "samples" / "captures" / "0001.jpg"
LIB = Library()
SPEC = LIB.get("UTO/P-2024")


@pytest.fixture(scope="module")
def flat() -> dict[str, np.ndarray]:
    ex = examine(load_capture(SAMPLE), LIB)
    assert ex.specimen == "UTO/P-2024" and ex.verdict == NO_ANOMALIES, ex.reasons
    return {k: v.copy() for k, v in ex.images.items()}


def _zone(zone_id: str):
    return next(z for z in SPEC.zones_of() if z.id == zone_id)


def _box(zone_id: str, pad_mm: float = 0.0) -> tuple[int, int, int, int]:
    pts = np.array(_zone(zone_id).polygon_mm) * SPEC.px_per_mm
    pad = pad_mm * SPEC.px_per_mm
    x0, y0 = (pts.min(axis=0) - pad).astype(int)
    x1, y1 = (pts.max(axis=0) + pad).astype(int)
    return max(x0, 0), max(y0, 0), x1, y1


def _examine(images: dict[str, np.ndarray]):
    return examine(Capture(images, name="flat", device="scanner"), LIB)


def _status(ex, check: str, zone: str):
    res = next(c for c in ex.checks if c.check == check and c.zone == zone)
    return res.status, res


def _fails(images: dict[str, np.ndarray], check: str, zone: str, code: str):
    status, res = _status(_examine(images), check, zone)
    assert status == "failed", (res.score, res.threshold)
    assert res.finding.code == code
    return res


def _not_run(images: dict[str, np.ndarray], check: str, zone: str, why: str) -> None:
    status, res = _status(_examine(images), check, zone)
    assert status == "not_run" and why in res.reason, (status, res.reason)


def _glare(images: dict[str, np.ndarray], zone_id: str) -> dict[str, np.ndarray]:
    """A lamp's reflection over the middle of a zone: the white image saturated there."""
    out = {k: v.copy() for k, v in images.items()}
    x0, y0, x1, y1 = _box(zone_id)
    w, h = x1 - x0, y1 - y0
    cv2.ellipse(out["white"], ((x0 + x1) // 2, (y0 + y1) // 2), (max(w // 6, 8), max(h // 3, 8)),
                0, 0, 360, (255, 255, 255), -1)
    return out


def test_genuine_flat_capture_passes_every_check_named_here(flat):
    ex = _examine(flat)
    assert ex.verdict == NO_ANOMALIES, ex.reasons
    for check, zone in (("background.colour", "background"), ("portrait.edge", "portrait"),
                        ("mrz.baseline_mm", "mrz"), ("ir.dropout", "header_ir"),
                        ("microprint.detail", "microprint_mrz"), ("uv.paper", "page")):
        status, res = _status(ex, check, zone)
        assert status == "passed", (check, zone, res.score, res.threshold)


def test_background_colour_a_tinted_background_fails_glare_leaves_it_not_run(flat):
    """background.colour (advisory): the background printed in other inks (a reprint's process
    colours) differs from the specimen after balancing on the paper white."""
    tinted = {k: v.copy() for k, v in flat.items()}
    x0, y0, x1, y1 = _box("background")
    zone = tinted["white"][y0:y1, x0:x1].astype(np.float32)
    ink = (zone.min(axis=2) < 215)[..., None]  # the printed lines, not the paper
    zone = np.where(ink, zone[..., [2, 0, 1]], zone)  # each ink's hue turned a third round
    tinted["white"][y0:y1, x0:x1] = zone.clip(0, 255).astype(np.uint8)
    ex = _examine(tinted)
    assert ex.verdict == NO_ANOMALIES  # advisory: not counted in the verdict
    status, res = _status(ex, "background.colour", "background")
    assert status == "failed", (res.score, res.threshold)
    assert res.finding.code == "BKG003" and res.finding.severity == "info"  # advisory
    _not_run(_glare(flat, "background_header"), "background.colour", "background_header",
             "glare")


def test_microprint_detail_a_softened_line_fails_glare_leaves_it_not_run(flat):
    """microprint.detail: microprint re-printed from a copy loses its fine detail."""
    soft = {k: v.copy() for k, v in flat.items()}
    x0, y0, x1, y1 = _box("microprint_mrz", 0.5)
    line = soft["white"][y0:y1, x0:x1]
    copy = cv2.resize(line, None, fx=0.25, fy=0.25, interpolation=cv2.INTER_AREA)  # 75 dpi
    soft["white"][y0:y1, x0:x1] = cv2.resize(copy, (x1 - x0, y1 - y0),
                                             interpolation=cv2.INTER_CUBIC)
    _fails(soft, "microprint.detail", "microprint_mrz", "MIC001")
    _not_run(_glare(flat, "microprint_mrz"), "microprint.detail", "microprint_mrz", "glare")


def test_portrait_edge_a_cut_outline_fails_glare_leaves_it_not_run(flat):
    """portrait.edge (advisory): a photo cut and laid in leaves a hard edge along its
    outline that the printed portrait does not have."""
    cut = {k: v.copy() for k, v in flat.items()}
    x0, y0, x1, y1 = _box("portrait")
    cv2.rectangle(cut["white"], (x0 + 2, y0 + 2), (x1 - 3, y1 - 3), (20, 20, 20), 2)
    res = _fails(cut, "portrait.edge", "portrait", "POR001")
    assert res.finding.severity == "info"  # advisory
    _not_run(_glare(flat, "portrait"), "portrait.edge", "portrait", "glare")


def test_mrz_baseline_characters_off_their_line_fail_a_blurred_capture_leaves_it_not_run(flat):
    """mrz.baseline_mm (advisory): characters re-printed one by one wander off the line's
    baseline; a blurred capture's characters are not measured one by one."""
    moved = {k: v.copy() for k, v in flat.items()}
    x0, y0, x1, y1 = _box("mrz")
    a, b = x0 + (x1 - x0) // 3, x0 + 2 * (x1 - x0) // 3
    third = moved["white"][y0:y1, a:b].copy()
    shifted = np.empty_like(third)
    shifted[:] = np.median(third.reshape(-1, 3), axis=0).astype(np.uint8)  # paper
    d = int(round(0.5 * SPEC.px_per_mm))
    shifted[d:] = third[:-d]  # the lines' middle third 0.5 mm lower
    moved["white"][y0:y1, a:b] = shifted
    _fails(moved, "mrz.baseline_mm", "mrz", "TYP003")
    blurred = {"white": cv2.GaussianBlur(flat["white"], (0, 0), 2.5)}
    ex = examine(Capture(blurred, name="blurred", device="camera"), LIB)
    status, res = _status(ex, "mrz.baseline_mm", "mrz")
    assert status == "not_run", res.score


def test_ir_dropout_ink_dark_in_infrared_fails_no_infrared_image_leaves_it_not_run(flat):
    """ir.dropout (advisory): where the specimen's inks vanish under IR, a process-ink print
    stays dark; without an IR image the check does not run."""
    dark = {k: v.copy() for k, v in flat.items()}
    x0, y0, x1, y1 = _box("header_ir")
    dark["ir"][y0:y1, x0:x1] = (dark["ir"][y0:y1, x0:x1] * 0.4).astype(np.uint8)
    _fails(dark, "ir.dropout", "header_ir", "IR002")
    _not_run({"white": flat["white"], "uv": flat["uv"]}, "ir.dropout", "header_ir",
             "no infrared image")


def test_uv_paper_bright_paper_fails_no_ultraviolet_image_leaves_it_not_run(flat):
    """uv.paper: security paper stays dull under UV; ordinary paper with optical brighteners
    glows. Without a UV image the check does not run."""
    bright = {k: v.copy() for k, v in flat.items()}
    bright["uv"] = cv2.add(bright["uv"], np.full_like(bright["uv"], 70))
    _fails(bright, "uv.paper", "page", "UV001")
    _not_run({"white": flat["white"], "ir": flat["ir"]}, "uv.paper", "page", "ultraviolet")
