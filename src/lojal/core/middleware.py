"""Request guards that keep junk and oversized input from reaching the database, and API errors in one
format."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth.middleware import AuthenticationMiddleware
from django.contrib.messages.middleware import MessageMiddleware
from django.contrib.sessions.middleware import SessionMiddleware
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.middleware.clickjacking import XFrameOptionsMiddleware
from django.middleware.csrf import CsrfViewMiddleware
from django_htmx.middleware import HtmxMiddleware

from lojal.core.bodylimits import body_limit_apply, too_large_response
from lojal.core.problems import PROBLEM_CONTENT_TYPE, problem_response

_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


class RequestGuardMiddleware:
    """Refuses bodies over their endpoint's limit (413, lojal.core.bodylimits) and NUL characters in query
    strings and form fields (PostgreSQL cannot store them), and turns the API's bare 405 answers into
    problem documents."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        is_api = request.path.startswith("/api/")
        refused = body_limit_apply(request)
        if refused is not None:
            return refused
        try:
            has_nul = self._has_nul(request)
        except RequestDataTooBig as error:
            return too_large_response(request, limit=getattr(error, "limit", None))
        if has_nul:
            if is_api:
                return problem_response(
                    status=400,
                    title="Bad request",
                    detail="The request contains a NUL character, which is never valid.",
                )
            return HttpResponseBadRequest("The request contains a NUL character, which is never valid.")
        response = self.get_response(request)
        if is_api and response.status_code == 405 and response.get("Content-Type") != PROBLEM_CONTENT_TYPE:
            allowed = response.get("Allow", "")
            replacement = problem_response(
                status=405,
                title="Method not allowed",
                detail=f"{request.method} is not allowed here."
                + (f" Allowed: {allowed}." if allowed else ""),
            )
            if allowed:
                replacement["Allow"] = allowed
            return replacement
        return response

    @staticmethod
    def _has_nul(request: HttpRequest) -> bool:
        if "\x00" in request.path or "%00" in request.META.get("QUERY_STRING", ""):
            return True
        if request.method == "POST" and request.content_type in _FORM_TYPES:
            return any("\x00" in value for values in request.POST.lists() for value in values[1])
        return False


def is_token_api_request(request: HttpRequest) -> bool:
    """An API call that authenticates with a Bearer token: it has no use for sessions, CSRF, flash
    messages, frame options or htmx, which are the browser pages' business."""
    return request.path_info.startswith("/api/") and request.META.get("HTTP_AUTHORIZATION", "").startswith(
        "Bearer "
    )


class PagesOnly:
    """Mixed into a middleware so that it runs for everything but token-authenticated API calls, which
    go straight on to the next middleware (together these cost about as much CPU as an API read)."""

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if is_token_api_request(request):
            return self.get_response(request)  # type: ignore[attr-defined]
        return super().__call__(request)  # type: ignore[misc]


class SessionForPages(PagesOnly, SessionMiddleware):
    pass


class CsrfForPages(PagesOnly, CsrfViewMiddleware):
    pass


class AuthenticationForPages(PagesOnly, AuthenticationMiddleware):
    pass


class MessagesForPages(PagesOnly, MessageMiddleware):
    pass


class FrameOptionsForPages(PagesOnly, XFrameOptionsMiddleware):
    pass


class HtmxForPages(PagesOnly, HtmxMiddleware):
    pass
