"""StatusLine: where the cursor is, whether pages are loading, and the last error."""

from __future__ import annotations

from rich.style import Style
from rich.text import Text
from textual.strip import Strip
from textual.widget import Widget

from kore_tui.ui.safe_text import clean


class StatusLine(Widget):
    """One line under a table. Server text in errors is shown literally.

    It changes on every cursor move, so it draws its one line itself (Line API) instead of
    going through ``Static``'s content pipeline, which cost more than the table's two lines.
    """

    DEFAULT_CSS = """
    StatusLine { height: 1; padding: 0 1; background: $panel; color: $text-muted; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.position = ""
        self.activity = ""
        self.error = ""
        self._line = Text()
        self._strip: Strip | None = None
        self._base_style: Style | None = None

    def show(self, *, position: str | None = None, activity: str | None = None, error: str | None = None) -> None:
        if position is not None:
            self.position = position
        if activity is not None:
            self.activity = activity
        if error is not None:
            self.error = error
        line = Text(self.position, no_wrap=True, overflow="ellipsis", end="")
        if self.activity:
            line.append("  " + self.activity, style="italic")
        if self.error:
            line.append("  ⚠ " + clean(self.error), style="bold red")
            line.append("  r retries", style="dim")
        if line == self._line:
            return
        self._line = line
        self._strip = None
        self.refresh()

    def render(self) -> Text:
        return self._line

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._strip = None
        self._base_style = None

    def render_line(self, y: int) -> Strip:
        width = self.content_size.width
        if self._strip is None or self._strip.cell_length != width:
            line = self._line.copy()
            line.truncate(width, overflow="ellipsis", pad=True)
            # The widget's own style walks its ancestors; it changes only with the CSS.
            if self._base_style is None:
                self._base_style = self.rich_style
            self._strip = Strip(list(line.render(self.app.console)), width).apply_style(self._base_style)
        return self._strip
