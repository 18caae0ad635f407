"""ViewSource: the pages of one view (a stream's directory or one contact list), from the local
cache when it has them, else from the server, which also fills the cache; and a stream's contact
lists, from a fresh cache or one request.

Shared by the app, the phone lookup and exports. No Textual here.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import time
from array import array
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from kore_tui.api.client import KoreClient
from kore_tui.api.models import (
    CAMPAIGN_KINDS,
    MAX_OUTCOME_LIMIT,
    Campaign,
    CampaignContact,
    CampaignOutcome,
    ContactList,
    ContactListDetails,
    DirectoryContact,
    Page,
    parse_contact_lists,
)
from kore_tui.api.walk import PageNumberFetch, walk_pages
from kore_tui.cache import DEFAULT_MAX_AGE, DIRECTORY, CachedPage, ReadHandle, RowCache, RowQuery, ViewKey

Refreshed = Callable[[int], None]
PageWalked = Callable[[Page[Any]], None]
log = logging.getLogger("kore_tui.cache")


class CacheLostRows(Exception):
    """The cache lost rows of a view while it was being completed (another process cleared it)."""


async def stream_contact_lists(client: KoreClient, cache: RowCache, profile: str, stream: str, *,
                               max_age: float = DEFAULT_MAX_AGE, refresh: bool = False,
                               clock: Callable[[], float] = time.time) -> list[ContactList]:
    """The stream's contact lists, from a fresh cache or one request."""
    stored = await asyncio.to_thread(cache.get_meta, profile, stream, "contact-lists")
    if stored is not None and not refresh and clock() - stored[1] < max_age:
        return parse_contact_lists({"data": stored[0]})
    lists = await client.contact_lists(stream)
    await asyncio.to_thread(cache.put_meta, profile, stream, "contact-lists", [dict(lst.raw) for lst in lists],
                            now=clock())
    return lists


