"""Rectify a located band to a horizontal strip of known text size.

>>> import numpy as np
>>> img = np.full((100, 200), 255, np.uint8)
>>> quad = np.array([[10, 10], [190, 10], [190, 60], [10, 60]], np.float32)
>>> out, h = rectify_quad(img, quad, scale=0.5)
>>> out.shape
(25, 90)
"""

from __future__ import annotations

import cv2
import numpy as np

TARGET_CAP = 28.0
"""Cap height (px) of rectified bands."""
MAX_OUTPUT_PIXELS = 8_000_000
"""A rectified band larger than this is a degenerate quad: an empty image is returned."""


def quad_size(quad: np.ndarray) -> tuple[float, float]:
    """(width, height) of a TL, TR, BR, BL quadrilateral (mean of opposite sides)."""
    q = np.asarray(quad, np.float64)
    w = 0.5 * (np.hypot(*(q[1] - q[0])) + np.hypot(*(q[2] - q[3])))
    h = 0.5 * (np.hypot(*(q[3] - q[0])) + np.hypot(*(q[2] - q[1])))
    return float(w), float(h)


def rectify_quad(gray: np.ndarray, quad: np.ndarray, scale: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
    """Warp the quadrilateral (TL, TR, BR, BL) to an upright rectangle, ``scale`` output pixels
    per source pixel. Returns (image, 3x3 homography source -> output)."""
    w, h = quad_size(quad)
    if not (np.isfinite(w) and np.isfinite(h)) or w * h * scale * scale > MAX_OUTPUT_PIXELS:
        return np.zeros((0, 0), np.uint8), np.eye(3)
    ow, oh = max(1, int(round(w * scale))), max(1, int(round(h * scale)))
    dst = np.array([[0, 0], [ow, 0], [ow, oh], [0, oh]], np.float32)
    hom = cv2.getPerspectiveTransform(np.asarray(quad, np.float32), dst)
    src = gray
    if scale < 0.7:
        # anti-alias: blur only the region the quad covers
        x, y, bw, bh = cv2.boundingRect(np.asarray(quad, np.float32))
        x0, y0 = max(x - 4, 0), max(y - 4, 0)
        x1, y1 = min(x + bw + 4, gray.shape[1]), min(y + bh + 4, gray.shape[0])
        if x1 > x0 and y1 > y0:
            roi = cv2.GaussianBlur(gray[y0:y1, x0:x1], (0, 0), 0.45 / scale)
            shift = np.array([[1, 0, x0], [0, 1, y0], [0, 0, 1]], np.float64)
            hom_roi = hom @ shift
            out = cv2.warpPerspective(roi, hom_roi, (ow, oh), flags=cv2.INTER_LINEAR,
                                      borderMode=cv2.BORDER_REPLICATE)
            return out, hom
    out = cv2.warpPerspective(src, hom, (ow, oh), flags=cv2.INTER_CUBIC if scale > 1.3 else cv2.INTER_LINEAR,
                              borderMode=cv2.BORDER_REPLICATE)
    return out, hom


def rotate180(img: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(img[::-1, ::-1])


def band_to_image(quad: np.ndarray, hom: np.ndarray, pts: np.ndarray) -> np.ndarray:
    """Map points of the rectified band back to image coordinates."""
    inv = np.linalg.inv(hom)
    p = cv2.perspectiveTransform(np.asarray(pts, np.float64).reshape(-1, 1, 2), inv)
    return p.reshape(-1, 2)
