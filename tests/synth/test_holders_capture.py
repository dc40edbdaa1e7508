"""Holders are consistent and encode to valid MRZs; captures are deterministic and labelled."""

from __future__ import annotations

import random
from datetime import date

import cv2
import numpy as np
import pytest

from docfraud.mrz import parse
from docfraud.mrz.generate import generate
from docfraud.synth.capture import capture
from docfraud.synth.holders import CULTURES, _latin, make_holder, mrz_fields, to_dict

AS_OF = date(2026, 11, 28)


def test_holders_are_consistent_and_encode():
    rng = random.Random(11)
    seen = set()
    for _ in range(500):
        h = make_holder(rng, issuer="UTO", as_of=AS_OF)
        seen.add(h.extra["culture"])
        assert h.birth_date < h.issue_date <= AS_OF < h.expiry_date
        assert (h.expiry_date - h.issue_date).days <= 10 * 366
        surnames, female, male = CULTURES[h.extra["culture"]]
        pool = [_latin(g) for g in (female if h.sex == "F" else male)]
        assert any(h.given_names.startswith(g) for g in pool)
        assert all(ord(c) < 0x370 for c in h.surname + h.given_names)  # printed in Latin script
        m = parse(generate("TD3", document_code="P", **mrz_fields(h)), as_of=AS_OF)
        assert m.valid and m.value("sex") == h.sex
    assert len(seen) >= 10  # many naming cultures


def test_holders_are_deterministic():
    a = make_holder(random.Random(5), as_of=AS_OF)
    b = make_holder(random.Random(5), as_of=AS_OF)
    assert a == b and to_dict(a)["birth_date"] == a.birth_date.isoformat()


def page() -> dict[str, np.ndarray]:
    white = np.full((300, 420, 3), (230, 235, 240), np.uint8)
    cv2.rectangle(white, (20, 40), (120, 170), (80, 90, 130), -1)
    cv2.putText(white, "P<UTO<<<<", (20, 260), cv2.FONT_HERSHEY_PLAIN, 1.5, (10, 10, 10), 2)
    ir = np.full_like(white, 235)
    uv = np.full_like(white, 35)
    return {"white": white, "ir": ir, "uv": uv}


@pytest.mark.parametrize("kind", ["scan", "reader", "phone"])
def test_captures_are_deterministic_and_framed(kind):
    a = capture(kind, page(), 120, random.Random(3))
    b = capture(kind, page(), 120, random.Random(3))
    assert a.kind == kind and a.label() == b.label()
    for light in a.images:
        assert np.array_equal(a.images[light], b.images[light])
    img = a.images["white"]
    h, w = img.shape[:2]
    assert ((a.corners >= 0) & (a.corners < [w, h])).all()
    # the page is where the corners say: its centre is page-coloured, not background
    cx, cy = a.corners.mean(axis=0).round().astype(int)
    assert img[cy, cx].mean() > 150


def test_reader_keeps_every_light_aligned_and_scan_phone_white_only():
    r = capture("reader", page(), 120, random.Random(1))
    assert sorted(r.images) == ["ir", "uv", "white"]
    assert len({im.shape for im in r.images.values()}) == 1
    assert sorted(capture("scan", page(), 120, random.Random(1)).images) == ["white"]
    assert sorted(capture("phone", page(), 120, random.Random(1)).images) == ["white"]


def test_unknown_capture_kind():
    with pytest.raises(ValueError):
        capture("fax", page(), 120, random.Random(1))