class ViewSource:
    """``fetch(skip, limit)`` for a Pager or a walk, backed by a :class:`RowCache`.

    A fresh cached page is served without a request. A stale one is served at once too, and a
    background refresh (within the request budget) replaces it, then ``on_refreshed(skip)``
    is called. ``network_fetch`` always asks the server.
    """

    def __init__(
        self,
        client: KoreClient,
        cache: RowCache,
        key: ViewKey,
        *,
        max_age: float = DEFAULT_MAX_AGE,
        clock: Callable[[], float] = time.time,
        refresh_stale: bool = True,
    ) -> None:
        self.client = client
        self.cache = cache
        self.key = key
        self.max_age = max_age
        self.clock = clock
        self.refresh_stale = refresh_stale
        self.on_refreshed: Refreshed | None = None
        self.oldest_served: float | None = None  # fetched_at of the oldest cached page shown
        self._refreshing: dict[int, asyncio.Task[None]] = {}
        self._writes: set[asyncio.Future[None]] = set()
        self._refetched: set[int] | None = None  # after refresh_from_server: skips fetched anew
        self.network_pages = 0  # pages asked of the server
        self.cache_pages = 0  # pages served from the cache

    @property
    def is_directory(self) -> bool:
        return self.key.list == DIRECTORY

    def row(self, raw: Mapping[str, Any]) -> Any:
        return DirectoryContact.from_json(raw) if self.is_directory else CampaignContact.from_json(raw)

    async def client_fetch(self, skip: int, limit: int) -> Page[Any]:
        """One page from the server, not stored (an export to a file is its own copy)."""
        if self.is_directory:
            return await self.client.directory_page(self.key.stream, skip, limit)
        return await self.client.list_contacts_page(self.key.stream, self.key.list, skip, limit)

    async def network_fetch(self, skip: int, limit: int, *, wait_for_write: bool = True) -> Page[Any]:
        """One page from the server, stored in the cache (the table does not wait for the write)."""
        page = await self.client_fetch(skip, limit)
        self.network_pages += 1
        write = asyncio.ensure_future(asyncio.to_thread(self.cache.put_page, self.key, skip, page, now=self.clock()))
        if wait_for_write:
            await write
        else:
            self._writes.add(write)
            write.add_done_callback(self._write_done)
        return page

    def _write_done(self, write: asyncio.Future[None]) -> None:
        self._writes.discard(write)
        if not write.cancelled() and write.exception() is not None:
            log.warning("could not cache a page: %s", write.exception())

    async def writes_done(self) -> None:
        """Wait for cache writes still under way."""
        if self._writes:
            await asyncio.gather(*self._writes, return_exceptions=True)

    async def cached(self, skip: int, limit: int) -> CachedPage | None:
        """The stored page at ``skip`` if it is whole for ``limit`` (or the end of the list)."""
        if not self.cache.may_hold(self.key):
            return None
        page = await asyncio.to_thread(self.cache.get_page, self.key, skip)
        if page is None:
            return None
        served_full = page.limit is not None and len(page.rows) >= min(page.limit, limit)
        if len(page.rows) >= limit or served_full or not page.has_more:
            return page
        return None

    def is_fresh(self, page: CachedPage) -> bool:
        return self.clock() - page.fetched_at < self.max_age

    def refresh_from_server(self) -> None:
        """The user asked for a refresh: every page asked for from now on comes from the server,
        once (counted by skip, not by clock, so a page fetched anew is not fetched again)."""
        self._refetched = set()
        self.forget_age()

    async def fetch(self, skip: int, limit: int) -> Page[Any]:
        if self._refetched is not None and skip not in self._refetched:
            fresh = await self.network_fetch(skip, limit, wait_for_write=False)
            self._refetched.add(skip)
            return fresh
        page = await self.cached(skip, limit)
        if page is None:
            return await self.network_fetch(skip, limit, wait_for_write=False)
        self.cache_pages += 1
        self.oldest_served = page.fetched_at if self.oldest_served is None else min(self.oldest_served, page.fetched_at)
        if self.refresh_stale and not self.is_fresh(page) and skip not in self._refreshing:
            self._refreshing[skip] = asyncio.ensure_future(self._refresh(skip, limit))
        return self.as_page(page)

    async def complete(self, *, page_size: int = 100, concurrency: int = 2,
                       on_page: PageWalked | None = None) -> int:
        """Every page of the view into the cache (fresh pages from it, the rest from the server,
        within the request budget), then the view marked complete; returns its row count.

        Raises :class:`CacheLostRows` when rows went missing meanwhile even after a second walk
        (which fetches only what is missing)."""
        for _attempt in range(2):
            rows = 0
            async for page in walk_pages(self.fresh_or_network, page_size=page_size, concurrency=concurrency):
                rows = page.end
                if on_page is not None:
                    on_page(page)
            if await asyncio.to_thread(self.cache.mark_complete, self.key, rows, now=self.clock()):
                return rows
        raise CacheLostRows(f"the local cache lost rows of {self.key.list or 'the directory'} meanwhile "
                            "(was it cleared?); try again")

    async def fresh_or_network(self, skip: int, limit: int) -> Page[Any]:
        """For lookups and exports: the cache only when fresh, else the server."""
        page = await self.cached(skip, limit)
        if page is not None and self.is_fresh(page):
            self.cache_pages += 1
            return self.as_page(page)
        return await self.network_fetch(skip, limit)

    def as_page(self, page: CachedPage) -> Page[Any]:
        return Page(
            rows=tuple(self.row(raw) for raw in page.rows),
            skip=page.answered_skip,
            limit=page.limit,
            has_more=page.has_more,
            total_results=page.total_results,
            total_pages=page.total_pages,
        )

    async def _refresh(self, skip: int, limit: int) -> None:
        try:
            await self.network_fetch(skip, limit)
        except Exception:  # the stale rows stay; the next open tries again
            return
        finally:
            self._refreshing.pop(skip, None)
        if self.on_refreshed is not None:
            self.on_refreshed(skip)

    @property
    def refreshing(self) -> bool:
        return bool(self._refreshing)

    def forget_age(self) -> None:
        self.oldest_served = None

    def cancel(self) -> None:
        for task in list(self._refreshing.values()):
            task.cancel()
        self._refreshing.clear()


