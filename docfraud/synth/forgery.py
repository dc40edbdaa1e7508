"""Forgeries of the fictional specimens, each labelled with its type, strength and regions.

Forgers are imperfect in different ways: every forgery takes a ``strength`` from 0 (subtle: a
careful forger) to 1 (crude), and draws the details of its flaws from the ``rng``. A forgery
returns the page images of every side and a label saying what was done and where (zone ids of the
specimen, so that answer keys and detection benchmarks can check the region).

Types:

=======================  =========================================================================
portrait_substitution    another portrait pasted over the holder's: the ghost portrait left as it
                         was, a cut edge, the overlay pattern interrupted, photo paper under IR/UV
viz_alteration           a visual-zone field erased and re-typed in a near-miss font, size or
                         colour; the MRZ left alone
mrz_alteration           the MRZ re-printed with altered data and recomputed check digits
mrz_font                 the MRZ re-printed in a font that is not OCR-B, or at the wrong pitch
reprint                  a counterfeit reprint of the whole page: fine lines lost, an inkjet dot
                         screen, colour shift, ordinary paper under UV, process inks under IR
uv_failure               genuine-looking print on the wrong paper: bright under UV, the
                         fluorescent motif missing
ir_failure               the MRZ or data fields printed with ink that is not IR-absorbing
layout_shift             a field printed out of its place
viz_mrz_mismatch         a clean print whose visual zone disagrees with its MRZ
=======================  =========================================================================
"""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import timedelta
from typing import Any, Callable

import cv2
import numpy as np

from docfraud.synth.artwork import (
    FONT_SERIF,
    Holder,
    SpecimenDesign,
    Variant,
    format_date,
    get_design,
    render_document,
)
from docfraud.synth.portrait import draw_portrait

FONT_MONO = "DejaVuSansMono.ttf"

#: forgery type -> the lights its flaws need to be seen (white-light flaws need none)
NEEDS: dict[str, tuple[str, ...]] = {
    "portrait_substitution": (), "viz_alteration": (), "mrz_alteration": (), "mrz_font": (),
    "reprint": (), "uv_failure": ("uv",), "ir_failure": ("ir",), "layout_shift": (),
    "viz_mrz_mismatch": (),
}
TYPES = tuple(NEEDS)
ALTERABLE_FIELDS = ("surname", "given_names", "birth_date", "document_number", "expiry_date")


def _sides(doc) -> dict[str, dict[str, np.ndarray]]:  # type: ignore[no-untyped-def]
    return {name: {"white": s.white, "ir": s.ir, "uv": s.uv} for name, s in doc.sides.items()}


def _zone_box(design: SpecimenDesign, zone_id: str, pad_mm: float = 0.0
              ) -> tuple[str, tuple[int, int, int, int]]:
    """(side, pixel box x0, y0, x1, y1) of a zone of the design's specimen description."""
    from docfraud.specimens import Library

    spec = Library().get(design.id)
    z = spec.zone(zone_id)
    x, y, w, h = z.bbox_mm
    k = design.dpi / 25.4
    x0, y0 = int((x - pad_mm) * k), int((y - pad_mm) * k)
    x1, y1 = int((x + w + pad_mm) * k), int((y + h + pad_mm) * k)
    return z.side, (max(x0, 0), max(y0, 0), x1, y1)


def _zones_of(design: SpecimenDesign, kind: str) -> list[str]:
    """Ids of the specimen's zones of a kind."""
    from docfraud.specimens import Library

    return [z.id for z in Library().get(design.id).zones_of(kind=kind)]


def _field_side(design: SpecimenDesign, field_id: str) -> str:
    for s in design.sides:
        if any(e.id == field_id for e in s.elements):
            return s.name
    raise KeyError(field_id)


