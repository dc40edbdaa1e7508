"""Property tests: generate-then-parse round trips, substitutions caught, parse never crashes."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from docfraud.errors import MRZError
from docfraud.mrz import FORMATS, parse
from docfraud.mrz.checkdigit import ALPHABET, VALUES
from docfraud.mrz.generate import generate
from docfraud.mrz.names import transliterate

AS_OF = date(2026, 11, 28)
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
ALNUM = LETTERS + "0123456789"

name_part = st.text(alphabet=LETTERS, min_size=1, max_size=12)
names = st.lists(name_part, min_size=1, max_size=4).map(" ".join)


@st.composite
def mrz_fields(draw):
    fmt = draw(st.sampled_from(list(FORMATS)))
    birth = draw(st.dates(min_value=date(1930, 1, 1), max_value=date(2025, 12, 31)))
    expiry = draw(st.dates(min_value=max(birth, date(1990, 1, 1)) + timedelta(days=1),
                           max_value=date(2040, 12, 31)))
    long_ok = fmt in ("TD1", "TD2")
    number = draw(st.text(alphabet=ALNUM, min_size=1, max_size=12 if long_ok else 9))
    opt_width = {"TD1": 15, "TD2": 7, "TD3": 14, "MRV-A": 16, "MRV-B": 8}[fmt]
    if len(number) > 9:
        opt_width -= len(number) - 9 + 2
    optional = draw(st.text(alphabet=ALNUM, max_size=max(opt_width, 0)))
    code = {"TD3": "P", "MRV-A": "V", "MRV-B": "V"}.get(fmt) or draw(st.sampled_from("ACI"))
    code += draw(st.sampled_from("<" + LETTERS.replace("V", "")))
    country = draw(st.sampled_from(["UTO", "FRA", "D", "GBR", "JPN", "XXA", "BRA"]))
    return dict(format=fmt, document_code=code, issuing_state=country if country != "XXA"
                else "UTO", surname=draw(names), given_names=draw(names | st.just("")),
                document_number=number, nationality=country, birth_date=birth,
                sex=draw(st.sampled_from("MFX<")), expiry_date=expiry, optional_data=optional)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(mrz_fields())
def test_generate_then_parse_round_trips(f):
    lines = generate(**f)
    m = parse(lines, as_of=AS_OF)
    assert m.format == f["format"]
    assert m.check_digits_pass
    assert m.value("document_number") == f["document_number"]
    assert m.value("nationality") == f["nationality"]
    assert m.value("birth_date").iso() == f["birth_date"].isoformat()
    assert m.value("expiry_date") == f["expiry_date"]
    assert m.value("sex") == (None if f["sex"] == "<" else f["sex"])
    width = 30 if f["format"] == "TD1" else FORMATS[f["format"]].length - 5
    full = transliterate(f["surname"]) + ("<<" + transliterate(f["given_names"])
                                          if f["given_names"] else "")
    if len(full) <= width:
        assert m.value("surname") == f["surname"]
        assert m.value("given_names") == f["given_names"]
    else:  # truncated: the field starts like the name, and mostly ends in a letter
        raw = m.fields["name"].raw
        assert len(raw) == width and full.startswith(raw[:width // 2])
        assert raw[-1] != "<" or full.startswith(raw.rstrip("<") + "<")
    # nothing in a freshly generated MRZ is an error
    assert m.valid, [x.message for x in m.errors()]
    opt = m.value("optional_data") if "optional_data" in m.fields else m.value("optional_data_1")
    assert opt == f["optional_data"]


def _congruent(a: str, b: str) -> bool:
    return (VALUES[a] - VALUES[b]) % 10 == 0


@settings(max_examples=400)
@given(mrz_fields(), st.data())
def test_single_substitution_in_checked_field_is_caught(f, data):
    lines = generate(**f)
    m = parse(lines, as_of=AS_OF)
    # positions covered by a field check digit (not the composite, which covers all of them)
    covered = []
    for name, cd in m.check_digits.items():
        if name == "composite":
            continue
        for ln, a, b in cd.over:
            covered += [(name, ln, i) for i in range(a, b)]
    name, ln, i = data.draw(st.sampled_from(covered))
    old = lines[ln][i]
    new = data.draw(st.sampled_from([c for c in ALPHABET if c != old]))
    changed = list(lines)
    changed[ln] = changed[ln][:i] + new + changed[ln][i + 1:]
    m2 = parse(changed, as_of=AS_OF)
    caught = not m2.check_digits[name].ok
    # the documented blind spot: characters whose values are congruent modulo 10; a filler
    # check digit ('<', allowed over an all-filler optional data field) catches any change
    filler_check = m.check_digits[name].printed == "<"
    assert caught is (filler_check or not _congruent(old, new))
    if caught:
        assert not m2.valid


@settings(max_examples=500)
@given(st.text(max_size=200))
def test_parse_arbitrary_text_raises_only_mrz_errors(text):
    try:
        parse(text, as_of=AS_OF)
    except MRZError:
        pass


@settings(max_examples=500)
@given(st.sampled_from([30, 36, 44]), st.data())
def test_parse_arbitrary_mrz_shaped_text_never_crashes(width, data):
    n = 3 if width == 30 else 2
    alphabet = st.sampled_from(ALPHABET + "abc?é «")
    lines = [data.draw(st.text(alphabet=alphabet, min_size=width - 2, max_size=width + 2))
             for _ in range(n)]
    try:
        m = parse(lines, as_of=AS_OF)
    except MRZError:
        return
    m.to_dict()
