"""The examination report as JSON (schema: docs/schema/examination.schema.json)."""

from __future__ import annotations

import re
from typing import Any

from docfraud import __version__
from docfraud.examine.model import Examination

SCHEMA_VERSION = "1.0"
MASK = "█"


def personal_strings(ex: Examination) -> list[str]:
    """The holder's personal data as it may appear in strings (longest first)."""
    out: set[str] = set()
    m = ex.mrz
    if m is not None:
        for name in ("surname", "given_names", "document_number", "optional_data",
                     "optional_data_1", "optional_data_2"):
            v = m.value(name)
            if v:
                out.add(str(v))
                out.update(w for w in str(v).split() if len(w) >= 3)
        for name in ("birth_date", "expiry_date", "document_number"):
            f = m.fields.get(name)
            if f is not None and f.raw.strip("<"):
                out.add(f.raw.strip("<"))
            v = m.value(name)
            if hasattr(v, "iso"):
                out.add(v.iso())
            elif hasattr(v, "isoformat"):
                out.add(v.isoformat())
        for name in ("name",):
            f = m.fields.get(name)
            if f is not None:
                out.update(part for part in re.split("<+", f.raw) if len(part) >= 2)
        for line in m.lines:
            out.add(line)
        if ex.reading is not None:
            out.update(getattr(ex.reading, "raw_lines", ()))
    for f in ex.findings:  # what a visual-zone comparison read or expected
        if not f.code.startswith("VIZ"):
            continue
        for key in ("read", "mrz", "expected", "mrz_expiry"):
            v = f.evidence.get(key)
            if isinstance(v, str) and len(v) >= 2:
                out.add(v)
    return sorted((s for s in out if s), key=len, reverse=True)


def scrub(value: Any, secrets: list[str]) -> Any:
    """``value`` with every secret string masked, recursively."""
    if isinstance(value, str):
        for s in secrets:
            if s in value:
                value = value.replace(s, MASK * min(len(s), 8))
        return value
    if isinstance(value, dict):
        return {k: scrub(v, secrets) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [scrub(v, secrets) for v in value]
    return value


def to_dict(ex: Examination, *, redact: bool = False) -> dict[str, Any]:
    """The report object (docs/examination.md)."""
    mrz = ex.mrz.to_dict() if ex.mrz is not None else None
    reading = None
    if ex.reading is not None and hasattr(ex.reading, "to_dict"):
        r = ex.reading.to_dict()
        reading = {k: r[k] for k in ("raw_lines", "confidence", "corrections", "ambiguities",
                                     "quad", "orientation", "engine", "timings_ms") if k in r}
    out = {
        "schema_version": SCHEMA_VERSION,
        "docfraud_version": __version__,
        "capture": {"name": ex.name, "lights": list(ex.lights)},
        "verdict": ex.verdict,
        "reasons": list(ex.reasons),
        "specimen": ex.specimen,
        "side": ex.side,
        "alignment": ex.alignment,
        "capture_quality": {k: (round(v, 3) if isinstance(v, float) else v)
                            for k, v in ex.capture_quality.items()},
        "mrz": mrz,
        "reading": reading,
        "findings": [f.to_dict() for f in ex.findings],
        "coverage": ex.coverage(),
        "timings_ms": {k: round(v * 1000, 1) for k, v in ex.timings.items()},
        "redacted": redact,
    }
    if redact:
        out = scrub(out, personal_strings(ex))
        if out.get("mrz"):
            for name in ("birth_date", "expiry_date"):  # masked dates are not dates
                out["mrz"]["fields"][name] = None
        out["redacted"] = True
    return out
