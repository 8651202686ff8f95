"""The outbox after a worker died mid-send: a claim whose lease ran out is sent again (the server never
got it: the email is marked sent before the final dot), a queued email whose task died gets a new one,
and a worker whose claim was taken over sends nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from lojal.interactions import delivery
from lojal.interactions.delivery import email_send
from lojal.interactions.emails.outbound import email_compose
from lojal.interactions.models import OutboundEmail
from lojal.interactions.outbox import outbox_recover
from tests import factories
from tests.interactions.test_email_transport import Collector, smarthost  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True)


def _queued_email(admin_user: Any, settings: Any) -> OutboundEmail:
    """An email in the outbox that no worker has touched yet (the queue holds its task)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    anna = factories.person(first_name="Anna", last_name="Berg", emails=["anna.berg@example.se"])
    interaction = email_compose(
        actor=admin_user, customer_id=anna.pk, to="anna.berg@example.se", subject="Kvitto", body="Tack!"
    )
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    return OutboundEmail.objects.get(interaction=interaction)


def test_claim_left_by_a_killed_worker_is_sent_once_after_its_lease(
    smarthost: Collector,  # noqa: F811
    admin_user: Any,
    settings: Any,
) -> None:
    outbound = _queued_email(admin_user, settings)
    # What a worker killed after its claim and before the mark leaves behind.
    OutboundEmail.objects.filter(pk=outbound.pk).update(
        state=OutboundEmail.State.SENDING,
        attempts=1,
        lease_expires_at=timezone.now() - dt.timedelta(seconds=1),
    )

    recovery = outbox_recover()

    outbound.refresh_from_db()
    assert recovery.requeued == 1
    assert outbound.state == OutboundEmail.State.SENT
    assert outbound.attempts == 2
    assert outbound.lease_expires_at is None
    assert "sent again" in outbound.last_error
    assert len(smarthost.messages) == 1


def test_claim_still_within_its_lease_is_left_alone(
    smarthost: Collector,  # noqa: F811
    admin_user: Any,
    settings: Any,
) -> None:
    outbound = _queued_email(admin_user, settings)
    OutboundEmail.objects.filter(pk=outbound.pk).update(
        state=OutboundEmail.State.SENDING,
        attempts=1,
        lease_expires_at=timezone.now() + dt.timedelta(minutes=5),
    )

    recovery = outbox_recover()

    outbound.refresh_from_db()
    assert recovery.requeued == 0
    assert outbound.state == OutboundEmail.State.SENDING
    assert smarthost.messages == []


def test_worker_whose_claim_was_taken_over_abandons_the_message_before_the_dot(
    smarthost: Collector,  # noqa: F811
    admin_user: Any,
    settings: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    outbound = _queued_email(admin_user, settings)
    original = delivery.smtp_hand_over

    def overtaken(**kwargs: Any) -> bool:
        # Its lease ran out mid-send and another worker claimed the email (attempt 2).
        OutboundEmail.objects.filter(pk=outbound.pk).update(attempts=2)
        return original(**kwargs)

    monkeypatch.setattr(delivery, "smtp_hand_over", overtaken)

    result = email_send(outbound_id=outbound.pk)

    outbound.refresh_from_db()
    assert result == "superseded"
    assert outbound.state == OutboundEmail.State.SENDING
    assert outbound.sent_at is None
    assert smarthost.messages == []


def test_sent_email_stores_exactly_the_bytes_handed_over(
    smarthost: Collector,  # noqa: F811
    admin_user: Any,
    settings: Any,
) -> None:
    outbound = _queued_email(admin_user, settings)

    assert email_send(outbound_id=outbound.pk) == OutboundEmail.State.SENT

    outbound.refresh_from_db()
    stored = bytes(outbound.interaction.email.raw)
    assert len(smarthost.messages) == 1
    # The CRLF before the final dot belongs to SMTP's end-of-data mark.
    assert smarthost.messages[0].original_content == stored + b"\r\n"
    assert outbound.lease_expires_at is None
    assert outbound.sent_at is not None
