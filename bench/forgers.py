"""Forgeries made another way: forger's techniques written apart from ``docfraud.synth.forgery``,
captured and examined as ``bench/detection.py`` does, to see whether the checks catch what
forgers do rather than what the generator happens to do.

    ./dev bench forgers [--per-cell 3] [--seed 12100] [--captures scan,reader,phone] [--dump DIR]

Every technique starts from a genuine page image (the renderer's, at the specimen's 300 dpi)
and edits it as a forger would edit a real document, knowing only what a forger knows: where
the fields are printed (measured on the page itself, from their ink), the fonts (the fields'
DejaVu Sans and OCR-B are free fonts) and the ICAO rules (check digits recomputed). None of the
generator's forgery code is used; its renderer gives the genuine page and, for the donor
techniques, a second genuine document.

Techniques (each at a random care from 0, careful, to 1, crude):

==================  ===========================================================================
consistent_edit     one datum changed in the visual zone *and* the MRZ, check digits recomputed:
                    the field's ink inpainted away (background smoothed over) and re-printed in
                    the same font with toner; in the MRZ only the changed characters are
                    erased and re-printed on their cells
donor_portrait      the portrait cut from another genuine document of the same type (its own
                    overlay pattern and frame) and laid in, a little off place and scale; the
                    ghost image left as it was
donor_portrait_ghost  as donor_portrait, and the ghost image taken from the donor too
fm_reprint          a counterfeit printed on an inkjet: the page scanned soft, printed with a
                    stochastic (FM) screen, no security inks (paper bright under UV, colour
                    inks transparent in IR)
overprint_digit     a digit of the expiry or birth year turned into another by adding strokes
                    with a pen (3 -> 8, 1 -> 4 ...), nothing erased; the MRZ left alone
mrz_strip           a strip of ordinary paper printed with a new MRZ (check digits recomputed,
                    OCR-B) pasted over the MRZ
==================  ===========================================================================

The figures are in docs/benchmarks.md. These forgeries are made by docfraud's own developers, so
they are not the independent held-out set issue 5 announces; they only test the checks against
techniques the generator does not use.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
import warnings
from dataclasses import replace
from datetime import date
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from detection import print_rates, to_capture  # noqa: E402

from docfraud.examine.engine import examine_document  # noqa: E402
from docfraud.examine.model import NO_ANOMALIES  # noqa: E402
from docfraud.specimens import Library  # noqa: E402
from docfraud.synth.artwork import design_ids, get_design  # noqa: E402
from docfraud.synth.capture import capture  # noqa: E402
from docfraud.synth.dataset import AS_OF, holder_for  # noqa: E402
from docfraud.synth.forgery import genuine  # noqa: E402

DATA = ROOT / "docfraud" / "data"
SANS = str(DATA / "DejaVuSans.ttf")
OCRB = str(DATA / "OCRB.otf")
MONTHS = "JAN FEB MAR APR MAY JUN JUL AUG SEP OCT NOV DEC".split()

Pages = dict[str, dict[str, np.ndarray]]   # side -> light -> image (white/uv RGB, ir grey)


# ------------------------------------------------------------------------------ measuring
class Page:
    """A specimen's zones in pixels of its page images."""

    def __init__(self, spec, dpi: float):  # type: ignore[no-untyped-def]
        self.zones = {z.id: z for z in spec.zones}
        self.k = dpi / 25.4

    def box(self, zone: str, pad_mm: float = 0.0) -> tuple[str, tuple[int, int, int, int]]:
        z = self.zones[zone]
        x, y, w, h = z.bbox_mm
        k = self.k
        return z.side, (int((x - pad_mm) * k), int((y - pad_mm) * k),
                        int((x + w + pad_mm) * k), int((y + h + pad_mm) * k))


