"""Errors raised by the API client: each carries what a user needs to act on it.

Messages never contain the client secret or the JWT: the client builds them only from the
status line, the request path and the server's own ``errors[].msg``, in which the secret, the
token and anything shaped like a JWT are replaced by ``<redacted>`` (a server may quote them).
"""

from __future__ import annotations

from typing import Any


class ApiError(Exception):
    """Base of every error the client raises.

    ``status`` is the HTTP status when the server answered, else None.
    ``server_message`` is the server's ``errors[].msg`` (or ``message``) when it sent one.
    """

    kind = "API error"

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        server_message: str | None = None,
        path: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.server_message = server_message
        self.path = path

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.message!r}, status={self.status!r})"

    @property
    def retryable(self) -> bool:
        return False


class AuthError(ApiError):
    """401/403: the token was refused even after minting a fresh one."""

    kind = "Authentication failed"


class NotFoundError(ApiError):
    """404: unknown stream, list or path."""

    kind = "Not found"


class RateLimitedError(ApiError):
    """429 after the client's own retries ran out."""

    kind = "Rate limited"

    def __init__(self, message: str, *, retry_after: float | None = None, **kw: Any) -> None:
        super().__init__(message, **kw)
        self.retry_after = retry_after

    @property
    def retryable(self) -> bool:
        return True


class ServerError(ApiError):
    """5xx, or any other status the client does not expect."""

    kind = "Server error"

    @property
    def retryable(self) -> bool:
        return self.status is None or self.status >= 500


class ClientRequestError(ApiError):
    """4xx other than 401/403/404/429: the server refused the request as made (e.g. 400, 412)."""

    kind = "Request refused"


class BadResponseError(ApiError):
    """The server answered 2xx with a body that is not the documented shape."""

    kind = "Bad response"

    @property
    def retryable(self) -> bool:
        return True


class NetworkError(ApiError):
    """No usable answer: connection refused or reset, DNS failure, TLS failure, timeout."""

    kind = "Network error"

    @property
    def retryable(self) -> bool:
        return True


class InsecureURLError(ApiError):
    """Refused before connecting: plain http:// to a host that is not loopback."""

    kind = "Insecure URL"
