"""``lojal backup`` then ``lojal restore`` into an empty database (another SQLite file, another PostgreSQL
database): every table's row count and checksum, the attachment's bytes and the import file come back;
a restore refuses a database that is not empty, and says what differs when the archive was tampered with."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import sqlite3
import subprocess
import sys
import tarfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from django.db import connection

from lojal.core.backup import backup_create, backup_read_manifest, postgres_checksums, sqlite_checksums
from lojal.customers.models import Customer
from lojal.imports import services as import_services
from lojal.interactions.emails.ingest import email_ingest
from lojal.interactions.models import Attachment
from lojal.sales.models import Transaction
from lojal.sales.services import transaction_record

pytestmark = pytest.mark.django_db(transaction=True)
FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


@pytest.fixture
def import_dir(settings: Any, tmp_path: Path) -> Path:
    settings.IMPORT_DIR = tmp_path / "imports"
    return settings.IMPORT_DIR


def _real_shaped_data(admin_user: Any) -> dict[str, Any]:
    """Customers from an ERP import (its file stays in the import directory), transactions, and an
    inbound email with a PDF attachment."""
    source = FIXTURES / "imports" / "customers_semicolon_cp1252.csv"
    job = import_services.import_job_create(
        actor=admin_user, kind="customers", upload=source, file_name=source.name, source="erp"
    )
    import_services.import_job_check(job_id=job.pk)
    import_services.import_job_commit(job_id=job.pk, actor=admin_user)
    for number, customer in enumerate(Customer.objects.order_by("pk")):
        transaction_record(
            actor=admin_user,
            customer_id=customer.pk,
            data={
                "kind": "purchase",
                "amount": f"{1249 + number}.50",
                "currency": "SEK",
                "occurred_at": dt.datetime(2026, 11, 3, 10, tzinfo=dt.UTC),
            },
        )
    interaction = email_ingest(raw=(FIXTURES / "email" / "attachment-only.eml").read_bytes(), source="imap")
    attachment = interaction.attachments.get()
    return {
        "customers": Customer.objects.count(),
        "transactions": Transaction.objects.count(),
        "attachment": bytes(attachment.content),
        "import_file": source.read_bytes(),
    }


def _lojal(args: list[str], environment: dict[str, str]) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("LOJAL_TEST")}
    env.update(
        environment,
        LOJAL_TESTING="",
        LOJAL_SECRET_KEY="restore-test",
        DJANGO_SETTINGS_MODULE="lojal.settings",
    )
    lojal = Path(sys.executable).parent / "lojal"
    return subprocess.run([str(lojal), *args], env=env, capture_output=True, text=True, check=False)


def _tampered(archive: Path, table: str) -> Path:
    """A copy of ``archive`` whose manifest claims other contents for ``table``."""
    copy = archive.with_name("tampered.tar")
    with tarfile.open(archive) as source, tarfile.open(copy, "w") as target:
        for member in source.getmembers():
            data = source.extractfile(member).read()  # type: ignore[union-attr]
            if member.name == "manifest.json":
                manifest = json.loads(data)
                manifest["tables"][table]["sha256"] = "0" * 64
                data = json.dumps(manifest).encode()
                member.size = len(data)
            target.addfile(member, io.BytesIO(data))
    return copy


def test_sqlite_backup_restores_into_an_empty_file_with_every_table_and_file_equal(
    admin_user: Any, import_dir: Path, tmp_path: Path
) -> None:
    if connection.vendor != "sqlite":
        pytest.skip("the SQLite round trip")
    expected = _real_shaped_data(admin_user)
    archive = tmp_path / "lojal.tar.gz"

    manifest = backup_create(target=archive)
    restored_db, restored_files = tmp_path / "restored.sqlite3", tmp_path / "restored-imports"
    environment = {"LOJAL_DATABASE_URL": f"sqlite:///{restored_db}", "LOJAL_IMPORT_DIR": str(restored_files)}
    restored = _lojal(["restore", str(archive)], environment)

    assert restored.returncode == 0, restored.stderr
    assert "every checksum matches" in restored.stdout
    assert manifest.vendor == "sqlite"
    assert manifest.tables["customers_customer"]["rows"] == expected["customers"]
    assert sqlite_checksums(restored_db) == manifest.tables
    db = sqlite3.connect(restored_db)
    assert db.execute("SELECT count(*) FROM customers_customer").fetchone()[0] == expected["customers"]
    assert db.execute("SELECT count(*) FROM sales_transaction").fetchone()[0] == expected["transactions"]
    assert db.execute("SELECT content FROM interactions_attachment").fetchone()[0] == expected["attachment"]
    db.close()
    (stored_name,) = manifest.files
    assert (restored_files / stored_name).read_bytes() == expected["import_file"]

    second = _lojal(["backup", str(tmp_path / "second.tar")], environment)
    assert second.returncode == 0, second.stderr
    assert backup_read_manifest(source=tmp_path / "second.tar").tables == manifest.tables

    again = _lojal(["restore", str(archive)], environment)
    assert again.returncode == 1
    assert "not empty" in again.stderr

    tampered = _lojal(["restore", "--force", str(_tampered(archive, "sales_transaction"))], environment)
    assert tampered.returncode == 1
    assert (
        "DIFFERS: table sales_transaction: same row count, different contents (checksum)" in tampered.stderr
    )


@pytest.fixture
def restore_database() -> Iterator[str]:
    """An empty database ``<test database>_restore`` on the test server."""
    settings_dict = connection.settings_dict
    name = f"{settings_dict['NAME']}_restore"
    server = f"host={settings_dict['HOST']} port={settings_dict['PORT']} user={settings_dict['USER']} dbname=postgres"
    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    yield f"postgresql://{settings_dict['USER']}@{settings_dict['HOST']}:{settings_dict['PORT']}/{name}"
    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.postgres
def test_postgres_backup_restores_into_an_empty_database_with_every_table_and_file_equal(
    admin_user: Any, import_dir: Path, tmp_path: Path, restore_database: str
) -> None:
    expected = _real_shaped_data(admin_user)
    archive = tmp_path / "lojal.tar"

    manifest = backup_create(target=archive)
    restored_files = tmp_path / "restored-imports"
    environment = {"LOJAL_DATABASE_URL": restore_database, "LOJAL_IMPORT_DIR": str(restored_files)}
    restored = _lojal(["restore", str(archive)], environment)

    assert restored.returncode == 0, restored.stderr
    assert "every checksum matches" in restored.stdout
    assert manifest.vendor == "postgresql"
    with psycopg.connect(restore_database) as db, db.cursor() as cursor:
        assert postgres_checksums(cursor) == manifest.tables
        cursor.execute("SELECT count(*) FROM customers_customer")
        assert cursor.fetchone() == (expected["customers"],)
        cursor.execute("SELECT count(*) FROM sales_transaction")
        assert cursor.fetchone() == (expected["transactions"],)
        cursor.execute("SELECT content FROM interactions_attachment")
        assert cursor.fetchone() == (expected["attachment"],)
    assert manifest.tables["interactions_attachment"]["rows"] == Attachment.objects.count() == 1
    (stored_name,) = manifest.files
    assert (restored_files / stored_name).read_bytes() == expected["import_file"]

    again = _lojal(["restore", str(archive)], environment)
    assert again.returncode == 1
    assert "not empty" in again.stderr

    forced = _lojal(["restore", "--force", str(archive)], environment)
    assert forced.returncode == 0, forced.stderr
    tampered = _lojal(["restore", "--force", str(_tampered(archive, "customers_customer"))], environment)
    assert tampered.returncode == 1
    assert (
        "DIFFERS: table customers_customer: same row count, different contents (checksum)" in tampered.stderr
    )
