"""KeyHints: the keys the focused widget and its screen offer, on the bottom line."""

from __future__ import annotations

from dataclasses import dataclass

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual import events
from textual.screen import Screen
from textual.widget import Widget


@dataclass(frozen=True)
class Hint:
    key: str  # what a click presses
    shown: str  # the key as shown ("?", "^g")
    description: str
    enabled: bool
    kept: bool = False  # dropped last on a narrow line (Help, Quit, the screen's KEY_HINTS_KEEP)


ALWAYS_KEPT = ("app.help", "app.quit")


class KeyHints(Widget):
    """One line of key hints, in place of Textual's ``Footer``.

    ``Footer`` is a widget per key, and it rebuilds them all whenever the bindings change (each
    focus change, each screen pushed over it, even while hidden): ~15 ms a time here, three or
    four times as a screen opens, just as its first rows arrive. This one line only repaints.
    It also fits narrow terminals: descriptions are squeezed, then the palette's hint dropped,
    then the last hints, except Help, Quit and the ids of the screen's ``KEY_HINTS_KEEP`` (its
    primary actions), which go only when nothing else is left to drop (the rest are in ``?``
    help). A click on a hint presses its key.
    """

    DEFAULT_CSS = """
    KeyHints {
        dock: bottom;
        height: 1;
        background: $footer-background;
        color: $footer-foreground;
        text-wrap: nowrap;
    }
    KeyHints > .key-hints--key { color: $footer-key-foreground; background: $footer-key-background; text-style: bold; }
    KeyHints > .key-hints--description { color: $footer-description-foreground; background: $footer-description-background; }
    """
    COMPONENT_CLASSES = {"key-hints--key", "key-hints--description"}
    ALLOW_SELECT = False

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._spans: list[tuple[int, int, Hint]] = []  # (start, end, hint) on the line as drawn
        self._hints: tuple[list[Hint], Hint | None] | None = None  # until the bindings change

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: Screen) -> None:
        self._hints = None
        self.refresh()

    def hints(self) -> tuple[list[Hint], Hint | None]:
        """The shown bindings in the screen's order, one per action; and the palette's key.
        (Kept until the bindings change: working them out costs more than drawing the line.)"""
        if self._hints is None:
            self._hints = self._active_hints()
        return self._hints

    def _active_hints(self) -> tuple[list[Hint], Hint | None]:
        app = self.app
        active = self.screen.active_bindings
        kept = {*ALWAYS_KEPT, *getattr(self.screen, "KEY_HINTS_KEEP", ())}
        hints: list[Hint] = []
        actions: set[str] = set()
        for found in active.values():
            binding = found.binding
            if binding.show and binding.action not in actions:
                actions.add(binding.action)
                hints.append(Hint(binding.key, app.get_key_display(binding), binding.description, found.enabled,
                                  binding.id in kept))
        palette = None
        if app.ENABLE_COMMAND_PALETTE and (key := active.get(app.COMMAND_PALETTE_BINDING)) is not None:
            palette = Hint(key.binding.key, app.get_key_display(key.binding), key.binding.description, key.enabled)
        return hints, palette

    def render(self) -> Text:
        hints, palette = self.hints()
        width = self.size.width
        key_style = self.get_component_rich_style("key-hints--key")
        description_style = self.get_component_rich_style("key-hints--description")
        dim = Style(dim=True)

        def cells(hint: Hint, gap: int) -> list[tuple[str, Style]]:
            style = Style() if hint.enabled else dim
            pad = " " * gap
            return [(f"{pad}{hint.shown}{pad}", key_style + style),
                    (f"{' ' if gap == 0 else ''}{hint.description}{pad}", description_style + style)]

        def length(parts: list[list[tuple[str, Style]]]) -> int:
            return sum(cell_len(text) for part in parts for text, _ in part)

        tail = cells(palette, 1) if palette else []
        tail_width = sum(cell_len(text) for text, _ in tail)
        # Roomy (" ? Help "), then squeezed ("? Help"), then the last hints dropped.
        shown, parts = hints, [cells(hint, 1) for hint in hints]
        if length(parts) + tail_width > width:
            parts = [cells(hint, 0) + [(" ", Style())] for hint in hints]
        while shown and length(parts) + tail_width > width:
            if tail:
                tail, tail_width = [], 0
                continue
            # The last hint not kept goes first; the kept ones only when nothing else is left.
            drop = next((i for i in range(len(shown) - 1, -1, -1) if not shown[i].kept), len(shown) - 1)
            shown, parts = shown[:drop] + shown[drop + 1:], parts[:drop] + parts[drop + 1:]
        line = Text(no_wrap=True, overflow="crop", end="")
        self._spans = []
        for hint, part in zip(shown, parts):
            start = line.cell_len
            for text, style in part:
                line.append(text, style)
            self._spans.append((start, line.cell_len, hint))
        if tail:
            line.append(" " * max(0, width - line.cell_len - tail_width))
            start = line.cell_len
            for text, style in tail:
                line.append(text, style)
            assert palette is not None
            self._spans.append((start, line.cell_len, palette))
        return line

    def on_click(self, event: events.Click) -> None:
        for start, end, hint in self._spans:
            if start <= event.x < end:
                if hint.enabled:
                    self.app.simulate_key(hint.key)
                else:
                    self.app.bell()
                return
