"""The right of access: the archive holds everything the customer has, field by field, as JSON and as
CSV files, with the raw email and its attachment as files."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from typing import Any

import pytest

from lojal.accounts.models import User
from lojal.accounts.roles import Role
from lojal.core.models import AuditEntry
from lojal.customers.models import Address, Customer, EmailAddress, PhoneNumber
from lojal.privacy.export import customer_export
from lojal.sales.models import Transaction
from lojal.timeline.models import Event
from tests.conftest import ApiClient
from tests.privacy.conftest import (
    ATTACHMENT,
    ATTACHMENT_NAME,
    ATTRIBUTE,
    BODY,
    CALL_NOTES,
    EMAIL,
    INBOUND,
    NATIONAL_ID,
    PHONE,
    STREET,
    SUBJECT,
    TAG,
    Person,
)

pytestmark = pytest.mark.django_db


def archive_of(person: Person, actor: User) -> zipfile.ZipFile:
    exported = customer_export(customer_id=person.customer.pk, actor=actor)
    return zipfile.ZipFile(io.BytesIO(exported.file.read()))


def document(archive: zipfile.ZipFile) -> dict[str, Any]:
    return json.loads(archive.read("customer.json"))


def test_the_customer_record_is_exported_field_by_field(person: Person, admin_user: User) -> None:
    exported = document(archive_of(person, admin_user))["customer"]
    customer = Customer.objects.get(pk=person.customer.pk)

    for field in Customer._meta.concrete_fields:
        if field.name in ("sort_name", "search_text", "national_id_display"):
            continue
        value = getattr(customer, field.attname)
        if field.name == "national_id":
            assert exported["national_id"] == NATIONAL_ID
        elif field.name in ("account_manager", "merged_into", "erased_by"):
            assert exported[field.name] is None
        elif hasattr(value, "isoformat"):
            assert exported[field.name][:19] == value.isoformat()[:19], field.name
        else:
            assert exported[field.name] == value, field.name
    assert exported["attributes"] == {"Favourite": ATTRIBUTE}
    assert exported["customer_since"] == "2015-04-01"
    assert exported["tags"] == [TAG]
    assert exported["birth_date"] == "1979-09-23"


def test_contact_points_timeline_interactions_and_money_are_all_there(
    person: Person, admin_user: User
) -> None:
    exported = document(archive_of(person, admin_user))
    customer = person.customer

    assert (
        [(e["address"], e["is_primary"]) for e in exported["emails"]]
        == list(EmailAddress.objects.filter(customer=customer).values_list("address", "is_primary"))
        == [(EMAIL, True)]
    )
    assert [p["number"] for p in exported["phones"]] == [PHONE]
    assert [(a["street"], a["postal_code"], a["city"], a["country"]) for a in exported["addresses"]] == list(
        Address.objects.filter(customer=customer).values_list("street", "postal_code", "city", "country")
    )
    assert exported["addresses"][0]["street"] == STREET
    assert [e["id"] for e in exported["timeline"]] == list(
        Event.objects.filter(customer=customer).order_by("occurred_at", "id").values_list("id", flat=True)
    )
    assert any(e["kind"] == "note.added" and "XYZZY-NOTE-7731" in e["body"] for e in exported["timeline"])
    by_id = {item["id"]: item for item in exported["interactions"]}
    assert set(by_id) == {person.email.pk, person.acknowledgement.pk, person.call.pk}
    email = by_id[person.email.pk]
    assert (email["channel"], email["subject"], email["sender"]) == ("email", SUBJECT, EMAIL)
    assert BODY in email["body_text"]
    assert by_id[person.call.pk]["body_text"] == CALL_NOTES
    stored = Transaction.objects.filter(customer=customer).order_by("occurred_at", "id")
    assert [(t["external_id"], t["amount"], t["currency"], t["kind"]) for t in exported["transactions"]] == [
        (row.external_id, str(row.amount), row.currency, row.kind) for row in stored
    ]
    assert [t["amount"] for t in exported["transactions"]] == ["1200.50", "99.00"]
    assert {"create"} <= {entry["action"] for entry in exported["audit_entries"]}
    assert exported["export"]["customer_id"] == customer.pk


def test_the_raw_email_and_its_attachment_are_files_in_the_archive(person: Person, admin_user: User) -> None:
    archive = archive_of(person, admin_user)
    email = next(i for i in document(archive)["interactions"] if i["id"] == person.email.pk)

    assert archive.read(email["raw_message_file"]) == INBOUND
    [attachment] = email["attachments"]
    assert attachment["filename"] == ATTACHMENT_NAME
    assert archive.read(attachment["file"]).rstrip(b"\r\n") == ATTACHMENT


def test_each_section_is_a_semicolon_csv_with_a_byte_order_mark(person: Person, admin_user: User) -> None:
    archive = archive_of(person, admin_user)
    data = document(archive)

    raw = archive.read("csv/emails.csv")
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert [row["address"] for row in rows] == [EMAIL]
    transactions = list(
        csv.DictReader(io.StringIO(archive.read("csv/transactions.csv").decode("utf-8-sig")), delimiter=";")
    )
    assert [row["amount"] for row in transactions] == ["1200.50", "99.00"]
    [customer] = list(
        csv.DictReader(io.StringIO(archive.read("csv/customer.csv").decode("utf-8-sig")), delimiter=";")
    )
    assert customer["national_id"] == NATIONAL_ID
    assert json.loads(customer["attributes"]) == {"Favourite": ATTRIBUTE}
    for name, rows_in_json in data.items():
        if isinstance(rows_in_json, list):
            assert f"csv/{name}.csv" in archive.namelist()
    assert "README.txt" in archive.namelist()


def test_the_export_is_recorded_in_the_audit_log(person: Person, admin_user: User) -> None:
    archive_of(person, admin_user)
    entry = AuditEntry.objects.get(action="customer.exported")
    assert (entry.actor, entry.object_id) == (admin_user, str(person.customer.pk))
    assert entry.changes["counts"]["interactions"] == 3  # the email, its acknowledgement, the call
    assert entry.changes["counts"]["files"] == 3  # the attachment and both raw messages


def test_the_api_answers_a_zip_attachment(person: Person, api: ApiClient) -> None:
    response = api.get(f"customers/{person.customer.pk}/export")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].startswith("attachment; filename=")
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert json.loads(archive.read("customer.json"))["customer"]["id"] == person.customer.pk


def test_the_api_answers_404_for_an_unknown_customer(api: ApiClient) -> None:
    response = api.get("customers/999999/export")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert AuditEntry.objects.filter(action="customer.exported").count() == 0


def test_a_manager_exports_the_full_national_number(person: Person, make_user: Any) -> None:
    manager = make_user(Role.MANAGER)
    assert document(archive_of(person, manager))["customer"]["national_id"] == NATIONAL_ID


def test_a_role_without_the_number_would_get_it_masked(person: Person, make_user: Any) -> None:
    # Not a role that may export today; the one masking rule still applies to the archive.
    sales = make_user(Role.SALES)
    assert document(archive_of(person, sales))["customer"]["national_id"] == "19790923-****"


def test_phone_numbers_export_as_stored(person: Person, admin_user: User) -> None:
    exported = document(archive_of(person, admin_user))
    assert [p["number"] for p in exported["phones"]] == list(
        PhoneNumber.objects.filter(customer=person.customer).values_list("number", flat=True)
    )
