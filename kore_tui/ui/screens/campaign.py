"""CampaignScreen: one campaign. Its settings and status with the lists it dials (Enter on a list
opens it in a browser), and its per-number outcomes in a table like a list's (the same filter,
sort, detail pane, copy and export), read page by page as they are shown."""

from __future__ import annotations

from collections.abc import Iterable

from rich.table import Table
from rich.text import Text
from textual import events, work
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Container, Vertical, VerticalScroll
from textual.widgets import Label, OptionList, Static
from textual.widgets.option_list import Option

from kore_tui.api.errors import ApiError
from kore_tui.api.models import Campaign, ContactList, ContactListDetails
from kore_tui.session import Session
from kore_tui.ui.columns import OUTCOME_COLUMNS, OUTCOME_FIELD_ORDER
from kore_tui.ui.compat import breakpoint_classes
from kore_tui.ui.safe_text import clean
from kore_tui.ui.screens.browser import Edge, Views
from kore_tui.ui.screens.filter_escape import FilterEscape
from kore_tui.ui.screens.prompt import GoToRowPrompt
from kore_tui.ui.widgets.contact_view import ContactView
from kore_tui.ui.widgets.detail_pane import parse_timestamp
from kore_tui.ui.widgets.key_hints import KeyHints
from kore_tui.ui.widgets.title_bar import TitleBar
from kore_tui.ui.widgets.view_bar import ViewBar
from kore_tui.views.campaigns import CampaignModel, settings_lines
from kore_tui.views.contacts import short_error
from kore_tui.views.format import age

SETTINGS, OUTCOMES = "campaign", "outcomes"


class CampaignPage(Container):
    """The campaign's settings and status, beside (or above) the lists it dials."""

    SCOPED_CSS = False  # its rules start at the screen (its breakpoint classes)
    DEFAULT_CSS = """
    CampaignPage { height: 1fr; layout: vertical; }
    CampaignPage #campaign-settings { height: 1fr; padding: 0 1; }
    CampaignPage #campaign-lists-pane { height: auto; max-height: 45%; border-top: hkey $panel-lighten-2; }
    CampaignPage #campaign-lists { height: auto; max-height: 100%; border: none; }
    CampaignPage #campaign-lists:focus { background-tint: $primary 5%; }
    Screen.-wide CampaignPage { layout: horizontal; }
    Screen.-wide CampaignPage #campaign-settings { width: 1fr; height: 1fr; }
    Screen.-wide CampaignPage #campaign-lists-pane {
        width: 1fr; height: 1fr; max-height: 100%; border-top: none; border-left: vkey $panel-lighten-2;
    }
    """


