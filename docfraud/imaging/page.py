"""Find a document page in a capture and rectify it to its nominal size.

The page is the largest convex quadrilateral that stands out from the background (a flatbed lid,
a reader's glass, a table): found on edges and on a brightness/colour split, whichever gives the
better quadrilateral.
"""

from __future__ import annotations

from itertools import combinations

import cv2
import numpy as np


def order_corners(pts: np.ndarray) -> np.ndarray:
    """Four points ordered top-left, top-right, bottom-right, bottom-left (float32)."""
    pts = np.asarray(pts, dtype=np.float32).reshape(4, 2)
    c = pts.mean(axis=0)
    ang = np.arctan2(pts[:, 1] - c[1], pts[:, 0] - c[0])
    pts = pts[np.argsort(ang)]  # clockwise in image coordinates, starting near the left
    start = int(np.argmin(pts.sum(axis=1)))  # top-left has the smallest x + y
    return np.roll(pts, -start, axis=0)


#: Below this share of its sides on the image's edges (:func:`edge_support`) an outline's
#: hull is taken to have taken in an object beside the page: the outline's longest straight
#: runs are tried as the page's sides too (:func:`_line_quads`).
HULL_SUPPORT = 0.85


def _quads(mask: np.ndarray, min_area: float, edges: np.ndarray) -> list[np.ndarray]:
    contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_NONE)
    out = []
    for c in sorted(contours, key=cv2.contourArea, reverse=True)[:5]:
        if cv2.contourArea(c) < min_area:
            break
        hull = cv2.convexHull(c)
        peri = cv2.arcLength(hull, True)
        for eps in (0.01, 0.02, 0.03, 0.05):
            approx = cv2.approxPolyDP(hull, eps * peri, True)
            if len(approx) == 4:
                q = order_corners(approx)
                break
        else:
            q = order_corners(cv2.boxPoints(cv2.minAreaRect(hull)))
        out.append(q)
        if edge_support(q, edges) < HULL_SUPPORT:
            out += _line_quads(c, min_area, mask.shape[:2])
    return out


def _line_quads(contour: np.ndarray, min_area: float, shape: tuple[int, int], limit: int = 8
                ) -> list[np.ndarray]:
    """Quadrilaterals on the longest straight runs of an outline: a page that touches another
    object on the table (a sheet under its corner) has one outline with it, whose hull is not
    the page's, while the page's four sides stay the outline's longest straight runs. Each four
    of the ``limit`` longest runs, taken in their order around the outline, meet at four
    corners; those convex, of ``min_area`` and about inside the image (``shape``) are kept."""
    h, w = shape
    out: list[np.ndarray] = []
    peri = cv2.arcLength(contour, True)
    poly = cv2.approxPolyDP(contour, 0.004 * peri, True).reshape(-1, 2).astype(np.float64)
    n = len(poly)
    if n > 4:
        runs = sorted(range(n), key=lambda i: -np.linalg.norm(poly[(i + 1) % n] - poly[i]))
        runs = sorted(i for i in runs[:limit]
                      if np.linalg.norm(poly[(i + 1) % n] - poly[i]) >= 0.06 * peri)
        for four in combinations(runs, 4):
            lines = [np.cross(np.append(poly[i], 1.0), np.append(poly[(i + 1) % n], 1.0))
                     for i in four]
            corners = []
            for a, b in zip(lines, lines[1:] + lines[:1]):
                p = np.cross(a, b)
                if abs(p[2]) < 1e-9:
                    break
                corners.append(p[:2] / p[2])
            if len(corners) < 4:
                continue
            q = np.float32(corners)
            if not cv2.isContourConvex(q.reshape(-1, 1, 2)) or cv2.contourArea(q) < min_area:
                continue
            if (q[:, 0] < -0.1 * w).any() or (q[:, 0] > 1.1 * w).any() or \
                    (q[:, 1] < -0.1 * h).any() or (q[:, 1] > 1.1 * h).any():
                continue
            out.append(order_corners(q))
    return out


