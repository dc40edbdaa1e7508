"""print.joint: the print family's measures placed between genuine's median and their
calibrated thresholds, and their mean held to its own bound."""
from types import SimpleNamespace

import numpy as np
import pytest

from docfraud.compare import checks as C
from docfraud.compare.result import CheckResult
from docfraud.specimens import Library


def _ctx(medians, quality="blurred", shake=1.0):
    return SimpleNamespace(spec=Library().get("UTO/V-2024"), side="page", quality=quality,
                           sharp=False, shake=shake, measurements={},
                           thresholds=C.Thresholds(medians=medians))


def _part(check, score, threshold, zone="mrz", calibrated=True):
    direction = C.CHECKS[check][0]
    return CheckResult(check, zone, "passed", score, threshold, direction,
                       calibrated=calibrated)


MEDIANS = {("print.blur_mm", "mrz", "blurred"): 0.01, ("print.soft_mm", "mrz", "blurred"): 0.01,
           ("print.lines_blur_mm", "background", "blurred"): 0.0,
           ("print.ink_depth", "mrz", "blurred"): 0.95,
           ("print.blur_mm", "mrz", "shaken"): 0.02}


def test_each_measure_is_placed_between_genuine_s_median_and_its_threshold():
    # each short of its threshold, together 0.75 of the way: failed (BKG007)
    parts = [_part("print.blur_mm", 0.035, 0.04), _part("print.soft_mm", 0.0325, 0.04),
             _part("print.lines_blur_mm", 0.0375, 0.05, zone="background"),
             _part("print.ink_depth", 0.905, 0.89)]
    res = C.check_print_joint(_ctx(MEDIANS), parts)
    # 0.833, 0.75, 0.75 and (0.95 - 0.905) / (0.95 - 0.89) = 0.75 for the ink ("min")
    assert res.status == "failed" and res.score == pytest.approx(np.mean([0.25 / 0.3, 0.75,
                                                                         0.75, 0.75]))
    assert res.finding.code == "BKG007" and res.finding.severity == "error"
    assert res.finding.evidence["parts"]["print.ink_depth:mrz"] == pytest.approx(0.75)
    # the same measures about genuine's middle: passed
    near = [_part("print.blur_mm", 0.02, 0.04), _part("print.ink_depth", 0.94, 0.89)]
    res = C.check_print_joint(_ctx(MEDIANS), near)
    assert res.status == "passed" and res.score == pytest.approx((1 / 3 + 1 / 6) / 2)


def test_it_needs_two_calibrated_measures_and_holds_a_shaken_photo_to_its_class():
    one = [_part("print.blur_mm", 0.04, 0.04),
           _part("print.ink_depth", 0.5, 0.7, calibrated=False),  # the lenient default
           _part("print.soft_mm", 0.04, 0.04, zone="mrz")]
    one[2].score = None  # did not run
    res = C.check_print_joint(_ctx(MEDIANS), one)
    assert res.status == "not_run" and "1 ran" in res.reason
    # a shaken photo's softness is held to the shaken class's median (print.blur_mm)
    parts = [_part("print.blur_mm", 0.08, 0.1), _part("print.ink_depth", 0.92, 0.89)]
    res = C.check_print_joint(_ctx(MEDIANS, shake=2.0), parts)
    assert res.score == pytest.approx(((0.08 - 0.02) / 0.08 + 0.5) / 2)
    # a measure whose class has no median is left out
    res = C.check_print_joint(_ctx(MEDIANS, quality="very_blurred"), parts)
    assert res.status == "not_run"
