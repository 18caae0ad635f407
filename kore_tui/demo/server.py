"""A real HTTP server on loopback that speaks the platform's contact API.

It verifies the JWT as the platform does (HS256 with the client secret, claim ``appId``), answers
errors in the platform's shape (``{"errors": [{"msg", "code"}]}``), pages by ``skip``/``limit``
with a cap, enforces a request budget with 429s, and takes injected faults. The app's ``--demo``,
the tests and the benchmarks all run against it.
"""

from __future__ import annotations

import math
import re
import secrets
import socket
import threading
import time
from collections import deque
from collections.abc import Callable
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from kore_tui.api.auth import short_keys_allowed
from kore_tui.demo import data
from kore_tui.demo.faults import RATE_LIMIT_MESSAGE as RATE_LIMIT_MESSAGE
from kore_tui.demo.faults import Fault as Fault
from kore_tui.demo.faults import RecordedRequest as RecordedRequest
from kore_tui.demo.faults import _error

if TYPE_CHECKING:
    from kore_tui.demo.wire import _Server

_DIRECTORY = re.compile(r"^/agentassist/api/v1/public/([^/]+)/contacts$")
_LIST_CONTACTS = re.compile(r"^/campaign/api/v2/public/([^/]+)/campaign/contactList/([^/]+)/getAllContacts$")
_LIST_DETAILS = re.compile(r"^/campaign/api/v2/public/([^/]+)/campaign/contactList/getAllListDetails$")
_ONE_LIST = re.compile(r"^/campaign/api/v2/public/([^/]+)/campaign/contactList/([^/]+)$")
_CAMPAIGNS = re.compile(r"^/campaign/api/v2/public/([^/]+)/campaign/getAllCampaignDetails$")
_CAMPAIGN_STATUS = re.compile(r"^/campaign/api/v2/public/([^/]+)/campaign/([^/]+)/status$")
_CAMPAIGN = re.compile(r"^/campaign/api/v2/public/([^/]+)/campaign/([^/]+)$")
OUTCOME_MAX_LIMIT = 100  # the outcome pages' `limit`: 1 to 100


