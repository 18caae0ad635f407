"""Phone lookup: which directory contact has this number, and which contact lists hold it.

The platform has no search parameter, so the answer comes from the local cache, fetching only
what is missing or stale (within the request budget). No Textual here.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from kore_tui.api.client import KoreClient
from kore_tui.cache import DEFAULT_MAX_AGE, DIRECTORY, RowCache, ViewKey, digits_of
from kore_tui.sources import CacheLostRows, ViewSource, stream_contact_lists

DEFAULT_MAX_ROWS = 20_000  # larger lists are skipped unless asked for: 200+ requests, minutes at 60/min
Progress = Callable[[str, int, int | None], None]  # (view label, rows so far, total if known)


class LookupError_(ValueError):
    """The number given has too few digits to look up."""


@dataclass
class ViewSearch:
    """One view searched: where its rows came from and what matched."""

    list_id: str  # "" for the directory
    name: str
    rows: int = 0
    source: str = "cache"  # "cache", "server" or "cache+server"
    fetched_at: float | None = None  # oldest row's fetch time
    skipped: str = ""  # why the view was not searched
    matches: list[tuple[int, dict[str, Any]]] = field(default_factory=list)  # (position, raw)


@dataclass
class LookupResult:
    phone: str
    digits: str
    stream: str
    directory: ViewSearch
    lists: list[ViewSearch]
    requests: int

    @property
    def lists_with_number(self) -> list[ViewSearch]:
        return [v for v in self.lists if v.matches]

    def to_json(self, now: float | None = None) -> dict[str, Any]:
        now = time.time() if now is None else now

        def view(v: ViewSearch) -> dict[str, Any]:
            return {
                "list_id": v.list_id or None,
                "name": v.name,
                "rows_searched": v.rows,
                "source": v.source,
                "age_seconds": None if v.fetched_at is None else round(now - v.fetched_at, 1),
                "skipped": v.skipped or None,
                "matches": [{"position": pos, "contact": raw} for pos, raw in v.matches],
            }

        return {
            "phone": self.phone,
            "digits": self.digits,
            "stream": self.stream,
            "directory": view(self.directory),
            "lists": [view(v) for v in self.lists],
            "requests": self.requests,
        }


async def find_phone(
    client: KoreClient,
    cache: RowCache,
    profile: str,
    stream: str,
    phone: str,
    *,
    refresh: bool = False,
    max_age: float = DEFAULT_MAX_AGE,
    max_rows: int = DEFAULT_MAX_ROWS,
    only_lists: list[str] | None = None,
    concurrency: int = 4,
    page_size: int = 100,
    on_progress: Progress | None = None,
    clock: Callable[[], float] = time.time,
) -> LookupResult:
    digits = digits_of(phone)
    if len(digits) < 3:
        raise LookupError_(f"{phone!r} has too few digits to look up (3 at least)")
    sent_before = client.requests_sent
    lists = await stream_contact_lists(client, cache, profile, stream, max_age=max_age, refresh=refresh, clock=clock)
    if only_lists:
        lists = [lst for lst in lists if lst.id in only_lists]

    directory = ViewSearch(DIRECTORY, "contacts directory")
    searches = [ViewSearch(lst.id, lst.name or lst.id) for lst in lists]
    for search, lst in zip(searches, lists):
        if lst.total_record_count is not None and lst.total_record_count > max_rows:
            search.skipped = f"{lst.total_record_count:,} rows, over the {max_rows:,}-row limit"

    for search in [directory, *searches]:
        if search.skipped:
            continue
        key = ViewKey(profile, stream, search.list_id)
        await _complete_view(client, cache, key, search, refresh=refresh, max_age=max_age, concurrency=concurrency,
                             page_size=page_size, on_progress=on_progress, clock=clock)
        search.matches = await asyncio.to_thread(cache.rows_with_phone, key, digits)
    return LookupResult(phone, digits, stream, directory, searches, client.requests_sent - sent_before)


async def _complete_view(client: KoreClient, cache: RowCache, key: ViewKey, search: ViewSearch, *, refresh: bool,
                         max_age: float, concurrency: int, page_size: int, on_progress: Progress | None,
                         clock: Callable[[], float]) -> None:
    """Make the cache hold the whole view, fresh: nothing to do when it already does."""
    state = await asyncio.to_thread(cache.view_state, key)
    if not refresh and state.complete_at is not None and state.oldest is not None and clock() - state.oldest < max_age:
        search.rows, search.source, search.fetched_at = state.rows, "cache", state.oldest
        return
    source = ViewSource(client, cache, key, max_age=0.0 if refresh else max_age, clock=clock, refresh_stale=False)
    progress = (lambda page: on_progress(search.name, page.end, page.total_results)) if on_progress else None
    try:
        await source.complete(page_size=page_size, concurrency=concurrency, on_page=progress)
    except CacheLostRows as exc:
        raise LookupError_(str(exc)) from None
    state = await asyncio.to_thread(cache.view_state, key)
    search.rows = state.rows
    search.fetched_at = state.oldest
    if source.network_pages == 0:
        search.source = "cache"
    else:
        search.source = "server" if source.cache_pages == 0 else "cache+server"
