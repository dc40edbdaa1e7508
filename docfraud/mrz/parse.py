"""Parse and check an MRZ: fields, check digits and the ICAO 9303 rules, as findings.

>>> from datetime import date
>>> m = parse('''P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<
... L898902C36UTO7408122F1204159ZE184226B<<<<<10''', as_of=date(2010, 1, 1))
>>> m.format, m.valid, m.value("surname"), m.value("given_names")
('TD3', True, 'ERIKSSON', 'ANNA MARIA')
>>> m.value("birth_date"), m.value("expiry_date")
(PartialDate(year=1974, month=8, day=12), datetime.date(2012, 4, 15))
>>> [c.printed + "=" + c.computed for c in m.check_digits.values()]
['6=6', '2=2', '9=9', '1=1', '0=0']
>>> [f.code for f in m.findings]
['MRZ204', 'MRZ204']
"""

from __future__ import annotations

import re
from datetime import date

from docfraud.findings import Finding, make
from docfraud.mrz import codes
from docfraud.mrz.checkdigit import ALPHABET, TABLE, digit_of_values, to_values
from docfraud.mrz.dates import PartialDate, decode_birth, decode_expiry
from docfraud.mrz.formats import FORMATS, Format, detect
from docfraud.mrz.model import MRZ
from docfraud.mrz.normalise import clean

_ALPHABET = frozenset(ALPHABET)
_DIGITS = "0123456789"
_NOT_NAME = re.compile(r"[^A-Z<]")
_CLEAN = re.compile(r"[A-Z0-9<]{30,44}(?:\n[A-Z0-9<]{30,44}){1,2}")
_CHECK_CODES = {"document_number": "MRZ101", "birth_date": "MRZ102", "expiry_date": "MRZ103",
                "optional_data": "MRZ104", "composite": "MRZ105"}
_LABELS = {"document_number": "document number", "birth_date": "birth date",
           "expiry_date": "expiry date", "optional_data": "optional data",
           "composite": "composite"}

#: Longest validity, in years, that documents of each kind are issued for (rule MRZ306).
MAX_VALIDITY_YEARS = {"P": 10, "V": 10, "I": 15, "A": 15, "C": 15}
#: Holders older than this at the reference date are implausible (rule MRZ305).
MAX_AGE_YEARS = 110
_MAX_CHAR_FINDINGS = 12


def parse(text: str | list[str] | tuple[str, ...], *, as_of: date | None = None,
          issue_date: date | None = None) -> MRZ:
    """Parse MRZ text (a string, or its lines) and check it against ICAO 9303.

    ``as_of`` is the reference date for the century rule and for expiry (default: today);
    ``issue_date``, where the visual zone gives it, sharpens the validity-period rule.
    Raises :class:`docfraud.errors.MRZFormatError` (and nothing else) when the text has the
    shape of no MRZ format; every other defect becomes a finding.
    """
    if isinstance(text, (list, tuple)):
        text = "\n".join([str(line) for line in text])
    as_of = as_of or date.today()
    fast = isinstance(text, str) and _CLEAN.fullmatch(text) is not None
    if fast:  # clean text in the MRZ alphabet, the common case: skip cleaning
        lines, notes = text.split("\n"), []
    else:
        lines, notes = clean(text)
    fmt = FORMATS[detect(lines)]
    findings: list[Finding] = []
    input_lines = tuple(lines)
    if set(map(len, lines)) != {fmt.length}:
        lines = _fix_lengths(lines, fmt, findings)
    if not fast:
        _check_charset(lines, findings)
    raw = {f.name: lines[f.line][f.start:f.end] for f in fmt.fields}
    spans = fmt.spans
    values: dict[str, object] = {}
    checks, moved = _check_digits(lines, fmt, raw, findings)
    if moved:  # a long document number moved the start of the optional data
        spans = {**spans, **moved}
    _decode(raw, values, as_of)
    _rules(raw, values, spans, fmt, as_of, issue_date, findings)
    return MRZ(fmt.name, tuple(lines), raw, values, spans, checks, findings, notes, as_of,
               input_lines)


def _fix_lengths(lines: list[str], fmt: Format, findings: list[Finding]) -> list[str]:
    out = []
    for i, line in enumerate(lines):
        if len(line) != fmt.length:
            findings.append(make(
                "MRZ002", f"line {i + 1} has {len(line)} characters; {fmt.name} lines have "
                f"{fmt.length}", span=(i, 0, len(line)),
                evidence={"measured": len(line), "expected": fmt.length}))
            line = line[:fmt.length].ljust(fmt.length, "<")
        out.append(line)
    return out


