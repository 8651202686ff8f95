"""The customer list's declaration: its columns, their sorts and the filters its address carries."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from lojal.core.lists import Column, ListSpec

#: The list counts its customers up to here; an exact count of a million rows costs a quarter of a
#: second on every page view, and nobody pages through more than this without a filter.
LIST_COUNT_CAP = 10_000

#: Sort keys are those of :data:`lojal.customers.selectors.SORTS` (``name``, ``-created`` ...).
CUSTOMER_LIST = ListSpec(
    key="customers",
    columns=(
        Column("name", _("Name"), order_by=("sort_name", "id"), required=True),
        Column("number", _("Number"), order_by=("customer_number",), numeric=True),
        Column("email", _("Email"), wide_only=True),
        Column("phone", _("Phone"), wide_only=True),
        Column("city", _("City"), wide_only=True),
        Column("stage", _("Stage")),
        Column("manager", _("Account manager"), wide_only=True),
        Column("tags", _("Tags"), wide_only=True),
        Column("created", _("Created"), order_by=("created_at", "id"), default=False, wide_only=True),
    ),
    default_sort="name",
    count_cap=LIST_COUNT_CAP,
    filters=("q", "stage", "tier", "tag", "manager", "country", "kind"),
)
