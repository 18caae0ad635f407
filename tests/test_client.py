"""KoreClient over real HTTP against the demo server: headers, quoting, retries, errors, pacing."""

from __future__ import annotations

import asyncio
import json
import re

import jwt
import pytest

from kore_tui.api.client import Connection, KoreClient, normalize_host, segment
from kore_tui.api.errors import (
    ApiError,
    AuthError,
    BadResponseError,
    InsecureURLError,
    NetworkError,
    NotFoundError,
    RateLimitedError,
    ServerError,
)
from kore_tui.api.walk import walk_pages
from kore_tui.demo import data
from kore_tui.demo.server import RATE_LIMIT_MESSAGE, DemoServer, Fault

JWT_RE = re.compile(r"eyJ[\w-]+\.[\w-]+\.[\w-]*")
SALES = "st-demo-sales"
SUPPORT = "st-demo-support"
LIST_PATH = "/getAllContacts"
DIRECTORY_PATH = "/contacts"
DETAILS_PATH = "/getAllListDetails"


def assert_no_secrets(exc: BaseException, server: DemoServer) -> None:
    """Neither the client secret nor any JWT shows in what an error prints."""
    for text in (str(exc), repr(exc), f"{exc!s} {exc!r}", str(getattr(exc, "server_message", ""))):
        assert server.secret not in text
        assert not JWT_RE.search(text), text


def jti_of(request) -> str:
    assert request.claims is not None, "the server could not verify the token"
    return request.claims["jti"]


# -- headers, query parameters, path segments ------------------------------------------------------


async def test_contact_lists_headers_and_query(demo_server, client_for) -> None:
    client = client_for(demo_server)
    lists = await client.contact_lists(SALES)
    assert [lst.id for lst in lists] == [lst.id for lst in data.find_stream(SALES).lists]
    seven = next(lst for lst in lists if lst.id == "cl-demo-seven")
    assert seven.total_record_count == 7 and seven.name == "VIP follow-up" and seven.status == "Ready"

    [req] = demo_server.requests
    assert req.method == "POST"
    assert req.path == f"/campaign/api/v2/public/{SALES}/campaign/contactList/getAllListDetails"
    assert req.query == {"accountId": demo_server.account_id, "type": "call"}
    assert req.headers["accountid"] == demo_server.account_id
    assert req.headers["iid"] == SALES  # defaults to the stream id
    assert "authorization" not in req.headers
    assert req.claims is not None and req.claims["appId"] == demo_server.client_id
    assert req.status == 200


async def test_list_contacts_headers_and_query(demo_server, client_for) -> None:
    client = client_for(demo_server)
    page = await client.list_contacts_page(SALES, "cl-demo-seven", skip=2, limit=3)
    stream = data.find_stream(SALES)
    lst = data.find_list(stream, "cl-demo-seven")
    assert [c.raw for c in page.rows] == [data.list_contact(stream, lst, i) for i in (2, 3, 4)]
    assert (page.skip, page.limit, page.has_more, page.total_results) == (2, 3, True, 7)

    [req] = demo_server.requests
    assert req.method == "GET"
    assert req.path == f"/campaign/api/v2/public/{SALES}/campaign/contactList/cl-demo-seven/getAllContacts"
    assert req.query == {"accountId": demo_server.account_id, "skip": "2", "limit": "3"}
    assert req.headers["accountid"] == demo_server.account_id
    assert req.headers["iid"] == SALES
    assert req.claims["appId"] == demo_server.client_id


async def test_iid_is_the_app_id_when_set(demo_server, client_for) -> None:
    client = client_for(demo_server, app_id="st-the-app")
    await client.contact_lists(SALES)
    await client.list_contacts_page(SALES, "cl-demo-one")
    assert [r.headers["iid"] for r in demo_server.requests] == ["st-the-app", "st-the-app"]
    assert all(r.status == 200 for r in demo_server.requests)


