"""API for imports, for scheduled ERP syncs: upload a file, poll the job, read the report, change the
mapping, commit or cancel."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import Field

from lojal.accounts.api_auth import staff, staff_user
from lojal.accounts.roles import Action
from lojal.core.errors import Conflict, ValidationError
from lojal.core.inputs import Text
from lojal.core.openapi import raises
from lojal.core.pagination import Keyset, keyset_paginate
from lojal.imports import retention, selectors, services
from lojal.imports.models import ImportJob
from lojal.imports.tasks import import_check_task, import_commit_task

router = Router(tags=["imports"])


class ProgressOut(Schema):
    rows_done: int
    percent: int
    rows_per_second: float
    seconds_left: int | None


class JobOut(Schema):
    id: int
    kind: str
    status: str
    source: str
    file_name: str
    encoding: str
    delimiter: str
    has_header: bool
    headers: list[str]
    mapping: dict[str, str]
    skip_bad_rows: bool
    default_currency: str
    number_locale: str = Field(
        "",
        description="how the file writes numbers (sv_SE, nb_NO, da_DK, fi_FI, en_GB, en_US); empty: the installation's country",
    )
    created: int
    updated: int
    unchanged: int
    rejected: int
    can_commit: bool
    progress: ProgressOut
    skipped_lines: list[int]
    new_products: list[str] = Field(
        default_factory=list, description="article codes the commit adds as products to complete (first 100)"
    )
    new_product_count: int = 0
    new_product_names: dict[str, str] = Field(
        default_factory=dict,
        description="the name each of new_products gets, by code, where the file describes the article (else the code)",
    )
    attribute_columns: list[str] = Field(
        default_factory=list,
        description="columns kept as free attributes of each row's customer or transaction",
    )
    error: str
    created_at: dt.datetime
    checked_at: dt.datetime | None
    finished_at: dt.datetime | None
    file_deleted_at: dt.datetime | None = Field(
        None, description="when the uploaded file was deleted (the report stays)"
    )
    file_delete_after: dt.datetime | None = Field(
        None, description="when the nightly task deletes the file (finished, or left uncommitted)"
    )


class RejectionOut(Schema):
    line: int
    field: str
    column: str = Field("", description="the file's column header the field was read from")
    reason: str
    value: str


class MappingIn(Schema):
    mapping: dict[Text, Text] = Field(..., description="column header -> field ('' ignores the column)")
    skip_bad_rows: bool | None = None


def job_out(job: ImportJob) -> dict[str, Any]:
    progress = selectors.job_progress(job)
    return {
        "id": job.pk,
        "kind": job.kind,
        "status": job.status,
        "source": job.source,
        "file_name": job.file_name,
        "encoding": job.encoding,
        "delimiter": job.delimiter,
        "has_header": job.has_header,
        "headers": job.headers,
        "mapping": job.mapping,
        "skip_bad_rows": job.skip_bad_rows,
        "default_currency": job.default_currency,
        "number_locale": job.number_locale,
        "created": job.created_count,
        "updated": job.updated_count,
        "unchanged": job.unchanged_count,
        "rejected": job.rejected_count,
        "can_commit": job.can_commit,
        "progress": progress.__dict__,
        "skipped_lines": job.skipped_lines,
        "new_products": job.report.get("new_products", []),
        "new_product_count": job.report.get("new_product_count", 0),
        "new_product_names": job.report.get("new_product_names", {}),
        "attribute_columns": job.report.get("attribute_columns", []),
        "error": job.error,
        "created_at": job.created_at,
        "checked_at": job.checked_at,
        "finished_at": job.finished_at,
        "file_deleted_at": job.file_deleted_at,
        "file_delete_after": retention.file_deleted_on(job),
    }


@router.post(
    "",
    auth=staff(Action.IMPORT_RUN),
    response={202: JobOut},
    summary="Upload a CSV or XLSX file; it is checked (dry run) in the background",
)
def import_upload(
    request: HttpRequest,
    file: File[UploadedFile],
    kind: Form[str],
    source: Form[str] = "file",
    skip_bad_rows: Form[bool] = False,
    default_currency: Form[str] = "SEK",
    number_locale: Form[str] = "",
    mapping: Form[str] = "",
    commit: Form[bool] = False,
) -> Status[dict[str, Any]]:
    actor = staff_user(request)
    chosen: dict[str, str] | None = None
    if mapping:
        try:
            chosen = json.loads(mapping)
        except json.JSONDecodeError:
            raise ValidationError.for_field(
                "mapping", _("Must be a JSON object of header -> field.")
            ) from None
        if not isinstance(chosen, dict) or not all(isinstance(v, str) for v in chosen.values()):
            raise ValidationError.for_field("mapping", _("Must be a JSON object of header -> field."))
    job = services.import_job_create(
        actor=actor,
        kind=kind,
        upload=file.file,  # type: ignore[arg-type]
        file_name=file.name or "upload",
        source=source,
        mapping=chosen,
        skip_bad_rows=skip_bad_rows,
        default_currency=default_currency,
        number_locale=number_locale,
    )
    if commit:
        ImportJob.objects.filter(pk=job.pk).update(commit_after_check=True)
    transaction.on_commit(lambda: import_check_task.enqueue(job.pk))
    return Status(202, job_out(job))


@router.get("", auth=staff(Action.IMPORT_RUN), response=list[JobOut], summary="Imports, newest first")
@keyset_paginate()
def import_list(request: HttpRequest) -> Keyset:
    return Keyset(selectors.job_list(), show=lambda page: [job_out(job) for job in page])


@router.get(
    "/{job_id}", auth=staff(Action.IMPORT_RUN), response=JobOut, summary="An import: status, progress, counts"
)
def import_read(request: HttpRequest, job_id: int) -> dict[str, Any]:
    return job_out(services.import_job_get(job_id))


@router.get(
    "/{job_id}/rejections",
    auth=staff(Action.IMPORT_RUN),
    response=list[RejectionOut],
    summary="Rejected rows: line, field, reason",
)
@keyset_paginate(default_limit=200, max_limit=1000)
def import_rejections(request: HttpRequest, job_id: int) -> Keyset:
    job = services.import_job_get(job_id)
    columns = {field: header for header, field in job.mapping.items() if field}
    rows = selectors.rejection_list(job_id=job_id)
    return Keyset(
        rows,
        show=lambda page: [
            {
                "line": r.line,
                "field": r.field,
                "column": columns.get(r.field, ""),
                "reason": r.reason,
                "value": r.value,
            }
            for r in page
        ],
    )


@router.put(
    "/{job_id}/mapping",
    auth=staff(Action.IMPORT_RUN),
    response={202: JobOut},
    summary="Change the column mapping; the file is checked again",
)
@raises(Conflict)
def import_mapping(request: HttpRequest, job_id: int, payload: MappingIn) -> Status[dict[str, Any]]:
    retention.require_file(services.import_job_get(job_id))
    job = services.import_mapping_set(
        job_id=job_id, mapping=payload.mapping, skip_bad_rows=payload.skip_bad_rows
    )
    transaction.on_commit(lambda: import_check_task.enqueue(job.pk))
    return Status(202, job_out(job))


@router.post(
    "/{job_id}/commit",
    auth=staff(Action.IMPORT_RUN),
    response={202: JobOut},
    summary="Commit a checked import (in the background)",
)
@raises(Conflict)
def import_commit(request: HttpRequest, job_id: int) -> Status[dict[str, Any]]:
    actor = staff_user(request)
    job = services.import_job_get(job_id)
    if not job.can_commit:
        services.import_job_commit(job_id=job_id, actor=actor)  # raises the reason
    transaction.on_commit(lambda: import_commit_task.enqueue(job.pk, actor.pk))
    return Status(202, job_out(job))


@router.post(
    "/{job_id}/cancel",
    auth=staff(Action.IMPORT_RUN),
    response=JobOut,
    summary="Cancel a running or checked import",
)
@raises(Conflict)
def import_cancel(request: HttpRequest, job_id: int) -> dict[str, Any]:
    return job_out(services.import_job_cancel(job_id=job_id))


@router.delete(
    "/{job_id}/file",
    auth=staff(Action.IMPORT_RUN),
    response=JobOut,
    summary="Delete a finished import's uploaded file now (the job and its report stay)",
)
@raises(Conflict)
def import_file_delete(request: HttpRequest, job_id: int) -> dict[str, Any]:
    actor = staff_user(request)
    return job_out(retention.import_file_delete(actor=actor, job_id=job_id))
