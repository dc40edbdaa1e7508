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


def test_genuine_medians_round_trip_and_a_broken_one_is_a_format_error(tmp_path):
    """The genuine scores' median stored beside each threshold is read back for print.joint;
    one that is not a number is a clear error."""
    import pytest

    from docfraud.errors import SpecimenFormatError
    from docfraud.specimens.calibration import load_medians

    folder = tmp_path / "P-2024"
    shutil.copytree(ROOT / "reference_specimens" / "UTO" / "P-2024", folder)
    spec = load_specimen(folder)
    directions = {name: c[0] for name, c in CHECKS.items()}
    blur = [0.01, 0.012, 0.014, 0.016, 0.018, 0.02, 0.022, 0.024, 0.026]
    save_calibration(spec, {("print.blur_mm", "mrz", "blurred"): blur}, directions, 9,
                     slack=SLACK, limits=LIMITS)
    assert load_medians(spec) == {("print.blur_mm", "mrz", "blurred"): 0.018}
    path = folder / "calibration.toml"
    path.write_text(path.read_text().replace("genuine_median = 0.018",
                                             "genuine_median = \"mid\""))
    with pytest.raises(SpecimenFormatError, match="genuine_median"):
        load_medians(spec)


def test_calibrate_groups_by_each_check_s_class_and_skips_what_it_cannot_align(tmp_path, monkeypatch):
    """`docfraud specimen calibrate` examines each capture with the thresholds ignored and
    collects every check's score per zone and quality class: the capture's class, or the one
    the check was held to where it tells captures apart more finely (print.blur_mm on a shaken
    photo: ``check:zone@shaken``). Measurements behind a check are not checks; a capture not
    aligned to the specimen is skipped, not counted."""
    from docfraud.examine import calibrate as C
    from docfraud.examine.model import NO_ANOMALIES, Examination

    folder = tmp_path / "UTO" / "V-2024"
    shutil.copytree(ROOT / "reference_specimens" / "UTO" / "V-2024", folder)
    (folder / "calibration.toml").unlink()
    spec = load_specimen(folder)
    files = []
    for i in range(13):
        p = tmp_path / f"{i:02d}.jpg"
        p.write_bytes(b"")
        files.append(p)

    def fake_exam(caps, lib, thresholds_off):
        assert thresholds_off
        i = int(caps[0])
        shaken = i % 2 == 1
        key = "print.blur_mm:mrz@shaken" if shaken else "print.blur_mm:mrz"
        return [Examination(name=str(i), verdict=NO_ANOMALIES, reasons=[], findings=[],
                            checks=[], specimen="UTO/V-2024" if i < 12 else "UTO/P-2024",
                            capture_quality={"class": "blurred"},
                            measurements={key: (0.06 if shaken else 0.02) + 0.001 * i,
                                          "mrz.blur_mm:mrz": 0.1})]

    monkeypatch.setattr(C, "load_capture", lambda p: p.stem)
    monkeypatch.setattr(C, "examine_document", fake_exam)
    path, summary = C.calibrate(spec, files)
    assert summary["captures"] == 12
    assert summary["skipped"] == ["12.jpg: not aligned to UTO/V-2024"]
    got = load_calibration(load_specimen(folder))
    shaken = got[("print.blur_mm", "mrz", "shaken")]
    round_ = got[("print.blur_mm", "mrz", "blurred")]
    assert shaken[1] == 6 and round_[1] == 6
    assert shaken[0] > 0.071 > round_[0] > 0.031  # past each class's own genuine scores
    assert not any(k[0] == "mrz.blur_mm" for k in got)