async def test_directory_headers_and_query(demo_server, client_for) -> None:
    client = client_for(demo_server)
    page = await client.directory_page(SUPPORT, skip=0, limit=5)
    stream = data.find_stream(SUPPORT)
    assert [c.id for c in page.rows] == [data.directory_contact(stream, i)["id"] for i in range(5)]
    assert page.has_more is True and page.total_results == 7

    [req] = demo_server.requests
    assert req.method == "GET"
    assert req.path == f"/agentassist/api/v1/public/{SUPPORT}/contacts"
    assert req.query == {"skip": "0", "limit": "5"}
    assert req.headers["accountid"] == demo_server.account_id
    assert "iid" not in req.headers  # a campaign-only header
    assert req.claims["appId"] == demo_server.client_id


@pytest.mark.parametrize(
    "list_id, quoted",
    [
        ("cl/../x", "cl%2F..%2Fx"),
        ("cl?skip=5&limit=1", "cl%3Fskip%3D5%26limit%3D1"),
        ("cl#frag", "cl%23frag"),
        ("cl%2Fx y", "cl%252Fx%20y"),
        ("..", "%2E%2E"),
        (".", "%2E"),
    ],
)
async def test_list_id_is_one_quoted_path_segment(demo_server, client_for, list_id, quoted) -> None:
    client = client_for(demo_server)
    with pytest.raises(NotFoundError) as info:
        await client.list_contacts_page(SALES, list_id)
    [req] = demo_server.requests
    assert req.path == f"/campaign/api/v2/public/{SALES}/campaign/contactList/{quoted}/getAllContacts"
    # The query string is the client's own, not one smuggled in through the id.
    assert set(req.query) == {"accountId", "skip", "limit"} and req.query["skip"] == "0"
    # The server saw the id whole and said so.
    assert info.value.server_message == f"Contact list not found: {list_id}"
    assert segment(list_id) == quoted


@pytest.mark.parametrize("stream_id", ["st/demo?sales", "..", "st-demo-sales/../st-demo-support"])
async def test_stream_id_is_one_quoted_path_segment(demo_server, client_for, stream_id) -> None:
    client = client_for(demo_server)
    with pytest.raises(NotFoundError) as info:
        await client.directory_page(stream_id)
    [req] = demo_server.requests
    assert req.path == f"/agentassist/api/v1/public/{segment(stream_id)}/contacts"
    assert req.path.count("/") == 6
    assert info.value.server_message == f"Stream not found: {stream_id}"


# -- authentication ----------------------------------------------------------------------------------


async def test_401_mints_a_fresh_token_and_retries(demo_server, client_for) -> None:
    client = client_for(demo_server)
    demo_server.inject(Fault(status=401, message="Invalid JWT token", times=1))
    page = await client.list_contacts_page(SALES, "cl-demo-seven")
    assert len(page.rows) == 7
    first, second = demo_server.requests
    assert (first.status, second.status) == (401, 200)
    assert jti_of(first) != jti_of(second)
    assert client.minter.minted == 2


async def test_401_twice_is_an_auth_error(demo_server, client_for) -> None:
    client = client_for(demo_server)
    demo_server.inject(Fault(status=401, message="Invalid JWT token", times=2))
    with pytest.raises(AuthError) as info:
        await client.directory_page(SALES)
    err = info.value
    assert err.status == 401
    assert err.server_message == "Invalid JWT token"
    assert "Invalid JWT token" in str(err)
    assert [r.status for r in demo_server.requests] == [401, 401]
    assert jti_of(demo_server.requests[0]) != jti_of(demo_server.requests[1])
    assert_no_secrets(err, demo_server)


async def test_wrong_secret_is_an_auth_error_after_one_remint(demo_server, client_for) -> None:
    client = client_for(demo_server, secret="not-the-secret-" + "x" * 32)
    with pytest.raises(AuthError) as info:
        await client.contact_lists(SALES)
    assert [r.status for r in demo_server.requests] == [401, 401]
    assert all(r.claims is None for r in demo_server.requests)  # the server refused the signature
    assert info.value.server_message == "Invalid JWT token"
    assert_no_secrets(info.value, demo_server)
    assert "not-the-secret-" not in str(info.value) + repr(info.value)