def ink(white: np.ndarray, box: tuple[int, int, int, int], thr: float = 60) -> np.ndarray:
    """A mask of the text ink inside ``box`` (darker than the background around it by ``thr``)."""
    x0, y0, x1, y1 = box
    g = cv2.cvtColor(white[y0:y1, x0:x1], cv2.COLOR_RGB2GRAY).astype(np.float32)
    bg = cv2.morphologyEx(g, cv2.MORPH_CLOSE, np.ones((15, 15), np.uint8))
    dark = bg - g
    # text ink is far darker than the fine lines of the background around it
    return (dark > max(thr, 0.55 * float(np.percentile(dark, 99.5)))).astype(np.uint8)


def ink_extent(mask: np.ndarray) -> tuple[int, int, int, int] | None:
    """(left, cap top, right, baseline) of the line of text with the most ink in a mask (a
    caption above it is left out), from its row and column profiles."""
    rows = mask.sum(axis=1)
    bands = runs(rows, 1)
    if not bands:
        return None
    t, b = max(bands, key=lambda r: rows[r[0]:r[1]].sum())
    cols = np.flatnonzero(mask[t:b].sum(axis=0))
    on = t + np.flatnonzero(rows[t:b] > 0.15 * rows[t:b].max())
    return int(cols[0]), int(on[0]), int(cols[-1]) + 1, int(on[-1]) + 1


def ink_colour(white: np.ndarray, box: tuple[int, int, int, int], mask: np.ndarray) -> np.ndarray:
    """The field's ink colour: its darkest third's median."""
    x0, y0, x1, y1 = box
    px = white[y0:y1, x0:x1][mask > 0].astype(np.float32)
    lum = px.mean(axis=1)
    return np.median(px[lum <= np.percentile(lum, 33)], axis=0)


def runs(profile: np.ndarray, gap: int = 2) -> list[tuple[int, int]]:
    """Runs of nonzero entries, joining gaps up to ``gap`` long."""
    idx = np.flatnonzero(profile > 0)
    out: list[tuple[int, int]] = []
    for i in idx:
        if out and i - out[-1][1] <= gap:
            out[-1] = (out[-1][0], i + 1)
        else:
            out.append((i, i + 1))
    return out


# ------------------------------------------------------------------------------ printing
def text_alpha(text: str, font: str, cap_px: float, shape: tuple[int, int], left: float,
               baseline: float, centres: list[float] | None = None, ss: int = 4) -> np.ndarray:
    """Coverage (0..1) of ``text`` drawn on a canvas of ``shape``: left edge of its ink at
    ``left`` (or each character's ink centred on ``centres``), baseline at ``baseline``."""
    probe = ImageFont.truetype(font, 200)
    l_, t_, r_, b_ = probe.getbbox("H", anchor="ls")
    size = max(4, int(round(cap_px * ss * 200 / (b_ - t_))))
    f = ImageFont.truetype(font, size)
    img = Image.new("L", (shape[1] * ss, shape[0] * ss), 0)
    d = ImageDraw.Draw(img)
    if centres is None:
        bx = f.getbbox(text, anchor="ls")
        d.text((left * ss - bx[0], baseline * ss), text, font=f, fill=255, anchor="ls")
    else:
        for ch, c in zip(text, centres):
            bx = f.getbbox(ch, anchor="ls")
            d.text((c * ss - (bx[0] + bx[2]) / 2, baseline * ss), ch, font=f, fill=255,
                   anchor="ls")
    a = np.asarray(img, np.float32) / 255.0
    return cv2.resize(a, (shape[1], shape[0]), interpolation=cv2.INTER_AREA)


def cap_for_width(text: str, font: str, width: float) -> float:
    """The cap height at which ``text``'s ink is ``width`` wide (a forger scales a printout of
    the text until it covers the field)."""
    f = ImageFont.truetype(font, 400)
    bx = f.getbbox(text, anchor="ls")
    return width * -f.getbbox("H", anchor="ls")[1] / (bx[2] - bx[0])


def char_centre(text: str, i: int, font: str, cap_px: float, left: float) -> float:
    """The centre of character ``i``'s ink when ``text``'s ink starts at ``left``."""
    f = ImageFont.truetype(font, 400)
    k = cap_px / -f.getbbox("H", anchor="ls")[1]
    bx = f.getbbox(text[i], anchor="ls")
    return left + k * (f.getlength(text[:i]) + (bx[0] + bx[2]) / 2 - f.getbbox(text, anchor="ls")[0])


