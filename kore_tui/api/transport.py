"""Transport: how :class:`~kore_tui.api.client.KoreClient` sends a request, whatever the endpoint.

Every request goes through :meth:`Transport._send`, which paces it within the account's request
budget, adds the auth headers, retries what is worth retrying, and maps every failure to an
:class:`~kore_tui.api.errors.ApiError` whose message names the status and the server's words.
The HTTP client itself is made for the first request and closed with the transport.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import os
import random
import time
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, Self
from urllib.parse import urlsplit

from kore_tui.api.auth import TokenMinter
from kore_tui.api.connection import Connection, header_value, is_loopback, normalize_host
from kore_tui.api.errors import ApiError, AuthError, ClientRequestError, NetworkError, NotFoundError, RateLimitedError, ServerError
from kore_tui.api.pacing import RequestBudget, SharedBudget, shared_budget
from kore_tui.api.responses import _json_body, _transport_reason, retry_after_seconds, server_message

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


class Transport:
    """One profile's connection: its checks, token, request budget and HTTP client, and
    :meth:`_send`. Use as an async context manager, or call :meth:`aclose`."""

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

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        self._closed = True
        if self._http_client is not None:
            await self._http_client.aclose()

    # -- sending ---------------------------------------------------------------------------

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