def _check_charset(lines: list[str], findings: list[Finding]) -> None:
    count = 0
    for i, line in enumerate(lines):
        if _ALPHABET.issuperset(line):
            continue
        for j, ch in enumerate(line):
            if ch not in _ALPHABET:
                count += 1
                if count <= _MAX_CHAR_FINDINGS:
                    findings.append(make(
                        "MRZ001", f"{ch!r} at line {i + 1}, position {j + 1} is outside the MRZ "
                        "alphabet", span=(i, j, j + 1), evidence={"character": ch}))
    if count > _MAX_CHAR_FINDINGS:
        findings.append(make("MRZ001", f"{count - _MAX_CHAR_FINDINGS} more characters outside "
                             "the MRZ alphabet", evidence={"count": count}))


def _long_number(lines: list[str], fmt: Format, raw: dict[str, str]) -> tuple[str, int] | None:
    """For a document number longer than 9 characters: (full number, index of its check digit
    in the optional data), else ``None`` (ICAO 9303-5 §4.2.2 note j; 9303-6 likewise)."""
    check = fmt.checks[0]
    if lines[check.line][check.pos] != "<":
        return None
    opt = raw["optional_data_1" if fmt.name == "TD1" else "optional_data"]
    end = opt.find("<")
    if end < 0:
        end = len(opt)
    if end < 2:
        return None
    return raw["document_number"] + opt[:end - 1], end - 1


def _check_digits(lines: list[str], fmt: Format, raw: dict[str, str], findings: list[Finding]
                  ) -> tuple[list[tuple], dict[str, tuple[int, int, int]]]:
    """Every check digit as a tuple (name, printed, computed, ok, span, over, data), and the
    fields whose spans moved.

    For a long document number, the document number and optional data fields are rewritten in
    ``raw`` and the optional data's new span is returned.
    """
    out: list[tuple] = []
    long = _long_number(lines, fmt, raw) if fmt.long_number else None
    new_spans: dict[str, tuple[int, int, int]] = {}
    vals = [line.encode("ascii", "replace").translate(TABLE) for line in lines]
    for name, line, pos, over, single in fmt.check_plan:
        if long is not None and name == "document_number":
            number, k = long
            opt_name = "optional_data_1" if fmt.name == "TD1" else "optional_data"
            ol, o0, o1 = fmt.spans[opt_name]
            line, pos = ol, o0 + k
            over = over + ((ol, o0, pos),)
            data = number
            computed = digit_of_values(to_values(number))
            findings.append(make("MRZ504", f"document number of {len(number)} characters "
                                 "continues in the optional data", field="document_number",
                                 span=(ol, o0, pos + 1), evidence={"length": len(number)}))
            raw["document_number"] = number
            raw[opt_name] = raw[opt_name][k + 1:]
            new_spans = {opt_name: (ol, pos + 1, o1)}
        elif single is not None:
            ln, a, b = single
            data = lines[ln][a:b]
            v = vals[ln][a:b]
            computed = (None if 255 in v else
                        _DIGITS[(7 * sum(v[0::3]) + 3 * sum(v[1::3]) + sum(v[2::3])) % 10])
        else:
            data = "".join([lines[ln][a:b] for ln, a, b in over])
            computed = digit_of_values(b"".join([vals[ln][a:b] for ln, a, b in over]))
        printed = lines[line][pos]
        span = (line, pos, pos + 1)
        if printed == computed:
            ok = True
        elif name == "optional_data" and printed == "<" and not data.strip("<"):
            ok = True
            findings.append(make("MRZ505", "optional data empty, its check digit written as '<'",
                                 field="optional_data", span=span))
        else:
            ok = False
            _report_check_failure(name, printed, computed, data, span, findings)
        out.append((name, printed, computed, ok, span, over, data))
    return out, new_spans


def _report_check_failure(name: str, printed: str, computed: str | None, data: str,
                          span: tuple[int, int, int], findings: list[Finding]) -> None:
    label = _LABELS[name]
    evidence = {"printed": printed, "computed": computed, "data": data}
    if not printed.isdigit():
        findings.append(make("MRZ106", f"{label} check digit position holds {printed!r}, not "
                             "a digit", field=name, span=span, evidence=evidence))
        return
    what = (f"over {data!r} is {computed}" if computed is not None
            else "cannot be computed: the data holds characters outside the alphabet")
    findings.append(make(_CHECK_CODES[name], f"{label} check digit is {printed}; the check "
                         f"digit {what}", field=name, span=span, evidence=evidence))


def _decode(raw: dict[str, str], values: dict[str, object], as_of: date) -> None:
    values["document_code"] = raw["document_code"].rstrip("<")
    values["issuing_state"] = raw["issuing_state"].rstrip("<")
    values["nationality"] = raw["nationality"].rstrip("<")
    values["document_number"] = raw["document_number"].strip("<")
    sex = raw["sex"]
    values["sex"] = None if sex == "<" else sex
    values["expiry_date"] = expiry = decode_expiry(raw["expiry_date"], as_of)
    values["birth_date"] = decode_birth(raw["birth_date"], as_of, expiry)
    for name in ("optional_data", "optional_data_1", "optional_data_2"):
        if name in raw:
            values[name] = raw[name].strip("<")


