"""Load and validate specimen descriptions (``specimen.toml``), with coded, located errors.

>>> import pathlib, tempfile
>>> d = pathlib.Path(tempfile.mkdtemp()) / "UTO" / "X-1"
>>> d.mkdir(parents=True)
>>> _ = (d / "specimen.toml").write_text('format_version = 1\\nissuer = "UTO"\\n')
>>> try:
...     load_specimen(d)
... except SpecimenError as e:
...     print(e.code, e.message.split(":")[1].strip())
E401 missing key 'document_code'
"""

from __future__ import annotations

import re
import tomllib
from datetime import date
from pathlib import Path
from typing import Any

from docfraud.errors import (SpecimenConsistencyError, SpecimenError, SpecimenFormatError,
                             SpecimenNotFoundError)
from docfraud.mrz.formats import FORMATS
from docfraud.specimens.model import LIGHTS, VIZ_MRZ_FIELDS, ZONE_KINDS, Side, Specimen, Zone

DESCRIPTION = "specimen.toml"
SUPPORTED_VERSIONS = (1,)
_ID = re.compile(r"[a-z0-9][a-z0-9_-]*")
#: How far (mm) a zone may reach beyond its page: rounding, not design.
EDGE_TOLERANCE_MM = 0.5
#: How far (pixels) an image may differ from size_mm at dpi.
SIZE_TOLERANCE_PX = 3


def _where(path: Path, zone: str | None = None) -> str:
    return f"{path}" + (f", zone {zone!r}" if zone else "")


def _require(data: dict[str, Any], key: str, kind: type | tuple[type, ...], where: str) -> Any:
    if key not in data:
        raise SpecimenFormatError(f"{where}: missing key {key!r}")
    value = data[key]
    if not isinstance(value, kind) or isinstance(value, bool) and kind is not bool:
        names = kind.__name__ if isinstance(kind, type) else " or ".join(k.__name__ for k in kind)
        raise SpecimenFormatError(f"{where}: {key!r} must be {names}, not {value!r}")
    return value


def _points(value: Any, where: str, key: str) -> tuple[tuple[float, float], ...]:
    if key == "rect_mm":
        if (not isinstance(value, list) or len(value) != 4
                or not all(isinstance(v, (int, float)) for v in value)):
            raise SpecimenFormatError(f"{where}: rect_mm must be [x, y, width, height] in mm")
        x, y, w, h = (float(v) for v in value)
        if w <= 0 or h <= 0:
            raise SpecimenFormatError(f"{where}: rect_mm has a width or height of zero or less")
        return ((x, y), (x + w, y), (x + w, y + h), (x, y + h))
    if (not isinstance(value, list) or len(value) < 3
            or not all(isinstance(p, list) and len(p) == 2
                       and all(isinstance(v, (int, float)) for v in p) for p in value)):
        raise SpecimenFormatError(f"{where}: polygon_mm must be a list of at least 3 [x, y] "
                                  "points in mm")
    return tuple((float(p[0]), float(p[1])) for p in value)


