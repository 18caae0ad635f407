"""ViewBar: the browser's views (a list, the directory) on one line, the open one marked."""

from __future__ import annotations

from rich.cells import cell_len
from rich.text import Text
from textual import events
from textual.message import Message
from textual.widget import Widget

from kore_tui.ui.safe_text import clean, fit


class ViewBar(Widget):
    """One line naming the views, the open one marked; a click opens a view.

    In place of Textual's ``TabbedContent``, whose tab strip is ten widgets (tabs, underline,
    their containers) to mount, style, lay out and draw twice as the browser opens, while its
    first rows are on their way (~20 ms of the ~120 ms from Enter to rows). Labels are server
    text (a list's name) and are shown as plain text.
    """

    DEFAULT_CSS = """
    ViewBar { height: 1; background: $panel; color: $text-muted; text-wrap: nowrap; }
    ViewBar > .view-bar--open { color: $text; background: $primary 40%; text-style: bold; }
    """
    COMPONENT_CLASSES = {"view-bar--open"}
    ALLOW_SELECT = False

    class Chosen(Message):
        """A view was clicked."""

        def __init__(self, view: str) -> None:
            super().__init__()
            self.view = view

    def __init__(self, views: dict[str, str], open_view: str, *, id: str | None = None) -> None:
        """``views``: id -> label, in order."""
        super().__init__(id=id)
        self._labels = {view: clean(label) for view, label in views.items()}
        self._open = open_view
        self._spans: list[tuple[int, int, str]] = []

    @property
    def open_view(self) -> str:
        return self._open

    @open_view.setter
    def open_view(self, view: str) -> None:
        if view != self._open:
            self._open = view
            self.refresh()

    def label(self, view: str) -> str:
        return self._labels[view]

    def set_label(self, view: str, label: str) -> None:
        self._labels[view] = clean(label)
        self.refresh()

    def render(self) -> Text:
        open_style = self.get_component_rich_style("view-bar--open")
        labels = self._fitted(self.size.width)
        line = Text(no_wrap=True, overflow="crop", end="")
        self._spans = []
        for view, label in labels.items():
            start = line.cell_len
            line.append(f" {label} ", open_style if view == self._open else "")
            self._spans.append((start, line.cell_len, view))
            line.append(" ")
        return line

    def _fitted(self, width: int) -> dict[str, str]:
        """The labels, the longest cut (with an ellipsis) until every view's name fits: a long
        list name must not push the directory off the line."""
        labels = dict(self._labels)
        while (sum(cell_len(label) + 3 for label in labels.values()) > width
               and (longest := max(labels, key=lambda v: cell_len(labels[v])))
               and cell_len(labels[longest]) > 12):
            over = sum(cell_len(label) + 3 for label in labels.values()) - width
            labels[longest] = fit(labels[longest], max(12, cell_len(labels[longest]) - over))
        return labels

    def on_click(self, event: events.Click) -> None:
        for start, end, view in self._spans:
            if start <= event.x < end:
                self.post_message(self.Chosen(view))
                return
