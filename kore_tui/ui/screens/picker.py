"""PickerScreen: the profile's streams (most recently used first) and a stream's contact lists.

Keys, as on every screen: letters are commands, `/` filters (here: the lists), Esc clears the
filter, and pressed again goes back (from the filter to the lists, from the lists to the
streams). The streams keep their order while the picker is open: they are sorted by recent use
when it opens, so the cursor never jumps under the user.
"""

from __future__ import annotations

from collections.abc import Iterable

from rich.text import Text
from textual import on, work
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
from kore_tui.views.format import plural

NAME_MIN = 8  # cells: a list's name is never cut shorter than this
COUNT_WIDTH = 10  # "1,000,000" and a space
STATUS_WIDTH = 8


class StreamList(OptionList):
    """The profile's streams."""

    BINDINGS = [
        Binding("a", "screen.add_stream", "Add stream", id="picker.add-stream"),
        # In ? help, off the key hints line: it keeps room for ? at 80 columns.
        Binding("n", "screen.rename_stream", "Rename", show=False, id="picker.rename-stream"),
        Binding("delete,x", "screen.remove_stream", "Remove", show=False, id="picker.remove-stream"),
    ]


class ContactListList(OptionList):
    """The chosen stream's contact lists: name, size, status, one line each (see list_prompt)."""


class ListFilter(Input):
    """`/` focuses it: typing filters the lists; up and down move through the lists left, Enter
    opens one, Esc clears it (the screen's `picker.back`)."""

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


def list_prompt(lst: ContactList, width: int = 50) -> Text:
    """One line of ``width`` cells: the name (cut with an ellipsis to what is left), the count and
    the status."""
    count = "?" if lst.total_record_count is None else f"{lst.total_record_count:,}"
    name_width = max(NAME_MIN, width - COUNT_WIDTH - 2 - STATUS_WIDTH)
    return Text.assemble(
        fit(clean(lst.name or lst.id), name_width), (f"{count:>{COUNT_WIDTH}}", "cyan"), "  ",
        (fit(clean(lst.status or "-"), STATUS_WIDTH), "dim"), no_wrap=True, end="",
    )


def option_width(option_list: OptionList, fallback: int) -> int:
    """The cells an option's prompt has (the list's width less its scrollbar and the option's
    padding); ``fallback`` before the first layout."""
    width = option_list.scrollable_content_region.width
    return width - 2 if width > 2 else fallback


