"""Calibrated thresholds: from genuine scores only, stored beside the specimen, bounded."""

from __future__ import annotations

import shutil
from pathlib import Path

from docfraud.compare.checks import CHECKS, LIMITS, SLACK
from docfraud.specimens import load_specimen
from docfraud.specimens.calibration import load_calibration, save_calibration

ROOT = Path(__file__).resolve().parents[2]


def test_thresholds_round_trip_and_respect_the_limits(tmp_path):
    folder = tmp_path / "P-2024"
    shutil.copytree(ROOT / "reference_specimens" / "UTO" / "P-2024", folder)
    spec = load_specimen(folder)
    # genuine margins of sharp captures: the expected character wins by 0.1 or more, so the
    # calibrated threshold alone would sit above zero
    chars = [0.12, 0.13, 0.12, 0.14, 0.13, 0.12, 0.13, 0.12, 0.14, 0.13]
    layout = [0.2, 0.25, 0.3, 0.2, 0.22, 0.27, 0.21, 0.24, 0.26, 0.23]
    directions = {name: c[0] for name, c in CHECKS.items()}
    # names read by Tesseract: all right on the calibration's photos, sharp or blurred
    names = [1.0] * 12
    save_calibration(spec, {("viz.chars", "birth_date", "high"): chars,
                            ("layout.offset_mm", "birth_date", "high"): layout,
                            ("viz.name", "surname", "high"): names,
                            ("viz.name", "surname", "blurred"): names,
                            ("viz.text", "birth_date", "high"): [0.9] * 3},  # too few
                     directions, 10, slack=SLACK, limits=LIMITS)
    got = load_calibration(spec)
    value, n = got[("viz.chars", "birth_date", "high")]
    assert n == 10 and value == LIMITS["viz.chars"]  # bounded: 0.13 - 0.1 would be 0.03
    value, n = got[("layout.offset_mm", "birth_date", "high")]
    assert n == 10 and value >= max(layout)  # a max check: past every genuine score here
    assert ("viz.text", "birth_date", "high") not in got
    # a bound for one quality class: a blurred photo's name is held to more than half right,
    # a sharp capture's to its calibrated threshold
    assert got[("viz.name", "surname", "blurred")][0] == LIMITS["viz.name@blurred"] == 0.55
    assert got[("viz.name", "surname", "high")][0] == 1.0 - SLACK["viz.name"]


def test_layout_origins_round_trip_and_a_broken_one_is_a_format_error(tmp_path):
    """Where genuine documents print a zone against the specimen image: stored with the
    thresholds, read back by the examination; a malformed entry is a clear error."""
    import pytest

    from docfraud.errors import SpecimenFormatError
    from docfraud.examine.calibrate import layout_origins
    from docfraud.specimens.calibration import load_origins

    folder = tmp_path / "P-2024"
    shutil.copytree(ROOT / "reference_specimens" / "UTO" / "P-2024", folder)
    spec = load_specimen(folder)
    # a date's pen start found 0.25 mm left of the specimen image's on every genuine capture
    shifts = {"birth_date": [(-0.25 + d, -0.08, "high") for d in (0.0, 0.02, -0.02, 0.01, 0.0)],
              "surname": [(0.0, 0.0, "high")] * 3}  # too few: no origin
    samples: dict = {}
    origins = layout_origins(shifts, samples)
    assert set(origins) == {"birth_date"} and origins["birth_date"][:2] == (-0.25, -0.08)
    # the thresholds rest on the distances from the origin, not from the specimen image's place
    assert max(samples[("layout.offset_mm", "birth_date", "high")]) <= 0.021
    assert max(samples[("layout.offset_mm", "surname", "high")]) == 0.0
    directions = {name: c[0] for name, c in CHECKS.items()}
    save_calibration(spec, samples, directions, 5, slack=SLACK, limits=LIMITS, origins=origins)
    assert load_origins(spec) == {"birth_date": (-0.25, -0.08)}
    assert load_calibration(spec)[("layout.offset_mm", "birth_date", "high")][0] < 0.4
    path = folder / "calibration.toml"
    path.write_text(path.read_text().replace("dx_mm = -0.25", "dx_mm = \"left\""))
    with pytest.raises(SpecimenFormatError, match="origins"):
        load_origins(spec)
