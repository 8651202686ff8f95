"""Timeline summaries of sales events in the reader's language (amounts with the language's separators)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

from django.utils import translation
from django.utils.formats import get_format, number_format
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from lojal.sales.models import HoldingStatus, TransactionKind

_CENT = Decimal("0.01")


@lru_cache(maxsize=32)
def _number_style(language: str | None) -> tuple[str, str, Any]:
    return (
        str(get_format("DECIMAL_SEPARATOR", language, use_l10n=True)),
        str(get_format("THOUSAND_SEPARATOR", language, use_l10n=True)),
        get_format("NUMBER_GROUPING", language, use_l10n=True),
    )


def _money(amount: Any, currency: str, language: str | None) -> str:
    try:
        value = amount if type(amount) is Decimal else Decimal(str(amount))
    except InvalidOperation:
        return f"{amount} {currency}"
    decimal_separator, thousand_separator, grouping = _number_style(language)
    if grouping == 3 and value == value.quantize(_CENT):
        # Django's number_format, without its per-call look-ups: an import renders a summary per row.
        whole, cents = f"{value:,.2f}".split(".")
        return f"{whole.replace(',', thousand_separator)}{decimal_separator}{cents} {currency}"
    return f"{number_format(value, decimal_pos=2, use_l10n=True, force_grouping=True)} {currency}"


#: Money leaving the customer's side is stored negative; its words already say which way it went.
_OUTGOING = {TransactionKind.REFUND.value, TransactionKind.WITHDRAWAL.value}

_PHRASES = {
    TransactionKind.PURCHASE.value: gettext_lazy("Purchase of %(amount)s"),
    TransactionKind.REFUND.value: gettext_lazy("Refund of %(amount)s"),
    TransactionKind.DEPOSIT.value: gettext_lazy("Deposit of %(amount)s"),
    TransactionKind.WITHDRAWAL.value: gettext_lazy("Withdrawal of %(amount)s"),
    TransactionKind.TRADE.value: gettext_lazy("Trade of %(amount)s"),
    TransactionKind.SUBSCRIPTION_PAYMENT.value: gettext_lazy("Subscription payment of %(amount)s"),
}


@lru_cache(maxsize=32)
def _phrases(language: str | None) -> dict[str, str]:
    with translation.override(language):
        return {kind: str(phrase) for kind, phrase in _PHRASES.items()}


def transaction_summary(*, kind: str, amount: Any, currency: str, product: str = "") -> str:
    """ "Refund of 199.00 SEK: Product" in the active language, with its number separators."""
    try:
        value: Any = amount if type(amount) is Decimal else Decimal(str(amount))
        if kind in _OUTGOING:
            value = abs(value)
    except InvalidOperation:
        value = amount
    language = get_language()
    money = _money(value, currency, language)
    phrase = _phrases(language).get(kind)
    if phrase is not None:
        text = phrase % {"amount": money}
    else:
        text = _("%(kind)s of %(amount)s") % {
            "kind": dict(TransactionKind.choices).get(kind, kind),
            "amount": money,
        }
    return f"{text}: {product}" if product else text


def sales_event_summary(*, kind: str, data: dict[str, Any]) -> str:
    if kind == "sales.transaction" and "amount" in data:
        return transaction_summary(
            kind=data.get("kind", ""),
            amount=data["amount"],
            currency=data.get("currency", ""),
            product=data.get("product", ""),
        )
    if kind == "sales.holding_opened" and "name" in data:
        return _("Holding opened: %(name)s") % {"name": data["name"]}
    if kind == "sales.holding_changed" and "name" in data:
        status = dict(HoldingStatus.choices).get(data.get("status", ""), data.get("status", ""))
        return _("Holding %(name)s: %(status)s") % {"name": data["name"], "status": status}
    return ""
