"""InsightsScreen: list health at a glance (#17), for the list or the directory open in the browser.

The figures come from :mod:`kore_tui.views.insights`, computed from the cache in a thread worker:
the first ones (rows, duplicates) show at once, the rest as they come, and every one says what
it is based on. ``F`` fetches the rest of the view (its cost said first) and the figures follow
the pages in; Enter on a top duplicate opens the view filtered to that number; ``e`` exports the
duplicates or the invalid numbers, each row with its reason, all or nothing.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import sqlite3
import time
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.table import Table
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Input, Label, OptionList, ProgressBar, RadioButton, RadioSet, Static
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from kore_tui.api.errors import ApiError
from kore_tui.cache import DIRECTORY, ReadHandle
from kore_tui.files import TargetError
from kore_tui.sources import CacheLostRows
from kore_tui.ui.kore_app import kore_app
from kore_tui.ui.safe_text import clean
from kore_tui.ui.screens.export import target_refusal
from kore_tui.ui.screens.prompt import ConfirmPrompt
from kore_tui.ui.widgets.filter_bar import FilterBar
from kore_tui.ui.widgets.key_hints import KeyHints
from kore_tui.ui.widgets.title_bar import TitleBar
from kore_tui.views.contacts import short_error
from kore_tui.views.export import ExportJob, export_to_file
from kore_tui.views.format import plural
from kore_tui.views.insights import Cancelled, Insights, InsightsModel, bar_chart, buckets, summary_lines

if TYPE_CHECKING:
    from kore_tui.ui.widgets.contact_view import ContactView

REFIGURE_EVERY = 2.0  # seconds between recomputations while F fetches pages
CHART_HEIGHT = 4


class InsightsScreen(Screen[None]):
    DEFAULT_CSS = """
    InsightsScreen #insights-coverage { height: auto; padding: 0 1; text-style: bold; }
    InsightsScreen #insights-body { height: 1fr; padding: 0 1; }
    InsightsScreen #insights-figures { height: auto; }
    InsightsScreen .insights-heading { margin: 1 0 0 0; text-style: bold; }
    InsightsScreen #insights-duplicates { height: auto; max-height: 12; border: none; padding: 0; }
    InsightsScreen #insights-chart { height: auto; }
    InsightsScreen ProgressBar { display: none; padding: 0 1; }
    InsightsScreen ProgressBar.-running { display: block; }
    InsightsScreen > .-top { dock: top; height: 1; }
    InsightsScreen > .-bottom { dock: bottom; height: 1; }
    """
    BINDINGS = [
        Binding("question_mark", "app.help", "Help", key_display="?", id="app.help"),
        Binding("escape", "close", "Back", id="insights.close"),
        Binding("F", "fetch_rest", "Fetch all", id="insights.fetch-all"),
        Binding("e", "export", "Export", id="insights.export"),
        Binding("r", "refresh", "Compute again", id="insights.refresh"),
    ]
    KEY_HINTS_KEEP = ("insights.close", "insights.fetch-all", "insights.export")

    def __init__(self, model: InsightsModel, view: ContactView | None = None, *, title: str = "") -> None:
        super().__init__()
        self.model = model
        self.view = view  # the browser's view: Enter on a duplicate filters it
        self.title = clean(title or f"{model.stream} · insights")
        self.insights: Insights | None = None
        self._handle = ReadHandle()
        self._fetching = False
        self._last_figures = 0.0
        self._problem = ""

    def compose(self) -> ComposeResult:
        with Vertical(classes="-top"):
            yield TitleBar()
        yield Static("Reading the cache…", id="insights-coverage")
        yield ProgressBar(show_eta=False, id="insights-progress")
        with VerticalScroll(id="insights-body"):
            yield Static("", id="insights-figures")
            yield Label("Top duplicates · Enter filters the view to one", classes="insights-heading",
                        id="insights-duplicates-heading", markup=False)
            yield OptionList(id="insights-duplicates")
            yield Label("Rows created", classes="insights-heading", id="insights-chart-heading", markup=False)
            yield Static("", id="insights-chart")
        with Vertical(classes="-bottom"):
            yield KeyHints()

    def on_mount(self) -> None:
        for widget in ("#insights-duplicates-heading", "#insights-duplicates", "#insights-chart-heading"):
            self.query_one(widget).display = False
        self.start()

    # -- computing --------------------------------------------------------------------------------

    @work(exclusive=True, group="prepare", description="read the stream's lists for insights")
    async def start(self) -> None:
        await self.model.prepare()
        self.refigure()

    def refigure(self) -> None:
        """Compute the figures again (a computation under way is stopped first)."""
        self._handle.interrupt()
        self._handle = ReadHandle()
        self._last_figures = time.monotonic()
        self.compute(self._handle)

    @work(thread=True, exclusive=True, group="figures", description="compute insights")
    def compute(self, handle: ReadHandle) -> None:
        worker = get_current_worker()
        try:
            self.model.compute(on_update=lambda insights: self.app.call_from_thread(self.show, insights),
                               cancelled=lambda: worker.is_cancelled, handle=handle)
        except Cancelled:
            return
        except sqlite3.OperationalError as exc:
            if "interrupt" not in str(exc):
                self.app.call_from_thread(self._say_problem, f"the local cache failed: {exc}")

    def _say_problem(self, text: str) -> None:
        self._problem = text
        if self.insights is not None:
            self.show(self.insights)

    def on_unmount(self) -> None:
        self._handle.interrupt()

    def on_resize(self) -> None:
        if self.insights is not None:
            self._show_chart(self.insights)

    # -- showing ----------------------------------------------------------------------------------

    def show(self, insights: Insights) -> None:
        if not self.is_attached:
            return
        self.insights = insights
        coverage = insights.coverage
        head = Text(clean(coverage.text()[:1].upper() + coverage.text()[1:]))
        if not coverage.complete and not self._fetching:
            cost = self.model.cost_of_rest(coverage).text()
            rest = f"the other {coverage.missing:,} rows" if coverage.missing else "the view"
            head.append(f" · F fetches {rest} ({clean(cost)})", style="not bold dim")
        if not insights.done:
            head.append(" · computing…", style="not bold italic")
        if self._problem:
            head.append(f" · {clean(self._problem)}", style="not bold red")
        self.query_one("#insights-coverage", Static).update(head)
        grid = Table.grid(padding=(0, 1))
        grid.add_column(style="bold", no_wrap=True)
        grid.add_column(overflow="fold")
        for label, text in summary_lines(insights)[1:]:
            grid.add_row(Text(label), Text(clean(text)))
        self.query_one("#insights-figures", Static).update(grid)
        self._show_duplicates(insights)
        self._show_chart(insights)

    def _show_duplicates(self, insights: Insights) -> None:
        options = self.query_one("#insights-duplicates", OptionList)
        wanted = [(d.number, f"{d.number}  ·  {plural(d.rows, 'row')}  ·  first at row {d.first_row + 1:,}")
                  for d in insights.top_duplicates]
        shown = [(str(option.id), str(option.prompt)) for option in options.options]
        if wanted != shown:
            highlighted = options.highlighted
            options.clear_options()
            options.add_options([Option(Text(clean(text)), id=number) for number, text in wanted])
            if wanted:
                options.highlighted = min(highlighted or 0, len(wanted) - 1)
        for widget in ("#insights-duplicates-heading", "#insights-duplicates"):
            self.query_one(widget).display = bool(wanted)

    def _show_chart(self, insights: Insights) -> None:
        width = max(20, self.size.width - 6)  # the body's padding and scroll bar
        unit, series = buckets(insights.created, max(8, width - 8))
        lines = bar_chart(series, width, CHART_HEIGHT, unit)
        self.query_one("#insights-chart-heading", Label).update(f"Rows created per {unit}")
        self.query_one("#insights-chart-heading").display = bool(lines)
        self.query_one("#insights-chart", Static).update(Text("\n".join(lines)))

    # -- actions ----------------------------------------------------------------------------------

    def action_close(self) -> None:
        self.workers.cancel_all()
        self.dismiss(None)

    def action_refresh(self) -> None:
        self.refigure()

    @on(OptionList.OptionSelected, "#insights-duplicates")
    def _duplicate_chosen(self, event: OptionList.OptionSelected) -> None:
        number = event.option.id
        view = self.view
        if not number or view is None:
            return
        self.action_close()

        def filtered() -> None:
            view.action_filter()
            bar = view.query_one(FilterBar)
            bar.input.value = number
            view.focus_table()

        view.call_after_refresh(filtered)

    def action_fetch_rest(self) -> None:
        if self._fetching:
            self.workers.cancel_group(self, "fetch")
            return
        coverage = self.insights.coverage if self.insights else self.model.coverage()
        if coverage.complete:
            self.app.notify("The whole view is cached already: r computes the figures again.", markup=False)
            return
        cost = self.model.cost_of_rest(coverage)
        if not cost.needs_confirm:
            self.fetch_rest()
            return

        def answered(go: bool | None) -> None:
            if go:
                self.fetch_rest()

        self.app.push_screen(ConfirmPrompt(f"Fetch the rest of this view into the cache? {cost.text()}.",
                                           "Pages still fresh in the cache cost no request. The figures follow "
                                           "the pages in; F again stops, and what was fetched stays."), answered)

    @work(exclusive=True, group="fetch", description="fetch the rest of the view for insights")
    async def fetch_rest(self) -> None:
        bar = self.query_one(ProgressBar)
        bar.add_class("-running")
        self._fetching = True
        self._problem = ""

        def walked(page: Any) -> None:
            bar.update(total=max(page.total_results or 0, page.end) or None, progress=page.end)
            if time.monotonic() - self._last_figures >= REFIGURE_EVERY:
                self.refigure()

        try:
            await self.model.fetch_rest(on_page=walked)
        except (ApiError, CacheLostRows) as exc:
            self._problem = f"fetching the rest: {short_error(exc)}"
        except asyncio.CancelledError:
            self.app.notify("Stopped fetching: the rows fetched stay in the cache.", markup=False)
            raise
        finally:
            self._fetching = False
            bar.remove_class("-running")
            self.refigure()

    def action_export(self) -> None:
        if self.insights is None or not self.insights.done:
            self.app.notify("The figures are still being computed: export once they are in.", markup=False)
            return
        self.app.push_screen(InsightsExport(self.model, self.insights))

    def palette_commands(self) -> Iterable[SystemCommand]:
        yield SystemCommand("Fetch the rest for insights", "Every row of the view, its cost said first",
                            self.action_fetch_rest)
        yield SystemCommand("Export duplicates or invalid numbers", "Each row with its reason, to CSV or JSONL",
                            self.action_export)
        yield SystemCommand("Compute the insights again", "From what the cache holds now", self.action_refresh)


def export_path(model: InsightsModel, what: str, directory: Path, now: float) -> str:
    stamp = dt.datetime.fromtimestamp(now).strftime("%Y%m%d-%H%M")
    name = "directory" if model.list_id == DIRECTORY else model.list_id
    safe = "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in f"{model.stream}-{name}-{what}")
    return str(directory / f"kore-{safe}-{stamp}.csv")


class InsightsExport(ModalScreen[None]):
    """The duplicates, or the invalid and impossible numbers, each row with its reason: to a
    file, all or nothing (the other exports' rules: 0600, never over a file without Enter again)."""

    BINDINGS = [Binding("escape", "close", "Cancel / close", id="export.close")]

    def __init__(self, model: InsightsModel, insights: Insights) -> None:
        super().__init__()
        self.model = model
        self.insights = insights
        from kore_tui.ui.screens.export import export_directory

        self.directory = export_directory(getattr(self.app, "export_dir", ""))
        self._replace_confirmed: Path | None = None

    def compose(self) -> ComposeResult:
        i = self.insights
        with Vertical(classes="prompt"):
            yield Label("Export the findings, each row with its reason (.csv or .jsonl)", markup=False)
            with RadioSet(id="insights-export-what"):
                yield RadioButton(f"Duplicates ({plural(i.duplicated + i.extra_rows, 'row')})", value=True,
                                  id="what-duplicates")
                problems = plural(i.invalid.rows + i.impossible.rows, "row")
                yield RadioButton(f"Invalid and impossible numbers ({problems})", id="what-invalid")
            yield Input(self._path(), id="insights-export-path", select_on_focus=False)
            yield Static("", id="insights-export-result")
            yield Label("Enter writes · Esc closes", classes="hint", markup=False)

    def _what(self) -> str:
        return "invalid" if self.query_one("#what-invalid", RadioButton).value else "duplicates"

    def _path(self, what: str = "duplicates") -> str:
        return export_path(self.model, what, self.directory, kore_app(self).clock())

    def on_mount(self) -> None:
        path = self.query_one(Input)
        path.cursor_blink = getattr(self.app, "blink", True)
        path.focus()

    @on(RadioSet.Changed)
    def _what_changed(self) -> None:
        self.query_one(Input).value = self._path(self._what())
        self.query_one(Input).focus()

    def _say(self, text: str, style: str = "") -> None:
        self.query_one("#insights-export-result", Static).update(Text(clean(text), style=style))

    def action_close(self) -> None:
        self.workers.cancel_all()
        self.dismiss(None)

    @on(Input.Submitted, "#insights-export-path")
    def _start(self, event: Input.Submitted) -> None:
        path = Path(event.value.strip()).expanduser()
        force = self._replace_confirmed == path
        refusal = target_refusal(path, force=force)
        if refusal is not None:
            message, asks_again = refusal
            if asks_again:
                self._replace_confirmed = path
            self._say(message, "yellow" if asks_again else "red")
            return
        self.export(path, self._what(), force)

    @work(exclusive=True, group="export", description="export insights findings")
    async def export(self, path: Path, what: str, force: bool) -> None:
        fmt = "jsonl" if path.suffix.lower() in (".jsonl", ".ndjson", ".json") else "csv"
        job = ExportJob(path, fmt=fmt, force=force)  # type: ignore[arg-type]
        self._say(f"Exporting to {path}…", "italic")
        rows_of = self.model.duplicate_rows if what == "duplicates" else self.model.problem_rows
        try:
            rows = await asyncio.to_thread(lambda: list(rows_of()))
            await export_to_file(job, self.model.fields, rows=rows)
        except (OSError, TargetError, sqlite3.Error) as exc:
            self._say(f"Cannot write {path}: {getattr(exc, 'strerror', None) or exc}. {job.outcome()}.", "red")
            return
        self._replace_confirmed = None
        self._say(f"{plural(job.rows, 'row')} written to {path}", "green")
        self.app.notify(clean(f"Exported {plural(job.rows, 'row')} to {path}"), markup=False)
