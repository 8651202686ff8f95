"""The pages of list exports: the response an app's export view returns (a streamed file, or a
background job for a large list), and a background job's progress page and download, for the user
who asked for it only. The role check (``list.export``) is the app's export view's; the job pages
need sign-in and belong to the requester alone."""

from __future__ import annotations

import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    StreamingHttpResponse,
)
from django.shortcuts import redirect, render

from lojal.core import export_jobs, exports
from lojal.core.errors import NotFound, ValidationError
from lojal.core.models import ExportJob

#: Past this size a small XLSX moves from memory to a temporary file while it is written.
SPOOL_BYTES = 8 * 1024 * 1024


def export_response(request: HttpRequest, *, source: str, params: Mapping[str, Any]) -> HttpResponseBase:
    """The list ``source`` with the filters, sort and columns of ``params`` as a file: streamed now, or,
    past LOJAL_EXPORT_BACKGROUND_ROWS rows, a background job (redirected to its page). Raises
    :class:`~lojal.core.errors.ValidationError` on a bad format, column or filter; audits the export."""
    fmt = exports.file_format(params)
    plan = exports.export_plan(source=source, params=params, user=request.user)
    if fmt == "xlsx" and plan.total > exports.XLSX_MAX_ROWS:
        raise ValidationError.for_field("format", exports.xlsx_too_long())
    if plan.total > settings.EXPORT_BACKGROUND_ROWS:
        job = export_jobs.export_job_start(
            source=source, params=params, fmt=fmt, plan=plan, actor=request.user
        )
        return redirect("export_job", job_id=job.pk)
    exports.export_audit(plan=plan, fmt=fmt, actor=request.user)
    name = exports.file_name(plan, fmt)
    response: HttpResponseBase
    if fmt == "csv":
        response = StreamingHttpResponse(exports.csv_stream(plan), content_type=exports.CONTENT_TYPES["csv"])
        response["Content-Disposition"] = f'attachment; filename="{name}"'
    else:
        spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 (closed by the response)
        exports.xlsx_write(plan, spool)
        spool.seek(0)
        response = FileResponse(
            spool, as_attachment=True, filename=name, content_type=exports.CONTENT_TYPES["xlsx"]
        )
    response["Cache-Control"] = "no-store"
    return response


def _job_or_404(request: HttpRequest, job_id: int) -> ExportJob:
    try:
        return export_jobs.export_job_get(job_id=job_id, user=request.user)
    except NotFound as error:
        raise Http404(error.message) from None


@login_required
def export_job(request: HttpRequest, job_id: int) -> HttpResponse:
    """A background export's progress (polled by htmx while it runs) and, when ready, its download."""
    job = _job_or_404(request, job_id)
    htmx = request.htmx  # type: ignore[attr-defined]
    template = "core/_export_job.html" if htmx and not htmx.boosted else "core/export_job.html"
    response = render(request, template, {"job": job, "percent": _percent(job)})
    response["Vary"] = "HX-Request"
    return response


def _percent(job: ExportJob) -> int:
    if job.status == ExportJob.Status.DONE:
        return 100
    return min(99, job.rows_done * 100 // job.rows_total) if job.rows_total else 0


@login_required
def export_job_download(request: HttpRequest, job_id: int) -> HttpResponseBase:
    job = _job_or_404(request, job_id)
    if job.status != ExportJob.Status.DONE or not job.file_path or not Path(job.file_path).exists():
        raise Http404("This export has no file to download.")
    response = FileResponse(
        Path(job.file_path).open("rb"),  # noqa: SIM115 (closed by the response)
        as_attachment=True,
        filename=job.file_name,
        content_type=exports.CONTENT_TYPES.get(job.file_format, "application/octet-stream"),
    )
    response["Cache-Control"] = "no-store"
    return response