def _altered_value(field: str, holder: Holder, rng: random.Random) -> tuple[Holder, str]:
    """A holder with one field changed the way a forger would (older, other name, longer)."""
    if field == "birth_date":
        years = rng.choice([-12, -8, -5, -3, 3, 5, 8])
        new = holder.birth_date.replace(year=holder.birth_date.year + years) \
            if not (holder.birth_date.month == 2 and holder.birth_date.day == 29) \
            else holder.birth_date + timedelta(days=365 * years)
        return replace(holder, birth_date=new), "birth_date"
    if field == "expiry_date":
        new = holder.expiry_date + timedelta(days=365 * rng.choice([2, 3, 5]))
        return replace(holder, expiry_date=new), "expiry_date"
    if field == "document_number":
        num = list(holder.document_number)
        i = rng.randrange(len(num))
        choices = "0123456789" if num[i].isdigit() else "ABCDEFGHJKLMNPRSTUVWXYZ"
        num[i] = rng.choice([c for c in choices if c != num[i]])
        return replace(holder, document_number="".join(num)), "document_number"
    if field == "surname":
        others = ["Marsh", "Okafor", "Lindgren", "Petrov", "Haddad", "Moreau", "Santos", "Kimura"]
        return replace(holder, surname=rng.choice([o for o in others if o != holder.surname])), \
            "surname"
    others = ["Adam", "Nadia", "Ivan", "Sara", "Ahmed", "Lucia", "Kenji", "Amara"]
    return replace(holder, given_names=rng.choice([o for o in others if o != holder.given_names])),\
        "given_names"


def _pick_and_alter(design: SpecimenDesign, holder: Holder, rng: random.Random
                    ) -> tuple[str, Holder]:
    """A data field the design prints, and the holder with that field altered."""
    fields = [f for f in ALTERABLE_FIELDS
              if any(e.id == f for s in design.sides for e in s.elements)]
    field = rng.choice(fields)
    return field, _altered_value(field, holder, rng)[0]


def _printed(design: SpecimenDesign, field: str, holder: Holder) -> str:
    el = next(e for s in design.sides for e in s.elements if e.id == field)
    fmt = getattr(el, "date_format", None)
    v = getattr(holder, field)
    return format_date(v, fmt or "DD MMM YYYY") if hasattr(v, "year") else str(v).upper()


def _erase_and_retype(genuine: dict[str, np.ndarray], blank: dict[str, np.ndarray],
                      variant: dict[str, np.ndarray], box: tuple[int, int, int, int],
                      strength: float, rng: random.Random, ir_ink: bool) -> dict[str, np.ndarray]:
    """Erase a box of the genuine print (damaging the background) and print the variant's text
    into it: final = erased * (variant / blank) inside the box."""
    x0, y0, x1, y1 = box
    out = {k: v.copy() for k, v in genuine.items()}
    fade = 0.15 + 0.45 * strength  # how much of the background pattern the eraser took
    sigma = 0.4 + 1.2 * strength
    remnant = 0.04 + 0.12 * strength  # traces of the old text
    for light in genuine:
        g = genuine[light][y0:y1, x0:x1].astype(np.float32) / 255.0
        b = np.maximum(blank[light][y0:y1, x0:x1].astype(np.float32) / 255.0, 1e-3)
        v = variant[light][y0:y1, x0:x1].astype(np.float32) / 255.0
        paper = np.percentile(b.reshape(-1, b.shape[-1]) if b.ndim == 3 else b, 95, axis=0)
        erased = (1 - fade) * b + fade * paper
        erased = cv2.GaussianBlur(erased, (0, 0), sigma)
        erased = erased * np.clip(g / b, 0, 1) ** remnant
        if light == "ir" and not ir_ink:
            printed = erased  # the new ink is transparent in IR: the field is empty there
        else:
            printed = erased * np.clip(v / b, 0, 1)
        out[light][y0:y1, x0:x1] = np.clip(printed * 255 + 0.5, 0, 255).astype(np.uint8)
    return out


