"""The answer to a login or token request while its account or its network address is locked out
(django-axes counts the failures in the database; LOJAL_LOGIN_FAILURE_LIMIT, LOJAL_LOGIN_LOCKOUT_MINUTES).
The same answer whether or not the account exists, so a lockout tells an attacker nothing."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from lojal.core.ratelimit import too_many_response


def _message() -> str:
    return _("Too many failed logins for this account or from this network.")


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: Any = None
) -> HttpResponse:
    """429 with Retry-After: a failed attempt during a lockout starts its cool-off again, so the wait is
    always the whole cool-off."""
    retry_after = int(settings.AXES_COOLOFF_TIME.total_seconds())
    return too_many_response(request, retry_after=retry_after, message=_message)
