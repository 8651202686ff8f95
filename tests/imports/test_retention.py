"""Uploaded import files are deleted after LOJAL_IMPORT_KEEP_DAYS (worker task and command) or by hand;
the job and its report stay, and a job whose file is gone is not checked again."""

from __future__ import annotations

import datetime as dt
import io
import os
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from lojal.core.models import AuditEntry
from lojal.imports import retention, services
from lojal.imports.models import ImportJob, StagedRow
from lojal.imports.tasks import import_files_purge_task
from tests.conftest import ApiClient
from tests.imports.helpers import check, run

pytestmark = pytest.mark.django_db


def finished(job: ImportJob, days_ago: float) -> ImportJob:
    ImportJob.objects.filter(pk=job.pk).update(finished_at=timezone.now() - dt.timedelta(days=days_ago))
    return ImportJob.objects.get(pk=job.pk)


def test_purge_deletes_files_of_finished_jobs_past_the_retention_and_keeps_the_reports(
    settings: Any,
) -> None:
    settings.IMPORT_KEEP_DAYS = 7
    old_done = finished(run("customers", "customers_utf8_bom.csv"), 8)
    old_failed = check("customers", "customers_broken.csv")
    old_failed = finished(services.import_job_cancel(job_id=old_failed.pk), 10)
    recent_done = finished(run("customers", "customers_semicolon_cp1252.csv", source="other"), 2)
    waiting = check("customers", "customers_utf8_bom.csv", source="third")  # checked, not committed
    finished(waiting, 30)
    rejected_before = old_failed.rejected_count

    result = retention.import_files_purge()

    assert result.files == 2
    for job in (old_done, old_failed):
        job.refresh_from_db()
        assert job.file_deleted_at is not None
        assert not Path(job.file_path).exists()
    assert old_failed.rejected_count == rejected_before
    assert old_failed.rejections.count() == rejected_before > 0
    # where and why rows were rejected stays; the values copied from the deleted file go with it
    assert not old_failed.rejections.exclude(value="").exists()
    assert not old_failed.rejections.filter(reason="").exists()
    assert old_done.created_count > 0
    for job in (recent_done, waiting):
        job.refresh_from_db()
        assert job.file_deleted_at is None
        assert Path(job.file_path).exists()
    assert AuditEntry.objects.filter(action="delete_file").count() == 2
    # a second run finds nothing more to do
    assert retention.import_files_purge().files == 0


def test_purge_removes_old_files_no_job_refers_to_but_not_fresh_ones(import_dir: Path) -> None:
    job = run("customers", "customers_utf8_bom.csv")
    orphan, fresh = import_dir / "abc-left-over.csv", import_dir / "def-being-uploaded.csv"
    orphan.write_text("x")
    fresh.write_text("y")
    two_days_ago = (timezone.now() - dt.timedelta(days=2)).timestamp()
    os.utime(orphan, (two_days_ago, two_days_ago))

    result = retention.import_files_purge(keep_days=0)

    assert result.orphans == 1
    assert not orphan.exists() and fresh.exists()
    assert result.files == 1 and not Path(job.file_path).exists()


def test_the_command_and_the_worker_task_purge(settings: Any) -> None:
    settings.IMPORT_KEEP_DAYS = 3
    first = finished(run("customers", "customers_utf8_bom.csv"), 4)
    out = io.StringIO()
    call_command("purge_import_files", stdout=out)
    assert "1 import files deleted" in out.getvalue()
    assert not Path(first.file_path).exists()
    second = finished(run("customers", "customers_semicolon_cp1252.csv", source="b"), 1)
    call_command("purge_import_files", "--days", "5", stdout=io.StringIO())
    assert Path(second.file_path).exists()
    assert import_files_purge_task.enqueue().return_value.startswith("0 files deleted")
    settings.IMPORT_KEEP_DAYS = 0
    assert import_files_purge_task.enqueue().return_value.startswith("1 files deleted")
    assert not Path(second.file_path).exists()


