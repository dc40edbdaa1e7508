"""Procedural artwork of document specimens: layered, multi-light rendering.

A :class:`SpecimenDesign` is a list of *elements* per side (guilloche, rainbow tint, captions,
microprint, emblem, UV motif, fibres, OVE patch, portrait, ghost, VIZ fields, MRZ, signature,
barcode) plus the zones that ``specimen.toml`` describes. Every element prints with an
:class:`Ink` that says how it looks in white light, how much it absorbs in the infrared
(about 900 nm: 0 drops out, 1 stays black) and whether it fluoresces under UV (365 nm).
Elements belong to a *layer*: ``"security"`` (pre-printed on every blank of the series) or
``"personal"`` (printed at personalisation: portrait, ghost, VIZ fields, MRZ, signature,
barcode).

Rendering composites the marks of the elements on the paper, once per light::

    white = paper * prod(1 - c * (1 - ink colour))      (subtractive inks)
    ir    = paper_ir * prod(1 - c * ink.ir)
    uv    = uv * (1 - c * ink.uv_quench) + c * ink.uv    (dull paper, fluorescent inks add light)

so that a genuine document of the series can be re-rendered for any holder
(:func:`render_document`), and a forgery by a :class:`Variant` of the design: an element left
out, shifted, printed in another font or another ink, a field printed with other text, or a
different MRZ.

>>> doc = render_document("ZZA/ID-2023", sides=["back"])
>>> back = doc.sides["back"]
>>> back.white.shape, back.ir.shape, back.uv.shape
((638, 1011, 3), (638, 1011), (638, 1011, 3))
>>> doc.mrz[2]
'SPECIMEN<<TOMAS<ELIAN<<<<<<<<<'
"""

from __future__ import annotations

import dataclasses
import re
import zlib
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from importlib import resources
from typing import Any, Callable, Mapping, Sequence

import numpy as np

from docfraud.mrz.generate import generate
from docfraud.synth.portrait import draw_portrait, fit_portrait, ghost_coverage

Rect = tuple[float, float, float, float]  # x, y, width, height in mm from the top-left corner
RGB = tuple[float, float, float]

OCRB_ADVANCE_EM = 0.723  # OCR-B advance width (em) at its natural pitch
MRZ_PITCH_MM = 2.54      # 10 characters per inch
LAYERS = ("security", "personal")


def data_path(name: str) -> str:
    """Path of a file in ``docfraud/data`` (fonts); absolute paths are returned unchanged."""
    if "/" in name:
        return name
    return str(resources.files("docfraud") / "data" / name)


FONT_SANS = "DejaVuSans.ttf"
FONT_BOLD = "DejaVuSans-Bold.ttf"
FONT_SERIF = "DejaVuSerif.ttf"
FONT_OCRB = "OCRB.otf"


# --------------------------------------------------------------------------- inks and paper

@dataclass(frozen=True)
class Ink:
    """How a printed element looks under each light.

    ``rgb``: colour at full coverage on white paper (0..1); ``ir``: infrared absorbance at full
    coverage (0 = IR-transparent, drops out; 1 = carbon black); ``uv``: emitted colour under UV
    (None = not fluorescent); ``uv_quench``: how much it darkens the already dull paper in UV.
    """

    name: str
    rgb: RGB
    ir: float = 0.0
    uv: RGB | None = None
    uv_quench: float = 0.3


@dataclass(frozen=True)
class Paper:
    """The substrate: colour in white light, IR reflectance and its (dull) UV appearance."""

    rgb: RGB = (0.975, 0.972, 0.958)
    ir: float = 0.95
    uv: RGB = (0.11, 0.085, 0.22)


BLACK = Ink("black personalisation (carbon)", (0.07, 0.07, 0.09), ir=0.95, uv_quench=0.6)
MRZ_INK = Ink("MRZ black (carbon)", (0.05, 0.05, 0.06), ir=1.0, uv_quench=0.7)
SIGNATURE_INK = Ink("signature (digital print, carbon)", (0.09, 0.1, 0.22), ir=0.85, uv_quench=0.6)
PORTRAIT_INK = Ink("portrait (process colour + black)", (0.0, 0.0, 0.0), ir=0.8, uv_quench=0.72)
INVISIBLE = (1.0, 1.0, 1.0)


# --------------------------------------------------------------------------- holder

MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")


def format_date(d: date, fmt: str) -> str:
    """A date in a VIZ format made of ``DD``, ``MM``, ``MMM``, ``YYYY``, ``YY``.

    >>> format_date(date(1974, 8, 12), "DD MMM YYYY"), format_date(date(2031, 1, 2), "DD.MM.YYYY")
    ('12 AUG 1974', '02.01.2031')
    """
    tokens = {"YYYY": f"{d.year:04d}", "YY": f"{d.year % 100:02d}", "MMM": MONTHS[d.month - 1],
              "MM": f"{d.month:02d}", "DD": f"{d.day:02d}"}
    return re.sub("YYYY|YY|MMM|MM|DD", lambda m: tokens[m.group(0)], fmt)


@dataclass
class Holder:
    """The personal data printed on a document (VIZ text may hold diacritics; the MRZ is
    transliterated by :func:`docfraud.mrz.generate.generate`)."""

    surname: str
    given_names: str
    document_number: str
    nationality: str
    birth_date: date
    sex: str
    expiry_date: date
    issue_date: date | None = None
    place_of_birth: str = ""
    authority: str = ""
    optional_data: str = ""
    optional_data_2: str = ""
    extra: dict[str, str] = field(default_factory=dict)   # design-specific fields (visa data, address)
    portrait_seed: int = 0                                 # for the procedural portrait

    def value(self, source: str, date_format: str | None = None) -> str:
        """The printed text of a field: an attribute name or ``extra:KEY``."""
        if source.startswith("extra:"):
            return self.extra.get(source[6:], "")
        v = getattr(self, source)
        if isinstance(v, date):
            return format_date(v, date_format or "DD MMM YYYY")
        return "" if v is None else str(v)


# --------------------------------------------------------------------------- canvas and marks

@dataclass(frozen=True)
class Canvas:
    """A side's pixel grid: ``size_mm`` at ``dpi``; ``origin_mm`` shifts what is drawn."""

    size_mm: tuple[float, float]
    dpi: int
    origin_mm: tuple[float, float] = (0.0, 0.0)

    @property
    def shape(self) -> tuple[int, int]:
        w = int(round(self.size_mm[0] / 25.4 * self.dpi))
        h = int(round(self.size_mm[1] / 25.4 * self.dpi))
        return h, w

    @property
    def ppmm(self) -> float:
        return self.dpi / 25.4

    def px(self, x_mm: float, y_mm: float) -> tuple[float, float]:
        """Pixel coordinates (of pixel centres' grid, 0 = left edge) of a point in mm."""
        return ((x_mm + self.origin_mm[0]) * self.ppmm, (y_mm + self.origin_mm[1]) * self.ppmm)

    def box(self, rect: Rect) -> tuple[int, int, int, int]:
        """Integer pixel box (x0, y0, x1, y1) of a rect, clipped to the canvas."""
        h, w = self.shape
        x0, y0 = self.px(rect[0], rect[1])
        x1, y1 = self.px(rect[0] + rect[2], rect[1] + rect[3])
        return (max(0, int(np.floor(x0))), max(0, int(np.floor(y0))),
                min(w, int(np.ceil(x1))), min(h, int(np.ceil(y1))))


