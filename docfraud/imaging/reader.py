"""Read MRZs from images: locate -> rectify -> segment -> recognise.

>>> from docfraud.imaging.synth import render_mrz
>>> img = render_mrz(["P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
...                   "L898902C36UTO7408122F1204159ZE184226B<<<<<10"], cap_height=22, margin=4)
>>> r = read_raw_mrz(img)
>>> r.lines[0]
'P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<'

The readings are *raw*: no check-digit correction is applied here. Each character carries
calibrated, ranked alternatives (:class:`~docfraud.imaging.ocr.CharReading`) so a caller can
correct with the check digits.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import cv2
import numpy as np

from docfraud.imaging.load import ImageSource, load_image, to_gray
from docfraud.imaging.locate import Band, find_bands
from docfraud.imaging.ocr import (
    ALPHABET,
    GlyphModel,
    LineReading,
    TesseractEngine,
    context_prior,
    line_from_proba,
    load_glyph_model,
)
from docfraud.imaging.rectify import TARGET_CAP, rectify_quad
from docfraud.imaging.segment import (
    TextLine,
    choose_length,
    extract_cells,
    find_lines,
    PITCH_PER_CAP,
    fit_pitch,
    ink_map,
    periodicity,
)

MIN_PERIODICITY = 0.3
"""Mean autocorrelation peak of a candidate's lines below which it is not fixed-pitch text."""

SHAPES = {(3, 30): "TD1", (2, 36): "TD2", (2, 44): "TD3"}
"""Line count and length -> size family (TD2 also covers MRV-B, TD3 also MRV-A)."""


@dataclass(frozen=True)
class RawMRZReading:
    """One MRZ as read from an image, before any check-digit correction.

    ``lines``: the text (A-Z, 0-9, ``<``); ``line_readings``: per-character ranked alternatives;
    ``shape``: "TD1" (3x30), "TD2" (2x36, also MRV-B) or "TD3" (2x44, also MRV-A); ``quad``:
    (4, 2) TL, TR, BR, BL corners of the text in image coordinates, in reading order (TL is
    before the first character whatever the rotation); ``angle``: direction of the text lines in
    degrees (image axes, y down; 0 = upright, 90 = rotated clockwise, 180 = upside down);
    ``confidence``: geometric mean of the per-character top probabilities; ``check_digits``:
    (passing, total) of the ICAO check digits found where the shape puts them (a reading
    aid only: the MRZ engine decides); ``engine``: "glyph" or "tesseract".
    """

    lines: tuple[str, ...]
    line_readings: tuple[LineReading, ...] = field(repr=False)
    shape: str
    quad: np.ndarray = field(repr=False)
    angle: float
    confidence: float
    check_digits: tuple[int, int]
    engine: str = "glyph"
    char_height: float = 0.0
    band_image: np.ndarray | None = field(default=None, repr=False, compare=False)
    grid: tuple[tuple[float, float, float, float, int, float], ...] = field(
        default=(), repr=False, compare=False)
    """The rectified band (upright) and each line's cells there: (x0, pitch, top, bottom, n,
    k) as :class:`~docfraud.imaging.segment.TextLine` has them, for debug pictures."""

    @property
    def text(self) -> str:
        return "\n".join(self.lines)

    @property
    def score(self) -> float:
        """Ranking score: confidence plus the share of passing check digits (x 0.5)."""
        p, t = self.check_digits
        return self.confidence + 0.5 * (p / t if t else 0.0)


# ---------------------------------------------------------------------------------------------
# check digits (a reading aid; docfraud.mrz is the authority)

_VAL = {c: (0 if c == "<" else int(c) if c.isdigit() else ord(c) - 55) for c in ALPHABET}


def _cd(s: str) -> str:
    return str(sum(_VAL.get(c, 0) * w for c, w in zip(s, [7, 3, 1] * 20)) % 10)


