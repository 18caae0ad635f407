"""A phone lookup's answer as parts a person reads: the CLI prints them as lines, the app as a
grid; both say the same things in the same words."""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from kore_tui.api.models import DirectoryContact
from kore_tui.lookup import LookupResult, ViewSearch
from kore_tui.views.campaigns import describe_dnc, describe_in_campaign
from kore_tui.views.format import age, plural

MATCHED_ROWS_SHOWN = 5


@dataclass(frozen=True, slots=True)
class ReportLine:
    """One line of an answer. ``tone``: "found", "none" (nothing there) or "note" (by the way).
    Text is the server's, uncleaned: each renderer cleans it for its own output."""

    text: str
    tone: str = ""


@dataclass(frozen=True, slots=True)
class LookupReport:
    heading: str
    directory: tuple[ReportLine, ...]
    lists_summary: str
    lists: tuple[ReportLine, ...]
    searched: tuple[ReportLine, ...]
    requests: int
    # The campaign side: a summary line, a line per campaign, the do-not-call lists, notes.
    campaigns_summary: str = ""
    campaigns: tuple[ReportLine, ...] = ()
    dnc: tuple[ReportLine, ...] = ()


def describe_contact(raw: Mapping[str, Any]) -> str:
    """A directory contact in one line: name · number · status · id."""
    contact = DirectoryContact.from_json(raw)
    return (f"{contact.display_name or '(no name)'} · {contact.phone_number or ''} · "
            f"{contact.status or '-'} · id {contact.id or '-'}")


def _rows(view: ViewSearch) -> str:
    rows = ", ".join(f"row {pos + 1:,}" for pos, _ in view.matches[:MATCHED_ROWS_SHOWN])
    more = len(view.matches) - MATCHED_ROWS_SHOWN
    return rows + (f" and {more:,} more" if more > 0 else "")


def _searched(view: ViewSearch, now: float) -> ReportLine:
    label = view.name if view.list_id else "directory"
    if view.role == "dnc":
        label += " (do-not-call)"
    if view.skipped:
        return ReportLine(f"{label}: skipped ({view.skipped}; --max-rows to include)", "note")
    when = "" if view.fetched_at is None else f", fetched {age(now - view.fetched_at)}"
    return ReportLine(f"{label}: {plural(view.rows, 'row')} from {view.source}{when}", "note")


def _match_line(text: str, n: int, view: ViewSearch, result: LookupResult) -> ReportLine:
    """A match; one whose number only holds the digits asked for says so (ranked after)."""
    if result.e164 is not None and n >= view.exact:
        return ReportLine(f"{text} · holds the digits only", "note")
    return ReportLine(text, "found")


def lookup_report(result: LookupResult, now: float | None = None) -> LookupReport:
    now = time.time() if now is None else now
    directory = tuple(_match_line(describe_contact(raw), n, result.directory, result)
                      for n, (_, raw) in enumerate(result.directory.matches)) or (
        ReportLine("no contact with this number", "none"),)
    holding = result.lists_with_number
    searched = sum(1 for v in result.lists if not v.skipped)
    return LookupReport(
        heading=f"{result.phone} (digits {result.digits}) in stream {result.stream}",
        directory=directory,
        lists_summary=f"on {len(holding):,} of {plural(searched, 'contact list')} searched",
        lists=tuple(ReportLine(f"{v.list_id}  {v.name}  ({_rows(v)})", "found") for v in holding),
        searched=tuple(_searched(v, now) for v in [result.directory, *result.lists, *result.outcome_searches]),
        requests=result.requests,
        **_campaign_parts(result),
    )


def _campaign_parts(result: LookupResult) -> dict[str, Any]:
    side = result.campaigns
    if side is None and not result.campaigns_error:
        return {}
    notes = [ReportLine(result.campaigns_error, "note")] if result.campaigns_error else []
    if side is None:
        return {"campaigns_summary": "campaigns not read", "campaigns": tuple(notes)}
    notes += [ReportLine(note, "note") for note in side.notes]
    tones = {"dialed": "found", "pending": "found", "not dialed yet": "none", "unknown": "note"}
    if side.campaigns:
        summary = (f"in {plural(len(side.campaigns), 'campaign')} dialing those lists "
                   f"(of {plural(side.campaigns_known, 'campaign')} in the stream)")
    elif result.lists_with_number:
        summary = f"no campaign dials those lists ({plural(side.campaigns_known, 'campaign')} in the stream)"
    else:
        summary = f"in no campaign: no list holds it ({plural(side.campaigns_known, 'campaign')} in the stream)"
    dnc = tuple(ReportLine(describe_dnc(mark), "found") for mark in side.dnc) or (
        ReportLine("on no do-not-call list searched", "none"),)
    return {
        "campaigns_summary": summary,
        "campaigns": tuple(ReportLine(describe_in_campaign(hit), tones.get(hit.state, "")) for hit in side.campaigns)
        + tuple(notes),
        "dnc": dnc,
    }
