"""Campaigns (#16, "why was this number called?"): the seven read-only endpoints, their paging and
oddities, the outcome cache, the campaign -> list -> outcome join, do-not-call marking, and the
CLI (`find` with campaigns, `campaigns`, `export outcomes`). Over real HTTP against the demo server.
"""

from __future__ import annotations

import copy
import csv
import json
import os
import stat
from typing import Any

import pytest

from kore_tui.api.errors import BadResponseError, NotFoundError
from kore_tui.api.models import CAMPAIGN_OUTCOME_FIELDS
from kore_tui.api.walk import PageNumberFetch, walk_pages
from kore_tui.cache import RowCache, ViewKey
from kore_tui.demo import data
from kore_tui.demo.server import DemoServer, Fault
from kore_tui.lookup import find_phone
from kore_tui.sources import CampaignOutcomesSource, outcomes_key
from kore_tui.views.campaigns import (
    DIALED,
    NOT_DIALED,
    PENDING,
    UNKNOWN,
    campaigns_of_number_cached,
    link_campaigns,
)
from kore_tui.views.lookup import lookup_report
from tests.test_cli import assert_one_line_failure, env_for, run_cli

SALES = data.STREAMS[0]
SUPPORT = data.STREAMS[1]
SEVEN = data.find_list(SALES, "cl-demo-seven")
ONE_K = data.find_list(SALES, "cl-demo-1k")
CAMPAIGNS = {c.name: c for c in data.campaigns_of(SALES)}
VIP = CAMPAIGNS["VIP follow-up campaign"]  # all 7 rows dialed
VIP_RETRY = CAMPAIGNS["VIP second round"]  # rows 0-3 dialed, row 4 pending, rows 5-6 not dialed yet
SPRING = CAMPAIGNS["Spring callbacks campaign"]  # 1k list: 700 dialed, 200 pending, 100 not dialed yet
MILLION = CAMPAIGNS["National survey campaign"]
BASE = f"/campaign/api/v2/public/{SALES.id}/campaign"


def seven_phone(index: int) -> str:
    assert SEVEN is not None
    return str(data.list_contact(SALES, SEVEN, index)["phoneNumber"])


def outcome(campaign: data.DemoCampaign, index: int) -> dict[str, Any]:
    return data.campaign_outcome(SALES, campaign, index)


# -- the endpoints ------------------------------------------------------------------------------------


async def test_campaigns_page_voice_and_sms_with_their_oddities(demo_server: DemoServer, client_for) -> None:  # type: ignore[no-untyped-def]
    client = client_for(demo_server)
    voice = await client.campaigns_page(SALES.id, "voice")
    sms = await client.campaigns_page(SALES.id, "sms")
    assert [c.id for c in voice.rows] == [c.id for c in data.campaigns_of(SALES) if c.kind == "voice"]
    assert [c.id for c in sms.rows] == [c.id for c in data.campaigns_of(SALES) if c.kind == "sms"]
    assert not voice.has_more and voice.skip == 0
    spring = voice.rows[0]
    assert "_id" in spring.raw and "id" not in spring.raw  # voice: `_id`
    assert spring.kind == "voice" and spring.name == SPRING.name and spring.status == "Active"
    assert spring.raw["priority"] == "5" and spring.priority == 5 and spring.priority_text == "5"  # a string
    assert spring.dialing_mode == "Progressive" and spring.connection == "Default Queue"
    assert [(r.id, r.name) for r in spring.dnc_lists] == [("cl-demo-dnc", "Do not call")]
    assert spring.contact_lists == ("Spring callbacks",)  # lists by *name*
    renewals = sms.rows[0]
    assert "id" in renewals.raw and "_id" not in renewals.raw  # SMS: `id`
    assert renewals.kind == "sms" and renewals.format == "simple" and renewals.dialing_mode is None
    assert [(r.id, r.name) for r in renewals.dnc_lists] == [(None, "Do not call")]  # no id on SMS
    stopped = sms.rows[1]
    assert stopped.experience_flow and "isRecurrenceEnabled" not in stopped.raw["schedule"]
    assert stopped.dnc_lists == ()  # absent

    [voice_req, sms_req] = demo_server.requests
    assert voice_req.method == "POST" and voice_req.path == f"{BASE}/getAllCampaignDetails"
    assert voice_req.query == {"accountId": demo_server.account_id}
    assert voice_req.headers["iid"] == SALES.id and voice_req.headers["accountid"] == demo_server.account_id
    assert voice_req.body == {"type": "voice", "skip": 0, "limit": 100, "page": 1}
    assert sms_req.body["type"] == "sms"


