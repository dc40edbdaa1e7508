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

from functools import lru_cache

import cv2
import numpy as np
import scipy.fft as sfft
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
    """The paper's colour (BGR float): a high percentile of brightness, per channel (on a
    whole page, every second or third pixel each way: the paper is everywhere)."""
    step = max(1, int(np.sqrt(img.shape[0] * img.shape[1] / 150_000)))
    img = img[::step, ::step]
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


def pattern_shift(reference: np.ndarray, questioned: np.ndarray, reach: int = 3,
                  lo: float = 0.6, hi: float = 1.8, padded: bool = False
                  ) -> tuple[float, float, float]:
    """Where a fine-line pattern lies in ``questioned`` against ``reference`` (same-size
    crops, or with ``padded`` the reference ``reach`` pixels larger on every side, so that the
    whole questioned crop is compared at every shift): the shift (dx, dy, pixels, sub-pixel)
    of up to ``reach`` that best correlates their band-passed greys, and that correlation. Two parts of one print (a pattern on both
    sides of a portrait's edge) lie where the other does; a piece cut from another document
    and laid in lies where the forger put it. Other content in one crop only (another
    photograph under the pattern) lowers the correlation at every shift alike.

    >>> rng = np.random.default_rng(1)
    >>> ref = (rng.random((80, 60)) > 0.5).astype(np.uint8) * 200
    >>> ref = cv2.GaussianBlur(ref, (0, 0), 1.0)
    >>> moved = np.roll(ref, (2, -3), axis=(0, 1))
    >>> dx, dy, corr = pattern_shift(ref, moved)
    >>> round(dx, 1), round(dy, 1), corr > 0.9
    (-3.0, 2.0, True)
    >>> dx, dy, corr = pattern_shift(ref, moved[6:-6, 6:-6], reach=6, padded=True)
    >>> round(dx, 1), round(dy, 1), corr > 0.9
    (-3.0, 2.0, True)
    """
    r = gray(reference).astype(np.float32)
    q = gray(questioned).astype(np.float32)
    m = reach
    if min(q.shape[:2]) <= (4 if padded else 2 * m + 4):
        return float("nan"), float("nan"), 0.0
    br = cv2.GaussianBlur(r, (0, 0), lo) - cv2.GaussianBlur(r, (0, 0), hi)
    bq = cv2.GaussianBlur(q, (0, 0), lo) - cv2.GaussianBlur(q, (0, 0), hi)
    res = cv2.matchTemplate(br, bq if padded else bq[m:-m, m:-m], cv2.TM_CCOEFF_NORMED)
    iy, ix = np.unravel_index(int(np.argmax(res)), res.shape)

    def vertex(a: float, b: float, c: float) -> float:  # a parabola through three values
        d = a - 2 * b + c
        return 0.0 if d >= 0 else 0.5 * (a - c) / d

    sx = vertex(res[iy, ix - 1], res[iy, ix], res[iy, ix + 1]) if 0 < ix < 2 * m else 0.0
    sy = vertex(res[iy - 1, ix], res[iy, ix], res[iy + 1, ix]) if 0 < iy < 2 * m else 0.0
    return float(m - ix - sx), float(m - iy - sy), float(res[iy, ix])


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


#: The most tiles a zone's mean spectrum takes (screen_excess).
MAX_TILES = 48
#: screen_excess counts excess energy only where the reference's spectrum is at most this many
#: times its ring's median (not at the print's own peaks).
REF_QUIET = 2.0


