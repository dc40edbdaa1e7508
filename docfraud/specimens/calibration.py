"""Per-check thresholds of a specimen, calibrated on captures of genuine documents.

Stored beside the description as ``calibration.toml``::

    [meta]
    captures = 60            # genuine captures the thresholds rest on
    created = 2026-11-28

    [[thresholds]]
    check = "viz.text"
    zone = "birth_date"
    quality = "high"         # quality class: high (sharp scan, reader), low, blurred, very_blurred,
                             # or shaken (print.blur_mm's blurred photos whose blur is not round)
    value = 0.62
    n = 40                   # measurements behind this threshold
    direction = "min"

    [[origins]]               # where genuine documents print a zone against the specimen image
    zone = "birth_date"
    dx_mm = -0.3              # layout.offset_mm is measured from here
    dy_mm = -0.08
    n = 100

A threshold comes only from genuine material: the median of the genuine scores, less (for a check
that passes at or above its threshold, ``min``) or plus (``max``) a margin of five robust standard
deviations (1.4826 times the median absolute deviation), and never less than the check's known
measurement noise (its slack). Where genuine scores have a long tail (ten or more of them), the
margin also reaches past the second-worst genuine score by a fifth of its distance from the median,
so that the genuine documents calibration saw pass with room to spare, though never by more than
twice the robust margin (a tail of captures too poor to measure must not open the threshold for
every document). Robust statistics (the
median, the second-worst rather than the worst) keep one odd calibration capture from loosening a
threshold for every document after it.
"""

from __future__ import annotations

import tomllib
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import tomli_w

from docfraud.errors import SpecimenFormatError
from docfraud.specimens.model import Specimen

FILE = "calibration.toml"
#: The margin of a threshold beyond the genuine median, in robust standard deviations.
MARGIN_SIGMA = 5.0
MIN_SAMPLES = 5
#: From this many genuine scores on, the margin reaches past the second-worst by TAIL_ROOM.
TAIL_MIN_SAMPLES = 10
TAIL_ROOM = 1.2
TAIL_CAP = 2.0

Calibration = dict[tuple[str, str, str], tuple[float, int]]


def _read(spec: Specimen) -> tuple[Path, dict[str, Any]]:
    """The specimen's ``calibration.toml`` parsed (empty where there is none), read once per
    version of the file: every examination of a side looks at it."""
    path = Path(spec.path) / FILE
    try:
        st = path.stat()
    except OSError:
        return path, {}
    return path, _parse(str(path), st.st_mtime_ns, st.st_size)


@lru_cache(maxsize=64)
def _parse(path: str, mtime_ns: int, size: int) -> dict[str, Any]:
    try:
        return tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise SpecimenFormatError(f"{path}: cannot be read ({exc})") from None


def load_calibration(spec: Specimen) -> Calibration:
    path, data = _read(spec)
    out: Calibration = {}
    for i, t in enumerate(data.get("thresholds", [])):
        try:
            out[(str(t["check"]), str(t["zone"]), str(t["quality"]))] = (float(t["value"]),
                                                                         int(t.get("n", 0)))
        except (KeyError, TypeError, ValueError):
            raise SpecimenFormatError(f"{path}: thresholds[{i}] needs check, zone, quality and "
                                      "value") from None
    return out


def load_medians(spec: Specimen) -> dict[tuple[str, str, str], float]:
    """Per (check, zone, quality), the median of the genuine scores its threshold was set from
    (``genuine_median`` in ``calibration.toml``); empty where there is none. A score's place
    between it and the threshold says how far past genuine's middle it lies, in the units of
    genuine's own spread (print.joint)."""
    path, data = _read(spec)
    out: dict[tuple[str, str, str], float] = {}
    for i, t in enumerate(data.get("thresholds", [])):
        if "genuine_median" not in t:
            continue
        try:
            out[(str(t["check"]), str(t["zone"]), str(t["quality"]))] = \
                float(t["genuine_median"])
        except (KeyError, TypeError, ValueError):
            raise SpecimenFormatError(f"{path}: thresholds[{i}]'s genuine_median must be a "
                                      "number") from None
    return out