@dataclass
class Mark:
    """Ink coverage (0..1) of one element within a pixel ``box`` (x0, y0, x1, y1).

    ``colour`` (h, w, 3) overrides the ink's colour per pixel (rainbow, portrait); ``ir``
    (h, w) overrides its IR absorbance per pixel."""

    box: tuple[int, int, int, int]
    coverage: np.ndarray
    ink: Ink
    colour: np.ndarray | None = None
    ir: np.ndarray | None = None


def _full(canvas: Canvas) -> tuple[int, int, int, int]:
    h, w = canvas.shape
    return (0, 0, w, h)


SHIFT = 4  # fixed-point bits for OpenCV drawing


def _lines_mask(canvas: Canvas, curves: Sequence[np.ndarray], thickness: int = 1,
                box: tuple[int, int, int, int] | None = None, value: int = 255) -> np.ndarray:
    """Anti-aliased polylines (arrays of (n, 2) points in mm) as a uint8 mask of ``box``."""
    import cv2

    x0, y0, x1, y1 = box or _full(canvas)
    m = np.zeros((y1 - y0, x1 - x0), np.uint8)
    s = canvas.ppmm
    ox, oy = canvas.origin_mm
    pts = []
    for c in curves:
        p = (c + (ox, oy)) * s - (x0, y0) - 0.5
        pts.append(np.round(p * (1 << SHIFT)).astype(np.int32))
    if pts:
        cv2.polylines(m, pts, False, value, thickness, cv2.LINE_AA, SHIFT)
    return m


def _fill_mask(canvas: Canvas, polygons: Sequence[np.ndarray],
               box: tuple[int, int, int, int] | None = None) -> np.ndarray:
    import cv2

    x0, y0, x1, y1 = box or _full(canvas)
    m = np.zeros((y1 - y0, x1 - x0), np.uint8)
    s = canvas.ppmm
    ox, oy = canvas.origin_mm
    pts = [np.round(((p + (ox, oy)) * s - (x0, y0) - 0.5) * (1 << SHIFT)).astype(np.int32)
           for p in polygons]
    cv2.fillPoly(m, pts, 255, cv2.LINE_AA, SHIFT)
    return m


def _rect_mask(canvas: Canvas, rect: Rect, box: tuple[int, int, int, int],
               radius_mm: float = 0.0) -> np.ndarray:
    """Coverage (0..1) of a (rounded) rectangle within ``box``."""
    x, y, w, h = rect
    r = min(radius_mm, w / 2, h / 2)
    if r <= 0:
        poly = np.array([[x, y], [x + w, y], [x + w, y + h], [x, y + h]], float)
    else:
        t = np.linspace(0, np.pi / 2, 12)
        arcs = []
        for cx, cy, a0 in ((x + w - r, y + r, -np.pi / 2), (x + w - r, y + h - r, 0.0),
                           (x + r, y + h - r, np.pi / 2), (x + r, y + r, np.pi)):
            arcs.append(np.stack([cx + r * np.cos(a0 + t), cy + r * np.sin(a0 + t)], 1))
        poly = np.concatenate(arcs)
    return _fill_mask(canvas, [poly], box).astype(np.float32) / 255.0


def gradient(canvas: Canvas, stops: Sequence[tuple[float, RGB]], angle_deg: float = 0.0,
             box: tuple[int, int, int, int] | None = None) -> np.ndarray:
    """Split-fountain (rainbow) colour field across the whole side, sampled within ``box``:
    colour stops at positions 0..1 along the direction ``angle_deg``; smooth transitions."""
    x0, y0, x1, y1 = box or _full(canvas)
    h, w = canvas.shape
    yy, xx = np.mgrid[y0:y1, x0:x1].astype(np.float32)
    th = np.deg2rad(angle_deg)
    proj = xx * np.cos(th) + yy * np.sin(th)
    corners = [cx * np.cos(th) + cy * np.sin(th) for cx in (0, w) for cy in (0, h)]
    t = (proj - min(corners)) / (max(corners) - min(corners))
    pos = np.array([s[0] for s in stops], np.float32)
    cols = np.array([s[1] for s in stops], np.float32)
    out = np.empty(t.shape + (3,), np.float32)
    for c in range(3):
        out[..., c] = np.interp(t, pos, cols[:, c])
    return out


# --------------------------------------------------------------------------- fonts and text

@lru_cache(maxsize=128)
def _font(path: str, size: int):  # type: ignore[no-untyped-def]
    from PIL import ImageFont

    return ImageFont.truetype(path, size)


@lru_cache(maxsize=32)
def cap_em(path: str) -> float:
    """Cap height of a font in ems (measured on 'H')."""
    f = _font(path, 1000)
    box = f.getbbox("H", anchor="ls")
    return (box[3] - box[1]) / 1000.0


def text_width_mm(text: str, font: str, cap_mm: float, tracking_mm: float = 0.0) -> float:
    """Printed width of a line of text."""
    path = data_path(font)
    size = 1000
    return (_font(path, size).getlength(text) / size * cap_mm / cap_em(path)
            + tracking_mm * max(0, len(text) - 1))


def text_mark(canvas: Canvas, text: str, font: str, cap_mm: float, x_mm: float, y_mm: float,
              ink: Ink, *, anchor: str = "l", tracking_mm: float = 0.0, pitch_mm: float | None = None,
              supersample: int = 3, colour: Callable[[tuple[int, int, int, int]], np.ndarray] | None = None
              ) -> Mark | None:
    """A line of text with its baseline at ``y_mm``; ``anchor`` l/c/r at ``x_mm``.

    With ``pitch_mm`` every character cell starts ``pitch_mm`` after the previous one (MRZ).
    Drawn ``supersample`` times larger and reduced by area averaging (no hinting artefacts).
    """
    import cv2
    from PIL import Image, ImageDraw

    if not text:
        return None
    path = data_path(font)
    ss = max(1, supersample)
    s = canvas.ppmm * ss
    size = max(2, int(round(cap_mm * s / cap_em(path))))
    f = _font(path, size)
    scale = cap_mm * s / (cap_em(path) * size)  # residual after rounding the font size
    if pitch_mm is not None:
        advances = [pitch_mm * s] * len(text)
    else:
        advances = [f.getlength(ch) * scale + tracking_mm * s for ch in text]
        if tracking_mm == 0.0:
            total = f.getlength(text) * scale
            advances = None  # type: ignore[assignment]
    width = sum(advances) if advances is not None else total
    ascent, descent = f.getmetrics()
    x_px, y_px = canvas.px(x_mm, y_mm)
    if anchor == "c":
        x_px -= width / ss / 2
    elif anchor == "r":
        x_px -= width / ss
    pad = 4
    X0 = int(np.floor(x_px)) - pad
    Y0 = int(np.floor(y_px - ascent * scale / ss)) - pad
    X1 = int(np.ceil(x_px + width / ss)) + pad
    Y1 = int(np.ceil(y_px + descent * scale / ss)) + pad
    img = Image.new("L", ((X1 - X0) * ss, (Y1 - Y0) * ss), 0)
    d = ImageDraw.Draw(img)
    ox = (x_px - X0) * ss
    oy = (y_px - Y0) * ss
    if advances is None:
        d.text((ox, oy), text, font=f, fill=255, anchor="ls")
    else:
        xc = ox
        for ch, adv in zip(text, advances):
            d.text((xc, oy), ch, font=f, fill=255, anchor="ls")
            xc += adv
    arr = np.asarray(img, np.float32) / 255.0
    if ss > 1:
        arr = cv2.resize(arr, (X1 - X0, Y1 - Y0), interpolation=cv2.INTER_AREA)
    h, w = canvas.shape
    cx0, cy0, cx1, cy1 = max(0, X0), max(0, Y0), min(w, X1), min(h, Y1)
    if cx1 <= cx0 or cy1 <= cy0:
        return None
    cov = arr[cy0 - Y0:cy1 - Y0, cx0 - X0:cx1 - X0]
    box = (cx0, cy0, cx1, cy1)
    return Mark(box, np.ascontiguousarray(cov), ink, colour(box) if colour else None)


