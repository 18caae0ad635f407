"""DetailPane: every field of the contact under the cursor, readable, or as raw JSON."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, RenderableType, RenderResult
from rich.measure import Measurement
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from kore_tui.ui.safe_text import clean
from kore_tui.views.format import age

MISSING = Text("missing", style="dim italic")
# Campaigns section lines by tone (kore_tui.views.campaigns' states, and notes).
TONES = {"dialed": "green", "pending": "yellow", "not dialed yet": "", "unknown": "dim", "note": "dim italic"}
NULL = Text("null", style="dim italic")


def parse_timestamp(value: str) -> dt.datetime | None:
    if not (16 <= len(value) <= 40) or value[4:5] != "-":
        return None
    try:
        moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


class DetailPane(VerticalScroll, can_focus=True):
    """Shows one row's ``raw`` mapping: documented fields first, then any others."""

    DEFAULT_CSS = """
    DetailPane { padding: 0 1; }
    DetailPane > Static { width: 1fr; }
    """

    def __init__(self, *, field_order: tuple[str, ...] = (), clock: Callable[[], float], note: str = "",
                 id: str | None = None) -> None:
        """``note``: what it says until a row is shown (else "No contact under the cursor.")."""
        super().__init__(id=id)
        self.field_order = field_order
        self.clock = clock
        self.raw_mode = False
        self.row: Mapping[str, Any] | None = None
        self.note = note
        self.related: list[tuple[str, str]] = []
        # The Campaigns section: (label, text, tone) lines; None until looked for.
        self.campaigns: list[tuple[str, str, str]] | None = None
        self._body = Static(Text(note or "No contact under the cursor.", style="dim"))

    def compose(self) -> ComposeResult:
        yield self._body

    def show(self, raw: Mapping[str, Any] | None, note: str = "") -> None:
        """Show a row (None: nothing under the cursor, or it is still loading)."""
        self.row = raw
        self.note = note
        self.related = []
        self.campaigns = None
        self._render_row()

    def show_campaigns(self, lines: list[tuple[str, str, str]]) -> None:
        """The row's number in the campaigns (see kore_tui.views.campaigns.campaign_section)."""
        self.campaigns = lines
        self._render_row()

    @property
    def dnc(self) -> bool:
        """The row's number is on a do-not-call list (as far as the cache knows)."""
        return any(tone == "dnc" for _, _, tone in self.campaigns or ())

    def show_related(self, related: list[tuple[str, str]]) -> None:
        """Facts about the row found elsewhere (e.g. the directory contact with its number)."""
        self.related = related
        self._render_row()

    def action_toggle_raw(self) -> None:
        self.raw_mode = not self.raw_mode
        self._render_row()

    def _render_row(self) -> None:
        if self.row is None:
            self._body.update(Text(self.note or "No contact under the cursor.", style="dim"))
            return
        self._body.update(self._raw_json() if self.raw_mode else self._fields())

    def _raw_json(self) -> RenderableType:
        text = json.dumps(self.row, indent=2, ensure_ascii=False, default=str)
        # json escapes C0 controls; C1 controls and the like pass through, so clean each line.
        return Text("\n".join(clean(line) for line in text.split("\n")))

    def _fields(self) -> RenderableType:
        assert self.row is not None
        grid = Table.grid(padding=(0, 1))
        grid.add_column(style="bold", no_wrap=True)
        grid.add_column(overflow="fold")
        keys = list(self.field_order) + [k for k in self.row if k not in self.field_order]
        for key in keys:
            value = self.row.get(key, _Missing)
            grid.add_row(Text(clean(key)), self._value(key, value))
        for label, value in self.related:
            grid.add_row(Text(clean(label), style="bold green"), Text(clean(value), style="green"))
        for label, value, tone in self.campaigns or ():
            if tone == "dnc":
                grid.add_row(Text(f" {clean(label)} ", style="bold reverse red"), Text(clean(value), style="bold red"))
            else:
                grid.add_row(Text(clean(label), style="bold"), Text(clean(value), style=TONES.get(tone, "")))
        return grid

    def _value(self, key: str, value: Any, depth: int = 0) -> RenderableType:
        if value is _Missing:
            return MISSING
        if value is None:
            return NULL
        if isinstance(value, str):
            moment = parse_timestamp(value) if key.endswith("At") else None
            if moment is not None:
                local = moment.astimezone()
                when = local.strftime("%Y-%m-%d %H:%M:%S %Z")
                return Stamp(when, age(self.clock() - moment.timestamp()))
            return Text(clean(value)) if value else Text('""', style="dim")
        if isinstance(value, (bool, int, float)):
            return Text(json.dumps(value), style="cyan")
        if isinstance(value, Mapping):
            if not value:
                return Text("{}", style="dim")
            return self._nested(((str(k), str(k), v) for k, v in value.items()), "italic", depth)
        if isinstance(value, list):
            if not value:
                return Text("(none)", style="dim")
            return self._nested(((f"{i + 1}.", key, item) for i, item in enumerate(value)), "dim", depth)
        return Text(clean(repr(value)))

    def _nested(self, items: Iterable[tuple[str, str, Any]], label_style: str, depth: int) -> Table:
        """A sub-table of (label, key for formatting, value) rows, for objects and lists."""
        inner = Table.grid(padding=(0, 1))
        inner.add_column(style=label_style, no_wrap=True)
        inner.add_column(overflow="fold")
        for label, key, value in items:
            inner.add_row(Text(clean(label)), self._value(key, value, depth + 1))
        return inner


class Stamp:
    """A time and its age: on one line when they fit, else the age whole on the next line
    (never "… UTC  1" / "year ago")."""

    def __init__(self, when: str, relative: str) -> None:
        self.when = when
        self.relative = relative

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        one_line = f"{self.when}  {self.relative}"
        if cell_len(one_line) <= options.max_width:
            yield Text.assemble(self.when, (f"  {self.relative}", "dim"))
        else:
            yield Text(self.when)
            yield Text(self.relative, style="dim")

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        widest = cell_len(f"{self.when}  {self.relative}")
        return Measurement(min(cell_len(self.when), widest), widest)


class _MissingType:
    pass


_Missing = _MissingType()
