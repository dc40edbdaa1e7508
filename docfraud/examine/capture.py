"""Captures: a white-light image plus optional infrared and ultraviolet images of the same page.

Given explicitly, found as sibling files (``NAME.ir.EXT`` / ``NAME.uv.EXT`` beside ``NAME.EXT``),
or listed in a small manifest (``*.capture.toml``)::

    white = "passport.jpg"
    ir = "passport-ir.png"      # optional
    uv = "passport-uv.png"      # optional
    side = "page"               # optional: which side of the document this shows
    device = "scanner"          # optional: "scanner" (flatbed or full-page reader) or "camera"
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from docfraud.errors import DocfraudError, InputFileError
from docfraud.imaging.load import load_image

LIGHTS = ("white", "ir", "uv")
MANIFEST_SUFFIX = ".capture.toml"
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".tif", ".tiff", ".webp", ".bmp")
DEVICES = ("scanner", "camera")


def check_device(device: str | None, where: str = "device",
                 error: type[DocfraudError] = InputFileError) -> str | None:
    """``device`` if it is one of DEVICES (or None); else ``error``, naming ``where`` it was
    given (a manifest line, a command-line option)."""
    if device is not None and device not in DEVICES:
        raise error(f"{where} must be one of {', '.join(DEVICES)}, not {device!r}")
    return device


@dataclass
class Capture:
    """The images of one page, by light, and where they came from."""

    images: dict[str, np.ndarray]
    sources: dict[str, str] = field(default_factory=dict)
    name: str = "capture"
    side: str | None = None
    #: "scanner" (a flatbed or full-page reader: fixed focus, the page flat), "camera", or None
    device: str | None = None

    @property
    def white(self) -> np.ndarray:
        return self.images["white"]

    @property
    def lights(self) -> tuple[str, ...]:
        return tuple(light for light in LIGHTS if light in self.images)


def siblings(white: Path) -> dict[str, Path]:
    """The ``NAME.ir.EXT`` and ``NAME.uv.EXT`` files beside ``NAME.EXT``, if present."""
    found = {}
    stem = white.name[: -len(white.suffix)] if white.suffix else white.name
    for light in ("ir", "uv"):
        for suffix in (white.suffix, *IMAGE_SUFFIXES):
            cand = white.with_name(f"{stem}.{light}{suffix}")
            if cand.is_file():
                found[light] = cand
                break
    return found


def is_light_variant(path: Path) -> bool:
    """Whether a file is the IR or UV sibling of another capture (``NAME.ir.EXT``)."""
    stem = path.name[: -len(path.suffix)] if path.suffix else path.name
    return stem.endswith((".ir", ".uv"))


def read_manifest(path: Path) -> dict[str, Path | str]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise InputFileError(f"{path}: cannot be read ({exc})") from None
    except tomllib.TOMLDecodeError as exc:
        raise InputFileError(f"{path}: not a valid capture manifest ({exc})") from None
    if not isinstance(data.get("white"), str):
        raise InputFileError(f"{path}: a capture manifest needs white = \"FILE\"")
    out: dict[str, Path | str] = {}
    for light in LIGHTS:
        if light in data:
            out[light] = (path.parent / data[light]).resolve()
    if "side" in data:
        out["side"] = str(data["side"])
    if "device" in data:
        out["device"] = str(check_device(str(data["device"]), f"{path}: device"))
    return out


def load_capture(white: str | Path, *, ir: str | Path | None = None, uv: str | Path | None = None,
                 find_siblings: bool = True, device: str | None = None) -> Capture:
    """Load a capture from a white-light image (or a manifest) with optional IR and UV images;
    ``device`` (one of DEVICES) says what took it, where the manifest does not."""
    white = Path(white)
    side = None
    paths: dict[str, Path] = {}
    check_device(device)
    if white.name.endswith(MANIFEST_SUFFIX):
        manifest = read_manifest(white)
        side = manifest.pop("side", None)  # type: ignore[assignment]
        device = manifest.pop("device", None) or device  # type: ignore[assignment]
        paths.update({k: Path(v) for k, v in manifest.items()})
        name = white.name[: -len(MANIFEST_SUFFIX)]
    else:
        paths["white"] = white
        if find_siblings:
            paths.update(siblings(white))
        name = white.stem
    if ir is not None:
        paths["ir"] = Path(ir)
    if uv is not None:
        paths["uv"] = Path(uv)
    images = {light: load_image(p) for light, p in paths.items()}
    return Capture(images, {k: str(v) for k, v in paths.items()}, name, side, device)