class DemoServer:
    """Run with ``with DemoServer() as server:`` or :meth:`start`/:meth:`stop`; see :attr:`url`."""

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        account_id: str = data.ACCOUNT_ID,
        client_id: str = data.CLIENT_ID,
        secret: str | None = None,
        latency: float = 0.0,
        page_cap: int = 100,
        budget: int = 0,
        budget_window: float = 60.0,
        send_retry_after: bool = True,
    ) -> None:
        self.account_id = account_id
        self.client_id = client_id
        self.secret = secret or secrets.token_urlsafe(24)
        self.latency = latency
        self.page_cap = page_cap
        self.budget = budget
        self.budget_window = budget_window
        self.send_retry_after = send_retry_after
        self.requests: list[RecordedRequest] = []
        self._faults: list[Fault] = []
        self._starts: deque[float] = deque()
        self._lock = threading.Lock()
        # Listening from here on, so its URL is known and a client may connect (and wait in the
        # backlog) before start(): the app paints first and serves after (the HTTP machinery
        # costs its first frame several milliseconds). A backlog of 128: the default (5) drops
        # connects when many pages are fetched at once, and a dropped SYN costs a 1 s retransmit.
        self._listener = socket.create_server((host, port), backlog=128)
        self.server_address: tuple[str, int] = self._listener.getsockname()[:2]
        self._httpd: _Server | None = None
        self._thread: threading.Thread | None = None

    def __repr__(self) -> str:
        return f"DemoServer({self.url!r})"

    @property
    def url(self) -> str:
        host, port = self.server_address
        return f"http://{host!s}:{port}"

    def start(self) -> DemoServer:
        from kore_tui.demo.wire import _Handler, _Server

        self._httpd = _Server(self._listener, _Handler, self)
        # A short poll interval: stop() waits for the serving loop to notice, 0.5 s by default.
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05},
                                        name="kore-demo-server", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and drop every open connection, as a server process that exits does:
        clients then meet a refused connection, not a pooled one still being answered."""
        if self._httpd is None:  # never started
            self._listener.close()
            return
        self._httpd.shutdown()
        self._httpd.server_close()
        self._httpd.close_open_connections()

    def __enter__(self) -> DemoServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- knobs for tests -----------------------------------------------------------------------

    def inject(self, *faults: Fault) -> None:
        with self._lock:
            self._faults.extend(faults)

    def clear_faults(self) -> None:
        with self._lock:
            self._faults.clear()

    def reset_log(self) -> None:
        with self._lock:
            self.requests.clear()

    def requests_to(self, fragment: str) -> list[RecordedRequest]:
        with self._lock:
            return [r for r in self.requests if fragment in r.path]

    # -- request handling (server threads) ------------------------------------------------------

    def _take_fault(self, path: str, query: dict[str, str]) -> Fault | None:
        with self._lock:
            for fault in self._faults:
                if fault.matches(path, query):
                    if fault.times is not None:
                        fault.times -= 1
                        if fault.times <= 0:
                            self._faults.remove(fault)
                    return fault
        return None

    def _over_budget(self) -> float | None:
        """Seconds until a slot frees when the budget is spent, else None (and a slot is taken)."""
        if self.budget <= 0:
            return None
        with self._lock:
            now = time.monotonic()
            while self._starts and now - self._starts[0] >= self.budget_window:
                self._starts.popleft()
            if len(self._starts) >= self.budget:
                return self._starts[0] + self.budget_window - now
            self._starts.append(now)
            return None

    def _record(self, request: RecordedRequest) -> None:
        with self._lock:
            self.requests.append(request)

    def verify(self, token: str | None) -> dict[str, Any] | None:
        if not token:
            return None
        import jwt  # with the first request: the app paints before PyJWT (and cryptography) load

        try:
            with short_keys_allowed():  # a short demo secret is the test's choice, not a mistake
                claims = jwt.decode(token, self.secret, algorithms=["HS256"], options={"require": ["appId"]})
        except jwt.PyJWTError:
            return None
        return claims if claims.get("appId") == self.client_id else None

    def answer(self, method: str, path: str, query: dict[str, str], headers: dict[str, str],
               body: Any = None) -> tuple[int, Any]:
        """Route one verified request to its endpoint: (status, JSON body)."""
        if m := _DIRECTORY.match(path):
            if method != "GET":
                return 405, _error("Method not allowed", 405)
            stream = data.find_stream(unquote(m.group(1)))
            if stream is None:
                return 404, _error(f"Stream not found: {unquote(m.group(1))}", 404)
            directory = stream
            return self._page(query, default_limit=10, size=stream.directory_size,
                              row=lambda i: data.directory_contact(directory, i))
        if m := _LIST_CONTACTS.match(path):
            if method != "GET":
                return 405, _error("Method not allowed", 405)
            if query.get("accountId") != self.account_id:
                return 412, _error("accountId query parameter is missing or wrong", 412)
            if not headers.get("iid"):
                return 412, _error("iid header is required", 412)
            stream = data.find_stream(unquote(m.group(1)))
            if stream is None:
                return 404, _error(f"Stream not found: {unquote(m.group(1))}", 404)
            lst = data.find_any_list(stream, unquote(m.group(2)))
            if lst is None:
                return 404, _error(f"Contact list not found: {unquote(m.group(2))}", 404)
            owner, contacts = stream, lst
            status, page = self._page(query, default_limit=50, size=lst.size,
                                      row=lambda i: data.any_list_contact(owner, contacts, i))
            if status != 200:
                return status, page
            return 200, {"status": "success", "message": "Contacts retrieved successfully", "data": page}
        if m := _LIST_DETAILS.match(path):
            if method != "POST":
                return 405, _error("Method not allowed", 405)
            if query.get("accountId") != self.account_id:
                return 412, _error("accountId query parameter is missing or wrong", 412)
            stream = data.find_stream(unquote(m.group(1)))
            if stream is None:
                return 404, _error(f"Stream not found: {unquote(m.group(1))}", 404)
            return 200, {
                "status": "success",
                "message": "Contact lists retrieved successfully",
                "data": [data.contact_list_details(stream, lst) for lst in stream.lists],
            }
        if path.startswith("/campaign/api/v2/public/"):
            return self._campaign_api(method, path, query, headers, body if isinstance(body, dict) else {})
        return 404, _error(f"No such API: {path}", 404)

    def _campaign_api(self, method: str, path: str, query: dict[str, str], headers: dict[str, str],
                      body: dict[str, Any]) -> tuple[int, Any]:
        """The read-only campaign endpoints (docs: campaigns.md), envelopes and oddities as documented."""
        route: tuple[str, re.Match[str]] | None = None
        for name, pattern in (("one-list", _ONE_LIST), ("campaigns", _CAMPAIGNS), ("status", _CAMPAIGN_STATUS),
                              ("campaign", _CAMPAIGN)):
            if m := pattern.match(path):
                route = (name, m)
                break
        if route is None:
            return 404, _error(f"No such API: {path}", 404)
        name, m = route
        wanted = {"one-list": "GET", "campaigns": "POST", "status": "POST", "campaign": "GET"}[name]
        if method != wanted:
            return 405, _error("Method not allowed", 405)
        view = query.get("view", "status")
        # Every URL but the outcomes' carries accountId as a query parameter.
        if not (name == "status" and view == "contacts") and query.get("accountId") != self.account_id:
            return 412, _error("accountId query parameter is missing or wrong", 412)
        if not headers.get("iid"):
            return 412, _error("iid header is required", 412)
        stream = data.find_stream(unquote(m.group(1)))
        if stream is None:
            return 404, _error(f"Stream not found: {unquote(m.group(1))}", 404)
        if name == "one-list":
            lst = data.find_any_list(stream, unquote(m.group(2)))
            if lst is None:
                return 404, _error(f"Contact list not found: {unquote(m.group(2))}", 404)
            return 200, {"status": "success", "message": "", "data": data.list_details(stream, lst)}
        if name == "campaigns":
            return self._campaigns(stream, body)
        campaign = data.find_campaign(stream, unquote(m.group(2)))
        if campaign is None:
            return 404, _error(f"Campaign not found: {unquote(m.group(2))}", 404)
        if name == "campaign":
            return 200, {"status": "success", "message": f"Campaign {campaign.name} retrieved successfully",
                         "data": data.campaign_details(stream, campaign)}
        if view == "status":
            return 200, {"status": "success", "data": {"id": campaign.id, "status": campaign.status,
                                                       "name": campaign.name}}
        if view != "contacts":
            return 412, _error(f"view must be status or contacts, not {view}", 412)
        return self._outcomes(stream, campaign, body)

    def _campaigns(self, stream: data.DemoStream, body: dict[str, Any]) -> tuple[int, Any]:
        kind = body.get("type")
        if kind not in ("voice", "sms"):
            return 412, _error("type is required: voice or sms", 412)
        try:
            skip = int(body.get("skip") or 0)
            limit = int(body.get("limit") or 50)
        except (TypeError, ValueError):
            return 412, _error("skip and limit must be numbers", 412)
        if skip < 0 or limit < 1:
            return 412, _error("skip must be >= 0 and limit >= 1", 412)
        filters: dict[str, Any] = body["filters"] if isinstance(body.get("filters"), dict) else {}
        statuses = filters.get("status") or []
        priorities = filters.get("priority") or []
        modes = filters.get("dialingMode") or [] if kind == "voice" else []
        chosen = [c for c in data.campaigns_of(stream) if c.kind == kind
                  and (not statuses or c.status in statuses)
                  and (not priorities or c.priority in priorities)
                  and (not modes or c.dialing_mode in modes)]
        limit = min(limit, self.page_cap)
        end = min(len(chosen), skip + limit)
        return 200, {"status": "success", "message": "Campaign retrieved successfully", "data": {
            "results": [data.campaign_item(stream, c) for c in chosen[skip:end]],
            "skip": skip, "limit": limit, "hasMore": end < len(chosen),
            "totalPages": math.ceil(len(chosen) / limit) if chosen else 0, "totalResults": len(chosen)}}

    def _outcomes(self, stream: data.DemoStream, campaign: data.DemoCampaign, body: dict[str, Any]) -> tuple[int, Any]:
        """Page-number paging: no `hasMore`, no `skip`; `totalResults` one more than the rows, as
        in the docs' sample (4 beside 3 rows)."""
        try:
            page = int(body.get("page") or 1)
            limit = int(body.get("limit") or OUTCOME_MAX_LIMIT)
        except (TypeError, ValueError):
            return 412, _error("page and limit must be integers", 412)
        if page < 1 or limit < 1:
            return 412, _error("page must be >= 1 and limit between 1 and 100", 412)
        limit = min(limit, OUTCOME_MAX_LIMIT, self.page_cap)
        size = data.campaign_size(stream, campaign)
        start = (page - 1) * limit
        end = min(size, start + limit)
        return 200, {"status": "success", "data": {
            "results": [data.campaign_outcome(stream, campaign, i) for i in range(start, end)],
            "page": page, "limit": limit, "totalPages": math.ceil(size / limit) if size else 0,
            "totalResults": size + 1 if size else 0}}

    def _page(self, query: dict[str, str], *, default_limit: int, size: int,
              row: Callable[[int], dict[str, Any]]) -> tuple[int, dict[str, Any]]:
        try:
            skip = int(query.get("skip", 0))
            limit = int(query.get("limit", default_limit))
        except ValueError:
            return 412, _error("skip and limit must be integers", 412)
        if skip < 0 or limit < 1:
            return 412, _error("skip must be >= 0 and limit >= 1", 412)
        limit = min(limit, self.page_cap)
        end = min(size, skip + limit)
        return 200, {
            "results": [row(i) for i in range(skip, end)],
            "skip": skip,
            "limit": limit,
            "hasMore": end < size,
            "totalPages": math.ceil(size / limit) if size else 0,
            "totalResults": size,
        }
