"""For the app: a contact's campaigns in the detail pane, the
do-not-call marks, and fetching the outcomes a number lacks (its cost stated first).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from kore_tui.api.models import ContactList, parse_contact_lists
from kore_tui.cache import RowCache, RowQuery, ViewKey, phone_digits
from kore_tui.sources import (
    ViewSource,
    cached_campaigns,
    cached_list_details,
    contact_list_details,
    outcomes_key,
    stream_campaigns,
    stream_contact_lists,
)
from kore_tui.views.campaigns.links import CampaignLinks, link_campaigns
from kore_tui.views.campaigns.numbers import (
    UNKNOWN,
    NumberCampaigns,
    _holding_lists,
    campaigns_of_number_cached,
    describe_dnc,
    describe_in_campaign,
    dnc_list_ids,
)
from kore_tui.views.format import plural

if TYPE_CHECKING:  # the Session imports the lookup, which imports this module
    from kore_tui.session import Session

# -- for the app: a detail pane's campaigns, fetching what it lacks ------------------------------


DNC_MARK_MAX_ROWS = 200_000  # a do-not-call list larger than this (cached) is not read whole for the marks


def campaign_section(answer: NumberCampaigns) -> list[tuple[str, str, str]]:
    """(label, text, tone) lines of a detail pane's Campaigns section, from the cache's answer.
    ``tone``: "dnc", a state (DIALED, PENDING, NOT_DIALED, UNKNOWN) or "note". Server text,
    uncleaned: the pane cleans it."""
    lines = [("DNC", describe_dnc(mark), "dnc") for mark in answer.dnc]
    if "campaigns not loaded yet" in answer.notes:
        return [*lines, ("campaigns", "not loaded yet (o loads them, and this number's outcomes)", "note")]
    for n, hit in enumerate(answer.campaigns):
        lines.append(("campaigns" if n == 0 else "", describe_in_campaign(hit), hit.state))
    if not answer.campaigns:
        lines.append(("campaigns", "none dials a cached list holding this number (f searches every list)", "note"))
    if any(hit.state == UNKNOWN for hit in answer.campaigns):
        lines.append(("", "o fetches the outcomes not cached", "note"))
    lines += [("", note, "note") for note in answer.notes]
    return lines


def number_campaign_section(cache: RowCache, key: ViewKey, raw: Mapping[str, Any]) -> list[tuple[str, str, str]]:
    """The Campaigns section of a row of view ``key`` (its first number), from the cache only."""
    digits = phone_digits(raw).split()
    if not digits:
        return []
    return campaign_section(campaigns_of_number_cached(cache, key.profile, key.stream, digits[0]))


def _stream_links(cache: RowCache, profile: str, stream: str) -> tuple[list[CampaignLinks], list[ContactList]] | None:
    stored = cached_campaigns(cache, profile, stream)
    lists_meta = cache.get_meta(profile, stream, "contact-lists")
    if stored is None or lists_meta is None:
        return None
    lists = parse_contact_lists({"data": lists_meta[0]})
    return link_campaigns(stored[0], lists), lists


def dnc_numbers_cached(cache: RowCache, profile: str, stream: str, *,
                       max_rows: int = DNC_MARK_MAX_ROWS) -> frozenset[str]:
    """The digits of every number on a do-not-call list the cache holds rows of (a list the
    campaigns name as ``dncLists``, or one whose cached details say ``isGlobalDNC``): a table's
    DNC marks. No request."""
    known = _stream_links(cache, profile, stream)
    if known is None:
        return frozenset()
    links, lists = known
    ids = dnc_list_ids(links)
    for lst in lists:
        details = cached_list_details(cache, profile, stream, lst.id)
        if details is not None and details.is_global_dnc:
            ids.append(lst.id)
    found: set[str] = set()
    for list_id in dict.fromkeys(ids):
        key = ViewKey(profile, stream, list_id)
        if not 0 < cache.count_rows(key) <= max_rows:
            continue
        positions = cache.query_positions(key, RowQuery())
        for _, raw in cache.rows_at(key, positions):
            found.update(phone_digits(raw).split())
    return frozenset(found)


def is_dnc(raw: Mapping[str, Any], dnc: frozenset[str]) -> bool:
    return bool(dnc) and any(d in dnc for d in phone_digits(raw).split())


@dataclass
class NumberFetch:
    """What fetching a number's campaign side costs and does: the outcomes of the campaigns
    dialing cached lists that hold it (those not complete in the cache), the do-not-call lists
    not cached, and the details (``isGlobalDNC``) of the lists holding it."""

    digits: str
    campaigns: list[CampaignLinks] = field(default_factory=list)
    dnc_lists: list[str] = field(default_factory=list)
    holding: list[str] = field(default_factory=list)
    rows: int = 0  # rows to fetch at most (outcomes and do-not-call lists)
    unsized: int = 0  # campaigns whose size is not known (counted as none)

    @property
    def empty(self) -> bool:
        return not (self.campaigns or self.dnc_lists or self.holding)

    @property
    def extra_requests(self) -> int:
        """Requests besides the pages: one per list's details."""
        return len(self.holding) + len(self.dnc_lists)

    def describe(self) -> str:
        """What is fetched, server names uncleaned."""
        parts = [f"the outcomes of {', '.join(link.campaign.name or link.campaign.id for link in self.campaigns)}"
                 ] if self.campaigns else []
        if self.dnc_lists:
            parts.append(plural(len(self.dnc_lists), "do-not-call list"))
        if self.holding:
            parts.append(f"the details of {plural(len(self.holding), 'list')} holding the number")
        return "; ".join(parts)


