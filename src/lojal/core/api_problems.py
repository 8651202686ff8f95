"""The error answers every Ninja API of Lojal gives (the staff API at /api/v1 and the portal API at
/api/portal/v1): RFC 9457 problem documents for bad input, domain errors, missing credentials, unknown
ids, the database out of reach, and anything unexpected (logged, never a bare 500 page)."""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.db import DataError, InterfaceError, OperationalError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from lojal.core.bodylimits import too_large_response
from lojal.core.errors import LojalError
from lojal.core.problems import problem_response
from lojal.core.unavailable import unavailable_response

logger = logging.getLogger("lojal.api")


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


def problem_handlers_install(api: NinjaAPI, *, unauthorized_detail: str) -> None:
    """Give ``api`` Lojal's problem documents for every error; ``unauthorized_detail`` tells a caller
    without valid credentials what to send."""

    def validation_problem(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        errors: dict[str, list[str]] = {}
        for error in exc.errors:
            errors.setdefault(_field_of(error.get("loc", ())), []).append(str(error.get("msg", "invalid")))
        return problem_response(
            status=422, title="Invalid input", detail="The request has invalid fields.", errors=errors
        )

    def domain_problem(request: HttpRequest, exc: LojalError) -> HttpResponse:
        response = problem_response(
            status=exc.status, title=exc.title, detail=exc.message, errors=exc.errors, extra=exc.extra
        )
        retry_after = exc.extra.get("retry_after")
        if exc.status == 429 and retry_after is not None:
            response["Retry-After"] = str(retry_after)
        return response

    def authentication_problem(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        response = problem_response(status=401, title="Unauthorized", detail=unauthorized_detail)
        response["WWW-Authenticate"] = "Bearer"
        return response

    def http_problem(request: HttpRequest, exc: HttpError) -> HttpResponse:
        return problem_response(status=exc.status_code, title=str(exc.message), detail=str(exc.message))

    def not_found_problem(request: HttpRequest, exc: Http404) -> HttpResponse:
        return problem_response(status=404, title="Not found", detail=str(exc) or "Not found.")

    def unstorable_problem(request: HttpRequest, exc: DataError) -> HttpResponse:
        # The database refused a value validation let through (a NUL character, say): bad input, not a crash.
        return problem_response(
            status=422,
            title="Invalid input",
            detail="A value cannot be stored: it is out of range or contains a character such as NUL.",
        )

    def too_large_problem(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
        # A body that grew past its limit while read (sent chunked), or a multipart form's fields past
        # DATA_UPLOAD_MAX_MEMORY_SIZE: 413, as when Content-Length says so up front.
        return too_large_response(request, limit=getattr(exc, "limit", None))

    def unavailable_problem(request: HttpRequest, exc: Exception) -> HttpResponse:
        # The database restarted or the connection was cut: 503 with Retry-After; the next request reconnects.
        return unavailable_response(request, exc)

    def unexpected_problem(request: HttpRequest, exc: Exception) -> HttpResponse:
        logger.exception("Unhandled error in %s %s", request.method, request.path)
        return problem_response(
            status=500, title="Internal error", detail="Something went wrong; it has been logged."
        )

    api.exception_handler(NinjaValidationError)(validation_problem)
    api.exception_handler(LojalError)(domain_problem)
    api.exception_handler(AuthenticationError)(authentication_problem)
    api.exception_handler(HttpError)(http_problem)
    api.exception_handler(Http404)(not_found_problem)
    api.exception_handler(DataError)(unstorable_problem)
    api.exception_handler(RequestDataTooBig)(too_large_problem)
    api.exception_handler(OperationalError)(unavailable_problem)
    api.exception_handler(InterfaceError)(unavailable_problem)
    api.exception_handler(Exception)(unexpected_problem)