async def test_wrong_account_is_an_auth_error(demo_server, client_for) -> None:
    client = client_for(demo_server, account_id="someone-else")
    with pytest.raises(AuthError) as info:
        await client.directory_page(SALES)
    assert info.value.server_message == "Invalid accountId"
    assert len(demo_server.requests) == 2


# -- rate limits ---------------------------------------------------------------------------------------


async def test_429_retry_after_is_honoured(demo_server, client_for) -> None:
    retries: list[tuple[str, float]] = []
    client = client_for(demo_server)
    client.on_retry = lambda reason, delay: retries.append((reason, delay))
    demo_server.inject(Fault(status=429, message=RATE_LIMIT_MESSAGE, headers={"Retry-After": "1"}, times=1))
    page = await client.list_contacts_page(SALES, "cl-demo-one")
    assert len(page.rows) == 1
    limited, ok = demo_server.requests
    assert (limited.status, ok.status) == (429, 200)
    # Measured by the server: the retry arrived no sooner than Retry-After allows.
    assert ok.at - limited.at >= 0.98
    assert retries == [("rate limited (429)", 1.0)]


async def test_429_without_retry_after_backs_off_then_succeeds(demo_server, client_for) -> None:
    retries: list[float] = []
    client = client_for(demo_server)
    client.on_retry = lambda reason, delay: retries.append(delay)
    demo_server.inject(Fault(status=429, message=RATE_LIMIT_MESSAGE, times=3))
    page = await client.directory_page(SUPPORT)
    assert len(page.rows) == 7
    assert [r.status for r in demo_server.requests] == [429, 429, 429, 200]
    # Exponential backoff with jitter: attempt n waits within [base*2^n / 2, base*2^n] (capped).
    assert len(retries) == 3
    for attempt, delay in enumerate(retries):
        ceiling = min(0.05, 0.01 * 2**attempt)
        assert ceiling / 2 <= delay <= ceiling


async def test_429_beyond_max_retries_is_rate_limited_error(demo_server, client_for) -> None:
    client = client_for(demo_server, max_retries=2)
    demo_server.inject(Fault(status=429, message=RATE_LIMIT_MESSAGE, times=None))
    with pytest.raises(RateLimitedError) as info:
        await client.list_contacts_page(SALES, "cl-demo-seven")
    err = info.value
    assert err.status == 429
    assert err.server_message == RATE_LIMIT_MESSAGE
    assert RATE_LIMIT_MESSAGE in str(err)
    assert err.retry_after is None
    assert err.retryable
    assert [r.status for r in demo_server.requests] == [429, 429, 429]  # 1 + max_retries
    assert_no_secrets(err, demo_server)


async def test_rate_limited_error_carries_retry_after(demo_server, client_for) -> None:
    client = client_for(demo_server, max_retries=0)
    demo_server.inject(Fault(status=429, message=RATE_LIMIT_MESSAGE, headers={"Retry-After": "42"}, times=None))
    with pytest.raises(RateLimitedError) as info:
        await client.directory_page(SALES)
    assert info.value.retry_after == 42.0
    assert len(demo_server.requests) == 1


# -- server errors and broken answers -----------------------------------------------------------------


@pytest.mark.parametrize("status", [502, 503, 504])
async def test_gateway_errors_are_retried(demo_server, client_for, status) -> None:
    retries: list[str] = []
    client = client_for(demo_server)
    client.on_retry = lambda reason, delay: retries.append(reason)
    demo_server.inject(Fault(status=status, times=1))
    page = await client.list_contacts_page(SALES, "cl-demo-seven")
    assert len(page.rows) == 7
    assert [r.status for r in demo_server.requests] == [status, 200]
    assert retries == [f"server answered {status}"]


