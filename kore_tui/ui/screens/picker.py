"""PickerScreen: the profile's streams (most recently used first) and a stream's contact lists."""

from __future__ import annotations

from collections.abc import Iterable

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

from kore_tui.api.errors import ApiError
from kore_tui.api.models import ContactList
from kore_tui.config import Profile, Stream
from kore_tui.session import Session
from kore_tui.ui.kore_app import kore_app
from kore_tui.ui.safe_text import clean, fit
from kore_tui.ui.screens.prompt import TextPrompt
from kore_tui.ui.widgets.key_hints import KeyHints
from kore_tui.ui.widgets.status_line import StatusLine
from kore_tui.ui.widgets.title_bar import TitleBar


class StreamList(OptionList):
    """The profile's streams."""

    BINDINGS = [
        Binding("a", "screen.add_stream", "Add stream", id="picker.add-stream"),
        Binding("n", "screen.rename_stream", "Rename", show=False, id="picker.rename-stream"),  # in ? help: the footer keeps
        Binding("delete,x", "screen.remove_stream", "Remove", show=False, id="picker.remove-stream"),  # room for ? at 80 cols
    ]


class ContactListList(OptionList):
    """The chosen stream's contact lists: name, size, status."""


class ListFilter(Input):
    """Typing filters the lists; up and down move through the lists left, Enter opens one."""

    BINDINGS = [
        Binding("down", "step(1)", "Next list", show=False, id="lists.next"),
        Binding("up", "step(-1)", "Previous list", show=False, id="lists.previous"),
    ]

    class Stepped(Message):
        def __init__(self, step: int) -> None:
            super().__init__()
            self.step = step

    def action_step(self, step: int) -> None:
        self.post_message(self.Stepped(step))


def list_prompt(lst: ContactList) -> Text:
    count = "?" if lst.total_record_count is None else f"{lst.total_record_count:,}"
    return Text.assemble(
        fit(clean(lst.name or lst.id), 28), " ", (f"{count:>10}", "cyan"), "  ", (fit(clean(lst.status or "-"), 8), "dim")
    )


