"""The parser: every command and option (``--help`` says them), and :func:`check_arguments`,
what argparse cannot check. Options go before or after the command; a usage error is one line
naming the command's own help, exit status 2."""

from __future__ import annotations

import argparse
from typing import Any, NoReturn

from kore_tui import __version__
from kore_tui.cli.common import CAMPAIGN_KINDS, DEFAULT_MAX_ROWS, ENV_DEMO_SECRET, EXIT_USAGE, FORMATS, SHELLS
from kore_tui.text import clean


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

    from kore_tui.cli.insights import add_parser as add_insights_parser

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

    for name, made in sub.choices.items():  # every command, those added elsewhere too (insights.py)
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
