"""A local watch list of lost, stolen or revoked documents (``--watchlist FILE``).

The file is CSV in UTF-8 with a header line; lines starting with ``#`` are comments::

    issuer,document_type,document_number,status,reported_on,reference
    UTO,P,L898902C3,stolen,2026-03-14,police report 2026/1182
    ZZA,I,BM5Z5D7F0,lost,2025-11-02,
    UTO,,X12345678,revoked,,

``issuer``: the 3-letter issuing-state code as in the MRZ; ``document_type``: the first letter
of the MRZ document code (``P`` passport, ``V`` visa, ``I``/``A``/``C`` cards), empty for any;
``document_number``: as in the MRZ (spaces and ``<`` fillers are ignored); ``status``: ``lost``,
``stolen``, ``revoked`` or ``invalidated``; ``reported_on`` (YYYY-MM-DD) and ``reference`` are
optional and shown with a hit. A capture whose MRZ matches an entry gets the finding WAT001 and at
least the verdict "refer to second line".
"""

from __future__ import annotations

import csv
import hashlib
import re
from datetime import date
from pathlib import Path
from typing import Any

from docfraud.errors import WatchlistError

COLUMNS = ("issuer", "document_type", "document_number", "status", "reported_on", "reference")
STATUSES = ("lost", "stolen", "revoked", "invalidated")


def normalise_number(number: str) -> str:
    """``"l898 902<c3"`` -> ``"L898902C3"``."""
    return re.sub(r"[\s<]", "", number or "").upper()


def read_watchlist(path: str | Path) -> list[dict[str, Any]]:
    """The entries of a watch list file; raises WatchlistError (E504) on any malformed line."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise WatchlistError(f"{path}: cannot be read ({exc})") from None
    lines = [(n, line) for n, line in enumerate(text.splitlines(), start=1)
             if line.strip() and not line.lstrip().startswith("#")]
    if not lines:
        raise WatchlistError(f"{path}: empty (a header line {','.join(COLUMNS)} is needed)")
    reader = csv.reader([line for _, line in lines])
    header = [h.strip().lower() for h in next(reader)]
    missing = [c for c in ("issuer", "document_number", "status") if c not in header]
    if missing:
        raise WatchlistError(f"{path}: the header lacks {', '.join(missing)} (columns: "
                             f"{', '.join(COLUMNS)})")
    entries = []
    for (lineno, _), row in zip(lines[1:], reader):
        rec = {h: (row[i].strip() if i < len(row) else "") for i, h in enumerate(header)}
        where = f"{path}, line {lineno}"
        issuer = rec.get("issuer", "").upper()
        if not re.fullmatch(r"[A-Z<]{1,3}", issuer):
            raise WatchlistError(f"{where}: issuer must be a 3-letter MRZ code, not "
                                 f"{rec.get('issuer')!r}")
        dtype = rec.get("document_type", "").upper()
        if dtype and not re.fullmatch(r"[A-Z]", dtype[:1]):
            raise WatchlistError(f"{where}: document_type must be a letter (P, V, I, A, C)")
        number = normalise_number(rec.get("document_number", ""))
        if not re.fullmatch(r"[A-Z0-9]{1,30}", number):
            raise WatchlistError(f"{where}: document_number must be letters and digits")
        status = rec.get("status", "").lower()
        if status not in STATUSES:
            raise WatchlistError(f"{where}: status must be one of {', '.join(STATUSES)}, not "
                                 f"{rec.get('status')!r}")
        reported = rec.get("reported_on", "")
        if reported:
            try:
                date.fromisoformat(reported)
            except ValueError:
                raise WatchlistError(f"{where}: reported_on must be YYYY-MM-DD") from None
        entries.append({"issuer": issuer.ljust(3, "<")[:3], "document_type": dtype[:1],
                        "document_number": number, "status": status, "reported_on": reported,
                        "reference": rec.get("reference", ""), "line": lineno})
    return entries


def fingerprint(entries: list[dict[str, Any]]) -> str:
    text = "\n".join(f"{e['issuer']},{e['document_type']},{e['document_number']},{e['status']}"
                     for e in entries)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def load_into(store, entries: list[dict[str, Any]]) -> None:  # type: ignore[no-untyped-def]
    """Replace the store's watch list with ``entries``."""
    with store.transaction():
        store.db.execute("DELETE FROM watchlist")
        store.db.executemany(
            "INSERT INTO watchlist(issuer, document_type, document_number, status, "
            "reported_on, reference, line) VALUES(?, ?, ?, ?, ?, ?, ?)",
            [(e["issuer"], e["document_type"], e["document_number"], e["status"],
              e["reported_on"], e["reference"], e["line"]) for e in entries])


def refresh_hits(store) -> int:  # type: ignore[no-untyped-def]
    """Match every current result against the store's watch list; the number of hits."""
    import json

    hits = store.db.execute(
        "SELECT r.key, w.issuer, w.document_type, w.document_number, w.status, w.reported_on, "
        "w.reference, w.line FROM results r JOIN watchlist w ON "
        "replace(replace(upper(r.document_number), '<', ''), ' ', '') = w.document_number "
        "AND rtrim(r.issuer, '<') = rtrim(w.issuer, '<') "
        "AND (w.document_type = '' OR substr(r.document_code, 1, 1) = w.document_type) "
        "WHERE r.current = 1 AND r.status = 'done'").fetchall()
    with store.transaction():
        store.db.execute("DELETE FROM watch_hits")
        store.db.executemany(
            "INSERT OR REPLACE INTO watch_hits(key, entry) VALUES(?, ?)",
            [(h[0], json.dumps({"issuer": h[1], "document_type": h[2], "document_number": h[3],
                                "status": h[4], "reported_on": h[5], "reference": h[6],
                                "line": h[7]})) for h in hits])
    return len(hits)


def finding(entry: dict[str, Any]) -> dict[str, Any]:
    """The WAT001 finding of a hit, as a report finding dict."""
    from docfraud.findings import make

    when = f" on {entry['reported_on']}" if entry.get("reported_on") else ""
    ref = f" ({entry['reference']})" if entry.get("reference") else ""
    f = make("WAT001", f"the document is on the watch list: reported {entry['status']}{when}"
             f"{ref}", field="document_number",
             evidence={"status": entry["status"], "reported_on": entry.get("reported_on"),
                       "reference": entry.get("reference"), "watchlist_line": entry.get("line")})
    return f.to_dict()