def check_digit_tally(lines: tuple[str, ...] | list[str]) -> tuple[int, int]:
    """(passing, total) ICAO check digits at the positions the line shape implies."""
    shape = SHAPES.get((len(lines), len(lines[0]) if lines else 0))
    fields: list[tuple[str, str]] = []
    if shape == "TD1":
        l1, l2 = lines[0], lines[1]
        fields = [(l1[5:14], l1[14]), (l2[0:6], l2[6]), (l2[8:14], l2[14])]
        if l1[14] != "<":
            fields.append((l1[5:30] + l2[0:7] + l2[8:15] + l2[18:29], l2[29]))
    elif shape in ("TD2", "TD3"):
        l2 = lines[1]
        n = len(l2)
        fields = [(l2[0:9], l2[9]), (l2[13:19], l2[19]), (l2[21:27], l2[27])]
        if shape == "TD3" and l2[42] != "<" and l2[43] != "<":
            fields.append((l2[28:42], l2[42]))
        last = l2[n - 1]
        if last.isdigit():  # composite (passports, TD2); MRV has optional data there
            comp = l2[0:10] + l2[13:20] + l2[21:n - 1] if shape == "TD2" else l2[0:10] + l2[13:20] + l2[21:43]
            fields.append((comp, last))
    ok = sum(1 for data, cd in fields if cd == _cd(data) or (cd == "<" and set(data) <= {"<"}))
    return ok, len(fields)


# ---------------------------------------------------------------------------------------------


@dataclass
class _Candidate:
    lines: list[TextLine]
    ink: np.ndarray
    band_img: np.ndarray
    hom: np.ndarray
    band: Band
    orientation: int = 0


def _select_mrz_lines(lines: list[TextLine]) -> list[list[TextLine]]:
    """Groups of 2-3 consecutive lines that look like one MRZ (similar caps and extents)."""
    good = [ln for ln in lines if (ln.right - ln.left) >= 18 * ln.cap_height and ln.cap_height >= 4]
    groups: list[list[TextLine]] = []
    for k in (3, 2):
        for i in range(len(good) - k + 1):
            g = good[i : i + k]
            caps = [ln.cap_height for ln in g]
            if max(caps) > 1.6 * min(caps):
                continue
            cap = float(np.median(caps))
            lefts = [ln.left for ln in g]
            rights = [ln.right for ln in g]
            if max(lefts) - min(lefts) > 2.5 * cap:
                continue
            widths = [r - l for l, r in zip(lefts, rights)]
            if min(widths) < 0.75 * max(widths):
                continue
            gaps = [g[j + 1].y_center - g[j].y_center for j in range(k - 1)]
            if any(gp < 1.1 * cap or gp > 3.2 * cap for gp in gaps):
                continue
            groups.append(g)
    return groups


def _fit_group(ink: np.ndarray, group: list[TextLine], n: int) -> list[TextLine]:
    """Fit the common cell grid of the lines of one MRZ (same pitch, left-aligned, and the same
    change of pitch along them: one slant foreshortens every line alike)."""
    fits = [fit_pitch(ink, ln, n) for ln in group]
    pitches = np.array([f.pitch for f in fits])
    med = float(np.median(pitches))
    out = []
    for ln, f in zip(group, fits):
        if abs(f.pitch - med) > 0.02 * med:
            # refit with the shared pitch: only the offset is free
            f = _fit_offset(ink, ln, n, med, f.k)
        out.append(f)
    ks = sorted({f.k for f in out})
    if len(ks) > 1:
        # lines fitted apart may part (a name line's fillers hold its cells loosely: a line
        # fitted uniform beside one foreshortened read a phantom letter into a valid MRZ):
        # each line's offset again with each line's change of pitch, the one all fit best
        tries = [[_offset_fit(ink, ln, n, f.pitch, k) for ln, f in zip(group, out)] for k in ks]
        out = [t for _, t in min(tries, key=lambda r: sum(c for c, _ in r))]
    return out


