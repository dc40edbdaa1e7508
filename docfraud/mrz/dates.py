"""MRZ dates (YYMMDD) and the century rule.

Two-digit years are resolved against a reference date ``as_of`` (the day of the check):

* **expiry** dates look forward: the year is taken in the window
  ``as_of.year - 79 .. as_of.year + 20``, since no document is issued for more than twenty years;
* **birth** dates are never in the future: the latest century that puts the birth on or before
  ``as_of``; and if that birth would fall after the document's expiry, one century earlier
  (a holder born in 1912 of a document that expired in 2011, not one born in 2012).

A birth date whose day, or month and day, are unknown is written with ``<<`` in their place
(ICAO 9303 Part 3, section 4.8); it decodes to a :class:`PartialDate`.

>>> from datetime import date
>>> expiry_year(12, date(2026, 11, 28)), expiry_year(46, date(2026, 11, 28)), expiry_year(47, date(2026, 11, 28))
(2012, 2046, 1947)
>>> decode_birth("740812", date(2026, 11, 28))
PartialDate(year=1974, month=8, day=12)
>>> decode_birth("121212", date(2026, 11, 28), expiry=date(2011, 6, 29)).year
1912
>>> decode_birth("7408<<", date(2026, 11, 28)).iso()
'1974-08-XX'
"""

from __future__ import annotations

import calendar
from datetime import date
from typing import NamedTuple


class PartialDate(NamedTuple):
    """A date whose month or day may be unknown (``None``)."""

    year: int
    month: int | None
    day: int | None

    @property
    def complete(self) -> bool:
        return self.month is not None and self.day is not None

    def earliest(self) -> date:
        """The earliest day this date can stand for."""
        return date(self.year, self.month or 1, self.day or 1)

    def latest(self) -> date:
        """The latest day this date can stand for."""
        month = self.month or 12
        day = self.day or calendar.monthrange(self.year, month)[1]
        return date(self.year, month, day)

    def iso(self) -> str:
        """ISO 8601 text, unknown parts as ``XX``."""
        m = f"{self.month:02d}" if self.month else "XX"
        d = f"{self.day:02d}" if self.day else "XX"
        return f"{self.year:04d}-{m}-{d}"


def _parts(raw: str, allow_unknown: bool) -> tuple[int, int | None, int | None] | None:
    """Split YYMMDD into numbers; ``None`` where it is not a date of that shape."""
    if raw.isdigit() and len(raw) == 6:  # the common case
        month = int(raw[2:4])
        return (int(raw[:2]), month, int(raw[4:])) if 1 <= month <= 12 else None
    if len(raw) != 6 or not raw[:2].isdigit():
        return None
    mm, dd = raw[2:4], raw[4:6]
    if allow_unknown and mm == "<<" and dd == "<<":
        return int(raw[:2]), None, None
    if not mm.isdigit():
        return None
    month = int(mm)
    if not 1 <= month <= 12:
        return None
    if allow_unknown and dd == "<<":
        return int(raw[:2]), month, None
    if not dd.isdigit():
        return None
    return int(raw[:2]), month, int(dd)


_DAYS = (0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _valid_day(year: int, month: int | None, day: int | None) -> bool:
    if month is None or day is None:
        return True
    if month == 2 and day == 29:
        return calendar.isleap(year)
    return 1 <= day <= _DAYS[month]


def expiry_year(yy: int, as_of: date) -> int:
    """The four-digit expiry year for ``yy``: within ``as_of.year - 79 .. as_of.year + 20``."""
    year = (as_of.year + 20) // 100 * 100 + yy
    if year > as_of.year + 20:
        year -= 100
    return year


def decode_expiry(raw: str, as_of: date) -> date | None:
    """The expiry date, or ``None`` when ``raw`` is not a valid YYMMDD date."""
    parts = _parts(raw, allow_unknown=False)
    if parts is None:
        return None
    yy, month, day = parts
    year = expiry_year(yy, as_of)
    if not _valid_day(year, month, day):
        return None
    return date(year, month, day)  # type: ignore[arg-type]


def decode_birth(raw: str, as_of: date, expiry: date | None = None) -> PartialDate | None:
    """The birth date, or ``None`` when ``raw`` is not a valid date (see the century rule)."""
    parts = _parts(raw, allow_unknown=True)
    if parts is None:
        return None
    yy, month, day = parts
    year = as_of.year // 100 * 100 + yy
    key = (month or 1, day or 1)
    if (year, *key) > (as_of.year, as_of.month, as_of.day):
        year -= 100
    if expiry is not None and (year, *key) > (expiry.year, expiry.month, expiry.day):
        year -= 100
    if not _valid_day(year, month, day):
        return None
    return PartialDate(year, month, day)
