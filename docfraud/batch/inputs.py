"""What a batch examines, enumerated lazily: folders, zip archives, PDFs, capture sets.

An input is a folder (walked recursively, one directory listing in memory at a time), a zip
archive (read in place, never extracted: members whose names escape the archive, links and
members over the size limits are refused with a coded error and the batch goes on), a PDF or
multi-page TIFF (each page one capture), an image, a ``NAME.capture.toml`` manifest or a
manifest CSV (:data:`MANIFEST_COLUMNS`).

Capture sets: ``NAME.ir.EXT`` and ``NAME.uv.EXT`` beside ``NAME.EXT`` are the infrared and
ultraviolet images of the same page; ``NAME-front.EXT`` and ``NAME-back.EXT`` in the same folder
are the two sides of one card, examined together. A manifest CSV lists captures explicitly; rows
with the same ``document`` are the sides of one document.

Every item is a :class:`Unit`: one document of one or more captures, each capture's images as
bytes with the content hash the results store is keyed by. Units carry the bytes (not paths), so
the same unit examines the same on a local worker and on a Dask worker of another machine.
"""

from __future__ import annotations

import csv
import dataclasses
import hashlib
import os
import stat
import tomllib
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, Iterator

from docfraud.errors import ArchiveLimitError, ArchiveMemberError, DocfraudError, InputFileError
from docfraud.examine.capture import IMAGE_SUFFIXES, MANIFEST_SUFFIX

PAGED_SUFFIXES = (".pdf", ".tif", ".tiff")
SUFFIXES = (*IMAGE_SUFFIXES, ".pdf")
#: Columns of a manifest CSV: ``white`` is required, the others optional. Paths are relative to
#: the CSV's folder. ``page`` picks a page of a PDF (1-based); ``document`` groups the rows of
#: one document's sides; ``side`` names the side (``front``, ``back``, ``page``).
MANIFEST_COLUMNS = ("white", "ir", "uv", "side", "document", "page", "device")
SIDE_SUFFIXES = ("-front", "-back")


@dataclass(frozen=True)
class Limits:
    """Size limits of a batch's inputs (decompression-bomb and runaway-file guards)."""

    max_file_bytes: int = 200 * 2**20
    max_member_bytes: int = 200 * 2**20
    max_archive_bytes: int = 20 * 2**30  # all members of one archive together, uncompressed
    max_ratio: float = 200.0  # uncompressed / compressed size of one member
    max_members: int = 1_000_000
    max_pages: int = 500


@dataclass
class Part:
    """One image of a capture: its bytes (shared between the pages of one file) and page."""

    data: bytes
    page: int = 0
    digest: str = ""

    def __post_init__(self) -> None:
        if not self.digest:
            self.digest = hashlib.sha256(self.data).hexdigest()

    @property
    def content(self) -> str:
        return self.digest if self.page == 0 else f"{self.digest}#p{self.page}"


@dataclass
class CaptureSpec:
    """One capture: a page under white light and optionally infrared and ultraviolet."""

    name: str
    source: str
    parts: dict[str, Part]
    side: str | None = None
    device: str | None = None  # "scanner" or "camera" (docfraud.examine.capture.DEVICES)

    @property
    def digest(self) -> str:
        text = ";".join(f"{light}:{self.parts[light].content}"
                        for light in ("white", "ir", "uv") if light in self.parts)
        if self.device:  # the device changes what is checked (print.sharpness)
            text += f";device:{self.device}"
        return hashlib.sha256(text.encode()).hexdigest()


@dataclass
class Unit:
    """One document: its captures (a card's sides), examined together."""

    captures: list[CaptureSpec]
    keys: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.keys:
            digests = [c.digest for c in self.captures]
            if len(digests) == 1:
                self.keys = digests
            else:  # a side's result depends on the other sides (their MRZ): keyed by all
                self.keys = [hashlib.sha256((d + "|with|" + ",".join(digests)).encode())
                             .hexdigest() for d in digests]

    @property
    def source(self) -> str:
        return self.captures[0].source

    def with_device(self, device: str | None) -> "Unit":
        """This document with ``device`` for the captures that do not name theirs."""
        if device is None or all(c.device for c in self.captures):
            return self
        return Unit([dataclasses.replace(c, device=c.device or device) for c in self.captures])

    @property
    def document_key(self) -> str:
        return hashlib.sha256(",".join(c.digest for c in self.captures).encode()).hexdigest()


@dataclass
class Failed:
    """An item that could not be read: where, and the coded error."""

    source: str
    error: DocfraudError


