"""The cache file's tables and the store's records: views, pages, rows, meta; a transaction."""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import platformdirs

from kore_tui.config import APP_NAME

SCHEMA_VERSION = 3
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

# The digits index: each row's phone digits as runs of three (FTS5's trigram tokenizer), keyed
# view_id * DIGITS_KEY_SPAN + pos, so a digits query reads the rows holding its runs, in the
# view's order, instead of every row. Contentless, with no positions (detail='none'), it holds
# the runs only: a match is a candidate, checked against rows.digits. Triggers keep it in step
# with rows (contentless tables delete only by the values they were given, which the triggers have).
DIGITS_INDEX = "rows_digits_fts"
GRAM = 3  # the trigram tokenizer's run: fewer digits hold none, so they are not indexed
DIGITS_KEY_SPAN = 1 << 32  # positions per view in the index's keys; a row past them is not indexed
_KEYED = f"BETWEEN 0 AND {DIGITS_KEY_SPAN - 1}"
_DIGITS_SCHEMA = f"""
CREATE VIRTUAL TABLE {DIGITS_INDEX} USING fts5(
    digits, content='', tokenize='trigram', detail='none', columnsize=0
);
CREATE TRIGGER rows_digits_insert AFTER INSERT ON rows
WHEN new.pos {_KEYED} AND length(new.digits) >= {GRAM} BEGIN
    INSERT INTO {DIGITS_INDEX} (rowid, digits) VALUES (new.view_id * {DIGITS_KEY_SPAN} + new.pos, new.digits);
END;
CREATE TRIGGER rows_digits_delete AFTER DELETE ON rows
WHEN old.pos {_KEYED} AND length(old.digits) >= {GRAM} BEGIN
    INSERT INTO {DIGITS_INDEX} ({DIGITS_INDEX}, rowid, digits)
    VALUES ('delete', old.view_id * {DIGITS_KEY_SPAN} + old.pos, old.digits);
END;
CREATE TRIGGER rows_digits_update AFTER UPDATE OF view_id, pos, digits ON rows
WHEN old.view_id IS NOT new.view_id OR old.pos IS NOT new.pos OR old.digits IS NOT new.digits BEGIN
    INSERT INTO {DIGITS_INDEX} ({DIGITS_INDEX}, rowid, digits)
    SELECT 'delete', old.view_id * {DIGITS_KEY_SPAN} + old.pos, old.digits
    WHERE old.pos {_KEYED} AND length(old.digits) >= {GRAM};
    INSERT INTO {DIGITS_INDEX} (rowid, digits)
    SELECT new.view_id * {DIGITS_KEY_SPAN} + new.pos, new.digits
    WHERE new.pos {_KEYED} AND length(new.digits) >= {GRAM};
END;
"""
# The rows a cache of an older version (or one made where FTS5 was missing) holds, indexed.
_DIGITS_FILL = (f"INSERT INTO {DIGITS_INDEX} (rowid, digits) SELECT view_id * {DIGITS_KEY_SPAN} + pos, digits "
                f"FROM rows WHERE pos {_KEYED} AND length(digits) >= {GRAM}")
# Schema versions whose tables this one keeps as they are: only the digits index is added.
_UPGRADABLE = {2}


def statements(script: str) -> list[str]:
    """The statements of an SQL script, whole (a trigger's body holds semicolons)."""
    found: list[str] = []
    pending = ""
    for line in script.splitlines(keepends=True):
        pending += line
        if sqlite3.complete_statement(pending):
            found.append(pending.strip())
            pending = ""
    if pending.strip():
        found.append(pending.strip())
    return found


def cache_path() -> Path:
    return platformdirs.user_cache_path(APP_NAME) / "cache.sqlite3"


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


class _transaction:
    """BEGIN IMMEDIATE ... COMMIT (ROLLBACK on error) on an autocommit connection."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    def __enter__(self) -> None:
        self.db.execute("BEGIN IMMEDIATE")

    def __exit__(self, exc_type: object, *rest: object) -> None:
        self.db.execute("ROLLBACK" if exc_type else "COMMIT")
