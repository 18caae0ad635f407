"""CampaignMarks: a contact view's campaign side. The detail pane's Campaigns section (the row's
number in each campaign dialing a cached list that holds it, and its do-not-call lists), read
from the cache only; the table's DNC marks; and ``o``, which fetches what the number lacks (the
campaigns' outcomes, the do-not-call lists, the lists' details) with its cost said first.

What is said lives in :mod:`kore_tui.views.campaigns`; this helper runs it in the view's workers.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from textual.worker import Worker

from kore_tui.api.errors import ApiError
from kore_tui.sources import CacheLostRows, is_outcomes_key
from kore_tui.ui.kore_app import kore_app
from kore_tui.ui.safe_text import clean
from kore_tui.ui.widgets.table_cells import Column
from kore_tui.views.campaigns import (
    NumberFetch,
    dnc_numbers_cached,
    fetch_number,
    is_dnc,
    number_campaign_section,
    plan_number_fetch,
)
from kore_tui.views.contacts import short_error
from kore_tui.views.estimate import estimate_under
from kore_tui.views.format import plural

if TYPE_CHECKING:
    from kore_tui.ui.widgets.contact_view import ContactView

DNC_LABEL = "DNC"


class CampaignMarks:
    """The campaign side of one :class:`ContactView` (not a widget: it runs the view's workers)."""

    def __init__(self, view: ContactView) -> None:
        self.view = view
        self.dnc: frozenset[str] = frozenset()  # digits of the numbers on do-not-call lists the cache holds
        self._marks_read = False
        self._fetch: Worker[None] | None = None

    @property
    def wanted(self) -> bool:
        """Rows of a list or the directory have campaigns; a campaign's outcomes are one already."""
        return not is_outcomes_key(self.view.model.key)

    @property
    def marks_table(self) -> bool:
        """A list's table shows DNC marks (on a wide screen; the directory's has no column to spare)."""
        return self.wanted and not self.view.model.is_directory

    # -- the detail pane ----------------------------------------------------------------------

    def find_campaigns(self, raw: Any) -> None:
        self.view.run_worker(self._find(raw), group="campaign-match", exclusive=True,
                             description="find the number's campaigns in the cache")

    async def _find(self, raw: Any) -> None:
        model = self.view.model
        lines = await asyncio.to_thread(number_campaign_section, model.source.cache, model.key, raw)
        detail = self.view.detail
        if detail.row is raw:
            detail.show_campaigns(lines)

    # -- the table's marks --------------------------------------------------------------------

    def first_page(self) -> None:
        """A page arrived: the first time, read the do-not-call numbers the cache has."""
        if not self._marks_read and self.marks_table:
            self._marks_read = True
            self.read_marks()

    def read_marks(self) -> None:
        self.view.run_worker(self._read_marks(), group="dnc-marks", exclusive=True,
                             description="read the do-not-call numbers from the cache")

    async def _read_marks(self) -> None:
        key = self.view.model.key
        self.dnc = await asyncio.to_thread(dnc_numbers_cached, self.view.model.source.cache, key.profile, key.stream)
        table = self.view.table
        if self.dnc and self.view.screen.has_class("-wide") and not any(c.label == DNC_LABEL for c in table.columns):
            # After the view's own columns (which the sort counts): nothing else moves. Wide
            # screens only: at 80 columns the list's table has no room (the detail pane says DNC).
            table.set_columns((*table.columns, Column(DNC_LABEL, len(DNC_LABEL), self._mark)))
        table.refresh()

    def _mark(self, row: Any) -> str | None:
        raw = getattr(row, "raw", None)
        return DNC_LABEL if raw is not None and is_dnc(raw, self.dnc) else None

    # -- o: fetch what the number lacks -------------------------------------------------------

    def fetch_outcomes(self, row: Any) -> None:
        app = self.view.app
        if self._fetch is not None and self._fetch.is_running:
            self._fetch.cancel()
            self._fetch = None
            app.notify("Stopped fetching the outcomes: what was fetched stays in the cache.", markup=False)
            return
        if not self.wanted:
            app.notify("These are a campaign's outcomes already.", markup=False)
            return
        raw = getattr(row, "raw", None)
        if raw is None:
            app.notify("No contact under the cursor.", markup=False)
            return
        self.view.run_worker(self._plan(raw), group="plan-outcomes", exclusive=True,
                             description="count what the number's campaigns lack")

    async def _plan(self, raw: Any) -> None:
        from kore_tui.ui.screens.prompt import ConfirmPrompt

        session = kore_app(self.view).session
        if session is None:
            return
        try:
            plan = await plan_number_fetch(session, self.view.model.key.stream, raw)
        except ApiError as exc:
            self.view.status.show(error=f"campaigns: {short_error(exc)}")
            return
        app = self.view.app
        if plan is None:
            app.notify("This row has no phone number.", markup=False)
            return
        if plan.empty:
            app.notify("Nothing to fetch: the cache has this number's campaigns, outcomes and do-not-call lists "
                       "(from the cached lists holding it; f searches every list).", markup=False)
            self._refresh(raw)
            return
        cost = estimate_under(session.budget, plan.rows, page_size=self.view.main_pager.page_size)
        extra = f", and {plural(plan.extra_requests, 'request')} for list details" if plan.extra_requests else ""
        words = clean(f"Fetch {plan.describe()}? {cost.text()}{extra}.")
        if plan.unsized:
            words += f" ({plural(plan.unsized, 'campaign')} of unknown size not counted.)"
        if not cost.needs_confirm:  # as F: a short fetch just starts (the status line follows it)
            self._start(raw, plan)
            return

        def answered(go: bool | None) -> None:
            if go:
                self._start(raw, plan)

        app.push_screen(ConfirmPrompt(words, "Pages still fresh in the cache cost no request. o again stops; "
                                             "what was fetched stays."), answered)

    def _start(self, raw: Any, plan: NumberFetch) -> None:
        self._fetch = self.view.run_worker(self._fetch_number(raw, plan), group="fetch-outcomes", exclusive=True,
                                           description="fetch the number's campaign outcomes")

    async def _fetch_number(self, raw: Any, plan: NumberFetch) -> None:
        session = kore_app(self.view).session
        if session is None:
            return
        status = self.view.status

        def progress(name: str, rows: int, total: int | None) -> None:
            of = f" of {total:,}" if total else ""
            status.show(activity=clean(f"fetching {name}: {rows:,}{of} (o stops)"))

        try:
            await fetch_number(session, self.view.model.key.stream, plan, on_page=progress)
        except (ApiError, CacheLostRows) as exc:
            status.show(error=f"fetching outcomes: {short_error(exc)}")
            return
        finally:
            self._fetch = None
            status.show(activity="")
        self.view.app.notify("Fetched: the detail pane shows this number's campaigns.", markup=False)
        self._refresh(raw)
        if self.marks_table:
            self.read_marks()

    def _refresh(self, raw: Any) -> None:
        if self.view.detail.row is raw:
            self.find_campaigns(raw)
