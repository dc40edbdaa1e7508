"""Cleaning MRZ text typed, pasted or read by OCR, saying what was changed.

>>> clean("p<utoeriksson<<anna<maria<<<<<<<<<<<<<<<<<<<\\r\\nL898902C36UTO7408122F1204159ZE184226B<<<<<10")[1]
['lowercase letters upper-cased', 'CRLF line endings read as line breaks']
>>> lines, notes = clean("I<UTOD231458907<<<<<<<<<<<<<<<7408122F1204159UTO<<<<<<<<<<<6ERIKSSON<<ANNA<MARIA<<<<<<<<<<")
>>> len(lines), notes
(3, ['one string split into 3 lines of 30'])
"""

from __future__ import annotations

from docfraud.errors import MRZFormatError

_FILLER_LOOKALIKES = {"«": "<", "‹": "<", "＜": "<", "〈": "<", "⟨": "<"}
_SPLITS = {90: (3, 30), 72: (2, 36), 88: (2, 44)}
MAX_INPUT = 10_000


def clean(text: str) -> tuple[list[str], list[str]]:
    """Clean MRZ text into lines; return ``(lines, notes)``, the notes saying what was changed.

    Accepted: surrounding white space, CRLF or CR line endings, blank lines, spaces and tabs
    inside lines (copy-and-paste), lowercase letters, ``«`` ``‹`` and similar for ``<``, and all
    lines in one string (split by the total length: 90, 72 or 88 characters).
    """
    if not isinstance(text, str):
        raise MRZFormatError(f"MRZ text must be a string, not {type(text).__name__}")
    if len(text) > MAX_INPUT:
        raise MRZFormatError(f"{len(text)} characters is far more than any MRZ holds")
    notes: list[str] = []
    text = text.rstrip("\r\n")  # a file's final line break is not worth a note
    if text != text.strip():
        notes.append("surrounding white space removed")
        text = text.strip()
    if "\r" in text:
        notes.append("CRLF line endings read as line breaks" if "\r\n" in text
                     else "CR line endings read as line breaks")
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if any(c in text for c in _FILLER_LOOKALIKES):
        found = sorted({c for c in text if c in _FILLER_LOOKALIKES})
        notes.append(f"{' '.join(repr(c) for c in found)} read as '<'")
        for c in found:
            text = text.replace(c, "<")
    if text != text.upper():
        notes.insert(0, "lowercase letters upper-cased")
        text = text.upper()
    raw_lines = text.split("\n")
    lines = [line for line in raw_lines if line.strip()]
    if len(lines) != len(raw_lines):
        notes.append("blank lines dropped")
    stripped = ["".join(line.split()) for line in lines]
    if stripped != lines:
        notes.append("spaces inside lines removed")
    lines = stripped
    if len(lines) == 1 and len(lines[0]) in _SPLITS:
        n, width = _SPLITS[len(lines[0])]
        one = lines[0]
        lines = [one[i * width:(i + 1) * width] for i in range(n)]
        notes.append(f"one string split into {n} lines of {width}")
    return lines, notes
