"""docfraud.imaging: load images safely, locate, rectify, segment and recognise MRZs.

Layering (each module only uses those above it)::

    load      path / bytes / array -> uint8 BGR (formats, EXIF, pixel limit, PDF pages)
    synth     render MRZ text with the vendored OCR-B font (tests, training)
    segment   ink map, text lines of a band, fixed-pitch cells
    ocr       glyph recogniser (CNN, calibrated alternatives) and the optional Tesseract engine
    locate    candidate MRZ bands at any rotation
    rectify   band quadrilateral -> horizontal strip
    reader    raw readings: read_raw_mrz / find_raw_mrzs
    mrz       read_mrz / find_mrzs: readings corrected by the MRZ structure, parsed and checked

Raw readings carry per-character alternatives; :mod:`docfraud.imaging.mrz` corrects them with
the field grammar and check digits of :mod:`docfraud.mrz`.
"""

from __future__ import annotations

from docfraud.imaging.load import load_image, load_pages
from docfraud.imaging.ocr import CharReading, LineReading
from docfraud.imaging.mrz import MRZReading, find_mrzs, read_mrz
from docfraud.imaging.reader import MRZReader, RawMRZReading, find_raw_mrzs, read_raw_mrz

__all__ = [
    "CharReading",
    "LineReading",
    "MRZReader",
    "MRZReading",
    "RawMRZReading",
    "find_mrzs",
    "find_raw_mrzs",
    "load_image",
    "load_pages",
    "read_mrz",
    "read_raw_mrz",
]
