"""The join "why was this number called?": for a phone number, the campaigns whose lists hold
it, its outcome in each, and the do-not-call lists that name it. From the cache only.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from kore_tui.api.models import Campaign, CampaignOutcome, ContactList, parse_contact_lists
from kore_tui.cache import RowCache, ViewKey, digits_of, phone_digits
from kore_tui.sources import cached_campaigns, cached_list_details, outcomes_key
from kore_tui.views.campaigns.links import CampaignLinks, link_campaigns
from kore_tui.views.format import plural

if TYPE_CHECKING:  # the Session imports the lookup, which imports this module
    from kore_tui.session import Session

# What is known of a number in one campaign.
DIALED = "dialed"  # an outcome row with a dialer outcome
PENDING = "pending"  # an outcome row with an empty dialer outcome: queued, not called yet
NOT_DIALED = "not dialed yet"  # every outcome is cached and none has the number
UNKNOWN = "unknown"  # the outcomes are not (all) cached: see the note


# -- the join: a number in the campaigns ----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class NumberInCampaign:
    """A number in one campaign: how it went, or why that is not known."""

    campaign: Campaign
    list: ContactList | None  # the campaign's first list holding the number
    state: str  # DIALED, PENDING, NOT_DIALED or UNKNOWN
    outcome: CampaignOutcome | None = None  # its outcome row (the last, if there are several)
    rows: int = 0  # outcome rows with the number (a list allowing duplicates, or two lists)
    note: str = ""  # why the state is UNKNOWN; how much was cached

    def to_json(self) -> dict[str, Any]:
        o = self.outcome
        return {
            "id": self.campaign.id, "name": self.campaign.name, "type": self.campaign.kind,
            "status": self.campaign.status, "state": self.state,
            "outcome": o.dialer_outcome if o is not None else None,
            "attempts": o.attempts if o is not None else None,
            "dispositions": list(o.dispositions) if o is not None else [],
            "sessionId": o.session_id if o is not None else None,
            "botStatus": o.bot_status if o is not None else None,
            "botStatusDetail": o.bot_status_detail if o is not None else None,
            "outcomeRows": self.rows,
            "list": None if self.list is None else {"id": self.list.id, "name": self.list.name},
            "note": self.note or None,
        }


@dataclass(frozen=True, slots=True)
class DncMark:
    """A do-not-call list that holds the number: flagged ``isGlobalDNC``, named as campaigns'
    ``dncLists``, or both."""

    id: str
    name: str | None
    global_dnc: bool
    campaigns: tuple[str, ...] = ()  # names of the campaigns naming it as their do-not-call list

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "global": self.global_dnc, "campaigns": list(self.campaigns)}


@dataclass
class NumberCampaigns:
    """The whole campaign side of a number: its campaigns, its do-not-call lists, and what could
    not be said (campaigns unread, do-not-call lists named without an id, ...)."""

    campaigns: list[NumberInCampaign] = field(default_factory=list)
    dnc: list[DncMark] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    campaigns_known: int = 0  # campaigns of the stream looked at


def _exactly(digits: str, rows: list[tuple[int, dict[str, Any]]]) -> list[dict[str, Any]]:
    exact = [raw for _, raw in rows if digits in phone_digits(raw).split()]
    return exact or [raw for _, raw in rows]


def number_in_campaign(cache: RowCache, key: ViewKey, digits: str, links: CampaignLinks,
                       holding: Sequence[str], skipped: str = "") -> NumberInCampaign:
    """The number in one campaign, from the cache only. ``holding``: ids of lists holding it."""
    first = next((lst for lst in links.lists if lst.id in holding), None)
    rows = _exactly(digits, cache.rows_with_phone(key, digits))
    if rows:
        outcome = CampaignOutcome.from_json(rows[-1])
        return NumberInCampaign(links.campaign, first, PENDING if outcome.pending else DIALED, outcome, len(rows))
    state = cache.view_state(key)
    if state.complete_at is not None:
        return NumberInCampaign(links.campaign, first, NOT_DIALED,
                                note=f"none of its {plural(state.rows, 'outcome')} has the number")
    if skipped:
        return NumberInCampaign(links.campaign, first, UNKNOWN, note=skipped)
    if state.rows:
        return NumberInCampaign(links.campaign, first, UNKNOWN,
                                note=f"not among the {plural(state.rows, 'outcome')} cached; the rest are not")
    return NumberInCampaign(links.campaign, first, UNKNOWN, note="its outcomes are not cached")


def dnc_marks(links: Sequence[CampaignLinks], holding: Mapping[str, str | None],
              global_dnc: Iterable[str]) -> list[DncMark]:
    """The do-not-call lists holding the number. ``holding``: id -> name of every list (DNC
    lists included) found to hold it; ``global_dnc``: ids of lists flagged ``isGlobalDNC``."""
    flagged = set(global_dnc)
    naming: dict[str, list[str]] = {}
    for link in links:
        for ref in link.dnc:
            if ref.id:
                naming.setdefault(ref.id, []).append(link.campaign.name or link.campaign.id)
    marks = []
    for list_id, name in holding.items():
        if list_id in flagged or list_id in naming:
            marks.append(DncMark(list_id, name, list_id in flagged, tuple(dict.fromkeys(naming.get(list_id, [])))))
    return marks


def unresolved_dnc(links: Sequence[CampaignLinks]) -> list[str]:
    """Notes on do-not-call lists named without an id that no list or campaign resolves."""
    names = {ref.name for link in links for ref in link.dnc if not ref.id and ref.name}
    return [f"do-not-call list {name!r} is named without an id: not searched" for name in sorted(names)]


def dnc_list_ids(links: Sequence[CampaignLinks]) -> list[str]:
    """Every do-not-call list id the campaigns name (resolved), in first-named order."""
    return list(dict.fromkeys(ref.id for link in links for ref in link.dnc if ref.id))


def _holding_lists(cache: RowCache, profile: str, stream: str, digits: str,
                   list_ids: Iterable[str]) -> dict[str, bool]:
    """list id -> True when its cached rows hold the number (lists with no cached row are left out)."""
    found: dict[str, bool] = {}
    for list_id in list_ids:
        key = ViewKey(profile, stream, list_id)
        if cache.count_rows(key) == 0:
            continue
        found[list_id] = bool(cache.rows_with_phone(key, digits))
    return found


def campaigns_of_number_cached(cache: RowCache, profile: str, stream: str, phone: str) -> NumberCampaigns:
    """The campaign side of a number from the cache alone (no request): for a detail pane.

    Lists whose rows are not cached cannot be said to hold the number, so their campaigns are
    not shown; the notes say what was not known."""
    answer = NumberCampaigns()
    digits = digits_of(phone)
    stored = cached_campaigns(cache, profile, stream)
    lists_meta = cache.get_meta(profile, stream, "contact-lists")
    if stored is None or lists_meta is None or len(digits) < 3:
        answer.notes.append("campaigns not loaded yet")
        return answer
    campaigns, _fetched_at = stored
    lists = parse_contact_lists({"data": lists_meta[0]})
    links = link_campaigns(campaigns, lists)
    answer.campaigns_known = len(links)
    dnc_ids = dnc_list_ids(links)
    found = _holding_lists(cache, profile, stream, digits, [*(lst.id for lst in lists), *dnc_ids])
    holding = [list_id for list_id, has in found.items() if has]
    for link in links:
        if set(link.list_ids) & set(holding):
            answer.campaigns.append(number_in_campaign(cache, outcomes_key(profile, stream, link.campaign.id),
                                                       digits, link, holding))
    names: dict[str, str | None] = {lst.id: lst.name for lst in lists}
    flagged = []
    for list_id in holding:
        details = cached_list_details(cache, profile, stream, list_id)
        if details is not None:
            names.setdefault(list_id, details.name)
            if details.is_global_dnc:
                flagged.append(list_id)
    answer.dnc = dnc_marks(links, {i: names.get(i) for i in holding}, flagged)
    unsearched = [i for i in dnc_ids if i not in found]
    if unsearched:
        answer.notes.append(f"{plural(len(unsearched), 'do-not-call list')} not cached")
    return answer


async def related_campaigns(session: Session, stream: str, raw: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(label, text) lines for a detail pane: the row's number in the campaigns, from the cache."""
    digits = phone_digits(raw).split()
    if not digits:
        return []
    answer = await asyncio.to_thread(campaigns_of_number_cached, session.cache, session.profile.name, stream,
                                     digits[0])
    return number_lines(answer)


