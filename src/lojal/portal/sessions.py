"""A signed-in customer's sessions and tokens: listed on "Signed-in devices" (and the API), ended there,
and tokens made there for programs. Each identity sees and ends only its own: a person their own, a
contact person those they opened as that contact person (not the organisation's other contacts')."""

from __future__ import annotations

import re
from datetime import timedelta

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from lojal.core.audit import audit_record
from lojal.core.errors import NotFound, ValidationError
from lojal.portal.identity import PortalIdentity, portal_session_end, portal_session_start
from lojal.portal.models import PortalSession

LABEL_MAX = 200
_BROWSERS = (
    ("Edg/", "Edge"),
    ("OPR/", "Opera"),
    ("Firefox/", "Firefox"),
    ("Chrome/", "Chrome"),
    ("Safari/", "Safari"),
)
_SYSTEMS = (
    ("iPhone", "iPhone"),
    ("iPad", "iPad"),
    ("Android", "Android"),
    ("Windows", "Windows"),
    ("Mac OS X", "macOS"),
    ("CrOS", "ChromeOS"),
    ("Linux", "Linux"),
)


def device_label(user_agent: str) -> str:
    """ "Firefox on Windows" from a User-Agent header: enough for a customer to recognise a device."""
    agent = user_agent or ""
    browser = next((name for mark, name in _BROWSERS if mark in agent), "")
    system = next((name for mark, name in _SYSTEMS if re.search(re.escape(mark), agent)), "")
    if browser and system:
        return _("%(browser)s on %(system)s") % {"browser": browser, "system": system}
    return browser or system or agent[:60] or _("Unknown device")


def portal_sessions_of(*, identity: PortalIdentity) -> QuerySet[PortalSession]:
    """The identity's live sessions and tokens, newest first."""
    return PortalSession.objects.filter(
        customer_id=identity.customer_id,
        contact_person_id=identity.contact_person_id,
        ended_at__isnull=True,
        expires_at__gt=timezone.now(),
    ).order_by("-created_at", "-id")


def portal_session_end_own(*, identity: PortalIdentity, session_id: int) -> None:
    """End one of the identity's own sessions or tokens (NotFound for any other, ended or not)."""
    if not portal_sessions_of(identity=identity).filter(pk=session_id).exists():
        raise NotFound(_("No such session."))
    if portal_session_end(customer_id=identity.customer_id, session_id=session_id):
        session = PortalSession.objects.get(pk=session_id)
        audit_record(
            actor=None, action="portal.session_ended", obj=session, label=session.label or session.kind
        )


def portal_token_create(
    *, identity: PortalIdentity, label: str, client: str = ""
) -> tuple[PortalSession, str]:
    """A token for a program to call the portal API as this identity (``Authorization: Bearer``); the
    secret is returned once. It lasts LOJAL_PORTAL_TOKEN_DAYS unless ended earlier."""
    name = (label or "").replace("\x00", "").strip()
    if not name:
        raise ValidationError.for_field("label", _("Name the token, so that you know it again."))
    if len(name) > LABEL_MAX:
        raise ValidationError.for_field("label", _("At most %(max)d characters.") % {"max": LABEL_MAX})
    session, key = portal_session_start(
        customer_id=identity.customer_id,
        contact_person_id=identity.contact_person_id,
        kind=PortalSession.Kind.TOKEN,
        label=name,
        created_from=client or None,
        lifetime=timedelta(days=settings.PORTAL_TOKEN_DAYS),
    )
    audit_record(actor=None, action="portal.token_created", obj=session, label=name)
    return session, key
