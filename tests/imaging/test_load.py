"""Loading: every format, EXIF orientation, 16-bit and multi-page TIFF, PDF, bad data, bombs."""

from __future__ import annotations

import io
import struct
import zlib

import numpy as np
import pytest
from PIL import Image

from docfraud.errors import ImageDecodeError, ImageTooLargeError, InputFileError, UnsupportedFormatError
from docfraud.imaging.load import array_to_bgr, load_image, load_pages, sniff_format, to_working


def _pattern(h: int = 40, w: int = 60) -> np.ndarray:
    """An RGB picture whose orientation and colours can be checked: red left half, blue right."""
    a = np.zeros((h, w, 3), np.uint8)
    a[:, : w // 2] = (255, 0, 0)
    a[:, w // 2 :] = (0, 0, 255)
    a[:5, :5] = (0, 255, 0)  # green top-left corner
    return a


def _encode(arr: np.ndarray, fmt: str, **kw) -> bytes:
    buf = io.BytesIO()
    Image.fromarray(arr).save(buf, format=fmt, **kw)
    return buf.getvalue()


@pytest.mark.parametrize("fmt", ["PNG", "BMP", "TIFF", "WEBP", "JPEG"])
def test_formats_decode_to_bgr(fmt: str) -> None:
    kw = {"lossless": True} if fmt == "WEBP" else ({"quality": 95} if fmt == "JPEG" else {})
    data = _encode(_pattern(), fmt, **kw)
    img = load_image(data)
    assert img.dtype == np.uint8 and img.shape == (40, 60, 3)
    # BGR: the red half has a high last channel
    left, right = img[20, 10].astype(int), img[20, 50].astype(int)
    assert left[2] > 200 and left[0] < 60
    assert right[0] > 200 and right[2] < 60


def test_path_and_file_object(tmp_path) -> None:
    p = tmp_path / "x.png"
    p.write_bytes(_encode(_pattern(), "PNG"))
    assert load_image(p).shape == (40, 60, 3)
    assert load_image(str(p)).shape == (40, 60, 3)
    with open(p, "rb") as fh:
        assert load_image(fh).shape == (40, 60, 3)


def test_missing_file(tmp_path) -> None:
    with pytest.raises(InputFileError):
        load_image(tmp_path / "nope.jpg")


def test_exif_orientation_is_applied() -> None:
    im = Image.fromarray(_pattern())
    exif = im.getexif()
    exif[0x0112] = 6  # rotate 90 CW to display
    buf = io.BytesIO()
    im.save(buf, format="JPEG", quality=95, exif=exif)
    img = load_image(buf.getvalue())
    assert img.shape == (60, 40, 3)
    # after a 90 degree clockwise turn the red (left) half is on top
    assert img[10, 20, 2] > 200 and img[50, 20, 0] > 200


def test_16bit_tiff_and_png() -> None:
    a = (np.linspace(0, 65535, 40 * 60).reshape(40, 60)).astype(np.uint16)
    for fmt in ("TIFF", "PNG"):
        img = load_image(_encode(a, fmt))
        assert img.dtype == np.uint8 and img.shape == (40, 60, 3)
        assert img[0, 0, 0] == 0 and img[-1, -1, 0] == 255


def test_multipage_tiff() -> None:
    frames = [Image.fromarray(np.full((20, 30), v, np.uint8)) for v in (10, 128, 250)]
    buf = io.BytesIO()
    frames[0].save(buf, format="TIFF", save_all=True, append_images=frames[1:])
    pages = load_pages(buf.getvalue())
    assert [int(p[0, 0, 0]) for p in pages] == [10, 128, 250]
    assert int(load_image(buf.getvalue())[0, 0, 0]) == 10


def test_pdf_pages() -> None:
    buf = io.BytesIO()
    pages = [Image.fromarray(_pattern(100, 150)), Image.fromarray(np.full((100, 150, 3), 255, np.uint8))]
    pages[0].save(buf, format="PDF", save_all=True, append_images=pages[1:], resolution=72)
    data = buf.getvalue()
    try:
        import pypdfium2  # noqa: F401
    except ImportError:
        with pytest.raises(UnsupportedFormatError):
            load_image(data)
        return
    out = load_pages(data, pdf_dpi=72)
    assert len(out) == 2 and out[0].shape[2] == 3
    assert out[0][50, 20, 2] > 150  # red left half, BGR


def test_alpha_is_flattened_on_white() -> None:
    a = np.zeros((10, 10, 4), np.uint8)  # fully transparent black
    img = load_image(_encode(a, "PNG"))
    assert (img == 255).all()


@pytest.mark.parametrize("data", [b"", b"hello world, not an image", b"\x00" * 100])
def test_not_an_image(data: bytes) -> None:
    with pytest.raises(ImageDecodeError) as exc:
        load_image(data)
    assert exc.value.code == "E301"


@pytest.mark.parametrize("fmt", ["PNG", "JPEG"])
def test_truncated(fmt: str) -> None:
    data = _encode(np.random.default_rng(0).integers(0, 255, (200, 200, 3), dtype=np.uint8), fmt)
    with pytest.raises(ImageDecodeError):
        load_image(data[: len(data) // 2])


def test_unsupported_format() -> None:
    with pytest.raises(UnsupportedFormatError) as exc:
        load_image(_encode(_pattern(), "GIF"))
    assert exc.value.code == "E303"


def _png_header_only(width: int, height: int) -> bytes:
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + chunk(b"IEND", b"")


def test_pixel_bomb_refused_before_decoding() -> None:
    # 100000 x 100000 claimed in the header with almost no data: must fail on the header alone
    with pytest.raises(ImageTooLargeError) as exc:
        load_image(_png_header_only(100_000, 100_000))
    assert exc.value.code == "E302"


def test_pixel_limit_is_configurable() -> None:
    data = _encode(_pattern(), "PNG")
    with pytest.raises(ImageTooLargeError):
        load_image(data, max_pixels=1000)
    with pytest.raises(ImageTooLargeError):
        load_image(np.zeros((100, 100), np.uint8), max_pixels=1000)


def test_arrays() -> None:
    assert array_to_bgr(np.zeros((5, 6), np.uint16)).dtype == np.uint8
    assert array_to_bgr(np.ones((5, 6), np.float32))[0, 0, 0] == 255
    assert array_to_bgr(np.zeros((5, 6), bool)).shape == (5, 6, 3)
    with pytest.raises(ImageDecodeError):
        array_to_bgr(np.zeros((5, 6, 2), np.uint8))


def test_sniff_and_working_size() -> None:
    assert sniff_format(b"\xff\xd8\xff\xe0") == "JPEG"
    assert sniff_format(b"RIFF\x00\x00\x00\x00WEBPVP8 ") == "WEBP"
    img, s = to_working(np.zeros((4000, 3000, 3), np.uint8), max_side=1000)
    assert img.shape[:2] == (1000, 750) and s == 0.25
    img, s = to_working(np.zeros((100, 200), np.uint8), max_side=1000, min_side=400)
    assert img.shape == (200, 400) and s == 2.0
