"""The command line: the app (default), lists, find, export, campaigns, keys, cache, profiles,
login/logout, completion, demo-server.

Options go before or after the command (``kore-tui --demo lists --stream S`` is ``kore-tui lists
--demo --stream S``). Every failure ends as one line on stderr, never a traceback or a secret.
Exit status: 0 done; 1 ``find`` found the number nowhere; 2 an error or a usage error; 130
interrupted.

A command imports what it uses and no more: ``--version``, ``--help``, ``profiles``, ``keys``,
``completion`` and ``cache info`` start without httpx, PyJWT, keyring or phonenumbers, and only
the app and ``keys`` load Textual (bench/bench_startup.py times it). Rich (progress bars and
tables, on a terminal only) is imported where it draws.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import signal
import sys
import time
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TextIO

from kore_tui import __version__
from kore_tui.text import clean, json_text

if TYPE_CHECKING:
    from kore_tui.api.pacing import RequestBudget, SharedBudget
    from kore_tui.api.walk import FetchPage
    from kore_tui.cache import RowCache
    from kore_tui.config import Profile
    from kore_tui.export import RowWriter
    from kore_tui.lookup import LookupResult
    from kore_tui.session import Session, Settings
    from kore_tui.sources import ViewSource

EXIT_OK = 0
EXIT_NOT_FOUND = 1  # `find`: the number is nowhere searched (as grep says "no match")
EXIT_ERROR = 2
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130
ENV_DEMO_SECRET = "KORE_DEMO_SECRET"  # the secret `kore-tui demo-server` accepts (default: random)

# The parser's choices, written out so that `--help` loads no model (tests/test_cli_conventions.py
# checks that they are the models' own).
CAMPAIGN_KINDS = ("voice", "sms")
CAMPAIGN_STATUSES = ("Active", "Completed", "Ready", "Paused", "Preparing", "Stopped", "Scheduled", "Rescheduled")
FORMATS = ("csv", "jsonl")
DEFAULT_MAX_ROWS = 20_000
SHELLS = ("bash", "zsh", "fish")


log = logging.getLogger("kore_tui.cli")


class CliError(Exception):
    """A failure to report as one line."""


class Interrupted(CliError):
    """Ctrl+C (or SIGTERM) during a command that has something to say about it."""


def seconds(value: str) -> float:
    """An argparse type: a finite number of seconds above 0."""
    import math

    try:
        number = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {value!r}") from None
    if not math.isfinite(number) or number <= 0:
        raise argparse.ArgumentTypeError(f"must be a number of seconds above 0, not {value!r}")
    return number


class _Parser(argparse.ArgumentParser):
    """Usage errors as one line that names the command's own help (``kore-tui export --help``),
    exit status 2."""

    is_command = False  # a subcommand's parser (`kore-tui export`), not the top one
    commands: dict[str, _Parser]  # the top parser's subcommands, by name

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"{self.prog}: {clean(message)} (see {self.prog} --help)\n")

    def parse_known_args(self, args: Any = None, namespace: Any = None) -> Any:
        parsed, extras = super().parse_known_args(args, namespace)
        if extras and self.is_command:
            # A command is handed every argument after its name: one it does not know is known
            # nowhere, and its usage is the one to point at.
            self.error(f"unrecognized arguments: {' '.join(extras)}")
        return parsed, extras


def build_parser() -> _Parser:
    common = _Parser(add_help=False)
    # SUPPRESS: a value given before the command is not reset by the command's default.
    common.add_argument("--profile", default=argparse.SUPPRESS, metavar="NAME",
                        help="profile name (default: KORE_PROFILE or the default profile)")
    common.add_argument("--demo", action="store_true", default=argparse.SUPPRESS,
                        help="use a built-in local demo server; no account needed")
    common.add_argument("--max-rpm", default=argparse.SUPPRESS, metavar="N",
                        help="request budget per minute (default 60, KORE_MAX_RPM; 0 = off)")
    common.add_argument("--timeout", type=seconds, default=argparse.SUPPRESS, metavar="SECONDS",
                        help="per-request timeout (default 30)")
    common.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help="log at debug level")
    common.add_argument("--region", default=argparse.SUPPRESS, metavar="CC",
                        help="where numbers without a country code are (ISO code, e.g. US, IN; "
                             "default: the profile's region, KORE_REGION)")
    common.add_argument("--no-cache", action="store_true", default=argparse.SUPPRESS,
                        help="keep fetched rows in memory only, not in the local cache")

    parser = _Parser(
        prog="kore-tui", parents=[common],
        description="Browse Kore.ai contact-center contacts and contact lists in the terminal. "
                    "Options go before or after the command.",
        epilog="Exit status: 0 done, 1 `find` found nothing, 2 an error, 130 interrupted. "
               "Try it without an account: kore-tui --demo lists --stream st-demo-sales",
    )
    parser.add_argument("--version", action="version", version=f"kore-tui {__version__}")
    parser.add_argument("--stream", metavar="STREAM_ID",
                        help="the stream: the app opens its contacts directory (or --list); the commands "
                             "that take --stream work on it")
    parser.add_argument("--list", dest="list_ids", action="append", metavar="LIST_ID",
                        help="a contact list of --stream: the app opens it; export list writes it; "
                             "find searches only it (repeatable)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser,
                                help="what to do (without one: open the app); kore-tui COMMAND --help says more")
    parser.commands = {}

    def command(name: str, help: str, *, shared: bool = True, **kwargs: Any) -> _Parser:
        made: _Parser = sub.add_parser(name, parents=[common] if shared else [], help=help,
                                       description=kwargs.pop("description", help[:1].upper() + help[1:] + "."),
                                       **kwargs)
        made.is_command = True
        parser.commands[name] = made
        return made

    def stream_option(where: _Parser, what: str) -> None:
        where.add_argument("--stream", default=argparse.SUPPRESS, metavar="STREAM_ID",
                           help=f"{what} (required; before or after the command)")

    export = command("export", "write all rows of a view to CSV or JSON Lines")
    export.add_argument("what", nargs="?", choices=("contacts", "list", "outcomes"),
                        help="contacts: the stream's directory; list: a contact list; outcomes: a campaign's "
                             "per-number dialing outcomes")
    stream_option(export, "the stream to export from")
    export.add_argument("--list", dest="more_list_ids", action="append", default=argparse.SUPPRESS,
                        metavar="LIST_ID", help="the contact list of `export list`")
    export.add_argument("--campaign", dest="campaign_id", metavar="CAMPAIGN_ID",
                        help="the campaign of `export outcomes`")
    export.add_argument("--format", choices=FORMATS, default="csv", help="csv (the default) or jsonl")
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
    export.add_argument("--page-size", type=int, default=100, metavar="N",
                        help="rows asked per request (the server may cap it)")
    export.add_argument("--concurrency", type=int, default=4, metavar="N", help="pages fetched ahead at once")

    lists = command("lists", "print the stream's contact lists: id, rows, status, name")
    stream_option(lists, "the stream whose lists to print")

    campaigns = command("campaigns", "print the stream's campaigns: id, type, status, name, lists, do-not-call list")
    stream_option(campaigns, "the stream whose campaigns to print")
    campaigns.add_argument("--type", dest="kind", choices=CAMPAIGN_KINDS, help="only voice or only SMS campaigns")
    campaigns.add_argument("--status", dest="statuses", action="append", metavar="STATUS",
                           help="only campaigns in this status (repeatable): Active, Completed, Ready, Paused, "
                                "Preparing, Stopped, Scheduled, Rescheduled")
    campaigns.add_argument("--json", action="store_true", help="print the campaigns as JSON")

    from kore_tui.cli_insights import add_parser as add_insights_parser

    add_insights_parser(sub, common)

    find = command("find", "find a phone number in the stream's directory, lists and campaigns",
                   description="Find a phone number in the stream's directory, lists and campaigns. "
                               "Exit status: 0 found, 1 not found, 2 an error.")
    find.add_argument("phone", help="the number, as you would dial it (with --region, national forms too)")
    stream_option(find, "the stream to search")
    find.add_argument("--list", dest="more_list_ids", action="append", default=argparse.SUPPRESS,
                      metavar="LIST_ID", help="search only this list (repeatable)")
    find.add_argument("--refresh", action="store_true", help="fetch everything again, ignoring the cache")
    find.add_argument("--max-rows", type=int, default=DEFAULT_MAX_ROWS, metavar="N",
                      help=f"skip lists larger than this (default {DEFAULT_MAX_ROWS:,})")
    find.add_argument("--json", action="store_true", help="print the answer as JSON")

    cache = command("cache", "the local cache of fetched rows: info, or clear")
    cache.add_argument("action", nargs="?", choices=("info", "clear"),
                       help="info: what is cached; clear: remove it (with --profile, that profile's rows only)")

    profiles = command("profiles", "list the configured profiles")
    profiles.add_argument("--names", action="store_true", help="only the names, one a line (for shell completion)")
    command("keys", "list the app's key bindings: id, keys (after [keymap] in config.toml), what they do")
    command("login", "create or update a profile; the secret goes to the OS keyring")
    command("logout", "remove a profile's secret from the OS keyring")
    completion = command(
        "completion", "print a shell completion script", shared=False,
        description="Print a completion script for bash, zsh or fish: commands, options and profile names. "
                    "bash: kore-tui completion bash > ~/.local/share/bash-completion/completions/kore-tui; "
                    "zsh: kore-tui completion zsh > \"${fpath[1]}/_kore-tui\"; "
                    "fish: kore-tui completion fish > ~/.config/fish/completions/kore-tui.fish")
    completion.add_argument("shell", choices=SHELLS, help="the shell: bash, zsh or fish")

    demo = command(
        "demo-server", "run the local demo server until interrupted", shared=False,
        description=f"Run the local demo server until interrupted. The client secret it accepts comes from "
                    f"{ENV_DEMO_SECRET} (never the command line: others can read that); without it, a random one.")
    demo.add_argument("--port", type=int, default=8765, help="port to listen on (default 8765; 0 = any free one)")
    demo.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    demo.add_argument("--latency", type=float, default=0.0, metavar="SECONDS", help="seconds added to every answer")
    demo.add_argument("--page-cap", type=int, default=100, metavar="N", help="largest page the server serves")
    demo.add_argument("--budget", type=int, default=0, metavar="N", help="requests per minute before 429 (0 = none)")

    for name, made in sub.choices.items():  # every command, those added elsewhere too (cli_insights)
        made.is_command = True
        parser.commands.setdefault(name, made)
        stream = _option(made, "--stream")
        if stream is not None:  # also before the command: required is checked in check_arguments
            stream.required, stream.default = False, argparse.SUPPRESS
            stream.help = stream.help or "the stream (required; before or after the command)"
    return parser


def _option(parser: argparse.ArgumentParser, option: str) -> argparse.Action | None:
    return next((action for action in parser._actions if option in action.option_strings), None)


def check_arguments(parser: _Parser, args: argparse.Namespace) -> None:
    """What argparse cannot say: options given before the command are checked against it, and a
    command's required parts are named in its own usage error."""
    command = args.command
    where = parser.commands.get(command, parser) if command else parser
    before = list(getattr(args, "list_ids", None) or ())
    args.list_ids = [*before, *getattr(args, "more_list_ids", ())]
    shown = command or "the app"
    if command == "export" and args.what is None:
        where.error("what to export? contacts, list or outcomes, as in: kore-tui export list --stream S --list L")
    takes_stream = command is None or _option(where, "--stream") is not None
    takes_list = _option(where, "--list") if command else None
    if not takes_stream and args.stream is not None:
        where.error(f"{shown} takes no --stream")
    if command and takes_list is None and before:
        where.error(f"{shown} takes no --list")
    if command and takes_stream and not args.stream:
        where.error("needs --stream STREAM_ID, before or after the command")
    if takes_list is not None and takes_list.dest != "more_list_ids" and before:
        # A command that keeps its one --list under its own name: one given before it counts too.
        if getattr(args, takes_list.dest, None) is None:
            setattr(args, takes_list.dest, before[0])
        args.list_ids = [getattr(args, takes_list.dest), *before[1:]]
    one_list = command in (None, "export") or (takes_list is not None and takes_list.dest != "more_list_ids")
    if one_list and len(args.list_ids) > 1:
        where.error(f"{shown} takes one --list")
    if command is None and args.list_ids and not args.stream:
        where.error("--list needs --stream")
    if command == "export" and args.what == "list" and not args.list_ids:
        where.error("export list needs --list LIST_ID (kore-tui lists --stream S shows them)")
    if command == "export" and args.what == "outcomes" and not args.campaign_id:
        where.error("export outcomes needs --campaign CAMPAIGN_ID (kore-tui campaigns --stream S shows them)")
    if command == "cache" and args.action is None:
        where.error("cache info, or cache clear")