def lay_ink(img: np.ndarray, alpha: np.ndarray, colour, at: tuple[int, int]) -> None:
    """Print ink of ``colour`` with coverage ``alpha`` onto ``img`` at (x, y), in place
    (subtractive: the ink darkens what is under it)."""
    x, y = at
    h, w = alpha.shape
    region = img[y:y + h, x:x + w].astype(np.float32)
    a = alpha[..., None] if region.ndim == 3 else alpha
    c = np.asarray(colour, np.float32)
    if region.ndim == 2:
        c = float(np.mean(c))
    out = region * (1 - a) + np.minimum(region, c) * a
    img[y:y + h, x:x + w] = np.clip(out + 0.5, 0, 255).astype(np.uint8)


def inpaint(img: np.ndarray, mask: np.ndarray, at: tuple[int, int], radius: int) -> None:
    x, y = at
    h, w = mask.shape
    region = np.ascontiguousarray(img[y:y + h, x:x + w])
    img[y:y + h, x:x + w] = cv2.inpaint(region, mask, radius, cv2.INPAINT_TELEA)


# ------------------------------------------------------------------------------ data changes
def printed(design, holder, field: str) -> str:  # type: ignore[no-untyped-def]
    el = next(e for s in design.sides for e in s.elements if getattr(e, "id", None) == field)
    return holder.value(field, getattr(el, "date_format", None)).upper()


def changed_holder(holder, field: str, rng: random.Random):  # type: ignore[no-untyped-def]
    if field == "birth_date":
        d = holder.birth_date
        return replace(holder, birth_date=d.replace(year=d.year - rng.choice([2, 3, 5, 10]),
                                                    day=min(d.day, 28)))
    if field == "expiry_date":
        d = holder.expiry_date
        return replace(holder, expiry_date=d.replace(year=d.year + rng.choice([1, 3, 5]),
                                                     day=min(d.day, 28)))
    n = list(holder.document_number)
    i = rng.randrange(1, len(n))
    pool = "0123456789" if n[i].isdigit() else "ABCDEFGHJKLMNPRSTUVWXYZ"
    n[i] = rng.choice([c for c in pool if c != n[i]])
    return replace(holder, document_number="".join(n))


def mrz_cells(white: np.ndarray, box: tuple[int, int, int, int], lines: list[str]
              ) -> list[tuple[int, int, list[float]]]:
    """Each MRZ line's (cap top, baseline, character centres) on the page, measured as a forger
    would: the lines from the ink's rows, the pitch from the first and last character."""
    x0, y0, x1, y1 = box
    m = ink(white, box, 50)
    bands = [r for r in runs(m.sum(axis=1), 1) if r[1] - r[0] > 8]
    out = []
    rows = m.sum(axis=1)
    for (t, b), text in zip(bands, lines):
        on = t + np.flatnonzero(rows[t:b] > 0.3 * rows[t:b].max())
        t, b = int(on[0]), int(on[-1]) + 1
        cols = runs(m[t:b].sum(axis=0), 0)
        first, last = cols[0], cols[-1]
        c0 = (first[0] + first[1]) / 2
        # the last character of a line is '<' or a digit; its centre from its ink run
        c1 = (last[0] + last[1]) / 2
        pitch = (c1 - c0) / (len(text) - 1)
        out.append((y0 + t, y0 + b, [x0 + c0 + i * pitch for i in range(len(text))]))
    return out