async def plan_number_fetch(session: Session, stream: str, raw: Mapping[str, Any]) -> NumberFetch | None:
    """What the row's number lacks in the cache (None: the row has no number). Reads the
    stream's campaigns and lists from a fresh cache, or the server (a few requests)."""
    digits = phone_digits(raw).split()
    if not digits:
        return None
    s = session
    campaigns = await stream_campaigns(s.client, s.cache, s.profile.name, stream, clock=s.clock)
    lists = await stream_contact_lists(s.client, s.cache, s.profile.name, stream, clock=s.clock)
    links = link_campaigns(campaigns, lists)
    plan = NumberFetch(digits[0])

    def read() -> None:
        dnc_ids = dnc_list_ids(links)
        for list_id in dnc_ids:
            if s.cache.view_state(ViewKey(s.profile.name, stream, list_id)).complete_at is None:
                plan.dnc_lists.append(list_id)
        found = _holding_lists(s.cache, s.profile.name, stream, plan.digits, [lst.id for lst in lists])
        holding = [list_id for list_id, has in found.items() if has]
        plan.holding = [i for i in holding if cached_list_details(s.cache, s.profile.name, stream, i) is None]
        for link in links:
            if not set(link.list_ids) & set(holding):
                continue
            if s.cache.view_state(outcomes_key(s.profile.name, stream, link.campaign.id)).complete_at is not None:
                continue
            plan.campaigns.append(link)
            if link.estimated_outcomes is None:
                plan.unsized += 1
            else:
                plan.rows += link.estimated_outcomes
        sizes = {lst.id: lst.total_record_count for lst in lists}
        plan.rows += sum(sizes.get(i) or 0 for i in plan.dnc_lists)

    await asyncio.to_thread(read)
    return plan


async def fetch_number(session: Session, stream: str, plan: NumberFetch,
                       on_page: Callable[[str, int, int | None], None] | None = None) -> None:
    """Everything ``plan`` lacks into the cache: list details, do-not-call lists, outcomes."""
    s = session
    for list_id in [*plan.holding, *plan.dnc_lists]:
        await contact_list_details(s.client, s.cache, s.profile.name, stream, list_id, clock=s.clock)
    views: list[tuple[str, ViewSource]] = [(list_id, s.source(stream, list_id)) for list_id in plan.dnc_lists]
    views += [(link.campaign.name or link.campaign.id, s.outcomes_source(stream, link.campaign.id))
              for link in plan.campaigns]
    for name, source in views:
        progress = (lambda page, name=name: on_page(name, page.end, page.total_results)) if on_page else None
        await source.complete(page_size=100, concurrency=2, on_page=progress)
