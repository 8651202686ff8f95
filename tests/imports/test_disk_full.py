"""The disk full in the middle of an import's commit: the commit's transaction is rolled back, so no
transaction row or timeline event of the import remains; the job is marked failed with a translated
reason naming the full disk; its checked rows stay staged and commit once there is room again.

SQLite runs out of room for real (``PRAGMA max_page_count`` caps the database at its current size, so
the engine answers SQLITE_FULL, "database or disk is full", exactly as on a full disk); PostgreSQL gets
its own disk-full error (SQLSTATE 53100, "could not extend file") from the server, raised by a trigger
on the transaction table, as a full tablespace would."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.utils import translation

from lojal.imports import services
from lojal.imports.models import ImportJob, StagedTransaction
from lojal.sales.models import Transaction
from lojal.timeline.models import Event
from tests.imports.helpers import check, run

pytestmark = pytest.mark.django_db(transaction=True)
NO_LIMIT = 1_073_741_823


ROWS = 400


def _checked_transactions(tmp_path: Path) -> ImportJob:
    """An ERP's transaction file of ROWS purchases by three customers, checked and staged: more than the
    free room left in the database's last pages, so the commit must grow the file."""
    run("customers", "customers_semicolon_cp1252.csv", source="erp")
    lines = ["Verifikation;Kundnr;Datum;Typ;Artikelnr;Antal;Belopp;Valuta;TB;Kanal"]
    lines += [f"V-{n};K-100{1 + n % 3};2026-03-14;Köp;;1;{100 + n},50;SEK;40,00;Webb" for n in range(ROWS)]
    path = tmp_path / "verifikationer.csv"
    path.write_bytes("\r\n".join(lines).encode("cp1252"))
    job = check("transactions", path, source="erp")
    assert job.status == ImportJob.Status.CHECKED, job.error
    return job


def _fill_the_disk() -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("VACUUM")  # no free pages left inside the file to write into
            pages = cursor.execute("PRAGMA page_count").fetchone()[0]
            cursor.execute(f"PRAGMA max_page_count = {int(pages)}")
        else:
            cursor.execute(
                """CREATE FUNCTION lojal_test_disk_full() RETURNS trigger LANGUAGE plpgsql AS $$
                   BEGIN RAISE EXCEPTION 'could not extend file "base/16384/24576": No space left on device'
                         USING ERRCODE = 'disk_full'; END $$"""
            )
            cursor.execute(
                "CREATE TRIGGER lojal_test_disk_full BEFORE INSERT ON sales_transaction "
                "FOR EACH STATEMENT EXECUTE FUNCTION lojal_test_disk_full()"
            )


def _free_space() -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"PRAGMA max_page_count = {NO_LIMIT}")
        else:
            cursor.execute("DROP TRIGGER lojal_test_disk_full ON sales_transaction")
            cursor.execute("DROP FUNCTION lojal_test_disk_full()")


@pytest.mark.parametrize("language", ["en", "sv"])
def test_disk_full_during_commit_writes_nothing_says_why_and_commits_later(
    language: str, tmp_path: Path
) -> None:
    job = _checked_transactions(tmp_path)
    staged = StagedTransaction.objects.filter(job=job).count()
    events_before = Event.objects.count()
    _fill_the_disk()

    with translation.override(language):
        failed = services.import_job_commit(job_id=job.pk, actor=None)

    _free_space()
    failed.refresh_from_db()
    assert failed.status == ImportJob.Status.FAILED
    expected = {
        "en": "The commit failed because the database's disk is full; nothing was written.",
        "sv": "Importen kunde inte sparas eftersom databasens disk är full; ingenting skrevs.",
    }[language]
    assert failed.error.startswith(expected)
    assert failed.is_commit_retryable
    assert failed.can_commit
    assert Transaction.objects.count() == 0
    assert Event.objects.count() == events_before
    assert StagedTransaction.objects.filter(job=job).count() == staged == ROWS

    done = services.import_job_commit(job_id=job.pk, actor=None)

    assert done.status == ImportJob.Status.DONE
    assert done.error == ""
    assert not done.is_commit_retryable
    assert Transaction.objects.count() == ROWS
    assert Event.objects.filter(kind=Event.Kind.TRANSACTION_RECORDED).count() == ROWS
    assert StagedTransaction.objects.filter(job=job).count() == 0


@pytest.mark.postgres
def test_disk_full_on_postgres_is_the_same_story(tmp_path: Path) -> None:
    job = _checked_transactions(tmp_path)
    _fill_the_disk()

    failed = services.import_job_commit(job_id=job.pk, actor=None)

    _free_space()
    assert failed.status == ImportJob.Status.FAILED
    assert "disk is full" in failed.error
    assert Transaction.objects.count() == 0
    assert services.import_job_commit(job_id=job.pk, actor=None).status == ImportJob.Status.DONE
    assert Transaction.objects.count() == ROWS


def test_other_commit_failure_still_drops_the_staged_rows_and_cannot_be_retried(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    job = _checked_transactions(tmp_path)
    from lojal.imports import transactions as transaction_importer

    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr(transaction_importer.TransactionImporter, "apply", broken)

    failed = services.import_job_commit(job_id=job.pk, actor=None)

    assert failed.status == ImportJob.Status.FAILED
    assert not failed.is_commit_retryable
    assert not failed.can_commit
    assert StagedTransaction.objects.filter(job=job).count() == 0
