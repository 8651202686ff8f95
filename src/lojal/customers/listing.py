"""The customer list's declaration: its columns, their sorts and the filters its address carries."""

from __future__ import annotations

from urllib.parse import urlencode

from django.utils.translation import gettext_lazy as _

from lojal.core.lists import Column, ListSpec, ListState

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

#: The list's columns as the export (``customers:export``) names them; a column the export does not
#: have is left out of the export link rather than refused there.
EXPORT_COLUMNS = {
    "name": "name",
    "number": "number",
    "email": "email",
    "phone": "phone",
    "city": "city",
    "stage": "stage",
    "manager": "account_manager",
    "tags": "tags",
}


def export_query(listing: ListState) -> str:
    """The query string of an export of what the list shows: its filters, sort and columns."""
    columns = ",".join(EXPORT_COLUMNS[key] for key in listing.columns if key in EXPORT_COLUMNS)
    return urlencode([*listing.filters, ("sort", listing.sort), ("columns", columns)])
