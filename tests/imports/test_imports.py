"""Imports end to end through the services: dry run counts and rejections, commit, re-import,
duplicates in the file and against the database, all-or-nothing, skip bad rows, cancel, CLI."""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction

from lojal.accounts.models import User
from lojal.core.models import AuditEntry
from lojal.customers.models import Customer, EmailAddress, Stage
from lojal.imports import services
from lojal.imports.models import (
    ImportJob,
    ImportMapping,
    ImportRejection,
    RowOccurrence,
    StagedRow,
    StagedTransaction,
)
from lojal.sales.models import CustomerSourceKey, Holding, Product, Transaction
from lojal.timeline.models import Event
from tests import factories
from tests.imports.helpers import CDNOW, FIXTURES, check, rejections, run

pytestmark = pytest.mark.django_db


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


@pytest.fixture
def erp_customers() -> ImportJob:
    return run("customers", "customers_semicolon_cp1252.csv", source="erp")


def test_customers_from_a_semicolon_windows_1252_file(erp_customers: ImportJob) -> None:
    job = erp_customers
    assert (job.status, job.created_count, job.updated_count, job.unchanged_count, job.rejected_count) == (
        "done",
        3,
        0,
        0,
        0,
    )
    asa = Customer.objects.get(last_name="Öberg")
    assert asa.first_name == "Åsa"
    assert asa.national_id == "198112289874"
    assert asa.primary_phone == "+46707654321"
    assert asa.city == "Göteborg"
    assert list(asa.emails.values_list("address", flat=True)) == ["asa.oberg@example.se"]
    organisation = Customer.objects.get(organisation_name="Fjällräven Handel AB")
    assert organisation.kind == "organisation"
    assert organisation.national_id == "5560360793"
    assert CustomerSourceKey.objects.filter(source="erp").count() == 3
    assert Event.objects.filter(kind="customer.created").count() == 3
    assert AuditEntry.objects.filter(action="import", object_type="imports.importjob").count() == 1
    assert not StagedRow.objects.exists()


def test_the_dry_run_writes_nothing_but_the_report() -> None:
    job = check("customers", "customers_semicolon_cp1252.csv", source="erp")
    assert (job.status, job.created_count, job.rejected_count) == ("checked", 3, 0)
    assert Customer.objects.count() == 0
    assert Event.objects.count() == 0
    assert StagedRow.objects.filter(job=job).count() == 3


def test_reimporting_the_same_file_changes_nothing(erp_customers: ImportJob) -> None:
    events = Event.objects.count()
    job = run("customers", "customers_semicolon_cp1252.csv", source="erp")
    assert (job.created_count, job.updated_count, job.unchanged_count) == (0, 0, 3)
    assert Customer.objects.count() == 3
    assert Event.objects.count() == events


def test_a_changed_row_updates_only_that_customer_and_keeps_its_other_emails(
    erp_customers: ImportJob, tmp_path: Path
) -> None:
    asa = Customer.objects.get(last_name="Öberg")
    EmailAddress.objects.create(customer=asa, address="asa.private@example.se")
    original = (FIXTURES / "customers_semicolon_cp1252.csv").read_bytes().decode("cp1252")
    changed = write(
        tmp_path / "c.csv",
        original.replace("Storgatan 1;111 22;Göteborg", "Kungsgatan 9;411 19;Mölndal").replace(
            "asa.oberg@example.se", "asa@newmail.example.se"
        ),
        "cp1252",
    )
    job = run("customers", changed, source="erp")
    assert (job.created_count, job.updated_count, job.unchanged_count) == (0, 1, 2)
    asa.refresh_from_db()
    assert asa.city == "Mölndal"
    assert asa.primary_email == "asa@newmail.example.se"
    assert sorted(asa.emails.values_list("address", flat=True)) == [
        "asa.oberg@example.se",
        "asa.private@example.se",
        "asa@newmail.example.se",
    ]
    assert Event.objects.filter(customer=asa, kind="customer.changed").count() == 1


def test_utf8_bom_file_with_norwegian_customers() -> None:
    job = run("customers", "customers_utf8_bom.csv", source="nav")
    assert job.created_count == 2
    kari = Customer.objects.get(first_name="Kari")
    assert kari.primary_phone == "+4791234567"
    assert kari.country == "NO"


def test_an_existing_customer_is_matched_by_national_number_and_email_not_doubled() -> None:
    existing = factories.person(first_name="Åsa", last_name="Öberg", national_id="811228-9874")
    by_email = factories.person(first_name="Björn", last_name="Ängström", emails=["bjorn@example.se"])
    job = run("customers", "customers_semicolon_cp1252.csv", source="erp")
    assert (job.created_count, job.updated_count + job.unchanged_count) == (1, 2)
    assert Customer.objects.count() == 3
    assert CustomerSourceKey.objects.get(external_id="K-1001").customer_id == existing.pk
    assert CustomerSourceKey.objects.get(external_id="K-1002").customer_id == by_email.pk


def test_broken_customer_rows_are_reported_with_line_field_and_reason(erp_customers: ImportJob) -> None:
    job = check("customers", "customers_broken.csv", source="erp")
    assert job.status == "checked"
    assert job.rejected_count == 6
    assert rejections(job) == [
        (2, "national_id", "This is not a valid personal identity number for SE."),
        (3, "email", "This is not a valid email address: An email address must have an @-sign."),
        (4, "last_name", "A person needs a first or last name."),
        (
            5,
            "external_id",
            f"Customer {Customer.objects.get(last_name='Öberg').pk} already has id K-1001 from this source.",
        ),
        (6, "national_id", "Duplicate: the same number is on line 5."),
        (7, "external_id", "Duplicate: the same customer id is on line 5."),
    ]
    assert ImportRejection.objects.get(job=job, line=3).value == "not-an-email"
    assert not job.can_commit
    with pytest.raises(services.Conflict, match="6 rows were rejected"):
        services.import_job_commit(job_id=job.pk, actor=None)
    assert Customer.objects.count() == 3


def transactions_job(**options: Any) -> ImportJob:
    run("customers", "customers_semicolon_cp1252.csv", source="erp")
    return run("transactions", "transactions_semicolon_cp1252.csv", source="erp", **options)


