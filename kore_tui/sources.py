"""ViewSource: the pages of one view (a stream's directory or one contact list), from the local
cache when it has them, else from the server, which also fills the cache; and a stream's contact
lists, from a fresh cache or one request.

Shared by the app, the phone lookup and exports. No Textual here.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Mapping
from typing import Any

from kore_tui.api.client import KoreClient
from kore_tui.api.models import CampaignContact, ContactList, DirectoryContact, Page, parse_contact_lists
from kore_tui.api.walk import walk_pages
from kore_tui.cache import DEFAULT_MAX_AGE, DIRECTORY, CachedPage, RowCache, ViewKey

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
