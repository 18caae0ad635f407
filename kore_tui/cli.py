"""The command line: the app (default), export, lists, login/logout/profiles, demo-server.

Every failure ends as one line on stderr and a non-zero exit, never a traceback or a secret.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import getpass
import json
import os
import time
import sys
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TextIO

from kore_tui import __version__
from kore_tui.api.client import KoreClient
from kore_tui.api.errors import ApiError
from kore_tui.api.models import DirectoryContact
from kore_tui.config import (
    KNOWN_HOSTS,
    ConfigError,
    Profile,
    exposure_warning,
    load_config,
    parse_max_rpm,
    save_config,
    select_profile,
)
from kore_tui.credentials import KeyringUnavailable, delete_secret, load_secret, store_secret
from kore_tui.demo.data import STREAMS
from kore_tui.demo.server import DemoServer
from kore_tui.export import CAMPAIGN_FIELDS, DIRECTORY_FIELDS, FORMATS, RowWriter, export_rows
from kore_tui.lookup import DEFAULT_MAX_ROWS, LookupError_, LookupResult, find_phone
from kore_tui.session import Settings, demo_profile, make_client, open_cache, setup_logging, start_demo

EXIT_ERROR = 1
EXIT_USAGE = 2


class CliError(Exception):
    """A failure to report as one line."""


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    # SUPPRESS: a value given before the subcommand is not reset by the subcommand's default.
    common.add_argument("--profile", default=argparse.SUPPRESS, help="profile name (default: KORE_PROFILE or the default profile)")
    common.add_argument("--demo", action="store_true", default=argparse.SUPPRESS, help="use a built-in local demo server; no account needed")
    common.add_argument("--max-rpm", default=argparse.SUPPRESS, metavar="N", help="request budget per minute (default 60, KORE_MAX_RPM; 0 = off)")
    common.add_argument("--timeout", type=float, default=argparse.SUPPRESS, metavar="SECONDS", help="per-request timeout (default 30)")
    common.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help="log at debug level")
    common.add_argument("--no-cache", action="store_true", default=argparse.SUPPRESS,
                        help="keep fetched rows in memory only, not in the local cache")

    parser = argparse.ArgumentParser(
        prog="kore-tui", parents=[common],
        description="Browse Kore.ai contact-center contacts and contact lists in the terminal.",
    )
    parser.add_argument("--version", action="version", version=f"kore-tui {__version__}")
    parser.add_argument("--stream", help="open this stream (its contacts directory, or --list)")
    parser.add_argument("--list", dest="list_id", help="open this contact list of --stream")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    export = sub.add_parser("export", parents=[common], help="write all rows of a view to CSV or JSON Lines")
    export.add_argument("what", choices=("contacts", "list"), help="contacts: the stream's directory; list: a contact list")
    export.add_argument("--stream", required=True)
    export.add_argument("--list", dest="list_id")
    export.add_argument("--format", choices=FORMATS, default="csv")
    export.add_argument("-o", "--output", metavar="FILE", help="write here (default: stdout)")
    export.add_argument("--page-size", type=int, default=100, help="rows asked per request (the server may cap it)")
    export.add_argument("--concurrency", type=int, default=4, help="pages fetched ahead at once")

    lists = sub.add_parser("lists", parents=[common], help="print the stream's contact lists")
    lists.add_argument("--stream", required=True)

    find = sub.add_parser("find", parents=[common], help="find a phone number in the stream's directory and lists")
    find.add_argument("phone", help="the number; any format, matched by its digits")
    find.add_argument("--stream", required=True)
    find.add_argument("--list", dest="lists", action="append", metavar="LIST_ID", help="search only this list (repeatable)")
    find.add_argument("--refresh", action="store_true", help="fetch everything again, ignoring the cache")
    find.add_argument("--max-rows", type=int, default=DEFAULT_MAX_ROWS, help="skip lists larger than this")
    find.add_argument("--json", action="store_true", help="print the answer as JSON")

    cache = sub.add_parser("cache", parents=[common], help="the local cache of fetched rows")
    cache.add_argument("action", choices=("info", "clear"))

    sub.add_parser("profiles", parents=[common], help="list the configured profiles")
    sub.add_parser("login", parents=[common], help="create or update a profile; the secret goes to the OS keyring")
    sub.add_parser("logout", parents=[common], help="remove a profile's secret from the OS keyring")

    demo = sub.add_parser("demo-server", help="run the local demo server until interrupted")
    demo.add_argument("--port", type=int, default=8765)
    demo.add_argument("--host", default="127.0.0.1")
    demo.add_argument("--latency", type=float, default=0.0, help="seconds added to every answer")
    demo.add_argument("--page-cap", type=int, default=100, help="largest page the server serves")
    demo.add_argument("--budget", type=int, default=0, help="requests per minute before 429 (0 = none)")
    demo.add_argument("--secret", default=None, help="client secret to accept (default: random)")
    return parser


@dataclass
class Options:
    profile: str | None
    demo: bool
    settings: Settings
    debug: bool
    no_cache: bool = False


def _options(args: argparse.Namespace) -> Options:
    max_rpm = getattr(args, "max_rpm", None)
    return Options(
        profile=getattr(args, "profile", None),
        demo=getattr(args, "demo", False),
        settings=Settings(
            max_rpm=parse_max_rpm(max_rpm) if max_rpm is not None else None,
            timeout=getattr(args, "timeout", 30.0),
        ),
        debug=getattr(args, "debug", False),
        no_cache=getattr(args, "no_cache", False),
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
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
        if command == "login":
            return cmd_login(options)
        if command == "logout":
            return cmd_logout(options)
        if command == "lists":
            return asyncio.run(cmd_lists(args, options))
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
    except BrokenPipeError:
        # The reader (e.g. `| head`) left; say nothing more to a closed pipe.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except (CliError, ConfigError, KeyringUnavailable, LookupError_) as exc:
        _fail(str(exc))
    except ApiError as exc:
        _fail(f"{exc.kind}: {exc}")
    except OSError as exc:
        _fail(f"{exc.strerror or exc}{': ' + str(exc.filename) if exc.filename else ''}")
    return EXIT_ERROR


def _fail(message: str) -> None:
    # Errors quote the server: its escape sequences and line breaks must not reach the terminal.
    print(f"kore-tui: {_printable(message)}", file=sys.stderr)


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
        print(f"kore-tui: warning: {warning}", file=sys.stderr)
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


async def cmd_lists(args: argparse.Namespace, options: Options) -> int:
    with connected(options) as (profile, secret):
        async with make_client(profile, secret, options.settings) as client:
            lists = await client.contact_lists(args.stream)
    if not lists:
        print(f"stream {args.stream} has no contact lists")
        return 0
    width = max(len(lst.id) for lst in lists)
    for lst in lists:
        count = "?" if lst.total_record_count is None else f"{lst.total_record_count:,}"
        print(f"{_printable(lst.id):<{width}}  {count:>10}  {_printable(lst.status or '-'):<8}  {_printable(lst.name or '')}")
    return 0


async def cmd_export(args: argparse.Namespace, options: Options) -> int:
    if args.what == "list" and not args.list_id:
        raise CliError("export list needs --list LIST_ID (see `kore-tui lists --stream S`)")
    if args.page_size < 1 or args.concurrency < 1:
        raise CliError("--page-size and --concurrency must be at least 1")
    with connected(options) as (profile, secret):
        async with make_client(profile, secret, options.settings) as client:
            if args.what == "list":
                fetch = lambda skip, limit: client.list_contacts_page(args.stream, args.list_id, skip, limit)  # noqa: E731
                fields = CAMPAIGN_FIELDS
            else:
                fetch = lambda skip, limit: client.directory_page(args.stream, skip, limit)  # noqa: E731
                fields = DIRECTORY_FIELDS
            with _output(args.output) as out:
                writer = RowWriter(out, args.format, fields)
                progress = _ProgressLine(sys.stderr) if sys.stderr.isatty() else None
                try:
                    await export_rows(fetch, writer, page_size=args.page_size, concurrency=args.concurrency,
                                      on_progress=progress)
                except ApiError as exc:
                    where = f" to {args.output}" if args.output else ""
                    raise CliError(f"{exc.kind}: {exc} ({writer.rows:,} rows written{where} before the error)") from None
                finally:
                    if progress:
                        progress.done()
    if args.output:
        print(f"{writer.rows:,} rows written to {args.output}", file=sys.stderr)
    return 0


@contextlib.contextmanager
def _output(path: str | None) -> Iterator[TextIO]:
    if not path or path == "-":
        yield sys.stdout
        return
    with open(path, "w", encoding="utf-8", newline="") as handle:
        yield handle


class _ProgressLine:
    """A one-line progress bar on a terminal's stderr."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream

    def __call__(self, rows: int, total: int | None, label: str = "") -> None:
        if total:
            share = min(1.0, rows / total)
            bar = "#" * int(share * 30)
            self.stream.write(f"\r\x1b[K{label}[{bar:<30}] {rows:,} / {total:,} rows ({share:.0%})")
        else:
            self.stream.write(f"\r\x1b[K{label}{rows:,} rows")
        self.stream.flush()

    def done(self) -> None:
        self.stream.write("\n")