class PickerScreen(Screen[None]):
    BINDINGS = [
        Binding("question_mark", "app.help", "Help", key_display="?", id="app.help"),  # here, not last: seen at 80 cols
        Binding("c", "directory", "Directory", id="picker.directory"),
        Binding("slash", "filter", "Filter", key_display="/", id="picker.filter"),
        Binding("r", "reload", "Reload", id="picker.reload"),
        Binding("f", "find_number", "Find number", id="picker.find-number"),
        Binding("ctrl+o", "app.switch_profile", "Profiles", id="app.profiles"),
    ]

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        self.lists: list[ContactList] = []
        self.lists_stream: str | None = None

    @property
    def profile(self) -> Profile:
        return self.session.profile

    def _save_profile(self) -> None:
        kore_app(self).save_profile(self.profile)

    def compose(self) -> ComposeResult:
        yield TitleBar()
        with Horizontal(id="picker"):
            with Vertical(id="streams-pane"):
                yield Label("Streams", classes="pane-title")
                yield StreamList(id="streams")
            with Vertical(id="lists-pane"):
                yield Label("Contact lists", classes="pane-title", id="lists-title")
                yield ListFilter(placeholder="type to filter lists", id="list-filter", select_on_focus=False)
                yield ContactListList(id="lists")
        yield StatusLine(id="picker-status")
        yield KeyHints()

    def on_mount(self) -> None:
        self.query_one("#list-filter", Input).cursor_blink = getattr(self.app, "animate", True)
        self.fill_streams()
        streams = self.query_one(StreamList)
        streams.focus()
        if streams.option_count:
            streams.highlighted = 0
        else:
            self.query_one(StatusLine).show(position="No streams yet: press a to add one.")

    # -- streams --------------------------------------------------------------------------------

    def fill_streams(self, keep: str | None = None) -> None:
        streams = self.query_one(StreamList)
        streams.clear_options()
        for stream in self.profile.streams_by_recent_use():
            label = Text.assemble(clean(stream.label), "\n", (clean(stream.id), "dim")) if stream.name else Text(clean(stream.id))
            streams.add_option(Option(label, id=stream.id))
        if keep is not None:
            index = next((i for i, s in enumerate(self.profile.streams_by_recent_use()) if s.id == keep), None)
            if index is not None:
                streams.highlighted = index

    def current_stream(self) -> Stream | None:
        streams = self.query_one(StreamList)
        if streams.highlighted is None:
            return None
        stream_id = streams.get_option_at_index(streams.highlighted).id
        return next((s for s in self.profile.streams if s.id == stream_id), None)

    @on(OptionList.OptionHighlighted, "#streams")
    def _stream_highlighted(self) -> None:
        stream = self.current_stream()
        if stream is not None and stream.id != self.lists_stream:
            self.load_lists(stream.id)

    @on(OptionList.OptionSelected, "#streams")
    def _stream_selected(self) -> None:
        self.query_one(ContactListList).focus()

    def action_add_stream(self) -> None:
        def added(answer: str | None) -> None:
            if answer:
                self.profile.touch_stream(answer)
                self._save_profile()
                self.fill_streams(keep=answer)

        self.app.push_screen(TextPrompt("Add a stream by its id (App Settings shows it):", placeholder="st-…"), added)

    def action_rename_stream(self) -> None:
        stream = self.current_stream()
        if stream is None:
            return

        def renamed(answer: str | None) -> None:
            if answer is not None:
                stream.name = answer
                self._save_profile()
                self.fill_streams(keep=stream.id)

        self.app.push_screen(TextPrompt(f"Name for {clean(stream.id)}:", stream.name), renamed)

    def action_remove_stream(self) -> None:
        stream = self.current_stream()
        if stream is None:
            return
        self.profile.streams.remove(stream)
        self._save_profile()
        self.lists_stream = None
        self.fill_streams()
        self.notify(f"Removed stream {clean(stream.id)}", markup=False)

    # -- contact lists ----------------------------------------------------------------------------

    @work(exclusive=True, group="lists")
    async def load_lists(self, stream_id: str, refresh: bool = False) -> None:
        status = self.query_one(StatusLine)
        self.lists_stream = stream_id
        self.lists = []
        self.fill_lists()
        status.show(position=f"Stream {clean(stream_id)}", activity="loading contact lists…", error="")
        try:
            # From a fresh cache when there is one: reopening the picker costs no request.
            self.lists = await self.session.contact_lists(stream_id, refresh=refresh)
        except ApiError as exc:
            status.show(activity="", error=f"{exc.kind}: {exc}")
            return
        self.fill_lists()
        status.show(position=f"Stream {clean(stream_id)}: {len(self.lists)} contact lists", activity="")

    def fill_lists(self) -> None:
        needle = self.query_one("#list-filter", Input).value.strip().casefold()
        option_list = self.query_one(ContactListList)
        option_list.clear_options()
        shown = [lst for lst in self.lists if not needle or needle in
                 f"{lst.name or ''} {lst.id} {lst.status or ''}".casefold()]
        option_list.add_options(Option(list_prompt(lst), id=lst.id) for lst in shown)
        if shown:
            option_list.highlighted = 0

    @on(Input.Changed, "#list-filter")
    def _filter_changed(self) -> None:
        self.fill_lists()

    @on(ListFilter.Stepped)
    def _filter_stepped(self, event: ListFilter.Stepped) -> None:
        option_list = self.query_one(ContactListList)
        if event.step > 0:
            option_list.action_cursor_down()
        else:
            option_list.action_cursor_up()

    @on(Input.Submitted, "#list-filter")
    def _filter_submitted(self) -> None:
        # Enter in the filter opens the best match, as in any fuzzy picker.
        option_list = self.query_one(ContactListList)
        option_list.focus()
        if option_list.highlighted is not None:
            option_list.action_select()

    def on_key(self, event: events.Key) -> None:
        # Typing on the list filters it, as in any picker.
        if self.focused is self.query_one(ContactListList) and event.is_printable and event.character not in ("/", "c", "r", "f", "?"):
            filter_input = self.query_one("#list-filter", Input)
            filter_input.focus()
            filter_input.insert_text_at_cursor(event.character or "")
            event.stop()

    @on(OptionList.OptionSelected, "#lists")
    def _list_selected(self, event: OptionList.OptionSelected) -> None:
        stream = self.current_stream()
        chosen = next((lst for lst in self.lists if lst.id == event.option.id), None)
        if stream is not None and chosen is not None:
            self.open_browser(stream.id, chosen)

    def open_browser(self, stream_id: str, contact_list: ContactList | None) -> None:
        from kore_tui.ui.screens.browser import BrowserScreen

        self.profile.touch_stream(stream_id)
        self._save_profile()
        self.app.push_screen(BrowserScreen(self.session, stream_id, contact_list.id if contact_list else None,
                                           contact_list=contact_list))

    def on_screen_resume(self) -> None:
        if self.lists_stream:
            self.fill_streams(keep=self.lists_stream)

    def action_directory(self) -> None:
        stream = self.current_stream()
        if stream is not None:
            self.open_browser(stream.id, None)

    def action_find_number(self) -> None:
        from kore_tui.ui.screens.browser import ask_and_find

        stream = self.current_stream()
        if stream is not None:
            ask_and_find(self, self.session, stream.id)

    def action_filter(self) -> None:
        self.query_one("#list-filter", Input).focus()

    def action_reload(self) -> None:
        stream = self.current_stream()
        if stream is not None:
            self.load_lists(stream.id, refresh=True)

    def palette_commands(self) -> Iterable[SystemCommand]:
        yield SystemCommand("Add stream", "Add a stream by its id", self.action_add_stream)
        yield SystemCommand("Open contacts directory", "The highlighted stream's contacts", self.action_directory)
        yield SystemCommand("Reload contact lists", "Ask the server again", self.action_reload)
