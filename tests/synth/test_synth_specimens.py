"""The fictional reference specimens and the renderer behind them (docfraud.synth)."""

from __future__ import annotations

import sys
import tomllib
from dataclasses import replace
from datetime import date
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from docfraud.mrz import parse
from docfraud.synth import Holder, Variant, format_date, get_design, render_document, render_side

ROOT = Path(__file__).resolve().parents[2]
LIBRARY = ROOT / "reference_specimens"
IDS = ["UTO/P-2024", "UTO/V-2024", "ZZA/ID-2023"]
AS_OF = date(2026, 1, 1)
KINDS = {"portrait", "ghost_portrait", "mrz", "viz_field", "background", "microprint", "static_text",
         "ove", "uv_pattern", "uv_dull", "ir_visible", "ir_dropout"}
MRZ_FIELDS = {"surname", "given_names", "document_number", "birth_date", "sex", "nationality",
              "expiry_date"}


def load(sid: str) -> tuple[dict, dict]:
    folder = LIBRARY / sid
    spec = tomllib.loads((folder / "specimen.toml").read_text(encoding="utf-8"))
    images = {s["name"]: {light: np.asarray(Image.open(folder / s[light]), np.float32) / 255.0
                          for light in ("white", "ir", "uv")} for s in spec["sides"]}
    return spec, images


def crop(img: np.ndarray, rect: list[float], dpi: int) -> np.ndarray:
    s = dpi / 25.4
    x, y, w, h = rect
    return img[int(round(y * s)):int(round((y + h) * s)), int(round(x * s)):int(round((x + w) * s))]


def zones(spec: dict, kind: str) -> list[dict]:
    return [z for z in spec["zones"] if z["kind"] == kind]


def side_of(spec: dict, z: dict) -> str:
    return z.get("side", spec["sides"][0]["name"])


@pytest.mark.parametrize("sid", IDS)
def test_specimen_has_zones_and_images(sid: str) -> None:
    spec, images = load(sid)
    design = get_design(sid)
    assert spec["format_version"] == 1 and spec["fictional"] is True
    assert (spec["issuer"], spec["mrz_format"]) == (design.issuer, design.mrz_format)
    w, h = spec["size_mm"]
    shape = (round(h / 25.4 * spec["dpi"]), round(w / 25.4 * spec["dpi"]))
    for side in images.values():
        assert side["white"].shape == shape + (3,)
        assert side["ir"].shape == shape
        assert side["uv"].shape == shape + (3,)
    ids = [z["id"] for z in spec["zones"]]
    assert len(ids) == len(set(ids))
    assert KINDS <= {z["kind"] for z in spec["zones"]}
    assert MRZ_FIELDS <= {z["mrz_field"] for z in zones(spec, "viz_field")}
    for z in spec["zones"]:
        x, y, zw, zh = z["rect_mm"]
        assert 0 <= x and 0 <= y and x + zw <= w + 1e-6 and y + zh <= h + 1e-6, z["id"]
        if z["kind"] in ("microprint", "static_text"):
            assert z["params"]["text"]
        if z["kind"] == "viz_field" and z["mrz_field"].endswith("_date"):
            assert z["params"]["date_format"]
    for f in (LIBRARY / sid).glob("*.png"):
        assert f.stat().st_size < 1_500_000, f


@pytest.mark.parametrize("sid", IDS)
def test_sample_mrz_parses_and_agrees_with_viz(sid: str) -> None:
    design = get_design(sid)
    m = parse(design.mrz(design.sample), as_of=AS_OF)
    assert m.valid and m.format == design.mrz_format
    assert m.value("surname") == design.sample.surname
    spec, _ = load(sid)
    for z in zones(spec, "viz_field"):
        if z["mrz_field"] in ("birth_date", "expiry_date"):
            printed = format_date(getattr(design.sample, z["mrz_field"]), z["params"]["date_format"])
            value = m.value(z["mrz_field"])
            assert printed == format_date(date(value.year, value.month, value.day), z["params"]["date_format"])


