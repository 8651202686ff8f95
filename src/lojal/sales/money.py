"""Money in several currencies: configured conversion rates, and totals that are never silently added
across currencies (a sum is converted with a known rate, or not made at all)."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation

from django.conf import settings


def currency_rates(text: str | None = None) -> dict[str, Decimal]:
    """Rates into the reporting currency from LOJAL_CURRENCY_RATES ("EUR=11.45,NOK=0.98"); the
    reporting currency itself is always 1. Malformed entries are ignored rather than guessed."""
    rates = {settings.REPORTING_CURRENCY: Decimal(1)}
    for part in (settings.CURRENCY_RATES if text is None else text).split(","):
        code, _sep, value = part.partition("=")
        code = code.strip().upper()
        try:
            rate = Decimal(value.strip())
        except InvalidOperation:
            continue
        if len(code) == 3 and rate > 0:
            rates[code] = rate
    return rates


def converted_total(amounts: Mapping[str, Decimal], rates: Mapping[str, Decimal]) -> Decimal | None:
    """The sum of ``amounts`` (currency -> amount) in the reporting currency, or None when a rate is missing."""
    total = Decimal(0)
    for currency, amount in amounts.items():
        if currency not in rates:
            return None
        total += amount * rates[currency]
    return total.quantize(Decimal("0.01"))
