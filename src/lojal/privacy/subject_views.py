"""Pages for a data subject's rights: download the export, the erasure's confirm page, legal holds."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from lojal.accounts.decorators import allowed_to
from lojal.accounts.roles import Action
from lojal.core.errors import LojalError, NotFound
from lojal.customers import privacy as customers_privacy
from lojal.customers import selectors as customer_selectors
from lojal.privacy.erasure import customer_erase, erasure_refusal
from lojal.privacy.export import customer_export


def _customer_or_404(customer_id: int) -> Any:
    try:
        return customer_selectors.customer_record(customer_id=customer_id)
    except NotFound as error:
        raise Http404(error.message) from None


@allowed_to(Action.CUSTOMER_EXPORT)
def export_download(request: HttpRequest, customer_id: int) -> HttpResponseBase:
    customer = _customer_or_404(customer_id)
    archive = customer_export(customer_id=customer.pk, actor=request.user)
    response = FileResponse(
        archive.file, as_attachment=True, filename=archive.filename, content_type="application/zip"
    )
    response["Content-Length"] = str(archive.size)
    response["Cache-Control"] = "no-store"
    return response


@allowed_to(Action.CUSTOMER_ERASE)
@require_http_methods(["GET", "POST"])
def erase(request: HttpRequest, customer_id: int) -> HttpResponse:
    """The confirm page: what goes, what stays, why it may be refused; the reason is asked for."""
    customer = _customer_or_404(customer_id)
    error = ""
    if request.method == "POST" and customer.erased_at is None:
        try:
            customer_erase(customer_id=customer.pk, actor=request.user, reason=request.POST.get("reason", ""))
        except LojalError as problem:
            error = problem.message
        else:
            messages.success(request, _("The customer's personal data was erased."))
            return redirect("customers:detail", customer.pk)
    refusal = erasure_refusal(customer_id=customer.pk) if customer.erased_at is None else ""
    return render(
        request,
        "privacy/erase.html",
        {"customer": customer, "refusal": refusal, "error": error, "reason": request.POST.get("reason", "")},
        status=409 if error else 200,
    )


@allowed_to(Action.LEGAL_HOLD_MANAGE)
@require_POST
def legal_hold(request: HttpRequest, customer_id: int) -> HttpResponse:
    customer = _customer_or_404(customer_id)
    try:
        customers_privacy.legal_hold_set(
            customer_id=customer.pk, actor=request.user, reason=request.POST.get("reason", "")
        )
    except LojalError as problem:
        messages.error(request, problem.message)
    else:
        messages.success(request, _("The legal hold was saved."))
    return redirect("subject_rights:erase", customer.pk)