@dataclass
class Options:
    """The common options, as given (read into :class:`~kore_tui.session.Settings` only by the
    commands that talk to the server: the session module loads the client)."""

    profile: str | None
    demo: bool
    debug: bool
    no_cache: bool = False
    max_rpm: int | None = None
    timeout: float = 30.0
    region: str | None = None

    @property
    def settings(self) -> Settings:
        from kore_tui.session import Settings

        return Settings(max_rpm=self.max_rpm, timeout=self.timeout, region=self.region)


def _region(value: str | None) -> str | None:
    if value is None:
        return None
    from kore_tui.phones import normal_region

    if normal_region(value) is None:
        raise CliError(f"--region takes an ISO country code such as US, IN or GB, not {value!r}")
    return normal_region(value)


def _options(args: argparse.Namespace) -> Options:
    max_rpm = getattr(args, "max_rpm", None)
    if max_rpm is not None:
        from kore_tui.config import parse_max_rpm

        max_rpm = parse_max_rpm(max_rpm)
    return Options(
        profile=getattr(args, "profile", None),
        demo=getattr(args, "demo", False),
        debug=getattr(args, "debug", False),
        no_cache=getattr(args, "no_cache", False),
        max_rpm=max_rpm,
        timeout=getattr(args, "timeout", 30.0),
        region=_region(getattr(args, "region", None)),
    )