class PickerScreen(Screen[None]):
    BINDINGS = [
        Binding("question_mark", "app.help", "Help", key_display="?", id="app.help"),  # here, not last: seen at 80 cols
        Binding("c", "directory", "Directory", id="picker.directory"),
        # Priority: it acts before the keys typed in the same burst are handed on (see action_filter).
        Binding("slash", "filter", "Filter", key_display="/", priority=True, id="picker.filter"),
        Binding("r", "reload", "Reload", id="picker.reload"),
        Binding("f", "find_number", "Find number", id="picker.find-number"),
        Binding("ctrl+o", "app.switch_profile", "Profiles", show=False, id="app.profiles"),
        # Esc: the first that applies (check_action) is the one in effect, and the hints say which.
        Binding("escape", "clear_filter", "Clear filter", id="picker.clear-filter"),
        Binding("escape", "back", "Back", show=False, id="picker.back"),
    ]
    # Kept on a narrow key hints line, with ? and ^q (the rest: ? help).
    KEY_HINTS_KEEP = ("picker.filter", "picker.directory", "picker.clear-filter")

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        self.lists: list[ContactList] = []
        self.lists_stream: str | None = None
        self.lists_loaded = False  # self.lists is the answer for lists_stream (not yet on its way)
        self.stream_order: list[str] = []  # stream ids as shown: by recent use when the picker opened

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
                yield ListFilter(placeholder="/ filters the lists · Esc clears", id="list-filter",
                                 select_on_focus=False)
                yield ContactListList(id="lists")
        yield StatusLine(id="picker-status")
        yield KeyHints()

    def on_mount(self) -> None:
        self.query_one("#list-filter", Input).cursor_blink = getattr(self.app, "blink", True)
        self.fill_streams()
        streams = self.query_one(StreamList)
        streams.focus()
        if streams.option_count:
            streams.highlighted = 0
        else:
            self.query_one(StatusLine).show(position="No streams yet: press a to add one.")

    # -- streams --------------------------------------------------------------------------------

    def ordered_streams(self) -> list[Stream]:
        """The profile's streams in the order shown: as sorted when the picker opened, a stream
        added since then first."""
        by_id = {s.id: s for s in self.profile.streams}
        new = [s.id for s in self.profile.streams_by_recent_use() if s.id not in self.stream_order]
        self.stream_order = [i for i in (*new, *self.stream_order) if i in by_id]
        return [by_id[i] for i in self.stream_order]

    def fill_streams(self, keep: str | None = None) -> None:
        streams = self.query_one(StreamList)
        highlighted = streams.highlighted
        width = option_width(streams, 24)
        streams.clear_options()
        ordered = self.ordered_streams()
        for stream in ordered:
            name, stream_id = fit(clean(stream.label), width).rstrip(), fit(clean(stream.id), width).rstrip()
            label = Text.assemble(name, "\n", (stream_id, "dim")) if stream.name else Text(stream_id)
            streams.add_option(Option(label, id=stream.id))
        index = next((i for i, s in enumerate(ordered) if s.id == keep), None) if keep is not None else highlighted
        if index is not None and index < len(ordered):
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
        self.lists_loaded = False
        self.fill_lists()
        status.show(position=f"Stream {clean(stream_id)}", activity="loading contact lists…", error="")
        try:
            # From a fresh cache when there is one: reopening the picker costs no request.
            self.lists = await self.session.contact_lists(stream_id, refresh=refresh)
        except ApiError as exc:
            status.show(activity="", error=f"{exc.kind}: {exc}")
            return
        self.lists_loaded = True
        self.fill_lists()
        status.show(activity="")

    def fill_lists(self, keep_cursor: bool = False) -> None:
        typed = self.query_one("#list-filter", Input).value.strip()
        needle = typed.casefold()
        option_list = self.query_one(ContactListList)
        highlighted = option_list.highlighted
        width = option_width(option_list, 50)
        option_list.clear_options()
        shown = [lst for lst in self.lists if not needle or needle in
                 f"{lst.name or ''} {lst.id} {lst.status or ''}".casefold()]
        option_list.add_options(Option(list_prompt(lst, width), id=lst.id) for lst in shown)
        if shown:
            option_list.highlighted = min(highlighted or 0, len(shown) - 1) if keep_cursor else 0
        if self.lists_stream and self.lists_loaded:
            self.query_one(StatusLine).show(position=self._lists_position(typed, len(shown)))

    def _lists_position(self, typed: str, shown: int) -> str:
        """'Stream st-1: 8 contact lists', '3 of 8 lists match 'sur'', 'no list matches 'xyz' (8 lists)'."""
        assert self.lists_stream is not None
        where = f"Stream {clean(self.lists_stream)}: "
        total = len(self.lists)
        if not typed:
            return where + plural(total, "contact list")
        if shown == 0:
            return where + f"no list matches '{clean(typed)}' ({plural(total, 'list')})"
        return where + f"{shown:,} of {plural(total, 'list')} match{'es' if shown == 1 else ''} '{clean(typed)}'"

    def on_resize(self) -> None:
        # The lists use the width they are given: their lines are made again at the new one.
        self.call_after_refresh(self._refit)

    def _refit(self) -> None:
        if self.is_attached:
            self.fill_streams()
            self.fill_lists(keep_cursor=True)

    @on(Input.Changed, "#list-filter")
    def _filter_changed(self) -> None:
        self.fill_lists()
        self.refresh_bindings()  # Esc clears the filter, or goes back

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
        # At once, not a tick later as focus() does: keys typed in the same burst as `/` are
        # already queued, and they are the filter's text.
        self.set_focus(self.query_one("#list-filter", Input))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "filter":
            return not isinstance(self.focused, Input)  # `/` typed in a text field is text
        if action == "clear_filter":
            return bool(self.query_one("#list-filter", Input).value)
        if action == "back":
            return not self.query_one("#list-filter", Input).value and not isinstance(self.focused, StreamList)
        return True

    def action_clear_filter(self) -> None:
        """Esc with a filter: cleared (the lists keep the keys; from the filter, they take them)."""
        filter_input = self.query_one("#list-filter", Input)
        filter_input.value = ""  # (Input.Changed refills the lists)
        if self.focused is filter_input:
            self.query_one(ContactListList).focus()

    def action_back(self) -> None:
        """Esc with no filter: back a step, from the filter line to the lists, from the lists to
        the streams."""
        if self.focused is self.query_one("#list-filter", Input):
            self.query_one(ContactListList).focus()
        else:
            self.query_one(StreamList).focus()

    def action_reload(self) -> None:
        stream = self.current_stream()
        if stream is not None:
            self.load_lists(stream.id, refresh=True)

    def palette_commands(self) -> Iterable[SystemCommand]:
        yield SystemCommand("Add stream", "Add a stream by its id", self.action_add_stream)
        yield SystemCommand("Open contacts directory", "The highlighted stream's contacts", self.action_directory)
        yield SystemCommand("Reload contact lists", "Ask the server again", self.action_reload)
