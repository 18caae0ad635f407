"""``main``: parse, check, run the command, and end every failure as one line on stderr (never a
traceback or a secret) with its exit status; SIGTERM and SIGHUP end a command as Ctrl+C does.

Each command's module is imported when that command runs, and it imports what it uses then."""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import signal
import sys
from collections.abc import Sequence

from kore_tui.cli.common import EXIT_ERROR, EXIT_INTERRUPTED, EXIT_OK, CliError, Interrupted, Options, _options
from kore_tui.cli.output import _fail
from kore_tui.cli.parser import build_parser, check_arguments

log = logging.getLogger("kore_tui.cli")


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
            from kore_tui.cli.completion import cmd_completion

            return cmd_completion(args.shell)
        if command == "demo-server":
            from kore_tui.cli.demo import run_demo_server

            return run_demo_server(args)
        options = _options(args)
        from kore_tui.logs import setup_logging

        setup_logging(options.debug)
        if command is None:
            return run_app(args, options)
        if command in ("profiles", "keys", "login", "logout"):
            from kore_tui.cli.profiles import cmd_keys, cmd_login, cmd_logout, cmd_profiles

            if command == "profiles":
                return cmd_profiles(names_only=args.names)
            if command == "keys":
                return cmd_keys()
            if command == "login":
                return cmd_login(options)
            return cmd_logout(options)
        if command == "cache":
            from kore_tui.cli.cache import cmd_cache

            return cmd_cache(args, options)
        import asyncio  # only the commands that talk to the server run an event loop

        if command == "lists":
            from kore_tui.cli.lists import cmd_lists

            return asyncio.run(cmd_lists(args, options))
        if command == "campaigns":
            from kore_tui.cli.campaigns import cmd_campaigns

            return asyncio.run(cmd_campaigns(args, options))
        if command == "export":
            from kore_tui.cli.export import cmd_export

            return asyncio.run(cmd_export(args, options))
        if command == "insights":
            from kore_tui.cli.insights import cmd_insights

            return asyncio.run(cmd_insights(args, options))
        if command == "find":
            from kore_tui.cli.find import cmd_find

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


def run_app(args: argparse.Namespace, options: Options) -> int:
    import gc

    # Textual's import and the first frame make many objects and no garbage: the collector's
    # passes over them would only delay the first frame. The app turns it back on once painted.
    gc.disable()
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
