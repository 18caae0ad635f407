"""Search that scales with the table (issue #13): the filter and the sort are queries over the
cache, read a page at a time by position; phone numbers match as phone numbers (E.164), in any
written form, with the region from the profile, the environment or the flag.

Rows come over real HTTP from the demo server into a real RowCache; each answer is checked
against a brute-force filter or sort of the same cached rows.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from kore_tui.api.models import CampaignContact, Page
from kore_tui.cache import RowCache, RowQuery, ViewKey, phone_digits, primary_phone, search_text
from kore_tui.config import Config, Profile, Stream, save_config
from kore_tui.demo import data
from kore_tui.demo.server import DemoServer
from kore_tui.phones import query_e164, stored_e164
from kore_tui.session import Session, Settings
from kore_tui.sources import QuerySource
from kore_tui.ui.app import KoreTuiApp
from kore_tui.ui.widgets.contact_view import ContactView
from kore_tui.views.contacts import ContactsModel, Sort
from tests.scenes import pinned_clock, settle
from tests.test_cli import env_for, run_cli

SALES = data.STREAMS[0]
PHONES = data.PHONES_STREAM
LIST_1K = "cl-demo-1k"


def brute_force(rows: list[dict[str, Any]], needle: str, region: str | None = None) -> list[int]:
    """The filter's answer computed row by row in Python, from the same rule the SQL states."""
    query = RowQuery.for_text(needle, region=region)
    found = []
    for pos, raw in enumerate(rows):
        phone = primary_phone(raw)
        hit = (query.e164 is not None and phone is not None and stored_e164(phone, region) == query.e164) \
            or (query.digits is not None and query.digits in phone_digits(raw)) \
            or (bool(query.text) and query.text in search_text(raw))
        if hit:
            found.append(pos)
    return found


async def cached_view(server: DemoServer, client_for: Any, list_id: str, cache: RowCache,
                      stream: str = SALES.id) -> tuple[Session, ContactsModel]:
    from kore_tui.session import Session

    session = Session(Profile("p", server.url, server.account_id, server.client_id), client_for(server), cache)
    source = session.source(stream, list_id)
    await source.complete(page_size=100, concurrency=4)
    return session, ContactsModel(source)


@pytest.mark.parametrize("needle", ["1555", "4420", "442027111777", "+1 555 000 0007", "cc-0", "2025-01-01T00:1", "zz"])
async def test_the_filter_equals_a_brute_force_filter_at_page_boundaries(demo_server: DemoServer, client_for: Any,
                                                                         needle: str) -> None:
    cache = RowCache()
    _, model = await cached_view(demo_server, client_for, LIST_1K, cache)
    rows = [data.list_contact(SALES, SALES.lists[0], i) for i in range(1_000)]
    truth = brute_force(rows, needle)
    filtered = await model.filter(needle)
    source = filtered.source
    assert await source.count() == len(truth)
    # Page by page, as the table asks, across the page boundaries: rows equal, in order.
    got: list[dict[str, Any]] = []
    for skip in range(0, len(truth) + 100, 100):
        page = await source.fetch(skip, 100)
        got += [dict(row.raw) for row in page.rows]
        assert page.has_more == (skip + 100 < len(truth))
    assert got == [rows[pos] for pos in truth]


async def test_the_first_page_comes_before_the_count_and_a_newer_query_interrupts(tmp_path: Path, demo_server: DemoServer,
                                                                                   client_for: Any) -> None:
    cache = RowCache(tmp_path / "cache.sqlite3")  # on disk: queries run on connections of their own
    _, model = await cached_view(demo_server, client_for, LIST_1K, cache)
    first = await model.filter("4420")
    page = await first.source.fetch(0, 100)
    assert len(page.rows) == 100 and page.has_more
    rows = [data.list_contact(SALES, SALES.lists[0], i) for i in range(1_000)]
    second = await model.filter("1555")  # typed on: the first query is cancelled
    assert await second.source.count() == len(brute_force(rows, "1555"))
    assert first.source.counted in (None, len(brute_force(rows, "4420")))  # never a wrong count


async def test_matches_appear_as_fetch_all_fills_the_cache() -> None:
    app = KoreTuiApp(demo=True, clock=pinned_clock, animate=False, stream_id=SALES.id, list_id=LIST_1K,
                     settings=Settings(max_rpm=0))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        view = app.screen.query_one(ContactView)
        await pilot.press("slash", *"1555", "enter")
        await settle(pilot)
        rows = [data.list_contact(SALES, SALES.lists[0], i) for i in range(1_000)]
        truth = brute_force(rows, "1555")
        first = view.matches
        assert 0 < first < len(truth) and view.loaded < 1_000
        await pilot.press("F")
        await settle(pilot)
        if app.screen is not view.screen:  # the cost is stated first: confirm it
            await pilot.press("enter")
            await settle(pilot)
        assert view.loaded == 1_000 and view.matches == len(truth)
        table = view.table
        assert table.row_count == len(truth)
        for row in (0, 99, 100, len(truth) - 1):
            table.go_to_row(row)
            await settle(pilot)
            assert table.current_row is not None and dict(table.current_row.raw) == rows[truth[row]]


