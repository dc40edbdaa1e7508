"""Pictures of each stage of reading an MRZ, so an examiner or a developer can see why a read
failed: where the MRZ was found, the rectified band, and every character cell with what was read
in it (green: confident; orange: uncertain; red: corrected)."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

from docfraud.imaging.mrz import MRZReading
from docfraud.imaging.segment import TextLine


def _colour(p: float, corrected: bool) -> tuple[int, int, int]:
    if corrected:
        return (0, 0, 230)
    if p >= 0.9:
        return (0, 160, 0)
    if p >= 0.6:
        return (0, 140, 255)
    return (0, 0, 230)


def located(image: np.ndarray, readings: list[MRZReading]) -> np.ndarray:
    out = image.copy() if image.ndim == 3 else cv2.cvtColor(image, cv2.COLOR_GRAY2BGR)
    t = max(2, round(max(out.shape[:2]) / 400))
    for i, r in enumerate(readings):
        q = r.quad.astype(np.int32).reshape(-1, 1, 2)
        cv2.polylines(out, [q], True, (0, 200, 0) if r.valid else (0, 0, 230), t, cv2.LINE_AA)
        cv2.circle(out, tuple(int(v) for v in r.quad[0]), 3 * t, (255, 0, 0), -1)
        cv2.putText(out, f"MRZ {i + 1} {r.mrz.format} {r.orientation:+.0f} deg",
                    (int(r.quad[0][0]), max(int(r.quad[0][1]) - 3 * t, 10)),
                    cv2.FONT_HERSHEY_SIMPLEX, 0.4 * t, (255, 0, 0), max(1, t // 2), cv2.LINE_AA)
    return out


def cells(reading: MRZReading, raw_band: np.ndarray, grid) -> np.ndarray:  # type: ignore[no-untyped-def]
    band = raw_band if raw_band.ndim == 3 else cv2.cvtColor(raw_band, cv2.COLOR_GRAY2BGR)
    scale = max(1, round(48 / max(g[3] - g[2] for g in grid)))
    big = cv2.resize(band, None, fx=scale, fy=scale, interpolation=cv2.INTER_NEAREST)
    pad = 22 * scale // 2 + 10
    out = np.full((big.shape[0] + pad * len(grid), big.shape[1], 3), 255, np.uint8)
    out[:big.shape[0]] = big
    corrected = {(c.line, c.pos) for c in reading.corrections}
    for ln, (x0, pitch, top, bottom, n, k) in enumerate(grid):
        bounds = TextLine(top, bottom, 0.0, 0.0, x0, pitch, n, k).bounds()
        for i in range(n):
            a = (int(bounds[i] * scale), int(top * scale))
            b = (int(bounds[i + 1] * scale), int(bottom * scale))
            p = reading.char_confidences[ln][i] if ln < len(reading.char_confidences) else 0.0
            col = _colour(p, (ln, i) in corrected)
            cv2.rectangle(out, a, b, col, 1)
            ch = reading.lines[ln][i] if ln < len(reading.lines) else "?"
            cv2.putText(out, ch, (a[0] + 2, big.shape[0] + pad * ln + pad - 8),
                        cv2.FONT_HERSHEY_SIMPLEX, 0.45 * scale / 2 + 0.3, col, 1, cv2.LINE_AA)
    return out


def save(folder: Path, stem: str, image: np.ndarray, readings: list[MRZReading]) -> list[Path]:
    """Write the stage pictures of one input; returns the files written."""
    folder.mkdir(parents=True, exist_ok=True)
    written = [folder / f"{stem}.1-located.png"]
    cv2.imwrite(str(written[0]), located(image, readings))
    for i, r in enumerate(readings, 1):
        raw = r.raw
        if raw is None or raw.band_image is None:
            continue
        p = folder / f"{stem}.2-rectified-{i}.png"
        cv2.imwrite(str(p), raw.band_image)
        q = folder / f"{stem}.3-cells-{i}.png"
        cv2.imwrite(str(q), cells(r, raw.band_image, raw.grid))
        written += [p, q]
    return written
