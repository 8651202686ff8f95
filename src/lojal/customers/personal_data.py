"""Personal data about customers (see lojal.core.privacy), and the former-customer retention rule."""

from __future__ import annotations

import datetime as dt
import importlib
from typing import Any

from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from lojal.core.errors import LojalError
from lojal.core.privacy import (
    Category,
    LegalBasis,
    NotPersonal,
    PersonalData,
    Purpose,
    RetentionRule,
    RuleOutcome,
    Subjects,
    personal_data,
    retention_rule,
)
from lojal.customers import selectors

ERASURE_MISSING = gettext_noop(
    "erasure is not available in this installation; the customers are listed for manual erasure"
)
ERASURE_REFUSED = gettext_noop("some were refused (legal hold or open case) and are listed")
#: How many due customers a run erases at most (each erasure touches many tables); the rest next night.
ERASE_PER_RUN = 500
PENDING_LISTED = 200


def erase_service() -> Any:
    """The erasure service when this installation has it (lojal.customers.services.customer_erase)."""
    services = importlib.import_module("lojal.customers.services")
    return getattr(services, "customer_erase", None)


def former_customers_rule(cutoff: dt.datetime) -> RuleOutcome:
    """Anonymise former and deleted customers past the limit through the erasure service; without that
    service, list them as pending (nothing is changed)."""
    due_ids = list(selectors.former_customers_due(before=cutoff).values_list("pk", flat=True)[:ERASE_PER_RUN])
    total = selectors.former_customers_due(before=cutoff).count()
    erase = erase_service()
    if erase is None:
        return RuleOutcome(
            rows=0,
            pending=total,
            note=ERASURE_MISSING,
            pending_ids=tuple(due_ids[:PENDING_LISTED]),
        )
    erased, refused = 0, []
    for customer_id in due_ids:  # each erasure is its own transaction over many tables
        try:
            erase(actor=None, customer_id=customer_id, reason="retention: former customer")
        except LojalError:  # a legal hold or an open case: kept, and reported
            refused.append(customer_id)
            continue
        erased += 1
    return RuleOutcome(
        rows=erased,
        pending=total - erased,
        note=ERASURE_REFUSED if refused else "",
        pending_ids=tuple(refused[:PENDING_LISTED]),
    )


def _customer_data(model: str, fields: tuple[str, ...], category: Any) -> PersonalData:
    return PersonalData(
        model=model,
        fields=fields,
        category=category,
        subjects=Subjects.CUSTOMERS,
        purpose=Purpose.RELATIONSHIP,
        legal_basis=LegalBasis.CONTRACT,
        retention="former_customers",
    )


personal_data(
    _customer_data(
        "customers.Customer",
        (
            "first_name",
            "last_name",
            "display_name",
            "sort_name",
            "search_text",
            "organisation_name",
            "birth_date",
            "national_id",
            "national_id_display",
            "customer_number",
        ),
        Category.IDENTITY,
    ),
    _customer_data(
        "customers.Customer",
        ("primary_email", "primary_phone", "city", "preferred_language", "attributes"),
        Category.CONTACT,
    ),
    _customer_data("customers.EmailAddress", ("address",), Category.CONTACT),
    _customer_data("customers.PhoneNumber", ("number",), Category.CONTACT),
    _customer_data(
        "customers.Address",
        ("street", "postal_code", "city", "municipality", "region", "match_key"),
        Category.CONTACT,
    ),
    _customer_data(
        "customers.ContactPerson", ("first_name", "last_name", "role", "email", "phone"), Category.CONTACT
    ),
    NotPersonal(model="customers.Tag", fields=("name",), reason="a tag's name"),
    NotPersonal(
        model="customers.Customer",
        fields=("national_id_country", "national_id_kind"),
        reason="which country's scheme the number follows",
    ),
    NotPersonal(model="customers.EmailAddress", fields=("label",), reason="home, work or other"),
    NotPersonal(model="customers.PhoneNumber", fields=("label",), reason="mobile, home, work or other"),
    NotPersonal(model="customers.Address", fields=("label",), reason="postal, visiting or other"),
)

retention_rule(
    RetentionRule(
        key="former_customers",
        label=_("Former and deleted customers"),
        setting="RETAIN_FORMER_CUSTOMERS_YEARS",
        unit="years",
        action=_("anonymised"),
        run=former_customers_rule,
    )
)
