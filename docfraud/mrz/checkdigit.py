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

# For speed, the weighted value of every character at each of the three weight phases.
_WEIGHTED = [{c: v * w for c, v in VALUES.items()} for w in WEIGHTS]


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
    w0, w1, w2 = _WEIGHTED
    total = 0
    try:
        for i in range(0, len(data), 3):
            total += w0[data[i]]
            if i + 1 < len(data):
                total += w1[data[i + 1]]
            if i + 2 < len(data):
                total += w2[data[i + 2]]
    except KeyError as exc:
        raise ValueError(f"{exc.args[0]!r} is not an MRZ character") from None
    return str(total % 10)


def compute_lenient(data: str) -> str | None:
    """Like :func:`compute`, but ``None`` where ``data`` holds a character outside the alphabet."""
    try:
        return compute(data)
    except ValueError:
        return None


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