async def test_campaigns_page_filters_and_skip_paging(demo_server: DemoServer, client_for) -> None:  # type: ignore[no-untyped-def]
    client = client_for(demo_server)
    active = await client.campaigns_page(SALES.id, "voice", statuses=["Active"], priorities=[5, 1])
    assert {c.name for c in active.rows} == {SPRING.name, MILLION.name}
    preview = await client.campaigns_page(SALES.id, "voice", dialing_modes=["Preview"])
    assert {c.name for c in preview.rows} == {"Win-back campaign", VIP_RETRY.name}
    sms = await client.campaigns_page(SALES.id, "sms", dialing_modes=["Preview"])  # voice only: not sent
    assert len(sms.rows) == 2 and "filters" not in demo_server.requests[-1].body
    assert demo_server.requests[0].body["filters"] == {"status": ["Active"], "priority": [5, 1]}
    # skip/limit paging with hasMore, `page` sent to match
    rows = []
    async for page in walk_pages(lambda skip, limit: client.campaigns_page(SALES.id, "voice", skip, 2), page_size=2):
        rows += page.rows
    assert [c.id for c in rows] == [c.id for c in data.campaigns_of(SALES) if c.kind == "voice"]
    asked = [(r.body["skip"], r.body["page"]) for r in demo_server.requests[3:]]
    assert asked == [(0, 1), (2, 2), (4, 3)]


async def test_one_campaign_its_status_and_a_lists_details(demo_server: DemoServer, client_for) -> None:  # type: ignore[no-untyped-def]
    client = client_for(demo_server)
    spring = await client.campaign(SALES.id, SPRING.id)
    assert spring.id == SPRING.id and spring.kind == "voice"  # inferred from dialingMode
    assert spring.raw["lname"] == SPRING.name.lower()
    assert spring.max_attempts == 3 and spring.caller_id and spring.caller_id.startswith("+1555010")
    renewals = await client.campaign(SALES.id, CAMPAIGNS["Renewals 2026 campaign"].id)
    assert renewals.kind == "sms" and renewals.raw["isImported"] is False and "maxAttemptsPerRecord" not in \
        renewals.dialing_strategy
    status = await client.campaign_status(SALES.id, VIP_RETRY.id)
    assert (status.id, status.status, status.name) == (VIP_RETRY.id, "Rescheduled", VIP_RETRY.name)
    dnc = await client.contact_list_details(SALES.id, "cl-demo-dnc")
    assert dnc.is_global_dnc is True and dnc.name == "Do not call" and dnc.summary.total_record_count == 12
    one_k = await client.contact_list_details(SALES.id, "cl-demo-1k")
    assert one_k.is_global_dnc is False and one_k.allow_duplicates is True and one_k.created_at
    get_one, _, post_status, get_dnc, _ = demo_server.requests
    assert get_one.method == "GET" and get_one.path == f"{BASE}/{SPRING.id}"
    assert post_status.method == "POST" and post_status.path == f"{BASE}/{VIP_RETRY.id}/status"
    assert post_status.query == {"accountId": demo_server.account_id, "view": "status"} and post_status.body == {}
    assert get_dnc.path == f"{BASE}/contactList/cl-demo-dnc" and get_dnc.query == {"accountId": demo_server.account_id}
    with pytest.raises(NotFoundError, match="Campaign not found"):
        await client.campaign(SALES.id, "camp-nope")


async def test_lists_name_campaigns_by_id_and_one_list_serves_two(demo_server: DemoServer, client_for) -> None:  # type: ignore[no-untyped-def]
    client = client_for(demo_server)
    lists = await client.contact_lists(SALES.id)
    seven = next(lst for lst in lists if lst.id == "cl-demo-seven")
    assert [r.id for r in seven.campaigns_in_use] == [VIP.id, VIP_RETRY.id]
    assert seven.campaigns == (VIP.name, VIP_RETRY.name)  # the names, as before
    campaigns = [c for kind in ("voice", "sms") for c in (await client.campaigns_page(SALES.id, kind)).rows]
    links = {link.campaign.id: link for link in link_campaigns(campaigns, lists)}
    assert links[VIP.id].list_ids == links[VIP_RETRY.id].list_ids == ("cl-demo-seven",)
    assert links[MILLION.id].list_ids == ("cl-demo-1m",) and links[MILLION.id].estimated_outcomes == 1_000_000
    # The SMS campaign's do-not-call list has no id: resolved through the voice campaigns' refs.
    renewals = links[CAMPAIGNS["Renewals 2026 campaign"].id]
    assert [(r.id, r.name) for r in renewals.dnc] == [("cl-demo-dnc", "Do not call")]


