"""GET /customers/export/?format=csv|xlsx&<the list's filters>&sort=&columns=: the customer list as
the user sees it, as a file (see :mod:`lojal.core.exports` and docs/exports.md)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponseBase
from django.shortcuts import redirect
from django.urls import reverse

from lojal.accounts.decorators import allowed_to
from lojal.accounts.roles import Action
from lojal.core.errors import LojalError
from lojal.core.export_views import export_response


@allowed_to(Action.LIST_EXPORT)
def customers_export(request: HttpRequest) -> HttpResponseBase:
    try:
        return export_response(request, source="customers", params=request.GET)
    except LojalError as error:
        messages.error(request, error.message)
        query = request.GET.copy()
        for name in ("format", "columns"):
            query.pop(name, None)
        return redirect(f"{reverse('customers:list')}?{query.urlencode()}")