def _printable(text: str) -> str:
    """Server text for a terminal: control characters (escape sequences) shown as `?`."""
    return "".join(ch if ch.isprintable() else "?" for ch in text)


async def cmd_find(args: argparse.Namespace, options: Options) -> int:
    with connected(options) as (profile, secret):
        cache = open_cache(enabled=not options.no_cache and (options.demo or load_config().cache))
        progress = _ProgressLine(sys.stderr) if sys.stderr.isatty() and not args.json else None
        try:
            async with make_client(profile, secret, options.settings) as client:
                result = await find_phone(
                    client, cache, profile.name, args.stream, args.phone, refresh=args.refresh,
                    max_rows=args.max_rows, only_lists=args.lists,
                    on_progress=(lambda name, rows, total: progress(rows, total, f"{_printable(name)}: ")) if progress else None,
                )
        finally:
            if progress:
                progress.done()
            cache.close()
    if args.json:
        print(json.dumps(result.to_json(), ensure_ascii=False, indent=2))
    else:
        print(describe_lookup(result))
    return 0


def describe_lookup(result: LookupResult, now: float | None = None) -> str:
    """The lookup's answer as lines a person reads."""
    now = time.time() if now is None else now
    lines = [f"{_printable(result.phone)} (digits {result.digits}) in stream {_printable(result.stream)}:"]
    directory = result.directory
    if directory.matches:
        for pos, raw in directory.matches:
            contact = DirectoryContact.from_json(raw)
            lines.append(f"  directory: {_printable(contact.display_name or '(no name)')} · "
                         f"{_printable(contact.phone_number or '')} · {_printable(contact.status or '-')} · id {_printable(contact.id or '-')}")
    else:
        lines.append("  directory: no contact with this number")
    holding = result.lists_with_number
    lines.append(f"  on {len(holding)} of {sum(1 for v in result.lists if not v.skipped)} contact lists searched"
                 + (":" if holding else ""))
    for view in holding:
        rows = ", ".join(f"row {pos + 1:,}" for pos, _ in view.matches[:5])
        more = f" and {len(view.matches) - 5} more" if len(view.matches) > 5 else ""
        lines.append(f"    {_printable(view.list_id)}  {_printable(view.name)}  ({rows}{more})")
    lines.append("  searched:")
    for view in [directory, *result.lists]:
        label = _printable(view.list_id or "directory")
        if view.skipped:
            lines.append(f"    {label}: skipped ({view.skipped}; --max-rows to include)")
        else:
            age = "" if view.fetched_at is None else f", {_age(now - view.fetched_at)}"
            lines.append(f"    {label}: {view.rows:,} rows from {view.source}{age}")
    lines.append(f"  requests sent: {result.requests}")
    return "\n".join(lines)