def describe_in_campaign(hit: NumberInCampaign) -> str:
    """One line: the campaign, the list, and how it went. Server text, uncleaned."""
    c = hit.campaign
    via = f" via {hit.list.name or hit.list.id}" if hit.list is not None else ""
    head = f"{c.name or c.id} ({c.kind or '?'}, {c.status or '-'}){via}: "
    o = hit.outcome
    if hit.state == DIALED and o is not None:
        parts = [o.dialer_outcome or "", plural(o.attempts or 0, "attempt")]
        if o.dispositions:
            parts.append("dispositions " + ", ".join(o.dispositions))
        if o.bot_status or o.bot_status_detail:
            parts.append("bot " + " / ".join(t for t in (o.bot_status, o.bot_status_detail) if t))
        if o.session_id:
            parts.append(f"session {o.session_id}")
        text = head + ", ".join(parts)
    elif hit.state == PENDING and o is not None:
        text = head + f"pending (queued, {plural(o.attempts or 0, 'attempt')} so far)"
    elif hit.state == NOT_DIALED:
        text = head + "not dialed yet"
    else:
        text = head + f"outcome unknown ({hit.note})"
    if hit.rows > 1:
        text += f" [{hit.rows} outcome rows with this number; the last shown]"
    return text


def describe_dnc(mark: DncMark) -> str:
    why = []
    if mark.global_dnc:
        why.append("a global do-not-call list")
    if mark.campaigns:
        why.append("the do-not-call list of " + ", ".join(mark.campaigns))
    return f"{mark.name or mark.id} ({mark.id}): " + "; ".join(why)


def number_lines(answer: NumberCampaigns) -> list[tuple[str, str]]:
    lines = [("campaign" if n == 0 else "", describe_in_campaign(hit)) for n, hit in enumerate(answer.campaigns)]
    lines += [("do-not-call", describe_dnc(mark)) for mark in answer.dnc]
    return lines