# -- campaigns -------------------------------------------------------------------------------------

CAMPAIGN_VIEW_PREFIX = "campaign:"  # the cache's `list` of a campaign's outcomes: "campaign:<id>"
CAMPAIGNS_META = "campaigns"
LIST_DETAILS_META = "list-details:"


def outcomes_key(profile: str, stream: str, campaign_id: str) -> ViewKey:
    """The cache key of a campaign's outcomes: beside the stream's lists, never one of them."""
    return ViewKey(profile, stream, CAMPAIGN_VIEW_PREFIX + campaign_id)


def is_outcomes_key(key: ViewKey) -> bool:
    return key.list.startswith(CAMPAIGN_VIEW_PREFIX)


async def stream_campaigns(client: KoreClient, cache: RowCache, profile: str, stream: str, *,
                           kinds: tuple[str, ...] = CAMPAIGN_KINDS, max_age: float = DEFAULT_MAX_AGE,
                           refresh: bool = False, clock: Callable[[], float] = time.time) -> list[Campaign]:
    """The stream's campaigns of every kind (voice, then SMS), from a fresh cache or a walk of
    ``getAllCampaignDetails`` per kind (one request each for up to 100 campaigns)."""
    stored = await asyncio.to_thread(cache.get_meta, profile, stream, CAMPAIGNS_META)
    if stored is not None and not refresh and clock() - stored[1] < max_age and isinstance(stored[0], list):
        cached = [Campaign.from_json(item["campaign"], item.get("kind")) for item in stored[0]
                  if isinstance(item, Mapping) and isinstance(item.get("campaign"), Mapping)]
        return [c for c in cached if c.kind in kinds or c.kind is None]
    campaigns: list[Campaign] = []
    for kind in CAMPAIGN_KINDS:
        async for page in walk_pages(functools.partial(client.campaigns_page, stream, kind)):
            campaigns.extend(page.rows)
    await asyncio.to_thread(cache.put_meta, profile, stream, CAMPAIGNS_META,
                            [{"kind": c.kind, "campaign": dict(c.raw)} for c in campaigns], now=clock())
    return [c for c in campaigns if c.kind in kinds or c.kind is None]


async def contact_list_details(client: KoreClient, cache: RowCache, profile: str, stream: str, list_id: str, *,
                               max_age: float = DEFAULT_MAX_AGE, refresh: bool = False,
                               clock: Callable[[], float] = time.time) -> ContactListDetails:
    """One list's details (``isGlobalDNC``, ``allowDuplicates``, ...), from a fresh cache or one request."""
    name = LIST_DETAILS_META + list_id
    stored = await asyncio.to_thread(cache.get_meta, profile, stream, name)
    if stored is not None and not refresh and clock() - stored[1] < max_age and isinstance(stored[0], Mapping):
        return ContactListDetails.from_json(stored[0])
    details = await client.contact_list_details(stream, list_id)
    await asyncio.to_thread(cache.put_meta, profile, stream, name, dict(details.raw), now=clock())
    return details


def cached_list_details(cache: RowCache, profile: str, stream: str, list_id: str) -> ContactListDetails | None:
    """A list's details as the cache has them, however old (no request: for the detail pane)."""
    stored = cache.get_meta(profile, stream, LIST_DETAILS_META + list_id)
    return ContactListDetails.from_json(stored[0]) if stored is not None and isinstance(stored[0], Mapping) else None


def cached_campaigns(cache: RowCache, profile: str, stream: str) -> tuple[list[Campaign], float] | None:
    """The stream's campaigns as the cache has them and when they were fetched (no request)."""
    stored = cache.get_meta(profile, stream, CAMPAIGNS_META)
    if stored is None or not isinstance(stored[0], list):
        return None
    return ([Campaign.from_json(item["campaign"], item.get("kind")) for item in stored[0]
             if isinstance(item, Mapping) and isinstance(item.get("campaign"), Mapping)], stored[1])


