"""Finding the page in a photo: its own outline, not the hull of what touches it."""

import cv2
import numpy as np
import pytest

from docfraud.imaging.page import find_page

PAGE = np.float32([[260, 170], [820, 200], [800, 560], [240, 540]])  # TL, TR, BR, BL


def _table(turn: bool = False, touching: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """A bright page with lines of print on a dark, noisy table; where ``touching``, a sheet of
    another colour lies under its top-left corner and a strip under its bottom edge, both
    standing out from the table as the page does."""
    rng = np.random.default_rng(3)
    img = rng.normal(70, 6, (720, 1000, 3)).clip(0, 255).astype(np.uint8)
    page = PAGE.copy()
    if turn:  # the page turned a quarter about its centre
        c = page.mean(axis=0)
        page = (page - c) @ np.float32([[0, -1], [1, 0]]).T * np.float32([0.62, 1.0]) + c
    if touching:
        cv2.fillPoly(img, [np.int32([[120, 60], [330, 100], [300, 260], [100, 230]])],
                     (120, 200, 150))
        cv2.fillPoly(img, [np.int32([[500, 520], [700, 600], [680, 680], [480, 600]])],
                     (190, 160, 230))
    cv2.fillPoly(img, [page.astype(np.int32)], (232, 236, 238))
    hom = cv2.getPerspectiveTransform(np.float32([[0, 0], [1, 0], [1, 1], [0, 1]]), page)
    for y in np.linspace(0.15, 0.85, 8):  # lines of print
        ends = cv2.perspectiveTransform(np.float32([[[0.08, y]], [[0.7, y]]]), hom)
        cv2.line(img, tuple(int(v) for v in ends[0, 0]), tuple(int(v) for v in ends[1, 0]),
                 (40, 40, 40), 3)
    return cv2.GaussianBlur(img, (0, 0), 1.2), page


def _off(found: np.ndarray, page: np.ndarray) -> float:
    """The largest corner distance (pixels), over the four ways of listing the corners."""
    return min(float(np.linalg.norm(found - np.roll(page, t, axis=0), axis=1).max())
               for t in range(4))


@pytest.mark.parametrize("touching", [False, True])
def test_the_page_is_found_by_its_own_sides(touching):
    img, page = _table(touching=touching)
    aspect = 560 / 350
    found = find_page(img, aspect=aspect)
    assert _off(found, page) < 6, found


def test_a_page_turned_a_quarter_is_found_where_the_caller_allows_it():
    img, page = _table(turn=True)
    aspect = 560 / 350
    found = find_page(img, aspect=aspect, turned=True)
    assert _off(found, page) < 6, found
