"""A local SQLite cache of fetched contact rows, keyed by profile, stream and view.

Rows are stored by their absolute position in the view, with a casefolded search text, the
digits and the E.164 form of their phone number (indexed) and the values the table sorts by, so
the filter, the sort and the phone lookup are SQL queries over whatever has been fetched: a
query answers positions (see :meth:`RowCache.query_positions`), and rows are read a page at a
time by position, so memory stays bounded by what is shown. Pages record what was fetched when (the answered skip, rows, ``hasMore`` and
totals), so a view opens from the cache at once and is refreshed in the background.

The file holds personal data: mode 0600, in the user cache dir. With the cache switched off the
same store lives in memory (nothing reaches the disk). Each write is one transaction (WAL), so a
crash loses at most the page being written. No Textual here.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import re
import sqlite3
import threading
import time
from array import array
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import platformdirs

from kore_tui.config import APP_NAME
from kore_tui.phones import looks_like_phone, query_e164, stored_e164

SCHEMA_VERSION = 2
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
    e164 TEXT,                   -- the phone number's E.164 form, when it is a possible number
    s0, s1, s2, s3,              -- the values the table's columns sort by (see sort_values)
    fetched_at REAL NOT NULL,
    PRIMARY KEY (view_id, pos)
);
-- Positions straight from an index: a phone query reads these, not the rows.
CREATE INDEX rows_digits ON rows (view_id, digits, pos);
CREATE INDEX rows_e164 ON rows (view_id, e164, pos);
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
_DATE_LIKE = re.compile(r"\d{4}-\d{2}(-\d{2})?")  # 2025-03-14: a date, not a phone number
NUMBER_DIGITS = 6  # a phone-like query with this many digits or more is matched as a number


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


def primary_phone(raw: Mapping[str, Any]) -> str | None:
    """The row's phone number as stored: a list contact's ``phoneNumber``, a directory
    contact's ``cellPhone.phoneNumber``."""
    value = raw.get("phoneNumber")
    if not isinstance(value, (str, int)) or isinstance(value, bool):
        cell = raw.get("cellPhone")
        value = cell.get("phoneNumber") if isinstance(cell, Mapping) else None
    return str(value) if isinstance(value, (str, int)) and not isinstance(value, bool) else None