async def test_oddities_the_docs_show_or_leave_open(demo_server: DemoServer, client_for) -> None:  # type: ignore[no-untyped-def]
    client = client_for(demo_server)

    def odd(body: Any) -> Any:
        body = copy.deepcopy(body)
        first, second = body["data"]["results"][:2]
        first["priority"] = 4  # a number this time
        first["dncLists"] = [{"name": "DNC A"}, {"id": "cl-x", "name": "DNC B"}]  # a list of refs
        first["contactLists"] = "Spring callbacks"  # one name, not an array
        second["priority"] = "high"  # not a number: None, kept as text
        second.pop("_id")
        second["id"] = "camp-sms-style"  # the SMS spelling on a voice item
        second["mystery"] = {"x": 1}
        return body

    demo_server.inject(Fault(path_contains="getAllCampaignDetails", transform=odd))
    page = await client.campaigns_page(SALES.id, "voice")
    first, second = page.rows[:2]
    assert first.priority == 4 and [r.label for r in first.dnc_lists] == ["DNC A", "DNC B"]
    assert first.dnc_lists[1].id == "cl-x" and first.contact_lists == ("Spring callbacks",)
    assert second.priority is None and second.priority_text == "high"
    assert second.id == "camp-sms-style" and second.raw["mystery"] == {"x": 1}

    # campaignInUse as the docs' table has it (plain ids) links just the same.
    def ids_only(body: Any) -> Any:
        body = copy.deepcopy(body)
        for item in body["data"]:
            item["campaignInUse"] = [ref["id"] for ref in item["campaignInUse"]]
        return body

    demo_server.inject(Fault(path_contains="getAllListDetails", transform=ids_only))
    lists = await client.contact_lists(SALES.id)
    seven = next(lst for lst in lists if lst.id == "cl-demo-seven")
    assert [r.id for r in seven.campaigns_in_use] == [VIP.id, VIP_RETRY.id]

    # A 200 whose envelope says failure is an error that quotes the server.
    demo_server.inject(Fault(path_contains="/status", body=b'{"status": "failure", "message": "no such view"}'))
    with pytest.raises(BadResponseError, match=r"failure.*no such view"):
        await client.campaign_status(SALES.id, VIP.id)
    # No campaign id at all: said, not guessed.
    demo_server.inject(Fault(path_contains=VIP.id, transform=lambda b: {**b, "data": {"name": "x"}}))
    with pytest.raises(BadResponseError, match="neither _id nor id"):
        await client.campaign(SALES.id, VIP.id)


# -- outcomes and their paging --------------------------------------------------------------------------


async def test_outcome_page_parsing_and_request(demo_server: DemoServer, client_for) -> None:  # type: ignore[no-untyped-def]
    client = client_for(demo_server)
    page = await client.campaign_outcomes_page(SALES.id, VIP_RETRY.id, page=1, limit=500)  # limit capped at 100
    [req] = demo_server.requests
    assert req.path == f"{BASE}/{VIP_RETRY.id}/status" and req.query == {"view": "contacts"}  # no accountId query
    assert req.headers["accountid"] == demo_server.account_id and req.body == {"page": 1, "limit": 100}
    assert len(page.rows) == 5 and page.skip == 0 and page.limit == 100 and not page.has_more
    assert page.total_results == 6  # the sample's lie: one more than the rows
    dialed, pending = page.rows[0], page.rows[4]
    expected = outcome(VIP_RETRY, 0)
    assert dialed.phone_number == seven_phone(0) and dialed.dialer_outcome == "completed" and not dialed.pending
    assert dialed.attempts == expected["numberOfAttemptsSoFar"] and dialed.session_id == expected["botSessionId"]
    assert dialed.dispositions == tuple(expected["agentDispositionCodes"])
    assert (dialed.bot_status, dialed.bot_status_detail) == (expected["botOutboundStatus"],
                                                            expected["botOutboundStatusDetail"])
    assert pending.pending and pending.dialer_outcome == "" and pending.session_id is None and pending.attempts == 0
    assert pending.phone_number == seven_phone(4)


