"""The unmatched inbox: auto-replies and spam are dismissed (kept, out of the way, not counted), listed
under Dismissed, and put back; detected auto-replies go in bulk."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from lojal.core.models import AuditEntry
from lojal.interactions.models import Interaction
from lojal.interactions.selectors import inbox_counts, unmatched_count

pytestmark = pytest.mark.django_db


def unmatched(subject: str, *, auto: bool = False, sender: str = "x@example.se") -> Interaction:
    return Interaction.objects.create(
        channel="email",
        direction="in",
        occurred_at=timezone.now(),
        subject=subject,
        sender=sender,
        is_auto_reply=auto,
    )


@pytest.fixture
def agent(make_user: Any) -> Client:
    client = Client()
    client.force_login(make_user("service_agent"))
    return client


def test_dismissed_message_leaves_the_inbox_and_its_count_and_can_be_put_back(agent: Client) -> None:
    spam = unmatched("Billiga klockor", sender="spam@example.com")
    real = unmatched("Fråga om faktura")

    answer = agent.post(f"/interactions/{spam.pk}/dismiss/", HTTP_HX_REQUEST="true").content.decode()

    spam.refresh_from_db()
    assert spam.dismissed_at is not None and spam.customer_id is None
    assert "Undo" in answer and '<span id="inbox-count" class="badge" hx-swap-oob="true">1</span>' in answer
    assert "Waiting (1)</a>" in answer and "Dismissed (1)</a>" in answer
    assert unmatched_count() == 1
    inbox = agent.get("/interactions/inbox/").content.decode()
    assert "Fråga om faktura" in inbox and "Billiga klockor" not in inbox
    assert "Dismissed (1)" in inbox and "Waiting (1)" in inbox
    dismissed = agent.get("/interactions/inbox/", {"show": "dismissed"}).content.decode()
    assert "Billiga klockor" in dismissed and "Fråga om faktura" not in dismissed
    assert AuditEntry.objects.filter(action="inbox.dismissed", object_id=str(spam.pk)).count() == 1

    agent.post(f"/interactions/{spam.pk}/restore/", {"show": "dismissed"})

    spam.refresh_from_db()
    assert spam.dismissed_at is None
    assert unmatched_count() == 2
    assert real.dismissed_at is None


def test_all_detected_auto_replies_are_dismissed_at_once_and_nothing_else(agent: Client) -> None:
    away = [unmatched(f"Frånvaro {number}", auto=True) for number in range(3)]
    question = unmatched("Fråga")
    page = agent.get("/interactions/inbox/").content.decode()
    assert "Dismiss all 3 auto-replies" in page

    agent.post("/interactions/inbox/dismiss-auto-replies/")

    assert set(Interaction.objects.filter(dismissed_at__isnull=False).values_list("pk", flat=True)) == {
        item.pk for item in away
    }
    assert Interaction.objects.get(pk=question.pk).dismissed_at is None
    assert inbox_counts().__dict__ == {"waiting": 1, "auto_replies": 0, "dismissed": 3}
    assert "dismiss-auto-replies" not in agent.get("/interactions/inbox/").content.decode()


def test_a_matched_message_cannot_be_dismissed(agent: Client, admin_user: Any) -> None:
    from tests import factories

    customer = factories.person(first_name="Kari", last_name="Nordmann")
    matched = unmatched("Hej")
    Interaction.objects.filter(pk=matched.pk).update(customer=customer)

    agent.post(f"/interactions/{matched.pk}/dismiss/")

    assert Interaction.objects.get(pk=matched.pk).dismissed_at is None
    assert not AuditEntry.objects.filter(action="inbox.dismissed").exists()


def test_linking_a_dismissed_message_puts_it_back_on_a_timeline(agent: Client) -> None:
    from tests import factories

    customer = factories.person(first_name="Kari", last_name="Nordmann")
    spam = unmatched("Hej igen", sender="kari@example.no")
    agent.post(f"/interactions/{spam.pk}/dismiss/")

    agent.post(f"/interactions/{spam.pk}/link/", {"customer_id": customer.pk})

    spam.refresh_from_db()
    assert (spam.customer_id, spam.dismissed_at) == (customer.pk, None)
