"""KoreClient: the platform's contact endpoints over one ``httpx.AsyncClient``.

Every request goes through :meth:`KoreClient._send`, which paces it within the account's request
budget, adds the auth headers, retries what is worth retrying, and maps every failure to an
:class:`~kore_tui.api.errors.ApiError` whose message names the status and the server's words.

The connection's checks live in :mod:`kore_tui.api.connection`, the reading of answers in
:mod:`kore_tui.api.responses`; their names are importable from here too.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import os
import random
import time
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from kore_tui.api.auth import TokenMinter
from kore_tui.api.connection import MAX_ID_LENGTH as MAX_ID_LENGTH
from kore_tui.api.connection import Connection as Connection
from kore_tui.api.connection import header_value as header_value
from kore_tui.api.connection import is_loopback as is_loopback
from kore_tui.api.connection import normalize_host as normalize_host
from kore_tui.api.connection import segment as segment
from kore_tui.api.errors import ApiError, AuthError, ClientRequestError, NetworkError, NotFoundError, RateLimitedError, ServerError
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
from kore_tui.api.pacing import RequestBudget, SharedBudget, shared_budget
from kore_tui.api.responses import MAX_SERVER_MESSAGE as MAX_SERVER_MESSAGE
from kore_tui.api.responses import _json_body as _json_body
from kore_tui.api.responses import _transport_reason
from kore_tui.api.responses import retry_after_seconds as retry_after_seconds
from kore_tui.api.responses import server_message as server_message

if TYPE_CHECKING:
    import httpx

# httpx is imported for the first request, not with this module: a command answered from the
# local cache (a warm `find`) never loads it, nor reads the CA store for a TLS context.

log = logging.getLogger("kore_tui.http")

RETRY_STATUSES = frozenset({502, 503, 504})
# A Retry-After longer than this is not slept through: the caller hears when to come back.
MAX_RETRY_AFTER = 60.0
# A 429 without Retry-After under a budget holds the account's requests for the rest of the window;
# such waits do not use up `max_retries` (waiting out the budget is not a failure), but a server
# that keeps refusing ends the request after this many.
MAX_WINDOW_WAITS = 10
BUDGET_WAIT_NOTICE = 1.0  # waits for the budget longer than this are told to `on_budget_wait`


RetryCallback = Callable[[str, float], None]
BudgetWaitCallback = Callable[[float], None]


class KoreClient:
    """A typed client for one profile. Use as an async context manager, or call :meth:`aclose`."""

    def __init__(
        self,
        connection: Connection,
        secret: str,
        *,
        budget: RequestBudget | SharedBudget | None = None,
        on_retry: RetryCallback | None = None,
        on_budget_wait: BudgetWaitCallback | None = None,
    ) -> None:
        self.connection = connection
        self.base_url = normalize_host(connection.host)  # refuses insecure URLs before any I/O
        header_value(connection.account_id, "account id")
        if connection.app_id:
            header_value(connection.app_id, "app id")
        self.minter = TokenMinter(connection.client_id, secret)
        self.budget = budget or shared_budget(
            self.base_url, connection.account_id, connection.max_rpm, connection.rate_window,
            connection.budget_dir,
        )
        self.on_retry = on_retry
        self.on_budget_wait = on_budget_wait  # (seconds): a request waits that long for the budget
        self.requests_sent = 0
        verify: Any = connection.ca_bundle or True
        if connection.ca_bundle:
            log.info("TLS: trusting the CA bundle %s instead of the system's", connection.ca_bundle)
        host = urlsplit(self.base_url).hostname or ""
        loopback = is_loopback(host)
        if not loopback and not connection.ca_bundle and (os.environ.get("SSL_CERT_FILE") or os.environ.get("SSL_CERT_DIR")):
            log.info("TLS: SSL_CERT_FILE/SSL_CERT_DIR set: trusting that CA store instead of the system's")
        self._make_http = functools.partial(
            _async_client,
            base_url=self.base_url,
            timeout=connection.timeout,
            verify=verify,
            follow_redirects=False,
            headers={"User-Agent": "kore-tui"},
            # A loopback host is never reached through a proxy: the token would cross it in clear text.
            trust_env=not loopback,
        )
        self._http_client: httpx.AsyncClient | None = None
        self._closed = False

    @property
    def _http(self) -> httpx.AsyncClient:
        """The HTTP client, made for the first request: its TLS context (reading the CA store)
        costs tens of milliseconds that a command answered from the cache never needs."""
        if self._http_client is None:
            if self._closed:
                raise RuntimeError("Cannot send a request, as the client has been closed.")
            self._http_client = self._make_http()
        return self._http_client

    def __repr__(self) -> str:
        return f"KoreClient({self.base_url!r}, account_id={self.connection.account_id!r})"

    async def __aenter__(self) -> KoreClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        self._closed = True
        if self._http_client is not None:
            await self._http_client.aclose()

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

    # -- plumbing --------------------------------------------------------------------------

    def _campaign_json_headers(self, stream_id: str) -> dict[str, str]:
        return {**self._campaign_headers(stream_id), "Content-Type": "application/json"}

    def _campaign_headers(self, stream_id: str) -> dict[str, str]:
        iid = self.connection.app_id or stream_id
        return {"accountId": self.connection.account_id,
                "iid": header_value(iid, "app id" if self.connection.app_id else "stream id")}

    def _backoff(self, attempt: int) -> float:
        ceiling = min(self.connection.backoff_max, self.connection.backoff_base * 2**attempt)
        return random.uniform(ceiling / 2, ceiling)  # jitter: clients do not retry in lockstep

    async def _wait(self, reason: str, delay: float, *, sleep: bool = True) -> None:
        log.info("retrying in %.2fs: %s", delay, reason)
        if self.on_retry is not None:
            self.on_retry(reason, delay)
        if sleep:
            await asyncio.sleep(delay)

    def _budget_waits(self, seconds: float) -> None:
        if seconds >= BUDGET_WAIT_NOTICE:
            log.info("waiting %.1fs for the request budget", seconds)
            if self.on_budget_wait is not None:
                self.on_budget_wait(seconds)

    async def _send(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any],
        headers: Mapping[str, str],
        json_body: Any = None,
    ) -> Any:
        reminted = False
        attempt = 0
        window_waits = 0
        where = f"{method} {path}"
        import httpx  # loaded once, by the first request

        # What the first request makes (the HTTP client, the token: PyJWT loads) is made before the
        # budget is asked: the time it takes must not fall between a counted start and the send.
        http = self._http
        self.minter.token()
        while True:
            await self.budget.acquire(on_wait=self._budget_waits)
            request_headers = {**headers, "auth": self.minter.token()}
            if log.isEnabledFor(logging.DEBUG):  # `--debug`: what was asked; never a header
                asked = ", ".join(f"{k}={v}" for k, v in params.items() if k != "accountId")
                log.debug("%s asking (%s), attempt %d", where, asked, attempt + 1)
            started = time.monotonic()
            self.requests_sent += 1
            try:
                response = await http.request(
                    method, path, params=params, headers=request_headers, json=json_body
                )
            except httpx.InvalidURL as exc:
                raise ClientRequestError(f"cannot make a request URL: {exc} ({where})", path=path) from None
            except httpx.TimeoutException:
                log.warning("%s timed out", where)
                raise NetworkError(
                    f"timed out after {self.connection.timeout:g}s waiting for the server ({where})",
                    path=path,
                ) from None
            except httpx.TransportError as exc:
                reason = _transport_reason(exc)
                log.warning("%s failed: %s", where, reason)
                if attempt < self.connection.max_retries:
                    await self._wait(reason, self._backoff(attempt))
                    attempt += 1
                    continue
                raise NetworkError(f"{reason} ({where})", path=path) from None
            status = response.status_code
            log.info("%s -> %d in %.0f ms", where, status, (time.monotonic() - started) * 1000)

            if status in (401, 403):
                if not reminted:
                    # The token may have been revoked or expired early: one fresh token, one retry.
                    self.minter.invalidate()
                    reminted = True
                    continue
                raise self._error(AuthError, response, path, hint=_AUTH_HINT)
            if status == 429:
                retry_after = retry_after_seconds(response)
                paced = self.budget.enabled
                if paced and retry_after is None and window_waits < MAX_WINDOW_WAITS:
                    # The account's budget is spent (by this or another tool of the account): every
                    # kore-tui process of the account waits out the window, then this one retries.
                    delay = self.budget.hold_for_window()
                    window_waits += 1
                    await self._wait("rate limited (429)", delay, sleep=False)  # acquire() waits
                    continue
                if (not paced or retry_after is not None) and attempt < self.connection.max_retries \
                        and (retry_after or 0) <= MAX_RETRY_AFTER:
                    delay = retry_after if retry_after is not None else self._backoff(attempt)
                    self.budget.penalize(delay)  # shared: the other processes of the account wait too
                    await self._wait("rate limited (429)", delay, sleep=not paced)
                    attempt += 1
                    continue
                hint = f"The server asks to wait {retry_after:.0f} s" if retry_after else ""
                err = self._error(RateLimitedError, response, path, hint=hint)
                err.retry_after = retry_after
                raise err
            if status in RETRY_STATUSES and attempt < self.connection.max_retries:
                await self._wait(f"server answered {status}", self._backoff(attempt))
                attempt += 1
                continue
            if status == 404:
                raise self._error(NotFoundError, response, path)
            if 400 <= status < 500:
                raise self._error(ClientRequestError, response, path)
            if not 200 <= status < 300:
                raise self._error(ServerError, response, path)
            return _json_body(response, path)

    def _error(self, kind: type[ApiError], response: httpx.Response, path: str, hint: str = "") -> Any:
        said = server_message(response, self.minter)
        phrase = self.minter.redact(response.reason_phrase or "")
        text = f"{response.status_code} {phrase}".strip()
        text += f": {said}" if said else ""
        text += f" ({response.request.method} {path})"
        if hint:
            text += f". {hint}"
        return kind(text, status=response.status_code, server_message=said, path=path)


_AUTH_HINT = "Check the client id and secret, and that the app's API scopes are published"


def _async_client(*, timeout: float, **options: Any) -> httpx.AsyncClient:
    import httpx

    return httpx.AsyncClient(timeout=httpx.Timeout(timeout), **options)
