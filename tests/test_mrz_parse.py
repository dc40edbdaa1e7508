"""Parsing and the ICAO 9303 rules: the published examples, and each rule passing and failing."""

from __future__ import annotations

from datetime import date

import pytest

from docfraud.errors import MRZFormatError
from docfraud.mrz import parse
from docfraud.mrz.checkdigit import compute
from docfraud.mrz.generate import generate

AS_OF = date(2026, 11, 28)

# ICAO 9303 published examples (Parts 4 to 7), all of the specimen state Utopia.
TD3 = ["P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
       "L898902C36UTO7408122F1204159ZE184226B<<<<<10"]
TD2 = ["I<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<",
       "D231458907UTO7408122F1204159<<<<<<<6"]
TD1 = ["I<UTOD231458907<<<<<<<<<<<<<<<",
       "7408122F1204159UTO<<<<<<<<<<<6",
       "ERIKSSON<<ANNA<MARIA<<<<<<<<<<"]
MRVA = ["V<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
        "L8988901C4XXX4009078F96121096ZE184226B<<<<<<"]
MRVB = ["V<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<",
        "L8988901C4XXX4009078F9612109<<<<<<<<"]


def codes(m) -> list[str]:
    return [f.code for f in m.findings]


def errors(m) -> list[str]:
    return [f.code for f in m.findings if f.severity == "error"]


def td3(**over) -> list[str]:
    base = dict(document_code="P", issuing_state="FRA", surname="Martin", given_names="Claire",
                document_number="AB1234567", nationality="FRA", birth_date="1985-02-17", sex="F",
                expiry_date="2030-05-01", optional_data="")
    base.update(over)
    return generate("TD3", **base)


@pytest.mark.parametrize("lines, fmt, checks", [
    (TD3, "TD3", ["document_number", "birth_date", "expiry_date", "optional_data", "composite"]),
    (TD2, "TD2", ["document_number", "birth_date", "expiry_date", "composite"]),
    (TD1, "TD1", ["document_number", "birth_date", "expiry_date", "composite"]),
    (MRVA, "MRV-A", ["document_number", "birth_date", "expiry_date"]),
    (MRVB, "MRV-B", ["document_number", "birth_date", "expiry_date"]),
])
def test_icao_examples(lines, fmt, checks):
    m = parse(lines, as_of=date(2010, 1, 1))
    assert m.format == fmt
    assert list(m.check_digits) == checks
    assert all(c.ok for c in m.check_digits.values())
    assert m.valid, m.findings
    assert m.value("surname") == "ERIKSSON"
    assert m.value("given_names") == "ANNA MARIA"
    assert m.value("sex") == "F"
    assert m.value("birth_date").iso() in ("1974-08-12", "1940-09-07")


def test_td3_fields_and_spans():
    m = parse(TD3, as_of=date(2010, 1, 1))
    assert m.value("document_number") == "L898902C3"
    assert m.value("optional_data") == "ZE184226B"
    assert m.value("expiry_date") == date(2012, 4, 15)
    assert m.fields["nationality"].span == (1, 10, 13)
    assert m.fields["surname"].span == (0, 5, 13)
    assert m.fields["given_names"].span == (0, 15, 25)
    cd = m.check_digits["composite"]
    assert (cd.printed, cd.computed, cd.span) == ("0", "0", (1, 43, 44))


# -- normalisation -------------------------------------------------------------------------

@pytest.mark.parametrize("text, note", [
    ("  " + "\n".join(TD3) + "\n\n", "surrounding white space removed"),
    ("\r\n".join(TD3), "CRLF line endings read as line breaks"),
    ("\n".join(TD3).lower(), "lowercase letters upper-cased"),
    ("\n".join(TD3).replace("<", "«"), "'«' read as '<'"),
    ("\n".join(TD3).replace("<", "‹"), "'‹' read as '<'"),
    (TD3[0][:20] + " " + TD3[0][20:] + "\n" + TD3[1], "spaces inside lines removed"),
    ("".join(TD3), "one string split into 2 lines of 44"),
    (TD3[0] + " " + TD3[1], "one string split into 2 lines of 44"),
])
def test_messy_input_is_normalised(text, note):
    m = parse(text, as_of=date(2010, 1, 1))
    assert m.lines == tuple(TD3)
    assert note in m.normalised
    assert m.valid


