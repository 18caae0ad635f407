"""KoreClient: the platform's contact endpoints over one :class:`~kore_tui.api.transport.Transport`.

Each endpoint method builds its path, query and headers, sends them with
:meth:`~kore_tui.api.transport.Transport._send` (which paces, authenticates, retries and maps
failures to an :class:`~kore_tui.api.errors.ApiError`), and parses the answer into a model.

The connection's checks live in :mod:`kore_tui.api.connection`, the reading of answers in
:mod:`kore_tui.api.responses`, the sending in :mod:`kore_tui.api.transport`; their names are
importable from here too.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from kore_tui.api.connection import MAX_ID_LENGTH as MAX_ID_LENGTH
from kore_tui.api.connection import Connection as Connection
from kore_tui.api.connection import header_value as header_value
from kore_tui.api.connection import is_loopback as is_loopback
from kore_tui.api.connection import normalize_host as normalize_host
from kore_tui.api.connection import segment as segment
from kore_tui.api.errors import ClientRequestError
from kore_tui.api.models import (
    CAMPAIGN_KINDS,
    MAX_OUTCOME_LIMIT,
    Campaign,
    CampaignContact,
    CampaignOutcome,
    CampaignStatus,
    ContactList,
    ContactListDetails,
    DirectoryContact,
    Page,
    parse_campaign,
    parse_campaign_status,
    parse_campaigns_page,
    parse_contact_lists,
    parse_list_details,
    parse_outcome_page,
    parse_page,
)
from kore_tui.api.responses import MAX_SERVER_MESSAGE as MAX_SERVER_MESSAGE
from kore_tui.api.responses import _json_body as _json_body
from kore_tui.api.responses import retry_after_seconds as retry_after_seconds
from kore_tui.api.responses import server_message as server_message
from kore_tui.api.transport import BUDGET_WAIT_NOTICE as BUDGET_WAIT_NOTICE
from kore_tui.api.transport import MAX_RETRY_AFTER as MAX_RETRY_AFTER
from kore_tui.api.transport import MAX_WINDOW_WAITS as MAX_WINDOW_WAITS
from kore_tui.api.transport import RETRY_STATUSES as RETRY_STATUSES
from kore_tui.api.transport import BudgetWaitCallback as BudgetWaitCallback
from kore_tui.api.transport import RetryCallback as RetryCallback
from kore_tui.api.transport import Transport


class KoreClient(Transport):
    """A typed client for one profile. Use as an async context manager, or call :meth:`aclose`."""

    def __repr__(self) -> str:
        return f"KoreClient({self.base_url!r}, account_id={self.connection.account_id!r})"

    # -- endpoints -------------------------------------------------------------------------

    async def contact_lists(self, stream_id: str) -> list[ContactList]:
        """The stream's campaign contact lists (``getAllListDetails``, type ``call``)."""
        path = f"/campaign/api/v2/public/{segment(stream_id, 'stream id')}/campaign/contactList/getAllListDetails"
        body = await self._send(
            "POST",
            path,
            params={"accountId": self.connection.account_id, "type": "call"},
            headers=self._campaign_headers(stream_id),
            json_body={},
        )
        return parse_contact_lists(body)

    async def list_contacts_page(
        self, stream_id: str, list_id: str, skip: int = 0, limit: int = 100
    ) -> Page[CampaignContact]:
        """One page of a contact list's contacts (API v2 ``getAllContacts``)."""
        path = (
            f"/campaign/api/v2/public/{segment(stream_id, 'stream id')}/campaign/contactList/"
            f"{segment(list_id, 'contact list id')}/getAllContacts"
        )
        body = await self._send(
            "GET",
            path,
            params={"accountId": self.connection.account_id, "skip": skip, "limit": limit},
            headers=self._campaign_headers(stream_id),
        )
        return parse_page(
            body, row=CampaignContact.from_json, requested_skip=skip, requested_limit=limit, envelope=True
        )

    async def directory_page(
        self, stream_id: str, skip: int = 0, limit: int = 100
    ) -> Page[DirectoryContact]:
        """One page of the stream's contacts directory (agentassist API v1)."""
        path = f"/agentassist/api/v1/public/{segment(stream_id, 'stream id')}/contacts"
        body = await self._send(
            "GET",
            path,
            params={"skip": skip, "limit": limit},
            headers={"accountId": self.connection.account_id, "Content-Type": "application/json"},
        )
        return parse_page(
            body, row=DirectoryContact.from_json, requested_skip=skip, requested_limit=limit, envelope=False
        )

    # -- campaigns (read-only) ---------------------------------------------------------------

    def _campaign_path(self, stream_id: str, *rest: str) -> str:
        return "/".join([f"/campaign/api/v2/public/{segment(stream_id, 'stream id')}/campaign", *rest])

    async def campaigns_page(
        self, stream_id: str, kind: str, skip: int = 0, limit: int = 100, *,
        statuses: Sequence[str] = (), priorities: Sequence[int] = (), dialing_modes: Sequence[str] = (),
    ) -> Page[Campaign]:
        """One page of the stream's campaigns of one ``kind`` (``voice`` or ``sms``), optionally
        filtered by status, priority (1-5) and dialing mode (voice only): ``getAllCampaignDetails``.

        Paged by skip/limit with ``hasMore``; ``page`` is sent too, matching ``skip`` (the docs
        do not say which one the server reads)."""
        if kind not in CAMPAIGN_KINDS:
            raise ClientRequestError(f"a campaign type is voice or sms, not {kind!r}")
        body: dict[str, Any] = {"type": kind, "skip": skip, "limit": limit, "page": skip // max(1, limit) + 1}
        filters: dict[str, Any] = {}
        if statuses:
            filters["status"] = list(statuses)
        if priorities:
            filters["priority"] = list(priorities)
        if dialing_modes and kind == "voice":
            filters["dialingMode"] = list(dialing_modes)
        if filters:
            body["filters"] = filters
        answer = await self._send(
            "POST", self._campaign_path(stream_id, "getAllCampaignDetails"),
            params={"accountId": self.connection.account_id}, headers=self._campaign_json_headers(stream_id),
            json_body=body,
        )
        return parse_campaigns_page(answer, kind, requested_skip=skip, requested_limit=limit)

    async def campaign(self, stream_id: str, campaign_id: str, kind: str | None = None) -> Campaign:
        """One campaign's settings (``GET campaign/{id}``; the same request for voice and SMS)."""
        answer = await self._send(
            "GET", self._campaign_path(stream_id, segment(campaign_id, "campaign id")),
            params={"accountId": self.connection.account_id}, headers=self._campaign_json_headers(stream_id),
        )
        return parse_campaign(answer, kind)

    async def campaign_status(self, stream_id: str, campaign_id: str) -> CampaignStatus:
        """One campaign's state (``POST campaign/{id}/status?view=status``; ``view`` is always sent:
        ``view=contacts`` on the same path is :meth:`campaign_outcomes_page`)."""
        answer = await self._send(
            "POST", self._campaign_path(stream_id, segment(campaign_id, "campaign id"), "status"),
            params={"accountId": self.connection.account_id, "view": "status"},
            headers=self._campaign_json_headers(stream_id), json_body={},
        )
        return parse_campaign_status(answer)

    async def campaign_outcomes_page(
        self, stream_id: str, campaign_id: str, page: int = 1, limit: int = MAX_OUTCOME_LIMIT
    ) -> Page[CampaignOutcome]:
        """One page (numbered from 1, ``limit`` at most 100) of a campaign's per-number dialing
        outcomes (``POST campaign/{id}/status?view=contacts``; no ``accountId`` in this URL, the
        header only). The Page's ``skip`` is ``(page - 1) * limit``; see
        :class:`~kore_tui.api.walk.PageNumberFetch` for ``fetch(skip, limit)``."""
        page, limit = max(1, page), max(1, min(limit, MAX_OUTCOME_LIMIT))
        answer = await self._send(
            "POST", self._campaign_path(stream_id, segment(campaign_id, "campaign id"), "status"),
            params={"view": "contacts"}, headers=self._campaign_json_headers(stream_id),
            json_body={"page": page, "limit": limit},
        )
        return parse_outcome_page(answer, requested_page=page, requested_limit=limit)

    async def contact_list_details(self, stream_id: str, list_id: str) -> ContactListDetails:
        """One contact list's metadata (``GET contactList/{id}``): ``isGlobalDNC``, ``allowDuplicates``, ..."""
        answer = await self._send(
            "GET", self._campaign_path(stream_id, "contactList", segment(list_id, "contact list id")),
            params={"accountId": self.connection.account_id}, headers=self._campaign_json_headers(stream_id),
        )
        return parse_list_details(answer)

    # -- the campaign API's headers ---------------------------------------------------------

    def _campaign_json_headers(self, stream_id: str) -> dict[str, str]:
        return {**self._campaign_headers(stream_id), "Content-Type": "application/json"}

    def _campaign_headers(self, stream_id: str) -> dict[str, str]:
        iid = self.connection.app_id or stream_id
        return {"accountId": self.connection.account_id,
                "iid": header_value(iid, "app id" if self.connection.app_id else "stream id")}
