"""Property tests: whatever the server sends, parsing gives a model or a typed error, and paging
never loops and never yields a position twice.

Pure logic, so the inputs are generated in memory: JSON values for the parsers, response bytes for
the body reader, and an adversarial ``fetch`` for the page walker.
"""

from __future__ import annotations

import asyncio
import json
import math
from typing import Any

import httpx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kore_tui.api.client import _json_body, retry_after_seconds, server_message
from kore_tui.api.errors import BadResponseError
from kore_tui.api.models import (
    CampaignContact,
    ContactList,
    DirectoryContact,
    Page,
    parse_contact_lists,
    parse_page,
)
from kore_tui.api.walk import walk_pages

PROPS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Keys the parsers look at, so generated objects hit their branches, and any other text.
KEYS = ("data", "results", "skip", "limit", "hasMore", "totalResults", "totalPages", "_id", "id", "name",
        "description", "totalRecordCount", "status", "campaignInUse", "phoneNumber", "cellPhone", "firstName",
        "fullName", "errors", "msg", "message", "value")
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=12)
    | st.sampled_from(["", "0", "-1", "12", " 7 ", "true", "false", "TRUE", "1e3", "NaN", "9" * 5000])
)
JSON = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4)
    | st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=6), inner, max_size=6),
    max_leaves=40,
)
# Page-shaped objects with arbitrary field values: the parser's interesting inputs.
PAGE_BODY = st.fixed_dictionaries(
    {},
    optional={k: JSON for k in ("results", "skip", "limit", "hasMore", "totalResults", "totalPages")},
)
PAGE_LIKE = JSON | PAGE_BODY | st.fixed_dictionaries({"data": JSON | PAGE_BODY}, optional={"status": JSON})


def check_page(page: Page[Any], requested_skip: int) -> None:
    assert isinstance(page, Page)
    assert isinstance(page.rows, tuple)
    assert isinstance(page.skip, int) and page.skip >= 0
    assert isinstance(page.has_more, bool)
    assert not (page.has_more and not page.rows)  # an empty page never asks for more
    assert page.limit is None or (isinstance(page.limit, int) and page.limit > 0)
    assert page.total_results is None or (isinstance(page.total_results, int) and page.total_results >= 0)
    assert page.total_pages is None or (isinstance(page.total_pages, int) and page.total_pages >= 0)


@PROPS
@given(body=PAGE_LIKE, requested_skip=st.integers(0, 10**6), requested_limit=st.integers(1, 500),
       envelope=st.booleans())
def test_parse_page_gives_a_page_or_a_typed_error(body: Any, requested_skip: int, requested_limit: int,
                                                   envelope: bool) -> None:
    row = CampaignContact.from_json if envelope else DirectoryContact.from_json
    try:
        page = parse_page(body, row=row, requested_skip=requested_skip, requested_limit=requested_limit,
                          envelope=envelope)
    except BadResponseError as exc:
        assert str(exc)  # a sentence, never empty
        return
    check_page(page, requested_skip)
    for contact in page.rows:
        assert contact.id is None or isinstance(contact.id, str)
        assert contact.phone_number is None or isinstance(contact.phone_number, str)


@PROPS
@given(body=JSON | st.fixed_dictionaries({"data": JSON}) | st.fixed_dictionaries(
    {"data": st.lists(st.dictionaries(st.sampled_from(KEYS), JSON, max_size=6), max_size=4)}))
def test_parse_contact_lists_gives_lists_or_a_typed_error(body: Any) -> None:
    try:
        lists = parse_contact_lists(body)
    except BadResponseError as exc:
        assert str(exc)
        return
    assert isinstance(lists, list)
    for lst in lists:
        assert isinstance(lst, ContactList)
        assert isinstance(lst.id, str) and lst.id
        assert lst.name is None or isinstance(lst.name, str)
        assert lst.total_record_count is None or isinstance(lst.total_record_count, int)
        assert all(isinstance(c, str) for c in lst.campaigns)


