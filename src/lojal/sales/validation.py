"""Checking transaction, holding and product input from the API and the pages; collects every problem
before failing so one answer names every bad field."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from lojal.core.errors import ValidationError
from lojal.core.inputs import attributes_fault, date_fault, text_fault
from lojal.sales.models import Channel, Currency, HoldingStatus, TransactionKind
from lojal.sales.money import amount_fault, quantity_fault

MAX_AMOUNT = Decimal("99999999999999.99")
KINDS = TransactionKind.values
CHANNELS = Channel.values
CURRENCIES = Currency.values
HOLDING_STATUSES = HoldingStatus.values


class Problems:
    def __init__(self) -> None:
        self.by_field: dict[str, list[str]] = {}

    def add(self, field: str, reason: str) -> None:
        self.by_field.setdefault(field, []).append(reason)

    def raise_if_any(self) -> None:
        if self.by_field:
            summary = "; ".join(f"{field}: {' '.join(reasons)}" for field, reasons in self.by_field.items())
            raise ValidationError(summary, errors=self.by_field)


def money(
    value: Any, field: str, problems: Problems, *, required: bool = True, currency: str = "", kind: str = ""
) -> Decimal | None:
    if value is None or value == "":
        if required:
            problems.add(field, _("This field is required."))
        return None
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        problems.add(field, _("Not a number."))
        return None
    if not amount.is_finite() or abs(amount) > MAX_AMOUNT:
        problems.add(field, _("Out of range."))
        return None
    if reason := amount_fault(amount, currency=currency or "SEK", kind=kind):
        problems.add(field, reason)
        return None
    return amount.quantize(Decimal("0.01"))


def choice(value: Any, field: str, allowed: list[str], problems: Problems, *, default: str = "") -> str:
    if value is None or value == "":
        if not default:
            problems.add(field, _("This field is required."))
        return default
    if value not in allowed:
        problems.add(field, _("Must be one of: %(allowed)s.") % {"allowed": ", ".join(allowed)})
        return default
    return str(value)


def moment(value: Any, field: str, problems: Problems) -> dt.datetime | None:
    if not isinstance(value, dt.date):
        problems.add(field, _("Enter a date and time."))
        return None
    if reason := date_fault(value):
        problems.add(field, reason)
        return None
    if isinstance(value, dt.datetime):
        return value if timezone.is_aware(value) else timezone.make_aware(value)
    return timezone.make_aware(dt.datetime.combine(value, dt.time(12)))


def text(value: Any, field: str, problems: Problems, *, limit: int) -> str:
    """``value`` as stored text, at most ``limit`` characters; NUL and lone surrogates are problems."""
    cleaned = str(value or "")
    if reason := text_fault(cleaned):
        problems.add(field, reason)
        return ""
    return cleaned[:limit]


def transaction_clean(data: Mapping[str, Any]) -> dict[str, Any]:
    problems = Problems()
    kind = choice(data.get("kind"), "kind", KINDS, problems)
    currency = choice(data.get("currency"), "currency", CURRENCIES, problems)
    cleaned: dict[str, Any] = {
        "occurred_at": moment(data.get("occurred_at"), "occurred_at", problems),
        "kind": kind,
        "amount": money(data.get("amount"), "amount", problems, currency=currency, kind=kind),
        "currency": currency,
        "margin": money(data.get("margin"), "margin", problems, required=False, currency=currency),
        "channel": choice(data.get("channel"), "channel", [*CHANNELS, ""], problems, default=" ").strip(),
        "external_id": text(data.get("external_id"), "external_id", problems, limit=100),
        "source": text(data.get("source"), "source", problems, limit=60),
        "attributes": data.get("attributes") or {},
    }
    quantity = data.get("quantity", 1)
    try:
        cleaned["quantity"] = Decimal(str(quantity if quantity not in (None, "") else 1))
        if not cleaned["quantity"].is_finite() or abs(cleaned["quantity"]) >= Decimal("1e11"):
            raise InvalidOperation
    except InvalidOperation:
        problems.add("quantity", _("Not a number."))
    else:
        if reason := quantity_fault(cleaned["quantity"]):
            problems.add("quantity", reason)
    if reason := attributes_fault(cleaned["attributes"]):
        problems.add("attributes", reason)
    problems.raise_if_any()
    return cleaned
