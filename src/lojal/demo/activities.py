"""Demo follow-ups for ``lojal demo load``: so that a newcomer's My day is not empty. Each member of
staff who may have follow-ups gets some overdue, some due today (a meeting at a time among them), some
later; the customer service team shares a few; and the seller has a call list of customers to call
about renewing. Everything is dated from the day the demo is loaded and written through the
activities services, as staff would make them. Subjects follow the customer's language."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from lojal.accounts import selectors as accounts_selectors
from lojal.accounts import services as accounts_services
from lojal.activities import call_lists
from lojal.activities import services as activity_services
from lojal.customers import selectors as customer_selectors

#: Staff (by username) who get follow-ups of their own; read-only staff may not have any.
OWNERS = ("demo", "maria", "sven", "sara", "mats")
TEAM_NAME = "Kundtjänst"
TEAM_MEMBERS = ("demo", "sven", "maria")
CALL_LIST_OWNER = "sara"
CALL_LIST_SIZE = 25

#: (kind, subject) by customer language; the subject names what is to be done, as staff write it.
SUBJECTS: dict[str, tuple[tuple[str, str], ...]] = {
    "sv": (
        ("call", "Ring om förnyelse av avtalet"),
        ("call", "Återkoppla om leveransen"),
        ("email", "Skicka offert på 20 licenser"),
        ("todo", "Kreditera fakturan"),
        ("meeting", "Genomgång av avtalet"),
        ("call", "Följ upp klagomålet"),
        ("email", "Skicka prislista och broschyr"),
        ("todo", "Uppdatera kontaktuppgifter"),
    ),
    "nb": (
        ("call", "Ring om fornyelse av avtalen"),
        ("call", "Følg opp leveransen"),
        ("email", "Send tilbud på 20 lisenser"),
        ("todo", "Krediter fakturaen"),
        ("meeting", "Gjennomgang av avtalen"),
        ("call", "Følg opp klagen"),
    ),
    "en": (
        ("call", "Call about renewing the contract"),
        ("call", "Follow up on the delivery"),
        ("email", "Send a quote for 20 licences"),
        ("todo", "Credit the invoice"),
        ("meeting", "Contract review"),
        ("call", "Follow up on the complaint"),
    ),
}


@dataclass(frozen=True)
class Planned:
    """One follow-up to make: ``day`` counts from the load day (negative: overdue)."""

    day: int
    kind: str | None = None
    time: dt.time | None = None
    priority: str = "normal"


#: Every owner's follow-ups: three overdue, three today (a meeting at ten, a timed call), four later.
PLAN = (
    Planned(-6, priority="high"),
    Planned(-3),
    Planned(-1),
    Planned(0, kind="meeting", time=dt.time(10, 0)),
    Planned(0, kind="call", time=dt.time(14, 30)),
    Planned(0),
    Planned(1, kind="meeting", time=dt.time(9, 0)),
    Planned(2),
    Planned(5),
    Planned(12),
)
#: The team's: one overdue, two today, one later.
TEAM_PLAN = (Planned(-2, kind="call"), Planned(0, kind="call"), Planned(0, kind="email"), Planned(3))


def _subject(language: str, kind: str | None, rng: random.Random) -> tuple[str, str]:
    choices = SUBJECTS.get(language, SUBJECTS["en"])
    if kind is not None:
        choices = tuple(choice for choice in choices if choice[0] == kind) or choices
    return rng.choice(choices)


def _create(
    actor: Any,
    planned: Planned,
    customer: Any,
    today: dt.date,
    rng: random.Random,
    *,
    owner_id: int | None = None,
    owner_team_id: int | None = None,
) -> None:
    kind, subject = _subject(customer.preferred_language, planned.kind, rng)
    activity_services.activity_create(
        actor=actor,
        kind=kind,
        subject=subject,
        customer_id=customer.pk,
        due_date=today + dt.timedelta(days=planned.day),
        due_time=planned.time,
        duration_minutes=60 if kind == "meeting" else None,
        priority=planned.priority,
        owner_id=owner_id,
        owner_team_id=owner_team_id,
    )


def _team(staff: Mapping[str, Any]) -> Any:
    existing = next((team for team in accounts_selectors.team_list() if team.name == TEAM_NAME), None)
    if existing is not None:
        return existing
    return accounts_services.team_create(
        actor=staff["demo"],
        name=TEAM_NAME,
        member_ids=[staff[name].pk for name in TEAM_MEMBERS if name in staff],
    )


def demo_activities_load(
    *, staff: Mapping[str, Any], customer_ids: Sequence[int], seed: int, today: dt.date | None = None
) -> dict[str, int]:
    """Open follow-ups for the demo staff and their team, and one call list; returns what was made."""
    if not customer_ids:
        return {"activities": 0, "call_lists": 0}
    today = today or timezone.localdate()
    rng = random.Random(seed + 12)
    owners = [staff[name] for name in OWNERS if name in staff]
    picked = rng.sample(list(customer_ids), min(len(customer_ids), len(owners) * len(PLAN) + len(TEAM_PLAN)))
    customers = customer_selectors.customers_selected(customer_ids=picked).only("id", "preferred_language")
    by_id = {customer.pk: customer for customer in customers}
    chosen = iter([by_id[pk] for pk in picked if pk in by_id])
    made = 0
    for owner in owners:
        for planned in PLAN:
            customer = next(chosen, None)
            if customer is None:
                break
            _create(owner, planned, customer, today, rng, owner_id=owner.pk)
            made += 1
    team = _team(staff)
    for planned in TEAM_PLAN:
        customer = next(chosen, None)
        if customer is None:
            break
        _create(staff["sven"], planned, customer, today, rng, owner_team_id=team.pk)
        made += 1
    seller = staff[CALL_LIST_OWNER]
    call_lists.call_list_create(
        actor=seller,
        name="Förnyelse av avtal",
        script=(
            "Presentera dig och fråga hur de är nöjda med tjänsten.\n"
            "Berätta att avtalet löper ut och erbjud förnyelse med 10 % rabatt vid tvåårsavtal.\n"
            "Notera svaret och boka uppföljning vid intresse."
        ),
        customer_ids=rng.sample(list(customer_ids), min(len(customer_ids), CALL_LIST_SIZE)),
    )
    return {"activities": made, "call_lists": 1}
