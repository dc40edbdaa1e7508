"""background.screen's measure: periodic energy a capture has that the specimen's print lacks."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from docfraud.compare.measures import screen_excess


def _lines(size: int = 320) -> np.ndarray:
    """A colour fine-line pattern (two families of curved lines), like a guilloche."""
    yy, xx = np.mgrid[:size, :size].astype(np.float32)
    a = np.sin(2 * np.pi * (xx + 0.3 * yy + 6 * np.sin(yy / 23)) / 9)
    b = np.sin(2 * np.pi * (0.8 * yy - 0.4 * xx + 5 * np.sin(xx / 31)) / 7)
    g = 200 + 25 * a + 20 * b
    return np.dstack([g, g - 30 * (a > 0.5), g - 20 * (b > 0.6)]).clip(0, 255)


def _dots(shape: tuple[int, int], period: float, angle_deg: float) -> np.ndarray:
    yy, xx = np.mgrid[:shape[0], :shape[1]].astype(np.float32)
    t = np.radians(angle_deg)
    u, v = xx * np.cos(t) + yy * np.sin(t), -xx * np.sin(t) + yy * np.cos(t)
    return np.cos(2 * np.pi * u / period) * np.cos(2 * np.pi * v / period)


def _captured(img: np.ndarray, blur: float, noise: float, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    out = cv2.GaussianBlur(img.astype(np.float32), (0, 0), blur)
    return (out + rng.normal(0, noise, out.shape)).clip(0, 255)


ONES = np.ones((320, 320), np.uint8)


@pytest.mark.parametrize("blur,noise", [(0.4, 1.0), (0.8, 3.0), (1.2, 2.0)])
def test_a_genuine_print_blurred_and_noisy_shows_no_screen(blur, noise):
    share, _, _, tiles = screen_excess(_lines(), _captured(_lines(), blur, noise), ONES)
    assert tiles == 48 and share < 0.01


def test_a_shaken_capture_keeps_the_lines_along_its_shake_without_a_screen_showing():
    """A phone's shake blurs across one direction only: at the print's own peaks the capture
    keeps more than the ring's median transfer says, which is not a screen."""
    kernel = np.zeros((5, 5), np.float32)
    kernel[2, :] = 1 / 5  # a shake of 5 px
    shaken = cv2.filter2D(_lines().astype(np.float32), -1, kernel)
    share, _, _, _ = screen_excess(_lines(), _captured(shaken, 0.3, 1.5), ONES)
    assert share < 0.005


def test_a_faint_inkjet_screen_under_a_soft_capture_shows():
    """A careful reprint: a screen of 4 px at 15 degrees in one ink, at 8% of the range, then
    captured softly; its period and angle are reported."""
    img = _lines()
    img[..., 0] += 20 * _dots(img.shape[:2], 4.0, 15)
    share, period, angle, _ = screen_excess(_lines(), _captured(img, 0.5, 2.0), ONES)
    assert share > 0.03
    assert period == pytest.approx(4 / np.sqrt(2), abs=0.25)
    assert min(abs(angle - a) for a in (60, 150)) < 6  # the dots' diagonals: 15 + 45, + 135


def test_no_tile_inside_the_mask_is_no_measurement():
    mask = np.zeros((320, 320), np.uint8)
    mask[:50] = 1  # a strip narrower than a tile
    share, period, _, tiles = screen_excess(_lines(), _lines(), mask)
    assert tiles == 0 and np.isnan(share) and period is None