async def test_503_beyond_max_retries_is_server_error(demo_server, client_for) -> None:
    client = client_for(demo_server, max_retries=1)
    demo_server.inject(Fault(status=503, message="upstream unavailable", times=None))
    with pytest.raises(ServerError) as info:
        await client.directory_page(SALES)
    assert info.value.status == 503 and "upstream unavailable" in str(info.value)
    assert len(demo_server.requests) == 2


async def test_500_is_server_error_with_the_servers_message(demo_server, client_for) -> None:
    client = client_for(demo_server)
    demo_server.inject(Fault(status=500, message="Database is having a bad day", times=1))
    with pytest.raises(ServerError) as info:
        await client.list_contacts_page(SALES, "cl-demo-seven")
    err = info.value
    assert err.status == 500
    assert err.server_message == "Database is having a bad day"
    assert "500" in str(err) and "Database is having a bad day" in str(err)
    assert len(demo_server.requests) == 1  # a 500 is not retried
    assert_no_secrets(err, demo_server)


async def test_412_is_a_refused_request_with_the_servers_message(demo_server, client_for) -> None:
    client = client_for(demo_server)
    demo_server.inject(Fault(status=412, message="limit must be 100 or less", times=1))
    with pytest.raises(ApiError) as info:
        await client.directory_page(SALES)
    assert info.value.status == 412 and not info.value.retryable
    assert "limit must be 100 or less" in str(info.value)
    assert len(demo_server.requests) == 1


async def test_timeout_is_network_error(demo_server, client_for) -> None:
    client = client_for(demo_server, timeout=0.1)
    demo_server.inject(Fault(delay=0.4, times=1))
    with pytest.raises(NetworkError) as info:
        await client.directory_page(SALES)
    assert "timed out" in str(info.value)
    assert info.value.status is None
    assert_no_secrets(info.value, demo_server)
    # The client stays usable afterwards.
    page = await client.directory_page(SUPPORT)
    assert len(page.rows) == 7


async def test_connection_reset_mid_body_is_retried(demo_server, client_for) -> None:
    client = client_for(demo_server)
    demo_server.inject(Fault(reset=True, times=2))
    page = await client.list_contacts_page(SALES, "cl-demo-seven")
    assert [c.raw for c in page.rows] == [
        data.list_contact(data.find_stream(SALES), data.find_list(data.find_stream(SALES), "cl-demo-seven"), i)
        for i in range(7)
    ]
    assert len(demo_server.requests) == 3


async def test_connection_reset_beyond_retries_is_network_error(demo_server, client_for) -> None:
    client = client_for(demo_server, max_retries=2)
    demo_server.inject(Fault(reset=True, times=None))
    with pytest.raises(NetworkError) as info:
        await client.directory_page(SALES)
    assert len(demo_server.requests) == 3
    assert info.value.status is None
    assert_no_secrets(info.value, demo_server)


async def test_connection_refused_is_network_error(client_for) -> None:
    server = DemoServer().start()
    url = server.url
    server.stop()  # nothing listens on that port any more
    client = client_for(server, max_retries=1)
    assert client.base_url == url
    with pytest.raises(NetworkError) as info:
        await client.directory_page(SALES)
    assert "could not connect" in str(info.value)


async def test_truncated_json_is_bad_response(demo_server, client_for) -> None:
    client = client_for(demo_server)
    demo_server.inject(Fault(truncate=True, times=1))
    with pytest.raises(BadResponseError) as info:
        await client.list_contacts_page(SALES, "cl-demo-seven")
    assert "truncated JSON" in str(info.value)
    assert len(demo_server.requests) == 1
    assert_no_secrets(info.value, demo_server)


