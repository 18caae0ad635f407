"""Esc on a screen that shows a ContactView: it clears the view's filter first, and only when no
filter is shown does it go back (the screen's ``back`` action). The key hints follow."""

from __future__ import annotations

from textual.screen import Screen

from kore_tui.ui.widgets.contact_view import ContactView
from kore_tui.ui.widgets.filter_bar import FilterBar


class FilterEscape(Screen[None]):
    """A screen whose Esc clears the shown view's filter before it goes back. Subclasses say
    which ContactView is shown (``shown_contact_view``) and bind ``clear_filter`` and ``back``."""

    def shown_contact_view(self) -> ContactView | None:
        raise NotImplementedError

    def _filter_shown(self) -> FilterBar | None:
        """The shown view's filter line, when it is open or a filter applies."""
        view = self.shown_contact_view()
        if view is None:
            return None
        bars = view.query(FilterBar)
        if bars and (view.filtering or bars.first().has_class("-open")):
            return bars.first()
        return None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "clear_filter":
            return self._filter_shown() is not None
        if action == "back":
            return self._filter_shown() is None
        return True

    def on_filter_bar_changed(self) -> None:
        self.refresh_bindings()  # Esc clears the filter, or goes back

    def on_filter_bar_closed(self) -> None:
        self.refresh_bindings()

    def action_clear_filter(self) -> None:
        """Esc with a filter (typed, or applied and the table back in charge): cleared, the view
        as it was. Esc again goes back."""
        bar = self._filter_shown()
        if bar is not None:
            bar.action_close()
