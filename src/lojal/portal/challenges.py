"""The worker's half of signing in (lojal.portal.login explains the whole): look the asked-for address
up and, only for a customer's, store the challenge and queue its message in the customer's language."""

from __future__ import annotations

import hmac
import secrets
from datetime import timedelta
from hashlib import sha256
from urllib.parse import urljoin

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from lojal.customers.selectors import portal_owner_of
from lojal.interactions.system_messages import system_email_queue, system_sms_queue
from lojal.portal.identity import secret_hash, secret_new
from lojal.portal.models import LoginChallenge

#: Hex characters of each half of a code challenge's secret_hash (SHA-256(pending) | HMAC of the code).
CODE_HALF = 32


def code_mac(pending_id: str, code: str) -> str:
    return hmac.new(
        settings.SECRET_KEY.encode(), f"portal-code|{pending_id}|{code}".encode(), sha256
    ).hexdigest()


def _language(language: str) -> str:
    # sv, nb and en have every sentence; da and fi fall back to English for those they lack.
    return language if language in {"sv", "nb", "da", "fi", "en"} else "en"


def login_challenge_send(
    *, kind: str, address: str, pending_id: str, requested_from: str, base_url: str
) -> str:
    """The worker's half of ``login_request``: for a customer's address, a challenge and its message in
    the customer's language; for any other address nothing at all. Returns what it did."""
    owner = portal_owner_of(address=address)
    if owner is None:
        return "unknown"
    now = timezone.now()
    with transaction.atomic(), translation.override(_language(owner.language)):
        if kind == LoginChallenge.Kind.LINK:
            secret = secret_new()
            minutes = settings.PORTAL_LINK_MINUTES
            LoginChallenge.objects.create(
                kind=kind,
                secret_hash=secret_hash(secret),
                address=address,
                customer_id=owner.customer_id,
                contact_person_id=owner.contact_person_id,
                created_at=now,
                expires_at=now + timedelta(minutes=minutes),
                requested_from=requested_from or None,
            )
            link = urljoin(base_url, reverse("portal:login-link", kwargs={"secret": secret}))
            context = {"minutes": minutes, "expires_at": now + timedelta(minutes=minutes)}
            system_email_queue(
                customer_id=owner.customer_id,
                to=address,
                subject=_("Your sign-in link for My pages"),
                body=render_to_string("portal/email/login_link.txt", {**context, "link": link}),
                after_send=render_to_string(
                    "portal/email/login_link.txt",
                    {**context, "link": "[" + _("the link is not kept after sending") + "]"},
                ),
                kind="portal-login-link",
            )
            return "link"
        code = f"{secrets.randbelow(10**6):06d}"
        minutes = settings.PORTAL_CODE_MINUTES
        LoginChallenge.objects.create(
            kind=kind,
            secret_hash=pending_id[:CODE_HALF] + code_mac(pending_id, code)[:CODE_HALF],
            address=address,
            customer_id=owner.customer_id,
            contact_person_id=owner.contact_person_id,
            created_at=now,
            expires_at=now + timedelta(minutes=minutes),
            requested_from=requested_from or None,
        )
        text = _("Your sign-in code for My pages is %(code)s. It is valid for %(minutes)d minutes.")
        system_sms_queue(
            customer_id=owner.customer_id,
            to=address,
            text=text % {"code": code, "minutes": minutes},
            after_send=text % {"code": "******", "minutes": minutes},
            kind="portal-login-code",
        )
        return "code"
