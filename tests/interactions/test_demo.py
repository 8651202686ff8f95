"""`lojal demo load` fills the timeline with interactions through the real services, the same every time."""

from __future__ import annotations

import io
import re

import pytest
from django.core.management import call_command

from lojal.accounts.models import User
from lojal.customers.models import Customer
from lojal.interactions.demo import demo_interactions_load
from lojal.interactions.models import Conversation, Interaction, MessageTemplate, WebForm
from lojal.timeline.models import Event

pytestmark = pytest.mark.django_db


def load() -> list[tuple[str, str, str]]:
    call_command("demo", "load", "--customers", "60", "--force", stdout=io.StringIO())
    return list(Interaction.objects.order_by("pk").values_list("channel", "direction", "subject"))


def test_demo_has_emails_calls_meetings_and_unmatched_mail() -> None:
    rows = load()

    channels = {channel for channel, _direction, _subject in rows}
    assert {"email", "call"} <= channels
    assert Interaction.objects.filter(channel="email", direction="out", outbound__state="sent").exists()
    assert Interaction.objects.filter(customer__isnull=True).count() == 3
    assert Interaction.objects.filter(customer__isnull=True, is_auto_reply=True).count() == 1
    linked = Interaction.objects.filter(customer__isnull=False).count()
    assert Event.objects.filter(kind__startswith="interaction.").count() == linked
    assert MessageTemplate.objects.filter(key="thanks").count() == 3
    assert WebForm.objects.filter(key="kontakt").exists()


def test_demo_interactions_are_the_same_every_time() -> None:
    load()
    staff = {user.username: user for user in User.objects.all()}
    customer_ids = list(Customer.objects.order_by("pk").values_list("pk", flat=True))

    def generate() -> list[tuple[object, ...]]:
        Interaction.objects.all().delete()
        Conversation.objects.all().delete()
        demo_interactions_load(staff=staff, customer_ids=customer_ids, seed=1)
        rows = Interaction.objects.order_by("pk").values_list(
            "customer_id", "channel", "direction", "subject", "body_text"
        )
        # Conversation references are random by design (they must not be guessable); the rest is seeded.
        return [(*row[:3], re.sub(r"\[#L-\w+\]", "[#ref]", row[3]), row[4]) for row in rows]

    first, second = generate(), generate()

    assert len(first) > 10
    assert first == second