# ------------------------------------------------------------------------------ techniques
def consistent_edit(pages: Pages, design, holder, page: Page, rng: random.Random,  # type: ignore[no-untyped-def]
                    care: float, **_) -> dict:
    fields = [f for f in ("birth_date", "expiry_date", "document_number") if f in page.zones]
    field = rng.choice(fields)
    new = changed_holder(holder, field, rng)
    # the visual zone: erase the field's ink, print the new text in its place
    side, box = page.box(field, 0.4)
    white = pages[side]["white"]
    m = ink(white, box)
    left, top, right, base = ink_extent(m)
    colour = ink_colour(white, box, m) * (0.6 + 0.3 * rng.random())  # toner: darker
    grow = 1 + int(round(2 * care))
    m[:max(top - 2, 0)] = 0  # the caption above stays
    hole = cv2.dilate(m, np.ones((2 * grow + 1, 2 * grow + 1), np.uint8))
    x0, y0, x1, y1 = box
    for light, img in pages[side].items():
        inpaint(img, hole, (x0, y0), 3)
    text = printed(design, new, field)
    mm = page.k
    shift = rng.uniform(-1, 1) * (0.05 + 0.25 * care) * mm, rng.uniform(-1, 1) * (0.05 + 0.2 * care) * mm
    cap = cap_for_width(printed(design, holder, field), SANS, right - left) * \
        (1 + rng.uniform(-0.03, 0.03) * (0.3 + care))
    a = text_alpha(text, SANS, cap, m.shape, left + shift[0], base + shift[1])
    for light, img in pages[side].items():
        lay_ink(img, a, colour if light != "uv" else colour * 0.5, (x0, y0))
    # the MRZ: only the characters that changed
    old_lines, new_lines = design.mrz(holder), design.mrz(new)
    mside, mbox = page.box("mrz")
    mwhite = pages[mside]["white"]
    cells = mrz_cells(mwhite, mbox, old_lines)
    changed = 0
    for (t, b, centres), old, newl in zip(cells, old_lines, new_lines):
        pitch = centres[1] - centres[0]
        for i, (o, n) in enumerate(zip(old, newl)):
            if o == n:
                continue
            changed += 1
            cx0, cx1 = int(centres[i] - pitch / 2), int(centres[i] + pitch / 2) + 1
            cb = (cx0, t - 3, cx1, b + 3)
            cm = ink(mwhite, cb, 50)
            cm = cv2.dilate(cm, np.ones((3, 3), np.uint8))
            for img in pages[mside].values():
                inpaint(img, cm, (cx0, t - 3), 3)
            err = rng.uniform(-1, 1) * (0.03 + 0.15 * care) * mm
            ca = text_alpha(n, OCRB, b - t, cm.shape, 0, b - (t - 3) + rng.uniform(-0.5, 0.5) * care * 2,
                            centres=[centres[i] - cx0 + err])
            for light, img in pages[mside].items():
                lay_ink(img, ca, (25, 25, 25) if light != "uv" else (15, 15, 15), (cx0, t - 3))
    return {"field": field, "was": printed(design, holder, field), "printed": text,
            "mrz_characters_changed": changed}


def _donor(design, rng: random.Random) -> Pages:  # type: ignore[no-untyped-def]
    return genuine(design, holder_for(design, rng, AS_OF), rng.randrange(2**31))


def _lay_in(pages: Pages, donor: Pages, page: Page, zone: str, rng: random.Random, care: float,
            max_off_mm: float) -> dict:
    side, (x0, y0, x1, y1) = page.box(zone)
    w, h = x1 - x0, y1 - y0
    s = 1 + rng.uniform(-1, 1) * (0.005 + 0.03 * care)
    off = [rng.uniform(-1, 1) * (0.1 + max_off_mm * care) * page.k for _ in range(2)]
    # an affine map from the donor's zone to this page: scaled about the zone's centre, shifted
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    M = np.float32([[s, 0, cx - s * cx + off[0]], [0, s, cy - s * cy + off[1]]])
    edge = rng.choice([0.6, 1.3])
    for light, img in pages[side].items():
        src = donor[side][light]
        warped = cv2.warpAffine(src, M, (img.shape[1], img.shape[0]), flags=cv2.INTER_LINEAR,
                                borderMode=cv2.BORDER_REPLICATE)
        piece = warped[y0:y1, x0:x1].astype(np.float32)
        # the cut: a thin line, darker (shadow) or lighter (paper fibre) than the picture
        t = 1 + int(care > 0.6)
        rim = np.zeros((h, w), np.float32)
        rim[:t], rim[-t:], rim[:, :t], rim[:, -t:] = 1, 1, 1, 1
        rim *= 0.15 + 0.35 * care
        if piece.ndim == 3:
            rim = rim[..., None]
        piece = piece * (1 - rim) + np.clip(piece * edge, 0, 255) * rim
        img[y0:y1, x0:x1] = np.clip(piece + 0.5, 0, 255).astype(np.uint8)
    return {"zone": zone, "scale": round(s, 4), "offset_mm": [round(o / page.k, 2) for o in off]}


