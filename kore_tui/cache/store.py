"""RowCache, the store: one SQLite connection and a lock; pages in, rows and positions out."""

from __future__ import annotations

import contextlib
import json
import logging
import os
import sqlite3
import threading
import time
from array import array
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from kore_tui.cache.query import ReadHandle, RowQuery
from kore_tui.cache.rows import phone_digits, primary_phone, search_text, sort_values
from kore_tui.cache.schema import (
    _DIGITS_FILL,
    _DIGITS_SCHEMA,
    _SCHEMA,
    _TABLES,
    _UPGRADABLE,
    APPLICATION_ID,
    DIGITS_INDEX,
    DIRECTORY,
    SCHEMA_VERSION,
    CachedPage,
    CacheRefused,
    ViewKey,
    ViewState,
    _transaction,
    cache_path,
    statements,
)
from kore_tui.phones import stored_e164

log = logging.getLogger("kore_tui.cache")

# An upsert, not INSERT OR REPLACE: a row replaced that way is deleted without its delete
# trigger, which the digits index needs to forget the row's old digits.
_PUT_ROW = ("INSERT INTO rows VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (view_id, pos) DO UPDATE SET "
            + ", ".join(f"{column}=excluded.{column}"
                        for column in ("raw", "search", "digits", "e164", "s0", "s1", "s2", "s3", "fetched_at")))


class RowCache:
    """The store. Thread-safe (one connection, one lock): the UI calls it from worker threads."""

    def __init__(self, path: Path | None = None, *, persist: bool = True, region: str | None = None) -> None:
        """``region``: where a stored number without a country code is read (see kore_tui.phones)."""
        self.persist = persist
        self.region = region
        self.problem = ""  # why the file is not used, when a caller fell back to memory
        self.path = (path or cache_path()) if persist else None
        self._lock = threading.Lock()
        self.digits_indexed = False  # whether the file has the digits index (see schema.DIGITS_INDEX)
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
        try:
            self.digits_indexed = self._prepare(db)
        except BaseException:
            db.close()
            raise
        for suffix in ("-wal", "-shm"):
            if self.path is not None and Path(str(self.path) + suffix).exists():
                os.chmod(str(self.path) + suffix, 0o600)
        return db

    def _prepare(self, db: sqlite3.Connection) -> bool:
        """This version's tables: kept; upgraded from a version whose tables this one keeps (the
        digits index added and filled, the rows kept); from any other version, dropped and made
        anew (a cache is disposable, never misread). Returns whether the digits index is there
        (SQLite without FTS5's trigram tokenizer, older than 3.34, goes without: digits are scanned)."""
        version = db.execute("PRAGMA user_version").fetchone()[0]
        if version != SCHEMA_VERSION:
            with _transaction(db):
                # Read again under the write lock: another process may have set it up meanwhile.
                version = db.execute("PRAGMA user_version").fetchone()[0]
                if version != SCHEMA_VERSION:
                    tables = {name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
                    upgradable = version in _UPGRADABLE and tables >= _TABLES and DIGITS_INDEX not in tables
                    if not (upgradable and self._upgrade(db, version)):
                        _drop_tables(db)
                        for statement in statements(_SCHEMA):
                            db.execute(statement)
                        self._add_digits_index(db)
                    db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
                    # Stamped in the same transaction: a file with our tables always has our stamp.
                    db.execute(f"PRAGMA application_id={APPLICATION_ID}")
        if db.execute("PRAGMA application_id").fetchone()[0] != APPLICATION_ID:
            db.execute(f"PRAGMA application_id={APPLICATION_ID}")
        if db.execute("SELECT 1 FROM sqlite_master WHERE name=?", (DIGITS_INDEX,)).fetchone() is None:
            return False
        # Fails (and the file is not used) where this SQLite lacks what the index needs: its
        # triggers would fail every write of rows.
        db.execute(f"SELECT rowid FROM {DIGITS_INDEX} LIMIT 0").fetchall()
        return True

    def _upgrade(self, db: sqlite3.Connection, version: int) -> bool:
        """The tables of ``version`` kept, their rows indexed by digits; False (nothing changed)
        when that fails: the tables are then made anew."""
        started = time.perf_counter()
        db.execute("SAVEPOINT upgrade")
        try:
            if self._add_digits_index(db):
                db.execute(_DIGITS_FILL)
        except sqlite3.Error as exc:
            db.execute("ROLLBACK TO upgrade")
            db.execute("RELEASE upgrade")
            log.warning("the cache of version %s could not be upgraded (%s): made anew", version, exc)
            return False
        db.execute("RELEASE upgrade")
        log.info("the cache of version %s upgraded in %.1f s", version, time.perf_counter() - started)
        return True

    @staticmethod
    def _add_digits_index(db: sqlite3.Connection) -> bool:
        """The digits index and its triggers, or nothing where SQLite lacks FTS5's trigram tokenizer."""
        db.execute("SAVEPOINT digits_index")
        try:
            for statement in statements(_DIGITS_SCHEMA):
                db.execute(statement)
        except sqlite3.OperationalError as exc:
            if not str(exc).startswith(("no such module", "no such tokenizer")):  # fts5, trigram
                raise
            db.execute("ROLLBACK TO digits_index")
            db.execute("RELEASE digits_index")
            log.warning("the cache has no digits index (%s, SQLite %s): digit queries scan the rows", exc,
                        sqlite3.sqlite_version)
            return False
        db.execute("RELEASE digits_index")
        return True

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

    def complete_at(self, key: ViewKey) -> float | None:
        """When a walk last completed the view (None: it is not complete); no scan of its rows."""
        with self._lock:
            view = self._view_id(key, create=False)
            if view is None:
                return None
            row = self._db.execute("SELECT complete_at FROM views WHERE id=?", (view,)).fetchone()
            return None if row is None else row[0]

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
                _PUT_ROW,
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
        with self._reading(handle) as db:
            statements, presorted = query.plan(db, view, limit=limit, digits_index=self.digits_indexed)
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


def _drop_tables(db: sqlite3.Connection) -> None:
    """Every table of the file, virtual ones first (dropping one drops the tables it keeps its data in)."""
    tables = db.execute("SELECT name, sql FROM sqlite_master WHERE type='table'").fetchall()
    tables.sort(key=lambda table: not str(table[1] or "").upper().startswith("CREATE VIRTUAL"))
    for name, _ in tables:
        quoted = name.replace('"', '""')
        db.execute(f'DROP TABLE IF EXISTS "{quoted}"')


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
