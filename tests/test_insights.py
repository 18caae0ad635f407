"""Insights (#17, list health at a glance): every figure equal to the truth of a list built with a
known content (kore_tui.demo.data's `cl-insights-a`), at 0%, partial and 100% coverage, over real
HTTP against the demo server; the CLI (`insights`, `--json`, `--fetch`), the exports of the
findings, the chart, and the screen (i in the browser, Enter on a duplicate filters the view).
"""

from __future__ import annotations

import csv
import json
import os
import stat
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from kore_tui.cache import DIRECTORY, RowCache
from kore_tui.config import Profile
from kore_tui.demo import data
from kore_tui.demo.server import DemoServer
from kore_tui.files import TargetExists
from kore_tui.phones import number_facts
from kore_tui.session import Session, Settings
from kore_tui.views.insights import Insights, InsightsModel, bar_chart, buckets, e164_facts
from tests.test_cli import env_for, run_cli

SALES = data.STREAMS[0]
A, B, DNC = "cl-insights-a", "cl-insights-b", data.DNC_LIST.id
REGION = data.INSIGHTS_REGION


def truth(rows: list[data.InsightsRow]) -> dict[str, Any]:
    """The figures, from how the rows were made (not from libphonenumber)."""
    keyed = [r for r in rows if r.number is not None]
    per = Counter(r.number.key for r in keyed if r.number is not None)
    numbers = {r.number.key: r.number for r in keyed if r.number is not None}
    dup = {k: n for k, n in per.items() if n > 1}

    def group(kind: str) -> tuple[int, int]:
        chosen = [k for k, n in numbers.items() if n.kind == kind]
        return len(chosen), sum(per[k] for k in chosen)

    valid = [n for n in numbers.values() if n.kind == "valid"]
    national_rows = [r for r in keyed if r.number is not None and r.phone is not None and r.number.national(r.phone)]
    return {
        "rows": len(rows), "no_number": len(rows) - len(keyed), "numbers": len(numbers),
        "duplicated": len(dup), "extra_rows": sum(n - 1 for n in dup.values()),
        "top": sorted(dup.values(), reverse=True),
        "valid": group("valid"), "invalid": group("invalid"), "impossible": group("impossible"),
        "national": (len({r.number.key for r in national_rows if r.number}), len(national_rows)),
        "countries": Counter(n.region for n in valid),
        "kinds": Counter(n.number_type for n in valid),
        "directory": sum(1 for n in numbers.values() if n.in_directory),
        "dnc": sum(1 for n in numbers.values() if n.in_dnc),
        "second": sum(1 for n in numbers.values() if n.in_second),
        "created": Counter(data._iso(data.INSIGHTS_FIRST_DAY + r.created_day * 86_400)[:10] for r in rows),
        "updated": Counter(data._iso(data.INSIGHTS_FIRST_DAY + r.updated_day * 86_400)[:10] for r in rows),
        "statuses": Counter(r.status for r in rows if r.status is not None),
    }


def assert_true_figures(got: Insights, rows: list[data.InsightsRow], *, others: bool = True) -> None:
    want = truth(rows)
    assert got.done and got.rows == want["rows"] and got.no_number == want["no_number"]
    assert got.numbers == want["numbers"]
    assert (got.duplicated, got.extra_rows) == (want["duplicated"], want["extra_rows"])
    assert [d.rows for d in got.top_duplicates] == want["top"][:10]
    assert (got.valid.numbers, got.valid.rows) == want["valid"]
    assert (got.invalid.numbers, got.invalid.rows) == want["invalid"]
    assert (got.impossible.numbers, got.impossible.rows) == want["impossible"]
    assert (got.national.numbers, got.national.rows) == want["national"]
    assert {c.region: c.numbers for c in got.countries} == dict(want["countries"])
    assert dict(got.kinds) == dict(want["kinds"])
    assert dict(got.created) == dict(want["created"]) and dict(got.updated) == dict(want["updated"])
    assert dict(got.statuses) == dict(want["statuses"])
    if others:
        common = {o.list_id: o.common for o in got.overlaps}
        assert common[DIRECTORY] == want["directory"]
        assert common[DNC] == want["dnc"]
        assert common[B] == want["second"]


async def session_on(server: DemoServer, region: str | None = REGION) -> Session:
    profile = Profile("t", server.url, server.account_id, server.client_id)
    return Session.open(profile, server.secret, RowCache(persist=False), settings=Settings(max_rpm=0, region=region))


def test_the_demo_list_is_what_it_says() -> None:
    """Each number's stated truth is what libphonenumber says (the test above trusts it)."""
    for number in data.INSIGHTS_NUMBERS:
        for form in number.forms:
            facts = number_facts(form, REGION)
            if number.kind == "impossible":
                assert facts.e164 is None, form
                continue
            assert facts.e164 == number.key and facts.valid == (number.kind == "valid"), form
            if number.kind == "valid":
                assert (facts.region, facts.kind) == (number.region, number.number_type), form
                assert e164_facts(number.key) == (True, number.region, number.number_type)
    assert "cl-insights-a" not in {lst.id for lst in SALES.lists}  # not in the picker: snapshots stay


