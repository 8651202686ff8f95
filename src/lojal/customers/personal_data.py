"""Personal data about customers (see lojal.core.privacy); the former-customer retention rule, which
anonymises through the privacy app's erasure, is declared in lojal.privacy.personal_data."""

from __future__ import annotations

from typing import Any

from lojal.core.privacy import (
    Category,
    Kept,
    LegalBasis,
    NotPersonal,
    PersonalData,
    Purpose,
    Subjects,
    personal_data,
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
    # Staff's words about the person: why the data was erased (kept on the anonymous shell to show the
    # erasure was lawful) and why it must be kept while a legal hold applies (docs/gdpr.md).
    PersonalData(
        model="customers.Customer",
        fields=("erasure_reason", "legal_hold_reason"),
        category=Category.AUDIT,
        subjects=Subjects.CUSTOMERS,
        purpose=Purpose.ACCOUNTABILITY,
        legal_basis=LegalBasis.LEGAL_OBLIGATION,
        kept=Kept.WITH_CUSTOMER,
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