Item = Unit | Failed


# --------------------------------------------------------------------------------------------
# naming conventions


def _split_light(name: str) -> tuple[str, str | None, str]:
    """``a.ir.jpg`` -> ("a", "ir", ".jpg"); ``a.jpg`` -> ("a", None, ".jpg")."""
    stem, ext = os.path.splitext(name)
    for light in ("ir", "uv"):
        if stem.endswith("." + light):
            return stem[: -len(light) - 1], light, ext
    return stem, None, ext


def _doc_and_side(stem: str) -> tuple[str, str | None]:
    for suffix in SIDE_SUFFIXES:
        if stem.endswith(suffix):
            return stem[: -len(suffix)], suffix[1:]
    return stem, None


def _is_candidate(name: str) -> bool:
    low = name.lower()
    return (low.endswith(SUFFIXES) or low.endswith(MANIFEST_SUFFIX) or low.endswith(".csv")
            or low.endswith(".zip"))


# --------------------------------------------------------------------------------------------
# a listing of one directory (on disk or in an archive) -> units


@dataclass
class _Entry:
    name: str  # file name within its directory
    source: str  # display path
    read: object  # () -> bytes


def _group(entries: list[_Entry], limits: Limits) -> Iterator[Item]:
    """The units of one directory's image files: lights grouped, card sides paired, pages
    split."""
    by_stem: dict[str, dict[str, _Entry]] = {}
    order: list[str] = []
    for e in entries:
        stem, light, ext = _split_light(e.name)
        if ext.lower() not in SUFFIXES:
            continue
        slot = by_stem.setdefault(stem, {})
        if not slot:
            order.append(stem)
        slot.setdefault(light or "white", e)
    docs: dict[str, list[str]] = {}
    doc_order: list[str] = []
    for stem in order:
        if "white" not in by_stem[stem]:  # an IR/UV image without its white-light image
            for e in by_stem[stem].values():
                yield Failed(e.source, InputFileError(
                    "an infrared or ultraviolet image without its white-light image"))
            continue
        doc, side = _doc_and_side(stem)
        key = doc if side else stem
        if key not in docs:
            doc_order.append(key)
        docs.setdefault(key, []).append(stem)
    for key in doc_order:
        stems = sorted(docs[key], key=lambda s: (_doc_and_side(s)[1] != "front", s))
        try:
            caps = []
            for stem in stems:
                caps.extend(_captures(by_stem[stem], stem, _doc_and_side(stem)[1], limits))
        except DocfraudError as exc:
            yield Failed(by_stem[stems[0]]["white"].source, exc)
            continue
        if len(caps) > 1 and all(c.parts["white"].page for c in caps[1:]) and len(stems) == 1:
            for c in caps:  # the pages of one PDF: each page is a capture of its own
                yield Unit([c])
        else:
            yield Unit(caps)


def _captures(lights: dict[str, _Entry], stem: str, side: str | None,
              limits: Limits) -> list[CaptureSpec]:
    white = lights["white"]
    data = white.read()  # type: ignore[operator]
    parts = {"white": Part(data)}
    pages = _pages(data, limits, white.source)
    if pages > 1:
        return [CaptureSpec(f"{stem}-p{k + 1}", f"{white.source}#page={k + 1}",
                            {"white": Part(data, k, parts["white"].digest)}, side)
                for k in range(pages)]
    for light in ("ir", "uv"):
        if light in lights:
            parts[light] = Part(lights[light].read())  # type: ignore[operator]
    return [CaptureSpec(stem, white.source, parts, side)]


def _pages(data: bytes, limits: Limits, source: str) -> int:
    head = data[:8]
    if not (head.startswith(b"%PDF") or head[:4] in (b"II*\x00", b"MM\x00*")
            or data.lstrip()[:5] == b"%PDF-"):
        return 1
    from docfraud.imaging.load import page_count

    n = page_count(data)
    if n > limits.max_pages:
        raise ArchiveLimitError(f"{n} pages, over the limit of {limits.max_pages}")
    return n


# --------------------------------------------------------------------------------------------
# files on disk


def _read_file(path: Path, limits: Limits) -> bytes:
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise InputFileError(f"cannot read {path}: {exc.strerror}") from None
    if size > limits.max_file_bytes:
        raise ArchiveLimitError(f"{size} bytes, over the limit of {limits.max_file_bytes}")
    try:
        return path.read_bytes()
    except OSError as exc:
        raise InputFileError(f"cannot read {path}: {exc.strerror}") from None


