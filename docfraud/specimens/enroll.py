"""Enrol a specimen from captures of a genuine document plus a zones file.

The capture is rectified to the document's nominal size from its edges; the MRZ (where the
description has one on this side) settles which way up the page is. Infrared and ultraviolet
captures from the same reader are rectified with the white capture's geometry when they have its
size, or from their own edges otherwise.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import tomli_w

from docfraud.errors import SpecimenFormatError
from docfraud.imaging.load import load_image
from docfraud.imaging.page import find_page, order_corners, warp_page
from docfraud.specimens.load import DESCRIPTION, load_specimen
from docfraud.specimens.model import Specimen


def _read_zones(path: Path) -> dict[str, Any]:
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise SpecimenFormatError(f"{path}: cannot be read ({exc})") from None
    except tomllib.TOMLDecodeError as exc:
        raise SpecimenFormatError(f"{path}: not valid TOML ({exc})") from None
    for key in ("issuer", "document_code", "mrz_format", "name", "size_mm"):
        if key not in data:
            raise SpecimenFormatError(f"{path}: missing key {key!r} (a zones file holds the "
                                      "specimen description without its images)")
    return data


def _ink(gray: np.ndarray, rect: tuple[int, int, int, int]) -> float:
    x, y, w, h = rect
    crop = gray[max(y, 0):y + h, max(x, 0):x + w]
    if crop.size == 0:
        return 0.0
    _, bw = cv2.threshold(crop, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    # MRZ text: many short dark runs along rows; count dark/light transitions per row
    return float(np.abs(np.diff(bw.astype(np.int16), axis=1)).mean())


def upright(page: np.ndarray, mrz_rect_px: tuple[int, int, int, int] | None) -> bool:
    """Whether the page is the right way up (False: it is upside down)."""
    if mrz_rect_px is None:
        return True
    gray = cv2.cvtColor(page, cv2.COLOR_BGR2GRAY) if page.ndim == 3 else page
    flipped = cv2.rotate(gray, cv2.ROTATE_180)
    return _ink(gray, mrz_rect_px) >= _ink(flipped, mrz_rect_px)


def enroll(white: str | Path, zones: str | Path, out_dir: str | Path, *,
           ir: str | Path | None = None, uv: str | Path | None = None, side: str = "page",
           dpi: float | None = None, library_root: str | Path | None = None) -> Specimen:
    """Build (or add a side to) a specimen in ``out_dir``; returns the validated specimen."""
    desc = _read_zones(Path(zones))
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    dpi = float(dpi or desc.get("dpi") or 300)
    w_mm, h_mm = (float(v) for v in desc["size_mm"])
    size_px = (round(w_mm * dpi / 25.4), round(h_mm * dpi / 25.4))

    img = load_image(white)
    quad = find_page(img, aspect=w_mm / h_mm)
    page = warp_page(img, quad, size_px)
    mrz_rect = None
    for z in desc.get("zones", []):
        if z.get("kind") == "mrz" and z.get("side", side) == side:
            if "rect_mm" in z:
                x, y, w, h = z["rect_mm"]
            else:
                xs = [p[0] for p in z["polygon_mm"]]
                ys = [p[1] for p in z["polygon_mm"]]
                x, y, w, h = min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys)
            k = dpi / 25.4
            mrz_rect = (round(x * k), round(y * k), round(w * k), round(h * k))
    flip = not upright(page, mrz_rect)
    if flip:
        quad = np.roll(order_corners(quad), 2, axis=0)
        page = warp_page(img, quad, size_px)

    images = {"white": page}
    for light, src in (("ir", ir), ("uv", uv)):
        if src is None:
            continue
        other = load_image(src)
        if other.shape[:2] == img.shape[:2]:
            images[light] = warp_page(other, quad, size_px)
        else:
            q = find_page(other, aspect=w_mm / h_mm)
            if flip:
                q = np.roll(order_corners(q), 2, axis=0)
            images[light] = warp_page(other, q, size_px)

    side_entry: dict[str, Any] = {"name": side}
    for light, im in images.items():
        name = f"{side}.{light}.png"
        cv2.imwrite(str(out / name), im)
        side_entry[light] = name

    existing = out / DESCRIPTION
    if existing.exists():
        data = tomllib.loads(existing.read_text(encoding="utf-8"))
        data["sides"] = [s for s in data.get("sides", []) if s.get("name") != side] + [side_entry]
    else:
        data = {k: v for k, v in desc.items() if k not in ("sides", "zones")}
        data.setdefault("format_version", 1)
        data["dpi"] = dpi
        data["sides"] = [side_entry]
        data["zones"] = desc.get("zones", [])
    existing.write_text(tomli_w.dumps(data), encoding="utf-8")
    return load_specimen(out, library_root=library_root)
