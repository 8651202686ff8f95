"""The days each Nordic country is closed: its public holidays from the ``holidays`` package (pure data,
no network) and the de facto holidays almost every business keeps closed although no law says so.

- Sweden: the public holidays and the package's ``de_facto`` category (midsommarafton, julafton,
  nyårsafton).
- Norway: the public holidays (17 May, Christmas, Easter, ...).
- Denmark: the public holidays and, of the package's ``optional`` category, Grundlovsdag (5 June),
  juleaftensdag (24 December) and nytårsaftensdag (31 December); not 1 May, which many keep open.
- Finland: the public holidays, which already hold juhannusaatto (midsummer eve) and jouluaatto.

No Django here: the arithmetic calls :func:`closed_dates` for each year it needs.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import holidays

COUNTRIES = ("SE", "NO", "DK", "FI")

#: The package's categories each country closes on.
_CATEGORIES: dict[str, tuple[str, ...]] = {
    "SE": (holidays.PUBLIC, holidays.DE_FACTO),
    "NO": (holidays.PUBLIC,),
    "DK": (holidays.PUBLIC, holidays.OPTIONAL),
    "FI": (holidays.PUBLIC,),
}

#: Days of an optional category that are kept closed (month, day); the rest of the category is not.
_OPTIONAL_KEPT: dict[str, frozenset[tuple[int, int]]] = {
    "DK": frozenset({(6, 5), (12, 24), (12, 31)}),
}

#: The package's language for each page language, per country (the names it has translations for).
_LANGUAGES: dict[str, dict[str, str]] = {
    "en": {"SE": "en_US", "NO": "en_US", "DK": "en_US", "FI": "en_US"},
    "sv": {"SE": "sv", "FI": "sv_FI"},
    "nb": {"NO": "no"},
}


def _kept(country: str, year: int, language: str | None) -> dict[dt.date, str]:
    found: dict[dt.date, str] = {}
    for category in _CATEGORIES[country]:
        days = holidays.country_holidays(country, years=year, categories=(category,), language=language)
        kept = _OPTIONAL_KEPT.get(country) if category == holidays.OPTIONAL else None
        for day, name in sorted(days.items()):
            if kept is not None and (day.month, day.day) not in kept:
                continue
            # A day in two categories (none today) is listed once, under its first name.
            found.setdefault(day, name)
    return dict(sorted(found.items()))


@lru_cache(maxsize=512)
def closed_dates(country: str, year: int) -> frozenset[dt.date]:
    """The dates of ``year`` on which a calendar of ``country`` (SE, NO, DK, FI) is closed; none for
    an empty or unknown country."""
    if country not in _CATEGORIES:
        return frozenset()
    return frozenset(_kept(country, year, None))


@lru_cache(maxsize=256)
def _named(country: str, year: int, language: str) -> tuple[tuple[dt.date, str], ...]:
    return tuple(_kept(country, year, language).items())


def holiday_names(country: str, year: int, *, language: str) -> tuple[str, list[tuple[dt.date, str]]]:
    """The closed days of ``year`` with their names, for a page in ``language`` (en, sv, nb): the
    names in that language when the package has them for the country, in English otherwise. Returns
    the language the names are in (``en``, ``sv``, ``nb``, for the page's ``lang`` attribute) and the
    days in date order."""
    if country not in _CATEGORIES:
        return language, []
    package_language = _LANGUAGES.get(language, {}).get(country)
    shown = language
    if package_language is None:
        package_language, shown = "en_US", "en"
    return shown, list(_named(country, year, package_language))