def main(argv: Sequence[str] | None = None) -> int:
    # Text that cannot be encoded (a lone surrogate from argv) is replaced, never a traceback.
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(AttributeError, ValueError):
            stream.reconfigure(errors="replace")  # type: ignore[union-attr]
    parser = build_parser()
    args = parser.parse_args(argv)
    check_arguments(parser, args)
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
        command = args.command
        if command == "completion":
            return cmd_completion(args.shell)
        if command == "demo-server":
            return run_demo_server(args)
        options = _options(args)
        from kore_tui.logs import setup_logging

        setup_logging(options.debug)
        if command is None:
            return run_app(args, options)
        if command == "profiles":
            return cmd_profiles(names_only=args.names)
        if command == "keys":
            return cmd_keys()
        if command == "login":
            return cmd_login(options)
        if command == "logout":
            return cmd_logout(options)
        if command == "cache":
            return cmd_cache(args, options)
        import asyncio  # only the commands that talk to the server run an event loop

        if command == "lists":
            return asyncio.run(cmd_lists(args, options))
        if command == "campaigns":
            return asyncio.run(cmd_campaigns(args, options))
        if command == "export":
            return asyncio.run(cmd_export(args, options))
        if command == "insights":
            from kore_tui.cli_insights import cmd_insights

            return asyncio.run(cmd_insights(args, options))
        if command == "find":
            return asyncio.run(cmd_find(args, options))
        parser.error(f"unknown command {command}")
    except KeyboardInterrupt:
        print("kore-tui: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except Interrupted as exc:
        _fail(str(exc))
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # The reader (e.g. `| head`) left; say nothing more to a closed pipe.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except Exception as exc:
        _fail(_one_line(exc))
    return EXIT_ERROR


def _loaded(*names: str) -> tuple[type[BaseException], ...]:
    """The exception classes named (``module:Class``) of the modules already imported. An error
    of a module never imported cannot have been raised, so a command need not import a module
    (httpx, sqlite3, keyring) only to recognise its errors."""
    found = []
    for name in names:
        module, _, attr = name.partition(":")
        if (loaded := sys.modules.get(module)) is not None:
            found.append(getattr(loaded, attr))
    return tuple(found)


def _one_line(exc: Exception) -> str:
    """What to say of a failure; an unexpected one is logged whole and named in one line."""
    if isinstance(exc, (CliError, *_loaded("kore_tui.config:ConfigError", "kore_tui.credentials:KeyringUnavailable",
                                           "kore_tui.lookup:LookupError_", "kore_tui.files:TargetError"))):
        return str(exc)
    if isinstance(exc, _loaded("kore_tui.api.errors:ApiError")):
        return f"{getattr(exc, 'kind', 'Error')}: {exc}"
    if isinstance(exc, OSError):
        return f"{exc.strerror or exc}{': ' + str(exc.filename) if exc.filename else ''}"
    if isinstance(exc, _loaded("sqlite3:Error")):
        return f"the local cache failed: {exc} (kore-tui cache clear, or --no-cache)"
    if isinstance(exc, RecursionError):
        return "the server's answer is nested too deeply to read"
    if isinstance(exc, _loaded("httpx:InvalidURL")):
        return f"cannot make a request URL: {exc}"
    # The last resort: one line here, the whole traceback in the log.
    from kore_tui.logs import log_path

    log.exception("unexpected error")
    return f"unexpected error: {type(exc).__name__}: {str(exc)[:200]} (details in {log_path()})"


def _fail(message: str) -> None:
    # Errors quote the server: its escape sequences and line breaks must not reach the terminal.
    print(f"kore-tui: {clean(message)}", file=sys.stderr)

@contextlib.contextmanager
def connected(options: Options) -> Iterator[tuple[Profile, str]]:
    """The profile and secret to use: the demo server's, or the configured ones."""
    if options.demo:
        from kore_tui.demo.launch import demo_profile, start_demo  # the demo server only with --demo

        server = start_demo()
        try:
            yield demo_profile(server), server.secret
        finally:
            server.stop()
        return
    from kore_tui.config import load_config, select_profile
    from kore_tui.credentials import load_secret
    from kore_tui.session import exposure_warning

    config = load_config()
    if warning := exposure_warning(config.path):
        print(f"kore-tui: warning: {clean(warning)}", file=sys.stderr)
    profile = select_profile(config, options.profile)
    if profile is None:
        raise CliError("no profile is configured: run `kore-tui login`, set KORE_HOST, KORE_ACCOUNT_ID, "
                       "KORE_CLIENT_ID and KORE_CLIENT_SECRET, or try `kore-tui --demo`")
    if missing := profile.missing():
        raise CliError(f"profile {profile.name!r} lacks {', '.join(missing)}: "
                       f"run `kore-tui login --profile {profile.name}`")
    secret = load_secret(profile.name)
    if not secret:
        raise CliError(f"no client secret for profile {profile.name!r}: run `kore-tui login --profile {profile.name}` "
                       "or set KORE_CLIENT_SECRET")
    yield profile, secret


@contextlib.asynccontextmanager
async def session_for(options: Options, cache: RowCache | None = None) -> AsyncIterator[Session]:
    """A Session of the profile to use (see :func:`connected`), closed afterwards; rows stay in
    memory unless a ``cache`` is given."""
    from kore_tui.cache import RowCache
    from kore_tui.session import Session

    with connected(options) as (profile, secret):
        session = Session.open(profile, secret, cache or RowCache(persist=False), settings=options.settings)
        if sys.stderr.isatty():
            session.client.on_budget_wait = _budget_waiting
        try:
            yield session
        finally:
            await session.aclose()


def _console(stream: TextIO) -> Any:
    """A Rich console on ``stream`` that adds no highlighting, emoji or markup of its own: what it
    prints is cleaned text in ``rich.text.Text`` objects, never markup built from server text."""
    from rich.console import Console

    return Console(file=stream, highlight=False, emoji=False, markup=False)


def _table(headers: Sequence[tuple[str, str]], rows: Sequence[Sequence[str]]) -> None:
    """Rows (already cleaned) as a Rich table on the terminal that stdout is; ``headers`` are
    (title, justify) pairs. No colour or bold: the table is the only escape-free way to be sure
    that nothing but text reaches the terminal (tests/test_edges.py looks for any control)."""
    from rich import box
    from rich.table import Table
    from rich.text import Text

    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False, header_style="")
    for title, justify in headers:
        table.add_column(Text(title), justify=justify)  # type: ignore[arg-type]
    for row in rows:
        table.add_row(*(Text(cell) for cell in row))
    _console(sys.stdout).print(table)


