"""List health at a glance (#17): what a list (or the directory) holds, from the local cache.

Rows, distinct numbers, duplicates (and the top ones), numbers libphonenumber calls invalid and
impossible ones (too short, too long, no such country code), numbers written without a country
code that only the profile's region makes dialable, countries and number types, overlap with the
directory, with each other list of the stream whose rows are cached and with its do-not-call
lists, when rows were created and updated, and their status. Every figure is based on what is
cached, and says so (:class:`Coverage`): ``F`` in the app and ``--fetch`` on the command line
fetch the rest first (its cost said, see :mod:`kore_tui.views.estimate`).

The work is SQL over the cache, grouped there (a million rows never become a million Python
objects): counts and duplicates from the phone-number index, dates with ``json_extract``, and
the distinct numbers read in keyset chunks to be classified. :func:`compute` runs in a thread and
reports after each stage (``on_update``), so the first figures show while the rest is computed.
The app and ``kore-tui insights`` use the same objects. No Textual here.

The package: ``figures`` (the dataclasses a computation fills in), ``numbers`` (classifying a
stored E.164 number), ``compute`` (the SQL over the cache, stage by stage), ``chart`` (the
timeline's buckets and bars), ``model`` (InsightsModel) and ``summary`` (the figures as lines of
text). Every name is importable from here.
"""

from __future__ import annotations

from kore_tui.views.insights.chart import bar_chart, buckets
from kore_tui.views.insights.compute import Inputs, Report, compute, coverage_of
from kore_tui.views.insights.figures import (
    CHUNK,
    EXAMPLES,
    STAGES,
    STATUSES_SHOWN,
    TOP_DUPLICATES,
    YIELD_EVERY,
    YIELD_FOR,
    Cancelled,
    Country,
    Coverage,
    Duplicate,
    Example,
    Insights,
    NumberGroup,
    Overlap,
    percent,
)
from kore_tui.views.insights.model import InsightsModel
from kore_tui.views.insights.numbers import calling_code, country_name, e164_facts, impossible_reason
from kore_tui.views.insights.summary import summary_lines

__all__ = [
    "CHUNK",
    "EXAMPLES",
    "STAGES",
    "STATUSES_SHOWN",
    "TOP_DUPLICATES",
    "YIELD_EVERY",
    "YIELD_FOR",
    "Cancelled",
    "Country",
    "Coverage",
    "Duplicate",
    "Example",
    "Inputs",
    "Insights",
    "InsightsModel",
    "NumberGroup",
    "Overlap",
    "Report",
    "bar_chart",
    "buckets",
    "calling_code",
    "compute",
    "country_name",
    "coverage_of",
    "e164_facts",
    "impossible_reason",
    "percent",
    "summary_lines",
]