async def test_html_page_with_200_is_bad_response_naming_html(demo_server, client_for) -> None:
    client = client_for(demo_server)
    html = b"<!DOCTYPE html><html><head><title>Sign in</title></head><body>Please sign in</body></html>"
    demo_server.inject(Fault(status=200, body=html, content_type="text/html; charset=utf-8", times=1))
    with pytest.raises(BadResponseError) as info:
        await client.contact_lists(SALES)
    assert "HTML" in str(info.value)
    assert info.value.status == 200


async def test_empty_body_is_bad_response(demo_server, client_for) -> None:
    client = client_for(demo_server)
    demo_server.inject(Fault(status=200, body=b"", times=1))
    with pytest.raises(BadResponseError) as info:
        await client.directory_page(SALES)
    assert "empty" in str(info.value)


async def test_results_not_a_list_is_bad_response(demo_server, client_for) -> None:
    client = client_for(demo_server)

    def results_object(body):
        body["data"]["results"] = {"0": body["data"]["results"][0]}
        return body

    demo_server.inject(Fault(transform=results_object, times=1))
    with pytest.raises(BadResponseError) as info:
        await client.list_contacts_page(SALES, "cl-demo-seven")
    assert "`results`" in str(info.value) and "expected a list" in str(info.value)


async def test_directory_results_not_a_list_is_bad_response(demo_server, client_for) -> None:
    client = client_for(demo_server)
    demo_server.inject(Fault(transform=lambda body: {**body, "results": "none"}, times=1))
    with pytest.raises(BadResponseError) as info:
        await client.directory_page(SALES)
    assert "`results` is a string" in str(info.value)


async def test_contact_lists_data_not_a_list_is_bad_response(demo_server, client_for) -> None:
    client = client_for(demo_server)
    demo_server.inject(Fault(transform=lambda body: {**body, "data": None}, times=1))
    with pytest.raises(BadResponseError):
        await client.contact_lists(SALES)


async def test_missing_totals_infer_has_more(demo_server, client_for) -> None:
    client = client_for(demo_server)

    def strip_totals(body):
        for key in ("hasMore", "totalPages", "totalResults"):
            body.pop(key)
        return body

    demo_server.inject(Fault(transform=strip_totals, times=None))
    first = await client.directory_page(SALES, skip=0, limit=100)
    assert len(first.rows) == 100
    assert first.total_results is None and first.total_pages is None
    assert first.has_more is True  # a full page: there may be more
    last = await client.directory_page(SALES, skip=1200, limit=100)
    assert len(last.rows) == 37 and last.has_more is False  # a short page ends the list
    # Walking without any totals still yields every row exactly once.
    stream = data.find_stream(SALES)
    ids = [c.id async for page in walk_pages(lambda s, n: client.directory_page(SALES, s, n), concurrency=3)
           for c in page.rows]
    assert ids == [data.directory_contact(stream, i)["id"] for i in range(stream.directory_size)]


async def test_platform_sample_inconsistent_totals(demo_server, client_for) -> None:
    """The docs' own sample: totalResults 6 beside two rows and hasMore false -> exactly 2 rows."""
    client = client_for(demo_server)

    def like_the_docs(body):
        body["results"] = body["results"][:2]
        body.update(skip=0, limit=10, hasMore=False, totalPages=1, totalResults=6)
        return body

    demo_server.inject(Fault(transform=like_the_docs, times=None))
    stream = data.find_stream(SUPPORT)
    fetch = lambda skip, limit: client.directory_page(SUPPORT, skip, limit)  # noqa: E731
    for concurrency in (1, 4):
        demo_server.reset_log()
        pages = [page async for page in walk_pages(fetch, page_size=10, concurrency=concurrency)]
        rows = [c.raw for page in pages for c in page.rows]
        assert rows == [data.directory_contact(stream, 0), data.directory_contact(stream, 1)]
        assert pages[0].total_results == 6 and pages[0].has_more is False
        assert len(demo_server.requests) == 1


