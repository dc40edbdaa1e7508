"""Sets of generated captures, genuine and forged, with a label file (``docfraud synth``).

Every item is a document of one specimen for a random holder, genuine or forged, captured by a
simulated flatbed scan, full-page reader or phone. Files are named by item number only (no hint of
the answer): ``0007.jpg`` with ``0007.ir.jpg`` and ``0007.uv.jpg`` beside it for reader captures,
``0007-front.jpg`` / ``0007-back.jpg`` for two-sided cards. ``labels.json`` says, per item, what is
genuine and what was forged, where and how strongly, the holder's data, the MRZ and the capture.
Deterministic for a seed.
"""

from __future__ import annotations

import itertools
import json
import random
import re
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any, Callable

import cv2
import numpy as np

from docfraud import __version__
from docfraud.errors import UsageError
from docfraud.synth.artwork import SpecimenDesign, get_design
from docfraud.synth.capture import KINDS, capture
from docfraud.synth.forgery import FORGERIES, NEEDS, forge, genuine
from docfraud.synth.holders import make_holder, to_dict

AS_OF = date(2026, 11, 28)
#: Nationalities of visa holders (fictional and real states both hold visas of Utopia).
VISA_NATIONALITIES = ("ZZA", "ZZA", "FRA", "BRA", "NGA", "IND", "JPN", "UKR", "XXA")


def _pattern(number: str) -> str:
    return re.sub(r"[A-Z]", "A", re.sub(r"[0-9]", "9", number))


def holder_for(design: SpecimenDesign, rng: random.Random, as_of: date = AS_OF):
    """A random holder for a document of this design (its data fields filled as the sample's)."""
    nationality = rng.choice(VISA_NATIONALITIES) if design.mrz_format.startswith("MRV") \
        else design.issuer
    h = make_holder(rng, issuer=design.issuer, nationality=nationality, as_of=as_of,
                    validity_years=int(design.validity_years or 10),
                    number_pattern=_pattern(design.sample.document_number),
                    min_age=0 if design.mrz_format == "TD3" else 16)
    extra = {**design.sample.extra, **h.extra}
    return replace(h, extra=extra, authority=design.sample.authority,
                   optional_data="" if design.mrz_format != "TD3" else h.optional_data)


def _write(folder: Path, stem: str, img: np.ndarray, light: str, quality: int = 92) -> str:
    """Save a captured image as JPEG, as capture devices do (infrared in grey)."""
    if img.ndim == 3:
        img = cv2.cvtColor(img, cv2.COLOR_RGB2BGR)
        if light == "ir":
            img = cv2.cvtColor(img, cv2.COLOR_BGR2GRAY)
    name = f"{stem}.jpg" if light == "white" else f"{stem}.{light}.jpg"
    ok = cv2.imwrite(str(folder / name), img, [cv2.IMWRITE_JPEG_QUALITY, quality])
    if not ok:
        raise OSError(f"cannot write {folder / name}")
    return name


def make_item(design: SpecimenDesign, rng: random.Random, *, forgery: str | None,
              capture_kind: str, as_of: date = AS_OF, strength: float | None = None,
              out_dpi: float | None = None, document_number: str | None = None,
              options: dict[str, Any] | None = None, capture_strength: float | None = None
              ) -> tuple[dict[str, dict[str, np.ndarray]], dict[str, Any]]:
    """One document (genuine when ``forgery`` is None) captured by ``capture_kind``: the captured
    images per side and light, and its label. ``document_number`` overrides the holder's (a
    number reused on several documents); ``options`` go to the forgery (see ``forge``);
    ``capture_strength`` (0..1) sets how hard a phone photo's conditions are (drawn when None)."""
    holder = holder_for(design, rng, as_of)
    if document_number is not None:
        holder = replace(holder, document_number=document_number)
    seed = rng.randrange(2**31)
    if forgery is None:
        pages = genuine(design, holder, seed)
        flabel = None
        mrz = design.mrz(holder)
    else:
        pages, flabel = forge(forgery, design, holder, rng, strength, seed, **(options or {}))
        mrz = flabel.get("details", {}).get("mrz") or design.mrz(holder)
    captured: dict[str, dict[str, np.ndarray]] = {}
    caps: dict[str, Any] = {}
    for side, images in pages.items():
        ir = images["ir"]
        imgs = {"white": images["white"],
                "ir": cv2.cvtColor(ir, cv2.COLOR_GRAY2RGB) if ir.ndim == 2 else ir,
                "uv": images["uv"]}
        c = capture(capture_kind, imgs, design.dpi, rng, out_dpi, capture_strength)
        captured[side] = c.images
        caps[side] = c.label()
    lights = sorted(next(iter(captured.values())))
    label: dict[str, Any] = {
        "specimen": design.id, "genuine": forgery is None, "forgery": flabel,
        "capture": {"kind": capture_kind, "lights": lights, "sides": caps},
        "detectable_here": flabel is None or all(n in lights for n in flabel["needs"]),
        "mrz": list(mrz), "holder": to_dict(holder),
    }
    return captured, label


