"""Synthetic documents: procedural artwork of the fictional reference specimens.

``docfraud.synth.artwork`` renders a specimen's design for any holder under white, IR and UV
light, layer by layer, and renders variants of the design for forgeries;
``docfraud.synth.designs`` holds the designs (UTO/P-2024, UTO/V-2024, ZZA/ID-2023);
``docfraud.synth.portrait`` draws procedural portraits and ghost images.
``tools/build_specimens.py`` writes the reference specimens from them.
"""

from __future__ import annotations

from docfraud.synth.artwork import (
    Holder, Ink, RenderedDocument, SideImages, SpecimenDesign, Variant, apply_variant, design_ids,
    format_date, get_design, render_document, render_side, specimen_toml,
)
from docfraud.synth.portrait import draw_portrait, ghost_coverage

__all__ = [
    "Holder", "Ink", "RenderedDocument", "SideImages", "SpecimenDesign", "Variant", "apply_variant",
    "design_ids", "draw_portrait", "format_date", "get_design", "ghost_coverage", "render_document",
    "render_side", "specimen_toml",
]