async def cmd_lists(args: argparse.Namespace, options: Options) -> int:
    async with session_for(options) as session:
        lists = await session.client.contact_lists(args.stream)
    if not lists:
        print(f"stream {clean(args.stream)} has no contact lists")
        return EXIT_OK
    rows = [(clean(lst.id), "?" if lst.total_record_count is None else f"{lst.total_record_count:,}",
             clean(lst.status or "-"), clean(lst.name or "")) for lst in lists]
    if sys.stdout.isatty():
        _table((("id", "left"), ("rows", "right"), ("status", "left"), ("name", "left")), rows)
        return EXIT_OK
    width = max(len(row[0]) for row in rows)
    for list_id, count, status, name in rows:
        print(f"{list_id:<{width}}  {count:>10}  {status:<8}  {name}")
    return EXIT_OK


async def cmd_export(args: argparse.Namespace, options: Options) -> int:
    from kore_tui.cache import DIRECTORY
    from kore_tui.export import CAMPAIGN_FIELDS, DIRECTORY_FIELDS, RowWriter
    from kore_tui.files import check_target
    from kore_tui.views.campaigns import OUTCOME_FIELDS

    if args.page_size < 1 or args.concurrency < 1:
        raise CliError("--page-size and --concurrency must be at least 1")
    target = Path(args.output) if args.output and args.output != "-" else None
    if target is not None:
        check_target(target, force=args.force)  # before any request: a refusal costs nothing
    cache = _command_cache(options) if args.filter else None
    list_id = args.list_ids[0] if args.list_ids else None
    async with session_for(options, cache) as session:
        source: ViewSource
        if args.what == "outcomes":
            source = session.outcomes_source(args.stream, args.campaign_id)
        else:
            source = session.source(args.stream, list_id if args.what == "list" and list_id else DIRECTORY)
        # Straight from the server: an export is a fresh copy, and rows it fetches stay in memory.
        fetch: FetchPage = source.client_fetch
        if args.filter:
            fetch = await _filtered_fetch(session, source, args.filter, args.page_size)
        fields = (OUTCOME_FIELDS if args.what == "outcomes" else DIRECTORY_FIELDS if source.is_directory
                  else CAMPAIGN_FIELDS)
        if target is None:
            writer = RowWriter(sys.stdout, args.format, fields, csv_raw=args.csv_raw, for_terminal=sys.stdout.isatty())
            await _export(fetch, writer, args, where="", budget=session.budget)
        else:
            await _export_to_file(fetch, fields, target, args, budget=session.budget)
    return EXIT_OK


