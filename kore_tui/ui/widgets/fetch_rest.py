"""FetchRest: a contact view's ``F``, which fetches the rest of the view (every page) into the
cache within the request budget, its cost said first when it is large; its progress bar; and ``F``
again, which stops it (what was fetched stays).

The walk itself is :meth:`~kore_tui.views.contacts.ContactsModel.fetch_all`; this helper runs it
in the view's worker and keeps the view's filter, status line and progress bar in step.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from textual.widgets import ProgressBar
from textual.worker import Worker

from kore_tui.api.errors import ApiError
from kore_tui.api.models import Page
from kore_tui.sources import CacheLostRows
from kore_tui.views.contacts import short_error
from kore_tui.views.estimate import estimate_under
from kore_tui.views.format import plural

if TYPE_CHECKING:
    from kore_tui.ui.widgets.contact_view import ContactView

REFILTER_EVERY = 20  # pages fetched by "fetch the rest" between refreshes of the filter's matches


class FetchRest:
    """Fetching the rest of one :class:`ContactView` (not a widget: it runs the view's worker,
    group ``fetch-all``, and uses the view's private parts)."""

    def __init__(self, view: ContactView) -> None:
        self.view = view
        self.started = 0.0  # monotonic: when fetching the rest started
        self._worker: Worker[None] | None = None

    def toggle(self) -> None:
        """``F``: stop the fetch that runs, else start one (its cost said first if large)."""
        view = self.view
        if self._worker is not None and self._worker.is_running:
            self._worker.cancel()
            self._worker = None
            view.model.fetching_all = False
            self._progress().remove_class("-running")
            view.app.notify(f"Stopped fetching: the {plural(view.loaded, 'row')} fetched stay in the cache.",
                            markup=False)
            view._show_position()
            return
        self.confirm()

    def confirm(self) -> None:
        """Fetching more than a hundred pages: its cost said first, Enter starts it."""
        from kore_tui.ui.kore_app import kore_app
        from kore_tui.ui.screens.prompt import ConfirmPrompt

        view = self.view
        session = kore_app(view).session
        cost = estimate_under(session.budget if session is not None else None, view.main_pager.row_count,
                              page_size=view.main_pager.page_size)
        if not cost.needs_confirm:
            self.start()
            return

        def answered(go: bool | None) -> None:
            if go:
                self.start()

        view.app.push_screen(ConfirmPrompt(f"Fetch all of this view into the cache? {cost.text()}.",
                                           "Pages still fresh in the cache cost no request. F again stops; "
                                           "what was fetched stays."), answered)

    def start(self) -> None:
        """Fetch the rest now, in the view's worker (a newer one replaces it)."""
        self._worker = self.view.run_worker(self._run, name="fetch_all", group="fetch-all",
                                            description="fetch the rest of the view", exclusive=True)

    def _progress(self) -> ProgressBar:
        """The fetch-all progress bar, above the status line; made on first use (a view opens
        sooner without it)."""
        view = self.view
        bars = view.query(ProgressBar)
        if bars:
            return bars.first()
        bar = ProgressBar(show_eta=False, classes="fetch-progress")
        view.mount(bar, before=view.status)
        return bar

    async def _run(self) -> None:
        """Every page of the view into the cache, within the request budget; F again cancels."""
        view = self.view
        bar = self._progress()
        bar.add_class("-running")
        bar.update(total=view.main_pager.row_count or None, progress=0)
        pages = 0
        self.started = time.monotonic()
        ticker = view.set_interval(1.0, view._show_position)  # says so while a request waits for the budget

        def walked(page: Page[Any]) -> None:
            nonlocal pages
            pages += 1
            bar.update(total=max(page.total_results or 0, page.end) or None, progress=page.end)
            if view.filtering and pages % REFILTER_EVERY == 0:
                view.apply_filter(view.filter_text, keep_cursor=True)
            view._show_position()

        try:
            await view.model.fetch_all(on_page=walked)
            self._progress().remove_class("-running")
        except (ApiError, CacheLostRows) as exc:
            view.status.show(error=f"fetching all: {short_error(exc)}")
            return
        finally:
            ticker.stop()
            bar.remove_class("-running")
            self._worker = None
        if view.model.querying:
            view.apply_filter(view.filter_text, keep_cursor=True)
        view.app.notify(f"All {view.loaded:,} {view.model.noun} fetched.", markup=False)
        view._show_position()
