"""The platform's HTTP API: token minting, a typed client, page models and errors.

Nothing in this package imports Textual.
"""

from kore_tui.api.errors import (
    ApiError,
    AuthError,
    BadResponseError,
    InsecureURLError,
    NetworkError,
    NotFoundError,
    RateLimitedError,
    ServerError,
)
from kore_tui.api.models import CampaignContact, ContactList, DirectoryContact, Page

__all__ = [
    "ApiError",
    "AuthError",
    "BadResponseError",
    "CampaignContact",
    "ContactList",
    "DirectoryContact",
    "InsecureURLError",
    "NetworkError",
    "NotFoundError",
    "Page",
    "RateLimitedError",
    "ServerError",
]
