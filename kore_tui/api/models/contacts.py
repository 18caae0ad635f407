"""Contacts (a list's rows, the directory's), contact lists, and a page of any rows."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from kore_tui.api.errors import BadResponseError
from kore_tui.api.models.values import CampaignRef, _type_name, bool_or_none, campaign_refs, int_or_none, limit_depth, text_or_none

T = TypeVar("T")


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
