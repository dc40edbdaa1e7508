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

from datetime import date

from docfraud.findings import Finding, make
from docfraud.mrz import codes
from docfraud.mrz.checkdigit import ALPHABET, compute_lenient
from docfraud.mrz.dates import PartialDate, decode_birth, decode_expiry
from docfraud.mrz.formats import FORMATS, CheckSpec, Format, detect
from docfraud.mrz.model import MRZ, CheckDigit, Field
from docfraud.mrz.names import split_name
from docfraud.mrz.normalise import clean

_ALPHABET = frozenset(ALPHABET)
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
        text = "\n".join(str(line) for line in text)
    as_of = as_of or date.today()
    lines, notes = clean(text)
    fmt = FORMATS[detect(lines)]
    findings: list[Finding] = []
    input_lines = tuple(lines)
    lines = _fix_lengths(lines, fmt, findings)
    _check_charset(lines, findings)
    fields = _fields(lines, fmt)
    check_digits = _check_digits(lines, fmt, fields, findings)
    _decode(fields, fmt, as_of)
    _rules(fields, fmt, as_of, issue_date, findings)
    return MRZ(fmt.name, tuple(lines), fields, check_digits, findings, notes, as_of, input_lines)


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


def _fields(lines: list[str], fmt: Format) -> dict[str, Field]:
    fields: dict[str, Field] = {}
    for spec in fmt.fields:
        raw = lines[spec.line][spec.start:spec.end]
        if spec.kind == "name":
            body = raw.rstrip("<")
            cut = body.find("<<")
            primary_end = len(body) if cut < 0 else cut
            surname, given = split_name(raw)
            fields["name"] = Field("name", raw, (surname, given), spec.span)
            fields["surname"] = Field("surname", raw[:primary_end], surname,
                                      (spec.line, spec.start, spec.start + primary_end))
            g0 = spec.start + (primary_end + 2 if cut >= 0 else primary_end)
            fields["given_names"] = Field("given_names", raw[g0 - spec.start:len(body)], given,
                                          (spec.line, g0, spec.start + max(len(body), g0 -
                                                                            spec.start)))
        else:
            fields[spec.name] = Field(spec.name, raw, raw, spec.span)
    return fields


def _long_number(lines: list[str], fmt: Format, fields: dict[str, Field]) -> tuple[str, int] | None:
    """For a document number longer than 9 characters: (full number, index of its check digit
    in the optional data), else ``None`` (ICAO 9303-5 §4.2.2 note j; 9303-6 likewise)."""
    if not fmt.long_number:
        return None
    check = fmt.checks[0]
    if lines[check.line][check.pos] != "<":
        return None
    opt_name = "optional_data_1" if fmt.name == "TD1" else "optional_data"
    opt = fields[opt_name].raw
    end = opt.find("<")
    if end < 0:
        end = len(opt)
    if end < 2:
        return None
    return fields["document_number"].raw + opt[:end - 1], end - 1


def _check_digits(lines: list[str], fmt: Format, fields: dict[str, Field],
                  findings: list[Finding]) -> dict[str, CheckDigit]:
    out: dict[str, CheckDigit] = {}
    long = _long_number(lines, fmt, fields)
    for spec in fmt.checks:
        data = "".join(lines[ln][a:b] for ln, a, b in spec.over)
        line, pos = spec.line, spec.pos
        if spec.name == "document_number" and long is not None:
            number, k = long
            opt = fields["optional_data_1" if fmt.name == "TD1" else "optional_data"]
            line, pos = opt.span[0], opt.span[1] + k
            data = number
            over = spec.over + ((line, opt.span[1], pos),)
            findings.append(make("MRZ504", f"document number of {len(number)} characters "
                                 "continues in the optional data", field="document_number",
                                 span=(line, opt.span[1], pos + 1),
                                 evidence={"length": len(number)}))
            opt_raw = opt.raw[k + 1:]
            fields[opt.name] = Field(opt.name, opt_raw, opt_raw,
                                     (opt.span[0], pos + 1, opt.span[2]))
            fields["document_number"] = Field("document_number", number, number,
                                              fields["document_number"].span)
        else:
            over = spec.over
        printed = lines[line][pos]
        computed = compute_lenient(data)
        if spec.name == "optional_data" and printed == "<" and data.strip("<") == "":
            ok = True
            findings.append(make("MRZ505", "optional data empty, its check digit written as '<'",
                                 field="optional_data", span=(line, pos, pos + 1)))
        else:
            ok = computed is not None and printed == computed
        cd = CheckDigit(spec.name, printed, computed, ok, (line, pos, pos + 1), over, data)
        out[spec.name] = cd
        if ok:
            continue
        label = _LABELS[spec.name]
        evidence = {"printed": printed, "computed": computed, "data": data}
        if not printed.isdigit():
            findings.append(make("MRZ106", f"{label} check digit position holds {printed!r}, "
                                 "not a digit", field=spec.name, span=cd.span, evidence=evidence))
        else:
            what = (f"over {data!r} is {computed}" if computed is not None
                    else "cannot be computed: the data holds characters outside the alphabet")
            findings.append(make(_CHECK_CODES[spec.name],
                                 f"{label} check digit is {printed}; the check digit {what}",
                                 field=spec.name, span=cd.span, evidence=evidence))
    return out


