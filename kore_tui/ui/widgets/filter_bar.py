"""FilterBar: the `/` filter's input line above a table."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import Input, Label


class FilterBar(Horizontal):
    """Hidden until `/`. Posts Changed as the text changes, Closed on Esc (the filter is cleared)."""

    BINDINGS = [Binding("escape", "close", "Clear filter", id="filter.clear")]


    class Changed(Message):
        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    class Closed(Message):
        pass

    class Accepted(Message):
        pass

    def compose(self) -> ComposeResult:
        return []  # its line is made on the first `/` (see open): a view opens sooner without it

    @property
    def input(self) -> Input:
        return self.query_one(Input)

    @property
    def text(self) -> str:
        return self.input.value.strip() if self.has_class("-open") else ""

    def open(self) -> None:
        self.add_class("-open")
        if not self.children:
            self.mount(Label("/"), Input(placeholder="any text, or a number in any written form",
                                         select_on_focus=False))
        self.input.cursor_blink = getattr(self.app, "blink", True)
        # At once, not a tick later as focus() does: keys typed in the same burst as `/` are
        # already queued, and they are the filter's text.
        self.screen.set_focus(self.input)

    def action_close(self) -> None:
        self.input.value = ""
        self.remove_class("-open")
        self.post_message(self.Closed())

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.post_message(self.Changed(event.value.strip()))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.post_message(self.Accepted())