def _retype(design: SpecimenDesign, holder: Holder, seed: int, variant: Variant, zone: str,
            pad_mm: float, strength: float, rng: random.Random,
            ir_ink: bool = True) -> tuple[Sides, str, Any]:
    """The genuine document with ``zone`` erased and re-printed as ``variant`` prints it;
    returns (sides, the zone's side, the genuine rendering)."""
    genuine = render_document(design, holder, seed=seed)
    changed = render_document(design, holder, seed=seed, variant=variant)
    blank = render_document(design, holder, seed=seed, variant=Variant(layers=("security",)))
    side, box = _zone_box(design, zone, pad_mm=pad_mm)
    sides = _sides(genuine)
    sides[side] = _erase_and_retype(sides[side], _sides(blank)[side], _sides(changed)[side], box,
                                    strength, rng, ir_ink)
    return sides, side, genuine


# --------------------------------------------------------------------------------------------
# the forgery types: each (design, holder, rng, strength, seed) -> (sides, label)

Sides = dict[str, dict[str, np.ndarray]]
Forge = Callable[[SpecimenDesign, Holder, random.Random, float, int], tuple[Sides, dict]]


def portrait_substitution(design: SpecimenDesign, holder: Holder, rng: random.Random,
                          strength: float, seed: int, photo_seed: int | None = None
                          ) -> tuple[Sides, dict]:
    """``photo_seed``: the pasted photo's face (one impostor's photo on several documents)."""
    doc = render_document(design, holder, seed=seed)
    sides = _sides(doc)
    side, (x0, y0, x1, y1) = _zone_box(design, "portrait")
    w, h = x1 - x0, y1 - y0
    scale = 1.0 + rng.uniform(-0.04, 0.06) * (0.3 + strength)
    pw, ph = int(w * scale), int(h * scale)
    face = rng.randrange(2**31)
    other = draw_portrait(face if photo_seed is None else photo_seed, (pw, ph),
                          sex=None if photo_seed is not None else holder.sex)  # RGB
    photo = other.astype(np.float32)
    # a photographic print: more saturated, a little soft
    grey = photo.mean(axis=2, keepdims=True)
    photo = np.clip(grey + (photo - grey) * (1.05 + 0.25 * strength), 0, 255)
    photo = cv2.GaussianBlur(photo, (0, 0), 0.4 + 0.6 * strength)
    k = design.dpi / 25.4
    dx = int(rng.uniform(-1, 1) * strength * 0.8 * k)
    dy = int(rng.uniform(-1, 1) * strength * 0.8 * k)
    px0, py0 = x0 + dx - (pw - w) // 2, y0 + dy - (ph - h) // 2
    img = sides[side]["white"]
    H, W = img.shape[:2]
    ax0, ay0, ax1, ay1 = max(px0, 0), max(py0, 0), min(px0 + pw, W), min(py0 + ph, H)
    crop = photo[ay0 - py0:ay1 - py0, ax0 - px0:ax1 - px0]
    # cut edge: a thin line darker or lighter than the photo, stronger for a crude forger
    edge = np.zeros(crop.shape[:2], np.float32)
    t = max(1, int(round(0.5 + 1.5 * strength)))
    edge[:t, :] = edge[-t:, :] = 1
    edge[:, :t] = edge[:, -t:] = 1
    tone = rng.choice([0.55, 1.25])
    crop = crop * (1 - edge[..., None] * (0.25 + 0.5 * strength) * (1 - tone)) \
        if tone < 1 else np.minimum(crop + edge[..., None] * 60 * (0.3 + strength), 255)
    img[ay0:ay1, ax0:ax1] = crop.astype(np.uint8)  # white image is RGB like the renderer's
    # IR: photo dyes are transparent in IR: the portrait nearly vanishes
    ir = sides[side]["ir"]
    paper_ir = float(np.percentile(ir, 95))
    ghost_ir = cv2.cvtColor(crop.astype(np.uint8), cv2.COLOR_RGB2GRAY).astype(np.float32)
    ir_level = 0.85 - 0.5 * (1 - strength) * rng.random()
    ir[ay0:ay1, ax0:ax1] = np.clip(paper_ir * ir_level + (ghost_ir - ghost_ir.mean()) * 0.15,
                                   0, 255).astype(np.uint8)
    # UV: photo paper with optical brighteners glows (a careful forger picks a dull paper)
    glow = strength > 0.35 and rng.random() < 0.5 + 0.5 * strength
    if glow:
        uv = sides[side]["uv"].astype(np.float32)
        uv[ay0:ay1, ax0:ax1] = uv[ay0:ay1, ax0:ax1] * 0.4 + np.array([110, 120, 200]) * \
            (0.4 + 0.6 * strength)
        sides[side]["uv"] = np.clip(uv, 0, 255).astype(np.uint8)
    return sides, {"regions": ["portrait", "ghost"], "side": side,
                   "details": {"offset_mm": [round(dx / k, 2), round(dy / k, 2)],
                               "scale": round(scale, 3), "uv_glow": glow,
                               "ghost": "left as it was (the original holder's)"}}


