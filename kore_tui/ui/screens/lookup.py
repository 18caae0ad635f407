"""LookupScreen: who has this number in the stream's directory, and which lists hold it."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, ProgressBar, Static

from kore_tui.api.errors import ApiError
from kore_tui.lookup import LookupError_, LookupResult
from kore_tui.session import Session
from kore_tui.ui.safe_text import clean
from kore_tui.views.lookup import ReportLine, lookup_report


class LookupScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("escape", "close", "Close", id="lookup.close"),
        Binding("r", "refresh", "Search again from the server", id="lookup.refresh"),
    ]

    def __init__(self, session: Session, stream_id: str, phone: str) -> None:
        super().__init__()
        self.session = session
        self.stream_id = stream_id
        self.phone = phone

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="lookup"):
            yield Label(f"Looking up {clean(self.phone)} in {clean(self.stream_id)}", classes="title", markup=False)
            yield Static("", id="lookup-progress-label")
            yield ProgressBar(show_eta=False, id="lookup-progress")
            yield Static("", id="lookup-result")
            yield Label("Esc closes · r searches again from the server", classes="hint", markup=False)

    def on_mount(self) -> None:
        self.run_lookup(refresh=False)

    def action_close(self) -> None:
        self.workers.cancel_group(self, "lookup")
        self.dismiss(None)

    def action_refresh(self) -> None:
        self.run_lookup(refresh=True)

    def _progress(self, name: str, rows: int, total: int | None) -> None:
        self.query_one("#lookup-progress-label", Static).update(Text(f"{clean(name)}: {rows:,} rows", style="dim"))
        self.query_one(ProgressBar).update(total=total or None, progress=rows)

    @work(exclusive=True, group="lookup")
    async def run_lookup(self, refresh: bool) -> None:
        session = self.session
        result_box = self.query_one("#lookup-result", Static)
        bar = self.query_one(ProgressBar)
        bar.display = True
        result_box.update(Text("Searching the cache, fetching what is missing…", style="italic"))
        try:
            result = await session.find_phone(self.stream_id, self.phone, refresh=refresh, on_progress=self._progress)
        except LookupError_ as exc:
            result_box.update(Text(clean(str(exc)), style="red"))
            return
        except ApiError as exc:
            result_box.update(Text(clean(f"{exc.kind}: {exc}"), style="red"))
            return
        finally:
            bar.display = False
            self.query_one("#lookup-progress-label", Static).update("")
        result_box.update(render_result(result, session.clock()))


def render_result(result: LookupResult, now: float) -> Table:
    report = lookup_report(result, now)
    styles = {"found": "green", "none": "dim", "note": "dim"}
    grid = Table.grid(padding=(0, 1))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column(overflow="fold")

    def add(label: str, lines: tuple[ReportLine, ...]) -> None:
        for n, line in enumerate(lines):
            grid.add_row(Text(label if n == 0 else ""), Text(clean(line.text), style=styles.get(line.tone, "")))

    add("Directory", report.directory)
    grid.add_row(Text("Lists"), Text(report.lists_summary))
    add("", report.lists)
    if report.campaigns_summary:
        grid.add_row(Text("Campaigns"), Text(clean(report.campaigns_summary)))
        add("", report.campaigns)
    add("Do not call", report.dnc)
    grid.add_row(Text("Searched"), Text(""))
    add("", report.searched)
    grid.add_row(Text("Requests"), Text(f"{report.requests}"))
    return grid


__all__ = ["LookupScreen", "render_result"]