def test_demo_outcomes_cover_the_documented_values_and_dial_list_numbers() -> None:
    assert ONE_K is not None
    rows = [outcome(SPRING, i) for i in range(data.campaign_size(SALES, SPRING))]
    assert {r["dialerOutcome"] for r in rows} == {"completed", ""}
    assert {r["botOutboundStatus"] for r in rows} == {"userHangUp", "agentHangUp", ""}
    assert {r["botOutboundStatusDetail"] for r in rows} == {"user_hangup", "agent_hangup", "Client side", ""}
    assert any(r["agentDispositionCodes"] == ["System Generated"] for r in rows)
    assert any(r["uniqueId"] == "" for r in rows) and any(r["uniqueId"] for r in rows)
    for i in (0, 1, 3, 699, 700, 899):  # every outcome dials the number of the list row it stands for
        assert rows[i]["phoneNumber"] == data.list_contact(SALES, ONE_K, i)["phoneNumber"]
    assert len(rows) == 900 and sum(1 for r in rows if r["dialerOutcome"]) == 700
    assert data.campaign_size(SALES, MILLION) == 1_000_000
    million_list = data.find_list(SALES, "cl-demo-1m")
    assert million_list is not None
    last = data.campaign_outcome(SALES, MILLION, 999_999)
    assert last["phoneNumber"] == data.list_contact(SALES, million_list, 999_999)["phoneNumber"]


async def test_the_last_page_of_a_million_outcomes(demo_server: DemoServer, client_for) -> None:  # type: ignore[no-untyped-def]
    client = client_for(demo_server)
    fetch = PageNumberFetch(lambda page, limit: client.campaign_outcomes_page(SALES.id, MILLION.id, page, limit))
    page = await fetch(999_900, 100)
    assert demo_server.requests[0].body == {"page": 10_000, "limit": 100}
    assert page.skip == 999_900 and len(page.rows) == 100 and not page.has_more  # page 10,000 of 10,000
    assert page.total_results == 1_000_001 and page.total_pages == 10_000


async def _walk(fetch: PageNumberFetch, concurrency: int = 1) -> list[Any]:
    rows: list[Any] = []
    async for page in walk_pages(fetch, page_size=100, concurrency=concurrency):
        rows += page.rows
    return rows


async def test_outcome_walk_stops_at_total_pages_without_another_request(demo_server: DemoServer, client_for) -> None:  # type: ignore[no-untyped-def]
    client = client_for(demo_server)
    fetch = PageNumberFetch(lambda page, limit: client.campaign_outcomes_page(SALES.id, SPRING.id, page, limit))
    rows = await _walk(fetch)
    assert [r.phone_number for r in rows] == [outcome(SPRING, i)["phoneNumber"] for i in range(900)]
    assert [r.body["page"] for r in demo_server.requests] == list(range(1, 10))  # 9 pages, not a 10th


async def test_outcome_walk_when_the_counts_lie(demo_server: DemoServer, client_for) -> None:  # type: ignore[no-untyped-def]
    client = client_for(demo_server)

    def inflate(body: Any) -> Any:  # counts far beyond the rows: an empty or short page ends the walk
        return {**body, "data": {**body["data"], "totalPages": 999, "totalResults": 99_999}}

    demo_server.inject(Fault(path_contains="/status", transform=inflate, times=None))
    fetch = PageNumberFetch(lambda page, limit: client.campaign_outcomes_page(SALES.id, SPRING.id, page, limit))
    rows = await _walk(fetch, concurrency=4)
    assert len(rows) == 900
    assert max(r.body["page"] for r in demo_server.requests) <= 9 + 4  # a little speculation, no more

    # A short last page ends it, whatever the counts say.
    demo_server.reset_log()
    hundred = data.DemoCampaign("camp-x", "x", "voice", ("cl-demo-1k",), "Active", 50, 250)
    demo_server.clear_faults()
    demo_server.inject(Fault(path_contains="/status", transform=inflate, times=None))
    original = data.CAMPAIGNS[SALES.id]
    data.CAMPAIGNS[SALES.id] = (*original, hundred)
    try:
        fetch = PageNumberFetch(lambda page, limit: client.campaign_outcomes_page(SALES.id, "camp-x", page, limit))
        rows = await _walk(fetch)
    finally:
        data.CAMPAIGNS[SALES.id] = original
    assert len(rows) == 250 and [r.body["page"] for r in demo_server.requests_to("camp-x/")] == [1, 2, 3]

    # Counts that say less than there is: the docs' rule (page >= totalPages) ends the walk.
    demo_server.reset_log()
    demo_server.clear_faults()
    demo_server.inject(Fault(path_contains="/status",
                             transform=lambda b: {**b, "data": {**b["data"], "totalPages": 1}}, times=None))
    rows = await _walk(PageNumberFetch(lambda p, n: client.campaign_outcomes_page(SALES.id, MILLION.id, p, n)))
    assert len(rows) == 100 and len(demo_server.requests_to(f"{MILLION.id}/")) == 1


