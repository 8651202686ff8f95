"""``money``: an amount with two decimals and the language's separators ("1 234,50" in Swedish)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def money(value: Any) -> str:
    if value is None or value == "":
        return ""
    return number_format(Decimal(value), decimal_pos=2, use_l10n=True, force_grouping=True)
