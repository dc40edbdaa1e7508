"""Procedural portraits and ghost images for the fictional specimens.

No face data set is used: :func:`draw_portrait` draws a stylised, frontal, ICAO-like head and
shoulders (plain light background, head 70-80 % of the height, eyes near mid-height) from a
seed. The result is a plausible "holder photo" for reference images and synthetic documents;
it is not meant to fool a face recogniser.

>>> img = draw_portrait(7, (140, 180))
>>> img.shape, img.dtype
((180, 140, 3), dtype('uint8'))
>>> g = ghost_coverage(img, (70, 90))
>>> g.shape, float(g.min()) >= 0.0, float(g.max()) <= 1.0
((90, 70), True, True)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

SKIN = [(0.96, 0.84, 0.74), (0.92, 0.76, 0.63), (0.84, 0.66, 0.52), (0.72, 0.52, 0.38),
        (0.56, 0.39, 0.28), (0.42, 0.29, 0.21)]
HAIR = [(0.10, 0.08, 0.07), (0.22, 0.15, 0.10), (0.38, 0.26, 0.16), (0.55, 0.36, 0.20),
        (0.78, 0.64, 0.40), (0.62, 0.60, 0.58)]
EYES = [(0.30, 0.19, 0.10), (0.25, 0.42, 0.58), (0.32, 0.45, 0.30), (0.45, 0.35, 0.18)]
CLOTHES = [(0.14, 0.18, 0.32), (0.30, 0.31, 0.33), (0.18, 0.30, 0.24), (0.42, 0.14, 0.18),
           (0.10, 0.10, 0.12), (0.52, 0.48, 0.42)]


@dataclass(frozen=True)
class FaceParams:
    """The drawn person's features (all chosen from the seed unless given)."""

    sex: str = "F"
    skin: tuple[float, float, float] = SKIN[1]
    hair: tuple[float, float, float] = HAIR[2]
    eyes: tuple[float, float, float] = EYES[0]
    clothes: tuple[float, float, float] = CLOTHES[0]
    long_hair: bool = True
    face_width: float = 0.205   # half-width of the face, in image heights
    jaw: float = 0.22           # how much the face narrows towards the chin
    glasses: bool = False


def face_params(seed: int, sex: str | None = None) -> FaceParams:
    """Features for a seed (deterministic)."""
    rng = np.random.default_rng(seed)
    s = sex if sex in ("F", "M") else ("F" if rng.random() < 0.5 else "M")
    return FaceParams(
        sex=s,
        skin=SKIN[int(rng.integers(len(SKIN)))],
        hair=HAIR[int(rng.integers(len(HAIR)))],
        eyes=EYES[int(rng.integers(len(EYES)))],
        clothes=CLOTHES[int(rng.integers(len(CLOTHES)))],
        long_hair=(s == "F" and rng.random() < 0.8) or (s == "M" and rng.random() < 0.08),
        face_width=float(rng.uniform(0.19, 0.215) if s == "F" else rng.uniform(0.2, 0.225)),
        jaw=float(rng.uniform(0.16, 0.3) if s == "F" else rng.uniform(0.08, 0.2)),
        glasses=bool(rng.random() < 0.15),
    )


def _mask(h: int, w: int):  # type: ignore[no-untyped-def]
    return np.zeros((h, w), np.uint8)


def _paint(img: np.ndarray, mask: np.ndarray, colour, alpha: float = 1.0) -> None:  # type: ignore[no-untyped-def]
    a = (mask.astype(np.float32) / 255.0 * alpha)[..., None]
    img *= 1.0 - a
    img += a * np.asarray(colour, np.float32)