# --------------------------------------------------------------------------- zones

@dataclass(frozen=True)
class Zone:
    """A zone of ``specimen.toml`` (see docs/specimens.md)."""

    id: str
    kind: str
    rect_mm: Rect
    label: str = ""
    mrz_field: str | None = None
    params: Mapping[str, Any] = field(default_factory=dict)
    checks: tuple[str, ...] | None = None


# --------------------------------------------------------------------------- elements

@dataclass
class RenderContext:
    """What elements may draw from: the canvas, the holder, the MRZ lines, the portrait."""

    canvas: Canvas
    holder: Holder
    mrz: list[str]
    portrait: np.ndarray
    seed: int
    design: SpecimenDesign
    side: str


@dataclass(frozen=True, kw_only=True)
class Element:
    """Something printed on a side. ``offset_mm`` shifts it (forgery variants)."""

    id: str
    layer: str = "security"
    ink: Ink = BLACK
    offset_mm: tuple[float, float] = (0.0, 0.0)

    def marks(self, ctx: RenderContext) -> list[Mark]:
        raise NotImplementedError


def _stops_colour(canvas: Canvas, stops, angle: float):  # type: ignore[no-untyped-def]
    if not stops:
        return None
    return lambda box: gradient(canvas, stops, angle, box)


@dataclass(frozen=True, kw_only=True)
class Tint(Element):
    """A flat or rainbow (split-fountain) background tint over a (rounded) rect."""

    rect_mm: Rect
    density: float = 0.16
    stops: tuple[tuple[float, RGB], ...] = ()
    angle_deg: float = 0.0
    radius_mm: float = 0.0
    holes: tuple[Rect, ...] = ()

    def marks(self, ctx: RenderContext) -> list[Mark]:
        c = Canvas(ctx.canvas.size_mm, ctx.canvas.dpi, self.offset_mm)
        box = c.box(self.rect_mm)
        cov = _rect_mask(c, self.rect_mm, box, self.radius_mm) * self.density
        for hole in self.holes:
            cov *= 1.0 - _rect_mask(c, hole, box)
        col = gradient(c, self.stops, self.angle_deg, box) if self.stops else None
        return [Mark(box, cov, self.ink, col)]


@dataclass(frozen=True, kw_only=True)
class _Lines(Element):
    """Common part of line-art elements: rainbow colouring, clipping, line weight."""

    clip_mm: Rect | None = None
    clip_radius_mm: float = 0.0
    holes: tuple[Rect, ...] = ()
    stops: tuple[tuple[float, RGB], ...] = ()
    angle_deg: float = 0.0
    density: float = 0.85
    thickness: int = 1
    levels: int = 4   # coverage levels of the anti-aliased lines (0: keep all)

    def curves(self) -> list[np.ndarray]:
        raise NotImplementedError

    def _mark(self, ctx: RenderContext, curves: list[np.ndarray]) -> list[Mark]:
        c = Canvas(ctx.canvas.size_mm, ctx.canvas.dpi, self.offset_mm)
        if self.clip_mm is not None:
            box = c.box(self.clip_mm)
        else:
            allp = np.concatenate(curves)
            lo, hi = allp.min(0) - 0.3, allp.max(0) + 0.3
            box = c.box((lo[0], lo[1], hi[0] - lo[0], hi[1] - lo[1]))
        if box[2] <= box[0] or box[3] <= box[1]:
            return []
        cov = _lines_mask(c, curves, self.thickness, box).astype(np.float32) / 255.0
        if self.levels:  # printed lines are binary: few grey levels at the line edges
            cov = np.round(cov * (self.levels - 1)) / (self.levels - 1)
        cov *= self.density
        if self.clip_mm is not None:
            cov *= _rect_mask(c, self.clip_mm, box, self.clip_radius_mm)
        for hole in self.holes:
            cov *= 1.0 - _rect_mask(c, hole, box)
        col = gradient(c, self.stops, self.angle_deg, box) if self.stops else None
        return [Mark(box, cov, self.ink, col)]

    def marks(self, ctx: RenderContext) -> list[Mark]:
        return self._mark(ctx, self.curves())