async def test_typing_quickly_runs_one_query_per_pause() -> None:
    app = KoreTuiApp(demo=True, clock=pinned_clock, animate=False, stream_id=SALES.id, list_id=LIST_1K)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        view = app.screen.query_one(ContactView)
        await pilot.press("slash")
        await settle(pilot)
        before = view.model.queries
        for key in "44202":  # faster than the pause after a keystroke, as a typist is
            app.simulate_key(key)
        await settle(pilot)
        assert view.model.queries - before == 1
        assert view.filter_text == "44202"


# -- phone numbers as phone numbers -----------------------------------------------------------------

FORMS = [
    ("+1 201 555 0100", None, 0),
    ("(201) 555-0100", "US", 0),
    ("201.555.0100", "US", 0),
    ("022 2333 4444", "IN", 1),
    ("0091 22 2333 4444", "IN", 1),
    ("0091 22 2333 4444", None, 1),
    ("07400 123456", "GB", 2),
]


@pytest.mark.parametrize("typed, region, index", FORMS)
def test_each_written_form_finds_the_contact_in_the_directory_and_the_list(demo_server: DemoServer, typed: str,
                                                                           region: str | None, index: int) -> None:
    args = ["find", typed, "--stream", PHONES.id, "--json"] + (["--region", region] if region else [])
    result = run_cli(*args, env=env_for(demo_server))
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    e164 = stored_e164(data.PHONE_NUMBERS[index][1])
    assert answer["e164"] == e164
    directory = answer["directory"]["matches"]
    assert [m["contact"]["id"] for m in directory if m["exact"]] == [f"phone-contact-{index}"]
    assert directory[0]["e164"] == e164
    (listed,) = answer["lists"]
    assert [m["position"] for m in listed["matches"] if m["exact"]] == [index]


def test_the_region_comes_from_the_flag_the_environment_or_the_profile(demo_server: DemoServer) -> None:
    national = "022 2333 4444"
    env = env_for(demo_server)

    def exact_ids(result: subprocess.CompletedProcess[str]) -> list[str]:
        assert result.returncode in (0, 1), result.stderr  # 1: not found, as grep says
        return [m["contact"]["id"] for m in json.loads(result.stdout)["directory"]["matches"] if m["exact"]]

    base = ("find", national, "--stream", PHONES.id, "--json")
    assert exact_ids(run_cli(*base, env=env)) == []  # no region: a national form is no number
    assert exact_ids(run_cli(*base, "--region", "IN", env=env)) == ["phone-contact-1"]
    assert exact_ids(run_cli(*base, env={**env, "KORE_REGION": "IN"})) == ["phone-contact-1"]
    profile = Profile("india", demo_server.url, demo_server.account_id, demo_server.client_id,
                      streams=[Stream(PHONES.id)], region="IN")
    save_config(Config(profiles={"india": profile}, default_profile="india"))
    no_env_profile = {k: v for k, v in env.items() if k not in ("KORE_HOST", "KORE_ACCOUNT_ID", "KORE_CLIENT_ID")}
    assert exact_ids(run_cli(*base, env=no_env_profile)) == ["phone-contact-1"]
    bad = run_cli(*base, "--region", "Narnia", env=env)
    assert bad.returncode != 0 and "ISO country code" in bad.stderr


async def test_the_filter_takes_numbers_in_any_form_with_the_region() -> None:
    app = KoreTuiApp(demo=True, clock=pinned_clock, animate=False, stream_id=PHONES.id, list_id="cl-demo-phones",
                     settings=Settings(region="IN"))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        view = app.screen.query_one(ContactView)
        await pilot.press("slash", *"022 2333 4444", "enter")
        await settle(pilot)
        assert view.matches == 1
        assert view.table.current_row is not None and view.table.current_row.phone_number == "912223334444"


async def test_invalid_numbers_are_found_by_digits_and_marked_in_the_detail_pane() -> None:
    app = KoreTuiApp(demo=True, clock=pinned_clock, animate=False, stream_id=PHONES.id, list_id="cl-demo-phones")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        view = app.screen.query_one(ContactView)
        await pilot.press("slash", *"12345", "enter")
        await settle(pilot)
        assert view.matches == 2  # 12345 itself, and +44 7400 123456 holds those digits
        view.table.go_to_row(1)
        await settle(pilot)
        assert view.table.current_row.phone_number == "12345"
        assert ("number", "not a possible phone number (found by its digits only)") in view.detail.related
        await pilot.press("escape")  # clears the filter
        await settle(pilot)
        view.table.go_to_row(4)  # +1 555 010 0199: possible, not valid
        await settle(pilot)
        assert ("number", "+15550100199 · not a valid number (found by its digits)") in view.detail.related
        view.table.go_to_row(1)
        await settle(pilot)
        assert any(label == "number" and "India" in text for label, text in view.detail.related)