def test_transactions_with_nordic_numbers_dates_kinds_and_channels() -> None:
    job = transactions_job()
    assert (job.created_count, job.rejected_count) == (4, 0)
    rows = {t.external_id: t for t in Transaction.objects.select_related("customer")}
    assert rows["V-1"].amount == Decimal("1234.50")
    assert rows["V-1"].quantity == Decimal(2)
    assert rows["V-1"].margin == Decimal("400.00")
    assert rows["V-1"].channel == "web"
    assert rows["V-1"].kind == "purchase"
    assert rows["V-1"].customer.last_name == "Öberg"
    assert rows["V-2"].amount == Decimal("1234.50")
    assert (
        rows["V-2"].occurred_at.date().isoformat() == "2026-04-13"
    )  # 14.4.2026 00:00 Stockholm is 13 April UTC
    assert rows["V-3"].kind == "refund"
    assert rows["V-3"].amount == Decimal("-99.90")
    assert rows["V-4"].currency == "EUR"
    assert rows["V-4"].amount == Decimal("12500.00")
    assert rows["V-4"].channel == "partner"
    assert Event.objects.filter(kind="sales.transaction").count() == 4
    event = Event.objects.get(kind="sales.transaction", customer__organisation_name="Fjällräven Handel AB")
    assert event.data == {
        "kind": "purchase",
        "amount": "12500.00",
        "currency": "EUR",
        "transaction_id": rows["V-4"].pk,
    }


def test_transactions_make_registrants_customers_and_say_so_on_the_timeline() -> None:
    transactions_job()
    stages = dict(Customer.objects.values_list("last_name", "lifecycle_stage"))
    # Björn only has a refund: not a qualifying transaction.
    assert stages == {"Öberg": "customer", "Ängström": "lead", "": "customer"}
    event = Event.objects.get(kind="customer.stage_changed", customer__last_name="Öberg")
    assert event.data == {
        "from": "lead",
        "to": "customer",
        "reason": "first qualifying transaction",
        "reason_code": "stage.first_qualifying_transaction",
        "reason_params": {},
    }


def test_reimporting_transactions_is_a_no_op_and_a_changed_row_is_updated(tmp_path: Path) -> None:
    transactions_job()
    events = Event.objects.count()
    again = run("transactions", "transactions_semicolon_cp1252.csv", source="erp")
    assert (again.created_count, again.updated_count, again.unchanged_count) == (0, 0, 4)
    assert Event.objects.count() == events
    text = (FIXTURES / "transactions_semicolon_cp1252.csv").read_bytes().decode("cp1252")
    changed = write(tmp_path / "t.csv", text.replace("1 234,50;SEK;400,00", "1 300,00;SEK;410,00"), "cp1252")
    job = run("transactions", changed, source="erp")
    assert (job.created_count, job.updated_count, job.unchanged_count) == (0, 1, 3)
    assert Transaction.objects.get(external_id="V-1").amount == Decimal("1300.00")
    assert Transaction.objects.count() == 4


def test_the_same_ids_from_another_source_are_other_transactions() -> None:
    transactions_job()
    for key in CustomerSourceKey.objects.filter(source="erp"):
        CustomerSourceKey.objects.create(
            customer_id=key.customer_id, source="shop", external_id=key.external_id
        )
    job = run("transactions", "transactions_semicolon_cp1252.csv", source="shop")
    assert job.created_count == 4
    assert Transaction.objects.count() == 8


def test_broken_transaction_rows_of_every_kind() -> None:
    run("customers", "customers_semicolon_cp1252.csv", source="erp")
    job = check("transactions", "transactions_broken.csv", source="erp")
    assert (job.created_count, job.rejected_count) == (1, 6)
    assert rejections(job) == [
        (3, "customer_external_id", "No customer with K-9999."),
        (4, "occurred_at", "Not a date: 2026-13-45"),
        (5, "amount", "Not a number: 12,3,4x"),
        (6, "currency", "Unknown currency: XYZ"),
        (7, "external_id", "Duplicate: the same transaction id is on line 2."),
        (8, "customer_national_id", "No customer with 811228-9875."),
    ]
    assert services.import_job_get(job.pk).can_commit is False


def test_skip_bad_rows_commits_the_good_ones_only() -> None:
    run("customers", "customers_semicolon_cp1252.csv", source="erp")
    job = run("transactions", "transactions_broken.csv", source="erp", skip_bad_rows=True)
    assert job.status == "done"
    assert list(Transaction.objects.values_list("external_id", flat=True)) == ["B-1"]


def test_a_failing_commit_writes_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    run("customers", "customers_semicolon_cp1252.csv", source="erp")
    job = check("transactions", "transactions_semicolon_cp1252.csv", source="erp")
    from lojal.imports.transactions import commit

    def explode(**kwargs: Any) -> int:
        raise RuntimeError("disk full")

    monkeypatch.setattr(commit, "lifecycle_promote", explode)
    job = services.import_job_commit(job_id=job.pk, actor=None)
    assert job.status == "failed"
    assert "disk full" in job.error
    assert Transaction.objects.count() == 0
    assert Event.objects.filter(kind="sales.transaction").count() == 0
    assert Customer.objects.filter(lifecycle_stage=Stage.CUSTOMER).count() == 0


def test_cancelling_a_checked_import_drops_what_was_staged() -> None:
    run("customers", "customers_semicolon_cp1252.csv", source="erp")
    job = check("transactions", "transactions_semicolon_cp1252.csv", source="erp")
    assert StagedTransaction.objects.filter(job_id=job.pk).count() == 4
    job = services.import_job_cancel(job_id=job.pk)
    assert job.status == "cancelled"
    assert not StagedTransaction.objects.filter(job_id=job.pk).exists()
    with pytest.raises(services.Conflict):
        services.import_job_commit(job_id=job.pk, actor=None)
    assert Transaction.objects.count() == 0