def donor_portrait(pages: Pages, design, holder, page: Page, rng: random.Random,  # type: ignore[no-untyped-def]
                   care: float, **_) -> dict:
    return _lay_in(pages, _donor(design, rng), page, "portrait", rng, care, 0.8)


def donor_portrait_ghost(pages: Pages, design, holder, page: Page, rng: random.Random,  # type: ignore[no-untyped-def]
                         care: float, **_) -> dict:
    donor = _donor(design, rng)
    return {"portrait": _lay_in(pages, donor, page, "portrait", rng, care, 0.8),
            "ghost": _lay_in(pages, donor, page, "ghost", rng, care, 0.5)}


def fm_reprint(pages: Pages, design, holder, page: Page, rng: random.Random,  # type: ignore[no-untyped-def]
               care: float, **_) -> dict:
    soft = 0.5 + 0.9 * care          # the forger's scan of a genuine document
    gain = 1.0 + 1.5 * care          # ink spread on plain paper, in pixels of the 1200 dpi screen
    drift = np.array([rng.uniform(-1, 1) for _ in range(3)]) * (0.03 + 0.08 * care)
    for side in pages:
        w = pages[side]["white"].astype(np.float32) / 255.0
        w = cv2.GaussianBlur(w, (0, 0), soft)
        w = np.clip(w ** (1 + drift), 0, 1)
        cmy = 1 - w
        k = cmy.min(axis=2, keepdims=True)
        cmyk = np.concatenate([(cmy - k) / np.maximum(1 - k, 1e-3), k], axis=2)
        # a stochastic screen at 1200 dpi: each ink a dot where it beats noise
        big = cv2.resize(cmyk, None, fx=4, fy=4, interpolation=cv2.INTER_LINEAR)
        noise = np.random.default_rng(rng.randrange(2**32)).random(big.shape, np.float32)
        dots = (big > noise).astype(np.float32)
        dots = cv2.GaussianBlur(dots, (0, 0), gain)
        dots = cv2.resize(dots, (w.shape[1], w.shape[0]), interpolation=cv2.INTER_AREA)
        c, kk = dots[..., :3], dots[..., 3:]
        printed_ = (1 - c) * (1 - kk)
        paper = np.array([0.97, 0.965, 0.95], np.float32)
        pages[side]["white"] = np.clip(printed_ * paper * 255 + 0.5, 0, 255).astype(np.uint8)
        # IR: colour inks transparent, only the black ink shows
        pages[side]["ir"] = np.clip((1 - 0.85 * kk[..., 0]) * 235, 0, 255).astype(np.uint8)
        # UV: plain paper with brighteners glows blue-white; inks only absorb
        glow = np.array([150, 165, 235], np.float32) * (0.75 + 0.25 * care)
        pages[side]["uv"] = np.clip(glow * (0.35 + 0.65 * printed_), 0, 255).astype(np.uint8)
    return {"softness_px": round(soft, 2), "dot_gain_px": round(gain, 2)}


