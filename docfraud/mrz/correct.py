"""Correct an OCR reading of an MRZ with its structure: field grammar and check digits.

The recogniser gives, for every character position, ranked alternatives with probabilities. This
module picks the reading:

1. **Grammar**: each position admits only some characters (digits in dates and check digits,
   letters and ``<`` in codes and names, ``M F X <`` for sex...). The best admitted alternative
   wins; where the recogniser offered none, a look-alike (``O``/``0``, ``I``/``1``, ``S``/``5``...)
   stands in.
2. **Check digits**: for each check digit and the characters it covers, when the best reading
   fails, readings that change one or two characters to plausible alternatives (probability at
   least ``min_alternative``) are tried; the most probable reading that passes wins. When two
   different passing readings are about as probable, the zone is marked **ambiguous** rather than
   one picked. When no plausible reading passes, the characters are kept as read, and the check
   digit fails: a digit really misprinted on the document is reported, not "corrected" away.

Every change is recorded, with whether a check digit vouches for it.

>>> line1 = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<"
>>> line2 = "L898902C36UTO7408122F1204159ZE184226B<<<<<10"
>>> cands = [[[(c, 0.99)] for c in line1], [[(c, 0.99)] for c in line2]]
>>> cands[1][16] = [("B", 0.6), ("8", 0.4)]   # a '8' in the birth date read as 'B'
>>> r = correct(cands)
>>> r.lines[1] == line2, [(c.read, c.chosen, c.reason) for c in r.corrections]
(True, [('B', '8', 'grammar')])
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import combinations

from docfraud.mrz.checkdigit import VALUES
from docfraud.mrz.formats import FORMATS, Format, detect

Alternatives = list[tuple[str, float]]

DIGITS = frozenset("0123456789")
LETTERS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
ALNUM = DIGITS | LETTERS

#: Characters OCR-B glyphs are commonly confused with, used only where the recogniser offered no
#: alternative the grammar admits.
LOOKALIKE_DIGIT = {"O": "0", "Q": "0", "D": "0", "U": "0", "I": "1", "L": "1", "T": "7",
                   "Z": "2", "S": "5", "G": "6", "B": "8", "A": "4", "<": "0"}
LOOKALIKE_LETTER = {"0": "O", "1": "I", "2": "Z", "5": "S", "6": "G", "8": "B", "4": "A",
                    "7": "T"}


@dataclass(frozen=True)
class Correction:
    """A character the reading changed from what the recogniser ranked first."""

    line: int
    pos: int
    read: str
    chosen: str
    reason: str  # "grammar" or "check digit"
    checked_by: str | None  # the check digit that vouches for the position, if any
    confidence: float


@dataclass(frozen=True)
class Ambiguity:
    """Positions where two readings that both pass their check digit are about as probable."""

    check: str
    readings: tuple[str, ...]
    positions: tuple[tuple[int, int], ...]


@dataclass
class CorrectedReading:
    lines: list[str]
    confidences: list[list[float]]
    corrections: list[Correction] = field(default_factory=list)
    ambiguities: list[Ambiguity] = field(default_factory=list)

    @property
    def ambiguous(self) -> bool:
        return bool(self.ambiguities)


@lru_cache(maxsize=None)
def grammar(fmt_name: str) -> tuple[tuple[frozenset[str], ...], ...]:
    """The characters each position of a format admits."""
    fmt = FORMATS[fmt_name]
    any_char = ALNUM | {"<"}
    allowed = [[any_char] * fmt.length for _ in range(fmt.lines)]
    for spec in fmt.fields:
        for i in range(spec.start, spec.end):
            if spec.kind in ("country", "name"):
                a = LETTERS | {"<"}
            elif spec.kind == "code":
                a = LETTERS if i == spec.start else LETTERS | {"<"} | DIGITS
            elif spec.kind == "date":
                a = DIGITS | {"<"} if spec.name == "birth_date" and i >= spec.start + 2 else DIGITS
            elif spec.kind == "sex":
                a = frozenset("MFX<")
            else:
                a = any_char
            allowed[spec.line][i] = frozenset(a)
    for check in fmt.checks:
        filler_ok = (check.name == "optional_data"
                     or (check.name == "document_number" and fmt.long_number))
        allowed[check.line][check.pos] = DIGITS | {"<"} if filler_ok else DIGITS
    return tuple(tuple(line) for line in allowed)


def _admit(alts: Alternatives, admitted: frozenset[str]) -> Alternatives:
    """The alternatives the grammar admits, best first; a look-alike where there is none."""
    kept = [(c, p) for c, p in alts if c in admitted]
    if kept:
        return kept
    top = alts[0][0] if alts else "<"
    for table in (LOOKALIKE_DIGIT, LOOKALIKE_LETTER):
        sub = table.get(top)
        if sub is not None and sub in admitted:
            return [(sub, alts[0][1] * 0.5 if alts else 0.5)]
    return [(top, alts[0][1] if alts else 0.0)]


def correct(candidates: list[list[Alternatives]], fmt_name: str | None = None, *,
            min_alternative: float = 0.02, ambiguity_ratio: float = 3.0,
            max_changes: int = 2) -> CorrectedReading:
    """Pick the reading of an MRZ from per-character alternatives (see the module docs).

    ``candidates[line][pos]`` lists ``(character, probability)`` best first. ``min_alternative``
    is the least probability an alternative needs to be considered against a check digit;
    ``ambiguity_ratio`` how much more probable the best passing reading must be than a different
    passing one to be picked.
    """
    top_lines = ["".join(alts[0][0] if alts else "<" for alts in line) for line in candidates]
    fmt = FORMATS[fmt_name or detect(top_lines)]
    gram = grammar(fmt.name)
    admitted: list[list[Alternatives]] = []
    lines: list[list[str]] = []
    conf: list[list[float]] = []
    corrections: list[Correction] = []
    checked_by = _coverage(fmt)
    for ln in range(fmt.lines):
        row = candidates[ln] if ln < len(candidates) else []
        adm_row, line, conf_row = [], [], []
        for pos in range(fmt.length):
            alts = row[pos] if pos < len(row) else [("<", 0.0)]
            adm = _admit(alts, gram[ln][pos])
            adm_row.append(adm)
            line.append(adm[0][0])
            conf_row.append(adm[0][1])
            if alts and adm[0][0] != alts[0][0]:
                corrections.append(Correction(ln, pos, alts[0][0], adm[0][0], "grammar",
                                              checked_by.get((ln, pos)), adm[0][1]))
        admitted.append(adm_row)
        lines.append(line)
        conf.append(conf_row)

    ambiguities: list[Ambiguity] = []
    for check in fmt.checks:
        positions = [(ln, i) for ln, a, b in check.over for i in range(a, b)]
        if check.name == "composite":
            covered = {p for c in fmt.checks if c.name != "composite"
                       for ln, a, b in c.over for p in ((ln, i) for i in range(a, b))}
            covered |= {(c.line, c.pos) for c in fmt.checks if c.name != "composite"}
            free = [p for p in positions if p not in covered]
        else:
            free = positions
        free = free + [(check.line, check.pos)]
        _fix_group(check.name, positions, (check.line, check.pos), free, lines, admitted, conf,
                   corrections, ambiguities, checked_by, min_alternative, ambiguity_ratio,
                   max_changes)
    return CorrectedReading(["".join(line) for line in lines], conf, corrections, ambiguities)


def _coverage(fmt: Format) -> dict[tuple[int, int], str]:
    """Which check digit (the most specific) covers each position."""
    out: dict[tuple[int, int], str] = {}
    for check in sorted(fmt.checks, key=lambda c: c.name != "composite"):
        for ln, a, b in check.over:
            for i in range(a, b):
                out[(ln, i)] = check.name
        out[(check.line, check.pos)] = check.name
    return out


def _digit(lines: list[list[str]], positions: list[tuple[int, int]]) -> int | None:
    total = 0
    for k, (ln, i) in enumerate(positions):
        v = VALUES.get(lines[ln][i])
        if v is None:
            return None
        total += v * (7, 3, 1)[k % 3]
    return total % 10


def _fix_group(name: str, positions: list[tuple[int, int]], check_pos: tuple[int, int],
               free: list[tuple[int, int]], lines: list[list[str]],
               admitted: list[list[Alternatives]], conf: list[list[float]],
               corrections: list[Correction], ambiguities: list[Ambiguity],
               checked_by: dict[tuple[int, int], str], min_alternative: float,
               ambiguity_ratio: float, max_changes: int) -> None:
    cl, cp = check_pos

    def passes() -> bool:
        printed = lines[cl][cp]
        d = _digit(lines, positions)
        if printed == "<":
            # a filler check digit: empty optional data, or a long document number elsewhere
            return all(lines[ln][i] == "<" for ln, i in positions) if name == "optional_data" \
                else name == "document_number"
        return d is not None and printed == str(d)

    if passes():
        return
    # options: (position, alternative character, log-probability cost against the current one)
    options = []
    for ln, i in free:
        alts = admitted[ln][i]
        p0 = max(alts[0][1], 1e-6)
        for c, p in alts[1:]:
            if p >= min_alternative and c != lines[ln][i]:
                options.append(((ln, i), c, math.log(p0) - math.log(max(p, 1e-6))))
    passing: list[tuple[float, tuple]] = []
    for k in range(1, max_changes + 1):
        for combo in combinations(options, k):
            if len({o[0] for o in combo}) < k:
                continue
            saved = [(o[0], lines[o[0][0]][o[0][1]]) for o in combo]
            for (ln, i), c, _ in combo:
                lines[ln][i] = c
            if passes():
                passing.append((sum(o[2] for o in combo), combo))
            for (ln, i), c in saved:
                lines[ln][i] = c
        if passing:
            break  # fewer changes first: a two-change reading never beats a one-change one
    if not passing:
        return
    passing.sort(key=lambda x: x[0])
    best_cost, best = passing[0]
    rivals = [(cost, combo) for cost, combo in passing[1:]
              if cost - best_cost < math.log(ambiguity_ratio)]
    if rivals:
        readings = []
        spots = sorted({o[0] for _, combo in [passing[0], *rivals] for o in combo})
        for _, combo in [passing[0], *rivals]:
            chosen = {o[0]: o[1] for o in combo}
            readings.append("".join(chosen.get(p, lines[p[0]][p[1]]) for p in spots))
        ambiguities.append(Ambiguity(name, tuple(readings), tuple(spots)))
        return
    for (ln, i), c, _ in best:
        read = lines[ln][i]
        p = next((q for ch, q in admitted[ln][i] if ch == c), 0.0)
        lines[ln][i] = c
        conf[ln][i] = p
        corrections.append(Correction(ln, i, read, c, "check digit", checked_by.get((ln, i)), p))
