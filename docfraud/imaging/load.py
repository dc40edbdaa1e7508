"""Load images safely: paths, bytes or arrays -> uint8 BGR NumPy arrays.

Formats: JPEG, PNG, TIFF (8/16-bit, multi-page with :func:`load_pages`), WebP, BMP, and PDF
pages when the optional ``pypdfium2`` package is installed. EXIF orientation is applied.

Safety: the pixel count is read from the header (Pillow opens lazily) and checked against
``max_pixels`` *before* any pixel is decoded (:class:`~docfraud.errors.ImageTooLargeError`,
E302); empty, truncated or non-image data raises :class:`~docfraud.errors.ImageDecodeError`
(E301); a recognised but unsupported format (GIF, HEIC, PDF without pypdfium2, ...) raises
:class:`~docfraud.errors.UnsupportedFormatError` (E303); a missing file raises
:class:`~docfraud.errors.InputFileError` (E102).

>>> import numpy as np
>>> load_image(np.zeros((4, 5), np.uint8)).shape
(4, 5, 3)
"""

from __future__ import annotations

import io
import os
import warnings
from pathlib import Path
from typing import BinaryIO, Union

import cv2
import numpy as np

from docfraud.errors import ImageDecodeError, ImageTooLargeError, InputFileError, UnsupportedFormatError

ImageSource = Union[str, os.PathLike, bytes, bytearray, memoryview, np.ndarray, BinaryIO]

DEFAULT_MAX_PIXELS = 100_000_000
"""Default pixel limit (100 Mpx, e.g. 12000 x 8333): a decompression-bomb guard."""
DEFAULT_MAX_PAGES = 50
DEFAULT_PDF_DPI = 300

_SUPPORTED = {"JPEG", "PNG", "TIFF", "WEBP", "BMP", "MPO"}