async def test_a_repeated_outcome_page_cannot_loop(demo_server: DemoServer, client_for) -> None:  # type: ignore[no-untyped-def]
    client = client_for(demo_server)
    # A server that ignores `page` and says so: page 1 again, every time.
    demo_server.inject(Fault(path_contains="/status", min_page=2, times=None,
                             transform=lambda b: {**b, "data": {**b["data"], "page": 1}}))
    fetch = PageNumberFetch(lambda page, limit: client.campaign_outcomes_page(SALES.id, SPRING.id, page, limit))
    with pytest.raises(BadResponseError, match="instead of looping"):
        await _walk(fetch)
    assert len(demo_server.requests) <= 3

    # One that echoes the page asked for but sends the same rows.
    demo_server.clear_faults()
    demo_server.reset_log()
    first: list[Any] = []

    def same_rows(body: Any) -> Any:
        if not first:
            first.extend(body["data"]["results"])
        return {**body, "data": {**body["data"], "results": list(first)}}

    demo_server.inject(Fault(path_contains="/status", transform=same_rows, times=None))
    fetch = PageNumberFetch(lambda page, limit: client.campaign_outcomes_page(SALES.id, SPRING.id, page, limit))
    with pytest.raises(BadResponseError, match="instead of looping"):
        await _walk(fetch)
    assert len(demo_server.requests) <= 3


async def test_a_server_that_serves_smaller_pages_is_followed(client_for) -> None:  # type: ignore[no-untyped-def]
    with DemoServer(page_cap=40) as server:
        client = client_for(server)
        fetch = PageNumberFetch(lambda page, limit: client.campaign_outcomes_page(SALES.id, SPRING.id, page, limit))
        rows = await _walk(fetch, concurrency=3)
        assert [r.phone_number for r in rows] == [outcome(SPRING, i)["phoneNumber"] for i in range(900)]
        assert fetch.served_limit == 40


async def test_outcomes_are_cached_beside_the_lists(demo_server: DemoServer, client_for) -> None:  # type: ignore[no-untyped-def]
    client, cache = client_for(demo_server), RowCache(persist=False)
    key = outcomes_key("p", SALES.id, VIP_RETRY.id)
    assert key == ViewKey("p", SALES.id, f"campaign:{VIP_RETRY.id}")
    source = CampaignOutcomesSource(client, cache, key)
    assert await source.complete() == 5
    assert cache.view_state(key).complete_at is not None
    assert cache.count_rows(ViewKey("p", SALES.id, "cl-demo-seven")) == 0  # the list's own rows are apart
    [(pos, raw)] = cache.rows_with_phone(key, seven_phone(2))  # phone lookups by digits work on outcomes
    assert pos == 2 and raw == outcome(VIP_RETRY, 2)
    demo_server.reset_log()
    page = await source.fetch(0, 100)  # fresh: from the cache, typed as outcomes
    assert demo_server.requests == [] and page.rows[0].dialer_outcome == "completed"


# -- the join -------------------------------------------------------------------------------------------


async def test_find_joins_campaigns_lists_and_outcomes(demo_server: DemoServer, client_for) -> None:  # type: ignore[no-untyped-def]
    client, cache = client_for(demo_server), RowCache(persist=False)
    result = await find_phone(client, cache, "p", SALES.id, seven_phone(1))
    assert result.campaigns is not None
    hits = {hit.campaign.id: hit for hit in result.campaigns.campaigns}
    assert set(hits) == {VIP.id, VIP_RETRY.id}  # the two campaigns dialing the list that holds it
    for campaign in (VIP, VIP_RETRY):
        hit, expected = hits[campaign.id], outcome(campaign, 1)
        assert hit.state == DIALED and hit.list is not None and hit.list.id == "cl-demo-seven"
        assert hit.outcome is not None and dict(hit.outcome.raw) == expected
    assert result.campaigns.dnc == []
    report = lookup_report(result)
    assert report.campaigns_summary.startswith("in 2 campaigns") and len(report.campaigns) == 2
    assert "completed" in report.campaigns[0].text and report.dnc[0].text == "on no do-not-call list searched"

    # Pending in one, not dialed yet in the other.
    for index, retry_state in ((4, PENDING), (5, NOT_DIALED)):
        result = await find_phone(client, cache, "p", SALES.id, seven_phone(index), only_lists=["cl-demo-seven"])
        assert result.campaigns is not None
        states = {hit.campaign.id: hit.state for hit in result.campaigns.campaigns}
        assert states == {VIP.id: DIALED, VIP_RETRY.id: retry_state}
    assert result.requests == 0  # everything from the cache the first lookup filled


