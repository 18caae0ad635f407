"""Debounce: one call per quiet spell, however many calls came in it."""

from __future__ import annotations

import asyncio

import pytest
from textual.app import App

from kore_tui.ui.widgets.debounce import Debounce


@pytest.mark.asyncio
async def test_a_burst_runs_the_callback_once_after_the_last_call_and_cancel_stops_it() -> None:
    app = App[None]()
    async with app.run_test() as pilot:
        loop = asyncio.get_running_loop()
        ran: list[float] = []
        debounce = Debounce(app, lambda: ran.append(loop.time()))

        last = 0.0
        for _ in range(10):  # a held key: 10 calls 20 ms apart, each due 0.1 s after it
            debounce.call_after(0.1)
            last = loop.time()
            await asyncio.sleep(0.02)
        assert debounce.pending and ran == []
        await pilot.pause(0.3)
        assert len(ran) == 1 and ran[0] >= last + 0.1 and not debounce.pending

        debounce.call_after(0.05)
        debounce.cancel()
        await pilot.pause(0.15)
        assert len(ran) == 1 and not debounce.pending

        # Due sooner than the pending call: it runs at the sooner time, not the later one.
        start = loop.time()
        debounce.call_after(1.0)
        debounce.call_after(0.05)
        await pilot.pause(0.3)
        assert len(ran) == 2 and ran[1] - start < 0.3
