"""Money in several currencies: configured conversion rates, and totals that are never silently added
across currencies (a sum is converted with a known rate, or not made at all)."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.utils.translation import gettext as _

#: Decimal places of each currency's smallest unit (ISO 4217); two unless listed.
CURRENCY_DECIMALS = {"ISK": 0}
#: Kinds whose amount is money coming in, never below zero (zero is real: a free item, CDNOW's data
#: has such lines); a refund or withdrawal may be stated with either sign (its kind says which way
#: the money went) and a trade may be a sale or a buy.
NON_NEGATIVE_KINDS = frozenset({"purchase", "subscription_payment", "deposit"})
QUANTITY_DECIMALS = 3


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


def currency_decimals(currency: str) -> int:
    return CURRENCY_DECIMALS.get(currency, 2)


def amount_fault(amount: Decimal, *, currency: str, kind: str = "") -> str | None:
    """Why ``amount`` cannot be a ledger's amount of ``kind`` in ``currency``, or None. Never rounds: a
    fraction of the smallest unit is refused, as is a negative zero (no ledger writes -0)."""
    if amount.is_zero() and amount.is_signed():
        return _("An amount of -0 is not a number a ledger writes; write 0.")
    places = currency_decimals(currency)
    if amount.as_tuple().exponent < -places and amount != round(amount, places):  # type: ignore[operator]
        return _("At most %(places)d decimals in %(currency)s; nothing is rounded.") % {
            "places": places,
            "currency": currency,
        }
    if kind in NON_NEGATIVE_KINDS and amount < 0:
        return _("Cannot be negative for this kind; money going back is a refund or a withdrawal.")
    return None


def quantity_fault(quantity: Decimal) -> str | None:
    """Why ``quantity`` cannot be a transaction's quantity (more than zero, at most three decimals)."""
    if quantity <= 0:
        return _("Must be more than zero.")
    if quantity.as_tuple().exponent < -QUANTITY_DECIMALS and quantity != round(quantity, QUANTITY_DECIMALS):  # type: ignore[operator]
        return _("At most %(places)d decimals; nothing is rounded.") % {"places": QUANTITY_DECIMALS}
    return None
