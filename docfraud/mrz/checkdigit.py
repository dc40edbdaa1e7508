"""ICAO 9303 check digits: weights 7-3-1, modulus 10.

Each character has a value: ``0``-``9`` their digit, ``A``-``Z`` 10 to 35, the filler ``<`` 0.
The check digit is the sum of value times weight (7, 3, 1 repeating), modulo 10
(ICAO 9303 Part 3, section 4.9).

>>> compute("L898902C3")
'6'
>>> compute("740812")
'2'
>>> is_valid("L898902C3", "6")
True
>>> explain("520727")["sum"], explain("520727")["digit"]
(103, '3')
"""

from __future__ import annotations

from itertools import cycle, islice
from typing import Any

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ<"
WEIGHTS = (7, 3, 1)

#: value of each MRZ character; anything else has no value
VALUES: dict[str, int] = {c: (i if c != "<" else 0) for i, c in enumerate(ALPHABET)}

# For speed: a byte table from ASCII to values (255 for anything outside the alphabet), so that
# a check digit is three C-level sums over strided slices.
_TABLE = bytearray([255] * 256)
for _c, _v in VALUES.items():
    _TABLE[ord(_c)] = _v
TABLE = bytes(_TABLE)
del _TABLE, _c, _v


def to_values(text: str) -> bytes:
    """The value of each character as bytes (255 marks a character outside the alphabet)."""
    return text.encode("ascii", "replace").translate(TABLE)


def digit_of_values(values: bytes) -> str | None:
    """The check digit over characters already turned into values by :func:`to_values`."""
    if 255 in values:
        return None
    return str((7 * sum(values[0::3]) + 3 * sum(values[1::3]) + sum(values[2::3])) % 10)


def value(char: str) -> int:
    """The ICAO value of one MRZ character.

    >>> value("<"), value("7"), value("Z")
    (0, 7, 35)
    """
    try:
        return VALUES[char]
    except KeyError:
        raise ValueError(f"{char!r} is not an MRZ character") from None


def compute(data: str) -> str:
    """The check digit over ``data`` (MRZ characters only), as a one-character string.

    Characters outside the MRZ alphabet raise :class:`ValueError`.
    """
    digit = digit_of_values(to_values(data))
    if digit is None:
        bad = next(c for c in data if c not in VALUES)
        raise ValueError(f"{bad!r} is not an MRZ character")
    return digit


def compute_lenient(data: str) -> str | None:
    """Like :func:`compute`, but ``None`` where ``data`` holds a character outside the alphabet."""
    return digit_of_values(to_values(data))


def is_valid(data: str, digit: str) -> bool:
    """Whether ``digit`` is the check digit of ``data``."""
    return compute_lenient(data) == digit


def explain(data: str) -> dict[str, Any]:
    """The arithmetic written out, for teaching: values, weights, products, sum, modulo."""
    values = [value(c) for c in data]
    weights = list(islice(cycle(WEIGHTS), len(data)))
    products = [v * w for v, w in zip(values, weights)]
    total = sum(products)
    return {
        "data": data,
        "values": values,
        "weights": weights,
        "products": products,
        "sum": total,
        "digit": str(total % 10),
    }


def blind_spots() -> list[tuple[str, str]]:
    """Pairs of characters a single substitution of which no check digit can detect.

    A substitution of ``a`` by ``b`` at weight ``w`` changes the sum by ``w * (v(a) - v(b))``;
    the weights 7, 3 and 1 are all prime to 10, so it goes unseen exactly when the two values are
    congruent modulo 10 (for example ``0``, ``A``, ``K``, ``U`` and ``<``).

    >>> ("0", "A") in blind_spots()
    True
    """
    pairs = []
    for a in ALPHABET:
        for b in ALPHABET:
            if a != b and all((w * (VALUES[a] - VALUES[b])) % 10 == 0 for w in WEIGHTS):
                pairs.append((a, b))
    return pairs