def viz_alteration(design: SpecimenDesign, holder: Holder, rng: random.Random, strength: float,
                   seed: int) -> tuple[Sides, dict]:
    field, altered = _pick_and_alter(design, holder, rng)
    flaw = rng.choice(["font", "size", "colour"])
    el = next(e for s in design.sides for e in s.elements if e.id == field)
    change: dict[str, Any] = {}
    if flaw == "font":
        change["font"] = FONT_SERIF
    elif flaw == "size":
        change["cap_mm"] = el.cap_mm * (1 + rng.choice([-1, 1]) * (0.06 + 0.2 * strength))
    else:
        r, g, b = el.ink.rgb
        shift = 0.08 + 0.3 * strength
        change["ink"] = replace(el.ink, rgb=(min(1.0, r + shift), g, min(1.0, b + shift * 0.4)))
    text = _printed(design, field, altered)
    ir_ink = rng.random() > 0.5 * strength  # a careful forger's ink absorbs IR too
    sides, side, _ = _retype(design, holder, seed,
                             Variant(texts={field: text}, replace={field: change}), field, 0.6,
                             strength, rng, ir_ink)
    return sides, {"regions": [field], "side": side,
                   "details": {"field": field, "printed": text,
                               "was": _printed(design, field, holder), "flaw": flaw,
                               "ir_absorbing_ink": ir_ink}}


def mrz_alteration(design: SpecimenDesign, holder: Holder, rng: random.Random, strength: float,
                   seed: int) -> tuple[Sides, dict]:
    field = rng.choice(["birth_date", "document_number", "expiry_date", "surname"])
    altered, _ = _altered_value(field, holder, rng)
    lines = design.mrz(altered)  # check digits recomputed: a careful forger
    sides, side, genuine = _retype(design, holder, seed, Variant(mrz_lines=tuple(lines)), "mrz",
                                   0.3, strength * 0.6, rng)
    return sides, {"regions": ["mrz"], "side": side,
                   "details": {"field": field, "mrz": lines, "was": genuine.mrz,
                               "check_digits": "recomputed"}}


def mrz_font(design: SpecimenDesign, holder: Holder, rng: random.Random, strength: float,
             seed: int, forger: dict[str, Any] | None = None) -> tuple[Sides, dict]:
    """``forger``: one forger's fixed habits (``how``, ``cap_scale``, ``pitch_factor``), the
    same on every document they make, instead of drawn from ``rng``."""
    mrz_el = next(e for s in design.sides for e in s.elements if e.id == "mrz")
    forger = forger or {}
    how = forger.get("how") or rng.choice(["font", "pitch", "both"])
    change: dict[str, Any] = {}
    if how in ("font", "both"):
        change["font"] = FONT_MONO
        change["cap_mm"] = (mrz_el.cap_mm or 2.46) * forger.get("cap_scale",
                                                                 rng.uniform(0.95, 1.05))
    if how in ("pitch", "both"):
        factor = forger.get("pitch_factor", 1 + rng.choice([-1, 1]) * (0.03 + 0.09 * strength))
        change["pitch_mm"] = mrz_el.pitch_mm * factor
    sides, side, _ = _retype(design, holder, seed, Variant(replace={"mrz": change}), "mrz", 0.3,
                             strength * 0.5, rng)
    return sides, {"regions": ["mrz"], "side": side,
                   "details": {"how": how, **{k: (round(v, 3) if isinstance(v, float) else v)
                                              for k, v in change.items()}}}


