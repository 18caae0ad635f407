"""What a :class:`~kore_tui.ui.widgets.lazy_table.LazyTable` line says: its columns, and server
values made safe and fitted to them (no Textual here: styles are the table's)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from kore_tui.ui.safe_text import ELLIPSIS, clean, fit

PLACEHOLDER = "…"


@dataclass(frozen=True, slots=True)
class Column:
    """A column: its header ``label``, its ``width`` in cells, and how to get a row's text."""

    label: str
    width: int
    value: Callable[[Any], str | None]


def cell_text(value: str | None, width: int) -> str:
    """A server value made safe and fitted to ``width`` cells."""
    if not value:
        return " " * width
    # Slice before cleaning: a cell shows at most `width` characters of a value (plus a few
    # zero-width ones), and a 1 MB field must not cost 1 MB of work per repaint.
    limit = width * 4 + 8
    if len(value) > limit:
        return fit(clean(value[:limit]) + ELLIPSIS, width)
    return fit(clean(value), width)


def line_width(columns: Sequence[Column]) -> int:
    """Cells in a line: each column with a space either side."""
    return sum(max(0, c.width) + 2 for c in columns)


SORTED_UP, SORTED_DOWN = "▲", "▼"


def header_text(columns: Sequence[Column], sort: tuple[int, bool] | None = None) -> str:
    """The header line; ``sort`` (column index, descending) marks the column the rows sort by."""
    cells = []
    for n, c in enumerate(columns):
        label = clean(c.label)
        if sort is not None and sort[0] == n:
            label = f"{label} {SORTED_DOWN if sort[1] else SORTED_UP}"
        cells.append(f" {fit(label, max(0, c.width))} ")
    return "".join(cells)


def placeholder_text(columns: Sequence[Column]) -> str:
    """The line of a row whose page is not loaded."""
    return "".join(f" {fit(PLACEHOLDER, max(0, c.width))} " for c in columns)


def row_text(columns: Sequence[Column], row: Any) -> str:
    return "".join(f" {cell_text(c.value(row), max(0, c.width))} " for c in columns)