async def test_every_figure_at_0_partial_and_100_percent(demo_server: DemoServer) -> None:
    session = await session_on(demo_server)
    rows = list(data.insights_rows(A))
    for other in (DIRECTORY, B, DNC):
        await session.source(SALES.id, other).complete()
    model = InsightsModel(session, SALES.id, A)
    await model.prepare()
    assert DNC in model.inputs.dnc

    nothing = await model.run()
    assert nothing.coverage.cached == 0 and not nothing.coverage.complete and nothing.rows == 0
    assert "nothing cached yet" in nothing.coverage.text()
    assert model.cost_of_rest(nothing.coverage).requests >= 1

    source = session.source(SALES.id, A)
    await source.network_fetch(0, 50)  # the first page only: a quarter of the list
    partial = await model.run()
    assert partial.coverage.cached == 50 and partial.coverage.total == len(rows)
    assert partial.coverage.text() == f"based on 50 of {len(rows)} rows cached, {50 / len(rows) * 100:.0f}%"
    assert_true_figures(partial, rows[:50])

    updates: list[Insights] = []
    await model.fetch_rest()
    whole = await model.run(on_update=updates.append)
    assert whole.coverage.complete and "the whole view is cached" in whole.coverage.text()
    assert_true_figures(whole, rows)
    # The first figures are reported before the rest are computed.
    assert updates[0].stages == {"numbers"} and updates[0].duplicated == whole.duplicated and not updates[0].done
    assert {c.name for c in whole.countries} == {"United States", "United Kingdom", "India", "Germany"}
    other_cov = {o.list_id: o.coverage for o in whole.overlaps}
    assert other_cov[DIRECTORY].complete and other_cov[DIRECTORY].cached == SALES.directory_size
    await session.aclose()


async def test_overlap_says_what_is_cached_of_the_other_views(demo_server: DemoServer) -> None:
    session = await session_on(demo_server)
    await session.source(SALES.id, A).complete()
    await session.source(SALES.id, DIRECTORY).network_fetch(0, 100)
    model = InsightsModel(session, SALES.id, A)
    await model.prepare()
    got = await model.run()
    by_id = {o.list_id: o for o in got.overlaps}
    directory = by_id[DIRECTORY]
    assert directory.coverage.cached == 100 and not directory.coverage.complete
    # Of the directory's first 100 contacts, the list has those with index 0 and 50.
    assert directory.common == 2
    assert by_id[DNC].coverage.cached == 0 and by_id[DNC].common == 0  # named by campaigns, not cached
    assert B not in by_id  # a list with no cached row is not compared
    await session.aclose()


async def test_without_a_region_national_numbers_are_impossible(demo_server: DemoServer) -> None:
    session = await session_on(demo_server, region=None)
    await session.source(SALES.id, A).complete()
    got = await InsightsModel(session, SALES.id, A).run()
    want = truth(list(data.insights_rows(A)))
    # Each national form is then a string of digits of its own (the same number written
    # internationally elsewhere stays a number).
    national_forms = {data.digits(f) for n in data.INSIGHTS_NUMBERS for f in n.forms if n.national(f)}
    assert got.national.numbers == 0 and len(national_forms) == 12
    assert got.impossible.numbers == want["impossible"][0] + len(national_forms)
    assert {e.note for e in got.impossible.examples} >= {"invalid country code"}
    await session.aclose()


async def test_exports_of_the_findings_are_all_or_nothing_files(demo_server: DemoServer, tmp_path: Path) -> None:
    from kore_tui.views.export import ExportJob, export_to_file

    session = await session_on(demo_server)
    await session.source(SALES.id, A).complete()
    model = InsightsModel(session, SALES.id, A)
    got = await model.run()
    dup_path, bad_path = tmp_path / "dups.csv", tmp_path / "bad.csv"
    await export_to_file(ExportJob(dup_path), model.fields, rows=list(model.duplicate_rows()))
    await export_to_file(ExportJob(bad_path), model.fields, rows=list(model.problem_rows()))
    for path in (dup_path, bad_path):
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    dups = list(csv.DictReader(dup_path.open(newline="")))
    assert len(dups) == got.duplicated + got.extra_rows
    assert Counter(r["number"] for r in dups) == {d.number: d.rows for d in got.top_duplicates}
    assert all(r["reason"] == f"duplicate: {Counter(x['number'] for x in dups)[r['number']]} rows" for r in dups)
    bad = list(csv.DictReader(bad_path.open(newline="")))
    assert len(bad) == got.invalid.rows + got.impossible.rows
    reasons = Counter(r["reason"] for r in bad)
    assert reasons["impossible: too short"] == 3 and reasons["impossible: too long"] == 1
    assert reasons["impossible: invalid country code"] == 1
    assert reasons["invalid: no such number in its country's numbering plan"] == got.invalid.rows
    assert [int(r["row"]) for r in bad] == sorted(int(r["row"]) for r in bad)  # in list order
    with pytest.raises(TargetExists):  # an existing file is never replaced without force
        await export_to_file(ExportJob(dup_path), model.fields, rows=list(model.duplicate_rows()))
    await session.aclose()


