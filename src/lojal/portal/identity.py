"""Who is signed in to My pages, and which customers' cases they may see. Every portal page and portal
API operation starts from :func:`portal_identity` (through :func:`portal_required` or the API's
``PortalAuth``), so one place decides what a customer sees. Staff sessions and staff tokens mean
nothing here, and a portal session means nothing to the staff pages and API (they read other cookies
and other token tables)."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from functools import wraps
from typing import Any

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone

from lojal.portal.models import OrganisationAccess, PortalSession

#: The browser cookie of a portal session (never the staff ``sessionid``).
COOKIE_NAME = "lojal_portal"
#: A session's last_seen_at is written at most this often (one UPDATE per minute, not per request).
_SEEN_EVERY = timedelta(minutes=1)


def secret_hash(secret: str) -> str:
    """The stored form of a link, code, session key or token: SHA-256, hex."""
    return hashlib.sha256(secret.encode()).hexdigest()


def secret_new() -> str:
    """A fresh unguessable secret for a link, session key or token (256 bits, URL-safe)."""
    return secrets.token_urlsafe(32)


@dataclass(frozen=True)
class PortalIdentity:
    """A signed-in portal user: the customer they are (a person, or the organisation when a contact
    person signed in), and the cases' customers and contact persons they may see."""

    session_id: int
    customer_id: int
    contact_person_id: int | None
    #: Whether the contact person sees all the organisation's cases (False: only their own).
    sees_all_cases: bool

    def may_see_case(self, *, customer_id: int | None, contact_person_id: int | None) -> bool:
        """Whether a case of ``customer_id`` (with ``contact_person_id``) is this identity's to see."""
        if customer_id != self.customer_id:
            return False
        if self.contact_person_id is None or self.sees_all_cases:
            return True
        return contact_person_id == self.contact_person_id


def session_lifetime() -> timedelta:
    """How long a portal session lasts without use (``LOJAL_PORTAL_SESSION_HOURS``, default 12)."""
    return timedelta(hours=getattr(settings, "PORTAL_SESSION_HOURS", 12))


def portal_session_start(
    *,
    customer_id: int,
    contact_person_id: int | None,
    kind: str = PortalSession.Kind.BROWSER,
    label: str = "",
    created_from: str | None = None,
    lifetime: timedelta | None = None,
) -> tuple[PortalSession, str]:
    """A new portal session and its secret key (returned once, only its hash is stored)."""
    key = secret_new()
    now = timezone.now()
    session = PortalSession.objects.create(
        kind=kind,
        key_hash=secret_hash(key),
        customer_id=customer_id,
        contact_person_id=contact_person_id,
        label=label[:200],
        created_at=now,
        last_seen_at=now,
        expires_at=now + (lifetime or session_lifetime()),
        created_from=created_from or None,
    )
    return session, key


def portal_session_end(*, customer_id: int, session_id: int) -> bool:
    """End one of ``customer_id``'s sessions (sign out, or "end" on My pages); False if it was not theirs
    or already ended."""
    with transaction.atomic():
        return bool(
            PortalSession.objects.filter(
                pk=session_id, customer_id=customer_id, ended_at__isnull=True
            ).update(ended_at=timezone.now())
        )


def identity_from_key(key: str, *, kind: str) -> PortalIdentity | None:
    """The identity of a live session of ``kind`` with secret ``key``, or None (unknown, ended, expired).
    A browser session's expiry slides with use; a token's does not."""
    if not key or len(key) > 200:
        return None
    now = timezone.now()
    session = (
        PortalSession.objects.filter(
            key_hash=secret_hash(key), kind=kind, ended_at__isnull=True, expires_at__gt=now
        )
        .only("id", "customer_id", "contact_person_id", "last_seen_at", "kind")
        .first()
    )
    if session is None:
        return None
    if now - session.last_seen_at >= _SEEN_EVERY:
        changes: dict[str, Any] = {"last_seen_at": now}
        if kind == PortalSession.Kind.BROWSER:
            changes["expires_at"] = now + session_lifetime()
        PortalSession.objects.filter(pk=session.pk).update(**changes)
    sees_all = False
    if session.contact_person_id is not None:
        sees_all = OrganisationAccess.objects.filter(
            organisation_id=session.customer_id, contacts_see_all_cases=True
        ).exists()
    return PortalIdentity(
        session_id=session.pk,
        customer_id=session.customer_id,
        contact_person_id=session.contact_person_id,
        sees_all_cases=sees_all,
    )


def portal_identity(request: HttpRequest) -> PortalIdentity | None:
    """The portal identity of a browser request (its ``lojal_portal`` cookie), cached on the request."""
    if hasattr(request, "_portal_identity"):
        cached: PortalIdentity | None = request._portal_identity
        return cached
    identity = identity_from_key(request.COOKIES.get(COOKIE_NAME, ""), kind=PortalSession.Kind.BROWSER)
    request._portal_identity = identity  # type: ignore[attr-defined]
    return identity


def portal_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A portal page: signed-in customers only (others go to the sign-in page); the view gets
    ``request.portal`` (a :class:`PortalIdentity`)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        identity = portal_identity(request)
        if identity is None:
            return HttpResponseRedirect(reverse("portal:login") + "?next=" + request.path)
        request.portal = identity  # type: ignore[attr-defined]
        return view(request, *args, **kwargs)

    return wrapper


def session_cookie_set(response: HttpResponse, key: str) -> None:
    """Put a browser session's key in its cookie: HttpOnly, SameSite=Lax, Secure unless on plain HTTP
    in development, for the session's lifetime."""
    response.set_cookie(
        COOKIE_NAME,
        key,
        max_age=int(session_lifetime().total_seconds()),
        httponly=True,
        samesite="Lax",
        secure=bool(getattr(settings, "SESSION_COOKIE_SECURE", False)),
        path="/",
    )