async def test_outcomes_over_max_rows_are_not_scanned(demo_server: DemoServer, client_for) -> None:  # type: ignore[no-untyped-def]
    client, cache = client_for(demo_server), RowCache(persist=False)
    assert ONE_K is not None
    phone = data.list_contact(SALES, ONE_K, 950)["phoneNumber"]  # past the 900 the campaign queued
    result = await find_phone(client, cache, "p", SALES.id, phone, only_lists=["cl-demo-1k"], max_rows=500)
    assert result.lists[0].skipped and result.campaigns is not None and result.campaigns.campaigns == []
    result = await find_phone(client, cache, "p", SALES.id, phone, only_lists=["cl-demo-1k"], max_rows=5_000)
    assert result.campaigns is not None
    [hit] = result.campaigns.campaigns
    assert hit.campaign.id == SPRING.id and hit.state == NOT_DIALED
    assert [v.rows for v in result.outcome_searches] == [900]
    walked = demo_server.requests_to(f"{SPRING.id}/status")
    assert 9 <= len(walked) <= 10  # 9 pages (a 10th may be asked ahead)
    again = await find_phone(client, cache, "p", SALES.id, phone, only_lists=["cl-demo-1k"], max_rows=5_000)
    assert again.requests == 0  # the outcomes were walked once


async def test_skipped_outcomes_leave_the_state_unknown(demo_server: DemoServer, client_for) -> None:  # type: ignore[no-untyped-def]
    client, cache = client_for(demo_server), RowCache(persist=False)
    # A campaign dialing the 7-row list and the 1k list: its outcomes may be 1,007 rows, over --max-rows 500,
    # while the 7-row list holding the number is searched.
    both = data.DemoCampaign("camp-both", "Both lists", "voice", ("cl-demo-seven", "cl-demo-1k"), "Active", 3, 3,
                             extra_in_use=True)
    original = data.CAMPAIGNS[SALES.id]
    data.CAMPAIGNS[SALES.id] = (*original, both)
    try:
        result = await find_phone(client, cache, "p", SALES.id, seven_phone(1), only_lists=["cl-demo-seven"],
                                  max_rows=500)
    finally:
        data.CAMPAIGNS[SALES.id] = original
    assert result.campaigns is not None
    hit = next(h for h in result.campaigns.campaigns if h.campaign.id == "camp-both")
    assert hit.state == UNKNOWN and "1,007 outcomes" in hit.note and "--max-rows" in hit.note
    assert demo_server.requests_to("camp-both/status") == []
    assert "outcome unknown" in next(line.text for line in lookup_report(result).campaigns if "Both" in line.text)
    assert next(v for v in result.outcome_searches if "Both" in v.name).skipped


async def test_dnc_marking(demo_server: DemoServer, client_for) -> None:  # type: ignore[no-untyped-def]
    client, cache = client_for(demo_server), RowCache(persist=False)
    # Row 3 of the VIP list is on the do-not-call list, and both VIP campaigns dialed it.
    result = await find_phone(client, cache, "p", SALES.id, seven_phone(3), only_lists=["cl-demo-seven"])
    assert result.campaigns is not None
    [mark] = result.campaigns.dnc
    assert (mark.id, mark.name, mark.global_dnc) == ("cl-demo-dnc", "Do not call", True)
    # Named by voice campaigns by id, and by the SMS one by name only (resolved).
    assert set(mark.campaigns) == {SPRING.name, VIP.name, VIP_RETRY.name, "Renewals 2026 campaign"}
    assert {hit.state for hit in result.campaigns.campaigns} == {DIALED}
    dnc_search = next(v for v in result.lists if v.role == "dnc")
    assert dnc_search.list_id == "cl-demo-dnc" and dnc_search.matches
    assert result.to_json()["dnc"][0]["id"] == "cl-demo-dnc"
    assert "a global do-not-call list" in lookup_report(result).dnc[0].text

    # A number on the do-not-call list alone: marked, in no campaign.
    own = data.dnc_contact(SALES, 8)["phoneNumber"]
    result = await find_phone(client, cache, "p", SALES.id, own, only_lists=["cl-demo-seven"])
    assert result.campaigns is not None and [m.id for m in result.campaigns.dnc] == ["cl-demo-dnc"]
    assert result.campaigns.campaigns == []
    # Flagged isGlobalDNC only (no campaign names it): still marked.
    assert SUPPORT.lists
    demo_server.inject(Fault(path_contains="contactList/cl-demo-support", times=None, transform=lambda b: {
        **b, "data": {**b["data"], "isGlobalDNC": True}}))
    support_phone = data.list_contact(SUPPORT, SUPPORT.lists[0], 1)["phoneNumber"]
    result = await find_phone(client, cache, "p", SUPPORT.id, support_phone)
    assert result.campaigns is not None
    assert [(m.id, m.global_dnc, m.campaigns) for m in result.campaigns.dnc] == [("cl-demo-support", True, ())]
    assert len(result.campaigns.campaigns) == 2  # a voice and an SMS campaign use the support list