@dataclass(frozen=True, kw_only=True)
class Waves(_Lines):
    """A guilloche weave: families of phase-shifted, doubly modulated sine lines over a rect.

    Line ``k`` of family ``f`` is ``y = y0 + k*spacing + A sin(2 pi x / L + k phi + f pi) +
    A2 sin(2 pi x / L2 + k phi2)``, rotated by ``rotate_deg`` about the rect centre."""

    rect_mm: Rect
    spacing_mm: float = 0.55
    amp_mm: float = 1.6
    wavelength_mm: float = 9.0
    phase_step: float = 0.18
    amp2_mm: float = 0.5
    wavelength2_mm: float = 23.0
    families: int = 2
    rotate_deg: float = 0.0
    step_mm: float = 0.08

    def curves(self) -> list[np.ndarray]:
        x, y, w, h = self.rect_mm
        cx, cy = x + w / 2, y + h / 2
        diag = float(np.hypot(w, h))
        xs = np.arange(-diag / 2 - 2, diag / 2 + 2, self.step_mm)
        n = int(diag / self.spacing_mm) + 8
        th = np.deg2rad(self.rotate_deg)
        rot = np.array([[np.cos(th), -np.sin(th)], [np.sin(th), np.cos(th)]])
        out = []
        for f in range(self.families):
            for k in range(-n // 2, n // 2 + 1):
                ys = (k * self.spacing_mm
                      + self.amp_mm * np.sin(2 * np.pi * xs / self.wavelength_mm + k * self.phase_step + f * np.pi)
                      + self.amp2_mm * np.sin(2 * np.pi * xs / self.wavelength2_mm + k * self.phase_step * 0.37 + f))
                p = np.stack([xs, ys], 1) @ rot.T + (cx, cy)
                keep = ((p[:, 0] > x - 1) & (p[:, 0] < x + w + 1) & (p[:, 1] > y - 1) & (p[:, 1] < y + h + 1))
                if keep.any():
                    idx = np.flatnonzero(keep)
                    out.append(p[idx[0]:idx[-1] + 1])
        return out

    def marks(self, ctx: RenderContext) -> list[Mark]:
        if self.clip_mm is None:
            return dataclasses.replace(self, clip_mm=self.rect_mm).marks(ctx)
        return self._mark(ctx, self.curves())


@dataclass(frozen=True, kw_only=True)
class Rosette(_Lines):
    """Concentric sine-modulated rings, ``r(t) = r_i + amp sin(lobes t + i phase)``: the
    classic guilloche rosette; optional hypotrochoid core."""

    center_mm: tuple[float, float]
    r_inner_mm: float
    r_outer_mm: float
    rings: int = 40
    lobes: int = 24
    amp_mm: float = 0.9
    phase_step: float = 0.13
    squash: float = 1.0  # vertical scale (ellipses)

    def curves(self) -> list[np.ndarray]:
        cx, cy = self.center_mm
        t = np.linspace(0, 2 * np.pi, max(400, int(self.r_outer_mm * 60)))
        out = []
        for i in range(self.rings):
            ri = self.r_inner_mm + (self.r_outer_mm - self.r_inner_mm) * i / max(1, self.rings - 1)
            r = ri + self.amp_mm * np.sin(self.lobes * t + i * self.phase_step)
            out.append(np.stack([cx + r * np.cos(t), cy + self.squash * r * np.sin(t)], 1))
        return out


def hypotrochoid(center: tuple[float, float], R: float, r: float, d: float, scale: float,
                 rotation: float = 0.0, n: int = 4000) -> np.ndarray:
    """A closed hypotrochoid (spirograph) curve; R and r integers for closure."""
    from math import gcd

    turns = r // gcd(int(R), int(r))
    t = np.linspace(0, 2 * np.pi * turns, n)
    x = (R - r) * np.cos(t) + d * np.cos((R - r) / r * t)
    y = (R - r) * np.sin(t) - d * np.sin((R - r) / r * t)
    c, s = np.cos(rotation), np.sin(rotation)
    return np.stack([center[0] + scale * (c * x - s * y), center[1] + scale * (s * x + c * y)], 1)


@dataclass(frozen=True, kw_only=True)
class Spiro(_Lines):
    """A family of rotated hypotrochoids (a spirograph rosette)."""

    center_mm: tuple[float, float]
    radius_mm: float
    R: int = 96
    r: int = 35
    d: float = 52.0
    copies: int = 6
    squash: float = 1.0

    def curves(self) -> list[np.ndarray]:
        scale = self.radius_mm / (self.R - self.r + self.d)
        out = []
        for k in range(self.copies):
            c = hypotrochoid(self.center_mm, self.R, self.r, self.d, scale,
                             rotation=2 * np.pi * k / (self.copies * self.R / np.gcd(self.R, self.r)))
            c[:, 1] = self.center_mm[1] + (c[:, 1] - self.center_mm[1]) * self.squash
            out.append(c)
        return out


@dataclass(frozen=True, kw_only=True)
class Frame(_Lines):
    """A guilloche border: wavy lines following a rounded rectangle inset from the edges."""

    rect_mm: Rect
    band_mm: float = 2.2
    lines: int = 7
    wavelength_mm: float = 3.2
    amp_mm: float = 0.45
    phase_step: float = 0.9
    families: int = 2

    def curves(self) -> list[np.ndarray]:
        x, y, w, h = self.rect_mm
        cx, cy = x + w / 2, y + h / 2
        out = []
        p = 10.0  # superellipse exponent: a rounded rectangle with smooth normals
        t = np.linspace(0, 2 * np.pi, 6000)
        ct, st = np.cos(t), np.sin(t)
        for f in range(self.families):
            for k in range(self.lines):
                inset = self.band_mm * (k + 0.5) / self.lines
                a, b = w / 2 - inset, h / 2 - inset
                bx = cx + a * np.sign(ct) * np.abs(ct) ** (2 / p)
                by = cy + b * np.sign(st) * np.abs(st) ** (2 / p)
                dx, dy = np.gradient(bx), np.gradient(by)
                seg = np.hypot(dx, dy)
                s = np.cumsum(seg)
                nx, ny = dy / np.maximum(seg, 1e-9), -dx / np.maximum(seg, 1e-9)
                L = s[-1]
                waves = max(1, int(round(L / self.wavelength_mm)))
                off = self.amp_mm * np.sin(2 * np.pi * waves * s / L + k * self.phase_step + f * np.pi)
                out.append(np.stack([bx + nx * off, by + ny * off], 1))
        return out


@dataclass(frozen=True, kw_only=True)
class Text(Element):
    """Static text (titles, captions), baseline at ``y_mm``."""

    text: str
    x_mm: float
    y_mm: float
    cap_mm: float = 1.0
    font: str = FONT_SANS
    anchor: str = "l"
    tracking_mm: float = 0.0
    stops: tuple[tuple[float, RGB], ...] = ()

    def content(self, ctx: RenderContext) -> str:
        return self.text

    def marks(self, ctx: RenderContext) -> list[Mark]:
        c = Canvas(ctx.canvas.size_mm, ctx.canvas.dpi, self.offset_mm)
        m = text_mark(c, self.content(ctx), self.font, self.cap_mm, self.x_mm, self.y_mm, self.ink,
                      anchor=self.anchor, tracking_mm=self.tracking_mm,
                      colour=_stops_colour(ctx.canvas, self.stops, 0.0))
        return [m] if m else []


@dataclass(frozen=True, kw_only=True)
class Microprint(Text):
    """A line of microtext: ``text`` repeated to fill ``length_mm`` (cap height ~0.55 mm)."""

    length_mm: float = 50.0
    cap_mm: float = 0.55
    font: str = FONT_BOLD

    def content(self, ctx: RenderContext) -> str:
        unit = self.text
        per = max(text_width_mm(unit, self.font, self.cap_mm, self.tracking_mm), 0.1)
        n = int(self.length_mm / per) + 1
        s = unit * n
        while s and text_width_mm(s, self.font, self.cap_mm, self.tracking_mm) > self.length_mm:
            s = s[:-1]
        return s.rstrip()


@dataclass(frozen=True, kw_only=True)
class Field(Text):
    """A personalised VIZ field: the holder's ``source`` value (an attribute of
    :class:`Holder`, ``extra:KEY``, or ``design:ATTR`` of the design), or ``text`` when given."""

    layer: str = "personal"
    source: str = ""
    date_format: str | None = None
    text: str = ""
    upper: bool = True

    def content(self, ctx: RenderContext) -> str:
        if self.text:
            v = self.text
        elif self.source.startswith("design:"):
            v = str(getattr(ctx.design, self.source[7:]))
        else:
            v = ctx.holder.value(self.source, self.date_format)
        return v.upper() if self.upper else v


@dataclass(frozen=True, kw_only=True)
class MRZText(Element):
    """The MRZ in OCR-B at 2.54 mm pitch: line ``i`` has its cap centre at ``centres_mm[i]``,
    its first character cell at ``x_mm``. ``lines`` overrides the holder's MRZ."""

    layer: str = "personal"
    ink: Ink = MRZ_INK
    x_mm: float = 6.0
    centres_mm: tuple[float, ...] = ()
    pitch_mm: float = MRZ_PITCH_MM
    font: str = FONT_OCRB
    cap_mm: float | None = None   # default: the font's cap height at its natural advance
    lines: tuple[str, ...] | None = None

    def marks(self, ctx: RenderContext) -> list[Mark]:
        c = Canvas(ctx.canvas.size_mm, ctx.canvas.dpi, self.offset_mm)
        path = data_path(self.font)
        cap = self.cap_mm or self.pitch_mm / OCRB_ADVANCE_EM * cap_em(path)
        out = []
        for line, yc in zip(self.lines or ctx.mrz, self.centres_mm):
            m = text_mark(c, line, self.font, cap, self.x_mm, yc + cap / 2, self.ink,
                          pitch_mm=self.pitch_mm, supersample=4)
            if m:
                out.append(m)
        return out


@dataclass(frozen=True, kw_only=True)
class PortraitImage(Element):
    """The holder's colour portrait, printed opaque over the background (multiplicative)."""

    layer: str = "personal"
    ink: Ink = PORTRAIT_INK
    rect_mm: Rect
    radius_mm: float = 0.0

    def marks(self, ctx: RenderContext) -> list[Mark]:
        c = Canvas(ctx.canvas.size_mm, ctx.canvas.dpi, self.offset_mm)
        box = c.box(self.rect_mm)
        x0, y0, x1, y1 = box
        rgb = fit_portrait(ctx.portrait, (x1 - x0, y1 - y0)).astype(np.float32) / 255.0
        cov = _rect_mask(c, self.rect_mm, box, self.radius_mm)
        lum = rgb @ np.array([0.299, 0.587, 0.114], np.float32)
        return [Mark(box, cov, self.ink, rgb, ir=self.ink.ir * (1.0 - lum))]


@dataclass(frozen=True, kw_only=True)
class GhostImage(Element):
    """The ghost (secondary) portrait: a faded monochrome line-screen of the same portrait."""

    layer: str = "personal"
    rect_mm: Rect
    period_px: float = 3.6
    angle_deg: float = 90.0
    density: float = 0.55
    fade_mm: float = 1.5

    def marks(self, ctx: RenderContext) -> list[Mark]:
        c = Canvas(ctx.canvas.size_mm, ctx.canvas.dpi, self.offset_mm)
        box = c.box(self.rect_mm)
        x0, y0, x1, y1 = box
        cov = ghost_coverage(ctx.portrait, (x1 - x0, y1 - y0), period_px=self.period_px,
                             angle_deg=self.angle_deg, fade_px=self.fade_mm * c.ppmm) * self.density
        return [Mark(box, cov, self.ink)]


_STROKES = {  # letter-like pen strokes in a unit cell: x right, y up from the baseline (negative)
    "l": [(0.0, 0.0), (0.45, -0.75), (0.5, -1.05), (0.3, -0.95), (0.3, -0.3), (0.55, 0.0)],
    "n": [(0.0, 0.0), (0.12, -0.45), (0.3, -0.5), (0.42, -0.2), (0.55, 0.0)],
    "e": [(0.0, 0.0), (0.35, -0.3), (0.4, -0.5), (0.2, -0.4), (0.25, -0.1), (0.55, 0.0)],
    "o": [(0.0, -0.05), (0.25, -0.45), (0.5, -0.3), (0.35, 0.0), (0.2, -0.2), (0.6, -0.35)],
    "g": [(0.0, 0.0), (0.3, -0.45), (0.42, 0.1), (0.35, 0.55), (0.12, 0.45), (0.6, -0.05)],
    "i": [(0.0, 0.0), (0.18, -0.45), (0.3, 0.0)],
}


def _stroke_kind(ch: str) -> str:
    ch = ch.lower()
    for k, letters in (("l", "bdfhklt"), ("g", "gjpqyz"), ("o", "aocdq"), ("e", "e"), ("i", "iuvwr")):
        if ch in letters:
            return k
    return "n"


def _catmull_rom(points: np.ndarray, per: int = 14) -> np.ndarray:
    p = np.concatenate([points[:1], points, points[-1:]])
    t = np.linspace(0, 1, per, endpoint=False)[:, None]
    out = []
    for i in range(1, len(p) - 2):
        p0, p1, p2, p3 = p[i - 1], p[i], p[i + 1], p[i + 2]
        out.append(0.5 * ((2 * p1) + (-p0 + p2) * t + (2 * p0 - 5 * p1 + 4 * p2 - p3) * t ** 2
                          + (-p0 + 3 * p1 - 3 * p2 + p3) * t ** 3))
    out.append(p[-2:-1])
    return np.concatenate(out)


def signature_curves(name: str, rect: Rect, seed: int = 0) -> list[np.ndarray]:
    """A handwriting-like signature (pen paths in mm) derived from a name: letter-like strokes
    (loops, humps, descenders) joined and smoothed, and an underline flourish."""
    rng = np.random.default_rng(zlib.crc32(name.encode("utf-8")) + seed)
    x, y, w, h = rect
    letters = [c for c in name if c.isalpha()][:10] or list("sign")
    pts: list[tuple[float, float]] = []
    cx = 0.0
    slant = rng.uniform(0.15, 0.35)
    for i, ch in enumerate(letters):
        sc = 1.7 if i == 0 else 1.0
        for px_, py_ in _STROKES[_stroke_kind(ch) if i else "l"]:
            jx, jy = rng.normal(0, 0.05, 2)
            yy_ = (py_ + jy) * sc
            pts.append((cx + (px_ + jx) * sc - slant * yy_, yy_))
        cx += 0.55 * sc + rng.uniform(-0.05, 0.08)
    arr = np.array(pts)
    arr[:, 1] -= arr[:, 1].min()
    span_x, span_y = np.ptp(arr[:, 0]), max(np.ptp(arr[:, 1]), 1e-6)
    k = min(w * 0.9 / span_x, h * 0.8 / span_y)
    main = _catmull_rom(arr) * k + (x + w * 0.04, y + h * 0.06)
    u = np.linspace(0, 1, 60)
    base = y + h * 0.06 + span_y * k * 0.86
    flo = np.stack([x + w * (0.1 + 0.85 * u), base + h * 0.1 * np.sin(np.pi * u * rng.uniform(0.8, 1.2))
                    - h * 0.05 * u], 1)
    return [main, flo]


@dataclass(frozen=True, kw_only=True)
class SignatureMark(Element):
    """The holder's signature, printed digitally from a capture (here: a drawn one)."""

    layer: str = "personal"
    ink: Ink = SIGNATURE_INK
    rect_mm: Rect
    thickness: int = 2

    def marks(self, ctx: RenderContext) -> list[Mark]:
        c = Canvas(ctx.canvas.size_mm, ctx.canvas.dpi, self.offset_mm)
        sig = ctx.holder.extra.get("signature_name") or (ctx.holder.given_names[:1] + ". " + ctx.holder.surname.title())
        curves = signature_curves(sig, self.rect_mm, ctx.holder.portrait_seed)
        box = c.box(self.rect_mm)
        cov = _lines_mask(c, curves, self.thickness, box).astype(np.float32) / 255.0
        return [Mark(box, cov, self.ink)]


def qr_modules(text: str) -> np.ndarray:
    """QR code modules (True = dark) of a text, with OpenCV's encoder (no quiet zone)."""
    import cv2

    q = cv2.QRCodeEncoder.create().encode(text)
    dark = q < 128
    ys, xs = np.nonzero(dark)
    return dark[ys.min():ys.max() + 1, xs.min():xs.max() + 1]


@dataclass(frozen=True, kw_only=True)
class Barcode(Element):
    """A 2D barcode (QR) of the MRZ text (or ``content``), square modules of whole pixels."""

    layer: str = "personal"
    rect_mm: Rect
    content: str | None = None

    def marks(self, ctx: RenderContext) -> list[Mark]:
        c = Canvas(ctx.canvas.size_mm, ctx.canvas.dpi, self.offset_mm)
        mods = qr_modules(self.content or "\n".join(ctx.mrz))
        box = c.box(self.rect_mm)
        x0, y0, x1, y1 = box
        n = mods.shape[0] + 4  # quiet zone of two modules each side
        m = max(1, min(x1 - x0, y1 - y0) // n)
        img = np.kron(np.pad(mods, 2), np.ones((m, m), bool)).astype(np.float32)
        cov = np.zeros((y1 - y0, x1 - x0), np.float32)
        oy, ox = (cov.shape[0] - img.shape[0]) // 2, (cov.shape[1] - img.shape[1]) // 2
        cov[oy:oy + img.shape[0], ox:ox + img.shape[1]] = img
        return [Mark(box, cov, self.ink)]


def _circle(c: tuple[float, float], r: float, n: int = 360, sq: float = 1.0) -> np.ndarray:
    t = np.linspace(0, 2 * np.pi, n)
    return np.stack([c[0] + r * np.cos(t), c[1] + sq * r * np.sin(t)], 1)


def _polygon(c: tuple[float, float], r: float, k: int, rot: float = 0.0) -> np.ndarray:
    t = np.linspace(0, 2 * np.pi, k + 1) + rot
    return np.stack([c[0] + r * np.cos(t), c[1] + r * np.sin(t)], 1)


def emblem_curves(style: str, c: tuple[float, float], r: float) -> list[np.ndarray]:
    """Invented, abstract geometric emblems (no real state's arms or symbols)."""
    out: list[np.ndarray] = [_circle(c, r), _circle(c, r * 0.93)]
    if style == "octafoil":  # Utopia: eight overlapping circles, an octagon and a spirograph core
        for k in range(8):
            a = k * np.pi / 4
            out.append(_circle((c[0] + 0.42 * r * np.cos(a), c[1] + 0.42 * r * np.sin(a)), 0.42 * r))
        out.append(_polygon(c, 0.86 * r, 8, np.pi / 8))
        out.append(hypotrochoid(c, 10, 3, 2.2, 0.16 * r / 1.0 * 0.5, n=1500))
        out.append(_circle(c, 0.16 * r))
    elif style == "trine":  # Zanzara: three interlocking rings in a hexagon, with ticks
        for k in range(3):
            a = -np.pi / 2 + k * 2 * np.pi / 3
            out.append(_circle((c[0] + 0.3 * r * np.cos(a), c[1] + 0.3 * r * np.sin(a)), 0.4 * r))
            out.append(_circle((c[0] + 0.3 * r * np.cos(a), c[1] + 0.3 * r * np.sin(a)), 0.34 * r))
        out.append(_polygon(c, 0.88 * r, 6, np.pi / 6))
        for k in range(36):
            a = k * np.pi / 18
            out.append(np.array([[c[0] + 0.93 * r * np.cos(a), c[1] + 0.93 * r * np.sin(a)],
                                 [c[0] + r * np.cos(a), c[1] + r * np.sin(a)]]))
    else:
        raise ValueError(f"unknown emblem style {style!r}")
    return out


@dataclass(frozen=True, kw_only=True)
class Emblem(_Lines):
    """The issuer's (invented) emblem as fine line art."""

    style: str
    center_mm: tuple[float, float]
    radius_mm: float
    thickness: int = 2
    density: float = 1.0

    def curves(self) -> list[np.ndarray]:
        return emblem_curves(self.style, self.center_mm, self.radius_mm)


@dataclass(frozen=True, kw_only=True)
class UVMotif(Element):
    """A motif in invisible ink that fluoresces under UV: a spirograph rosette and a word."""

    rect_mm: Rect
    style: str = "rosette"
    word: str = ""
    word_ink: Ink | None = None
    thickness: int = 3

    def marks(self, ctx: RenderContext) -> list[Mark]:
        c = Canvas(ctx.canvas.size_mm, ctx.canvas.dpi, self.offset_mm)
        x, y, w, h = self.rect_mm
        ctr = (x + w / 2, y + h * 0.42)
        r = min(w, h * 0.84) / 2
        if self.style == "rosette":
            curves = [hypotrochoid(ctr, 8, 3, 4.2, r / 9.2, n=3000), _circle(ctr, r * 0.98),
                      _circle(ctr, r * 0.3), _circle(ctr, r * 0.9)]
            curves += [_circle((ctr[0] + 0.94 * r * np.cos(a), ctr[1] + 0.94 * r * np.sin(a)), r * 0.05, 40)
                       for a in np.arange(16) * np.pi / 8 + np.pi / 16]
        elif self.style == "waves":
            curves = [np.stack([np.linspace(x, x + w, 400), ctr[1] + (k - 2) * r * 0.22
                                + r * 0.18 * np.sin(np.linspace(0, 6 * np.pi, 400) + k)], 1) for k in range(5)]
            curves += [_polygon(ctr, r * 0.95, 3, -np.pi / 2), _circle(ctr, r * 0.47)]
        else:
            raise ValueError(f"unknown UV motif {self.style!r}")
        box = c.box(self.rect_mm)
        cov = _lines_mask(c, curves, self.thickness, box).astype(np.float32) / 255.0
        out = [Mark(box, cov, self.ink)]
        if self.word:
            m = text_mark(c, self.word, FONT_BOLD, h * 0.12, ctr[0], y + h * 0.985, self.word_ink or self.ink,
                          anchor="c", tracking_mm=h * 0.03)
            if m:
                out.append(m)
        return out


@dataclass(frozen=True, kw_only=True)
class Fibres(Element):
    """Security fibres in the paper: short curved threads, faint in white light and
    fluorescent under UV; placed by the document's seed (every sheet differs)."""

    rect_mm: Rect
    count: int = 40
    inks: tuple[Ink, ...] = ()

    def marks(self, ctx: RenderContext) -> list[Mark]:
        rng = np.random.default_rng(zlib.crc32(self.id.encode()) + 7919 * ctx.seed)
        x, y, w, h = self.rect_mm
        per: dict[int, list[np.ndarray]] = {}
        for i in range(self.count):
            k = int(rng.integers(len(self.inks)))
            p0 = np.array([x + rng.uniform(0, w), y + rng.uniform(0, h)])
            length = rng.uniform(2.0, 5.0)
            a = rng.uniform(0, np.pi)
            bend = rng.uniform(-0.6, 0.6)
            t = np.linspace(0, 1, 24)[:, None]
            d = np.array([np.cos(a), np.sin(a)])
            nrm = np.array([-d[1], d[0]])
            per.setdefault(k, []).append(p0 + t * length * d + nrm * bend * np.sin(np.pi * t) * 0.5 * length / 2)
        c = ctx.canvas
        box = c.box(self.rect_mm)
        return [Mark(box, _lines_mask(c, curves, 1, box).astype(np.float32) / 255.0, self.inks[k])
                for k, curves in sorted(per.items())]


@dataclass(frozen=True, kw_only=True)
class OVEPatch(Element):
    """An optically variable element (hologram/OVI) as it looks in a reference image:
    a silvery, iridescent patch with fine diffractive rings and an outline of the emblem."""

    rect_mm: Rect
    emblem: str = "octafoil"
    radius_mm: float = 1.2
    ellipse: bool = False

    def marks(self, ctx: RenderContext) -> list[Mark]:
        c = Canvas(ctx.canvas.size_mm, ctx.canvas.dpi, self.offset_mm)
        x, y, w, h = self.rect_mm
        box = c.box(self.rect_mm)
        x0, y0, x1, y1 = box
        if self.ellipse:
            shape = _fill_mask(c, [_circle((x + w / 2, y + h / 2), w / 2, 240, sq=h / w)], box).astype(np.float32) / 255
        else:
            shape = _rect_mask(c, self.rect_mm, box, self.radius_mm)
        yy, xx = np.mgrid[y0:y1, x0:x1].astype(np.float32)
        # iridescence: hue cycling along a diagonal, pale and metallic
        ph = (xx + 0.6 * yy) / (c.ppmm * 6.0)
        iri = np.stack([0.78 + 0.16 * np.sin(2 * np.pi * ph), 0.8 + 0.14 * np.sin(2 * np.pi * ph + 2.1),
                        0.84 + 0.12 * np.sin(2 * np.pi * ph + 4.2)], -1).astype(np.float32)
        foil = Ink("OVE foil", (0.8, 0.8, 0.82), ir=0.08, uv_quench=0.55)
        ring_ink = Ink("OVE diffractive structure", (0.5, 0.52, 0.58), ir=0.1, uv_quench=0.3)
        ctr = (x + w / 2, y + h / 2)
        rings = [_circle(ctr, rr, 400, sq=h / w if self.ellipse else 1.0)
                 for rr in np.arange(0.4, max(w, h), 0.32)]
        rings_cov = _lines_mask(c, rings, 1, box).astype(np.float32) / 255 * shape * 0.45
        em = _lines_mask(c, emblem_curves(self.emblem, ctr, min(w, h) * 0.36), 2, box).astype(np.float32) / 255
        edge = _lines_mask(c, [_circle(ctr, w / 2 - 0.1, 240, sq=h / w)] if self.ellipse else [], 1, box)
        return [Mark(box, shape * 0.55, foil, iri), Mark(box, rings_cov, ring_ink),
                Mark(box, em * shape * 0.6, ring_ink), Mark(box, edge.astype(np.float32) / 255 * 0.5, ring_ink)]


# --------------------------------------------------------------------------- designs

@dataclass(frozen=True)
class SideDesign:
    """One imaged side: its elements in printing order and its zones."""

    name: str
    elements: tuple[Element, ...]
    zones: tuple[Zone, ...] = ()
    corner_radius_mm: float = 0.0


@dataclass(frozen=True)
class SpecimenDesign:
    """Everything ``specimen.toml`` says plus the artwork that makes the reference images."""

    id: str
    issuer: str
    document_code: str          # as in specimen.toml (a prefix of the MRZ code)
    mrz_document_code: str      # what generate() writes, e.g. "ID"
    mrz_format: str
    name: str
    size_mm: tuple[float, float]
    sides: tuple[SideDesign, ...]
    sample: Holder
    dpi: int = 300
    validity_years: int = 10
    series_from: date = date(2024, 1, 1)
    series_to: date | None = None
    paper: Paper = Paper()
    state_name: str = ""

    def side(self, name: str) -> SideDesign:
        for s in self.sides:
            if s.name == name:
                return s
        raise KeyError(f"{self.id} has no side {name!r}; sides: {', '.join(s.name for s in self.sides)}")

    def element(self, eid: str) -> Element:
        for s in self.sides:
            for e in s.elements:
                if e.id == eid:
                    return e
        raise KeyError(f"{self.id} has no element {eid!r}")

    def mrz(self, holder: Holder) -> list[str]:
        """The MRZ lines of a holder on this document type."""
        return generate(self.mrz_format, document_code=self.mrz_document_code,
                        issuing_state=self.issuer, surname=holder.surname,
                        given_names=holder.given_names, document_number=holder.document_number,
                        nationality=holder.nationality, birth_date=holder.birth_date,
                        sex=holder.sex, expiry_date=holder.expiry_date,
                        optional_data=holder.optional_data,
                        **({"optional_data_2": holder.optional_data_2} if self.mrz_format == "TD1" else {}))

    def portrait_size_px(self) -> tuple[int, int]:
        for s in self.sides:
            for e in s.elements:
                if isinstance(e, PortraitImage):
                    return (int(round(e.rect_mm[2] / 25.4 * self.dpi * 1.5)),
                            int(round(e.rect_mm[3] / 25.4 * self.dpi * 1.5)))
        return (300, 400)


@dataclass(frozen=True)
class Variant:
    """A change to a design, for forgeries and for tests of the checks.

    - ``remove``: element ids left out (e.g. ``{"uv_motif"}``: no UV feature);
    - ``replace``: element id -> attribute values (e.g. ``{"surname": {"font": FONT_SERIF}}``);
    - ``shift_mm``: element id -> (dx, dy) added to its offset;
    - ``inks``: element id, or ``"layer:NAME"``, -> Ink attribute values (e.g. ``{"mrz": {"ir": 0.0}}``:
      an MRZ printed in ink that vanishes in IR);
    - ``texts``: field id -> printed text (the VIZ disagrees with the MRZ);
    - ``mrz_lines``: print these MRZ lines instead of the holder's;
    - ``layers``: which layers to print (``("security",)`` renders a blank).
    """

    remove: frozenset[str] = frozenset()
    replace: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    shift_mm: Mapping[str, tuple[float, float]] = field(default_factory=dict)
    inks: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    texts: Mapping[str, str] = field(default_factory=dict)
    mrz_lines: tuple[str, ...] | None = None
    layers: tuple[str, ...] = LAYERS


def apply_variant(design: SpecimenDesign, variant: Variant) -> SpecimenDesign:
    """The design with the variant's changes (unknown element ids raise KeyError)."""
    ids = {e.id for s in design.sides for e in s.elements}
    named = set(variant.remove) | set(variant.replace) | set(variant.shift_mm) | set(variant.texts)
    named |= {k for k in variant.inks if not k.startswith("layer:")}
    unknown = sorted(named - ids)
    if unknown:
        raise KeyError(f"{design.id} has no element(s) {', '.join(unknown)}")
    sides = []
    for s in design.sides:
        els = []
        for e in s.elements:
            if e.id in variant.remove or e.layer not in variant.layers:
                continue
            changes: dict[str, Any] = dict(variant.replace.get(e.id, {}))
            if e.id in variant.shift_mm:
                dx, dy = variant.shift_mm[e.id]
                changes["offset_mm"] = (e.offset_mm[0] + dx, e.offset_mm[1] + dy)
            if e.id in variant.texts:
                changes["text"] = variant.texts[e.id]
            if isinstance(e, MRZText) and variant.mrz_lines is not None:
                changes["lines"] = tuple(variant.mrz_lines)
            ink_changes = {**variant.inks.get("layer:" + e.layer, {}), **variant.inks.get(e.id, {})}
            if ink_changes:
                changes["ink"] = dataclasses.replace(changes.get("ink", e.ink), **ink_changes)
            els.append(dataclasses.replace(e, **changes) if changes else e)
        sides.append(dataclasses.replace(s, elements=tuple(els)))
    return dataclasses.replace(design, sides=tuple(sides))


# --------------------------------------------------------------------------- rendering

@dataclass
class SideImages:
    """A side under the three lights: white (RGB), ir (grey), uv (RGB), all uint8."""

    white: np.ndarray
    ir: np.ndarray
    uv: np.ndarray


@dataclass
class RenderedDocument:
    design: SpecimenDesign
    holder: Holder
    mrz: list[str]
    sides: dict[str, SideImages]


def composite(canvas: Canvas, paper: Paper, marks: Sequence[Mark]) -> SideImages:
    """Print marks on paper under the three lights (see the module docstring)."""
    h, w = canvas.shape
    white = np.empty((h, w, 3), np.float32)
    white[:] = paper.rgb
    ir = np.full((h, w), paper.ir, np.float32)
    uv = np.empty((h, w, 3), np.float32)
    uv[:] = paper.uv
    for m in marks:
        x0, y0, x1, y1 = m.box
        if x1 <= x0 or y1 <= y0:
            continue
        cov = m.coverage
        c3 = cov[..., None]
        col = m.colour if m.colour is not None else np.asarray(m.ink.rgb, np.float32)
        white[y0:y1, x0:x1] *= 1.0 - c3 * (1.0 - col)
        ira = m.ir if m.ir is not None else m.ink.ir
        if np.any(ira):
            ir[y0:y1, x0:x1] *= 1.0 - cov * ira
        if m.ink.uv_quench:
            uv[y0:y1, x0:x1] *= 1.0 - c3 * m.ink.uv_quench
        if m.ink.uv is not None:
            uv[y0:y1, x0:x1] += c3 * np.asarray(m.ink.uv, np.float32)

    def u8(a: np.ndarray) -> np.ndarray:
        return np.clip(a * 255.0 + 0.5, 0, 255).astype(np.uint8)

    return SideImages(u8(white), u8(ir), u8(uv))


def side_marks(design: SpecimenDesign, side: str, ctx: RenderContext) -> list[Mark]:
    """Every mark of a side, in printing order; security marks clipped to the card outline."""
    s = design.side(side)
    out: list[Mark] = []
    outline = None
    if s.corner_radius_mm > 0:
        outline = _rect_mask(ctx.canvas, (0, 0) + tuple(design.size_mm), _full(ctx.canvas),  # type: ignore[arg-type]
                             s.corner_radius_mm)
    for e in s.elements:
        for m in e.marks(ctx):
            if outline is not None:
                x0, y0, x1, y1 = m.box
                m.coverage = m.coverage * outline[y0:y1, x0:x1]
            out.append(m)
    return out


@lru_cache(maxsize=16)
def _procedural_portrait(seed: int, size: tuple[int, int], sex: str) -> np.ndarray:
    img = draw_portrait(seed, size, sex=sex)
    img.setflags(write=False)
    return img


def render_document(specimen: str | SpecimenDesign, holder: Holder | None = None,
                    portrait: np.ndarray | None = None, *, variant: Variant | None = None,
                    seed: int = 0, sides: Sequence[str] | None = None) -> RenderedDocument:
    """Render a document of a specimen's series for a holder (default: the specimen's sample).

    ``portrait`` is an RGB uint8 image (any size; centre-cropped to the portrait's aspect);
    without it a procedural portrait is drawn from ``holder.portrait_seed``. ``seed`` places the
    per-sheet random features (fibres). ``variant`` changes the design (forgeries).
    """
    design = get_design(specimen) if isinstance(specimen, str) else specimen
    holder = holder or design.sample
    if variant is not None:
        design = apply_variant(design, variant)
    if portrait is None:
        portrait = _procedural_portrait(holder.portrait_seed, design.portrait_size_px(), holder.sex)
    mrz = design.mrz(holder)
    canvas = Canvas(design.size_mm, design.dpi)
    out: dict[str, SideImages] = {}
    for s in design.sides:
        if sides is not None and s.name not in sides:
            continue
        ctx = RenderContext(canvas, holder, mrz, portrait, seed, design, s.name)
        out[s.name] = composite(canvas, design.paper, side_marks(design, s.name, ctx))
    return RenderedDocument(design, holder, mrz, out)


def render_side(specimen: str | SpecimenDesign, side: str, holder: Holder | None = None,
                portrait: np.ndarray | None = None, **kw: Any) -> SideImages:
    """One side of :func:`render_document`."""
    return render_document(specimen, holder, portrait, sides=[side], **kw).sides[side]


# --------------------------------------------------------------------------- registry

_DESIGNS: dict[str, Callable[[], SpecimenDesign]] = {}


def register(specimen_id: str) -> Callable[[Callable[[], SpecimenDesign]], Callable[[], SpecimenDesign]]:
    def deco(fn: Callable[[], SpecimenDesign]) -> Callable[[], SpecimenDesign]:
        _DESIGNS[specimen_id] = fn
        return fn
    return deco


@lru_cache(maxsize=None)
def get_design(specimen_id: str) -> SpecimenDesign:
    """The design of a fictional specimen, by id (``UTO/P-2024``, ``UTO/V-2024``, ``ZZA/ID-2023``)."""
    from docfraud.synth import designs  # noqa: F401  (registers the designs)

    try:
        return _DESIGNS[specimen_id]()
    except KeyError:
        raise KeyError(f"no design {specimen_id!r}; known: {', '.join(sorted(_DESIGNS))}") from None


def design_ids() -> list[str]:
    from docfraud.synth import designs  # noqa: F401

    return sorted(_DESIGNS)


# --------------------------------------------------------------------------- specimen.toml

def _toml_value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, np.integer)):
        return str(int(v))
    if isinstance(v, float):
        return repr(round(v, 3))
    if isinstance(v, date):
        return v.isoformat()
    if isinstance(v, str):
        return '"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(_toml_value(x) for x in v) + "]"
    raise TypeError(f"cannot write {type(v).__name__} to TOML")