def _screen(shape: tuple[int, int], period: float, angle_deg: float) -> np.ndarray:
    yy, xx = np.mgrid[0:shape[0], 0:shape[1]].astype(np.float32)
    a = np.radians(angle_deg)
    u = xx * np.cos(a) + yy * np.sin(a)
    v = -xx * np.sin(a) + yy * np.cos(a)
    return (np.cos(2 * np.pi * u / period) * np.cos(2 * np.pi * v / period) + 1) / 2


def reprint_images(images: dict[str, np.ndarray], strength: float, rng: random.Random
                   ) -> dict[str, np.ndarray]:
    """A counterfeit reprint of a genuine page (scanned, then printed on an inkjet)."""
    white = images["white"].astype(np.float32)
    h, w = white.shape[:2]
    white = cv2.GaussianBlur(white, (0, 0), 0.7 + 1.3 * strength)  # fine lines lost
    period = rng.uniform(3.0, 5.5)
    out = np.empty_like(white)
    for c, angle in enumerate((15, 75, 0)):  # one screen angle per process ink
        cover = 1 - white[..., c] / 255.0
        screen = _screen((h, w), period, angle + rng.uniform(-3, 3))
        amp = 0.25 + 0.5 * strength
        dots = np.clip(cover + amp * (screen - 0.5) * np.sqrt(np.clip(cover * (1 - cover) * 4,
                                                                      0, 1)), 0, 1)
        out[..., c] = (1 - dots) * 255
    gains = np.array([1 + rng.uniform(-1, 1) * (0.03 + 0.07 * strength) for _ in range(3)])
    out = np.clip((out - 128) * (0.92 - 0.1 * strength) + 128, 0, 255) * gains
    out = np.clip(out, 0, 255).astype(np.uint8)
    # IR: only the black ink (K) of the process print absorbs
    k = 1 - out.max(axis=2).astype(np.float32) / 255.0
    ir = np.clip(235 * (1 - 0.9 * np.clip((k - 0.35) / 0.65, 0, 1)), 0, 255).astype(np.uint8)
    # UV: ordinary paper with optical brighteners, no fluorescent features
    cover = 1 - out.astype(np.float32).mean(axis=2, keepdims=True) / 255.0
    uv = np.array([120, 135, 215], np.float32) * (0.55 + 0.4 * (1 - strength * 0.3)) * \
        (1 - 0.75 * cover)
    return {"white": out, "ir": ir, "uv": np.clip(uv, 0, 255).astype(np.uint8)}


def reprint(design: SpecimenDesign, holder: Holder, rng: random.Random, strength: float,
            seed: int) -> tuple[Sides, dict]:
    genuine = render_document(design, holder, seed=seed)
    sides = {name: reprint_images(imgs, strength, rng) for name, imgs in _sides(genuine).items()}
    return sides, {"regions": _zones_of(design, "background"), "side": "all",
                   "details": {"fine_lines": "lost", "screen": "inkjet/halftone",
                               "uv_paper": "bright", "ir": "process inks transparent"}}


def uv_failure(design: SpecimenDesign, holder: Holder, rng: random.Random, strength: float,
               seed: int) -> tuple[Sides, dict]:
    how = rng.choice(["bright_paper", "missing_motif", "both"])
    motifs = [e.id for s in design.sides for e in s.elements if type(e).__name__ == "UVMotif"]
    variant = Variant(remove=frozenset(motifs)) if how in ("missing_motif", "both") else None
    doc = render_document(design, holder, seed=seed, variant=variant)
    sides = _sides(doc)
    if how in ("bright_paper", "both"):
        for imgs in sides.values():
            uv = imgs["uv"].astype(np.float32)
            lift = np.array([90, 100, 170], np.float32) * (0.35 + 0.6 * strength)
            imgs["uv"] = np.clip(uv + lift, 0, 255).astype(np.uint8)
    regions = (_zones_of(design, "uv_pattern") if how != "bright_paper" else []) + \
        (_zones_of(design, "uv_dull") if how != "missing_motif" else [])
    return sides, {"regions": regions, "side": "all", "details": {"how": how}}


