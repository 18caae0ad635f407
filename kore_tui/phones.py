"""Phone numbers as phone numbers: the E.164 form of what is stored and of what a user types.

The platform's contact lists store numbers without a ``+`` (``912223334444``), the directory
with one (``+91 22 2333 4444``), and people type them as they would dial at home
(``022 2333 4444``, ``0091 22 2333 4444``, ``(201) 555-0100``). Each becomes one E.164 string
(``+912223334444``) with Google's libphonenumber rules (the ``phonenumbers`` package), so a
lookup is an equality, not a guess on digits. A stored number without ``+`` is read as
international first (as the lists store them), then in the profile's region; a typed one in the
region first. Without a region only international forms are understood. No Textual here.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from kore_tui.country_names import country_name

if TYPE_CHECKING:
    import phonenumbers

# phonenumbers (and its metadata) loads when a number is first parsed, not with this module: a
# command that parses no number starts without it.

ENV_REGION = "KORE_REGION"
_NON_DIGITS = re.compile(r"\D+")
_PHONE_LIKE = re.compile(r"[\d\s+\-().]+")
MIN_DIGITS = 3  # a shorter query is not looked up as digits


def digits_of(text: str) -> str:
    return _NON_DIGITS.sub("", text)


def looks_like_phone(text: str) -> bool:
    """Only digits, spaces and ``+-().``: a number as people write it."""
    return bool(_PHONE_LIKE.fullmatch(text.strip())) and len(digits_of(text)) >= MIN_DIGITS


def normal_region(region: str | None) -> str | None:
    """An ISO region code (``us`` -> ``US``), or None when it is not one phonenumbers knows."""
    if not region:
        return None
    import phonenumbers

    code = region.strip().upper()
    return code if code in phonenumbers.SUPPORTED_REGIONS else None


def _parse(text: str, region: str | None) -> phonenumbers.PhoneNumber | None:
    import phonenumbers

    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return None
    return number if phonenumbers.is_possible_number(number) else None


def _international(text: str) -> str | None:
    """``00 91 …`` or ``+91 …`` as ``+91…``; None when it is written as a national number."""
    stripped = text.strip()
    if stripped.startswith("+"):
        return "+" + digits_of(stripped)
    if stripped.startswith("00") and len(digits_of(stripped)) > 4:
        return "+" + digits_of(stripped)[2:]
    return None


def _best(candidates: list[tuple[str, str | None]]) -> str | None:
    """The first candidate that is a valid number, else the first that is a possible one."""
    import phonenumbers

    parsed = [number for text, region in candidates if (number := _parse(text, region)) is not None]
    chosen = next((n for n in parsed if phonenumbers.is_valid_number(n)), parsed[0] if parsed else None)
    return None if chosen is None else phonenumbers.format_number(chosen, phonenumbers.PhoneNumberFormat.E164)


@functools.lru_cache(maxsize=65_536)  # lists repeat numbers, and the cache writes every row's
def stored_e164(raw: str, region: str | None = None) -> str | None:
    """The E.164 form of a number as the platform stores it (international first, as its lists
    store them without ``+``, then in ``region``), or None when it is no possible number (it
    stays searchable by its digits)."""
    if not raw or not looks_like_phone(raw):
        return None
    international = _international(raw)
    if international is not None:
        return _best([(international, None)])
    return _best([("+" + digits_of(raw), None)] + ([(raw, region)] if region else []))


def query_e164(text: str, region: str | None = None) -> str | None:
    """The E.164 form of a number as a user types it (the region's national and IDD forms too),
    or None when it is no possible number."""
    if not looks_like_phone(text):
        return None
    international = _international(text)
    if international is not None:
        return _best([(international, None)] + ([(text, region)] if region else []))
    return _best(([(text, region)] if region else []) + [("+" + digits_of(text), None)])


@dataclass(frozen=True, slots=True)
class NumberFacts:
    """What libphonenumber says of one number, for the detail pane and insights."""

    e164: str | None
    valid: bool
    region: str | None  # ISO code of the country it belongs to
    country: str  # that country's name (English), or ""
    kind: str  # "mobile", "fixed line", "toll free", ... or ""


_KINDS = {  # phonenumbers.PhoneNumberType's values
    "MOBILE": "mobile",
    "FIXED_LINE": "fixed line",
    "FIXED_LINE_OR_MOBILE": "fixed line or mobile",
    "TOLL_FREE": "toll free",
    "PREMIUM_RATE": "premium rate",
    "SHARED_COST": "shared cost",
    "VOIP": "VoIP",
    "PERSONAL_NUMBER": "personal",
    "PAGER": "pager",
    "UAN": "UAN",
    "VOICEMAIL": "voicemail",
}


@functools.cache
def _kind_names() -> dict[int, str]:
    import phonenumbers

    return {getattr(phonenumbers.PhoneNumberType, name): words for name, words in _KINDS.items()}


def number_facts(raw: str, region: str | None = None) -> NumberFacts:
    import phonenumbers

    e164 = stored_e164(raw, region)
    if e164 is None:
        return NumberFacts(None, False, None, "", "")
    number = phonenumbers.parse(e164, None)
    valid = phonenumbers.is_valid_number(number)
    where = phonenumbers.region_code_for_number(number) if valid else None
    country = country_name(where) if valid else ""
    kind = _kind_names().get(phonenumbers.number_type(number), "") if valid else ""
    return NumberFacts(e164, valid, where, country, kind)