#: Linked groups :func:`make_set` can plant (``plant``), as a fraud network leaves them: one
#: impostor's photo pasted into several passports, one document number reused on several
#: counterfeits of different holders, one forger's MRZ font and pitch on several documents.
#: Each: (forgery type or None for a clean print, forgery options, strength).
PLANTED: dict[str, tuple[str | None, dict[str, Any], float | None]] = {
    "shared_portrait": ("portrait_substitution", {"photo_seed": 424242}, 0.6),
    "reused_number": (None, {}, None),
    "one_forger": ("mrz_font", {"forger": {"how": "both", "cap_scale": 1.03,
                                           "pitch_factor": 1.07}}, 0.5),
}


def _planted(designs: list[SpecimenDesign], plant: int, master: random.Random, count: int,
             captures: list[str], as_of: date):
    """The planted items: ``plant`` documents of each :data:`PLANTED` group, UTO/P-2024 (or
    the first passport-like design given), numbered after the regular items."""
    design = next((d for d in designs if d.id == "UTO/P-2024"), designs[0])
    i = count
    for group, (kind, options, strength) in PLANTED.items():
        grng = random.Random(master.randrange(2**63))
        number = holder_for(design, grng, as_of).document_number
        for _ in range(plant):
            i += 1
            rng = random.Random(master.randrange(2**63))
            images, label = make_item(
                design, rng, forgery=kind, capture_kind=captures[(i - 1) % len(captures)],
                as_of=as_of, strength=strength, options=options,
                document_number=number if group == "reused_number" else None)
            yield i, images, {**label, "planted": group}


def make_set(out: str | Path, *, specimens: list[str], count: int, forgeries: list[str],
             forgery_rate: float, captures: list[str], seed: int, as_of: date = AS_OF,
             progress: Callable[[int], None] | None = None, plant: int = 0) -> dict[str, Any]:
    """Write ``count`` items and ``labels.json`` into ``out``; returns the label data.

    ``plant``: after the regular items, that many documents of each linked group of
    :data:`PLANTED` (labelled ``"planted": GROUP``), for linkage analysis."""
    for kind in captures:
        if kind not in KINDS:
            raise UsageError(f"unknown capture {kind!r}; known: {', '.join(KINDS)}")
    for f in forgeries:
        if f not in FORGERIES:
            raise UsageError(f"unknown forgery {f!r}; known: {', '.join(FORGERIES)}")
    if not 0 <= forgery_rate <= 1:
        raise UsageError("--forgery-rate must be between 0 and 1")
    if count < 1 or count > 100_000:
        raise UsageError("--count must be between 1 and 100000")
    if not 0 <= plant <= 1000:
        raise UsageError("--plant must be between 0 and 1000")
    designs = []
    for sid in specimens:
        try:
            designs.append(get_design(sid))
        except KeyError as exc:
            raise UsageError(str(exc.args[0])) from None
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    items = []
    master = random.Random(seed)

    def regular():
        for i in range(1, count + 1):
            rng = random.Random(master.randrange(2**63))
            design = designs[(i - 1) % len(designs)]
            forged = bool(forgeries) and rng.random() < forgery_rate
            kind = rng.choice(forgeries) if forged else None
            cap = captures[(i - 1) % len(captures)]
            yield (i, *make_item(design, rng, forgery=kind, capture_kind=cap, as_of=as_of))

    planted_master = random.Random(seed + 1_000_003)  # the regular items stay as without plant
    planted = _planted(designs, plant, planted_master, count, captures, as_of) if plant else ()
    for i, images, label in itertools.chain(regular(), planted):  # one item in memory at a time
        name = f"{i:04d}"
        files: dict[str, dict[str, str]] = {}
        for side, imgs in images.items():
            stem = name if len(images) == 1 else f"{name}-{side}"
            files[side] = {light: _write(out, stem, img, light) for light, img in imgs.items()}
        items.append({"id": name, "files": files, **label})
        if progress:
            progress(i)
    data = {"generator": f"docfraud {__version__} synth", "seed": seed, "as_of": as_of.isoformat(),
            "specimens": specimens, "forgery_types": forgeries, "forgery_rate": forgery_rate,
            "captures": captures, "planted": plant, "needs": {k: list(v) for k, v in NEEDS.items()},
            "items": items}
    (out / "labels.json").write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n",
                                     encoding="utf-8")
    return data
