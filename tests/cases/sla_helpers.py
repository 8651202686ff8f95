"""Shared set-up for the service-level tests: the shipped Swedish calendar, a queue on it, policies,
and the facts other services record (the customer writes, staff answer)."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from lojal.calendars import selectors as calendar_selectors
from lojal.cases.models import Case, Queue, SlaPolicy
from lojal.cases.sla import case_clocks_refresh

STOCKHOLM = ZoneInfo("Europe/Stockholm")


def local(year: int, month: int, day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=STOCKHOLM)


def sweden_id() -> int:
    found = calendar_selectors.calendar_list(country="SE").filter(is_shipped=True).values_list("pk", flat=True).first()
    assert found is not None
    return int(found)


def queue_on_sweden(name: str = "Support", **fields: Any) -> Queue:
    return Queue.objects.create(name=name, calendar_id=sweden_id(), **fields)


def policy(name: str, position: int = 0, **fields: Any) -> SlaPolicy:
    defaults: dict[str, Any] = {"first_response_minutes": 120, "next_response_minutes": 60, "resolution_minutes": 960}
    return SlaPolicy.objects.create(name=name, position=position, **{**defaults, **fields})


def customer_writes(case: Case, at: dt.datetime) -> Case:
    """What the ingest does when a message joins the case: the fact, then the clocks."""
    case.refresh_from_db()
    case.customer_wrote_at = at
    case.save(update_fields=["customer_wrote_at", *case_clocks_refresh(case, at=at)])
    return case


def staff_answer(case: Case, at: dt.datetime) -> Case:
    """What a public reply records (as cases.replies does), without sending anything."""
    case.refresh_from_db()
    case.answered_at = at
    case.first_responded_at = case.first_responded_at or at
    case.save(update_fields=["answered_at", "first_responded_at", *case_clocks_refresh(case, at=at)])
    return case
