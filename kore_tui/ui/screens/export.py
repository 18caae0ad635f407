"""ExportScreen: the current view (all rows, or the filter's matches) to CSV or JSON Lines.

The file goes to config.toml's ``export_dir`` (default: the current directory), its path shown
and editable before it starts. An export that needs more than a hundred requests states its cost
first (rows, requests, time under the request budget) and asks for Enter again; while it runs the
dialog shows rows, rate, time left and when it waits for the budget; Esc stops it and says what
was kept (nothing: files are all or nothing), and Esc again closes.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import sqlite3
import time
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
from kore_tui.ui.kore_app import kore_app
from kore_tui.ui.safe_text import clean
from kore_tui.ui.widgets.contact_view import ContactView
from kore_tui.views.estimate import Estimate, estimate_under, progress_text
from kore_tui.views.export import ExportJob, export_to_file
from kore_tui.views.format import plural


def export_directory(configured: str) -> Path:
    """config.toml's ``export_dir`` (``~`` expanded), else the current directory."""
    return Path(configured).expanduser() if configured.strip() else Path.cwd()


def default_path(view: ContactView, directory: Path | None = None, now: float | None = None) -> str:
    stamp = (dt.datetime.now() if now is None else dt.datetime.fromtimestamp(now)).strftime("%Y%m%d-%H%M")
    name = "directory" if view.source.key.list == DIRECTORY else view.source.key.list
    safe = "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in f"{view.source.key.stream}-{name}")
    return str((directory or Path.cwd()) / f"kore-{safe}-{stamp}.csv")


def target_refusal(path: Path, *, force: bool) -> tuple[str, bool] | None:
    """Why ``path`` cannot take an export now, and whether Enter again (replacing an existing
    file) would: None when it can. Both export dialogs ask the same way."""
    try:
        check_target(path, force=force)
    except TargetExists:
        return f"{path} exists. Enter again replaces it; or change the name.", True
    except TargetError as exc:
        return str(exc), False
    return None


class ExportScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape", "close", "Cancel / close", id="export.close")]

    def __init__(self, view: ContactView) -> None:
        super().__init__()
        self.view = view
        self.directory = export_directory(getattr(self.app, "export_dir", ""))
        self._replace_confirmed: Path | None = None  # Enter twice on an existing file replaces it
        self._cost_confirmed: Path | None = None  # Enter twice on an export that needs many requests
        self._started = 0.0  # monotonic, when the running export started
        self._rows: tuple[int, int | None] = (0, None)  # (rows written, total) of the running export

    def compose(self) -> ComposeResult:
        with Vertical(classes="prompt"):
            yield Label("Export this view. The format follows the file name: .csv or .jsonl", markup=False)
            yield Label(clean(f"To {self.directory} (export_dir in config.toml)"), markup=False, classes="hint")
            yield Input(default_path(self.view, self.directory, kore_app(self).clock()), id="export-path",
                        select_on_focus=False)
            if self.view.filtering:
                with Vertical(classes="switch-row"):
                    yield Label(f"Only the {plural(self.view.matches, 'row')} matching the filter", markup=False)
                    yield Switch(value=True, id="only-matches")
            yield Label(self.cost().text(), id="export-estimate", markup=False)
            yield ProgressBar(show_eta=False, id="export-progress")
            yield Static("", id="export-result")
            yield Label("Enter starts · Esc cancels or closes", classes="hint", markup=False)

    def on_mount(self) -> None:
        self.query_one(ProgressBar).display = False
        self.query_one("#export-estimate", Label).display = not self._only_matches()
        path_input = self.query_one("#export-path", Input)
        path_input.cursor_blink = getattr(self.app, "blink", True)
        path_input.focus()

    def cost(self) -> Estimate:
        """What exporting the whole view costs: its rows, in served pages, under the budget."""
        session = kore_app(self).session
        pager = self.view.main_pager
        return estimate_under(session.budget if session is not None else None, pager.row_count,
                              page_size=pager.page_size)

    def _only_matches(self) -> bool:
        return bool(self.query("#only-matches") and self.query_one("#only-matches", Switch).value)

    @on(Switch.Changed, "#only-matches")
    def _only_changed(self) -> None:
        self.query_one("#export-estimate", Label).display = not self._only_matches()  # the matches cost no request

    @property
    def running(self) -> bool:
        return any(worker.group == "export" and worker.is_running for worker in self.workers)

    def action_close(self) -> None:
        if self.running:  # Esc stops the export and says what was kept; Esc again closes
            self.workers.cancel_group(self, "export")
            return
        self.dismiss(None)

    @on(Input.Submitted, "#export-path")
    def _start(self, event: Input.Submitted) -> None:
        path = Path(event.value.strip()).expanduser()
        fmt: Format = "jsonl" if path.suffix.lower() in (".jsonl", ".ndjson", ".json") else "csv"
        only = self._only_matches()
        if self.running:
            return
        force = self._replace_confirmed == path
        refusal = target_refusal(path, force=force)
        if refusal is not None:
            message, asks_again = refusal
            if asks_again:
                self._replace_confirmed = path
            self._say(message, "yellow" if asks_again else "red")
            return
        cost = self.cost()
        if not only and cost.needs_confirm and self._cost_confirmed != path:
            self._cost_confirmed = path
            self._say(f"That is {plural(cost.requests, 'request')}: Enter again starts it; Esc cancels.", "yellow")
            return
        self.export(path, fmt, bool(only), force)

    def _show_progress(self) -> None:
        rows, total = self._rows
        waiting = time.monotonic() < getattr(self.app, "budget_wait_until", 0.0)
        self._say(progress_text(rows, total, time.monotonic() - self._started, waiting=waiting) + " · Esc stops",
                  "italic")

    def _say(self, text: str, style: str = "") -> None:
        self.query_one("#export-result", Static).update(Text(clean(text), style=style))

    @work(exclusive=True, group="export", description="export the view")
    async def export(self, path: Path, fmt: Format, only_matches: bool, force: bool) -> None:
        """All or nothing (see kore_tui.views.export): an error or Esc leaves no file behind."""
        view = self.view
        fields = view.model.export_fields or (DIRECTORY_FIELDS if view.source.is_directory else CAMPAIGN_FIELDS)
        bar = self.query_one(ProgressBar)
        bar.display = True
        job = ExportJob(path, fmt=fmt, force=force)
        self._started, self._rows = time.monotonic(), (0, view.main_pager.row_count or None)
        self._say(f"Exporting to {path}…", "italic")
        ticker = self.set_interval(1.0, self._show_progress)  # says so while a request waits for the budget

        def progress(rows: int, total: int | None) -> None:
            bar.update(total=total, progress=rows)
            self._rows = (rows, total)
            self._show_progress()

        try:
            if only_matches:
                # Page by page from the cache, in the table's order: a worker that never holds
                # every match in memory, and leaves the event loop free between pages.
                await export_to_file(job, fields, fetch=view.model.query_fetch(),
                                     page_size=view.main_pager.page_size, concurrency=1, on_progress=progress)
            else:
                await export_to_file(job, fields, fetch=view.source.fresh_or_network,
                                     page_size=view.main_pager.page_size, concurrency=2, on_progress=progress)
        except ApiError as exc:
            self._say(f"{exc.kind}: {exc}. {job.outcome()}.", "red")
            return
        except (OSError, TargetError, sqlite3.Error) as exc:
            self._say(f"Cannot write {path}: {getattr(exc, 'strerror', None) or exc}. {job.outcome()}.", "red")
            return
        except asyncio.CancelledError:
            self._say(f"Stopped: {job.outcome()}. Esc closes.", "yellow")
            self.app.notify(clean(f"Export stopped: {job.outcome()}."), markup=False)
            raise
        finally:
            ticker.stop()
        self._replace_confirmed = self._cost_confirmed = None
        self._say(f"{plural(job.rows, 'row')} written to {path}", "green")
        self.app.notify(clean(f"Exported {plural(job.rows, 'row')} to {path}"), markup=False)