def test_clean_input_reports_no_normalisation():
    assert parse(TD3, as_of=AS_OF).normalised == []


@pytest.mark.parametrize("text", ["", "hello", "P<UTO\nL898", "A" * 30 + "\n" + "B" * 30,
                                  "x" * 20000, "\n".join(["A" * 44] * 5)])
def test_not_an_mrz_raises_the_documented_error(text):
    with pytest.raises(MRZFormatError) as exc:
        parse(text)
    assert exc.value.code == "E201"


# -- structure -------------------------------------------------------------------------------

def test_character_outside_alphabet():
    lines = [TD3[0], TD3[1][:30] + "?" + TD3[1][31:]]
    m = parse(lines, as_of=AS_OF)
    f = next(f for f in m.findings if f.code == "MRZ001")
    assert f.span == (1, 30, 31) and f.severity == "error"
    assert "MRZ001" not in codes(parse(TD3, as_of=AS_OF))


def test_line_length_defect_is_reported_and_decoding_goes_on():
    m = parse([TD3[0], TD3[1][:-1]], as_of=AS_OF)
    f = next(f for f in m.findings if f.code == "MRZ002")
    assert f.evidence == {"measured": 43, "expected": 44}
    assert m.value("document_number") == "L898902C3"
    assert "MRZ002" not in codes(parse(TD3, as_of=AS_OF))


@pytest.mark.parametrize("lines, code", [
    (["X" + TD3[0][1:], TD3[1]], "MRZ003"),          # TD3 must start with P
    (["IV" + TD2[0][2:], TD2[1]], "MRZ003"),         # V reserved as card second character
    (["I1" + TD2[0][2:], TD2[1]], "MRZ004"),         # digit as second character
])
def test_document_code_rules(lines, code):
    assert code in codes(parse(lines, as_of=AS_OF))


def test_document_code_rules_pass():
    for lines in (TD3, TD2, TD1, MRVA, MRVB, td3(document_code="PO")):
        m = parse(lines, as_of=AS_OF)
        assert not {"MRZ003", "MRZ004"} & set(codes(m))


# -- check digits ----------------------------------------------------------------------------

@pytest.mark.parametrize("line, pos, code", [
    (1, 9, "MRZ101"), (1, 19, "MRZ102"), (1, 27, "MRZ103"), (1, 42, "MRZ104"), (1, 43, "MRZ105"),
])
def test_each_td3_check_digit_fails_alone(line, pos, code):
    lines = list(TD3)
    wrong = str((int(lines[line][pos]) + 1) % 10)
    lines[line] = lines[line][:pos] + wrong + lines[line][pos + 1:]
    m = parse(lines, as_of=date(2010, 1, 1))
    # the composite covers the field check digits too, so it fails alongside them
    assert errors(m) == ([code] if code == "MRZ105" else [code, "MRZ105"])
    f = m.findings[[x.code for x in m.findings].index(code)]
    assert f.evidence["printed"] == wrong and f.basis == "arithmetic"


def test_check_digit_position_with_letter():
    lines = [TD3[0], TD3[1][:19] + "O" + TD3[1][20:]]
    m = parse(lines, as_of=date(2010, 1, 1))
    assert "MRZ106" in errors(m)
    assert not m.check_digits["birth_date"].ok


def test_optional_check_digit_filler_allowed_only_when_empty():
    empty = td3()
    assert empty[1][42] == "<"
    m = parse(empty, as_of=AS_OF)
    assert m.check_digits["optional_data"].ok and "MRZ505" in codes(m)
    filled = [TD3[0], TD3[1][:42] + "<" + TD3[1][43:]]
    m2 = parse(filled, as_of=date(2010, 1, 1))
    assert not m2.check_digits["optional_data"].ok


