"""The figures as text: the words both the CLI and the app use."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from kore_tui.views.format import plural
from kore_tui.views.insights.figures import Insights

if TYPE_CHECKING:

    pass

# -- as text (the CLI; the app shows the same words) ------------------------------------------------

_SPACES = re.compile(r"\s+")


def summary_lines(insights: Insights) -> list[tuple[str, str]]:
    """(label, text) lines of every figure computed so far, in the words both the app and the
    CLI use. Server text (names, numbers, statuses) is uncleaned: each renderer cleans it."""
    i = insights
    lines: list[tuple[str, str]] = [("coverage", i.coverage.text())]
    if not i.coverage.cached:
        return lines + [("note", note) for note in i.notes]
    if "numbers" in i.stages:
        lines.append(("rows", f"{i.rows:,}" + (f" ({plural(i.no_number, 'row')} without a number)" if i.no_number
                                               else "")))
        lines.append(("numbers", f"{i.numbers:,} distinct"))
        if i.duplicated:
            lines.append(("duplicates", f"{plural(i.duplicated, 'number')} on more than one row: "
                                        f"{plural(i.extra_rows, 'extra row')}"))
        else:
            lines.append(("duplicates", "none"))
        impossible = i.impossible
        lines.append(("impossible", f"{plural(impossible.numbers, 'number')} on {plural(impossible.rows, 'row')}"
                      + (": " + ", ".join(f"{e.number} ({e.note})" for e in impossible.examples) if impossible.examples
                         else "")))
        national = i.national
        where = f"region {i.region}" if i.region else "no region set (--region)"
        lines.append(("national", f"{plural(national.numbers, 'number')} on {plural(national.rows, 'row')} without a "
                      f"country code, dialable only in {where}"
                      + (": " + ", ".join(f"{e.number} → {e.note}" for e in national.examples[:3])
                         if national.examples else "")))
    if "facts" in i.stages or i.classified:
        partial = "" if "facts" in i.stages else f" (so far: {i.classified:,} of {i.possible:,} numbers)"
        invalid = i.invalid
        lines.append(("invalid", f"{plural(invalid.numbers, 'number')} on {plural(invalid.rows, 'row')}{partial}"
                      + (": " + ", ".join(e.number for e in invalid.examples) if invalid.examples else "")))
        lines.append(("countries", ", ".join(f"{c.name or c.region} {c.code} {c.numbers:,}" for c in i.countries)
                      or "none"))
        lines.append(("types", ", ".join(f"{kind} {n:,}" for kind, n in i.kinds) or "none"))
    if "overlap" in i.stages:
        for o in i.overlaps:
            common = (f"{plural(o.common, 'number')} in common ({o.coverage.short()})" if o.coverage.cached
                      else "not cached" + (f" (its {plural(o.coverage.total, 'row')})" if o.coverage.total else ""))
            lines.append(("overlap" if o is i.overlaps[0] else "", f"{o.label}: {common}"))
        if not i.overlaps:
            lines.append(("overlap", "no other view of the stream is cached"))
    if "dates" in i.stages:
        if i.created:
            lines.append(("created", f"{i.created[0][0]} to {i.created[-1][0]}"
                          + (f" ({plural(i.undated, 'row')} without a date)" if i.undated else "")))
        if i.updated:
            lines.append(("updated", f"{i.updated[0][0]} to {i.updated[-1][0]}"))
        if i.statuses:
            more = f", and {plural(i.other_statuses, 'other')}" if i.other_statuses else ""
            lines.append(("status", ", ".join(f"{_SPACES.sub(' ', s)} {n:,}" for s, n in i.statuses) + more))
    for note in i.notes:
        lines.append(("note", note))
    return lines