def _age(seconds: float) -> str:
    if seconds < 60:
        return "fetched just now"
    if seconds < 3600:
        return f"fetched {seconds / 60:.0f} min ago"
    return f"fetched {seconds / 3600:.1f} h ago"


def cmd_cache(args: argparse.Namespace, options: Options) -> int:
    cache = open_cache(enabled=True)
    try:
        if args.action == "clear":
            removed = cache.clear(options.profile)
            whose = f" of profile {options.profile!r}" if options.profile else ""
            print(f"removed {removed:,} cached rows{whose} from {cache.path}")
            return 0
        views = cache.info()
        print(f"cache: {cache.path}")
        if not views:
            print("  empty")
        now = time.time()
        for profile, stream, list_id, rows, oldest, _newest in views:
            if options.profile and profile != options.profile:
                continue
            age = "" if oldest is None else f", oldest {_age(now - oldest).removeprefix('fetched ')}"
            print(f"  {_printable(profile)} / {_printable(stream)} / {_printable(list_id or 'directory')}: {rows:,} rows{age}")
    finally:
        cache.close()
    return 0


def cmd_profiles() -> int:
    config = load_config()
    if not config.profiles:
        print("no profiles; run `kore-tui login`")
        return 0
    for name, profile in config.profiles.items():
        mark = "*" if name == config.default_profile else " "
        print(f"{mark} {name}: {profile.host}  account {profile.account_id}  client {profile.client_id}  "
              f"streams {', '.join(s.id for s in profile.streams) or '-'}")
    return 0


def cmd_login(options: Options) -> int:
    if not sys.stdin.isatty():
        raise CliError("login asks questions: run it in a terminal")
    config = load_config()
    name = options.profile or config.default_profile or "default"
    profile = config.profiles.get(name) or Profile(name=name)
    print(f"Profile {name!r}. Known hosts: " + ", ".join(f"{h} ({where})" for h, where in KNOWN_HOSTS))
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
    print(f"saved profile {name!r} to {path}")
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
        answer = input(f"{label} [{current}]: ").strip() if current else input(f"{label}: ").strip()
        value = answer or current
        if value or not required:
            return value
        print(f"{label} is required")


def cmd_logout(options: Options) -> int:
    config = load_config()
    name = options.profile or config.default_profile or "default"
    removed = delete_secret(name)
    print(f"removed the secret of profile {name!r}" if removed else f"profile {name!r} had no stored secret")
    return 0


def run_demo_server(args: argparse.Namespace) -> int:
    server = DemoServer(host=args.host, port=args.port, latency=args.latency, page_cap=args.page_cap,
                        budget=args.budget, secret=args.secret)
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
