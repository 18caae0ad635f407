"""The command line: the app (default), lists, find, export, campaigns, insights, keys, cache,
profiles, login/logout, completion, demo-server.

Options go before or after the command (``kore-tui --demo lists --stream S`` is ``kore-tui lists
--demo --stream S``). Every failure ends as one line on stderr, never a traceback or a secret.
Exit status: 0 done; 1 ``find`` found the number nowhere; 2 an error or a usage error; 130
interrupted.

A command imports what it uses and no more: ``--version``, ``--help``, ``profiles``, ``keys``,
``completion`` and ``cache info`` start without httpx, PyJWT, keyring or phonenumbers, and only
the app and ``keys`` load Textual (bench/bench_startup.py times it). Rich (progress bars and
tables, on a terminal only) is imported where it draws.

The modules: ``common`` (exit statuses, the parser's choices, :class:`CliError`, the common
options), ``parser`` (every command and option), ``run`` (:func:`main`: dispatch, errors as one
line, signals; the app), ``output`` (Rich tables and progress bars), ``connect`` (profile, secret,
Session, the commands' cache), and one module per command or group of commands: ``lists``,
``campaigns``, ``insights``, ``find``, ``export``, ``cache``, ``profiles`` (profiles, login, logout,
keys), ``completion``, ``demo`` (demo-server). ``main`` imports a command's module when that
command runs; the names below are here for the entry points and the tests.
"""

from __future__ import annotations

from typing import Any

from kore_tui.cli.common import (
    CAMPAIGN_KINDS,
    CAMPAIGN_STATUSES,
    DEFAULT_MAX_ROWS,
    ENV_DEMO_SECRET,
    EXIT_ERROR,
    EXIT_INTERRUPTED,
    EXIT_NOT_FOUND,
    EXIT_OK,
    EXIT_USAGE,
    FORMATS,
    SHELLS,
    CliError,
    Interrupted,
    Options,
)
from kore_tui.cli.parser import _Parser, build_parser, check_arguments, seconds
from kore_tui.cli.run import main

__all__ = [
    "CAMPAIGN_KINDS", "CAMPAIGN_STATUSES", "DEFAULT_MAX_ROWS", "ENV_DEMO_SECRET", "EXIT_ERROR", "EXIT_INTERRUPTED",
    "EXIT_NOT_FOUND", "EXIT_OK", "EXIT_USAGE", "FORMATS", "SHELLS", "CliError", "Interrupted", "Options", "_Parser",
    "build_parser", "check_arguments", "main", "seconds",
]

# The names of the commands' modules, imported when one is asked for (``from kore_tui.cli import
# describe_lookup``): ``--version`` and ``--help`` need none of them.
_LAZY = {
    "connected": "connect", "session_for": "connect", "_command_cache": "connect",
    "_fail": "output", "_console": "output", "_table": "output", "_progress": "output", "_Progress": "output",
    "_budget_waiting": "output",
    "run_app": "run", "_run": "run", "_one_line": "run",
    "cmd_lists": "lists", "cmd_campaigns": "campaigns", "cmd_insights": "insights",
    "cmd_find": "find", "describe_lookup": "find", "found_anywhere": "find",
    "cmd_export": "export", "cmd_cache": "cache",
    "cmd_keys": "profiles", "cmd_profiles": "profiles", "cmd_login": "profiles", "cmd_logout": "profiles",
    "completion_words": "completion", "completion_script": "completion", "cmd_completion": "completion",
    "run_demo_server": "demo",
}


def __getattr__(name: str) -> Any:
    if (module := _LAZY.get(name)) is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(f"{__name__}.{module}"), name)
