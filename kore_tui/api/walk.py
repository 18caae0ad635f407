"""Walking every page of a contact endpoint, exactly as the platform's paging works.

The answer, not the request, decides: the next page starts at the answered ``skip`` plus the rows
received; a server may serve fewer rows than asked; ``hasMore: false`` or an empty page ends the
walk; totals are hints. With ``concurrency > 1`` pages are fetched ahead, speculating that each
page is as long as the first; a page that breaks the pattern throws the speculation away.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

from kore_tui.api.errors import BadResponseError
from kore_tui.api.models import Page

FetchPage = Callable[[int, int], Awaitable[Page[Any]]]


async def walk_pages(
    fetch: FetchPage, *, page_size: int = 100, concurrency: int = 1
) -> AsyncIterator[Page[Any]]:
    """Yield the pages of a list in order, each trimmed to rows not yielded before.

    Every row is yielded once. Raises :class:`BadResponseError` when the server stops making
    progress (it repeats a page), instead of looping forever.
    """
    next_skip = 0  # rows before this position were yielded
    step = page_size  # the served page size, learned from the first page
    launch_at = 0
    pending: deque[tuple[int, asyncio.Task[Page[Any]]]] = deque()
    total: int | None = None
    learned = False
    previous_rows: tuple[Any, ...] = ()

    def launch() -> None:
        nonlocal launch_at
        if not pending:
            launch_at = next_skip
        # Until the first page tells the served page size, there is nothing to speculate with.
        width = max(1, concurrency) if learned else 1
        while len(pending) < width:
            # Beyond the announced total, only the one page that must be asked is asked.
            if pending and total is not None and launch_at >= total:
                break
            pending.append((launch_at, asyncio.ensure_future(fetch(launch_at, page_size))))
            launch_at += step

    try:
        while True:
            launch()
            asked, task = pending.popleft()
            page = await task
            if not learned:
                learned = True
                if page.has_more and page.rows:
                    step = len(page.rows)
            if page.total_results is not None:
                total = page.total_results
            start = max(0, next_skip - page.skip)
            fresh = page.rows[start:]
            if page.end <= next_skip and page.rows and page.has_more:
                raise BadResponseError(
                    f"the server answered skip={page.skip} with rows already received when asked "
                    f"for skip={asked}; stopped instead of looping"
                )
            if page.rows and page.rows == previous_rows:
                # A server that ignores `skip` and does not echo it serves the same page forever.
                raise BadResponseError(
                    f"the server answered the same rows again when asked for skip={asked}; "
                    "stopped instead of looping"
                )
            previous_rows = page.rows
            next_skip = max(next_skip, page.end)
            if fresh:
                yield dataclasses.replace(page, rows=fresh, skip=page.skip + start)
            if not page.has_more or not page.rows:
                return
            if pending and pending[0][0] != next_skip:
                # A short or shifted page: what was fetched ahead starts at the wrong place.
                _cancel(pending)
    finally:
        _cancel(pending)


def _cancel(pending: deque[tuple[int, asyncio.Task[Page[Any]]]]) -> None:
    while pending:
        _, task = pending.popleft()
        if task.done() and not task.cancelled():
            task.exception()  # retrieved, so asyncio does not warn about a page nobody needs
        task.cancel()


FetchNumberedPage = Callable[[int, int], Awaitable[Page[Any]]]  # (page from 1, limit) -> Page


class PageNumberFetch:
    """``fetch(skip, limit)`` over an endpoint paged by page number (a campaign's outcomes).

    Asks for the page that holds ``skip`` at a page size that is at most ``max_limit`` and at
    most the size the server was seen to serve: a page answered with a smaller ``limit`` than
    asked teaches that size, so later pages line up with the rows received. The answer's skip is
    ``(page - 1) * limit`` as answered; it may start before the asked ``skip`` (callers trim, as
    :func:`walk_pages` and the Pager do). A server that repeats a page makes :func:`walk_pages`
    stop with a :class:`BadResponseError`, like any other source.
    """

    def __init__(self, fetch_page: FetchNumberedPage, *, max_limit: int = 100) -> None:
        self.fetch_page = fetch_page
        self.max_limit = max(1, max_limit)
        self.served_limit: int | None = None  # the page size the server answered with

    def page_for(self, skip: int, limit: int) -> tuple[int, int]:
        """(page number, page size) to ask for the rows from ``skip``."""
        size = max(1, min(limit, self.max_limit, self.served_limit or self.max_limit))
        return max(0, skip) // size + 1, size

    async def __call__(self, skip: int, limit: int) -> Page[Any]:
        number, size = self.page_for(skip, limit)
        page = await self.fetch_page(number, size)
        if page.limit is not None and 0 < page.limit < size:
            self.served_limit = page.limit
        return page
