"""Request guards that keep junk and oversized input from reaching the database, and API errors in one
format."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth.middleware import AuthenticationMiddleware
from django.contrib.messages.middleware import MessageMiddleware
from django.contrib.sessions.middleware import SessionMiddleware
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import HttpRequest, HttpResponse, QueryDict
from django.middleware.clickjacking import XFrameOptionsMiddleware
from django.middleware.csrf import CsrfViewMiddleware
from django.urls import Resolver404, resolve
from django.utils.translation import gettext as _
from django_htmx.middleware import HtmxMiddleware

from lojal.core.bodylimits import body_limit_apply, too_large_response
from lojal.core.htmx import htmx_cache_headers
from lojal.core.problems import PROBLEM_CONTENT_TYPE, problem_response

_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


class RequestGuardMiddleware:
    """Refuses bodies over their endpoint's limit (413, lojal.core.bodylimits) and NUL characters in query
    strings and form fields (PostgreSQL cannot store them) with 422 naming the field, except in what
    customers send through the public web forms and chat, which is kept with the NULs dropped; and
    turns the API's bare 405 answers into problem documents."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        is_api = request.path.startswith("/api/")
        refused = body_limit_apply(request)
        if refused is not None:
            return refused
        try:
            field = self._nul_field(request)
        except RequestDataTooBig as error:
            return too_large_response(request, limit=getattr(error, "limit", None))
        except (TooManyFieldsSent, TooManyFilesSent) as error:
            return _too_many_parts(request, error)
        if field and _is_received(request):
            request.POST = _without_nul(request.POST)  # type: ignore[assignment]
            field = None
        if field:
            reason = _("Contains a NUL character, which is never valid.")
            if is_api:
                return problem_response(
                    status=422, title="Invalid input", detail=f"{field}: {reason}", errors={field: [reason]}
                )
            return HttpResponse(f"{field}: {reason}", status=422, content_type="text/plain; charset=utf-8")
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
    def _nul_field(request: HttpRequest) -> str | None:
        """The name of the first query or form field holding a NUL ("path" for the path), or None."""
        if "\x00" in request.path:
            return "path"
        if "%00" in request.META.get("QUERY_STRING", ""):
            for key, values in request.GET.lists():
                if "\x00" in key or any("\x00" in value for value in values):
                    return key.replace("\x00", "") or "query"
            return "query"
        if request.method == "POST" and request.content_type in _FORM_TYPES:
            for key, values in request.POST.lists():
                if "\x00" in key or any("\x00" in value for value in values):
                    return key.replace("\x00", "") or "form"
        return None


def _too_many_parts(request: HttpRequest, error: Exception) -> HttpResponse:
    """400 for a form with more fields or files than Django reads (DATA_UPLOAD_MAX_NUMBER_FIELDS,
    DATA_UPLOAD_MAX_NUMBER_FILES): a problem document under /api/, a plain answer elsewhere."""
    files = isinstance(error, TooManyFilesSent)
    title = "Too many files" if files else "Too many form fields"
    detail = str(error)
    if request.path_info.startswith("/api/"):
        return problem_response(status=400, title=title, detail=detail)
    return HttpResponse(f"{title}: {detail}", status=400, content_type="text/plain; charset=utf-8")


def _is_received(request: HttpRequest) -> bool:
    """A customer's own words through the public web form or chat: kept, never refused for a NUL."""
    if request.method != "POST" or "\x00" in request.path:
        return False
    try:
        return resolve(request.path_info).namespace == "public"
    except Resolver404:
        return False


def _without_nul(data: QueryDict) -> QueryDict:
    cleaned = QueryDict(mutable=True)
    for key, values in data.lists():
        cleaned.setlist(key.replace("\x00", ""), [value.replace("\x00", "") for value in values])
    cleaned._mutable = False
    return cleaned


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
    """django-htmx's request.htmx, and the caching headers that keep a fragment from standing in for
    its page (lojal.core.htmx): one place, so that no htmx endpoint can forget them."""

    async_capable = False

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = super().__call__(request)
        if not is_token_api_request(request) and not request.path_info.startswith("/api/"):
            htmx_cache_headers(request, response)
        return response