def _command_cache(options: Options) -> RowCache:
    """The local cache for a command that searches rows (or memory with --no-cache)."""
    from kore_tui.cache import open_cache
    from kore_tui.config import load_config

    cache = open_cache(enabled=not options.no_cache and (options.demo or load_config().cache))
    if cache.problem:
        print(f"kore-tui: warning: {clean(cache.problem)}", file=sys.stderr)
    return cache


async def _filtered_fetch(session: Session, source: ViewSource, text: str, page_size: int) -> FetchPage:
    """The view completed in the cache (only what is missing or stale is fetched), then the rows
    matching ``text`` read from it page by page."""
    from kore_tui.sources import CacheLostRows
    from kore_tui.views.contacts import ContactsModel

    progress = _progress("caching the view")
    try:
        await source.complete(page_size=page_size,
                              on_page=(lambda page: progress(page.end, page.total_results)) if progress else None)
    except CacheLostRows as exc:
        raise CliError(str(exc)) from None
    finally:
        if progress:
            progress.done()
    model = ContactsModel(source)
    model.filter_text, model.region = text, session.region
    return model.query_fetch()


def _stating_cost(progress: _Progress | None, budget: RequestBudget | SharedBudget | None,
                  page_size: int) -> Callable[[int, int | None], None] | None:
    """The export's progress callback: on a terminal, the first page's total says what the whole
    export costs (``1,000,000 rows ≈ 10,000 requests ≈ 2 h 47 min at 60/min``), said once above
    the bar when it is over a hundred requests; then the bar follows the rows."""
    if progress is None:
        return None
    stated = False

    def on_progress(rows: int, total: int | None) -> None:
        nonlocal stated
        if not stated and total:
            stated = True
            from kore_tui.views.estimate import estimate_under

            served = min(page_size, rows) if total > rows else page_size  # the page size the server serves
            cost = estimate_under(budget, total, page_size=max(1, served))
            if cost.needs_confirm:
                progress.say(f"{cost.text()}; Ctrl+C stops it")
        progress(rows, total)

    return on_progress


async def _export(fetch: Callable[[int, int], Any], writer: RowWriter, args: argparse.Namespace, where: str,
                  budget: RequestBudget | SharedBudget | None = None) -> None:
    """Every row through ``writer``; an error says how many rows were written before it."""
    from kore_tui.api.errors import ApiError
    from kore_tui.export import export_rows

    progress = _progress("export")
    try:
        await export_rows(fetch, writer, page_size=args.page_size, concurrency=args.concurrency,
                          on_progress=_stating_cost(progress, budget, args.page_size))
    except ApiError as exc:
        raise CliError(f"{exc.kind}: {exc} ({writer.rows:,} rows written{where} before the error)") from None
    finally:
        if progress:
            progress.done()


