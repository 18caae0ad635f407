"""StatusLine: where the cursor is, whether pages are loading, and the last error."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from kore_tui.ui.safe_text import clean


class StatusLine(Static):
    """One line under a table. Server text in errors is shown literally."""

    DEFAULT_CSS = """
    StatusLine { height: 1; padding: 0 1; background: $panel; color: $text-muted; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.position = ""
        self.activity = ""
        self.error = ""

    def show(self, *, position: str | None = None, activity: str | None = None, error: str | None = None) -> None:
        if position is not None:
            self.position = position
        if activity is not None:
            self.activity = activity
        if error is not None:
            self.error = error
        line = Text(no_wrap=True, overflow="ellipsis")
        line.append(self.position)
        if self.activity:
            line.append("  " + self.activity, style="italic")
        if self.error:
            line.append("  ⚠ " + clean(self.error), style="bold red")
            line.append("  r retries", style="dim")
        self.update(line, layout=False)  # one fixed line: no reflow of the screen per key
