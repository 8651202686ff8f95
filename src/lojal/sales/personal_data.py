"""Personal data in sales (see lojal.core.privacy): what a customer bought and holds."""

from __future__ import annotations

from lojal.core.privacy import (
    Category,
    LegalBasis,
    NotPersonal,
    PersonalData,
    Purpose,
    Subjects,
    personal_data,
)


def _sales_data(model: str, fields: tuple[str, ...]) -> PersonalData:
    # Erasure keeps transactions as anonymous revenue; the link to the person goes with the customer.
    return PersonalData(
        model=model,
        fields=fields,
        category=Category.PURCHASES,
        subjects=Subjects.CUSTOMERS,
        purpose=Purpose.SALES,
        legal_basis=LegalBasis.CONTRACT,
        retention="former_customers",
    )


personal_data(
    _sales_data("sales.Transaction", ("customer", "attributes", "external_id")),
    _sales_data("sales.Holding", ("customer", "name", "external_id")),
    _sales_data("sales.CustomerSourceKey", ("customer", "external_id")),
    NotPersonal(model="sales.Product", fields=("name",), reason="a product's name"),
    NotPersonal(model="sales.ProductCategory", fields=("name",), reason="a category's name"),
)
