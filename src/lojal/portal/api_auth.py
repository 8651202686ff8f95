"""Who may call the portal API: a customer's browser session (the ``lojal_portal`` cookie, CSRF-checked
for unsafe methods, as the staff API checks its session) or a portal token (``Authorization: Bearer``,
a PortalSession of kind token). Staff sessions and staff tokens mean nothing here: these read another
cookie and another table."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import APIKeyCookie, HttpBearer

from lojal.portal.identity import COOKIE_NAME, PortalIdentity, identity_from_key
from lojal.portal.models import PortalSession


class PortalToken(HttpBearer):
    """``Authorization: Bearer <token>`` with a token made on "Signed-in devices" (or POST /tokens)."""

    def authenticate(self, request: HttpRequest, token: str) -> PortalIdentity | None:
        identity = identity_from_key(token, kind=PortalSession.Kind.TOKEN)
        if identity is not None:
            request.portal = identity  # type: ignore[attr-defined]
        return identity


class PortalCookie(APIKeyCookie):
    """The signed-in customer's browser session, so My pages' own scripts can call the API."""

    param_name = COOKIE_NAME

    def __init__(self) -> None:
        super().__init__(csrf=True)

    def _get_key(self, request: HttpRequest) -> str | None:
        key = request.COOKIES.get(self.param_name)
        if key:
            # The cookie is what a forged cross-site request would ride on: check CSRF (403 when it
            # fails); without it there is nothing to check and a missing credential stays a 401.
            super()._get_key(request)
        return key

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        identity = identity_from_key(key or "", kind=PortalSession.Kind.BROWSER)
        if identity is not None:
            request.portal = identity  # type: ignore[attr-defined]
        return identity


def portal_auth() -> list[PortalToken | PortalCookie]:
    """Every portal API operation's ``auth`` (the API's default)."""
    return [PortalToken(), PortalCookie()]


def identity_of(request: HttpRequest) -> PortalIdentity:
    """The signed-in customer an operation behind ``portal_auth`` serves."""
    identity = getattr(request, "portal", None)
    assert isinstance(identity, PortalIdentity), "only for operations behind portal_auth()"
    return identity
