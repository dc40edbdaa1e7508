"""Build an MRZ from fields, for test data and training material.

Names are transliterated and truncated as ICAO 9303 Part 3 prescribes; check digits are computed.

>>> from datetime import date
>>> lines = generate("TD3", document_code="P", issuing_state="UTO", surname="Eriksson",
...                  given_names="Anna María", document_number="L898902C3", nationality="UTO",
...                  birth_date=date(1974, 8, 12), sex="F", expiry_date=date(2012, 4, 15),
...                  optional_data="ZE184226B")
>>> print("\\n".join(lines))
P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<
L898902C36UTO7408122F1204159ZE184226B<<<<<10
"""

from __future__ import annotations

from dataclasses import dataclass, fields as dc_fields
from datetime import date
from typing import Any

from docfraud.errors import MRZFieldError
from docfraud.mrz.checkdigit import ALPHABET, compute
from docfraud.mrz.dates import PartialDate
from docfraud.mrz.formats import FORMATS
from docfraud.mrz.names import encode_name

_ALPHABET = frozenset(ALPHABET)


@dataclass
class MRZFields:
    """The values an MRZ is built from (the JSON input of ``docfraud mrz generate``)."""

    format: str = "TD3"
    document_code: str = "P"
    issuing_state: str = "UTO"
    surname: str = ""
    given_names: str = ""
    document_number: str = ""
    nationality: str = "UTO"
    birth_date: date | PartialDate | str | None = None
    sex: str = "<"
    expiry_date: date | str | None = None
    optional_data: str = ""
    optional_data_2: str = ""
    umlauts: str = "expand"

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> MRZFields:
        known = {f.name for f in dc_fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise MRZFieldError(f"unknown field(s): {', '.join(unknown)}; known: "
                                f"{', '.join(sorted(known))}")
        return cls(**data)


def _text(value: str, width: int, what: str, *, pad_left: bool = False) -> str:
    value = value.upper().replace(" ", "<")
    bad = sorted({c for c in value if c not in _ALPHABET})
    if bad:
        raise MRZFieldError(f"{what} {value!r} holds {', '.join(map(repr, bad))}: only A-Z, "
                            "0-9 and '<' can stand in the MRZ")
    if len(value) > width:
        raise MRZFieldError(f"{what} {value!r} is longer than its {width} characters")
    return value.rjust(width, "<") if pad_left else value.ljust(width, "<")


def _date(value: date | PartialDate | str | None, what: str, *, partial: bool) -> str:
    if value is None or value == "":
        if partial:
            return "<<<<<<"
        raise MRZFieldError(f"{what} is required")
    if isinstance(value, str):
        v = value.strip()
        if len(v) == 6 and v[:2].isdigit():
            return v
        try:
            value = date.fromisoformat(v)
        except ValueError:
            if partial and len(v) == 10 and v[4] == "-" and v[:4].isdigit():
                y, m, d = v.split("-")
                value = PartialDate(int(y), None if m in ("XX", "00") else int(m),
                                    None if d in ("XX", "00") else int(d))
            else:
                raise MRZFieldError(f"{what} {value!r} is neither YYMMDD nor YYYY-MM-DD") from None
    if isinstance(value, PartialDate):
        if not partial:
            raise MRZFieldError(f"{what} must be a complete date")
        mm = f"{value.month:02d}" if value.month else "<<"
        dd = f"{value.day:02d}" if value.day else "<<"
        return f"{value.year % 100:02d}{mm}{dd}"
    return value.strftime("%y%m%d")


def generate(format: str = "TD3", **values: Any) -> list[str]:
    """The MRZ lines for the given format and field values (see :class:`MRZFields`).

    Document numbers longer than 9 characters are written as ICAO 9303 Parts 5 and 6 allow for
    TD1 and TD2 (filler in the check-digit position, the rest in the optional data).
    """
    f = MRZFields.from_dict({"format": format, **values})
    if f.format not in FORMATS:
        raise MRZFieldError(f"format {f.format!r} is not one of {', '.join(FORMATS)}")
    fmt = FORMATS[f.format]
    code = _text(f.document_code, 2, "document code")
    issuer = _text(f.issuing_state, 3, "issuing state")
    nationality = _text(f.nationality, 3, "nationality")
    sex = _text(f.sex or "<", 1, "sex")
    birth = _date(f.birth_date, "birth date", partial=True)
    expiry = _date(f.expiry_date, "expiry date", partial=False)
    number = f.document_number.upper().replace(" ", "")
    if not number:
        raise MRZFieldError("document number is required")

    opt_width = {"TD1": 15, "TD2": 7, "TD3": 14, "MRV-A": 16, "MRV-B": 8}[fmt.name]
    optional = f.optional_data.upper().replace(" ", "<")
    if len(number) > 9:
        if not fmt.long_number:
            raise MRZFieldError(f"document number {number!r} is longer than 9 characters, which "
                                f"{fmt.name} cannot hold")
        tail = number[9:] + compute(_text(number, len(number), "document number"))
        doc_field, doc_check = number[:9], "<"
        optional = tail + "<" + optional if optional else tail
    else:
        doc_field = _text(number, 9, "document number")
        doc_check = compute(doc_field)
    optional = _text(optional, opt_width, "optional data")

    if fmt.name == "TD1":
        name = encode_name(f.surname, f.given_names, 30, umlauts=f.umlauts)
        opt2 = _text(f.optional_data_2, 11, "optional data 2")
        line1 = code + issuer + _text(doc_field, 9, "document number") + doc_check + optional
        line2 = birth + compute(birth) + sex + expiry + compute(expiry) + nationality + opt2
        line2 += compute(line1[5:30] + line2[0:7] + line2[8:15] + line2[18:29])
        return [line1, line2, name]
    name = encode_name(f.surname, f.given_names, fmt.length - 5, umlauts=f.umlauts)
    line1 = code + issuer + name
    line2 = (_text(doc_field, 9, "document number") + doc_check + nationality + birth
             + compute(birth) + sex + expiry + compute(expiry))
    if fmt.name == "TD3":
        opt_check = "<" if not optional.strip("<") else compute(optional)
        line2 += optional + opt_check
        line2 += compute(line2[0:10] + line2[13:20] + line2[21:43])
    elif fmt.name == "TD2":
        line2 += optional
        line2 += compute(line2[0:10] + line2[13:20] + line2[21:35])
    else:
        line2 += optional
    return [line1, line2]
