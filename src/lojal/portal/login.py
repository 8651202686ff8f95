"""Signing in to My pages without a password: the customer gives an email address (a one-time link comes
by email) or a mobile number (a six-digit code comes by SMS).

No enumeration: asking answers the same, in the same time, whether the address belongs to a customer or
not. The request only checks the address's form and the rate limits and queues a task; the worker looks
the address up and, only for a customer's address, stores a challenge and sends the message (ahead of
bulk mail, lojal.interactions.system_messages). Entering a code answers the same sentence for a wrong,
expired, used or unknown code.

Secrets: a link carries 256 random bits and is stored as its SHA-256. A code is short, so it is bound to
the browser that asked for it: that browser holds a random ``pending`` secret (a hidden form field); the
challenge is stored as SHA-256(pending) (first half, to find it) + HMAC(SECRET_KEY, that + code) (second
half). A copy of the database, task queue included (it holds only SHA-256(pending)), cannot be turned
into a working code, and someone who did not ask for the code cannot try codes against it at all."""

from __future__ import annotations

import hmac
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from lojal.core.audit import audit_record
from lojal.core.contact_points import email_normalise, phone_normalise
from lojal.core.errors import LojalError, TooManyAttempts, ValidationError
from lojal.core.ratelimit import limit_hit
from lojal.customers.selectors import customer_exists
from lojal.portal.challenges import CODE_HALF, code_mac
from lojal.portal.identity import portal_session_start, secret_hash, secret_new
from lojal.portal.models import LoginChallenge, PortalSession
from lojal.portal.tasks import login_challenge_send_task


class SignInFailed(LojalError):
    """A link or code that signs nobody in; ``reason`` is expired, used, unknown or wrong_code."""

    status = 400
    title = "Sign-in failed"

    def __init__(self, message: str, *, reason: str) -> None:
        super().__init__(message, extra={"reason": reason})
        self.reason = reason


@dataclass(frozen=True)
class LoginRequested:
    """What the customer asked for: ``kind`` (link or code), the normalised address, and for a code the
    browser's pending secret (to be sent back with the code)."""

    kind: str
    address: str
    pending: str = ""


def login_address_read(text: str) -> tuple[str, str]:
    """(kind, normalised address) of what the customer typed: an email address gets a link, a phone
    number a code. Raises ValidationError on ``address`` for anything else (the same for everyone)."""
    value = (text or "").strip()
    try:
        if "@" in value:
            return LoginChallenge.Kind.LINK, email_normalise(value, field="address")
        return LoginChallenge.Kind.CODE, phone_normalise(value, field="address")
    except ValidationError:
        raise ValidationError.for_field(
            "address", _("Give your email address or your mobile number.")
        ) from None


def _limits_check(*, address: str, client: str) -> None:
    for group, key, rate in (
        ("portal-login-network", client, settings.LOJAL_RATE_PORTAL_LOGIN_NETWORK),
        ("portal-login-address", address, settings.LOJAL_RATE_PORTAL_LOGIN_ADDRESS),
    ):
        retry_after = limit_hit(group=group, key=key, rate=rate)
        if retry_after is not None:
            raise TooManyAttempts(
                _("Too many sign-in requests. Try again later."), extra={"retry_after": retry_after}
            )


def login_request(*, address: str, client: str, base_url: str) -> LoginRequested:
    """The customer asks to sign in with ``address`` from client address ``client``; the link or code is
    looked up and sent by the worker after commit (``challenges.login_challenge_send``). The same for every address
    of a valid form: no database read that depends on it, no message here. ``base_url`` is where the
    customer is (the link in the email leads there unless LOJAL_PORTAL_URL says otherwise)."""
    kind, normalised = login_address_read(address)
    _limits_check(address=normalised, client=client)
    pending = secret_new() if kind == LoginChallenge.Kind.CODE else ""
    pending_id = secret_hash(pending) if pending else ""
    transaction.on_commit(
        lambda: login_challenge_send_task.enqueue(
            kind=kind,
            address=normalised,
            pending_id=pending_id,
            requested_from=client,
            base_url=settings.PORTAL_URL or base_url,
        )
    )
    return LoginRequested(kind=kind, address=normalised, pending=pending)


def _sign_in_limit(client: str) -> None:
    retry_after = limit_hit(group="portal-sign-in", key=client, rate=settings.LOJAL_RATE_PORTAL_SIGN_IN)
    if retry_after is not None:
        raise TooManyAttempts(
            _("Too many sign-in attempts. Try again later."), extra={"retry_after": retry_after}
        )


