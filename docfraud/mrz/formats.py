"""The five ICAO 9303 MRZ formats, as data: line count, line length and field layout.

Spans are 0-based ``(line, start, end)`` with ``end`` exclusive.

>>> FORMATS["TD3"].lines, FORMATS["TD3"].length
(2, 44)
>>> FORMATS["TD1"].field("birth_date").span
(1, 0, 6)
>>> detect(["P<UTO" + "<" * 39, "L" * 44]), detect(["V<UTO" + "<" * 31, "L" * 36])
('TD3', 'MRV-B')
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from docfraud.errors import MRZFormatError


@dataclass(frozen=True)
class FieldSpec:
    """Where a field stands and what kind of value it holds."""

    name: str
    line: int
    start: int
    end: int
    kind: str  # code, country, name, number, date, sex, optional, check
    span: tuple[int, int, int]


@dataclass(frozen=True)
class CheckSpec:
    """A check digit: its position and the spans of the data it covers."""

    name: str
    line: int
    pos: int
    over: tuple[tuple[int, int, int], ...]


@dataclass(frozen=True)
class Format:
    name: str
    lines: int
    length: int
    document_types: str  # allowed first characters of the document code
    fields: tuple[FieldSpec, ...]
    checks: tuple[CheckSpec, ...]
    reference: str
    long_number: bool  # whether a document number longer than 9 characters may continue

    @cached_property
    def spans(self) -> dict[str, tuple[int, int, int]]:
        """Each field's span, by name (shared: copy before changing)."""
        return {f.name: f.span for f in self.fields}

    @cached_property
    def check_plan(self) -> tuple[tuple, ...]:
        """The check digits as plain tuples (name, line, pos, over, the single span or None)."""
        return tuple((c.name, c.line, c.pos, c.over, c.over[0] if len(c.over) == 1 else None)
                     for c in self.checks)

    def field(self, name: str) -> FieldSpec:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(name)


def _f(name: str, line: int, start: int, end: int, kind: str) -> FieldSpec:
    return FieldSpec(name, line, start, end, kind, (line, start, end))


_TD1 = Format(
    "TD1", 3, 30, "ACI",
    (
        _f("document_code", 0, 0, 2, "code"),
        _f("issuing_state", 0, 2, 5, "country"),
        _f("document_number", 0, 5, 14, "number"),
        _f("optional_data_1", 0, 15, 30, "optional"),
        _f("birth_date", 1, 0, 6, "date"),
        _f("sex", 1, 7, 8, "sex"),
        _f("expiry_date", 1, 8, 14, "date"),
        _f("nationality", 1, 15, 18, "country"),
        _f("optional_data_2", 1, 18, 29, "optional"),
        _f("name", 2, 0, 30, "name"),
    ),
    (
        CheckSpec("document_number", 0, 14, ((0, 5, 14),)),
        CheckSpec("birth_date", 1, 6, ((1, 0, 6),)),
        CheckSpec("expiry_date", 1, 14, ((1, 8, 14),)),
        CheckSpec("composite", 1, 29, ((0, 5, 30), (1, 0, 7), (1, 8, 15), (1, 18, 29))),
    ),
    "ICAO 9303-5", True,
)

_TD2 = Format(
    "TD2", 2, 36, "ACI",
    (
        _f("document_code", 0, 0, 2, "code"),
        _f("issuing_state", 0, 2, 5, "country"),
        _f("name", 0, 5, 36, "name"),
        _f("document_number", 1, 0, 9, "number"),
        _f("nationality", 1, 10, 13, "country"),
        _f("birth_date", 1, 13, 19, "date"),
        _f("sex", 1, 20, 21, "sex"),
        _f("expiry_date", 1, 21, 27, "date"),
        _f("optional_data", 1, 28, 35, "optional"),
    ),
    (
        CheckSpec("document_number", 1, 9, ((1, 0, 9),)),
        CheckSpec("birth_date", 1, 19, ((1, 13, 19),)),
        CheckSpec("expiry_date", 1, 27, ((1, 21, 27),)),
        CheckSpec("composite", 1, 35, ((1, 0, 10), (1, 13, 20), (1, 21, 35))),
    ),
    "ICAO 9303-6", True,
)

