"""Plain data objects of a parsed MRZ."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from docfraud.findings import Finding

#: Version of the JSON object :meth:`MRZ.to_dict` produces (docs/mrz-json.md). Later versions
#: only add keys.
SCHEMA_VERSION = "1.0"


@dataclass(slots=True)
class Field:
    """One field: the characters as printed, the decoded value and where it stands."""

    name: str
    raw: str
    value: Any
    span: tuple[int, int, int]


@dataclass(slots=True)
class CheckDigit:
    """One check digit: printed, computed over ``over`` (spans), and whether they agree."""

    name: str
    printed: str
    computed: str | None
    ok: bool
    span: tuple[int, int, int]
    over: tuple[tuple[int, int, int], ...]
    data: str

    def to_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "printed": self.printed, "computed": self.computed,
                "span": list(self.span)}


class MRZ:
    """A parsed and checked MRZ.

    ``valid`` is true when no finding has severity ``error``. It says the text obeys ICAO 9303,
    never that the document is genuine: check digits are arithmetic any forger can compute.
    ``fields`` and ``check_digits`` are built on first access (checking thousands of MRZs a
    second should not pay for objects nobody reads).
    """

    __slots__ = ("format", "lines", "findings", "normalised", "as_of", "input_lines", "_raw",
                 "_values", "_spans", "_checks", "_fields", "_check_digits")

    def __init__(self, format: str, lines: tuple[str, ...], raw: dict[str, str],
                 values: dict[str, Any], spans: dict[str, tuple[int, int, int]],
                 checks: list[tuple], findings: list[Finding], normalised: list[str],
                 as_of: date, input_lines: tuple[str, ...] = ()) -> None:
        self.format = format
        self.lines = lines
        self.findings = findings
        self.normalised = normalised
        self.as_of = as_of
        self.input_lines = input_lines
        self._raw = raw
        self._values = values
        self._spans = spans
        self._checks = checks
        self._fields: dict[str, Field] | None = None
        self._check_digits: dict[str, CheckDigit] | None = None

    def __repr__(self) -> str:
        return f"MRZ(format={self.format!r}, lines={self.lines!r}, valid={self.valid})"

    @property
    def fields(self) -> dict[str, Field]:
        """Every field: raw text, decoded value, span."""
        if self._fields is None:
            from docfraud.mrz.names import split_name

            raw, values, spans = self._raw, self._values, self._spans
            out = {}
            for name, text in raw.items():
                if name == "name":
                    line, s0, _ = spans["name"]
                    body = text.rstrip("<")
                    cut = body.find("<<")
                    p_end = len(body) if cut < 0 else cut
                    g0 = p_end + 2 if cut >= 0 else p_end
                    surname, given = split_name(text)
                    out["name"] = Field("name", text, (surname, given), spans["name"])
                    out["surname"] = Field("surname", text[:p_end], surname,
                                           (line, s0, s0 + p_end))
                    out["given_names"] = Field("given_names", text[g0:len(body)], given,
                                               (line, s0 + g0, s0 + max(len(body), g0)))
                else:
                    out[name] = Field(name, text, values.get(name, text), spans[name])
            self._fields = out
        return self._fields

    @property
    def check_digits(self) -> dict[str, CheckDigit]:
        """Every check digit the format has, keyed by what it covers."""
        if self._check_digits is None:
            self._check_digits = {c[0]: CheckDigit(*c) for c in self._checks}
        return self._check_digits

    @property
    def valid(self) -> bool:
        return not any(f.severity == "error" for f in self.findings)

    @property
    def check_digits_pass(self) -> bool:
        return all(c[3] for c in self._checks)

    def value(self, name: str) -> Any:
        """The decoded value of a field, or ``None`` when the format has no such field."""
        f = self.fields.get(name)
        return None if f is None else f.value

    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]

    def to_dict(self) -> dict[str, Any]:
        """The JSON object documented in docs/mrz-json.md."""
        def plain(v: Any) -> Any:
            if isinstance(v, date):
                return v.isoformat()
            if hasattr(v, "iso"):
                return v.iso()
            return v

        fields = self.fields
        return {
            "schema_version": SCHEMA_VERSION,
            "format": self.format,
            "valid": self.valid,
            "lines": list(self.lines),
            "check_digits": {k: c.to_dict() for k, c in self.check_digits.items()},
            "fields": {k: plain(f.value) for k, f in fields.items() if k != "name"},
            "field_details": {k: {"raw": f.raw, "span": list(f.span)} for k, f in fields.items()},
            "findings": [f.to_dict() for f in self.findings],
            "normalised": list(self.normalised),
            "as_of": self.as_of.isoformat(),
        }
