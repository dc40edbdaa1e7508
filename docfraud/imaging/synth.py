"""Render MRZ text with the vendored OCR-B font (for tests, training and demos).

The font is ``docfraud/data/OCRB.otf`` (public domain, Matthew Skala; see
``docfraud/data/OCRB-LICENSE.txt``). OCR-B at 10 characters per inch has an advance of
0.723 em and a cap height of 0.701 em, so the character pitch is about 1.03 x the cap height.

>>> img = render_mrz(["P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
...                   "L898902C36UTO7408122F1204159ZE184226B<<<<<10"], cap_height=20)
>>> img.dtype, img.ndim
(dtype('uint8'), 2)
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import numpy as np

SAMPLE_TD3 = ("P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<", "L898902C36UTO7408122F1204159ZE184226B<<<<<10")
SAMPLE_TD2 = ("I<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<", "D231458907UTO7408122F1204159<<<<<<<6")
SAMPLE_TD1 = ("I<UTOD231458907<<<<<<<<<<<<<<<", "7408122F1204159UTO<<<<<<<<<<<6", "ERIKSSON<<ANNA<MARIA<<<<<<<<<<")
"""The ICAO 9303 specimen MRZs (Utopia, Anna Maria Eriksson); every check digit holds."""

ADVANCE_EM = 0.723
CAP_EM = 0.701


def font_path() -> str:
    """Path of the vendored OCR-B font file."""
    return str(resources.files("docfraud") / "data" / "OCRB.otf")


@lru_cache(maxsize=64)
def _font(size_px: int):  # type: ignore[no-untyped-def]
    from PIL import ImageFont

    return ImageFont.truetype(font_path(), size_px)


@dataclass(frozen=True)
class RenderedLayout:
    """Where each rendered character is: ``x0`` of the first cell, ``pitch``, the caps' top and
    bottom rows of each line (in the returned image)."""

    x0: float
    pitch: float
    cap_tops: tuple[float, ...]
    cap_height: float


def render_mrz_layout(
    lines: list[str],
    cap_height: float = 24.0,
    line_spacing: float = 1.75,
    margin: float = 2.0,
    supersample: int = 4,
    tracking: float = 1.0,
) -> tuple[np.ndarray, RenderedLayout]:
    """Render dark MRZ lines on white; ``line_spacing`` and ``margin`` are in cap heights.

    Rendering is done ``supersample`` times larger and reduced with area averaging, so small
    cap heights (5 px) look like real low-resolution captures rather than hinted screen text.
    ``tracking`` scales the pitch (1.0 = the font's own advance).
    """
    from PIL import Image, ImageDraw

    import cv2

    ss = max(1, int(supersample))
    size = max(4, int(round(cap_height * ss / CAP_EM)))
    font = _font(size)
    cap = size * CAP_EM
    pitch = size * ADVANCE_EM * tracking
    n = max(len(s) for s in lines)
    width = int(np.ceil(2 * margin * cap + n * pitch))
    height = int(np.ceil(2 * margin * cap + (len(lines) - 1) * line_spacing * cap + cap))
    img = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(img)
    ascent, _ = font.getmetrics()
    x0 = margin * cap
    tops = []
    for k, s in enumerate(lines):
        top = margin * cap + k * line_spacing * cap
        tops.append(top)
        # the cap top sits at (ascent - cap) below the text origin
        y = top - (ascent - cap)
        for i, ch in enumerate(s):
            draw.text((x0 + i * pitch, y), ch, font=font, fill=0)
    arr = np.asarray(img)
    if ss > 1:
        out_w = max(1, int(round(width / ss)))
        out_h = max(1, int(round(height / ss)))
        fx, fy = out_w / width, out_h / height
        arr = cv2.resize(arr, (out_w, out_h), interpolation=cv2.INTER_AREA)
    else:
        fx = fy = 1.0
    layout = RenderedLayout(
        x0=x0 * fx, pitch=pitch * fx, cap_tops=tuple(t * fy for t in tops), cap_height=cap * fy
    )
    return np.ascontiguousarray(arr), layout


def render_mrz(lines: list[str], cap_height: float = 24.0, **kw: float) -> np.ndarray:
    """Render MRZ lines (dark on white, uint8 grey). See :func:`render_mrz_layout`."""
    return render_mrz_layout(lines, cap_height=cap_height, **kw)[0]  # type: ignore[arg-type]


def make_document(lines: list[str] | tuple[str, ...], cap: float = 16.0, seed: int = 0,
                  size: tuple[int, int] = (620, 900)) -> np.ndarray:
    """A synthetic document (BGR uint8): a light patterned card with ordinary text, a dark
    'photo' and the MRZ printed near the bottom. For tests and demos."""
    import cv2

    rng = np.random.default_rng(seed)
    h, w = size
    img = np.full((h, w, 3), (226, 232, 238), np.float32)
    yy, xx = np.mgrid[0:h, 0:w]
    img -= 10 * (np.sin(xx / 9.0 + yy / 23.0) > 0.6)[..., None]
    img = img.astype(np.uint8)
    cv2.rectangle(img, (30, 40), (230, 300), (90, 80, 70), -1)
    words = ["PASSPORT", "Surname", "ERIKSSON", "Given names", "ANNA MARIA", "Nationality", "UTOPIAN",
             "Date of birth", "12 AUG 74", "Sex F", "Place of birth ZENITH"]
    for k, wd in enumerate(words):
        cv2.putText(img, wd, (260, 60 + 26 * k), cv2.FONT_HERSHEY_SIMPLEX, 0.6, (40, 40, 40), 1, cv2.LINE_AA)
    mrz = render_mrz(list(lines), cap_height=cap, margin=1.0)
    mh, mw = mrz.shape
    x0, y0 = max(0, (w - mw) // 2), max(0, h - mh - 25)
    mh, mw = min(mh, h - y0), min(mw, w - x0)
    region = img[y0 : y0 + mh, x0 : x0 + mw].astype(np.float32)
    ink = (255 - mrz[:mh, :mw].astype(np.float32)) / 255.0
    img[y0 : y0 + mh, x0 : x0 + mw] = (region * (1 - ink[..., None]) + 20 * ink[..., None]).astype(np.uint8)
    noise = rng.normal(0, 3, img.shape)
    return np.clip(img + noise, 0, 255).astype(np.uint8)