_TD3 = Format(
    "TD3", 2, 44, "P",
    (
        _f("document_code", 0, 0, 2, "code"),
        _f("issuing_state", 0, 2, 5, "country"),
        _f("name", 0, 5, 44, "name"),
        _f("document_number", 1, 0, 9, "number"),
        _f("nationality", 1, 10, 13, "country"),
        _f("birth_date", 1, 13, 19, "date"),
        _f("sex", 1, 20, 21, "sex"),
        _f("expiry_date", 1, 21, 27, "date"),
        _f("optional_data", 1, 28, 42, "optional"),
    ),
    (
        CheckSpec("document_number", 1, 9, ((1, 0, 9),)),
        CheckSpec("birth_date", 1, 19, ((1, 13, 19),)),
        CheckSpec("expiry_date", 1, 27, ((1, 21, 27),)),
        CheckSpec("optional_data", 1, 42, ((1, 28, 42),)),
        CheckSpec("composite", 1, 43, ((1, 0, 10), (1, 13, 20), (1, 21, 43))),
    ),
    "ICAO 9303-4", False,
)


def _mrv(name: str, length: int) -> Format:
    return Format(
        name, 2, length, "V",
        (
            _f("document_code", 0, 0, 2, "code"),
            _f("issuing_state", 0, 2, 5, "country"),
            _f("name", 0, 5, length, "name"),
            _f("document_number", 1, 0, 9, "number"),
            _f("nationality", 1, 10, 13, "country"),
            _f("birth_date", 1, 13, 19, "date"),
            _f("sex", 1, 20, 21, "sex"),
            _f("expiry_date", 1, 21, 27, "date"),
            _f("optional_data", 1, 28, length, "optional"),
        ),
        (
            CheckSpec("document_number", 1, 9, ((1, 0, 9),)),
            CheckSpec("birth_date", 1, 19, ((1, 13, 19),)),
            CheckSpec("expiry_date", 1, 27, ((1, 21, 27),)),
        ),
        "ICAO 9303-7", False,
    )


FORMATS: dict[str, Format] = {
    "TD1": _TD1, "TD2": _TD2, "TD3": _TD3, "MRV-A": _mrv("MRV-A", 44), "MRV-B": _mrv("MRV-B", 36),
}


# (line count, length) -> (format, format when the first character is V)
_EXACT = {(3, 30): ("TD1", "TD1"), (2, 36): ("TD2", "MRV-B"), (2, 44): ("TD3", "MRV-A")}


def detect(lines: list[str]) -> str:
    """The format name for cleaned lines, judged by line count, lengths and the first character.

    Lines of slightly wrong length still get a format (the nearest); the parser reports the
    length defect. Text that fits no format raises :class:`MRZFormatError`.
    """
    n = len(lines)
    if n and lines[0]:
        width = len(lines[0])
        exact = _EXACT.get((n, width))
        if exact is not None and len(lines[1]) == width and len(lines[-1]) == width:
            return exact[lines[0][0] == "V"]
    longest = max((len(line) for line in lines), default=0)
    if n == 3 and 26 <= longest <= 34:
        return "TD1"
    if n == 2 and 32 <= longest <= 48:
        visa = lines[0][:1] == "V"
        if longest <= 40:
            return "MRV-B" if visa else "TD2"
        return "MRV-A" if visa else "TD3"
    lengths = ", ".join(str(len(line)) for line in lines) or "no"
    raise MRZFormatError(
        f"{n} line(s) of {lengths} characters fit no MRZ format "
        "(TD1: 3 x 30, TD2 and MRV-B: 2 x 36, TD3 and MRV-A: 2 x 44)")
