"""Pilot tests of the app's campaigns (#16): the browser's Campaigns view, a campaign's page with its
settings, lists and lazily loaded outcomes, and every contact's Campaigns section (with its DNC
marks), over real HTTP against the demo server."""

from __future__ import annotations

import io

from rich.console import Console
from textual.widgets import OptionList, Static

from kore_tui.demo import data
from kore_tui.demo.server import DemoServer, RecordedRequest
from kore_tui.ui.app import KoreTuiApp
from kore_tui.ui.screens.browser import BrowserScreen
from kore_tui.ui.screens.campaign import CampaignScreen
from kore_tui.ui.widgets.campaigns_view import CampaignsView
from kore_tui.ui.widgets.contact_view import ContactView
from kore_tui.ui.widgets.lazy_table import LazyTable
from kore_tui.ui.widgets.view_bar import ViewBar
from kore_tui.views.campaigns import DIALED, NOT_DIALED, PENDING
from tests.scenes import pinned_clock, settle

SALES = data.STREAMS[0]
VIP = "cl-demo-seven"


def app_on(list_id: str = VIP, **kw: object) -> KoreTuiApp:
    return KoreTuiApp(demo=True, clock=pinned_clock, animate=False, stream_id=SALES.id, list_id=list_id,
                      demo_knobs={"latency": 0.0}, **kw)  # type: ignore[arg-type]


def outcome_pages(server: DemoServer, campaign_id: str) -> list[RecordedRequest]:
    return [r for r in server.requests_to(f"/campaign/{campaign_id}/status") if r.query.get("view") == "contacts"]


def shown(static: Static) -> str:
    """What a Static shows (a Rich table included), as plain text."""
    console = Console(width=200, record=True, file=io.StringIO())
    console.print(static.content)
    return console.export_text()


def table_text(table: LazyTable) -> str:
    return "\n".join(table.render_line(y).text for y in range(table.size.height))


async def open_campaign(pilot, name: str) -> CampaignScreen:  # type: ignore[no-untyped-def]
    """From the browser: the Campaigns view, the cursor on ``name``, Enter."""
    app = pilot.app
    await pilot.press("3")
    await settle(pilot)
    view = app.screen.current_view()
    assert isinstance(view, CampaignsView)
    names = [link.campaign.name for link in view.model.links]
    view.table.go_to_row(names.index(name))
    await settle(pilot)
    await pilot.press("enter")
    await settle(pilot)
    assert isinstance(app.screen, CampaignScreen)
    return app.screen


async def test_the_campaigns_view_lists_the_stream_campaigns() -> None:
    app = app_on()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        bar = app.screen.query_one(ViewBar)
        assert "3 Campaigns" in bar.render_line(0).text
        assert not app.screen.query(CampaignsView)  # made when first opened
        await pilot.press("3")
        await settle(pilot)
        view = app.screen.current_view()
        assert isinstance(view, CampaignsView) and app.screen.open_view == "campaigns"
        assert app.focused is view.table
        expected = data.campaigns_of(SALES)
        assert view.table.row_count == len(expected)
        assert {link.campaign.id for link in view.model.links} == {c.id for c in expected}
        text = table_text(view.table)
        for header in ("Name", "Status", "Type", "Dialing", "Pri", "Lists", "Do-not-call", "Updated"):
            assert header in text
        assert "VIP second round" in text and "Rescheduled" in text and "Preview" in text
        assert "\x1b" not in text  # the hostile campaign's name is shown as text
        assert view.detail.row is view.model.links[0].campaign.raw  # the campaign under the cursor, whole
        assert "Spring callbacks (cl-demo-1k)" in shown(view.detail.query_one(Static))  # its lists, with ids
        assert "campaign 1 of" in str(view.status.render())


async def test_enter_opens_a_campaign_with_its_settings_and_lists() -> None:
    app = app_on()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = await open_campaign(pilot, "VIP second round")
        settings = shown(screen.query_one("#campaign-settings-body", Static))
        for words in ("caller id", "+1555010", "calling hours", "MO 9:00 AM-6:00 PM", "America/New_York",
                      "max attempts", "retry period", "ring time", "status now", "Rescheduled"):
            assert words in settings, words
        lists = screen.query_one("#campaign-lists", OptionList)
        assert app.focused is lists
        assert [lists.get_option_at_index(i).id for i in range(lists.option_count)] == [VIP]
        await pilot.press("enter")  # the list opens in a browser
        await settle(pilot)
        assert isinstance(app.screen, BrowserScreen) and app.screen.list_id == VIP
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen


async def test_the_million_outcomes_load_only_the_pages_shown() -> None:
    app = app_on("cl-demo-1k")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = await open_campaign(pilot, "National survey campaign")
        campaign_id = screen.model.campaign_id
        assert outcome_pages(app.demo_server, campaign_id) == []  # the outcomes load when opened
        await pilot.press("2")
        await settle(pilot)
        view = screen.outcomes_view()
        assert app.focused is view.table
        assert view.table.row_count >= 1_000_000  # the server's total is a hint until the end is seen
        await pilot.press("end")
        await settle(pilot)
        assert view.table.row_count == 1_000_000 and view.table.cursor_row == 999_999
        last = view.table.current_row
        assert last is not None and last.phone_number
        pages = sorted(r.body["page"] for r in outcome_pages(app.demo_server, campaign_id))
        # The first page, the last, and the probe past it that proves the end: not the 9,998 between.
        assert len(pages) <= 4 and pages[0] == 1 and 10_000 in pages and max(pages) <= 10_001, pages
        assert "row 1,000,000 of 1,000,000" in str(view.status.render())


