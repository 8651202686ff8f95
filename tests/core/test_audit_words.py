"""The audit log in words: every kind of entry the services write, read back as a sentence and one line
per change, with field names as the models name them, choices by label, lists joined, counts shown."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.utils import translation

from lojal.accounts.models import User
from lojal.accounts.roles import Role
from lojal.accounts.services import token_create, token_revoke, webhook_secret_create, webhook_secret_revoke
from lojal.core.audit import audit_record
from lojal.core.audit_words import entries_in_words
from lojal.core.models import AuditEntry
from lojal.customers import read_audit
from lojal.customers.privacy import legal_hold_set
from lojal.customers.services import (
    contact_person_add,
    contact_person_remove,
    customer_delete,
    customer_update,
)
from lojal.sales import catalogue
from lojal.sales.models import Product
from tests import factories

pytestmark = pytest.mark.django_db


def words(**filters: Any) -> list[tuple[str, list[str]]]:
    entries = AuditEntry.objects.filter(**filters).order_by("id")
    with translation.override("en"):
        return [(text.sentence, text.lines) for _entry, text in entries_in_words(entries)]


def test_a_created_customer_lists_its_values_joined_and_by_their_labels(admin_user: User) -> None:
    anna = factories.person(
        actor=admin_user,
        first_name="Anna",
        last_name="Ek",
        emails=["anna@example.se", "a.ek@example.se"],
        tags=["VIP", "Mässa"],
        vip_tier="gold",
        national_id="19811218-9876",
    )
    [(sentence, lines)] = words(object_type="customers.customer", object_id=str(anna.pk), action="create")
    assert sentence == "Created customer"
    assert "First name: Anna" in lines
    assert "Email addresses: anna@example.se, a.ek@example.se" in lines
    assert "VIP tier: Gold" in lines
    assert "National id: (set)" in lines
    assert any(line in ("Tags: VIP, Mässa", "Tags: Mässa, VIP") for line in lines)
    assert not any("[" in line or "_" in line for line in lines)


def test_a_changed_customer_says_from_what_to_what(admin_user: User) -> None:
    anna = factories.person(actor=admin_user, first_name="Anna", last_name="Ek")
    customer_update(
        actor=admin_user,
        customer_id=anna.pk,
        data={
            "lifecycle_stage": "customer",
            "last_name": "Berg",
            "tags": ["VIP"],
            "account_manager_id": admin_user.pk,
        },
    )
    [(sentence, lines)] = words(object_type="customers.customer", object_id=str(anna.pk), action="update")
    assert sentence == "Changed customer"
    assert "Lifecycle stage changed from Lead to Customer" in lines
    assert "Last name changed from Ek to Berg" in lines
    assert "Tags: VIP" in lines
    assert f"Account manager: {admin_user.display_name}" in lines


def test_a_deleted_customer_and_a_removed_contact_person(admin_user: User) -> None:
    volvo = factories.organisation(actor=admin_user, organisation_name="Volvo AB")
    contact = contact_person_add(
        actor=admin_user, organisation_id=volvo.pk, data={"first_name": "Kim", "email": "kim@volvo.example"}
    )
    contact_person_remove(actor=admin_user, organisation_id=volvo.pk, contact_id=contact.pk)
    customer_delete(actor=admin_user, customer_id=volvo.pk)
    assert words(object_type="customers.contactperson") == [
        ("Created contact person", ["First name: Kim", "Email: kim@volvo.example", "Primary contact: no"]),
        ("Deleted contact person", []),
    ]
    assert words(object_type="customers.customer", action="delete") == [("Deleted customer", [])]


def test_products_and_categories(admin_user: User) -> None:
    category = catalogue.category_create(actor=admin_user, name="Textil")
    catalogue.category_change(actor=admin_user, category_id=category.pk, name="Textilier")
    product = catalogue.product_create(
        actor=admin_user, data={"code": "SKI-1", "name": "Skidor", "unit_price": "3295.50", "is_active": True}
    )
    catalogue.product_change(actor=admin_user, product_id=product.pk, data={"is_active": False})
    catalogue.product_stubs_create(actor=None, codes=["NEW-9"])
    assert words(object_type="sales.productcategory") == [
        ("Created product category", ["Name: Textil"]),
        ("Changed product category", ["Name changed from Textil to Textilier"]),
    ]
    created, changed, stub = words(object_type="sales.product")
    assert created[0] == "Created product"
    assert "Code: SKI-1" in created[1] and "Unit price: 3295.50" in created[1] and "Active: yes" in created[1]
    assert changed == ("Changed product", ["Active changed from yes to no"])
    assert stub == ("Created product", ["Code: NEW-9", "Name: NEW-9", f"{needs_completion_label()}: yes"])


def needs_completion_label() -> str:
    return str(Product._meta.get_field("needs_completion").verbose_name).capitalize()


def test_reads_and_reveals_say_where_and_why(admin_user: User) -> None:
    anna = factories.person(actor=admin_user, first_name="Anna", last_name="Ek")
    read_audit.customer_read_record(actor=admin_user, customer_id=anna.pk, label="Anna Ek", via="page")
    read_audit.customer_read_record(
        actor=admin_user,
        customer_id=anna.pk,
        label="Anna Ek",
        via="api",
        national_id_shown=True,
        reason="Kreditkoll",
    )
    assert words(action__in=["read", "reveal"]) == [
        ("Opened the customer", ["Where: customer page"]),
        ("Revealed the national number", ["Where: API", "Reason: Kreditkoll"]),
    ]


def test_a_legal_hold_placed_and_lifted(admin_user: User) -> None:
    anna = factories.person(actor=admin_user, first_name="Anna", last_name="Ek")
    legal_hold_set(customer_id=anna.pk, actor=admin_user, reason="Tvist om faktura")
    legal_hold_set(customer_id=anna.pk, actor=admin_user, reason="")
    assert words(action__startswith="legal_hold") == [
        ("Placed a legal hold", [f"{hold_label()}: Tvist om faktura"]),
        ("Lifted the legal hold", [f"{hold_label()}: Tvist om faktura removed"]),
    ]


def hold_label() -> str:
    from lojal.customers.models import Customer

    return str(Customer._meta.get_field("legal_hold_reason").verbose_name).capitalize()


def test_staff_tokens_and_webhook_secrets(make_user: Callable[..., User]) -> None:
    user = make_user(Role.ADMINISTRATOR, "eva")
    issued = token_create(user=user, name="ERP-koppling")
    token_revoke(user=user, token_id=issued.token.pk)
    webhook_secret_create(name="Webbshop", actor=user)
    webhook_secret_revoke(name="Webbshop", actor=user)
    assert words(object_type="accounts.user") == [
        ("Created staff member", ["Username: eva", "Role: Administrator"])
    ]
    assert words(object_type="accounts.apitoken") == [
        ("Created an API token", ["Name: ERP-koppling"]),
        ("Revoked an API token", ["Name: ERP-koppling"]),
    ]
    assert words(object_type="accounts.webhooksecret") == [
        ("Created webhook secret", []),
        ("Changed webhook secret", ["Revoked: Webbshop"]),
    ]


def record(action: str, obj: Any, changes: dict[str, Any], label: str = "") -> None:
    audit_record(actor=None, action=action, obj=obj, changes=changes, label=label)


def test_the_facts_other_services_record_are_put_into_words(admin_user: User) -> None:
    """The shapes written by imports, merges, erasure, export, messages and holdings (each as its
    service writes it: ``grep -rn audit_record src``)."""
    from lojal.customers.models import DuplicateSuspicion
    from lojal.imports.models import ImportJob
    from lojal.interactions.models import Interaction
    from lojal.sales.models import Holding

    anna = factories.person(actor=admin_user, first_name="Anna", last_name="Ek")
    job = ImportJob(pk=7, file_name="kunder.csv")
    # imports/services.py import_commit
    record(
        "import",
        job,
        {"created": 1200, "updated": 3, "unchanged": 0, "rejected": 2, "file": "kunder.csv", "source": "erp"},
    )
    # imports/retention.py: by hand, by the retention rule, and an abandoned import
    record("delete_file", job, {"file": ["kunder.csv", None]})
    record("delete_file", job, {"file": ["kunder.csv", None], "reason": "retention"})
    record("cancel", job, {"reason": "abandoned"})
    # customers/duplicates.py: the kept customer and the one merged away; a dismissed pair
    record(
        "merge",
        anna,
        {
            "merged": [None, 100042],
            "filled": {"birth_date": [None, "1981-12-18"], "national_id": [None, "(set)"]},
            "moved": {"sales.transaction": 2, "interactions.interaction": 5},
        },
    )
    record("merge", anna, {"merged_into": [None, 100001]})
    record("update", DuplicateSuspicion(pk=3), {"status": ["open", "dismissed"]})
    # privacy/erasure.py and privacy/export.py
    record(
        "customer.erased",
        anna,
        {"reason": "Begäran", "records": [anna.pk, 12], "counts": {"emails": 2, "audit_entries": 9}},
    )
    record("customer.exported", anna, {"counts": {"customer": 1, "transactions": 14, "files": 0}})
    # interactions: logged, linked, queued and retried
    message = Interaction(pk=5, subject="Faktura")
    record("interaction.logged", message, {}, label="Faktura")
    record(
        "interaction.linked",
        message,
        {"customer": [None, anna.pk], "sender": [None, "anna@example.se"], "linked": [0, 3]},
        label="Faktura",
    )
    record("sms.queued", message, {}, label="+46701234567")
    record("email.queued", message, {}, label="anna@example.se: Faktura")
    record("email.retried", message, {}, label="anna@example.se")
    # sales/services.py: a holding started and ended
    holding = Holding(pk=9)
    record("create", holding, {"status": [None, "active"]})
    record("update", holding, {"status": ["active", "closed"], "closed_on": [None, "2026-03-01"]})

    found = words(actor__isnull=True, object_type__in=AUDITED)
    assert found[:4] == [
        (
            "Committed the import",
            [
                "Created: 1,200",
                "Updated: 3",
                "Unchanged: 0",
                "Rejected rows: 2",
                "File: kunder.csv",
                "Source: erp",
            ],
        ),
        ("Deleted the imported file", ["File: kunder.csv removed"]),
        ("Deleted the imported file", ["File: kunder.csv removed", "Reason: the retention rule"]),
        ("Cancelled the import", ["Reason: abandoned, never committed"]),
    ]
    merged, merged_into, dismissed, erased, exported = found[4:9]
    assert merged == (
        "Merged customer",
        [
            "Customer merged into this one: 100042",
            f"Filled in from the merged customer: Birth date: {short_date('1981-12-18')}; National id: (set)",
            "Moved from the merged customer: Transactions: 2; Contacts: 5",
        ],
    )
    assert merged_into == ("Merged customer", ["Merged into customer: 100001"])
    assert dismissed == ("Changed suspected duplicate", ["Status changed from Open to Not a duplicate"])
    assert erased == (
        "Erased the customer",
        [
            "Reason: Begäran",
            f"Customer records: {anna.pk}, 12",
            "Records: Email addresses: 2; Audit entries: 9",
        ],
    )
    assert exported == ("Exported the customer's data", ["Records: Customer: 1; Transactions: 14; Files: 0"])
    assert found[9:14] == [
        ("Logged a contact", []),
        (
            "Linked a message to a customer",
            ["Customer: Anna Ek", "From: anna@example.se", "Messages linked changed from 0 to 3"],
        ),
        ("Queued a text message", []),
        ("Queued an email", []),
        ("Sent an email again", []),
    ]
    assert found[14:] == [
        ("Created holding", ["Status: Active"]),
        ("Changed holding", ["Status changed from Active to Closed", f"Closed: {short_date('2026-03-01')}"]),
    ]
    assert not any("_" in line or "[" in line for _sentence, lines in found for line in lines)


AUDITED = [
    "imports.importjob",
    "customers.customer",
    "customers.duplicatesuspicion",
    "interactions.interaction",
    "sales.holding",
]


def short_date(iso: str) -> str:
    import datetime as dt

    from django.utils import formats

    with translation.override("en"):
        return formats.date_format(dt.date.fromisoformat(iso), "SHORT_DATE_FORMAT")


def test_the_page_shows_entries_in_the_readers_language(admin_user: User) -> None:
    anna = factories.person(actor=admin_user, first_name="Anna", last_name="Ek")
    customer_update(actor=admin_user, customer_id=anna.pk, data={"lifecycle_stage": "customer"})
    client = Client()
    client.force_login(admin_user)
    english = client.get("/audit/", {"type": "customers.customer", "id": anna.pk}).content.decode()
    swedish = client.get(
        "/audit/", {"type": "customers.customer", "id": anna.pk}, HTTP_ACCEPT_LANGUAGE="sv"
    ).content.decode()
    norwegian = client.get(
        "/audit/", {"type": "customers.customer", "id": anna.pk}, HTTP_ACCEPT_LANGUAGE="nb"
    ).content.decode()
    assert "Changed customer" in english and "Lifecycle stage changed from Lead to Customer" in english
    assert "Ändrade kund" in swedish and "Livscykelstadium ändrades från Potentiell kund till Kund" in swedish
    assert "Endret kunde" in norwegian and "Livssyklusfase endret fra Potensiell kunde til Kunde" in norwegian
