"""ExportScreen: the current view (all rows, or the filter's matches) to CSV or JSON Lines."""

from __future__ import annotations

import asyncio
import sqlite3
import datetime as dt
from pathlib import Path

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, ProgressBar, Static, Switch

from kore_tui.api.errors import ApiError
from kore_tui.cache import DIRECTORY
from kore_tui.export import CAMPAIGN_FIELDS, DIRECTORY_FIELDS, Format
from kore_tui.files import TargetError, TargetExists, check_target
from kore_tui.views.export import ExportJob, export_to_file
from kore_tui.ui.safe_text import clean
from kore_tui.ui.widgets.contact_view import ContactView


def default_path(view: ContactView) -> str:
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M")
    name = "directory" if view.source.key.list == DIRECTORY else view.source.key.list
    safe = "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in f"{view.source.key.stream}-{name}")
    return str(Path.cwd() / f"kore-{safe}-{stamp}.csv")


class ExportScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape", "close", "Cancel / close", id="export.close")]

    def __init__(self, view: ContactView) -> None:
        super().__init__()
        self.view = view
        self._replace_confirmed: Path | None = None  # Enter twice on an existing file replaces it

    def compose(self) -> ComposeResult:
        with Vertical(classes="prompt"):
            yield Label("Export this view. The format follows the file name: .csv or .jsonl", markup=False)
            yield Input(default_path(self.view), id="export-path", select_on_focus=False)
            if self.view.filtering:
                with Vertical(classes="switch-row"):
                    yield Label(f"Only the {self.view.matches:,} rows matching the filter", markup=False)
                    yield Switch(value=True, id="only-matches")
            yield ProgressBar(show_eta=False, id="export-progress")
            yield Static("", id="export-result")
            yield Label("Enter starts · Esc cancels or closes", classes="hint", markup=False)

    def on_mount(self) -> None:
        self.query_one(ProgressBar).display = False
        path_input = self.query_one("#export-path", Input)
        path_input.cursor_blink = getattr(self.app, "animate", True)
        path_input.focus()

    def action_close(self) -> None:
        self.workers.cancel_group(self, "export")
        self.dismiss(None)

    @on(Input.Submitted, "#export-path")
    def _start(self, event: Input.Submitted) -> None:
        path = Path(event.value.strip()).expanduser()
        fmt: Format = "jsonl" if path.suffix.lower() in (".jsonl", ".ndjson", ".json") else "csv"
        only = self.query("#only-matches") and self.query_one("#only-matches", Switch).value
        force = self._replace_confirmed == path
        try:
            check_target(path, force=force)
        except TargetExists:
            self._replace_confirmed = path
            self._say(f"{path} exists. Enter again replaces it; or change the name.", "yellow")
            return
        except TargetError as exc:
            self._say(str(exc), "red")
            return
        self.export(path, fmt, bool(only), force)

    def _say(self, text: str, style: str = "") -> None:
        self.query_one("#export-result", Static).update(Text(clean(text), style=style))

    @work(exclusive=True, group="export", description="export the view")
    async def export(self, path: Path, fmt: Format, only_matches: bool, force: bool) -> None:
        """All or nothing (see kore_tui.views.export): an error or Esc leaves no file behind."""
        view = self.view
        fields = DIRECTORY_FIELDS if view.source.is_directory else CAMPAIGN_FIELDS
        bar = self.query_one(ProgressBar)
        bar.display = True
        job = ExportJob(path, fmt=fmt, force=force)
        try:
            if only_matches:
                matches = await view.model.matching_rows()
                await export_to_file(job, fields, rows=(raw for _, raw in matches),
                                     on_progress=lambda rows, total: bar.update(total=total, progress=rows))
            else:
                await export_to_file(job, fields, fetch=view.source.fresh_or_network,
                                     page_size=view.main_pager.page_size, concurrency=2,
                                     on_progress=lambda rows, total: bar.update(total=total, progress=rows))
        except ApiError as exc:
            self._say(f"{exc.kind}: {exc}. {job.outcome()}.", "red")
            return
        except (OSError, TargetError, sqlite3.Error) as exc:
            self._say(f"Cannot write {path}: {getattr(exc, 'strerror', None) or exc}. {job.outcome()}.", "red")
            return
        except asyncio.CancelledError:
            self._say(f"Cancelled: {job.outcome()}.", "yellow")
            raise
        self._replace_confirmed = None
        self._say(f"{job.rows:,} rows written to {path}", "green")
        self.app.notify(clean(f"Exported {job.rows:,} rows to {path}"), markup=False)
