"""TitleBar: the screen's title and the profile, on the top line."""

from __future__ import annotations

from textual.color import Color, ColorParseError
from textual.content import Content
from textual.widget import Widget


def profile_style(color: str) -> str:
    """The title bar's style for a profile's ``color`` (a name or #rrggbb): the profile name on
    that colour; "" for no colour or one that is not a colour."""
    if not color.strip():
        return ""
    try:
        background = Color.parse(color.strip())
    except ColorParseError:
        return ""
    return f"bold {background.get_contrast_text().hex} on {background.hex}"


class TitleBar(Widget):
    """The screen's title (else the app's) and the sub-title (the profile), centred.

    In place of Textual's ``Header``: that one re-lays out the whole screen on each of its
    title updates, and two of them land after a screen's first frame, just as the first page
    of rows arrives. This one only repaints its line. Titles are shown as plain text.
    """

    DEFAULT_CSS = """
    TitleBar {
        dock: top;
        height: 1;
        padding: 0 1;
        background: $panel;
        color: $foreground;
        content-align: center middle;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    """

    def on_mount(self) -> None:
        for node, name in ((self.screen, "title"), (self.screen, "sub_title"),
                           (self.app, "title"), (self.app, "sub_title")):
            self.watch(node, name, self._changed, init=False)

    def _changed(self) -> None:
        self.refresh()

    def render(self) -> Content:
        screen, app = self.screen, self.app
        title = screen.title if screen.title is not None else app.title
        sub_title = screen.sub_title if screen.sub_title is not None else app.sub_title
        session = getattr(app, "session", None)
        style = profile_style(session.profile.color) if session is not None and sub_title else ""
        if not style:
            return app.format_title(title, sub_title)
        # The profile in its colour (config.toml's `color`): production is never taken for test.
        return Content.assemble(Content(title), (" — ", "dim"), Content.styled(f" {sub_title} ", style))