def test_typed_forms_become_one_e164() -> None:
    assert query_e164("0091 22 2333 4444") == query_e164("022 2333 4444", "IN") == "+912223334444"
    assert query_e164("07400 123456", "GB") == stored_e164("447400123456") == "+447400123456"
    assert query_e164("0123") is None and query_e164("022 2333 4444") is None
    assert stored_e164("+1 (201) 555-0100") == stored_e164("12015550100") == "+12015550100"


# -- the sort --------------------------------------------------------------------------------------


def test_the_sort_orders_text_numbers_and_dates_with_nulls_last_and_stably(tmp_path: Path) -> None:
    cache = RowCache(tmp_path / "c.sqlite3")
    key = ViewKey("p", "s", "l")
    values: list[Any] = ["b", "A", None, 10, 9, "a", "2025-02-01", "2025-01-31T23:59:59Z", None, "a"]
    rows = [{"_id": f"r{i}", "phoneNumber": v, "createdAt": v} for i, v in enumerate(values)]
    cache.put_page(key, 0, Page(tuple(CampaignContact.from_json(r) for r in rows), 0, 100, False, len(rows), None))

    def order(column: int, descending: bool = False) -> list[int]:
        return list(cache.query_positions(key, RowQuery(sort_column=column, descending=descending)))

    # numbers before text (as SQLite compares), text case-insensitive, ties kept in list order, nulls last
    assert order(0) == [4, 3, 7, 6, 1, 5, 9, 0, 2, 8]
    assert order(0, descending=True) == [0, 1, 5, 9, 6, 7, 3, 4, 2, 8]
    assert order(1)[:2] == [4, 3] and order(1)[-2:] == [2, 8]


async def test_sort_needs_the_whole_view_and_composes_with_the_filter() -> None:
    app = KoreTuiApp(demo=True, clock=pinned_clock, animate=False, stream_id=SALES.id, list_id="cl-demo-seven",
                     settings=Settings(max_rpm=0))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        view = app.screen.query_one(ContactView)
        rows = [data.list_contact(SALES, data.find_list(SALES, "cl-demo-seven"), i) for i in range(7)]
        await pilot.press("s")
        await settle(pilot)
        if view.model.sort is None:  # not complete in the cache yet: it says so and F fills it
            await pilot.press("F")
            await settle(pilot)
            await pilot.press("s")
            await settle(pilot)
        assert view.model.sort == Sort(0)
        by_phone = sorted(range(7), key=lambda i: (str(rows[i]["phoneNumber"]).casefold(), i))
        shown = [view.table.pager.get_row(i) for i in range(7)]
        assert [dict(r.raw)["_id"] for r in shown] == [rows[i]["_id"] for i in by_phone]
        assert "▲" in view.table.render_line(0).text
        await pilot.press("S")
        await settle(pilot)
        shown = [view.table.pager.get_row(i) for i in range(7)]
        assert [dict(r.raw)["_id"] for r in shown] == [rows[i]["_id"] for i in reversed(by_phone)]
        await pilot.press("slash", *"1555", "enter")
        await settle(pilot)
        matching = [i for i in reversed(by_phone) if "1555" in str(rows[i]["phoneNumber"])]
        shown = [view.table.pager.get_row(i) for i in range(len(matching))]
        assert [dict(r.raw)["_id"] for r in shown] == [rows[i]["_id"] for i in matching]


async def test_an_unfinished_view_is_not_sorted() -> None:
    app = KoreTuiApp(demo=True, clock=pinned_clock, animate=False, stream_id=SALES.id, list_id=LIST_1K)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        view = app.screen.query_one(ContactView)
        await pilot.press("s")
        await settle(pilot)
        assert view.model.sort is None
        assert "▲" not in view.table.render_line(0).text and "▼" not in view.table.render_line(0).text


def test_export_filter_writes_only_the_matches(demo_server: DemoServer, tmp_path: Path) -> None:
    out = tmp_path / "matches.jsonl"
    result = run_cli("export", "list", "--stream", PHONES.id, "--list", "cl-demo-phones", "--filter", "+91 22 2333 4444",
                     "--format", "jsonl", "-o", str(out), env=env_for(demo_server))
    assert result.returncode == 0, result.stderr
    assert [json.loads(line)["_id"] for line in out.read_text().splitlines()] == ["phone-1"]


def test_query_source_pages_are_read_by_position(tmp_path: Path) -> None:
    cache = RowCache(tmp_path / "c.sqlite3")
    key = ViewKey("p", "s", "l")
    rows = [{"_id": f"r{i}", "phoneNumber": f"4420{i:08d}"} for i in range(250)]
    cache.put_page(key, 0, Page(tuple(CampaignContact.from_json(r) for r in rows), 0, 250, False, 250, None))
    source = QuerySource(cache, key, RowQuery.for_text("4420000001"), CampaignContact.from_json)

    async def pages() -> list[list[str]]:
        return [[r.id for r in (await source.fetch(skip, 100)).rows] for skip in (0, 100)]

    first, second = asyncio.run(pages())
    assert first == [f"r{i}" for i in range(100, 200)] and second == []
