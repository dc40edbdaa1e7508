"""Shared fixtures: synthetic documents with an MRZ, built from the vendored OCR-B font."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from docfraud.imaging.synth import render_mrz

TD3 = ["P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<", "L898902C36UTO7408122F1204159ZE184226B<<<<<10"]
TD1 = ["I<UTOD231458907<<<<<<<<<<<<<<<", "7408122F1204159UTO<<<<<<<<<<<6", "ERIKSSON<<ANNA<MARIA<<<<<<<<<<"]
TD2 = ["I<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<", "D231458907UTO7408122F1204159<<<<<<<6"]

REAL_DATA = Path(__file__).resolve().parents[3] / "shared" / "data" / "mrz-real"


def make_document(lines: list[str], cap: float = 16.0, seed: int = 0, size: tuple[int, int] = (620, 900)) -> np.ndarray:
    """A light card with some ordinary text, a dark 'photo' and the MRZ at the bottom (BGR)."""
    rng = np.random.default_rng(seed)
    h, w = size
    img = np.full((h, w, 3), (226, 232, 238), np.uint8)
    # a soft background pattern
    yy, xx = np.mgrid[0:h, 0:w]
    img = (img.astype(np.float32) - 10 * (np.sin(xx / 9.0 + yy / 23.0) > 0.6)[..., None]).astype(np.uint8)
    cv2.rectangle(img, (30, 40), (230, 300), (90, 80, 70), -1)  # the photo
    words = ["PASSPORT", "Surname", "ERIKSSON", "Given names", "ANNA MARIA", "Nationality", "UTOPIAN",
             "Date of birth", "12 AUG 74", "Sex F", "Place of birth ZENITH"]
    for k, wd in enumerate(words):
        cv2.putText(img, wd, (260, 60 + 26 * k), cv2.FONT_HERSHEY_SIMPLEX, 0.6, (40, 40, 40), 1, cv2.LINE_AA)
    mrz = render_mrz(lines, cap_height=cap, margin=1.0)
    mh, mw = mrz.shape
    x0, y0 = (w - mw) // 2, h - mh - 25
    region = img[y0 : y0 + mh, x0 : x0 + mw].astype(np.float32)
    ink = (255 - mrz.astype(np.float32)) / 255.0
    img[y0 : y0 + mh, x0 : x0 + mw] = (region * (1 - ink[..., None]) + 20 * ink[..., None]).astype(np.uint8)
    noise = rng.normal(0, 3, img.shape)
    return np.clip(img + noise, 0, 255).astype(np.uint8)


@pytest.fixture(scope="session")
def reader():
    from docfraud.imaging.reader import MRZReader

    return MRZReader()


@pytest.fixture(scope="session")
def td3_document() -> np.ndarray:
    return make_document(TD3)


@pytest.fixture
def real_data() -> Path:
    if not (REAL_DATA / "ground_truth.json").exists():
        pytest.skip(f"real MRZ images not available: {REAL_DATA} is absent (it lives in ../shared/data)")
    return REAL_DATA
