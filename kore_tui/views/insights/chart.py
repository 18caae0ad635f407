"""The timeline as a chart: rows per day, week or month as bars of block characters."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:

    pass


# -- the timeline as a chart ----------------------------------------------------------------------


def buckets(days: Sequence[tuple[str, int]], most: int) -> tuple[str, list[tuple[str, int]]]:
    """Rows per day, per week (from Monday) or per month, whichever first fits in ``most``
    buckets; days without rows count 0. Returns the unit and (the bucket's first day, rows)."""
    if not days:
        return "day", []
    dated = [(dt.date.fromisoformat(day), n) for day, n in days if _iso_day(day)]
    if not dated:
        return "day", []
    first, last = min(d for d, _ in dated), max(d for d, _ in dated)
    for unit in ("day", "week", "month"):
        def start(day: dt.date, unit: str = unit) -> dt.date:
            if unit == "day":
                return day
            if unit == "week":
                return day - dt.timedelta(days=day.weekday())
            return day.replace(day=1)

        counts: dict[dt.date, int] = {}
        cursor = start(first)
        while cursor <= last:
            counts[cursor] = 0
            cursor = _next(cursor, unit)
        for day, n in dated:
            counts[start(day)] += n
        if len(counts) <= most or unit == "month":
            return unit, [(day.isoformat(), n) for day, n in counts.items()]
    raise AssertionError("unreachable")


def _iso_day(day: str) -> bool:
    try:
        dt.date.fromisoformat(day)
    except ValueError:
        return False
    return True


def _next(day: dt.date, unit: str) -> dt.date:
    if unit == "day":
        return day + dt.timedelta(days=1)
    if unit == "week":
        return day + dt.timedelta(days=7)
    return (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


_EIGHTHS = " ▁▂▃▄▅▆▇█"


def bar_chart(series: Sequence[tuple[str, int]], width: int, height: int, unit: str = "day") -> list[str]:
    """Rows per bucket as vertical bars of block characters, ``height`` lines plus an axis line
    (first and last bucket, the unit): each bar one or more columns, as ``width`` allows."""
    if not series or width < 8 or height < 1:
        return []
    peak = max(n for _, n in series) or 1
    label_width = len(f"{peak:,}") + 1
    room = width - label_width - 1  # the bars' columns, right of the scale
    gap = 1 if room >= 3 * len(series) - 1 and len(series) <= 40 else 0
    bar = max(1, min(3, (room + gap) // len(series) - gap))
    lines = []
    for level in range(height, 0, -1):
        cells = []
        for _, n in series:
            eighths = math.ceil(n / peak * height * 8) if n else 0
            fill = max(0, min(8, eighths - (level - 1) * 8))
            cells.append(_EIGHTHS[fill] * bar)
        label = f"{peak:,}" if level == height else ""
        lines.append(f"{label:>{label_width}}│" + (" " * gap).join(cells).rstrip())
    span = len(series) * bar + (len(series) - 1) * gap
    first, last = series[0][0], series[-1][0]
    axis = f"{first} … {last}" if len(series) > 1 else first
    per = {"day": "a day", "week": "a week", "month": "a month"}[unit]
    axis = f"{axis} · one bar {per}" if span >= len(axis) + 16 else axis
    lines.append(" " * (label_width + 1) + axis)
    return lines