def _tile_starts(mask: np.ndarray, t: int) -> list[tuple[int, int]]:
    """Top-left corners of ``t`` x ``t`` tiles, half overlapping, wholly inside ``mask``; at
    most MAX_TILES, spread evenly over the zone (their mean spectrum settles long before)."""
    h, w = mask.shape
    if h < t or w < t:
        return []
    holes = cv2.integral((mask == 0).astype(np.uint8))  # (h + 1, w + 1) counts of holes
    ys = np.arange(0, h - t + 1, t // 2)
    xs = np.arange(0, w - t + 1, t // 2)
    y0, x0 = np.meshgrid(ys, xs, indexing="ij")
    n = holes[y0 + t, x0 + t] - holes[y0, x0 + t] - holes[y0 + t, x0] + holes[y0, x0]
    starts = list(zip(y0[n == 0].tolist(), x0[n == 0].tolist()))
    if len(starts) > MAX_TILES:
        starts = [starts[i] for i in np.linspace(0, len(starts) - 1, MAX_TILES).round().astype(int)]
    return starts


def _tile_spectra(img: np.ndarray, starts: list[tuple[int, int]], t: int) -> np.ndarray:
    """The mean power spectrum (Welch's method) of the ``t`` x ``t`` tiles at ``starts``, per
    channel: (t, t // 2 + 1, channels), as ``numpy.fft.rfft2`` orders frequencies."""
    img = img[..., None] if img.ndim == 2 else img
    win = _hann2(t)[:, :, None]
    # no mean taken out: the window confines the zero frequency's leak to 2 bins, below the band
    tiles = np.stack([img[y:y + t, x:x + t] * win for y, x in starts])
    spec = sfft.rfft2(tiles, axes=(1, 2))
    return (spec.real ** 2 + spec.imag ** 2).mean(axis=0)


@lru_cache(maxsize=4)
def _hann2(t: int) -> np.ndarray:
    return np.outer(np.hanning(t), np.hanning(t)).astype(np.float32)


@lru_cache(maxsize=4)
def _rings(tile: int, band: tuple[float, float]) -> tuple[np.ndarray, np.ndarray, np.ndarray,
                                                           np.ndarray]:
    """The half spectrum's frequencies (fy, fx), the flat indices of the bins inside ``band``
    sorted by ring (one ring per frequency step), and each ring's [start, end) in that order."""
    fy = np.fft.fftfreq(tile)[:, None]
    fx = np.fft.rfftfreq(tile)[None, :]
    r = (np.hypot(fy, fx) * np.ones_like(fx)).ravel()
    rings = np.round(r * tile).astype(int)
    idx = np.flatnonzero((r > band[0]) & (r < band[1]))
    idx = idx[np.argsort(rings[idx], kind="stable")]
    _, starts = np.unique(rings[idx], return_index=True)
    return fy, fx, idx, np.append(starts, len(idx))


def screen_excess(reference: np.ndarray, questioned: np.ndarray, mask: np.ndarray,
                  tile: int = 64, peaks: int = 4, band: tuple[float, float] = (0.1, 0.6)
                  ) -> tuple[float, float | None, float | None, int]:
    """Periodic energy in ``questioned`` that ``reference`` does not have: the dot screen of a
    halftone or inkjet reprint, which genuine security printing (solid lines) lacks.

    Both crops (aligned, same size, colour or grey) are split into tiles inside ``mask`` and
    their mean power spectra taken per channel. At each spatial frequency the questioned
    spectrum is expected to be the reference's times the capture's transfer at that radius
    (its blur and contrast: the median ratio over the ring) plus the ring's noise floor. A
    screen adds a few sharp peaks far above that; noise, blur and small misregistration do not.
    Only frequencies where the reference itself is quiet count (at most REF_QUIET times its
    ring's median): at the print's own peaks a shaken photo keeps more of the lines along the
    shake than the ring's median transfer says.
    Returns the largest share, over the channels (each process ink has its own screen angle),
    of the questioned energy in the frequency ``band`` (cycles per pixel) that its ``peaks``
    strongest excess peaks hold (a half spectrum: each peak counted once); the period (pixels)
    and angle (degrees) of the strongest peak; and the number of tiles. NaN where no tile fits.

    >>> rng = np.random.default_rng(0)
    >>> yy, xx = np.mgrid[:128, :128]
    >>> lines = 180 + 40 * np.sin(2 * np.pi * (xx + 0.3 * yy) / 9)  # a fine-line pattern
    >>> ones = np.ones((128, 128), np.uint8)
    >>> scanned = lines + rng.normal(0, 3, lines.shape)
    >>> reprint = scanned + 15 * np.cos(2 * np.pi * xx / 4) * np.cos(2 * np.pi * yy / 4)
    >>> round(screen_excess(lines, scanned, ones)[0], 3), round(screen_excess(lines, reprint, ones)[0], 3)
    (0.0, 0.039)
    >>> round(screen_excess(lines, reprint, ones)[1], 2)  # the dots' diagonal period: 4 / sqrt(2)
    2.83
    """
    starts = _tile_starts(mask, tile)
    if not starts:
        return float("nan"), None, None, 0
    fy, fx, idx, bounds = _rings(tile, band)
    s_ref = _tile_spectra(reference, starts, tile)
    s_cap = _tile_spectra(questioned, starts, tile)
    n_ch = s_cap.shape[2]
    a = s_ref.reshape(-1, n_ch)[idx]  # (bins in the band, ring by ring) x channels
    b = s_cap.reshape(-1, n_ch)[idx]
    # each ring's medians, all rings at once: rings padded to one length with NaN
    width = int(np.diff(bounds).max())
    pos = np.arange(len(idx)) - np.repeat(bounds[:-1], np.diff(bounds))
    ring = np.repeat(np.arange(len(bounds) - 1), np.diff(bounds))
    pad = np.full((2, len(bounds) - 1, width, n_ch), np.nan, np.float64)
    pad[0, ring, pos] = a
    pad[1, ring, pos] = b
    med = np.nanmedian(pad, axis=2)[:, ring]  # (2, bins, channels)
    ref_floor, floor = np.maximum(med[0], 1e-9), med[1]
    expected = floor / ref_floor * a + floor
    quiet = a <= REF_QUIET * ref_floor
    excess = np.where(quiet, np.maximum(b - expected, 0), 0)
    total = b.sum(axis=0)
    shares = np.sort(excess, axis=0)[-peaks:].sum(axis=0) / np.maximum(total, 1e-12)
    shares[total <= 0] = 0.0
    ch = int(np.argmax(shares))
    best = float(shares[ch])
    if best <= 0:
        return best, None, None, len(starts)
    where = np.unravel_index(int(idx[np.argmax(excess[:, ch])]), (len(fy), fx.shape[1]))
    f_y, f_x = float(fy[where[0], 0]), float(fx[0, where[1]])
    angle = float(np.degrees(np.arctan2(f_y, f_x)) % 180)
    return best, 1 / float(np.hypot(f_y, f_x)), angle, len(starts)


#: The Gaussian blurs (pixels) tried by blur_against, coarse steps refined by a parabola.
BLUR_SIGMAS = tuple(np.arange(0.0, 6.01, 0.5).round(2))
#: The band (Gaussian sigmas, pixels) in which blur_against compares the lines.
BLUR_BAND = (0.5, 4.0)


def blur_against(reference: np.ndarray, questioned: np.ndarray, mask: np.ndarray,
                 tile: int = 64, max_tiles: int = 16, reach: int = 2,
                 sigmas: tuple[float, ...] = BLUR_SIGMAS) -> tuple[float, float, int]:
    """How blurred ``questioned`` is against the sharp ``reference`` it was aligned to (grey
    crops of one size): the Gaussian sigma (pixels) by which the reference's lines, blurred,
    match the questioned's best. Tiles inside ``mask`` (at most ``max_tiles``, spread over the
    crop) are each registered once to the best whole-pixel shift within ``reach``; then, for
    each of ``sigmas`` (evenly spaced), the band-passed (BLUR_BAND) blurred reference is
    correlated with the band-passed questioned tiles, and the mean correlation's peak is
    refined by a parabola.
    Returns (sigma, the correlation at the peak, the number of tiles); NaN where no tile fits.

    >>> rng = np.random.default_rng(1)
    >>> yy, xx = np.mgrid[:200, :260]
    >>> lines = 150 + 60 * np.sin(2 * np.pi * (xx + 0.4 * yy) / 7) * np.sin(yy / 9.0)
    >>> soft = cv2.GaussianBlur(lines, (0, 0), 1.8) + rng.normal(0, 2, lines.shape)
    >>> s, r, n = blur_against(lines, np.roll(soft, 1, axis=1), np.ones((200, 260), np.uint8))
    >>> round(s, 1), r > 0.9, n
    (1.8, True, 15)
    """
    m = int(np.ceil(2.5 * np.hypot(max(sigmas), BLUR_BAND[1]))) + reach
    h, w = reference.shape[:2]
    inner = np.zeros_like(mask)
    inner[m:h - m, m:w - m] = mask[m:h - m, m:w - m]
    starts = _tile_starts(inner, tile)
    if not starts:
        return float("nan"), float("nan"), 0
    if len(starts) > max_tiles:
        starts = [starts[i] for i in np.linspace(0, len(starts) - 1, max_tiles).round().astype(int)]
    side = tile + 2 * m
    n = len(starts)
    cols = int(np.ceil(np.sqrt(n)))
    rows = int(np.ceil(n / cols))
    # the tiles with their margins side by side: one blur of the mosaic blurs them all
    ref_mosaic = np.zeros((rows * side, cols * side), np.float32)
    cap_mosaic = np.zeros_like(ref_mosaic)
    for i, (y, x) in enumerate(starts):
        r, c = divmod(i, cols)
        ref_mosaic[r * side:(r + 1) * side, c * side:(c + 1) * side] = \
            reference[y - m:y + tile + m, x - m:x + tile + m]
        cap_mosaic[r * side:(r + 1) * side, c * side:(c + 1) * side] = \
            questioned[y - m:y + tile + m, x - m:x + tile + m]
    lo, hi = BLUR_BAND
    cap_bp = cv2.GaussianBlur(cap_mosaic, (0, 0), lo) - cv2.GaussianBlur(cap_mosaic, (0, 0), hi)
    q = np.stack([cap_bp[(i // cols) * side + m:(i // cols) * side + m + tile,
                         (i % cols) * side + m:(i % cols) * side + m + tile] for i in range(n)])
    q = q - q.mean(axis=(1, 2), keepdims=True)
    q /= np.sqrt((q * q).sum(axis=(1, 2), keepdims=True)) + 1e-9

    def band(sigma: float) -> np.ndarray:
        return (cv2.GaussianBlur(ref_mosaic, (0, 0), float(np.hypot(sigma, lo))) -
                cv2.GaussianBlur(ref_mosaic, (0, 0), float(np.hypot(sigma, hi))))

    # each tile's shift, once, at a middling blur
    mid = band(float(np.median(sigmas)))
    shifts = []
    for i in range(n):
        r, c = divmod(i, cols)
        y0, x0 = r * side + m - reach, c * side + m - reach
        win = mid[y0:y0 + tile + 2 * reach, x0:x0 + tile + 2 * reach]
        res = cv2.matchTemplate(win, cap_bp[r * side + m:r * side + m + tile,
                                            c * side + m:c * side + m + tile], cv2.TM_CCOEFF_NORMED)
        dy, dx = np.unravel_index(int(np.argmax(res)), res.shape)
        shifts.append((y0 + dy, x0 + dx))

    def score(sigma: float) -> float:
        b = band(sigma)
        a = np.stack([b[y:y + tile, x:x + tile] for y, x in shifts])
        a = a - a.mean(axis=(1, 2), keepdims=True)
        a /= np.sqrt((a * a).sum(axis=(1, 2), keepdims=True)) + 1e-9
        return float((a * q).sum(axis=(1, 2)).mean())

    scores = np.array([score(s) for s in sigmas])
    i = int(np.argmax(scores))
    sigma = float(sigmas[i])
    if 0 < i < len(scores) - 1:
        a, b, c = scores[i - 1:i + 2]
        den = a - 2 * b + c
        if den < 0:
            sigma += float(np.clip(0.5 * (a - c) / den, -0.5, 0.5)) * \
                float(sigmas[1] - sigmas[0])
    return float(sigma), float(scores[i]), n


#: A page's edge profiles have one length per specimen and a few dozen sets of sigmas; each
#: entry is at most 20 matrices of 70 x 70 at 300 dpi (0.8 MB): the cache stays small.
@lru_cache(maxsize=64)
def _blurs(n: int, sigmas: tuple[float, ...]) -> np.ndarray:
    """Gaussian blurs of a profile of ``n`` values as matrices, one per sigma (S, n, n): what
    ``scipy.ndimage.gaussian_filter1d(v, s, mode="nearest")`` does (kernel radius 4 sigma,
    edge values carried outwards), so many blurs of many profiles are one matrix product.

    >>> from scipy.ndimage import gaussian_filter1d
    >>> v = np.random.default_rng(0).normal(size=40)
    >>> m = _blurs(40, (0.7, 2.5))
    >>> all(np.allclose(m[i] @ v, gaussian_filter1d(v, s, mode="nearest"))
    ...     for i, s in enumerate((0.7, 2.5)))
    True
    """
    out = np.zeros((len(sigmas), n, n))
    rows = np.arange(n)[:, None]
    for i, s in enumerate(sigmas):
        r = int(4.0 * float(s) + 0.5)
        k = np.arange(-r, r + 1)
        w = np.exp(-0.5 * (k / float(s)) ** 2)
        w /= w.sum()
        cols = np.clip(rows + k[None, :], 0, n - 1)
        np.add.at(out[i], (np.broadcast_to(rows, cols.shape), cols), w[None, :])
    return out


def _best_fits(p: np.ndarray, inner: np.ndarray, outer: np.ndarray, sigmas: tuple[float, ...]
               ) -> tuple[np.ndarray, np.ndarray]:
    """For each sigma, ``p`` fitted by least squares with a constant, ``inner`` and ``outer``
    each blurred by that sigma: (rms misfit per sigma, coefficients per sigma (S, 3))."""
    m = _blurs(len(p), sigmas)
    a, b = m @ inner, m @ outer  # (S, n)
    ones = np.ones_like(a)
    design = np.stack([ones, a, b], axis=2)  # (S, n, 3)
    # least squares for every sigma at once (the pseudo-inverse gives lstsq's minimum-norm
    # solution where a column is all zero)
    coef = np.linalg.pinv(design) @ p
    rms = np.sqrt(np.mean((np.einsum("snk,sk->sn", design, coef) - p) ** 2, axis=1))
    return rms, coef


def _edge_fit(profile: np.ndarray, page: np.ndarray, at: float) -> tuple[float, float, float]:
    """The blur across a document's edge expected near ``at`` in ``profile``: the page's own
    profile (``page``, the reference's print from ``at`` on) and a level of its own outside it,
    shifted by up to 3 pixels and blurred by a Gaussian, the one that fits best (levels by
    least squares). Returns (sigma, the step's height at the edge, rms misfit)."""
    x = np.arange(len(profile), dtype=np.float64)
    p = profile.astype(np.float64)
    best = (np.inf, 0.0, 0.0, 0.0)  # (rms, sigma, step, shift)
    level = float(page[min(int(at) + 1, len(page) - 1)])

    def fit(d: float, sigmas: np.ndarray) -> None:
        nonlocal best
        edge = at + d
        inside = np.clip(x - edge + 0.5, 0.0, 1.0)
        rms, coef = _best_fits(p, np.interp(x - d, x, page) * inside, 1.0 - inside,
                               tuple(float(s) for s in sigmas))
        i = int(np.argmin(rms))  # the first of equals, as a loop over the sigmas finds it
        if rms[i] < best[0]:
            # the print's level right inside the edge against the level outside it
            best = (float(rms[i]), float(sigmas[i]), float(coef[i, 1] * level - coef[i, 2]), d)

    for d in np.arange(-3.0, 3.01, 1.0):  # coarse, then about the best
        fit(d, np.arange(0.5, 10.01, 0.5))
    d0, s0 = best[3], best[1]
    for d in np.arange(d0 - 0.5, d0 + 0.51, 0.25):
        fit(d, np.arange(max(s0 - 0.5, 0.1), s0 + 0.51, 0.1))
    return best[1], best[2], best[0]


def _edge_strips(canvas: np.ndarray, reference: np.ndarray, covered: np.ndarray, m: int
                 ) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """The strips across each side of a page warped with ``m`` pixels around it (left, right,
    top, bottom): (capture, reference, covered), each turned so that its rows run from outside
    the page inwards, the page starting at index ``m``; the middle 80% of each side."""
    g = gray(canvas).astype(np.float32)
    r = gray(reference).astype(np.float32)
    H, W = g.shape
    h, w = H - 2 * m, W - 2 * m
    ok = covered > 0
    rows, cols = slice(m + h // 10, m + 9 * h // 10), slice(m + w // 10, m + 9 * w // 10)
    return [
        (g[rows, :2 * m], r[rows, :2 * m], ok[rows, :2 * m]),
        (g[rows, W - 2 * m:][:, ::-1], r[rows, W - 2 * m:][:, ::-1],
         ok[rows, W - 2 * m:][:, ::-1]),
        (g[:2 * m, cols].T, r[:2 * m, cols].T, ok[:2 * m, cols].T),
        (g[H - 2 * m:, cols][::-1].T, r[H - 2 * m:, cols][::-1].T, ok[H - 2 * m:, cols][::-1].T),
    ]


def page_edge_blur(canvas: np.ndarray, reference: np.ndarray, covered: np.ndarray,
                   margin: int, min_step: float = 40.0) -> tuple[float | None, list[float]]:
    """How blurred a capture is, measured on the document's physical edge: ``canvas`` is the
    capture warped into the reference frame with ``margin`` pixels around the page (so the
    page's edges run straight along ``margin`` and ``size - margin``), ``reference`` the
    specimen's page in the same frame (what is printed near the edge), ``covered`` marks where
    the capture has pixels. Along each side, the middle 80% of the rows (or columns) that the
    capture covers give a median profile across the edge (the table's grain averages out),
    and the page's print next to a level of its own outside, blurred, is fitted to it. A cut
    page edge is sharp whatever was printed on the page, so its blur is the camera's and the
    lens's alone. Returns the median of the sides' Gaussian sigmas (pixels), or None where
    fewer than two sides stand out from what is around the page by ``min_step`` grey levels
    (or just two that disagree); and the sigmas of the sides measured.

    >>> page = np.full((200, 300), 235, np.uint8); page[30:170, 34:40] = 120  # a band
    >>> canvas = page.copy(); canvas[:30] = canvas[170:] = 60; canvas[:, :30] = 60
    >>> canvas[:, 270:] = 60
    >>> canvas = cv2.GaussianBlur(canvas, (0, 0), 2.0)
    >>> s, sides = page_edge_blur(canvas, page, np.full_like(canvas, 255), 30)
    >>> round(s, 1), len(sides)
    (2.0, 4)
    >>> page_edge_blur(page, page, np.full((200, 300), 255, np.uint8), 30)
    (None, [])
    """
    sigmas = []
    for strip, ref, inside in _edge_strips(canvas, reference, covered, margin):
        full = inside.all(axis=1)  # profiles that lie wholly inside the capture
        if full.sum() < max(10, 0.3 * len(full)):
            continue
        s, step, misfit = _edge_fit(np.median(strip[full], axis=0),
                                    np.median(ref[full], axis=0), float(margin))
        if abs(step) >= min_step and misfit < 0.12 * abs(step) and s < 9.9:
            sigmas.append(round(float(s), 3))
    # the median side: an object on the table against one side, or its shadow, spoils that
    # side's fit (a phone's shake blurs one way more than the other, which calibration sees)
    if len(sigmas) < 2 or (len(sigmas) == 2 and max(sigmas) > 1.6 * min(sigmas)):
        return None, sigmas
    return float(np.median(sigmas)), sigmas


def _edge_place(profile: np.ndarray, page: np.ndarray, at: int, reach: int
                ) -> tuple[float, float, float]:
    """Where a document's edge lies in ``profile`` (across it, from outside inwards) with the
    print where the alignment puts it: the page's own profile (``page``, the reference's print
    from ``at`` on, its first value carried outwards) from an edge at ``at + d`` on, a level of
    its own outside it, blurred by a Gaussian, for ``d`` within ``reach`` pixels; the best fit
    (levels by least squares). Returns (d, the step from the level outside to the paper's,
    rms misfit)."""
    x = np.arange(len(profile), dtype=np.float64)
    p = profile.astype(np.float64)
    ref = page.astype(np.float64).copy()
    ref[:at] = ref[at]
    paper = float(np.percentile(ref[at:], 90))  # the page's paper, whatever is printed
    best = (np.inf, 0.0, 0.0)  # (rms, d, step)

    def fits(d: float, sigmas: tuple[float, ...]) -> tuple[np.ndarray, np.ndarray]:
        inside = np.clip(x - (at + d) + 1.0, 0.0, 1.0)  # d = 0: the page from ``at`` on
        return _best_fits(p, ref * inside, 1.0 - inside, sigmas)

    coarse = (0.7, 1.5, 3.0, 5.0)
    shifts = [float(d) for d in range(-reach, reach + 1)]
    # every shift at every sigma, taken in the order sigma by sigma (the first of equals wins)
    grid = [fits(d, coarse) for d in shifts]
    for j in range(len(coarse)):
        for i, d in enumerate(shifts):
            rms, coef = grid[i][0][j], grid[i][1][j]
            if rms < best[0]:  # the step: the paper's level against the level outside
                best = (float(rms), d, float(coef[1] * paper - coef[2]))
    d0 = best[1]
    fine = (0.5, 1.0, 2.0, 2.5, 4.0, 6.0)
    shifts = [float(d) for d in np.arange(d0 - 1.0, d0 + 1.01, 0.5)]
    grid = [fits(d, fine) for d in shifts]
    for j in range(len(fine)):
        for i, d in enumerate(shifts):
            rms, coef = grid[i][0][j], grid[i][1][j]
            if rms < best[0]:
                best = (float(rms), d, float(coef[1] * paper - coef[2]))
    return best[1], best[2], best[0]


def page_outline_offsets(canvas: np.ndarray, reference: np.ndarray, covered: np.ndarray,
                         margin: int, min_step: float = 40.0) -> list[float | None]:
    """Where the document's cut edge lies on each side (left, right, top, bottom) of a page
    warped as for :func:`page_edge_blur`: pixels from where the alignment puts it (``margin``
    from the canvas's border), positive inwards. None for a side whose edge does not stand out
    by ``min_step`` grey levels within ``margin`` of its place (a white scanner lid, a page
    that fills the image, a table of the paper's colour), or that the fit does not explain.

    Along each side the median profile across it is fitted by the page's own print where the
    alignment puts it, beside a level of its own outside an edge free to move, blurred
    (:func:`_edge_place`): a border printed near the edge is the print's, not the edge.

    >>> page = np.full((200, 300), 235, np.uint8); page[30:170, 36:40] = 90  # a line
    >>> canvas = np.full((200, 300), 60, np.uint8)
    >>> canvas[28:168, 25:265] = 235; canvas[30:170, 36:40] = 90  # the page's edges off
    >>> page_outline_offsets(cv2.GaussianBlur(canvas, (0, 0), 1.5), page,
    ...                      np.full_like(canvas, 255), 30)
    [-5.0, 5.0, -2.0, 2.0]
    >>> lid = page.copy(); lid[:30] = lid[170:] = lid[:, :30] = lid[:, 270:] = 245
    >>> page_outline_offsets(lid, page, np.full_like(page, 255), 30)  # a white lid
    [None, None, None, None]
    """
    out: list[float | None] = []
    reach = max(2, margin - max(2, margin // 4))
    for strip, ref, inside in _edge_strips(canvas, reference, covered, margin):
        full = inside.all(axis=1)
        if full.sum() < max(10, 0.3 * len(full)):
            out.append(None)
            continue
        d, step, misfit = _edge_place(np.median(strip[full], axis=0),
                                      np.median(ref[full], axis=0), margin, reach)
        edge = abs(step) >= min_step and misfit < 0.12 * abs(step)
        out.append(float(d) if edge else None)
    return out
