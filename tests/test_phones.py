"""The table of country names agrees with phonenumbers' own (which costs ~100 MB to load)."""

from __future__ import annotations

import phonenumbers
from phonenumbers import geocoder

from kore_tui.country_names import COUNTRY_NAMES, country_name
from kore_tui.phones import number_facts


def test_every_region_has_its_english_name_as_phonenumbers_gives_it() -> None:
    assert set(COUNTRY_NAMES) == set(phonenumbers.SUPPORTED_REGIONS)
    for region in phonenumbers.SUPPORTED_REGIONS:
        example = phonenumbers.example_number(region)
        theirs = geocoder.country_name_for_number(example, "en") if example else ""
        assert COUNTRY_NAMES[region] == theirs or (not theirs and COUNTRY_NAMES[region]), region


def test_number_facts_name_the_country_without_the_geocoder() -> None:
    facts = number_facts("912223334444")
    assert (facts.valid, facts.region, facts.country, facts.kind) == (True, "IN", "India", "fixed line")
    assert country_name("GB") == "United Kingdom" and country_name(None) == "" and country_name("ZZ") == ""