def overprint_digit(pages: Pages, design, holder, page: Page, rng: random.Random,  # type: ignore[no-untyped-def]
                    care: float, **_) -> dict:
    adds = {"3": "8", "0": "8", "6": "8", "9": "8", "5": "6", "1": "4", "7": "9"}
    options = []
    for field in ("expiry_date", "birth_date"):
        if field not in page.zones:
            continue
        text = printed(design, holder, field)
        options += [(field, i) for i, ch in enumerate(text) if ch in adds and i >= len(text) - 4]
    field, i = rng.choice(options)
    text = printed(design, holder, field)
    side, box = page.box(field, 0.4)
    white = pages[side]["white"]
    m = ink(white, box)
    left, top, right, base = ink_extent(m)
    new = adds[text[i]]
    cap = cap_for_width(text, SANS, right - left)
    # where the digit is: the font's advances from the field's left edge, as a forger lays a
    # printout of the text over the field
    a = text_alpha(new, SANS, cap, m.shape, 0, base,
                   centres=[char_centre(text, i, SANS, cap, left)
                            + rng.uniform(-0.3, 0.3) * care])
    a *= 0.8 + 0.2 * rng.random()
    colour = ink_colour(white, box, m) * (0.7 + 0.5 * rng.random())
    x0, y0 = box[:2]
    for light, img in pages[side].items():
        if light == "ir" and rng.random() < 0.5:
            continue  # a pen whose ink is transparent in IR
        lay_ink(img, a, np.clip(colour, 0, 255) if light != "uv" else colour * 0.5, (x0, y0))
    return {"field": field, "was": text, "printed": text[:i] + new + text[i + 1:]}


def mrz_strip(pages: Pages, design, holder, page: Page, rng: random.Random,  # type: ignore[no-untyped-def]
              care: float, **_) -> dict:
    field = rng.choice(["document_number", "birth_date", "expiry_date"])
    new = changed_holder(holder, field, rng)
    old_lines, new_lines = design.mrz(holder), design.mrz(new)
    side, box = page.box("mrz")
    white = pages[side]["white"]
    cells = mrz_cells(white, box, old_lines)
    pad = int(1.2 * page.k)
    sx0 = int(min(c[2][0] for c in cells) - pad * 2)
    sx1 = int(max(c[2][-1] for c in cells) + pad * 2)
    sy0, sy1 = cells[0][0] - pad, cells[-1][1] + pad
    tone = np.array([246, 245, 240], np.float32) + rng.uniform(-4, 4)
    noise = np.random.default_rng(rng.randrange(2**32)).normal(0, 1.5, (sy1 - sy0, sx1 - sx0, 1))
    glow = rng.random() < 0.4 + 0.5 * care  # paper with optical brighteners
    for light, img in pages[side].items():
        base = {"white": tone, "ir": np.float32(238), "uv": np.array(
            [120, 135, 210] if glow else [40, 40, 50], np.float32)}[light]
        strip = np.broadcast_to(base, img[sy0:sy1, sx0:sx1].shape).astype(np.float32)
        strip = strip + (noise if strip.ndim == 3 else noise[..., 0])
        img[sy0:sy1, sx0:sx1] = np.clip(strip, 0, 255).astype(np.uint8)
        # the strip's edge casts a thin shadow
        shade = 0.75 + 0.15 * (1 - care)
        for sl in (np.s_[sy0:sy0 + 1, sx0:sx1], np.s_[sy1 - 1:sy1, sx0:sx1],
                   np.s_[sy0:sy1, sx0:sx0 + 1], np.s_[sy0:sy1, sx1 - 1:sx1]):
            img[sl] = (img[sl].astype(np.float32) * shade).astype(np.uint8)
    err = rng.uniform(-1, 1) * (0.05 + 0.3 * care) * page.k
    for (t, b, centres), line in zip(cells, new_lines):
        a = text_alpha(line, OCRB, b - t, (sy1 - sy0, sx1 - sx0), 0,
                       b - sy0 + rng.uniform(-1, 1) * care,
                       centres=[c - sx0 + err for c in centres])
        for light, img in pages[side].items():
            lay_ink(img, a, (20, 20, 20), (sx0, sy0))
    return {"field": field, "mrz": new_lines, "uv_glow": glow}


TECHNIQUES = {"consistent_edit": consistent_edit, "donor_portrait": donor_portrait,
              "donor_portrait_ghost": donor_portrait_ghost, "fm_reprint": fm_reprint,
              "overprint_digit": overprint_digit, "mrz_strip": mrz_strip}