async def test_empty_list_and_empty_directory(demo_server, client_for) -> None:
    client = client_for(demo_server)
    page = await client.list_contacts_page(SALES, "cl-demo-empty")
    assert page.rows == () and page.has_more is False and page.total_results == 0
    pages = [p async for p in walk_pages(lambda s, n: client.directory_page("st-demo-empty", s, n), concurrency=4)]
    assert pages == []
    assert len(demo_server.requests) == 2
    assert await client.contact_lists("st-demo-empty") == []


async def test_unknown_stream_is_not_found_with_the_servers_message(demo_server, client_for) -> None:
    client = client_for(demo_server)
    for call in (
        client.contact_lists("st-nope"),
        client.list_contacts_page("st-nope", "cl-demo-seven"),
        client.directory_page("st-nope"),
    ):
        with pytest.raises(NotFoundError) as info:
            await call
        assert info.value.status == 404
        assert info.value.server_message == "Stream not found: st-nope"
        assert "Stream not found: st-nope" in str(info.value)
        assert_no_secrets(info.value, demo_server)
    assert len(demo_server.requests) == 3  # a 404 is not retried


async def test_unknown_list_is_not_found(demo_server, client_for) -> None:
    client = client_for(demo_server)
    with pytest.raises(NotFoundError) as info:
        await client.list_contacts_page(SALES, "cl-missing")
    assert "Contact list not found: cl-missing" in str(info.value)


async def test_error_body_not_json_names_the_status_line(demo_server, client_for) -> None:
    client = client_for(demo_server)
    demo_server.inject(Fault(status=500, body=b"<html>Internal error</html>", content_type="text/html", times=1))
    with pytest.raises(ServerError) as info:
        await client.directory_page(SALES)
    assert info.value.server_message is None
    assert str(info.value).startswith("500 Internal Server Error")


# -- pacing --------------------------------------------------------------------------------------------

WINDOW = 1.0
MAX_IN_WINDOW = 5
# The server stamps a request when it answers, a little after the client started it; this much
# jitter between the client's start and the server's stamp is tolerated (on a loaded 2-core
# machine a request can reach the server's stamp 0.1 s after the client let it go).
STAMP_JITTER = 0.15


def assert_paced(times: list[float], max_in_window: int, window: float) -> None:
    times = sorted(times)
    for i in range(len(times) - max_in_window):
        span = times[i + max_in_window] - times[i]
        assert span >= window - STAMP_JITTER, f"{max_in_window + 1} requests within {span:.3f}s"


async def test_pacing_keeps_a_sliding_window_budget(demo_server, client_for) -> None:
    client = client_for(demo_server, max_rpm=MAX_IN_WINDOW, rate_window=WINDOW)
    pages = await asyncio.gather(*(client.list_contacts_page(SALES, "cl-size-20", skip=i, limit=1) for i in range(15)))
    assert sorted(p.skip for p in pages) == list(range(15))
    times = [r.at for r in demo_server.requests]
    assert len(times) == 15 and all(r.status == 200 for r in demo_server.requests)
    assert_paced(times, MAX_IN_WINDOW, WINDOW)
    # Paced, not merely lucky: 15 requests at 5 per window need more than two windows.
    assert max(times) - min(times) >= 2 * WINDOW - STAMP_JITTER


async def test_pacing_budget_is_shared_by_clients_of_one_account(demo_server, client_for) -> None:
    a = client_for(demo_server, max_rpm=MAX_IN_WINDOW, rate_window=WINDOW)
    b = client_for(demo_server, max_rpm=MAX_IN_WINDOW, rate_window=WINDOW)
    assert a.budget is b.budget
    calls = [a.directory_page(SALES, skip=i, limit=1) for i in range(8)]
    calls += [b.list_contacts_page(SALES, "cl-size-20", skip=i, limit=1) for i in range(7)]
    await asyncio.gather(*calls)
    assert len(demo_server.requests_to(DIRECTORY_PATH)) == 8
    assert len(demo_server.requests_to(LIST_PATH)) == 7
    times = [r.at for r in demo_server.requests]
    assert_paced(times, MAX_IN_WINDOW, WINDOW)
    assert max(times) - min(times) >= 2 * WINDOW - STAMP_JITTER


