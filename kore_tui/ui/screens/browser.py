"""BrowserScreen: a stream's contacts directory, one contact list's contacts when chosen, and the
stream's campaigns (each opens in a CampaignScreen)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from textual import events, work
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Container
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import ContentSwitcher

from kore_tui.api.errors import ApiError
from kore_tui.api.models import ContactList
from kore_tui.cache import DIRECTORY
from kore_tui.session import Session
from kore_tui.ui.columns import DIRECTORY_COLUMNS, DIRECTORY_FIELD_ORDER, LIST_COLUMNS, LIST_FIELD_ORDER
from kore_tui.ui.compat import breakpoint_classes
from kore_tui.ui.safe_text import clean
from kore_tui.ui.screens.filter_escape import FilterEscape
from kore_tui.ui.screens.prompt import GoToRowPrompt, TextPrompt
from kore_tui.ui.widgets.campaigns_view import CampaignsView
from kore_tui.ui.widgets.contact_view import ContactView
from kore_tui.ui.widgets.key_hints import KeyHints
from kore_tui.ui.widgets.title_bar import TitleBar
from kore_tui.ui.widgets.view_bar import ViewBar
from kore_tui.views.contacts import ContactsModel


def ask_and_find(screen: Screen[Any], session: Session, stream_id: str) -> None:
    """Ask for a number, then show where it is in the stream."""
    from kore_tui.ui.screens.lookup import LookupScreen

    def asked(phone: str | None) -> None:
        if phone:
            screen.app.push_screen(LookupScreen(session, stream_id, phone))

    screen.app.push_screen(TextPrompt("Find a phone number (any format; matched by digits):",
                                      placeholder="+1 555 000 0000"), asked)


CAMPAIGNS = "campaigns"  # the id of the campaigns view


class Views(ContentSwitcher):
    """The open view, of the browser's views (each a ContactView, by id)."""

    BLANK = True  # covered by the view it shows: spares every frame (one per cursor move) from drawing it

    _mounting: frozenset[str] = frozenset()  # views being mounted (made on first use)
    _wanted = ""  # the view the last call asked for

    async def open(self, which: str, make: Callable[[], Widget]) -> bool:
        """Show view ``which``, made with ``make()`` and mounted first when it is not there yet.
        The last call wins: a key pressed again before a view is mounted neither mounts a
        second one nor shows an older choice. False when nothing was shown (still mounting)."""
        self._wanted = which
        if not self.query(f"#{which}") and which not in self._mounting:
            self._mounting = self._mounting | {which}
            try:
                await self.add_content(make())
            finally:
                self._mounting = self._mounting - {which}
        which = self._wanted
        if not self.query(f"#{which}"):
            return False  # the call that mounts it shows it
        self.current = which
        return True


class Edge(Container):
    """A one-line strip for a bar (the title, the views, the key hints), at the top or bottom of
    the screen with ``-top`` or ``-bottom``.

    Textual's compositor redraws every widget whose parent's area touches a repainted line, so
    a bar docked on the screen itself is redrawn on every frame (each cursor move); in this
    strip it is redrawn only when its own line is."""

    BLANK = True
    DEFAULT_CSS = """
    Edge { height: 1; }
    Edge.-top { dock: top; }
    Edge.-bottom { dock: bottom; }
    """


