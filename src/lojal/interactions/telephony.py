"""Call events from a telephony system (started, answered, ended, missed, recording) become one call
interaction per call id: the caller is matched by number, and the call reaches the timeline when it ends
or is missed, with its duration, outcome and recording link."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lojal.core.contact_points import phone_candidates
from lojal.core.errors import ValidationError
from lojal.core.inputs import date_fault
from lojal.core.phrases import Phrase
from lojal.interactions.inbound_hooks import inbound_announce
from lojal.interactions.models import SUBJECT_PHRASE, Channel, Direction, Interaction, Outcome
from lojal.interactions.services import _event_for, customer_for

CALL_EVENTS = ("started", "answered", "ended", "missed", "recording")


def _number(value: str, field: str) -> str:
    text = (value or "").strip()
    if not text:
        return ""
    candidates = phone_candidates(text)
    if not candidates:
        raise ValidationError.for_field(field, _("This is not a phone number."))
    return candidates[0]


@transaction.atomic
def call_event_apply(
    *,
    call_id: str,
    event: str,
    direction: str,
    from_number: str = "",
    to_number: str = "",
    at: dt.datetime | None = None,
    recording_url: str = "",
    ivr_choice: str = "",
    matter: str = "",
    actor: Any = None,
) -> Interaction:
    """Apply one event of call ``call_id``; repeating an event changes nothing. ``ivr_choice`` (the code
    of what the caller chose in the phone menu) and ``matter`` (what the caller said it is about), sent
    with any event, are kept in the call's details: a case the call opens takes its category and queue
    from them (docs/cases.md)."""
    call_id = (call_id or "").strip()
    if not call_id or len(call_id) > 200:
        raise ValidationError.for_field("call_id", _("Send the telephony system's id of the call."))
    if event not in CALL_EVENTS:
        raise ValidationError.for_field(
            "event", _("One of: %(events)s.") % {"events": ", ".join(CALL_EVENTS)}
        )
    if direction not in Direction.values:
        raise ValidationError.for_field("direction", _("Direction must be 'in' or 'out'."))
    caller = _number(from_number, "from_number")
    callee = _number(to_number, "to_number")
    if at is not None and (reason := date_fault(at)):
        raise ValidationError.for_field("at", reason)
    at = at or timezone.now()
    call = (
        Interaction.objects.select_for_update()
        .filter(channel=Channel.CALL, external_id=call_id)
        .order_by("pk")
        .first()
    )
    if call is None:
        customer_number = caller if direction == Direction.INBOUND else callee
        subject = Phrase("call.incoming" if direction == Direction.INBOUND else "call.outgoing")
        call = Interaction.objects.create(
            channel=Channel.CALL,
            direction=direction,
            customer_id=customer_for(customer_number) if customer_number else None,
            occurred_at=at,
            sender=customer_number,
            recipients=[
                number for number in (callee if direction == Direction.INBOUND else caller,) if number
            ],
            external_id=call_id,
            subject=subject.english,
            details={SUBJECT_PHRASE: subject.as_data()},
        )
    was_finished = call.duration_seconds is not None
    data = dict(call.details)
    for key, value, limit in (("ivr_choice", ivr_choice, 40), ("matter", matter, 200)):
        if (value or "").strip():
            data[key] = value.replace("\x00", "").strip()[:limit]
    if event == "answered":
        data.setdefault("answered_at", at.isoformat())
    if event == "recording":
        if recording_url and not recording_url.startswith(("http://", "https://")):
            raise ValidationError.for_field("recording_url", _("Send an http or https link."))
        call.recording_url = recording_url[:500]
    if event in {"ended", "missed"} and not was_finished:
        answered_at = data.get("answered_at")
        if event == "missed" or not answered_at:
            call.outcome = Outcome.MISSED if direction == Direction.INBOUND else Outcome.NO_ANSWER
            call.duration_seconds = 0
        else:
            call.outcome = Outcome.ANSWERED
            call.duration_seconds = max(0, int((at - dt.datetime.fromisoformat(answered_at)).total_seconds()))
    call.details = data
    call.save()
    if event in {"ended", "missed"} and not was_finished:
        _event_for(call, actor)
        if call.direction == Direction.INBOUND:
            inbound_announce(interaction_id=call.pk)
    return call