def _offset_fit(ink: np.ndarray, ln: TextLine, n: int, pitch: float, k: float = 0.0
                ) -> tuple[float, TextLine]:
    """The offset of ``n`` cells of ``pitch`` (changing along the line by ``k``) whose
    boundaries cross the least ink of line ``ln``; that cost (with 2|k| to prefer a uniform
    pitch) and the fitted line."""
    t, b = int(ln.top), int(np.ceil(ln.bottom))
    prof = ink[max(t, 0) : max(b, t + 1)].mean(axis=0)
    xs = np.arange(len(prof), dtype=np.float32)
    best = (np.inf, ln.left - 0.15 * pitch)
    for dx in np.linspace(-0.3, 0.3, 25):
        x0 = ln.left - 0.15 * pitch + dx * pitch
        bounds = TextLine(ln.top, ln.bottom, ln.left, ln.right, x0, pitch, n, k).bounds()
        cost = float(np.interp(bounds, xs, prof, left=0, right=0).sum()) + 0.3 * abs(dx)
        if cost < best[0]:
            best = (cost, x0)
    return best[0] + 2.0 * abs(k), TextLine(ln.top, ln.bottom, ln.left, ln.right,
                                            float(best[1]), pitch, n, k)


def _fit_offset(ink: np.ndarray, ln: TextLine, n: int, pitch: float, k: float = 0.0) -> TextLine:
    return _offset_fit(ink, ln, n, pitch, k)[1]


