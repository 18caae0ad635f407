"""Walking and exporting whole lists over real HTTP, with the server's page cap below the page asked.

Every row exactly once and in the server's order, in CSV and JSON Lines; the request count is the
minimum the paging allows; a server that repeats a page ends in an error instead of a loop.
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kore_tui.api.errors import BadResponseError
from kore_tui.api.walk import walk_pages
from kore_tui.demo import data
from kore_tui.demo.server import DemoServer, Fault
from kore_tui.export import CAMPAIGN_FIELDS, DIRECTORY_FIELDS, EXTRA_COLUMN, RowWriter, export_rows

CAP = 50  # the server's page cap
ASKED = 100  # the page size the export asks for
SALES = "st-demo-sales"
STREAM = data.find_stream(SALES)
SIZES = [0, 1, CAP, CAP + 1, 10_000]


@pytest.fixture
def capped_server() -> Iterator[DemoServer]:
    server = DemoServer(page_cap=CAP).start()
    try:
        yield server
    finally:
        server.stop()


def expected_list_rows(n: int) -> list[dict[str, Any]]:
    lst = data.find_list(STREAM, f"cl-size-{n}")
    assert lst is not None and lst.size == n
    return [data.list_contact(STREAM, lst, i) for i in range(n)]


def list_fetch(client, list_id: str):
    return lambda skip, limit: client.list_contacts_page(SALES, list_id, skip, limit)


async def export_to_text(fetch, fmt: str, fields, *, concurrency: int, tmp_path: Path) -> tuple[int, str]:
    """Export through a real file, as the CLI does (newline='' so CSV line ends are the writer's)."""
    path = tmp_path / f"export.{fmt}"
    with open(path, "w", encoding="utf-8", newline="") as out:
        writer = RowWriter(out, fmt, fields)
        written = await export_rows(fetch, writer, page_size=ASKED, concurrency=concurrency)
    with open(path, encoding="utf-8", newline="") as handle:  # keep "\r" inside values as written
        text = handle.read()
    return written, text


def parse_jsonl(text: str) -> list[dict[str, Any]]:
    assert text == "" or text.endswith("\n")
    return [json.loads(line) for line in text.splitlines()]


def parse_csv(text: str) -> tuple[list[str], list[dict[str, str]]]:
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader)
    rows = [dict(zip(header, cells, strict=True)) for cells in reader]
    return header, rows


def cell_matches(cell: str, value: Any) -> bool:
    """The CSV cell holds ``value``: text as is, scalars as text, containers as JSON, null empty."""
    if value is None:
        return cell == ""
    if isinstance(value, str):
        return cell == value
    if isinstance(value, bool):
        return cell == ("true" if value else "false")
    if isinstance(value, (int, float)):
        return cell == str(value)
    return json.loads(cell) == value


def assert_csv_holds(text: str, expected: list[dict[str, Any]], fields: tuple[str, ...]) -> None:
    header, rows = parse_csv(text)
    assert header[: len(fields)] == list(fields)
    assert header[-1] == EXTRA_COLUMN
    assert len(rows) == len(expected)
    for row, want in zip(rows, expected, strict=True):
        extra = json.loads(row[EXTRA_COLUMN]) if row[EXTRA_COLUMN] else {}
        for key, value in want.items():
            if key in row and key != EXTRA_COLUMN:
                assert cell_matches(row[key], value), (key, row[key], value)
            else:
                assert extra[key] == value
        for key in header[:-1]:
            if key not in want:
                assert row[key] == ""  # a missing field is an empty cell, not another row's value
        assert set(extra) <= set(want)


def id_key(fields: tuple[str, ...]) -> str:
    return "_id" if fields is CAMPAIGN_FIELDS else "id"


@pytest.mark.parametrize("concurrency", [1, 4])
@pytest.mark.parametrize("n", SIZES)
async def test_export_list_every_row_once_in_order(capped_server, client_for, tmp_path, n, concurrency) -> None:
    client = client_for(capped_server)
    expected = expected_list_rows(n)
    fetch = list_fetch(client, f"cl-size-{n}")
    minimum = max(1, math.ceil(n / CAP))  # an empty list still takes one request to learn it is empty

    capped_server.reset_log()
    written, jsonl = await export_to_text(fetch, "jsonl", CAMPAIGN_FIELDS, concurrency=concurrency, tmp_path=tmp_path)
    got = parse_jsonl(jsonl)
    assert written == n
    assert [r.get("_id") for r in got] == [r.get("_id") for r in expected]
    assert got == expected
    requests = capped_server.requests_to("/getAllContacts")
    assert len(requests) == minimum
    # Asked for more than the cap; continued from the answered skip plus the rows received.
    assert all(r.query["limit"] == str(ASKED) for r in requests)
    assert sorted(int(r.query["skip"]) for r in requests) == [i * CAP for i in range(minimum)]

    capped_server.reset_log()
    written, text = await export_to_text(fetch, "csv", CAMPAIGN_FIELDS, concurrency=concurrency, tmp_path=tmp_path)
    assert written == n
    assert_csv_holds(text, expected, CAMPAIGN_FIELDS)
    _, rows = parse_csv(text)
    assert [r["_id"] for r in rows] == ["" if r.get("_id") is None else str(r["_id"]) for r in expected]
    assert len(capped_server.requests_to("/getAllContacts")) == minimum