def _sortable(value: Any) -> Any:
    """A value as SQLite compares it for the sort: numbers as numbers, text casefolded, the
    rest (null, objects) as null, which sorts last."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, str):
        return value.casefold() if value else None
    return None


def sort_values(raw: Mapping[str, Any], directory: bool) -> tuple[Any, Any, Any, Any]:
    """What each column of the view's table sorts by, in the table's column order: a list's
    number, created, id; the directory's name, number, status, updated; a campaign's outcome
    (it has ``dialerOutcome``): number, outcome, attempts, bot status."""
    if "dialerOutcome" in raw:
        return (_sortable(raw.get("phoneNumber")), _sortable(raw.get("dialerOutcome")),
                _sortable(raw.get("numberOfAttemptsSoFar")), _sortable(raw.get("botOutboundStatus")))
    if directory:
        cell = raw.get("cellPhone")
        name = raw.get("fullName") or " ".join(
            str(raw[k]) for k in ("firstName", "lastName") if isinstance(raw.get(k), str) and raw.get(k)) or None
        number = cell.get("phoneNumber") if isinstance(cell, Mapping) else None
        return (_sortable(name), _sortable(number), _sortable(raw.get("status")), _sortable(raw.get("updatedAt")))
    return (_sortable(raw.get("phoneNumber")), _sortable(raw.get("createdAt")),
            _sortable(raw.get("_id", raw.get("id"))), None)


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


class ReadHandle:
    """Lets the caller of a long query stop it from another thread (a newer query supersedes it)."""

    def __init__(self) -> None:
        self.connection: sqlite3.Connection | None = None

    def interrupt(self) -> None:
        connection = self.connection
        if connection is not None:
            connection.interrupt()


class CacheRefused(OSError):
    """The cache file is not ours to use (a symlink, another program's database)."""


class RowCache:
    """The store. Thread-safe (one connection, one lock): the UI calls it from worker threads."""

    def __init__(self, path: Path | None = None, *, persist: bool = True, region: str | None = None) -> None:
        """``region``: where a stored number without a country code is read (see kore_tui.phones)."""
        self.persist = persist
        self.region = region
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
                "INSERT OR REPLACE INTO rows VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [(view, page.skip + i, *self._row_values(raw, key.list == DIRECTORY), now) for i, raw in enumerate(raws)],
            )
            if not page.has_more:
                end = page.skip + len(raws)
                # The end is known: rows past it (from an older, longer list) are gone.
                self._db.execute("DELETE FROM rows WHERE view_id=? AND pos>=?", (view, end))
                self._db.execute("DELETE FROM pages WHERE view_id=? AND skip>=?", (view, max(end, skip + 1)))
                self._db.execute("UPDATE views SET total=? WHERE id=?", (end, view))

    def _row_values(self, raw: Mapping[str, Any], directory: bool) -> tuple[Any, ...]:
        phone = primary_phone(raw)
        return (json.dumps(raw, ensure_ascii=False), search_text(raw), phone_digits(raw),
                stored_e164(phone, self.region) if phone else None, *sort_values(raw, directory))

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
        positions = self.query_positions(key, RowQuery.for_text(needle))
        return self.rows_at(key, positions[:limit] if limit is not None else positions)

    # -- queries by position (the filter, the sort) ------------------------------------------------

    @contextlib.contextmanager
    def _reading(self, handle: ReadHandle | None = None) -> Iterator[sqlite3.Connection]:
        """A connection for a long read: for a file, one of its own (WAL lets it read while
        pages are written, and ``handle`` can interrupt it); in memory, the store's."""
        if self.path is None:
            with self._lock:
                yield self._db
            return
        db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None, timeout=10)
        if handle is not None:
            handle.connection = db
        try:
            yield db
        finally:
            if handle is not None:
                handle.connection = None
            db.close()

    def query_positions(self, key: ViewKey, query: RowQuery, *, limit: int | None = None,
                        handle: ReadHandle | None = None) -> array[int]:
        """The positions of the stored rows ``query`` matches, in its order; with ``limit``, the
        first ones only (which, unsorted, stops the scan early). Raises sqlite3.OperationalError
        ("interrupted") when ``handle.interrupt()`` stopped it."""
        view = self._existing_view(key)
        if view is None:
            return array("q")
        statements, presorted = query.statements(view)
        with self._reading(handle) as db:
            if presorted:
                sql, args = statements[0]
                if limit is not None:
                    sql, args = sql + " LIMIT ?", (*args, limit)
                return array("q", (pos for (pos,) in db.execute(sql, args)))
            # Read from indexes in their own order: the view's order is by position.
            found: set[int] = set()
            for sql, args in statements:
                found.update(pos for (pos,) in db.execute(sql, args))
        ordered = array("q", sorted(found))
        if limit is not None:
            del ordered[limit:]
        return ordered

    def rows_at(self, key: ViewKey, positions: Sequence[int]) -> list[tuple[int, dict[str, Any]]]:
        """(position, raw) of the stored rows at ``positions``, in that order (missing ones left out)."""
        view = self._existing_view(key)
        if view is None or not positions:
            return []
        wanted = list(positions)
        found: dict[int, str] = {}
        with self._reading() as db:
            for start in range(0, len(wanted), 500):  # SQLite's limit on bound parameters
                chunk = wanted[start:start + 500]
                marks = ",".join("?" * len(chunk))
                found.update(db.execute(f"SELECT pos, raw FROM rows WHERE view_id=? AND pos IN ({marks})",
                                        (view, *chunk)).fetchall())
        return [(pos, json.loads(found[pos])) for pos in wanted if pos in found]

    def rows_with_e164(self, key: ViewKey, e164: str) -> list[tuple[int, dict[str, Any]]]:
        """Stored rows whose phone number is ``e164`` (an index lookup)."""
        return self.rows_at(key, self.query_positions(key, RowQuery(e164=e164)))

    def _existing_view(self, key: ViewKey) -> int | None:
        with self._lock:
            return self._view_id(key, create=False)

    def view_id(self, key: ViewKey) -> int | None:
        """The view's id in the store (None: nothing stored), for :meth:`select`."""
        return self._existing_view(key)

    def select(self, sql: str, args: Sequence[Any] | Mapping[str, Any] = (), *,
               handle: ReadHandle | None = None) -> list[tuple[Any, ...]]:
        """The answer of one read-only query, for view models that aggregate rows in SQL (insights:
        grouped or limited, so the answer is small), on a connection of its own for a file (as
        :meth:`query_positions`, ``handle`` can interrupt it)."""
        if not sql.lstrip().upper().startswith(("SELECT", "WITH")):
            raise ValueError("select runs queries only")
        with self._reading(handle) as db:
            return [tuple(row) for row in db.execute(sql, args if isinstance(args, Mapping) else tuple(args))]

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
        return self.rows_at(key, self.query_positions(key, RowQuery(digits=digits)))

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


