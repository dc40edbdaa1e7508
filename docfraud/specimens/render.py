"""Draw a specimen's zones over its reference image, labelled, for review (``specimen show``)."""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from docfraud.specimens.model import Specimen

#: A colour (RGB) per zone kind, chosen to stay distinct on light and dark backgrounds.
KIND_COLOURS: dict[str, tuple[int, int, int]] = {
    "portrait": (220, 20, 60), "ghost_portrait": (255, 105, 180), "mrz": (0, 90, 255),
    "viz_field": (0, 160, 80), "background": (255, 140, 0), "microprint": (148, 0, 211),
    "static_text": (100, 100, 100), "ove": (0, 200, 200), "uv_pattern": (180, 0, 255),
    "uv_dull": (90, 60, 160), "ir_visible": (120, 40, 0), "ir_dropout": (200, 160, 0),
    "signature": (30, 30, 160), "barcode_2d": (0, 0, 0),
}


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    data = Path(__file__).resolve().parents[1] / "data"
    for name in ("DejaVuSans-Bold.ttf", "DejaVuSans.ttf"):
        if (data / name).exists():
            return ImageFont.truetype(str(data / name), size)
    try:
        return ImageFont.load_default(size=size)
    except TypeError:  # Pillow without FreeType sizes
        return ImageFont.load_default()


def overlay(spec: Specimen, side: str | None = None, light: str = "white",
            scale: float = 1.0) -> Image.Image:
    """The reference image of ``side`` in ``light`` with every zone outlined and labelled."""
    side_obj = spec.side(side) if side else spec.sides[0]
    if light not in side_obj.images:
        raise KeyError(f"specimen {spec.id} side {side_obj.name} has no {light} image "
                       f"(has: {', '.join(side_obj.lights)})")
    with Image.open(side_obj.images[light]) as im:
        base = im.convert("RGB")
    if scale != 1.0:
        base = base.resize((round(base.width * scale), round(base.height * scale)),
                           Image.Resampling.LANCZOS)
    # Dim the picture a little so outlines and labels stand out.
    base = Image.blend(base, Image.new("RGB", base.size, (255, 255, 255)), 0.25)
    draw = ImageDraw.Draw(base, "RGBA")
    k = spec.px_per_mm * base.width / spec.size_px[0]
    width = max(2, round(base.width / 600))
    font = _font(max(11, round(base.width / 90)))
    for zone in spec.zones_of(side=side_obj.name):
        colour = KIND_COLOURS.get(zone.kind, (0, 0, 0))
        pts = [(x * k, y * k) for x, y in zone.polygon_mm]
        draw.polygon(pts, outline=colour + (255,), fill=colour + (28,), width=width)
        text = f"{zone.id} [{zone.kind}]"
        x0, y0 = min(p[0] for p in pts), min(p[1] for p in pts)
        box = draw.textbbox((x0 + width + 1, y0 + width + 1), text, font=font)
        draw.rectangle((box[0] - 2, box[1] - 1, box[2] + 2, box[3] + 1),
                       fill=(255, 255, 255, 215))
        draw.text((x0 + width + 1, y0 + width + 1), text, fill=colour + (255,), font=font)
    return base
