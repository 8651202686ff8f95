"""The service desk's part of the site walk (``tests/browser/site.py``): a queue worked by a team, a
category tree, macros in three languages and a day's cases (VIP and not, past due, due soon, waiting
on the customer), one of them with a conversation, a note, time spent and a history."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from lojal.accounts.models import Team
from lojal.cases import desk, selectors, services
from lojal.cases.macros import macro_save
from lojal.cases.models import Case, Queue
from lojal.cases.setup import category_save
from tests.factories import person

#: Desk addresses that are not pages: POST-only actions and fragments htmx loads into a page.
DESK_NOT_PAGES = {
    "cases:take_next",
    "cases:bulk",
    "cases:away",
    "cases:customer_pick",
    # Fragments the case page loads into itself (checked with axe as part of the case page).
    "cases:customer_more",
    "cases:history",
}


@dataclass
class DeskWorld:
    case_id: int
    queue_id: int
    macro_id: int


def desk_world(staff: Any, *, customer: Any, email: Any) -> DeskWorld:
    team = Team.objects.create(name="Kundtjänst Stockholm")
    team.members.add(staff)
    queue = Queue.objects.create(name="Kundtjänst", team=team, manager=staff, assignment="least_open")
    Queue.objects.create(name="Företagskunder", assignment="manual")
    invoices = category_save(actor=staff, name="Fakturor")
    category_save(actor=staff, name="Fel belopp", parent_id=invoices.pk)
    category_save(actor=staff, name="Leveranser")
    macro = macro_save(
        actor=staff,
        name="Rättad faktura",
        texts={
            "sv": "Hej {customer_name}!\n\nVi har rättat fakturan i ärende {case_number}. "
            "Den nya fakturan kommer med posten inom tre dagar.\n\nVänliga hälsningar\n{agent_name}",
            "nb": "Hei {customer_name}!\n\nVi har rettet fakturaen i sak {case_number}.\n\nVennlig hilsen\n{agent_name}",
            "en": "Hello {customer_name},\n\nWe have corrected the invoice in case {case_number}.\n\n{agent_name}",
        },
        status="pending_customer",
        category_id=invoices.pk,
        tags=["faktura"],
    )
    now = timezone.now()
    customers = [
        (person(first_name="Ingrid", last_name="Bergström", vip_tier="platinum"), "Kortet spärrat utomlands"),
        (
            person(first_name="Ola", last_name="Nordmann", vip_tier="gold", preferred_language="nb"),
            "Feil i kontoutskrift",
        ),
        (person(first_name="Sven", last_name="Karlsson"), "Hur byter jag adress?"),
        (person(first_name="Aino", last_name="Virtanen", vip_tier="silver"), "Leveransen har inte kommit"),
    ]
    dues = [now - dt.timedelta(minutes=35), now + dt.timedelta(minutes=25), now + dt.timedelta(hours=5), None]
    for (someone, subject), due in zip(customers, dues, strict=True):
        case = services.case_open(
            actor=None, subject=subject, channel="email", customer_id=someone.pk, queue_id=queue.pk
        )
        Case.objects.filter(pk=case.pk).update(next_due=due, opened_at=now - dt.timedelta(hours=3))
    # The inbound hook may already have opened a case for the email (the ingest handler): work that one.
    opened = selectors.open_case_of_conversation(conversation_id=email.conversation_id)
    if opened is None:
        case = services.case_open(
            actor=staff,
            subject="Fel belopp på fakturan för vinterjackan",
            channel="email",
            customer_id=customer.pk,
            queue_id=queue.pk,
            category_id=invoices.pk,
            tags=["faktura"],
            conversation_id=email.conversation_id,
            interaction_ids=[email.pk],
        )
        services.case_change(
            actor=staff, case_id=case.pk, changes={"assignee_id": staff.pk, "status": "open"}
        )
    else:
        case = opened
        services.case_change(
            actor=staff,
            case_id=case.pk,
            changes={
                "assignee_id": staff.pk,
                "status": "open",
                "queue_id": queue.pk,
                "category_id": invoices.pk,
                "customer_id": customer.pk,
            },
        )
        services.case_tags_set(actor=staff, case_id=case.pk, tags=["faktura"])
    desk.case_note_post(
        actor=staff,
        case_id=case.pk,
        body=f"Kollat med ekonomi: beloppet ska vara 1 999 kr. @{staff.username}",
    )
    services.case_time_add(actor=staff, case_id=case.pk, minutes=12, note="Kontroll mot kassan")
    desk.case_answer(
        actor=staff,
        case_id=case.pk,
        text="Hej Jörgen!\n\nTack för att du hörde av dig. Vi byter gärna jackan mot en större storlek; "
        "skicka tillbaka den med returetiketten i paketet.\n\nVänliga hälsningar\nKundtjänst",
        to="jorgen@example.se",
        status="open",
    )
    Case.objects.filter(pk=case.pk).update(next_due=now + dt.timedelta(hours=2), is_breached=False)
    return DeskWorld(case_id=case.pk, queue_id=queue.pk, macro_id=macro.pk)


def desk_parametrised(world: DeskWorld) -> dict[str, str]:
    """The desk's pages that need an object, each with one from ``world``; "" for fragments and
    POST-only actions (checked as part of their page)."""
    c = world.case_id
    return {
        "cases:queue_cases": f"/service/queues/{world.queue_id}/cases/",
        "cases:case": f"/service/cases/{c}/",
        "cases:reply": "",
        "cases:macro_fill": "",
        "cases:note": "",
        "cases:change": "",
        "cases:tags": "",
        "cases:time": "",
        "cases:follow_up": "",
        "cases:presence": "",
        "cases:article_search": "",
        "cases:article_insert": "",
        "cases:macro_edit": f"/service/macros/{world.macro_id}/",
        "cases:queue_edit": f"/service/settings/queues/{world.queue_id}/",
    }