def edge_support(quad: np.ndarray, edges: np.ndarray, samples: int = 48) -> float:
    """The share of points along a quadrilateral's four sides (their middle 90%) that lie on
    an edge of ``edges`` (a binary edge map, thickened): 1 for a page's own outline, little for
    a hull that cuts across the table to take in an object beside the page.

    >>> e = np.zeros((100, 100), np.uint8); e[18:23, 20:81] = e[78:83, 20:81] = 255
    >>> e[20:81, 18:23] = e[20:81, 78:83] = 255
    >>> edge_support(np.float32([[20, 20], [80, 20], [80, 80], [20, 80]]), e)
    1.0
    >>> round(edge_support(np.float32([[20, 20], [95, 5], [80, 80], [20, 80]]), e), 2)
    0.57
    """
    h, w = edges.shape[:2]
    t = np.linspace(0.05, 0.95, samples)[:, None]
    hits = []
    for i in range(4):
        a, b = quad[i].astype(np.float64), quad[(i + 1) % 4].astype(np.float64)
        pts = np.rint(a + (b - a) * t).astype(int)
        ok = (pts[:, 0] >= 0) & (pts[:, 0] < w) & (pts[:, 1] >= 0) & (pts[:, 1] < h)
        on = np.zeros(samples, bool)
        on[ok] = edges[pts[ok, 1], pts[ok, 0]] > 0
        hits.append(on.mean())
    return float(np.mean(hits))


def find_page(image: np.ndarray, aspect: float | None = None,
              min_fraction: float = 0.15, turned: bool = False) -> np.ndarray | None:
    """The page's corners (TL, TR, BR, BL) in image coordinates, or None.

    ``aspect`` (width / height of the document), when known, picks the candidate whose sides fit
    it best; ``turned``: the page may lie turned a quarter (its corners are then still listed
    from the image's top left: the caller tries the turns). A page that fills the whole image (a
    reader capture) is returned as the image frame.
    """
    h, w = image.shape[:2]
    scale = 800.0 / max(h, w) if max(h, w) > 800 else 1.0
    small = cv2.resize(image, (round(w * scale), round(h * scale)),
                       interpolation=cv2.INTER_AREA) if scale != 1.0 else image
    gray = cv2.cvtColor(small, cv2.COLOR_BGR2GRAY) if small.ndim == 3 else small
    sh, sw = gray.shape
    min_area = min_fraction * sh * sw
    blur = cv2.GaussianBlur(gray, (5, 5), 0)
    edges = cv2.Canny(blur, 30, 90)
    edges = cv2.dilate(edges, np.ones((5, 5), np.uint8))
    closed = cv2.morphologyEx(edges, cv2.MORPH_CLOSE, np.ones((9, 9), np.uint8))
    filled = np.zeros_like(closed)
    contours, _ = cv2.findContours(closed, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    cv2.drawContours(filled, contours, -1, 255, thickness=cv2.FILLED)
    _, otsu = cv2.threshold(blur, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    cands = []
    for mask in (filled, otsu, 255 - otsu):
        mask = cv2.morphologyEx(mask, cv2.MORPH_OPEN, np.ones((7, 7), np.uint8))
        cands += _quads(mask, min_area, edges)
    frame = np.array([[0, 0], [sw - 1, 0], [sw - 1, sh - 1], [0, sh - 1]], np.float32)
    best, best_score = None, -1.0
    for q in cands:
        area = cv2.contourArea(q)
        if area > 0.97 * sh * sw:
            continue  # the mask of the whole frame
        # a quad whose sides run on the image's edges: an outline's hull that takes in an
        # object beside the page cuts across the table
        score = area / (sh * sw) * (0.25 + 0.75 * edge_support(q, edges)) ** 2
        if aspect:
            a = _aspect(q)
            fit = min(a, aspect) / max(a, aspect)
            if turned:
                fit = max(fit, min(1 / a, aspect) / max(1 / a, aspect))
            score *= fit ** 4
        if score > best_score:
            best, best_score = q, score
    if best is None:
        best = frame
    return (best / scale).astype(np.float32)


def _aspect(q: np.ndarray) -> float:
    top = np.linalg.norm(q[1] - q[0])
    bottom = np.linalg.norm(q[2] - q[3])
    left = np.linalg.norm(q[3] - q[0])
    right = np.linalg.norm(q[2] - q[1])
    return float((top + bottom) / max(left + right, 1e-6))


def warp_page(image: np.ndarray, quad: np.ndarray, size_px: tuple[int, int]) -> np.ndarray:
    """The page inside ``quad`` warped to ``size_px`` (width, height).

    ``quad`` lists the corners that become the output's top-left, top-right, bottom-right and
    bottom-left, in that order (so a page can be turned by rolling its corners).
    """
    w, h = size_px
    dst = np.array([[0, 0], [w - 1, 0], [w - 1, h - 1], [0, h - 1]], np.float32)
    hom = cv2.getPerspectiveTransform(np.asarray(quad, np.float32).reshape(4, 2), dst)
    return cv2.warpPerspective(image, hom, (w, h), flags=cv2.INTER_CUBIC,
                               borderMode=cv2.BORDER_REPLICATE)
