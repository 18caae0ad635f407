"""A local SQLite cache of fetched contact rows, keyed by profile, stream and view.

Rows are stored by their absolute position in the view, with a casefolded search text and the
digits of their phone numbers, so the filter and the phone lookup are SQL queries over whatever
has been fetched. Pages record what was fetched when (the answered skip, rows, ``hasMore`` and
totals), so a view opens from the cache at once and is refreshed in the background.

The file holds personal data: mode 0600, in the user cache dir. With the cache switched off the
same store lives in memory (nothing reaches the disk). Each write is one transaction (WAL), so a
crash loses at most the page being written. No Textual here.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import platformdirs

from kore_tui.config import APP_NAME

SCHEMA_VERSION = 1
# Stamped in the file's header: only a file with this stamp (or an empty one) is ever changed.
APPLICATION_ID = 0x4B6F5475  # "KoTu"
DEFAULT_MAX_AGE = 15 * 60.0  # seconds a cached page counts as fresh
DIRECTORY = ""  # the `list_id` of a stream's contacts directory

_SCHEMA = """
CREATE TABLE views (
    id INTEGER PRIMARY KEY,
    profile TEXT NOT NULL,
    stream TEXT NOT NULL,
    list TEXT NOT NULL,
    complete_at REAL,            -- when a walk last reached the end (hasMore false)
    total INTEGER,               -- rows known to exist when complete
    UNIQUE (profile, stream, list)
);
CREATE TABLE pages (
    view_id INTEGER NOT NULL REFERENCES views(id) ON DELETE CASCADE,
    skip INTEGER NOT NULL,       -- the skip asked for
    answered_skip INTEGER NOT NULL,
    count INTEGER NOT NULL,
    has_more INTEGER NOT NULL,
    total_results INTEGER,
    total_pages INTEGER,
    page_limit INTEGER,
    fetched_at REAL NOT NULL,
    PRIMARY KEY (view_id, skip)
);
CREATE TABLE rows (
    view_id INTEGER NOT NULL REFERENCES views(id) ON DELETE CASCADE,
    pos INTEGER NOT NULL,
    raw TEXT NOT NULL,
    search TEXT NOT NULL,        -- casefolded values, for the filter
    digits TEXT NOT NULL,        -- digits of phone numbers, space-separated, for lookups
    fetched_at REAL NOT NULL,
    PRIMARY KEY (view_id, pos)
);
CREATE TABLE meta (
    profile TEXT NOT NULL,
    stream TEXT NOT NULL,
    name TEXT NOT NULL,
    body TEXT NOT NULL,
    fetched_at REAL NOT NULL,
    PRIMARY KEY (profile, stream, name)
);
"""

_TABLES = set(re.findall(r"CREATE TABLE (\w+)", _SCHEMA))
_NON_DIGITS = re.compile(r"\D+")


def cache_path() -> Path:
    return platformdirs.user_cache_path(APP_NAME) / "cache.sqlite3"


def digits_of(text: str) -> str:
    return _NON_DIGITS.sub("", text)


def phone_digits(raw: Mapping[str, Any]) -> str:
    """The digits of a row's phone numbers (campaign ``phoneNumber``, directory ``cellPhone``)."""
    found: list[str] = []
    value = raw.get("phoneNumber")
    if isinstance(value, (str, int)):
        found.append(digits_of(str(value)))
    cell = raw.get("cellPhone")
    if isinstance(cell, Mapping) and isinstance(cell.get("phoneNumber"), (str, int)):
        found.append(digits_of(str(cell["phoneNumber"])))
    return " ".join(d for d in found if d)


def search_text(raw: Mapping[str, Any]) -> str:
    """Every value of a row (nested ones too) as one casefolded string, for the filter."""
    parts: list[str] = []

    def walk(value: Any) -> None:
        if isinstance(value, Mapping):
            for v in value.values():
                walk(v)
        elif isinstance(value, list):
            for v in value:
                walk(v)
        elif value is not None:
            parts.append(str(value))

    walk(raw)
    return "\x1f".join(parts).casefold()


@dataclass(frozen=True, slots=True)
class CachedPage:
    skip: int
    answered_skip: int
    rows: list[dict[str, Any]]
    has_more: bool
    total_results: int | None
    total_pages: int | None
    limit: int | None
    fetched_at: float


@dataclass(frozen=True, slots=True)
class ViewKey:
    profile: str
    stream: str
    list: str = DIRECTORY  # DIRECTORY for the stream's contacts directory