def _disk_entry(path: Path, limits: Limits) -> _Entry:
    return _Entry(path.name, str(path), lambda: _read_file(path, limits))


def walk(inputs: list[str | Path], limits: Limits = Limits()) -> Iterator[Item]:
    """Every unit of the inputs, lazily, in a stable order (sorted names)."""
    for inp in inputs:
        path = Path(inp)
        try:
            if path.is_dir():
                yield from _walk_dir(path, limits)
            elif not path.exists():
                yield Failed(str(path), InputFileError(f"no such file or folder: {path}"))
            else:
                yield from _file(path, limits)
        except DocfraudError as exc:
            yield Failed(str(path), exc)


def _file(path: Path, limits: Limits) -> Iterator[Item]:
    low = path.name.lower()
    if low.endswith(".zip"):
        yield from walk_zip(path, limits)
    elif low.endswith(MANIFEST_SUFFIX):
        yield from _toml_manifest(path, limits)
    elif low.endswith(".csv"):
        yield from read_manifest_csv(path, limits)
    else:
        entries = [_disk_entry(path, limits)]
        entries += [_disk_entry(p, limits) for p in _disk_siblings(path)]
        yield from _group(entries, limits)


def _disk_siblings(white: Path) -> list[Path]:
    from docfraud.examine.capture import siblings

    return list(siblings(white).values())


def _walk_dir(root: Path, limits: Limits) -> Iterator[Item]:
    stack = [root]
    while stack:
        folder = stack.pop()
        try:
            with os.scandir(folder) as it:
                listing = sorted((e for e in it), key=lambda e: e.name)
        except OSError as exc:
            yield Failed(str(folder), InputFileError(f"cannot list {folder}: {exc.strerror}"))
            continue
        subdirs, files = [], []
        for e in listing:
            try:
                if e.is_symlink():
                    continue  # links are not followed (loops, escapes)
                if e.is_dir():
                    subdirs.append(Path(e.path))
                elif e.is_file() and _is_candidate(e.name):
                    files.append(Path(e.path))
            except OSError:
                continue
        claimed = set()
        for p in files:  # manifests first: the files they list are theirs
            if p.name.lower().endswith(MANIFEST_SUFFIX):
                try:
                    data = tomllib.loads(p.read_text(encoding="utf-8"))
                    claimed |= {str((folder / str(v)).resolve()) for k, v in data.items()
                                if k in ("white", "ir", "uv")}
                except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
                    pass
                yield from _toml_manifest(p, limits)
        plain = []
        for p in files:
            low = p.name.lower()
            if low.endswith(MANIFEST_SUFFIX) or str(p.resolve()) in claimed:
                continue
            if low.endswith(".zip"):
                yield from walk_zip(p, limits)
            elif low.endswith(".csv"):
                if _looks_like_manifest(p):
                    yield from read_manifest_csv(p, limits)
            else:
                plain.append(_disk_entry(p, limits))
        yield from _group(plain, limits)
        stack.extend(reversed(subdirs))


def _toml_manifest(path: Path, limits: Limits) -> Iterator[Item]:
    from docfraud.examine.capture import read_manifest

    try:
        m = read_manifest(path)
        parts = {light: Part(_read_file(Path(m[light]), limits))
                 for light in ("white", "ir", "uv") if light in m}
    except DocfraudError as exc:
        yield Failed(str(path), exc)
        return
    name = path.name[: -len(MANIFEST_SUFFIX)]
    yield Unit([CaptureSpec(name, str(path), parts, m.get("side"),  # type: ignore[arg-type]
                            m.get("device"))])  # type: ignore[arg-type]


def _looks_like_manifest(path: Path) -> bool:
    try:
        with path.open(encoding="utf-8", newline="") as fh:
            header = next(csv.reader(fh), [])
    except (OSError, UnicodeDecodeError, csv.Error):
        return False
    return "white" in [h.strip().lower() for h in header]


