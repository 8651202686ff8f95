"""The sign-in pages of My pages (ask for a link or code, open the link, enter the code), signing out,
and "Signed-in devices" (the customer's sessions and API tokens, each of which they can end)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from lojal.core.errors import NotFound, TooManyAttempts, ValidationError
from lojal.core.ratelimit import client_address, too_many_response
from lojal.portal import login
from lojal.portal.identity import COOKIE_NAME, portal_identity, portal_required, session_cookie_set
from lojal.portal.models import LoginChallenge
from lojal.portal.sessions import (
    device_label,
    portal_session_end_own,
    portal_sessions_of,
    portal_token_create,
)
from lojal.portal.views import _render, portal_page, portal_public_page

HOME = "/portal/"
_FAILURE_STATUS = {"expired": 410, "used": 410, "unknown": 404, "wrong_code": 400}


def _too_many(request: HttpRequest, error: TooManyAttempts) -> HttpResponse:
    return too_many_response(
        request, retry_after=int(error.extra.get("retry_after", 60)), message=lambda: error.message
    )


def _signed_in(key: str) -> HttpResponse:
    response = HttpResponseRedirect(HOME)
    session_cookie_set(response, key)
    return response


@never_cache
@require_http_methods(["GET", "POST"])
@portal_public_page
def login_page(request: HttpRequest) -> HttpResponse:
    """Ask for a sign-in link (email address) or code (mobile number); the answer never says whether the
    address is a customer's."""
    if request.method == "GET":
        if portal_identity(request) is not None:
            return HttpResponseRedirect(HOME)
        return _render(request, "portal/auth/login.html", {"address": ""})
    address = request.POST.get("address", "")
    try:
        asked = login.login_request(
            address=address, client=client_address(request), base_url=request.build_absolute_uri("/")
        )
    except ValidationError as error:
        return _render(
            request,
            "portal/auth/login.html",
            {"address": address[:254], "error": error.errors.get("address", [error.message])[0]},
            status=422,
        )
    except TooManyAttempts as error:
        return _too_many(request, error)
    if asked.kind == LoginChallenge.Kind.LINK:
        context = {"address": asked.address, "minutes": settings.PORTAL_LINK_MINUTES}
        return _render(request, "portal/auth/link_sent.html", context)
    context = {"address": asked.address, "pending": asked.pending, "minutes": settings.PORTAL_CODE_MINUTES}
    return _render(request, "portal/auth/code.html", context)


@never_cache
@require_POST
@portal_public_page
def login_code(request: HttpRequest) -> HttpResponse:
    """Enter the code from the SMS."""
    address = request.POST.get("address", "")[:40]
    pending = request.POST.get("pending", "")[:200]
    try:
        _session, key = login.login_code_use(
            address=address,
            pending=pending,
            code=request.POST.get("code", ""),
            client=client_address(request),
            label=device_label(request.headers.get("User-Agent", "")),
        )
    except TooManyAttempts as error:
        return _too_many(request, error)
    except login.SignInFailed as error:
        context = {
            "address": address,
            "pending": pending,
            "error": error.message,
            "minutes": settings.PORTAL_CODE_MINUTES,
        }
        return _render(request, "portal/auth/code.html", context, status=_FAILURE_STATUS[error.reason])
    return _signed_in(key)


@never_cache
@require_http_methods(["GET", "POST"])
@portal_public_page
def login_link(request: HttpRequest, secret: str) -> HttpResponse:
    """The link from the email: GET only shows a button (mail scanners open links), POST signs in."""
    if request.method == "GET":
        state = login.login_link_state(secret=secret)
        if state != "valid":
            return _failed(request, login._link_failure(state))
        return _render(request, "portal/auth/link_confirm.html", {"secret": secret})
    try:
        _session, key = login.login_link_use(
            secret=secret,
            client=client_address(request),
            label=device_label(request.headers.get("User-Agent", "")),
        )
    except TooManyAttempts as error:
        return _too_many(request, error)
    except login.SignInFailed as error:
        return _failed(request, error)
    return _signed_in(key)


def _failed(request: HttpRequest, error: login.SignInFailed) -> HttpResponse:
    return _render(
        request, "portal/auth/failed.html", {"message": error.message}, status=_FAILURE_STATUS[error.reason]
    )


@require_POST
@portal_required
def logout(request: HttpRequest) -> HttpResponse:
    """Sign out: this browser's session ends (on the server, not only its cookie)."""
    identity = request.portal  # type: ignore[attr-defined]
    portal_session_end_own(identity=identity, session_id=identity.session_id)
    response = HttpResponseRedirect("/portal/login/")
    response.delete_cookie(COOKIE_NAME, path="/", samesite="Lax")
    return response


@never_cache
@portal_page
def sessions_page(
    request: HttpRequest, *, new_token: str = "", error: str = "", status: int = 200
) -> HttpResponse:
    """Signed-in devices and API tokens, each with a button that ends it."""
    identity = request.portal  # type: ignore[attr-defined]
    rows = list(portal_sessions_of(identity=identity))
    context: dict[str, Any] = {
        "browsers": [row for row in rows if row.kind == "browser"],
        "tokens": [row for row in rows if row.kind == "token"],
        "current_id": identity.session_id,
        "new_token": new_token,
        "error": error,
    }
    return _render(request, "portal/auth/sessions.html", context, status=status)


@require_POST
@portal_required
def session_end(request: HttpRequest, session_id: int) -> HttpResponse:
    """End one of the customer's own sessions or tokens (404 for anyone else's)."""
    identity = request.portal  # type: ignore[attr-defined]
    try:
        portal_session_end_own(identity=identity, session_id=session_id)
    except NotFound as error:
        raise Http404(error.message) from None
    if session_id == identity.session_id:
        response = HttpResponseRedirect("/portal/login/")
        response.delete_cookie(COOKIE_NAME, path="/", samesite="Lax")
        return response
    return HttpResponseRedirect("/portal/sessions/")


@require_POST
@portal_page
def token_create(request: HttpRequest) -> HttpResponse:
    """Make an API token; its secret is shown once, on the page this answers with."""
    identity = request.portal  # type: ignore[attr-defined]
    try:
        _session, key = portal_token_create(
            identity=identity, label=request.POST.get("label", ""), client=client_address(request)
        )
    except ValidationError as error:
        return sessions_page(request, error=error.errors.get("label", [error.message])[0], status=422)
    return sessions_page(request, new_token=key)
