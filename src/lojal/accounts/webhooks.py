"""Signed inbound webhooks: an integration proves a call is its own with an HMAC-SHA256 of the
timestamp and the body under its webhook secret, in ``X-Lojal-Signature: t=<unix time>,v1=<hex>``,
instead of holding a staff token. A signature older or newer than LOJAL_WEBHOOK_TOLERANCE_SECONDS is
refused, and so is one seen before (each signed call is accepted once)."""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Iterable

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from lojal.accounts.models import WebhookSecret
from lojal.core.errors import LojalError
from lojal.core.ratelimit import first_use

SIGNATURE_HEADER = "X-Lojal-Signature"
SECRET_PREFIX = "whsec_"


class SignatureRefused(LojalError):
    """A webhook call whose signature is malformed, stale, wrong or used before."""

    status = 401
    title = "Unauthorized"


def webhook_secret_value(*, salt: str, key: str | None = None) -> str:
    """The secret an integration signs with, derived from SECRET_KEY (or ``key``) and the row's salt."""
    digest = hmac.new(
        (key or settings.SECRET_KEY).encode(), f"lojal.webhook-secret:{salt}".encode(), hashlib.sha256
    )
    return SECRET_PREFIX + digest.hexdigest()


def signature_compute(*, secret: str, timestamp: int, body: bytes) -> str:
    """The hex HMAC-SHA256 of ``<timestamp>.<body>`` under ``secret``: what the v1= part carries."""
    return hmac.new(secret.encode(), str(timestamp).encode() + b"." + body, hashlib.sha256).hexdigest()


def signature_header(*, secret: str, body: bytes, timestamp: int | None = None) -> str:
    """The whole header value an integration sends (for tests and the documentation's example)."""
    moment = int(time.time()) if timestamp is None else timestamp
    return f"t={moment},v1={signature_compute(secret=secret, timestamp=moment, body=body)}"


def _parse(header: str) -> tuple[int, list[str]]:
    timestamp: int | None = None
    signatures: list[str] = []
    for part in header.split(","):
        name, _sep, value = part.strip().partition("=")
        if name == "t" and value.isdigit() and len(value) <= 12:
            timestamp = int(value)
        elif name == "v1" and len(value) == 64:
            signatures.append(value.lower())
    if timestamp is None or not signatures:
        raise SignatureRefused(
            _("The %(header)s header must read t=(unix time),v1=(hex HMAC-SHA256).")
            % {"header": SIGNATURE_HEADER}
        )
    return timestamp, signatures


def _candidate_secrets(rows: Iterable[WebhookSecret]) -> list[tuple[WebhookSecret, str]]:
    keys = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return [(row, webhook_secret_value(salt=row.salt, key=key)) for row in rows for key in keys]


def signature_verify(*, header: str, body: bytes, now: float | None = None) -> WebhookSecret:
    """The active webhook secret that signed ``body``; SignatureRefused (401) saying why otherwise."""
    timestamp, signatures = _parse(header)
    tolerance = int(settings.LOJAL_WEBHOOK_TOLERANCE_SECONDS)
    if abs((time.time() if now is None else now) - timestamp) > tolerance:
        raise SignatureRefused(
            _(
                "The signature's timestamp is more than %(seconds)s seconds away from now: "
                "sign each call as it is sent."
            )
            % {"seconds": tolerance}
        )
    matched: WebhookSecret | None = None
    matched_signature = ""
    for row, secret in _candidate_secrets(WebhookSecret.objects.filter(revoked_at__isnull=True)):
        expected = signature_compute(secret=secret, timestamp=timestamp, body=body)
        # Every candidate is compared, in constant time, whatever matched before.
        for given in signatures:
            if hmac.compare_digest(expected, given) and matched is None:
                matched, matched_signature = row, given
    if matched is None:
        raise SignatureRefused(_("The signature does not match the body under any active webhook secret."))
    # Kept past the tolerance on both sides, so a replay is refused for as long as its timestamp passes.
    if not first_use(f"webhook/{matched_signature}", seconds=2 * tolerance + 1):
        raise SignatureRefused(_("This signed call was received before: each one is accepted once."))
    now_moment = timezone.now()
    if matched.last_used_at is None or (now_moment - matched.last_used_at).total_seconds() > 60:
        WebhookSecret.objects.filter(pk=matched.pk).update(last_used_at=now_moment)
    return matched
