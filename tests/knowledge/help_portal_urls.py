"""The site's addresses plus the help centre mounted as My pages would mount it for signed-in customers
(docs/knowledge-help.md), with a stand-in for the portal's sign-in check (a cookie)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.urls import include, path

from lojal.knowledge.help_selectors import PORTAL_CUSTOMER
from lojal.knowledge.help_urls import help_patterns
from lojal.urls import urlpatterns as site


def signed_in(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.COOKIES.get("portal") != "signed-in":
            return HttpResponseForbidden()
        return view(request, *args, **kwargs)

    return wrapped


urlpatterns = [
    *site,
    path(
        "portal/help/",
        include(
            (help_patterns(wrap=signed_in, visibilities=PORTAL_CUSTOMER, source="portal"), "knowledge-help"),
            namespace="portal-help",
        ),
    ),
]
