"""What a trainee is taught about each forgery type, and how hard each difficulty makes a set.

The forgery types are those of :mod:`docfraud.synth.forgery`; for each, the words a trainee sees
on the worksheet, and the finding codes of :mod:`docfraud.findings` whose ``look_at`` says what an
examiner should look at to catch it.
"""

from __future__ import annotations

from dataclasses import dataclass

from docfraud.findings import REGISTRY
from docfraud.synth.forgery import NEEDS, TYPES


@dataclass(frozen=True)
class ForgeryKind:
    type: str
    title: str  # trainee-facing, on the worksheet
    description: str  # one line, on the worksheet
    codes: tuple[str, ...]  # finding codes that catch it (their look_at: what to look at)

    def look_at(self) -> list[str]:
        """What an examiner should look at to catch this forgery (from the findings registry)."""
        return [f"{c}: {REGISTRY[c].look_at}" for c in self.codes]


KINDS: dict[str, ForgeryKind] = {k.type: k for k in (
    ForgeryKind("portrait_substitution", "Portrait substitution",
                "another photograph pasted over the holder's portrait",
                ("POR001", "POR002", "POR003")),
    ForgeryKind("viz_alteration", "Visual-zone alteration",
                "a printed data field erased and re-typed", ("VIZ002", "VIZ001", "BKG001")),
    ForgeryKind("mrz_alteration", "MRZ alteration",
                "the machine-readable zone re-printed with other data", ("VIZ001", "TYP003")),
    ForgeryKind("mrz_font", "MRZ in the wrong font or pitch",
                "the MRZ re-printed in a font that is not OCR-B, or at the wrong spacing",
                ("TYP001", "TYP002")),
    ForgeryKind("reprint", "Counterfeit reprint",
                "the whole page printed anew: fine lines lost, a dot screen, wrong paper",
                ("BKG001", "BKG002", "MIC001", "BKG005", "BKG006", "BKG007", "BKG003",
                 "UV001")),
    ForgeryKind("uv_failure", "UV failure",
                "wrong paper or missing fluorescent motif under ultraviolet light",
                ("UV001", "UV002")),
    ForgeryKind("ir_failure", "IR failure",
                "data or MRZ printed with ink that does not absorb infrared", ("IR001",)),
    ForgeryKind("layout_shift", "Layout shift",
                "a field, the portrait or the MRZ printed out of its place",
                ("LAY001", "TYP004", "LAY002")),
    ForgeryKind("viz_mrz_mismatch", "Visual zone disagrees with the MRZ",
                "a clean print whose data page says something else than its MRZ", ("VIZ001",)),
)}
assert set(KINDS) == set(TYPES), "every forgery type of docfraud.synth needs a training entry"


@dataclass(frozen=True)
class Difficulty:
    name: str
    strength: tuple[float, float]  # forgery strength drawn from this range (0 subtle .. 1 crude)
    phone: tuple[float, float]  # phone-photo conditions drawn from this range (0 easy .. 1 hard)
    description: str


DIFFICULTIES: dict[str, Difficulty] = {d.name: d for d in (
    Difficulty("easy", (0.65, 1.0), (0.15, 0.4),
               "crude forgeries (strength 0.65-1), good phone photos"),
    Difficulty("mixed", (0.0, 1.0), (0.2, 1.0), "forgeries of any strength, any phone photo"),
    Difficulty("hard", (0.0, 0.35), (0.6, 1.0),
               "careful forgeries (strength 0-0.35), difficult phone photos"),
)}


def needs(kind: str) -> tuple[str, ...]:
    """The lights (ir, uv) a forgery type's flaws need to be seen."""
    return NEEDS[kind]
