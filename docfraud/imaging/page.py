"""Find a document page in a capture and rectify it to its nominal size.

The page is the largest convex quadrilateral that stands out from the background (a flatbed lid,
a reader's glass, a table): found on edges and on a brightness/colour split, whichever gives the
better quadrilateral.
"""

from __future__ import annotations

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


def _quads(mask: np.ndarray, min_area: float) -> list[np.ndarray]:
    contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    out = []
    for c in sorted(contours, key=cv2.contourArea, reverse=True)[:5]:
        if cv2.contourArea(c) < min_area:
            break
        hull = cv2.convexHull(c)
        peri = cv2.arcLength(hull, True)
        for eps in (0.01, 0.02, 0.03, 0.05):
            approx = cv2.approxPolyDP(hull, eps * peri, True)
            if len(approx) == 4:
                out.append(order_corners(approx))
                break
        else:
            rect = cv2.minAreaRect(hull)
            out.append(order_corners(cv2.boxPoints(rect)))
    return out


def find_page(image: np.ndarray, aspect: float | None = None,
              min_fraction: float = 0.15) -> np.ndarray | None:
    """The page's corners (TL, TR, BR, BL) in image coordinates, or None.

    ``aspect`` (width / height of the document), when known, picks the candidate whose sides fit
    it best. A page that fills the whole image (a reader capture) is returned as the image frame.
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
        cands += _quads(mask, min_area)
    frame = np.array([[0, 0], [sw - 1, 0], [sw - 1, sh - 1], [0, sh - 1]], np.float32)
    best, best_score = None, -1.0
    for q in cands:
        area = cv2.contourArea(q)
        if area > 0.97 * sh * sw:
            continue  # the mask of the whole frame
        score = area / (sh * sw)
        if aspect:
            a = _aspect(q)
            fit = min(a, aspect) / max(a, aspect)
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
