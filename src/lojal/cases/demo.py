"""The demo's service desk: a queue for the customer service team on the Swedish calendar, a
category tree, service levels (VIP customers answered sooner), a routing rule and macros, and the
cases of the demo's emails of the last 90 days (the desk "started" then) that were answered,
solved at the times the demo's answers were sent, and the last three days' unanswered ones open
in the queue, VIP customers first."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Mapping
from typing import Any

from django.utils import timezone

from lojal.accounts import selectors as accounts_selectors
from lojal.calendars import selectors as calendars_selectors
from lojal.cases.ingest import case_message_place
from lojal.cases.macros import macro_save
from lojal.cases.models import Case, Queue
from lojal.cases.queues import queue_create
from lojal.cases.rules import routing_rule_save
from lojal.cases.services import case_answered, case_change, case_time_add
from lojal.cases.setup import category_save
from lojal.cases.sla.policies import sla_policy_create
from lojal.interactions import selectors as interactions_selectors

QUEUE_NAME = "Kundtjänst"
TEAM_NAME = "Kundtjänst"
#: How far back the demo's emails become cases.
DESK_DAYS = 90
#: Unanswered messages this recent are the queue's open cases.
FRESH_DAYS = 3
CATEGORIES = {
    "Faktura": ("Fel belopp", "Betalning"),
    "Leverans": ("Försenad", "Skadad vara"),
    "Konto": ("Inloggning", "Uppsägning"),
}
MACROS = (
    (
        "Tack – vi återkommer",
        {
            "sv": "Hej {customer_name}!\n\nTack för ditt meddelande. Vi har tagit emot ärende #{case_number} "
            "och återkommer så snart vi kan.\n\nVänliga hälsningar\n{agent_name}",
            "nb": "Hei {customer_name}!\n\nTakk for meldingen. Vi har mottatt sak #{case_number} og kommer "
            "tilbake så snart vi kan.\n\nVennlig hilsen\n{agent_name}",
            "en": "Hello {customer_name},\n\nThank you for your message. We have case #{case_number} and will "
            "come back to you as soon as we can.\n\nKind regards\n{agent_name}",
        },
        "pending_customer",
    ),
    (
        "Löst – faktura rättad",
        {
            "sv": "Hej {customer_name}!\n\nVi har rättat fakturan; en ny kommer med posten inom några dagar. "
            "Hör av dig om något fortfarande inte stämmer.\n\nVänliga hälsningar\n{agent_name}",
            "nb": "Hei {customer_name}!\n\nVi har rettet fakturaen; en ny kommer i posten om noen dager. "
            "Si fra hvis noe fortsatt ikke stemmer.\n\nVennlig hilsen\n{agent_name}",
        },
        "solved",
    ),
)


def _setup(admin: Any, staff: Mapping[str, Any]) -> Queue:
    """Everything the desk is configured with, through the services the pages use."""
    existing = Queue.objects.filter(name=QUEUE_NAME).first()
    if existing is not None:
        return existing
    team = next((team for team in accounts_selectors.team_list() if team.name == TEAM_NAME), None)
    sweden = next((row for row in calendars_selectors.calendar_list(country="SE") if row.is_shipped), None)
    tops: dict[str, int] = {}
    for top, children in CATEGORIES.items():
        parent = category_save(actor=admin, name=top)
        tops[top] = parent.pk
        for child in children:
            category_save(actor=admin, name=child, parent_id=parent.pk)
    standard = sla_policy_create(
        actor=admin,
        values={
            "name": "Standard",
            "first_response_minutes": 8 * 60,
            "next_response_minutes": 8 * 60,
            "resolution_minutes": 5 * 9 * 60,
        },
    )
    queue = queue_create(
        actor=admin,
        data={
            "name": QUEUE_NAME,
            "team_id": team.pk if team else None,
            "calendar_id": sweden.pk if sweden else None,
            "sla_policy_id": standard.pk,
            "manager_id": staff["maria"].pk if "maria" in staff else None,
        },
    )
    for tier, first in (("platinum", 60), ("gold", 2 * 60)):
        sla_policy_create(
            actor=admin,
            values={
                "name": f"VIP {tier}",
                "vip_tier": tier,
                "first_response_minutes": first,
                "next_response_minutes": first,
                "resolution_minutes": 2 * 9 * 60,
            },
        )
    routing_rule_save(
        actor=admin,
        name="Fakturafrågor",
        words=["faktura", "räkning", "betalning"],
        set_queue_id=queue.pk,
        set_category_id=tops["Faktura"],
    )
    routing_rule_save(
        actor=admin,
        name="Allt annat till kundtjänst",
        words=[],
        channels=["email", "web_form", "sms", "chat", "call"],
        set_queue_id=queue.pk,
    )
    for name, texts, status in MACROS:
        macro_save(actor=admin, name=name, texts=texts, status=status)
    return queue


def demo_service_load(*, staff: Mapping[str, Any], customer_ids: list[int], seed: int) -> int:
    """The desk's setup and the cases of the demo's inbound emails of the last :data:`DESK_DAYS`
    days; returns how many cases there are. Solved cases get the demo answer's time as their first
    response and are solved within a working day or two; the newest stay open."""
    admin = staff["demo"]
    _setup(admin, staff)
    rng = random.Random(seed + 13)
    now = timezone.now()
    agents = [staff[name] for name in ("sven", "maria") if name in staff]
    since = now - dt.timedelta(days=DESK_DAYS)
    inbound = interactions_selectors.inbound_since(customer_ids=customer_ids, since=since)
    fresh = now - dt.timedelta(days=FRESH_DAYS)
    for interaction in inbound:
        answer = interactions_selectors.answer_to(interaction_id=interaction.pk)
        if answer is None and interaction.occurred_at < fresh:
            continue  # an old message nobody answered stays a plain interaction, not a long-breached case
        case = case_message_place(interaction=interaction)
        if case is None or answer is None or case.status not in (Case.Status.NEW, Case.Status.OPEN):
            continue
        agent = rng.choice(agents)
        case_change(
            actor=agent, case_id=case.pk, changes={"assignee_id": agent.pk}, at=interaction.occurred_at
        )
        case_answered(case_id=case.pk, interaction_id=answer.pk, at=answer.occurred_at)
        case_time_add(
            actor=agent,
            case_id=case.pk,
            minutes=rng.choice((5, 10, 15, 20, 30)),
            spent_on=timezone.localdate(answer.occurred_at),
        )
        solved_at = answer.occurred_at + dt.timedelta(hours=rng.randint(1, 40))
        if solved_at < now:
            case_change(actor=agent, case_id=case.pk, changes={"status": "solved"}, at=solved_at)
    return Case.objects.count()
