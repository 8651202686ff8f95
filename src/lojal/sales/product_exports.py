"""The product list as an export source (:mod:`lojal.core.exports`): the list's filters from its query
string, a choice of columns, rows in keyset batches of the list's order (name, code, id)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from django.utils.translation import gettext_lazy as _

from lojal.core.exports import BATCH_ROWS, Column, ExportPlan, Row, columns_chosen
from lojal.core.pagination import keyset_batches
from lojal.sales import catalogue_selectors

FIELDS = ("id", "code", "name", "category__name", "unit_price", "currency", "is_active", "needs_completion")
DEFAULT_COLUMNS = ("code", "name", "category", "unit_price", "currency", "active")
COLUMNS = (
    Column("code", _("Code")),
    Column("name", _("Name")),
    Column("category", _("Category"), lambda row: row["category__name"] or ""),
    # A Decimal: exact text in CSV, a number in XLSX (or exact text when a binary number cannot hold it).
    Column("unit_price", _("Unit price"), lambda row: row["unit_price"]),
    Column("currency", _("Currency")),
    Column("active", _("Active"), lambda row: row["is_active"]),
    Column("to_complete", _("To complete"), lambda row: row["needs_completion"]),
)


def product_export_plan(params: Mapping[str, Any], user: Any) -> ExportPlan:
    """The product list with the filters and columns of ``params``."""
    filters = catalogue_selectors.product_filters_from_query(params)
    columns = columns_chosen(params, available=COLUMNS, default=DEFAULT_COLUMNS)
    products = catalogue_selectors.product_list(filters=filters)
    rows = products.values(*FIELDS)

    def batches() -> Iterator[list[Row]]:
        yield from keyset_batches(rows, size=BATCH_ROWS)

    described = {
        key: value
        for key, value in (("q", filters.q), ("category", filters.category), ("active", filters.active))
        if value
    }
    return ExportPlan(
        source="products",
        columns=columns,
        total=products.order_by().count(),
        batches=batches,
        described=described,
        object_type="sales.product",
    )
