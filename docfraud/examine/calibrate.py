"""Calibrate a specimen's check thresholds on captures of genuine documents.

Every capture is examined against the specimen with the current thresholds ignored; each check's
scores are collected per zone and capture quality class, and a threshold is set just beyond the
genuine scores (:func:`docfraud.specimens.calibration.threshold_from`). Thresholds come only from
genuine material, never from the forgeries a benchmark tests.
"""

from __future__ import annotations

import math
from collections import defaultdict
from pathlib import Path
from typing import Callable

import numpy as np

from docfraud.compare.checks import CHECKS, LIMITS, SLACK
from docfraud.errors import DocfraudError, UsageError
from docfraud.examine.capture import is_light_variant, load_capture
from docfraud.examine.engine import examine_document
from docfraud.specimens import Library, Specimen
from docfraud.specimens.calibration import MIN_SAMPLES, save_calibration


def calibrate(spec: Specimen, captures: list[Path], *,
              progress: Callable[[int], None] | None = None) -> tuple[Path, dict]:
    """Examine each genuine capture against ``spec`` and store thresholds beside it."""
    files = [p for p in captures if not is_light_variant(p)]
    if not files:
        raise UsageError("no captures to calibrate on")
    lib = _SingleSpecimen(spec)
    samples: dict[tuple[str, str, str], list[float]] = defaultdict(list)
    shifts: dict[str, list[tuple[float, float, str]]] = defaultdict(list)  # layout per zone
    used = 0
    skipped: list[str] = []
    groups: dict[tuple[Path, str], list[Path]] = {}
    for path in files:  # a card's sides (NAME-front, NAME-back) are examined together
        key = path.stem.rsplit("-", 1)[0] if path.stem.endswith(("-front", "-back")) \
            else path.stem
        groups.setdefault((path.parent, key), []).append(path)
    for i, paths in enumerate(groups.values(), 1):
        try:
            exams = examine_document([load_capture(p) for p in paths], lib, thresholds_off=True)
        except DocfraudError as exc:
            skipped.append(f"{paths[0].name}: {exc.code}")
            continue
        for path, ex in zip(paths, exams):
            if ex.specimen != spec.id:
                skipped.append(f"{path.name}: not aligned to {spec.id}")
                continue
            used += 1
            quality = str(ex.capture_quality.get("class", "high"))
            for key, score in ex.measurements.items():
                check, zone = key.split(":", 1)
                # a check held to a finer class than the capture's (checks.result): its own
                zone, _, held = zone.partition("@")
                if check in ("layout.dx_mm", "layout.dy_mm", "mrz.blur_mm", "mrz.ink_depth",
                             "mrz.ink_depth_lines"):
                    continue  # measurements behind a check, not checks
                if check == "layout.offset_mm" and f"layout.dx_mm:{zone}" in ex.measurements:
                    shifts[zone].append((ex.measurements[f"layout.dx_mm:{zone}"],
                                         ex.measurements[f"layout.dy_mm:{zone}"], quality))
                    continue
                samples[(check, zone, held or quality)].append(score)
        if progress:
            progress(i)
    if used == 0:
        raise UsageError(f"none of the {len(files)} captures could be compared with {spec.id}")
    origins = layout_origins(shifts, samples)
    directions = {name: spec_[0] for name, spec_ in CHECKS.items()}
    path = save_calibration(spec, samples, directions, used, {"skipped": len(skipped)}, SLACK,
                            LIMITS, origins)
    return path, {"captures": used, "skipped": skipped, "thresholds": len(samples)}


def layout_origins(shifts: dict[str, list[tuple[float, float, str]]],
                   samples: dict[tuple[str, str, str], list[float]]
                   ) -> dict[str, tuple[float, float, int]]:
    """Where genuine documents print each zone against the specimen image: the median of the
    measured (dx, dy) over every capture (a zone with fewer than MIN_SAMPLES measurements keeps
    the specimen image's place). Adds each capture's layout.offset_mm from that origin to
    ``samples``, from which the thresholds are set.

    >>> samples = {}
    >>> origins = layout_origins({"date": [(-0.3, -0.1, "high")] * 4 + [(-0.2, -0.1, "low")]},
    ...                          samples)
    >>> origins["date"], [round(v, 2) for v in samples[("layout.offset_mm", "date", "low")]]
    ((-0.3, -0.1, 5), [0.1])
    """
    origins: dict[str, tuple[float, float, int]] = {}
    for zone, got in shifts.items():
        a = np.asarray([(dx, dy) for dx, dy, _ in got], np.float64)
        ox, oy = (float(np.median(a[:, 0])), float(np.median(a[:, 1]))) \
            if len(a) >= MIN_SAMPLES else (0.0, 0.0)
        if len(a) >= MIN_SAMPLES:
            origins[zone] = (round(ox, 3), round(oy, 3), len(a))
        for dx, dy, quality in got:
            samples.setdefault(("layout.offset_mm", zone, quality), []).append(
                math.hypot(dx - ox, dy - oy))
    return origins


class _SingleSpecimen(Library):
    """A library of one specimen (calibration compares every capture with it)."""

    def __init__(self, spec: Specimen) -> None:
        super().__init__(Path(spec.path).parent.parent)
        self._specimens = [spec]

    def candidates(self, issuer: str, document_code: str, mrz_format: str) -> list[Specimen]:
        return list(self._specimens or [])
