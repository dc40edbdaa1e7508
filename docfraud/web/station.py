"""The station: engines loaded once, uploads checked by content, examinations run and stored.

No web framework here: :class:`Station` takes bytes and returns ids, so the FastAPI app
(:mod:`docfraud.web.app`) stays a thin layer and the benchmark can measure both.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from docfraud.errors import DocfraudError, ImageError, UploadRefusedError
from docfraud.examine.capture import Capture
from docfraud.examine.model import NO_ANOMALIES, REFER, STRONG
from docfraud.imaging.load import load_image, sniff_format
from docfraud.specimens import Library
from docfraud.web.store import DEFAULT_RETENTION_DAYS, RESULTS_DIR, Session, Store

#: Formats accepted for upload, by their first bytes (PDF, GIF, HEIC... are refused).
ACCEPTED = {"JPEG": ".jpg", "PNG": ".png", "TIFF": ".tif", "WEBP": ".webp", "BMP": ".bmp"}
LIGHT_NAMES = {"white": "white-light", "ir": "infrared", "uv": "ultraviolet"}
SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}
#: height of the verdict strip on top of docfraud.report.png.annotated()
ANNOTATED_BANNER_PX = 56
VERDICT_KEYS = {NO_ANOMALIES: "none", REFER: "refer", STRONG: "strong"}


def refused(message: str, status: int, hint: str | None = None) -> UploadRefusedError:
    err = UploadRefusedError(message, hint=hint)
    err.status = status  # type: ignore[attr-defined]
    return err


@dataclass
class Config:
    """How the station runs (``docfraud serve`` options)."""

    data_dir: Path | None = None
    specimens: Path | None = None
    retention_days: int = DEFAULT_RETENTION_DAYS
    max_upload_mb: float = 25.0  # per image
    max_pixels: int = 60_000_000  # per image, checked before decoding
    workers: int = 2  # examinations at once; the others wait their turn
    secure_cookies: bool | None = None  # None: when the request came over HTTPS
    as_of: date | None = None  # reference date of the MRZ checks (default: today)
    device: str | None = None  # what takes the station's captures: "scanner" or "camera"
    warm_up: bool = True
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def max_upload_bytes(self) -> int:
        return int(self.max_upload_mb * 1024 * 1024)


def _zone_light(checks: list[dict[str, Any]]) -> str:
    kinds = {c["check"].split(".")[0] for c in checks}
    return "ir" if "ir" in kinds else "uv" if "uv" in kinds else "white"


class Station:
    """The engines (specimen library, MRZ reader, visual-zone OCR), loaded once, and the store."""

    def __init__(self, config: Config) -> None:
        self.config = config
        self.store = Store(config.data_dir, retention_days=config.retention_days)
        t0 = time.perf_counter()
        self.library = Library(config.specimens)
        self.specimens = self.library.specimens()
        if config.warm_up:
            self._warm_up()
        self.load_seconds = time.perf_counter() - t0
        self._slots = threading.BoundedSemaphore(max(1, config.workers))
        self._versions: dict[str, str] | None = None  # the specimens' versions, once

    def _warm_up(self) -> None:
        """Load every engine now rather than on the first officer's document."""
        from docfraud.examine.engine import _reference
        from docfraud.imaging.ocr import load_glyph_model
        from docfraud.imaging.reader import default_reader
        from docfraud.imaging.viz_ocr import viz_reader

        load_glyph_model()
        default_reader()
        viz_reader()
        for spec in self.specimens:
            for side in spec.sides:
                _reference(spec, side.name)

    # -- uploads --------------------------------------------------------------------------------

    def decode(self, light: str, data: bytes, side: str = "") -> tuple[np.ndarray, str]:
        """An uploaded image checked by its content: (pixels, file extension)."""
        what = side + LIGHT_NAMES[light]
        if not data:
            raise refused(f"the {what} image is empty", 400)
        if len(data) > self.config.max_upload_bytes:
            raise refused(f"the {what} image is {len(data) / 2**20:.1f} MB, over the limit of "
                          f"{self.config.max_upload_mb:g} MB", 413,
                          hint="upload a smaller image (the capture page resizes large ones)")
        fmt = sniff_format(data[:64])
        if fmt not in ACCEPTED:
            raise refused(f"the {what} image is not of an accepted type "
                          f"({fmt or 'unknown content'}); accepted: JPEG, PNG, TIFF, WebP, BMP",
                          415)
        img = load_image(data, max_pixels=self.config.max_pixels)
        return img, ACCEPTED[fmt]

    def capture(self, uploads: dict[str, bytes | None], name: str, side: str = ""
                ) -> tuple[Capture, dict[str, str]]:
        """The capture of the uploaded lights (white required), and their extensions.
        ``side``: how error messages name this side ("" or "other side's ")."""
        if not uploads.get("white"):
            raise refused(f"a {side}white-light image is required", 400)
        images: dict[str, np.ndarray] = {}
        exts: dict[str, str] = {}
        for light in ("white", "ir", "uv"):
            data = uploads.get(light)
            if data:
                images[light], exts[light] = self.decode(light, data, side)
        h, w = images["white"].shape[:2]
        for light in ("ir", "uv"):
            img = images.get(light)
            if img is None or img.shape[:2] == (h, w):
                continue
            ih, iw = img.shape[:2]
            if abs(iw / ih - w / h) > 0.02 * (w / h):
                raise refused(f"the {side}{LIGHT_NAMES[light]} image ({iw}x{ih}) is not of the "
                              f"same page as the {side}white-light image ({w}x{h})", 400,
                              hint="upload the images the reader took together")
            images[light] = cv2.resize(img, (w, h), interpolation=cv2.INTER_AREA)
        return Capture(images, {k: "upload" for k in images}, name,
                       device=self.config.device), exts

    # -- examinations ---------------------------------------------------------------------------

    def examine(self, uploads: dict[str, bytes | None], user: Session) -> str:
        """Examine an upload, store the images and reports, audit it; returns its id.

        ``uploads``: ``white`` (required), ``ir``, ``uv``; for a card, its other side as
        ``other``, ``other_ir``, ``other_uv``. Both sides are then examined together (the MRZ
        of one serving the visual-zone checks of the other, as ``docfraud examine
        --other-side``) and stored as two examinations of one document; the id returned is the
        first side's."""
        from docfraud.examine.engine import examine, examine_document

        store = self.store
        sides = [{k: uploads.get(k) for k in ("white", "ir", "uv")}]
        if any(uploads.get(k) for k in ("other", "other_ir", "other_uv")):
            sides.append({k: uploads.get(f"other_{k}" if k != "white" else "other")
                          for k in ("white", "ir", "uv")})
        made: list[tuple[str, Path]] = []
        try:
            caps = []
            for i, side in enumerate(sides):
                made.append(store.new_examination_dir())
                caps.append(self.capture(side, f"upload {made[-1][0][:8]}",
                                         "other side's " if i else ""))
            with self._slots:
                if len(caps) == 1:
                    exams = [examine(caps[0][0], self.library, as_of=self.config.as_of)]
                else:
                    exams = examine_document([c for c, _ in caps], self.library,
                                             as_of=self.config.as_of)
            saved = [self._save(ex, side, exts, folder)
                     for ex, side, (_, exts), (_, folder) in zip(exams, sides, caps, made)]
            numbers = [((r.get("mrz") or {}).get("fields") or {}).get("document_number")
                       for r, _ in saved]
            number = next((n for n in numbers if n), None)
            document = made[0][0] if len(made) > 1 else None
            for (exam_id, _), (report, files) in zip(made, saved):
                store.add_examination(exam_id, user, report, files, document=document,
                                      document_number=number)
            self._to_results(exams, sides, [exam_id for exam_id, _ in made])
        except BaseException:
            import shutil

            for _, folder in made:
                shutil.rmtree(folder, ignore_errors=True)
            raise
        return made[0][0]

    def _to_results(self, exams: list[Any], sides: list[dict[str, bytes | None]],
                    ids: list[str]) -> None:
        """Record the examinations in the station's results store: the same store (format,
        keys, versions) as ``docfraud batch``, in ``DATA_DIR/results``, so that ``docfraud
        batch export|summary`` and the linkage analysis cover the station's documents too.
        Retention deletes them there as well (:meth:`Store.purge_expired`)."""
        from docfraud.batch import worker as W
        from docfraud.batch.inputs import CaptureSpec, Part, Unit
        from docfraud.batch.run import store_record
        from docfraud.batch.store import Store as Results

        specs = [CaptureSpec(f"station {exam_id[:8]}", f"station:{exam_id}",
                             {k: Part(v) for k, v in side.items() if v},
                             device=self.config.device)
                 for side, exam_id in zip(sides, ids)]
        unit = Unit(specs)
        if self._versions is None:
            self._versions = W.specimen_versions(self.library)
        with Results(self.config.data_dir / RESULTS_DIR) as results:
            for i, (ex, key, spec) in enumerate(zip(exams, unit.keys, specs)):
                store_record(results, W.record(ex, key, spec.source, spec.name,
                                               unit.document_key, i, html=False),
                             self._versions)

    @staticmethod
    def _save(ex: Any, uploads: dict[str, bytes | None], exts: dict[str, str], folder: Path
              ) -> tuple[dict[str, Any], dict[str, str]]:
        """Write one side's images and reports into its folder: (report, files)."""
        from docfraud.report import annotated, to_dict, to_html
        from docfraud.report.png import zone_crops, zone_status

        files: dict[str, str] = {}
        for light, ext in exts.items():
            (folder / f"{light}{ext}").write_bytes(uploads[light] or b"")
            files[light] = f"{light}{ext}"
        report = to_dict(ex)
        (folder / "report.json").write_text(json.dumps(report, indent=1, ensure_ascii=False),
                                            encoding="utf-8")
        files["report.json"] = "report.json"
        (folder / "report.html").write_text(to_html(ex), encoding="utf-8")
        files["report.html"] = "report.html"
        if ex.images:
            # without the verdict strip annotated() draws on top: the page has its own
            _write_jpeg(folder / "annotated.jpg", annotated(ex, width=1200)[ANNOTATED_BANNER_PX:])
            files["annotated"] = "annotated.jpg"
        failed = [z for z, st in zone_status(ex).items() if st == "failed"]
        for i, zid in enumerate(failed):
            light = _zone_light([c for c in report["coverage"]["failed"] if c["zone"] == zid])
            crops = zone_crops(ex, zid, light, height=160)
            if crops is None:
                continue
            for part, img in zip(("questioned", "reference", "difference"), crops):
                name = f"zone{i}-{part}.jpg"
                _write_jpeg(folder / name, img)
                files[f"zone/{zid}/{light}/{part}"] = name
        return report, files

    def result(self, exam_id: str) -> dict[str, Any] | None:
        """A stored examination, shaped for the result page."""
        ex = self.store.examination(exam_id)
        if ex is None:
            return None
        view = view_model(ex)
        sides = self.store.sides(ex["document"]) if ex.get("document") else []
        view["sides"] = [{**sd, "verdict_key": VERDICT_KEYS.get(sd["verdict"], "refer"),
                          "current": sd["id"] == exam_id} for sd in sides]
        spec = next((sp for sp in self.specimens if sp.id == view["specimen"]), None)
        view["mrz_elsewhere"] = bool(sides and view["mrz"] and spec is not None and view["side"]
                                     and spec.mrz_side and view["side"] != spec.mrz_side)
        if len(sides) > 1:  # the banner is the document's: its most serious side
            from docfraud.examine.engine import worst

            view["verdict"] = worst([sd["verdict"] for sd in sides])
            view["verdict_key"] = VERDICT_KEYS.get(view["verdict"], "refer")
        return view

    def health(self) -> dict[str, Any]:
        from docfraud.imaging.viz_ocr import viz_reader

        return {"status": "ok", "specimens": [s.id for s in self.specimens],
                "visual_zone_ocr": viz_reader() is not None,
                "engines_loaded_in_s": round(self.load_seconds, 2)}


