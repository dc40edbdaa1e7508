"""Find candidate MRZ bands in an image, at any rotation, several per image.

Method (scale- and rotation-free, measured on photos, scans and screenshots):

1. *Text mask*: a black-hat (15 px) picks dark strokes thinner than the kernel, whatever the
   text size; Otsu (with a floor) binarises it.
2. *Glyph components*: connected components of plausible glyph size.
3. *Chains*: two components are linked when their centres are closer than 1.5x the larger one's
   size and their sizes differ by less than 3x; MRZ characters sit about one cap height apart and
   MRZ lines about 1.7 cap heights apart, so chains are text lines (sometimes whole blocks).
4. *Lines*: each chain's text direction is the one whose perpendicular projection of the glyph
   centres is sharpest (a projection-profile skew search, coarse 2 degrees then 0.25 degree);
   its components are split into lines by gaps across that direction, into pieces by large gaps
   along it, and each line is fitted with a straight centre line.
5. *Bands*: runs of 2 or 3 parallel, stacked, similar-length lines spaced like MRZ lines. The band
   is returned as a quadrilateral around the run (following each line's own fit, so perspective
   is followed), with the text direction along TL->TR. Whether the text reads TL->TR or is upside
   down (180 degrees) is not decided here: the reader tries both.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import cv2
import numpy as np

from docfraud.imaging.load import to_gray, to_working

WORK_MAX_SIDE = 1400
WORK_MIN_SIDE = 800


@dataclass(frozen=True)
class LineFit:
    """A text line: centre-line end points ``p0`` -> ``p1`` (image coordinates), the glyph size
    ``height`` and the number of components ``count``."""

    p0: np.ndarray
    p1: np.ndarray
    height: float
    count: int

    @property
    def direction(self) -> np.ndarray:
        d = self.p1 - self.p0
        return d / max(float(np.hypot(*d)), 1e-9)

    @property
    def length(self) -> float:
        return float(np.hypot(*(self.p1 - self.p0)))

    @property
    def center(self) -> np.ndarray:
        return 0.5 * (self.p0 + self.p1)


@dataclass(frozen=True)
class Band:
    """A candidate MRZ band.

    ``quad`` is (4, 2) float32 TL, TR, BR, BL in original image coordinates, with the text lines
    running TL->TR (the band may still be upside down). ``lines`` is how many text lines were
    found in it, ``char_height`` the glyph size in original pixels, ``angle`` the direction of
    TL->TR in degrees (image axes, y down), ``score`` a ranking hint (higher is better).
    """

    quad: np.ndarray
    lines: int
    char_height: float
    angle: float
    score: float
    line_fits: tuple[LineFit, ...] = field(default=(), repr=False, compare=False)


def text_mask(gray: np.ndarray, kernel: int = 15, floor: float = 22.0) -> np.ndarray:
    """Binary mask (uint8 0/255) of dark strokes thinner than ``kernel``."""
    k = cv2.getStructuringElement(cv2.MORPH_RECT, (kernel, kernel))
    bh = cv2.morphologyEx(gray, cv2.MORPH_BLACKHAT, k)
    t, m = cv2.threshold(bh, 0, 255, cv2.THRESH_BINARY | cv2.THRESH_OTSU)
    if t < floor:
        _, m = cv2.threshold(bh, floor, 255, cv2.THRESH_BINARY)
    return m


def glyph_components(mask: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Components of glyph size: (stats (N, 5) x, y, w, h, area; centres (N, 2); size (N,))."""
    n, _, st, cen = cv2.connectedComponentsWithStats(mask, connectivity=8)
    st, cen = st[1:], cen[1:]
    w, h, a = st[:, 2], st[:, 3], st[:, 4]
    s = np.maximum(w, h)
    H, W = mask.shape
    keep = (s >= 4) & (s < min(H, W) / 4) & (a >= 5) & (a <= 0.9 * w * h + 1)
    return st[keep], cen[keep].astype(np.float32), s[keep].astype(np.float32)