@pytest.mark.parametrize("sid", IDS)
def test_ir_and_uv_behaviour(sid: str) -> None:
    spec, images = load(sid)
    dpi = spec["dpi"]
    for z in zones(spec, "ir_dropout"):
        side = images[side_of(spec, z)]
        assert np.percentile(crop(side["ir"], z["rect_mm"], dpi), 1) > 0.85, z["id"]
        assert np.percentile(crop(side["white"], z["rect_mm"], dpi).mean(-1), 1) < 0.75, z["id"]
    for z in zones(spec, "ir_visible"):
        assert np.percentile(crop(images[side_of(spec, z)]["ir"], z["rect_mm"], dpi), 1) < 0.2, z["id"]
    for z in zones(spec, "uv_dull"):
        assert crop(images[side_of(spec, z)]["uv"], z["rect_mm"], dpi).max(-1).mean() < 0.25, z["id"]
    for z in zones(spec, "uv_pattern"):
        uv = crop(images[side_of(spec, z)]["uv"], z["rect_mm"], dpi).max(-1)
        assert np.percentile(uv, 99) > 0.8, z["id"]


def test_builder_is_deterministic_and_matches_the_library(tmp_path: Path) -> None:
    sys.path.insert(0, str(ROOT / "tools"))
    try:
        import build_specimens
    finally:
        sys.path.pop(0)
    build_specimens.build("ZZA/ID-2023", tmp_path / "a")
    build_specimens.build("ZZA/ID-2023", tmp_path / "b")
    for f in sorted((tmp_path / "a" / "ZZA/ID-2023").iterdir()):
        assert f.read_bytes() == (tmp_path / "b" / "ZZA/ID-2023" / f.name).read_bytes(), f.name
        committed = LIBRARY / "ZZA/ID-2023" / f.name
        if f.suffix == ".toml":
            assert f.read_text() == committed.read_text()
        else:  # pixels, not bytes: zlib and FreeType builds may differ slightly
            a = np.asarray(Image.open(f), np.int16)
            b = np.asarray(Image.open(committed), np.int16)
            assert a.shape == b.shape and np.mean(np.abs(a - b) > 2) < 1e-3, f.name


def test_render_for_another_holder_and_variants() -> None:
    design = get_design("ZZA/ID-2023")
    holder = replace(design.sample, surname="Ødegård", given_names="Lív", sex="F",
                     document_number="ZX0000017", birth_date=date(1990, 12, 31), portrait_seed=5)
    doc = render_document(design, holder, sides=["back"])
    assert doc.mrz[2].startswith("OEDEGAARD<<LIV<")
    assert parse(doc.mrz, as_of=AS_OF).valid
    spec, images = load("ZZA/ID-2023")
    mrz_ir = next(z for z in spec["zones"] if z["id"] == "mrz_ir")["rect_mm"]
    genuine = doc.sides["back"]
    # an MRZ reprinted with an ink that does not absorb IR vanishes under IR
    forged = render_side(design, "back", holder, variant=Variant(inks={"mrz": {"ir": 0.0}}))
    assert np.percentile(crop(genuine.ir, mrz_ir, 300), 1) < 50
    assert np.percentile(crop(forged.ir, mrz_ir, 300), 1) > 200
    # no UV motif: the pattern zone stays dull
    uvz = next(z for z in spec["zones"] if z["id"] == "back_uv_motif")["rect_mm"]
    plain = render_side(design, "back", holder, variant=Variant(remove=frozenset({"back_uv_motif"})))
    assert np.percentile(crop(plain.uv, uvz, 300).max(-1), 99) < 100
    # a blank (security layer only) has no MRZ
    blank = render_side(design, "back", holder, variant=Variant(layers=("security",)))
    assert np.percentile(crop(blank.ir, mrz_ir, 300), 1) > 200


def test_format_date() -> None:
    assert format_date(date(2034, 4, 15), "DD MMM YYYY") == "15 APR 2034"
    assert format_date(date(2033, 6, 11), "DD.MM.YYYY") == "11.06.2033"
    assert isinstance(Holder("A", "B", "X", "UTO", date(2000, 1, 1), "F", date(2030, 1, 1)).value("sex"), str)
