"""Starting the demo server for ``--demo``, and the profile that connects to it."""

from __future__ import annotations

from typing import Any

from kore_tui.config import Profile, Stream
from kore_tui.demo import data
from kore_tui.demo.server import DemoServer

DEMO_LATENCY = 0.03  # seconds: enough to feel a network, little enough to stay snappy


def start_demo(**knobs: Any) -> DemoServer:
    """A demo server on a free loopback port, already serving."""
    return listening_demo(**knobs).start()


def listening_demo(**knobs: Any) -> DemoServer:
    """A demo server on a free loopback port, listening (its URL is known) but not yet serving:
    :meth:`DemoServer.start` serves what was asked meanwhile."""
    knobs.setdefault("latency", DEMO_LATENCY)
    return DemoServer(**knobs)


def demo_profile(server: DemoServer) -> Profile:
    return Profile(
        name="demo",
        host=server.url,
        account_id=server.account_id,
        client_id=server.client_id,
        streams=[Stream(s.id, s.name) for s in data.STREAMS],
    )
