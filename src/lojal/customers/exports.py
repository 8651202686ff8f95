"""The customer list as an export source (:mod:`lojal.core.exports`): the list's filters and sort from
its query string, a choice of columns, rows read in keyset batches of the list's order, and national
numbers only as the user may see them (:func:`lojal.customers.selectors.national_id_shown`)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from django.utils.translation import gettext_lazy as _

from lojal.accounts.selectors import staff_list
from lojal.core.exports import BATCH_ROWS, Column, ExportPlan, Row, columns_chosen
from lojal.core.pagination import keyset_batches
from lojal.customers import selectors
from lojal.customers.models import Customer, Kind, Language, Stage, VipTier

#: What each row is read with: the customer's own columns, no joins (tags and managers come apart).
FIELDS = (
    "id",
    "customer_number",
    "display_name",
    "sort_name",
    "kind",
    "first_name",
    "last_name",
    "organisation_name",
    "national_id_display",
    "national_id_kind",
    "primary_email",
    "primary_phone",
    "city",
    "country",
    "lifecycle_stage",
    "vip_tier",
    "account_manager_id",
    "preferred_language",
    "customer_since",
    "created_at",
)
DEFAULT_COLUMNS = ("number", "name", "email", "phone", "city", "stage", "account_manager", "tags")


def _labels(choices: Any) -> dict[str, str]:
    return {value: str(label) for value, label in choices}


def _columns(user: Any) -> list[Column]:
    kinds, stages, tiers, languages = (
        _labels(Kind.choices),
        _labels(Stage.choices),
        _labels(VipTier.choices),
        _labels(Language.choices),
    )

    def national_id(row: Row) -> str:
        if not row["national_id_display"]:
            return ""
        return selectors.national_id_shown(
            user=user, kind=row["national_id_kind"], formatted=row["national_id_display"]
        )

    return [
        Column("number", _("Customer number"), lambda row: row["customer_number"]),
        Column("name", _("Name"), lambda row: row["display_name"]),
        Column("kind", _("Kind"), lambda row: kinds.get(row["kind"], row["kind"])),
        Column("first_name", _("First name")),
        Column("last_name", _("Last name")),
        Column("organisation_name", _("Organisation name")),
        Column("national_id", _("National identity number"), national_id),
        Column("email", _("Email"), lambda row: row["primary_email"]),
        Column("phone", _("Phone"), lambda row: row["primary_phone"]),
        Column("city", _("City")),
        Column("country", _("Country")),
        Column("stage", _("Stage"), lambda row: stages.get(row["lifecycle_stage"], row["lifecycle_stage"])),
        Column("vip_tier", _("VIP tier"), lambda row: tiers.get(row["vip_tier"], row["vip_tier"])),
        Column("account_manager", _("Account manager"), lambda row: row["account_manager"]),
        Column("tags", _("Tags"), lambda row: row["tags"]),
        Column(
            "language",
            _("Preferred language"),
            lambda row: languages.get(row["preferred_language"], row["preferred_language"]),
        ),
        Column("customer_since", _("Customer since")),
        Column("created", _("Created"), lambda row: row["created_at"]),
    ]


def _tags_by_customer(ids: Sequence[int]) -> dict[int, list[str]]:
    names: dict[int, list[str]] = {}
    links = (
        Customer.tags.through.objects.filter(customer_id__in=ids)
        .order_by("tag__name")
        .values_list("customer_id", "tag__name")
    )
    for pk, name in links:
        names.setdefault(pk, []).append(name)
    return names


def customer_export_plan(params: Mapping[str, Any], user: Any) -> ExportPlan:
    """The customer list with the filters, sort and columns of ``params``, as ``user`` may see it."""
    filters = selectors.customer_filters_from_query(params, user=user)
    sort = str(params.get("sort") or "name")
    if sort not in selectors.SORTS:
        sort = "name"
    available = _columns(user)
    columns = columns_chosen(params, available=available, default=DEFAULT_COLUMNS)
    customers = selectors.customers_matching(filters=filters)
    total = customers.count()
    wanted = {column.key for column in columns}
    rows = customers.order_by(*selectors.SORTS[sort]).values(*FIELDS)

    def batches() -> Iterator[list[Row]]:
        managers = (
            {staff.pk: staff.display_name for staff in staff_list(active_only=False)}
            if "account_manager" in wanted
            else {}
        )
        for batch in keyset_batches(rows, size=BATCH_ROWS):
            tags = _tags_by_customer([row["id"] for row in batch]) if "tags" in wanted else {}
            for row in batch:
                row["tags"] = tags.get(row["id"], [])
                row["account_manager"] = managers.get(row["account_manager_id"], "")
            yield batch

    described = {
        key: value
        for key, value in (
            ("q", filters.q),
            ("stage", filters.stage),
            ("tier", filters.vip_tier),
            ("tag", filters.tag),
            ("manager", filters.account_manager_id),
            ("country", filters.country),
            ("kind", filters.kind),
            ("sort", sort),
        )
        if value
    }
    return ExportPlan(
        source="customers",
        columns=columns,
        total=total,
        batches=batches,
        described=described,
        object_type="customers.customer",
    )
