"""The REST API root (/api/v1): authentication, error documents, and each app's router."""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.db import DataError, InterfaceError, OperationalError
from django.http import Http404, HttpRequest, HttpResponse
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from lojal.accounts.api_auth import BearerToken, StaffSession
from lojal.core.bodylimits import too_large_response
from lojal.core.errors import LojalError
from lojal.core.jsonout import FastParser, FastRenderer
from lojal.core.openapi import LojalAPI
from lojal.core.problems import problem_response
from lojal.core.unavailable import unavailable_response

logger = logging.getLogger(__name__)


api = LojalAPI(
    renderer=FastRenderer(),
    parser=FastParser(),
    title="Lojal API",
    version="1",
    description="Customers, contacts, timeline, search and duplicates. Errors are RFC 9457 problem documents.",
    auth=[BearerToken(), StaffSession(csrf=True)],
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
)


def _field_of(location: list[Any] | tuple[Any, ...]) -> str:
    parts = [str(part) for part in location]
    while parts and parts[0] in {"body", "query", "path", "header", "cookie", "form", "payload", "filters"}:
        parts = parts[1:]
    if parts and parts[0] in {"payload", "filters"}:
        parts = parts[1:]
    name = ""
    for part in parts:
        name += f"[{part}]" if part.isdigit() else (f".{part}" if name else part)
    return name or "body"


@api.exception_handler(NinjaValidationError)
def _validation_problem(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    errors: dict[str, list[str]] = {}
    for error in exc.errors:
        errors.setdefault(_field_of(error.get("loc", ())), []).append(str(error.get("msg", "invalid")))
    return problem_response(
        status=422, title="Invalid input", detail="The request has invalid fields.", errors=errors
    )


@api.exception_handler(LojalError)
def _domain_problem(request: HttpRequest, exc: LojalError) -> HttpResponse:
    return problem_response(
        status=exc.status, title=exc.title, detail=exc.message, errors=exc.errors, extra=exc.extra
    )


@api.exception_handler(AuthenticationError)
def _authentication_problem(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    response = problem_response(
        status=401, title="Unauthorized", detail="Send a valid API token as 'Authorization: Bearer <token>'."
    )
    response["WWW-Authenticate"] = "Bearer"
    return response


@api.exception_handler(HttpError)
def _http_problem(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return problem_response(status=exc.status_code, title=str(exc.message), detail=str(exc.message))


@api.exception_handler(Http404)
def _not_found_problem(request: HttpRequest, exc: Http404) -> HttpResponse:
    return problem_response(status=404, title="Not found", detail=str(exc) or "Not found.")


@api.exception_handler(DataError)
def _unstorable_problem(request: HttpRequest, exc: DataError) -> HttpResponse:
    # The database refused a value validation let through (a NUL character, say): bad input, not a crash.
    return problem_response(
        status=422,
        title="Invalid input",
        detail="A value cannot be stored: it is out of range or contains a character such as NUL.",
    )


@api.exception_handler(RequestDataTooBig)
def _too_large_problem(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    # A body that grew past its limit while read (sent chunked), or a multipart form's fields past
    # DATA_UPLOAD_MAX_MEMORY_SIZE: 413, as when Content-Length says so up front.
    return too_large_response(request, limit=getattr(exc, "limit", None))


@api.exception_handler(OperationalError)
@api.exception_handler(InterfaceError)
def _unavailable_problem(request: HttpRequest, exc: Exception) -> HttpResponse:
    # The database restarted or the connection was cut: 503 with Retry-After; the next request reconnects.
    return unavailable_response(request, exc)


@api.exception_handler(Exception)
def _unexpected_problem(request: HttpRequest, exc: Exception) -> HttpResponse:
    logger.exception("Unhandled error in %s %s", request.method, request.path)
    return problem_response(
        status=500, title="Internal error", detail="Something went wrong; it has been logged."
    )


def _add_routers() -> None:
    from lojal.accounts.api import router as accounts_router
    from lojal.accounts.audit_api import router as audit_router
    from lojal.activities.api import router as activities_router
    from lojal.activities.call_lists_api import router as call_lists_router
    from lojal.calendars.api import router as calendars_router
    from lojal.cases.api import router as cases_router
    from lojal.cases.sla_api import router as sla_policies_router
    from lojal.customers.api import router as customers_router
    from lojal.imports.api import router as imports_router
    from lojal.interactions.api import inbound_router
    from lojal.interactions.api import router as interactions_router
    from lojal.knowledge.suggest_api import router as kb_suggest_router
    from lojal.privacy.api import router as privacy_router
    from lojal.privacy.subject_api import router as subject_rights_router
    from lojal.sales.api import router as sales_router
    from lojal.workspace.bulk_api import router as customers_bulk_router

    api.add_router("/auth", accounts_router)
    # Before the customers router: the bulk endpoint dispatches up here (see workspace/bulk_api.py).
    api.add_router("/customers", customers_bulk_router)
    api.add_router("/customers", customers_router)
    # The data subject's rights act on one customer: /customers/{id}/export, /erase, /legal-hold.
    api.add_router("/customers", subject_rights_router)
    api.add_router("/audit", audit_router)
    api.add_router("/interactions", interactions_router)
    api.add_router("/inbound", inbound_router)
    api.add_router("/sales", sales_router)
    api.add_router("/imports", imports_router)
    api.add_router("/privacy", privacy_router)
    api.add_router("/activities", activities_router)
    api.add_router("/call-lists", call_lists_router)
    api.add_router("/calendars", calendars_router)
    api.add_router("/sla-policies", sla_policies_router)
    api.add_router("", cases_router)  # /cases, /queues, /telephony (customer service)
    # The FAQ: /kb/suggest here; the articles router (kbcore) mounts at /kb as well.
    api.add_router("/kb", kb_suggest_router)


_add_routers()
