"""Exports of the customer list: the CSV and XLSX files cell by cell, the filters, sort and columns of
the view, national numbers as the user may see them, audit entries, rights, keyset batches with a
fixed number of queries each, and large exports as background jobs (run at once here)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from lojal.accounts.models import User
from lojal.accounts.roles import Role
from lojal.core import export_jobs, exports
from lojal.core.models import AuditEntry, ExportJob
from lojal.customers import exports as customer_exports
from lojal.customers.models import Customer
from tests import factories

pytestmark = pytest.mark.django_db

HEADING = ["Customer number", "Name", "Email", "Phone", "City", "Stage", "Account manager", "Tags"]


@pytest.fixture
def export_dir(settings: Any, tmp_path: Path) -> Path:
    settings.EXPORT_DIR = tmp_path / "exports"
    return settings.EXPORT_DIR


def _customers(manager: User) -> tuple[Customer, Customer, Customer]:
    anna = factories.person(
        first_name="Anna",
        last_name="Åström",
        emails=["anna@example.se"],
        phones=["+46701234567"],
        addresses=[{"street": "Storgatan 1", "postal_code": "111 22", "city": "Stockholm", "country": "SE"}],
        tags=["vip", "fair"],
        lifecycle_stage="lead",
        account_manager_id=manager.pk,
        national_id="880320-0016",
    )
    bo = factories.person(
        first_name="Bo", last_name="Berg", lifecycle_stage="lead", tags=["=cmd|' /C calc'!A0"]
    )
    cy = factories.organisation(organisation_name="Cykel AB", lifecycle_stage="customer")
    return anna, bo, cy


def _csv(response: Any) -> list[list[str]]:
    body = b"".join(response.streaming_content)
    assert body.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))


def test_csv_export_streams_the_filtered_view_field_by_field(staff_client: Client, admin_user: User) -> None:
    anna, bo, _cy = _customers(admin_user)

    response = staff_client.get("/customers/export/", {"format": "csv", "stage": "lead", "sort": "name"})

    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Cache-Control"] == "no-store"
    assert response["Content-Disposition"].startswith('attachment; filename="customers-')
    assert _csv(response) == [
        HEADING,
        # By sort name: Berg before Åström (Nordic alphabet); a formula-like tag is defused.
        [str(bo.customer_number), "Bo Berg", "", "", "", "Lead", "", "'=cmd|' /C calc'!A0"],
        [
            str(anna.customer_number),
            "Anna Åström",
            "anna@example.se",
            "+46701234567",
            "Stockholm",
            "Lead",
            "Admin",
            "fair, vip",
        ],
    ]


def test_xlsx_export_has_the_chosen_columns_with_typed_cells(staff_client: Client, admin_user: User) -> None:
    anna, _bo, cy = _customers(admin_user)
    Customer.objects.filter(pk=anna.pk).update(customer_since=dt.date(2019, 5, 1))

    response = staff_client.get(
        "/customers/export/",
        {"format": "xlsx", "sort": "-number", "columns": "number,name,national_id,kind,customer_since,tags"},
    )

    assert response.status_code == 200
    assert response["Content-Type"] == exports.CONTENT_TYPES["xlsx"]
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = workbook.active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0] == [
        "Customer number",
        "Name",
        "National identity number",
        "Kind",
        "Customer since",
        "Tags",
    ]
    assert rows[1] == [cy.customer_number, "Cykel AB", None, "Organisation", None, None]
    assert rows[3] == [
        anna.customer_number,
        "Anna Åström",
        "19880320-0016",
        "Person",
        dt.datetime(2019, 5, 1),
        "fair, vip",
    ]
    assert len(rows) == 4
    assert sheet["A2"].data_type == "n"


def test_export_shows_national_numbers_masked_to_a_role_that_may_not_see_them(admin_user: User) -> None:
    anna, _bo, _cy = _customers(admin_user)
    seller = User(role=Role.SALES)
    plan = customer_exports.customer_export_plan({"columns": "number,national_id", "q": "Anna"}, seller)
    rows = [row for batch in plan.batches() for row in batch]
    assert [[column.read(row) for column in plan.columns] for row in rows] == [
        [anna.customer_number, "19880320-****"]
    ]


def test_export_is_audited_with_who_what_filters_and_rows(staff_client: Client, admin_user: User) -> None:
    _customers(admin_user)
    response = staff_client.get(
        "/customers/export/", {"format": "csv", "stage": "lead", "columns": "name,email"}
    )
    b"".join(response.streaming_content)
    entry = AuditEntry.objects.get(action="export")
    assert entry.actor_id == admin_user.pk
    assert (entry.object_type, entry.object_id, entry.object_label) == (
        "customers.customer",
        "list",
        "customers list export",
    )
    assert entry.changes == {
        "format": "csv",
        "filters": {"stage": "lead", "sort": "name"},
        "columns": ["name", "email"],
        "rows": 2,
    }


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"format": "pdf"}, "format: Must be one of: csv, xlsx."),
        (
            {"format": "csv", "columns": "name,password"},
            "columns: Unknown column password; the columns are: ",
        ),
    ],
)
def test_bad_export_request_is_refused_with_a_message_and_not_audited(
    staff_client: Client, params: dict[str, str], message: str
) -> None:
    response = staff_client.get("/customers/export/", {**params, "stage": "lead"}, follow=True)
    assert response.redirect_chain[0][0] == "/customers/?stage=lead"
    assert message in response.content.decode().replace("&#x27;", "'")
    assert not AuditEntry.objects.filter(action="export").exists()


@pytest.mark.parametrize(
    "role", [Role.SALES, Role.SERVICE_AGENT, Role.MARKETING, Role.READ_ONLY, Role.PRIVACY_OFFICER]
)
def test_export_is_refused_to_roles_without_list_export(make_user: Callable[..., User], role: str) -> None:
    factories.person()
    client = Client()
    client.force_login(make_user(role))
    assert client.get("/customers/export/", {"format": "csv"}).status_code == 403
    assert not AuditEntry.objects.filter(action="export").exists()


def test_manager_may_export(make_user: Callable[..., User]) -> None:
    factories.person()
    client = Client()
    client.force_login(make_user(Role.MANAGER))
    assert client.get("/customers/export/", {"format": "csv"}).status_code == 200


def test_rows_are_read_in_keyset_batches_with_two_queries_each(
    admin_user: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    made = [factories.person(tags=["t"]) for _ in range(7)]
    monkeypatch.setattr(customer_exports, "BATCH_ROWS", 2)
    plan = customer_exports.customer_export_plan({"sort": "-created"}, admin_user)
    with CaptureQueriesContext(connection) as queries:
        rows = [row for batch in plan.batches() for row in batch]
    assert [row["id"] for row in rows] == [c.pk for c in reversed(made)]
    # 1 for the staff names, then 4 batches of (rows, tags): no OFFSET, nothing per row.
    assert len(queries) == 1 + 4 * 2
    assert not any("OFFSET" in query["sql"].upper() for query in queries)


def test_large_export_runs_as_a_background_job_for_the_requester_only(
    staff_client: Client,
    admin_user: User,
    make_user: Callable[..., User],
    export_dir: Path,
    settings: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    settings.EXPORT_BACKGROUND_ROWS = 2
    anna, bo, cy = _customers(admin_user)

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.get("/customers/export/", {"format": "xlsx", "columns": "number,name"})

    job = ExportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/exports/{job.pk}/"
    assert (job.status, job.rows_done, job.rows_total, job.requested_by_id) == ("done", 3, 3, admin_user.pk)
    assert Path(job.file_path) == export_dir / f"export-{job.pk}.xlsx"
    assert job.expires_at == job.finished_at + dt.timedelta(days=settings.EXPORT_KEEP_DAYS)
    entry = AuditEntry.objects.get(action="export")
    assert entry.changes["job"] == job.pk and entry.changes["rows"] == 3

    page = staff_client.get(f"/exports/{job.pk}/")
    assert f'href="/exports/{job.pk}/download/"' in page.content.decode()
    download = staff_client.get(f"/exports/{job.pk}/download/")
    assert download.status_code == 200
    rows = [
        [c.value for c in row]
        for row in openpyxl.load_workbook(io.BytesIO(b"".join(download.streaming_content))).active.iter_rows()
    ]
    assert rows == [
        ["Customer number", "Name"],
        [bo.customer_number, "Bo Berg"],
        [cy.customer_number, "Cykel AB"],
        [anna.customer_number, "Anna Åström"],
    ]

    other = Client()
    other.force_login(make_user(Role.MANAGER, "other"))
    assert other.get(f"/exports/{job.pk}/").status_code == 404
    assert other.get(f"/exports/{job.pk}/download/").status_code == 404


def test_job_page_polls_while_the_job_waits(staff_client: Client, admin_user: User) -> None:
    job = ExportJob.objects.create(
        source="customers", file_format="csv", rows_total=10, rows_done=4, requested_by=admin_user
    )
    response = staff_client.get(f"/exports/{job.pk}/", HTTP_HX_REQUEST="true")
    page = response.content.decode()
    assert 'hx-trigger="every 1s"' in page
    assert "4 of 10 rows written" in page
    assert '<progress max="100" value="40"' in page
    assert "HX-Request" in response["Vary"]
    assert staff_client.get(f"/exports/{job.pk}/download/").status_code == 404


def test_background_csv_job_writes_the_same_file_as_the_stream(admin_user: User, export_dir: Path) -> None:
    _customers(admin_user)
    plan = exports.export_plan(source="customers", params={"stage": "lead"}, user=admin_user)
    streamed = b"".join(exports.csv_stream(plan))
    job = ExportJob.objects.create(
        source="customers",
        file_format="csv",
        params={"stage": "lead"},
        language="en",
        requested_by=admin_user,
    )
    export_jobs.export_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == "done"
    assert Path(job.file_path).read_bytes() == streamed
    # Run again (a retried task): nothing changes.
    assert export_jobs.export_job_run(job_id=job.pk).finished_at == job.finished_at


def test_job_of_a_user_who_can_no_longer_sign_in_fails_without_a_file(
    make_user: Callable[..., User], export_dir: Path
) -> None:
    gone = make_user(Role.MANAGER, "gone")
    job = ExportJob.objects.create(source="customers", file_format="csv", requested_by=gone)
    gone.is_active = False
    gone.save()
    export_jobs.export_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == "failed"
    assert job.error == "The user who asked for this export can no longer sign in."
    assert job.file_path == ""
    assert not export_dir.exists() or not any(export_dir.iterdir())


def test_expired_export_files_are_deleted_by_the_retention_rule(admin_user: User, export_dir: Path) -> None:
    from lojal.privacy.services import retention_run

    export_dir.mkdir(parents=True)
    old, fresh = export_dir / "export-1.csv", export_dir / "export-2.csv"
    old.write_bytes(b"old")
    fresh.write_bytes(b"fresh")
    now = timezone.now()
    expired = ExportJob.objects.create(
        source="customers",
        file_format="csv",
        status="done",
        file_path=str(old),
        expires_at=now - dt.timedelta(hours=1),
    )
    kept = ExportJob.objects.create(
        source="customers",
        file_format="csv",
        status="done",
        file_path=str(fresh),
        expires_at=now + dt.timedelta(hours=1),
    )

    runs = retention_run(only=["export_files"])

    assert [(run.rule, run.rows_affected) for run in runs] == [("export_files", 1)]
    assert not old.exists()
    assert fresh.exists()
    expired.refresh_from_db()
    kept.refresh_from_db()
    assert (expired.status, expired.file_path) == ("expired", "")
    assert (kept.status, kept.file_path) == ("done", str(fresh))
