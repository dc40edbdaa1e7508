"""docfraud.imaging: load images safely, locate, rectify, segment and recognise MRZs.

Layering (each module only uses those above it)::

    load      path / bytes / array -> uint8 BGR (formats, EXIF, pixel limit, PDF pages)
    synth     render MRZ text with the vendored OCR-B font (tests, training)
    segment   ink map, text lines of a band, fixed-pitch cells
    ocr       glyph recogniser (CNN, calibrated alternatives) and the optional Tesseract engine
    locate    candidate MRZ bands at any rotation
    rectify   band quadrilateral -> horizontal strip
    reader    read_mrz / find_mrzs

The readings are raw: check-digit correction belongs to :mod:`docfraud.mrz`.
"""

from __future__ import annotations

from docfraud.imaging.load import load_image, load_pages
from docfraud.imaging.ocr import CharReading, LineReading
from docfraud.imaging.reader import MRZReader, MRZReading, find_mrzs, read_mrz

__all__ = [
    "CharReading",
    "LineReading",
    "MRZReader",
    "MRZReading",
    "find_mrzs",
    "load_image",
    "load_pages",
    "read_mrz",
]
