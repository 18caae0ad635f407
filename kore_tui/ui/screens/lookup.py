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
from kore_tui.api.models import DirectoryContact
from kore_tui.lookup import LookupError_, LookupResult, find_phone
from kore_tui.ui.safe_text import clean
from kore_tui.ui.widgets.detail_pane import age


class LookupScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("escape", "close", "Close"),
        Binding("r", "refresh", "Search again from the server"),
    ]

    def __init__(self, stream_id: str, phone: str) -> None:
        super().__init__()
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
        app = self.app
        result_box = self.query_one("#lookup-result", Static)
        bar = self.query_one(ProgressBar)
        bar.display = True
        result_box.update(Text("Searching the cache, fetching what is missing…", style="italic"))
        try:
            result = await find_phone(
                app.client, app.cache, app.profile.name, self.stream_id, self.phone,  # type: ignore[attr-defined]
                refresh=refresh, on_progress=self._progress, clock=app.clock,  # type: ignore[attr-defined]
            )
        except LookupError_ as exc:
            result_box.update(Text(clean(str(exc)), style="red"))
            return
        except ApiError as exc:
            result_box.update(Text(clean(f"{exc.kind}: {exc}"), style="red"))
            return
        finally:
            bar.display = False
            self.query_one("#lookup-progress-label", Static).update("")
        result_box.update(render_result(result, app.clock()))  # type: ignore[attr-defined]


def render_result(result: LookupResult, now: float) -> Table:
    grid = Table.grid(padding=(0, 1))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column(overflow="fold")
    if result.directory.matches:
        for _, raw in result.directory.matches:
            contact = DirectoryContact.from_json(raw)
            grid.add_row(Text("Directory"), Text(clean(
                f"{contact.display_name or '(no name)'} · {contact.phone_number or ''} · {contact.status or '-'} · id {contact.id or '-'}"
            ), style="green"))
    else:
        grid.add_row(Text("Directory"), Text("no contact with this number", style="dim"))
    holding = result.lists_with_number
    searched = [v for v in result.lists if not v.skipped]
    grid.add_row(Text("Lists"), Text(f"on {len(holding)} of {len(searched)} lists searched"))
    for view in holding:
        rows = ", ".join(f"row {pos + 1:,}" for pos, _ in view.matches[:3])
        more = f" +{len(view.matches) - 3}" if len(view.matches) > 3 else ""
        grid.add_row(Text(""), Text(clean(f"{view.name} ({view.list_id}): {rows}{more}"), style="green"))
    grid.add_row(Text("Searched"), Text(""))
    for view in [result.directory, *result.lists]:
        label = clean(view.name if view.list_id else "directory")
        if view.skipped:
            grid.add_row(Text(""), Text(f"{label}: skipped, {clean(view.skipped)}", style="dim"))
        else:
            when = "" if view.fetched_at is None else f", {age(now - view.fetched_at)}"
            grid.add_row(Text(""), Text(f"{label}: {view.rows:,} rows from {view.source}{when}", style="dim"))
    grid.add_row(Text("Requests"), Text(f"{result.requests}"))
    return grid


__all__ = ["LookupScreen", "render_result"]