#: the lights a technique's flaws need (fm_reprint's and mrz_strip's show in white light too)
NEEDS: dict[str, tuple[str, ...]] = {t: () for t in TECHNIQUES}


def forge_pages(technique: str, design, holder, page: Page, rng: random.Random,  # type: ignore[no-untyped-def]
                seed: int, care: float) -> tuple[Pages, dict]:
    pages = genuine(design, holder, seed)
    pages = {s: {k: v.copy() for k, v in imgs.items()} for s, imgs in pages.items()}
    info = TECHNIQUES[technique](pages, design, holder, page, rng, care)
    return pages, info


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--per-cell", type=int, default=3)
    ap.add_argument("--seed", type=int, default=12100)
    ap.add_argument("--captures", default="scan,reader,phone")
    ap.add_argument("--specimens", default=",".join(design_ids()))
    ap.add_argument("--techniques", default=",".join(TECHNIQUES))
    ap.add_argument("--json", type=Path, help="write every examination's summary here")
    ap.add_argument("--dump", type=Path, help="save each forged page (white light) here")
    args = ap.parse_args()
    warnings.simplefilter("ignore")
    lib = Library()
    captures = args.captures.split(",")
    techniques = args.techniques.split(",")
    if args.dump:
        args.dump.mkdir(parents=True, exist_ok=True)
    rows = []
    t_start = time.perf_counter()
    for sid in args.specimens.split(","):
        design = get_design(sid)
        page = Page(lib.get(sid), design.dpi)
        for cap in captures:
            master = random.Random(f"forgers:{args.seed}:{sid}:{cap}")
            for technique in techniques:
                for n in range(args.per_cell):
                    rng = random.Random(master.randrange(2**63))
                    holder = holder_for(design, rng, AS_OF)
                    seed = rng.randrange(2**31)
                    care = rng.random()
                    pages, info = forge_pages(technique, design, holder, page, rng, seed, care)
                    if args.dump:
                        for side, imgs in pages.items():
                            name = f"{sid.replace('/', '_')}-{cap}-{technique}-{n}-{side}.png"
                            cv2.imwrite(str(args.dump / name),
                                        cv2.cvtColor(imgs["white"], cv2.COLOR_RGB2BGR))
                    sides = []
                    for side, imgs in pages.items():
                        ir = imgs["ir"]
                        c = capture(cap, {"white": imgs["white"], "uv": imgs["uv"],
                                          "ir": cv2.cvtColor(ir, cv2.COLOR_GRAY2RGB)
                                          if ir.ndim == 2 else ir}, design.dpi, rng)
                        sides.append(to_capture(c.images, f"{sid}-{side}",
                                                "camera" if cap == "phone" else "scanner"))
                    t0 = time.perf_counter()
                    exams = examine_document(sides, lib)
                    ms = (time.perf_counter() - t0) * 1000
                    codes, scores = set(), {}
                    for ex in exams:
                        codes |= {f.code for f in ex.findings if not f.code.startswith("MRZ2")
                                  and f.code not in ("MRZ302", "MRZ505", "MRZ403", "MRZ601")}
                        for c in ex.checks:
                            if c.score is not None:
                                scores[f"{c.check}:{c.zone}"] = (c.score, c.threshold)
                    lights = sorted(sides[0].images)
                    rows.append({"specimen": sid, "capture": cap, "type": technique,
                                 "care": round(care, 3), "details": info,
                                 "anomaly": any(ex.verdict != NO_ANOMALIES for ex in exams),
                                 "verdicts": [ex.verdict for ex in exams],
                                 "codes": sorted(codes), "ms": round(ms, 1), "lights": lights,
                                 "quality": [ex.capture_quality.get("class") for ex in exams],
                                 "scores": scores,
                                 "detectable": all(n in lights for n in NEEDS[technique])})
            print(f"{sid} {cap}: done ({time.perf_counter() - t_start:.0f} s)", flush=True)
    print()
    print_rates(rows, techniques, captures, "technique")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=0, default=str))


if __name__ == "__main__":
    main()
