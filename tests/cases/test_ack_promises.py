"""Promises kept: of the cases solved in a period that were promised a first answer, the share
answered at or before the promised time, checked against cases counted by hand."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from lojal.cases.ack_selectors import PromisesKept, promises_kept
from lojal.cases.models import Case, Queue

pytestmark = pytest.mark.django_db
ZONE = ZoneInfo("Europe/Stockholm")


def at(day: int, hour: int, minute: int = 0, month: int = 12) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, minute, tzinfo=ZONE)


@pytest.fixture
def cases(settings: Any) -> dict[str, Queue]:
    settings.TIME_ZONE = "Europe/Stockholm"
    first, second = Queue.objects.create(name="Privat"), Queue.objects.create(name="Företag")
    rows = [
        # queue, status, solved, promised, first answer           kept?
        (first, "solved", at(2, 15), at(1, 12), at(1, 11)),  # yes: an hour early
        (first, "solved", at(3, 15), at(2, 10), at(2, 10)),  # yes: at the very minute
        (first, "solved", at(4, 15), at(3, 10), at(3, 10, 1)),  # no: a minute late
        (second, "closed", at(5, 15), at(4, 10), at(4, 16)),  # no: late (closed counts as solved)
        (second, "solved", at(6, 15), at(5, 10), None),  # no: solved without a public answer
        (first, "solved", at(6, 16), None, at(6, 9)),  # not counted: nothing was promised
        (
            first,
            "solved",
            at(30, 15, month=11),
            at(30, 10, month=11),
            at(30, 9, month=11),
        ),  # before the period
        (second, "solved", at(8, 0, 30), at(7, 10), at(7, 9)),  # after the period's last day
        (first, "open", None, at(7, 10), at(7, 9)),  # not solved
        (second, "solved", at(7, 23, 30), at(7, 12), at(7, 8)),  # yes: late on the last day
    ]
    Case.objects.bulk_create(
        Case(
            number=f"26-{index:06d}",
            subject=f"Fall {index}",
            channel="email",
            queue=queue,
            status=status,
            opened_at=at(1, 8) - dt.timedelta(days=2),
            solved_at=solved,
            promised_by=promised,
            first_responded_at=answered,
        )
        for index, (queue, status, solved, promised, answered) in enumerate(rows, start=1)
    )
    return {"first": first, "second": second}


def test_promises_kept_over_a_period_of_dates_include_its_last_day(cases: dict[str, Queue]) -> None:
    result = promises_kept(dt.date(2026, 12, 1), dt.date(2026, 12, 7))

    assert result == PromisesKept(promised=6, kept=3)
    assert result.share == Decimal("50.0")


def test_promises_kept_per_queue(cases: dict[str, Queue]) -> None:
    first = promises_kept(dt.date(2026, 12, 1), dt.date(2026, 12, 7), queue_id=cases["first"].pk)
    second = promises_kept(dt.date(2026, 12, 1), dt.date(2026, 12, 7), queue_id=cases["second"].pk)

    assert (first.promised, first.kept, first.share) == (3, 2, Decimal("66.7"))
    assert (second.promised, second.kept, second.share) == (3, 1, Decimal("33.3"))


def test_a_period_of_datetimes_is_half_open(cases: dict[str, Queue]) -> None:
    result = promises_kept(at(1, 0), at(4, 15))

    assert (result.promised, result.kept, result.share) == (2, 2, Decimal("100.0"))


def test_nothing_promised_has_no_share(cases: dict[str, Queue]) -> None:
    result = promises_kept(dt.date(2025, 1, 1), dt.date(2025, 1, 31))

    assert (result.promised, result.kept, result.share) == (0, 0, None)
