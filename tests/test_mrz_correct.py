"""Correction of OCR readings by grammar and check digits."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from docfraud.mrz.checkdigit import ALPHABET, VALUES
from docfraud.mrz.correct import correct
from docfraud.mrz.formats import FORMATS
from docfraud.mrz.generate import generate

TD3 = ["P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
       "L898902C36UTO7408122F1204159ZE184226B<<<<<10"]


def confident(lines, p=0.99):
    return [[[(c, p)] for c in line] for line in lines]


def test_clean_reading_is_kept():
    r = correct(confident(TD3))
    assert r.lines == TD3 and not r.corrections and not r.ambiguous


def test_check_digit_selects_the_alternative():
    c = confident(TD3)
    c[1][3] = [("9", 0.7), ("8", 0.3)]  # document number 'L898902C3': the second 8 read as 9
    r = correct(c)
    assert r.lines == TD3
    (fix,) = r.corrections
    assert (fix.line, fix.pos, fix.read, fix.chosen, fix.reason, fix.checked_by) == \
        (1, 3, "9", "8", "check digit", "document_number")


def test_misprinted_check_digit_is_not_corrected_away():
    lines = [TD3[0], TD3[1][:19] + "7" + TD3[1][20:]]  # birth check digit printed 7, not 2
    c = confident(lines)
    r = correct(c)
    assert r.lines == lines and not r.corrections


def test_implausible_alternative_is_not_used():
    lines = [TD3[0], TD3[1][:19] + "7" + TD3[1][20:]]
    c = confident(lines)
    c[1][19] = [("7", 0.995), ("2", 0.005)]  # below min_alternative
    assert correct(c).lines == lines


def test_two_equally_plausible_readings_are_ambiguous():
    # The birth date 740812 (check digit 2) read as 740813: "740812" + "2" and "740813" + "3"
    # both pass, each one change away, equally probable: no reading can be picked.
    lines = [TD3[0], TD3[1][:18] + "3" + TD3[1][19:]]
    c = confident(lines)
    c[1][18] = [("3", 0.5), ("2", 0.5)]
    c[1][19] = [("2", 0.5), ("3", 0.5)]
    r = correct(c)
    assert r.ambiguous
    assert r.ambiguities[0].check == "birth_date"
    assert set(r.ambiguities[0].readings) == {"22", "33"}


def test_uncovered_positions_are_marked():
    c = confident(TD3)
    c[0][6] = [("8", 0.8), ("R", 0.2)]  # name: a digit is not admitted
    r = correct(c)
    assert r.lines == TD3
    (fix,) = r.corrections
    assert fix.reason == "grammar" and fix.checked_by is None


def test_lookalike_when_no_alternative_fits():
    c = confident(TD3)
    c[1][14] = [("A", 0.9)]  # the 4 of the birth year read as A, no digit offered
    r = correct(c)
    assert r.lines == TD3 and r.corrections[0].chosen == "4"


@st.composite
def corrupted(draw):
    fmt = draw(st.sampled_from(list(FORMATS)))
    lines = generate(fmt, document_code={"TD3": "P", "MRV-A": "V", "MRV-B": "V"}.get(fmt, "I"),
                     issuing_state="UTO", surname="DOE", given_names="JANE",
                     document_number=draw(st.text(alphabet="ABC0123456789", min_size=6,
                                                  max_size=9)),
                     nationality="UTO", birth_date="850315", sex="F", expiry_date="300101")
    # pick a position covered by a field check digit and substitute a non-congruent character
    f = FORMATS[fmt]
    checks = [c for c in f.checks if c.name != "composite"]
    check = draw(st.sampled_from(checks))
    ln, a, b = check.over[0]
    i = draw(st.integers(a, b - 1))
    true = lines[ln][i]
    wrong = draw(st.sampled_from([c for c in ALPHABET if (VALUES[c] - VALUES[true]) % 10
                                  and (c.isdigit() == true.isdigit())]))
    return fmt, lines, ln, i, wrong, true


@settings(max_examples=200)
@given(corrupted(), st.floats(0.05, 0.45))
def test_single_misread_with_the_truth_as_alternative_is_corrected(case, p_true):
    fmt, lines, ln, i, wrong, true = case
    c = confident(lines)
    c[ln][i] = [(wrong, 1 - p_true), (true, p_true)]
    r = correct(c, fmt)
    assert r.lines == lines
    assert any(x.pos == i and x.line == ln and x.chosen == true for x in r.corrections)
