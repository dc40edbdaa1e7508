"""The station's storage: one SQLite database (WAL mode) and a folder of files per examination.

Everything the checkpoint web app keeps lives in one data folder::

    DATA_DIR/station.sqlite3           accounts, sessions, examinations, audit log
    DATA_DIR/examinations/ID/          the uploaded images and the reports of one examination

The class has no web dependency (the CLI uses it to create accounts and verify the audit log), so
it can later be unified with the batch results store.

**Accounts**: local officers with passwords hashed by scrypt (``hashlib.scrypt``, a random salt
per password, compared in constant time). **Sessions**: a random token in the cookie; only its
SHA-256 is stored, with the session's CSRF token and its expiry. **Examinations**: the JSON
report, the verdict, the document number (normalised, for search), the time and the files, one
row per side (the sides of one card share a ``document`` id: the first side's); they are deleted
with their files after the retention period (:meth:`Store.purge_expired`).

**Audit log**: append-only (triggers refuse UPDATE and DELETE) and hash-chained: each entry's hash
is SHA-256 over the previous entry's hash and the entry itself, so changing, removing or
reordering an entry breaks the chain (:meth:`Store.verify_audit`). Entries say who did what to
which examination and when; they never hold personal data (no names, no document numbers), since
they outlive the examinations they mention.

>>> import tempfile
>>> s = Store(tempfile.mkdtemp())
>>> s.add_user("officer1", "correct horse battery")
>>> s.authenticate("officer1", "correct horse battery") is not None
True
>>> s.authenticate("officer1", "wrong") is None
True
>>> s.verify_audit()[0] >= 1
True
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import re
import secrets
import shutil
import sqlite3
import sys
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Callable, Iterator

from docfraud.errors import AccountError, AuditChainError, StationStoreError

SCHEMA_VERSION = 1
DB_NAME = "station.sqlite3"
EXAM_DIR = "examinations"
#: The station's results store (the format of ``docfraud batch``), under the data folder.
RESULTS_DIR = "results"
DEFAULT_RETENTION_DAYS = 30
SESSION_HOURS = 10  # an officer's shift, extended by use
MIN_PASSWORD = 10
USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,31}$")
GENESIS = "0" * 64
#: scrypt cost: 2**14 x 8 x 128 bytes = 16 MiB and ~50 ms per hash
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2 ** 14, 8, 1
ENV = "DOCFRAUD_DATA_DIR"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS users (
    id INTEGER PRIMARY KEY,
    username TEXT NOT NULL UNIQUE,
    password TEXT NOT NULL,
    created TEXT NOT NULL,
    disabled INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS sessions (
    token_hash TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id),
    csrf TEXT NOT NULL,
    created TEXT NOT NULL,
    expires TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS examinations (
    id TEXT PRIMARY KEY,
    created TEXT NOT NULL,
    user_id INTEGER NOT NULL REFERENCES users(id),
    verdict TEXT NOT NULL,
    document_number TEXT,
    specimen TEXT,
    name TEXT NOT NULL,
    report TEXT NOT NULL,
    files TEXT NOT NULL,
    side TEXT,
    document TEXT
);
CREATE INDEX IF NOT EXISTS examinations_docnum ON examinations(document_number);
CREATE INDEX IF NOT EXISTS examinations_document ON examinations(document);
CREATE INDEX IF NOT EXISTS examinations_created ON examinations(created);
CREATE TABLE IF NOT EXISTS audit (
    seq INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    user TEXT NOT NULL,
    action TEXT NOT NULL,
    target TEXT,
    detail TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
"""


def default_data_dir() -> Path:
    """``$DOCFRAUD_DATA_DIR``, else the user's data folder: ``~/.local/share/docfraud/station``
    (``$XDG_DATA_HOME``), ``%LOCALAPPDATA%\\docfraud\\station`` on Windows,
    ``~/Library/Application Support/docfraud/station`` on macOS."""
    if os.environ.get(ENV):
        return Path(os.environ[ENV])
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Application Support"
    else:
        base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / "docfraud" / "station"


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def iso(t: datetime) -> str:
    return t.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_iso(s: str) -> datetime:
    return datetime.strptime(s, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=timezone.utc)