# ------------------------------------------------------------------------------------------
# Rules: each reads the raw text (and decoded values) of its fields and appends findings.


def _rules(raw: dict[str, str], values: dict[str, object], spans: dict[str, tuple[int, int, int]],
           fmt: Format, as_of: date, issue_date: date | None, findings: list[Finding]) -> None:
    _rule_document_code(raw["document_code"], spans["document_code"], fmt,
                        raw["issuing_state"], findings)
    _rule_country(raw["issuing_state"], spans["issuing_state"], "issuing_state", findings)
    _rule_country(raw["nationality"], spans["nationality"], "nationality", findings)
    _rule_names(raw["name"], spans["name"], findings)
    if raw["sex"] not in ("M", "F", "X", "<"):
        findings.append(make("MRZ501", f"sex {raw['sex']!r} is not M, F, X or '<'", field="sex",
                             span=spans["sex"], evidence={"printed": raw["sex"]}))
    _rule_document_number(raw["document_number"], spans["document_number"], findings)
    _rule_dates(raw, values, spans, as_of, issue_date, findings)


def _rule_document_code(raw: str, span: tuple[int, int, int], fmt: Format, issuer: str,
                        findings: list[Finding]) -> None:
    first, second = raw[0], raw[1]
    if first not in fmt.document_types:
        allowed = " or ".join(fmt.document_types)
        findings.append(make("MRZ003", f"document code {raw!r}: a {fmt.name} document code "
                             f"starts with {allowed}", field="document_code", span=span,
                             evidence={"printed": raw, "expected_first": list(fmt.document_types)}))
    elif fmt.name in ("TD1", "TD2") and second == "V":
        findings.append(make("MRZ003", f"document code {raw!r}: ICAO reserves V as second "
                             "character of card document codes", field="document_code",
                             span=span, evidence={"printed": raw}))
    elif not ("A" <= second <= "Z" or second == "<"):
        note = codes.KNOWN_DOCUMENT_CODES.get((issuer.rstrip("<"), raw))
        message = f"document code {raw!r}: the second character is not a letter or '<'"
        evidence = {"printed": raw, "issuer": issuer}
        if note:
            message += f"; a known variant, {note}"
            evidence["known_variant"] = note
        findings.append(make("MRZ004", message, field="document_code", span=span,
                             evidence=evidence))


def _rule_country(raw: str, span: tuple[int, int, int], role: str,
                  findings: list[Finding]) -> None:
    label = "issuing state" if role == "issuing_state" else "nationality"
    stripped = raw.rstrip("<")
    if "<" in stripped:
        findings.append(make("MRZ206", f"{label} {raw!r} has a filler before or between its "
                             "letters", field=role, span=span, evidence={"printed": raw}))
        return
    info = codes.classify(raw)
    ev = {"printed": raw, "kind": info.kind}
    if info.kind in ("iso", "icao"):
        if role == "issuing_state" and info.code in codes.NATIONALITY_ONLY:
            findings.append(make("MRZ205", f"{info.code} ({info.name}) is a nationality code, "
                                 "printed here as issuing state", field=role, span=span,
                                 evidence=ev))
        elif role == "nationality" and info.code in codes.ISSUER_ONLY:
            findings.append(make("MRZ205", f"{info.code} ({info.name}) is an issuing "
                                 "organisation, printed here as nationality", field=role,
                                 span=span, evidence=ev))
        return
    if info.kind in ("specimen", "user-assigned"):
        what = info.name or info.note
        findings.append(make("MRZ204", f"{label} {info.code}: {what}", field=role, span=span,
                             evidence=ev))
    elif info.kind in ("alpha-2", "variant", "historic"):
        findings.append(make("MRZ203", f"{label} {raw!r}: {info.note}", field=role, span=span,
                             evidence=ev))
    else:
        code = "MRZ201" if role == "issuing_state" else "MRZ202"
        findings.append(make(code, f"{label} {raw!r} is not an ISO 3166-1 or ICAO 9303 code",
                             field=role, span=span, evidence=ev))


def _rule_names(raw: str, span: tuple[int, int, int], findings: list[Finding]) -> None:
    if _NOT_NAME.search(raw):
        bad = sorted(set(_NOT_NAME.findall(raw)))
        findings.append(make("MRZ401", f"name field holds {', '.join(repr(c) for c in bad)}",
                             field="name", span=span, evidence={"characters": bad}))
    if raw[0] == "<":
        findings.append(make("MRZ402", "the name field starts with a filler: no primary "
                             "identifier", field="name", span=span))
    if raw[-1] != "<":
        findings.append(make("MRZ403", "the name field is full: the name may be truncated",
                             field="name", span=span))
    body = raw.rstrip("<")
    if "<<<" in body:
        findings.append(make("MRZ405", "letters follow a run of three or more fillers in the "
                             "name", field="name", span=span, evidence={"printed": raw}))
    elif body.count("<<") > 1:
        findings.append(make("MRZ404", "the name holds the separator '<<' more than once",
                             field="name", span=span, evidence={"printed": raw}))


