"""Typed, tolerant models of the platform's answers.

The server is trusted for nothing but its shape: every field may be missing, null, or of another
type, and unknown fields are kept in ``raw``. Parsing either returns a model or raises
:class:`~kore_tui.api.errors.BadResponseError` with a sentence saying what was wrong.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from kore_tui.api.errors import BadResponseError

T = TypeVar("T")


def text_or_none(value: Any) -> str | None:
    """A field as text: strings as they are, scalars stringified, containers as compact JSON."""
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def int_or_none(value: Any) -> int | None:
    """An integer field, accepting numeric strings; anything else (bools, floats with a fraction,
    garbage) is None so that one odd total does not sink a page."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError:
            return None
    return None


def bool_or_none(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    if isinstance(value, int):
        return bool(value)
    return None


_SURROGATES = re.compile("[\ud800-\udfff]")
REPLACEMENT = "\ufffd"
MAX_DEPTH = 32  # rows are a few levels deep; deeper values are flattened (see `limit_depth`)
TOO_DEEP = "(nested too deeply to show)"


def scrub_surrogates(value: Any) -> Any:
    """``value`` (parsed JSON) with lone surrogates in strings, keys included, as U+FFFD."""
    if isinstance(value, str):
        return _SURROGATES.sub(REPLACEMENT, value)
    if isinstance(value, dict):
        return {scrub_surrogates(k): scrub_surrogates(v) for k, v in value.items()}
    if isinstance(value, list):
        return [scrub_surrogates(v) for v in value]
    return value


def _depth_exceeds(value: Any, limit: int) -> bool:
    """True when the container ``value`` nests containers more than ``limit`` levels below it
    (the recursion is bounded by ``limit``: a hostile value cannot exhaust the stack here)."""
    if limit <= 0:
        return True
    for item in value.values() if type(value) is dict else value:
        kind = type(item)
        if (kind is dict or kind is list) and _depth_exceeds(item, limit - 1):
            return True
    return False


def limit_depth(row: Mapping[str, Any], limit: int = MAX_DEPTH) -> Mapping[str, Any]:
    """``row`` with each field nested deeper than ``limit`` replaced by a note: every later
    step (the cache, the filter, the exports, the detail pane) may then walk it recursively."""
    for value in row.values():
        kind = type(value)
        if (kind is dict or kind is list) and _depth_exceeds(value, limit):
            break
    else:
        return row
    return {k: TOO_DEEP if type(v) in (dict, list) and _depth_exceeds(v, limit) else v for k, v in row.items()}


def _type_name(value: Any) -> str:
    names: dict[type, str] = {dict: "an object", list: "a list", str: "a string"}
    return "null" if value is None else names.get(type(value), type(value).__name__)


# The documented fields of each kind of row, in the platform's order: the CSV header, the detail
# pane's order. Fields the server adds beyond these are kept too, after them.
CAMPAIGN_CONTACT_FIELDS = ("_id", "phoneNumber", "createdAt", "updatedAt")
DIRECTORY_CONTACT_FIELDS = (
    "id", "firstName", "lastName", "fullName", "salutation", "cellPhone", "status", "instanceBotId",
    "orgId", "accountId", "createdBy", "createdByAId", "address", "twitterDetails", "createdAt",
    "updatedAt", "updatedBy", "updatedByAId",
)


@dataclass(frozen=True, slots=True)
class CampaignContact:
    """One contact of a campaign contact list (API v2): ``_id, createdAt, updatedAt, phoneNumber``."""

    id: str | None
    phone_number: str | None
    created_at: str | None
    updated_at: str | None
    raw: Mapping[str, Any] = field(repr=False)

    @classmethod
    def from_json(cls, raw: Mapping[str, Any]) -> CampaignContact:
        return cls(
            id=text_or_none(raw.get("_id", raw.get("id"))),
            phone_number=text_or_none(raw.get("phoneNumber")),
            created_at=text_or_none(raw.get("createdAt")),
            updated_at=text_or_none(raw.get("updatedAt")),
            raw=raw,
        )


@dataclass(frozen=True, slots=True)
class DirectoryContact:
    """One contact of a stream's contacts directory (agentassist, API v1)."""

    id: str | None
    first_name: str | None
    last_name: str | None
    full_name: str | None
    salutation: str | None
    phone_number: str | None
    country_code: str | None
    status: str | None
    created_at: str | None
    updated_at: str | None
    raw: Mapping[str, Any] = field(repr=False)

    @property
    def display_name(self) -> str | None:
        if self.full_name:
            return self.full_name
        parts = [p for p in (self.first_name, self.last_name) if p]
        return " ".join(parts) or None

    @classmethod
    def from_json(cls, raw: Mapping[str, Any]) -> DirectoryContact:
        phone = raw.get("cellPhone")
        phone = phone if isinstance(phone, Mapping) else {}
        return cls(
            id=text_or_none(raw.get("id", raw.get("_id"))),
            first_name=text_or_none(raw.get("firstName")),
            last_name=text_or_none(raw.get("lastName")),
            full_name=text_or_none(raw.get("fullName")),
            salutation=text_or_none(raw.get("salutation")),
            phone_number=text_or_none(phone.get("phoneNumber")),
            country_code=text_or_none(phone.get("countryCode")),
            status=text_or_none(raw.get("status")),
            created_at=text_or_none(raw.get("createdAt")),
            updated_at=text_or_none(raw.get("updatedAt")),
            raw=raw,
        )


@dataclass(frozen=True, slots=True)
class ContactList:
    """One item of ``getAllListDetails``: a campaign contact list of a stream."""

    id: str
    name: str | None
    description: str | None
    total_record_count: int | None
    status: str | None
    list_type: str | None
    campaigns: tuple[str, ...]
    updated_at: str | None
    raw: Mapping[str, Any] = field(repr=False)

    @classmethod
    def from_json(cls, raw: Mapping[str, Any]) -> ContactList:
        list_id = text_or_none(raw.get("_id", raw.get("id")))
        if not list_id:
            raise BadResponseError("a contact list in the answer has no _id")
        in_use = raw.get("campaignInUse")
        campaigns = tuple(
            text_or_none(c.get("name")) or text_or_none(c.get("id")) or "?"
            for c in (in_use if isinstance(in_use, list) else [])
            if isinstance(c, Mapping)
        )
        return cls(
            id=list_id,
            name=text_or_none(raw.get("name")),
            description=text_or_none(raw.get("description")),
            total_record_count=int_or_none(raw.get("totalRecordCount")),
            status=text_or_none(raw.get("status")),
            list_type=text_or_none(raw.get("listType")),
            campaigns=campaigns,
            updated_at=text_or_none(raw.get("updatedAt")),
            raw=raw,
        )

    @property
    def campaigns_in_use(self) -> tuple[CampaignRef, ...]:
        """The campaigns using this list, by id (``campaignInUse``: ``{id, name}`` objects in the
        samples, plain ids per the docs' table; either is read)."""
        return campaign_refs(self.raw.get("campaignInUse"))


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    """One page of a contact endpoint, as the server answered it.

    ``skip`` is the answered offset (the requested one when the server left it out or sent
    nonsense); row ``i`` of ``rows`` sits at position ``skip + i`` of the whole list.
    ``has_more`` is the server's ``hasMore`` (inferred when missing). Totals are hints only.
    """

    rows: tuple[T, ...]
    skip: int
    limit: int | None
    has_more: bool
    total_results: int | None
    total_pages: int | None

    @property
    def end(self) -> int:
        """Position just after the last row of this page."""
        return self.skip + len(self.rows)


def parse_page(
    body: Any,
    *,
    row: Callable[[Mapping[str, Any]], T],
    requested_skip: int,
    requested_limit: int,
    envelope: bool,
) -> Page[T]:
    """Parse a contact page. ``envelope`` is True for the campaign (v2) shape with ``data``."""
    if not isinstance(body, Mapping):
        raise BadResponseError(f"expected a JSON object, got {_type_name(body)}")
    container: Any = body
    if envelope and "data" in body:
        container = body["data"]
        if not isinstance(container, Mapping):
            raise BadResponseError(f"`data` is {_type_name(container)}, expected an object")
    if "results" not in container:
        raise BadResponseError("the answer has no `results`")
    results = container["results"]
    if not isinstance(results, list):
        raise BadResponseError(f"`results` is {_type_name(results)}, expected a list")
    rows = tuple(row(limit_depth(r) if isinstance(r, Mapping) else {"value": r}) for r in results)

    skip = int_or_none(container.get("skip"))
    if skip is None or skip < 0:
        skip = requested_skip
    limit = int_or_none(container.get("limit"))
    if limit is not None and limit <= 0:
        limit = None
    total_results = int_or_none(container.get("totalResults"))
    if total_results is not None and total_results < 0:
        total_results = None
    total_pages = int_or_none(container.get("totalPages"))
    has_more = bool_or_none(container.get("hasMore"))
    if has_more is None:
        # Not said: more exists if the totals say so, else if the page came back full.
        if total_results is not None:
            has_more = skip + len(rows) < total_results
        else:
            has_more = len(rows) >= max(1, min(requested_limit, limit or requested_limit))
    if not rows:
        said_more = bool_or_none(container.get("hasMore"))
        if said_more and (total_results is None or skip < total_results):
            # Neither an end nor a page: taking it as the end would cut a list short unseen.
            raise BadResponseError(
                f"the answer for skip={skip} says hasMore: true but holds no rows"
            )
        has_more = False  # an empty page ends any walk (the totals agree, or it said no more)
    return Page(
        rows=rows,
        skip=skip,
        limit=limit,
        has_more=has_more,
        total_results=total_results,
        total_pages=int_or_none(total_pages) if total_pages is None or total_pages >= 0 else None,
    )


def parse_contact_lists(body: Any) -> list[ContactList]:
    """Parse ``getAllListDetails``: ``{"status", "message", "data": [ ... ]}``."""
    if not isinstance(body, Mapping):
        raise BadResponseError(f"expected a JSON object, got {_type_name(body)}")
    data = body.get("data")
    if isinstance(data, Mapping) and isinstance(data.get("results"), list):
        data = data["results"]  # a paged variant, should the platform add one
    if not isinstance(data, list):
        raise BadResponseError(f"`data` is {_type_name(data)}, expected a list of contact lists")
    return [ContactList.from_json(item) for item in data if isinstance(item, Mapping)]


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


@dataclass(frozen=True, slots=True)
class CampaignRef:
    """A campaign or a list named by another object: an id, a name, or both (either may be missing)."""

    id: str | None
    name: str | None

    @property
    def label(self) -> str:
        return self.name or self.id or "?"


def campaign_refs(value: Any) -> tuple[CampaignRef, ...]:
    """``{id, name}`` objects, a single one, or bare strings (read as ids) as refs."""
    items = value if isinstance(value, list) else [value] if isinstance(value, Mapping) else []
    refs: list[CampaignRef] = []
    for item in items:
        if isinstance(item, Mapping):
            ref = CampaignRef(text_or_none(item.get("id", item.get("_id"))) or None,
                              text_or_none(item.get("name")) or None)
        elif isinstance(item, (str, int)) and not isinstance(item, bool):
            ref = CampaignRef(str(item) or None, None)
        else:
            continue
        if ref.id or ref.name:
            refs.append(ref)
    return tuple(refs)


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