def specimen_toml(design: SpecimenDesign, images: Mapping[str, Mapping[str, str]]) -> str:
    """The ``specimen.toml`` of a design; ``images``: side -> light -> file name."""
    lines = [
        f"# {design.name}",
        "# FICTIONAL specimen, generated by tools/build_specimens.py from docfraud/synth (do not edit",
        "# by hand: edit the design and rebuild). Sample holder of the reference images:",
        f"#   {design.sample.surname}, {design.sample.given_names}; document {design.sample.document_number}",
        "",
        "format_version = 1",
        f"issuer = {_toml_value(design.issuer)}",
        f"document_code = {_toml_value(design.document_code)}",
        f"mrz_format = {_toml_value(design.mrz_format)}",
        f"name = {_toml_value(design.name)}",
        f"size_mm = {_toml_value([float(design.size_mm[0]), float(design.size_mm[1])])}",
        f"dpi = {design.dpi}",
        f"validity_years = {design.validity_years}",
        f"series_from = {design.series_from.isoformat()}",
    ]
    if design.series_to:
        lines.append(f"series_to = {design.series_to.isoformat()}")
    lines.append("fictional = true")
    for s in design.sides:
        lines += ["", "[[sides]]", f"name = {_toml_value(s.name)}"]
        for light in ("white", "ir", "uv"):
            if light in images.get(s.name, {}):
                lines.append(f"{light} = {_toml_value(images[s.name][light])}")
    for s in design.sides:
        for z in s.zones:
            lines += ["", "[[zones]]", f"id = {_toml_value(z.id)}", f"kind = {_toml_value(z.kind)}",
                      f"side = {_toml_value(s.name)}",
                      f"rect_mm = {_toml_value([round(float(v), 2) for v in z.rect_mm])}"]
            if z.label:
                lines.append(f"label = {_toml_value(z.label)}")
            if z.mrz_field:
                lines.append(f"mrz_field = {_toml_value(z.mrz_field)}")
            if z.checks is not None:
                lines.append(f"checks = {_toml_value(list(z.checks))}")
            if z.params:
                lines.append("[zones.params]")
                for k, v in z.params.items():
                    lines.append(f"{k} = {_toml_value(v)}")
    return "\n".join(lines) + "\n"
