"""ContactsModel: what a table of contacts does with its data, below the UI.

One view (a stream's contacts directory, or one contact list): its pages (a Pager over the
cache-backed source), the filter over what is cached, fetching the rest, the directory contact
that has a list row's number, what a copy puts on the clipboard, and the words of its status
line. The app's ContactView renders it and routes keys to it; nothing here knows Textual.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from kore_tui.api.errors import ApiError
from kore_tui.api.models import DirectoryContact, Page
from kore_tui.api.walk import FetchPage
from kore_tui.cache import DIRECTORY, RowQuery, ViewKey, phone_digits, primary_phone
from kore_tui.paging import Pager
from kore_tui.phones import number_facts, stored_e164
from kore_tui.sources import PageWalked, QuerySource, ViewSource
from kore_tui.text import json_text, printable_only
from kore_tui.views.format import age, plural

PAGE_SIZE = 100  # asked for; the server may serve fewer and the pager adapts
STALE_NOTE_AFTER = 60.0  # seconds: rows served from a cache older than this say how old


@dataclass(frozen=True, slots=True)
class Filtered:
    """The filter's (or the sort's) answer: a pager over the matching rows, the source that
    counts them, and how many rows of the view the cache holds."""

    text: str
    pager: Pager[Any]
    source: QuerySource


@dataclass(frozen=True, slots=True)
class Sort:
    """The table sorted by one of its columns (by index), up or down."""

    column: int
    descending: bool = False


def short_error(error: Exception) -> str:
    """What fits a status line: the status and the server's words, else the error's sentence."""
    if isinstance(error, ApiError) and error.status is not None and error.server_message:
        return f"{error.status}: {error.server_message}"
    return f"{getattr(error, 'kind', type(error).__name__)}: {error}"


class ContactsModel:
    """One view of contacts: the directory (``source.key.list == DIRECTORY``) or a contact list."""

    copy_noun = "phone number"  # what `y` copies (``phone_to_copy``), as the app names it
    export_fields: tuple[str, ...] | None = None  # an export's columns (None: the view's usual ones)

    def __init__(self, source: ViewSource, *, noun: str = "contacts", expected_rows: int | None = None,
                 page_size: int = PAGE_SIZE) -> None:
        """``expected_rows``: the view's size as recorded elsewhere (a list's count in the
        picker), so a table can open at that height before the first page."""
        self.source = source
        self.noun = noun
        self.main_pager: Pager[Any] = Pager(source.fetch, page_size=page_size, row_count_hint=expected_rows)
        self.filter_text = ""
        self.sort: Sort | None = None
        self.region: str | None = None  # where numbers typed in the filter without a country code are
        self.matches = 0  # rows matching the filter
        self.loaded = 0  # rows of the view in the cache (what the filter searched)
        self.fetching_all = False
        self.counting = False  # the filter's first rows show; its count is on its way
        self._query: QuerySource | None = None
        self.queries = 0  # queries run over the cache (typing runs one per pause, not one per key)

    @property
    def key(self) -> ViewKey:
        return self.source.key

    @property
    def is_directory(self) -> bool:
        return self.source.is_directory

    @property
    def filtering(self) -> bool:
        return bool(self.filter_text)

    @property
    def querying(self) -> bool:
        """The table shows a query over the cache (a filter, a sort), not the view's pages."""
        return self.filtering or self.sort is not None

    # -- the filter and the sort -------------------------------------------------------------------

    def row_query(self, text: str | None = None) -> RowQuery:
        sort = self.sort
        return RowQuery.for_text(self.filter_text if text is None else text, region=self.region,
                                 sort_column=sort.column if sort else None, descending=bool(sort and sort.descending))

    async def query(self, text: str | None = None) -> Filtered:
        """The cached rows matching ``text`` (default: the filter) in the sort's order, as a
        pager a table can show: pages are read as they are shown, and the count follows."""
        self.queries += 1
        if self._query is not None:
            self._query.cancel()  # superseded: stop its scan
        source = self._query = QuerySource(self.source.cache, self.source.key, self.row_query(text), self.source.row)
        pager: Pager[Any] = Pager(source.fetch, page_size=self.main_pager.page_size)
        return Filtered(self.filter_text if text is None else text, pager, source)

    async def filter(self, text: str) -> Filtered:
        """The cached rows matching ``text``, as a pager a table can show."""
        return await self.query(text)

    async def count(self, filtered: Filtered) -> int:
        """How many rows ``filtered`` holds, and how many the cache holds (after its first page
        has shown: counting reads every match)."""
        self.matches = await filtered.source.count()
        self.loaded = await asyncio.to_thread(self.source.cache.count_rows, self.source.key)
        self.counting = False
        return self.matches

    def take(self, filtered: Filtered) -> None:
        """Make ``filtered`` the current answer (its count may follow)."""
        self.matches = filtered.source.counted or 0
        self.counting = filtered.source.counted is None

    async def rows_missing_for_sort(self) -> int:
        """Sorting is done by the cache, so it needs the whole view there: how many rows it
        lacks (0 when the view is complete in it)."""
        cache, key = self.source.cache, self.source.key
        if await asyncio.to_thread(cache.complete_at, key) is not None:
            return 0
        return max(1, self.main_pager.row_count - await asyncio.to_thread(cache.count_rows, key))

    def next_sort(self, columns: int) -> Sort | None:
        """The sort after ``s``: the next column, and after the last one, none."""
        if self.sort is None:
            return Sort(0)
        return Sort(self.sort.column + 1, self.sort.descending) if self.sort.column + 1 < columns else None

    def cancel(self) -> None:
        if self._query is not None:
            self._query.cancel()

    def query_fetch(self) -> FetchPage:
        """``fetch(skip, limit)`` over the rows the table shows (the filter's matches, in the
        sort's order), from the cache, for an export that streams them page by page."""
        return QuerySource(self.source.cache, self.source.key, self.row_query(), self.source.row).fetch

    async def matching_rows(self) -> list[tuple[int, dict[str, Any]]]:
        """(position, raw) of every cached row matching the filter, in the table's order."""
        source = QuerySource(self.source.cache, self.source.key, self.row_query(), self.source.row)
        positions = await source.positions()
        return await asyncio.to_thread(self.source.cache.rows_at, self.source.key, positions)

    # -- the rest of the view ---------------------------------------------------------------------

    async def fetch_all(self, on_page: PageWalked | None = None) -> int:
        """Every page of the view into the cache, within the request budget; the rows it has."""
        self.fetching_all = True
        try:
            def walked(page: Page[Any]) -> None:
                self.loaded = page.end
                if on_page is not None:
                    on_page(page)

            self.loaded = await self.source.complete(page_size=self.main_pager.page_size, concurrency=2,
                                                     on_page=walked)
            return self.loaded
        finally:
            self.fetching_all = False

    # -- around a row ----------------------------------------------------------------------------

    async def number_lines(self, raw: Mapping[str, Any]) -> list[tuple[str, str]]:
        """What the row's phone number is, by libphonenumber's rules: (label, text) lines for
        the detail pane. An invalid number says so (it stays searchable by its digits)."""
        phone = primary_phone(raw)
        if not phone:
            return []
        facts = await asyncio.to_thread(number_facts, phone, self.region)
        if facts.e164 is None:
            return [("number", "not a possible phone number (found by its digits only)")]
        if not facts.valid:
            return [("number", f"{facts.e164} · not a valid number (found by its digits)")]
        return [("number", " · ".join(part for part in (facts.e164, facts.country, facts.kind) if part))]

    async def related_directory(self, raw: Mapping[str, Any]) -> list[tuple[str, str]]:
        """The directory contact with a list row's number, when the cache knows it (no request):
        (label, text) lines for the detail pane."""
        digits = phone_digits(raw)
        if not digits or self.is_directory:
            return []
        key = ViewKey(self.key.profile, self.key.stream, DIRECTORY)
        phone = primary_phone(raw)
        e164 = stored_e164(phone, self.region) if phone else None
        cache = self.source.cache
        found = await asyncio.to_thread(cache.rows_with_e164, key, e164) if e164 else []
        if not found:
            found = await asyncio.to_thread(cache.rows_with_phone, key, digits)
        exact = [r for _, r in found if digits in phone_digits(r).split()] or [r for _, r in found]
        if not exact:
            return []
        first = DirectoryContact.from_json(exact[0])
        related = [("directory", f"{first.display_name or '(no name)'} · {first.status or '-'}")]
        if len(exact) > 1:
            related.append(("", f"and {plural(len(exact) - 1, 'more directory contact')} with this number"))
        return related

    @staticmethod
    def phone_to_copy(row: Any) -> str:
        """A row's number as the clipboard gets it: its printable characters only (a terminal
        may paste a control character into a shell)."""
        number = getattr(row, "phone_number", None) if row is not None else None
        return printable_only(number or "").strip()

    @staticmethod
    def row_to_copy(row: Any) -> str:
        """A row as JSON with every control character escaped: still the same JSON."""
        return json_text(dict(row.raw))

    # -- the status line --------------------------------------------------------------------------

    def position(self, *, cursor: int, count: int, fetching: bool, now: float) -> tuple[str, str]:
        """(position, activity) for the status line."""
        activity = []
        if self.filtering:
            total = self.main_pager.row_count
            position = f"{self.matches:,} of {total:,} match ({self.loaded:,} cached)"
            if self.counting:
                position = f"counting the matches… ({self.loaded:,} cached)"
            if self.matches or self.counting:
                position = f"row {cursor + 1:,} · " + position
            if self.loaded < total and not self.fetching_all:
                activity.append(f"F fetches the other {total - self.loaded:,}")
        elif count == 0:
            position = "loading…" if fetching else f"No {self.noun}"
        else:
            position = f"row {cursor + 1:,} of {count:,}"
        if self.sort is not None:
            activity.append(f"sorted {'down' if self.sort.descending else 'up'} (s: next column, S: reverse)")
        if self.fetching_all:
            activity.append(f"fetching all: {self.loaded:,} (F stops)")
        oldest = self.source.oldest_served
        if oldest is not None and now - oldest >= STALE_NOTE_AFTER:
            activity.append(f"cached {age(now - oldest)}")
            if self.source.refreshing:
                activity.append("refreshing…")
        elif fetching and count:
            activity.append("loading…")
        return position, " · ".join(activity)