def test_a_cancel_asked_for_while_checking_stops_after_the_batch(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    run("customers", "customers_semicolon_cp1252.csv", source="erp")
    lines = ["Verifikation;Kundnr;Datum;Belopp"] + [f"T-{n};K-1001;2026-01-01;{n},00" for n in range(30)]
    path = write(tmp_path / "many.csv", "\n".join(lines))
    monkeypatch.setattr(services, "BATCH_ROWS", 10)
    monkeypatch.setattr(services, "FRAME_ROWS", 10)
    job = services.import_job_create(
        actor=None, kind="transactions", upload=path, file_name="many.csv", source="erp"
    )
    seen: list[int] = []

    def progress(current: ImportJob) -> None:
        seen.append(current.rows_done)
        if current.rows_done == 10:
            services.import_job_cancel(job_id=current.pk)

    job = services.import_job_check(job_id=job.pk, progress=progress)
    assert job.status == "cancelled"
    assert seen == [10]
    assert not StagedTransaction.objects.filter(job_id=job.pk).exists()


def test_progress_is_reported_per_batch(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    run("customers", "customers_semicolon_cp1252.csv", source="erp")
    lines = ["Verifikation;Kundnr;Datum;Belopp"] + [f"T-{n};K-1001;2026-01-01;{n},00" for n in range(25)]
    path = write(tmp_path / "many.csv", "\n".join(lines))
    monkeypatch.setattr(services, "BATCH_ROWS", 10)
    monkeypatch.setattr(services, "FRAME_ROWS", 10)
    job = services.import_job_create(
        actor=None, kind="transactions", upload=path, file_name="many.csv", source="erp"
    )
    seen: list[tuple[int, str]] = []
    services.import_job_check(job_id=job.pk, progress=lambda j: seen.append((j.rows_done, j.status)))
    assert seen == [(10, "checking"), (20, "checking"), (25, "checking"), (25, "checked")]


def test_the_mapping_is_saved_per_source_and_offered_next_time(tmp_path: Path) -> None:
    run("customers", "customers_semicolon_cp1252.csv", source="erp")
    path = write(tmp_path / "odd.csv", "Ref;Kundnr;När;Belopp\nR1;K-1001;2026-01-05;10,00\n")
    job = services.import_job_create(
        actor=None, kind="transactions", upload=path, file_name="odd.csv", source="erp"
    )
    assert job.mapping["När"] == "attribute"  # no field takes it: kept, not dropped
    job = services.import_mapping_set(job_id=job.pk, mapping={"När": "occurred_at", "Ref": "external_id"})
    job = services.import_job_check(job_id=job.pk)
    assert job.created_count == 1
    assert ImportMapping.objects.get(source="erp", kind="transactions").mapping["När"] == "occurred_at"
    again = services.import_job_create(
        actor=None, kind="transactions", upload=path, file_name="odd.csv", source="erp"
    )
    assert again.mapping == {
        "Ref": "external_id",
        "Kundnr": "customer_external_id",
        "När": "occurred_at",
        "Belopp": "amount",
    }


def test_a_mapping_missing_required_fields_fails_the_check_with_the_reason(tmp_path: Path) -> None:
    path = write(tmp_path / "x.csv", "A;B\n1;2\n")
    job = check("transactions", path)
    assert job.status == "failed"
    assert "No column is mapped to Date and time." in job.error


def test_xlsx_transactions_with_a_totals_row(tmp_path: Path) -> None:
    from tests.imports.test_reading import build_xlsx

    run("customers", "customers_semicolon_cp1252.csv", source="erp")
    job = run("transactions", build_xlsx(tmp_path / "orders.xlsx"), source="erp")
    assert (job.created_count, job.rejected_count, job.skipped_lines) == (2, 0, [6])
    assert sorted(Transaction.objects.values_list("amount", flat=True)) == [
        Decimal("99.00"),
        Decimal("1234.50"),
    ]


def test_cdnow_real_transactions_import_and_reimport(tmp_path: Path) -> None:
    ids = sorted({line.split()[0] for line in CDNOW.read_text().splitlines() if line.strip()})
    customers = write(
        tmp_path / "cdnow_customers.csv", "id;last name\n" + "\n".join(f"{i};CDNOW {i}" for i in ids)
    )
    created = run("customers", customers, source="cdnow")
    assert created.created_count == len(ids) == 2357
    mapping = {
        "column 1": "customer_external_id",
        "column 2": "",
        "column 3": "occurred_at",
        "column 4": "quantity",
        "column 5": "amount",
    }
    job = run("transactions", CDNOW, source="cdnow", mapping=mapping, default_currency="USD")
    assert (job.created_count, job.rejected_count) == (6919, 0)
    total = sum(Decimal(line.split()[4]) for line in CDNOW.read_text().splitlines() if line.strip())
    from django.db.models import Sum

    # SQLite sums decimals as floating point; the cents are exact either way.
    assert Transaction.objects.aggregate(total=Sum("amount"))["total"].quantize(Decimal("0.01")) == total
    assert Transaction.objects.filter(currency="USD").count() == 6919
    assert Customer.objects.filter(lifecycle_stage="customer").count() == 2357
    again = run("transactions", CDNOW, source="cdnow", mapping=mapping, default_currency="USD")
    assert (again.created_count, again.unchanged_count) == (0, 6919)


def test_identical_rows_of_a_file_without_ids_are_counted_across_batches_in_the_database(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    run("customers", "customers_semicolon_cp1252.csv", source="erp")
    same = "K-1001;2026-01-05;100,00"
    lines = ["Kundnr;Datum;Belopp", same, "K-1002;2026-01-06;50,00", "K-1001;2026-01-07;1,00"] * 3
    lines = [lines[0]] + [line for line in lines if not line.startswith("Kundnr")]
    path = write(tmp_path / "no-ids.csv", "\n".join(lines) + "\n")
    monkeypatch.setattr(services, "BATCH_ROWS", 2)  # the three identical rows fall in three batches
    monkeypatch.setattr(services, "FRAME_ROWS", 2)
    job = run("transactions", path, source="erp")
    assert (job.created_count, job.rejected_count) == (9, 0)
    ids = sorted(Transaction.objects.filter(amount=Decimal("100.00")).values_list("external_id", flat=True))
    assert len(ids) == 3 and [key.rsplit(":", 1)[1] for key in ids] == ["1", "2", "3"]
    assert len({key.rsplit(":", 1)[0] for key in ids}) == 1
    assert not RowOccurrence.objects.exists()  # the counts live only while the check runs
    again = run("transactions", path, source="erp")
    assert (again.created_count, again.unchanged_count) == (0, 9)
    longer = write(tmp_path / "no-ids-2.csv", "\n".join([*lines, same]) + "\n")
    more = run("transactions", longer, source="erp")
    assert (more.created_count, more.unchanged_count) == (1, 9)
    assert Transaction.objects.filter(amount=Decimal("100.00")).count() == 4


def test_products_then_holdings(tmp_path: Path) -> None:
    run("customers", "customers_semicolon_cp1252.csv", source="erp")
    products = write(
        tmp_path / "p.csv",
        "Artikelnr;Benämning;Kategori;Pris;Valuta;Aktiv\n"
        "SPAR;Sparkonto;Konton;0;SEK;ja\nGIFT;Presentkort;Presentkort;500,00;SEK;ja\nGIFT;Dubbel;;1;SEK;ja\n",
    )
    job = check("products", products, source="erp")
    assert (job.created_count, job.rejected_count) == (2, 1)
    assert rejections(job) == [(4, "code", "Duplicate: the same code is on line 3.")]
    run("products", products, source="erp", skip_bad_rows=True)
    assert Product.objects.get(code="GIFT").unit_price == Decimal("500.00")
    assert Product.objects.get(code="GIFT").category.name == "Presentkort"  # type: ignore[union-attr]
    holdings = write(
        tmp_path / "h.csv",
        "Avtalsnummer;Kundnr;Artikelnr;Status;Startdatum;Slutdatum;Giltig till\n"
        "A-1;K-1001;SPAR;opened;2026-01-10;;\nA-2;K-1002;GIFT;aktiv;2026-02-01;;2027-02-01\n"
        "A-3;K-9999;GIFT;aktiv;2026-02-01;;\n",
    )
    job = run("holdings", holdings, source="erp", skip_bad_rows=True)
    assert (job.created_count, job.rejected_count) == (2, 1)
    gift = Holding.objects.get(external_id="A-2")
    assert (gift.status, str(gift.expires_on)) == ("active", "2027-02-01")
    assert Event.objects.filter(kind="sales.holding_opened").count() == 2
    closed = write(
        tmp_path / "h2.csv",
        "Avtalsnummer;Kundnr;Artikelnr;Status;Startdatum;Slutdatum;Giltig till\n"
        "A-1;K-1001;SPAR;closed;2026-01-10;2026-06-30;\nA-2;K-1002;GIFT;aktiv;2026-02-01;;2027-02-01\n",
    )
    job = run("holdings", closed, source="erp")
    assert (job.created_count, job.updated_count, job.unchanged_count) == (0, 1, 1)
    assert Holding.objects.get(external_id="A-1").status == "closed"
    assert Event.objects.filter(kind="sales.holding_changed").count() == 1


def test_cli_checks_reports_and_commits() -> None:
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "import",
        "customers",
        str(FIXTURES / "customers_semicolon_cp1252.csv"),
        "--source",
        "erp",
        stdout=out,
        stderr=err,
    )
    assert "Would create 3, update 0, leave 0 unchanged, reject 0." in out.getvalue()
    assert "Committed" in out.getvalue()
    assert "100%" in err.getvalue()
    assert Customer.objects.count() == 3


def test_cli_dry_run_and_rejections_commit_nothing() -> None:
    call_command(
        "import",
        "customers",
        str(FIXTURES / "customers_semicolon_cp1252.csv"),
        "--source",
        "erp",
        stdout=io.StringIO(),
        stderr=io.StringIO(),
    )
    out = io.StringIO()
    with pytest.raises(CommandError, match="6 rows were rejected"):
        call_command(
            "import",
            "customers",
            str(FIXTURES / "customers_broken.csv"),
            "--source",
            "erp",
            stdout=out,
            stderr=io.StringIO(),
        )
    assert "line 3: email: This is not a valid email address" in out.getvalue()
    out = io.StringIO()
    call_command(
        "import",
        "transactions",
        str(FIXTURES / "transactions_semicolon_cp1252.csv"),
        "--source",
        "erp",
        "--dry-run",
        stdout=out,
        stderr=io.StringIO(),
    )
    assert "Dry run: nothing was written." in out.getvalue()
    assert Transaction.objects.count() == 0
    with pytest.raises(CommandError, match="No such file"):
        call_command("import", "transactions", "/nonexistent.csv")


def test_two_checks_of_one_file_committed_in_turn_do_not_double() -> None:
    run("customers", "customers_semicolon_cp1252.csv", source="erp")
    first = check("transactions", "transactions_semicolon_cp1252.csv", source="erp")
    second = check("transactions", "transactions_semicolon_cp1252.csv", source="erp")
    assert services.import_job_commit(job_id=first.pk, actor=None).status == "done"
    assert services.import_job_commit(job_id=second.pk, actor=None).status == "done"
    assert Transaction.objects.count() == 4
    assert Event.objects.filter(kind="sales.transaction").count() == 4


def test_customers_changed_by_an_import_are_checked_for_duplicates_after_the_commit(
    erp_customers: ImportJob, tmp_path: Path, django_capture_on_commit_callbacks: Any
) -> None:
    from lojal.customers.models import DuplicateSuspicion

    twin = factories.person(first_name="Åsa", last_name="Öberg", emails=["asa@newmail.example.se"])
    original = (FIXTURES / "customers_semicolon_cp1252.csv").read_bytes().decode("cp1252")
    changed = write(
        tmp_path / "c.csv", original.replace("asa.oberg@example.se", "asa@newmail.example.se"), "cp1252"
    )
    job = check("customers", changed, source="erp")
    with django_capture_on_commit_callbacks(execute=True):
        services.import_job_commit(job_id=job.pk, actor=None)
    asa = Customer.objects.get(last_name="Öberg", national_id="198112289874")
    assert DuplicateSuspicion.objects.filter(
        first_id=min(asa.pk, twin.pk), second_id=max(asa.pk, twin.pk)
    ).exists()


class _RolledBack(Exception):
    pass


def _queued_duplicate_checks() -> list[list[int]]:
    from django_tasks import default_task_backend

    return [
        sorted(result.args[0])
        for result in default_task_backend.results  # type: ignore[attr-defined]
        if result.task.name == "duplicates_check_task"
    ]


def test_a_committed_import_queues_the_duplicate_check_of_its_new_customers(
    settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    # given a checked import of three new customers, and a task backend that only records what is queued
    job = check("customers", "customers_semicolon_cp1252.csv", source="erp")
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}

    # when it commits
    with django_capture_on_commit_callbacks(execute=True):
        services.import_job_commit(job_id=job.pk, actor=None)

    # then one duplicate check is queued for exactly the customers it created
    assert _queued_duplicate_checks() == [sorted(Customer.objects.values_list("pk", flat=True))]
    assert Customer.objects.count() == 3


def test_an_import_commit_that_rolls_back_queues_no_duplicate_check(
    settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    # given a checked import of three new customers, and a task backend that only records what is queued
    job = check("customers", "customers_semicolon_cp1252.csv", source="erp")
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}

    # when the transaction around its commit rolls back after the customers were written
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(_RolledBack),
        transaction.atomic(),
    ):
        services.import_job_commit(job_id=job.pk, actor=None)
        assert Customer.objects.count() == 3
        raise _RolledBack

    # then no duplicate check was queued for customers that never existed, then or later
    assert _queued_duplicate_checks() == []
    assert Customer.objects.count() == 0


def test_an_import_of_changes_that_rolls_back_queues_no_duplicate_check(
    erp_customers: ImportJob, tmp_path: Path, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    # given a checked import that changes a known customer's email
    original = (FIXTURES / "customers_semicolon_cp1252.csv").read_bytes().decode("cp1252")
    changed = write(
        tmp_path / "c.csv", original.replace("asa.oberg@example.se", "asa@newmail.example.se"), "cp1252"
    )
    job = check("customers", changed, source="erp")
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}

    # when the transaction around its commit rolls back after the change was written
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(_RolledBack),
        transaction.atomic(),
    ):
        services.import_job_commit(job_id=job.pk, actor=None)
        assert EmailAddress.objects.filter(address="asa@newmail.example.se").count() == 1
        raise _RolledBack

    # then no duplicate check was queued and the old address is still the customer's
    assert _queued_duplicate_checks() == []
    assert EmailAddress.objects.filter(address="asa@newmail.example.se").count() == 0
    assert EmailAddress.objects.filter(address="asa.oberg@example.se").count() == 1


