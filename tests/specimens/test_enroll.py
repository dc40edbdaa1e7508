"""Enrolment: a capture on a table, rotated and in perspective, comes out upright at nominal size."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from docfraud.cli import main
from docfraud.errors import SpecimenFormatError
from docfraud.specimens.enroll import enroll

ZONES = """\
issuer = "ZZA"
document_code = "I"
mrz_format = "TD1"
name = "Test card"
size_mm = [85.6, 54.0]
dpi = 200

[[zones]]
id = "mrz"
kind = "mrz"
rect_mm = [2.0, 38.0, 81.6, 15.0]

[[zones]]
id = "portrait"
kind = "portrait"
rect_mm = [4.0, 6.0, 22.0, 28.0]
"""


def card(w: int, h: int) -> np.ndarray:
    img = np.full((h, w, 3), (215, 228, 238), np.uint8)
    cv2.rectangle(img, (31, 47), (205, 268), (110, 100, 95), -1)
    for i, text in enumerate(["IDZZA1234567<<<<<<<<<<<<<<<<", "8001015M3001012ZZA<<<<<<<<<<<",
                              "DOE<<JANE<<<<<<<<<<<<<<<<<<<<"]):
        cv2.putText(img, text, (18, 325 + i * 40), cv2.FONT_HERSHEY_PLAIN, 1.9, (25, 25, 25), 2)
    cv2.putText(img, "ZANZARA", (250, 80), cv2.FONT_HERSHEY_SIMPLEX, 1.3, (90, 40, 30), 3)
    return img


def photograph(page: np.ndarray, corners: np.ndarray, shape=(1000, 1300)) -> np.ndarray:
    h, w = page.shape[:2]
    rng = np.random.default_rng(1)
    bg = np.full(shape + (3,), (50, 70, 95), np.uint8) + rng.integers(0, 20, shape + (3,),
                                                                        dtype=np.uint8)
    src = np.array([[0, 0], [w - 1, 0], [w - 1, h - 1], [0, h - 1]], np.float32)
    hom = cv2.getPerspectiveTransform(src, corners.astype(np.float32))
    warped = cv2.warpPerspective(page, hom, shape[::-1])
    mask = cv2.warpPerspective(np.full((h, w), 255, np.uint8), hom, shape[::-1])
    bg[mask > 0] = warped[mask > 0]
    return bg


@pytest.mark.parametrize("upside_down", [False, True])
def test_enroll_rectifies_and_orients(tmp_path, upside_down):
    truth = card(674, 425)  # 85.6 x 54 mm at 200 dpi
    corners = np.array([[260, 220], [1010, 270], [980, 760], [230, 700]], np.float32)
    if upside_down:
        corners = np.roll(corners, 2, axis=0)
    photo = photograph(truth, corners)
    ir_truth = cv2.cvtColor(cv2.cvtColor(truth, cv2.COLOR_BGR2GRAY), cv2.COLOR_GRAY2BGR)
    ir_photo = photograph(ir_truth, corners)
    cv2.imwrite(str(tmp_path / "white.png"), photo)
    cv2.imwrite(str(tmp_path / "ir.png"), ir_photo)
    (tmp_path / "zones.toml").write_text(ZONES)
    spec = enroll(tmp_path / "white.png", tmp_path / "zones.toml", tmp_path / "lib/ZZA/ID-T",
                  ir=tmp_path / "ir.png", side="back", library_root=tmp_path / "lib")
    assert spec.id == "ZZA/ID-T" and spec.side("back").lights == ("white", "ir")
    got = cv2.imread(str(spec.side("back").images["white"]))
    assert got.shape == truth.shape
    inner = (slice(10, -10), slice(10, -10))
    assert np.abs(got[inner].astype(int) - truth[inner].astype(int)).mean() < 12
    got_ir = cv2.imread(str(spec.side("back").images["ir"]))
    assert np.abs(got_ir[inner].astype(int) - ir_truth[inner].astype(int)).mean() < 12


def test_enroll_cli_and_bad_zones_file(tmp_path, capsys):
    truth = card(674, 425)
    cv2.imwrite(str(tmp_path / "white.png"), truth)
    (tmp_path / "zones.toml").write_text(ZONES)
    assert main(["specimen", "enroll", "--white", str(tmp_path / "white.png"), "--zones",
                 str(tmp_path / "zones.toml"), "--out", str(tmp_path / "ZZA" / "X")]) == 0
    assert "enrolled" in capsys.readouterr().out
    (tmp_path / "bad.toml").write_text('issuer = "ZZA"\n')
    with pytest.raises(SpecimenFormatError):
        enroll(tmp_path / "white.png", tmp_path / "bad.toml", tmp_path / "out")
    assert main(["specimen", "enroll", "--white", str(tmp_path / "white.png"), "--zones",
                 str(tmp_path / "bad.toml"), "--out", str(tmp_path / "o2")]) == 2
