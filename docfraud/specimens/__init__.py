"""docfraud.specimens: the reference specimen library (format in docs/specimens.md).

A specimen is one document type and series: a ``specimen.toml`` description (issuer, document
code, MRZ format, size, zones with their kinds and checks) and reference images rectified to
nominal size in white, infrared and ultraviolet light.
"""

from __future__ import annotations

from docfraud.specimens.library import Library, default_root
from docfraud.specimens.load import load_specimen
from docfraud.specimens.model import LIGHTS, ZONE_KINDS, Side, Specimen, Zone

__all__ = ["LIGHTS", "ZONE_KINDS", "Library", "Side", "Specimen", "Zone", "default_root",
           "load_specimen"]
