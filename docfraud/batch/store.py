"""The results store: one SQLite database (WAL mode) in the batch's folder.

One row per capture and version, unique on (content key, docfraud version, specimen version):
the content key is the hash of the capture's images (and of the other sides of its document);
the specimen version is that of the specimen the capture was compared with
(``UTO/P-2024@<hash>``), or of the whole library when it matched none (``library@<hash>``), as a
new specimen might then match. The newest row of a capture is its ``current`` one; older ones
stay as history after a ``--recheck``.

A row is written in one transaction after its report file is in place, so a run killed at any
moment (kill -9) leaves every committed result whole, and nothing half-written: the captures in
flight are examined again on the next run, and the unique key keeps them from being stored
twice. Only one process writes (an exclusive lock on ``DIR/.lock``).
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
import zlib
from pathlib import Path
from typing import Any, Iterator

from docfraud import __version__
from docfraud.errors import StoreError

DB_NAME = "results.sqlite"
SCHEMA_VERSION = 1
MRZ_COLUMNS = ("issuer", "document_code", "document_number", "surname", "given_names",
               "nationality", "birth_date", "sex", "expiry_date", "mrz")

SCHEMA = f"""
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS results(
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL,
    docfraud_version TEXT NOT NULL,
    specimen_version TEXT NOT NULL,
    current INTEGER NOT NULL DEFAULT 1,
    status TEXT NOT NULL,
    source TEXT, name TEXT, document_key TEXT, side_index INTEGER,
    verdict TEXT, specimen TEXT, side TEXT,
    {", ".join(f"{c} TEXT" for c in MRZ_COLUMNS)},
    finding_codes TEXT, portrait_hash TEXT, signature TEXT, scores TEXT,
    report BLOB, report_file TEXT,
    error_code TEXT, error_title TEXT, error_message TEXT,
    seconds REAL, examined_at TEXT,
    UNIQUE(key, docfraud_version, specimen_version)
);
CREATE INDEX IF NOT EXISTS results_current ON results(key) WHERE current = 1;
CREATE TABLE IF NOT EXISTS input_errors(
    source TEXT PRIMARY KEY, error_code TEXT, error_title TEXT, error_message TEXT,
    seen_at TEXT);