async def test_the_outcomes_filter_detail_copy_and_export_fields() -> None:
    app = app_on()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = await open_campaign(pilot, "VIP follow-up campaign")
        await pilot.press("2")
        await settle(pilot)
        view = screen.outcomes_view()
        assert view.table.row_count == 7
        text = table_text(view.table)
        for header in ("Phone", "Outcome", "Tries", "Bot status", "Dispositions", "Session id"):
            assert header in text
        first = data.campaign_outcome(SALES, data.find_campaign(SALES, screen.model.campaign_id), 2)
        assert view.detail.row is not None and view.detail.row["botSessionId"]
        await pilot.press("y")  # the session id, not the number
        assert app.clipboard == view.detail.row["botSessionId"]
        await pilot.press("slash", *first["phoneNumber"][:9])
        await settle(pilot)
        assert view.filtering and view.table.row_count == 1
        assert view.table.current_row.phone_number == first["phoneNumber"]
        assert view.model.export_fields is not None and "dialerOutcome" in view.model.export_fields
        await pilot.press("escape", "escape")  # the filter, then back to the campaigns
        await settle(pilot)
        assert isinstance(app.screen, BrowserScreen)


async def test_a_list_contact_knows_its_campaigns_once_their_outcomes_are_cached() -> None:
    app = app_on()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        view = app.screen.current_view()
        assert isinstance(view, ContactView)
        # Nothing is fetched for the pane: until the outcomes are cached, it says so.
        assert view.detail.campaigns is not None
        assert any("o loads them" in text or "outcome unknown" in text for _, text, _ in view.detail.campaigns)
        await pilot.press("o")  # 14 rows of outcomes, the do-not-call list, the details: no prompt
        await settle(pilot)
        states = {text.split(" (")[0]: tone for _, text, tone in view.detail.campaigns if tone != "note"}
        assert states == {"VIP follow-up campaign": DIALED, "VIP second round": DIALED}, view.detail.campaigns
        lines = " ".join(text for _, text, _ in view.detail.campaigns)
        assert "attempt" in lines and "session sess-" in lines

        await pilot.press("down", "down", "down", "down")  # row 4: queued in the second round
        await settle(pilot)
        states = {text.split(" (")[0]: tone for _, text, tone in view.detail.campaigns if tone != "note"}
        assert states == {"VIP follow-up campaign": DIALED, "VIP second round": PENDING}
        await pilot.press("down")  # row 5: beyond the second round's outcomes, which are all cached
        await settle(pilot)
        hits = {text.split(" (")[0]: (tone, text) for _, text, tone in view.detail.campaigns if tone != "note"}
        assert hits["VIP second round"][0] == NOT_DIALED and "not dialed yet" in hits["VIP second round"][1]
        assert hits["VIP follow-up campaign"][0] == DIALED


async def test_do_not_call_numbers_are_marked() -> None:
    app = app_on()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        view = app.screen.current_view()
        assert isinstance(view, ContactView)
        await pilot.press("down", "down", "down")  # row 3 is on the demo's do-not-call list
        await settle(pilot)
        assert not view.detail.dnc  # the do-not-call list is not cached yet
        await pilot.press("o")
        await settle(pilot)
        assert view.detail.dnc
        dnc = [text for label, text, tone in view.detail.campaigns if tone == "dnc"]
        assert dnc and dnc[0].startswith("Do not call (cl-demo-dnc)") and "global" in dnc[0], dnc
        assert " DNC " in shown(view.detail.query_one(Static))
        # The table marks it too, and only it (wide screens: the column is beyond 80).
        lines = table_text(view.table).splitlines()
        assert "DNC" in lines[0]
        marked = [n - 1 for n, line in enumerate(lines[1:8], start=1) if line.rstrip().endswith("DNC")]
        assert marked == [3], marked
        await pilot.press("up")
        await settle(pilot)
        assert not view.detail.dnc


async def test_a_directory_contact_has_a_campaigns_section_and_o_costs_its_words_first() -> None:
    app = app_on("cl-demo-1m")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        view = app.screen.current_view()
        assert isinstance(view, ContactView)
        await pilot.press("o")  # the national survey's million outcomes: the cost first
        await settle(pilot)
        from kore_tui.ui.screens.prompt import ConfirmPrompt

        assert isinstance(app.screen, ConfirmPrompt)
        assert "1,000,000 rows ≈ 10,000 requests" in app.screen.question
        campaign = next(c for c in data.campaigns_of(SALES) if c.lists == ("cl-demo-1m",))
        await pilot.press("escape")
        await settle(pilot)
        assert outcome_pages(app.demo_server, campaign.id) == []
        await pilot.press("2")
        await settle(pilot)
        directory = app.screen.current_view()
        assert isinstance(directory, ContactView) and directory.model.is_directory
        assert directory.detail.campaigns is not None and directory.detail.campaigns