def _rule_document_number(raw: str, span: tuple[int, int, int], findings: list[Finding]) -> None:
    core = raw.rstrip("<")
    if not core.strip("<"):
        findings.append(make("MRZ503", "the document number is empty", field="document_number",
                             span=span, evidence={"printed": raw}))
        return
    bad = sorted({c for c in core if c not in _ALPHABET})
    if bad:
        findings.append(make("MRZ503", f"document number holds {', '.join(map(repr, bad))}",
                             field="document_number", span=span, evidence={"printed": raw}))
    if "<" in core:
        where = "starts with" if core.startswith("<") else "has between its characters"
        findings.append(make("MRZ502", f"the document number {where} a filler",
                             field="document_number", span=span, evidence={"printed": raw}))


def _years_between(a: date, b: date) -> float:
    return (b - a).days / 365.2425


def _rule_dates(raw: dict[str, str], values: dict[str, object],
                spans: dict[str, tuple[int, int, int]], as_of: date, issue_date: date | None,
                findings: list[Finding]) -> None:
    braw, eraw = raw["birth_date"], raw["expiry_date"]
    bspan, espan = spans["birth_date"], spans["expiry_date"]
    birth: PartialDate | None = values["birth_date"]  # type: ignore[assignment]
    expiry: date | None = values["expiry_date"]  # type: ignore[assignment]
    if birth is None:
        findings.append(make("MRZ301", f"birth date {braw!r} is not a valid YYMMDD date",
                             field="birth_date", span=bspan, evidence={"printed": braw}))
    elif birth.day is None:
        findings.append(make("MRZ307", f"birth date {braw!r}: "
                             f"{'month and day' if birth.month is None else 'day'} unknown",
                             field="birth_date", span=bspan, evidence={"printed": braw}))
    if expiry is None:
        findings.append(make("MRZ301", f"expiry date {eraw!r} is not a valid YYMMDD date",
                             field="expiry_date", span=espan, evidence={"printed": eraw}))
    else:
        if expiry < as_of:
            findings.append(make("MRZ302", f"expired on {expiry.isoformat()}",
                                 field="expiry_date", span=espan,
                                 evidence={"expiry": expiry.isoformat(),
                                           "as_of": as_of.isoformat()}))
        max_years = MAX_VALIDITY_YEARS.get(raw["document_code"][:1])
        start_year = issue_date.year if issue_date else as_of.year
        if max_years is not None and expiry.year >= start_year + max_years:
            start, basis = (issue_date, "issue date") if issue_date else (as_of, "reference date")
            years = _years_between(start, expiry)
            if years > max_years + 0.1:
                findings.append(make(
                    "MRZ306", f"expires {years:.1f} years after the {basis}; documents of type "
                    f"{raw['document_code'][:1]} are issued for at most {max_years}",
                    field="expiry_date", span=espan,
                    evidence={"measured_years": round(years, 2), "threshold_years": max_years,
                              "from": basis}))
    if birth is None:
        return
    limit, what = (issue_date, "issue date") if issue_date else (as_of, "reference date")
    if birth.year >= limit.year and birth.earliest() > limit:
        findings.append(make("MRZ304", f"born {birth.iso()}, after the {what} "
                             f"{limit.isoformat()}", field="birth_date", span=bspan,
                             evidence={"birth": birth.iso(), what.replace(" ", "_"):
                                       limit.isoformat()}))
    if expiry is not None and birth.year + 100 <= as_of.year:  # read a century back?
        nearest = decode_birth(braw, as_of)
        if nearest is not None and nearest.earliest() > expiry:
            findings.append(make(
                "MRZ303", f"expiry {expiry.isoformat()} is before the nearest reading of the "
                f"birth date {nearest.iso()}; read as {birth.iso()} instead",
                field="expiry_date", span=espan,
                evidence={"nearest_birth": nearest.iso(), "decoded_birth": birth.iso(),
                          "expiry": expiry.isoformat()}))
    age = _years_between(birth.latest(), as_of) if as_of.year - birth.year > MAX_AGE_YEARS else 0
    if age > MAX_AGE_YEARS:
        findings.append(make("MRZ305", f"the holder would be {age:.0f} years old on "
                             f"{as_of.isoformat()}", field="birth_date", span=bspan,
                             evidence={"measured_years": round(age, 1),
                                       "threshold_years": MAX_AGE_YEARS}))
