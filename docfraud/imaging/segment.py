"""Split a rectified MRZ band into lines and a line into fixed-pitch character cells.

Everything here works on an *ink map*: a float32 image where ink is about 1 and paper about 0
(:func:`ink_map`). MRZ text is OCR-B at 10 characters per inch: every line of one MRZ has the
same pitch, and the pitch is about 1.03 x the cap height. A line has 30, 36 or 44 cells.

The cell crops (:func:`extract_cells`) are what the glyph recogniser is trained on: the cap
height is scaled to :data:`NORM_CAP` pixels and a :data:`CELL` x :data:`CELL` window is taken
around each cell centre, so the same function serves training and inference.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

NORM_CAP = 18.0
"""Cap height, in pixels, of the normalised cell crops."""
CELL = 24
"""Side of a cell crop in pixels (1.33 cap heights, about 1.3 pitches)."""
PITCH_PER_CAP = 0.723 / 0.701
"""OCR-B advance over cap height."""
LINE_LENGTHS = (30, 36, 44)
#: The steady changes of pitch along a line that :func:`fit_pitch` tries (``TextLine.k``): up to
#: a line whose last cells are 1.3 times as wide as its first, or its first as its last.
PERSPECTIVE_KS = (-0.12, -0.1, -0.08, -0.06, -0.04, -0.02, 0.02, 0.04, 0.06, 0.08, 0.1, 0.12)
#: How much less ink (boundaries' ink profile, per cell) a changing pitch's boundaries must
#: cross than the uniform fit's for it to be kept.
PERSPECTIVE_GAIN = 0.01
# Ink of an OCR-B glyph spans about 0.15..0.83 of its cell.
_INK_LEFT = 0.15
_INK_RIGHT = 0.83


@dataclass(frozen=True)
class TextLine:
    """A text line in band coordinates: rows ``top``..``bottom`` (caps), columns ``left``..``right``
    (ink extent) and the pitch fit: ``n`` cells from ``x0`` to ``x0 + n*pitch``, cell ``i``
    spanning ``x0 + i*pitch`` .. ``x0 + (i+1)*pitch`` where ``k`` is 0; a line photographed at a
    slant, which the band's rectification left foreshortened, has a pitch that grows or shrinks
    steadily along it (``k``, :meth:`bounds`)."""

    top: float
    bottom: float
    left: float
    right: float
    x0: float = 0.0
    pitch: float = 0.0
    n: int = 0
    k: float = 0.0

    def bounds(self) -> np.ndarray:
        """The ``n + 1`` cell boundaries: a line's projection, ``x0 + n*pitch*u*(1+k)/(1+k*u)``
        at ``u = i/n``, whose cells' widths change steadily from ``pitch*(1+k)`` at the start to
        ``pitch/(1+k)`` at the end (uniform where ``k`` is 0).

        >>> TextLine(0, 10, 0, 100, x0=5.0, pitch=10.0, n=4).bounds().tolist()
        [5.0, 15.0, 25.0, 35.0, 45.0]
        >>> b = TextLine(0, 10, 0, 100, x0=5.0, pitch=10.0, n=4, k=-0.1).bounds()
        >>> round(float(b[0]), 3), round(float(b[-1]), 3), bool(b[1] - b[0] < b[-1] - b[-2])
        (5.0, 45.0, True)
        """
        u = np.arange(self.n + 1, dtype=np.float64) / max(self.n, 1)
        return self.x0 + self.n * self.pitch * u * (1 + self.k) / (1 + self.k * u)

    @property
    def cap_height(self) -> float:
        return self.bottom - self.top

    @property
    def y_center(self) -> float:
        return 0.5 * (self.top + self.bottom)


def ink_map(gray: np.ndarray, char_height: float | None = None) -> np.ndarray:
    """Dark-on-light grey image -> float32 ink map (ink ~1, background ~0).

    The background is estimated by a grey closing (a max filter larger than a stroke), so
    shading, coloured print and uneven lighting are removed; the contrast is normalised by a high
    percentile of the difference.
    """
    g = gray if gray.ndim == 2 else cv2.cvtColor(gray, cv2.COLOR_BGR2GRAY)
    g = g.astype(np.float32)
    k = int(round((char_height or 24.0) * 0.6)) | 1
    k = max(5, k)
    bg = cv2.morphologyEx(g, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (k, k)))
    bg = cv2.blur(bg, (k, k))
    diff = np.maximum(bg - g, 0)
    hi = float(np.percentile(diff, 99.0)) if diff.size else 0.0
    lo = float(np.percentile(diff, 50.0)) if diff.size else 0.0
    scale = max(hi - lo, 8.0)
    out = (diff - lo) / scale
    return np.clip(out, 0.0, 1.5).astype(np.float32)


def _runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """Runs of True in a 1-D boolean array as (start, stop) pairs."""
    m = np.concatenate([[False], mask.astype(bool), [False]])
    d = np.diff(m.astype(np.int8))
    starts = np.nonzero(d == 1)[0]
    stops = np.nonzero(d == -1)[0]
    return list(zip(starts.tolist(), stops.tolist()))


def find_lines(ink: np.ndarray, min_height: float = 4.0) -> list[TextLine]:
    """Text lines of a rectified band (text horizontal), top to bottom, with ink extents."""
    if ink.size == 0:
        return []
    binar = ink > 0.35
    rows = binar.mean(axis=1)
    if rows.max() <= 0:
        return []
    thr = max(0.02, 0.18 * float(np.percentile(rows[rows > 0], 90)))
    lines = []
    for a, b in _runs(rows > thr):
        if b - a < min_height:
            continue
        # caps extent: rows whose ink share is substantial relative to the line's peak
        seg = rows[a:b]
        peak = float(seg.max())
        core = np.nonzero(seg >= 0.25 * peak)[0]
        top, bottom = a + core[0], a + core[-1] + 1
        cap = bottom - top
        pad = int(round(0.45 * cap))
        xs = _glyph_columns(binar[max(0, top - pad) : bottom + pad], cap)
        if len(xs) == 0:
            continue
        left, right = _main_extent(xs, gap=2.5 * (bottom - top))
        lines.append(TextLine(float(top), float(bottom), float(left), float(right + 1)))
    return lines


def _glyph_columns(strip: np.ndarray, cap: float) -> np.ndarray:
    """Columns covered by glyph-like components of a line strip (the line's rows plus a margin):
    specks, things much taller than a glyph (document edges, dark surroundings, frames) and
    thin bars as tall as the line are left out; no MRZ glyph is a bare bar."""
    n, _, st, _ = cv2.connectedComponentsWithStats(strip.astype(np.uint8), connectivity=8)
    if n <= 1:
        return np.zeros(0, np.int64)
    st = st[1:]
    x, w, h = st[:, 0], st[:, 2], st[:, 3]
    keep = (h >= 0.3 * cap) & (h <= 1.45 * cap) & ~((w < 0.2 * cap) & (h >= 0.6 * cap))
    cols = np.zeros(strip.shape[1], bool)
    for xi, wi in zip(x[keep], w[keep]):
        cols[xi : xi + wi] = True
    return np.nonzero(cols)[0]


def _main_extent(xs: np.ndarray, gap: float) -> tuple[int, int]:
    """Longest run of columns where no gap exceeds ``gap``."""
    splits = np.nonzero(np.diff(xs) > gap)[0]
    starts = np.concatenate([[0], splits + 1])
    stops = np.concatenate([splits, [len(xs) - 1]])
    lengths = xs[stops] - xs[starts]
    k = int(np.argmax(lengths))
    return int(xs[starts[k]]), int(xs[stops[k]])


def choose_length(width: float, cap_height: float, n_lines: int) -> list[int]:
    """Plausible characters per line, most likely first, from the ink width and cap height."""
    if n_lines >= 3:
        return [30]
    est = width / max(cap_height * PITCH_PER_CAP, 1e-6) + (1 - (_INK_RIGHT - _INK_LEFT))
    order = sorted(LINE_LENGTHS, key=lambda n: abs(np.log(est / n)))
    if n_lines == 2:
        order = [n for n in order if n != 30] + [30]
    return order


def fit_pitch(ink: np.ndarray, line: TextLine, n: int) -> TextLine:
    """Fit ``x0`` and ``pitch`` of ``n`` cells to the ink of ``line``.

    Start from the ink extent, then search a small grid of pitch and offset for the cell
    boundaries that cross the least ink (the gaps between glyphs). Robust to touching glyphs
    (a few boundaries with ink cost little) and broken glyphs (the extent dominates). Then a
    steady change of pitch along the line (``k``, :meth:`TextLine.bounds`), kept only where its
    boundaries cross clearly less ink: a phone's slant that the band's rectification left
    (pitches from 24 to 29 px along one line of a generated photo, whose uniform cells fell
    between two characters by the ninth, and the reading lost one).
    """
    width = line.right - line.left
    p0 = width / (n - 1 + _INK_RIGHT - _INK_LEFT)
    x00 = line.left - _INK_LEFT * p0
    t, b = int(line.top), int(np.ceil(line.bottom))
    prof = ink[max(t, 0) : max(b, t + 1)].mean(axis=0)
    prof = cv2.GaussianBlur(prof.reshape(1, -1).astype(np.float32), (0, 0), max(0.4, p0 * 0.06)).ravel()
    xs = np.arange(len(prof), dtype=np.float32)
    best = (np.inf, p0, x00)
    for dp in np.linspace(-0.02, 0.02, 9):
        p = p0 * (1 + dp)
        for dx in np.linspace(-0.15, 0.15, 13):
            x0 = line.left - _INK_LEFT * p + dx * p
            bounds = x0 + p * np.arange(n + 1)
            cost = float(np.interp(bounds, xs, prof, left=0, right=0).sum())
            # penalise ink left outside the cells
            cost += 0.5 * float(prof[(xs < bounds[0] - 0.1 * p)].sum() + prof[(xs > bounds[-1] + 0.1 * p)].sum()) / max(p, 1)
            cost += 0.3 * abs(dx) + 2.0 * abs(dp)
            if cost < best[0]:
                best = (cost, p, x0)
    cost0, p, x0 = best
    fit = TextLine(line.top, line.bottom, line.left, line.right, float(x0), float(p), n)
    # the same cost for every change of pitch, offset and mean pitch about the uniform fit's
    # at once: boundaries (combinations, n + 1)
    k, dx, dp = (a.ravel() for a in np.meshgrid(np.asarray(PERSPECTIVE_KS),
                                                 np.linspace(-0.15, 0.15, 7),
                                                 np.linspace(-0.02, 0.02, 5), indexing="ij"))
    pp = p * (1 + dp)
    xx0 = x0 + dx * p
    u = np.arange(n + 1, dtype=np.float64) / n
    bounds = xx0[:, None] + n * pp[:, None] * u * (1 + k[:, None]) / (1 + k[:, None] * u)
    cost = np.interp(bounds.ravel(), xs, prof, left=0, right=0).reshape(bounds.shape).sum(axis=1)
    cum = np.concatenate([[0.0], np.cumsum(prof, dtype=np.float64)])
    below = np.clip(np.ceil(bounds[:, 0] - 0.1 * pp), 0, len(prof)).astype(int)
    above = np.clip(np.floor(bounds[:, -1] + 0.1 * pp) + 1, 0, len(prof)).astype(int)
    cost += 0.5 * (cum[below] + cum[-1] - cum[above]) / np.maximum(pp, 1)
    cost += 0.3 * np.abs(dx) + 2.0 * np.abs(dp) + 2.0 * np.abs(k)
    i = int(np.argmin(cost))
    if cost[i] < cost0 - PERSPECTIVE_GAIN * n:
        return TextLine(line.top, line.bottom, line.left, line.right, float(xx0[i]),
                        float(pp[i]), n, float(k[i]))
    return fit


def extract_cells(ink: np.ndarray, line: TextLine, shifts: np.ndarray | None = None) -> np.ndarray:
    """Cell crops of a fitted line: (n, CELL, CELL) float32.

    Vertically the cap height is scaled to :data:`NORM_CAP` pixels; horizontally the *pitch* is
    scaled to ``NORM_CAP * PITCH_PER_CAP`` pixels, so glyph widths are measured against the
    pitch (well estimated from a whole line) rather than against the cap height. ``shifts``
    (n,) optionally moves each cell centre by that many pitches.
    """
    sy = NORM_CAP / max(line.cap_height, 1e-3)
    sx = NORM_CAP * PITCH_PER_CAP / max(line.pitch, 1e-3)
    bounds = line.bounds()
    src = ink
    smin = min(sx, sy)
    if smin < 0.75:  # anti-alias before a large reduction
        src = cv2.GaussianBlur(ink, (0, 0), sigmaX=0.45 / max(sx, 1e-3) if sx < 0.75 else 0.01,
                               sigmaY=0.45 / max(sy, 1e-3) if sy < 0.75 else 0.01)
    n = line.n
    out = np.empty((n, CELL, CELL), np.float32)
    cy = line.y_center
    c = (CELL - 1) / 2.0
    for i in range(n):
        pitch = float(bounds[i + 1] - bounds[i])  # the cell's own, on a foreshortened line
        sx = NORM_CAP * PITCH_PER_CAP / max(pitch, 1e-3)
        cx = 0.5 * float(bounds[i] + bounds[i + 1])
        if shifts is not None:
            cx += float(shifts[i]) * pitch
        # out(u, v) = src(cx + (u - c)/sx, cy + (v - c)/sy)
        m = np.array([[1 / sx, 0, cx - c / sx], [0, 1 / sy, cy - c / sy]], np.float32)
        out[i] = cv2.warpAffine(
            src, m, (CELL, CELL), flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP, borderValue=0
        )
    return out


def periodicity(ink: np.ndarray, line: TextLine) -> tuple[float, float]:
    """(pitch, strength) of the column profile of a line: the autocorrelation peak for lags of
    0.8..1.3 OCR-B pitches. Fixed-pitch MRZ text gives a strong peak (strength near 0.5-0.9);
    proportional text a weak one."""
    t, b = int(line.top), int(np.ceil(line.bottom))
    l, r = int(max(line.left, 0)), int(min(np.ceil(line.right), ink.shape[1]))
    prof = ink[max(t, 0) : max(b, t + 1), l:r].mean(axis=0).astype(np.float64)
    if len(prof) < 8:
        return 0.0, 0.0
    prof = prof - prof.mean()
    denom = float((prof * prof).sum())
    if denom <= 1e-9:
        return 0.0, 0.0
    p0 = line.cap_height * PITCH_PER_CAP
    lo, hi = int(max(2, np.floor(0.8 * p0))), int(min(len(prof) // 2, np.ceil(1.3 * p0)))
    if hi <= lo:
        return 0.0, 0.0
    f = np.fft.rfft(prof, 2 * len(prof))
    ac = np.fft.irfft(f * np.conj(f))[: len(prof)] / denom
    k = lo + int(np.argmax(ac[lo : hi + 1]))
    # parabolic refinement of the peak
    if 0 < k < len(ac) - 1:
        a, b2, c = ac[k - 1], ac[k], ac[k + 1]
        den = a - 2 * b2 + c
        off = 0.5 * (a - c) / den if abs(den) > 1e-12 else 0.0
    else:
        off = 0.0
    return float(k + off), float(ac[k])