def test_long_document_number_td1():
    lines = generate("TD1", document_code="I", issuing_state="UTO", surname="Doe",
                     document_number="D23145890123", birth_date="740812", sex="M",
                     expiry_date="2030-01-01", nationality="UTO")
    assert lines[0][14] == "<"
    m = parse(lines, as_of=AS_OF)
    assert m.value("document_number") == "D23145890123"
    assert m.check_digits["document_number"].ok
    assert m.check_digits["document_number"].span == (0, 18, 19)
    assert "MRZ504" in codes(m) and m.valid
    # a wrong digit in the continued part is caught by the document number check digit
    bad = [lines[0][:16] + "9" + lines[0][17:], lines[1], lines[2]]
    assert "MRZ101" in codes(parse(bad, as_of=AS_OF))


def test_long_document_number_td2():
    lines = generate("TD2", document_code="I", issuing_state="UTO", surname="Doe",
                     document_number="D2314589012", birth_date="740812", sex="M",
                     expiry_date="2030-01-01", nationality="UTO")
    m = parse(lines, as_of=AS_OF)
    assert m.value("document_number") == "D2314589012" and m.check_digits_pass


# -- codes -------------------------------------------------------------------------------------

@pytest.mark.parametrize("issuer, nationality, expect", [
    ("FRA", "FRA", set()),
    ("D", "D", set()),
    ("GBR", "GBN", set()),
    ("UNO", "XXA", set()),
    ("UTO", "UTO", {"MRZ204"}),
    ("ABC", "FRA", {"MRZ201"}),
    ("FRA", "ABC", {"MRZ202"}),
    ("QZA", "FRA", {"MRZ204"}),
    ("XXA", "FRA", {"MRZ205"}),
    ("FRA", "EUE", {"MRZ205"}),
    ("YUG", "FRA", {"MRZ203"}),
    ("SI", "SI", {"MRZ203"}),
    ("BDR", "D", {"MRZ203"}),
])
def test_country_codes(issuer, nationality, expect):
    m = parse(td3(issuing_state=issuer, nationality=nationality), as_of=AS_OF)
    found = {c for c in codes(m) if c.startswith("MRZ2")}
    assert found == expect


def test_badly_padded_country_code():
    lines = td3()
    lines[0] = "P<" + "<D<" + lines[0][5:]
    assert "MRZ206" in errors(parse(lines, as_of=AS_OF))


# -- dates --------------------------------------------------------------------------------------

def test_invalid_calendar_dates():
    m = parse(td3(), as_of=AS_OF)
    assert "MRZ301" not in codes(m)
    lines = td3()
    l2 = lines[1][:13] + "850230" + lines[1][19:]
    l2 = l2[:19] + compute("850230") + l2[20:]
    m = parse([lines[0], l2], as_of=AS_OF)
    assert "MRZ301" in errors(m)
    assert m.value("birth_date") is None


def test_expired():
    assert "MRZ302" in codes(parse(td3(expiry_date="2020-01-01"), as_of=AS_OF))
    assert "MRZ302" not in codes(parse(td3(expiry_date="2030-01-01"), as_of=AS_OF))


def test_expiry_before_nearest_birth_reading():
    m = parse(td3(birth_date="121212", expiry_date="110629"), as_of=AS_OF)
    assert "MRZ303" in codes(m)
    assert m.value("birth_date").year == 1912
    assert "MRZ303" not in codes(parse(td3(), as_of=AS_OF))


def test_century_rule_birth_never_in_future():
    m = parse(td3(birth_date="270101", expiry_date="2030-01-01"), as_of=AS_OF)
    assert m.value("birth_date").year == 1927
    assert parse(td3(birth_date="260101"), as_of=AS_OF).value("birth_date").year == 2026


def test_birth_after_issue_date():
    m = parse(td3(birth_date="2020-06-01", expiry_date="2030-01-01"), as_of=AS_OF,
              issue_date=date(2020, 1, 1))
    assert "MRZ304" in errors(m)
    assert "MRZ304" not in codes(parse(td3(), as_of=AS_OF, issue_date=date(2020, 1, 1)))


def test_implausible_age():
    # born "12" after an expiry in 2011: read as 1912, 114 years old at the reference date
    m = parse(td3(birth_date="121212", expiry_date="110629"), as_of=AS_OF)
    assert m.value("birth_date").year == 1912
    assert "MRZ305" in codes(m)
    assert "MRZ305" not in codes(parse(td3(birth_date="1930-01-01"), as_of=AS_OF))


