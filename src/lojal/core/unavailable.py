"""The database gone for a moment (restarted, failed over, the connection cut, the disk full): a clean 503
with Retry-After instead of a 500 with a traceback. Django drops a connection that raised, and the health
check (CONN_HEALTH_CHECKS) opens a fresh one on the next request, so the service recovers by itself."""

from __future__ import annotations

import errno
import logging
import sys
from collections.abc import Callable

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from lojal.core.problems import problem_response

logger = logging.getLogger(__name__)

# Seconds a client is asked to wait; a PostgreSQL restart or a failover usually takes a few.
RETRY_AFTER_SECONDS = 5
SQLITE_FULL = 13
UNAVAILABLE_ERRORS = (OperationalError, InterfaceError)


def is_database_unavailable(error: BaseException | None) -> bool:
    """True for the errors a database raises when it cannot serve now (connection refused or cut, server
    shutting down, database locked or disk full); a bad query is a ProgrammingError or DataError instead."""
    return isinstance(error, UNAVAILABLE_ERRORS)


def unavailable_response(request: HttpRequest, error: BaseException) -> HttpResponse:
    """503 with Retry-After: a problem document under /api/, a page that needs no database elsewhere."""
    logger.warning("Database unavailable in %s %s: %s", request.method, request.path, error)
    if request.path_info.startswith("/api/"):
        response = problem_response(
            status=503,
            title="Service unavailable",
            detail=_("The database cannot be reached right now. Nothing was changed; try again shortly."),
            extra={"retry_after": RETRY_AFTER_SECONDS},
        )
    else:
        response = HttpResponse(
            render_to_string("503.html", {"retry_after": RETRY_AFTER_SECONDS}),
            status=503,
            content_type="text/html; charset=utf-8",
        )
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


class DatabaseUnavailableMiddleware:
    """Turns the database's unavailability in a view into a 503 (the API's own handler does the same for
    API calls; server_error below catches what a middleware raised)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if is_database_unavailable(exception):
            return unavailable_response(request, exception)
        return None


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: a 503 when the uncaught error was the database being unavailable (raised in a middleware,
    a session save say), a problem document for API calls, Django's 500 page otherwise."""
    error = sys.exc_info()[1]
    if is_database_unavailable(error):
        assert error is not None
        return unavailable_response(request, error)
    if request.path_info.startswith("/api/"):
        return problem_response(
            status=500, title="Internal error", detail="Something went wrong; it has been logged."
        )
    from django.views import defaults

    return defaults.server_error(request)


def is_storage_full(error: BaseException | None) -> bool:
    """True when the database (or the file system under it) has no room left: SQLite's SQLITE_FULL
    ("database or disk is full"), PostgreSQL's disk_full class 53100 ("could not extend file"), ENOSPC."""
    seen: set[int] = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        if isinstance(error, OSError) and error.errno == errno.ENOSPC:
            return True
        if getattr(error, "sqlstate", None) == "53100":
            return True
        if getattr(error, "sqlite_errorcode", None) == SQLITE_FULL:
            return True
        error = error.__cause__ or error.__context__
    return False
