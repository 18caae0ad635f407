"""The command line: the app (default), export, lists, login/logout/profiles, demo-server.

Every failure ends as one line on stderr and a non-zero exit, never a traceback or a secret.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import getpass
import logging
import math
import os
import signal
import sqlite3
import sys
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn, TextIO

import httpx

from kore_tui import __version__
from kore_tui.api.client import KoreClient
from kore_tui.api.errors import ApiError
from kore_tui.api.models import CAMPAIGN_KINDS, CAMPAIGN_STATUSES
from kore_tui.config import (
    KNOWN_HOSTS,
    ConfigError,
    Profile,
    load_config,
    parse_max_rpm,
    save_config,
    select_profile,
)
from kore_tui.credentials import KeyringUnavailable, delete_secret, load_secret, store_secret
from kore_tui.demo.data import STREAMS
from kore_tui.demo.server import DemoServer
from kore_tui.export import CAMPAIGN_FIELDS, DIRECTORY_FIELDS, FORMATS, RowWriter, export_rows
from kore_tui.api.walk import FetchPage
from kore_tui.files import TargetError, check_target
from kore_tui.views.export import ExportJob, export_to_file
from kore_tui.lookup import DEFAULT_MAX_ROWS, LookupError_, LookupResult
from kore_tui.cache import DIRECTORY, RowCache
from kore_tui.demo.launch import demo_profile, start_demo
from kore_tui.sources import CacheLostRows, ViewSource
from kore_tui.session import Session, Settings, exposure_warning, log_path, open_cache, setup_logging
from kore_tui.phones import normal_region
from kore_tui.text import clean, json_text
from kore_tui.views.format import age, plural
from kore_tui.views.campaigns import OUTCOME_FIELDS, campaign_columns, campaign_to_json, campaigns_with_lists
from kore_tui.views.contacts import ContactsModel
from kore_tui.views.lookup import lookup_report

EXIT_ERROR = 1
ENV_DEMO_SECRET = "KORE_DEMO_SECRET"  # the secret `kore-tui demo-server` accepts (default: random)
EXIT_USAGE = 2


log = logging.getLogger("kore_tui.cli")


class CliError(Exception):
    """A failure to report as one line."""


class Interrupted(CliError):
    """Ctrl+C (or SIGTERM) during a command that has something to say about it."""


def seconds(value: str) -> float:
    """An argparse type: a finite number of seconds above 0."""
    try:
        number = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {value!r}") from None
    if not math.isfinite(number) or number <= 0:
        raise argparse.ArgumentTypeError(f"must be a number of seconds above 0, not {value!r}")
    return number


class _Parser(argparse.ArgumentParser):
    """Usage errors as one line (the usage itself is one `--help` away)."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"{self.prog}: {clean(message)} (see {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    common = _Parser(add_help=False)
    # SUPPRESS: a value given before the subcommand is not reset by the subcommand's default.
    common.add_argument("--profile", default=argparse.SUPPRESS, help="profile name (default: KORE_PROFILE or the default profile)")
    common.add_argument("--demo", action="store_true", default=argparse.SUPPRESS, help="use a built-in local demo server; no account needed")
    common.add_argument("--max-rpm", default=argparse.SUPPRESS, metavar="N", help="request budget per minute (default 60, KORE_MAX_RPM; 0 = off)")
    common.add_argument("--timeout", type=seconds, default=argparse.SUPPRESS, metavar="SECONDS", help="per-request timeout (default 30)")
    common.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help="log at debug level")
    common.add_argument("--region", default=argparse.SUPPRESS, metavar="CC",
                        help="where numbers without a country code are (ISO code, e.g. US, IN; "
                             "default: the profile's region, KORE_REGION)")
    common.add_argument("--no-cache", action="store_true", default=argparse.SUPPRESS,
                        help="keep fetched rows in memory only, not in the local cache")

    parser = _Parser(
        prog="kore-tui", parents=[common],
        description="Browse Kore.ai contact-center contacts and contact lists in the terminal.",
    )
    parser.add_argument("--version", action="version", version=f"kore-tui {__version__}")
    parser.add_argument("--stream", help="open this stream (its contacts directory, or --list)")
    parser.add_argument("--list", dest="list_id", help="open this contact list of --stream")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    export = sub.add_parser("export", parents=[common], help="write all rows of a view to CSV or JSON Lines")
    export.add_argument("what", choices=("contacts", "list", "outcomes"),
                        help="contacts: the stream's directory; list: a contact list; outcomes: a campaign's "
                             "per-number dialing outcomes")
    export.add_argument("--stream", required=True)
    export.add_argument("--list", dest="list_id")
    export.add_argument("--campaign", dest="campaign_id", help="the campaign of `export outcomes`")
    export.add_argument("--format", choices=FORMATS, default="csv")
    export.add_argument("-o", "--output", metavar="FILE",
                        help="write here, all or nothing (default: stdout); an existing FILE is kept unless --force")
    export.add_argument("--force", action="store_true", help="replace an existing --output file")
    export.add_argument("--keep-partial", action="store_true",
                        help="on an error or Ctrl+C, keep the rows written so far as FILE.partial")
    export.add_argument("--csv-raw", action="store_true",
                        help="CSV: leave values that a spreadsheet would run as formulas as they are")
    export.add_argument("--filter", metavar="TEXT",
                        help="only the rows matching TEXT, as / does in the app (a phone number in any written "
                             "form, or any text); the view is first completed in the local cache")
    export.add_argument("--page-size", type=int, default=100, help="rows asked per request (the server may cap it)")
    export.add_argument("--concurrency", type=int, default=4, help="pages fetched ahead at once")

    lists = sub.add_parser("lists", parents=[common], help="print the stream's contact lists")
    lists.add_argument("--stream", required=True)

    campaigns = sub.add_parser("campaigns", parents=[common],
                               help="print the stream's campaigns: id, type, status, name, lists, do-not-call list")
    campaigns.add_argument("--stream", required=True)
    campaigns.add_argument("--type", dest="kind", choices=CAMPAIGN_KINDS, help="only voice or only SMS campaigns")
    campaigns.add_argument("--status", dest="statuses", action="append", metavar="STATUS",
                           help="only campaigns in this status (repeatable): Active, Completed, Ready, Paused, "
                                "Preparing, Stopped, Scheduled, Rescheduled")
    campaigns.add_argument("--json", action="store_true", help="print the campaigns as JSON")

    find = sub.add_parser("find", parents=[common], help="find a phone number in the stream's directory and lists")
    find.add_argument("phone", help="the number, as you would dial it (with --region, national forms too)")
    find.add_argument("--stream", required=True)
    find.add_argument("--list", dest="lists", action="append", metavar="LIST_ID", help="search only this list (repeatable)")
    find.add_argument("--refresh", action="store_true", help="fetch everything again, ignoring the cache")
    find.add_argument("--max-rows", type=int, default=DEFAULT_MAX_ROWS, help="skip lists larger than this")
    find.add_argument("--json", action="store_true", help="print the answer as JSON")

    cache = sub.add_parser("cache", parents=[common], help="the local cache of fetched rows")
    cache.add_argument("action", choices=("info", "clear"))

    sub.add_parser("profiles", parents=[common], help="list the configured profiles")
    sub.add_parser("keys", parents=[common], help="list the app's key bindings: id, keys (after [keymap] in config.toml), what they do")
    sub.add_parser("login", parents=[common], help="create or update a profile; the secret goes to the OS keyring")
    sub.add_parser("logout", parents=[common], help="remove a profile's secret from the OS keyring")

    demo = sub.add_parser(
        "demo-server", help="run the local demo server until interrupted",
        description=f"Run the local demo server until interrupted. The client secret it accepts comes from "
                    f"{ENV_DEMO_SECRET} (never the command line: others can read that); without it, a random one.")
    demo.add_argument("--port", type=int, default=8765)
    demo.add_argument("--host", default="127.0.0.1")
    demo.add_argument("--latency", type=float, default=0.0, help="seconds added to every answer")
    demo.add_argument("--page-cap", type=int, default=100, help="largest page the server serves")
    demo.add_argument("--budget", type=int, default=0, help="requests per minute before 429 (0 = none)")
    return parser


@dataclass
class Options:
    profile: str | None
    demo: bool
    settings: Settings
    debug: bool
    no_cache: bool = False


def _region(value: str | None) -> str | None:
    if value is None:
        return None
    if normal_region(value) is None:
        raise CliError(f"--region takes an ISO country code such as US, IN or GB, not {value!r}")
    return normal_region(value)


def _options(args: argparse.Namespace) -> Options:
    max_rpm = getattr(args, "max_rpm", None)
    return Options(
        profile=getattr(args, "profile", None),
        demo=getattr(args, "demo", False),
        settings=Settings(
            max_rpm=parse_max_rpm(max_rpm) if max_rpm is not None else None,
            timeout=getattr(args, "timeout", 30.0),
            region=_region(getattr(args, "region", None)),
        ),
        debug=getattr(args, "debug", False),
        no_cache=getattr(args, "no_cache", False),
    )


def main(argv: Sequence[str] | None = None) -> int:
    # Text that cannot be encoded (a lone surrogate from argv) is replaced, never a traceback.
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(AttributeError, ValueError):
            stream.reconfigure(errors="replace")  # type: ignore[union-attr]
    parser = build_parser()
    args = parser.parse_args(argv)
    # SIGTERM and SIGHUP end a command as Ctrl+C does: temp files removed, one line said.
    previous = {sig: signal.signal(sig, _interrupt) for sig in (signal.SIGTERM, signal.SIGHUP)}
    try:
        return _run(parser, args)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _interrupt(signum: int, frame: object) -> None:
    # As SIGINT: asyncio.run then cancels the command's task, so its clean-up runs.
    signal.raise_signal(signal.SIGINT)


def _run(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    try:
        options = _options(args)
        setup_logging(options.debug)
        command = args.command
        if command is None:
            return run_app(args, options)
        if command == "demo-server":
            return run_demo_server(args)
        if command == "profiles":
            return cmd_profiles()
        if command == "keys":
            return cmd_keys()
        if command == "login":
            return cmd_login(options)
        if command == "logout":
            return cmd_logout(options)
        if command == "lists":
            return asyncio.run(cmd_lists(args, options))
        if command == "campaigns":
            return asyncio.run(cmd_campaigns(args, options))
        if command == "export":
            return asyncio.run(cmd_export(args, options))
        if command == "find":
            return asyncio.run(cmd_find(args, options))
        if command == "cache":
            return cmd_cache(args, options)
        parser.error(f"unknown command {command}")
    except KeyboardInterrupt:
        print("kore-tui: interrupted", file=sys.stderr)
        return 130
    except Interrupted as exc:
        _fail(str(exc))
        return 130
    except BrokenPipeError:
        # The reader (e.g. `| head`) left; say nothing more to a closed pipe.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except (CliError, ConfigError, KeyringUnavailable, LookupError_, TargetError) as exc:
        _fail(str(exc))
    except ApiError as exc:
        _fail(f"{exc.kind}: {exc}")
    except OSError as exc:
        _fail(f"{exc.strerror or exc}{': ' + str(exc.filename) if exc.filename else ''}")
    except sqlite3.Error as exc:
        _fail(f"the local cache failed: {exc} (kore-tui cache clear, or --no-cache)")
    except RecursionError:
        _fail("the server's answer is nested too deeply to read")
    except httpx.InvalidURL as exc:
        _fail(f"cannot make a request URL: {exc}")
    except Exception as exc:  # the last resort: one line here, the whole traceback in the log
        log.exception("unexpected error")
        _fail(f"unexpected error: {type(exc).__name__}: {str(exc)[:200]} (details in {log_path()})")
    return EXIT_ERROR


def _fail(message: str) -> None:
    # Errors quote the server: its escape sequences and line breaks must not reach the terminal.
    print(f"kore-tui: {clean(message)}", file=sys.stderr)


@contextlib.contextmanager
def connected(options: Options) -> Iterator[tuple[Profile, str]]:
    """The profile and secret to use: the demo server's, or the configured ones."""
    if options.demo:
        server = start_demo()
        try:
            yield demo_profile(server), server.secret
        finally:
            server.stop()
        return
    config = load_config()
    if warning := exposure_warning(config.path):
        print(f"kore-tui: warning: {clean(warning)}", file=sys.stderr)
    profile = select_profile(config, options.profile)
    if profile is None:
        raise CliError("no profile is configured: run `kore-tui login`, set KORE_HOST, KORE_ACCOUNT_ID, "
                       "KORE_CLIENT_ID and KORE_CLIENT_SECRET, or try `kore-tui --demo`")
    if missing := profile.missing():
        raise CliError(f"profile {profile.name!r} lacks {', '.join(missing)}: run `kore-tui login --profile {profile.name}`")
    secret = load_secret(profile.name)
    if not secret:
        raise CliError(f"no client secret for profile {profile.name!r}: run `kore-tui login --profile {profile.name}` "
                       "or set KORE_CLIENT_SECRET")
    yield profile, secret


@contextlib.asynccontextmanager
async def session_for(options: Options, cache: RowCache | None = None) -> AsyncIterator[Session]:
    """A Session of the profile to use (see :func:`connected`), closed afterwards; rows stay in
    memory unless a ``cache`` is given."""
    with connected(options) as (profile, secret):
        session = Session.open(profile, secret, cache or RowCache(persist=False), settings=options.settings)
        if sys.stderr.isatty():
            session.client.on_budget_wait = _budget_waiting
        try:
            yield session
        finally:
            await session.aclose()


async def cmd_lists(args: argparse.Namespace, options: Options) -> int:
    async with session_for(options) as session:
        lists = await session.client.contact_lists(args.stream)
    if not lists:
        print(f"stream {clean(args.stream)} has no contact lists")
        return 0
    width = max(len(lst.id) for lst in lists)
    for lst in lists:
        count = "?" if lst.total_record_count is None else f"{lst.total_record_count:,}"
        print(f"{clean(lst.id):<{width}}  {count:>10}  {clean(lst.status or '-'):<8}  {clean(lst.name or '')}")
    return 0


async def cmd_export(args: argparse.Namespace, options: Options) -> int:
    if args.what == "list" and not args.list_id:
        raise CliError("export list needs --list LIST_ID (see `kore-tui lists --stream S`)")
    if args.what == "outcomes" and not args.campaign_id:
        raise CliError("export outcomes needs --campaign CAMPAIGN_ID (see `kore-tui campaigns --stream S`)")
    if args.page_size < 1 or args.concurrency < 1:
        raise CliError("--page-size and --concurrency must be at least 1")
    target = Path(args.output) if args.output and args.output != "-" else None
    if target is not None:
        check_target(target, force=args.force)  # before any request: a refusal costs nothing
    cache = _command_cache(options) if args.filter else None
    async with session_for(options, cache) as session:
        source: ViewSource
        if args.what == "outcomes":
            source = session.outcomes_source(args.stream, args.campaign_id)
        else:
            source = session.source(args.stream, args.list_id if args.what == "list" else DIRECTORY)
        # Straight from the server: an export is a fresh copy, and rows it fetches stay in memory.
        fetch: FetchPage = source.client_fetch
        if args.filter:
            fetch = await _filtered_fetch(session, source, args.filter, args.page_size)
        fields = (OUTCOME_FIELDS if args.what == "outcomes" else DIRECTORY_FIELDS if source.is_directory
                  else CAMPAIGN_FIELDS)
        if target is None:
            writer = RowWriter(sys.stdout, args.format, fields, csv_raw=args.csv_raw, for_terminal=sys.stdout.isatty())
            await _export(fetch, writer, args, where="")
        else:
            await _export_to_file(fetch, fields, target, args)
    return 0


def _command_cache(options: Options) -> RowCache:
    """The local cache for a command that searches rows (or memory with --no-cache)."""
    cache = open_cache(enabled=not options.no_cache and (options.demo or load_config().cache))
    if cache.problem:
        print(f"kore-tui: warning: {clean(cache.problem)}", file=sys.stderr)
    return cache


async def _filtered_fetch(session: Session, source: ViewSource, text: str, page_size: int) -> FetchPage:
    """The view completed in the cache (only what is missing or stale is fetched), then the rows
    matching ``text`` read from it page by page."""
    progress = _ProgressLine(sys.stderr) if sys.stderr.isatty() else None
    try:
        await source.complete(page_size=page_size, on_page=(lambda page: progress(page.end, page.total_results,
                                                                                   "caching the view: "))
                              if progress else None)
    except CacheLostRows as exc:
        raise CliError(str(exc)) from None
    finally:
        if progress:
            progress.done()
    model = ContactsModel(source)
    model.filter_text, model.region = text, session.region
    return model.query_fetch()


async def _export(fetch: Callable[[int, int], Any], writer: RowWriter, args: argparse.Namespace, where: str) -> None:
    """Every row through ``writer``; an error says how many rows were written before it."""
    progress = _ProgressLine(sys.stderr) if sys.stderr.isatty() else None
    try:
        await export_rows(fetch, writer, page_size=args.page_size, concurrency=args.concurrency,
                          on_progress=progress)
    except ApiError as exc:
        raise CliError(f"{exc.kind}: {exc} ({writer.rows:,} rows written{where} before the error)") from None
    finally:
        if progress:
            progress.done()


async def _export_to_file(fetch: FetchPage, fields: Sequence[str], path: Path, args: argparse.Namespace) -> None:
    """All or nothing: the rows go to a temp file renamed to ``path`` once every row is in."""
    job = ExportJob(path, fmt=args.format, force=args.force, keep_partial=args.keep_partial, csv_raw=args.csv_raw)
    progress = _ProgressLine(sys.stderr) if sys.stderr.isatty() else None
    try:
        await export_to_file(job, fields, fetch=fetch, page_size=args.page_size, concurrency=args.concurrency,
                             on_progress=progress)
    except (KeyboardInterrupt, asyncio.CancelledError):
        raise Interrupted(f"interrupted: {job.outcome()}") from None
    except ApiError as exc:
        raise CliError(f"{exc.kind}: {exc} ({job.outcome()})") from None
    except TargetError as exc:
        raise CliError(f"{exc} ({job.outcome()})") from None
    except OSError as exc:
        raise CliError(f"{exc.strerror or exc}: {job.outcome()}") from None
    finally:
        if progress:
            progress.done()
    print(f"{job.rows:,} rows written to {clean(str(path))}", file=sys.stderr)


class _ProgressLine:
    """A one-line progress bar on a terminal's stderr; it also says when the next request waits
    for the request budget (see :func:`_budget_waiting`)."""

    active: _ProgressLine | None = None  # the line being drawn now

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.text = ""
        _ProgressLine.active = self

    def __call__(self, rows: int, total: int | None, label: str = "") -> None:
        if total:
            share = min(1.0, rows / total)
            bar = "#" * int(share * 30)
            self.text = f"{clean(label)}[{bar:<30}] {rows:,} / {total:,} rows ({share:.0%})"
        else:
            self.text = f"{clean(label)}{rows:,} rows"
        self.stream.write(f"\r\x1b[K{self.text}")
        self.stream.flush()

    def waiting(self, seconds: float) -> None:
        lead = f"{self.text} · " if self.text else ""
        self.stream.write(f"\r\x1b[K{lead}waiting for the request budget ({math.ceil(seconds)} s)")
        self.stream.flush()

    def done(self) -> None:
        self.stream.write("\n")
        if _ProgressLine.active is self:
            _ProgressLine.active = None


def _budget_waiting(seconds: float) -> None:
    """The client's ``on_budget_wait`` on a terminal: said on the progress line, if one is shown."""
    if _ProgressLine.active is not None:
        _ProgressLine.active.waiting(seconds)


async def cmd_find(args: argparse.Namespace, options: Options) -> int:
    cache = _command_cache(options)
    progress = _ProgressLine(sys.stderr) if sys.stderr.isatty() and not args.json else None
    try:
        async with session_for(options, cache) as session:
            result = await session.find_phone(
                args.stream, args.phone, refresh=args.refresh, max_rows=args.max_rows, only_lists=args.lists,
                on_progress=(lambda name, rows, total: progress(rows, total, f"{clean(name)}: ")) if progress else None,
            )
    finally:
        if progress:
            progress.done()
        cache.close()
    if args.json:
        print(json_text(result.to_json(), indent=2))
    else:
        print(describe_lookup(result))
    return 0


async def cmd_campaigns(args: argparse.Namespace, options: Options) -> int:
    """The stream's campaigns, one line each: id, type, status, name, lists, do-not-call list."""
    kinds = (args.kind,) if args.kind else CAMPAIGN_KINDS
    known = {status.casefold(): status for status in CAMPAIGN_STATUSES}
    args.statuses = [known.get(status.strip().casefold(), status.strip()) for status in args.statuses or ()]
    async with session_for(options) as session:
        # Straight from the server (like `lists`), with the status filter sent to it.
        links = await campaigns_with_lists(session, args.stream, kinds=kinds, statuses=args.statuses or ())
    if args.json:
        print(json_text([campaign_to_json(link) for link in links], indent=2))
        return 0
    if not links:
        which = f" {args.kind}" if args.kind else ""
        status = f" in status {', '.join(args.statuses)}" if args.statuses else ""
        print(clean(f"stream {args.stream} has no{which} campaigns{status}"))
        return 0
    rows = [tuple(clean(v) for v in campaign_columns(link)) for link in links]
    widths = [min(40, max(len(row[i]) for row in rows)) for i in range(4)]
    for cid, kind, status, name, lists, dnc in rows:
        print(f"{cid:<{widths[0]}}  {kind:<{widths[1]}}  {status:<{widths[2]}}  {name:<{widths[3]}}  "
              f"lists: {lists}  do-not-call: {dnc}")
    return 0


def describe_lookup(result: LookupResult, now: float | None = None) -> str:
    """The lookup's answer as lines a person reads."""
    report = lookup_report(result, now)
    lines = [f"{clean(report.heading)}:"]
    lines += [f"  directory: {clean(line.text)}" for line in report.directory]
    lines.append(f"  {report.lists_summary}" + (":" if report.lists else ""))
    lines += [f"    {clean(line.text)}" for line in report.lists]
    if report.campaigns_summary:
        lines.append(f"  {clean(report.campaigns_summary)}" + (":" if report.campaigns else ""))
        lines += [f"    {clean(line.text)}" for line in report.campaigns]
    if report.dnc:
        lines.append("  do-not-call:")
        lines += [f"    {clean(line.text)}" for line in report.dnc]
    lines.append("  searched:")
    lines += [f"    {clean(line.text)}" for line in report.searched]
    lines.append(f"  requests sent: {report.requests}")
    return "\n".join(lines)


def cmd_cache(args: argparse.Namespace, options: Options) -> int:
    cache = open_cache(enabled=True)
    try:
        if args.action == "clear":
            removed = cache.clear(options.profile)
            whose = f" of profile {options.profile!r}" if options.profile else ""
            print(clean(f"removed {removed:,} cached rows{whose} from {cache.path}"))
            return 0
        views = cache.info()
        print(f"cache: {clean(str(cache.path))}")
        if not views:
            print("  empty")
        now = time.time()
        for profile, stream, list_id, rows, oldest, _newest in views:
            if options.profile and profile != options.profile:
                continue
            oldest_age = "" if oldest is None else f", oldest fetched {age(now - oldest)}"
            print(f"  {clean(profile)} / {clean(stream)} / {clean(list_id or 'directory')}: {plural(rows, 'row')}{oldest_age}")
    finally:
        cache.close()
    return 0


def cmd_keys() -> int:
    """Every key binding of the app, one line each sorted by id: id, keys, description."""
    from kore_tui.ui.keys import all_bindings, check_keymap  # Textual loads only for this command

    keymap = load_config().keymap
    for problem in check_keymap(keymap)[1]:
        print(f"kore-tui: warning: keymap in config.toml: {clean(problem)} (the default keys are listed)", file=sys.stderr)
    rows = [tuple(clean(value) for value in row) for row in all_bindings(keymap)]
    id_width = max(len(row[0]) for row in rows)
    keys_width = max(len(row[1]) for row in rows)
    for binding_id, keys, description in rows:
        print(f"{binding_id:<{id_width}}  {keys:<{keys_width}}  {description}".rstrip())
    return 0


def cmd_profiles() -> int:
    config = load_config()
    if not config.profiles:
        print("no profiles; run `kore-tui login`")
        return 0
    for name, profile in config.profiles.items():
        mark = "*" if name == config.default_profile else " "
        print(clean(f"{mark} {name}: {profile.host}  account {profile.account_id}  client {profile.client_id}  "
                    f"streams {', '.join(s.id for s in profile.streams) or '-'}"))
    return 0


def cmd_login(options: Options) -> int:
    if not sys.stdin.isatty():
        raise CliError("login asks questions: run it in a terminal")
    config = load_config()
    name = options.profile or config.default_profile or "default"
    profile = config.profiles.get(name) or Profile(name=name)
    print(f"Profile {clean(name)!r}. Known hosts: " + ", ".join(f"{h} ({where})" for h, where in KNOWN_HOSTS))
    profile.host = _ask("Host", profile.host or KNOWN_HOSTS[0][0])
    profile.account_id = _ask("Account id", profile.account_id)
    profile.client_id = _ask("Client id", profile.client_id)
    profile.app_id = _ask("App id (iid; empty = the stream id)", profile.app_id, required=False)
    streams = _ask("Stream ids, comma-separated", ",".join(s.id for s in profile.streams), required=False)
    for stream_id in filter(None, (s.strip() for s in streams.split(","))):
        profile.touch_stream(stream_id)
    secret = getpass.getpass("Client secret (not shown): ")
    config.profiles[name] = profile
    config.default_profile = config.default_profile or name
    path = save_config(config)
    print(f"saved profile {clean(name)!r} to {clean(str(path))}")
    if secret:
        try:
            store_secret(name, secret)
            print("secret stored in the OS keyring")
        except KeyringUnavailable as exc:
            print(f"kore-tui: {exc}", file=sys.stderr)
            return EXIT_ERROR
    return 0


def _ask(label: str, current: str, required: bool = True) -> str:
    while True:
        answer = input(f"{label} [{clean(current)}]: ").strip() if current else input(f"{label}: ").strip()
        value = answer or current
        if value or not required:
            return value
        print(f"{label} is required")


def cmd_logout(options: Options) -> int:
    config = load_config()
    name = options.profile or config.default_profile or "default"
    removed = delete_secret(name)
    print(clean(f"removed the secret of profile {name!r}" if removed else f"profile {name!r} had no stored secret"))
    return 0


def run_demo_server(args: argparse.Namespace) -> int:
    secret = os.environ.pop(ENV_DEMO_SECRET, None) or None  # taken out: no child process inherits it
    server = DemoServer(host=args.host, port=args.port, latency=args.latency, page_cap=args.page_cap,
                        budget=args.budget, secret=secret)
    server.start()
    print(f"kore-tui demo server on {server.url}")
    print(f"  KORE_HOST={server.url}")
    print(f"  KORE_ACCOUNT_ID={server.account_id}")
    print(f"  KORE_CLIENT_ID={server.client_id}")
    print(f"  KORE_CLIENT_SECRET={server.secret}")
    print("  streams: " + ", ".join(s.id for s in STREAMS))
    print("Ctrl+C stops it.", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    return 0


def run_app(args: argparse.Namespace, options: Options) -> int:
    if args.list_id and not args.stream:
        raise CliError("--list needs --stream")
    from kore_tui.ui.app import KoreTuiApp  # Textual loads only for the app

    app = KoreTuiApp(
        profile_name=options.profile,
        demo=options.demo,
        settings=options.settings,
        stream_id=args.stream,
        list_id=args.list_id,
        no_cache=options.no_cache,
    )
    app.run()
    return app.return_code or 0


if __name__ == "__main__":
    raise SystemExit(main())