def test_validity_period():
    assert "MRZ306" in codes(parse(td3(expiry_date="2042-01-01"), as_of=AS_OF))
    assert "MRZ306" not in codes(parse(td3(expiry_date="2036-01-01"), as_of=AS_OF))
    m = parse(td3(expiry_date="2034-01-01"), as_of=AS_OF, issue_date=date(2021, 1, 1))
    assert "MRZ306" in codes(m)


def test_unknown_birth_parts():
    m = parse(td3(birth_date="1960-XX-XX"), as_of=AS_OF)
    assert m.value("birth_date").iso() == "1960-XX-XX"
    assert "MRZ307" in codes(m) and m.check_digits_pass
    m2 = parse(td3(birth_date="1960-05-XX"), as_of=AS_OF)
    assert m2.value("birth_date").iso() == "1960-05-XX"


# -- names ----------------------------------------------------------------------------------------

def test_name_rules_pass():
    m = parse(td3(surname="De la Cruz", given_names="Ana Maria"), as_of=AS_OF)
    assert not {c for c in codes(m) if c.startswith("MRZ4")}
    assert m.value("surname") == "DE LA CRUZ"


def test_name_with_digit():
    lines = td3()
    lines[0] = lines[0][:6] + "4" + lines[0][7:]
    assert "MRZ401" in errors(parse(lines, as_of=AS_OF))


def test_primary_identifier_missing():
    lines = td3()
    lines[0] = "P<FRA<<CLAIRE" + "<" * 31
    assert "MRZ402" in errors(parse(lines, as_of=AS_OF))


def test_full_name_field_possibly_truncated():
    m = parse(td3(surname="Nilavadhanananda", given_names="Chayapa Dejthamrong Krasuang"),
              as_of=AS_OF)
    assert "MRZ403" in codes(m)
    assert m.findings[codes(m).index("MRZ403")].severity == "info"


def test_malformed_separators():
    lines = td3()
    lines[0] = ("P<FRAMARTIN<<CLAIRE<<ANNE").ljust(44, "<")
    assert "MRZ404" in codes(parse(lines, as_of=AS_OF))
    assert "MRZ405" not in codes(parse(lines, as_of=AS_OF))


def test_letters_after_padding():
    lines = td3()
    lines[0] = ("P<FRAMARTIN<<CLAIRE<<<<<<<<H").ljust(44, "<")
    assert "MRZ405" in errors(parse(lines, as_of=AS_OF))
    lines[0] = ("P<FRAMARTIN<<<CLAIRE").ljust(44, "<")
    assert "MRZ405" in errors(parse(lines, as_of=AS_OF))


# -- other fields ----------------------------------------------------------------------------------

@pytest.mark.parametrize("sex, ok", [("M", True), ("F", True), ("X", True), ("<", True),
                                     ("Q", False), ("1", False)])
def test_sex(sex, ok):
    lines = td3()
    lines[1] = lines[1][:20] + sex + lines[1][21:]
    m = parse(lines, as_of=AS_OF)
    assert ("MRZ501" in codes(m)) is (not ok)


def test_document_number_fillers():
    assert "MRZ502" not in codes(parse(td3(), as_of=AS_OF))
    assert "MRZ502" in codes(parse(td3(document_number="<5128497"), as_of=AS_OF))
    assert "MRZ502" in codes(parse(td3(document_number="AB<12345"), as_of=AS_OF))
    assert "MRZ503" in errors(parse(td3(document_number="<<<<<<<<<"), as_of=AS_OF))


def test_to_dict_has_documented_keys():
    d = parse(TD3, as_of=date(2010, 1, 1)).to_dict()
    assert {"format", "valid", "check_digits", "fields", "findings", "normalised"} <= set(d)
    assert d["check_digits"]["composite"] == {"ok": True, "printed": "0", "computed": "0",
                                              "span": [1, 43, 44]}
    assert d["fields"]["birth_date"] == "1974-08-12"
