"""Plain data objects of a parsed MRZ."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from docfraud.findings import Finding

#: Version of the JSON object :meth:`MRZ.to_dict` produces (docs/mrz-json.md). Later versions
#: only add keys.
SCHEMA_VERSION = "1.0"


@dataclass(frozen=True, slots=True)
class Field:
    """One field: the characters as printed, the decoded value and where it stands."""

    name: str
    raw: str
    value: Any
    span: tuple[int, int, int]


@dataclass(frozen=True, slots=True)
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


@dataclass(slots=True)
class MRZ:
    """A parsed and checked MRZ.

    ``valid`` is true when no finding has severity ``error``. It says the text obeys ICAO 9303,
    never that the document is genuine: check digits are arithmetic any forger can compute.
    """

    format: str
    lines: tuple[str, ...]
    fields: dict[str, Field]
    check_digits: dict[str, CheckDigit]
    findings: list[Finding]
    normalised: list[str]
    as_of: date
    input_lines: tuple[str, ...] = field(default=())

    @property
    def valid(self) -> bool:
        return not any(f.severity == "error" for f in self.findings)

    @property
    def check_digits_pass(self) -> bool:
        return all(c.ok for c in self.check_digits.values())

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

        return {
            "schema_version": SCHEMA_VERSION,
            "format": self.format,
            "valid": self.valid,
            "lines": list(self.lines),
            "check_digits": {k: c.to_dict() for k, c in self.check_digits.items()},
            "fields": {k: plain(f.value) for k, f in self.fields.items() if k != "name"},
            "field_details": {k: {"raw": f.raw, "span": list(f.span)}
                              for k, f in self.fields.items()},
            "findings": [f.to_dict() for f in self.findings],
            "normalised": list(self.normalised),
            "as_of": self.as_of.isoformat(),
        }
