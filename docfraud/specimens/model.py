"""Plain data objects of a reference specimen (see docs/specimens.md)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

#: Zone kinds and what each is (docs/specimens.md).
ZONE_KINDS: dict[str, str] = {
    "portrait": "the holder's printed portrait",
    "ghost_portrait": "the secondary, faded portrait",
    "mrz": "the machine-readable zone",
    "viz_field": "a printed data field of the visual zone",
    "background": "background pattern: guilloche, rainbow (split-fountain) printing",
    "microprint": "a line of microprinted text",
    "static_text": "text printed on every document of the series",
    "ove": "an optically variable element (hologram, OVI)",
    "uv_pattern": "a motif that fluoresces under UV light",
    "uv_dull": "an area that must stay dull under UV light",
    "ir_visible": "printed with IR-absorbing ink: stays dark in IR",
    "ir_dropout": "printed with IR-transparent ink: vanishes in IR",
    "signature": "the holder's signature",
    "barcode_2d": "a two-dimensional barcode",
}

#: The MRZ fields a visual-zone field may be tied to; ``issue_date`` is no MRZ field but the
#: MRZ's expiry date less the issuer's validity period, where the specimen states it exactly
#: (the zone's ``params.valid_years`` and ``params.valid_days``: a document issued on day D
#: expires on D plus that many years and days).
VIZ_MRZ_FIELDS = ("surname", "given_names", "document_number", "birth_date", "sex",
                  "nationality", "expiry_date", "issuing_state", "document_code",
                  "optional_data", "issue_date")

LIGHTS = ("white", "ir", "uv")


@dataclass(frozen=True)
class Side:
    """One imaged side of a document: its reference image per light (paths, None if absent)."""

    name: str
    images: dict[str, Path]

    @property
    def lights(self) -> tuple[str, ...]:
        return tuple(light for light in LIGHTS if light in self.images)


@dataclass(frozen=True)
class Zone:
    """A region of a side with a kind, the checks that apply and their parameters."""

    id: str
    kind: str
    side: str
    polygon_mm: tuple[tuple[float, float], ...]
    label: str
    checks: tuple[str, ...] = ()
    params: dict[str, Any] = field(default_factory=dict)
    mrz_field: str | None = None

    @property
    def bbox_mm(self) -> tuple[float, float, float, float]:
        """(x, y, width, height) of the zone's bounding box."""
        xs = [p[0] for p in self.polygon_mm]
        ys = [p[1] for p in self.polygon_mm]
        return (min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys))


@dataclass(frozen=True)
class Specimen:
    """A reference specimen: one document type and series."""

    id: str
    path: Path
    issuer: str
    document_code: str
    mrz_format: str
    name: str
    size_mm: tuple[float, float]
    dpi: float
    sides: tuple[Side, ...]
    zones: tuple[Zone, ...]
    validity_years: float | None = None
    series_from: date | None = None
    series_to: date | None = None
    fictional: bool = False
    format_version: int = 1
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def px_per_mm(self) -> float:
        return self.dpi / 25.4

    @property
    def size_px(self) -> tuple[int, int]:
        """(width, height) of the reference images in pixels."""
        return (round(self.size_mm[0] * self.px_per_mm), round(self.size_mm[1] * self.px_per_mm))

    def side(self, name: str) -> Side:
        for s in self.sides:
            if s.name == name:
                return s
        raise KeyError(name)

    def zones_of(self, side: str | None = None, kind: str | None = None) -> list[Zone]:
        return [z for z in self.zones if (side is None or z.side == side)
                and (kind is None or z.kind == kind)]

    def zone(self, zone_id: str) -> Zone:
        for z in self.zones:
            if z.id == zone_id:
                return z
        raise KeyError(zone_id)

    @property
    def mrz_side(self) -> str | None:
        """The side that carries the MRZ."""
        mrz = self.zones_of(kind="mrz")
        return mrz[0].side if mrz else None

    def matches(self, issuer: str, document_code: str, mrz_format: str) -> bool:
        """Whether an MRZ of this issuer, document code and format may belong to this type."""
        return (issuer.rstrip("<") == self.issuer and mrz_format == self.mrz_format
                and document_code.rstrip("<").startswith(self.document_code.rstrip("<")))
