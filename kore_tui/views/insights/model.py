"""InsightsModel: one view's insights, for the app's Insights screen and ``kore-tui insights``."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator, Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from kore_tui.api.errors import ApiError
from kore_tui.api.models import Page, parse_contact_lists
from kore_tui.cache import DIRECTORY, ReadHandle, ViewKey
from kore_tui.export import CAMPAIGN_FIELDS, DIRECTORY_FIELDS
from kore_tui.sources import cached_list_details
from kore_tui.views.estimate import Estimate, estimate_under
from kore_tui.views.insights.compute import Inputs, Report, _written, compute, coverage_of
from kore_tui.views.insights.figures import CHUNK, Coverage, Insights
from kore_tui.views.insights.numbers import e164_facts, impossible_reason

if TYPE_CHECKING:

    from kore_tui.session import Session

# -- the model --------------------------------------------------------------------------------------


class InsightsModel:
    """One view's insights: what the app's Insights screen and ``kore-tui insights`` use."""

    def __init__(self, session: Session, stream: str, list_id: str = DIRECTORY, *, name: str = "") -> None:
        self.session = session
        self.stream = stream
        self.list_id = list_id
        self.inputs = Inputs(session.view_key(stream, list_id), name=name, region=session.region)
        self.last: Insights | None = None

    @property
    def key(self) -> ViewKey:
        return self.inputs.key

    async def prepare(self, *, load: bool = True) -> Inputs:
        """The stream's lists (names, sizes) and its do-not-call lists, from the cache, and with
        ``load`` from the server when the cache has none (a request each; a failure is a note)."""
        s = self.session
        notes: list[str] = []
        lists_meta = await asyncio.to_thread(s.cache.get_meta, s.profile.name, self.stream, "contact-lists")
        lists = parse_contact_lists({"data": lists_meta[0]}) if lists_meta is not None else []
        campaigns: list[Any] = []
        if load:
            try:
                lists = await s.contact_lists(self.stream)
                campaigns = await s.campaigns(self.stream)
            except ApiError as exc:
                notes.append(f"the stream's lists and campaigns could not be read ({exc.kind}): "
                             "do-not-call lists may be missing")
        else:
            from kore_tui.sources import cached_campaigns

            stored = await asyncio.to_thread(cached_campaigns, s.cache, s.profile.name, self.stream)
            campaigns = stored[0] if stored is not None else []
        from kore_tui.views.campaigns import dnc_list_ids, link_campaigns

        dnc = dnc_list_ids(link_campaigns(campaigns, lists))
        for lst in lists:
            details = await asyncio.to_thread(cached_list_details, s.cache, s.profile.name, self.stream, lst.id)
            if details is not None and details.is_global_dnc and lst.id not in dnc:
                dnc.append(lst.id)
        names = {lst.id: lst.name or "" for lst in lists}
        totals = {lst.id: lst.total_record_count for lst in lists if lst.total_record_count is not None}
        name = self.inputs.name or (names.get(self.list_id, "") if self.list_id else "directory")
        self.inputs = replace(self.inputs, name=name, names=names, totals=totals, dnc=tuple(dnc),
                              total_hint=totals.get(self.list_id) if self.list_id else None, notes=tuple(notes))
        return self.inputs

    def compute(self, *, on_update: Report | None = None, cancelled: Callable[[], bool] = lambda: False,
                handle: ReadHandle | None = None) -> Insights:
        """Every figure, from the cache (blocking: run it in a thread)."""
        self.last = compute(self.session.cache, self.inputs, on_update=on_update, cancelled=cancelled, handle=handle)
        return self.last

    async def run(self, on_update: Report | None = None) -> Insights:
        return await asyncio.to_thread(self.compute, on_update=on_update)

    def coverage(self) -> Coverage:
        return coverage_of(self.session.cache, self.key, self.inputs.total_hint)

    def cost_of_rest(self, coverage: Coverage | None = None, page_size: int = 100) -> Estimate:
        """What fetching the rest of the view costs (pages still fresh in the cache cost none)."""
        coverage = coverage or self.coverage()
        missing = coverage.missing if coverage.total is not None else max(page_size, 0)
        return estimate_under(self.session.budget, missing, page_size=page_size)

    async def fetch_rest(self, on_page: Callable[[Page[Any]], None] | None = None, page_size: int = 100) -> int:
        """The rest of the view into the cache, within the request budget (see ViewSource.complete)."""
        return await self.session.source(self.stream, self.list_id).complete(page_size=page_size, on_page=on_page)

    # -- the findings as rows to export ---------------------------------------------------------------

    @property
    def fields(self) -> tuple[str, ...]:
        base = DIRECTORY_FIELDS if self.list_id == DIRECTORY else CAMPAIGN_FIELDS
        return ("reason", "number", "row", *base)

    def duplicate_rows(self) -> Iterator[dict[str, Any]]:
        """Every row whose number is on another row too, grouped by number: the reason says how
        many rows have it (blocking, a chunk of numbers at a time: run it in a thread)."""
        cache, view = self.session.cache, self.session.cache.view_id(self.key)
        if view is None:
            return
        after = ""
        while True:
            numbers = cache.select("SELECT e164, count(*) AS n FROM rows INDEXED BY rows_e164 WHERE view_id=? "
                                   "AND e164 > ? GROUP BY e164 HAVING n > 1 ORDER BY e164 LIMIT 500", (view, after))
            if not numbers:
                break
            after = numbers[-1][0]
            counts = dict(numbers)
            marks = ",".join("?" * len(numbers))
            for pos, raw, e164 in cache.select(f"SELECT pos, raw, e164 FROM rows WHERE view_id=? AND e164 IN ({marks}) "
                                               "ORDER BY e164, pos", (view, *counts)):
                yield self._finding(f"duplicate: {counts[e164]} rows", e164, pos, raw)
        for pos, raw, digits, n in cache.select(
                "SELECT r.pos, r.raw, r.digits, d.n FROM rows r JOIN (SELECT digits, count(*) AS n FROM rows "
                "WHERE view_id=? AND e164 IS NULL AND digits != '' GROUP BY digits HAVING n > 1) d "
                "ON r.digits=d.digits WHERE r.view_id=? AND r.e164 IS NULL ORDER BY r.digits, r.pos", (view, view)):
            yield self._finding(f"duplicate: {n} rows", digits, pos, raw)

    def problem_rows(self) -> Iterator[dict[str, Any]]:
        """Every row whose number is invalid or impossible, with the reason (blocking: run it
        in a thread). Rows without a number are not among them."""
        import json

        cache, view = self.session.cache, self.session.cache.view_id(self.key)
        if view is None:
            return
        last = -1
        while True:
            chunk = cache.select("SELECT pos, raw, e164, digits FROM rows WHERE view_id=? AND pos > ? AND digits != '' "
                                 "ORDER BY pos LIMIT ?", (view, last, CHUNK))
            if not chunk:
                break
            last = chunk[-1][0]
            for pos, raw, e164, digits in chunk:
                row = json.loads(raw)
                if e164 is None:
                    yield self._finding(f"impossible: {impossible_reason(_written(row, digits))}", digits, pos, row)
                elif not _valid(e164):
                    yield self._finding("invalid: no such number in its country's numbering plan", e164, pos, row)

    def _finding(self, reason: str, number: str, pos: int, raw: str | Mapping[str, Any]) -> dict[str, Any]:
        import json

        row = json.loads(raw) if isinstance(raw, str) else dict(raw)
        return {**row, "reason": reason, "number": number, "row": pos + 1}


_VALIDITY: dict[str, bool] = {}


def _valid(e164: str) -> bool:
    known = _VALIDITY.get(e164)
    if known is None:
        if len(_VALIDITY) > 100_000:
            _VALIDITY.clear()
        known = _VALIDITY[e164] = e164_facts(e164)[0]
    return known
