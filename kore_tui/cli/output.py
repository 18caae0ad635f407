"""What the commands draw: one-line failures, and on a terminal Rich tables and progress bars
(Rich is imported where it draws, and only here). Everything shown is cleaned text, never markup."""

from __future__ import annotations

import sys
import time
from collections.abc import Sequence
from typing import Any, TextIO

from kore_tui.text import clean


def _fail(message: str) -> None:
    # Errors quote the server: its escape sequences and line breaks must not reach the terminal.
    print(f"kore-tui: {clean(message)}", file=sys.stderr)


def _console(stream: TextIO) -> Any:
    """A Rich console on ``stream`` that adds no highlighting, emoji or markup of its own: what it
    prints is cleaned text in ``rich.text.Text`` objects, never markup built from server text."""
    from rich.console import Console

    return Console(file=stream, highlight=False, emoji=False, markup=False)


def _table(headers: Sequence[tuple[str, str]], rows: Sequence[Sequence[str]]) -> None:
    """Rows (already cleaned) as a Rich table on the terminal that stdout is; ``headers`` are
    (title, justify) pairs. No colour or bold: the table is the only escape-free way to be sure
    that nothing but text reaches the terminal (tests/test_edges.py looks for any control)."""
    from rich import box
    from rich.table import Table
    from rich.text import Text

    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False, header_style="")
    for title, justify in headers:
        table.add_column(Text(title), justify=justify)  # type: ignore[arg-type]
    for row in rows:
        table.add_row(*(Text(cell) for cell in row))
    _console(sys.stdout).print(table)


def _progress(label: str) -> _Progress | None:
    """A progress bar on stderr when stderr is a terminal; None otherwise (nothing is drawn)."""
    return _Progress(sys.stderr, label) if sys.stderr.isatty() else None


class _Progress:
    """A Rich progress bar on a terminal's stderr: rows so far, the rate and the time left (words
    as the app says them, :func:`kore_tui.views.estimate.progress_text`), and "waiting for the
    request budget (N s)" while a request waits for it (see :func:`_budget_waiting`). Labels are
    cleaned and shown as text, never read as markup."""

    active: _Progress | None = None  # the bar being drawn now

    def __init__(self, stream: TextIO, label: str = "") -> None:
        from rich.progress import BarColumn, Progress, ProgressColumn, Task, TextColumn
        from rich.text import Text

        words = self.words

        class Words(ProgressColumn):
            def render(self, task: Task) -> Text:
                return Text(words(), no_wrap=True, overflow="ellipsis")  # one line, however narrow

        self.rows = 0
        self.total: int | None = None
        self.started = time.monotonic()
        self.wait_until = 0.0
        self.progress = Progress(TextColumn("{task.description}", markup=False), BarColumn(bar_width=20), Words(),
                                 console=_console(stream), redirect_stdout=False, redirect_stderr=False)
        self.task = self.progress.add_task(clean(label), total=None)
        self.progress.start()
        _Progress.active = self

    def words(self) -> str:
        from kore_tui.views.estimate import progress_text

        text = progress_text(self.rows, self.total, time.monotonic() - self.started)
        if (wait := self.wait_until - time.monotonic()) > 0:  # first: what a narrow terminal keeps
            import math

            text = f"waiting for the request budget ({math.ceil(wait)} s) · {text}"
        return text

    def __call__(self, rows: int, total: int | None, label: str | None = None) -> None:
        self.rows, self.total, self.wait_until = rows, total, 0.0
        self.progress.update(self.task, completed=rows, total=total or None,
                             description=clean(label) if label is not None else None)

    def waiting(self, seconds: float) -> None:
        self.wait_until = time.monotonic() + seconds
        self.progress.refresh()

    def say(self, line: str) -> None:
        """One line above the bar."""
        from rich.text import Text

        self.progress.console.print(Text(clean(line)))

    def done(self) -> None:
        self.progress.refresh()
        self.progress.stop()
        if _Progress.active is self:
            _Progress.active = None


def _budget_waiting(seconds: float) -> None:
    """The client's ``on_budget_wait`` on a terminal: said on the progress bar, if one is shown."""
    if _Progress.active is not None:
        _Progress.active.waiting(seconds)