@dataclass(frozen=True, slots=True)
class RowQuery:
    """Which stored rows, in which order: the text filter (any value contains it), or a phone
    number (its E.164 form, exactly), or digits (a phone number's digits contain them); sorted
    by a column's values (see sort_values) or in the view's order."""

    text: str = ""
    e164: str | None = None
    digits: str | None = None
    sort_column: int | None = None
    descending: bool = False

    @classmethod
    def for_text(cls, needle: str, *, region: str | None = None, sort_column: int | None = None,
                 descending: bool = False) -> RowQuery:
        """The filter as a user types it: a possible phone number matches by its E.164 form;
        other number-like text by digits, or any value containing it; any other text, any value."""
        text = needle.strip().casefold()
        phone_like = looks_like_phone(needle) and not _DATE_LIKE.match(text)
        e164 = query_e164(needle, region) if phone_like else None
        digits = digits_of(text) if phone_like else None
        # A number matches by its E.164 form or by its digits, read from the indexes alone; a
        # short run of digits may be part of any value, so the text is searched too.
        number_only = e164 is not None or (digits is not None and len(digits) >= NUMBER_DIGITS)
        return cls(text="" if number_only else text, e164=e164, digits=digits, sort_column=sort_column,
                   descending=descending)

    @property
    def sorted(self) -> bool:
        return self.sort_column is not None

    def statements(self, view: int) -> tuple[list[tuple[str, tuple[Any, ...]]], bool]:
        """SQL selecting ``pos`` (one statement, or one per index whose answers are united), and
        whether its answer is already in the query's order."""
        where: list[str] = ["view_id=?"]
        args: list[Any] = [view]
        if self.sort_column is not None or self.text:
            alternatives: list[str] = []
            alt_args: list[Any] = []
            if self.e164:
                alternatives.append("e164=?")
                alt_args.append(self.e164)
            if self.digits:
                alternatives.append("instr(digits, ?) > 0")
                alt_args.append(self.digits)
            if self.text:
                alternatives.append("instr(search, ?) > 0")
                alt_args.append(self.text)
            if alternatives:
                where.append("(" + " OR ".join(alternatives) + ")")
                args += alt_args
            if self.sort_column is not None:
                column = f"s{int(self.sort_column)}"
                order = f"{column} IS NULL, {column} {'DESC' if self.descending else 'ASC'}, pos"
            else:
                order = "pos"
            return [(f"SELECT pos FROM rows WHERE {' AND '.join(where)} ORDER BY {order}", tuple(args))], True
        statements = []
        if self.e164:
            statements.append(("SELECT pos FROM rows INDEXED BY rows_e164 WHERE view_id=? AND e164=?",
                               (view, self.e164)))
        if self.digits:
            statements.append(("SELECT pos FROM rows INDEXED BY rows_digits WHERE view_id=? AND instr(digits, ?) > 0",
                               (view, self.digits)))
        if not statements:
            return [("SELECT pos FROM rows WHERE view_id=? ORDER BY pos", (view,))], True
        return statements, False


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



def open_cache(enabled: bool = True) -> RowCache:
    """The row cache: on disk in the user cache dir, or, when switched off, in memory only.

    When the file cannot be used, the cache lives in memory and ``problem`` says why.
    """
    problem = ""
    if enabled:
        try:
            return RowCache()
        except (OSError, sqlite3.Error) as exc:
            problem = f"the local cache is not used, rows stay in memory: {exc}"
            logging.getLogger("kore_tui").warning("%s", problem)
    cache = RowCache(persist=False)
    cache.problem = problem
    return cache