def test_delete_by_hand_only_for_finished_jobs_and_then_no_recheck(staff_client: Client) -> None:
    job = check("customers", "customers_utf8_bom.csv")
    assert job.status == ImportJob.Status.CHECKED
    page = staff_client.get(f"/imports/{job.pk}/").content.decode()
    assert "The uploaded file is kept" in page and "Delete the file now" not in page
    response = staff_client.post(f"/imports/{job.pk}/file/delete/", follow=True)
    assert "commit or cancel it first" in response.content.decode()
    assert Path(job.file_path).exists()

    services.import_job_cancel(job_id=job.pk)
    page = staff_client.get(f"/imports/{job.pk}/").content.decode()
    assert "Delete the file now" in page and "It is deleted automatically on" in page
    response = staff_client.post(f"/imports/{job.pk}/file/delete/", follow=True)
    html = response.content.decode()
    assert "The uploaded file is deleted. The report stays." in html
    assert "The uploaded file was deleted on" in html
    assert not Path(job.file_path).exists()
    assert ImportJob.objects.get(pk=job.pk).file_deleted_at is not None
    entry = AuditEntry.objects.get(action="delete_file")
    assert entry.object_id == str(job.pk) and entry.actor is not None


def test_a_failed_job_whose_file_is_gone_cannot_be_checked_again(
    staff_client: Client, api: ApiClient
) -> None:
    job = check("customers", "customers_broken.csv")
    other = check("customers", "customers_broken.csv", source="other")
    assert job.rejections.exclude(value="").exists()
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.FAILED, finished_at=timezone.now())
    retention.import_file_delete(actor=None, job_id=job.pk)
    assert job.rejections.count() == job.rejected_count and not job.rejections.exclude(value="").exists()
    assert other.rejections.exclude(value="").exists()  # another job's report is untouched
    page = staff_client.get(f"/imports/{job.pk}/").content.decode()
    assert "Save mapping and check again" not in page
    response = staff_client.post(f"/imports/{job.pk}/mapping/", {"column-0": ""}, follow=True)
    assert "The uploaded file has been deleted." in response.content.decode()
    assert ImportJob.objects.get(pk=job.pk).status == ImportJob.Status.FAILED
    answer = api._call("put", f"imports/{job.pk}/mapping", {"mapping": {}})
    assert answer.status_code == 409, answer.content
    assert ImportJob.objects.get(pk=job.pk).status == ImportJob.Status.FAILED


def test_api_deletes_the_file_and_reports_it(api: ApiClient) -> None:
    job = run("customers", "customers_utf8_bom.csv")
    before = api.get(f"imports/{job.pk}").json()
    assert before["file_deleted_at"] is None and before["file_delete_after"] is not None
    response = api.delete(f"imports/{job.pk}/file")
    assert response.status_code == 200, response.content
    assert response.json()["file_deleted_at"] is not None and response.json()["file_delete_after"] is None
    assert not Path(job.file_path).exists()
    pending = check("customers", "customers_utf8_bom.csv", source="x")
    refused = api.delete(f"imports/{pending.pk}/file")
    assert refused.status_code == 409 and refused["Content-Type"] == "application/problem+json"
    assert Path(pending.file_path).exists()
    assert api.delete("imports/999999/file").status_code == 404


def test_an_import_left_uncommitted_is_cancelled_and_its_file_deleted(settings: Any) -> None:
    settings.IMPORT_ABANDONED_DAYS = 30
    left = check("customers", "customers_utf8_bom.csv")
    recent = check("customers", "customers_semicolon_cp1252.csv", source="other")
    assert left.status == ImportJob.Status.CHECKED and StagedRow.objects.filter(job_id=left.pk).exists()
    ImportJob.objects.filter(pk=left.pk).update(checked_at=timezone.now() - dt.timedelta(days=31))
    assert retention.file_deleted_on(ImportJob.objects.get(pk=left.pk)) is not None

    result = retention.import_files_purge()

    left.refresh_from_db()
    assert result.abandoned == 1 and result.files == 1
    assert left.status == ImportJob.Status.CANCELLED and left.file_deleted_at is not None
    assert not StagedRow.objects.filter(job_id=left.pk).exists() and not Path(left.file_path).exists()
    assert AuditEntry.objects.filter(action="cancel", object_id=str(left.pk)).exists()
    recent.refresh_from_db()
    assert recent.status == ImportJob.Status.CHECKED and Path(recent.file_path).exists()
