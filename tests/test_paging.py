"""Pager logic against an in-memory source (no HTTP)."""

from __future__ import annotations

import asyncio
import random

import pytest

from kore_tui.api.errors import NetworkError
from kore_tui.api.models import Page
from kore_tui.paging import Pager


class Source:
    """A list of ``n`` rows (row i is the int i) served like the platform would.

    ``cap``: the server's own page-size cap. ``total``: the totalResults it claims.
    ``gate``: when set, each fetch waits on it before "sending" (like the rate limiter).
    ``skip_shift``: the answered skip differs from the asked one by this much.
    """

    def __init__(
        self,
        n: int,
        *,
        cap: int | None = None,
        total: int | None = -1,
        gate: asyncio.Event | None = None,
        skip_shift: int = 0,
        end_flag_at: int | None = None,
    ) -> None:
        self.n = n
        self.cap = cap
        self.total = n if total == -1 else total
        self.gate = gate
        self.skip_shift = skip_shift
        self.end_flag_at = end_flag_at  # say hasMore false once a page reaches this row
        self.asked: list[tuple[int, int]] = []
        self.sent: list[tuple[int, int]] = []
        self.fail_next = 0

    async def fetch(self, skip: int, limit: int) -> Page[int]:
        self.asked.append((skip, limit))
        if self.gate is not None:
            await self.gate.wait()
        else:
            await asyncio.sleep(0)
        self.sent.append((skip, limit))
        if self.fail_next:
            self.fail_next -= 1
            raise NetworkError("connection reset")
        served = min(limit, self.cap) if self.cap else limit
        skip += self.skip_shift
        rows = tuple(range(skip, min(self.n, skip + served)))
        has_more = skip + len(rows) < self.n
        if self.end_flag_at is not None and skip + len(rows) >= self.end_flag_at:
            has_more = False
        return Page(
            rows=rows, skip=skip, limit=served, has_more=has_more,
            total_results=self.total, total_pages=None,
        )


@pytest.mark.asyncio
async def test_first_page_gives_row_count_and_rows() -> None:
    src = Source(1000)
    pager = Pager(src.fetch, page_size=100)
    assert (pager.row_count, pager.row_count_exact, pager.row_count_known) == (0, False, False)
    page = await pager.ensure_page(0)
    assert page is not None and page.rows[0] == 0
    assert pager.row_count == 1000 and not pager.row_count_exact and pager.row_count_known
    assert src.asked == [(0, 100)]


@pytest.mark.asyncio
async def test_learns_capped_page_size() -> None:
    src = Source(1000, cap=30)
    pager = Pager(src.fetch, page_size=100)
    # Asking for page 3 first still fetches page 0 first, then page 3 at the learned size.
    await pager.ensure_page(3)
    assert src.asked == [(0, 100), (90, 30)]
    assert pager.page_size == 30
    assert pager.get_row(95) == 95 and pager.get_row(29) == 29
    assert pager.get_row(30) is None  # page 1 was never loaded


@pytest.mark.asyncio
async def test_learns_page_size_when_server_ignores_limit() -> None:
    src = Source(1000)
    pager = Pager(lambda skip, limit: src.fetch(skip, 250), page_size=100)
    await pager.ensure_page(0)
    assert pager.page_size == 250
    assert pager.get_row(249) == 249 and pager.pages_for(0, 249) == range(1)


@pytest.mark.asyncio
async def test_rows_at_page_boundaries() -> None:
    pager = Pager(Source(1000).fetch, page_size=100)
    for k in (0, 1, 2):
        await pager.ensure_page(k)
    for i in (0, 99, 100, 101, 199, 200, 299):
        assert pager.get_row(i) == i
    assert pager.get_row(300) is None and pager.get_row(-1) is None
    assert pager.page_of(99) == 0 and pager.page_of(100) == 1
    assert pager.pages_for(95, 205) == range(0, 3)


@pytest.mark.asyncio
async def test_answered_skip_is_trusted_over_the_asked_one() -> None:
    src = Source(1000, skip_shift=5)  # page k holds rows k*100+5 .. k*100+104
    pager = Pager(src.fetch, page_size=100)
    await pager.ensure_page(0)
    await pager.ensure_page(1)
    assert pager.get_row(4) is None  # nobody served rows 0..4
    assert [pager.get_row(i) for i in (5, 104, 105, 204)] == [5, 104, 105, 204]