async def _export_to_file(fetch: FetchPage, fields: Sequence[str], path: Path, args: argparse.Namespace,
                          budget: RequestBudget | SharedBudget | None = None) -> None:
    """All or nothing: the rows go to a temp file renamed to ``path`` once every row is in."""
    import asyncio

    from kore_tui.api.errors import ApiError
    from kore_tui.files import TargetError
    from kore_tui.views.export import ExportJob, export_to_file

    job = ExportJob(path, fmt=args.format, force=args.force, keep_partial=args.keep_partial, csv_raw=args.csv_raw)
    progress = _progress(f"export to {path.name}")
    try:
        await export_to_file(job, fields, fetch=fetch, page_size=args.page_size, concurrency=args.concurrency,
                             on_progress=_stating_cost(progress, budget, args.page_size))
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


def _progress(label: str) -> _Progress | None:
    """A progress bar on stderr when stderr is a terminal; None otherwise (nothing is drawn)."""
    return _Progress(sys.stderr, label) if sys.stderr.isatty() else None


class _Progress:
    """A Rich progress bar on a terminal's stderr: rows so far, the rate and the time left (words
    as the app says them, :func:`kore_tui.views.estimate.progress_text`), and "waiting for the
    request budget (N s)" while a request waits for it (see :func:`_budget_waiting`). Labels are
    cleaned and shown as text, never read as markup."""

    active: _Progress | None = None  # the bar being drawn now

    def __init__(self, stream: TextIO, label: str = "") -> None:
        from rich.progress import BarColumn, Progress, ProgressColumn, Task, TextColumn
        from rich.text import Text

        words = self.words

        class Words(ProgressColumn):
            def render(self, task: Task) -> Text:
                return Text(words(), no_wrap=True, overflow="ellipsis")  # one line, however narrow

        self.rows = 0
        self.total: int | None = None
        self.started = time.monotonic()
        self.wait_until = 0.0
        self.progress = Progress(TextColumn("{task.description}", markup=False), BarColumn(bar_width=20), Words(),
                                 console=_console(stream), redirect_stdout=False, redirect_stderr=False)
        self.task = self.progress.add_task(clean(label), total=None)
        self.progress.start()
        _Progress.active = self

    def words(self) -> str:
        from kore_tui.views.estimate import progress_text

        text = progress_text(self.rows, self.total, time.monotonic() - self.started)
        if (wait := self.wait_until - time.monotonic()) > 0:  # first: what a narrow terminal keeps
            import math

            text = f"waiting for the request budget ({math.ceil(wait)} s) · {text}"
        return text

    def __call__(self, rows: int, total: int | None, label: str | None = None) -> None:
        self.rows, self.total, self.wait_until = rows, total, 0.0
        self.progress.update(self.task, completed=rows, total=total or None,
                             description=clean(label) if label is not None else None)

    def waiting(self, seconds: float) -> None:
        self.wait_until = time.monotonic() + seconds
        self.progress.refresh()

    def say(self, line: str) -> None:
        """One line above the bar."""
        from rich.text import Text

        self.progress.console.print(Text(clean(line)))

    def done(self) -> None:
        self.progress.refresh()
        self.progress.stop()
        if _Progress.active is self:
            _Progress.active = None


_ProgressLine = _Progress  # the name kore_tui/cli_insights.py uses


def _budget_waiting(seconds: float) -> None:
    """The client's ``on_budget_wait`` on a terminal: said on the progress bar, if one is shown."""
    if _Progress.active is not None:
        _Progress.active.waiting(seconds)


def found_anywhere(result: LookupResult) -> bool:
    """Whether the number is in the directory, a list or a campaign's outcomes: `find` exits 0."""
    return bool(result.directory.matches or result.lists_with_number
                or any(view.matches for view in result.outcome_searches))


async def cmd_find(args: argparse.Namespace, options: Options) -> int:
    cache = _command_cache(options)
    progress = _progress("find") if not args.json else None
    try:
        async with session_for(options, cache) as session:
            result = await session.find_phone(
                args.stream, args.phone, refresh=args.refresh, max_rows=args.max_rows, only_lists=args.list_ids or None,
                on_progress=(lambda name, rows, total: progress(rows, total, name)) if progress else None,
            )
    finally:
        if progress:
            progress.done()
        cache.close()
    if args.json:
        print(json_text(result.to_json(), indent=2))
    else:
        print(describe_lookup(result))
    return EXIT_OK if found_anywhere(result) else EXIT_NOT_FOUND