class MRZReader:
    """Reusable reader: holds the glyph model (and optionally a Tesseract engine).

    ``engine``: "glyph" (default, the CNN with calibrated alternatives) or "tesseract"
    (tesserocr + mrz.traineddata; see :class:`~docfraud.imaging.ocr.TesseractEngine`).
    ``context``: strength of the letter/digit neighbour prior
    (:func:`~docfraud.imaging.ocr.context_prior`; 1 = pure glyph probabilities).
    """

    def __init__(self, engine: str = "glyph", model: GlyphModel | None = None,
                 tessdata: str | None = None, max_bands: int = 8, context: float = 3.0,
                 debug: bool = False) -> None:
        if engine not in ("glyph", "tesseract"):
            raise ValueError(f"unknown engine {engine!r}")
        self.engine = engine
        self.model = model or load_glyph_model()
        self.tess = TesseractEngine(tessdata) if engine == "tesseract" else None
        self.max_bands = max_bands
        self.context_prior = float(context)
        self.debug = debug
        self.last_debug: list[dict] = []

    # -- per band ---------------------------------------------------------------------------

    def _candidates(self, gray: np.ndarray, band: Band) -> list[_Candidate]:
        """Line groups of the rectified band, as read upright and turned by 180 degrees.

        When text runs into the left or right end of the band (the locator lost a run of merged
        '<' fillers, say), the band is lengthened on that side and rectified again, once.
        """
        scale = TARGET_CAP / max(band.char_height, 1.0)
        quad = band.quad
        for attempt in range(2):
            img, hom = rectify_quad(gray, quad, scale)
            if img.size == 0:
                return []
            ink = ink_map(img, TARGET_CAP)
            lines = find_lines(ink)
            if attempt == 1:
                break
            w = img.shape[1]
            long_lines = [ln for ln in lines if ln.right - ln.left > 10 * ln.cap_height]
            grow_left = any(ln.left < 0.4 * ln.cap_height for ln in long_lines)
            grow_right = any(ln.right > w - 0.4 * ln.cap_height for ln in long_lines)
            if not (grow_left or grow_right):
                break
            quad = _lengthen(quad, 10 * band.char_height if grow_left else 0.0,
                             10 * band.char_height if grow_right else 0.0, gray.shape)
        out = []
        h, w = img.shape[:2]
        turn = np.array([[-1, 0, w - 1], [0, -1, h - 1], [0, 0, 1]], np.float64)
        for o in (0, 180):
            ink_o = ink if o == 0 else np.ascontiguousarray(ink[::-1, ::-1])
            img_o = img if o == 0 else np.ascontiguousarray(img[::-1, ::-1])
            hom_o = hom if o == 0 else turn @ hom
            lines_o = lines if o == 0 else find_lines(ink_o)
            for g in _select_mrz_lines(lines_o):
                out.append(_Candidate(g, ink_o, img_o, hom_o, band, o))
        return out

    def _read_candidate(self, cand: _Candidate) -> RawMRZReading | None:
        k = len(cand.lines)
        cap = float(np.median([ln.cap_height for ln in cand.lines]))
        width = float(np.median([ln.right - ln.left for ln in cand.lines]))
        per = [periodicity(cand.ink, ln) for ln in cand.lines]
        strength = float(np.mean([st for _, st in per]))
        if strength < MIN_PERIODICITY:
            return None  # not fixed-pitch text: not an MRZ
        pitches = [p for p, st in per if st >= 0.3]
        pitch = float(np.median(pitches)) if pitches else cap * PITCH_PER_CAP
        est = width / pitch + 0.32
        ns = sorted(choose_length(width, cap, k), key=lambda n: abs(np.log(est / n)))
        if k >= 3:
            ns = [30]
        ns = [n for n in ns if abs(np.log(est / n)) < 0.16][:2] or ns[:1]
        best: RawMRZReading | None = None
        for n in ns:
            fits = _fit_group(cand.ink, cand.lines, n)
            if self.engine == "tesseract":
                r = self._read_tesseract(cand, fits, n)
            else:
                r = self._read_glyph(cand, fits, n)
            if r is not None and (best is None or r.score > best.score):
                best = r
            if best is not None and _good(best.confidence, best.check_digits):
                break
        return best

    def _read_glyph(self, cand: _Candidate, fits: list[TextLine], n: int) -> RawMRZReading | None:
        cells = np.concatenate([extract_cells(cand.ink, f) for f in fits])
        p = self.model.predict_proba(cells)
        if self.context_prior != 1.0:
            p = np.concatenate([context_prior(p[i * n : (i + 1) * n], self.context_prior)
                                for i in range(len(fits))])
        readings = tuple(line_from_proba(p[i * n : (i + 1) * n]) for i in range(len(fits)))
        texts = tuple(r.text for r in readings)
        conf = float(np.exp(np.mean(np.log(np.maximum(p.max(axis=1), 1e-9)))))
        return self._make_reading(cand, fits, readings, texts, conf, check_digit_tally(texts), "glyph")

    def _read_tesseract(self, cand: _Candidate, fits: list[TextLine], n: int) -> RawMRZReading | None:
        assert self.tess is not None
        img = cand.band_img
        H = img.shape[0]
        readings = []
        for f in fits:
            pad = 0.45 * f.cap_height
            y0, y1 = int(max(0, f.top - pad)), int(min(H, f.bottom + pad))
            readings.append(self.tess.read_line(np.ascontiguousarray(img[y0:y1])))
        texts = tuple(r.text for r in readings)
        if any(len(t) != n for t in texts):
            return None
        confs = [c.confidence for r in readings for c in r.chars]
        conf = float(np.exp(np.mean(np.log(np.maximum(confs, 1e-9))))) if confs else 0.0
        return self._make_reading(cand, fits, tuple(readings), texts, conf, check_digit_tally(texts), "tesseract")

    def _make_reading(self, cand, fits, readings, texts, conf, tally, engine) -> RawMRZReading | None:  # type: ignore[no-untyped-def]
        k, n = len(fits), fits[0].n
        shape = SHAPES.get((k, n))
        if shape is None:
            return None
        # corners of the text in the rectified band -> image
        # the text's box, with a little margin so that it encloses every glyph
        x0 = min(f.x0 for f in fits) - 0.15 * fits[0].pitch
        x1 = max(f.x0 + f.n * f.pitch for f in fits) + 0.15 * fits[0].pitch
        y0 = fits[0].top - 0.35 * fits[0].cap_height
        y1 = fits[-1].bottom + 0.35 * fits[-1].cap_height
        pts = np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]], np.float64)
        inv = np.linalg.inv(cand.hom)
        quad = cv2.perspectiveTransform(pts.reshape(-1, 1, 2), inv).reshape(-1, 2).astype(np.float32)
        d = quad[1] - quad[0]
        angle = float(np.degrees(np.arctan2(d[1], d[0])))
        ch = float(np.median([f.cap_height for f in fits])) / (TARGET_CAP / max(cand.band.char_height, 1.0))
        grid = tuple((float(f.x0), float(f.pitch), float(f.top), float(f.bottom), int(f.n),
                      float(f.k)) for f in fits)
        return RawMRZReading(texts, readings, shape, quad, angle, conf, tally, engine, ch,
                             cand.band_img, grid)

    # -- per image --------------------------------------------------------------------------

    def find(self, image: ImageSource, *, min_confidence: float = 0.7, first_only: bool = False) -> list[RawMRZReading]:
        """Every MRZ found in the image, best first."""
        img = image if isinstance(image, np.ndarray) else load_image(image)
        gray = to_gray(img) if img.ndim == 3 else img
        if gray.dtype != np.uint8:
            gray = to_gray(load_image(img))
        bands = find_bands(gray, self.max_bands)
        found: list[RawMRZReading] = []
        self.last_debug = []
        for band in bands:
            if any(_inside(band.quad.mean(axis=0), r.quad) for r in found):
                continue
            best = None
            for cand in self._candidates(gray, band):
                r = self._read_candidate(cand)
                if self.debug:
                    self.last_debug.append({"band": band, "cand": cand, "reading": r})
                if r is None or not _acceptable(r, min_confidence):
                    continue
                if best is None or r.score > best.score:
                    best = r
                if _excellent(best):
                    break  # no need to try other line groups or the other orientation
            if best is None:
                continue
            found.append(best)
            if first_only and best.check_digits[0] == best.check_digits[1] and best.confidence > 0.9:
                break
        found.sort(key=lambda r: -r.score)
        return _dedupe(found)


