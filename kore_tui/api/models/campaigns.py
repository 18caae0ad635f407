"""Campaigns (API v2, read-only): a campaign and its references, its status, its per-number
outcomes, a contact list's details; the parsers of their answers.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from kore_tui.api.errors import BadResponseError
from kore_tui.api.models.contacts import ContactList, Page, parse_page
from kore_tui.api.models.values import CampaignRef, _type_name, bool_or_none, campaign_refs, int_or_none, limit_depth, text_or_none

# -- campaigns (API v2, read-only) -------------------------------------------------------------

CAMPAIGN_KINDS = ("voice", "sms")
# `filters.status` values the docs name (others may exist: they are sent as given).
CAMPAIGN_STATUSES = ("Active", "Completed", "Ready", "Paused", "Preparing", "Stopped", "Scheduled", "Rescheduled")
# A campaign's per-number outcome (``view=contacts``), in the docs' order: the CSV header.
CAMPAIGN_OUTCOME_FIELDS = (
    "phoneNumber", "uniqueId", "dialerOutcome", "numberOfAttemptsSoFar", "botSessionId", "agentDispositionCodes",
    "botOutboundStatus", "botOutboundStatusDetail",
)
MAX_OUTCOME_LIMIT = 100  # `limit` of the outcome pages: 1 to 100 per the docs
_FAILED = ("error", "failure", "failed", "fail")


def _names(value: Any) -> tuple[str, ...]:
    """``contactLists``: list names (strings) in the samples; objects or one string are read too."""
    items = value if isinstance(value, list) else [value] if value is not None else []
    names: list[str] = []
    for item in items:
        if isinstance(item, Mapping):
            item = item.get("name", item.get("id", item.get("_id")))
        text = text_or_none(item)
        if text:
            names.append(text)
    return tuple(names)


def _strings(value: Any) -> tuple[str, ...]:
    items = value if isinstance(value, list) else [value] if value not in (None, "") else []
    return tuple(t for t in (text_or_none(v) for v in items) if t)


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


@dataclass(frozen=True, slots=True)
class Campaign:
    """One campaign (``getAllCampaignDetails`` item or ``GET campaign/{id}``), voice or SMS.

    The id is ``_id`` on voice items and ``id`` on SMS ones; ``priority`` comes as a string;
    ``dncLists`` is one ``{id?, name}`` object (read as a tuple, should it become a list);
    ``contactLists`` names lists by name only (map them through the lists' ``campaignInUse``).
    """

    id: str
    kind: str | None  # "voice" or "sms": as asked for, else inferred (dialingMode / format)
    name: str | None
    description: str | None
    status: str | None
    priority: int | None
    dialing_mode: str | None
    dnc_lists: tuple[CampaignRef, ...]
    contact_lists: tuple[str, ...]  # list *names*
    connection: str | None
    format: str | None  # SMS: "simple" or "advanced"
    experience_flow: str | None
    created_at: str | None
    updated_at: str | None
    instance_updated_at: str | None  # campaignInstanceUpdatedAt: the last run's update
    raw: Mapping[str, Any] = field(repr=False)

    @classmethod
    def from_json(cls, raw: Mapping[str, Any], kind: str | None = None) -> Campaign:
        campaign_id = text_or_none(raw.get("_id")) or text_or_none(raw.get("id"))
        if not campaign_id:
            raise BadResponseError("a campaign in the answer has neither _id nor id")
        if kind not in CAMPAIGN_KINDS:
            kind = "voice" if "dialingMode" in raw else "sms" if "format" in raw or "message" in raw else None
        return cls(
            id=campaign_id,
            kind=kind,
            name=text_or_none(raw.get("name")),
            description=text_or_none(raw.get("description")),
            status=text_or_none(raw.get("status")),
            priority=int_or_none(raw.get("priority")),
            dialing_mode=text_or_none(raw.get("dialingMode")),
            dnc_lists=campaign_refs(raw.get("dncLists")),
            contact_lists=_names(raw.get("contactLists")),
            connection=text_or_none(raw.get("connection")),
            format=text_or_none(raw.get("format")),
            experience_flow=text_or_none(raw.get("experienceFlow")),
            created_at=text_or_none(raw.get("createdAt")),
            updated_at=text_or_none(raw.get("updatedAt")),
            instance_updated_at=text_or_none(raw.get("campaignInstanceUpdatedAt")),
            raw=raw,
        )

    @property
    def priority_text(self) -> str | None:
        """The priority as sent (a string in the samples), for showing."""
        return text_or_none(self.raw.get("priority"))

    @property
    def dialing_strategy(self) -> Mapping[str, Any]:
        """``dialingStrategy`` (``GET campaign/{id}`` only): callerId, callingHours, dialingOrder, ..."""
        return _mapping(self.raw.get("dialingStrategy"))

    @property
    def caller_id(self) -> str | None:
        return text_or_none(_mapping(self.dialing_strategy.get("callerId")).get("phoneNumber"))

    @property
    def max_attempts(self) -> int | None:
        return int_or_none(self.dialing_strategy.get("maxAttemptsPerRecord"))

    @property
    def schedule(self) -> Mapping[str, Any]:
        return _mapping(self.raw.get("schedule"))


@dataclass(frozen=True, slots=True)
class CampaignStatus:
    """``POST campaign/{id}/status?view=status``: ``{id, status, name}``."""

    id: str | None
    status: str | None
    name: str | None
    raw: Mapping[str, Any] = field(repr=False)

    @classmethod
    def from_json(cls, raw: Mapping[str, Any]) -> CampaignStatus:
        return cls(id=text_or_none(raw.get("id", raw.get("_id"))), status=text_or_none(raw.get("status")),
                   name=text_or_none(raw.get("name")), raw=raw)


@dataclass(frozen=True, slots=True)
class CampaignOutcome:
    """One dialed (or pending) number of a campaign (``view=contacts``).

    ``dialer_outcome`` is ``""`` while the number is pending; ``phone_number`` is digits
    without ``+`` in the samples.
    """

    phone_number: str | None
    unique_id: str | None
    dialer_outcome: str | None
    attempts: int | None
    session_id: str | None
    dispositions: tuple[str, ...]
    bot_status: str | None
    bot_status_detail: str | None
    raw: Mapping[str, Any] = field(repr=False)

    @classmethod
    def from_json(cls, raw: Mapping[str, Any]) -> CampaignOutcome:
        return cls(
            phone_number=text_or_none(raw.get("phoneNumber")),
            unique_id=text_or_none(raw.get("uniqueId")),
            dialer_outcome=text_or_none(raw.get("dialerOutcome")),
            attempts=int_or_none(raw.get("numberOfAttemptsSoFar")),
            session_id=text_or_none(raw.get("botSessionId")) or None,
            dispositions=_strings(raw.get("agentDispositionCodes")),
            bot_status=text_or_none(raw.get("botOutboundStatus")),
            bot_status_detail=text_or_none(raw.get("botOutboundStatusDetail")),
            raw=raw,
        )

    @property
    def id(self) -> str | None:
        """No id of its own: the number stands for the row (tables and copies ask for an id)."""
        return self.unique_id or self.phone_number

    @property
    def pending(self) -> bool:
        return not self.dialer_outcome


@dataclass(frozen=True, slots=True)
class ContactListDetails:
    """``GET contactList/{id}``: a list item's fields plus ``createdAt`` and the sample-only flags
    ``isGlobalDNC``, ``allowDuplicates``, ``isDefault``, ``isActive``."""

    summary: ContactList
    is_global_dnc: bool | None
    allow_duplicates: bool | None
    is_default: bool | None
    is_active: bool | None
    source: str | None
    created_at: str | None
    created_by: str | None
    raw: Mapping[str, Any] = field(repr=False)

    @property
    def id(self) -> str:
        return self.summary.id

    @property
    def name(self) -> str | None:
        return self.summary.name

    @classmethod
    def from_json(cls, raw: Mapping[str, Any]) -> ContactListDetails:
        sync = _mapping(raw.get("apiConfigurations")).get("dataSyncMode")
        allow = bool_or_none(raw.get("allowDuplicates"))
        if allow is None and isinstance(sync, str):
            allow = sync == "allowDuplicates"
        return cls(
            summary=ContactList.from_json(raw),
            is_global_dnc=bool_or_none(raw.get("isGlobalDNC")),
            allow_duplicates=allow,
            is_default=bool_or_none(raw.get("isDefault")),
            is_active=bool_or_none(raw.get("isActive")),
            source=text_or_none(raw.get("source")),
            created_at=text_or_none(raw.get("createdAt")),
            created_by=text_or_none(raw.get("createdBy")),
            raw=raw,
        )


def envelope_data(body: Any, what: str) -> Any:
    """``data`` of a ``{status, message, data}`` answer; a ``status`` of ``error``/``failure`` (a
    2xx that failed) is a :class:`BadResponseError` quoting the server's message."""
    if not isinstance(body, Mapping):
        raise BadResponseError(f"expected a JSON object for {what}, got {_type_name(body)}")
    status = body.get("status")
    if isinstance(status, str) and status.strip().lower() in _FAILED:
        said = text_or_none(body.get("message")) or text_or_none(body.get("error")) or "no message"
        raise BadResponseError(f"the server answered {what} with status {status!r}: {said[:300]}")
    if "data" not in body:
        raise BadResponseError(f"the answer for {what} has no `data`")
    return body["data"]


def _data_object(body: Any, what: str) -> Mapping[str, Any]:
    data = envelope_data(body, what)
    if isinstance(data, list) and len(data) == 1 and isinstance(data[0], Mapping):
        data = data[0]  # a one-item array where an object was expected
    if not isinstance(data, Mapping):
        raise BadResponseError(f"`data` of {what} is {_type_name(data)}, expected an object")
    return limit_depth(data)


def parse_campaign(body: Any, kind: str | None = None) -> Campaign:
    return Campaign.from_json(_data_object(body, "the campaign"), kind)


def parse_campaign_status(body: Any) -> CampaignStatus:
    return CampaignStatus.from_json(_data_object(body, "the campaign's status"))


def parse_list_details(body: Any) -> ContactListDetails:
    return ContactListDetails.from_json(_data_object(body, "the contact list"))


def parse_campaigns_page(body: Any, kind: str, *, requested_skip: int, requested_limit: int) -> Page[Campaign]:
    """A page of ``getAllCampaignDetails`` (skip/limit paging with ``hasMore``, as the contacts)."""
    envelope_data(body, f"the {kind} campaigns")  # a failure status is said as such
    return parse_page(body, row=lambda raw: Campaign.from_json(raw, kind), requested_skip=requested_skip,
                      requested_limit=requested_limit, envelope=True)


def parse_outcome_page(body: Any, *, requested_page: int, requested_limit: int) -> Page[CampaignOutcome]:
    """A page of a campaign's outcomes, paged by page number (from 1), as a :class:`Page`.

    No ``hasMore`` and no ``skip``: the page is taken at ``skip = (page - 1) * limit`` (both as
    answered, else as asked), and it is the last when it is empty, short (fewer rows than its
    ``limit``), or ``page >= totalPages``. The counts only ever end a walk, never extend it.
    """
    data = envelope_data(body, "the campaign's outcomes")
    if not isinstance(data, Mapping):
        raise BadResponseError(f"`data` is {_type_name(data)}, expected an object")
    if "results" not in data:
        raise BadResponseError("the answer has no `results`")
    results = data["results"]
    if not isinstance(results, list):
        raise BadResponseError(f"`results` is {_type_name(results)}, expected a list")
    rows = tuple(CampaignOutcome.from_json(limit_depth(r) if isinstance(r, Mapping) else {"value": r})
                 for r in results)
    page = int_or_none(data.get("page"))
    if page is None or page < 1:
        page = requested_page
    limit = int_or_none(data.get("limit"))
    if limit is None or limit < 1:
        limit = requested_limit
    total_pages = int_or_none(data.get("totalPages"))
    if total_pages is not None and total_pages < 0:
        total_pages = None
    total_results = int_or_none(data.get("totalResults"))
    if total_results is not None and total_results < 0:
        total_results = None
    has_more = bool(rows) and len(rows) >= limit and (total_pages is None or page < total_pages)
    return Page(rows=rows, skip=(page - 1) * limit, limit=limit, has_more=has_more,
                total_results=total_results, total_pages=total_pages)