def _zone(raw: Any, index: int, path: Path, side_names: list[str],
          size_mm: tuple[float, float]) -> Zone:
    if not isinstance(raw, dict):
        raise SpecimenFormatError(f"{path}: zones[{index}] must be a table")
    zid = raw.get("id")
    if not isinstance(zid, str) or not _ID.fullmatch(zid):
        raise SpecimenFormatError(f"{path}: zones[{index}] needs an id of lowercase letters, "
                                  f"digits, '_' and '-', not {zid!r}")
    where = _where(path, zid)
    kind = _require(raw, "kind", str, where)
    if kind not in ZONE_KINDS:
        raise SpecimenFormatError(f"{where}: unknown kind {kind!r}; known: "
                                  f"{', '.join(ZONE_KINDS)}")
    if len(side_names) == 1:
        side = raw.get("side", side_names[0])
    else:
        side = _require(raw, "side", str, where)
    if side not in side_names:
        raise SpecimenFormatError(f"{where}: side {side!r} is not one of {side_names}")
    keys = [k for k in ("rect_mm", "polygon_mm") if k in raw]
    if len(keys) != 1:
        raise SpecimenFormatError(f"{where}: give exactly one of rect_mm or polygon_mm")
    polygon = _points(raw[keys[0]], where, keys[0])
    w, h = size_mm
    tol = EDGE_TOLERANCE_MM
    for x, y in polygon:
        if not (-tol <= x <= w + tol and -tol <= y <= h + tol):
            raise SpecimenConsistencyError(
                f"{where}: point ({x:g}, {y:g}) mm lies outside the {w:g} x {h:g} mm page")
    params = raw.get("params", {})
    if not isinstance(params, dict):
        raise SpecimenFormatError(f"{where}: params must be a table")
    checks = raw.get("checks", [])
    if not isinstance(checks, list) or not all(isinstance(c, str) for c in checks):
        raise SpecimenFormatError(f"{where}: checks must be a list of check names")
    mrz_field = raw.get("mrz_field")
    if kind == "viz_field":
        if mrz_field not in VIZ_MRZ_FIELDS:
            raise SpecimenFormatError(f"{where}: a viz_field needs mrz_field, one of "
                                      f"{', '.join(VIZ_MRZ_FIELDS)}; got {mrz_field!r}")
        if mrz_field == "issue_date" and not all(
                isinstance(params.get(k), int) and not isinstance(params.get(k), bool)
                for k in ("valid_years", "valid_days")):
            raise SpecimenFormatError(f"{where}: an issue_date field needs params.valid_years "
                                      "and params.valid_days (whole numbers: a document issued "
                                      "on day D expires on D plus that many years and days)")
    elif mrz_field is not None:
        raise SpecimenFormatError(f"{where}: mrz_field belongs only to viz_field zones")
    if kind in ("microprint", "static_text") and not isinstance(params.get("text"), str):
        raise SpecimenFormatError(f"{where}: a {kind} zone needs params.text")
    label = raw.get("label", zid.replace("_", " "))
    known = {"id", "kind", "side", "rect_mm", "polygon_mm", "label", "checks", "params",
             "mrz_field"}
    unknown = sorted(set(raw) - known)
    if unknown:
        raise SpecimenFormatError(f"{where}: unknown key(s) {', '.join(unknown)}")
    return Zone(zid, kind, side, polygon, str(label), tuple(checks), dict(params), mrz_field)


def _image_size(path: Path) -> tuple[int, int]:
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as im:
            return im.size
    except (OSError, UnidentifiedImageError) as exc:
        raise SpecimenConsistencyError(f"{path}: reference image cannot be read ({exc})") \
            from None


