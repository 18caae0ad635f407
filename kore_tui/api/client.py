"""KoreClient: the platform's contact endpoints over one ``httpx.AsyncClient``.

Every request goes through :meth:`KoreClient._send`, which paces it within the account's request
budget, adds the auth headers, retries what is worth retrying, and maps every failure to an
:class:`~kore_tui.api.errors.ApiError` whose message names the status and the server's words.
"""

from __future__ import annotations

import asyncio
import email.utils
import ipaddress
import json
import logging
import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlsplit

import httpx

from kore_tui.api.auth import TokenMinter
from kore_tui.api.errors import (
    ApiError,
    AuthError,
    BadResponseError,
    ClientRequestError,
    InsecureURLError,
    NetworkError,
    NotFoundError,
    RateLimitedError,
    ServerError,
)
from kore_tui.api.models import (
    CampaignContact,
    ContactList,
    DirectoryContact,
    Page,
    parse_contact_lists,
    parse_page,
)
from kore_tui.api.pacing import RequestBudget, shared_budget

log = logging.getLogger("kore_tui.http")

RETRY_STATUSES = frozenset({502, 503, 504})
# A Retry-After longer than this is not slept through: the caller hears when to come back.
MAX_RETRY_AFTER = 60.0
MAX_SERVER_MESSAGE = 300


@dataclass(frozen=True, slots=True)
class Connection:
    """Where and as whom to connect. The secret is deliberately not part of it."""

    host: str
    account_id: str
    client_id: str
    app_id: str | None = None  # the `iid` header; defaults to the stream id
    max_rpm: int = 60  # 0 turns pacing off
    timeout: float = 30.0
    ca_bundle: str | None = None
    max_retries: int = 4
    backoff_base: float = 0.5
    backoff_max: float = 30.0
    rate_window: float = 60.0


def normalize_host(host: str) -> str:
    """``platform.kore.ai`` -> ``https://platform.kore.ai``; refuse http:// unless loopback."""
    host = host.strip()
    if not host.rstrip("/"):
        raise InsecureURLError("no host is configured")
    if "://" not in host:
        host = "https://" + host
    parts = urlsplit(host.rstrip("/") if not host.endswith("://") else host)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InsecureURLError(f"not an http(s) URL: {host}")
    if parts.scheme == "http" and not is_loopback(parts.hostname):
        raise InsecureURLError(
            f"refusing plain http:// to {parts.hostname}: only loopback hosts may skip TLS; use https://"
        )
    return f"{parts.scheme}://{parts.netloc}{parts.path.rstrip('/')}"


def is_loopback(hostname: str) -> bool:
    if hostname.lower() in ("localhost", "localhost.localdomain"):
        return True
    try:
        return ipaddress.ip_address(hostname.strip("[]")).is_loopback
    except ValueError:
        return False


def segment(value: str, what: str = "id") -> str:
    """An id as one URL path segment: ``/``, ``?``, ``#`` and friends cannot change the path."""
    if not value:
        raise ClientRequestError(f"no {what} given")
    quoted = quote(value, safe="")
    if quoted in (".", ".."):
        # A bare dot segment would be resolved away (RFC 3986 normalization) and change the path.
        quoted = quoted.replace(".", "%2E")
    return quoted


def server_message(response: httpx.Response) -> str | None:
    """The server's own words: ``errors[].msg``, else ``message``/``error``; else None."""
    try:
        body = json.loads(response.content)
    except ValueError:
        return None
    msg: str | None = None
    if isinstance(body, Mapping):
        errors = body.get("errors")
        if isinstance(errors, list):
            msgs = [str(e.get("msg")) for e in errors if isinstance(e, Mapping) and e.get("msg")]
            msg = "; ".join(msgs) or None
        if msg is None:
            for key in ("message", "error", "msg"):
                if isinstance(body.get(key), str) and body[key]:
                    msg = body[key]
                    break
    if msg and len(msg) > MAX_SERVER_MESSAGE:
        msg = msg[:MAX_SERVER_MESSAGE] + "…"
    return msg


def retry_after_seconds(response: httpx.Response) -> float | None:
    """``Retry-After`` as seconds (delta or HTTP date), None when absent or unreadable."""
    value = response.headers.get("retry-after")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


RetryCallback = Callable[[str, float], None]


