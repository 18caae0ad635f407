"""What every part of the command line shares: the exit statuses, the parser's choices, the
one-line failure (:class:`CliError`) and the common options as given (:class:`Options`)."""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kore_tui.session import Settings


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


class CliError(Exception):
    """A failure to report as one line."""


class Interrupted(CliError):
    """Ctrl+C (or SIGTERM) during a command that has something to say about it."""


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
