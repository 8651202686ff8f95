"""The right to erasure: no trace of the person is left in any column of any table, transactions and
counts stay, a legal hold refuses it and changes nothing."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.db.models import Count, Sum

from lojal.accounts.models import User
from lojal.core.errors import Conflict, NotFound, ValidationError
from lojal.core.models import AuditEntry
from lojal.customers import privacy as customers_privacy
from lojal.customers.models import Customer, EmailAddress
from lojal.customers.search import customer_search_ids
from lojal.imports import services as import_services
from lojal.imports.models import ImportJob, ImportRejection, StagedRow
from lojal.interactions.models import Attachment, Interaction
from lojal.privacy.erasure import customer_erase
from lojal.sales.models import Transaction
from lojal.timeline.models import Event
from tests import factories
from tests.privacy.conftest import (
    DISTINCTIVE,
    EMAIL,
    FIRST_NAME,
    LAST_NAME,
    NATIONAL_ID,
    Person,
)

pytestmark = pytest.mark.django_db


def _cell_text(value: Any) -> str:
    if isinstance(value, memoryview | bytes | bytearray):
        return bytes(value).decode("utf-8", errors="replace")
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return "" if value is None else str(value)


def every_row_of_every_table() -> dict[str, list[tuple[Any, ...]]]:
    """Every table the database has (Django's, Lojal's, the search index's shadow tables and word
    lists), as rows: introspected, so a table added later is scanned too."""
    rows: dict[str, list[tuple[Any, ...]]] = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            rows[table] = [tuple(row) for row in cursor.fetchall()]
    return rows


def traces(values: tuple[str, ...]) -> list[tuple[str, str]]:
    """(table, value) for every value found, ignoring case, in any column of any row of any table."""
    wanted = [value.casefold() for value in values]
    found = []
    for table, table_rows in every_row_of_every_table().items():
        for row in table_rows:
            text = " | ".join(_cell_text(cell) for cell in row).casefold()
            found += [(table, value) for value in wanted if value in text]
    return sorted(set(found))


def figures(customer: Customer) -> dict[str, Any]:
    return Transaction.objects.filter(customer=customer).aggregate(count=Count("id"), revenue=Sum("amount"))


def test_the_fixture_puts_every_distinctive_value_somewhere(person: Person) -> None:
    # A scan that can find nothing proves nothing: before the erasure, each value is in the database.
    found = traces(DISTINCTIVE)
    assert {value for _table, value in found} == {value.casefold() for value in DISTINCTIVE}
    # The scan reaches the search index's own storage, not only the models' tables.
    index = "customer_search_word" if connection.vendor == "postgresql" else "customer_fts_data"
    assert (index, LAST_NAME.casefold()) in found


def test_erasure_leaves_no_trace_of_the_person_in_any_table(person: Person, admin_user: User) -> None:
    # given
    before = figures(person.customer)
    customers_before = Customer.objects.count()
    events_before = Event.objects.filter(customer=person.customer).count()
    interactions_before = Interaction.objects.filter(customer=person.customer).count()

    # when
    counts = customer_erase(
        customer_id=person.customer.pk, actor=admin_user, reason="The person asked, ticket 12"
    )

    # then
    assert traces(DISTINCTIVE) == []
    assert figures(person.customer) == before == {"count": 2, "revenue": Decimal("1299.50")}
    assert Customer.objects.count() == customers_before
    assert Event.objects.filter(customer=person.customer).count() == events_before + 1
    assert Interaction.objects.filter(customer=person.customer).count() == interactions_before
    assert counts["attachments"] == 1
    assert counts["staged_rows"] == 1
    assert counts["rejected_values"] == 1


def test_an_erased_customer_is_an_anonymous_shell_that_says_when_why_and_by_whom(
    person: Person, admin_user: User
) -> None:
    customer_erase(customer_id=person.customer.pk, actor=admin_user, reason="The person asked")

    shell = Customer.objects.get(pk=person.customer.pk)
    assert shell.display_name == f"Erased customer #{shell.pk}"
    assert (shell.first_name, shell.last_name, shell.national_id, shell.primary_email, shell.city) == (
        "",
        "",
        "",
        "",
        "",
    )
    assert shell.erased_at is not None
    assert shell.erased_by == admin_user
    assert shell.erasure_reason == "The person asked"
    assert shell.deleted_at is None  # still counted; lists show the shell
    assert shell.customer_number == person.customer.customer_number
    assert shell.lifecycle_stage == person.customer.lifecycle_stage
    assert shell.customer_since == person.customer.customer_since
    entry = AuditEntry.objects.get(action="customer.erased")
    assert (entry.actor, entry.object_id, entry.changes["reason"]) == (
        admin_user,
        str(shell.pk),
        "The person asked",
    )
    assert Event.objects.filter(customer=shell, kind="customer.erased").count() == 1


def test_erased_person_is_found_by_no_search(person: Person, admin_user: User) -> None:
    assert customer_search_ids(query=LAST_NAME) != []
    customer_erase(customer_id=person.customer.pk, actor=admin_user, reason="asked")
    for query in (LAST_NAME, FIRST_NAME, EMAIL, NATIONAL_ID, "Quilfeather"):
        assert customer_search_ids(query=query) == [], query


def test_erasure_keeps_other_peoples_data(person: Person, admin_user: User) -> None:
    other_rows = StagedRow.objects.exclude(target_id=person.customer.pk).count()
    customer_erase(customer_id=person.customer.pk, actor=admin_user, reason="asked")

    bystander = Customer.objects.get(pk=person.bystander.pk)
    assert bystander.display_name == "Berit Bystander"
    assert list(EmailAddress.objects.filter(customer=bystander).values_list("address", flat=True)) == [
        "berit@example.se"
    ]
    assert StagedRow.objects.count() == other_rows == 1
    assert ImportRejection.objects.filter(job=person.job).count() == 1  # where and why stay


def test_erasure_deletes_the_attachments_and_raw_message(person: Person, admin_user: User) -> None:
    customer_erase(customer_id=person.customer.pk, actor=admin_user, reason="asked")

    email = Interaction.objects.get(pk=person.email.pk)
    assert Attachment.objects.filter(interaction=email).count() == 0
    assert bytes(email.email.raw) == b""
    assert (email.subject, email.body_text, email.sender) == ("", "", "")
    assert email.channel == "email"


def test_erasure_deletes_a_finished_imports_file_that_names_the_person(
    person: Person, admin_user: User
) -> None:
    # given: the checked import is cancelled (finished), its file still kept
    job = import_services.import_job_cancel(job_id=person.job.pk)
    path = Path(job.file_path)
    assert path.exists()

    # when
    customer_erase(customer_id=person.customer.pk, actor=admin_user, reason="asked")

    # then
    assert not path.exists()
    assert ImportJob.objects.get(pk=job.pk).file_deleted_at is not None


def test_a_legal_hold_refuses_erasure_with_its_reason_and_changes_nothing(
    person: Person, admin_user: User
) -> None:
    # given
    customers_privacy.legal_hold_set(
        customer_id=person.customer.pk, actor=admin_user, reason="Dispute 2026-44"
    )
    before = every_row_of_every_table()

    # when
    with pytest.raises(Conflict) as refused:
        customer_erase(customer_id=person.customer.pk, actor=admin_user, reason="asked")

    # then
    assert "Dispute 2026-44" in refused.value.message
    assert every_row_of_every_table() == before


def test_lifting_the_hold_allows_the_erasure(person: Person, admin_user: User) -> None:
    customers_privacy.legal_hold_set(customer_id=person.customer.pk, actor=admin_user, reason="Dispute")
    customers_privacy.legal_hold_set(customer_id=person.customer.pk, actor=admin_user, reason="")

    customer_erase(customer_id=person.customer.pk, actor=admin_user, reason="asked")

    assert Customer.objects.get(pk=person.customer.pk).erased_at is not None
    assert list(
        AuditEntry.objects.filter(action__startswith="legal_hold")
        .order_by("id")
        .values_list("action", flat=True)
    ) == ["legal_hold.placed", "legal_hold.lifted"]


def test_erasure_needs_a_reason_and_refuses_a_second_time(person: Person, admin_user: User) -> None:
    with pytest.raises(ValidationError):
        customer_erase(customer_id=person.customer.pk, actor=admin_user, reason="  ")
    assert Customer.objects.get(pk=person.customer.pk).erased_at is None

    customer_erase(customer_id=person.customer.pk, actor=admin_user, reason="asked")
    with pytest.raises(Conflict):
        customer_erase(customer_id=person.customer.pk, actor=admin_user, reason="again")


def test_erasure_takes_the_records_merged_into_the_customer(admin_user: User) -> None:
    from lojal.customers.duplicates import customers_merge

    keep = factories.person(admin_user, first_name="Ylva", last_name="Mergeworth", emails=["ylva@example.se"])
    other = factories.person(
        admin_user, first_name="Ylva", last_name="Mergeworthe", emails=["ylva.m@example.se"]
    )
    customers_merge(actor=admin_user, keep_id=keep.pk, other_id=other.pk)

    with pytest.raises(NotFound):
        customer_erase(customer_id=other.pk, actor=admin_user, reason="asked")
    customer_erase(customer_id=keep.pk, actor=admin_user, reason="asked")

    assert traces(("Mergeworth", "ylva")) == []
    assert Customer.objects.get(pk=other.pk).erased_at is not None


def test_an_erased_customer_cannot_be_changed(person: Person, admin_user: User) -> None:
    from lojal.customers.services import customer_update

    customer_erase(customer_id=person.customer.pk, actor=admin_user, reason="asked")
    with pytest.raises(Conflict):
        customer_update(actor=admin_user, customer_id=person.customer.pk, data={"first_name": FIRST_NAME})
    assert Customer.objects.get(pk=person.customer.pk).first_name == ""


@pytest.mark.postgres
def test_postgres_drops_only_the_search_words_no_other_customer_has(admin_user: User) -> None:
    gone = factories.person(admin_user, first_name="Onlyhisword", last_name="Sharedword")
    kept = factories.person(admin_user, first_name="Kept", last_name="Sharedword")

    customer_erase(customer_id=gone.pk, actor=admin_user, reason="asked")

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT word FROM customer_search_word WHERE word IN ('onlyhisword', 'sharedword', 'kept')"
        )
        assert sorted(row[0] for row in cursor.fetchall()) == ["kept", "sharedword"]
    assert [hit.customer_id for hit in customer_search_ids(query="Sharedwrd")] == [kept.pk]
    assert customer_search_ids(query="Onlyhisword") == []


def test_an_import_naming_an_erased_customers_number_does_not_write_the_person_back(
    person: Person, admin_user: User, tmp_path: Path
) -> None:
    customer_erase(customer_id=person.customer.pk, actor=admin_user, reason="asked")
    upload = tmp_path / "again.csv"
    upload.write_text(
        f"lojal number,first name,last name,email\r\n{person.customer.customer_number},{FIRST_NAME},{LAST_NAME},{EMAIL}\r\n",
        encoding="utf-8",
    )

    job = import_services.import_job_create(
        actor=admin_user, kind="customers", upload=upload, file_name="again.csv", source="erp"
    )
    job = import_services.import_job_check(job_id=job.pk)

    assert list(ImportRejection.objects.filter(job=job).values_list("line", "field")) == [
        (2, "customer_number")
    ]
    assert not StagedRow.objects.filter(job=job, target_id=person.customer.pk).exists()
    assert Customer.objects.get(pk=person.customer.pk).first_name == ""
