"""Timeline summaries of sales events in the reader's language (amounts with the language's separators)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

import polars as pl
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


def _grouped_money(amount: pl.Expr, currency: pl.Expr, language: str | None) -> pl.Expr | None:
    """:func:`_money` over a column of amounts as text with two decimals ("-1234.50"), or None when the
    language does not group by threes (then only the scalar path formats it exactly)."""
    decimal_separator, thousand_separator, grouping = _number_style(language)
    if grouping != 3:
        return None
    digits = amount.str.strip_prefix("-")
    whole, cents = digits.str.extract(r"^([0-9]+)\.", 1), digits.str.extract(r"\.([0-9]{2})$", 1)
    # Groups of three counted from the right: from the left of the reversed digits.
    grouped = (
        whole.str.reverse()
        .str.replace_all(r"([0-9]{3})", "${1},")
        .str.strip_suffix(",")
        .str.reverse()
        .str.replace_all(",", thousand_separator, literal=True)
    )
    sign = pl.when(amount.str.starts_with("-")).then(pl.lit("-")).otherwise(pl.lit(""))
    return pl.concat_str([sign, grouped, pl.lit(decimal_separator), cents, pl.lit(" "), currency])


def transaction_summaries(
    *, kind: pl.Expr, amount: pl.Expr, currency: pl.Expr, product: pl.Expr
) -> pl.Expr | None:
    """:func:`transaction_summary` as one expression over columns (``amount`` as text with two
    decimals, ``product`` "" for none), in the active language; None when only the scalar form can
    say it exactly."""
    language = get_language()
    shown = pl.when(kind.is_in(list(_OUTGOING))).then(amount.str.strip_prefix("-")).otherwise(amount)
    money = _grouped_money(shown, currency, language)
    if money is None:
        return None
    phrases = _phrases(language)
    labels = {value: str(label) for value, label in TransactionKind.choices}
    before, _sep, after = _("%(kind)s of %(amount)s").partition("%(amount)s")
    kind_before, _sep, kind_after = before.partition("%(kind)s")
    # The words around the amount for each known kind; other kinds as the scalar form says them.
    prefix = kind.replace_strict(
        {kind: phrase.partition("%(amount)s")[0] for kind, phrase in phrases.items()},
        default=pl.concat_str([pl.lit(kind_before), kind.replace(labels), pl.lit(kind_after)]),
        return_dtype=pl.String,
    )
    suffix = kind.replace_strict(
        {kind: phrase.partition("%(amount)s")[2] for kind, phrase in phrases.items()},
        default=pl.lit(after),
        return_dtype=pl.String,
    )
    text = pl.concat_str([prefix, money, suffix])
    return pl.when(product != "").then(pl.concat_str([text, pl.lit(": "), product])).otherwise(text)


def sales_event_summaries(*, kind: str, data: dict[str, pl.Expr]) -> pl.Expr | None:
    """:func:`sales_event_summary` over columns of event data, for the kinds a bulk path writes."""
    if kind == "sales.transaction":
        return transaction_summaries(
            kind=data["kind"], amount=data["amount"], currency=data["currency"], product=data["product"]
        )
    return None
