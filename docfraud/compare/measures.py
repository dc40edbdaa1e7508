"""Measurements on zone crops: small pure functions over numpy arrays.

Each compares a questioned crop (from a capture aligned to the reference) with the same crop of
the reference image, or measures one property of a crop. They return plain numbers; the checks
(:mod:`docfraud.compare.checks`) hold them to thresholds from calibration.

>>> import numpy as np
>>> ref = np.zeros((40, 40), np.uint8); ref[:, ::4] = 255
>>> round(fine_line_ratio(ref, ref), 2)
1.0
>>> round(fine_line_ratio(ref, np.full_like(ref, 128)), 2)
0.0
"""

from __future__ import annotations

import cv2
import numpy as np
from skimage.color import deltaE_ciede2000, rgb2lab


def gray(img: np.ndarray) -> np.ndarray:
    return cv2.cvtColor(img, cv2.COLOR_BGR2GRAY) if img.ndim == 3 else img


def highpass_energy(img: np.ndarray, sigma: float = 1.0) -> float:
    """Energy of the finest detail: variance of the difference of Gaussians (sigma, 2 sigma)."""
    g = gray(img).astype(np.float32)
    dog = cv2.GaussianBlur(g, (0, 0), sigma * 0.5 + 0.01) - cv2.GaussianBlur(g, (0, 0), sigma * 2)
    return float(dog.var())


def fine_line_ratio(reference: np.ndarray, questioned: np.ndarray, sigma: float = 1.0) -> float:
    """How much of the reference's fine-line energy the questioned crop keeps (1 = all).

    A counterfeit reprint loses fine lines: the ratio drops well below what genuine captures
    under the same conditions show.
    """
    ref = highpass_energy(reference, sigma)
    if ref <= 1e-6:
        return 1.0
    return highpass_energy(questioned, sigma) / ref


def paper_white(img: np.ndarray, percentile: float = 97.0) -> np.ndarray:
    """The paper's colour (BGR float): a high percentile of brightness, per channel."""
    px = img.reshape(-1, img.shape[-1]).astype(np.float32) if img.ndim == 3 \
        else img.reshape(-1, 1).astype(np.float32)
    lum = px.mean(axis=1)
    cut = np.percentile(lum, percentile)
    sel = px[lum >= cut]
    return sel.mean(axis=0) if len(sel) else np.full(px.shape[1], 255.0, np.float32)


def white_balance(img: np.ndarray, white: np.ndarray | None = None) -> np.ndarray:
    """Scale each channel so that the paper white becomes neutral light grey (240)."""
    w = paper_white(img) if white is None else np.asarray(white, np.float32)
    gain = 240.0 / np.maximum(w, 1.0)
    return np.clip(img.astype(np.float32) * gain, 0, 255).astype(np.uint8)


def colour_difference(reference: np.ndarray, questioned: np.ndarray,
                      ref_white: np.ndarray | None = None,
                      q_white: np.ndarray | None = None) -> float:
    """Median CIEDE2000 colour difference after balancing each image on its paper white.

    Compared on blurred crops (a few pixels), so the print screen and small misalignment do not
    count, only the colour of the inks.
    """
    if reference.ndim != 3 or questioned.ndim != 3:
        return 0.0
    a = cv2.GaussianBlur(white_balance(reference, ref_white), (0, 0), 2.0)
    b = cv2.GaussianBlur(white_balance(questioned, q_white), (0, 0), 2.0)
    step = max(1, int(np.sqrt(a.shape[0] * a.shape[1] / 4000)))
    a, b = a[::step, ::step], b[::step, ::step]
    la = rgb2lab(a[..., ::-1].astype(np.float32) / 255.0)
    lb = rgb2lab(b[..., ::-1].astype(np.float32) / 255.0)
    return float(np.median(deltaE_ciede2000(la, lb)))


