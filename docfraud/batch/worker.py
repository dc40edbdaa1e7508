"""The work of one unit, run in a worker process (local pool or Dask worker).

:func:`examine_unit` decodes the unit's images, examines its captures (a card's sides together),
and returns one plain, picklable record per capture for the writer: the verdict, the findings,
the main MRZ fields, the JSON report, the HTML report (when asked), the perceptual hash of the
aligned portrait zone and the forgery signature (the failing checks and their measured values).
Bad input gives a record with the coded error; the batch goes on.

The specimen library is loaded once per worker process and kept (:func:`library`).
"""

from __future__ import annotations

import hashlib
import json
import os
import resource
import sys
import time
import zlib
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np

from docfraud.batch.inputs import Unit, load_capture_spec
from docfraud.errors import DocfraudError

_LIBRARY: dict[str, Any] = {}
#: Native thread pools held to one thread per worker process: the workers are the parallelism
#: (OpenCV's and the BLAS's own threads would contend with the other workers for the cores).
SINGLE_THREAD_ENV = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1",
                     "MKL_NUM_THREADS": "1"}


def single_threaded() -> None:
    import cv2

    cv2.setNumThreads(1)


def library(root: str | None = None):  # type: ignore[no-untyped-def]
    """The worker's specimen library, loaded on first use and kept for the process."""
    from docfraud.specimens import Library

    key = root or ""
    if key not in _LIBRARY:
        single_threaded()
        lib = Library(root)
        lib.specimens()
        _LIBRARY[key] = lib
    return _LIBRARY[key]


def specimen_library(root: str | None = None):  # type: ignore[no-untyped-def]
    """The library without loading a worker's engines (for the driver)."""
    from docfraud.specimens import Library

    lib = Library(root)
    lib.specimens()
    return lib


def specimen_versions(lib) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """Each specimen's version: a hash of everything in its folder that affects an examination
    (description, calibration, reference images)."""
    out = {}
    for spec in lib.specimens():
        h = hashlib.sha256()
        for p in sorted(Path(spec.path).rglob("*")):
            if p.is_file():
                h.update(p.relative_to(spec.path).as_posix().encode())
                h.update(hashlib.sha256(p.read_bytes()).digest())
        out[spec.id] = h.hexdigest()[:16]
    return dict(sorted(out.items()))


def library_version(versions: dict[str, str]) -> str:
    """The whole library's version (what a capture that matched no specimen depends on)."""
    return hashlib.sha256(json.dumps(versions, sort_keys=True).encode()).hexdigest()[:16]


_VERSIONS: dict[str, dict[str, str]] = {}


def worker_versions(root: str | None) -> dict[str, str]:
    key = root or ""
    if key not in _VERSIONS:
        _VERSIONS[key] = specimen_versions(library(root))
    return _VERSIONS[key]


# --------------------------------------------------------------------------------------------
# portrait hash and forgery signature


#: The portrait descriptor: the (PHASH_N x PHASH_N) lowest DCT frequencies less the DC term of
#: each Lab channel of the head box, normalised, as signed bytes.
PHASH_N = 8
PHASH_DIMS = 3 * (PHASH_N * PHASH_N - 1)


