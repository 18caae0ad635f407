"""Classifying a number in the E.164 form the cache stores: valid, its country and type,
why an impossible one is impossible (libphonenumber, imported when first needed).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from kore_tui.country_names import country_name as country_name_of_region

if TYPE_CHECKING:
    import phonenumbers



# -- numbers --------------------------------------------------------------------------------------


def _from_e164(e164: str) -> phonenumbers.PhoneNumber | None:
    """A stored E.164 string as a PhoneNumber, without parsing it again."""
    import phonenumbers

    digits = e164[1:]
    for length in (1, 2, 3):
        if not digits[:length].isdigit():
            return None
        code = int(digits[:length])
        if code in phonenumbers.COUNTRY_CODE_TO_REGION_CODE:
            national = digits[length:]
            if not national.isdigit() or not national.strip("0"):
                return None
            number = phonenumbers.PhoneNumber(country_code=code, national_number=int(national))
            zeros = len(national) - len(national.lstrip("0"))
            if zeros:  # Italy's leading zero is part of the number
                number.italian_leading_zero = True
                number.number_of_leading_zeros = zeros
            return number
    return None


def e164_facts(e164: str) -> tuple[bool, str | None, str]:
    """(valid, ISO region, number type) of a number in the E.164 form the cache stores: what
    :func:`kore_tui.phones.number_facts` says of it (bar the country's name), at a third of its
    cost (no parse, one type match): insights classify every distinct number of a view."""
    import phonenumbers
    from phonenumbers import PhoneNumberType

    from kore_tui.phones import _kind_names

    number = _from_e164(e164)
    if number is None:
        return False, None, ""
    helper = _type_helper()
    regions = phonenumbers.COUNTRY_CODE_TO_REGION_CODE.get(number.country_code or 0, ())
    if helper is not None and len(regions) > 1:
        # As region_code_for_number, which matches the type of each region in turn: the type
        # that found the region is the number's (is_valid_number would match it once more).
        nsn = phonenumbers.national_significant_number(number)
        for where in regions:
            metadata = phonenumbers.PhoneMetadata.metadata_for_region(where.upper(), None)
            if metadata is None:
                continue
            if metadata.leading_digits is not None:
                if re.match(metadata.leading_digits, nsn):
                    return _typed(number, where, helper)
                continue
            number_type = helper(nsn, metadata)
            if number_type != PhoneNumberType.UNKNOWN:
                return True, where, _kind_names().get(number_type, "")
        return False, None, ""
    region = phonenumbers.region_code_for_number(number)
    if region is None:
        return False, None, ""
    if region == phonenumbers.REGION_CODE_FOR_NON_GEO_ENTITY or helper is None:
        valid = phonenumbers.is_valid_number(number)
        kind = _kind_names().get(phonenumbers.number_type(number), "") if valid else ""
        return valid, region if valid else None, kind
    return _typed(number, region, helper)


def _typed(number: phonenumbers.PhoneNumber, region: str,
           helper: Callable[[str, Any], int]) -> tuple[bool, str | None, str]:
    """is_valid_number_for_region and number_type, the region known."""
    import phonenumbers
    from phonenumbers import PhoneNumberType

    from kore_tui.phones import _kind_names

    code = int(number.country_code or 0)
    metadata = phonenumbers.PhoneMetadata.metadata_for_region_or_calling_code(code, region)
    if metadata is None or phonenumbers.country_code_for_valid_region(region) != code:
        return False, None, ""
    number_type = helper(phonenumbers.national_significant_number(number), metadata)
    if number_type == PhoneNumberType.UNKNOWN:
        return False, None, ""
    return True, region, _kind_names().get(number_type, "")


def _type_helper() -> Callable[[str, Any], int] | None:
    try:  # private to phonenumbers: with another version, the public calls at their cost
        from phonenumbers.phonenumberutil import _number_type_helper
    except ImportError:  # pragma: no cover
        return None
    helper: Callable[[str, Any], int] = _number_type_helper
    return helper


def impossible_reason(raw: str) -> str:
    """Why a stored number is no possible number: too short, too long, no such country code, or
    not a phone number at all (read as international, as the cache reads it first)."""
    import phonenumbers

    from kore_tui.phones import digits_of, looks_like_phone

    if not looks_like_phone(raw):
        return "not a phone number"
    try:
        number = phonenumbers.parse("+" + digits_of(raw).removeprefix("00") if raw.strip().startswith("00")
                                    else "+" + digits_of(raw), None)
    except phonenumbers.NumberParseException as exc:
        if exc.error_type == phonenumbers.NumberParseException.TOO_LONG:
            return "too long"
        if exc.error_type == phonenumbers.NumberParseException.INVALID_COUNTRY_CODE:
            return "invalid country code"
        return "not a phone number"
    reason = phonenumbers.is_possible_number_with_reason(number)
    results = phonenumbers.ValidationResult
    return {results.TOO_SHORT: "too short", results.TOO_LONG: "too long",
            results.INVALID_LENGTH: "no possible length", results.INVALID_COUNTRY_CODE: "invalid country code",
            results.IS_POSSIBLE_LOCAL_ONLY: "a local number only"}.get(reason, "not possible")


def country_name(e164: str) -> str:
    """The English name of the country a valid number belongs to ("" when it has none), from
    our own table: phonenumbers' geocoder would load ~100 MB of names in every language."""
    import phonenumbers

    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return ""
    if not phonenumbers.is_valid_number(number):
        return ""
    return country_name_of_region(phonenumbers.region_code_for_number(number))


def calling_code(e164: str, region: str) -> str:
    import phonenumbers

    return f"+{phonenumbers.country_code_for_region(region)}"
