"""A stream's campaigns and the lists each dials (linked both ways), and one campaign's page:
its settings, status, lists and per-number outcomes (as a table's model).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from kore_tui.api.models import (
    CAMPAIGN_KINDS,
    CAMPAIGN_OUTCOME_FIELDS,
    Campaign,
    CampaignOutcome,
    CampaignRef,
    CampaignStatus,
    ContactList,
    ContactListDetails,
)
from kore_tui.api.walk import walk_pages
from kore_tui.cache import ViewKey
from kore_tui.sources import CampaignOutcomesSource, contact_list_details, outcomes_key, stream_campaigns, stream_contact_lists
from kore_tui.text import printable_only
from kore_tui.views.contacts import ContactsModel, Sort

if TYPE_CHECKING:  # the Session imports the lookup, which imports this module
    from kore_tui.session import Session


OUTCOME_FIELDS = CAMPAIGN_OUTCOME_FIELDS
OUTCOME_SORT_COLUMNS = 4  # number, outcome, attempts, bot status (kore_tui.cache.sort_values)


# -- campaigns and their lists ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CampaignLinks:
    """A campaign with the lists it dials and its do-not-call lists."""

    campaign: Campaign
    lists: tuple[ContactList, ...]
    unmatched: tuple[str, ...]  # list names in `contactLists` that no list of the stream has
    dnc: tuple[CampaignRef, ...]  # ids filled in from names where the stream tells them

    @property
    def list_ids(self) -> tuple[str, ...]:
        return tuple(lst.id for lst in self.lists)

    @property
    def list_names(self) -> tuple[str, ...]:
        """Its lists as the campaign names them (``contactLists``), else as the lists link to it."""
        return self.campaign.contact_lists or tuple(lst.name or lst.id for lst in self.lists)

    @property
    def estimated_outcomes(self) -> int | None:
        """Its outcome rows at most (the rows of its lists), when every list's count is known."""
        counts = [lst.total_record_count for lst in self.lists]
        if not counts or any(c is None for c in counts):
            return None
        return sum(c for c in counts if c is not None)


def link_campaigns(campaigns: Iterable[Campaign], lists: Sequence[ContactList]) -> list[CampaignLinks]:
    """Each campaign with its lists (by ``campaignInUse`` id, and by the names it gives) and its
    do-not-call lists (a ref without an id gets one from a list or another campaign of that name)."""
    campaigns = list(campaigns)
    by_name: dict[str, list[ContactList]] = {}
    for lst in lists:
        if lst.name:
            by_name.setdefault(lst.name, []).append(lst)
    dnc_ids: dict[str, str] = {}  # name -> id, from every reference that has both
    for campaign in campaigns:
        for ref in campaign.dnc_lists:
            if ref.id and ref.name:
                dnc_ids.setdefault(ref.name, ref.id)
    for lst in lists:
        if lst.name:
            dnc_ids.setdefault(lst.name, lst.id)
    linked: list[CampaignLinks] = []
    for campaign in campaigns:
        own = [lst for lst in lists if any(ref.id == campaign.id for ref in lst.campaigns_in_use)]
        unmatched = []
        for name in campaign.contact_lists:
            named = by_name.get(name, [])
            own += [lst for lst in named if lst not in own]
            if not named and not any(lst.name == name or lst.id == name for lst in own):
                unmatched.append(name)
        dnc = tuple(CampaignRef(dnc_ids[ref.name], ref.name) if not ref.id and ref.name in dnc_ids else ref
                    for ref in campaign.dnc_lists)
        linked.append(CampaignLinks(campaign, tuple(own), tuple(unmatched), dnc))
    return linked


def campaign_columns(links: CampaignLinks) -> tuple[str, str, str, str, str, str]:
    """(id, type, status, name, lists, do-not-call) of a campaign, as the CLI and the view show
    them. Server text, uncleaned: each renderer cleans it."""
    c = links.campaign
    lists = ", ".join(links.list_names) or "-"
    dnc = ", ".join(ref.label for ref in links.dnc) or "-"
    return c.id, c.kind or "?", c.status or "-", c.name or "(no name)", lists, dnc


