from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import include, path
from django.views import defaults

from lojal.accounts.audit_views import audit
from lojal.accounts.language import language_set
from lojal.api import api
from lojal.core.problems import problem_response
from lojal.knowledge.help_selectors import PORTAL_CUSTOMER
from lojal.knowledge.help_urls import help_patterns
from lojal.portal.api import api as portal_api
from lojal.portal.identity import portal_required
from lojal.workspace.views import home


def health(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """API clients get a problem document for an unknown address too; people get the 404 page."""
    if request.path.startswith("/api/"):
        return problem_response(status=404, title="Not found", detail="There is nothing at this address.")
    return defaults.page_not_found(request, exception)


handler404 = not_found
handler500 = "lojal.core.unavailable.server_error"


urlpatterns = [
    path("", home, name="home"),
    path("api/v1/", api.urls),
    path("api/portal/v1/", portal_api.urls),
    # The help centre for signed-in customers: the same pages, with the articles only they may read.
    path(
        "portal/help/",
        include(
            (
                help_patterns(wrap=portal_required, visibilities=PORTAL_CUSTOMER, source="portal"),
                "knowledge-help",
            ),
            namespace="portal-help",
        ),
    ),
    path("portal/", include("lojal.portal.urls")),
    path("i18n/setlang/", language_set, name="set_language"),
    path("health", health, name="health"),
    path("audit/", audit, name="audit"),
    path("lists/", include("lojal.core.list_urls")),
    path("", include("lojal.accounts.urls")),
    path("customers/", include("lojal.customers.urls")),
    path("customers/", include("lojal.privacy.subject_urls")),
    path("interactions/", include("lojal.interactions.urls")),
    path("", include("lojal.interactions.public_urls")),
    path("help/", include("lojal.knowledge.help_urls")),
    path("sales/", include("lojal.sales.urls")),
    path("imports/", include("lojal.imports.urls")),
    path("privacy/", include("lojal.privacy.urls")),
    path("activities/", include("lojal.activities.urls")),
    path("exports/", include("lojal.core.export_urls")),
    path("work/", include("lojal.workspace.urls")),
    path("service/kpis/", include("lojal.cases.kpi_urls")),
    path("service/calendars/", include("lojal.calendars.urls")),
    path("service/acknowledgements/", include("lojal.cases.ack_urls")),
    path("service/", include("lojal.cases.routing_urls")),
    path("service/sla/", include("lojal.cases.sla_urls")),
    path("service/portal/", include("lojal.portal.settings_urls")),
    path("service/", include("lojal.cases.urls")),
    path("knowledge/", include("lojal.knowledge.urls")),
]
if "django.contrib.admin" in settings.INSTALLED_APPS:
    from django.contrib import admin

    urlpatterns.append(path("admin/", admin.site.urls))