def read_manifest_csv(path: Path, limits: Limits = Limits()) -> Iterator[Item]:
    """The units a manifest CSV lists (:data:`MANIFEST_COLUMNS`); rows of one ``document`` must
    follow each other."""
    try:
        fh = path.open(encoding="utf-8", newline="")
    except OSError as exc:
        yield Failed(str(path), InputFileError(f"cannot read {path}: {exc.strerror}"))
        return
    with fh:
        reader = csv.DictReader(fh)
        cols = [c.strip().lower() for c in (reader.fieldnames or [])]
        if "white" not in cols:
            yield Failed(str(path), InputFileError(
                f"{path}: a manifest CSV needs a 'white' column (columns: "
                + ", ".join(MANIFEST_COLUMNS) + ")"))
            return
        pending: list[CaptureSpec] = []
        pending_doc: str | None = None
        for lineno, row in enumerate(reader, start=2):
            row = {(k or "").strip().lower(): (v or "").strip() for k, v in row.items()}
            source = f"{path}:{lineno}"
            try:
                cap = _manifest_row(path.parent, row, source, limits)
            except DocfraudError as exc:
                yield Failed(source, exc)
                continue
            doc = row.get("document") or None
            if pending and (doc is None or doc != pending_doc):
                yield Unit(pending)
                pending = []
            pending.append(cap)
            pending_doc = doc
        if pending:
            yield Unit(pending)


def _manifest_row(base: Path, row: dict[str, str], source: str, limits: Limits) -> CaptureSpec:
    if not row.get("white"):
        raise InputFileError(f"{source}: the row names no white-light image")
    page = 0
    if row.get("page"):
        try:
            page = int(row["page"]) - 1
        except ValueError:
            raise InputFileError(f"{source}: page must be a number, not {row['page']!r}") \
                from None
        if page < 0:
            raise InputFileError(f"{source}: pages are numbered from 1")
    parts: dict[str, Part] = {}
    for light in ("white", "ir", "uv"):
        if row.get(light):
            p = Path(row[light])
            parts[light] = Part(_read_file(p if p.is_absolute() else base / p, limits),
                                page if light == "white" else 0)
    from docfraud.examine.capture import check_device

    device = check_device(row.get("device") or None, f"{source}: device")
    name = Path(row["white"]).stem + (f"-p{page + 1}" if page else "")
    return CaptureSpec(name, source, parts, row.get("side") or None, device)


# --------------------------------------------------------------------------------------------
# zip archives


def safe_member_name(name: str) -> PurePosixPath:
    """The member's path inside the archive; raises ArchiveMemberError if it would escape
    (absolute, drive letter, ``..``) or is empty."""
    norm = name.replace("\\", "/")
    p = PurePosixPath(norm)
    if (not norm or norm.startswith("/") or (len(norm) > 1 and norm[1] == ":")
            or any(part == ".." for part in p.parts)):
        raise ArchiveMemberError(f"member name {name!r} escapes the archive")
    return p


def _member_reader(zf: zipfile.ZipFile, info: zipfile.ZipInfo, limits: Limits, source: str):
    def read() -> bytes:
        if info.file_size > limits.max_member_bytes:
            raise ArchiveLimitError(f"{source}: {info.file_size} bytes uncompressed, over the "
                                    f"limit of {limits.max_member_bytes}")
        if info.compress_size and info.file_size / info.compress_size > limits.max_ratio:
            raise ArchiveLimitError(f"{source}: compressed {info.file_size / info.compress_size:.0f}"
                                    f" to 1, over the limit of {limits.max_ratio:.0f} to 1")
        try:
            with zf.open(info) as fh:
                data = fh.read(limits.max_member_bytes + 1)  # never trust the header alone
        except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, RuntimeError) as exc:
            raise InputFileError(f"{source}: cannot be read from the archive ({exc})") from None
        if len(data) > limits.max_member_bytes:
            raise ArchiveLimitError(f"{source}: over the limit of {limits.max_member_bytes} "
                                    "bytes uncompressed")
        return data
    return read


def walk_zip(path: Path, limits: Limits = Limits()) -> Iterator[Item]:
    """The units of a zip archive, read in place (nothing is extracted)."""
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        yield Failed(str(path), InputFileError(f"{path}: not a readable zip archive ({exc})"))
        return
    with zf:
        infos = zf.infolist()
        if len(infos) > limits.max_members:
            yield Failed(str(path), ArchiveLimitError(
                f"{len(infos)} members, over the limit of {limits.max_members}"))
            return
        total = sum(i.file_size for i in infos)
        if total > limits.max_archive_bytes:
            yield Failed(str(path), ArchiveLimitError(
                f"{total} bytes uncompressed, over the limit of {limits.max_archive_bytes}"))
            return
        folders: dict[str, list[_Entry]] = {}
        for info in infos:
            source = f"{path}!{info.filename}"
            if info.is_dir():
                continue
            try:
                member = safe_member_name(info.filename)
                mode = (info.external_attr >> 16) & 0xFFFF
                if stat.S_ISLNK(mode):
                    raise ArchiveMemberError(f"member {info.filename!r} is a symbolic link")
            except ArchiveMemberError as exc:
                yield Failed(source, exc)
                continue
            if not _is_candidate(member.name) or member.name.lower().endswith(
                    (".zip", ".csv", MANIFEST_SUFFIX)):
                continue  # nested archives and manifests are not read inside archives
            folders.setdefault(str(member.parent), []).append(
                _Entry(member.name, source, _member_reader(zf, info, limits, source)))
        for folder in sorted(folders):
            yield from _group(sorted(folders[folder], key=lambda e: e.name), limits)


