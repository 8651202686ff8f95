"""Typing one transaction row at a time: the check's way for rows the columns could not type (a
number in another notation, a date before 1970, several customer references, a bad value). Every
bad field of such a row is rejected with its line, field, value and reason."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from lojal.core.inputs import date_fault
from lojal.imports.base import CustomerResolver, Importer
from lojal.imports.rules.numbers import NumberError, number_parse
from lojal.imports.transactions.words import (
    CENT,
    CURRENCIES,
    PLACES,
    THOUSANDTH,
    channel_of,
    currency_of,
    kind_of,
)
from lojal.imports.values import number_error_text, parse_moment
from lojal.sales.models import TransactionKind
from lojal.sales.money import amount_fault, quantity_fault


class RowTyping(Importer):
    """The row-by-row half of the transaction check (the columnar half is in ``check``)."""

    position: dict[str, int]  # field -> place in a row's mapped values
    references: list[tuple[str, int]]  # the customer reference fields present, most specific first
    resolver: CustomerResolver
    products: dict[str, int]
    zone_name: str
    number_locale: str

    def _customer(self, values: list[str]) -> tuple[int | None, str, str, str]:
        """(customer id, field, reason when not found, the value looked for) of a row, as
        :meth:`CustomerResolver.resolve` gives them; one reference column, the usual case, is looked up
        directly."""
        if len(self.references) != 1:
            reference = {name: values[at] for name, at in self.references}
            customer_id, field, reason = self.resolver.resolve(reference)
            return customer_id, field, reason, reference.get(field, "")
        name, at = self.references[0]
        value = values[at]
        if not value:
            return None, "customer", _("No customer is given on this row."), ""
        key = (name, value)
        if key not in self.resolver.found:
            return None, name, _("No customer with %(value)s.") % {"value": value}, value
        customer_id = self.resolver.found[key]
        if customer_id is None:
            return None, name, _("Several customers have this email; give a customer id or number."), value
        return customer_id, name, "", value

    def _number(self, text: str) -> Decimal:
        try:
            return number_parse(text, self.number_locale)
        except NumberError as error:
            raise ValueError(number_error_text(error)) from None

    def _exact(self, text: str, places: Decimal) -> Decimal:
        """The number in ``text`` to ``places``; one with more decimals is refused, never rounded
        (\"1.234\" in a file is more likely a thousand than a krona and 23 öre)."""
        number = self._number(text)
        exact = number.quantize(places)
        if exact != number:
            raise ValueError(
                _("Too many decimals: %(value)s (at most %(places)d).")
                % {"value": text[:40], "places": PLACES[places]}
            )
        return exact

    def _parse(self, line: int, values: list[str]) -> tuple[Any, ...] | None:
        """The row's typed values, or None when it is rejected (every bad field is reported)."""
        at = self.position
        ok = True
        customer_id, field, reason, looked_for = self._customer(values)
        if customer_id is None:
            self.reject(line, field, reason, looked_for)
            ok = False
        occurred_at = amount = margin = None
        quantity = Decimal(1)
        text = values[at["occurred_at"]] if "occurred_at" in at else ""
        try:
            occurred_at = parse_moment(text, self.zone_name)
            if fault := date_fault(occurred_at):
                raise ValueError(fault)
        except ValueError as error:
            self.reject(line, "occurred_at", str(error), text)
            ok = False
        amount_text = values[at["amount"]] if "amount" in at else ""
        try:
            amount = self._exact(amount_text, CENT)
        except ValueError as error:
            self.reject(line, "amount", str(error), amount_text)
            ok = False
        if "quantity" in at and (text := values[at["quantity"]]):
            try:
                quantity = self._exact(text, THOUSANDTH)
                if fault := quantity_fault(quantity):
                    raise ValueError(fault)
            except ValueError as error:
                self.reject(line, "quantity", str(error), text)
                ok = False
        money_texts: dict[str, str] = {}
        for name in ("margin", "cost"):
            if name in at and (text := values[at[name]]):
                try:
                    number = self._exact(text, CENT)
                except ValueError as error:
                    self.reject(line, name, str(error), text)
                    ok = False
                    continue
                money_texts[name] = text
                if name == "margin":
                    margin = number
                elif margin is None and amount is not None:
                    margin = amount - number
        kind = TransactionKind.PURCHASE.value
        if "kind" in at and (text := values[at["kind"]]):
            kind = kind_of(text)
            if not kind:
                self.reject(
                    line, "kind", _("Unknown kind of transaction: %(value)s") % {"value": text[:40]}, text
                )
                ok = False
        elif amount is not None and amount < 0:
            # An invoice-line export without a kind writes a credit note as a negative amount.
            kind = TransactionKind.REFUND.value
        channel = ""
        if "channel" in at and (text := values[at["channel"]]):
            channel = channel_of(text)
            if not channel:
                self.reject(line, "channel", _("Unknown channel: %(value)s") % {"value": text[:40]}, text)
                ok = False
        currency = (values[at["currency"]] if "currency" in at else "") or self.job.default_currency
        currency = currency_of(currency)
        if currency not in CURRENCIES:
            self.reject(
                line, "currency", _("Unknown currency: %(value)s") % {"value": currency[:10]}, currency
            )
            ok = False
        # Checked once kind and currency are known; stored exactly, never rounded to fit.
        if amount is not None:
            if fault := amount_fault(amount, currency=currency, kind=kind):
                self.reject(line, "amount", fault, amount_text)
                ok = False
            else:
                amount = amount.quantize(CENT)
        if margin is not None:
            if fault := amount_fault(margin, currency=currency):
                name = "margin" if "margin" in money_texts else "cost"
                self.reject(line, name, fault, money_texts.get(name, ""))
                ok = False
            else:
                margin = margin.quantize(CENT)
        product_id = None
        if "product_code" in at and (code := values[at["product_code"]]):
            product_id = self.products.get(code)
            # An article the catalogue does not have yet keeps its row: the commit makes a stub.
            if product_id is None and len(code) > 60:
                self.reject(line, "product_code", _("At most 60 characters."), code)
                ok = False
        if not ok:
            return None
        return (customer_id, occurred_at, kind, product_id, quantity, amount, currency, margin, channel)