def _acceptable(r: RawMRZReading, min_confidence: float) -> bool:
    """Report a reading only when it looks like an MRZ: a letter as the document code, some
    '<' filler, and confident glyphs (>= 0.85), or fairly confident ones (>= ``min_confidence``)
    with all check digits but at most one holding (at least 3 holding)."""
    if not r.lines or not r.lines[0][:1].isalpha() or not any("<" in ln for ln in r.lines):
        return False
    passed, total = r.check_digits
    if r.confidence >= 0.85:
        return True
    return r.confidence >= min_confidence and passed >= 3 and passed >= total - 1


def _excellent(r: RawMRZReading) -> bool:
    """Confident, every check digit holding: stop trying alternatives for this band."""
    p, t = r.check_digits
    return r.confidence >= 0.97 and t > 0 and p == t


def _good(conf: float, tally: tuple[int, int]) -> bool:
    """A reading good enough to stop looking for alternatives (orientation, length, lines)."""
    return conf >= 0.9 and (tally[1] == 0 or 2 * tally[0] >= tally[1])


def _lengthen(quad: np.ndarray, left: float, right: float, shape: tuple[int, ...]) -> np.ndarray:
    """Move the left (TL, BL) and right (TR, BR) ends of a quad outwards along its length,
    staying within about the image."""
    q = np.asarray(quad, np.float64).copy()
    top = q[1] - q[0]
    bot = q[2] - q[3]
    top /= max(float(np.hypot(*top)), 1e-9)
    bot /= max(float(np.hypot(*bot)), 1e-9)
    q[0] -= top * left
    q[3] -= bot * left
    q[1] += top * right
    q[2] += bot * right
    h, w = shape[:2]
    q[:, 0] = np.clip(q[:, 0], -0.1 * w, 1.1 * w)
    q[:, 1] = np.clip(q[:, 1], -0.1 * h, 1.1 * h)
    return q.astype(np.float32)


def _inside(pt: np.ndarray, quad: np.ndarray) -> bool:
    return cv2.pointPolygonTest(quad.reshape(-1, 1, 2).astype(np.float32), (float(pt[0]), float(pt[1])), False) >= 0


def _dedupe(readings: list[RawMRZReading]) -> list[RawMRZReading]:
    out: list[RawMRZReading] = []
    for r in readings:
        c = r.quad.mean(axis=0)
        if any(_inside(c, k.quad) for k in out):
            continue
        out.append(r)
    return out


_DEFAULT: MRZReader | None = None


def default_reader() -> MRZReader:
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = MRZReader()
    return _DEFAULT


def find_raw_mrzs(image: ImageSource, reader: MRZReader | None = None) -> list[RawMRZReading]:
    """Every MRZ in the image (path, bytes or array), best first; [] if none."""
    return (reader or default_reader()).find(image)


def read_raw_mrz(image: ImageSource, reader: MRZReader | None = None) -> RawMRZReading | None:
    """The best MRZ reading of the image, or None when no MRZ is found."""
    found = (reader or default_reader()).find(image, first_only=True)
    return found[0] if found else None
