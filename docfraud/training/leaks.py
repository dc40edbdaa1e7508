"""Checks that nothing handed to trainees gives an answer away.

Run after every ``make-set`` on the ``trainee/`` folder:

* file names: only the item number (``07.jpg``, ``07.ir.jpg``, ``07-front.uv.jpg``) and the
  worksheet and template files;
* JPEG files: no EXIF/XMP or other application segment but the JFIF header, no comment;
  PNG files: no text, EXIF or time chunk;
* no image or template holds a forgery type's name or the words of the answer key;
* the worksheet's item rows are alike: none names a forgery type, and each asks the same
  questions.

Any problem raises :class:`~docfraud.errors.HintLeakError` (E704).
"""

from __future__ import annotations

import re
import struct
from pathlib import Path
from typing import Any

from docfraud.errors import HintLeakError
from docfraud.training.catalogue import KINDS

IMAGE_NAME = re.compile(r"^\d{2,3}(-(front|back))?(\.(ir|uv))?\.(jpg|png)$")
OTHER_FILES = {"worksheet.html", "worksheet.pdf", "answers-template.csv"}
#: Words that must not occur in the bytes of an image or of the answer template.
WORDS = tuple(sorted({*KINDS, "genuine", "forged", "forgery", "docfraud", "strength",
                      "answer-key"}))
PNG_META = {b"tEXt", b"zTXt", b"iTXt", b"eXIf", b"tIME"}


def jpeg_metadata(data: bytes) -> list[str]:
    """The metadata segments of a JPEG (APP1..APP15, COM, a non-JFIF APP0), by name."""
    found = []
    if data[:2] != b"\xff\xd8":
        return ["not a JPEG"]
    i = 2
    while i + 4 <= len(data):
        if data[i] != 0xFF:
            return found + ["broken marker structure"]
        marker = data[i + 1]
        if marker == 0xFF:  # fill byte
            i += 1
            continue
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
            i += 2
            continue
        if marker == 0xDA or marker == 0xD9:  # start of scan: metadata comes before it
            break
        (length,) = struct.unpack(">H", data[i + 2:i + 4])
        body = data[i + 4:i + 2 + length]
        jfif_header = marker == 0xE0 and body.startswith(b"JFIF\x00")  # allowed: no metadata
        if 0xE0 <= marker <= 0xEF and not jfif_header:
            found.append(f"APP{marker - 0xE0} segment ({body[:12]!r})")
        elif marker == 0xFE:
            found.append(f"comment ({body[:40]!r})")
        i += 2 + length
    return found


def png_metadata(data: bytes) -> list[str]:
    """The text, EXIF and time chunks of a PNG."""
    found = []
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        return ["not a PNG"]
    i = 8
    while i + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[i:i + 8])
        if kind in PNG_META:
            found.append(f"{kind.decode('latin-1')} chunk")
        i += 12 + length
        if kind == b"IEND":
            break
    return found


def words_in(data: bytes) -> list[str]:
    low = data.lower()
    return [w for w in WORDS if w.encode() in low]


def _rows(html: str) -> list[str]:
    return re.findall(r'<tr class="item"[^>]*>(.*?)</tr>', html, flags=re.S)


def check_worksheet(html: str, count: int) -> list[str]:
    problems = []
    rows = _rows(html)
    if len(rows) != count:
        problems.append(f"worksheet.html has {len(rows)} item rows for {count} items")
    names = [n for k in KINDS.values() for n in (k.type, k.title.lower())]
    shapes = set()
    for row in rows:
        text = re.sub(r'src="data:[^"]*"', "", row).lower()
        hit = [n for n in names if n in text]
        if hit:
            problems.append(f"worksheet.html: an item row names {', '.join(hit)}")
        shapes.add((text.count("genuine"), text.count("forged"), text.count("<input"),
                    text.count('class="box"')))
    if len(shapes) > 1:
        problems.append("worksheet.html: the item rows do not all ask the same questions")
    return problems


def check_trainee_folder(folder: str | Path, key: dict[str, Any] | None = None) -> None:
    """Raise :class:`HintLeakError` if anything in ``folder`` (the trainee folder of a set) would
    give an answer away."""
    folder = Path(folder)
    problems: list[str] = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        rel = path.relative_to(folder).as_posix()
        data = path.read_bytes()
        if rel.startswith("images/"):
            if not IMAGE_NAME.match(path.name):
                problems.append(f"{rel}: the file name says more than the item number")
            meta = jpeg_metadata(data) if path.suffix == ".jpg" else png_metadata(data)
            problems += [f"{rel}: metadata: {m}" for m in meta]
            problems += [f"{rel}: holds the word {w!r}" for w in words_in(data)]
        elif rel in OTHER_FILES:
            if rel == "answers-template.csv":
                body = data.split(b"\n", 1)[1] if b"\n" in data else b""
                problems += [f"{rel}: holds the word {w!r}" for w in words_in(body)]
            elif rel == "worksheet.html":
                n = len(key["items"]) if key else len(_rows(data.decode("utf-8", "replace")))
                problems += check_worksheet(data.decode("utf-8", "replace"), n)
        else:
            problems.append(f"{rel}: a file the trainee folder should not hold")
    if problems:
        raise HintLeakError(f"{folder}: {len(problems)} problem(s): " + "; ".join(problems[:12]))