@pytest.mark.asyncio
async def test_same_page_is_never_in_flight_twice() -> None:
    gate = asyncio.Event()
    src = Source(1000, gate=gate)
    pager = Pager(src.fetch, page_size=100)
    gate.set()
    await pager.ensure_page(0)
    gate.clear()
    a = asyncio.create_task(pager.ensure_page(4))
    b = asyncio.create_task(pager.ensure_page(4))
    await asyncio.sleep(0.01)
    assert pager.in_flight == {4}
    gate.set()
    page_a, page_b = await asyncio.gather(a, b)
    assert page_a is page_b and page_a is not None
    assert src.asked.count((400, 100)) == 1 and pager.requests_started == 2
    assert pager.in_flight == set()
    # Cached now: no further request.
    await pager.ensure_page(4)
    assert pager.requests_started == 2


@pytest.mark.asyncio
async def test_lru_is_bounded_after_200_random_loads() -> None:
    pager = Pager(Source(1_000_000).fetch, page_size=100, max_cached_pages=8)
    rng = random.Random(7)
    for _ in range(200):
        k = rng.randrange(10_000)
        page = await pager.ensure_page(k)
        assert page is not None and pager.get_row(k * 100 + 42) == k * 100 + 42
        assert len(pager.cached_pages) <= 8


@pytest.mark.asyncio
async def test_reading_a_row_keeps_its_page() -> None:
    pager = Pager(Source(10_000).fetch, page_size=100, max_cached_pages=3)
    for k in (0, 1, 2):
        await pager.ensure_page(k)
    assert pager.get_row(5) == 5  # page 0 is now the most recently used
    await pager.ensure_page(3)
    assert pager.cached_pages == [2, 0, 3]  # page 1 was evicted, not page 0


@pytest.mark.asyncio
async def test_short_last_page_fixes_an_overstated_total() -> None:
    src = Source(250, total=1000)
    pager = Pager(src.fetch, page_size=100)
    await pager.ensure_page(0)
    assert (pager.row_count, pager.row_count_exact) == (1000, False)
    generation = pager.generation
    await pager.ensure_page(2)
    assert (pager.row_count, pager.row_count_exact) == (250, True)
    assert pager.generation > generation
    assert pager.get_row(249) == 249


@pytest.mark.asyncio
async def test_early_has_more_false_ends_the_list() -> None:
    src = Source(1000, total=1000, end_flag_at=200)  # the server stops at 200 whatever it says
    pager = Pager(src.fetch, page_size=100)
    await pager.ensure_page(0)
    await pager.ensure_page(1)
    assert (pager.row_count, pager.row_count_exact) == (200, True)


@pytest.mark.asyncio
async def test_understated_total_grows_then_becomes_exact() -> None:
    src = Source(1000, total=150)
    pager = Pager(src.fetch, page_size=100)
    await pager.ensure_page(0)
    assert pager.row_count == 150
    await pager.ensure_page(1)  # full, hasMore: at least 201 rows
    assert pager.row_count >= 201 and not pager.row_count_exact
    await pager.ensure_page(2)
    assert pager.row_count >= 301
    await pager.ensure_page(9)
    assert (pager.row_count, pager.row_count_exact) == (1000, True)


@pytest.mark.asyncio
async def test_missing_total_grows_with_pages() -> None:
    pager = Pager(Source(1000, total=None).fetch, page_size=100)
    await pager.ensure_page(0)
    assert (pager.row_count, pager.row_count_exact) == (101, False)
    await pager.ensure_page(1)
    assert pager.row_count == 201


@pytest.mark.asyncio
async def test_empty_page_shrinks_the_count() -> None:
    src = Source(300, total=1000)
    pager = Pager(src.fetch, page_size=100)
    await pager.ensure_page(0)
    await pager.ensure_page(5)  # empty: the list ends at or before row 500
    assert pager.row_count == 500 and not pager.row_count_exact
    await pager.ensure_page(3)  # empty again: at or before 300
    assert pager.row_count == 300 and not pager.row_count_exact
    await pager.ensure_page(2)  # full page that says "no more": exact
    assert (pager.row_count, pager.row_count_exact) == (300, True)


@pytest.mark.asyncio
async def test_empty_list() -> None:
    pager = Pager(Source(0, total=None).fetch)
    await pager.ensure_page(0)
    assert (pager.row_count, pager.row_count_exact, pager.row_count_known) == (0, True, True)
    assert pager.get_row(0) is None


