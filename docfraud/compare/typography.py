"""MRZ typography: OCR-B glyph conformity, character pitch, baseline and position.

Works on the MRZ zone of a capture already aligned to its reference (so its resolution is the
reference's ``dpi``) and on the text that was read from it. ICAO 9303 prints the MRZ in OCR-B at
10 characters per inch (2.54 mm pitch); a re-printed MRZ often shows another font, another pitch,
a wandering baseline or a shifted position.

>>> import numpy as np
>>> crop = render_line_image("P<UTOERIKSSON<<ANNA", cap_px=28, pitch_px=2.54 * 300 / 25.4)
>>> m = measure_line(crop, "P<UTOERIKSSON<<ANNA", dpi=300)
>>> round(m.pitch_mm, 2), m.glyph_score > 0.8
(2.54, True)
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont
from scipy.optimize import minimize_scalar

OCRB = Path(__file__).resolve().parents[1] / "data" / "OCRB.otf"
CAP_EM = 0.701
ICAO_PITCH_MM = 2.54


@dataclass
class LineTypography:
    """What was measured on one MRZ line."""

    text: str
    pitch_mm: float
    cap_height_mm: float
    baseline_rms_mm: float  # how far glyph bottoms wander from a straight line
    slope_deg: float
    left_mm: float  # left edge of the first glyph, in the crop
    baseline_mm: float  # baseline height in the crop (from its top)
    glyph_score: float  # mean best correlation of each glyph with OCR-B (-1..1)
    glyphs: int  # how many glyphs were compared
    char_offset_mm: float = float("nan")  # the character furthest off its place on the line
    char_offset_at: int | None = None  # its position in the line
    char_offset_x_mm: float = float("nan")  # its cell's middle, across the crop
    blur_mm: float = float("nan")  # the Gaussian blur (sigma) of the print as captured
    blur_fit: float = float("nan")  # how well OCR-B blurred by it fits the print (R squared)
    ink_depth: float = float("nan")  # the share of the paper's light the ink takes (0..1)
    paper_level: float = float("nan")  # the paper's grey level under the line, as fitted


@lru_cache(maxsize=64)
def _ink_height_em(ch: str) -> float:
    """Height of the ink of one OCR-B glyph, in em."""
    size = 200
    font = ImageFont.truetype(str(OCRB), size)
    img = Image.new("L", (size * 2, size * 2), 0)
    ImageDraw.Draw(img).text((size // 2, size // 2), ch, font=font, fill=255)
    ys = np.nonzero(np.asarray(img) > 127)[0]
    return float((ys.max() - ys.min() + 1) / size)


def _class_ref(ch: str) -> str:
    return "8" if ch.isdigit() else "H"


@lru_cache(maxsize=4096)
def _glyph_placed(ch: str, ink_px: int) -> tuple[np.ndarray, float, float]:
    """The OCR-B glyph of ``ch`` (ink = 1.0) cropped to its ink, sized so that the capitals
    (for letters) or the digits (for digits) are ``ink_px`` tall; and where its ink sits in its
    character cell: the ink's middle right of the cell's middle and its bottom below the
    baseline, in pixels (a 1's ink is off its cell's middle, an O's bottom overshoots)."""
    size = max(6, round(ink_px / _ink_height_em(_class_ref(ch))))
    font = ImageFont.truetype(str(OCRB), size * 4)
    img = Image.new("L", (size * 4, size * 6), 0)
    ImageDraw.Draw(img).text((size, size), ch, font=font, fill=255)
    arr = np.asarray(img, np.float32) / 255.0
    arr = cv2.resize(arr, (arr.shape[1] // 4, arr.shape[0] // 4), interpolation=cv2.INTER_AREA)
    ys, xs = np.nonzero(arr > 0.2)
    cell_middle = (size + font.getlength(ch) / 2) / 4
    baseline = (size + font.getmetrics()[0]) / 4
    return (arr[ys.min():ys.max() + 1, xs.min():xs.max() + 1],
            float((xs.min() + xs.max() + 1) / 2 - cell_middle), float(ys.max() + 1 - baseline))


def _glyph(ch: str, ink_px: int) -> np.ndarray:
    """The OCR-B glyph of ``ch`` cropped to its ink (see :func:`_glyph_placed`)."""
    return _glyph_placed(ch, ink_px)[0]


def _peak_offset(res: np.ndarray, x: int, y: int) -> tuple[float, float]:
    """The sub-pixel offset of a correlation peak at (x, y) (a parabola through it and its
    neighbours, along each axis).

    >>> yy, xx = np.mgrid[0:9, 0:9]
    >>> res = -((xx - 4.3) ** 2 + (yy - 3.8) ** 2).astype(np.float32)
    >>> [round(v, 2) for v in _peak_offset(res, 4, 4)]
    [0.3, -0.2]
    """
    def along(a: float, b: float, c: float) -> float:
        d = a - 2 * b + c
        return float(np.clip(0.5 * (a - c) / d, -0.5, 0.5)) if d < 0 else 0.0
    dx = along(res[y, x - 1], res[y, x], res[y, x + 1]) if 0 < x < res.shape[1] - 1 else 0.0
    dy = along(res[y - 1, x], res[y, x], res[y + 1, x]) if 0 < y < res.shape[0] - 1 else 0.0
    return dx, dy


def render_line_image(text: str, cap_px: int, pitch_px: float, font: Path = OCRB,
                      margin: int = 12) -> np.ndarray:
    """A grey image (dark text on white) of ``text`` in ``font`` at a given cap height and pitch;
    for tests and for forgeries that re-print an MRZ."""
    size = max(6, round(cap_px / CAP_EM))
    f = ImageFont.truetype(str(font), size * 4)
    w = int(margin * 2 + pitch_px * len(text))
    h = int(margin * 2 + size * 1.4)
    img = Image.new("L", (w * 4, h * 4), 255)
    draw = ImageDraw.Draw(img)
    ascent = f.getmetrics()[0]
    for i, ch in enumerate(text):
        draw.text(((margin + i * pitch_px) * 4, margin * 4 - (ascent - cap_px * 4)), ch, font=f,
                  fill=0)
    arr = np.asarray(img)
    return cv2.resize(arr, (w, h), interpolation=cv2.INTER_AREA)


def _components(ink: np.ndarray, min_area: int) -> list[tuple[int, int, int, int]]:
    n, _, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    return [tuple(stats[i, :4]) for i in range(1, n) if stats[i, 4] >= min_area]


def measure_line(gray: np.ndarray, text: str, dpi: float,
                 nominal_pitch_mm: float | None = ICAO_PITCH_MM, blur: bool = False
                 ) -> LineTypography | None:
    """Measure one MRZ line in a grey crop holding just that line (dark text on light);
    ``blur``: also how blurred its print is (:func:`glyph_blur`, ``blur_mm``)."""
    k = dpi / 25.4
    # dark strokes over their local background (robust to uneven light and pale patterns)
    g = gray.astype(np.float32)
    stroke = max(5, int(round(0.9 * k)) | 1)
    tm = cv2.morphologyEx(g, cv2.MORPH_CLOSE, np.ones((stroke, stroke), np.uint8)) - g
    top = float(np.percentile(tm, 99.5))
    if top < 20:
        return None
    ink = (tm > 0.4 * top).astype(np.uint8) * 255
    boxes = _components(ink, max(4, int((0.3 * k) ** 2)))
    # glyphs do not touch the crop's top or bottom (those are cut neighbours or noise)
    H = gray.shape[0]
    boxes = [b for b in boxes if b[1] > 0 and b[1] + b[3] < H]
    if not boxes:
        return None
    # not hairlines (a page edge or fibre one or two pixels wide)
    boxes = [b for b in boxes if b[2] >= max(2, 0.06 * b[3])] or boxes
    heights = np.array([b[3] for b in boxes])
    # the capital height: the tallest usual components (one long mark does not set it)
    tallest = float(np.percentile(heights, 95)) if len(heights) >= 10 else float(heights.max())
    cap = float(np.median(heights[heights >= 0.85 * tallest]))
    # glyphs: components a third of the cap height to a bit over it (chevrons are about half)
    glyphs = sorted([b for b in boxes if cap / 3 <= b[3] <= 1.35 * cap], key=lambda b: b[0])
    if len(glyphs) < 3:
        return None
    centres = np.array([b[0] + b[2] / 2 for b in glyphs])
    bottoms = np.array([b[1] + b[3] for b in glyphs], np.float32)
    n = len(text)
    # pitch: glyph centres against their character index, by least squares, starting from the
    # nominal pitch (robust to a missed or split glyph, and to chevrons at the line's end)
    pitch = (centres[-1] - centres[0]) / max(n - 1, 1)
    if nominal_pitch_mm:
        gaps = np.diff(centres)
        near = gaps[(gaps > 0.7 * nominal_pitch_mm * k) & (gaps < 1.3 * nominal_pitch_mm * k)]
        pitch = float(np.median(near)) if len(near) >= 3 else nominal_pitch_mm * k
    # the line's first character: of the leftmost few components, the one the most glyphs
    # line up with at this pitch (a speck or the page edge left of the line is not it)
    def fits(x0: float) -> int:
        idx = np.round((centres - x0) / pitch)
        return int(((idx >= 0) & (idx < n)
                    & (np.abs(centres - x0 - idx * pitch) < 0.35 * pitch)).sum())

    first_x = max(centres[:5], key=lambda x0: (fits(x0), -x0))
    for _ in range(3):
        idx = np.round((centres - first_x) / pitch)
        keep = (idx >= 0) & (idx < n) & (np.abs(centres - first_x - idx * pitch) < 0.35 * pitch)
        if keep.sum() < 3 or np.ptp(idx[keep]) < 2:
            break
        pitch, first_x = np.polyfit(idx[keep], centres[keep], 1)
    tall = np.array([b[3] >= 0.8 * cap for b in glyphs])
    # only components at a character's place (not a fibre or speck between them)
    on_grid = np.abs((centres - first_x) / pitch - np.round((centres - first_x) / pitch)) < 0.3
    bx, by = centres[tall & on_grid], bottoms[tall & on_grid]
    if len(bx) < 2:
        bx, by = centres[tall], bottoms[tall]
    if len(bx) >= 2:
        slope, icpt = np.polyfit(bx, by, 1)
        resid = by - (slope * bx + icpt)
        # a robust refit: bottoms far off the line (a mark touching a glyph) do not bend it
        near = np.abs(resid) <= max(0.15 * cap, 3 * 1.4826 * float(np.median(np.abs(resid))))
        if near.sum() >= max(2, len(bx) // 2) and not near.all():
            slope, icpt = np.polyfit(bx[near], by[near], 1)
            resid = by - (slope * bx + icpt)
        rms = float(np.sqrt((resid ** 2).mean()))
    else:
        slope, icpt, rms = 0.0, float(by.mean() if len(by) else 0), 0.0
    # heights of letters and of digits, measured apart (OCR-B's digits are a little taller)
    cls_heights: dict[str, list[float]] = {"H": [], "8": []}
    for b, c in zip(glyphs, centres):
        i = int(round((c - first_x) / pitch))
        if 0 <= i < n and text[i] != "<" and b[3] >= 0.8 * cap:
            cls_heights[_class_ref(text[i])].append(b[3])
    cls_cap = {key: (float(np.median(v)) if v else cap) for key, v in cls_heights.items()}
    # glyph conformity: each expected character against the OCR-B template at its place
    scores = []
    places = []  # (position, across, down): where each glyph sits against its cell's place
    pasted = []  # (template, left, top) of each glyph found, for the print's blur
    inv = 255 - gray
    for i, ch in enumerate(text):
        # fillers count for where the characters sit (a check digit after a run of them is
        # otherwise far from every measured place), not for the font's conformity
        tpl, ox, oy = _glyph_placed(ch, max(6, round(cls_cap[_class_ref(ch)])))
        cx = first_x + i * pitch
        base = slope * cx + icpt
        y0 = int(round(base - cap - 0.25 * cap))
        y1 = int(round(base + 0.25 * cap))
        x0 = int(round(cx - 0.75 * pitch))
        x1 = int(round(cx + 0.75 * pitch))
        if y0 < 0 or x0 < 0 or y1 > gray.shape[0] or x1 > gray.shape[1]:
            continue
        win = inv[y0:y1, x0:x1].astype(np.float32) / 255.0
        if win.shape[0] < tpl.shape[0] or win.shape[1] < tpl.shape[1]:
            continue
        res = cv2.matchTemplate(win, tpl, cv2.TM_CCOEFF_NORMED)
        _, best, _, (mx, my) = cv2.minMaxLoc(res)
        if ch != "<":
            scores.append(float(best))
        if best > 0.5:  # a glyph found there: where its ink sits against where it should
            sx, sy = _peak_offset(res, mx, my)
            places.append((i, x0 + mx + sx + tpl.shape[1] / 2 - ox - cx,
                           y0 + my + sy + tpl.shape[0] - oy - base))
            if ch != "<":
                pasted.append((tpl, x0 + mx + sx, y0 + my + sy))
    # the first character's left edge (the component that is the line's first character, not a
    # speck or the page edge before it)
    first = min(range(len(glyphs)), key=lambda j: abs(centres[j] - first_x))
    # the character furthest off the line's own grid (its pitch and baseline as fitted, the
    # line's usual offset from them taken off): one re-printed or pasted in sits apart
    off, off_at, off_x = float("nan"), None, float("nan")
    if len(places) >= 5:
        pos, dx, dy = (np.array(v, np.float64) for v in zip(*places))
        # what the line's own fit leaves: the fitted pitch's and slope's small errors grow
        # along the line, a capture's lens or the paper's curl bends it a little (genuine
        # reader images of a passport's MRZ: a pixel at both ends against the middle), and
        # letters and digits were sized apart (their heights measured apart); a least-squares
        # fit of those (a parabola along the line), refitted without the furthest fifth
        digit = np.array([text[int(i)].isdigit() for i in pos], np.float64)
        t = pos / max(len(text) - 1, 1)
        design = np.column_stack([np.ones_like(t), t, t * t, digit])
        if digit.min() == digit.max():
            design = design[:, :3]

        def residual(v: np.ndarray) -> np.ndarray:
            coef = np.linalg.lstsq(design, v, rcond=None)[0]
            r = v - design @ coef
            keep = np.abs(r) <= np.percentile(np.abs(r), 80)
            if keep.sum() > design.shape[1] + 1:
                coef = np.linalg.lstsq(design[keep], v[keep], rcond=None)[0]
            return v - design @ coef

        dist = np.hypot(residual(dx), residual(dy))
        j = int(np.argmax(dist))
        off, off_at = float(dist[j] / k), int(pos[j])
        off_x = float((first_x + off_at * pitch) / k)
    fit = glyph_blur(gray, pasted) if blur else BlurFit()
    return LineTypography(
        text=text, pitch_mm=float(pitch / k), cap_height_mm=float(cap / k), baseline_rms_mm=float(rms / k),
        slope_deg=float(np.degrees(np.arctan(slope))), left_mm=float(glyphs[first][0] / k),
        baseline_mm=float(slope * first_x + icpt) / k,
        glyph_score=float(np.mean(scores)) if scores else float("nan"), glyphs=len(scores),
        char_offset_mm=off, char_offset_at=off_at, char_offset_x_mm=off_x,
        blur_mm=fit.sigma / k, blur_fit=fit.r2, ink_depth=fit.depth, paper_level=fit.paper)


@dataclass(frozen=True)
class BlurFit:
    """Sharp OCR-B glyphs blurred to fit a captured line (:func:`glyph_blur`)."""
    sigma: float = float("nan")  # the Gaussian blur, pixels
    r2: float = float("nan")  # the share of the line's variation the blurred glyphs explain
    paper: float = float("nan")  # the paper's grey level in the line's middle
    depth: float = float("nan")  # the ink's darkness: the share of the paper's light it takes


def glyph_blur(gray: np.ndarray, pasted: list[tuple[np.ndarray, float, float]]) -> BlurFit:
    """The Gaussian blur (sigma, in pixels) that best turns sharp OCR-B glyphs, pasted where
    they were found (``(template, left, top)``, ink = 1.0), into the grey crop ``gray``: the
    line's print as captured, the print's own softness and the capture's blur together; how
    much of the crop's variation around the glyphs the blurred glyphs explain (R squared:
    another font fits worse at any blur); and, at that blur, the paper's level and the ink's
    depth (how much of the paper's light a full stroke takes: a blur spreads the ink, it does
    not lighten it, so the depth is the print's own whatever the capture's blur). NaNs with
    fewer than five glyphs.

    >>> tpl = np.zeros((20, 12), np.float32); tpl[:, 4:8] = 1.0  # a bar
    >>> img = np.full((40, 60), 230.0, np.float32)
    >>> for x in (10, 30): img[10:30, x + 4:x + 8] = 30.0
    >>> img = cv2.GaussianBlur(img, (0, 0), 1.5)
    >>> glyphs = [(tpl, x, 10.0) for x in (10, 30)] * 3
    >>> fit = glyph_blur(img, glyphs)
    >>> round(fit.sigma, 1), fit.r2 > 0.99, round(fit.paper), round(fit.depth, 2)
    (1.5, True, 230, 0.87)
    """
    if len(pasted) < 5:
        return BlurFit()
    H, W = gray.shape[:2]
    ideal = np.zeros((H, W), np.float32)
    band = np.zeros((H, W), bool)
    for tpl, left, top in pasted:
        # sub-pixel placement: the template shifted by its fractional offset, then pasted
        ix, iy = int(math.floor(left)), int(math.floor(top))
        th, tw = tpl.shape
        pad = np.zeros((th + 2, tw + 2), np.float32)
        pad[1:-1, 1:-1] = tpl
        shift = np.float32([[1, 0, left - ix], [0, 1, top - iy]])
        moved = cv2.warpAffine(pad, shift, (tw + 2, th + 2), flags=cv2.INTER_LINEAR)
        ya, xa = iy - 1, ix - 1
        y0, x0 = max(ya, 0), max(xa, 0)
        y1, x1 = min(ya + th + 2, H), min(xa + tw + 2, W)
        if y1 <= y0 or x1 <= x0:
            continue
        ideal[y0:y1, x0:x1] = np.maximum(ideal[y0:y1, x0:x1],
                                         moved[y0 - ya:y1 - ya, x0 - xa:x1 - xa])
        band[max(y0 - th // 3, 0):y1 + th // 3, max(x0 - th // 3, 0):x1 + th // 3] = True
    band[1::2] = False  # every other row and column is enough, and four times as quick
    band[:, 1::2] = False
    yy, xx = np.nonzero(band)
    if len(yy) < 100:
        return BlurFit()
    g = gray.astype(np.float32)[yy, xx]
    # the paper's light may vary along the line: a plane under the ink (about the crop's
    # middle, so that its first coefficient is the paper's level there)
    base = np.column_stack([np.ones(len(yy), np.float32), xx / W - 0.5,
                            yy / H - 0.5]).astype(np.float32)

    def solve(sigma: float) -> tuple[np.ndarray, float]:
        blurred = cv2.GaussianBlur(ideal, (0, 0), sigma) if sigma > 0.05 else ideal
        design = np.column_stack([base, blurred[yy, xx]])
        coef = np.linalg.lstsq(design.T @ design, design.T @ g, rcond=None)[0]
        return coef, float(((design @ coef - g) ** 2).mean())

    grid = np.arange(0.0, 8.01, 1.0)  # coarse, then a bounded search about the best
    j = int(np.argmin([solve(s)[1] for s in grid]))
    best = minimize_scalar(lambda s: solve(s)[1],
                           bounds=(grid[max(j - 1, 0)], grid[min(j + 1, len(grid) - 1)]),
                           method="bounded", options={"xatol": 0.02})
    coef, err = solve(float(best.x))
    paper, ink = float(coef[0]), float(-coef[3])
    return BlurFit(float(best.x), float(1.0 - err / max(float(g.var()), 1e-6)), paper,
                   ink / paper if paper > 1e-6 else float("nan"))


def split_lines(gray: np.ndarray, n_lines: int) -> list[np.ndarray]:
    """Cut an MRZ zone crop into ``n_lines`` line crops by its row ink profile."""
    _, ink = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    rows = (ink > 0).sum(axis=1).astype(np.float32)
    rows = np.convolve(rows, np.ones(3) / 3, mode="same")
    on = rows > 0.15 * rows.max()
    runs, start = [], None
    for y, v in enumerate(on):
        if v and start is None:
            start = y
        elif not v and start is not None:
            runs.append((start, y))
            start = None
    if start is not None:
        runs.append((start, len(on)))
    runs = sorted(sorted(runs, key=lambda r: r[1] - r[0], reverse=True)[:n_lines])
    out = []
    for a, b in runs:
        pad = max(2, (b - a) // 3)
        out.append(gray[max(a - pad, 0):min(b + pad, gray.shape[0])])
    return out


def measure_mrz(gray: np.ndarray, lines: list[str], dpi: float) -> list[LineTypography | None]:
    """Measure every MRZ line of an aligned MRZ zone crop."""
    crops = split_lines(gray, len(lines))
    if len(crops) != len(lines):
        return [None] * len(lines)
    return [measure_line(c, t, dpi) for c, t in zip(crops, lines)]
