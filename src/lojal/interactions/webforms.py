"""The website contact form: a submission is checked for spam without third parties (a honeypot field,
a signed time trap, a rate limit per address and per network address), the submitter is matched to a
customer or created as a lead, and the message becomes a web form interaction on the timeline."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.core import signing
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lojal.core.contact_points import email_normalise, phone_normalise
from lojal.core.errors import LojalError, NotFound, ValidationError
from lojal.customers.leads import lead_from_contact
from lojal.interactions.models import Channel, Direction, Interaction, WebForm
from lojal.interactions.services import customer_for, interaction_record

HONEYPOT = "website"
TIME_TRAP = "started"
MIN_SECONDS = 3
MAX_AGE_SECONDS = 24 * 3600
RATE_PER_HOUR = 5
FIELD_LIMITS = {"name": 200, "email": 254, "phone": 40, "company": 200, "subject": 200, "message": 10_000}
DEFAULT_FIELDS = [
    {"name": "name", "required": True},
    {"name": "email", "required": True},
    {"name": "phone", "required": False},
    {"name": "message", "required": True},
]


class TooMany(LojalError):
    """Over a sender's hourly limit; the pages answer 429 with Retry-After set to the hour."""

    status = 429
    title = "Too many requests"
    retry_after = 3600


@dataclass(frozen=True)
class Submitted:
    """What the visitor's submission came to; ``interaction`` is None when it was taken for spam."""

    interaction: Interaction | None
    is_spam: bool = False


def form_fields(form: WebForm) -> list[dict[str, Any]]:
    """The form's fields in order, each known to Lojal; unknown names in the configuration are ignored."""
    configured = form.fields or DEFAULT_FIELDS
    return [
        {"name": item["name"], "required": bool(item.get("required"))}
        for item in configured
        if isinstance(item, dict) and item.get("name") in WebForm.FIELD_CHOICES
    ]


def webform_get(*, key: str) -> WebForm:
    form = WebForm.objects.filter(key=key, is_active=True).first()
    if form is None:
        raise NotFound(_("There is no such form."))
    return form


def time_trap_token() -> str:
    """Signed when the form is shown; a submission sooner than :data:`MIN_SECONDS` later is a bot."""
    return signing.dumps(timezone.now().timestamp(), salt="lojal.webform")


def _time_trap_ok(token: str) -> bool:
    try:
        shown = float(signing.loads(token, salt="lojal.webform", max_age=MAX_AGE_SECONDS))
    except (signing.BadSignature, TypeError, ValueError):
        return False
    return timezone.now().timestamp() - shown >= MIN_SECONDS


def _clean(form: WebForm, data: Mapping[str, str]) -> dict[str, str]:
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, str] = {}
    for field in form_fields(form):
        name = field["name"]
        value = str(data.get(name, "") or "").replace("\x00", "").strip()
        if field["required"] and not value:
            errors[name] = [_("This field is required.")]
            continue
        if len(value) > FIELD_LIMITS[name]:
            errors[name] = [_("At most %(max)d characters.") % {"max": FIELD_LIMITS[name]}]
            continue
        if value and name == "email":
            try:
                value = email_normalise(value, field="email")
            except ValidationError as error:
                errors.update(error.errors)
                continue
        if value and name == "phone":
            try:
                value = phone_normalise(value, field="phone")
            except ValidationError as error:
                errors.update(error.errors)
                continue
        cleaned[name] = value
    if (
        not cleaned.get("email")
        and not cleaned.get("phone")
        and "email" not in errors
        and "phone" not in errors
    ):
        errors["email"] = [_("Give an email address or a phone number so we can answer.")]
    if errors:
        raise ValidationError(next(iter(errors.values()))[0], errors=errors)
    return cleaned


def _rate_limited(address: str, remote_address: str) -> bool:
    since = timezone.now() - dt.timedelta(hours=1)
    recent = Interaction.objects.filter(channel=Channel.WEB_FORM, occurred_at__gte=since)
    by_sender = recent.filter(sender=address).count() if address else 0
    by_network = recent.filter(details__remote_address=remote_address).count() if remote_address else 0
    return by_sender >= RATE_PER_HOUR or by_network >= RATE_PER_HOUR * 4


def webform_submit(*, form: WebForm, data: Mapping[str, str], remote_address: str = "") -> Submitted:
    """Store one submission; spam is answered like success (so bots learn nothing) but stored nowhere."""
    if str(data.get(HONEYPOT, "") or "").strip():
        return Submitted(interaction=None, is_spam=True)
    if not _time_trap_ok(str(data.get(TIME_TRAP, "") or "")):
        raise ValidationError.for_field(
            TIME_TRAP, _("The form was sent too quickly or is too old. Please send it again.")
        )
    cleaned = _clean(form, data)
    sender = cleaned.get("email") or cleaned.get("phone", "")
    if _rate_limited(sender, remote_address):
        raise TooMany(_("Too many messages from you in the last hour. Please try again later."))
    with transaction.atomic():
        customer_id = customer_for(sender)
        if customer_id is None:
            customer_id = lead_from_contact(
                actor=None,
                name=cleaned.get("name", ""),
                email=cleaned.get("email", ""),
                phone=cleaned.get("phone", ""),
                language=form.language,
            ).pk
        lines = [
            f"{name.capitalize()}: {value}"
            for name, value in cleaned.items()
            if name not in {"message", "subject"}
        ]
        body = cleaned.get("message", "")
        interaction = interaction_record(
            channel=Channel.WEB_FORM,
            direction=Direction.INBOUND,
            customer_id=customer_id,
            subject=cleaned.get("subject") or form.name,
            body_text=(body + "\n\n" + "\n".join(lines)).strip(),
            sender=sender,
            sender_name=cleaned.get("name", ""),
            details={"form": form.key, "fields": cleaned, "remote_address": remote_address[:45]},
        )
    return Submitted(interaction=interaction)
