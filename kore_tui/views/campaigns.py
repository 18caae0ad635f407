"""Campaigns below the UI: a stream's campaigns and the lists each dials, one campaign's page
(settings, status, lists, per-number outcomes), and the join "why was this number called?":
for a phone number, the campaigns whose lists hold it, the number's outcome in each, and the
do-not-call lists that name it.

The platform links the two sides loosely: a campaign names its lists by *name*
(``contactLists``) while a list names its campaigns by *id* (``campaignInUse``). A campaign's
lists are the lists naming its id, plus those whose name it gives (a list renamed since, or a
``campaignInUse`` that lags, still links). Its do-not-call list (``dncLists``) comes with an id
on voice campaigns and by name only on SMS ones; a name is resolved through the stream's lists
and the other campaigns' references.

Everything here that answers for a number reads the cache only (no request): the phone lookup
(:mod:`kore_tui.lookup`) fetches what is missing first, the detail pane shows what is cached.
No Textual here.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
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
    parse_contact_lists,
)
from kore_tui.api.walk import walk_pages
from kore_tui.cache import RowCache, RowQuery, ViewKey, digits_of, phone_digits
from kore_tui.sources import (
    CampaignOutcomesSource,
    ViewSource,
    cached_campaigns,
    cached_list_details,
    contact_list_details,
    outcomes_key,
    stream_campaigns,
    stream_contact_lists,
)
from kore_tui.text import printable_only
from kore_tui.views.contacts import ContactsModel, Sort
from kore_tui.views.format import plural

if TYPE_CHECKING:  # the Session imports the lookup, which imports this module
    from kore_tui.session import Session

OUTCOME_FIELDS = CAMPAIGN_OUTCOME_FIELDS

# What is known of a number in one campaign.
DIALED = "dialed"  # an outcome row with a dialer outcome
PENDING = "pending"  # an outcome row with an empty dialer outcome: queued, not called yet
NOT_DIALED = "not dialed yet"  # every outcome is cached and none has the number
UNKNOWN = "unknown"  # the outcomes are not (all) cached: see the note


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


# -- for the app: a table of outcomes, a detail pane's campaigns, fetching what it lacks ----------

OUTCOME_SORT_COLUMNS = 4  # number, outcome, attempts, bot status (kore_tui.cache.sort_values)
DNC_MARK_MAX_ROWS = 200_000  # a do-not-call list larger than this (cached) is not read whole for the marks


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
