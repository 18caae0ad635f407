"""The profile and secret a command that talks to the server uses (the demo server's with
``--demo``), the Session made of them, and the local cache of the commands that search rows."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import AsyncIterator, Iterator
from typing import TYPE_CHECKING

from kore_tui.cli.common import CliError, Options
from kore_tui.cli.output import _budget_waiting
from kore_tui.text import clean

if TYPE_CHECKING:
    from kore_tui.cache import RowCache
    from kore_tui.config import Profile
    from kore_tui.session import Session


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


def _command_cache(options: Options) -> RowCache:
    """The local cache for a command that searches rows (or memory with --no-cache)."""
    from kore_tui.cache import open_cache
    from kore_tui.config import load_config

    cache = open_cache(enabled=not options.no_cache and (options.demo or load_config().cache))
    if cache.problem:
        print(f"kore-tui: warning: {clean(cache.problem)}", file=sys.stderr)
    return cache