def response(status: int, content: bytes, content_type: str = "application/json", **headers: str) -> httpx.Response:
    return httpx.Response(status, content=content, headers={"content-type": content_type, **headers},
                          request=httpx.Request("GET", "http://127.0.0.1/x"))


BODIES = (
    st.binary(max_size=300)
    | JSON.map(lambda v: json.dumps(v).encode())
    | JSON.map(lambda v: json.dumps(v, ensure_ascii=False).encode("utf-8", "surrogatepass"))
    | st.tuples(JSON, st.binary(min_size=1, max_size=4)).map(lambda t: json.dumps(t[0]).encode() + t[1])
    | st.tuples(JSON, st.integers(0, 100)).map(lambda t: json.dumps(t[0]).encode()[: t[1]])
)


@PROPS
@given(content=BODIES, content_type=st.sampled_from(["application/json", "text/html", "", "text/plain"]),
       status=st.sampled_from([200, 201, 204, 400, 429, 500]))
def test_any_body_is_json_or_a_typed_error(content: bytes, content_type: str, status: int) -> None:
    resp = response(status, content, content_type)
    try:
        value = _json_body(resp, "/x")
    except BadResponseError as exc:
        assert exc.status == status and str(exc).startswith(f"{status}: ")
    else:
        json.dumps(value, allow_nan=True)  # a plain JSON value
    said = server_message(resp)
    assert said is None or (isinstance(said, str) and said)


@PROPS
@given(value=st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=40)
       | st.sampled_from(["0", "1", "-5", "1e999", "nan", "inf", "Wed, 21 Oct 2015 07:28:00 GMT",
                          "Wed, 99 Oct 2015 07:28:00 GMT", "Mon, 01 Jan 9999 00:00:00 GMT"]))
def test_retry_after_is_seconds_or_none(value: str) -> None:
    seconds = retry_after_seconds(response(429, b"", **{"retry-after": value}))
    assert seconds is None or (isinstance(seconds, float) and (seconds >= 0 or math.isnan(seconds)))


# -- the page walker over an adversarial server ---------------------------------------------------

MAX_SKIP = 60  # the adversary answers skips up to this...
MAX_ROWS = 20  # ...with up to this many rows: no page ends beyond MAX_SKIP + MAX_ROWS


class Adversary:
    """``fetch(skip, limit)`` answering whatever hypothesis draws: any skip, any row count, repeats,
    overlaps, short and empty pages, a flag and totals unrelated to the rows."""

    def __init__(self, data: st.DataObject, concurrency: int) -> None:
        self.data = data
        self.calls = 0
        # Each loop of the walker makes progress or ends, and launches at most `concurrency` fetches.
        self.bound = (MAX_SKIP + MAX_ROWS + 2) * concurrency + concurrency
        self.previous: Page[Any] | None = None
        # A server stuck in a cycle of a few pages, whatever is asked (a proxy caching by path).
        self.cycle: list[Page[Any]] = data.draw(st.lists(self.page(), min_size=1, max_size=3) | st.just([]),
                                                label="cycle")

    def page(self, skip: int | None = None) -> st.SearchStrategy[Page[Any]]:
        answered = st.just(skip) if skip is not None else st.integers(0, MAX_SKIP)
        return st.builds(self._page, answered, st.integers(0, MAX_ROWS), st.booleans(),
                         st.none() | st.integers(0, MAX_SKIP + MAX_ROWS), st.none() | st.integers(1, 50))

    @staticmethod
    def _page(answered: int, n: int, more: bool, total: int | None, limit: int | None) -> Page[Any]:
        rows = tuple(f"row {answered + i}" for i in range(n))
        return Page(rows=rows, skip=answered, limit=limit, has_more=more and bool(rows),  # as parse_page leaves it
                    total_results=total, total_pages=None)

    async def fetch(self, skip: int, limit: int) -> Page[Any]:
        self.calls += 1
        assert self.calls <= self.bound, f"the walk kept fetching: {self.calls} requests"
        if self.cycle:
            return self.cycle[(self.calls - 1) % len(self.cycle)]
        draw = self.data.draw
        if self.previous is not None and draw(st.booleans(), label="repeat"):
            return self.previous
        honest = draw(st.booleans(), label="honest skip")
        page = draw(self.page(min(skip, MAX_SKIP) if honest else None), label="page")
        self.previous = page
        return page


