"""Finding a contact: the `/` filter, the phone lookup across both endpoints, copy, export from
the app. Over real HTTP against the demo server."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys

import pytest
from rich.console import Console
from textual.widgets import Input, Static

from kore_tui.api.client import KoreClient
from kore_tui.cache import DIRECTORY, RowCache, ViewKey
from kore_tui.demo import data
from kore_tui.demo.server import DemoServer
from kore_tui.lookup import find_phone
from kore_tui.sources import ViewSource
from kore_tui.ui.app import KoreTuiApp
from kore_tui.ui.screens.export import ExportScreen
from kore_tui.ui.screens.lookup import LookupScreen
from kore_tui.ui.widgets.contact_view import ContactView
from tests.scenes import pinned_clock, settle

SALES = data.STREAMS[0]


async def _fill(client: KoreClient, cache: RowCache, key: ViewKey, rows: int) -> None:
    source = ViewSource(client, cache, key)
    for skip in range(0, rows, 100):
        await source.fetch(skip, 100)
    await source.writes_done()


async def test_filter_semantics(demo_server: DemoServer, client_for) -> None:  # type: ignore[no-untyped-def]
    client, cache = client_for(demo_server), RowCache(persist=False)
    directory = ViewKey("p", SALES.id, DIRECTORY)
    await _fill(client, cache, directory, SALES.directory_size)
    contacts = [data.directory_contact(SALES, i) for i in range(SALES.directory_size)]

    def positions(text: str) -> list[int]:
        return [pos for pos, _ in cache.matching_rows(directory, text)]

    # Phone numbers match by digits, whatever the punctuation on either side.
    assert contacts[2]["cellPhone"]["phoneNumber"] == "+1 (555) 000 0002"
    assert positions("555-000-0002") == [2]
    assert positions("+1 555 000 0002") == [2]
    assert positions("(555)0000002") == [2]
    # Any column, case-insensitive, in any script.
    want = [i for i, c in enumerate(contacts) if "шевченко" in json.dumps(c, ensure_ascii=False).casefold()]
    assert want and positions("ШЕВЧЕНКО") == want
    want = [i for i, c in enumerate(contacts) if "müller" in json.dumps(c, ensure_ascii=False).casefold()]
    assert want and positions("MÜLLER") == want
    # Markup characters are text like any other.
    hostile = ViewKey("p", SALES.id, "cl-demo-hostile")
    await _fill(client, cache, hostile, 25)
    rows = [data.list_contact(SALES, SALES.lists[-1], i) for i in range(25)]
    assert [p for p, _ in cache.matching_rows(hostile, "[/]")] == [i for i, r in enumerate(rows) if "[/]" in json.dumps(r)]
    assert [p for p, _ in cache.matching_rows(hostile, "[red]x")] == [i for i, r in enumerate(rows) if "[red]x" in json.dumps(r)]


async def test_lookup_cold_sends_the_minimum_and_warm_sends_nothing(demo_server: DemoServer, client_for) -> None:  # type: ignore[no-untyped-def]
    client, cache = client_for(demo_server), RowCache()
    phone = "+1 555 000 0000"  # directory contact 0; row 0 of every list with a directory
    # The lists alone here (tests/test_campaigns.py counts the campaign side's requests).
    cold = await find_phone(client, cache, "p", SALES.id, phone, only_lists=["cl-demo-1k", "cl-demo-seven"],
                            campaigns=False)
    minimum = 1 + -(-SALES.directory_size // 100) + 10 + 1  # lists, directory pages, 1k list pages, 7-row list
    assert cold.requests == minimum == len(demo_server.requests)
    assert [raw["id"] for _, raw in cold.directory.matches] == [data.directory_contact(SALES, 0)["id"]]
    assert {v.list_id for v in cold.lists_with_number} == {"cl-demo-1k", "cl-demo-seven"}
    assert all(v.source == "server" for v in [cold.directory, *cold.lists])

    demo_server.reset_log()
    warm = await find_phone(client, cache, "p", SALES.id, phone, only_lists=["cl-demo-1k", "cl-demo-seven"],
                            campaigns=False)
    assert warm.requests == 0 and demo_server.requests == []
    assert [v.matches for v in warm.lists] == [v.matches for v in cold.lists]
    assert all(v.source == "cache" for v in [warm.directory, *warm.lists])

    again = await find_phone(client, cache, "p", SALES.id, phone, only_lists=["cl-demo-seven"], refresh=True,
                             campaigns=False)
    assert again.requests == 1 + 13 + 1  # --refresh fetches everything asked about again


async def test_lookup_fetches_only_what_is_missing(demo_server: DemoServer, client_for) -> None:  # type: ignore[no-untyped-def]
    client, cache = client_for(demo_server), RowCache()
    await _fill(client, cache, ViewKey("p", SALES.id, "cl-demo-1k"), 300)  # 3 of its 10 pages, fresh
    demo_server.reset_log()
    result = await find_phone(client, cache, "p", SALES.id, "15550000000", only_lists=["cl-demo-1k"])
    skips = sorted(int(r.query["skip"]) for r in demo_server.requests_to("cl-demo-1k/getAllContacts"))
    assert skips == list(range(300, 1000, 100))
    assert result.lists[0].source == "cache+server"


def test_find_cli_text_and_json(demo_server: DemoServer) -> None:
    env = {**os.environ, "KORE_HOST": demo_server.url, "KORE_ACCOUNT_ID": demo_server.account_id,
           "KORE_CLIENT_ID": demo_server.client_id, "KORE_CLIENT_SECRET": demo_server.secret, "KORE_MAX_RPM": "0"}
    args = [sys.executable, "-m", "kore_tui", "find", "+1 (555) 000-0000", "--stream", SALES.id, "--list", "cl-demo-seven"]
    text = subprocess.run(args, env=env, capture_output=True, text=True, timeout=60)
    assert text.returncode == 0, text.stderr
    name = data.directory_contact(SALES, 0)["fullName"]
    # lists 1, directory 13, the 7-row list 1; campaigns 2 (voice, sms), the do-not-call list's details and
    # rows 2, the 7-row list's details 1 (isGlobalDNC), the outcomes of its two campaigns 2
    assert name in text.stdout and "cl-demo-seven" in text.stdout and "requests sent: 22" in text.stdout
    answer = json.loads(subprocess.run([*args, "--json"], env=env, capture_output=True, text=True, timeout=60).stdout)
    assert answer["requests"] == 0  # the first run filled the cache
    assert answer["directory"]["matches"][0]["contact"]["fullName"] == name
    assert answer["lists"][0]["matches"][0]["position"] == 0
    bad = subprocess.run([*args[:4], "12", *args[5:]], env=env, capture_output=True, text=True, timeout=60)
    assert bad.returncode == 2 and "too few digits" in bad.stderr and "Traceback" not in bad.stderr


def demo_app(**kw: object) -> KoreTuiApp:
    return KoreTuiApp(demo=True, clock=pinned_clock, animate=False, demo_knobs={"latency": 0.0}, **kw)  # type: ignore[arg-type]


async def test_filter_in_the_app_counts_and_clears() -> None:
    app = demo_app(stream_id=SALES.id)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        view = app.screen.query_one(ContactView)
        await pilot.press("slash", *"555-000-000")
        await settle(pilot)
        # 100 rows are loaded (one page); rows 0-9 have 555-000-000x numbers.
        assert view.matches == 10 and view.loaded == 100
        assert "10 of 1,237 match (100 cached)" in str(view.status.render())
        assert "F fetches the other 1,137" in str(view.status.render())
        await pilot.press("enter", "F")
        await settle(pilot)
        assert view.loaded == 1237
        assert "10 of 1,237 match (1,237 cached)" in str(view.status.render())
        await pilot.press("slash", "escape")
        await settle(pilot)
        assert not view.filtering and view.table.row_count == 1237


async def test_y_copies_the_number_and_Y_the_row() -> None:
    # Through App.copy_to_clipboard, which writes OSC 52 to the terminal (tests/test_compat.py).
    app = demo_app(stream_id=SALES.id, list_id="cl-demo-1k")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("y")
        phone = data.list_contact(SALES, SALES.lists[0], 0)["phoneNumber"]
        assert app.clipboard == phone
        await pilot.press("Y")
        assert json.loads(app.clipboard) == data.list_contact(SALES, SALES.lists[0], 0)


async def test_lookup_screen_and_directory_match_in_detail() -> None:
    app = demo_app(stream_id=SALES.id, list_id="cl-demo-seven")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("f", *"15550000000", "enter")
        await settle(pilot)
        assert isinstance(app.screen, LookupScreen)
        console = Console(width=120, record=True, file=io.StringIO())
        console.print(app.screen.query_one("#lookup-result", Static).content)
        shown = console.export_text()
        assert data.directory_contact(SALES, 0)["fullName"] in shown and "VIP follow-up" in shown
        await pilot.press("escape")
        await pilot.press("down", "up")  # the directory is cached now: the detail pane names the contact
        await settle(pilot)
        detail = app.screen.query_one(ContactView).detail
        assert ("directory", f"{data.directory_contact(SALES, 0)['fullName']} · "
                f"{data.directory_contact(SALES, 0)['status']}") in detail.related


@pytest.mark.parametrize("suffix", ["csv", "jsonl"])
async def test_export_from_the_app(tmp_path, suffix: str) -> None:  # type: ignore[no-untyped-def]
    app = demo_app(stream_id=SALES.id, list_id="cl-demo-1k")
    target = tmp_path / f"out.{suffix}"
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        assert isinstance(app.screen, ExportScreen)
        app.screen.query_one("#export-path", Input).value = str(target)
        await pilot.press("enter")
        await settle(pilot)
        assert "1,000 rows written" in str(app.screen.query_one("#export-result").render())
    expected = [data.list_contact(SALES, SALES.lists[0], i)["_id"] for i in range(1000)]
    if suffix == "csv":
        with target.open(newline="", encoding="utf-8") as handle:
            assert [row["_id"] for row in csv.DictReader(handle)] == expected
    else:
        assert [json.loads(line)["_id"] for line in target.read_text(encoding="utf-8").splitlines()] == expected


async def test_export_only_the_filter_matches(tmp_path) -> None:  # type: ignore[no-untyped-def]
    app = demo_app(stream_id=SALES.id)
    target = tmp_path / "matches.jsonl"
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"555-000-000", "enter")
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        app.screen.query_one("#export-path", Input).value = str(target)
        await pilot.press("enter")
        await settle(pilot)
    ids = [json.loads(line)["id"] for line in target.read_text(encoding="utf-8").splitlines()]
    assert ids == [data.directory_contact(SALES, i)["id"] for i in range(10)]


