"""Phone lookup: which directory contact has this number, which contact lists hold it, which
campaigns dial those lists and how the number fared in each, and which do-not-call lists name it.

The platform has no search parameter, so the answer comes from the local cache, fetching only
what is missing or stale (within the request budget): a list's rows and a campaign's outcomes
are each walked once, then answered from the cache. No Textual here.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from kore_tui.api.client import KoreClient
from kore_tui.api.errors import ApiError
from kore_tui.api.models import ContactList
from kore_tui.cache import DEFAULT_MAX_AGE, DIRECTORY, RowCache, ViewKey, digits_of, primary_phone
from kore_tui.phones import query_e164, stored_e164
from kore_tui.sources import (
    CacheLostRows,
    CampaignOutcomesSource,
    ViewSource,
    contact_list_details,
    is_outcomes_key,
    outcomes_key,
    stream_campaigns,
    stream_contact_lists,
)
from kore_tui.views.campaigns import (
    NumberCampaigns,
    dnc_list_ids,
    dnc_marks,
    link_campaigns,
    number_in_campaign,
    unresolved_dnc,
)

DEFAULT_MAX_ROWS = 20_000  # larger lists are skipped unless asked for: 200+ requests, minutes at 60/min
Progress = Callable[[str, int, int | None], None]  # (view label, rows so far, total if known)


class LookupError_(ValueError):
    """The number given has too few digits to look up."""


@dataclass
class ViewSearch:
    """One view searched: where its rows came from and what matched."""

    list_id: str  # "" for the directory
    name: str
    rows: int = 0
    source: str = "cache"  # "cache", "server" or "cache+server"
    fetched_at: float | None = None  # oldest row's fetch time
    skipped: str = ""  # why the view was not searched
    matches: list[tuple[int, dict[str, Any]]] = field(default_factory=list)  # (position, raw)
    role: str = ""  # "dnc": a do-not-call list named by a campaign; "outcomes": a campaign's outcomes
    exact: int = 0  # the first `exact` matches have the number itself (E.164); the rest hold its digits


@dataclass
class LookupResult:
    phone: str
    digits: str
    stream: str
    directory: ViewSearch
    lists: list[ViewSearch]
    requests: int
    e164: str | None = None  # the number asked for, as E.164, when it is a possible number
    # The campaign side (None when not asked for): the number's campaigns and do-not-call lists.
    campaigns: NumberCampaigns | None = None
    outcome_searches: list[ViewSearch] = field(default_factory=list)  # campaigns' outcomes scanned
    campaigns_error: str = ""  # why the campaigns could not be read

    @property
    def lists_with_number(self) -> list[ViewSearch]:
        return [v for v in self.lists if v.matches]

    def to_json(self, now: float | None = None) -> dict[str, Any]:
        now = time.time() if now is None else now

        def view(v: ViewSearch) -> dict[str, Any]:
            return {
                "list_id": v.list_id or None,
                "name": v.name,
                "rows_searched": v.rows,
                "source": v.source,
                "age_seconds": None if v.fetched_at is None else round(now - v.fetched_at, 1),
                "skipped": v.skipped or None,
                "matches": [{"position": pos, "exact": n < v.exact, "e164": _e164(raw), "contact": raw}
                            for n, (pos, raw) in enumerate(v.matches)],
            }

        side = self.campaigns
        return {
            "phone": self.phone,
            "e164": self.e164,
            "digits": self.digits,
            "stream": self.stream,
            "directory": view(self.directory),
            "lists": [view(v) for v in self.lists],
            "campaigns": [hit.to_json() for hit in side.campaigns] if side else [],
            "dnc": [mark.to_json() for mark in side.dnc] if side else [],
            "campaign_notes": ([self.campaigns_error] if self.campaigns_error else []) + (side.notes if side else []),
            "outcomes_searched": [view(v) for v in self.outcome_searches],
            "requests": self.requests,
        }


def _e164(raw: dict[str, Any]) -> str | None:
    phone = primary_phone(raw)
    return stored_e164(phone) if phone else None


async def find_phone(
    client: KoreClient,
    cache: RowCache,
    profile: str,
    stream: str,
    phone: str,
    *,
    refresh: bool = False,
    max_age: float = DEFAULT_MAX_AGE,
    max_rows: int = DEFAULT_MAX_ROWS,
    only_lists: list[str] | None = None,
    concurrency: int = 4,
    page_size: int = 100,
    on_progress: Progress | None = None,
    clock: Callable[[], float] = time.time,
    region: str | None = None,
    campaigns: bool = True,
) -> LookupResult:
    """Where ``phone`` is in the stream: rows with the number itself (its E.164 form, read as
    typed in ``region`` when it has no country code) first, then rows whose number holds its
    digits.

    With ``campaigns``, also the campaigns dialing the lists that hold it, with its outcome in
    each (a campaign's outcomes are walked once, within ``max_rows``, then read from the cache),
    and the do-not-call lists holding it (see :mod:`kore_tui.views.campaigns`)."""
    digits = digits_of(phone)
    if len(digits) < 3:
        raise LookupError_(f"{phone!r} has too few digits to look up (3 at least)")
    e164 = query_e164(phone, region)
    sent_before = client.requests_sent
    lists = all_lists = await stream_contact_lists(client, cache, profile, stream, max_age=max_age, refresh=refresh,
                                                   clock=clock)
    if only_lists:
        lists = [lst for lst in lists if lst.id in only_lists]

    directory = ViewSearch(DIRECTORY, "contacts directory")
    searches = [ViewSearch(lst.id, lst.name or lst.id) for lst in lists]
    for search, lst in zip(searches, lists):
        if lst.total_record_count is not None and lst.total_record_count > max_rows:
            search.skipped = f"{lst.total_record_count:,} rows, over the {max_rows:,}-row limit"

    for search in [directory, *searches]:
        if search.skipped:
            continue
        key = ViewKey(profile, stream, search.list_id)
        await _complete_view(client, cache, key, search, refresh=refresh, max_age=max_age, concurrency=concurrency,
                             page_size=page_size, on_progress=on_progress, clock=clock)
        search.matches, search.exact = await asyncio.to_thread(_matches, cache, key, e164, digits)
    result = LookupResult(phone, digits, stream, directory, searches, 0, e164=e164)
    if campaigns:
        steps = _Steps(client, cache, profile, stream, refresh, max_age, max_rows, concurrency, page_size,
                       on_progress, clock)
        try:
            await _campaign_side(result, all_lists, steps)
        except ApiError as exc:  # the lists' answer stands; the campaigns' failure is said beside it
            result.campaigns_error = f"campaigns could not be read: {exc.kind}: {exc}"
    result.requests = client.requests_sent - sent_before
    return result


@dataclass
class _Steps:
    """What the campaign side of a lookup works with: the lookup's own arguments."""

    client: KoreClient
    cache: RowCache
    profile: str
    stream: str
    refresh: bool
    max_age: float
    max_rows: int
    concurrency: int
    page_size: int
    on_progress: Progress | None
    clock: Callable[[], float]

    async def complete(self, key: ViewKey, search: ViewSearch) -> None:
        await _complete_view(self.client, self.cache, key, search, refresh=self.refresh, max_age=self.max_age,
                             concurrency=self.concurrency, page_size=self.page_size, on_progress=self.on_progress,
                             clock=self.clock)


async def _campaign_side(result: LookupResult, lists: list[ContactList], s: _Steps) -> None:
    """The campaigns dialing the lists that hold the number, its outcome in each, and the
    do-not-call lists holding it. Each campaign's outcomes are walked once into the cache."""
    side = result.campaigns = NumberCampaigns()
    found = await stream_campaigns(s.client, s.cache, s.profile, s.stream, max_age=s.max_age, refresh=s.refresh,
                                   clock=s.clock)
    links = link_campaigns(found, lists)
    side.campaigns_known = len(links)

    # The do-not-call lists the campaigns name are searched like lists (found by id, sized by
    # their details): they need not be among the stream's `type=call` lists.
    searched = {v.list_id: v for v in result.lists}
    for list_id in dnc_list_ids(links):
        if list_id in searched and not searched[list_id].skipped:
            searched[list_id].role = "dnc"
            continue
        details = await contact_list_details(s.client, s.cache, s.profile, s.stream, list_id, max_age=s.max_age,
                                             refresh=s.refresh, clock=s.clock)
        search = ViewSearch(list_id, details.name or list_id, role="dnc")
        size = details.summary.total_record_count
        if size is not None and size > s.max_rows:
            search.skipped = f"{size:,} rows, over the {s.max_rows:,}-row limit"
        else:
            key = ViewKey(s.profile, s.stream, list_id)
            await s.complete(key, search)
            search.matches, search.exact = await asyncio.to_thread(_matches, s.cache, key, result.e164, result.digits)
        if list_id in searched:
            result.lists[result.lists.index(searched[list_id])] = search
        else:
            result.lists.append(search)
        searched[list_id] = search
    side.notes += unresolved_dnc(links)

    holding = {v.list_id: v.name for v in result.lists if v.matches}
    # `isGlobalDNC` is on a list's details only: asked for the lists holding the number (cached).
    flagged = []
    for list_id in holding:
        known = next((lst.raw.get("isGlobalDNC") for lst in lists if lst.id == list_id), None)
        if not isinstance(known, bool):
            details = await contact_list_details(s.client, s.cache, s.profile, s.stream, list_id,
                                                 max_age=s.max_age, refresh=s.refresh, clock=s.clock)
            known = details.is_global_dnc
        if known is True:
            flagged.append(list_id)
    side.dnc = dnc_marks(links, holding, flagged)

    # The number in each campaign that dials a list holding it.
    for link in links:
        if not set(link.list_ids) & set(holding):
            continue
        key = outcomes_key(s.profile, s.stream, link.campaign.id)
        search = ViewSearch(key.list, f"{link.campaign.name or link.campaign.id} (outcomes)", role="outcomes")
        estimate = link.estimated_outcomes
        if estimate is not None and estimate > s.max_rows:
            search.skipped = f"up to {estimate:,} outcomes, over the {s.max_rows:,}-row limit"
        else:
            await s.complete(key, search)
        result.outcome_searches.append(search)
        why = f"skipped: {search.skipped}; --max-rows to include" if search.skipped else ""
        hit = await asyncio.to_thread(number_in_campaign, s.cache, key, result.digits, link, list(holding), why)
        side.campaigns.append(hit)


def _matches(cache: RowCache, key: ViewKey, e164: str | None, digits: str) -> tuple[list[tuple[int, dict[str, Any]]], int]:
    """Rows with the number itself first, then the other rows whose number holds its digits."""
    exact = cache.rows_with_e164(key, e164) if e164 else []
    seen = {pos for pos, _ in exact}
    partial = [(pos, raw) for pos, raw in cache.rows_with_phone(key, digits) if pos not in seen]
    return exact + partial, len(exact)


async def _complete_view(client: KoreClient, cache: RowCache, key: ViewKey, search: ViewSearch, *, refresh: bool,
                         max_age: float, concurrency: int, page_size: int, on_progress: Progress | None,
                         clock: Callable[[], float]) -> None:
    """Make the cache hold the whole view, fresh: nothing to do when it already does."""
    state = await asyncio.to_thread(cache.view_state, key)
    if not refresh and state.complete_at is not None and state.oldest is not None and clock() - state.oldest < max_age:
        search.rows, search.source, search.fetched_at = state.rows, "cache", state.oldest
        return
    kind = CampaignOutcomesSource if is_outcomes_key(key) else ViewSource
    source = kind(client, cache, key, max_age=0.0 if refresh else max_age, clock=clock, refresh_stale=False)
    progress = (lambda page: on_progress(search.name, page.end, page.total_results)) if on_progress else None
    try:
        await source.complete(page_size=page_size, concurrency=concurrency, on_page=progress)
    except CacheLostRows as exc:
        raise LookupError_(str(exc)) from None
    state = await asyncio.to_thread(cache.view_state, key)
    search.rows = state.rows
    search.fetched_at = state.oldest
    if source.network_pages == 0:
        search.source = "cache"
    else:
        search.source = "server" if source.cache_pages == 0 else "cache+server"
