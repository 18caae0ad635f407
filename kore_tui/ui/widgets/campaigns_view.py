"""CampaignsView: a stream's campaigns (voice and SMS) in a table, the one under the cursor in a
detail pane with the lists it dials; Enter opens it (:class:`~kore_tui.ui.screens.campaign.CampaignScreen`).

The browser's third view. The campaigns and the lists are read when the view is first shown (from
a fresh cache, or two to three requests); ``r`` asks the server again.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Container

from kore_tui.api.models import Page
from kore_tui.paging import Pager
from kore_tui.session import Session
from kore_tui.ui.columns import CAMPAIGN_COLUMNS, CAMPAIGN_FIELD_ORDER
from kore_tui.ui.widgets.detail_pane import DetailPane
from kore_tui.ui.widgets.lazy_table import LazyTable
from kore_tui.ui.widgets.status_line import StatusLine
from kore_tui.views.campaigns import CampaignLinks, CampaignsModel
from kore_tui.views.contacts import short_error
from kore_tui.views.format import plural


def campaign_related(link: CampaignLinks) -> list[tuple[str, str]]:
    """The detail pane's lines after a campaign's fields: its lists as linked (names and ids),
    and its do-not-call lists. Server text, uncleaned (the pane cleans it)."""
    lines = [("lists" if n == 0 else "", f"{lst.name or '(no name)'} ({lst.id}) · "
              f"{'?' if lst.total_record_count is None else f'{lst.total_record_count:,}'} rows")
             for n, lst in enumerate(link.lists)]
    if not link.lists:
        lines.append(("lists", "none of the stream's lists is linked to it"))
    lines += [("", f"{name}: named by the campaign, no list of the stream has that name") for name in link.unmatched]
    lines += [("do-not-call" if n == 0 else "", f"{ref.name or '?'} ({ref.id or 'no id'})")
              for n, ref in enumerate(link.dnc)]
    lines.append(("", "Enter opens the campaign: its settings, lists and outcomes"))
    return lines


class CampaignsView(Container):
    """The stream's campaigns: a table, a detail pane and a status line."""

    BLANK = True
    BINDINGS = [
        Binding("enter", "open_campaign", "Open campaign", id="campaigns.open"),
        Binding("d", "toggle_detail", "Detail", id="campaigns.detail"),
    ]

    def __init__(self, session: Session, stream_id: str, *, clock: Callable[[], float], id: str | None = None) -> None:
        super().__init__(id=id)
        self.session = session
        self.stream_id = stream_id
        self.clock = clock
        self.model = CampaignsModel(session, stream_id)
        self.loaded = False
        self.last_error: Exception | None = None
        self._refresh_next = False
        self.pager: Pager[CampaignLinks] = Pager(self._fetch, page_size=100)

    filtering = False  # no filter here (the browser's Esc goes back)

    async def _fetch(self, skip: int, limit: int) -> Page[CampaignLinks]:
        """The loaded campaigns as pages; the first page loads them (``r``: from the server)."""
        if skip == 0 or not self.loaded:
            refresh, self._refresh_next = self._refresh_next, False
            await self.model.load(refresh=refresh)
            self.loaded = True
        links = self.model.links
        rows = tuple(links[skip:skip + limit])
        return Page(rows=rows, skip=skip, limit=limit, has_more=skip + limit < len(links),
                    total_results=len(links), total_pages=None)

    def compose(self) -> ComposeResult:
        with Container(classes="campaigns-table-and-detail"):
            yield LazyTable(CAMPAIGN_COLUMNS, pager=self.pager)
            yield DetailPane(field_order=CAMPAIGN_FIELD_ORDER, clock=self.clock, note="Loading the campaigns…")
        yield StatusLine()

    @property
    def table(self) -> LazyTable:
        return self.query_one(LazyTable)

    @property
    def detail(self) -> DetailPane:
        return self.query_one(DetailPane)

    @property
    def status(self) -> StatusLine:
        return self.query_one(StatusLine)

    @property
    def current(self) -> CampaignLinks | None:
        row = self.table.current_row
        return row if isinstance(row, CampaignLinks) else None

    def focus_table(self) -> None:
        self.table.focus()

    def on_show(self) -> None:
        self.call_after_refresh(self.focus_table)

    # -- actions --------------------------------------------------------------------------------

    def action_open_campaign(self) -> None:
        link = self.current
        if link is None:
            return
        from kore_tui.ui.screens.campaign import CampaignScreen

        self.app.push_screen(CampaignScreen(self.session, self.stream_id, self.model.campaign(link.campaign.id)))

    def action_toggle_detail(self) -> None:
        self.detail.display = not self.detail.display
        self._show_detail()

    def action_filter(self) -> None:
        self.app.notify("The campaigns have no filter; Enter opens one, and / filters its outcomes.", markup=False)

    def retry(self) -> None:
        """``r``: after an error, ask again; otherwise read the campaigns from the server again."""
        self.last_error = None
        self.status.show(error="")
        self._refresh_next = True
        self.loaded = False
        self.table.reload()
        self._show_position()

    # -- messages from the table ------------------------------------------------------------------

    def on_lazy_table_cursor_moved(self, event: LazyTable.CursorMoved) -> None:
        event.stop()
        self._show_detail()

    def on_lazy_table_page_loaded(self, event: LazyTable.PageLoaded) -> None:
        event.stop()
        self.last_error = None
        self.status.show(error="")
        self._show_detail()
        self._show_position()

    def on_lazy_table_row_count_changed(self, event: LazyTable.RowCountChanged) -> None:
        event.stop()
        self._show_position()

    def on_lazy_table_load_failed(self, event: LazyTable.LoadFailed) -> None:
        event.stop()
        self.last_error = event.error
        self.status.show(error=short_error(event.error))
        self._show_position()

    def on_mount(self) -> None:
        self.watch(self.table, "cursor_row", self._show_position, init=False)

    def _show_detail(self) -> None:
        if not self.detail.display:
            return
        link = self.current
        if link is None:
            if self.detail.row is not None:
                self.detail.show(None, note="")
            return
        if self.detail.row is not link.campaign.raw:
            self.detail.show(link.campaign.raw)
            self.detail.show_related(campaign_related(link))

    def _show_position(self, *_: Any) -> None:
        table = self.table
        if table.row_count:
            voice = sum(1 for link in self.model.links if link.campaign.kind == "voice")
            position = (f"campaign {table.cursor_row + 1:,} of {table.row_count:,} "
                        f"({voice:,} voice, {len(self.model.links) - voice:,} SMS)")
        else:
            position = "loading…" if table.fetching or not self.loaded else "No campaigns in this stream"
        self.status.show(position=position, activity="Enter opens the campaign" if table.row_count else "")

    @property
    def summary(self) -> str:
        return plural(len(self.model.links), "campaign")