def test_a_transaction_recorded_with_an_imported_id_after_the_check_stops_the_commit() -> None:
    """The commit trusts the check's view of which ids are new; a transaction recorded by other means
    in between makes it stop whole, with a reason, rather than double or half-write."""
    run("customers", "customers_semicolon_cp1252.csv", source="erp")
    job = check("transactions", "transactions_semicolon_cp1252.csv", source="erp")
    customer_id = CustomerSourceKey.objects.filter(source="erp").values_list("customer_id", flat=True)[0]
    Transaction.objects.create(
        customer_id=customer_id,
        occurred_at="2026-01-01T00:00:00Z",
        kind="purchase",
        amount=Decimal("1.00"),
        currency="SEK",
        source="erp",
        external_id="V-1",
    )
    job = services.import_job_commit(job_id=job.pk, actor=None)
    assert job.status == "failed"
    assert "since the check" in job.error
    assert Transaction.objects.count() == 1
    assert Event.objects.filter(kind="sales.transaction").count() == 0


def test_staged_rows_lost_since_the_check_are_not_committed_as_nothing() -> None:
    """On PostgreSQL staging is unlogged, so a database crash empties it; the commit must then refuse
    rather than finish having written none of the rows the check counted."""
    run("customers", "customers_semicolon_cp1252.csv", source="erp")
    job = check("transactions", "transactions_semicolon_cp1252.csv", source="erp")
    StagedTransaction.objects.filter(job_id=job.pk).delete()
    job = services.import_job_commit(job_id=job.pk, actor=None)
    assert job.status == "failed"
    assert "check again" in job.error
    assert Transaction.objects.count() == 0
    again = services.import_job_check(job_id=job.pk)
    assert services.import_job_commit(job_id=again.pk, actor=None).status == "done"
    assert Transaction.objects.count() == 4