def campaign_to_json(links: CampaignLinks) -> dict[str, Any]:
    c = links.campaign
    return {
        "id": c.id, "type": c.kind, "status": c.status, "name": c.name, "priority": c.priority,
        "dialingMode": c.dialing_mode,
        "lists": [{"id": lst.id, "name": lst.name} for lst in links.lists],
        "unmatchedListNames": list(links.unmatched),
        "dnc": [{"id": ref.id, "name": ref.name} for ref in links.dnc],
        "raw": dict(c.raw),
    }


def _setting(value: Any) -> str:
    """A dialing setting as sent (its unit is not documented: shown as the number it is)."""
    return "" if value is None or isinstance(value, (dict, list)) else str(value)


def settings_lines(campaign: Campaign) -> list[tuple[str, str]]:
    """(label, text) lines of a campaign's settings, for its page. Text is the server's, uncleaned."""
    c = campaign
    hours = c.dialing_strategy.get("callingHours")
    days = hours.get("days") if isinstance(hours, Mapping) else None
    lines = [
        ("id", c.id), ("type", c.kind or "?"), ("status", c.status or "-"), ("name", c.name or ""),
        ("description", c.description or ""), ("priority", c.priority_text or "-"),
        ("dialing mode", c.dialing_mode or ""), ("format", c.format or ""), ("queue", c.connection or ""),
        ("caller id", c.caller_id or ""),
        ("max attempts", "" if c.max_attempts is None else str(c.max_attempts)),
        ("retry period", _setting(c.dialing_strategy.get("defaultRetryPeriod"))),
        ("ring time", _setting(c.dialing_strategy.get("maxRingTime"))),
        ("dialing order", _setting(c.dialing_strategy.get("dialingOrder"))),
        ("calling hours", "; ".join(f"{d.get('day', '?')} {d.get('start', '?')}-{d.get('end', '?')}"
                                    for d in days if isinstance(d, Mapping)) if isinstance(days, list) else ""),
        ("time zone", str(hours.get("timezone", "")) if isinstance(hours, Mapping) else ""),
        ("lists", ", ".join(c.contact_lists)),
        ("do-not-call", ", ".join(ref.label for ref in c.dnc_lists)),
        ("experience flow", c.experience_flow or ""),
        ("scheduled", "yes" if c.schedule.get("isSchedulingEnabled") is True else ""),
        ("created", c.created_at or ""), ("updated", c.updated_at or ""), ("last run", c.instance_updated_at or ""),
    ]
    return [(label, text) for label, text in lines if text]


async def campaigns_with_lists(session: Session, stream: str, *, kinds: Sequence[str] = CAMPAIGN_KINDS,
                               statuses: Sequence[str] = ()) -> list[CampaignLinks]:
    """The stream's campaigns of ``kinds``, ``statuses`` filtered by the server, each with its
    lists: fresh from the server (one request per kind and 100 campaigns, and one for the lists)."""
    client = session.client
    campaigns: list[Campaign] = []
    for kind in kinds:
        fetch = functools.partial(client.campaigns_page, stream, kind, statuses=tuple(statuses))
        async for page in walk_pages(fetch):
            campaigns.extend(page.rows)
    lists = await client.contact_lists(stream)
    return link_campaigns(campaigns, lists)


