"""Pictures for reports: the capture with its zones coloured by result, zone crops, heatmaps."""

from __future__ import annotations

from typing import Any

import cv2
import numpy as np

from docfraud.examine.model import NO_ANOMALIES, REFER, STRONG, Examination
from docfraud.specimens import Library, Specimen

#: BGR colours
COLOURS = {"passed": (60, 160, 40), "failed": (40, 40, 220), "not_run": (150, 150, 150)}
VERDICT_COLOURS = {NO_ANOMALIES: (60, 150, 40), REFER: (0, 150, 240), STRONG: (30, 30, 200)}
PERSONAL_KINDS = ("portrait", "ghost_portrait", "signature")


def _spec(ex: Examination) -> Specimen | None:
    if ex.specimen is None:
        return None
    try:
        return Library().get(ex.specimen)
    except Exception:  # noqa: BLE001 - a report without zones is still a report
        return None


def zone_status(ex: Examination) -> dict[str, str]:
    """Each zone's outcome: failed if any of its checks failed, else passed if any ran."""
    out: dict[str, str] = {}
    for c in ex.checks:
        if c.zone is None:
            continue
        prev = out.get(c.zone)
        if c.status == "failed" or prev is None or (prev == "not_run" and c.status == "passed"):
            out[c.zone] = c.status if prev != "failed" else prev
    return out


#: The share of an inked patch of a capture that must lie on the specimen's own print (within
#: FIXED_REACH_MM) for it to count as the document's fixed print (guilloches, frames, logos)
#: and be left unmasked by redaction: personal text printed outside the known zones lies
#: elsewhere than the specimen's sample text and is blacked out whole.
FIXED_SHARE = 0.85
FIXED_REACH_MM = 0.4
#: How far (mm) around the specimen's black print (its sample holder's data, wherever the
#: specimen prints personal data) everything inked stays masked: a holder's text there may
#: touch the background's lines and join their patches.
PERSONAL_REACH_MM = 3.0
#: Inked patches smaller than this (mm²) outside the sample holder's data are left unmasked.
SPECK_MM2 = 0.3


def _specimen_white(spec: Specimen, side: str | None, shape: tuple[int, ...]
                    ) -> np.ndarray | None:
    """The specimen's white-light reference of ``side`` (BGR) at ``shape``, or None."""
    try:
        path = spec.side(side or spec.sides[0].name).images.get("white")
    except Exception:  # noqa: BLE001 - without it, redaction masks all unknown print
        return None
    ref = cv2.imread(str(path), cv2.IMREAD_COLOR) if path else None
    if ref is None:
        return None
    return cv2.resize(ref, (shape[1], shape[0]), interpolation=cv2.INTER_AREA)


def _fixed_print(ink: np.ndarray, ref_ink: np.ndarray, k: float) -> np.ndarray:
    """The inked patches of ``ink`` (uint8 masks) that lie, FIXED_SHARE of them or more,
    within FIXED_REACH_MM of the reference's ink ``ref_ink``: the document's fixed print.

    >>> ref = np.zeros((60, 200), np.uint8); ref[10:14, 10:190] = 1     # a printed line
    >>> ink = ref.copy(); ink[40:50, 20:30] = 1                         # and a letter
    >>> fixed = _fixed_print(ink, ref, 10.0)
    >>> bool(fixed[12, 100]), bool(fixed[45, 25])
    (True, False)
    """
    r = max(1, int(round(FIXED_REACH_MM * k)))
    near = cv2.dilate(ref_ink, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * r + 1,) * 2))
    n, lab = cv2.connectedComponents(ink, connectivity=8)
    total = np.bincount(lab.ravel(), minlength=n)
    on = np.bincount(lab[near > 0].ravel(), minlength=n)
    fixed = on >= FIXED_SHARE * np.maximum(total, 1)
    fixed[0] = False
    return fixed[lab]


