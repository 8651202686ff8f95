"""Import pages: upload a file, watch the check run (an htmx-polled progress bar), adjust the column
mapping, read the dry-run report with every rejected row, commit or cancel."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_http_methods, require_POST

from lojal.accounts.decorators import allowed_to
from lojal.accounts.roles import Action
from lojal.core.errors import LojalError, NotFound
from lojal.core.lists import Column, ListSpec, list_response, list_state
from lojal.imports import retention, selectors, services
from lojal.imports.forms import UploadForm
from lojal.imports.mapping import IGNORE, field_choices
from lojal.imports.models import ImportJob, ImportKind
from lojal.imports.tasks import import_check_task, import_commit_task

REJECTIONS_PER_PAGE = 100
IMPORT_LIST = ListSpec(
    key="imports",
    columns=(
        Column("file", _lazy("File"), order_by=("file_name", "id"), required=True),
        Column("kind", _lazy("Kind"), order_by=("kind", "id"), wide_only=True),
        Column("status", _lazy("Status"), order_by=("status", "id")),
        Column("created", _lazy("Created"), order_by=("created_count", "id"), wide_only=True, numeric=True),
        Column("updated", _lazy("Updated"), order_by=("updated_count", "id"), wide_only=True, numeric=True),
        Column(
            "unchanged", _lazy("Unchanged"), order_by=("unchanged_count", "id"), wide_only=True, numeric=True
        ),
        Column(
            "rejected", _lazy("Rejected"), order_by=("rejected_count", "id"), wide_only=True, numeric=True
        ),
        Column("when", _lazy("When"), order_by=("id",), wide_only=True),
    ),
    default_sort="-when",
    filters=("kind", "status"),
)


def _job_or_404(job_id: int) -> ImportJob:
    try:
        return services.import_job_get(job_id)
    except NotFound:
        raise Http404 from None


@allowed_to(Action.IMPORT_RUN)
@require_http_methods(["GET", "POST"])
def import_list(request: HttpRequest) -> HttpResponse:
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            job = services.import_job_create(
                actor=request.user,
                kind=form.cleaned_data["kind"],
                upload=upload.file,
                file_name=upload.name,
                source=form.cleaned_data["source"],
                skip_bad_rows=form.cleaned_data["skip_bad_rows"],
                default_currency=form.cleaned_data["default_currency"],
                number_locale=form.cleaned_data["number_locale"],
            )
        except LojalError as error:
            for field, reasons in (error.errors or {"file": [error.message]}).items():
                for reason in reasons:
                    form.add_error(field if field in form.fields else None, reason)
        else:
            transaction.on_commit(lambda: import_check_task.enqueue(job.pk))
            return redirect("imports:detail", job.pk)
    params = request.GET
    listing = list_state(IMPORT_LIST, params, path=request.path)
    kind, status = params.get("kind", ""), params.get("status", "")
    jobs = selectors.job_list(
        kind=kind if kind in ImportKind.values else "",
        status=status if status in ImportJob.Status.values else "",
        order_by=listing.order_by(),
    )
    page = listing.paginate(jobs)
    return list_response(
        request,
        listing,
        page_template="imports/list.html",
        results_template="imports/_results.html",
        context={
            "form": form,
            "page": page,
            "kinds": ImportKind.choices,
            "statuses": ImportJob.Status.choices,
            "kind": kind,
            "status": status,
            "count_template": "imports/_count.html",
            "form_id": "import-filters",
        },
    )


def _detail_context(job: ImportJob, page_number: str | None = None) -> dict[str, object]:
    rejections = Paginator(job.rejections.order_by("line", "id"), REJECTIONS_PER_PAGE).get_page(page_number)
    choices = field_choices(job.kind)
    labels = dict(choices)
    columns = {field: header for header, field in job.mapping.items() if field}
    for rejection in rejections:
        # Named as the user knows it: the file's column, and what Lojal reads it as.
        rejection.column = columns.get(rejection.field, "")  # type: ignore[attr-defined]
        rejection.label = labels.get(rejection.field, rejection.field)  # type: ignore[attr-defined]
    return {
        "job": job,
        "progress": selectors.job_progress(job),
        "rejections": rejections,
        "mapping_rows": [
            (index, header, job.mapping.get(header, IGNORE)) for index, header in enumerate(job.headers)
        ],
        "field_choices": choices,
        "can_remap": job.status
        in (ImportJob.Status.PENDING, ImportJob.Status.CHECKED, ImportJob.Status.FAILED)
        and retention.file_kept(job),
        "file_kept": retention.file_kept(job),
        "file_deleted_on": retention.file_deleted_on(job),
        "can_delete_file": retention.file_kept(job) and job.status in retention.FINISHED,
    }


@allowed_to(Action.IMPORT_RUN)
def import_detail(request: HttpRequest, job_id: int) -> HttpResponse:
    job = _job_or_404(job_id)
    return render(request, "imports/detail.html", _detail_context(job, request.GET.get("page")))


@allowed_to(Action.IMPORT_RUN)
def import_progress(request: HttpRequest, job_id: int) -> HttpResponse:
    """The progress block alone, polled while a job runs; once it stops the whole page reloads."""
    job = _job_or_404(job_id)
    response = render(request, "imports/_progress.html", _detail_context(job))
    if not job.is_running and request.GET.get("was") in {"pending", "checking", "committing"}:
        response["HX-Refresh"] = "true"
    return response


@allowed_to(Action.IMPORT_RUN)
@require_POST
def import_mapping(request: HttpRequest, job_id: int) -> HttpResponse:
    job = _job_or_404(job_id)
    mapping = {
        header: request.POST.get(f"column-{index}", IGNORE) for index, header in enumerate(job.headers)
    }
    try:
        retention.require_file(job)
        services.import_mapping_set(
            job_id=job.pk, mapping=mapping, skip_bad_rows="skip_bad_rows" in request.POST
        )
    except LojalError as error:
        for reasons in error.errors.values() or [[error.message]]:
            for reason in reasons:
                messages.error(request, reason)
        return redirect("imports:detail", job.pk)
    transaction.on_commit(lambda: import_check_task.enqueue(job.pk))
    messages.success(request, _("The mapping is saved; the file is checked again."))
    return redirect("imports:detail", job.pk)


@allowed_to(Action.IMPORT_RUN)
@require_POST
def import_commit(request: HttpRequest, job_id: int) -> HttpResponse:
    job = _job_or_404(job_id)
    if not job.can_commit:
        messages.error(request, _("This import cannot be committed now."))
        return redirect("imports:detail", job.pk)
    actor_id = request.user.pk
    transaction.on_commit(lambda: import_commit_task.enqueue(job.pk, actor_id))
    ImportJob.objects.filter(pk=job.pk).update(commit_after_check=False)
    messages.success(request, _("Committing the import."))
    return redirect("imports:detail", job.pk)


@allowed_to(Action.IMPORT_RUN)
@require_POST
def import_cancel(request: HttpRequest, job_id: int) -> HttpResponse:
    job = _job_or_404(job_id)
    try:
        services.import_job_cancel(job_id=job.pk)
    except LojalError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The import is cancelled; nothing was written."))
    return redirect("imports:detail", job.pk)


@allowed_to(Action.IMPORT_RUN)
@require_POST
def import_file_delete(request: HttpRequest, job_id: int) -> HttpResponse:
    job = _job_or_404(job_id)
    try:
        retention.import_file_delete(actor=request.user, job_id=job.pk)
    except LojalError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The uploaded file is deleted. The report stays."))
    return redirect("imports:detail", job.pk)