def load_specimen(path: str | Path, *, library_root: str | Path | None = None,
                  check_images: bool = True) -> Specimen:
    """Load one specimen folder (or its ``specimen.toml``) and validate it.

    Raises :class:`SpecimenFormatError` (E401) or :class:`SpecimenConsistencyError` (E402), each
    naming the file, the zone and the problem.
    """
    path = Path(path)
    folder = path.parent if path.name == DESCRIPTION else path
    toml_path = folder / DESCRIPTION
    if not toml_path.is_file():
        raise SpecimenNotFoundError(f"{folder}: no {DESCRIPTION} here")
    try:
        data = tomllib.loads(toml_path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise SpecimenFormatError(f"{toml_path}: not valid TOML ({exc})") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise SpecimenFormatError(f"{toml_path}: cannot be read ({exc})") from None
    where = str(toml_path)
    version = _require(data, "format_version", int, where)
    if version not in SUPPORTED_VERSIONS:
        raise SpecimenFormatError(f"{where}: format_version {version} is not supported "
                                  f"(supported: {SUPPORTED_VERSIONS})")
    issuer = _require(data, "issuer", str, where)
    if not re.fullmatch(r"[A-Z]{1,3}", issuer):
        raise SpecimenFormatError(f"{where}: issuer must be 1 to 3 capital letters, not {issuer!r}")
    document_code = _require(data, "document_code", str, where)
    if not re.fullmatch(r"[A-Z][A-Z0-9<]?", document_code):
        raise SpecimenFormatError(f"{where}: document_code must be one or two MRZ characters, "
                                  f"not {document_code!r}")
    mrz_format = _require(data, "mrz_format", str, where)
    if mrz_format not in FORMATS:
        raise SpecimenFormatError(f"{where}: mrz_format {mrz_format!r} is not one of "
                                  f"{', '.join(FORMATS)}")
    name = _require(data, "name", str, where)
    size = _require(data, "size_mm", list, where)
    if len(size) != 2 or not all(isinstance(v, (int, float)) and v > 0 for v in size):
        raise SpecimenFormatError(f"{where}: size_mm must be [width, height] in mm")
    size_mm = (float(size[0]), float(size[1]))
    dpi = float(_require(data, "dpi", (int, float), where))
    if not 50 <= dpi <= 2400:
        raise SpecimenFormatError(f"{where}: dpi {dpi:g} is out of range (50 to 2400)")
    validity = data.get("validity_years")
    if validity is not None and (not isinstance(validity, (int, float)) or validity <= 0):
        raise SpecimenFormatError(f"{where}: validity_years must be a positive number")
    dates = {}
    for key in ("series_from", "series_to"):
        value = data.get(key)
        if value is not None and not isinstance(value, date):
            raise SpecimenFormatError(f"{where}: {key} must be a TOML date (2024-01-01)")
        dates[key] = value

    raw_sides = _require(data, "sides", list, where)
    if not raw_sides:
        raise SpecimenFormatError(f"{where}: at least one side is needed")
    sides = []
    for i, raw in enumerate(raw_sides):
        if not isinstance(raw, dict) or not isinstance(raw.get("name"), str):
            raise SpecimenFormatError(f"{where}: sides[{i}] needs a name")
        images = {}
        for light in LIGHTS:
            if light in raw:
                if not isinstance(raw[light], str):
                    raise SpecimenFormatError(f"{where}: sides[{i}].{light} must be a file name")
                images[light] = folder / raw[light]
        if "white" not in images:
            raise SpecimenFormatError(f"{where}: side {raw['name']!r} needs a white-light image")
        sides.append(Side(raw["name"], images))
    side_names = [s.name for s in sides]
    if len(set(side_names)) != len(side_names):
        raise SpecimenConsistencyError(f"{where}: duplicate side names {side_names}")

    raw_zones = data.get("zones", [])
    if not isinstance(raw_zones, list):
        raise SpecimenFormatError(f"{where}: zones must be an array of tables ([[zones]])")
    zones = [_zone(z, i, toml_path, side_names, size_mm) for i, z in enumerate(raw_zones)]
    ids = [z.id for z in zones]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        raise SpecimenConsistencyError(f"{where}: duplicate zone id(s) {', '.join(dupes)}")
    if sum(z.kind == "mrz" for z in zones) > 1:
        raise SpecimenConsistencyError(f"{where}: more than one mrz zone")

    known = {"format_version", "issuer", "document_code", "mrz_format", "name", "size_mm", "dpi",
             "validity_years", "series_from", "series_to", "fictional", "sides", "zones"}
    extra = {k: v for k, v in data.items() if k not in known}

    root = Path(library_root) if library_root else folder.parent.parent
    try:
        sid = folder.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        sid = f"{issuer}/{folder.name}"

    spec = Specimen(sid, folder, issuer, document_code, mrz_format, name, size_mm, dpi,
                    tuple(sides), tuple(zones), validity, dates["series_from"],
                    dates["series_to"], bool(data.get("fictional", False)), version, extra)
    if check_images:
        want = spec.size_px
        for side in spec.sides:
            for light, img in side.images.items():
                if not img.is_file():
                    raise SpecimenConsistencyError(f"{where}: side {side.name!r}: the {light} "
                                                   f"reference image {img.name} is missing")
                got = _image_size(img)
                if abs(got[0] - want[0]) > SIZE_TOLERANCE_PX or \
                        abs(got[1] - want[1]) > SIZE_TOLERANCE_PX:
                    raise SpecimenConsistencyError(
                        f"{where}: side {side.name!r}: {img.name} is {got[0]} x {got[1]} px; "
                        f"{size_mm[0]:g} x {size_mm[1]:g} mm at {dpi:g} dpi is "
                        f"{want[0]} x {want[1]} px")
    return spec
