"""Small modal prompts: a line of text, a row number, a yes or no."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label


class TextPrompt(ModalScreen[str | None]):
    """Ask for one line; Enter answers, Esc cancels (answers None)."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="prompt.cancel")]

    def __init__(self, question: str, value: str = "", *, placeholder: str = "", integer: bool = False) -> None:
        super().__init__()
        self.question = question
        self.value = value
        self.placeholder = placeholder
        self.integer = integer

    def compose(self) -> ComposeResult:
        with Vertical(classes="prompt"):
            yield Label(self.question, markup=False)
            yield Input(self.value, placeholder=self.placeholder, type="integer" if self.integer else "text",
                        select_on_focus=True)
            yield Label("Enter accepts · Esc cancels", classes="hint")

    def on_mount(self) -> None:
        self.query_one(Input).cursor_blink = getattr(self.app, "blink", True)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value.strip() or None)

    def action_cancel(self) -> None:
        self.dismiss(None)


class GoToRowPrompt(TextPrompt):
    """Ask for a row number (1-based, as shown in the status line)."""

    def __init__(self, row_count: int) -> None:
        super().__init__(f"Go to row (1 to {row_count:,}):", integer=True, placeholder="row number")


class ConfirmPrompt(ModalScreen[bool]):
    """Say what is about to happen (a long fetch: its cost) and ask: Enter goes ahead (True),
    Esc does not (False)."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="prompt.cancel"),
        Binding("enter", "confirm", "Start", id="prompt.confirm"),
    ]

    def __init__(self, question: str, detail: str = "", *, go: str = "starts") -> None:
        super().__init__()
        self.question = question
        self.detail = detail
        self.go = go

    def compose(self) -> ComposeResult:
        with Vertical(classes="prompt"):
            yield Label(self.question, markup=False)
            if self.detail:
                yield Label(self.detail, markup=False, classes="estimate")
            yield Label(f"Enter {self.go} · Esc cancels", classes="hint", markup=False)

    def action_confirm(self) -> None:
        self.dismiss(True)

    def action_cancel(self) -> None:
        self.dismiss(False)