async def test_pacing_off_sends_at_once(demo_server, client_for) -> None:
    """max_rpm=0 really is off (the contrast that makes the pacing tests meaningful)."""
    client = client_for(demo_server)
    assert not client.budget.enabled
    await asyncio.gather(*(client.directory_page(SALES, skip=i, limit=1) for i in range(15)))
    assert len(demo_server.requests) == 15


async def test_a_429_holds_back_every_caller_of_the_budget(demo_server, client_for) -> None:
    client = client_for(demo_server, max_rpm=100, rate_window=WINDOW)
    demo_server.inject(Fault(status=429, message=RATE_LIMIT_MESSAGE, headers={"Retry-After": "1"}, times=1))
    await client.directory_page(SALES, skip=0, limit=1)
    limited = demo_server.requests[0]
    await asyncio.gather(*(client.directory_page(SALES, skip=i, limit=1) for i in range(1, 4)))
    assert limited.status == 429
    assert all(r.at - limited.at >= 0.98 for r in demo_server.requests[1:])


# -- insecure URLs ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "host",
    ["http://example.com", "http://platform.kore.ai", "http://10.0.0.1:8080", "http://localhost.example.com",
     "http://127.0.0.1.nip.io", "ftp://platform.kore.ai"],
)
def test_insecure_urls_are_refused_before_any_io(host) -> None:
    # Constructed outside any event loop and without a server: the refusal cannot be an I/O error.
    with pytest.raises(InsecureURLError) as info:
        KoreClient(Connection(host=host, account_id="acct", client_id="cid"), "the-secret-value")
    assert "the-secret-value" not in str(info.value) + repr(info.value)


def test_plain_http_refusal_says_why() -> None:
    with pytest.raises(InsecureURLError) as info:
        normalize_host("http://example.com")
    assert "example.com" in str(info.value) and "https://" in str(info.value)


@pytest.mark.parametrize(
    "host, base",
    [
        ("http://127.0.0.1", "http://127.0.0.1"),
        ("http://127.0.0.1:8765/", "http://127.0.0.1:8765"),
        ("http://localhost:9000", "http://localhost:9000"),
        ("http://[::1]:9000", "http://[::1]:9000"),
        ("https://platform.kore.ai", "https://platform.kore.ai"),
        ("https://de-platform.kore.ai/", "https://de-platform.kore.ai"),
        ("platform.kore.ai", "https://platform.kore.ai"),
    ],
)
async def test_loopback_http_and_https_are_accepted(host, base) -> None:
    client = KoreClient(Connection(host=host, account_id="acct", client_id="cid", max_rpm=0), "secret")
    try:
        assert client.base_url == base
    finally:
        await client.aclose()


# -- nothing secret in what the client shows --------------------------------------------------------------


async def test_client_and_connection_reprs_hide_secret_and_token(demo_server, client_for) -> None:
    client = client_for(demo_server)
    await client.directory_page(SUPPORT)
    token = client.minter.token()
    jwt.decode(token, demo_server.secret, algorithms=["HS256"])  # a real token was minted
    for text in (repr(client), str(client), repr(client.connection), repr(client.minter)):
        assert demo_server.secret not in text
        assert token not in text and not JWT_RE.search(text)


async def test_server_message_echoing_a_token_is_kept_out_of_logs_of_headers(demo_server, client_for) -> None:
    """The error message is built from status, path and errors[].msg only: request headers never."""
    client = client_for(demo_server)
    demo_server.inject(Fault(status=400, body=json.dumps({"errors": [{"msg": "bad request"}]}).encode(), times=1))
    with pytest.raises(ApiError) as info:
        await client.directory_page(SALES)
    assert str(info.value) == f"400 Bad Request: bad request (GET /agentassist/api/v1/public/{SALES}/contacts)"
    assert_no_secrets(info.value, demo_server)