@dataclass(frozen=True, slots=True)
class ViewState:
    rows: int  # rows stored
    complete_at: float | None
    total: int | None
    oldest: float | None  # fetched_at of the stalest row
    newest: float | None


class CacheRefused(OSError):
    """The cache file is not ours to use (a symlink, another program's database)."""


class RowCache:
    """The store. Thread-safe (one connection, one lock): the UI calls it from worker threads."""

    def __init__(self, path: Path | None = None, *, persist: bool = True) -> None:
        self.persist = persist
        self.problem = ""  # why the file is not used, when a caller fell back to memory
        self.path = (path or cache_path()) if persist else None
        self._lock = threading.Lock()
        self._db = self._open()
        # Views with stored pages, read once here: a view with none (the first time a list is
        # opened) goes straight to the server, without a trip to a worker thread to be told so,
        # which took 10-15 ms while the browser was being built. Pages another process stores
        # later are missed until the next start: a request, not a wrong row.
        self._views_with_pages: set[ViewKey] = {
            ViewKey(*row) for row in self._db.execute(
                "SELECT profile, stream, list FROM views v WHERE EXISTS (SELECT 1 FROM pages p WHERE p.view_id=v.id)")
        }

    def __repr__(self) -> str:
        return f"RowCache({str(self.path) if self.path else 'memory'!r})"

    def _open(self) -> sqlite3.Connection:
        if self.path is None:
            db = sqlite3.connect(":memory:", check_same_thread=False, isolation_level=None)
        else:
            self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            for suffix in ("", "-wal", "-shm", "-journal"):
                if os.path.islink(f"{self.path}{suffix}"):
                    raise CacheRefused(f"{self.path}{suffix} is a symbolic link: not opened")
            # Create the file 0600 before SQLite opens it (it holds personal data), never through a link.
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o600)
            os.close(fd)
            os.chmod(self.path, 0o600)
            db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None, timeout=10)
        try:
            self._check_owner(db)
            if self.path is not None:
                db.execute("PRAGMA journal_mode=WAL")
                db.execute("PRAGMA synchronous=NORMAL")
        except BaseException:
            db.close()
            raise
        db.execute("PRAGMA foreign_keys=ON")
        version = db.execute("PRAGMA user_version").fetchone()[0]
        if version != SCHEMA_VERSION:
            # A cache is disposable: an unknown (older or newer) schema of ours is dropped, not migrated.
            with _transaction(db):
                for (table,) in db.execute("SELECT name FROM sqlite_master WHERE type='table'").fetchall():
                    db.execute(f'DROP TABLE IF EXISTS "{table}"')
                for statement in _SCHEMA.split(";"):
                    if statement.strip():
                        db.execute(statement)
                db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
        if db.execute("PRAGMA application_id").fetchone()[0] != APPLICATION_ID:
            db.execute(f"PRAGMA application_id={APPLICATION_ID}")
        for suffix in ("-wal", "-shm"):
            if self.path is not None and Path(str(self.path) + suffix).exists():
                os.chmod(str(self.path) + suffix, 0o600)
        return db

    def _check_owner(self, db: sqlite3.Connection) -> None:
        """Refuse a database that holds tables but not our stamp: it is someone else's."""
        stamp = db.execute("PRAGMA application_id").fetchone()[0]
        if stamp == APPLICATION_ID:
            return
        tables = {name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if tables and not (stamp == 0 and tables == _TABLES):  # ours from before the stamp: adopted
            raise CacheRefused(f"{self.path} is not a kore-tui cache (another program's database): not changed")

    def close(self) -> None:
        with self._lock:
            self._db.close()

    # -- views ---------------------------------------------------------------------------------

    def _view_id(self, key: ViewKey, create: bool = True) -> int | None:
        row = self._db.execute(
            "SELECT id FROM views WHERE profile=? AND stream=? AND list=?", (key.profile, key.stream, key.list)
        ).fetchone()
        if row is not None:
            return int(row[0])
        if not create:
            return None
        cur = self._db.execute("INSERT INTO views (profile, stream, list) VALUES (?, ?, ?)",
                               (key.profile, key.stream, key.list))
        assert cur.lastrowid is not None
        return cur.lastrowid

    def view_state(self, key: ViewKey) -> ViewState:
        with self._lock:
            view = self._view_id(key, create=False)
            if view is None:
                return ViewState(0, None, None, None, None)
            n, oldest, newest = self._db.execute(
                "SELECT count(*), min(fetched_at), max(fetched_at) FROM rows WHERE view_id=?", (view,)
            ).fetchone()
            complete_at, total = self._db.execute("SELECT complete_at, total FROM views WHERE id=?", (view,)).fetchone()
            return ViewState(int(n), complete_at, total, oldest, newest)

    # -- pages ---------------------------------------------------------------------------------

    def put_page(self, key: ViewKey, skip: int, page: Any, *, now: float | None = None) -> None:
        """Store one fetched :class:`~kore_tui.api.models.Page` (rows keep their ``raw``)."""
        now = time.time() if now is None else now
        raws = [dict(row.raw) for row in page.rows]
        with self._lock, _transaction(self._db):
            view = self._view_id(key)
            self._views_with_pages.add(key)
            if not raws or page.skip <= skip < page.skip + len(raws):
                # Only an answer that holds the asked position stands for the page at `skip`
                # (a server ignoring skip still gives true rows, stored at their own positions).
                self._db.execute(
                    "INSERT OR REPLACE INTO pages VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (view, skip, page.skip, len(raws), int(page.has_more), page.total_results, page.total_pages,
                     page.limit, now),
                )
            self._db.executemany(
                "INSERT OR REPLACE INTO rows VALUES (?, ?, ?, ?, ?, ?)",
                [(view, page.skip + i, json.dumps(raw, ensure_ascii=False), search_text(raw), phone_digits(raw), now)
                 for i, raw in enumerate(raws)],
            )
            if not page.has_more:
                end = page.skip + len(raws)
                # The end is known: rows past it (from an older, longer list) are gone.
                self._db.execute("DELETE FROM rows WHERE view_id=? AND pos>=?", (view, end))
                self._db.execute("DELETE FROM pages WHERE view_id=? AND skip>=?", (view, max(end, skip + 1)))
                self._db.execute("UPDATE views SET total=? WHERE id=?", (end, view))

    def may_hold(self, key: ViewKey) -> bool:
        """False when the view has no stored page (as far as this process knows): no need to
        look. Cheap and lock-free: for the event loop."""
        return key in self._views_with_pages

    def get_page(self, key: ViewKey, skip: int) -> CachedPage | None:
        with self._lock:
            view = self._view_id(key, create=False)
            if view is None:
                return None
            meta = self._db.execute(
                "SELECT answered_skip, count, has_more, total_results, total_pages, page_limit, fetched_at "
                "FROM pages WHERE view_id=? AND skip=?", (view, skip)
            ).fetchone()
            if meta is None:
                return None
            answered, count, has_more, total_results, total_pages, limit, fetched_at = meta
            rows = [json.loads(r) for (r,) in self._db.execute(
                "SELECT raw FROM rows WHERE view_id=? AND pos>=? AND pos<? ORDER BY pos", (view, answered, answered + count)
            )]
        if len(rows) != count:
            return None  # rows since replaced by a different paging: not a whole page any more
        return CachedPage(skip, answered, rows, bool(has_more), total_results, total_pages, limit, fetched_at)

    def mark_complete(self, key: ViewKey, total: int, *, now: float | None = None) -> bool:
        """Record that the view holds all its ``total`` rows. False (nothing recorded) when the
        stored rows are not exactly positions 0 to total-1, e.g. after a concurrent clear."""
        with self._lock, _transaction(self._db):
            view = self._view_id(key)
            self._db.execute("DELETE FROM rows WHERE view_id=? AND pos>=?", (view, total))
            stored, first, last = self._db.execute(
                "SELECT count(*), min(pos), max(pos) FROM rows WHERE view_id=?", (view,)).fetchone()
            if stored != total or (total and (first != 0 or last != total - 1)):
                self._db.execute("UPDATE views SET complete_at=NULL WHERE id=?", (view,))
                return False
            self._db.execute("UPDATE views SET complete_at=?, total=? WHERE id=?", (time.time() if now is None else now, total, view))
            return True

    # -- queries -------------------------------------------------------------------------------

    def matching_rows(self, key: ViewKey, needle: str, *, limit: int | None = None) -> list[tuple[int, dict[str, Any]]]:
        """(position, raw) of stored rows matching the filter ``needle``, in list order."""
        where, args = filter_clause(needle)
        with self._lock:
            view = self._view_id(key, create=False)
            if view is None:
                return []
            sql = f"SELECT pos, raw FROM rows WHERE view_id=? AND ({where}) ORDER BY pos"
            if limit is not None:
                sql += f" LIMIT {int(limit)}"
            return [(pos, json.loads(raw)) for pos, raw in self._db.execute(sql, (view, *args))]

    def count_rows(self, key: ViewKey) -> int:
        with self._lock:
            view = self._view_id(key, create=False)
            if view is None:
                return 0
            return int(self._db.execute("SELECT count(*) FROM rows WHERE view_id=?", (view,)).fetchone()[0])

    def rows_with_phone(self, key: ViewKey, digits: str) -> list[tuple[int, dict[str, Any]]]:
        """Stored rows whose phone digits contain ``digits``."""
        if not digits:
            return []
        with self._lock:
            view = self._view_id(key, create=False)
            if view is None:
                return []
            return [(pos, json.loads(raw)) for pos, raw in self._db.execute(
                "SELECT pos, raw FROM rows WHERE view_id=? AND instr(digits, ?) > 0 ORDER BY pos", (view, digits))]

    def skips_fetched_since(self, key: ViewKey, since: float) -> set[int]:
        with self._lock:
            view = self._view_id(key, create=False)
            if view is None:
                return set()
            return {s for (s,) in self._db.execute("SELECT skip FROM pages WHERE view_id=? AND fetched_at>=?", (view, since))}

    # -- meta (e.g. a stream's contact lists) ----------------------------------------------------

    def put_meta(self, profile: str, stream: str, name: str, body: Any, *, now: float | None = None) -> None:
        with self._lock, _transaction(self._db):
            self._db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?, ?, ?, ?)",
                             (profile, stream, name, json.dumps(body, ensure_ascii=False), time.time() if now is None else now))

    def get_meta(self, profile: str, stream: str, name: str) -> tuple[Any, float] | None:
        with self._lock:
            row = self._db.execute("SELECT body, fetched_at FROM meta WHERE profile=? AND stream=? AND name=?",
                                   (profile, stream, name)).fetchone()
        return (json.loads(row[0]), row[1]) if row else None

    # -- housekeeping ----------------------------------------------------------------------------

    def clear(self, profile: str | None = None) -> int:
        """Forget everything (or one profile's data); returns how many rows went."""
        with self._lock, _transaction(self._db):
            if profile is None:
                n = self._db.execute("SELECT count(*) FROM rows").fetchone()[0]
                for table in ("rows", "pages", "views", "meta"):
                    self._db.execute(f"DELETE FROM {table}")
            else:
                n = self._db.execute("SELECT count(*) FROM rows JOIN views ON rows.view_id=views.id WHERE views.profile=?",
                                     (profile,)).fetchone()[0]
                self._db.execute("DELETE FROM views WHERE profile=?", (profile,))  # cascades
                self._db.execute("DELETE FROM meta WHERE profile=?", (profile,))
        if self.path is not None:
            with self._lock:
                self._db.execute("VACUUM")
        return int(n)

    def info(self) -> list[tuple[str, str, str, int, float | None, float | None]]:
        """(profile, stream, list, rows, oldest, newest) for every cached view."""
        with self._lock:
            return [tuple(r) for r in self._db.execute(
                "SELECT v.profile, v.stream, v.list, count(r.pos), min(r.fetched_at), max(r.fetched_at) "
                "FROM views v LEFT JOIN rows r ON r.view_id=v.id GROUP BY v.id ORDER BY v.profile, v.stream, v.list")]


def filter_clause(needle: str) -> tuple[str, tuple[str, ...]]:
    """SQL for the filter: any value contains the text (case-insensitive, any script), or, when
    the text looks like a phone number, the phone digits contain its digits."""
    text = needle.strip().casefold()
    clauses = ["instr(search, ?) > 0"]
    args: list[str] = [text]
    digits = digits_of(text)
    if len(digits) >= 3 and re.fullmatch(r"[\d\s+\-().]+", text):
        clauses.append("instr(digits, ?) > 0")
        args.append(digits)
    return " OR ".join(clauses), tuple(args)


class _transaction:
    """BEGIN IMMEDIATE ... COMMIT (ROLLBACK on error) on an autocommit connection."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    def __enter__(self) -> None:
        self.db.execute("BEGIN IMMEDIATE")

    def __exit__(self, exc_type: object, *rest: object) -> None:
        self.db.execute("ROLLBACK" if exc_type else "COMMIT")

