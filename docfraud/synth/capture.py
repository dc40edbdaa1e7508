"""Simulated captures of a document page: flatbed scan, full-page reader, phone photo.

Each takes the page as rendered (a BGR image per light, at ``dpi``) and returns a
:class:`Capture`: the captured images, where the page's corners landed, and every parameter drawn,
for the label file. Deterministic for a ``random.Random``.

* **scan**: white light only, 300 to 600 dpi, a small skew, the scanner lid around the page, mild
  blur and noise.
* **reader**: white, IR and UV aligned (one geometry), about 400 dpi, the reader's dark glass
  around the page, sensor noise, slight vignetting.
* **phone**: white light only, perspective, any rotation, uneven light, glare, defocus or motion
  blur, noise, JPEG, a cluttered table around the page, 130 to 250 dpi.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from typing import Any

import cv2
import numpy as np

KINDS = ("scan", "reader", "phone")


@dataclass
class Capture:
    kind: str
    images: dict[str, np.ndarray]
    corners: np.ndarray  # the page's TL, TR, BR, BL in the captured image
    dpi: float  # resolution of the page in the capture (approximate for phone photos)
    params: dict[str, Any] = field(default_factory=dict)

    def label(self) -> dict[str, Any]:
        return {"kind": self.kind, "dpi": round(self.dpi, 1),
                "corners": [[round(float(x), 1), round(float(y), 1)] for x, y in self.corners],
                **self.params}


def _np_rng(rng: random.Random) -> np.random.Generator:
    return np.random.default_rng(rng.randrange(2**32))


def _place(page: np.ndarray, corners: np.ndarray, size: tuple[int, int],
           background: np.ndarray, flags: int = cv2.INTER_AREA) -> np.ndarray:
    """Warp ``page`` so that its corners land on ``corners`` over ``background`` (w, h)."""
    h, w = page.shape[:2]
    src = np.array([[0, 0], [w, 0], [w, h], [0, h]], np.float32)
    hom = cv2.getPerspectiveTransform(src, corners.astype(np.float32))
    # downscale first where the page shrinks a lot, for proper anti-aliasing
    warped = cv2.warpPerspective(page, hom, size, flags=cv2.INTER_LINEAR,
                                 borderMode=cv2.BORDER_CONSTANT)
    mask = cv2.warpPerspective(np.full((h, w), 255, np.uint8), hom, size, flags=cv2.INTER_LINEAR)
    alpha = (mask.astype(np.float32) / 255.0)[..., None]
    out = warped.astype(np.float32) * alpha + background.astype(np.float32) * (1 - alpha)
    return np.clip(out, 0, 255).astype(np.uint8)


def _resample(page: np.ndarray, factor: float) -> np.ndarray:
    if abs(factor - 1.0) < 1e-3:
        return page
    interp = cv2.INTER_AREA if factor < 1 else cv2.INTER_CUBIC
    h, w = page.shape[:2]
    return cv2.resize(page, (max(1, round(w * factor)), max(1, round(h * factor))),
                      interpolation=interp)


def _noise(img: np.ndarray, nrng: np.random.Generator, sigma: float) -> np.ndarray:
    if sigma <= 0:
        return img
    n = nrng.normal(0, sigma, img.shape).astype(np.float32)
    return np.clip(img.astype(np.float32) + n, 0, 255).astype(np.uint8)


def _jpeg(img: np.ndarray, quality: int) -> np.ndarray:
    ok, buf = cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, int(quality)])
    return cv2.imdecode(buf, cv2.IMREAD_COLOR) if ok else img


def _rotated_rect(w: float, h: float, cx: float, cy: float, angle_deg: float) -> np.ndarray:
    a = math.radians(angle_deg)
    ca, sa = math.cos(a), math.sin(a)
    pts = np.array([[-w / 2, -h / 2], [w / 2, -h / 2], [w / 2, h / 2], [-w / 2, h / 2]])
    rot = np.array([[ca, -sa], [sa, ca]])
    return (pts @ rot.T + [cx, cy]).astype(np.float32)


def scan(pages: dict[str, np.ndarray], dpi: float, rng: random.Random,
         out_dpi: float | None = None) -> Capture:
    """A flatbed scan of the white-light page (at ``out_dpi``, else 300 to 600 dpi)."""
    nrng = _np_rng(rng)
    drawn = rng.choice([300, 300, 400, 600])
    out_dpi = out_dpi or drawn
    skew = rng.uniform(-2.0, 2.0)
    page = _resample(pages["white"], out_dpi / dpi)
    h, w = page.shape[:2]
    margin = round(0.6 * out_dpi)  # the scan area is larger than the page
    W, H = w + 2 * margin, h + 2 * margin
    cx, cy = W / 2 + rng.uniform(-0.3, 0.3) * margin, H / 2 + rng.uniform(-0.3, 0.3) * margin
    corners = _rotated_rect(w, h, cx, cy, skew)
    lid = np.full((H, W, 3), rng.randint(225, 248), np.uint8)
    img = _place(page, corners, (W, H), lid)
    blur = rng.uniform(0.3, 0.8)
    img = cv2.GaussianBlur(img, (0, 0), blur)
    img = _noise(img, nrng, rng.uniform(1.0, 3.0))
    quality = rng.choice([None, 92, 95])
    if quality:
        img = _jpeg(img, quality)
    return Capture("scan", {"white": img}, corners, out_dpi,
                   {"skew_deg": round(skew, 2), "blur_sigma": round(blur, 2),
                    "jpeg_quality": quality})


def reader(pages: dict[str, np.ndarray], dpi: float, rng: random.Random,
           out_dpi: float = 400.0) -> Capture:
    """A full-page reader: every light the page has, aligned, at ``out_dpi``."""
    nrng = _np_rng(rng)
    shift = (rng.uniform(-1.5, 1.5), rng.uniform(-1.5, 1.5))  # mm
    skew = rng.uniform(-0.8, 0.8)
    images = {}
    corners = None
    for light, src in pages.items():
        page = _resample(src, out_dpi / dpi)
        h, w = page.shape[:2]
        margin = round(0.25 * out_dpi)
        W, H = w + 2 * margin, h + 2 * margin
        k = out_dpi / 25.4
        corners = _rotated_rect(w, h, W / 2 + shift[0] * k, H / 2 + shift[1] * k, skew)
        glass = np.full((H, W, 3), 12 if light != "white" else 25, np.uint8)
        img = _place(page, corners, (W, H), glass)
        # vignetting: the reader's lamps light the centre a little more than the corners
        yy, xx = np.mgrid[0:H, 0:W].astype(np.float32)
        r2 = ((xx - W / 2) / W) ** 2 + ((yy - H / 2) / H) ** 2
        gain = 1.0 - 0.18 * r2
        img = np.clip(img.astype(np.float32) * gain[..., None], 0, 255).astype(np.uint8)
        img = cv2.GaussianBlur(img, (0, 0), 0.5)
        img = _noise(img, nrng, 2.0 if light == "white" else 3.5)
        images[light] = img
    assert corners is not None
    return Capture("reader", images, corners, out_dpi,
                   {"shift_mm": [round(s, 2) for s in shift], "skew_deg": round(skew, 2),
                    "lights": sorted(images)})


def _table(W: int, H: int, rng: random.Random, nrng: np.random.Generator) -> np.ndarray:
    """A cluttered background: wood-like grain or cloth, plus a few objects."""
    base = np.array([rng.randint(40, 140), rng.randint(50, 140), rng.randint(60, 160)],
                    np.float32)
    yy, xx = np.mgrid[0:H, 0:W].astype(np.float32)
    grain = np.sin(xx / rng.uniform(8, 30) + np.sin(yy / rng.uniform(40, 90)) * 3) * 12
    img = base + grain[..., None] + nrng.normal(0, 6, (H, W, 1)).astype(np.float32)
    img = np.clip(img, 0, 255).astype(np.uint8)
    for _ in range(rng.randint(1, 4)):  # objects: papers, a pen, a phone
        colour = tuple(int(c) for c in nrng.integers(0, 255, 3))
        cx, cy = rng.uniform(0, W), rng.uniform(0, H)
        rect = _rotated_rect(rng.uniform(0.05, 0.4) * W, rng.uniform(0.02, 0.3) * H, cx, cy,
                             rng.uniform(0, 180))
        cv2.fillConvexPoly(img, rect.astype(np.int32), colour, lineType=cv2.LINE_AA)
    return img


def phone(pages: dict[str, np.ndarray], dpi: float, rng: random.Random,
          strength: float | None = None) -> Capture:
    """A hand-held phone photo of the white-light page. ``strength`` (0..1) scales how hard
    the conditions are; by default it is drawn."""
    nrng = _np_rng(rng)
    s = rng.uniform(0.2, 1.0) if strength is None else float(strength)
    page_dpi = rng.uniform(250, 130 + 120 * (1 - s))  # effective resolution on the page
    page = _resample(pages["white"], page_dpi / dpi)
    h, w = page.shape[:2]
    angle = rng.choice([0, 0, 0, 90, 180, 270]) + rng.uniform(-12, 12) * s
    corners = _rotated_rect(w, h, 0.0, 0.0, angle)
    # perspective: move each corner by up to 12 % of the page size
    jitter = 0.12 * s * min(w, h)
    corners = corners + np.array([[rng.uniform(-jitter, jitter), rng.uniform(-jitter, jitter)]
                                  for _ in range(4)], np.float32)
    bw, bh = np.ptp(corners[:, 0]), np.ptp(corners[:, 1])
    W, H = round(bw * rng.uniform(1.2, 1.6)), round(bh * rng.uniform(1.2, 1.6))
    centre = np.array([W / 2 + rng.uniform(-0.05, 0.05) * W,
                       H / 2 + rng.uniform(-0.05, 0.05) * H], np.float32)
    corners = corners - corners.mean(axis=0) + centre
    img = _place(page, corners, (W, H), _table(W, H, rng, nrng))
    # uneven light: a linear gradient of brightness across the frame
    yy, xx = np.mgrid[0:H, 0:W].astype(np.float32)
    theta = rng.uniform(0, 2 * math.pi)
    ramp = (np.cos(theta) * (xx / W - 0.5) + np.sin(theta) * (yy / H - 0.5))
    light = 1.0 + ramp * rng.uniform(0.1, 0.6) * s
    tint = np.array([rng.uniform(0.9, 1.0), 1.0, rng.uniform(0.95, 1.1)], np.float32)
    img = img.astype(np.float32) * light[..., None] * tint
    glare = rng.random() < 0.6 * s
    if glare:  # a soft bright ellipse from a lamp
        gx, gy = rng.uniform(0.2, 0.8) * W, rng.uniform(0.2, 0.8) * H
        gr = rng.uniform(0.05, 0.18) * min(W, H)
        g = np.exp(-(((xx - gx) ** 2 + ((yy - gy) * 1.6) ** 2) / (2 * gr ** 2)))
        img = img + g[..., None] * rng.uniform(60, 160) * s
    img = np.clip(img, 0, 255).astype(np.uint8)
    if rng.random() < 0.5:
        sigma = rng.uniform(0.4, 0.4 + 1.6 * s)
        img = cv2.GaussianBlur(img, (0, 0), sigma)
        blur = {"defocus_sigma": round(sigma, 2)}
    else:
        length = max(1, round(rng.uniform(1, 1 + 7 * s)))
        k = np.zeros((length, length), np.float32)
        k[length // 2, :] = 1.0 / length
        rot = cv2.getRotationMatrix2D((length / 2 - 0.5, length / 2 - 0.5),
                                      rng.uniform(0, 180), 1.0)
        k = cv2.warpAffine(k, rot, (length, length))
        k /= max(k.sum(), 1e-6)
        img = cv2.filter2D(img, -1, k)
        blur = {"motion_px": length}
    img = _noise(img, nrng, rng.uniform(2, 2 + 6 * s))
    quality = round(rng.uniform(95 - 35 * s, 95))
    img = _jpeg(img, quality)
    return Capture("phone", {"white": img}, corners, page_dpi,
                   {"strength": round(s, 2), "rotation_deg": round(angle, 1),
                    "glare": glare, "jpeg_quality": quality, **blur})


def capture(kind: str, pages: dict[str, np.ndarray], dpi: float, rng: random.Random,
            out_dpi: float | None = None, strength: float | None = None) -> Capture:
    """A capture of ``kind`` (scan, reader or phone); ``out_dpi`` fixes a scan's or reader's
    resolution, ``strength`` (0..1) how hard a phone photo's conditions are (drawn when None)."""
    if kind == "scan":
        return scan(pages, dpi, rng, out_dpi)
    if kind == "reader":
        return reader(pages, dpi, rng, out_dpi or 400.0)
    if kind == "phone":
        return phone(pages, dpi, rng, strength)
    raise ValueError(f"unknown capture kind {kind!r}; known: {', '.join(KINDS)}")