class KoreClient:
    """A typed client for one profile. Use as an async context manager, or call :meth:`aclose`."""

    def __init__(
        self,
        connection: Connection,
        secret: str,
        *,
        budget: RequestBudget | None = None,
        on_retry: RetryCallback | None = None,
    ) -> None:
        self.connection = connection
        self.base_url = normalize_host(connection.host)  # refuses insecure URLs before any I/O
        self.minter = TokenMinter(connection.client_id, secret)
        self.budget = budget or shared_budget(
            self.base_url, connection.account_id, connection.max_rpm, connection.rate_window
        )
        self.on_retry = on_retry
        self.requests_sent = 0
        verify: Any = connection.ca_bundle or True
        self._http = httpx.AsyncClient(
            base_url=self.base_url,
            timeout=httpx.Timeout(connection.timeout),
            verify=verify,
            follow_redirects=False,
            headers={"User-Agent": "kore-tui"},
        )

    def __repr__(self) -> str:
        return f"KoreClient({self.base_url!r}, account_id={self.connection.account_id!r})"

    async def __aenter__(self) -> KoreClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._http.aclose()

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

    # -- plumbing --------------------------------------------------------------------------

    def _campaign_headers(self, stream_id: str) -> dict[str, str]:
        return {"accountId": self.connection.account_id, "iid": self.connection.app_id or stream_id}

    def _backoff(self, attempt: int) -> float:
        ceiling = min(self.connection.backoff_max, self.connection.backoff_base * 2**attempt)
        return random.uniform(ceiling / 2, ceiling)  # jitter: clients do not retry in lockstep

    async def _wait(self, reason: str, delay: float) -> None:
        log.info("retrying in %.2fs: %s", delay, reason)
        if self.on_retry is not None:
            self.on_retry(reason, delay)
        await asyncio.sleep(delay)

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
        where = f"{method} {path}"
        while True:
            await self.budget.acquire()
            request_headers = {**headers, "auth": self.minter.token()}
            if log.isEnabledFor(logging.DEBUG):  # `--debug`: what was asked; never a header
                asked = ", ".join(f"{k}={v}" for k, v in params.items() if k != "accountId")
                log.debug("%s asking (%s), attempt %d", where, asked, attempt + 1)
            started = time.monotonic()
            self.requests_sent += 1
            try:
                response = await self._http.request(
                    method, path, params=params, headers=request_headers, json=json_body
                )
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
                if attempt < self.connection.max_retries and (retry_after or 0) <= MAX_RETRY_AFTER:
                    delay = retry_after if retry_after is not None else self._backoff(attempt)
                    self.budget.penalize(delay)
                    await self._wait("rate limited (429)", delay)
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

    @staticmethod
    def _error(kind: type[ApiError], response: httpx.Response, path: str, hint: str = "") -> Any:
        said = server_message(response)
        phrase = response.reason_phrase or ""
        text = f"{response.status_code} {phrase}".strip()
        text += f": {said}" if said else ""
        text += f" ({response.request.method} {path})"
        if hint:
            text += f". {hint}"
        return kind(text, status=response.status_code, server_message=said, path=path)


_AUTH_HINT = "Check the client id and secret, and that the app's API scopes are published"


def _transport_reason(exc: httpx.TransportError) -> str:
    if isinstance(exc, httpx.ConnectError):
        text = str(exc)
        if "CERTIFICATE" in text.upper() or "SSL" in text.upper():
            return "TLS certificate could not be verified"
        return "could not connect to the server"
    if isinstance(exc, httpx.RemoteProtocolError):
        return "the connection was closed mid-answer"
    if isinstance(exc, httpx.ReadError):
        return "the connection was reset"
    return f"network error: {type(exc).__name__}"


def _json_body(response: httpx.Response, path: str) -> Any:
    content = response.content
    if not content.strip():
        raise BadResponseError(
            f"{response.status_code}: the server sent an empty answer ({path})",
            status=response.status_code,
            path=path,
        )
    try:
        return json.loads(content)
    except UnicodeDecodeError:
        # Not UTF-8 throughout (say, one mis-encoded name): read it with the bad bytes as U+FFFD.
        decoded: str | None = content.decode("utf-8", errors="replace")
    except ValueError:
        decoded = None
    if decoded is not None:
        try:
            return json.loads(decoded)
        except ValueError:
            pass
    raise _not_json(response, path)  # outside the handlers: no chained decoder error


def _not_json(response: httpx.Response, path: str) -> BadResponseError:
    content = response.content
    ctype = response.headers.get("content-type", "")
    what = "an HTML page instead of JSON" if "html" in ctype or content.lstrip()[:1] == b"<" else "invalid or truncated JSON"
    return BadResponseError(
        f"{response.status_code}: the server sent {what} ({path})",
        status=response.status_code,
        path=path,
    )