class CampaignScreen(FilterEscape):
    BLANK = True
    BINDINGS = [
        Binding("question_mark", "app.help", "Help", key_display="?", id="app.help"),
        Binding("escape", "clear_filter", "Clear filter", id="campaign.clear-filter"),
        Binding("escape", "back", "Back", id="campaign.back"),
        Binding("1", "view('campaign')", "Campaign", show=False, id="campaign.settings"),
        Binding("2", "view('outcomes')", "Outcomes", id="campaign.outcomes"),
        Binding("tab", "next_view", "Switch view", show=False, id="campaign.next-view"),
        Binding("r", "retry", "Retry/refresh", id="campaign.retry"),
        Binding("colon,ctrl+g", "go_to_row", "Go to row", key_display=":", show=False, id="campaign.go-to-row"),
        Binding("e", "export", "Export", id="campaign.export"),
    ]
    KEY_HINTS_KEEP = ("campaign.back", "campaign.clear-filter", "campaign.outcomes", "browser.filter")

    def __init__(self, session: Session, stream_id: str, model: CampaignModel) -> None:
        super().__init__()
        self.session = session
        self.stream_id = stream_id
        self.model = model
        self.settings: Campaign | None = model.links.campaign if model.links else None
        self.status_text = ""
        self.list_details: dict[str, ContactListDetails] = {}
        self.problem = ""

    # -- layout ---------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        self.update_classes(breakpoint_classes(self, *self.app.size), animate=False)
        self._set_title()
        with Edge(classes="-top"):
            yield TitleBar()
        with Edge():
            yield ViewBar({SETTINGS: "1 Campaign", OUTCOMES: "2 Outcomes"}, SETTINGS)
        with Views(initial=SETTINGS), CampaignPage(id=SETTINGS):  # the outcomes: added on first use
            with VerticalScroll(id="campaign-settings"):
                yield Static(self._settings_table(), id="campaign-settings-body")
            with Vertical(id="campaign-lists-pane"):
                yield Label("Contact lists · Enter opens one", classes="pane-title", markup=False)
                yield OptionList(*self._list_options(), id="campaign-lists")
        with Edge(classes="-bottom"):
            yield KeyHints()

    @property
    def campaign_name(self) -> str:
        c = self.settings
        return (c.name if c is not None and c.name else None) or self.model.campaign_id

    def _set_title(self) -> None:
        stream = next((s for s in self.session.profile.streams if s.id == self.stream_id), None)
        label = stream.label if stream else self.stream_id
        self.title = clean(f"{label} · campaign {self.campaign_name}")

    def on_mount(self) -> None:
        self.load_settings()
        self.call_after_refresh(self._focus)

    def on_resize(self, event: events.Resize) -> None:
        if event.size == self.outer_size:  # see BrowserScreen.on_resize
            event.prevent_default()

    def on_screen_resume(self) -> None:
        self._focus()

    def _focus(self) -> None:
        if self.open_view == OUTCOMES:
            self.outcomes_view().focus_table()
        else:
            self.query_one("#campaign-lists", OptionList).focus()

    # -- the settings and the lists -------------------------------------------------------------

    @work(exclusive=True, group="campaign-settings", description="read the campaign's settings and status")
    async def load_settings(self) -> None:
        """Its settings and status (a request each), and its lists' details (one each, cached)."""
        self.problem = ""
        try:
            self.settings = await self.model.settings()
            self._set_title()
            status = await self.model.status()
            self.status_text = status.status or ""
            self.list_details = {d.id: d for d in await self.model.list_details()}
        except ApiError as exc:
            self.problem = short_error(exc)
        self._show_settings()

    def _show_settings(self) -> None:
        self.query_one("#campaign-settings-body", Static).update(self._settings_table())
        lists = self.query_one("#campaign-lists", OptionList)
        highlighted = lists.highlighted
        lists.clear_options()
        lists.add_options(self._list_options())
        if highlighted is not None and highlighted < lists.option_count:
            lists.highlighted = highlighted

    def _settings_table(self) -> Table:
        grid = Table.grid(padding=(0, 1))
        grid.add_column(style="bold", no_wrap=True)
        grid.add_column(overflow="fold")
        if self.problem:
            grid.add_row(Text("error", style="bold red"), Text(clean(self.problem) + "  r retries", style="red"))
        if self.status_text:
            grid.add_row(Text("status now"), Text(clean(self.status_text), style="bold"))
        if self.settings is None:
            grid.add_row(Text(""), Text("Loading the campaign…", style="dim"))
            return grid
        now = self.session.clock()
        for label, text in settings_lines(self.settings):
            moment = parse_timestamp(text) if label in ("created", "updated", "last run") else None
            if moment is not None:
                text = f"{moment.astimezone():%Y-%m-%d %H:%M %Z} ({age(now - moment.timestamp())})"
            grid.add_row(Text(label), Text(clean(text)))
        return grid

    def _lists(self) -> tuple[ContactList, ...]:
        return self.model.links.lists if self.model.links else ()

    def _list_options(self) -> list[Option]:
        options = []
        dnc_ids = {ref.id for ref in (self.model.links.dnc if self.model.links else ()) if ref.id}
        for lst in self._lists():
            rows = "?" if lst.total_record_count is None else f"{lst.total_record_count:,}"
            details = self.list_details.get(lst.id)
            flags = " · DNC" if lst.id in dnc_ids or (details is not None and details.is_global_dnc) else ""
            options.append(Option(Text(clean(f"{lst.name or lst.id} · {rows} rows{flags}"), no_wrap=True,
                                       overflow="ellipsis"), id=lst.id))
        if not options:
            options.append(Option(Text("No list of the stream is linked to this campaign.", style="dim"),
                                   disabled=True))
        return options

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        found = next((lst for lst in self._lists() if lst.id == event.option.id), None)
        if found is None:
            return
        from kore_tui.ui.screens.browser import BrowserScreen

        self.app.push_screen(BrowserScreen(self.session, self.stream_id, found.id, contact_list=found))

    # -- the views ------------------------------------------------------------------------------

    @property
    def open_view(self) -> str:
        return self.query_one(ViewBar).open_view

    def outcomes_view(self) -> ContactView:
        return self.query_one(Views).query_one(f"#{OUTCOMES}", ContactView)

    def _outcomes(self) -> ContactView:
        model = self.model.outcomes()
        model.region = self.session.region
        return ContactView(model, OUTCOME_COLUMNS, OUTCOME_FIELD_ORDER, clock=self.session.clock, id=OUTCOMES)

    async def show_view(self, which: str) -> None:
        views = self.query_one(Views)
        if not await views.open(which, self._outcomes):  # the outcomes: made on first use, the table loads then
            return
        which = views.current or which
        self.query_one(ViewBar).open_view = which
        self.refresh_bindings()
        self.call_after_refresh(self._focus)

    def on_view_bar_chosen(self, event: ViewBar.Chosen) -> None:
        self.action_view(event.view)

    def action_view(self, which: str) -> None:
        self.run_worker(self.show_view(which), group="show-view")

    def action_next_view(self) -> None:
        self.action_view(OUTCOMES if self.open_view == SETTINGS else SETTINGS)

    def action_retry(self) -> None:
        if self.open_view == OUTCOMES:
            self.outcomes_view().retry()
        else:
            self.load_settings()

    def action_go_to_row(self) -> None:
        if self.open_view != OUTCOMES:
            return
        view = self.outcomes_view()
        if view.table.row_count == 0:
            return

        def chosen(answer: str | None) -> None:
            if answer and answer.isdigit():
                view.table.go_to_row(max(1, min(int(answer), view.table.row_count)) - 1)
                view.focus_table()

        self.app.push_screen(GoToRowPrompt(view.table.row_count), chosen)

    def action_export(self) -> None:
        if self.open_view != OUTCOMES:
            self.notify("Export writes the outcomes: 2 opens them.", markup=False)
            return
        from kore_tui.ui.screens.export import ExportScreen

        self.app.push_screen(ExportScreen(self.outcomes_view()))

    def shown_contact_view(self) -> ContactView | None:
        if self.open_view != OUTCOMES or not self.query_one(Views).query(f"#{OUTCOMES}"):
            return None
        return self.outcomes_view()

    def action_back(self) -> None:
        self.dismiss()

    def palette_commands(self) -> Iterable[SystemCommand]:
        yield SystemCommand("Campaign settings", "Its settings, status and lists", lambda: self.action_view(SETTINGS))
        yield SystemCommand("Campaign outcomes", "Each dialed number and how it went",
                            lambda: self.action_view(OUTCOMES))
        yield SystemCommand("Export the outcomes", "All, or the filter's matches, to CSV or JSONL", self.action_export)


__all__ = ["CampaignScreen"]