def structural_similarity(a: np.ndarray, b: np.ndarray) -> float:
    """Zero-mean normalised cross-correlation of two crops (-1..1) at the same size."""
    ga = gray(a).astype(np.float32)
    gb = cv2.resize(gray(b), (ga.shape[1], ga.shape[0]), interpolation=cv2.INTER_AREA)
    gb = gb.astype(np.float32)
    ga -= ga.mean()
    gb -= gb.mean()
    den = float(np.sqrt((ga ** 2).sum() * (gb ** 2).sum()))
    return float((ga * gb).sum() / den) if den > 1e-6 else 0.0


def best_shift_similarity(reference: np.ndarray, questioned: np.ndarray, reach: int = 4) -> float:
    """The best correlation of ``questioned`` with ``reference`` over shifts of up to ``reach``
    pixels (forgiving small residual misalignment)."""
    r = gray(reference).astype(np.float32)
    q = gray(questioned).astype(np.float32)
    if r.shape[0] <= 2 * reach or r.shape[1] <= 2 * reach:
        return structural_similarity(r, q)
    tpl = r[reach:-reach, reach:-reach]
    if tpl.std() < 1e-3 or q.std() < 1e-3:
        return 0.0
    res = cv2.matchTemplate(q, tpl, cv2.TM_CCOEFF_NORMED)
    return float(res.max())


def ink_darkness(img: np.ndarray, mask: np.ndarray | None = None) -> float:
    """How dark the ink is relative to the paper: 1 - (ink level / paper level), 0..1.

    Ink is the darkest 15 % of the crop (or of ``mask``), paper the brightest 15 %.
    """
    g = gray(img).astype(np.float32)
    vals = g[mask > 0] if mask is not None else g.ravel()
    if vals.size == 0:
        return 0.0
    ink = np.percentile(vals, 15)
    paper = np.percentile(vals, 85)
    return float(1.0 - ink / max(paper, 1.0))


def mean_level(img: np.ndarray) -> float:
    """Mean grey level of a crop (0..255)."""
    return float(gray(img).mean())


def blur_measure(img: np.ndarray) -> float:
    """Sharpness: variance of the Laplacian (higher is sharper)."""
    return float(cv2.Laplacian(gray(img), cv2.CV_32F).var())


def glare_fraction(img: np.ndarray, level: int = 250) -> float:
    """Fraction of pixels saturated by glare."""
    g = gray(img)
    return float((g >= level).mean())


def boundary_energy(img: np.ndarray, polygon_px: np.ndarray, width: int = 3) -> float:
    """Mean gradient magnitude along a polygon's outline: a pasted portrait's cut edge shows up
    as a strong, continuous edge where a printed portrait blends into its background."""
    g = gray(img).astype(np.float32)
    gx = cv2.Sobel(g, cv2.CV_32F, 1, 0, ksize=3)
    gy = cv2.Sobel(g, cv2.CV_32F, 0, 1, ksize=3)
    mag = cv2.magnitude(gx, gy)
    mask = np.zeros(g.shape, np.uint8)
    cv2.polylines(mask, [polygon_px.astype(np.int32)], True, 255, thickness=width)
    vals = mag[mask > 0]
    return float(vals.mean()) if vals.size else 0.0


def halftone_energy(img: np.ndarray) -> float:
    """Share of the spectrum's energy in a periodic peak at mid frequencies: the dot screen of
    a halftone or inkjet reprint, which genuine offset/intaglio-like printing lacks."""
    g = gray(img).astype(np.float32)
    g = g - cv2.GaussianBlur(g, (0, 0), 6)
    h, w = g.shape
    win = np.outer(np.hanning(h), np.hanning(w)).astype(np.float32)
    spec = np.abs(np.fft.fftshift(np.fft.fft2(g * win))) ** 2
    cy, cx = h // 2, w // 2
    yy, xx = np.ogrid[:h, :w]
    r = np.sqrt(((yy - cy) / h) ** 2 + ((xx - cx) / w) ** 2)
    band = (r > 0.08) & (r < 0.45)
    total = spec[band].sum()
    if total <= 0:
        return 0.0
    peak = np.sort(spec[band])[-max(4, band.sum() // 2000):].sum()
    return float(peak / total)
