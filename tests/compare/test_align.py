"""Alignment of captures to a reference: accurate on good captures, refuses unrelated images."""

from __future__ import annotations

import random

import cv2
import numpy as np
import pytest

from docfraud.compare.align import align, warp_to_reference
from docfraud.synth.capture import capture


def reference() -> np.ndarray:
    rng = np.random.default_rng(5)
    h, w = 520, 740
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    img = np.full((h, w, 3), (228, 236, 240), np.float32)
    for k in range(6):  # guilloche-like fine line families
        f, a = 0.05 + 0.02 * k, 6 + 4 * k
        mask = np.sin((yy + a * np.sin(xx * f * 0.7 + k)) * (0.15 + 0.03 * k)) > 0.9
        img[mask] = img[mask] * 0.5 + np.array(rng.integers(90, 200, 3)) * 0.5
    img = img.astype(np.uint8)
    cv2.rectangle(img, (30, 60), (200, 300), (100, 110, 150), -1)
    for i in range(5):
        cv2.putText(img, f"FIELD {i} VALUE", (240, 90 + 45 * i), cv2.FONT_HERSHEY_SIMPLEX, 0.8,
                    (30, 30, 40), 2)
    return img


@pytest.mark.parametrize("kind, seed", [("scan", 1), ("reader", 2), ("phone", 3), ("phone", 8)])
def test_align_recovers_the_page(kind, seed):
    ref = reference()
    page = ref.copy()
    cv2.rectangle(page, (240, 60), (600, 300), (228, 236, 240), -1)  # other personal data
    cv2.putText(page, "ANOTHER HOLDER", (250, 150), cv2.FONT_HERSHEY_SIMPLEX, 0.9, (20, 20, 20), 2)
    cap = capture(kind, {"white": page}, 150, random.Random(seed))
    a = align(cap.images["white"], ref, dpi=150)
    assert a.ok, a.reason
    h, w = ref.shape[:2]
    mapped = cv2.perspectiveTransform(cap.corners.reshape(-1, 1, 2), a.homography).reshape(-1, 2)
    err = np.abs(mapped - np.array([[0, 0], [w, 0], [w, h], [0, h]])).max()
    assert err < 6, err
    warped = warp_to_reference(cap.images["white"], a, (w, h))
    assert warped.shape == ref.shape


def test_align_refuses_unrelated_images():
    ref = reference()
    noise = (np.random.default_rng(0).random((600, 800, 3)) * 255).astype(np.uint8)
    a = align(noise, ref, dpi=150)
    assert not a.ok and a.reason


def test_page_outline_fallback():
    ref = reference()
    blank = np.full((600, 800, 3), 200, np.uint8)  # nothing to match
    quad = np.array([[100, 100], [700, 110], [690, 520], [110, 500]], np.float32)
    a = align(blank, ref, dpi=150, page_quad=quad)
    assert a.method == "page outline" and "page outline" in a.reason


def test_mrz_anchor_aligns_where_features_are_not_used():
    """The MRZ's corners give a first homography; ECC over the page refines it to agree with
    the feature alignment, and an anchor on the wrong specimen is refused."""
    from pathlib import Path

    from docfraud.compare.align import _mrz_anchored
    from docfraud.examine.capture import load_capture
    from docfraud.examine.engine import _mrz_anchor, _reference
    from docfraud.imaging.mrz import read_mrz
    from docfraud.specimens import Library

    root = Path(__file__).resolve().parents[2]
    cap = load_capture(root / "samples" / "captures" / "0007-back.jpg")
    lib = Library()
    spec = next(s for s in lib.specimens() if s.id == "ZZA/ID-2023")
    ref = _reference(spec, "back")["white"]
    reading = read_mrz(cap.white)
    gray = cv2.cvtColor(cap.white, cv2.COLOR_BGR2GRAY)
    anchored = _mrz_anchored(gray, cv2.cvtColor(ref, cv2.COLOR_BGR2GRAY),
                             _mrz_anchor(spec, "back", reading), spec.dpi)
    features = align(cap.white, ref, dpi=spec.dpi)
    assert anchored is not None and anchored.ok and features.ok
    h, w = ref.shape[:2]
    corners = np.float32([[[0, 0]], [[w, 0]], [[w, h]], [[0, h]]])
    a = cv2.perspectiveTransform(corners, np.linalg.inv(anchored.homography))
    b = cv2.perspectiveTransform(corners, np.linalg.inv(features.homography))
    px_per_mm = spec.dpi / 25.4
    assert np.abs(a - b).max() / px_per_mm < 0.5  # within half a millimetre at every corner
    # the same MRZ anchor against another specimen's page does not correlate: refused
    visa = next(s for s in lib.specimens() if s.id == "UTO/V-2024")
    vref = _reference(visa, visa.mrz_side or visa.sides[0].name)["white"]
    assert _mrz_anchored(gray, cv2.cvtColor(vref, cv2.COLOR_BGR2GRAY),
                         _mrz_anchor(spec, "back", reading), visa.dpi) is None


def test_page_edge_blur_is_the_capture_blur_not_the_print():
    """The page's cut edge shows the capture's blur only: a page whose print is soft (a
    reprint) but whose edge is sharp measures the capture's sigma, and a page with no
    contrast against what is around it measures nothing."""
    from docfraud.compare.measures import page_edge_blur

    rng = np.random.default_rng(3)
    page = np.full((260, 360), 236, np.uint8)
    for y in range(40, 220, 9):  # printed lines near every edge
        page[y:y + 2, 42:318] = 90
    page[40:220, 44:48] = 120
    soft = cv2.GaussianBlur(page, (0, 0), 2.5)  # the print softened, the page edge is not
    for capture_sigma in (1.0, 2.0):
        canvas = np.full_like(page, 70)
        canvas[40:220, 40:320] = soft[40:220, 40:320]
        canvas = cv2.GaussianBlur(canvas, (0, 0), capture_sigma)
        canvas = np.clip(canvas + rng.normal(0, 2, canvas.shape), 0, 255).astype(np.uint8)
        ref = np.zeros_like(page)
        ref[40:220, 40:320] = page[40:220, 40:320]
        s, sides = page_edge_blur(canvas, ref, np.full_like(page, 255), 40)
        assert s is not None and abs(s - capture_sigma) < 0.35, (capture_sigma, sides)
    flat = np.full_like(page, 236)
    assert page_edge_blur(flat, ref, np.full_like(page, 255), 40)[0] is None
    uncovered = np.zeros_like(page)  # the capture covers none of the edges
    assert page_edge_blur(canvas, ref, uncovered, 40)[0] is None