async def cmd_campaigns(args: argparse.Namespace, options: Options) -> int:
    """The stream's campaigns, one line each: id, type, status, name, lists, do-not-call list."""
    from kore_tui.views.campaigns import campaign_columns, campaign_to_json, campaigns_with_lists

    kinds = (args.kind,) if args.kind else CAMPAIGN_KINDS
    known = {status.casefold(): status for status in CAMPAIGN_STATUSES}
    args.statuses = [known.get(status.strip().casefold(), status.strip()) for status in args.statuses or ()]
    async with session_for(options) as session:
        # Straight from the server (like `lists`), with the status filter sent to it.
        links = await campaigns_with_lists(session, args.stream, kinds=kinds, statuses=args.statuses or ())
    if args.json:
        print(json_text([campaign_to_json(link) for link in links], indent=2))
        return EXIT_OK
    if not links:
        which = f" {args.kind}" if args.kind else ""
        status = f" in status {', '.join(args.statuses)}" if args.statuses else ""
        print(clean(f"stream {args.stream} has no{which} campaigns{status}"))
        return EXIT_OK
    rows = [tuple(clean(v) for v in campaign_columns(link)) for link in links]
    if sys.stdout.isatty():
        _table([(title, "left") for title in ("id", "type", "status", "name", "lists", "do-not-call")], rows)
        return EXIT_OK
    widths = [min(40, max(len(row[i]) for row in rows)) for i in range(4)]
    for cid, kind, status, name, lists, dnc in rows:
        print(f"{cid:<{widths[0]}}  {kind:<{widths[1]}}  {status:<{widths[2]}}  {name:<{widths[3]}}  "
              f"lists: {lists}  do-not-call: {dnc}")
    return EXIT_OK


def describe_lookup(result: LookupResult, now: float | None = None) -> str:
    """The lookup's answer as lines a person reads."""
    from kore_tui.views.lookup import lookup_report

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
    from kore_tui.cache import open_cache
    from kore_tui.views.format import age, plural

    cache = open_cache(enabled=True)
    try:
        if args.action == "clear":
            removed = cache.clear(options.profile)
            whose = f" of profile {options.profile!r}" if options.profile else ""
            print(clean(f"removed {removed:,} cached rows{whose} from {cache.path}"))
            return EXIT_OK
        views = cache.info()
        print(f"cache: {clean(str(cache.path))}")
        if not views:
            print("  empty")
        now = time.time()
        for profile, stream, list_id, rows, oldest, _newest in views:
            if options.profile and profile != options.profile:
                continue
            oldest_age = "" if oldest is None else f", oldest fetched {age(now - oldest)}"
            print(f"  {clean(profile)} / {clean(stream)} / {clean(list_id or 'directory')}: "
                  f"{plural(rows, 'row')}{oldest_age}")
    finally:
        cache.close()
    return EXIT_OK


def cmd_keys() -> int:
    """Every key binding of the app, one line each sorted by id: id, keys, description."""
    from kore_tui.config import load_config
    from kore_tui.ui.keys import all_bindings, check_keymap  # Textual loads only for this command

    keymap = load_config().keymap
    for problem in check_keymap(keymap)[1]:
        print(f"kore-tui: warning: keymap in config.toml: {clean(problem)} (the default keys are listed)",
              file=sys.stderr)
    rows = [tuple(clean(value) for value in row) for row in all_bindings(keymap)]
    id_width = max(len(row[0]) for row in rows)
    keys_width = max(len(row[1]) for row in rows)
    for binding_id, keys, description in rows:
        print(f"{binding_id:<{id_width}}  {keys:<{keys_width}}  {description}".rstrip())
    return EXIT_OK


def cmd_profiles(names_only: bool = False) -> int:
    from kore_tui.config import load_config

    config = load_config()
    if names_only:  # for shell completion: nothing else, and nothing at all when there are none
        for name in config.profiles:
            print(clean(name))
        return EXIT_OK
    if not config.profiles:
        print("no profiles; run `kore-tui login`")
        return EXIT_OK
    for name, profile in config.profiles.items():
        mark = "*" if name == config.default_profile else " "
        print(clean(f"{mark} {name}: {profile.host}  account {profile.account_id}  client {profile.client_id}  "
                    f"streams {', '.join(s.id for s in profile.streams) or '-'}"))
    return EXIT_OK


def cmd_login(options: Options) -> int:
    import getpass

    from kore_tui.config import KNOWN_HOSTS, Profile, load_config, save_config
    from kore_tui.credentials import KeyringUnavailable, store_secret

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
    return EXIT_OK


def _ask(label: str, current: str, required: bool = True) -> str:
    while True:
        answer = input(f"{label} [{clean(current)}]: ").strip() if current else input(f"{label}: ").strip()
        value = answer or current
        if value or not required:
            return value
        print(f"{label} is required")


def cmd_logout(options: Options) -> int:
    from kore_tui.config import load_config

    config = load_config()
    if not options.profile and not config.profiles:
        # Nothing was ever saved: no secret to remove, and no reason to wake the keyring.
        print("no profile is configured: there is no secret to remove")
        return EXIT_OK
    from kore_tui.credentials import delete_secret

    name = options.profile or config.default_profile or "default"
    removed = delete_secret(name)
    print(clean(f"removed the secret of profile {name!r}" if removed else f"profile {name!r} had no stored secret"))
    return EXIT_OK


def run_demo_server(args: argparse.Namespace) -> int:
    import threading

    from kore_tui.demo.data import STREAMS
    from kore_tui.demo.server import DemoServer

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
    return EXIT_OK


