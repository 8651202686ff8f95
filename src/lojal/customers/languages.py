"""A new customer's preferred language when none is given: the language of the country they live in
(their address, else their phone number, else their national number), else the company's own
(that of ``LOJAL_DEFAULT_COUNTRY``). A Norwegian contact gets Norwegian, not the Swedish default."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import phonenumbers
from django.conf import settings

from lojal.customers.models import Language

#: The country -> language rule; countries not listed take the company's language.
COUNTRY_LANGUAGES: dict[str, str] = {
    "NO": Language.NB.value,
    "SE": Language.SV.value,
    "DK": Language.DA.value,
    "FI": Language.FI.value,
}


def language_for_country(country: str) -> str | None:
    """The language customers in ``country`` (ISO 3166 alpha-2) are written to in, if the rule knows it."""
    return COUNTRY_LANGUAGES.get((country or "").upper())


def company_language() -> str:
    """The language of the company's own country: what a customer from anywhere else gets."""
    return language_for_country(settings.DEFAULT_COUNTRY) or Language.SV.value


def phone_country(number: str) -> str:
    """The country of an E.164 phone number ("+4791234567" -> "NO"); empty when it says none."""
    try:
        return phonenumbers.region_code_for_number(phonenumbers.parse(number, None)) or ""
    except phonenumbers.NumberParseException:
        return ""


def preferred_language_derived(cleaned: Mapping[str, Any]) -> str:
    """The preferred language of a new customer from its cleaned data (``customer_clean``): the one
    given, else the country's of the first address, phone or national number, else the company's."""
    given = cleaned.get("preferred_language")
    if given:
        return str(given)
    countries = []
    if cleaned.get("addresses"):
        countries.append(cleaned["addresses"][0].get("country", ""))
    if cleaned.get("phones"):
        countries.append(phone_country(cleaned["phones"][0].get("number", "")))
    national_id = cleaned.get("national_id")
    if national_id is not None:
        countries.append(getattr(national_id, "country", ""))
    for country in countries:
        if language := language_for_country(country):
            return language
    return company_language()
