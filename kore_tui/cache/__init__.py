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

The package: ``schema`` (the file's tables, the store's records, ``cache_path``), ``rows`` (what a
row is stored with: search text, phone digits, sort values), ``query`` (RowQuery, the filter's
SQL, ReadHandle) and ``store`` (RowCache, ``open_cache``). Every name is importable from here.
"""

from __future__ import annotations

from kore_tui.cache.query import NUMBER_DIGITS, ReadHandle, RowQuery, filter_clause
from kore_tui.cache.rows import digits_of, phone_digits, primary_phone, search_text, sort_values
from kore_tui.cache.schema import (
    APPLICATION_ID,
    DEFAULT_MAX_AGE,
    DIRECTORY,
    SCHEMA_VERSION,
    CachedPage,
    CacheRefused,
    ViewKey,
    ViewState,
    cache_path,
)
from kore_tui.cache.store import RowCache, open_cache

__all__ = [
    "APPLICATION_ID",
    "DEFAULT_MAX_AGE",
    "DIRECTORY",
    "NUMBER_DIGITS",
    "SCHEMA_VERSION",
    "CacheRefused",
    "CachedPage",
    "ReadHandle",
    "RowCache",
    "RowQuery",
    "ViewKey",
    "ViewState",
    "cache_path",
    "digits_of",
    "filter_clause",
    "open_cache",
    "phone_digits",
    "primary_phone",
    "search_text",
    "sort_values",
]