def sniff_format(data: bytes) -> str | None:
    """The format name from the first bytes, or None if unknown.

    >>> sniff_format(b"%PDF-1.7 ...")
    'PDF'
    """
    if data.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if data[:4] in (b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+"):
        return "TIFF"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WEBP"
    if data.startswith(b"BM"):
        return "BMP"
    if data.lstrip()[:5] == b"%PDF-":
        return "PDF"
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "GIF"
    if data[4:12] in (b"ftypheic", b"ftypheix", b"ftypmif1", b"ftypavif", b"ftyphevc", b"ftypmsf1"):
        return "HEIF"
    if data[:4] == b"\x00\x00\x00\x0c" and data[4:8] == b"jP  ":
        return "JPEG2000"
    return None


def _read_source(source: ImageSource) -> bytes:
    if isinstance(source, (bytes, bytearray, memoryview)):
        return bytes(source)
    if hasattr(source, "read"):
        data = source.read()  # type: ignore[union-attr]
        if not isinstance(data, (bytes, bytearray)):
            raise InputFileError("the file object is not opened in binary mode")
        return bytes(data)
    path = Path(os.fspath(source))  # type: ignore[arg-type]
    if not path.exists():
        raise InputFileError(f"no such file: {path}")
    if not path.is_file():
        raise InputFileError(f"not a regular file: {path}")
    try:
        return path.read_bytes()
    except OSError as exc:
        raise InputFileError(f"cannot read {path}: {exc}") from exc


def _check_pixels(w: int, h: int, max_pixels: int, what: str = "image") -> None:
    if w <= 0 or h <= 0:
        raise ImageDecodeError(f"the {what} has no pixels ({w}x{h})")
    if w * h > max_pixels:
        raise ImageTooLargeError(
            f"the {what} is {w}x{h} = {w * h} pixels, over the limit of {max_pixels}",
            hint="raise max_pixels if the file is trusted",
        )


def array_to_bgr(arr: np.ndarray) -> np.ndarray:
    """Any grey / BGR / BGRA array (uint8, uint16, bool or float) -> contiguous uint8 BGR."""
    a = np.asarray(arr)
    if a.ndim == 3 and a.shape[2] == 1:
        a = a[:, :, 0]
    if a.ndim not in (2, 3) or (a.ndim == 3 and a.shape[2] not in (3, 4)) or a.size == 0:
        raise ImageDecodeError(f"an image array must be HxW, HxWx3 or HxWx4, not {a.shape}")
    if a.dtype == np.bool_:
        a = a.astype(np.uint8) * 255
    elif a.dtype == np.uint16:
        a = ((a.astype(np.uint32) + 128) // 257).astype(np.uint8)
    elif a.dtype.kind == "f":
        finite = np.nan_to_num(a.astype(np.float32))
        top = 1.0 if float(finite.max(initial=0.0)) <= 1.0 else 255.0
        a = np.clip(finite * (255.0 / top), 0, 255).round().astype(np.uint8)
    elif a.dtype.kind in "iu" and a.dtype != np.uint8:
        mx = int(a.max(initial=0))
        if mx > 255:
            a = (np.clip(a, 0, 65535).astype(np.uint32) * 255 // max(mx, 1)).astype(np.uint8)
        else:
            a = np.clip(a, 0, 255).astype(np.uint8)
    if a.ndim == 2:
        return cv2.cvtColor(np.ascontiguousarray(a), cv2.COLOR_GRAY2BGR)
    if a.shape[2] == 4:
        alpha = a[:, :, 3:4].astype(np.float32) / 255.0
        rgb = a[:, :, :3].astype(np.float32)
        a = (rgb * alpha + 255.0 * (1 - alpha)).round().astype(np.uint8)
    return np.ascontiguousarray(a)


def _pil_frame_to_bgr(im) -> np.ndarray:  # type: ignore[no-untyped-def]
    mode = im.mode
    if mode in ("I;16", "I;16B", "I;16L", "I;16N"):
        a = np.asarray(im).astype(np.uint16)
        return array_to_bgr(a)
    if mode == "I":
        a = np.asarray(im)
        if a.size and int(a.max()) <= 65535 and int(a.min()) >= 0:
            return array_to_bgr(a.astype(np.uint16))
        return array_to_bgr(a.astype(np.float64) / max(float(a.max()), 1.0))
    if mode == "F":
        a = np.asarray(im).astype(np.float32)
        lo, hi = float(a.min()), float(a.max())
        return array_to_bgr((a - lo) / max(hi - lo, 1e-6))
    if mode == "1":
        return array_to_bgr(np.asarray(im.convert("L")))
    if mode in ("RGBA", "LA", "PA") or (mode == "P" and "transparency" in im.info):
        rgba = np.asarray(im.convert("RGBA"))
        return array_to_bgr(rgba[:, :, [2, 1, 0, 3]])
    if mode == "L":
        return array_to_bgr(np.asarray(im))
    rgb = np.asarray(im.convert("RGB"))
    return np.ascontiguousarray(rgb[:, :, ::-1])


def _decode_pil(data: bytes, fmt: str, max_pixels: int, max_pages: int, all_pages: bool) -> list[np.ndarray]:
    from PIL import Image, ImageOps, UnidentifiedImageError

    pages: list[np.ndarray] = []
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            old = Image.MAX_IMAGE_PIXELS
            Image.MAX_IMAGE_PIXELS = None  # we check the limit ourselves, before decoding
            try:
                im = Image.open(io.BytesIO(data))
                if im.format and im.format.upper() not in _SUPPORTED:
                    raise UnsupportedFormatError(f"{im.format} images are not supported")
                n = getattr(im, "n_frames", 1) if all_pages else 1
                if n > max_pages:
                    raise ImageTooLargeError(f"the file has {n} pages, over the limit of {max_pages}")
                for k in range(n):
                    if k:
                        im.seek(k)
                    w, h = im.size
                    _check_pixels(w, h, max_pixels, f"page {k + 1}" if n > 1 else "image")
                    im.load()
                    frame = ImageOps.exif_transpose(im) if k == 0 else im
                    pages.append(_pil_frame_to_bgr(frame if frame is not None else im))
            finally:
                Image.MAX_IMAGE_PIXELS = old
    except (ImageTooLargeError, UnsupportedFormatError):
        raise
    except UnidentifiedImageError as exc:
        raise ImageDecodeError(f"the {fmt} data cannot be decoded: {exc}") from exc
    except (OSError, ValueError, SyntaxError, EOFError, IndexError, TypeError) as exc:
        raise ImageDecodeError(f"the {fmt} data is truncated or corrupt: {exc}") from exc
    return pages


def _decode_pdf(data: bytes, max_pixels: int, max_pages: int, dpi: float, all_pages: bool,
                only: int | None = None) -> list[np.ndarray]:
    try:
        import pypdfium2 as pdfium
    except ImportError as exc:
        raise UnsupportedFormatError(
            "PDF input needs the optional package pypdfium2", hint="pip install pypdfium2"
        ) from exc
    try:
        pdf = pdfium.PdfDocument(data)
    except Exception as exc:  # pdfium raises its own PdfiumError
        raise ImageDecodeError(f"the PDF cannot be opened: {exc}") from exc
    try:
        n = len(pdf)
        if n == 0:
            raise ImageDecodeError("the PDF has no pages")
        if all_pages and n > max_pages:
            raise ImageTooLargeError(f"the PDF has {n} pages, over the limit of {max_pages}")
        if only is not None and not 0 <= only < n:
            raise ImageDecodeError(f"the PDF has {n} pages, no page {only + 1}")
        out = []
        for k in ([only] if only is not None else range(n if all_pages else 1)):
            page = pdf[k]
            wpt, hpt = page.get_size()
            scale = dpi / 72.0
            # shrink the rendering to the pixel limit instead of refusing a large page
            px = wpt * hpt * scale * scale
            if px > max_pixels:
                scale *= (max_pixels / px) ** 0.5 * 0.999
            w, h = int(wpt * scale), int(hpt * scale)
            _check_pixels(max(w, 1), max(h, 1), max_pixels, f"PDF page {k + 1}")
            bmp = page.render(scale=scale)
            arr = bmp.to_numpy()
            mode = bmp.mode if hasattr(bmp, "mode") else "BGRA"
            if arr.ndim == 3 and arr.shape[2] == 4:
                arr = arr[:, :, :3] if mode in ("BGRA", "BGRX") else arr[:, :, [2, 1, 0]]
            elif arr.ndim == 3 and arr.shape[2] == 3 and mode == "RGB":
                arr = arr[:, :, ::-1]
            out.append(array_to_bgr(arr))
        return out
    except (ImageDecodeError, ImageTooLargeError):
        raise
    except Exception as exc:
        raise ImageDecodeError(f"a PDF page cannot be rendered: {exc}") from exc
    finally:
        pdf.close()


def load_pages(
    source: ImageSource,
    *,
    max_pixels: int = DEFAULT_MAX_PIXELS,
    max_pages: int = DEFAULT_MAX_PAGES,
    pdf_dpi: float = DEFAULT_PDF_DPI,
) -> list[np.ndarray]:
    """Every page (multi-page TIFF, PDF) or the single image, each as uint8 BGR."""
    return _load(source, max_pixels, max_pages, pdf_dpi, all_pages=True)


def page_count(source: ImageSource) -> int:
    """How many pages a PDF or multi-page TIFF has (1 for any other image), without rendering."""
    data = _read_source(source)
    fmt = sniff_format(data[:64])
    if fmt == "PDF":
        try:
            import pypdfium2 as pdfium
        except ImportError as exc:
            raise UnsupportedFormatError("PDF input needs the optional package pypdfium2",
                                         hint="pip install pypdfium2") from exc
        try:
            pdf = pdfium.PdfDocument(data)
        except Exception as exc:  # pdfium raises its own PdfiumError
            raise ImageDecodeError(f"the PDF cannot be opened: {exc}") from exc
        try:
            return len(pdf)
        finally:
            pdf.close()
    if fmt == "TIFF":
        from PIL import Image, UnidentifiedImageError

        try:
            with Image.open(io.BytesIO(data)) as im:
                return int(getattr(im, "n_frames", 1))
        except (UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError) as exc:
            raise ImageDecodeError(f"the TIFF data cannot be decoded: {exc}") from exc
    return 1


def load_page(
    source: ImageSource,
    index: int,
    *,
    max_pixels: int = DEFAULT_MAX_PIXELS,
    pdf_dpi: float = DEFAULT_PDF_DPI,
) -> np.ndarray:
    """Page ``index`` (0-based) of a PDF or multi-page TIFF as uint8 BGR; only that page is
    rendered. Index 0 of any other image is the image."""
    data = _read_source(source) if not isinstance(source, np.ndarray) else b""
    if index == 0 or not data:
        return load_image(data or source, max_pixels=max_pixels, pdf_dpi=pdf_dpi)
    fmt = sniff_format(data[:64])
    if fmt == "PDF":
        return _decode_pdf(data, max_pixels, index + 1, pdf_dpi, True, only=index)[0]
    if fmt == "TIFF":
        return _decode_pil(data, fmt, max_pixels, index + 1, True)[index]
    raise ImageDecodeError(f"a {fmt or 'non-image'} file has only one page, no page {index + 1}")


def load_image(
    source: ImageSource,
    *,
    max_pixels: int = DEFAULT_MAX_PIXELS,
    pdf_dpi: float = DEFAULT_PDF_DPI,
) -> np.ndarray:
    """The image (the first page of a multi-page file) as a uint8 BGR array (H, W, 3)."""
    return _load(source, max_pixels, 1, pdf_dpi, all_pages=False)[0]


def _load(source: ImageSource, max_pixels: int, max_pages: int, pdf_dpi: float, all_pages: bool) -> list[np.ndarray]:
    if isinstance(source, np.ndarray):
        if source.ndim >= 2:
            _check_pixels(int(source.shape[1]), int(source.shape[0]), max_pixels, "array")
        return [array_to_bgr(source)]
    data = _read_source(source)
    if len(data) == 0:
        raise ImageDecodeError("the data is empty")
    fmt = sniff_format(data[:64])
    if fmt is None:
        raise ImageDecodeError("the data is not an image (unknown format)")
    if fmt == "PDF":
        return _decode_pdf(data, max_pixels, max_pages, pdf_dpi, all_pages)
    if fmt not in _SUPPORTED:
        raise UnsupportedFormatError(f"{fmt} images are not supported")
    return _decode_pil(data, fmt, max_pixels, max_pages, all_pages)


def to_working(img: np.ndarray, max_side: int = 1600, min_side: int = 0) -> tuple[np.ndarray, float]:
    """Downscale (area averaging) so the longer side is at most ``max_side``; upscale (cubic) so
    it is at least ``min_side`` when given. Returns (image, scale) with ``scale`` = new / old."""
    h, w = img.shape[:2]
    long_side = max(h, w)
    s = 1.0
    if long_side > max_side:
        s = max_side / long_side
    elif min_side and long_side < min_side:
        s = min_side / long_side
    if s == 1.0:
        return img, 1.0
    interp = cv2.INTER_AREA if s < 1 else cv2.INTER_CUBIC
    out = cv2.resize(img, (max(1, round(w * s)), max(1, round(h * s))), interpolation=interp)
    return out, s


def to_gray(img: np.ndarray) -> np.ndarray:
    """BGR or grey uint8 -> grey uint8."""
    return img if img.ndim == 2 else cv2.cvtColor(img, cv2.COLOR_BGR2GRAY)