class CampaignsModel:
    """A stream's campaigns, each with its lists (the Campaigns view, ``kore-tui campaigns``)."""

    def __init__(self, session: Session, stream: str) -> None:
        self.session = session
        self.stream = stream
        self.links: list[CampaignLinks] = []

    async def load(self, *, refresh: bool = False) -> list[CampaignLinks]:
        """The campaigns (voice, then SMS) and the lists, each from a fresh cache or the server."""
        s = self.session
        campaigns = await stream_campaigns(s.client, s.cache, s.profile.name, self.stream, refresh=refresh,
                                           clock=s.clock)
        lists = await stream_contact_lists(s.client, s.cache, s.profile.name, self.stream, refresh=refresh,
                                           clock=s.clock)
        self.links = link_campaigns(campaigns, lists)
        return self.links

    def rows(self, *, kind: str | None = None, statuses: Sequence[str] = ()) -> list[CampaignLinks]:
        """The loaded campaigns of one kind and of these statuses (case-insensitive), in order."""
        wanted = {s.casefold() for s in statuses}
        return [link for link in self.links if (kind is None or link.campaign.kind == kind)
                and (not wanted or (link.campaign.status or "").casefold() in wanted)]

    def campaign(self, campaign_id: str) -> CampaignModel:
        links = next((link for link in self.links if link.campaign.id == campaign_id), None)
        return CampaignModel(self.session, self.stream, campaign_id, links)


class CampaignModel:
    """One campaign's page: its settings and status (one request each), its lists with their
    details, and its per-number outcomes as a table's source (cached like a list's rows)."""

    def __init__(self, session: Session, stream: str, campaign_id: str, links: CampaignLinks | None = None) -> None:
        self.session = session
        self.stream = stream
        self.campaign_id = campaign_id
        self.links = links

    @property
    def key(self) -> ViewKey:
        return outcomes_key(self.session.profile.name, self.stream, self.campaign_id)

    async def settings(self) -> Campaign:
        kind = self.links.campaign.kind if self.links else None
        return await self.session.client.campaign(self.stream, self.campaign_id, kind)

    async def status(self) -> CampaignStatus:
        return await self.session.client.campaign_status(self.stream, self.campaign_id)

    async def list_details(self) -> list[ContactListDetails]:
        """Its lists' details (``isGlobalDNC``, ``allowDuplicates``): one request per list, cached."""
        s = self.session
        return [await contact_list_details(s.client, s.cache, s.profile.name, self.stream, lst.id, clock=s.clock)
                for lst in (self.links.lists if self.links else ())]

    def outcomes_source(self) -> CampaignOutcomesSource:
        s = self.session
        return CampaignOutcomesSource(s.client, s.cache, self.key, clock=s.clock)

    def outcomes(self) -> ContactsModel:
        """The outcomes as a table's model: pages, the filter (numbers by digits), fetch all, export."""
        expected = self.links.estimated_outcomes if self.links else None
        return OutcomesModel(self.outcomes_source(), noun="outcomes", expected_rows=expected)


def outcome_lines(outcome: CampaignOutcome) -> list[tuple[str, str]]:
    """(label, text) of one outcome row, for a detail pane."""
    o = outcome
    lines = [("number", o.phone_number or ""), ("outcome", o.dialer_outcome or "pending"),
             ("attempts", "" if o.attempts is None else str(o.attempts)), ("dispositions", ", ".join(o.dispositions)),
             ("bot status", " · ".join(t for t in (o.bot_status, o.bot_status_detail) if t)),
             ("session", o.session_id or ""), ("unique id", o.unique_id or "")]
    return [(label, text) for label, text in lines if text]


class OutcomesModel(ContactsModel):
    """A campaign's outcomes as a table's model: ``y`` copies the call's session id (what the
    platform's logs are searched by), an export writes the outcome fields."""

    copy_noun = "session id"
    export_fields = OUTCOME_FIELDS

    def next_sort(self, columns: int) -> Sort | None:
        """Its first four columns sort (the cache keeps four sort values a row)."""
        return super().next_sort(min(columns, OUTCOME_SORT_COLUMNS))

    @staticmethod
    def phone_to_copy(row: Any) -> str:
        session = getattr(row, "session_id", None) if row is not None else None
        return printable_only(session or "").strip()