@pytest.mark.parametrize("concurrency", [1, 4])
async def test_export_directory_every_row_once_in_order(capped_server, client_for, tmp_path, concurrency) -> None:
    client = client_for(capped_server)
    expected = [data.directory_contact(STREAM, i) for i in range(STREAM.directory_size)]
    fetch = lambda skip, limit: client.directory_page(SALES, skip, limit)  # noqa: E731

    written, jsonl = await export_to_text(fetch, "jsonl", DIRECTORY_FIELDS, concurrency=concurrency, tmp_path=tmp_path)
    assert written == STREAM.directory_size == 1237
    assert parse_jsonl(jsonl) == expected
    assert len(capped_server.requests_to("/contacts")) == math.ceil(1237 / CAP)

    capped_server.reset_log()
    written, text = await export_to_text(fetch, "csv", DIRECTORY_FIELDS, concurrency=concurrency, tmp_path=tmp_path)
    assert written == 1237
    assert_csv_holds(text, expected, DIRECTORY_FIELDS)
    _, rows = parse_csv(text)
    assert [r["id"] for r in rows] == [r["id"] for r in expected]
    assert len(capped_server.requests_to("/contacts")) == math.ceil(1237 / CAP)


async def test_export_empty_csv_still_has_its_header(capped_server, client_for, tmp_path) -> None:
    client = client_for(capped_server)
    written, text = await export_to_text(list_fetch(client, "cl-size-0"), "csv", CAMPAIGN_FIELDS,
                                         concurrency=4, tmp_path=tmp_path)
    assert written == 0
    assert text == ",".join(CAMPAIGN_FIELDS) + f",{EXTRA_COLUMN}\r\n"  # CRLF: RFC 4180, and any CR in a value gets quoted


async def test_progress_reports_rows_and_total(capped_server, client_for, tmp_path) -> None:
    client = client_for(capped_server)
    seen: list[tuple[int, int | None]] = []
    writer = RowWriter(io.StringIO(), "jsonl", CAMPAIGN_FIELDS)
    await export_rows(list_fetch(client, "cl-size-120"), writer, page_size=ASKED, concurrency=2,
                      on_progress=lambda rows, total: seen.append((rows, total)))
    assert seen == [(50, 120), (100, 120), (120, 120)]


@pytest.mark.parametrize("concurrency", [1, 4])
async def test_last_full_page_with_has_more_costs_one_empty_request(capped_server, client_for, concurrency) -> None:
    """Without totals or hasMore, a list that is a multiple of the cap ends on an empty page."""
    client = client_for(capped_server)

    def no_totals(body):
        for key in ("hasMore", "totalPages", "totalResults"):
            body["data"].pop(key)
        return body

    capped_server.inject(Fault(transform=no_totals, times=None))
    n = 2 * CAP
    rows = [c.raw async for page in walk_pages(list_fetch(client, f"cl-size-{n}"), page_size=ASKED,
                                                concurrency=concurrency) for c in page.rows]
    assert rows == expected_list_rows(n)
    made = len(capped_server.requests_to("/getAllContacts"))
    # ceil(n / cap) full pages, then the empty page that says the list ended; fetching ahead may
    # have sent up to concurrency - 1 more that were thrown away.
    assert n // CAP + 1 <= made <= n // CAP + concurrency


def first_page_again(list_id: str):
    """A server that ignores `skip`: every answer is the first page."""
    lst = data.find_list(STREAM, list_id)

    def transform(body):
        page = body["data"]
        page["results"] = [data.list_contact(STREAM, lst, i) for i in range(min(CAP, lst.size))]
        page["skip"] = 0
        page["hasMore"] = True
        return body

    return transform


def skip_rewritten_to_zero(body):
    """A server answering skip 0 whatever was asked (the rows themselves are right)."""
    body["data"]["skip"] = 0
    return body


def first_page_no_skip(list_id: str):
    """A server that ignores `skip` and does not say which skip it served."""
    again = first_page_again(list_id)

    def transform(body):
        body = again(body)
        del body["data"]["skip"]
        return body

    return transform


@pytest.mark.parametrize("concurrency", [1, 4])
@pytest.mark.parametrize("variant", ["skip-zero", "first-page", "first-page-no-skip"])
async def test_a_server_repeating_a_page_ends_in_an_error(capped_server, client_for, tmp_path, variant, concurrency) -> None:
    client = client_for(capped_server)
    list_id = "cl-size-500"
    transform = {
        "skip-zero": skip_rewritten_to_zero,
        "first-page": first_page_again(list_id),
        "first-page-no-skip": first_page_no_skip(list_id),
    }[variant]
    capped_server.inject(Fault(transform=transform, path_contains="/getAllContacts", times=None))
    out = io.StringIO()
    writer = RowWriter(out, "jsonl", CAMPAIGN_FIELDS)
    with pytest.raises(BadResponseError) as info:
        await export_rows(list_fetch(client, list_id), writer, page_size=ASKED, concurrency=concurrency)
    assert "stopped instead of looping" in str(info.value)
    # The first page was written once, nothing twice.
    written = parse_jsonl(out.getvalue())
    assert written == expected_list_rows(500)[:CAP]
    assert writer.rows == CAP
    assert len(capped_server.requests_to("/getAllContacts")) <= 1 + concurrency


async def test_a_short_page_mid_list_is_followed_from_the_answered_end(capped_server, client_for) -> None:
    """A page shorter than the cap mid-list: the walk continues where that page ended."""
    client = client_for(capped_server)
    lst = data.find_list(STREAM, "cl-size-300")

    def short_second_page(body):
        page = body["data"]
        if page["skip"] == CAP:
            page["results"] = page["results"][:7]
        return body

    capped_server.inject(Fault(transform=short_second_page, path_contains="/getAllContacts", times=None))
    for concurrency in (1, 4):
        rows = [c.raw async for page in walk_pages(list_fetch(client, "cl-size-300"), page_size=ASKED,
                                                    concurrency=concurrency) for c in page.rows]
        assert rows == [data.list_contact(STREAM, lst, i) for i in range(300)]
