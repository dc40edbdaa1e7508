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