def _decode(fields: dict[str, Field], fmt: Format, as_of: date) -> None:
    def put(name: str, value: object) -> None:
        f = fields[name]
        fields[name] = Field(name, f.raw, value, f.span)

    put("document_code", fields["document_code"].raw.rstrip("<"))
    put("issuing_state", fields["issuing_state"].raw.rstrip("<"))
    put("nationality", fields["nationality"].raw.rstrip("<"))
    put("document_number", fields["document_number"].raw.strip("<"))
    sex = fields["sex"].raw
    put("sex", None if sex == "<" else sex)
    expiry = decode_expiry(fields["expiry_date"].raw, as_of)
    put("expiry_date", expiry)
    put("birth_date", decode_birth(fields["birth_date"].raw, as_of, expiry))
    for name in ("optional_data", "optional_data_1", "optional_data_2"):
        if name in fields:
            put(name, fields[name].raw.strip("<"))


# ------------------------------------------------------------------------------------------
# Rules


def _rules(fields: dict[str, Field], fmt: Format, as_of: date, issue_date: date | None,
           findings: list[Finding]) -> None:
    _rule_document_code(fields["document_code"], fmt, fields["issuing_state"], findings)
    _rule_country(fields["issuing_state"], "issuing_state", findings)
    _rule_country(fields["nationality"], "nationality", findings)
    _rule_names(fields["name"], findings)
    _rule_sex(fields["sex"], findings)
    _rule_document_number(fields["document_number"], findings)
    _rule_dates(fields, fmt, as_of, issue_date, findings)


def _rule_document_code(f: Field, fmt: Format, issuer: Field, findings: list[Finding]) -> None:
    first, second = f.raw[0], f.raw[1]
    if first not in fmt.document_types:
        allowed = " or ".join(fmt.document_types)
        findings.append(make("MRZ003", f"document code {f.raw!r}: a {fmt.name} document code "
                             f"starts with {allowed}", field="document_code", span=f.span,
                             evidence={"printed": f.raw, "expected_first": list(fmt.document_types)}))
    elif fmt.name in ("TD1", "TD2") and second == "V":
        findings.append(make("MRZ003", f"document code {f.raw!r}: ICAO reserves V as second "
                             "character of card document codes", field="document_code",
                             span=f.span, evidence={"printed": f.raw}))
    elif not ("A" <= second <= "Z" or second == "<"):
        findings.append(make("MRZ004", f"document code {f.raw!r}: the second character is not a "
                             "letter or '<'", field="document_code", span=f.span,
                             evidence={"printed": f.raw, "issuer": issuer.raw}))


def _rule_country(f: Field, role: str, findings: list[Finding]) -> None:
    raw = f.raw
    label = "issuing state" if role == "issuing_state" else "nationality"
    stripped = raw.rstrip("<")
    if "<" in stripped:
        findings.append(make("MRZ206", f"{label} {raw!r} has a filler before or between its "
                             "letters", field=role, span=f.span, evidence={"printed": raw}))
        return
    info = codes.classify(raw)
    ev = {"printed": raw, "kind": info.kind}
    if info.kind in ("iso", "icao"):
        if role == "issuing_state" and info.code in codes.NATIONALITY_ONLY:
            findings.append(make("MRZ205", f"{info.code} ({info.name}) is a nationality code, "
                                 "printed here as issuing state", field=role, span=f.span,
                                 evidence=ev))
        elif role == "nationality" and info.code in codes.ISSUER_ONLY:
            findings.append(make("MRZ205", f"{info.code} ({info.name}) is an issuing "
                                 "organisation, printed here as nationality", field=role,
                                 span=f.span, evidence=ev))
        return
    if info.kind in ("specimen", "user-assigned"):
        what = info.name or info.note
        findings.append(make("MRZ204", f"{label} {info.code}: {what}", field=role, span=f.span,
                             evidence=ev))
    elif info.kind in ("alpha-2", "variant", "historic"):
        findings.append(make("MRZ203", f"{label} {raw!r}: {info.note}", field=role, span=f.span,
                             evidence=ev))
    else:
        code = "MRZ201" if role == "issuing_state" else "MRZ202"
        findings.append(make(code, f"{label} {raw!r} is not an ISO 3166-1 or ICAO 9303 code",
                             field=role, span=f.span, evidence=ev))