def link_components(cen: np.ndarray, size: np.ndarray, reach: float = 1.5, ratio: float = 3.0) -> np.ndarray:
    """Chain label of each component (see the module docstring)."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    n = len(size)
    if n == 0:
        return np.zeros(0, np.int64)
    order = np.argsort(cen[:, 0])
    xs = cen[order, 0]
    rows, cols = [], []
    smax_all = float(size.max())
    # window over x: partners lie within reach * max size
    block = 512
    for a in range(0, n, block):
        idx = order[a : a + block]
        lo = np.searchsorted(xs, xs[a] - reach * smax_all * 1.01)
        hi = np.searchsorted(xs, xs[min(a + block, n) - 1] + reach * smax_all * 1.01)
        jdx = order[lo:hi]
        d = np.hypot(cen[idx, None, 0] - cen[None, jdx, 0], cen[idx, None, 1] - cen[None, jdx, 1])
        smax = np.maximum(size[idx, None], size[None, jdx])
        smin = np.minimum(size[idx, None], size[None, jdx])
        link = (d < reach * smax) & (smax < ratio * smin)
        ii, jj = np.nonzero(link)
        rows.append(idx[ii])
        cols.append(jdx[jj])
    r = np.concatenate(rows)
    c = np.concatenate(cols)
    g = coo_matrix((np.ones(len(r), np.int8), (r, c)), shape=(n, n))
    _, labels = connected_components(g, directed=False)
    return labels


def chain_direction(pts: np.ndarray, size: float) -> float:
    """Text direction (radians, in [0, pi)) of a chain of glyph centres: the direction whose
    perpendicular projection is sharpest (text lines stack into few narrow bins)."""
    if len(pts) < 2:
        return 0.0
    c = pts - pts.mean(axis=0)
    binw = max(0.3 * size, 1.0)

    def sharp(thetas: np.ndarray) -> np.ndarray:
        v = -np.sin(thetas)[:, None] * c[None, :, 0] + np.cos(thetas)[:, None] * c[None, :, 1]
        b = np.floor(v / binw).astype(np.int64)
        b -= b.min(axis=1, keepdims=True)
        out = np.empty(len(thetas))
        for k in range(len(thetas)):
            cnt = np.bincount(b[k])
            # smooth over neighbouring bins so a line split across two bins still scores
            cnt = cnt + np.concatenate([[0], cnt[:-1]])
            out[k] = float((cnt.astype(np.float64) ** 2).sum())
        return out

    coarse = np.radians(np.arange(0, 180, 2.0))
    t0 = coarse[int(np.argmax(sharp(coarse)))]
    fine = t0 + np.radians(np.arange(-2.0, 2.01, 0.25))
    t1 = fine[int(np.argmax(sharp(fine)))]
    return float(t1 % np.pi)


def fit_lines(st: np.ndarray, cen: np.ndarray, size: np.ndarray, labels: np.ndarray,
              min_count: int = 6) -> list[LineFit]:
    """Straight text lines inside each chain."""
    out: list[LineFit] = []
    counts = np.bincount(labels) if len(labels) else np.zeros(0, int)
    for lab in np.nonzero(counts >= min_count)[0]:
        idx = np.nonzero(labels == lab)[0]
        pts = cen[idx]
        smed = float(np.median(size[idx]))
        theta = chain_direction(pts, smed)
        d = np.array([np.cos(theta), np.sin(theta)])
        if d[0] < 0:
            d = -d
        nrm = np.array([-d[1], d[0]])
        mu = pts.mean(axis=0)
        u = (pts - mu) @ d
        v = (pts - mu) @ nrm
        # perpendicular / along extent of each box (glyph height / width proxies)
        w, h = st[idx, 2].astype(np.float32), st[idx, 3].astype(np.float32)
        ext_v = np.abs(nrm[0]) * w + np.abs(nrm[1]) * h
        ext_u = np.abs(d[0]) * w + np.abs(d[1]) * h
        hmed = float(np.median(ext_v))
        # split into lines across the direction, then into pieces along it
        ordv = np.argsort(v)
        cuts = np.nonzero(np.diff(v[ordv]) > 0.45 * hmed)[0]
        for row in np.split(ordv, cuts + 1):
            if len(row) < min_count:
                continue
            ordu = row[np.argsort(u[row])]
            hrow = float(np.median(ext_v[row]))
            gaps = (u[ordu][1:] - ext_u[ordu][1:] / 2) - (u[ordu][:-1] + ext_u[ordu][:-1] / 2)
            ucuts = np.nonzero(gaps > 2.5 * hrow)[0]
            for part in np.split(ordu, ucuts + 1):
                if len(part) < min_count:
                    continue
                fit = _fit_one(u[part], v[part], ext_u[part], ext_v[part], mu, d, nrm)
                if fit is not None:
                    out.append(fit)
    return out


def _fit_one(uu, vv, eu, ev, mu, d, nrm) -> LineFit | None:  # type: ignore[no-untyped-def]
    hl = float(np.median(ev))
    keep = np.ones(len(uu), bool)
    a, b = 0.0, float(np.median(vv))
    for _ in range(2):
        if keep.sum() < 3:
            break
        A = np.stack([uu[keep], np.ones(int(keep.sum()))], 1)
        a, b = np.linalg.lstsq(A, vv[keep], rcond=None)[0]
        res = np.abs(vv - (a * uu + b))
        keep = res < max(0.35 * hl, 1.0)
    u0 = float((uu - eu / 2).min())
    u1 = float((uu + eu / 2).max())
    p0 = mu + d * u0 + nrm * (a * u0 + b)
    p1 = mu + d * u1 + nrm * (a * u1 + b)
    return LineFit(p0.astype(np.float32), p1.astype(np.float32), hl, len(uu))


def _angle(d: np.ndarray) -> float:
    return float(np.degrees(np.arctan2(d[1], d[0])))


def _aligned(ln: LineFit, d: np.ndarray) -> LineFit:
    """``ln`` with its direction turned to agree with ``d`` (a fit's sign is arbitrary)."""
    return ln if float(np.dot(ln.direction, d)) >= 0 else LineFit(ln.p1, ln.p0, ln.height, ln.count)


def assemble_bands(lines: list[LineFit], max_lines: int = 3) -> list[tuple[LineFit, ...]]:
    """Runs of 2..3 parallel, stacked, similar lines (MRZ-like), plus long single lines.

    Stacking is undirected (a band may be upside down); each run is returned ordered across
    the lines in the frame of its first line's direction.
    """
    cand = [ln for ln in lines if ln.length >= 12 * ln.height and ln.count >= 8]
    n = len(cand)
    off = np.zeros((n, n))
    nbr: list[set[int]] = [set() for _ in range(n)]
    for i in range(n):
        a = cand[i]
        d = a.direction
        nrm = np.array([-d[1], d[0]])
        for j in range(i + 1, n):
            b = _aligned(cand[j], d)
            if float(np.dot(d, b.direction)) < np.cos(np.radians(6)):
                continue
            h = max(a.height, b.height)
            if min(a.height, b.height) < 0.6 * h:
                continue
            o = float(np.dot(b.center - a.center, nrm))
            if not (0.9 * h <= abs(o) <= 3.5 * h):
                continue
            ub = sorted([float(np.dot(b.p0 - a.p0, d)), float(np.dot(b.p1 - a.p0, d))])
            ov = min(a.length, ub[1]) - max(0.0, ub[0])
            if ov < 0.6 * min(a.length, ub[1] - ub[0]):
                continue
            if min(a.length, b.length) < 0.55 * max(a.length, b.length):
                continue
            nbr[i].add(j)
            nbr[j].add(i)
    runs: list[tuple[LineFit, ...]] = []

    def ordered(idx: tuple[int, ...]) -> tuple[LineFit, ...]:
        d = cand[idx[0]].direction
        nrm = np.array([-d[1], d[0]])
        lns = [_aligned(cand[k], d) for k in idx]
        return tuple(sorted(lns, key=lambda ln: float(np.dot(ln.center, nrm))))

    for i in range(n):
        for j in nbr[i]:
            if j > i:
                runs.append(ordered((i, j)))
        if max_lines >= 3:
            # i in the middle: one neighbour on each side
            d = cand[i].direction
            nrm = np.array([-d[1], d[0]])
            js = sorted(nbr[i])
            for x in range(len(js)):
                for y in range(x + 1, len(js)):
                    oa = float(np.dot(cand[js[x]].center - cand[i].center, nrm))
                    ob = float(np.dot(cand[js[y]].center - cand[i].center, nrm))
                    if oa * ob < 0:
                        runs.append(ordered((js[x], i, js[y])))
    # long single lines: the band may be a whole MRZ fused in one line fit, or its partner lost
    for ln in cand:
        if ln.length >= 20 * ln.height:
            runs.append((ln,))
    return runs


def band_from_run(run: tuple[LineFit, ...], margin: float = 0.9) -> Band:
    # give every line the first line's direction (a line fit's sign is arbitrary near vertical)
    d0 = run[0].direction
    run = tuple(_aligned(ln, d0) for ln in run)
    first, last = run[0], run[-1]
    d = first.direction
    nrm = np.array([-d[1], d[0]], np.float32)
    h = float(np.median([ln.height for ln in run]))
    if len(run) == 1:
        up = dn = 1.8 * h  # also take in a neighbour line that may have been missed
    else:
        up = dn = margin * h
    # left/right ends from the extreme line ends, projected on the first line's direction
    us = []
    for ln in run:
        us += [float(np.dot(ln.p0 - first.p0, d)), float(np.dot(ln.p1 - first.p0, d))]
    u0, u1 = min(us) - 0.7 * h, max(us) + 0.7 * h
    # follow perspective: top edge along the first line, bottom edge along the last line
    def at(ln: LineFit, u: float) -> np.ndarray:
        dd = ln.direction
        # point on ln's centre line at the projection u measured along the first line
        t = (u - float(np.dot(ln.p0 - first.p0, d))) / max(float(np.dot(dd, d)), 1e-6)
        return ln.p0 + dd * t

    tl = at(first, u0) - nrm * up
    tr = at(first, u1) - nrm * up
    br = at(last, u1) + nrm * dn
    bl = at(last, u0) + nrm * dn
    quad = np.stack([tl, tr, br, bl]).astype(np.float32)
    return Band(quad, len(run), h, _angle(d), mrz_likeness(run), run)


def mrz_likeness(run: tuple[LineFit, ...]) -> float:
    """Ranking hint for a run of lines: MRZ lines are long (30-44 glyphs, so length/height
    about 25-50), have about one component per glyph pitch, and equal lengths; 2-3 lines."""
    ratios = np.array([ln.length / max(ln.height, 1e-6) for ln in run])
    density = np.array([ln.count * ln.height / max(ln.length, 1e-6) for ln in run])
    lengths = np.array([ln.length for ln in run])
    s_len = float(np.mean(np.minimum(ratios, 40.0) / 40.0))
    s_den = float(np.mean(1.0 - np.minimum(1.0, 2.0 * np.abs(np.log(np.maximum(density, 1e-3))))))
    s_eq = float(lengths.min() / lengths.max())
    s_lines = 0.5 * min(len(run), 3) if len(run) > 1 else 0.0
    return s_lines + s_len + s_den + s_eq


def find_bands(image: np.ndarray, max_bands: int = 8) -> list[Band]:
    """Candidate MRZ bands of an image (BGR or grey), best first, in original coordinates."""
    gray = to_gray(image)
    work, s = to_working(gray, WORK_MAX_SIDE, WORK_MIN_SIDE)
    mask = text_mask(work)
    st, cen, size = glyph_components(mask)
    labels = link_components(cen, size)
    lines = fit_lines(st, cen, size, labels)
    runs = assemble_bands(lines)
    bands = [band_from_run(r) for r in runs]
    # back to original coordinates
    out = []
    for b in bands:
        q = b.quad / s
        fits = tuple(LineFit(f.p0 / s, f.p1 / s, f.height / s, f.count) for f in b.line_fits)
        out.append(Band(q.astype(np.float32), b.lines, b.char_height / s, b.angle, b.score, fits))
    out.sort(key=lambda b: -b.score)
    return _suppress(out)[:max_bands]


def _suppress(bands: list[Band]) -> list[Band]:
    """Drop a band whose quad lies mostly inside a better one already kept."""
    kept: list[Band] = []
    for b in bands:
        c = b.quad.mean(axis=0)
        dup = False
        for k in kept:
            if cv2.pointPolygonTest(k.quad.reshape(-1, 1, 2), (float(c[0]), float(c[1])), False) >= 0:
                area_b = cv2.contourArea(b.quad)
                area_k = cv2.contourArea(k.quad)
                if area_b <= 1.3 * area_k and abs(((b.angle - k.angle + 90) % 180) - 90) < 8:
                    dup = True
                    break
        if not dup:
            kept.append(b)
    return kept
