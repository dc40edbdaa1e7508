"""Forgeries change what their label says, where it says; generated sets are deterministic."""

from __future__ import annotations

import json
import random
from datetime import date

import numpy as np
import pytest

from docfraud.cli import main
from docfraud.mrz import parse
from docfraud.specimens import Library
from docfraud.synth.artwork import get_design
from docfraud.synth.dataset import holder_for, make_set
from docfraud.synth.forgery import FORGERIES, forge, genuine

SPEC = "UTO/P-2024"


@pytest.fixture(scope="module")
def base():
    design = get_design(SPEC)
    holder = holder_for(design, random.Random(42), date(2026, 11, 28))
    return design, holder, genuine(design, holder, seed=5)


def _diff(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    d = np.abs(a.astype(np.int16) - b.astype(np.int16))
    return d.max(axis=2) if d.ndim == 3 else d


def _zone_px(zone_id: str, pad_mm: float = 1.0):
    spec = Library().get(SPEC)
    x, y, w, h = spec.zone(zone_id).bbox_mm
    k = spec.px_per_mm
    return (slice(max(int((y - pad_mm) * k), 0), int((y + h + pad_mm) * k)),
            slice(max(int((x - pad_mm) * k), 0), int((x + w + pad_mm) * k)))


@pytest.mark.parametrize("kind", sorted(FORGERIES))
def test_forgery_label_and_footprint(base, kind):
    design, holder, gen = base
    sides, label = forge(kind, design, holder, random.Random(3), strength=0.7, seed=5)
    assert label["type"] == kind and 0 <= label["strength"] <= 1
    spec = Library().get(SPEC)
    for region in label["regions"]:
        spec.zone(region)  # every region is a zone of the specimen
    white = _diff(sides["page"]["white"], gen["page"]["white"])
    ir = _diff(sides["page"]["ir"], gen["page"]["ir"])
    uv = _diff(sides["page"]["uv"], gen["page"]["uv"])
    changed = white > 40
    if kind in ("viz_alteration", "layout_shift", "viz_mrz_mismatch", "mrz_alteration",
                "mrz_font"):
        region = label["regions"][0]
        inside = np.zeros_like(changed)
        inside[_zone_px(region, pad_mm=3.5 if kind == "layout_shift" else 1.0)] = True
        assert changed[inside].sum() > 20, "the forgery changed nothing in its region"
        assert changed[~inside].sum() < 0.02 * changed[inside].sum() + 50, \
            "the forgery changed pixels outside its region"
    elif kind == "portrait_substitution":
        assert changed[_zone_px("portrait")].mean() > 0.2
    elif kind == "reprint":
        assert changed.mean() > 0.02 and uv.mean() > 30
    elif kind == "uv_failure":
        assert white.max() < 5 and uv.max() > 60
    elif kind == "ir_failure":
        assert white.max() < 5 and ir.max() > 60


def test_forgeries_are_deterministic(base):
    design, holder, _ = base
    a = forge("viz_alteration", design, holder, random.Random(9), seed=1)
    b = forge("viz_alteration", design, holder, random.Random(9), seed=1)
    assert a[1] == b[1] and np.array_equal(a[0]["page"]["white"], b[0]["page"]["white"])


def test_mrz_alteration_keeps_valid_check_digits(base):
    design, holder, _ = base
    _, label = forge("mrz_alteration", design, holder, random.Random(1), seed=5)
    m = parse(label["details"]["mrz"], as_of=date(2026, 11, 28))
    assert m.check_digits_pass and label["details"]["mrz"] != label["details"]["was"]


def test_make_set_and_cli(tmp_path, capsys):
    data = make_set(tmp_path / "a", specimens=["ZZA/ID-2023"], count=3,
                    forgeries=["reprint", "uv_failure"], forgery_rate=0.7,
                    captures=["reader"], seed=11)
    labels = json.loads((tmp_path / "a" / "labels.json").read_text())
    assert labels == json.loads(json.dumps(data))
    for item in labels["items"]:
        for side, files in item["files"].items():
            assert sorted(files) == ["ir", "uv", "white"]
            for name in files.values():
                assert (tmp_path / "a" / name).is_file()
                assert item["id"] in name and "forg" not in name and "genuine" not in name
        m = parse(item["mrz"], as_of=date(2026, 11, 28))
        assert m.check_digits_pass
    again = make_set(tmp_path / "b", specimens=["ZZA/ID-2023"], count=3,
                     forgeries=["reprint", "uv_failure"], forgery_rate=0.7, captures=["reader"],
                     seed=11)
    assert [i["forgery"] for i in again["items"]] == [i["forgery"] for i in data["items"]]
    a = (tmp_path / "a" / "0001-back.jpg").read_bytes()
    assert a == (tmp_path / "b" / "0001-back.jpg").read_bytes()
    assert main(["synth", "--out", str(tmp_path / "c"), "--specimen", "UTO/V-2024", "--count",
                 "2", "--capture", "scan", "--quiet"]) == 0
    assert "wrote 2 documents (0 forged)" in capsys.readouterr().out
    assert main(["synth", "--out", str(tmp_path / "d"), "--forgeries", "glue"]) == 2
    assert "E101" in capsys.readouterr().err