def run_app(args: argparse.Namespace, options: Options) -> int:
    from kore_tui.ui.app import KoreTuiApp  # Textual loads only for the app

    app = KoreTuiApp(
        profile_name=options.profile,
        demo=options.demo,
        settings=options.settings,
        stream_id=args.stream,
        list_id=args.list_ids[0] if args.list_ids else None,
        no_cache=options.no_cache,
    )
    app.run()
    code = app.return_code or EXIT_OK
    return code if code in (EXIT_OK, EXIT_INTERRUPTED) else EXIT_ERROR


# -- shell completion ----------------------------------------------------------------------------------
# Written by hand, small: the commands and each one's options come from the parser, the profile
# names from `kore-tui profiles --names` when they are asked for (so a new profile completes at once).


def completion_words(parser: _Parser) -> dict[str, list[str]]:
    """Each command's options ("" is the top level: its options and the commands)."""

    def options(of: argparse.ArgumentParser) -> list[str]:
        return sorted(opt for action in of._actions for opt in action.option_strings if opt.startswith("--"))

    words = {"": [*parser.commands, *options(parser)]}
    for name, command in parser.commands.items():
        positional = [choice for action in command._actions if not action.option_strings and action.choices
                      for choice in action.choices]
        words[name] = [*positional, *options(command)]
    return words


def completion_script(shell: str, parser: _Parser | None = None) -> str:
    parser = parser or build_parser()
    words = completion_words(parser)
    # Options that take a value: the word after one is that value, not the command.
    valued = "|".join(sorted({opt for of in (parser, *parser.commands.values()) for action in of._actions
                              if action.nargs != 0 for opt in action.option_strings}))
    if shell == "bash":
        cases = "\n".join(f'        {name}) words="{" ".join(opts)}" ;;' for name, opts in words.items() if name)
        return _BASH.replace("@TOP@", " ".join(words[""])).replace("@CASES@", cases).replace("@VALUED@", valued)
    if shell == "zsh":
        cases = "\n".join(f"        {name}) opts=({' '.join(opts)}) ;;" for name, opts in words.items() if name)
        return _ZSH.replace("@TOP@", " ".join(words[""])).replace("@CASES@", cases).replace("@VALUED@", valued)
    lines = [_FISH]
    commands = [name for name in words if name]
    lines.append(f"complete -c kore-tui -n 'not __fish_seen_subcommand_from {' '.join(commands)}' "
                 f"-a '{' '.join(commands)}'")
    lines += [f"complete -c kore-tui -n 'not __fish_seen_subcommand_from {' '.join(commands)}' -l {opt[2:]}"
              for opt in words[""] if opt.startswith("--")]
    for name, opts in words.items():
        if not name:
            continue
        plain = [word for word in opts if not word.startswith("-")]
        if plain:
            lines.append(f"complete -c kore-tui -n '__fish_seen_subcommand_from {name}' -a '{' '.join(plain)}'")
        lines += [f"complete -c kore-tui -n '__fish_seen_subcommand_from {name}' -l {opt[2:]}"
                  for opt in opts if opt.startswith("--")]
    return "\n".join(lines) + "\n"


def cmd_completion(shell: str) -> int:
    sys.stdout.write(completion_script(shell))
    return EXIT_OK


_BASH = r"""# kore-tui completion for bash; install:
#   kore-tui completion bash > ~/.local/share/bash-completion/completions/kore-tui
_kore_tui() {
    local cur prev words command="" i
    cur="${COMP_WORDS[COMP_CWORD]}"
    prev="${COMP_WORDS[COMP_CWORD-1]}"
    if [[ "$prev" == "--profile" ]]; then
        COMPREPLY=($(compgen -W "$(kore-tui profiles --names 2>/dev/null)" -- "$cur"))
        return 0
    fi
    for ((i = 1; i < COMP_CWORD; i++)); do
        case "${COMP_WORDS[i]}" in
            -*) ;;
            *) case "${COMP_WORDS[i-1]}" in
                   @VALUED@) ;;
                   *) command="${COMP_WORDS[i]}"; break ;;
               esac ;;
        esac
    done
    case "$command" in
        "") words="@TOP@" ;;
@CASES@
        *) words="" ;;
    esac
    COMPREPLY=($(compgen -W "$words" -- "$cur"))
}
complete -F _kore_tui kore-tui
"""

_ZSH = r"""#compdef kore-tui
# kore-tui completion for zsh: kore-tui completion zsh > "${fpath[1]}/_kore-tui"
_kore_tui() {
    local command="" i
    if [[ "${words[CURRENT-1]}" == "--profile" ]]; then
        compadd -- ${(f)"$(kore-tui profiles --names 2>/dev/null)"}
        return
    fi
    for ((i = 2; i < CURRENT; i++)); do
        case "${words[i]}" in
            -*) ;;
            *) case "${words[i-1]}" in
                   @VALUED@) ;;
                   *) command="${words[i]}"; break ;;
               esac ;;
        esac
    done
    local -a opts
    case "$command" in
        "") opts=(@TOP@) ;;
@CASES@
        *) opts=() ;;
    esac
    compadd -- $opts
}
_kore_tui "$@"
"""

_FISH = """# kore-tui completion for fish: kore-tui completion fish > ~/.config/fish/completions/kore-tui.fish
complete -c kore-tui -f
complete -c kore-tui -l profile -x -a '(kore-tui profiles --names 2>/dev/null)'"""


if __name__ == "__main__":
    raise SystemExit(main())
