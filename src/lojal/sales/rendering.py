"""Timeline summaries of sales events in the reader's language (amounts with the language's separators)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from lojal.sales.models import HoldingStatus, TransactionKind


def _money(amount: Any, currency: str) -> str:
    try:
        value = Decimal(str(amount))
    except InvalidOperation:
        return f"{amount} {currency}"
    return f"{number_format(value, decimal_pos=2, use_l10n=True, force_grouping=True)} {currency}"


def sales_event_summary(*, kind: str, data: dict[str, Any]) -> str:
    if kind == "sales.transaction" and "amount" in data:
        label = dict(TransactionKind.choices).get(data.get("kind", ""), data.get("kind", ""))
        text = _("%(kind)s of %(amount)s") % {
            "kind": label,
            "amount": _money(data["amount"], data.get("currency", "")),
        }
        return f"{text}: {data['product']}" if data.get("product") else text
    if kind == "sales.holding_opened" and "name" in data:
        return _("Holding opened: %(name)s") % {"name": data["name"]}
    if kind == "sales.holding_changed" and "name" in data:
        status = dict(HoldingStatus.choices).get(data.get("status", ""), data.get("status", ""))
        return _("Holding %(name)s: %(status)s") % {"name": data["name"], "status": status}
    return ""
