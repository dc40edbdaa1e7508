"""Read MRZs from images: recognise, correct with the MRZ's structure, parse and check.

``read_mrz(source)`` returns the best :class:`MRZReading` of an image (or None), ``find_mrzs``
every MRZ in it. A reading carries the corrected lines, the lines as recognised, the parsed and
checked MRZ (:class:`docfraud.mrz.MRZ`, whose findings include what reading found: corrections,
uncertain characters no check digit covers, ambiguity), per-character confidences and
alternatives, where the MRZ is in the image and which way up, and the time each stage took.

Never a wrong MRZ reported as valid, as far as the structure allows: a check digit that fails on
the document stays a failure, two equally good readings are an error (MRZ603), and uncertain
characters in unprotected fields are warnings (MRZ602).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np

from docfraud.errors import MRZError
from docfraud.findings import make
from docfraud.imaging.load import ImageSource, load_image
from docfraud.imaging.reader import MRZReader, RawMRZReading, default_reader
from docfraud.mrz import MRZ, parse
from docfraud.mrz.correct import Ambiguity, Correction, correct

#: Characters read below this confidence, in fields no check digit covers, are reported.
UNCERTAIN = 0.6


@dataclass
class MRZReading:
    """One MRZ read from an image."""

    lines: tuple[str, ...]
    raw_lines: tuple[str, ...]
    mrz: MRZ
    confidence: float
    char_confidences: list[list[float]]
    alternatives: list[list[list[tuple[str, float]]]] = field(repr=False)
    corrections: list[Correction]
    ambiguities: list[Ambiguity]
    quad: np.ndarray = field(repr=False)
    orientation: float
    engine: str
    timings: dict[str, float]
    raw: RawMRZReading | None = field(default=None, repr=False)

    @property
    def valid(self) -> bool:
        return self.mrz.valid

    @property
    def ambiguous(self) -> bool:
        return bool(self.ambiguities)

    def to_dict(self) -> dict[str, Any]:
        """The ``docfraud mrz check --json`` object plus what reading adds."""
        out = self.mrz.to_dict()
        out.update({
            "lines": list(self.lines),
            "raw_lines": list(self.raw_lines),
            "confidence": round(self.confidence, 4),
            "char_confidences": [[round(c, 3) for c in line] for line in self.char_confidences],
            "corrections": [{"line": c.line, "position": c.pos, "read": c.read,
                             "chosen": c.chosen, "reason": c.reason,
                             "checked_by": c.checked_by, "confidence": round(c.confidence, 3)}
                            for c in self.corrections],
            "ambiguities": [{"check": a.check, "readings": list(a.readings),
                             "positions": [list(p) for p in a.positions]}
                            for a in self.ambiguities],
            "quad": [[round(float(x), 1), round(float(y), 1)] for x, y in self.quad],
            "orientation": round(float(self.orientation), 1),
            "engine": self.engine,
            "timings_ms": {k: round(v * 1000, 1) for k, v in self.timings.items()},
        })
        return out


def _alternatives(raw: RawMRZReading) -> list[list[list[tuple[str, float]]]]:
    return [[list(ch.alternatives) for ch in line.chars] for line in raw.line_readings]


def finish(raw: RawMRZReading, as_of: date | None = None,
           timings: dict[str, float] | None = None) -> MRZReading | None:
    """Correct a raw reading with the MRZ structure, parse and check it."""
    t0 = time.perf_counter()
    alts = _alternatives(raw)
    try:
        fixed = correct(alts)
        m = parse(fixed.lines, as_of=as_of)
    except MRZError:
        return None
    extra = []
    for c in fixed.corrections:
        if c.checked_by is None:
            extra.append(make("MRZ602", f"line {c.line + 1}, position {c.pos + 1}: read "
                              f"{c.read!r}, changed to {c.chosen!r} to fit the field; no check "
                              "digit covers it", field=None, span=(c.line, c.pos, c.pos + 1),
                              evidence={"read": c.read, "chosen": c.chosen,
                                        "confidence": round(c.confidence, 3)}))
        else:
            extra.append(make("MRZ601", f"line {c.line + 1}, position {c.pos + 1}: read "
                              f"{c.read!r}, corrected to {c.chosen!r} ({c.reason}, "
                              f"{c.checked_by} check digit)", span=(c.line, c.pos, c.pos + 1),
                              evidence={"read": c.read, "chosen": c.chosen,
                                        "checked_by": c.checked_by}))
    corrected = {(c.line, c.pos) for c in fixed.corrections}
    covered = _covered(m)
    for ln, row in enumerate(fixed.confidences):
        for pos, p in enumerate(row):
            if p < UNCERTAIN and (ln, pos) not in covered and (ln, pos) not in corrected:
                ch = fixed.lines[ln][pos]
                extra.append(make("MRZ602", f"line {ln + 1}, position {pos + 1}: {ch!r} read "
                                  f"with confidence {p:.2f}; no check digit covers it",
                                  span=(ln, pos, pos + 1),
                                  evidence={"character": ch, "confidence": round(p, 3),
                                            "threshold": UNCERTAIN}))
    for a in fixed.ambiguities:
        extra.append(make("MRZ603", f"the {a.check.replace('_', ' ')} group reads equally well "
                          f"as {' or '.join(a.readings)}", field=a.check,
                          evidence={"readings": list(a.readings),
                                    "positions": [list(p) for p in a.positions]}))
    m.findings.extend(extra)
    conf = [max(p, 1e-9) for row in fixed.confidences for p in row]
    timings = dict(timings or {})
    timings["correct"] = time.perf_counter() - t0
    return MRZReading(tuple(fixed.lines), tuple(raw.lines), m,
                      float(math.exp(sum(math.log(p) for p in conf) / len(conf))),
                      fixed.confidences, alts, fixed.corrections, fixed.ambiguities, raw.quad,
                      raw.angle, raw.engine, timings, raw)


def _covered(m: MRZ) -> set[tuple[int, int]]:
    """Positions a check digit covers (data and the digit itself)."""
    out = set()
    for cd in m.check_digits.values():
        for ln, a, b in cd.over:
            out.update((ln, i) for i in range(a, b))
        out.add(cd.span[:2])
    return out


def _load(source: ImageSource) -> np.ndarray:
    return source if isinstance(source, np.ndarray) else load_image(source)


def find_mrzs(source: ImageSource, *, reader: MRZReader | None = None,
              as_of: date | None = None) -> list[MRZReading]:
    """Every MRZ in an image (path, bytes or array), best first."""
    t0 = time.perf_counter()
    img = _load(source)
    t1 = time.perf_counter()
    raws = (reader or default_reader()).find(img)
    t2 = time.perf_counter()
    out = []
    for raw in raws:
        r = finish(raw, as_of, {"load": t1 - t0, "recognise": t2 - t1})
        if r is not None:
            out.append(r)
    return out


def read_mrz(source: ImageSource, *, reader: MRZReader | None = None,
             as_of: date | None = None) -> MRZReading | None:
    """The best MRZ of an image (path, bytes or array), or None when there is none."""
    t0 = time.perf_counter()
    img = _load(source)
    t1 = time.perf_counter()
    raws = (reader or default_reader()).find(img, first_only=True)
    t2 = time.perf_counter()
    for raw in raws:
        r = finish(raw, as_of, {"load": t1 - t0, "recognise": t2 - t1})
        if r is not None:
            return r
    return None