def normalise_document_number(value: str | None) -> str:
    """Upper case, without spaces, dashes or MRZ fillers: how a number is stored and searched.

    >>> normalise_document_number(" ab-12 34<< ")
    'AB1234'
    """
    return re.sub(r"[\s<\-]", "", value or "").upper()


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    key = hashlib.scrypt(password.encode(), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P,
                         dklen=32)
    return (f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}$"
            f"{base64.b64encode(salt).decode()}${base64.b64encode(key).decode()}")


def check_password(password: str, stored: str) -> bool:
    try:
        kind, n, r, p, salt, key = stored.split("$")
        if kind != "scrypt":
            return False
        want = base64.b64decode(key)
        got = hashlib.scrypt(password.encode(), salt=base64.b64decode(salt), n=int(n), r=int(r),
                             p=int(p), dklen=len(want))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(got, want)


#: a password checked against this when the user does not exist, so that a wrong user name
#: takes as long as a wrong password
_DUMMY = hash_password(secrets.token_hex(8))


def _entry_hash(prev: str, entry: dict[str, Any]) -> str:
    body = json.dumps(entry, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256((prev + "\n" + body).encode()).hexdigest()


@dataclass(frozen=True)
class Session:
    user_id: int
    username: str
    csrf: str


class Store:
    """The station's database and files under ``data_dir``.

    ``clock`` gives the current time (UTC); tests move it to check retention and expiry.
    """

    def __init__(self, data_dir: str | Path | None = None, *,
                 retention_days: int = DEFAULT_RETENTION_DAYS,
                 clock: Callable[[], datetime] = utcnow) -> None:
        self.root = Path(data_dir) if data_dir else default_data_dir()
        if retention_days < 1:
            raise StationStoreError(f"the retention period must be at least 1 day, not "
                                    f"{retention_days}")
        self.retention = timedelta(days=retention_days)
        self.clock = clock
        self._lock = threading.Lock()  # serialises writers inside this process
        try:
            (self.root / EXAM_DIR).mkdir(parents=True, exist_ok=True)
            if os.name != "nt":
                os.chmod(self.root, 0o700)
        except OSError as exc:
            raise StationStoreError(f"cannot use the data folder {self.root}: {exc}",
                                    hint="pass --data-dir with a writable folder") from None
        self.db = self.root / DB_NAME
        try:
            with self._connect() as con:
                version = con.execute("PRAGMA user_version").fetchone()[0]
                if version > SCHEMA_VERSION:
                    raise StationStoreError(
                        f"{self.db} was written by a newer docfraud (schema {version}; this "
                        f"one knows {SCHEMA_VERSION})", hint="upgrade docfraud")
                con.execute("PRAGMA journal_mode=WAL")
                con.executescript(_SCHEMA)
                con.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
        except sqlite3.DatabaseError as exc:
            raise StationStoreError(f"{self.db} cannot be used as the station database: {exc}"
                                    ) from None

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        con = sqlite3.connect(self.db, timeout=30, isolation_level=None)
        con.row_factory = sqlite3.Row
        con.execute("PRAGMA foreign_keys=ON")
        con.execute("PRAGMA synchronous=NORMAL")
        try:
            yield con
        finally:
            con.close()

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """A write transaction (BEGIN IMMEDIATE: one writer at a time, also across processes)."""
        with self._lock, self._connect() as con:
            con.execute("BEGIN IMMEDIATE")
            try:
                yield con
            except BaseException:
                con.execute("ROLLBACK")
                raise
            con.execute("COMMIT")

    def now(self) -> datetime:
        return self.clock()

    # -- accounts -------------------------------------------------------------------------------

    def add_user(self, username: str, password: str, *, by: str = "cli") -> None:
        """Create an officer account (audited)."""
        if not USERNAME.match(username):
            raise AccountError(f"{username!r} is not a valid user name",
                               hint="2 to 32 characters: lower-case letters, digits, . _ -")
        self._check_strength(password)
        with self._write() as con:
            if con.execute("SELECT 1 FROM users WHERE username=?", (username,)).fetchone():
                raise AccountError(f"an account {username!r} already exists",
                                   hint="use set-password to change its password")
            con.execute("INSERT INTO users (username, password, created) VALUES (?,?,?)",
                        (username, hash_password(password), iso(self.now())))
            self._append(con, by, "account.create", username, {})

    def set_password(self, username: str, password: str, *, by: str = "cli") -> None:
        self._check_strength(password)
        with self._write() as con:
            cur = con.execute("UPDATE users SET password=?, disabled=0 WHERE username=?",
                              (hash_password(password), username))
            if cur.rowcount == 0:
                raise AccountError(f"no account {username!r}")
            con.execute("DELETE FROM sessions WHERE user_id=(SELECT id FROM users WHERE "
                        "username=?)", (username,))
            self._append(con, by, "account.password", username, {})

    def disable_user(self, username: str, *, by: str = "cli") -> None:
        """Disable an account and end its sessions (its examinations and audit entries stay)."""
        with self._write() as con:
            cur = con.execute("UPDATE users SET disabled=1 WHERE username=?", (username,))
            if cur.rowcount == 0:
                raise AccountError(f"no account {username!r}")
            con.execute("DELETE FROM sessions WHERE user_id=(SELECT id FROM users WHERE "
                        "username=?)", (username,))
            self._append(con, by, "account.disable", username, {})

    def users(self) -> list[dict[str, Any]]:
        with self._connect() as con:
            return [dict(r) for r in con.execute(
                "SELECT username, created, disabled FROM users ORDER BY username")]

    @staticmethod
    def _check_strength(password: str) -> None:
        if len(password) < MIN_PASSWORD:
            raise AccountError(f"the password is too short ({len(password)} characters; at "
                               f"least {MIN_PASSWORD})")

    def authenticate(self, username: str, password: str) -> int | None:
        """The user's id if the name and password are right and the account enabled, else
        None. Takes as long for an unknown name as for a wrong password."""
        with self._connect() as con:
            row = con.execute("SELECT id, password, disabled FROM users WHERE username=?",
                              (username,)).fetchone()
        if row is None:
            check_password(password, _DUMMY)
            return None
        if not check_password(password, row["password"]) or row["disabled"]:
            return None
        return int(row["id"])

    # -- sessions -------------------------------------------------------------------------------

    @staticmethod
    def _token_hash(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    def new_session(self, user_id: int) -> tuple[str, str]:
        """A new session for the user: (cookie token, CSRF token)."""
        token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        now = self.now()
        with self._write() as con:
            con.execute("INSERT INTO sessions VALUES (?,?,?,?,?)",
                        (self._token_hash(token), user_id, csrf, iso(now),
                         iso(now + timedelta(hours=SESSION_HOURS))))
        return token, csrf

    def session(self, token: str | None) -> Session | None:
        """The live session of a cookie token (its expiry pushed back), or None."""
        if not token or len(token) > 200:
            return None
        h = self._token_hash(token)
        now = self.now()
        with self._connect() as con:
            row = con.execute(
                "SELECT s.user_id, s.csrf, s.expires, u.username, u.disabled FROM sessions s "
                "JOIN users u ON u.id = s.user_id WHERE s.token_hash=?", (h,)).fetchone()
            if row is None or row["disabled"] or parse_iso(row["expires"]) <= now:
                return None
            new_expiry = now + timedelta(hours=SESSION_HOURS)
            if new_expiry - parse_iso(row["expires"]) > timedelta(minutes=5):
                con.execute("UPDATE sessions SET expires=? WHERE token_hash=?",
                            (iso(new_expiry), h))
        return Session(int(row["user_id"]), row["username"], row["csrf"])

    def end_session(self, token: str | None) -> None:
        if token:
            with self._write() as con:
                con.execute("DELETE FROM sessions WHERE token_hash=?", (self._token_hash(token),))

    # -- examinations ---------------------------------------------------------------------------

    def new_examination_dir(self) -> tuple[str, Path]:
        """A fresh id (random, not guessable) and its empty folder."""
        exam_id = secrets.token_hex(12)
        folder = self.root / EXAM_DIR / exam_id
        folder.mkdir(mode=0o700)
        return exam_id, folder

    def add_examination(self, exam_id: str, user: Session, report: dict[str, Any],
                        files: dict[str, str], *, document: str | None = None,
                        document_number: str | None = None) -> None:
        """Record an examination (its files already written in its folder) and audit it.
        ``document``: the id shared by the sides of one card; ``document_number``: when this
        side's report has none (a card's front), the one read on another side."""
        mrz = report.get("mrz") or {}
        number = normalise_document_number((mrz.get("fields") or {}).get("document_number")
                                           or document_number)
        detail = {"verdict": report["verdict"], "specimen": report.get("specimen")}
        if document:
            detail["document"] = document
        with self._write() as con:
            con.execute("INSERT INTO examinations VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                        (exam_id, iso(self.now()), user.user_id, report["verdict"],
                         number or None, report.get("specimen"), report["capture"]["name"],
                         json.dumps(report, ensure_ascii=False), json.dumps(files),
                         report.get("side"), document))
            self._append(con, user.username, "examine", exam_id, detail)

    def sides(self, document: str) -> list[dict[str, Any]]:
        """The examinations of one document's sides, in the order they were given."""
        with self._connect() as con:
            return [dict(r) for r in con.execute(
                "SELECT id, verdict, side FROM examinations WHERE document=? ORDER BY rowid",
                (document,))]

    def examination(self, exam_id: str) -> dict[str, Any] | None:
        """A stored examination (report parsed, ``files`` as absolute paths), or None."""
        if not re.fullmatch(r"[0-9a-f]{24}", exam_id or ""):
            return None
        with self._connect() as con:
            row = con.execute(
                "SELECT e.*, u.username FROM examinations e JOIN users u ON u.id = e.user_id "
                "WHERE e.id=?", (exam_id,)).fetchone()
        if row is None:
            return None
        out = dict(row)
        out["report"] = json.loads(row["report"])
        folder = self.root / EXAM_DIR / exam_id
        out["files"] = {k: folder / v for k, v in json.loads(row["files"]).items()}
        out["expires"] = iso(parse_iso(row["created"]) + self.retention)
        return out

    def search(self, document_number: str | None = None, *, limit: int = 50
               ) -> list[dict[str, Any]]:
        """Recent examinations, newest first; those whose document number starts with
        ``document_number`` (normalised) when given."""
        q = normalise_document_number(document_number)
        sql = ("SELECT e.id, e.created, e.verdict, e.document_number, e.specimen, e.side, "
               "e.document, e.name, u.username FROM examinations e JOIN users u ON u.id = e.user_id")
        args: list[Any] = []
        if q:
            sql += " WHERE e.document_number LIKE ? ESCAPE '\\'"
            args.append(re.sub(r"([%_\\])", r"\\\1", q) + "%")
        sql += " ORDER BY e.created DESC LIMIT ?"
        args.append(max(1, min(int(limit), 500)))
        with self._connect() as con:
            return [dict(r) for r in con.execute(sql, args)]

    def purge_expired(self, *, by: str = "retention") -> int:
        """Delete the examinations older than the retention period, with their files (and
        expired sessions, and folders left without a record). Returns how many were deleted."""
        now = self.now()
        cutoff = iso(now - self.retention)
        with self._write() as con:
            ids = [r[0] for r in con.execute("SELECT id FROM examinations WHERE created < ?",
                                             (cutoff,))]
            con.execute("DELETE FROM examinations WHERE created < ?", (cutoff,))
            con.execute("DELETE FROM sessions WHERE expires < ?", (iso(now),))
            if ids:
                self._append(con, by, "purge", None,
                             {"deleted": len(ids), "older_than": cutoff})
            known = {r[0] for r in con.execute("SELECT id FROM examinations")}
        for exam_id in ids:
            shutil.rmtree(self.root / EXAM_DIR / exam_id, ignore_errors=True)
        self._purge_results(known)
        # folders without a record: an examination that failed half-way
        for folder in (self.root / EXAM_DIR).iterdir():
            if folder.name in known or not folder.is_dir():
                continue
            age = now.timestamp() - folder.stat().st_mtime
            if age > 3600:
                shutil.rmtree(folder, ignore_errors=True)
        return len(ids)

    def _purge_results(self, known: set[str]) -> None:
        """Delete from the results store (``RESULTS_DIR``) the station's records whose
        examination is gone: retention applies there too."""
        db_path = self.root / RESULTS_DIR / "results.sqlite"
        if not db_path.exists():
            return
        con = sqlite3.connect(db_path, timeout=30, isolation_level=None)
        try:
            rows = con.execute("SELECT DISTINCT source FROM results WHERE source LIKE 'station:%'")
            gone = [r[0] for r in rows if r[0].split(":", 1)[1] not in known]
            con.execute("BEGIN IMMEDIATE")
            for source in gone:
                keys = [r[0] for r in con.execute("SELECT key FROM results WHERE source = ?",
                                                  (source,))]
                con.executemany("DELETE FROM watch_hits WHERE key = ?", [(k,) for k in keys])
                con.execute("DELETE FROM results WHERE source = ?", (source,))
                con.execute("DELETE FROM sources WHERE source = ?", (source,))
            con.execute("COMMIT")
        finally:
            con.close()

    # -- audit log ------------------------------------------------------------------------------

    def _append(self, con: sqlite3.Connection, user: str, action: str, target: str | None,
                detail: dict[str, Any]) -> str:
        last = con.execute("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1").fetchone()
        seq, prev = (last[0] + 1, last[1]) if last else (1, GENESIS)
        entry = {"seq": seq, "at": iso(self.now()), "user": user, "action": action,
                 "target": target, "detail": detail}
        h = _entry_hash(prev, entry)
        con.execute("INSERT INTO audit VALUES (?,?,?,?,?,?,?,?)",
                    (seq, entry["at"], user, action, target,
                     json.dumps(detail, sort_keys=True, ensure_ascii=False), prev, h))
        return h

    def audit(self, user: str, action: str, target: str | None = None,
              detail: dict[str, Any] | None = None) -> str:
        """Append an entry (who, what, which examination, details without personal data);
        returns its hash."""
        with self._write() as con:
            return self._append(con, user, action, target, detail or {})

    def audit_entries(self, *, limit: int | None = None) -> list[dict[str, Any]]:
        sql = "SELECT * FROM audit ORDER BY seq"
        if limit is not None:
            sql = f"SELECT * FROM (SELECT * FROM audit ORDER BY seq DESC LIMIT {int(limit)}) " \
                  "ORDER BY seq"
        with self._connect() as con:
            rows = [dict(r) for r in con.execute(sql)]
        for r in rows:
            r["detail"] = json.loads(r["detail"])
        return rows

    def verify_audit(self) -> tuple[int, str]:
        """(entries, head hash) when the chain is whole; raises :class:`AuditChainError` naming
        the first broken entry otherwise. Record the head hash elsewhere now and then: a chain
        cut short at its end is only detectable against a head recorded before."""
        prev, n = GENESIS, 0
        with self._connect() as con:
            for r in con.execute("SELECT * FROM audit ORDER BY seq"):
                n += 1
                if r["seq"] != n:
                    raise AuditChainError(f"audit entry {n} is missing (next is {r['seq']})")
                if r["prev_hash"] != prev:
                    raise AuditChainError(f"audit entry {n} does not follow entry {n - 1}")
                try:
                    detail = json.loads(r["detail"])
                except json.JSONDecodeError:
                    raise AuditChainError(f"audit entry {n} has been altered") from None
                entry = {"seq": r["seq"], "at": r["at"], "user": r["user"],
                         "action": r["action"], "target": r["target"], "detail": detail}
                if _entry_hash(prev, entry) != r["hash"]:
                    raise AuditChainError(f"audit entry {n} has been altered")
                prev = r["hash"]
        return n, prev