@pytest.mark.asyncio
async def test_errors_reach_every_caller_and_the_page_can_be_retried() -> None:
    gate = asyncio.Event()
    src = Source(1000, gate=gate)
    pager = Pager(src.fetch, page_size=100)
    src.fail_next = 1
    a = asyncio.create_task(pager.ensure_page(0))
    b = asyncio.create_task(pager.ensure_page(0))
    await asyncio.sleep(0)
    gate.set()
    results = await asyncio.gather(a, b, return_exceptions=True)
    assert all(isinstance(r, NetworkError) for r in results)
    assert not pager.is_cached(0) and pager.in_flight == set()
    assert not pager.row_count_known
    page = await pager.ensure_page(0)  # retry
    assert page is not None and pager.get_row(0) == 0
    assert pager.requests_started == 2


@pytest.mark.asyncio
async def test_cancel_except_cancels_pages_scrolled_past() -> None:
    gate = asyncio.Event()
    src = Source(100_000, gate=gate)
    pager = Pager(src.fetch, page_size=100)
    gate.set()
    await pager.ensure_page(0)
    gate.clear()  # from here, fetches wait "in the rate limiter"
    tasks = {k: asyncio.create_task(pager.ensure_page(k)) for k in (10, 20, 30)}
    await asyncio.sleep(0.01)
    assert pager.in_flight == {10, 20, 30}
    assert pager.cancel_except({30}) == {10, 20}
    assert pager.in_flight == {30}
    gate.set()
    assert await tasks[10] is None and await tasks[20] is None
    assert (await tasks[30]) is not None
    assert (1000, 100) not in src.sent and (2000, 100) not in src.sent
    assert (3000, 100) in src.sent
    assert not pager.is_cached(10) and pager.is_cached(30)
    # A cancelled page can be requested again.
    assert await pager.ensure_page(10) is not None


@pytest.mark.asyncio
async def test_a_caller_going_away_does_not_cancel_the_shared_fetch() -> None:
    gate = asyncio.Event()
    src = Source(1000, gate=gate)
    pager = Pager(src.fetch, page_size=100)
    a = asyncio.create_task(pager.ensure_page(0))
    b = asyncio.create_task(pager.ensure_page(0))
    await asyncio.sleep(0)
    a.cancel()
    gate.set()
    assert (await b) is not None
    with pytest.raises(asyncio.CancelledError):
        await a
    assert pager.is_cached(0)


@pytest.mark.asyncio
async def test_page_zero_is_not_cancelled_before_the_page_size_is_known() -> None:
    gate = asyncio.Event()
    pager = Pager(Source(1000, gate=gate).fetch, page_size=100)
    task = asyncio.create_task(pager.ensure_page(0))
    await asyncio.sleep(0)
    assert pager.cancel_except(set()) == set()
    gate.set()
    assert await task is not None


@pytest.mark.asyncio
async def test_invalidate_drops_pages_and_keeps_the_page_size() -> None:
    gate = asyncio.Event()
    gate.set()
    src = Source(1000, cap=50, gate=gate)
    pager = Pager(src.fetch, page_size=100)
    await pager.ensure_page(0)
    await pager.ensure_page(1)
    gate.clear()
    pending = asyncio.create_task(pager.ensure_page(2))
    await asyncio.sleep(0)
    pager.invalidate()
    gate.set()
    assert await pending is None  # answered for the old data: dropped
    assert pager.cached_pages == [] and pager.page_size == 50
    assert pager.row_count == 1000  # kept until new pages say otherwise
    src.n = 120
    await pager.ensure_page(2)  # refresh may start anywhere: no need to refetch page 0
    assert src.asked[-1] == (100, 50)
    assert (pager.row_count, pager.row_count_exact) == (120, True)


async def probe_until_found(pager: Pager[int]) -> list[int]:
    """Fetch the pager's end probes until it has none; the pages probed, in order."""
    probed = []
    while (k := pager.end_probe()) is not None:
        assert k not in probed, f"page {k} probed twice"
        probed.append(k)
        await pager.ensure_page(k)
        assert len(probed) < 100
    return probed


@pytest.mark.asyncio
async def test_end_probe_finds_a_hugely_overstated_end_in_log_requests() -> None:
    src = Source(1000, total=1_000_000)
    pager = Pager(src.fetch, page_size=100)
    await pager.ensure_page(0)
    assert pager.end_probe() is None  # nothing contradicts the total yet
    await pager.ensure_page(9_999)  # End: empty, so the list ends at or before row 999,900
    assert (pager.row_count, pager.row_count_exact) == (999_900, False)
    probed = await probe_until_found(pager)
    assert (pager.row_count, pager.row_count_exact) == (1000, True)
    assert pager.get_row(999) == 999
    # Galloping down from page 9,998 (9,998, 9,996, 9,992, 9,984, ...), then bisecting:
    # about 2 * log2(10,000) pages instead of the 9,990 of walking down a page at a time.
    assert probed[:4] == [9_998, 9_996, 9_992, 9_984]
    assert len(probed) <= 2 * 14