def test_chart_buckets_and_bars() -> None:
    days = [("2025-03-05", 10), ("2025-03-07", 5)]
    unit, series = buckets(days, 60)
    assert unit == "day" and series == [("2025-03-05", 10), ("2025-03-06", 0), ("2025-03-07", 5)]
    unit, weeks = buckets([("2025-01-01", 1), ("2025-06-30", 2)], 60)
    assert unit == "week" and weeks[0][0] == "2024-12-30" and sum(n for _, n in weeks) == 3
    unit, months = buckets([("2020-01-01", 1), ("2025-06-30", 2)], 60)
    assert unit == "month" and len(months) == 66
    lines = bar_chart(series, 40, 4, "day")
    assert len(lines) == 5 and lines[0].startswith(" 10│") and "2025-03-05 … 2025-03-07" in lines[-1]
    assert all(len(line) <= 40 for line in lines)
    assert bar_chart([], 40, 4) == []


# -- the command line -------------------------------------------------------------------------------


def test_cli_insights_cached_then_fetched_then_json(demo_server: DemoServer) -> None:
    env = env_for(demo_server)
    cold = run_cli("insights", "--stream", SALES.id, "--list", A, "--region", REGION, env=env)
    assert cold.returncode == 0, cold.stderr
    assert "nothing cached yet" in cold.stdout and "--fetch fetches" in cold.stdout
    fetched = run_cli("insights", "--stream", SALES.id, "--list", A, "--region", REGION, "--fetch", env=env)
    assert fetched.returncode == 0, fetched.stderr
    rows = list(data.insights_rows(A))
    want = truth(rows)
    assert f"based on all {len(rows)} rows" in fetched.stdout
    assert f"{want['duplicated']} numbers on more than one row: {want['extra_rows']} extra rows" in fetched.stdout
    as_json = run_cli("insights", "--stream", SALES.id, "--list", A, "--region", REGION, "--json", env=env)
    assert as_json.returncode == 0, as_json.stderr
    figures = json.loads(as_json.stdout)
    assert figures["coverage"] == {"cached": len(rows), "total": len(rows), "complete": True, "share": 1.0}
    assert figures["rows"] == len(rows) and figures["numbers"] == want["numbers"]
    assert figures["duplicates"]["numbers"] == want["duplicated"]
    assert figures["duplicates"]["extraRows"] == want["extra_rows"]
    assert (figures["invalid"]["numbers"], figures["invalid"]["rows"]) == want["invalid"]
    assert (figures["impossible"]["numbers"], figures["impossible"]["rows"]) == want["impossible"]
    assert {c["region"]: c["numbers"] for c in figures["countries"]} == dict(want["countries"])
    assert {d["day"]: d["rows"] for d in figures["created"]} == dict(want["created"])
    assert set(figures) >= {"stream", "list", "region", "rowsWithoutNumber", "valid", "national", "types",
                            "overlap", "updated", "statuses", "notes", "complete"}


# -- the screen ---------------------------------------------------------------------------------------


async def test_screen_figures_and_enter_filters_the_view_to_a_duplicate() -> None:
    from kore_tui.ui.screens.insights import InsightsScreen
    from kore_tui.ui.widgets.contact_view import ContactView
    from tests.scenes import demo_app, settle

    app = demo_app(stream_id=SALES.id, list_id=A, settings=Settings(region=REGION, max_rpm=0),
                   demo_knobs={"latency": 0.0})
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("i")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, InsightsScreen) and screen.insights is not None
        assert not screen.insights.coverage.complete  # only the pages shown were fetched
        await pilot.press("F")
        await settle(pilot)
        assert screen.insights is not None and screen.insights.coverage.complete
        assert_true_figures(screen.insights, list(data.insights_rows(A)), others=False)
        top = screen.insights.top_duplicates[0]
        screen.query_one("#insights-duplicates").focus()
        await pilot.press("enter")
        await settle(pilot)
        view = app.screen.query_one("#list", ContactView)
        assert view.filter_text == top.number and view.matches == top.rows


def test_e164_facts_agree_with_number_facts() -> None:
    """The fast classifier (one type match) says what phonenumbers' public calls say."""
    import random

    rnd = random.Random(17)
    numbers = [f"+{code}{rnd.randrange(10**9, 10**11)}" for code in (1, 7, 44, 33, 49, 61, 91, 262, 590, 599, 800)
               for _ in range(150)]
    numbers += [f"+4420{rnd.randrange(10**8):08d}" for _ in range(500)] + ["+390612345678", "+447624123456"]
    checked = 0
    for e164 in numbers:
        facts = number_facts(e164)
        if facts.e164 != e164:
            continue  # no possible number: never in the cache's e164 column
        checked += 1
        assert e164_facts(e164) == (facts.valid, facts.region, facts.kind), e164
    assert checked > 800
