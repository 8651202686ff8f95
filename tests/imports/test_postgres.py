"""The PostgreSQL paths: staging 300 rows costs no more statements than staging 30, the
look-ahead reader gives what the check alone gives, and two imports of the same file committed one
after the other do not double."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from lojal.imports import services
from lojal.imports.models import StagedTransaction
from lojal.sales.models import Transaction
from lojal.timeline.models import Event
from tests.imports.helpers import check, run

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def many(tmp_path: Path, count: int) -> Path:
    lines = ["Verifikation;Kundnr;Datum;Belopp"] + [
        f"T-{n};K-1001;2026-01-{n % 28 + 1:02d};{n},50" for n in range(count)
    ]
    path = tmp_path / "many.csv"
    path.write_text("\n".join(lines))
    return path


def test_staging_300_rows_sends_no_more_statements_than_staging_30(tmp_path: Path) -> None:
    assert connection.vendor == "postgresql"
    run("customers", "customers_semicolon_cp1252.csv", source="erp")
    with CaptureQueriesContext(connection) as few:
        check("transactions", many(tmp_path, 30), source="erp")
    with CaptureQueriesContext(connection) as queries:
        job = check("transactions", many(tmp_path, 300), source="erp")
    assert job.created_count == 300
    assert StagedTransaction.objects.filter(job_id=job.pk).count() == 300
    assert len(queries.captured_queries) <= len(few.captured_queries)
    services.import_job_commit(job_id=job.pk, actor=None)
    assert Transaction.objects.count() == 300
    assert Event.objects.filter(kind="sales.transaction").count() == 300


def test_two_checks_of_one_file_committed_in_turn_do_not_double(tmp_path: Path) -> None:
    run("customers", "customers_semicolon_cp1252.csv", source="erp")
    path = many(tmp_path, 50)
    first = check("transactions", path, source="erp")
    second = check("transactions", path, source="erp")
    assert (first.created_count, second.created_count) == (50, 50)
    assert services.import_job_commit(job_id=first.pk, actor=None).status == "done"
    assert services.import_job_commit(job_id=second.pk, actor=None).status == "done"
    assert Transaction.objects.count() == 50
    assert Event.objects.filter(kind="sales.transaction").count() == 50


@pytest.mark.django_db(transaction=True)
def test_look_ups_run_ahead_in_the_reader_thread_and_give_what_the_check_alone_gives(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Outside a transaction the stored rows and customers of the next batch are looked up by the
    reader's thread on a connection of its own; the counts and rejections are those of the check
    preparing each batch itself (inside a transaction, as the other tests run)."""
    run("customers", "customers_semicolon_cp1252.csv", source="erp")
    first = run("transactions", many(tmp_path, 40), source="erp")
    assert first.created_count == 40
    lines = (tmp_path / "many.csv").read_text().splitlines()
    lines[3] = lines[3].replace(",50", ",75")  # changed
    lines[5] = lines[5].replace("K-1001", "K-9999")  # unknown customer
    lines += ["T-200;K-1001;2026-02-01;1,00", "T-200;K-1001;2026-02-02;2,00", "T-201;K-1001;2026-02-03;x"]
    lines += ["T-202;K-1001\x00;2026-02-03;1,00"]  # a NUL: rejected
    path = tmp_path / "again.csv"
    path.write_text("\n".join(lines))
    monkeypatch.setattr(services, "BATCH_ROWS", 7)
    monkeypatch.setattr(services, "FRAME_ROWS", 7)
    outcomes = []
    prepared_in: list[str] = []
    real_prepare = services.TransactionImporter.prepare_frame

    def prepare(self: services.TransactionImporter, rows: Any) -> object:
        prepared_in.append("main" if threading.current_thread() is threading.main_thread() else "another")
        return real_prepare(self, rows)

    monkeypatch.setattr(services.TransactionImporter, "prepare_frame", prepare)
    for inside_a_transaction in (False, True):
        prepared_in.clear()
        job = services.import_job_create(
            actor=None, kind="transactions", upload=path, file_name="again.csv", source="erp"
        )
        if inside_a_transaction:
            with transaction.atomic():
                job = services.import_job_check(job_id=job.pk)
        else:
            job = services.import_job_check(job_id=job.pk)
        assert set(prepared_in) == ({"main"} if inside_a_transaction else {"another"})
        outcomes.append(
            (
                job.created_count,
                job.updated_count,
                job.unchanged_count,
                job.rejected_count,
                sorted(job.rejections.values_list("line", "field", "reason")),
            )
        )
    assert outcomes[0] == outcomes[1]
    created, updated, unchanged, rejected, reasons = outcomes[0]
    assert (created, updated, unchanged, rejected) == (1, 1, 38, 4)
    assert [(line, field) for line, field, _reason in reasons] == [
        (6, "customer_external_id"),
        (43, "external_id"),
        (44, "amount"),
        (45, "customer_external_id"),
    ]
