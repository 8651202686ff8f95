"""The PostgreSQL paths: staged rows go in with COPY (no INSERT statement is sent), lookups take the
keys as one array, and two imports of the same file committed one after the other do not double."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.db import connection
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


def test_staged_rows_are_copied_not_inserted(tmp_path: Path) -> None:
    assert connection.vendor == "postgresql"
    run("customers", "customers_semicolon_cp1252.csv", source="erp")
    with CaptureQueriesContext(connection) as queries:
        job = check("transactions", many(tmp_path, 300), source="erp")
    assert job.created_count == 300
    assert StagedTransaction.objects.filter(job_id=job.pk).count() == 300
    statements = [query["sql"] for query in queries.captured_queries]
    assert not [sql for sql in statements if sql.startswith('INSERT INTO "imports_stagedtransaction"')]
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
