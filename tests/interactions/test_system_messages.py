"""Lojal's own messages (sign-in links and codes): queued ahead of bulk mail, and their secrets not kept
once the attempt to send them ends."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction

from lojal.interactions.emails.outbound import email_compose
from lojal.interactions.models import EmailMessage, Interaction, OutboundEmail
from lojal.interactions.system_messages import SYSTEM_PRIORITY, system_email_queue
from tests import factories
from tests.mail import free_port

pytestmark = pytest.mark.django_db


def test_a_system_email_is_taken_by_the_worker_before_bulk_mail_queued_earlier(
    settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    customer = factories.person(emails=["anna@example.se"])
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(3):
            email_compose(
                actor=None,
                customer_id=customer.pk,
                to="anna@example.se",
                subject=f"Nyhetsbrev {n}",
                body="Hej",
            )
        system_id = system_email_queue(
            customer_id=customer.pk,
            to="anna@example.se",
            subject="Link",
            body="secret",
            after_send="-",
            kind="test",
        )

    with transaction.atomic():
        first = DBTaskResult.objects.ready().get_locked()  # what db_worker takes next

    assert first is not None and first.priority == SYSTEM_PRIORITY
    assert first.args_kwargs["args"] == [system_id]
    assert sorted(DBTaskResult.objects.values_list("priority", flat=True)) == [0, 0, 0, SYSTEM_PRIORITY]


def test_a_sent_system_email_keeps_only_its_after_send_text(django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        system_email_queue(
            customer_id=None,
            to="anna@example.se",
            subject="Link",
            body="go to https://x/SECRET",
            after_send="go to [gone]",
            kind="test",
        )

    sent = Interaction.objects.get()
    assert OutboundEmail.objects.get().state == OutboundEmail.State.SENT
    assert sent.body_text == "go to [gone]" and sent.details == {"system": "test"}
    assert bytes(EmailMessage.objects.get().raw) == b""


def test_a_failed_system_email_drops_its_secret_too(
    settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", free_port(), 2

    with django_capture_on_commit_callbacks(execute=True):
        system_email_queue(
            customer_id=None,
            to="anna@example.se",
            subject="Link",
            body="SECRET",
            after_send="[gone]",
            kind="test",
        )

    assert OutboundEmail.objects.get().state == OutboundEmail.State.FAILED
    assert Interaction.objects.get().body_text == "[gone]"


def test_staff_email_keeps_its_body_after_sending(django_capture_on_commit_callbacks: Any) -> None:
    customer = factories.person(emails=["anna@example.se"])

    with django_capture_on_commit_callbacks(execute=True):
        email_compose(
            actor=None, customer_id=customer.pk, to="anna@example.se", subject="Svar", body="Hej Anna"
        )

    assert Interaction.objects.get().body_text == "Hej Anna"
    assert bytes(EmailMessage.objects.get().raw) != b""


def test_the_outbox_recovery_queues_a_system_email_again_at_its_priority(
    settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from django_tasks_db.models import DBTaskResult

    from lojal.interactions.outbox import outbox_recover

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    customer = factories.person(emails=["anna@example.se"])
    with django_capture_on_commit_callbacks(execute=True):
        staff = email_compose(
            actor=None, customer_id=customer.pk, to="anna@example.se", subject="Svar", body="Hej"
        )
        system_id = system_email_queue(
            customer_id=None, to="anna@example.se", subject="Link", body="SECRET", after_send="-", kind="test"
        )
    DBTaskResult.objects.all().delete()  # the tasks died with a killed worker

    recovery = outbox_recover()

    priorities = {
        row.args_kwargs["args"][0]: row.priority for row in DBTaskResult.objects.filter(status="READY")
    }
    assert recovery.retasked == 2
    assert priorities == {staff.outbound.pk: 0, system_id: SYSTEM_PRIORITY}