def count_units(inputs: list[str | Path], limits: Limits = Limits()) -> int:
    """How many items :func:`walk` will yield, without reading images (PDF pages are counted
    by opening each PDF). For the progress bar's total; runs beside the batch."""
    return sum(walk_light(inputs, limits))


def _count_listing(names: list[str], pages: Any) -> int:
    """The progress ticks of one directory's image files, as :func:`_group` makes them."""
    lights: dict[str, set[str]] = {}
    files: dict[str, str] = {}
    for name in names:
        stem, light, ext = _split_light(name)
        if ext.lower() in SUFFIXES:
            lights.setdefault(stem, set()).add(light or "white")
            if light is None:
                files[stem] = name
    n = 0
    docs: set[str] = set()
    for stem, ls in lights.items():
        if "white" not in ls:
            n += len(ls)  # each a recorded failure
            continue
        doc, side = _doc_and_side(stem)
        if side is None and files[stem].lower().endswith(".pdf"):
            n += pages(files[stem])
        elif (doc if side else stem) not in docs:
            docs.add(doc if side else stem)
            n += 1
    return n


def walk_light(inputs: list[str | Path], limits: Limits) -> Iterator[int]:
    """Progress ticks per input (units and failures), reading only directory listings, zip
    central directories and PDF headers."""
    for inp in inputs:
        path = Path(inp)
        if path.is_dir():
            for folder, dirs, files in os.walk(path):
                dirs.sort()
                here = Path(folder)
                plain = []
                for name in files:
                    low = name.lower()
                    if low.endswith(".zip"):
                        yield _count_zip(here / name, limits)
                    elif low.endswith(MANIFEST_SUFFIX):
                        yield 1
                    elif low.endswith(".csv"):
                        if _looks_like_manifest(here / name):
                            yield _count_csv(here / name)
                    else:
                        plain.append(name)
                yield _count_listing(plain, lambda n, d=here: _count_pages(d / n, limits))
        elif path.name.lower().endswith(".zip"):
            yield _count_zip(path, limits)
        elif path.name.lower().endswith(".csv"):
            yield _count_csv(path)
        elif path.name.lower().endswith(".pdf"):
            yield _count_pages(path, limits)
        else:
            yield 1


def _count_csv(path: Path) -> int:
    try:
        with path.open(encoding="utf-8") as fh:
            return max(sum(1 for line in fh if line.strip()) - 1, 1)
    except (OSError, UnicodeDecodeError):
        return 1


def _count_pages(path: Path, limits: Limits) -> int:
    try:
        if path.stat().st_size > limits.max_file_bytes:
            return 1
        from docfraud.imaging.load import page_count

        n = page_count(path)
        return n if n <= limits.max_pages else 1
    except (DocfraudError, OSError):
        return 1


def _count_zip(path: Path, limits: Limits) -> int:
    try:
        with zipfile.ZipFile(path) as zf:
            n, folders = 0, {}
            for info in zf.infolist():
                if info.is_dir():
                    continue
                try:
                    p = safe_member_name(info.filename)
                except ArchiveMemberError:
                    n += 1
                    continue
                if p.name.lower().endswith(SUFFIXES):
                    folders.setdefault(str(p.parent), []).append(p.name)
            return n + sum(_count_listing(v, lambda _: 1) for v in folders.values())
    except (zipfile.BadZipFile, OSError):
        return 1


def load_capture_spec(spec: CaptureSpec):  # type: ignore[no-untyped-def]
    """The :class:`docfraud.examine.capture.Capture` of a spec (decodes the images)."""
    from docfraud.examine.capture import Capture
    from docfraud.imaging.load import load_page

    images = {}
    for light, part in spec.parts.items():
        images[light] = load_page(part.data, part.page)
    return Capture(images, {k: spec.source for k in spec.parts}, spec.name, spec.side,
                   spec.device)


__all__ = ["CaptureSpec", "Failed", "Item", "Limits", "MANIFEST_COLUMNS", "Part", "Unit",
           "count_units", "load_capture_spec", "read_manifest_csv", "safe_member_name", "walk",
           "walk_zip"]
