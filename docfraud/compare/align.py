"""Align a capture to its reference specimen: features, a robust homography, a quality report.

The security background of a genuine document is the same on every document of a series, while
the personal data differ; features matched between the capture and the reference image, filtered
by a robust estimator (MAGSAC++), give the homography from capture to reference pixels. A second
anchor, where known, is the page outline (``page_quad``) found in the capture: used when feature
matching fails, and to cross-check it.

When alignment cannot be trusted the result says so (``ok`` false, with the reason): the
comparison is then not made, rather than flagging a forgery.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import cv2
import numpy as np

#: Working width (pixels) of the reference for feature matching.
WORK_WIDTH = 1000
MIN_INLIERS = 25
MAX_RMSE_MM = 0.6


@dataclass
class Alignment:
    """The homography from capture pixels to reference pixels, and how far to trust it."""

    ok: bool
    homography: np.ndarray | None
    method: str
    inliers: int = 0
    matches: int = 0
    rmse_mm: float | None = None
    reason: str = ""
    quality: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict:
        return {"ok": self.ok, "method": self.method, "inliers": self.inliers,
                "matches": self.matches,
                "rmse_mm": None if self.rmse_mm is None else round(self.rmse_mm, 3),
                "reason": self.reason, **{k: round(v, 4) for k, v in self.quality.items()}}


def _gray(img: np.ndarray) -> np.ndarray:
    return cv2.cvtColor(img, cv2.COLOR_BGR2GRAY) if img.ndim == 3 else img


def _scaled(img: np.ndarray, width: int) -> tuple[np.ndarray, float]:
    s = width / img.shape[1]
    if abs(s - 1) < 1e-3:
        return img, 1.0
    interp = cv2.INTER_AREA if s < 1 else cv2.INTER_LINEAR
    return cv2.resize(img, None, fx=s, fy=s, interpolation=interp), s


_DETECTORS: dict[str, cv2.Feature2D] = {}
_NORMS = {"orb": cv2.NORM_HAMMING, "sift": cv2.NORM_L2}


def _detector(kind: str) -> cv2.Feature2D:
    if kind not in _DETECTORS:
        _DETECTORS[kind] = (cv2.ORB_create(nfeatures=4000, scaleFactor=1.2, nlevels=8,
                                           fastThreshold=10) if kind == "orb"
                            else cv2.SIFT_create(nfeatures=2500, contrastThreshold=0.02))
    return _DETECTORS[kind]


def _features(gray: np.ndarray, kind: str) -> tuple[list[cv2.KeyPoint], np.ndarray | None]:
    clahe = cv2.createCLAHE(clipLimit=2.0, tileGridSize=(8, 8))
    return _detector(kind).detectAndCompute(clahe.apply(gray), None)


_REF_CACHE: dict[tuple[int, int, str], tuple] = {}


def _reference_features(ref_small: np.ndarray, kind: str) -> tuple:
    """Reference features, computed once per reference image and detector."""
    key = (id(ref_small.base if ref_small.base is not None else ref_small), ref_small.shape[1],
           kind)
    digest = (ref_small[::37, ::41].tobytes(), kind)
    hit = _REF_CACHE.get(key)
    if hit is not None and hit[0] == digest:
        return hit[1]
    feats = _features(ref_small, kind)
    if len(_REF_CACHE) > 32:
        _REF_CACHE.clear()
    _REF_CACHE[key] = (digest, feats)
    return feats


def _plausible(hom: np.ndarray, capture_shape: tuple[int, int],
               ref_size: tuple[int, int]) -> tuple[bool, str, float]:
    """Whether a homography maps the reference onto a sane quadrilateral of the capture."""
    try:
        inv = np.linalg.inv(hom)
    except np.linalg.LinAlgError:
        return False, "degenerate homography", 0.0
    w, h = ref_size
    corners = np.array([[[0, 0]], [[w, 0]], [[w, h]], [[0, h]]], np.float32)
    quad = cv2.perspectiveTransform(corners, inv).reshape(4, 2)
    if not cv2.isContourConvex(quad.astype(np.float32)):
        return False, "the reference does not map to a convex page", 0.0
    area = cv2.contourArea(quad)
    ch, cw = capture_shape
    frac = area / float(ch * cw)
    if frac < 0.03:
        return False, f"the page would cover only {frac:.1%} of the capture", frac
    sides = [np.linalg.norm(quad[i] - quad[(i + 1) % 4]) for i in range(4)]
    ratio = min(sides[0], sides[2]) / max(sides[0], sides[2])
    if ratio < 0.5:
        return False, "the mapped page is implausibly distorted", frac
    return True, "", frac


def _match(kr, dr, kc, dc, kind: str, rs: float, cs: float, dpi: float,
           cap_shape: tuple[int, int], ref_size: tuple[int, int]) -> Alignment | None:
    if dr is None or dc is None or len(kr) < 8 or len(kc) < 8:
        return None
    pairs = cv2.BFMatcher(_NORMS[kind]).knnMatch(dc, dr, k=2)
    good = [m for m, n in (p for p in pairs if len(p) == 2) if m.distance < 0.8 * n.distance]
    if len(good) < 8:
        return None
    src = np.float32([kc[m.queryIdx].pt for m in good]) / cs
    dst = np.float32([kr[m.trainIdx].pt for m in good]) / rs
    hom, mask = cv2.findHomography(src, dst, cv2.USAC_MAGSAC, 3.0 / rs, maxIters=5000,
                                   confidence=0.999)
    if hom is None:
        return None
    inl = mask.ravel().astype(bool)
    proj = cv2.perspectiveTransform(src[inl].reshape(-1, 1, 2), hom).reshape(-1, 2)
    rmse_px = float(np.sqrt(((proj - dst[inl]) ** 2).sum(axis=1).mean())) if inl.any() \
        else float("inf")
    rmse_mm = rmse_px * 25.4 / dpi
    ok, why, frac = _plausible(hom, cap_shape, ref_size)
    n_in = int(inl.sum())
    if ok and n_in < MIN_INLIERS:
        ok, why = False, f"only {n_in} features agree (at least {MIN_INLIERS} needed)"
    if ok and rmse_mm > MAX_RMSE_MM:
        ok, why = False, f"features agree only to {rmse_mm:.2f} mm (at most {MAX_RMSE_MM} mm)"
    return Alignment(ok, hom, f"features ({kind})", n_in, len(good), rmse_mm, why,
                     {"inlier_ratio": n_in / len(good), "page_fraction": frac})


def align(capture: np.ndarray, reference: np.ndarray, *, dpi: float,
          page_quad: np.ndarray | None = None,
          mrz_anchor: tuple[np.ndarray, np.ndarray] | None = None) -> Alignment:
    """Align ``capture`` (BGR or grey, any size and rotation) to ``reference`` (at ``dpi``).

    ``page_quad``: the page's corners in the capture (TL, TR, BR, BL), if known, as fallback.
    ``mrz_anchor``: the MRZ text's corners in the capture and in the reference (each TL, TR,
    BR, BL): where feature matching fails (a small, blurred page in a phone photo), the MRZ gives
    a first homography that the correlation of the whole page (ECC) then refines.
    """
    ref_gray = _gray(reference)
    rh, rw = ref_gray.shape
    ref_small, rs = _scaled(ref_gray, min(WORK_WIDTH, rw))
    cap_gray = _gray(capture)
    # bring the capture to about the same pixel scale as the working reference
    target = min(cap_gray.shape[1], max(WORK_WIDTH, int(WORK_WIDTH * cap_gray.shape[1] /
                                                        max(cap_gray.shape[0], 1) * 0.6)))
    cap_small, cs = _scaled(cap_gray, min(cap_gray.shape[1], int(target * 1.6)))
    result: Alignment | None = None
    for kind in ("orb", "sift"):  # fast first; SIFT where ORB finds too little
        kr, dr = _reference_features(ref_small, kind)
        kc, dc = _features(cap_small, kind)
        attempt = _match(kr, dr, kc, dc, kind, rs, cs, dpi, cap_gray.shape, (rw, rh))
        if attempt is not None and (result is None or attempt.inliers > result.inliers):
            result = attempt
        if result is not None and result.ok:
            break
    if result is not None and result.ok:
        refined = refine(cap_gray, ref_gray, result.homography)
        if refined is not None and refined[1] > 0.5:
            ok, _, _ = _plausible(refined[0], cap_gray.shape, (rw, rh))
            if ok:
                result.homography = refined[0]
                result.method += " + ECC"
                result.quality["ecc"] = refined[1]
    if (result is None or not result.ok) and mrz_anchor is not None:
        anchored = _mrz_anchored(cap_gray, ref_gray, mrz_anchor, dpi)
        if anchored is not None:
            return anchored
    if (result is None or not result.ok) and page_quad is not None:
        dst = np.float32([[0, 0], [rw - 1, 0], [rw - 1, rh - 1], [0, rh - 1]])
        hom = cv2.getPerspectiveTransform(np.asarray(page_quad, np.float32).reshape(4, 2), dst)
        ok, why, frac = _plausible(hom, cap_gray.shape, (rw, rh))
        reason = ("feature matching failed" + (f" ({result.reason})" if result else "")
                  + "; aligned on the page outline only")
        return Alignment(ok, hom, "page outline", 0, result.matches if result else 0, None,
                         reason if ok else why, {"page_fraction": frac})
    if result is None:
        return Alignment(False, None, "features", 0, 0, None,
                         "too few features matched the reference")
    return result


#: The least correlation of the whole page with the reference for an alignment on the MRZ alone.
MIN_ANCHOR_ECC = 0.6


def _mrz_anchored(cap_gray: np.ndarray, ref_gray: np.ndarray,
                  anchor: tuple[np.ndarray, np.ndarray], dpi: float) -> Alignment | None:
    """An alignment from the MRZ's corners, refined coarse to fine by ECC over the whole page;
    None unless the page then correlates with the reference (MIN_ANCHOR_ECC)."""
    src = np.asarray(anchor[0], np.float32).reshape(4, 2)
    dst = np.asarray(anchor[1], np.float32).reshape(4, 2)
    hom = cv2.getPerspectiveTransform(src, dst)
    rh, rw = ref_gray.shape
    cc = 0.0
    for width in (300, 700):
        refined = refine(cap_gray, ref_gray, hom, width=width, iterations=80)
        if refined is None:
            return None
        hom, cc = refined
    ok, why, frac = _plausible(hom, cap_gray.shape, (rw, rh))
    if not ok or cc < MIN_ANCHOR_ECC:
        return None
    return Alignment(True, hom, "MRZ anchor + ECC", 0, 0, None,
                     "feature matching failed; aligned on the MRZ and refined on the whole page",
                     {"ecc": cc, "page_fraction": frac})


def outline_alignment(capture: np.ndarray, reference: np.ndarray, quad: np.ndarray,
                      reason: str = "the features' homography did not fit the page's outline; "
                                    "aligned on the outline and refined on the whole page",
                      min_ecc: float = MIN_ANCHOR_ECC) -> Alignment | None:
    """An alignment from the page's outline (``quad``: its corners in the capture, TL, TR, BR,
    BL, in any rotation), refined coarse to fine by ECC over the whole page: of the quad's
    turns whose sides fit the reference's aspect, the one that correlates best; None where
    none correlates MIN_ANCHOR_ECC at the coarse step and ``min_ecc`` at the fine one (a
    blurred photo correlates less at the fine step: a caller that checks the result otherwise
    may pass less than MIN_ANCHOR_ECC). For a photo whose features matched a page of few fixed
    features (a card's back: its QR code and MRZ are the holder's) to a wrong homography.
    ``quality["ecc"]`` is the fine step's correlation."""
    cap_gray, ref_gray = _gray(capture), _gray(reference)
    rh, rw = ref_gray.shape
    dst = np.float32([[0, 0], [rw - 1, 0], [rw - 1, rh - 1], [0, rh - 1]])
    quad = np.asarray(quad, np.float32).reshape(4, 2)
    best: tuple[float, np.ndarray] | None = None
    for turn in range(4):
        q = np.roll(quad, turn, axis=0)
        across = np.linalg.norm(q[1] - q[0]) + np.linalg.norm(q[2] - q[3])
        down = np.linalg.norm(q[3] - q[0]) + np.linalg.norm(q[2] - q[1])
        aspect = across / max(down, 1e-6)
        if max(aspect, rw / rh) / min(aspect, rw / rh) > 1.3:
            continue  # the page's long side on the reference's short one
        hom = cv2.getPerspectiveTransform(q, dst)
        ccs = []
        for width in (300, 700):
            refined = refine(cap_gray, ref_gray, hom, width=width, iterations=80)
            if refined is None:
                break
            hom, cc = refined
            ccs.append(cc)
        else:
            if ccs[0] >= MIN_ANCHOR_ECC and ccs[1] >= min_ecc and \
                    (best is None or ccs[1] > best[0]):
                best = (ccs[1], hom)
    if best is None:
        return None
    ok, why, frac = _plausible(best[1], cap_gray.shape, (rw, rh))
    if not ok:
        return None
    return Alignment(True, best[1], "page outline + ECC", 0, 0, None, reason,
                     {"ecc": best[0], "page_fraction": frac})