def _write_jpeg(path: Path, img: np.ndarray) -> None:
    ok, buf = cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, 88])
    if not ok:
        raise ImageError(f"cannot encode {path.name}")
    path.write_bytes(buf.tobytes())


def view_model(ex: dict[str, Any]) -> dict[str, Any]:
    """What the result page shows, from a stored examination."""
    from docfraud.findings import REGISTRY

    report = ex["report"]
    # one card per code (MRZ204 on issuing state and nationality is one thing to look at)
    groups: dict[str, dict[str, Any]] = {}
    for f in sorted(report["findings"], key=lambda f: SEVERITY_ORDER.get(f["severity"], 3)):
        reg = REGISTRY.get(f["code"])
        g = groups.setdefault(f["code"], {"code": f["code"], "severity": f["severity"],
                                          "title": reg.title if reg else f["code"],
                                          "look_at": f["look_at"], "messages": [],
                                          "message": f["message"]})
        if f["message"] not in g["messages"]:
            g["messages"].append(f["message"])
    findings = list(groups.values())
    cov = report["coverage"]
    zones: dict[str, dict[str, Any]] = {}
    for key in ex["files"]:
        if key.startswith("zone/"):
            _, zid, light, part = key.split("/")
            z = zones.setdefault(zid, {"zone": zid,
                                       "light": LIGHT_NAMES.get(light, light).replace("-", " "),
                                       "images": {}, "why": []})
            z["images"][part] = key
    for z in zones.values():
        z["why"] = [c for c in cov["failed"] if c["zone"] == z["zone"]]
    not_run: dict[str, list[str]] = {}
    for c in cov["not_run"]:
        not_run.setdefault(c.get("reason") or "not run", []).append(
            f"{c['check']}" + (f" ({c['zone']})" if c.get("zone") else ""))
    mrz = report.get("mrz")
    rows = []
    if mrz:
        cds = mrz.get("check_digits", {})
        for k, v in mrz["fields"].items():
            cd = cds.get(k)
            rows.append({"field": k.replace("_", " "), "value": v if v not in (None, "") else "",
                         "check": None if cd is None else cd["ok"]})
        comp = cds.get("composite")
        if comp is not None:
            rows.append({"field": "composite check digit", "value": comp["printed"],
                         "check": comp["ok"]})
    return {
        "id": ex["id"], "created": ex["created"], "expires": ex["expires"],
        "officer": ex["username"], "verdict": report["verdict"],
        "verdict_key": VERDICT_KEYS.get(report["verdict"], "refer"),
        "reasons": report["reasons"],
        # SPC002 names the first candidate though none matched: say so
        "specimen": None if any(f["code"] == "SPC002" for f in report["findings"])
        else report.get("specimen"),
        "side": report.get("side"), "lights": report["capture"]["lights"],
        "document_number": ex.get("document_number"),
        "mrz": mrz, "mrz_rows": rows, "findings": findings,
        "serious": [f for f in findings if f["severity"] != "info"],
        "minor": [f for f in findings if f["severity"] == "info"],
        "zones": list(zones.values()), "has_annotated": "annotated" in ex["files"],
        "coverage": cov, "not_run": not_run,
        "counts": {k: len(v) for k, v in cov.items()},
        "ms": report.get("timings_ms", {}).get("total"),
        "quality": report.get("capture_quality", {}),
    }


def error_payload(exc: DocfraudError) -> dict[str, Any]:
    return {"error": exc.to_dict()}
