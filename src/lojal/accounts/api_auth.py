"""Who may call an API operation: the bearer token and staff session authenticators, and the one role
check every router declares per operation (``auth=staff(Action.CUSTOMER_CREATE)``).

The role check runs inside authentication, which Ninja does before it parses the path, query and
body: a caller without the right gets 403 and learns nothing about what a valid body would be.
"""

from __future__ import annotations

from io import BytesIO
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.security import APIKeyCookie, APIKeyHeader, HttpBearer

from lojal.accounts.models import User
from lojal.accounts.services import token_authenticate
from lojal.accounts.webhooks import SIGNATURE_HEADER, signature_verify
from lojal.core.bodylimits import body_read
from lojal.core.errors import PermissionDenied


def _permitted(user: Any, actions: tuple[str, ...]) -> Any:
    if user is not None and not all(user.can(action) for action in actions):
        raise PermissionDenied(_("Your role does not allow this."))
    return user


class BearerToken(HttpBearer):
    """``Authorization: Bearer lojal_...`` with a token from /auth/token or ``lojal token create``."""

    def __init__(self, *actions: str) -> None:
        self.actions = actions
        super().__init__()

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = token_authenticate(secret=token)
        if user is not None:
            request.user = user
        return _permitted(user, self.actions)


class StaffSession(APIKeyCookie):
    """The signed-in staff member's session, so the pages' own scripts can call the API (CSRF-checked)."""

    param_name = "sessionid"

    def __init__(self, *actions: str, csrf: bool = True) -> None:
        self.actions = actions
        super().__init__(csrf=csrf)

    def _get_key(self, request: HttpRequest) -> str | None:
        key = request.COOKIES.get(self.param_name)
        if key:
            # A session is what a forged cross-site request rides on: the parent checks CSRF (403 when
            # it fails). Without a session cookie there is nothing to check, so a bad token stays a 401.
            super()._get_key(request)
        return key

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return _permitted(user, self.actions)
        return None


class SignedWebhook(APIKeyHeader):
    """``X-Lojal-Signature: t=<unix time>,v1=<hex>``: an integration's call signed with its webhook
    secret (lojal.accounts.webhooks), for the inbound endpoints only. A call that carries the header, even
    empty, and fails the check gets a 401 saying why (a bad signature is never overlooked because a token
    came with it); one without the header goes on to the token and session checks."""

    param_name = SIGNATURE_HEADER

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        if key is None:
            return None
        # Read once within the endpoint's body limit, and kept for the handler to read again.
        body = body_read(request)
        request._body = body
        request._stream = BytesIO(body)
        return signature_verify(header=key, body=body)


def signed_or_staff(*actions: str) -> list[SignedWebhook | BearerToken | StaffSession]:
    """An inbound endpoint's ``auth``: a signed call from an integration, or staff allowed ``actions``."""
    return [SignedWebhook(), *staff(*actions)]


def staff(*actions: str) -> list[BearerToken | StaffSession]:
    """An operation's ``auth``: a token or a session whose user's role allows every one of ``actions``;
    401 without either, 403 when the role falls short. Checks that depend on the payload or the object
    stay in the handler, after this one."""
    return [BearerToken(*actions), StaffSession(*actions, csrf=True)]


def staff_user(request: HttpRequest) -> User:
    """The staff member the operation's ``auth`` let in."""
    user = request.user
    assert isinstance(user, User), "only for operations behind staff()"
    return user


def require(request: HttpRequest, action: str) -> User:
    """The check for a right that depends on the object or the payload, after ``staff()`` let the caller in."""
    user = staff_user(request)
    _permitted(user, (action,))
    return user