async def test_the_detail_pane_join_reads_the_cache_only(demo_server: DemoServer, client_for) -> None:  # type: ignore[no-untyped-def]
    client, cache = client_for(demo_server), RowCache(persist=False)
    assert campaigns_of_number_cached(cache, "p", SALES.id, seven_phone(3)).notes == ["campaigns not loaded yet"]
    await find_phone(client, cache, "p", SALES.id, seven_phone(3), only_lists=["cl-demo-seven"])
    demo_server.reset_log()
    answer = campaigns_of_number_cached(cache, "p", SALES.id, seven_phone(3))
    assert demo_server.requests == []
    assert {hit.campaign.id: hit.state for hit in answer.campaigns} == {VIP.id: DIALED, VIP_RETRY.id: DIALED}
    assert [m.id for m in answer.dnc] == ["cl-demo-dnc"]
    partial = campaigns_of_number_cached(cache, "p", SALES.id, seven_phone(6))
    assert {hit.campaign.id: hit.state for hit in partial.campaigns} == {VIP.id: DIALED, VIP_RETRY.id: NOT_DIALED}
    # Outcomes not cached at all: the state is unknown, and the note says why.
    cache.clear()
    assert campaigns_of_number_cached(cache, "p", SALES.id, seven_phone(3)).campaigns == []
    await find_phone(client, cache, "p", SALES.id, seven_phone(3), only_lists=["cl-demo-seven"], campaigns=False)
    await find_phone(client, cache, "p", SALES.id, "5550000", only_lists=["cl-demo-seven"], max_rows=0)
    hits = campaigns_of_number_cached(cache, "p", SALES.id, seven_phone(3)).campaigns
    assert {hit.state for hit in hits} == {UNKNOWN} and all("not cached" in hit.note for hit in hits)


async def test_a_campaign_failure_does_not_sink_the_lookup(demo_server: DemoServer, client_for) -> None:  # type: ignore[no-untyped-def]
    client, cache = client_for(demo_server), RowCache(persist=False)
    demo_server.inject(Fault(path_contains="getAllCampaignDetails", status=403, message="scope missing", times=None))
    result = await find_phone(client, cache, "p", SALES.id, seven_phone(1), only_lists=["cl-demo-seven"])
    assert result.lists[0].matches and "scope missing" in result.campaigns_error
    assert "scope missing" in result.to_json()["campaign_notes"][0]
    assert "scope missing" in lookup_report(result).campaigns[0].text


# -- the command line -------------------------------------------------------------------------------------


def test_find_json_with_campaigns_and_dnc(demo_server: DemoServer) -> None:
    env = env_for(demo_server)
    args = ("find", seven_phone(3), "--stream", SALES.id, "--list", "cl-demo-seven", "--json")
    result = run_cli(*args, env=env)
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    by_id = {c["id"]: c for c in answer["campaigns"]}
    assert set(by_id) == {VIP.id, VIP_RETRY.id}
    expected = outcome(VIP, 3)
    assert by_id[VIP.id] | {"note": None} == {
        "id": VIP.id, "name": VIP.name, "type": "voice", "status": "Completed", "state": "dialed",
        "outcome": "completed", "attempts": expected["numberOfAttemptsSoFar"],
        "dispositions": expected["agentDispositionCodes"], "sessionId": expected["botSessionId"],
        "botStatus": expected["botOutboundStatus"], "botStatusDetail": expected["botOutboundStatusDetail"],
        "outcomeRows": 1, "list": {"id": "cl-demo-seven", "name": "VIP follow-up"}, "note": None}
    assert [(d["id"], d["name"]) for d in answer["dnc"]] == [("cl-demo-dnc", "Do not call")]
    text = run_cli(*args[:-1], env=env)  # warm: the same answer from the cache, in words
    assert text.returncode == 0, text.stderr
    assert "in 2 campaigns dialing those lists" in text.stdout and "do-not-call:" in text.stdout
    assert "VIP second round (voice, Rescheduled) via VIP follow-up: completed" in text.stdout
    assert "requests sent: 0" in text.stdout