class BrowserScreen(FilterEscape):
    BLANK = True  # covered by the title bar, the view bar, the view and the key hints
    # The first view's table has the keys from the first frame: focused later, its restyle (and
    # the key hints') would cost a second layout just as the first rows arrive. After that, the
    # open view's table takes the keys once the switcher has shown it (see _focus_table).
    AUTO_FOCUS = "LazyTable"
    BINDINGS = [
        Binding("question_mark", "app.help", "Help", key_display="?", id="app.help"),  # here, not last: seen at 80 cols
        # Esc: clears the filter first, then goes back; check_action picks, and the hints say which.
        Binding("escape", "clear_filter", "Clear filter", id="browser.clear-filter"),
        Binding("escape", "back", "Back", id="browser.back"),
        Binding("1", "view('list')", "List", show=False, id="browser.list"),
        Binding("2", "view('directory')", "Directory", show=False, id="browser.directory"),
        Binding("3", "view('campaigns')", "Campaigns", show=False, id="browser.campaigns"),
        Binding("tab", "next_view", "Switch view", show=False, id="browser.next-view"),
        Binding("r", "retry", "Retry/refresh", id="browser.retry"),
        Binding("colon,ctrl+g", "go_to_row", "Go to row", key_display=":", id="browser.go-to-row"),
        Binding("f", "find_number", "Find number", id="browser.find-number"),
        Binding("e", "export", "Export", id="browser.export"),
        Binding("i", "insights", "Insights", show=False, id="browser.insights"),
    ]
    # Kept on a narrow key hints line, with ? and ^q (the rest: ? help).
    KEY_HINTS_KEEP = ("browser.filter", "browser.back", "browser.clear-filter", "browser.export")

    def __init__(self, session: Session, stream_id: str, list_id: str | None, *,
                 contact_list: ContactList | None = None) -> None:
        super().__init__()
        self.session = session
        self.stream_id = stream_id
        self.list_id = list_id
        self.contact_list = contact_list

    def compose(self) -> ComposeResult:
        # Textual sets the breakpoint classes (-wide / -narrow) on the Resize that follows the
        # first layout; set now, the first layout is already the right one (a second layout and
        # restyle cost ~25 ms before the first rows could be painted).
        self.update_classes(breakpoint_classes(self, *self.app.size), animate=False)
        self._set_title()  # before the title bar mounts: it shows it from the start
        with Edge(classes="-top"):
            yield TitleBar()
        first = "list" if self.list_id else "directory"
        with Edge():
            yield ViewBar(self._view_labels(), first)
        with Views(initial=first):
            # The directory view is made when it is first opened, so opening a list costs the
            # list's request only.
            yield self._first_view(self.list_id or DIRECTORY)
        with Edge(classes="-bottom"):
            yield KeyHints()

    def _first_view(self, list_id: str) -> ContactView:
        """The view shown first: its first page is asked for now, while the screen is built
        (mounting it takes longer than the request)."""
        view = self._view(list_id)
        view.prefetch()
        return view

    def _view_labels(self) -> dict[str, str]:
        labels = {"list": f"1 List: {self._list_name()}"} if self.list_id else {}
        return labels | {"directory": "2 Directory", CAMPAIGNS: "3 Campaigns"}

    def _list_name(self) -> str:
        return (self.contact_list.name if self.contact_list and self.contact_list.name else None) or self.list_id or ""

    def _view(self, list_id: str) -> ContactView:
        source = self.session.source(self.stream_id, list_id)
        clock = self.session.clock
        region = self.session.region
        if list_id == DIRECTORY:
            model = ContactsModel(source, noun="contacts in the directory")
            model.region = region
            return ContactView(model, DIRECTORY_COLUMNS, DIRECTORY_FIELD_ORDER, clock=clock, id="directory")
        expected = self.contact_list.total_record_count if self.contact_list else None
        model = ContactsModel(source, noun="contacts in this list", expected_rows=expected)
        model.region = region
        return ContactView(model, LIST_COLUMNS, LIST_FIELD_ORDER, clock=clock, id="list")

    def _campaigns_view(self) -> CampaignsView:
        return CampaignsView(self.session, self.stream_id, clock=self.session.clock, id=CAMPAIGNS)

    def on_mount(self) -> None:
        if self.list_id and self.contact_list is None:
            self.find_list_name()

    def _set_title(self) -> None:
        stream = next((s for s in self.session.profile.streams if s.id == self.stream_id), None)
        label = stream.label if stream else self.stream_id
        if self.list_id:
            self.title = clean(f"{label} · {self._list_name()}")  # the title bar shows titles as plain text
        else:
            self.title = clean(f"{label} · directory")

    @work(exclusive=True, group="list-name")
    async def find_list_name(self) -> None:
        """Opened by id (a deep link): one request for the list's name; failing that, the id will do."""
        try:
            lists = await self.session.contact_lists(self.stream_id)
        except ApiError:
            return
        found = next((lst for lst in lists if lst.id == self.list_id), None)
        if found is not None:
            self.contact_list = found
            self._set_title()
            self.query_one(ViewBar).set_label("list", self._view_labels()["list"])

    @property
    def open_view(self) -> str:
        """The id of the view shown: "list" or "directory"."""
        return self.query_one(ViewBar).open_view

    def current_view(self) -> ContactView | CampaignsView:
        """The open view: a table of contacts, or the stream's campaigns."""
        view = self.query_one(Views).query_one(f"#{self.open_view}")
        assert isinstance(view, (ContactView, CampaignsView))
        return view

    async def show_view(self, which: str) -> None:
        """Open a view (made on first use) and give its table the keys."""
        views = self.query_one(Views)
        # The directory and the campaigns are made late (see compose).
        make = self._campaigns_view if which == CAMPAIGNS else (lambda: self._view(DIRECTORY))
        if not await views.open(which, make):
            return
        which = views.current or which
        self.query_one(ViewBar).open_view = which
        self.refresh_bindings()  # each view has its own filter: Esc clears it, or goes back
        self._focus_table()

    def on_view_bar_chosen(self, event: ViewBar.Chosen) -> None:
        self.action_view(event.view)

    def on_screen_resume(self) -> None:
        self._focus_table()

    def on_resize(self, event: events.Resize) -> None:
        # A screen just pushed gets a Resize to the size it was laid out at, on which Textual
        # lays it, and each screen below it, out again: ~25 ms each, just as the first rows
        # could be drawn. A real resize (a size not yet laid out) goes through.
        if event.size == self.outer_size:  # the size of its last layout
            event.prevent_default()

    def _focus_table(self) -> None:
        # The switcher shows the open view after a refresh; a hidden table cannot take focus.
        self.call_after_refresh(lambda: self.current_view().focus_table())

    def action_view(self, which: str) -> None:
        if which in self._view_labels():
            self.run_worker(self.show_view(which), group="show-view")
        else:
            self.notify("No contact list is open: pick one on the previous screen (Esc).", markup=False)

    def action_next_view(self) -> None:
        views = list(self._view_labels())
        self.action_view(views[(views.index(self.open_view) + 1) % len(views)])

    def action_retry(self) -> None:
        self.current_view().retry()

    def action_toggle_detail(self) -> None:
        self.current_view().action_toggle_detail()

    def action_go_to_row(self) -> None:
        view = self.current_view()
        if view.table.row_count == 0:
            return

        def chosen(answer: str | None) -> None:
            if answer:
                try:
                    row = int(answer)
                except ValueError:
                    return
                view.table.go_to_row(max(1, min(row, view.table.row_count)) - 1)
                view.focus_table()

        self.app.push_screen(GoToRowPrompt(view.table.row_count), chosen)

    def action_find_number(self) -> None:
        ask_and_find(self, self.session, self.stream_id)

    def action_export(self) -> None:
        from kore_tui.ui.screens.export import ExportScreen

        view = self.current_view()
        if isinstance(view, CampaignsView):
            self.notify("Export writes contacts or outcomes: Enter opens a campaign, whose outcomes export.",
                        markup=False)
            return
        self.app.push_screen(ExportScreen(view))

    def action_insights(self) -> None:
        """List health at a glance: the open list's (or the directory's) figures, from the cache."""
        from kore_tui.ui.screens.insights import InsightsScreen
        from kore_tui.views.insights import InsightsModel

        view = self.current_view()
        if not isinstance(view, ContactView):
            self.notify("Insights are of a list or the directory: 1 or 2 opens one.", markup=False)
            return
        list_id = view.source.key.list
        name = self._list_name() if list_id else "directory"
        model = InsightsModel(self.session, self.stream_id, list_id, name=name)
        self.app.push_screen(InsightsScreen(model, view, title=f"{self.title} · insights"))

    def shown_contact_view(self) -> ContactView | None:
        views = self.query(Views)
        if not views or not views.first().query(f"#{self.open_view}"):
            return None
        view = self.current_view()
        return view if isinstance(view, ContactView) else None

    def action_back(self) -> None:
        if len(self.app.screen_stack) > 2:
            self.dismiss()

    def palette_commands(self) -> Iterable[SystemCommand]:
        yield SystemCommand("Go to row", "Jump to a row number", self.action_go_to_row)
        yield SystemCommand("Toggle detail pane", "Show or hide the contact's fields", self.action_toggle_detail)
        yield SystemCommand("Retry / refresh", "Ask the server again", self.action_retry)
        yield SystemCommand("Contacts directory", "The stream's contacts", lambda: self.action_view("directory"))
        yield SystemCommand("Campaigns", "The stream's campaigns, their lists and outcomes",
                            lambda: self.action_view(CAMPAIGNS))
        yield SystemCommand("Find a phone number", "In the directory and every list of this stream", self.action_find_number)
        yield SystemCommand("Export this view", "All rows, or the filter's matches, to CSV or JSONL", self.action_export)
        yield SystemCommand("Insights", "Duplicates, invalid numbers, countries, overlap, when it was filled",
                            self.action_insights)
        yield SystemCommand("Filter rows", "Show rows matching a text or number", lambda: self.current_view().action_filter())
