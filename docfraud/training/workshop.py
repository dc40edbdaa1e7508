"""A workshop set (``docfraud training make-set``): exercise images, worksheet, answer key.

The folder it writes::

    DIR/
      trainee/                  hand this folder out
        images/01.jpg           numbered exercise images (01.ir.jpg, 01.uv.jpg beside reader
                                captures; 01-front.jpg, 01-back.jpg for cards)
        worksheet.html          the printable worksheet (and worksheet.pdf where Chromium is)
        answers-template.csv    one row per item, to fill in (docs/training.md)
      trainer/                  keep this folder
        answer-key.json         per item: truth, forgery type, regions, what to look at, what
                                docfraud itself reports
        trainer-sheet.html      the printable answer key with trainer notes (and .pdf)
        notes/01.png            the questioned zone beside the reference, per forged item

The images hold nothing but pixels (no EXIF, comments or text chunks) and their names only the
item number; :func:`docfraud.training.leaks.check_trainee_folder` checks this after every build.
Deterministic for a seed.
"""

from __future__ import annotations

import json
import random
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any, Callable

import cv2
import numpy as np

from docfraud import __version__
from docfraud.errors import UsageError, WorkshopFolderError
from docfraud.synth.artwork import design_ids, get_design
from docfraud.synth.capture import KINDS
from docfraud.synth.dataset import AS_OF, _write, make_item
from docfraud.synth.forgery import TYPES
from docfraud.training.catalogue import DIFFICULTIES, KINDS as FORGERY_KINDS, needs

KEY_FORMAT = "docfraud-training-key"
KEY_VERSION = 1
MAX_COUNT = 300


def _pick_capture(kind: str | None, captures: list[str], rng: random.Random) -> str:
    if kind is not None and needs(kind):
        return "reader"  # only the reader sees IR and UV
    return rng.choice(captures)


def plan(count: int, forgery_rate: float, forgeries: list[str], specimens: list[str],
         captures: list[str], rng: random.Random) -> list[dict[str, Any]]:
    """Which item is what: exactly round(count * rate) forgeries at random places, the forgery
    types dealt in turn (each type once before any twice), the specimens likewise."""
    n_forged = round(count * forgery_rate)
    forged_at = set(rng.sample(range(count), n_forged))
    deck: list[str] = []
    specs: list[str] = []
    out = []
    for i in range(count):
        if not specs:
            specs = rng.sample(specimens, len(specimens))
        kind = None
        if i in forged_at:
            if not deck:
                deck = rng.sample(forgeries, len(forgeries))
            kind = deck.pop()
        out.append({"specimen": specs.pop(), "forgery": kind,
                    "capture": _pick_capture(kind, captures, rng)})
    return out


def _known(values: list[str], known: Any, what: str) -> None:
    for v in values:
        if v not in known:
            raise UsageError(f"unknown {what} {v!r}; known: {', '.join(known)}")


def _validate(count: int, forgery_rate: float, difficulty: str, specimens: list[str],
              captures: list[str], forgeries: list[str]) -> list[str]:
    if not 1 <= count <= MAX_COUNT:
        raise UsageError(f"--count must be between 1 and {MAX_COUNT}")
    if not 0 <= forgery_rate <= 1:
        raise UsageError("--forgery-rate must be between 0 and 1")
    if difficulty not in DIFFICULTIES:
        raise UsageError(f"unknown difficulty {difficulty!r}; known: {', '.join(DIFFICULTIES)}")
    if not captures:
        raise UsageError("give at least one capture (scan, reader, phone)")
    _known(captures, KINDS, "capture")
    _known(specimens, design_ids(), "specimen")
    _known(forgeries, TYPES, "forgery type")
    usable = [f for f in forgeries if not needs(f) or "reader" in captures]
    if forgery_rate > 0 and not usable:
        raise UsageError("none of the forgery types can be seen in these captures (UV and IR "
                         "failures need --captures with reader)")
    return usable


