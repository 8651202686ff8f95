"""Background work for interactions: thin wrappers that load ids and call a service."""

from __future__ import annotations

from django_tasks import task

from lojal.interactions import delivery


@task()
def email_send_task(outbound_id: int) -> str:
    """Send one outbox email; safe to run twice (a sent or sending email is never sent again)."""
    return delivery.email_send(outbound_id=outbound_id)


@task()
def sms_send_task(interaction_id: int) -> str:
    """Hand one outgoing SMS to the configured adapter; safe to run twice."""
    return delivery.sms_deliver(interaction_id=interaction_id)
