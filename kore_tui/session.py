"""The Session: one profile, connected. A screen, a view or a command is handed one and finds
in it everything it works with (the profile, its client, the row cache, the settings, the
clock), typed. Also: where the log, the cache and the shared request budget live.

Shared by the CLI and the app. Knows nothing of Textual.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import platformdirs

from kore_tui import config
from kore_tui.api.client import BudgetWaitCallback, Connection, KoreClient, RetryCallback
from kore_tui.api.models import Campaign, ContactList
from kore_tui.api.pacing import RequestBudget, SharedBudget
from kore_tui.cache import DIRECTORY, RowCache, ViewKey, cache_path
from kore_tui.cache import open_cache as open_cache
from kore_tui.config import APP_NAME, ConfigError, Profile
from kore_tui.logs import PrivateLogFile as PrivateLogFile
from kore_tui.logs import log_path as log_path
from kore_tui.logs import setup_logging as setup_logging
from kore_tui.phones import normal_region

if TYPE_CHECKING:  # the views' modules load when a view is first opened, after the first frame
    from kore_tui.lookup import LookupResult
    from kore_tui.sources import CampaignOutcomesSource, ViewSource

DEFAULT_MAX_RPM = 60


@dataclass
class Settings:
    """Per-run settings from the command line (None: take the profile's or the default)."""

    max_rpm: int | None = None
    timeout: float = 30.0
    backoff_base: float = 0.5  # seconds before the first retry; doubles each time
    backoff_max: float = 30.0
    region: str | None = None  # --region: where numbers without a country code are (else the profile's)


def budget_dir() -> Path:
    """Where every kore-tui process of a user keeps the request budgets it shares (one small
    file per host and account, named by a hash)."""
    return platformdirs.user_state_path(APP_NAME) / "budget"


def make_client(profile: Profile, secret: str, settings: Settings | None = None,
                on_retry: RetryCallback | None = None,
                on_budget_wait: BudgetWaitCallback | None = None) -> KoreClient:
    settings = settings or Settings()
    max_rpm = settings.max_rpm if settings.max_rpm is not None else profile.max_rpm
    ca_bundle = os.path.expanduser(profile.ca_bundle) if profile.ca_bundle else None
    if ca_bundle and not (os.path.isfile(ca_bundle) and os.access(ca_bundle, os.R_OK)):
        raise ConfigError(f"profile {profile.name!r}: its CA bundle {profile.ca_bundle} is not a readable file")
    connection = Connection(
        host=profile.host,
        account_id=profile.account_id,
        client_id=profile.client_id,
        app_id=profile.app_id or None,
        max_rpm=DEFAULT_MAX_RPM if max_rpm is None else max_rpm,
        timeout=settings.timeout,
        ca_bundle=ca_bundle,
        backoff_base=settings.backoff_base,
        backoff_max=settings.backoff_max,
        budget_dir=str(budget_dir()),
    )
    return KoreClient(connection, secret, on_retry=on_retry, on_budget_wait=on_budget_wait)


@dataclass(eq=False)
class Session:
    """One profile, connected: what every screen, view and command of that profile works with."""

    profile: Profile
    client: KoreClient
    cache: RowCache
    settings: Settings = field(default_factory=Settings)
    clock: Callable[[], float] = time.time  # "now" for ages and freshness; tests pin it

    @classmethod
    def open(cls, profile: Profile, secret: str, cache: RowCache, *, settings: Settings | None = None,
             clock: Callable[[], float] = time.time) -> Session:
        """Connect as ``profile``. Raises what the client raises for a profile it cannot use
        (an insecure host, an unreadable CA bundle, an id no header can carry)."""
        settings = settings or Settings()
        session = cls(profile, make_client(profile, secret, settings), cache, settings, clock)
        cache.region = session.region  # numbers written without a country code are read there
        return session

    @property
    def region(self) -> str | None:
        """Where numbers without a country code are: ``--region``, else the profile's (or
        ``KORE_REGION``), else nowhere (only international forms are understood)."""
        return normal_region(self.settings.region) or normal_region(self.profile.region)

    @property
    def budget(self) -> RequestBudget | SharedBudget:
        return self.client.budget

    def view_key(self, stream: str, list_id: str = DIRECTORY) -> ViewKey:
        return ViewKey(self.profile.name, stream, list_id)

    def source(self, stream: str, list_id: str = DIRECTORY) -> ViewSource:
        """The pages of one view: the stream's directory, or one of its contact lists."""
        from kore_tui.sources import ViewSource

        return ViewSource(self.client, self.cache, self.view_key(stream, list_id), clock=self.clock)

    def outcomes_source(self, stream: str, campaign_id: str) -> CampaignOutcomesSource:
        """The pages of a campaign's per-number outcomes, cached under ``campaign:<id>``."""
        from kore_tui.sources import CampaignOutcomesSource, outcomes_key

        return CampaignOutcomesSource(self.client, self.cache, outcomes_key(self.profile.name, stream, campaign_id),
                                      clock=self.clock)

    async def campaigns(self, stream: str, *, refresh: bool = False) -> list[Campaign]:
        """The stream's campaigns (voice, then SMS), from a fresh cache or the server."""
        from kore_tui.sources import stream_campaigns

        return await stream_campaigns(self.client, self.cache, self.profile.name, stream, refresh=refresh,
                                      clock=self.clock)

    async def contact_lists(self, stream: str, *, refresh: bool = False) -> list[ContactList]:
        """The stream's contact lists, from a fresh cache or one request."""
        from kore_tui.sources import stream_contact_lists

        return await stream_contact_lists(self.client, self.cache, self.profile.name, stream,
                                          refresh=refresh, clock=self.clock)

    async def find_phone(self, stream: str, phone: str, **options: Any) -> LookupResult:
        """Where ``phone`` is in the stream (see :func:`kore_tui.lookup.find_phone`)."""
        from kore_tui.lookup import find_phone

        return await find_phone(self.client, self.cache, self.profile.name, stream, phone, clock=self.clock,
                                region=self.region, **options)

    async def aclose(self) -> None:
        await self.client.aclose()


class SessionFactory(Protocol):
    """How the app turns a profile and its secret into a Session: tests pass one that connects
    to a server of theirs, or one that fails."""

    def __call__(self, profile: Profile, secret: str, cache: RowCache) -> Session: ...


def session_factory(settings: Settings | None = None, clock: Callable[[], float] = time.time) -> SessionFactory:
    """The usual factory: :meth:`Session.open` with these settings and clock."""

    def open_session(profile: Profile, secret: str, cache: RowCache) -> Session:
        return Session.open(profile, secret, cache, settings=settings, clock=clock)

    return open_session


def exposure_warning(config_file: Path | None = None) -> str | None:
    """A sentence when the config, the cache or the log (a file or its dir) is readable by other
    users: each holds what the user would not share."""
    return config.exposure_warning(config_file, cache_path(), log_path())