def _head_box(img: np.ndarray) -> np.ndarray:
    """The crop of the head and shoulders: the pixels that differ from the photo's background
    (its top rows), cut square-ish from the top of the head. Makes the descriptor stable when
    the same photo is pasted a little shifted or scaled."""
    import cv2

    lab = cv2.cvtColor(img, cv2.COLOR_BGR2LAB).astype(np.float32)
    top = np.median(lab[: max(2, img.shape[0] // 30)].reshape(-1, 3), axis=0)
    fg = (np.linalg.norm(lab - top, axis=2) > 25).astype(np.uint8)
    fg = cv2.morphologyEx(fg, cv2.MORPH_OPEN, np.ones((3, 3), np.uint8))
    ys, xs = np.nonzero(fg)
    if len(ys) < 0.05 * fg.size:
        return img
    y0, x0, x1 = (int(np.percentile(ys, 1)), int(np.percentile(xs, 1)),
                  int(np.percentile(xs, 99)) + 1)
    y1 = min(img.shape[0], y0 + int((x1 - x0) * 1.1))
    box = img[y0:y1, x0:x1]
    return box if min(box.shape[:2]) >= 8 else img


def phash(img: np.ndarray) -> str:
    """A perceptual descriptor of a portrait (BGR): per Lab channel of the head box
    (:func:`_head_box`) at 32x32, the lowest DCT frequencies, unit length; :data:`PHASH_DIMS`
    signed bytes as hex. Compared by :func:`similarity` (1.0: the same picture).

    >>> a = np.full((140, 110, 3), 230, np.uint8); a[30:140, 25:85] = (60, 90, 140)
    >>> a[50:70, 40:70] = (200, 180, 160)
    >>> similarity(phash(a), phash(a[::2, ::2])) > 0.97
    True
    """
    import cv2

    lab = cv2.cvtColor(_head_box(img), cv2.COLOR_BGR2LAB)
    parts = []
    for c in range(3):
        small = cv2.resize(lab[:, :, c], (32, 32), interpolation=cv2.INTER_AREA)
        d = cv2.dct(small.astype(np.float32))[:PHASH_N, :PHASH_N].flatten()[1:]
        parts.append(d / max(float(np.linalg.norm(d)), 1e-6))
    v = np.concatenate(parts) / np.sqrt(3)
    q = np.clip(np.round(v / max(float(np.abs(v).max()), 1e-6) * 127), -127, 127)
    return q.astype(np.int8).tobytes().hex()


def descriptor(hexstr: str) -> np.ndarray:
    """The unit vector of a :func:`phash` string."""
    v = np.frombuffer(bytes.fromhex(hexstr), np.int8).astype(np.float32)
    return v / max(float(np.linalg.norm(v)), 1e-6)


def similarity(a: str, b: str) -> float:
    """Cosine similarity of two portrait descriptors (1.0: the same picture)."""
    return float(descriptor(a) @ descriptor(b))


def portrait_hash(ex) -> str | None:  # type: ignore[no-untyped-def]
    """The perceptual hash of the aligned portrait zone (in the specimen's frame), or None
    when the capture was not aligned or its side has no portrait."""
    from docfraud.report.png import _spec, zone_crops

    if ex.specimen is None or "white" not in ex.images:
        return None
    spec = _spec(ex)
    if spec is None or not any(z.id == "portrait" for z in spec.zones_of(side=ex.side)):
        return None
    crops = zone_crops(ex, "portrait", pad_mm=0.0)
    if crops is None:
        return None
    return phash(crops[0])


def signature(ex) -> list[list[Any]]:  # type: ignore[no-untyped-def]
    """The forgery signature: every failed check counted in the verdict, as [check, zone,
    measured value], sorted."""
    out = []
    for c in ex.checks:
        if c.status != "failed" or c.score is None:
            continue
        if c.finding is not None and c.finding.severity == "info":
            continue  # advisory checks
        out.append([c.check, c.zone, round(float(c.score), 4)])
    return sorted(out)


# --------------------------------------------------------------------------------------------


def _peak_rss_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (2**20 if sys.platform == "darwin" else 1024)


def _mrz_fields(ex) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    m = ex.mrz
    out: dict[str, Any] = {k: None for k in ("issuer", "document_code", "document_number",
                                             "surname", "given_names", "nationality",
                                             "birth_date", "sex", "expiry_date", "mrz")}
    if m is None:
        return out

    def val(name: str) -> Any:
        try:
            v = m.value(name)
        except (KeyError, AttributeError):
            return None
        if v is None:
            return None
        if hasattr(v, "iso"):
            return v.iso()
        if hasattr(v, "isoformat"):
            return v.isoformat()
        return str(v)

    out.update(issuer=val("issuing_state"), document_code=val("document_code"),
               document_number=val("document_number"), surname=val("surname"),
               given_names=val("given_names"), nationality=val("nationality"),
               birth_date=val("birth_date"), sex=val("sex"), expiry_date=val("expiry_date"),
               mrz="\n".join(m.lines))
    return out


def error_record(key: str, source: str, name: str, exc: BaseException,
                 document_key: str = "", side_index: int = 0) -> dict[str, Any]:
    if isinstance(exc, DocfraudError):
        code, title, message = exc.code, exc.title, exc.message
    else:  # a bug: recorded, the batch goes on
        code, title, message = "E000", "internal error", f"{type(exc).__name__}: {exc}"
    return {"key": key, "source": source, "name": name, "status": "error", "error_code": code,
            "error_title": title, "error_message": message, "document_key": document_key,
            "side_index": side_index}


def record(ex, key: str, source: str, name: str, document_key: str = "",  # type: ignore[no-untyped-def]
           side_index: int = 0, *, html: bool = True) -> dict[str, Any]:
    """The results-store record of one examination (what :meth:`Store.add` takes); also used
    by the web station, whose examinations go into the same store."""
    from docfraud.report import to_dict, to_html

    report = to_dict(ex)
    return {
        "key": key, "source": source, "name": name, "status": "done",
        "document_key": document_key, "side_index": side_index,
        "verdict": ex.verdict, "specimen": ex.specimen, "side": ex.side,
        "finding_codes": sorted({f.code for f in ex.findings}),
        "portrait_hash": portrait_hash(ex), "signature": signature(ex),
        "scores": [[c.check, c.zone, c.score, c.threshold, c.direction]
                   for c in ex.checks if c.score is not None and c.threshold is not None],
        "report": zlib.compress(json.dumps(report, ensure_ascii=False).encode(), 6),
        "html": zlib.compress(to_html(ex).encode(), 6) if html else None,
        "seconds": round(ex.timings.get("total", 0.0), 3),
        **_mrz_fields(ex),
    }


def examine_unit(unit: Unit, settings: dict[str, Any]) -> dict[str, Any]:
    """Examine one unit; the records of its captures, and facts about the worker.

    ``settings``: ``specimens`` (library root or None), ``as_of`` (ISO date or None),
    ``html`` (bool: render the HTML report).
    """
    from docfraud.examine.engine import examine, examine_document

    t0 = time.perf_counter()
    root = settings.get("specimens")
    as_of = date.fromisoformat(settings["as_of"]) if settings.get("as_of") else None
    doc_key = unit.document_key
    records: list[dict[str, Any]] = []
    try:
        lib = library(root)
        caps = [load_capture_spec(c) for c in unit.captures]
        if len(caps) == 1:
            exams = [examine(caps[0], lib, as_of=as_of)]
        else:
            exams = examine_document(caps, lib, as_of=as_of)
    except Exception as exc:  # noqa: BLE001 - every failure is recorded, the batch goes on
        records = [error_record(k, c.source, c.name, exc, doc_key, i)
                   for i, (k, c) in enumerate(zip(unit.keys, unit.captures))]
    else:
        for i, (key, spec, ex) in enumerate(zip(unit.keys, unit.captures, exams)):
            try:
                rec = record(ex, key, spec.source, spec.name, doc_key, i,
                             html=settings.get("html", True))
            except Exception as exc:  # noqa: BLE001
                rec = error_record(key, spec.source, spec.name, exc, doc_key, i)
            records.append(rec)
    return {"records": records, "pid": os.getpid(), "peak_rss_mb": round(_peak_rss_mb(), 1),
            "seconds": round(time.perf_counter() - t0, 3),
            "specimen_versions": worker_versions(root)}


def warm(settings: dict[str, Any]) -> dict[str, Any]:
    """Load the library (and the MRZ and OCR engines) in this worker; its versions and pid."""
    from docfraud.imaging.mrz import read_mrz  # noqa: F401 - import cost paid once

    library(settings.get("specimens"))
    return {"pid": os.getpid(), "specimen_versions": worker_versions(settings.get("specimens"))}