def ir_failure(design: SpecimenDesign, holder: Holder, rng: random.Random, strength: float,
               seed: int) -> tuple[Sides, dict]:
    target = rng.choice(["mrz", "fields"])
    absorb = 0.35 * (1 - strength)
    ir_zones = _zones_of(design, "ir_visible")
    if target == "mrz":
        inks = {"mrz": {"ir": absorb}}
        regions = ["mrz"] + [z for z in ir_zones if z.startswith("mrz")]
    else:
        fields = [e.id for s in design.sides for e in s.elements
                  if type(e).__name__ == "Field" and e.layer == "personal"]
        inks = {f: {"ir": absorb} for f in fields}
        regions = [z for z in ir_zones if not z.startswith("mrz")]
    doc = render_document(design, holder, seed=seed, variant=Variant(inks=inks))
    return _sides(doc), {"regions": regions, "side": "all",
                         "details": {"target": target, "ir_absorbance": round(absorb, 2)}}


def layout_shift(design: SpecimenDesign, holder: Holder, rng: random.Random, strength: float,
                 seed: int) -> tuple[Sides, dict]:
    fields = [f for f in ALTERABLE_FIELDS + ("portrait", "mrz")
              if any(e.id == f for s in design.sides for e in s.elements)]
    field = rng.choice(fields)
    dist = 0.5 + 2.0 * strength  # mm
    angle = rng.uniform(0, 2 * np.pi)
    dx, dy = dist * np.cos(angle), dist * np.sin(angle)
    doc = render_document(design, holder, seed=seed,
                          variant=Variant(shift_mm={field: (float(dx), float(dy))}))
    return _sides(doc), {"regions": [field], "side": _field_side(design, field),
                         "details": {"field": field, "shift_mm": [round(float(dx), 2), round(float(dy), 2)]}}


def viz_mrz_mismatch(design: SpecimenDesign, holder: Holder, rng: random.Random, strength: float,
                     seed: int) -> tuple[Sides, dict]:
    field, altered = _pick_and_alter(design, holder, rng)
    text = _printed(design, field, altered)
    doc = render_document(design, holder, seed=seed, variant=Variant(texts={field: text}))
    return _sides(doc), {"regions": [field, "mrz"], "side": _field_side(design, field),
                         "details": {"field": field, "printed": text,
                                     "mrz_says": _printed(design, field, holder)}}


FORGERIES: dict[str, Forge] = {
    "portrait_substitution": portrait_substitution, "viz_alteration": viz_alteration,
    "mrz_alteration": mrz_alteration, "mrz_font": mrz_font, "reprint": reprint,
    "uv_failure": uv_failure, "ir_failure": ir_failure, "layout_shift": layout_shift,
    "viz_mrz_mismatch": viz_mrz_mismatch,
}


def forge(kind: str, specimen: str | SpecimenDesign, holder: Holder, rng: random.Random,
          strength: float | None = None, seed: int = 0, **options: Any) -> tuple[Sides, dict]:
    """A forgery of ``kind``: page images per side and light, and its label. ``options`` go to
    the forgery's function (``photo_seed`` of portrait_substitution, ``forger`` of mrz_font)."""
    if kind not in FORGERIES:
        raise KeyError(f"unknown forgery {kind!r}; known: {', '.join(FORGERIES)}")
    design = get_design(specimen) if isinstance(specimen, str) else specimen
    s = rng.uniform(0.0, 1.0) if strength is None else float(strength)
    sides, label = FORGERIES[kind](design, holder, rng, s, seed, **options)
    label = {"type": kind, "strength": round(s, 3), "needs": list(NEEDS[kind]), **label}
    return sides, label


def genuine(specimen: str | SpecimenDesign, holder: Holder, seed: int = 0) -> Sides:
    """A genuine document's page images per side and light."""
    return _sides(render_document(specimen, holder, seed=seed))


__all__ = ["FORGERIES", "NEEDS", "TYPES", "forge", "genuine", "reprint_images"]
