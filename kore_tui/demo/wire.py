"""The demo server's wire: the HTTP server and request handler (keep-alive, faults that drop or
reset a connection, the request log). Faults, recorded requests and the error shape are in
faults.py.
"""

from __future__ import annotations

import json
import math
import socket
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlsplit

from kore_tui.demo.faults import RATE_LIMIT_MESSAGE, RecordedRequest, _error

if TYPE_CHECKING:
    from kore_tui.demo.server import DemoServer


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, listener: socket.socket, handler: type[BaseHTTPRequestHandler], demo: DemoServer) -> None:
        """Serves on ``listener``, a socket already bound and listening (see DemoServer)."""
        self._open: set[socket.socket] = set()
        self._open_lock = threading.Lock()
        self.demo = demo
        super().__init__(listener.getsockname()[:2], handler, bind_and_activate=False)
        self.socket.close()  # the one socketserver made; the listener takes its place
        self.socket = listener
        self.server_name, self.server_port = "localhost", listener.getsockname()[1]

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._open_lock:
            self._open.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self._open_lock:
            self._open.discard(request)
        super().shutdown_request(request)

    def close_open_connections(self) -> None:
        with self._open_lock:
            open_now, self._open = list(self._open), set()
        for sock in open_now:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that went away (a timeout, a stop) is not news; anything else is printed.
        if isinstance(sys.exc_info()[1], OSError):
            return
        super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, so clients reuse connections as with the platform
    # Headers and body go out in two writes; with Nagle on, the body waits for the client's
    # delayed ACK (~40 ms on Linux loopback) and every answer looks 40 ms slower than it is.
    disable_nagle_algorithm = True
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:  # quiet: tests and the TUI own stdout
        pass

    def do_GET(self) -> None:
        self._handle("GET")

    def do_POST(self) -> None:
        self._handle("POST")

    def _handle(self, method: str) -> None:
        demo = self.server.demo
        length = int(self.headers.get("Content-Length") or 0)
        request_body: Any = None
        if length:
            try:
                request_body = json.loads(self.rfile.read(length))
            except ValueError:
                request_body = None
        parts = urlsplit(self.path)
        path = parts.path
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        # Faults match on paging in the body too (POST endpoints page there).
        match_on = dict(query)
        if isinstance(request_body, dict):
            for key in ("skip", "page"):
                if isinstance(request_body.get(key), int) and key not in match_on:
                    match_on[key] = str(request_body[key])
        headers = {k.lower(): v for k, v in self.headers.items() if k.lower() != "auth"}
        claims = demo.verify(self.headers.get("auth"))

        def send(status: int, body: bytes, content_type: str = "application/json", extra: dict[str, str] | None = None) -> None:
            demo._record(RecordedRequest(method, path, query, status, claims, headers, time.monotonic(), request_body))
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            for key, value in (extra or {}).items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(body)

        if demo.latency:
            time.sleep(demo.latency)
        wait = demo._over_budget()
        if wait is not None:
            extra = {"Retry-After": str(max(1, math.ceil(wait)))} if demo.send_retry_after else {}
            send(429, _dumps(_error(RATE_LIMIT_MESSAGE, 429)), extra=extra)
            return
        fault = demo._take_fault(path, match_on)
        if fault and fault.delay:
            time.sleep(fault.delay)
        if fault and fault.status is not None and fault.body is None:
            send(fault.status, _dumps(_error(fault.message or f"Injected fault {fault.status}", fault.status)),
                 extra=fault.headers)
            return
        if fault and fault.body is not None:
            send(fault.status or 200, fault.body, fault.content_type, fault.headers)
            return
        if claims is None:
            send(401, _dumps(_error("Invalid JWT token", 4002)))
            return
        if headers.get("accountid") != demo.account_id:
            send(401, _dumps(_error("Invalid accountId", 4003)))
            return
        status, answer = demo.answer(method, path, query, headers, request_body)
        if fault and fault.transform is not None:
            answer = fault.transform(answer)
        payload = _dumps(answer)
        if fault and fault.truncate:
            payload = payload[: len(payload) // 2]
        if fault and fault.patch is not None:
            payload = fault.patch(payload)
        if fault and fault.reset:
            self._reset_mid_body(status, payload)
            demo._record(RecordedRequest(method, path, query, status, claims, headers, time.monotonic(), request_body))
            return
        send(status, payload)

    def _reset_mid_body(self, status: int, payload: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload[: len(payload) // 2])
        self.wfile.flush()
        # SO_LINGER 0: close with an RST, as a dropped link or a crashed proxy does.
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
        self.close_connection = True


def _dumps(body: Any) -> bytes:
    try:
        return json.dumps(body, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate (the edge-case rows): sent as its JSON escape
        return json.dumps(body, ensure_ascii=True).encode("ascii")