CREATE TABLE IF NOT EXISTS sources(source TEXT PRIMARY KEY, key TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS watchlist(
    issuer TEXT NOT NULL, document_type TEXT NOT NULL, document_number TEXT NOT NULL,
    status TEXT NOT NULL, reported_on TEXT, reference TEXT, line INTEGER);
CREATE INDEX IF NOT EXISTS watchlist_number ON watchlist(document_number);
CREATE TABLE IF NOT EXISTS watch_hits(key TEXT PRIMARY KEY, entry TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS runs(
    id INTEGER PRIMARY KEY, started TEXT, finished TEXT, examined INTEGER, skipped INTEGER,
    failed INTEGER, workers TEXT);
"""


def now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime())


class Store:
    """The results store of one batch folder."""

    def __init__(self, folder: str | Path, *, create: bool = True, lock: bool = False) -> None:
        self.folder = Path(folder)
        self.path = self.folder / DB_NAME
        if not self.path.exists() and not create:
            raise StoreError(f"no docfraud results store in {self.folder} (no {DB_NAME})",
                             hint="run docfraud batch INPUT... --out DIR first")
        if create:
            self.folder.mkdir(parents=True, exist_ok=True)
        self._lock_fh = None
        if lock:
            self._lock()
        try:
            self.db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            self.db.row_factory = sqlite3.Row
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")  # WAL: safe against a killed process
            self.db.executescript(SCHEMA)
            version = self.meta("schema_version")
            if version is None:
                self.set_meta("schema_version", str(SCHEMA_VERSION))
                self.set_meta("created", now())
            elif int(version) > SCHEMA_VERSION:
                raise StoreError(f"the store in {self.folder} was written by a newer docfraud "
                                 f"(schema {version}; this one reads {SCHEMA_VERSION})")
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path} is not a usable SQLite database ({exc})") from None

    def _lock(self) -> None:
        import fcntl

        self._lock_fh = open(self.folder / ".lock", "w")
        try:
            fcntl.flock(self._lock_fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            raise StoreError(f"another docfraud batch is writing to {self.folder}",
                             hint="wait for it to finish; one writer per results folder") \
                from None

    def close(self) -> None:
        self.db.close()
        if self._lock_fh is not None:
            self._lock_fh.close()
            self._lock_fh = None

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    # ---------------------------------------------------------------------------- meta

    def meta(self, key: str) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else row[0]

    def set_meta(self, key: str, value: str) -> None:
        self.db.execute("INSERT INTO meta(key, value) VALUES(?, ?) ON CONFLICT(key) DO UPDATE "
                        "SET value = excluded.value", (key, value))

    # ---------------------------------------------------------------------------- results

    def is_done(self, key: str, versions: dict[str, str] | None = None,
                library: str | None = None) -> bool:
        """Whether the capture has a result. With ``versions`` (``--recheck``): a result of
        this docfraud version and of the current version of the specimen it used."""
        row = self.db.execute("SELECT docfraud_version, specimen_version FROM results "
                              "WHERE key = ? AND current = 1", (key,)).fetchone()
        if row is None:
            return False
        if versions is None:
            return True
        if row[0] != __version__:
            return False
        spec, _, ver = row[1].rpartition("@")
        if spec == "library":
            return ver == library
        return versions.get(spec) == ver

    def add_source(self, source: str, key: str) -> None:
        self.db.execute("INSERT INTO sources(source, key) VALUES(?, ?) ON CONFLICT(source) DO "
                        "UPDATE SET key = excluded.key", (source, key))

    def add(self, rec: dict[str, Any], specimen_version: str) -> None:
        """Store a record of :func:`docfraud.batch.worker.examine_unit` (one transaction)."""
        cols = {
            "key": rec["key"], "docfraud_version": __version__,
            "specimen_version": specimen_version, "current": 1, "status": rec["status"],
            "source": rec.get("source"), "name": rec.get("name"),
            "document_key": rec.get("document_key"), "side_index": rec.get("side_index"),
            "verdict": rec.get("verdict"), "specimen": rec.get("specimen"),
            "side": rec.get("side"),
            **{c: rec.get(c) for c in MRZ_COLUMNS},
            "finding_codes": json.dumps(rec.get("finding_codes") or []),
            "portrait_hash": rec.get("portrait_hash"),
            "signature": json.dumps(rec.get("signature") or []),
            "scores": json.dumps(rec.get("scores") or []),
            "report": rec.get("report"), "report_file": rec.get("report_file"),
            "error_code": rec.get("error_code"), "error_title": rec.get("error_title"),
            "error_message": rec.get("error_message"), "seconds": rec.get("seconds"),
            "examined_at": now(),
        }
        names = ", ".join(cols)
        marks = ", ".join("?" for _ in cols)
        updates = ", ".join(f"{c} = excluded.{c}" for c in cols
                            if c not in ("key", "docfraud_version", "specimen_version"))
        with self.transaction():
            self.db.execute("UPDATE results SET current = 0 WHERE key = ? AND current = 1",
                            (rec["key"],))
            self.db.execute(f"INSERT INTO results({names}) VALUES({marks}) ON CONFLICT(key, "
                            f"docfraud_version, specimen_version) DO UPDATE SET {updates}",
                            tuple(cols.values()))
            if rec.get("source"):
                self.add_source(rec["source"], rec["key"])

    def add_input_error(self, source: str, code: str, title: str, message: str) -> None:
        self.db.execute("INSERT INTO input_errors(source, error_code, error_title, "
                        "error_message, seen_at) VALUES(?, ?, ?, ?, ?) ON CONFLICT(source) DO "
                        "UPDATE SET error_code = excluded.error_code, error_title = "
                        "excluded.error_title, error_message = excluded.error_message, "
                        "seen_at = excluded.seen_at", (source, code, title, message, now()))

    class _Tx:
        def __init__(self, db: sqlite3.Connection) -> None:
            self.db = db

        def __enter__(self) -> None:
            self.db.execute("BEGIN IMMEDIATE")

        def __exit__(self, exc_type: Any, *rest: Any) -> None:
            self.db.execute("ROLLBACK" if exc_type else "COMMIT")

    def transaction(self) -> "_Tx":
        return Store._Tx(self.db)

    def rows(self, where: str = "", params: tuple = (), columns: str = "*"
             ) -> Iterator[sqlite3.Row]:
        """Current rows, streamed (bounded memory on a large store)."""
        sql = f"SELECT {columns} FROM results WHERE current = 1"
        if where:
            sql += f" AND ({where})"
        yield from self.db.execute(sql + " ORDER BY id", params)

    def count(self, where: str = "", params: tuple = ()) -> int:
        sql = "SELECT COUNT(*) FROM results WHERE current = 1"
        if where:
            sql += f" AND ({where})"
        return int(self.db.execute(sql, params).fetchone()[0])

    def input_errors(self) -> list[sqlite3.Row]:
        return self.db.execute("SELECT * FROM input_errors ORDER BY source").fetchall()

    def watch_hits(self) -> dict[str, dict[str, Any]]:
        return {r[0]: json.loads(r[1]) for r in self.db.execute("SELECT key, entry FROM "
                                                                "watch_hits")}

    def start_run(self, workers: str) -> int:
        cur = self.db.execute("INSERT INTO runs(started, workers, examined, skipped, failed) "
                              "VALUES(?, ?, 0, 0, 0)", (now(), workers))
        return int(cur.lastrowid or 0)

    def finish_run(self, run: int, examined: int, skipped: int, failed: int) -> None:
        self.db.execute("UPDATE runs SET finished = ?, examined = ?, skipped = ?, failed = ? "
                        "WHERE id = ?", (now(), examined, skipped, failed, run))


def report_of(row: sqlite3.Row) -> dict[str, Any] | None:
    """The JSON report of a stored row."""
    blob = row["report"]
    if not blob:
        return None
    return json.loads(zlib.decompress(blob).decode())


def report_path(folder: Path, key: str) -> Path:
    """Where a capture's HTML report lives in the batch folder."""
    return folder / "reports" / key[:2] / f"{key[:24]}.html"


def write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)
