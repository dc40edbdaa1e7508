"""The 39 real MRZs of ../shared/data/mrz-real: every one parses; check-digit verdicts match."""

from __future__ import annotations

from datetime import date

from docfraud.mrz import parse


def test_every_real_mrz_parses_with_the_right_check_digit_verdict(mrz_real_truth):
    entries = [e for e in mrz_real_truth if e["lines"]]
    assert len(entries) >= 39
    wrong = []
    for e in entries:
        m = parse(e["lines"], as_of=date(2026, 11, 28))
        assert m.format == e["format"], e["file"]
        assert list(m.lines) == e["lines"], e["file"]
        if m.check_digits_pass != e["check_digits_pass"]:
            wrong.append(e["file"])
    assert not wrong, f"check-digit verdicts differ from the ground truth for {wrong}"


def test_real_failures_are_reported_as_check_digit_errors(mrz_real_truth):
    for e in mrz_real_truth:
        if e["lines"] and e["check_digits_pass"] is False:
            m = parse(e["lines"], as_of=date(2026, 11, 28))
            assert not m.valid
            assert any(f.code in {"MRZ101", "MRZ102", "MRZ103", "MRZ104", "MRZ105"}
                       for f in m.findings), e["file"]


def test_known_national_variants_are_not_errors(mrz_real_truth):
    by_file = {e["file"]: e for e in mrz_real_truth}
    for name in ("pe__100_id-si.jpg", "pe__100_pass-bdr.jpg", "mrz__passports__Iceland.png"):
        m = parse(by_file[name]["lines"], as_of=date(2026, 11, 28))
        assert m.valid, (name, [f.message for f in m.errors()])