def draw_portrait(seed: int, size_px: tuple[int, int], *, sex: str | None = None,
                  params: FaceParams | None = None, supersample: int = 3) -> np.ndarray:
    """A frontal head-and-shoulders portrait, ``size_px = (width, height)``; RGB uint8."""
    import cv2

    p = params or face_params(seed, sex)
    rng = np.random.default_rng(seed + 1)
    ss = max(1, supersample)
    W, H = int(size_px[0]) * ss, int(size_px[1]) * ss
    yy, xx = np.mgrid[0:H, 0:W].astype(np.float32)
    # background: light grey-blue, slightly lighter at the top left
    bg = np.array([0.86, 0.88, 0.9], np.float32)
    img = np.empty((H, W, 3), np.float32)
    img[:] = bg
    img *= (1.0 + 0.04 * (1 - yy / H) - 0.03 * (xx / W))[..., None]
    sh = 8  # fixed-point bits for cv2 drawing

    def P(x: float, y: float) -> tuple[int, int]:
        return int(round(x * (1 << sh))), int(round(y * (1 << sh)))

    def poly(points: np.ndarray) -> np.ndarray:
        m = _mask(H, W)
        cv2.fillPoly(m, [np.round(points * (1 << sh)).astype(np.int32)], 255, cv2.LINE_AA, sh)
        return m

    def ellipse(cx: float, cy: float, ax: float, ay: float, angle: float = 0.0) -> np.ndarray:
        m = _mask(H, W)
        cv2.ellipse(m, P(cx, cy), P(ax, ay), angle, 0, 360, 255, -1, cv2.LINE_AA, sh)
        return m

    def soft(m: np.ndarray, sigma: float) -> np.ndarray:
        return cv2.GaussianBlur(m, (0, 0), sigma * H)

    skin = np.array(p.skin, np.float32)
    hair = np.array(p.hair, np.float32)
    cx = W / 2 + rng.uniform(-0.01, 0.01) * W
    cy = 0.47 * H
    a = p.face_width * H
    b = 0.29 * H

    # soft shadow behind the head
    _paint(img, soft(ellipse(cx + 0.02 * H, cy + 0.02 * H, a * 1.3, b * 1.2), 0.04), (0.6, 0.62, 0.66), 0.25)
    # long hair behind the head and shoulders
    if p.long_hair:
        t = np.linspace(0, np.pi, 60)
        top = np.stack([cx - np.cos(t) * a * 1.28, cy - 0.07 * H - np.sin(t) * b * 1.12], 1)
        length = rng.uniform(0.86, 0.97) * H
        back = np.array([[cx + a * 1.3, cy], [cx + a * 1.42, length], [cx + a * 0.6, length + 0.02 * H],
                         [cx - a * 0.6, length + 0.02 * H], [cx - a * 1.42, length], [cx - a * 1.3, cy]])
        _paint(img, poly(np.concatenate([top, back])), hair * 0.85)
    # shoulders and clothes
    shoulders = ellipse(cx, 1.1 * H, 0.62 * W, 0.29 * H)
    _paint(img, shoulders, p.clothes)
    _paint(img, soft(shoulders, 0.01) // 2, np.array(p.clothes) * 1.25, 0.3)
    # neck
    neck = poly(np.array([[cx - 0.075 * H, cy + 0.15 * H], [cx + 0.075 * H, cy + 0.15 * H],
                          [cx + 0.085 * H, 0.86 * H], [cx, 0.9 * H], [cx - 0.085 * H, 0.86 * H]]))
    _paint(img, neck, skin * 0.86)
    # collar: an open V of a lighter shirt
    shirt = (0.93, 0.93, 0.92) if rng.random() < 0.6 else tuple(np.array(p.clothes) * 0.6 + 0.35)
    _paint(img, poly(np.array([[cx - 0.11 * H, 0.84 * H], [cx, 0.97 * H], [cx + 0.11 * H, 0.84 * H],
                               [cx + 0.06 * H, 0.83 * H], [cx, 0.9 * H], [cx - 0.06 * H, 0.83 * H]])),
           shirt)
    # ears
    for sgn in (-1, 1):
        _paint(img, ellipse(cx + sgn * a * 0.98, cy + 0.01 * H, 0.03 * H, 0.055 * H), skin * 0.9)
    # the face: an egg shape, narrower at the chin
    t = np.linspace(0, 2 * np.pi, 240)
    wf = 1 - p.jaw * np.clip(-np.cos(t), 0, None) ** 2
    face_pts = np.stack([cx + a * np.sin(t) * wf, cy - b * np.cos(t)], 1)
    face = poly(face_pts)
    # shading: darker towards the rim and on the right, light from the upper left
    r = np.sqrt(((xx - cx) / a) ** 2 + ((yy - cy) / b) ** 2)
    shade = 1.0 - 0.22 * np.clip(r, 0, 1) ** 3 - 0.05 * (xx - cx) / a
    _paint(img, face, skin)
    fm = face.astype(np.float32)[..., None] / 255.0
    img = img * (1 - fm) + img * fm * np.clip(shade, 0.6, 1.1)[..., None]
    # chin shadow on the neck
    _paint(img, soft(ellipse(cx, cy + b * 0.98, a * 0.55, 0.03 * H), 0.012) // 2, skin * 0.6, 0.5)

    eye_y = cy - 0.02 * H
    dx = 0.43 * a
    ew, eh = 0.034 * H, 0.0135 * H
    iris = np.array(p.eyes, np.float32)
    dark = np.array([0.08, 0.06, 0.06], np.float32)
    for sgn in (-1, 1):
        ex = cx + sgn * dx
        # eye socket shadow
        _paint(img, soft(ellipse(ex, eye_y - 0.004 * H, ew * 1.4, eh * 2.2), 0.01), skin * 0.75, 0.35)
        t = np.linspace(0, np.pi, 30)
        upper = np.stack([ex - ew * np.cos(t), eye_y - eh * np.sin(t) * 1.1], 1)
        lower = np.stack([ex + ew * np.cos(t), eye_y + eh * np.sin(t) * 0.8], 1)
        almond = np.concatenate([upper, lower])
        white = poly(almond)
        _paint(img, white, (0.93, 0.92, 0.9))
        iris_m = cv2.bitwise_and(ellipse(ex, eye_y, 0.0145 * H, 0.0145 * H), white)
        _paint(img, iris_m, iris)
        _paint(img, cv2.bitwise_and(ellipse(ex, eye_y, 0.0065 * H, 0.0065 * H), white), dark)
        _paint(img, ellipse(ex - 0.004 * H, eye_y - 0.004 * H, 0.0025 * H, 0.0025 * H), (1, 1, 1), 0.8)
        lid = _mask(H, W)
        cv2.polylines(lid, [np.round(upper * (1 << sh)).astype(np.int32)], False, 255,
                      max(1, int(0.004 * H)), cv2.LINE_AA, sh)
        _paint(img, lid, dark, 0.85)
        # eyebrow
        t = np.linspace(-1, 1, 20)
        brow = np.stack([ex + t * ew * 1.25 + sgn * 0.004 * H,
                         eye_y - 0.042 * H - 0.01 * H * (1 - t ** 2) + sgn * t * 0.002 * H], 1)
        bm = _mask(H, W)
        cv2.polylines(bm, [np.round(brow * (1 << sh)).astype(np.int32)], False, 255,
                      max(1, int((0.011 if p.sex == "M" else 0.008) * H)), cv2.LINE_AA, sh)
        _paint(img, soft(bm, 0.002), hair * 0.8, 0.9)
    if p.glasses:
        gm = _mask(H, W)
        for sgn in (-1, 1):
            cv2.ellipse(gm, P(cx + sgn * dx, eye_y + 0.004 * H), P(ew * 1.75, eh * 3.0), 0, 0, 360,
                        255, max(1, int(0.004 * H)), cv2.LINE_AA, sh)
        cv2.line(gm, P(cx - dx + ew * 1.75, eye_y), P(cx + dx - ew * 1.75, eye_y), 255,
                 max(1, int(0.004 * H)), cv2.LINE_AA, sh)
        _paint(img, gm, (0.15, 0.13, 0.12), 0.9)
    # nose: a soft shadow down one side, nostrils and a highlight
    nose = _mask(H, W)
    cv2.polylines(nose, [np.round(np.array([[cx - 0.012 * H, eye_y + 0.01 * H], [cx - 0.016 * H, cy + 0.06 * H],
                                            [cx - 0.026 * H, cy + 0.085 * H]]) * (1 << sh)).astype(np.int32)],
                  False, 255, max(1, int(0.008 * H)), cv2.LINE_AA, sh)
    _paint(img, soft(nose, 0.006), skin * 0.7, 0.5)
    for sgn in (-1, 1):
        _paint(img, soft(ellipse(cx + sgn * 0.018 * H, cy + 0.092 * H, 0.009 * H, 0.005 * H), 0.003),
               skin * 0.45, 0.8)
    _paint(img, soft(ellipse(cx, cy + 0.075 * H, 0.02 * H, 0.016 * H), 0.008), skin * 1.08, 0.6)
    # mouth
    my = cy + 0.155 * H
    mw = 0.052 * H
    lip = skin * np.array([0.88, 0.62, 0.6]) if p.sex == "F" else skin * np.array([0.85, 0.7, 0.68])
    t = np.linspace(0, np.pi, 30)
    upper = np.stack([cx - mw * np.cos(t), my - 0.012 * H * np.sin(t) * (1 - 0.35 * np.exp(-((t - np.pi / 2) ** 2) * 20))], 1)
    lower = np.stack([cx + mw * np.cos(t), my + 0.016 * H * np.sin(t)], 1)
    _paint(img, soft(poly(np.concatenate([upper, lower])), 0.002), lip)
    line = _mask(H, W)
    cv2.polylines(line, [np.round(np.stack([cx - mw * np.cos(t), my + 0.002 * H * np.sin(t)], 1)
                                  * (1 << sh)).astype(np.int32)], False, 255, max(1, int(0.004 * H)),
                  cv2.LINE_AA, sh)
    _paint(img, line, lip * 0.55, 0.8)
    # front hair: a cap over the head down to a hairline with a side parting
    cap = ellipse(cx, cy - 0.055 * H, a * 1.14, b * 1.04)
    part = rng.uniform(-0.4, 0.4) * a
    hair_line = cy - 0.15 * H + 0.07 * H * np.clip(np.abs(xx - cx) / a, 0, 1.2) ** 2 \
        - 0.03 * H * np.exp(-((xx - cx - part) / (0.3 * a)) ** 2)
    capm = np.where(yy < hair_line, cap, 0).astype(np.uint8)
    capm = cv2.GaussianBlur(capm, (0, 0), 0.003 * H)
    _paint(img, capm, hair)
    # strands: many thin lighter and darker curves inside the hair
    strands = _mask(H, W)
    for _ in range(90):
        x0 = cx + part + rng.uniform(-0.05, 0.05) * H
        side = 1 if rng.random() < 0.5 else -1
        tt = np.linspace(0, 1, 16)
        span = rng.uniform(0.4, 1.3) * a
        xs = x0 + side * span * np.sin(tt * np.pi / 2)
        ys = cy - b * 1.08 + 0.01 * H + tt ** 1.5 * rng.uniform(0.1, 0.3) * H
        cv2.polylines(strands, [np.round(np.stack([xs, ys], 1) * (1 << sh)).astype(np.int32)], False,
                      int(rng.integers(90, 255)), 1, cv2.LINE_AA, sh)
    strands = cv2.bitwise_and(strands, capm)
    _paint(img, strands, np.clip(hair * 1.5 + 0.06, 0, 1), 0.35)
    img = cv2.GaussianBlur(img, (0, 0), 0.6 * ss / 2)
    out = cv2.resize(img, (int(size_px[0]), int(size_px[1])), interpolation=cv2.INTER_AREA)
    return np.clip(out * 255 + 0.5, 0, 255).astype(np.uint8)


def fit_portrait(rgb: np.ndarray, size_px: tuple[int, int]) -> np.ndarray:
    """Scale and centre-crop a portrait to ``size_px = (width, height)`` (RGB uint8 in and out)."""
    import cv2

    w, h = int(size_px[0]), int(size_px[1])
    ih, iw = rgb.shape[:2]
    if rgb.ndim == 2:
        rgb = np.repeat(rgb[..., None], 3, axis=2)
    s = max(w / iw, h / ih)
    nw, nh = max(w, int(round(iw * s))), max(h, int(round(ih * s)))
    interp = cv2.INTER_AREA if s < 1 else cv2.INTER_CUBIC
    big = cv2.resize(rgb[..., :3], (nw, nh), interpolation=interp)
    x0, y0 = (nw - w) // 2, (nh - h) // 2
    return np.ascontiguousarray(big[y0:y0 + h, x0:x0 + w])


def ghost_coverage(rgb: np.ndarray, size_px: tuple[int, int], *, period_px: float = 4.0,
                   angle_deg: float = 0.0, gain: float = 1.25, fade_px: float = 0.0) -> np.ndarray:
    """The ghost image of a portrait as an ink coverage mask (0..1), printed as a line screen.

    The portrait's luminance, relative to its (light) background, sets the width of the lines
    of a screen of ``period_px``; the background itself prints nothing, so the ghost is a faded
    monochrome version of the same face. ``fade_px`` fades it out towards its edges.
    """
    import cv2

    small = fit_portrait(rgb, size_px).astype(np.float32) / 255.0
    lum = small @ np.array([0.299, 0.587, 0.114], np.float32)
    border = np.concatenate([lum[0], lum[-1], lum[:, 0], lum[:, -1]])
    bg = float(np.median(border))
    density = np.clip((bg - lum) / max(bg, 1e-3) * gain, 0.0, 1.0)
    density = cv2.GaussianBlur(density, (0, 0), 0.6)
    h, w = density.shape
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    th = np.deg2rad(angle_deg)
    u = (yy * np.cos(th) + xx * np.sin(th)) / period_px
    dist = np.abs(u - np.floor(u) - 0.5) * period_px        # distance to the line centre, px
    half = density * period_px / 2
    cov = np.clip(half - dist + 0.5, 0.0, 1.0) * np.clip(density * 6.0, 0.0, 1.0)
    if fade_px > 0:  # vignette: the ghost fades into the background at its edges
        ramp = np.minimum.reduce([xx, w - 1 - xx, yy, h - 1 - yy]) / fade_px
        cov *= np.clip(ramp, 0.0, 1.0)
    return cov.astype(np.float32)
