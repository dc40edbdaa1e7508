"""The specimen format: a valid specimen loads; each kind of defect is a coded, located error."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from docfraud.cli import main
from docfraud.errors import SpecimenConsistencyError, SpecimenFormatError, SpecimenNotFoundError
from docfraud.specimens import Library, load_specimen
from docfraud.specimens.render import overlay

GOOD = """\
format_version = 1
issuer = "UTO"
document_code = "P"
mrz_format = "TD3"
name = "Test page"
size_mm = [125.0, 88.0]
dpi = 100
validity_years = 10
series_from = 2024-01-01
fictional = true

[[sides]]
name = "page"
white = "page.white.png"
ir = "page.ir.png"

[[zones]]
id = "portrait"
kind = "portrait"
rect_mm = [5.0, 20.0, 30.0, 40.0]

[[zones]]
id = "surname"
kind = "viz_field"
mrz_field = "surname"
rect_mm = [40.0, 20.0, 60.0, 5.0]

[[zones]]
id = "mrz"
kind = "mrz"
polygon_mm = [[3.0, 65.0], [122.0, 65.0], [122.0, 85.0], [3.0, 85.0]]

[[zones]]
id = "micro"
kind = "microprint"
rect_mm = [40.0, 60.0, 60.0, 1.0]
[zones.params]
text = "UTOPIAUTOPIA"
"""


def make(tmp_path: Path, toml: str = GOOD, size=(492, 346), lights=("white", "ir")) -> Path:
    folder = tmp_path / "lib" / "UTO" / "P-TEST"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "specimen.toml").write_text(toml, encoding="utf-8")
    for light in lights:
        Image.new("RGB", size, (240, 236, 220)).save(folder / f"page.{light}.png")
    return folder


def test_valid_specimen_loads(tmp_path):
    spec = load_specimen(make(tmp_path))
    assert spec.id == "UTO/P-TEST"
    assert spec.size_px == (492, 346)
    assert [z.id for z in spec.zones] == ["portrait", "surname", "mrz", "micro"]
    assert spec.zone("surname").mrz_field == "surname"
    assert spec.zone("micro").params["text"] == "UTOPIAUTOPIA"
    assert spec.sides[0].lights == ("white", "ir")
    assert spec.matches("UTO", "P<", "TD3") and spec.matches("UTO", "PO", "TD3")
    assert not spec.matches("UTO", "I<", "TD1")
    assert spec.mrz_side == "page"


@pytest.mark.parametrize("change, error, words", [
    (lambda t: t.replace('kind = "portrait"', 'kind = "portrait_photo"'), SpecimenFormatError,
     "unknown kind 'portrait_photo'"),
    (lambda t: t.replace("[5.0, 20.0, 30.0, 40.0]", "[100.0, 20.0, 30.0, 40.0]"),
     SpecimenConsistencyError, "outside the 125 x 88 mm page"),
    (lambda t: t.replace('mrz_field = "surname"\n', ""), SpecimenFormatError,
     "a viz_field needs mrz_field"),
    (lambda t: t.replace('mrz_field = "surname"', 'mrz_field = "issue_date"'),
     SpecimenFormatError, "an issue_date field needs params.valid_years and params.valid_days"),
    (lambda t: t.replace('id = "surname"', 'id = "portrait"'), SpecimenConsistencyError,
     "duplicate zone id"),
    (lambda t: t.replace('mrz_format = "TD3"', 'mrz_format = "TD4"'), SpecimenFormatError,
     "mrz_format 'TD4'"),
    (lambda t: t.replace('ir = "page.ir.png"', 'ir = "page.ir.png"\nuv = "page.uv.png"'),
     SpecimenConsistencyError, "uv reference image page.uv.png is missing"),
    (lambda t: t.replace("dpi = 100", "dpi = 150"), SpecimenConsistencyError,
     "is 492 x 346 px"),
    (lambda t: t.replace('text = "UTOPIAUTOPIA"', 'words = "x"'), SpecimenFormatError,
     "needs params.text"),
    (lambda t: t.replace("size_mm = [125.0, 88.0]", "size_mm = 125"), SpecimenFormatError,
     "'size_mm' must be list"),
    (lambda t: t + "\n[[zones]]\nid = 'x'\nkind = 'ove'\n", SpecimenFormatError,
     "exactly one of rect_mm or polygon_mm"),
    (lambda t: t.replace("[[zones]]\nid", "[[zones]]\ncolour = 1\nid", 1), SpecimenFormatError,
     "unknown key(s) colour"),
    (lambda t: t + "\n[[[", SpecimenFormatError, "not valid TOML"),
])
def test_defects_are_coded_and_located(tmp_path, change, error, words):
    folder = make(tmp_path, change(GOOD))
    with pytest.raises(error) as exc:
        load_specimen(folder)
    assert words in exc.value.message
    assert "specimen.toml" in exc.value.message
    assert exc.value.code in ("E401", "E402")


def test_zone_named_in_error(tmp_path):
    folder = make(tmp_path, GOOD.replace("[5.0, 20.0, 30.0, 40.0]", "[5.0, 80.0, 30.0, 40.0]"))
    with pytest.raises(SpecimenConsistencyError) as exc:
        load_specimen(folder)
    assert "zone 'portrait'" in exc.value.message


def test_unreadable_image(tmp_path):
    folder = make(tmp_path)
    (folder / "page.ir.png").write_bytes(b"not a png")
    with pytest.raises(SpecimenConsistencyError) as exc:
        load_specimen(folder)
    assert "cannot be read" in exc.value.message


def test_library_lists_valid_and_keeps_problems(tmp_path):
    make(tmp_path)
    bad = tmp_path / "lib" / "ZZA" / "BROKEN"
    bad.mkdir(parents=True)
    (bad / "specimen.toml").write_text("format_version = 1\n")
    lib = Library(tmp_path / "lib")
    assert [s.id for s in lib.specimens()] == ["UTO/P-TEST"]
    assert len(lib.problems) == 1 and lib.problems[0].code == "E401"
    assert [s.id for s in lib.candidates("UTO", "P<", "TD3")] == ["UTO/P-TEST"]
    with pytest.raises(SpecimenNotFoundError):
        lib.get("UTO/NOPE")


def test_overlay_draws_every_zone(tmp_path):
    spec = load_specimen(make(tmp_path))
    img = overlay(spec)
    assert img.size == (492, 346)
    px = img.load()
    # the portrait outline (crimson) is drawn at the zone's left edge, 5 mm = ~20 px
    x = round(5.0 * spec.px_per_mm)
    y = round(40.0 * spec.px_per_mm)
    r, g, b = px[x, y]
    assert r > 150 and g < 120, (r, g, b)
    with pytest.raises(KeyError):
        overlay(spec, light="uv")


def test_cli_list_show_validate(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")
    make(tmp_path)
    lib = str(tmp_path / "lib")
    assert main(["specimen", "list", "--library", lib]) == 0
    assert "UTO/P-TEST" in capsys.readouterr().out
    out = tmp_path / "show.png"
    assert main(["specimen", "show", "UTO/P-TEST", "--out", str(out), "--library", lib]) == 0
    assert Image.open(out).size == (492, 346)
    assert main(["specimen", "validate", "--library", lib]) == 0
    assert main(["specimen", "show", "UTO/NOPE", "--out", str(out), "--library", lib]) == 2
    assert "E403" in capsys.readouterr().err
    assert main(["specimen", "show", "UTO/P-TEST", "--out", str(out), "--light", "uv",
                 "--library", lib]) == 2
    (tmp_path / "lib" / "UTO" / "P-TEST" / "page.ir.png").unlink()
    assert main(["specimen", "validate", "--library", lib]) == 1
    assert "E402" in capsys.readouterr().out
