"""Trainer notes: what was forged, in words, and a picture of the questioned zone beside the
reference (with the difference heatmap of :func:`docfraud.report.png.zone_crops`).

The picture does not depend on docfraud's own alignment: the generator knows where the page's
corners landed in the capture, so the capture is warped exactly into the specimen's frame.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from docfraud.examine.model import Examination
from docfraud.report.png import zone_crops

#: The light each forgery type is best seen in (others: white).
LIGHT = {"uv_failure": "uv", "ir_failure": "ir"}
#: Margin (mm) around the zone: a shifted element needs room to show that it moved.
PAD_MM = {"layout_shift": 3.5}
FONT_DIR = Path(__file__).resolve().parents[1] / "data"


def font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    try:
        return ImageFont.truetype(str(FONT_DIR / name), size)
    except OSError:
        return ImageFont.load_default()


def explain(item: dict[str, Any]) -> str:
    """What the forger did, in a trainer's words (from the generator's label)."""
    kind, d = item["forgery_type"], item["details"]
    regions = ", ".join(f"{r['label']} ({r['id']})" for r in item["regions"][:4])
    if kind is None:
        return "A genuine document of the series: nothing was altered."
    if kind == "portrait_substitution":
        glow = " The photo paper glows under UV." if d.get("uv_glow") else ""
        return ("Another person's photograph was pasted over the portrait; the ghost portrait "
                "was left as it was, so the two faces differ. The pasted photo has a cut edge "
                f"and interrupts the security lines over the portrait.{glow}")
    if kind == "viz_alteration":
        ink = "absorbs" if d.get("ir_absorbing_ink") else "does not absorb"
        return (f"The {d.get('field', '?').replace('_', ' ')} field was erased and re-typed: it "
                f"now reads '{d.get('printed')}' where the document said '{d.get('was')}'. The "
                f"new print differs in {d.get('flaw')}, the erased background is damaged, and "
                f"the new ink {ink} infrared. The MRZ was left alone, so it disagrees with the "
                "visual zone.")
    if kind == "mrz_alteration":
        return (f"The MRZ was re-printed with another {d.get('field', '?').replace('_', ' ')} and "
                "recomputed check digits: every check digit is right, yet the MRZ disagrees "
                "with the visual zone. Check digits do not prove authenticity.")
    if kind == "mrz_font":
        how = {"font": "in a font that is not OCR-B", "pitch": "at the wrong character pitch",
               "both": "in a font that is not OCR-B and at the wrong pitch"}.get(d.get("how"), "")
        return f"The MRZ was re-printed {how}. Compare the character shapes and spacing."
    if kind == "reprint":
        return ("The whole page is a counterfeit reprint: the fine guilloche lines are blurred, "
                "an inkjet/halftone dot screen shows under magnification, colours are shifted, "
                "the black of the MRZ is greyish on greyish paper (the print's contrast "
                "compressed), the paper glows under UV and the process inks do not absorb "
                "infrared.")
    if kind == "uv_failure":
        how = {"bright_paper": "the paper glows under UV (ordinary paper)",
               "missing_motif": "the fluorescent motif is missing",
               "both": "the paper glows and the fluorescent motif is missing"}.get(d.get("how"), "")
        return f"Under UV light {how}; in white light the print looks right. Zones: {regions}."
    if kind == "ir_failure":
        what = "MRZ" if d.get("target") == "mrz" else "personal data fields"
        return (f"The {what} were printed with ink that does not absorb infrared: they fade or "
                f"vanish in the IR image. Zones: {regions}.")
    if kind == "layout_shift":
        dx, dy = d.get("shift_mm", [0, 0])
        return (f"The {d.get('field', '?').replace('_', ' ')} was printed out of its place, "
                f"shifted by {dx:+.1f} mm across and {dy:+.1f} mm down. Measure it against the "
                "specimen.")
    if kind == "viz_mrz_mismatch":
        return (f"A clean print, but the visual zone's {d.get('field', '?').replace('_', ' ')} "
                f"reads '{d.get('printed')}' while the MRZ says '{d.get('mrz_says')}'.")
    return f"Forgery of type {kind}; zones: {regions}."


def _warp(img: np.ndarray, corners: list[list[float]], size: tuple[int, int]) -> np.ndarray:
    w, h = size
    src = np.array(corners, np.float32)
    dst = np.array([[0, 0], [w, 0], [w, h], [0, h]], np.float32)
    return cv2.warpPerspective(img, cv2.getPerspectiveTransform(src, dst), (w, h),
                               flags=cv2.INTER_AREA)


def _reference(spec: Any, side: str, light: str) -> np.ndarray | None:
    path = spec.side(side).images.get(light)
    return cv2.imread(str(path), cv2.IMREAD_COLOR) if path else None


def _choose(item: dict[str, Any], sides: list[str], lights: list[str]
            ) -> tuple[str, str, str] | None:
    """(zone id, side, light) of the picture, or None when there is nothing to show."""
    light = LIGHT.get(item["forgery_type"] or "", "white")
    if light not in lights:
        light = "white"
    regions = [r for r in item["regions"] if r["side"] in sides]
    if item["forgery_type"] == "reprint":  # the finest lines show a reprint best
        regions.sort(key=lambda r: r["id"] != "guilloche_portrait_edge")
    if not regions and item["truth"] == "genuine" and item.get("docfraud"):
        # a false alarm of docfraud's: show the zone it flagged, for discussion
        regions = [{"id": z, "side": None} for z in item["docfraud"]["failed_zones"]]
    for r in regions:
        for side in sides if r.get("side") is None else [r["side"]]:
            return r["id"], side, light
    return None


def picture(item: dict[str, Any], images: dict[str, dict[str, np.ndarray]],
            label: dict[str, Any], spec: Any) -> np.ndarray | None:
    """The questioned zone (capture warped into the specimen's frame) beside the reference and
    their difference, with captions; RGB, or None when there is no zone to show."""
    lights = list(next(iter(images.values())))
    chosen = _choose(item, list(images), lights)
    if chosen is None:
        return None
    zone_id, side, light = chosen
    try:
        zone = spec.zone(zone_id)
    except KeyError:
        return None
    if zone.side != side:
        side = zone.side
    if side not in images:
        return None
    ref = _reference(spec, side, light)
    if ref is None:
        return None
    h, w = ref.shape[:2]
    corners = label["capture"]["sides"][side]["corners"]
    cap = cv2.cvtColor(images[side][light], cv2.COLOR_RGB2BGR)
    warped = _warp(cap, corners, (w, h))
    ex = Examination(item["item"], "", [], [], [], specimen=spec.id, side=side,
                     images={light: warped}, reference={light: ref})
    crops = zone_crops(ex, zone_id, light, pad_mm=PAD_MM.get(item["forgery_type"] or "", 1.0),
                       height=170)
    if crops is None:
        return None
    q, r, heat = (cv2.cvtColor(c, cv2.COLOR_BGR2RGB) for c in crops)
    captions = ("questioned (this item)", "reference specimen", "difference")
    title = (f"Item {item['item']}: {item['forgery_title'] or 'genuine'}, zone {zone_id} "
             f"({zone.label}), {light} light")
    gap, top, cap_h = 12, 40, 26
    panels = [q, r, heat]
    maxw = 1150
    total = sum(p.shape[1] for p in panels) + gap * 4
    if total > maxw:  # long zones (the MRZ): stack the panels
        s = min(1.0, (maxw - 2 * gap) / max(p.shape[1] for p in panels))
        panels = [cv2.resize(p, (round(p.shape[1] * s), round(p.shape[0] * s)),
                             interpolation=cv2.INTER_AREA) for p in panels]
        W = max(p.shape[1] for p in panels) + 2 * gap
        H = top + sum(p.shape[0] + cap_h + gap for p in panels) + gap
        pos = []
        y = top
        for p in panels:
            pos.append((gap, y))
            y += p.shape[0] + cap_h + gap
    else:
        W, H = total, top + panels[0].shape[0] + cap_h + 2 * gap
        pos = []
        x = gap
        for p in panels:
            pos.append((x, top))
            x += p.shape[1] + gap
    tfont = font(19, bold=True)
    tw = ImageDraw.Draw(Image.new("RGB", (1, 1))).textbbox((0, 0), title, font=tfont)[2]
    canvas = Image.new("RGB", (max(W, tw + 2 * gap), H), (255, 255, 255))
    draw = ImageDraw.Draw(canvas)
    draw.text((gap, 10), title, fill=(20, 20, 20), font=tfont)
    for p, (x, y), c in zip(panels, pos, captions):
        canvas.paste(Image.fromarray(p), (x, y))
        draw.rectangle((x - 1, y - 1, x + p.shape[1], y + p.shape[0]), outline=(160, 160, 160))
        draw.text((x, y + p.shape[0] + 4), c, fill=(70, 70, 70), font=font(15))
    return np.asarray(canvas)


def write_note(out: Path, item: dict[str, Any], images: dict[str, dict[str, np.ndarray]],
               label: dict[str, Any], spec: Any) -> dict[str, Any]:
    """The trainer note of an item: its text, and its picture in ``trainer/notes/`` if any."""
    note: dict[str, Any] = {"text": explain(item), "picture": None}
    pic = picture(item, images, label, spec)
    if pic is not None:
        rel = f"trainer/notes/{item['item']}.png"
        Image.fromarray(pic).save(out / rel, optimize=True)
        note["picture"] = rel
        if item["truth"] == "genuine":
            note["text"] += (" docfraud flagged the zone shown: a false alarm to discuss (look "
                             "at what differs from the reference, and why it is not a forgery).")
    return note
