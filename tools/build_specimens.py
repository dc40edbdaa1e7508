"""Build docfraud's fictional reference specimens into reference_specimens/.

    python tools/build_specimens.py [--out reference_specimens] [--only UTO/P-2024 ...]

Each specimen folder gets ``specimen.toml`` and, per side, ``<side>.white.png`` (RGB),
``<side>.ir.png`` (8-bit grey: an IR capture is monochrome) and ``<side>.uv.png`` (RGB), rendered
by :mod:`docfraud.synth` at the design's dpi for the design's sample holder. The output is
deterministic: the same code gives byte-identical files.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from docfraud.synth.artwork import (  # noqa: E402
    design_ids, get_design, render_document, specimen_toml,
)

LIGHTS = ("white", "ir", "uv")


def save_png(path: Path, arr) -> None:  # type: ignore[no-untyped-def]
    from PIL import Image

    mode = "L" if arr.ndim == 2 else "RGB"
    Image.fromarray(arr, mode).save(path, format="PNG", optimize=True)


def build(specimen_id: str, out: Path) -> list[Path]:
    design = get_design(specimen_id)
    folder = out / specimen_id
    folder.mkdir(parents=True, exist_ok=True)
    doc = render_document(design, seed=0)
    written: list[Path] = []
    images: dict[str, dict[str, str]] = {}
    for side, imgs in doc.sides.items():
        images[side] = {}
        for light in LIGHTS:
            name = f"{side}.{light}.png"
            save_png(folder / name, getattr(imgs, light))
            images[side][light] = name
            written.append(folder / name)
    toml = folder / "specimen.toml"
    toml.write_text(specimen_toml(design, images), encoding="utf-8")
    written.append(toml)
    return written


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[1])
    ap.add_argument("--out", type=Path, default=ROOT / "reference_specimens")
    ap.add_argument("--only", nargs="*", default=None, help="specimen ids (default: all)")
    args = ap.parse_args(argv)
    for sid in args.only or design_ids():
        for p in build(sid, args.out):
            print(f"{p.stat().st_size / 1e6:6.2f} MB  {p.relative_to(args.out)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
