from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.shortcuts import redirect
from django.urls import include, path

from lojal.api import api
from lojal.core.views import audit


def health(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


urlpatterns = [
    path("", lambda request: redirect("customers:list"), name="home"),
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("health", health, name="health"),
    path("audit/", audit, name="audit"),
    path("", include("lojal.accounts.urls")),
    path("customers/", include("lojal.customers.urls")),
]
if "django.contrib.admin" in settings.INSTALLED_APPS:
    from django.contrib import admin

    urlpatterns.append(path("admin/", admin.site.urls))