#: ECC stops where an iteration gains less correlation than this: 1e-5 ran most refinements to
#: their iteration cap for corner moves of under 0.01 mm (a quarter of a phone photo's time).
ECC_EPS = 1e-4


def refine(capture_gray: np.ndarray, reference_gray: np.ndarray, hom: np.ndarray,
           width: int = 700, iterations: int = 60) -> tuple[np.ndarray, float] | None:
    """Refine a homography by maximising the correlation (ECC) of the capture warped into the
    reference frame with the reference, at ``width`` pixels; returns (homography, correlation) or
    None where ECC does not converge."""
    s = width / reference_gray.shape[1]
    scale = np.diag([s, s, 1.0])
    tmpl = cv2.resize(reference_gray, None, fx=s, fy=s, interpolation=cv2.INTER_AREA)
    hs = scale @ hom
    warped = cv2.warpPerspective(capture_gray, hs, (tmpl.shape[1], tmpl.shape[0]),
                                 flags=cv2.INTER_LINEAR)
    warp = np.eye(3, dtype=np.float32)
    try:
        cc, warp = cv2.findTransformECC(
            cv2.GaussianBlur(tmpl.astype(np.float32), (0, 0), 1.0),
            cv2.GaussianBlur(warped.astype(np.float32), (0, 0), 1.0), warp,
            cv2.MOTION_HOMOGRAPHY,
            (cv2.TERM_CRITERIA_EPS | cv2.TERM_CRITERIA_COUNT, iterations, ECC_EPS), None, 1)
    except cv2.error:
        return None
    return np.linalg.inv(scale) @ np.linalg.inv(warp) @ hs, float(cc)


def warp_to_reference(capture: np.ndarray, alignment: Alignment,
                      size: tuple[int, int]) -> np.ndarray:
    """The capture resampled into the reference's pixel frame (``size`` = width, height)."""
    if alignment.homography is None:
        raise ValueError("no homography: the alignment failed")
    return cv2.warpPerspective(capture, alignment.homography, size, flags=cv2.INTER_LINEAR,
                               borderMode=cv2.BORDER_CONSTANT, borderValue=(0, 0, 0))