def test_a_file_that_turns_unreadable_past_its_sample_fails_with_the_row_count(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Batches are read by a thread ahead of the check; a decoding error there still reaches the
    check, which fails the job with how far it got, and nothing is staged."""
    run("customers", "customers_semicolon_cp1252.csv", source="erp")
    monkeypatch.setattr(services, "BATCH_ROWS", 100)
    monkeypatch.setattr(services, "FRAME_ROWS", 100)
    good = "".join(f"T-{n};K-1001;2026-01-01;{n},00\n" for n in range(3000)).encode()
    path = tmp_path / "turns-bad.csv"
    path.write_bytes(b"Verifikation;Kundnr;Datum;Belopp\n" + good + b"T-x;K-1001;2026-01-01;\xff\xfe\n")
    job = services.import_job_create(
        actor=None, kind="transactions", upload=path, file_name=path.name, source="erp"
    )
    job = services.import_job_check(job_id=job.pk)
    assert job.status == "failed"
    # Text is decoded in chunks (polars reads ahead of the batches it hands out), so the error surfaces
    # with a batch at or before the one that holds the bad byte: the count is of rows checked before
    # it, a whole number of batches, short of the bad line.
    assert f"not readable text after row {job.rows_done}:" in job.error
    assert 0 <= job.rows_done < 3000 and job.rows_done % 100 == 0
    assert not StagedTransaction.objects.filter(job_id=job.pk).exists()


def test_an_update_that_clashes_at_commit_fails_naming_the_line_and_changes_nothing(
    erp_customers: ImportJob, tmp_path: Path, admin_user: User
) -> None:
    """A number taken by another customer between the dry run and the commit: the commit stops at
    that line and every customer stays as it was."""
    original = (FIXTURES / "customers_semicolon_cp1252.csv").read_bytes().decode("cp1252")
    changed = write(
        tmp_path / "c.csv",
        original.replace(";Björn;Ängström;;;", ";Björn;Ängström;;880320-0016;").replace(
            "Storgatan 1;111 22;Göteborg", "Kungsgatan 9;411 19;Mölndal"
        ),
        "cp1252",
    )
    job = check("customers", changed, source="erp")
    assert (job.status, job.updated_count) == ("checked", 2)
    other = factories.person(national_id="880320-0016")
    events = Event.objects.count()
    job = services.import_job_commit(job_id=job.pk, actor=admin_user)
    assert job.status == "failed"
    assert job.error == f"Line 3: Customer {other.customer_number} already has this number."
    assert Customer.objects.get(last_name="Ängström").national_id == ""
    assert Customer.objects.get(last_name="Öberg").city == "Göteborg"
    assert Event.objects.count() == events


def test_a_visma_file_with_malformed_amounts_rejects_each_with_its_reason() -> None:
    run("customers", "customers_semicolon_cp1252.csv", source="erp")
    Product.objects.create(code="KAF-100", name="Kaffebryggare Moccamaster")
    Product.objects.create(code="FIL-205", name="Filter 100-pack")
    job = check("transactions", "transactions_visma_malformed_amounts.csv", source="erp")
    assert (job.created_count, job.rejected_count) == (4, 6)
    assert rejections(job) == [
        (4, "amount", "Not a number: 1,234,56 (several decimal marks)."),
        (5, "amount", "Not a number: 1.234,567.8 (decimal marks and thousands separators are mixed)."),
        (
            6,
            "amount",
            "Not a number: 1 23,5 (a thousands separator stands only between groups of three digits).",
        ),
        (7, "amount", "Not a number: 12O,00"),
        (8, "amount", "Not a number: - (no digits)."),
        (9, "amount", "Not a number: 12,50,00 (several decimal marks)."),
    ]
    job = run("transactions", "transactions_visma_malformed_amounts.csv", source="erp", skip_bad_rows=True)
    amounts = dict(Transaction.objects.values_list("external_id", "amount"))
    assert amounts == {
        "F-5001": Decimal("2495.00"),
        "F-5002": Decimal("1234.50"),
        "F-5009": Decimal("12500.00"),
        "F-5010": Decimal("-349.00"),
    }
    # a file without a kind column writes a credit note as a negative line: it is a refund
    kinds = dict(Transaction.objects.values_list("external_id", "kind"))
    assert (kinds["F-5001"], kinds["F-5010"]) == ("purchase", "refund")


def test_a_full_name_column_is_an_organisations_name_or_a_persons_split_name(tmp_path: Path) -> None:
    given = write(
        tmp_path / "kunder.csv",
        "Kundnr;Namn;Organisationsnr\n"
        "K-1;Per Åström;\n"
        "K-2;af Klint, Hilma;\n"
        "K-3;Anna-Karin de la Motte;640823-3234\n"
        "K-4;Fjällräven Handel AB;\n"
        "K-5;Nordisk Design;556677-8899\n"
        "K-6;Oy Karl Fazer Ab;\n",
    )
    job = run("customers", given, source="fortnox")
    assert job.mapping["Namn"] == "full_name"
    assert job.mapping["Organisationsnr"] == "national_id"
    rows = {
        key.external_id: key.customer
        for key in CustomerSourceKey.objects.filter(source="fortnox").select_related("customer")
    }
    assert {k: (c.kind, c.first_name, c.last_name, c.organisation_name) for k, c in rows.items()} == {
        "K-1": ("person", "Per", "Åström", ""),
        "K-2": ("person", "Hilma", "af Klint", ""),
        "K-3": ("person", "Anna-Karin", "de la Motte", ""),
        "K-4": ("organisation", "", "", "Fjällräven Handel AB"),
        "K-5": ("organisation", "", "", "Nordisk Design"),
        "K-6": ("organisation", "", "", "Oy Karl Fazer Ab"),
    }


def test_a_fortnox_register_with_partial_addresses_imports_every_row() -> None:
    job = run("customers", "customers_fortnox_cp1252.csv", source="fortnox")
    assert (job.created_count, job.rejected_count) == (9, 0)
    by_key = {
        key.external_id: key.customer
        for key in CustomerSourceKey.objects.filter(source="fortnox").select_related("customer")
    }
    addresses = {
        key: list(customer.addresses.values_list("street", "postal_code", "city", "country"))
        for key, customer in by_key.items()
    }
    assert addresses == {
        "1001": [("Storgatan 12", "114 51", "Stockholm", "SE")],
        "1002": [("Box 123", "831 21", "Östersund", "SE")],
        "1003": [("c/o Andersson, Strandvägen 7", "", "", "SE")],
        "1004": [("", "413 04", "Göteborg", "SE")],
        "1005": [("Sveavägen 44", "11134", "Stockholm", "SE")],
        "1006": [("Karl Johans gate 1", "0154", "Oslo", "NO")],
        "1007": [("", "", "København", "DK")],
        "1008": [("", "00941", "Helsinki", "FI")],
        "1009": [("Box 45", "", "", "SE")],
    }
    assert job.mapping["Kund sedan"] == "customer_since"
    since = {key: customer.customer_since for key, customer in by_key.items()}
    assert {key: day.isoformat() for key, day in since.items() if day} == {
        "1001": "2014-03-01",
        "1002": "2009-11-15",
        "1003": "2019-06-15",
        "1004": "2021-01-20",
        "1005": "2018-03-05",
        "1006": "2020-02-03",
        "1007": "2016-08-01",
    }
    assert by_key["1004"].city == "Göteborg"
    assert by_key["1002"].kind == "organisation"
    assert by_key["1003"].last_name == "af Klint"


@pytest.mark.parametrize(
    ("postal_code", "country"),
    [("1234", "Sverige"), ("123 456", "SE"), ("01234", "Norge"), ("123", "Danmark"), ("0010", "Suomi")],
)
def test_a_postal_code_not_written_as_the_country_writes_them_is_rejected(
    tmp_path: Path, postal_code: str, country: str
) -> None:
    given = write(
        tmp_path / "k.csv", f"Kundnr;Namn;Postnr;Ort;Land\n1;Per Åström;{postal_code};Ort;{country}\n"
    )
    job = check("customers", given, source="fortnox")
    assert [(line, field) for line, field, _reason in rejections(job)] == [(2, "postal_code")]
    assert Customer.objects.count() == 0


def test_a_bad_customer_since_date_is_rejected_with_line_column_and_reason(tmp_path: Path) -> None:
    given = write(
        tmp_path / "k.csv",
        "Kundnr;Namn;Kund sedan\n1;Per Åström;2014-03-01\n2;Kari Nordmann;2020-02-30\n3;Lars Ek;snart\n",
    )
    job = check("customers", given, source="fortnox")
    assert rejections(job) == [
        (3, "customer_since", "Not a date: 2020-02-30"),
        (4, "customer_since", "Not a date: snart"),
    ]
    assert job.created_count == 1
    assert Customer.objects.count() == 0


def test_a_changed_customer_since_updates_the_customer_on_reimport(tmp_path: Path) -> None:
    run(
        "customers",
        write(tmp_path / "a.csv", "Kundnr;Namn;Kund sedan\n1;Per Åström;2014-03-01\n"),
        source="f",
    )
    job = run(
        "customers",
        write(tmp_path / "b.csv", "Kundnr;Namn;Kund sedan\n1;Per Åström;2012-01-02\n"),
        source="f",
    )
    assert (job.updated_count, job.created_count) == (1, 0)
    assert Customer.objects.get().customer_since.isoformat() == "2012-01-02"


def test_unknown_article_codes_become_products_to_complete_and_the_rows_keep_them() -> None:
    # given customers and a catalogue that knows none of the file's articles
    run("customers", "customers_semicolon_cp1252.csv", source="erp")
    known = Product.objects.create(code="KAF-999", name="Kaffe")
    # when checked
    job = check("transactions", "transactions_visma_malformed_amounts.csv", source="erp", skip_bad_rows=True)
    # then the report names the new articles and nothing is written yet
    assert (job.mapping["Artikelnr"], job.mapping["Benämning"]) == ("product_code", "product_name")
    assert (job.report["new_product_count"], job.report["new_products"]) == (2, ["KAF-100", "FIL-205"])
    assert job.report["new_product_names"] == {
        "KAF-100": "Kaffebryggare Moccamaster",
        "FIL-205": "Filter 100-pack",
    }
    assert not any(field == "product_code" for _line, field, _reason in rejections(job))
    assert list(Product.objects.values_list("code", flat=True)) == ["KAF-999"]
    # when committed
    services.import_job_commit(job_id=job.pk, actor=None)
    stubs = {p.code: (p.name, p.needs_completion) for p in Product.objects.exclude(pk=known.pk)}
    assert stubs == {
        "KAF-100": ("Kaffebryggare Moccamaster", True),
        "FIL-205": ("Filter 100-pack", True),
    }
    products = dict(Transaction.objects.values_list("external_id", "product__code"))
    assert products == {"F-5001": "KAF-100", "F-5002": "FIL-205", "F-5009": "KAF-100", "F-5010": "KAF-100"}
    # and a second file naming them finds them, with nothing new to make
    again = check(
        "transactions", "transactions_visma_malformed_amounts.csv", source="erp", skip_bad_rows=True
    )
    assert "new_products" not in again.report


def test_the_dry_run_page_and_the_api_say_which_products_will_be_created(staff_client: Any) -> None:
    run("customers", "customers_semicolon_cp1252.csv", source="erp")
    job = check("transactions", "transactions_visma_malformed_amounts.csv", source="erp", skip_bad_rows=True)
    page = staff_client.get(f"/imports/{job.pk}/").content.decode()
    assert (
        "2 new products will be created: KAF-100 (Kaffebryggare Moccamaster), FIL-205 (Filter 100-pack)."
        in page
    )
    body = staff_client.get(f"/api/v1/imports/{job.pk}").json()
    assert (body["new_product_count"], body["new_products"]) == (2, ["KAF-100", "FIL-205"])
    assert body["new_product_names"] == {
        "KAF-100": "Kaffebryggare Moccamaster",
        "FIL-205": "Filter 100-pack",
    }


def test_a_product_in_the_catalogue_keeps_its_name_whatever_the_file_calls_it() -> None:
    # given a catalogue that has one of the file's articles under its own name
    run("customers", "customers_semicolon_cp1252.csv", source="erp")
    Product.objects.create(code="KAF-100", name="Moccamaster KB741")
    # when checked, only the other article is new
    job = check("transactions", "transactions_visma_malformed_amounts.csv", source="erp", skip_bad_rows=True)
    assert (job.report["new_products"], job.report["new_product_names"]) == (
        ["FIL-205"],
        {"FIL-205": "Filter 100-pack"},
    )
    # and when that one is added by hand between the check and the commit
    Product.objects.create(code="FIL-205", name="Kaffefilter 4")
    services.import_job_commit(job_id=job.pk, actor=None)
    # then both keep the catalogue's names and are not marked to complete; the rows name them
    names = {p.code: (p.name, p.needs_completion) for p in Product.objects.all()}
    assert names == {"KAF-100": ("Moccamaster KB741", False), "FIL-205": ("Kaffefilter 4", False)}
    products = dict(Transaction.objects.values_list("external_id", "product__code"))
    assert products == {"F-5001": "KAF-100", "F-5002": "FIL-205", "F-5009": "KAF-100", "F-5010": "KAF-100"}


def test_a_file_without_a_description_column_names_its_new_products_by_code(tmp_path: Path) -> None:
    run("customers", "customers_semicolon_cp1252.csv", source="erp")
    file = write(
        tmp_path / "t.csv",
        "Fakturanr;Kundnr;Fakturadatum;Artikelnr;Belopp\n"
        "F-1;K-1001;2026-03-02;KAF-100;100,00\nF-2;K-1002;2026-03-03;FIL-205;50,00\n",
    )
    job = check("transactions", file, source="erp")
    assert "product_name" not in job.mapping.values()
    assert "new_product_names" not in job.report
    services.import_job_commit(job_id=job.pk, actor=None)
    stubs = {p.code: (p.name, p.needs_completion) for p in Product.objects.all()}
    assert stubs == {"KAF-100": ("KAF-100", True), "FIL-205": ("FIL-205", True)}


def test_a_new_products_name_is_the_first_description_the_file_gives_for_its_code(tmp_path: Path) -> None:
    # given a file whose first row of an article has no description and whose later rows differ
    run("customers", "customers_semicolon_cp1252.csv", source="erp")
    file = write(
        tmp_path / "t.csv",
        "Fakturanr;Kundnr;Fakturadatum;Artikelnr;Beskrivning;Belopp\n"
        "F-1;K-1001;2026-03-02;KAF-100;;100,00\n"
        "F-2;K-1002;2026-03-03;KAF-100;  Kaffebryggare   Moccamaster ;100,00\n"
        "F-3;K-1003;2026-03-04;KAF-100;Moccamaster KB741;100,00\n"
        "F-4;K-1001;2026-03-05;FIL-205;;50,00\n",
    )
    # when checked and committed
    job = check("transactions", file, source="erp")
    assert job.mapping["Beskrivning"] == "product_name"
    assert job.report["new_product_names"] == {"KAF-100": "Kaffebryggare Moccamaster"}
    services.import_job_commit(job_id=job.pk, actor=None)
    # then the article is named by its first non-empty description, the other by its code
    stubs = {p.code: (p.name, p.needs_completion) for p in Product.objects.all()}
    assert stubs == {"KAF-100": ("Kaffebryggare Moccamaster", True), "FIL-205": ("FIL-205", True)}
    # and the description is no attribute of the transactions
    assert list(Transaction.objects.order_by("external_id").values_list("attributes", flat=True)) == [{}] * 4


def test_a_rejected_rows_description_still_names_the_new_product(tmp_path: Path) -> None:
    # given a file whose first row of an article is refused for its amount
    run("customers", "customers_semicolon_cp1252.csv", source="erp")
    file = write(
        tmp_path / "t.csv",
        "Fakturanr;Kundnr;Fakturadatum;Artikelnr;Benämning;Belopp\n"
        "F-1;K-1001;2026-03-02;FIL-205;Filter 100-pack;12O,00\n"
        "F-2;K-1002;2026-03-03;FIL-205;Filter;50,00\n",
    )
    # when committed, skipping the bad row
    job = run("transactions", file, source="erp", skip_bad_rows=True)
    # then the article is named as the file first described it
    assert [(line, field) for line, field, _reason in rejections(job)] == [(2, "amount")]
    assert list(Product.objects.values_list("code", "name", "needs_completion")) == [
        ("FIL-205", "Filter 100-pack", True)
    ]
    assert list(Transaction.objects.values_list("external_id", "product__code")) == [("F-2", "FIL-205")]


@pytest.mark.parametrize(
    "header",
    [
        "Artikel",
        "Artikelnummer",
        "Artikelnr",
        "Varenummer",
        "Varenr",
        "Produkt",
        "Produktkod",
        "Tuote",
        "Item",
        "SKU",
    ],
)
def test_an_article_column_is_mapped_to_the_product_code(header: str) -> None:
    from lojal.imports.mapping import mapping_guess

    assert mapping_guess("transactions", ["Kundnr", "Datum", header, "Belopp"])[header] == "product_code"


@pytest.mark.parametrize(
    "header",
    [
        "Benämning",
        "Beskrivning",
        "Artikelbenämning",
        "Varebeskrivelse",
        "Varenavn",
        "Beskrivelse",
        "Tuotenimi",
        "Description",
        "Item name",
        "Produktnamn",
        "Product name",
    ],
)
def test_an_article_description_column_is_mapped_to_the_product_name(header: str) -> None:
    from lojal.imports.mapping import mapping_guess

    mapping = mapping_guess("transactions", ["Kundnr", "Datum", "Artikelnr", header, "Belopp"])
    assert (mapping["Artikelnr"], mapping[header]) == ("product_code", "product_name")


def test_staff_find_an_imported_customer_by_the_erps_customer_number(staff_client: Any) -> None:
    run("customers", "customers_fortnox_cp1252.csv", source="fortnox")
    anna_karin = CustomerSourceKey.objects.get(source="fortnox", external_id="1004").customer
    items = staff_client.get("/api/v1/customers/search", {"q": "1004"}).json()["items"]
    assert (items[0]["id"], items[0]["matched_on"]) == (anna_karin.pk, "external_id")


def test_unmapped_columns_are_kept_as_free_attributes_and_reported(staff_client: Any) -> None:
    # when a Fortnox register is checked
    job = check("customers", "customers_fortnox_cp1252.csv", source="fortnox")
    # then the columns no field takes are named in the report, as attributes
    assert job.report == {"attribute_columns": ["Kreditgräns", "Säljare"]}
    page = staff_client.get(f"/imports/{job.pk}/").content.decode()
    assert "Kept as free attributes: Kreditgräns, Säljare." in page
    assert staff_client.get(f"/api/v1/imports/{job.pk}").json()["attribute_columns"] == [
        "Kreditgräns",
        "Säljare",
    ]
    # when committed, each customer keeps them, and a person the name as the file wrote it
    services.import_job_commit(job_id=job.pk, actor=None)
    by_key = {k.external_id: k.customer for k in CustomerSourceKey.objects.select_related("customer")}
    assert by_key["1003"].attributes == {"Säljare": "Karin Lund", "Namn": "af Klint, Hilma"}
    assert by_key["1002"].attributes == {"Kreditgräns": "250 000", "Säljare": "Erik Berg"}
    assert by_key["1008"].attributes == {}
    page = staff_client.get(f"/customers/{by_key['1002'].pk}/").content.decode()
    assert "<dt>Kreditgräns</dt><dd>250 000</dd>" in page
    detail = staff_client.get(f"/api/v1/customers/{by_key['1002'].pk}").json()
    assert detail["attributes"] == {"Kreditgräns": "250 000", "Säljare": "Erik Berg"}


def test_a_changed_attribute_updates_the_customer_and_keeps_the_others(tmp_path: Path) -> None:
    header = "Kundnr;Namn;Säljare;Region\n"
    run("customers", write(tmp_path / "a.csv", header + "1;Nordisk Design AB;Karin Lund;Väst\n"), source="f")
    job = run(
        "customers",
        write(tmp_path / "b.csv", "Kundnr;Namn;Säljare\n1;Nordisk Design AB;Erik Berg\n"),
        source="f",
    )
    assert (job.updated_count, job.unchanged_count) == (1, 0)
    assert Customer.objects.get().attributes == {"Säljare": "Erik Berg", "Region": "Väst"}


def test_a_transaction_files_unmapped_columns_are_its_attributes() -> None:
    run("customers", "customers_semicolon_cp1252.csv", source="erp")
    job = run("transactions", "transactions_visma_malformed_amounts.csv", source="erp", skip_bad_rows=True)
    assert job.report["attribute_columns"] == ["Projekt"]
    first = Transaction.objects.get(external_id="F-5001")
    assert first.attributes == {"Projekt": "Vårkampanj"}


def test_the_cli_dry_run_names_new_products_and_attribute_columns() -> None:
    run("customers", "customers_semicolon_cp1252.csv", source="erp")
    out = io.StringIO()
    call_command(
        "import",
        "transactions",
        str(FIXTURES / "transactions_visma_malformed_amounts.csv"),
        "--source",
        "erp",
        "--dry-run",
        "--skip-bad-rows",
        stdout=out,
        stderr=io.StringIO(),
    )
    assert (
        "2 new products will be created: KAF-100 (Kaffebryggare Moccamaster), FIL-205 (Filter 100-pack)."
        in out.getvalue()
    )
    assert "Kept as free attributes: Projekt." in out.getvalue()
    assert "line 4: amount: Not a number: 1,234,56 (several decimal marks)." in out.getvalue()
    assert not Product.objects.exists()


def test_a_danish_file_reads_1_234_as_a_thousand_and_others_refuse_to_round_it(tmp_path: Path) -> None:
    run("customers", "customers_semicolon_cp1252.csv", source="erp")
    given = write(tmp_path / "t.csv", "Bilag;Kundenr;Dato;Beløb\nD-1;K-1001;2026-03-14;1.234\n")
    for locale in ("", "sv_SE", "en_GB"):
        job = check("transactions", given, source="erp", number_locale=locale)
        assert rejections(job) == [(2, "amount", "Too many decimals: 1.234 (at most 2).")]
    job = run("transactions", given, source="erp", number_locale="da_DK")
    assert job.number_locale == "da_DK"
    assert Transaction.objects.get().amount == Decimal("1234.00")


def test_an_unknown_number_format_is_refused(tmp_path: Path) -> None:
    given = write(tmp_path / "t.csv", "Bilag;Kundenr;Dato;Beløb\nD-1;K-1001;2026-03-14;1.234\n")
    with pytest.raises(services.ValidationError) as refused:
        services.import_job_create(
            actor=None, kind="transactions", upload=given, file_name="t.csv", number_locale="de_DE"
        )
    assert list(refused.value.errors) == ["number_locale"]
    assert not services.ImportJob.objects.exists()


def test_a_country_without_an_address_is_kept_on_the_new_customer(tmp_path: Path) -> None:
    # given a register row that names only the customer's country, and one with a street too
    given = write(
        tmp_path / "k.csv", "Kundnr;Namn;Adress;Land\n1;Kari Nordmann;;Norge\n2;Per Åström;Storgatan 1;SE\n"
    )

    # when it is imported
    job = run("customers", given, source="erp")

    # then the country is on the customer though no address was made, and the other has its address
    assert (job.created_count, job.rejected_count) == (2, 0)
    kari = CustomerSourceKey.objects.get(source="erp", external_id="1").customer
    assert (kari.city, kari.country, kari.addresses.count()) == ("", "NO", 0)
    assert kari.search_text == "kari nordmann"
    per = CustomerSourceKey.objects.get(source="erp", external_id="2").customer
    assert (per.country, per.addresses.count()) == ("SE", 1)
