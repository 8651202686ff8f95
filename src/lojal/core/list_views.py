"""Saving and deleting a list's saved views (the lists themselves are their apps' pages)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lojal.core import saved_views
from lojal.core.errors import LojalError


def _back(request: HttpRequest, query: str = "") -> HttpResponseRedirect:
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}
    ) or not target.startswith("/"):
        target = "/"
    target = target.split("?", 1)[0]
    return HttpResponseRedirect(f"{target}?{query}" if query else target)


@login_required
@require_POST
def saved_view_save(request: HttpRequest) -> HttpResponse:
    try:
        view = saved_views.saved_view_create(
            owner=request.user,
            list_key=request.POST.get("list", ""),
            name=request.POST.get("name", ""),
            filters=request.POST.get("filters", ""),
            sort=request.POST.get("sort", ""),
            columns=request.POST.getlist("columns"),
            is_shared=request.POST.get("shared") == "on",
        )
    except LojalError as error:
        messages.error(request, next(iter(error.errors.values()), [error.message])[0])
        return _back(request, request.POST.get("current", ""))
    messages.success(request, _("View “%(name)s” saved.") % {"name": view.name})
    return _back(request, request.POST.get("current", ""))


@login_required
@require_POST
def saved_view_remove(request: HttpRequest, view_id: int) -> HttpResponse:
    try:
        saved_views.saved_view_delete(actor=request.user, view_id=view_id)
    except LojalError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("View deleted."))
    return _back(request, request.POST.get("current", ""))
