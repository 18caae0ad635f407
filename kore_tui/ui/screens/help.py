"""HelpScreen: the keys of the screen it was opened from, and where the log is."""

from __future__ import annotations

from pathlib import Path

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Label, Static


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,q,question_mark", "dismiss", "Close", id="help.close")]

    def __init__(self, screen: Screen, log_file: Path) -> None:
        super().__init__()
        self.keys = _key_table(screen)
        self.log_file = log_file

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="help"):
            yield Label("Keys on this screen", classes="title")
            yield Static(self.keys)
            yield Static(Text.assemble(
                (self._palette_key(), "bold cyan"), "  command palette: every action by name, and the theme\n",
                ("Log file: ", "bold"), str(self.log_file),
            ))
            yield Label(f"{self._close_key()} closes", classes="hint")

    def _palette_key(self) -> str:
        return self.app.get_key_display(Binding(self.app.COMMAND_PALETTE_BINDING, "command_palette"))

    def _close_key(self) -> str:
        """The first key that closes help: Esc, or the first of [keymap]'s `help.close`."""
        keys = getattr(self.app, "keymap", {}).get("help.close")
        if not keys:
            return "Esc"
        return self.app.get_key_display(Binding(keys.split(",")[0], "dismiss"))

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(None)


def _key_table(screen: Screen) -> Table:
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold cyan", no_wrap=True)
    table.add_column()
    seen: set[str] = set()
    for active in screen.active_bindings.values():
        binding = active.binding
        if not binding.description or (binding.description, binding.action) in seen:
            continue
        if binding.action in ("command_palette", "app.command_palette"):
            continue  # its own line below the table says what it does
        seen.add((binding.description, binding.action))  # type: ignore[arg-type]
        keys = [k for k, a in screen.active_bindings.items() if a.binding.action == binding.action]
        shown = " ".join(screen.app.get_key_display(screen.active_bindings[k].binding) for k in keys)
        table.add_row(Text(shown), Text(binding.description))
    return table