def _prepare_folder(out: Path) -> None:
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise WorkshopFolderError(f"{out} exists and is not an empty folder: choose a new one",
                                  hint="a set is written into a fresh folder so that no old "
                                       "answer key or image is mixed into it")
    try:
        for sub in ("trainee/images", "trainer/notes"):
            (out / sub).mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise WorkshopFolderError(f"cannot create {out}: {exc.strerror or exc}") from None


def _docfraud_says(exams: list[Any]) -> dict[str, Any]:
    """What docfraud reports on an item (its sides examined together)."""
    from docfraud.examine.engine import worst
    from docfraud.examine.model import NO_ANOMALIES

    verdict = worst([ex.verdict for ex in exams])
    codes: list[str] = []
    zones: list[str] = []
    for ex in exams:
        for f in ex.findings:
            if f.severity != "info" and f.code not in codes:
                codes.append(f.code)
        for c in ex.checks:
            if c.status == "failed" and c.zone and c.zone not in zones:
                zones.append(c.zone)
    return {"verdict": verdict, "flagged": verdict != NO_ANOMALIES, "codes": codes,
            "failed_zones": zones,
            "reasons": [r for ex in exams for r in ex.reasons][:8]}


def _regions(spec: Any, ids: list[str]) -> list[dict[str, str]]:
    out = []
    for zid in ids:
        try:
            z = spec.zone(zid)
        except KeyError:
            continue
        out.append({"id": z.id, "label": z.label, "side": z.side, "kind": z.kind})
    return out