def redact_image(img: np.ndarray, spec: Specimen | None, side: str | None) -> np.ndarray:
    """Mask personal data in a picture of the document (in the specimen's frame): every dark
    printed text outside the specimen's static texts and microprint, and not lying on the
    specimen's own print (its guilloches, frames and logos, :func:`_fixed_print`), is blacked
    out; the visual zone's fields and the MRZ are blacked out whole, and the portraits and
    signature are blurred beyond recognition."""
    if spec is None:
        return cv2.GaussianBlur(img, (0, 0), 12)
    from docfraud.compare.checks import text_map

    out = img.copy()
    k = spec.px_per_mm * img.shape[1] / spec.size_px[0]

    def box(z, pad: float = 0.0):  # type: ignore[no-untyped-def]
        x, y, w, h = z.bbox_mm
        return (max(int((x - pad) * k), 0), max(int((y - pad) * k), 0),
                int((x + w + pad) * k), int((y + h + pad) * k))

    grey = cv2.cvtColor(img, cv2.COLOR_BGR2GRAY) if img.ndim == 3 else img
    stroke = max(5, int(round(1.2 * k)) | 1)
    tm = text_map(grey, stroke_px=stroke)
    ink = (tm > 0.35 * max(float(np.percentile(tm, 99.7)), 30.0)).astype(np.uint8)
    ref = _specimen_white(spec, side, grey.shape)
    if ref is not None:
        rgrey = cv2.cvtColor(ref, cv2.COLOR_BGR2GRAY)
        rtm = text_map(rgrey, stroke_px=stroke)
        ref_ink = (rtm > 0.35 * max(float(np.percentile(rtm, 99.7)), 30.0)).astype(np.uint8)
        # the specimen's black print is its sample holder's data: what lies near it is
        # personal however it matches; its coloured print (guilloches, frames, logos) is fixed
        chroma = ref.max(axis=2).astype(np.int16) - ref.min(axis=2)
        black = ((rgrey < 110) & (chroma < 40)).astype(np.uint8)
        r = max(1, int(round(PERSONAL_REACH_MM * k)))
        personal = cv2.dilate(black, cv2.getStructuringElement(cv2.MORPH_ELLIPSE,
                                                               (2 * r + 1,) * 2)) > 0
        fixed = _fixed_print(ink, ref_ink & (1 - black), k) & ~personal
        ink[fixed] = 0
        # specks too small to be a character (dust, a background line's dot) reveal nothing
        n, lab, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
        small = stats[:, cv2.CC_STAT_AREA] < SPECK_MM2 * k * k
        small[0] = False
        ink[small[lab] & ~personal] = 0
    for z in spec.zones_of(side=side):
        if z.kind in ("static_text", "microprint", "background", "uv_pattern", "ove"):
            if z.kind in ("static_text", "microprint"):
                x0, y0, x1, y1 = box(z)
                ink[y0:y1, x0:x1] = 0
    ink = cv2.dilate(ink, np.ones((max(3, int(1.2 * k)), max(3, int(1.2 * k))), np.uint8))
    # a word's letters merged into one bar: a blacked-out word's outline can be read
    ink = cv2.morphologyEx(ink, cv2.MORPH_CLOSE, np.ones((max(3, int(1.5 * k)),
                                                          max(3, int(4.0 * k))), np.uint8))
    out[ink > 0] = 45
    for z in spec.zones_of(side=side):
        if z.kind in PERSONAL_KINDS or z.kind in ("viz_field", "mrz", "barcode_2d"):
            x0, y0, x1, y1 = box(z)
            if z.kind in PERSONAL_KINDS:
                out[y0:y1, x0:x1] = cv2.GaussianBlur(img[y0:y1, x0:x1], (0, 0), 15)
            else:
                out[y0:y1, x0:x1] = 45
    return out


def annotated(ex: Examination, *, redact: bool = False, light: str = "white",
              width: int = 1400) -> np.ndarray:
    """The capture (in the specimen's frame when it was aligned) with every checked zone outlined
    in the colour of its result, and a verdict banner."""
    spec = _spec(ex)
    img = ex.images.get(light)
    if img is None:
        img = np.full((600, 900, 3), 235, np.uint8)
    if img.ndim == 2:
        img = cv2.cvtColor(img, cv2.COLOR_GRAY2BGR)
    if redact:
        img = redact_image(img, spec, ex.side)
    scale = width / img.shape[1]
    img = cv2.resize(img, (width, round(img.shape[0] * scale)), interpolation=cv2.INTER_AREA)
    if spec is not None:
        k = spec.px_per_mm * scale
        status = zone_status(ex)
        for z in spec.zones_of(side=ex.side):
            st = status.get(z.id)
            if st is None:
                continue
            pts = np.array([[x * k, y * k] for x, y in z.polygon_mm], np.int32)
            cv2.polylines(img, [pts], True, COLOURS[st], 3 if st == "failed" else 1,
                          cv2.LINE_AA)
            if st == "failed":
                # inside the zone's top left; above a zone too thin to hold it (a microprint
                # line), or below where the zone touches the top
                y0, y1 = int(pts[:, 1].min()), int(pts[:, 1].max())
                y = y0 + 16 if y1 - y0 >= 24 else y0 - 6 if y0 >= 20 else y1 + 16
                cv2.putText(img, z.id, (int(pts[:, 0].min()) + 3, y),
                            cv2.FONT_HERSHEY_SIMPLEX, 0.5, COLOURS[st], 1, cv2.LINE_AA)
        # a finding about one part of its zone (a character) marks that part
        for f in ex.findings:
            if not f.region or f.severity == "info":
                continue
            try:
                zone_w, zone_h = spec.zone(f.field).bbox_mm[2:] if f.field else (None, None)
            except KeyError:  # the page (layout.outline_mm): its region is drawn
                zone_w = zone_h = None
            xs = [x for x, _ in f.region]
            ys = [y for _, y in f.region]
            if zone_w is not None and zone_h is not None and \
                    (max(xs) - min(xs)) * (max(ys) - min(ys)) >= 0.4 * zone_w * zone_h:
                continue
            cv2.rectangle(img, (int(min(xs) * k) - 3, int(min(ys) * k) - 3),
                          (int(max(xs) * k) + 3, int(max(ys) * k) + 3), COLOURS["failed"], 2,
                          cv2.LINE_AA)
    banner = np.full((56, img.shape[1], 3), VERDICT_COLOURS.get(ex.verdict, (90, 90, 90)),
                     np.uint8)
    cv2.putText(banner, ex.verdict.upper(), (14, 38), cv2.FONT_HERSHEY_SIMPLEX, 1.0,
                (255, 255, 255), 2, cv2.LINE_AA)
    return np.vstack([banner, img])