def load_origins(spec: Specimen) -> dict[str, tuple[float, float]]:
    """Per zone, where genuine documents print it against the specimen image (mm), from
    ``calibration.toml``'s ``[[origins]]``; empty where there is none."""
    path, data = _read(spec)
    try:
        return {str(o["zone"]): (float(o["dx_mm"]), float(o["dy_mm"]))
                for o in data.get("origins", [])}
    except (KeyError, TypeError, ValueError):
        raise SpecimenFormatError(f"{path}: every origins entry needs zone, dx_mm and "
                                  "dy_mm") from None


def threshold_from(scores: list[float], direction: str, slack: float = 0.0) -> float:
    """A threshold from genuine scores (see the module docstring).

    >>> round(threshold_from([0.95, 0.96, 0.94, 0.97, 0.95, 0.2], "min", slack=0.1), 3)
    0.85

    With ten or more scores a long genuine tail counts, its single worst score does not:

    >>> scores = [0.95, 0.96, 0.94, 0.97, 0.95, 0.95, 0.96, 0.94, 0.80, 0.2]
    >>> round(threshold_from(scores, "min", slack=0.1), 3)
    0.77

    and it opens the threshold by at most twice the robust margin:

    >>> scores[-2] = 0.5
    >>> round(threshold_from(scores, "min", slack=0.1), 3)
    0.75
    """
    a = np.asarray([s for s in scores if np.isfinite(s)], np.float64)
    med = float(np.median(a))
    sigma = 1.4826 * float(np.median(np.abs(a - med)))
    margin = max(MARGIN_SIGMA * sigma, slack)
    if len(a) >= TAIL_MIN_SAMPLES:
        # the genuine tail: past the second-worst genuine score, with room to spare, but never
        # more than TAIL_CAP times the robust margin (a tail of failed measurements, on captures
        # too poor to measure, must not open the threshold for every document)
        dev = np.sort(med - a if direction == "min" else a - med)
        margin = min(max(margin, TAIL_ROOM * float(dev[-2])), TAIL_CAP * margin)
    return med - margin if direction == "min" else med + margin


def save_calibration(spec: Specimen, samples: dict[tuple[str, str, str], list[float]],
                     directions: dict[str, str], captures: int,
                     extra: dict[str, Any] | None = None,
                     slack: dict[str, float] | None = None,
                     limits: dict[str, float] | None = None,
                     origins: dict[str, tuple[float, float, int]] | None = None) -> Path:
    """Write ``calibration.toml`` from genuine scores per (check, zone, quality); ``limits``:
    per check (``"check"``) or per check and quality class (``"check@quality"``, which rules),
    the value no threshold may pass (for a ``min`` check, the highest it may be);
    ``origins``: per zone, where genuine documents print it against the specimen image
    (dx_mm, dy_mm, captures); ``slack``: per check, or per check and quality class
    (``"check@quality"``, which rules), the least margin past the genuine median."""
    rows = []
    for (check, zone, quality), scores in sorted(samples.items()):
        finite = [s for s in scores if np.isfinite(s)]
        if len(finite) < MIN_SAMPLES:
            continue
        direction = directions[check]
        slack_ = (slack or {}).get(f"{check}@{quality}", (slack or {}).get(check, 0.0))
        value = threshold_from(finite, direction, slack_)
        bound = (limits or {}).get(f"{check}@{quality}", (limits or {}).get(check))
        if bound is not None:
            value = min(value, bound) if direction == "min" else max(value, bound)
        rows.append({"check": check, "zone": zone, "quality": quality,
                     "value": round(value, 5),
                     "n": len(finite),
                     "direction": direction,
                     "genuine_median": round(float(np.median(finite)), 5)})
    data: dict[str, Any] = {"meta": {"captures": captures, "created": date.today(),
                                     **(extra or {})}, "thresholds": rows}
    if origins:
        data["origins"] = [{"zone": z, "dx_mm": dx, "dy_mm": dy, "n": n}
                           for z, (dx, dy, n) in sorted(origins.items())]
    path = Path(spec.path) / FILE
    path.write_text("# Thresholds calibrated on captures of genuine documents; see "
                    "docs/specimens.md.\n" + tomli_w.dumps(data), encoding="utf-8")
    return path