def _rule_names(f: Field, findings: list[Finding]) -> None:
    raw = f.raw
    bad = sorted({c for c in raw if not ("A" <= c <= "Z" or c == "<")})
    if bad:
        findings.append(make("MRZ401", f"name field holds {', '.join(repr(c) for c in bad)}",
                             field="name", span=f.span, evidence={"characters": bad}))
    if raw[0] == "<":
        findings.append(make("MRZ402", "the name field starts with a filler: no primary "
                             "identifier", field="name", span=f.span))
    if raw[-1] != "<":
        findings.append(make("MRZ403", "the name field is full: the name may be truncated",
                             field="name", span=f.span))
    body = raw.rstrip("<")
    cut = body.find("<<")
    problems = []
    if cut >= 0:
        rest = body[cut + 2:]
        if rest.startswith("<"):
            problems.append("three or more fillers after the primary identifier")
        elif "<<" in rest:
            problems.append("more than one '<<' separator")
    elif "<<<" in body:
        problems.append("three or more fillers inside the name")
    if problems:
        findings.append(make("MRZ404", f"name separators: {'; '.join(problems)}", field="name",
                             span=f.span, evidence={"printed": raw}))


def _rule_sex(f: Field, findings: list[Finding]) -> None:
    if f.raw not in ("M", "F", "X", "<"):
        findings.append(make("MRZ501", f"sex {f.raw!r} is not M, F, X or '<'", field="sex",
                             span=f.span, evidence={"printed": f.raw}))


def _rule_document_number(f: Field, findings: list[Finding]) -> None:
    raw = f.raw
    core = raw.rstrip("<")
    if not core.strip("<"):
        findings.append(make("MRZ503", "the document number is empty", field="document_number",
                             span=f.span, evidence={"printed": raw}))
        return
    bad = sorted({c for c in core if c not in _ALPHABET})
    if bad:
        findings.append(make("MRZ503", f"document number holds {', '.join(map(repr, bad))}",
                             field="document_number", span=f.span, evidence={"printed": raw}))
    if "<" in core:
        where = "starts with" if core.startswith("<") else "has between its characters"
        findings.append(make("MRZ502", f"the document number {where} a filler",
                             field="document_number", span=f.span, evidence={"printed": raw}))


def _years_between(a: date, b: date) -> float:
    return (b - a).days / 365.2425


def _rule_dates(fields: dict[str, Field], fmt: Format, as_of: date, issue_date: date | None,
                findings: list[Finding]) -> None:
    bf, ef = fields["birth_date"], fields["expiry_date"]
    birth: PartialDate | None = bf.value
    expiry: date | None = ef.value
    if birth is None:
        findings.append(make("MRZ301", f"birth date {bf.raw!r} is not a valid YYMMDD date",
                             field="birth_date", span=bf.span, evidence={"printed": bf.raw}))
    elif not birth.complete:
        findings.append(make("MRZ307", f"birth date {bf.raw!r}: "
                             f"{'month and day' if birth.month is None else 'day'} unknown",
                             field="birth_date", span=bf.span, evidence={"printed": bf.raw}))
    if expiry is None:
        findings.append(make("MRZ301", f"expiry date {ef.raw!r} is not a valid YYMMDD date",
                             field="expiry_date", span=ef.span, evidence={"printed": ef.raw}))
    else:
        if expiry < as_of:
            findings.append(make("MRZ302", f"expired on {expiry.isoformat()}",
                                 field="expiry_date", span=ef.span,
                                 evidence={"expiry": expiry.isoformat(),
                                           "as_of": as_of.isoformat()}))
        max_years = MAX_VALIDITY_YEARS.get(fields["document_code"].raw[:1])
        if max_years is not None:
            start, basis = (issue_date, "issue date") if issue_date else (as_of, "reference date")
            years = _years_between(start, expiry)
            if years > max_years + 0.1:
                findings.append(make(
                    "MRZ306", f"expires {years:.1f} years after the {basis}; documents of type "
                    f"{fields['document_code'].raw[:1]} are issued for at most {max_years}",
                    field="expiry_date", span=ef.span,
                    evidence={"measured_years": round(years, 2), "threshold_years": max_years,
                              "from": basis}))
    if birth is None:
        return
    limit, what = (issue_date, "issue date") if issue_date else (as_of, "reference date")
    if birth.earliest() > limit:
        findings.append(make("MRZ304", f"born {birth.iso()}, after the {what} "
                             f"{limit.isoformat()}", field="birth_date", span=bf.span,
                             evidence={"birth": birth.iso(), what.replace(" ", "_"):
                                       limit.isoformat()}))
    if expiry is not None:
        nearest = decode_birth(bf.raw, as_of)
        if nearest is not None and nearest.earliest() > expiry:
            findings.append(make(
                "MRZ303", f"expiry {expiry.isoformat()} is before the nearest reading of the "
                f"birth date {nearest.iso()}; read as {birth.iso()} instead",
                field="expiry_date", span=ef.span,
                evidence={"nearest_birth": nearest.iso(), "decoded_birth": birth.iso(),
                          "expiry": expiry.isoformat()}))
    age = _years_between(birth.latest(), as_of)
    if age > MAX_AGE_YEARS:
        findings.append(make("MRZ305", f"the holder would be {age:.0f} years old on "
                             f"{as_of.isoformat()}", field="birth_date", span=bf.span,
                             evidence={"measured_years": round(age, 1),
                                       "threshold_years": MAX_AGE_YEARS}))