def zone_crops(ex: Examination, zone_id: str, light: str = "white", pad_mm: float = 1.0,
               height: int = 140) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """(questioned, reference, difference heatmap) crops of a zone, each ``height`` tall."""
    spec = _spec(ex)
    try:
        z = spec.zone(zone_id) if spec is not None else None
    except KeyError:
        return None
    return box_crops(ex, z.bbox_mm, light, pad_mm, height) if z is not None else None


def box_crops(ex: Examination, box_mm: tuple[float, float, float, float], light: str = "white",
              pad_mm: float = 1.0, height: int = 140
              ) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """(questioned, reference, difference heatmap) crops of a rectangle (x, y, width, height,
    mm, in the specimen's frame), each ``height`` tall."""
    spec = _spec(ex)
    if spec is None or light not in ex.images or light not in ex.reference:
        return None
    k = spec.px_per_mm
    x, y, w, h = box_mm
    H, W = ex.reference[light].shape[:2]
    x0, y0 = max(int((x - pad_mm) * k), 0), max(int((y - pad_mm) * k), 0)
    x1, y1 = min(int((x + w + pad_mm) * k), W), min(int((y + h + pad_mm) * k), H)
    q = ex.images[light][y0:y1, x0:x1]
    r = ex.reference[light][y0:y1, x0:x1]
    if q.size == 0 or r.size == 0:
        return None
    if q.ndim == 2:
        q = cv2.cvtColor(q, cv2.COLOR_GRAY2BGR)
    if r.ndim == 2:
        r = cv2.cvtColor(r, cv2.COLOR_GRAY2BGR)
    gq = cv2.GaussianBlur(cv2.cvtColor(q, cv2.COLOR_BGR2GRAY).astype(np.float32), (0, 0), 1.5)
    gr = cv2.GaussianBlur(cv2.cvtColor(r, cv2.COLOR_BGR2GRAY).astype(np.float32), (0, 0), 1.5)
    diff = np.abs(gq - gr)
    diff = np.clip(diff / max(float(np.percentile(diff, 99.5)), 20.0) * 255, 0, 255)
    heat = cv2.applyColorMap(diff.astype(np.uint8), cv2.COLORMAP_INFERNO)
    s = height / q.shape[0]
    size = (max(1, round(q.shape[1] * s)), height)
    how = cv2.INTER_AREA if s < 1 else cv2.INTER_CUBIC
    return (cv2.resize(q, size, interpolation=how), cv2.resize(r, size, interpolation=how),
            cv2.resize(heat, size, interpolation=how))


def close_up_box(region_mm: Any, zone_box_mm: tuple[float, float, float, float]
                 ) -> tuple[float, float, float, float] | None:
    """The rectangle (x, y, width, height, mm) to show close up for a finding's region (a
    polygon, mm) within its zone: None where the region is most of the zone (the zone's crop
    shows it). A long strip is cut to its middle, at most twice as long as it is wide.

    >>> close_up_box([(10, 5), (12, 5), (12, 8), (10, 8)], (0, 0, 40, 10))
    (10.0, 5.0, 2.0, 3.0)
    >>> close_up_box([(33, 17), (40, 17), (40, 58), (33, 58)], (5, 17, 32, 41))
    (33.0, 30.5, 7.0, 14.0)
    >>> close_up_box([(0, 0), (40, 0), (40, 10), (0, 10)], (0, 0, 40, 10)) is None
    True
    """
    if not region_mm:
        return None
    xs = [float(p[0]) for p in region_mm]
    ys = [float(p[1]) for p in region_mm]
    x, y, w, h = min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys)
    if w <= 0 or h <= 0 or w * h > 0.5 * zone_box_mm[2] * zone_box_mm[3]:
        return None
    if h > 2 * w:
        y, h = y + (h - 2 * w) / 2, 2 * w
    elif w > 4 * h:
        x, w = x + (w - 4 * h) / 2, 4 * h
    return (round(x, 2), round(y, 2), round(w, 2), round(h, 2))