def login_link_state(*, secret: str) -> str:
    """Whether link ``secret`` would sign in now: valid, expired, used or unknown (nothing is changed:
    opening the link only shows a button, as mail scanners open links too)."""
    challenge = (
        LoginChallenge.objects.filter(secret_hash=secret_hash(secret or ""), kind=LoginChallenge.Kind.LINK)
        .only("expires_at", "used_at")
        .first()
        if secret and len(secret) <= 200
        else None
    )
    if challenge is None:
        return "unknown"
    if challenge.used_at is not None:
        return "used"
    if challenge.expires_at <= timezone.now():
        return "expired"
    return "valid"


def _link_failure(reason: str) -> SignInFailed:
    messages = {
        "expired": _("This sign-in link has expired. Ask for a new one."),
        "used": _("This sign-in link has already been used. Ask for a new one."),
        "unknown": _("This sign-in link is not valid. Ask for a new one."),
    }
    return SignInFailed(messages[reason], reason=reason)


def _challenge_use(challenge: LoginChallenge, *, client: str, label: str) -> tuple[PortalSession, str]:
    """Spend ``challenge`` (once, whoever else tries at the same moment) and start a browser session."""
    now = timezone.now()
    spent = LoginChallenge.objects.filter(pk=challenge.pk, used_at__isnull=True, expires_at__gt=now).update(
        used_at=now
    )
    if not spent:
        raise _link_failure("used")
    if not customer_exists(customer_id=challenge.customer_id):
        raise _link_failure("unknown")
    session, key = portal_session_start(
        customer_id=challenge.customer_id,
        contact_person_id=challenge.contact_person_id,
        label=label,
        created_from=client or None,
    )
    audit_record(
        actor=None,
        action="portal.signed_in",
        obj=session,
        label=f"{challenge.address} ({challenge.get_kind_display()})",
    )
    return session, key


def login_link_use(*, secret: str, client: str, label: str) -> tuple[PortalSession, str]:
    """Sign in with link ``secret``: a new browser session and its key. Raises SignInFailed (expired,
    used, unknown) or TooManyAttempts; a link is spent by its first successful use."""
    _sign_in_limit(client)
    state = login_link_state(secret=secret)
    if state != "valid":
        raise _link_failure(state)
    with transaction.atomic():
        challenge = LoginChallenge.objects.get(secret_hash=secret_hash(secret), kind=LoginChallenge.Kind.LINK)
        return _challenge_use(challenge, client=client, label=label)


def login_code_use(
    *, address: str, pending: str, code: str, client: str, label: str
) -> tuple[PortalSession, str]:
    """Sign in with the SMS code sent for this browser's ``pending`` secret. A wrong code counts against
    the challenge (it dies after LOJAL_PORTAL_CODE_TRIES); every failure reads the same."""
    _sign_in_limit(client)
    wrong = SignInFailed(
        _("That code is not right, or it has expired. Check it, or ask for a new code."), reason="wrong_code"
    )
    try:
        number = phone_normalise(address or "", field="address")
    except ValidationError:
        raise wrong from None
    code = "".join((code or "").split())
    if not pending or len(pending) > 200 or not code.isdigit() or len(code) != 6:
        raise wrong
    pending_id = secret_hash(pending)
    now = timezone.now()
    with transaction.atomic():
        challenge = (
            LoginChallenge.objects.select_for_update()
            .filter(
                kind=LoginChallenge.Kind.CODE,
                address=number,
                secret_hash__startswith=pending_id[:CODE_HALF],
            )
            .first()
        )
        if (
            challenge is None
            or challenge.used_at is not None
            or challenge.expires_at <= now
            or challenge.failed_attempts >= settings.PORTAL_CODE_TRIES
        ):
            raise wrong
        if not hmac.compare_digest(challenge.secret_hash[CODE_HALF:], code_mac(pending_id, code)[:CODE_HALF]):
            # Counted in this block, which commits; the failure is raised after it.
            LoginChallenge.objects.filter(pk=challenge.pk).update(failed_attempts=F("failed_attempts") + 1)
            failed = True
        else:
            failed = False
    if failed:
        raise wrong
    with transaction.atomic():
        try:
            return _challenge_use(challenge, client=client, label=label)
        except SignInFailed:
            raise wrong from None