def make_workshop(out: str | Path, *, count: int = 30, forgery_rate: float = 0.5,
                  difficulty: str = "mixed", seed: int = 0, specimens: list[str] | None = None,
                  captures: list[str] | None = None, forgeries: list[str] | None = None,
                  examine: bool = True, pdf: bool = True, title: str | None = None,
                  as_of: date = AS_OF,
                  progress: Callable[[str, int, int], None] | None = None) -> dict[str, Any]:
    """Write a workshop set into ``out`` (a new or empty folder); returns the answer key."""
    from docfraud.specimens import Library
    from docfraud.training import leaks, notes, sheets

    specimens = list(specimens or design_ids())
    captures = list(captures or ["scan", "reader", "phone"])
    forgeries = list(forgeries or TYPES)
    usable = _validate(count, forgery_rate, difficulty, specimens, captures, forgeries)
    out = Path(out)
    _prepare_folder(out)
    diff = DIFFICULTIES[difficulty]
    master = random.Random(seed)
    items_plan = plan(count, forgery_rate, usable, specimens, captures, master)
    width = max(2, len(str(count)))
    lib = Library()
    items: list[dict[str, Any]] = []
    for i, p in enumerate(items_plan, 1):
        rng = random.Random(master.randrange(2**63))
        design = get_design(p["specimen"])
        strength = rng.uniform(*diff.strength) if p["forgery"] else None
        phone = rng.uniform(*diff.phone)
        images, label = make_item(design, rng, forgery=p["forgery"], capture_kind=p["capture"],
                                  as_of=as_of, strength=strength, capture_strength=phone)
        name = f"{i:0{width}d}"
        files: dict[str, dict[str, str]] = {}
        for side, imgs in images.items():
            stem = name if len(images) == 1 else f"{name}-{side}"
            files[side] = {light: "trainee/images/" + _write(out / "trainee" / "images", stem,
                                                              img, light)
                           for light, img in sorted(imgs.items())}
        spec = lib.get(design.id)
        fl = label["forgery"]
        item: dict[str, Any] = {
            "item": name, "files": files, "specimen": design.id, "specimen_name": spec.name,
            "capture": p["capture"], "lights": label["capture"]["lights"],
            "truth": "genuine" if fl is None else "forged",
            "forgery_type": fl["type"] if fl else None,
            "forgery_title": FORGERY_KINDS[fl["type"]].title if fl else None,
            "strength": fl["strength"] if fl else None,
            "regions": _regions(spec, fl["regions"]) if fl else [],
            "forged_side": fl.get("side") if fl else None,
            "look_at": FORGERY_KINDS[fl["type"]].look_at() if fl else [],
            "catching_codes": list(FORGERY_KINDS[fl["type"]].codes) if fl else [],
            "details": fl.get("details", {}) if fl else {},
            "detectable": label["detectable_here"],
            "capture_details": {s: {k: v for k, v in c.items() if k != "corners"}
                                for s, c in label["capture"]["sides"].items()},
        }
        if examine:
            if progress:
                progress("examining", i, count)
            from docfraud.examine.capture import load_capture
            from docfraud.examine.engine import examine_document

            caps = [load_capture(out / f["white"]) for f in files.values()]
            exams = examine_document(caps, lib, as_of=as_of)
            item["docfraud"] = _docfraud_says(exams)
        else:
            item["docfraud"] = None
        item["note"] = notes.write_note(out, item, images, label, spec)
        items.append(item)
        if progress:
            progress("generated", i, count)
    key: dict[str, Any] = {
        "format": KEY_FORMAT, "version": KEY_VERSION,
        "generator": f"docfraud {__version__} training make-set",
        "created": datetime.now(timezone.utc).replace(microsecond=0).isoformat(),
        "title": title or f"Document examination workshop ({difficulty}, {count} items)",
        "seed": seed, "difficulty": difficulty, "difficulty_means": diff.description,
        "count": count, "forgery_rate": forgery_rate, "specimens": specimens,
        "captures": captures, "forgery_types": usable,
        "left_out_types": [f for f in forgeries if f not in usable],
        "as_of": as_of.isoformat(), "docfraud_examined": examine, "items": items,
    }
    (out / "trainer" / "answer-key.json").write_text(
        json.dumps(key, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    sheets.write_template(out / "trainee" / "answers-template.csv", key)
    ws = sheets.write_worksheet(out / "trainee" / "worksheet.html", key, out)
    ts = sheets.write_trainer_sheet(out / "trainer" / "trainer-sheet.html", key, out)
    key["pdf"] = {"worksheet": None, "trainer_sheet": None, "why_not": None}
    if pdf:
        try:
            key["pdf"]["worksheet"] = str(sheets.html_to_pdf(ws).relative_to(out))
            key["pdf"]["trainer_sheet"] = str(sheets.html_to_pdf(ts).relative_to(out))
        except sheets.NoPdf as exc:
            key["pdf"]["why_not"] = str(exc)
    else:
        key["pdf"]["why_not"] = "not asked for (--no-pdf)"
    leaks.check_trainee_folder(out / "trainee", key)
    return key


def load_key(path: str | Path) -> dict[str, Any]:
    """Read an answer key (``trainer/answer-key.json``, or the workshop folder holding it)."""
    from docfraud.errors import AnswerKeyError

    path = Path(path)
    if path.is_dir():
        cand = path / "trainer" / "answer-key.json"
        path = cand if cand.is_file() else path / "answer-key.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise AnswerKeyError(f"{path}: no such answer key") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise AnswerKeyError(f"{path}: cannot be read ({exc})") from None
    except json.JSONDecodeError as exc:
        raise AnswerKeyError(f"{path}: not JSON (line {exc.lineno}: {exc.msg})") from None
    if not isinstance(data, dict) or data.get("format") != KEY_FORMAT:
        raise AnswerKeyError(f"{path}: not a docfraud training answer key",
                             hint="give trainer/answer-key.json of a set made by "
                                  "docfraud training make-set")
    if not isinstance(data.get("version"), int) or data["version"] > KEY_VERSION:
        raise AnswerKeyError(f"{path}: answer key format version {data.get('version')!r} is "
                             f"newer than this docfraud reads ({KEY_VERSION})")
    items = data.get("items")
    if not isinstance(items, list) or not items or not all(
            isinstance(it, dict) and isinstance(it.get("item"), str)
            and it.get("truth") in ("genuine", "forged") for it in items):
        raise AnswerKeyError(f"{path}: the answer key has no valid items")
    return data


def thumbnail(img: np.ndarray, width: int = 300) -> np.ndarray:
    s = width / img.shape[1]
    return cv2.resize(img, (width, max(1, round(img.shape[0] * s))), interpolation=cv2.INTER_AREA)