@pytest.mark.asyncio
async def test_end_probe_costs_one_request_when_the_total_is_off_by_less_than_a_page() -> None:
    src = Source(999_850, total=1_000_000)
    pager = Pager(src.fetch, page_size=100)
    await pager.ensure_page(0)
    await pager.ensure_page(9_999)  # empty
    assert await probe_until_found(pager) == [9_998]  # 50 rows: the end
    assert (pager.row_count, pager.row_count_exact) == (999_850, True)


@pytest.mark.asyncio
async def test_end_probe_bisects_a_moderate_error() -> None:
    src = Source(995_000, total=1_000_000)  # 50 pages fewer than claimed
    pager = Pager(src.fetch, page_size=100)
    await pager.ensure_page(0)
    await pager.ensure_page(9_999)
    probed = await probe_until_found(pager)
    assert (pager.row_count, pager.row_count_exact) == (995_000, True)
    assert len(probed) <= 2 * 6  # about 2 * log2(50)


@pytest.mark.asyncio
async def test_end_probe_waits_while_the_total_is_still_possible() -> None:
    pager = Pager(Source(1000).fetch, page_size=100)
    await pager.ensure_page(0)
    await pager.ensure_page(20)  # empty at row 2,000: the total (1,000) is still possible
    assert (pager.row_count, pager.row_count_exact) == (1000, False)
    assert pager.end_probe() is None  # the pages shown at the end will confirm it
    await pager.ensure_page(9)
    assert (pager.row_count, pager.row_count_exact) == (1000, True)
    assert pager.end_probe() is None


@pytest.mark.asyncio
async def test_end_probe_gallops_up_when_there_is_no_total() -> None:
    src = Source(5_432, total=None)
    pager = Pager(src.fetch, page_size=100)
    await pager.ensure_page(0)
    await pager.ensure_page(1_000)  # empty: the list ends at or before row 100,000
    assert pager.row_count == 101  # shown at the lower bound: what is known to exist
    probed = await probe_until_found(pager)
    assert probed[:4] == [1, 3, 7, 15]  # up from the last page known, twice as far each time
    assert (pager.row_count, pager.row_count_exact) == (5_432, True)
    assert len(probed) <= 2 * 7


@pytest.mark.asyncio
async def test_invalidate_forgets_the_end_search() -> None:
    src = Source(1000, total=1_000_000)
    pager = Pager(src.fetch, page_size=100)
    await pager.ensure_page(0)
    await pager.ensure_page(9_999)
    assert pager.end_probe() == 9_998
    pager.invalidate()
    assert pager.end_probe() is None  # no bounds any more: nothing to search
    await pager.ensure_page(0)
    assert pager.end_probe() is None


@pytest.mark.asyncio
async def test_a_prefetched_first_page_is_joined_not_fetched_again() -> None:
    gate = asyncio.Event()
    source = Source(1000, gate=gate)
    pager: Pager[int] = Pager(source.fetch, page_size=100)
    pager.prefetch_first_page()
    pager.prefetch_first_page()  # again: still one fetch
    assert pager.in_flight == {0}
    waiting = asyncio.ensure_future(pager.ensure_page(0))  # the table's worker, once mounted
    await asyncio.sleep(0)
    gate.set()
    page = await waiting
    assert page is not None and page.rows[0] == 0
    assert source.sent == [(0, 100)]
    pager.prefetch_first_page()  # cached now: nothing is sent
    await asyncio.sleep(0)
    assert source.sent == [(0, 100)] and pager.in_flight == set()


@pytest.mark.asyncio
async def test_a_row_count_hint_stands_until_the_first_page_answers() -> None:
    source = Source(300, total=300)
    pager: Pager[int] = Pager(source.fetch, page_size=100, row_count_hint=1_000)
    assert (pager.row_count, pager.row_count_known, pager.row_count_exact) == (1_000, False, False)
    assert pager.get_row(0) is None
    await pager.ensure_page(0)
    assert (pager.row_count, pager.row_count_known) == (300, True)  # the server's total wins