class CampaignOutcomesSource(ViewSource):
    """A campaign's per-number outcomes as ``fetch(skip, limit)``, cached like a list's rows
    under ``campaign:<id>`` (so the filter and phone lookups by digits work on them too).

    The endpoint pages by page number, at most 100 rows a page, without ``hasMore``: a
    :class:`~kore_tui.api.walk.PageNumberFetch` turns each skip into the page that holds it."""

    def __init__(self, client: KoreClient, cache: RowCache, key: ViewKey, **options: Any) -> None:
        if not is_outcomes_key(key):
            raise ValueError(f"not a campaign's outcomes: {key}")
        super().__init__(client, cache, key, **options)
        self.campaign_id = key.list.removeprefix(CAMPAIGN_VIEW_PREFIX)
        self._pages = PageNumberFetch(self._numbered_page, max_limit=MAX_OUTCOME_LIMIT)

    @property
    def is_directory(self) -> bool:
        return False

    def row(self, raw: Mapping[str, Any]) -> Any:
        return CampaignOutcome.from_json(raw)

    async def _numbered_page(self, page: int, limit: int) -> Page[CampaignOutcome]:
        return await self.client.campaign_outcomes_page(self.key.stream, self.campaign_id, page, limit)

    async def client_fetch(self, skip: int, limit: int) -> Page[Any]:
        return await self._pages(skip, limit)


class QuerySource:
    """``fetch(skip, limit)`` over the cached rows of a view that a :class:`RowQuery` selects
    (a filter, a sort, both), in its order: it looks to a Pager like any other source.

    The positions of every match are read once, in a thread, on a connection of their own (a
    million rows cost eight bytes each); pages of rows are then read by position. Until the
    positions are in, the first page comes from a query that stops at its first matches, so the
    first rows show before the count. :meth:`cancel` interrupts what is still running.
    """

    def __init__(self, cache: RowCache, key: ViewKey, query: RowQuery, row: Callable[[Mapping[str, Any]], Any]) -> None:
        self.cache = cache
        self.key = key
        self.query = query
        self.row = row
        self._positions: array[int] | None = None
        self._reading: asyncio.Future[array[int]] | None = None
        self._handles: list[ReadHandle] = []

    def _read(self, **kw: Any) -> asyncio.Future[array[int]]:
        handle = ReadHandle()
        self._handles.append(handle)
        return asyncio.ensure_future(asyncio.to_thread(self.cache.query_positions, self.key, self.query,
                                                       handle=handle, **kw))

    async def positions(self) -> array[int]:
        """Every matching position, in the query's order (read once)."""
        if self._positions is None:
            if self._reading is None:
                self._reading = self._read()
            self._positions = await asyncio.shield(self._reading)
        return self._positions

    async def count(self) -> int:
        return len(await self.positions())

    @property
    def counted(self) -> int | None:
        """The number of matches, once known."""
        return None if self._positions is None else len(self._positions)

    async def fetch(self, skip: int, limit: int) -> Page[Any]:
        if self._positions is None and skip == 0 and self.query.statements(0)[1]:
            # A scan in the query's order stops at its first matches: those show first, then
            # every match is read for the count (one after the other: two scans at once only
            # slow each other down).
            first = await self._read(limit=limit + 1)  # one more: is there a next page?
            if self._positions is None:
                if self._reading is None:
                    self._reading = self._read()
                return await self._page(0, limit, first[:limit], has_more=len(first) > limit, total=None)
        # Read from an index (a number), the positions come whole at once: no first read.
        positions = await self.positions()
        chunk = positions[skip:skip + limit]
        return await self._page(skip, limit, chunk, has_more=skip + len(chunk) < len(positions), total=len(positions))

    async def _page(self, skip: int, limit: int, positions: Sequence[int], *, has_more: bool,
                    total: int | None) -> Page[Any]:
        rows = await asyncio.to_thread(self.cache.rows_at, self.key, positions)
        return Page(rows=tuple(self.row(raw) for _, raw in rows), skip=skip, limit=limit,
                    has_more=has_more, total_results=total, total_pages=None)

    def cancel(self) -> None:
        """Stop the queries under way (the user typed on: a newer query supersedes this one)."""
        for handle in self._handles:
            handle.interrupt()
        if self._reading is not None and not self._reading.done():
            self._reading.cancel()