def test_campaigns_command(demo_server: DemoServer) -> None:
    env = env_for(demo_server)
    result = run_cli("campaigns", "--stream", SALES.id, env=env)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    expected = [c for kind in ("voice", "sms") for c in data.campaigns_of(SALES) if c.kind == kind]
    assert [line.split()[0] for line in lines] == [c.id for c in expected]
    spring = lines[0]
    assert spring.split()[1:3] == ["voice", "Active"] and SPRING.name in spring
    assert "lists: Spring callbacks" in spring and spring.endswith("do-not-call: Do not call")
    assert "\x1b" not in result.stdout and "[red]Hostile[/] \ufffd[31mlist" in result.stdout  # cleaned, literal

    filtered = run_cli("campaigns", "--stream", SALES.id, "--type", "voice", "--status", "paused",
                       "--status", "Completed", env=env)
    assert [line.split()[0] for line in filtered.stdout.splitlines()] == [
        CAMPAIGNS["Win-back campaign"].id, VIP.id]
    assert demo_server.requests_to("getAllCampaignDetails")[-1].body["filters"] == {"status": ["Paused", "Completed"]}

    as_json = json.loads(run_cli("campaigns", "--stream", SALES.id, "--type", "sms", "--json", env=env).stdout)
    assert [c["id"] for c in as_json] == [c.id for c in data.campaigns_of(SALES) if c.kind == "sms"]
    assert as_json[0]["dnc"] == [{"id": None, "name": "Do not call"}]  # SMS items name it without an id
    assert as_json[0]["lists"] == [{"id": "cl-demo-250k", "name": "Renewals 2026"}]
    # With the voice campaigns beside it, the name is resolved through their references.
    every = json.loads(run_cli("campaigns", "--stream", SALES.id, "--json", env=env).stdout)
    renewals = next(c for c in every if c["id"] == as_json[0]["id"])
    assert renewals["dnc"] == [{"id": "cl-demo-dnc", "name": "Do not call"}] and renewals["raw"]["priority"] == "3"

    none = run_cli("campaigns", "--stream", "st-demo-empty", env=env)
    assert none.returncode == 0 and none.stdout.strip() == "stream st-demo-empty has no campaigns"
    assert "not found" in assert_one_line_failure(run_cli("campaigns", "--stream", "st-nope", env=env)).lower()


def test_export_outcomes_csv(demo_server: DemoServer, tmp_path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "outcomes.csv"
    result = run_cli("export", "outcomes", "--stream", SALES.id, "--campaign", SPRING.id, "--format", "csv",
                     "-o", str(out), env=env_for(demo_server))
    assert result.returncode == 0, result.stderr
    assert result.stderr.strip() == f"900 rows written to {out}"
    assert stat.S_IMODE(os.stat(out).st_mode) == 0o600
    with out.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    header = rows[0]
    assert header == [*CAMPAIGN_OUTCOME_FIELDS, "_extra"]
    assert len(rows) == 901
    for i in (0, 1, 699, 700, 899):
        want = outcome(SPRING, i)
        got = dict(zip(header, rows[i + 1], strict=True))
        assert got["phoneNumber"] == want["phoneNumber"] and got["dialerOutcome"] == want["dialerOutcome"]
        assert got["numberOfAttemptsSoFar"] == str(want["numberOfAttemptsSoFar"])
        assert json.loads(got["agentDispositionCodes"]) == want["agentDispositionCodes"]
    pages = sorted(r.body["page"] for r in demo_server.requests_to(f"{SPRING.id}/status"))
    assert pages[:9] == list(range(1, 10)) and len(pages) <= 10  # a 10th may be asked ahead

    again = run_cli("export", "outcomes", "--stream", SALES.id, "--campaign", SPRING.id, "-o", str(out),
                    env=env_for(demo_server))
    assert "exists" in assert_one_line_failure(again)
    usage = run_cli("export", "outcomes", "--stream", SALES.id, env=env_for(demo_server))  # a usage error
    [line] = usage.stderr.splitlines()
    assert usage.returncode == 2 and line.startswith("kore-tui export: ") and "--campaign" in line


def test_export_outcomes_jsonl_of_hostile_text(demo_server: DemoServer, tmp_path) -> None:  # type: ignore[no-untyped-def]
    hostile = CAMPAIGNS[next(name for name in CAMPAIGNS if "Hostile" in name)]
    out = tmp_path / "hostile.jsonl"
    result = run_cli("export", "outcomes", "--stream", SALES.id, "--campaign", hostile.id, "--format", "jsonl",
                     "-o", str(out), env=env_for(demo_server))
    assert result.returncode == 0, result.stderr
    text = out.read_text(encoding="utf-8")
    assert "\x1b" not in text
    assert [json.loads(line) for line in text.splitlines()] == [outcome(hostile, i) for i in range(25)]