async def walk(fetch: Any, page_size: int, concurrency: int) -> tuple[list[int], BadResponseError | None]:
    positions: list[int] = []
    try:
        async for page in walk_pages(fetch, page_size=page_size, concurrency=concurrency):
            assert page.rows, "an empty page was yielded"
            positions.extend(range(page.skip, page.end))
    except BadResponseError as exc:
        return positions, exc
    return positions, None


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), page_size=st.integers(1, 30), concurrency=st.integers(1, 4))
def test_walk_ends_and_never_yields_a_position_twice(data: st.DataObject, page_size: int, concurrency: int) -> None:
    adversary = Adversary(data, concurrency)
    positions, error = asyncio.run(walk(adversary.fetch, page_size, concurrency))
    assert positions == sorted(set(positions)), "a position was yielded twice or out of order"
    if error is not None:
        assert "stopped instead of looping" in str(error)


@settings(max_examples=200, deadline=None)
@given(data=st.data(), n=st.integers(0, 120), page_size=st.integers(1, 30), cap=st.integers(1, 40),
       concurrency=st.integers(1, 4))
def test_an_honest_but_quirky_server_gives_every_row_once(data: st.DataObject, n: int, page_size: int, cap: int,
                                                          concurrency: int) -> None:
    """Capped, short and overlapping pages, missing totals: when each answer holds the asked row
    and says truthfully whether more follow, every row arrives exactly once, in order."""

    async def fetch(skip: int, limit: int) -> Page[Any]:
        if skip >= n:
            return Page(rows=(), skip=skip, limit=None, has_more=False, total_results=None, total_pages=None)
        # Any page of at most `cap` rows that holds row `skip`: it may start before (overlap).
        start = data.draw(st.integers(max(0, skip - cap + 1), skip), label="answered skip")
        end = data.draw(st.integers(skip + 1, min(n, start + cap)), label="answered end")
        total = data.draw(st.sampled_from([None, n, n + 7, max(0, n - 5)]), label="totalResults")
        return Page(rows=tuple(range(start, end)), skip=start, limit=cap, has_more=end < n,
                    total_results=total, total_pages=None)

    async def collect() -> list[int]:
        return [row async for page in walk_pages(fetch, page_size=page_size, concurrency=concurrency)
                for row in page.rows]

    assert asyncio.run(collect()) == list(range(n))


# -- the demo data's fast helpers give what uuid5 and datetime give -----------------------------


@given(st.text())
def test_demo_ids_are_the_uuid5_of_their_name(name: str) -> None:
    import uuid

    from kore_tui.demo import data

    expected = uuid.uuid5(data.NAMESPACE, name)
    assert data._uuid5(name) == str(expected)
    assert data.hash_int(name) == int(expected.hex[:12], 16)


@given(st.integers(min_value=0, max_value=2**32))
def test_demo_timestamps_are_iso_utc(seconds: int) -> None:
    import datetime as dt

    from kore_tui.demo import data

    moment = dt.datetime.fromtimestamp(data.EPOCH + seconds, tz=dt.UTC)
    assert data._iso(seconds) == moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{seconds % 1000:03d}Z"


def test_demo_rows_are_what_they_were() -> None:
    """Pinned from the first implementation (uuid5, datetime): the demo shows the same rows."""
    from kore_tui.demo import data

    sales = data.STREAMS[0]
    survey = data.find_list(sales, "cl-demo-1m")
    assert survey is not None
    assert data.list_contact(sales, survey, 0)["_id"] == "cc-1a1d9d63-4fdb-59fd-97ae-da14e2a95aa3"
    assert data.list_contact(sales, survey, 1)["phoneNumber"] == "442018760477"
    assert data.list_contact(sales, survey, 0)["createdAt"].startswith("2025-01-01T00:03:")
