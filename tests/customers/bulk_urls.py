"""The project's addresses plus a stand-in ``customers:bulk`` that answers with what it was sent, so
the bulk bar (shown only once the real endpoint exists) can be tested before it does."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.urls import URLPattern, URLResolver, include, path

from lojal import urls as project_urls
from lojal.customers import urls as customer_urls


def bulk_echo(request: HttpRequest) -> JsonResponse:
    return JsonResponse(
        {key: request.POST.getlist(key) for key in request.POST if key != "csrfmiddlewaretoken"}
    )


customer_patterns = [*customer_urls.urlpatterns, path("bulk/", bulk_echo, name="bulk")]
urlpatterns: list[URLPattern | URLResolver] = [
    path("customers/", include((customer_patterns, "customers"))),
    *[
        pattern
        for pattern in project_urls.urlpatterns
        if not (isinstance(pattern, URLResolver) and getattr(pattern, "namespace", None) == "customers")
    ],
]
handler404 = project_urls.handler404
