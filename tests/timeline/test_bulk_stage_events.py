"""The set-based builder of stage changes gives, row for row, what the scalar builder gives: kind, data,
the stored summary in each language, actor, moment and customer, and both write the same rows."""

from __future__ import annotations

import datetime as dt
import json
import zoneinfo
from typing import Any

import polars as pl
import pytest
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lojal.accounts.models import User
from lojal.customers.models import Stage
from lojal.timeline import events
from lojal.timeline.events import EVENT_COLUMNS, STAGE_CHANGES
from lojal.timeline.models import Event
from lojal.timeline.services import events_record_frame, events_record_many
from tests import factories

# A stage no longer offered (stored by an older version) is kept as it is, as the scalar builder keeps it.
STAGES = st.one_of(st.sampled_from(Stage.values), st.just("prospect"))
REASONS = st.one_of(
    st.just(""),
    st.sampled_from(["first qualifying transaction", "no open holding and no transaction for 730 days"]),
    st.text(max_size=400).filter(lambda text: "\x00" not in text),
)
CHANGE = st.tuples(st.integers(min_value=1, max_value=2**40), STAGES)
MOMENTS = st.datetimes(
    min_value=dt.datetime(1900, 1, 1),
    max_value=dt.datetime(2100, 12, 31),
    timezones=st.sampled_from([dt.UTC, zoneinfo.ZoneInfo("Europe/Stockholm")]),
)


def scalar_rows(
    changes: list[tuple[int, str]],
    *,
    new_stage: str,
    reason: str,
    occurred_at: dt.datetime,
    actor_id: int | None,
) -> list[tuple[Any, ...]]:
    return [
        events.stage_changed(
            customer_id=customer_id,
            old_stage=old_stage,
            new_stage=new_stage,
            reason=reason,
            occurred_at=occurred_at,
            actor_id=actor_id,
        ).row()
        for customer_id, old_stage in changes
    ]


def in_utc(rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """The rows with their moments in UTC, as stored: a moment in the hour a clock turns back is never
    equal to one of another zone in Python (PEP 495), though both are the same instant."""
    return [(row[0], row[1].astimezone(dt.UTC), *row[2:]) for row in rows]


def frame_rows(frame: pl.DataFrame) -> list[tuple[Any, ...]]:
    return [(*row[:5], json.loads(row[5]), row[6]) for row in frame.select(EVENT_COLUMNS).rows()]


def changes_frame(changes: list[tuple[int, str]]) -> pl.DataFrame:
    return pl.DataFrame(changes, schema=STAGE_CHANGES, orient="row")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    changes=st.lists(CHANGE, min_size=1, max_size=30),
    new_stage=STAGES,
    reason=REASONS,
    occurred_at=MOMENTS,
    actor_id=st.one_of(st.none(), st.integers(min_value=1, max_value=1000)),
    language=st.sampled_from(["en", "sv", "nb"]),
)
def test_the_set_based_stage_builder_gives_the_scalar_builders_rows(
    changes: list[tuple[int, str]],
    new_stage: str,
    reason: str,
    occurred_at: dt.datetime,
    actor_id: int | None,
    language: str,
) -> None:
    # given customers leaving any stages for any stage, for any reason, at any moment
    with translation.override(language):
        # when both builders shape their events
        expected = scalar_rows(
            changes, new_stage=new_stage, reason=reason, occurred_at=occurred_at, actor_id=actor_id
        )
        built = frame_rows(
            events.stages_changed(
                changes_frame(changes),
                new_stage=new_stage,
                reason=reason,
                occurred_at=occurred_at,
                actor_id=actor_id,
            )
        )

    # then every field of every row is the same, the data JSON with the same keys in the same order
    assert in_utc(built) == in_utc(expected)
    assert [list(row[5]) for row in built] == [list(row[5]) for row in expected]
    assert [row[1].utcoffset() for row in built] == [dt.timedelta(0)] * len(changes)


def test_the_set_based_stage_builder_says_its_summary_in_the_active_language() -> None:
    # given a registrant and a former customer who become customers
    changes = changes_frame([(1, Stage.REGISTRANT.value), (2, Stage.FORMER.value)])
    moment = dt.datetime(2026, 3, 1, 9, 0, tzinfo=dt.UTC)

    # when their events are shaped in Swedish
    with translation.override("sv"):
        frame = events.stages_changed(
            changes, new_stage=Stage.CUSTOMER.value, reason="Köpte", occurred_at=moment, actor_id=None
        )

    # then each summary names the stage left, in Swedish
    assert frame["summary"].to_list() == [
        "Stadium ändrat från Registrerad till Kund: Köpte",
        "Stadium ändrat från Tidigare kund till Kund: Köpte",
    ]
    assert frame["customer_id"].to_list() == [1, 2]


def test_the_set_based_stage_builder_gives_no_rows_for_no_changes() -> None:
    # given no customer moved, when the events are shaped, then there are none
    frame = events.stages_changed(changes_frame([]), new_stage=Stage.CUSTOMER.value)

    assert frame.height == 0
    assert frame.columns == list(EVENT_COLUMNS)


@pytest.mark.django_db
@pytest.mark.parametrize("microsecond", [0, 250])
def test_stage_events_written_from_a_frame_read_back_as_the_drafts_written_one_by_one(
    microsecond: int, admin_user: User
) -> None:
    # given two customers leaving different stages, for a reason that needs escaping
    lead, former = factories.person(), factories.person()
    user = admin_user
    moment = dt.datetime(2026, 3, 1, 9, 15, 0, microsecond, tzinfo=dt.UTC)
    changes = [(lead.pk, Stage.LEAD.value), (former.pk, Stage.FORMER.value)]
    reason = 'Köpte "Fond" \\ Åre'

    # when one copy is written through the bulk writer of drafts and the other from the frame
    with translation.override("nb"):
        events_record_many(
            events.stage_changed(
                customer_id=customer_id,
                old_stage=old_stage,
                new_stage=Stage.CUSTOMER.value,
                reason=reason,
                occurred_at=moment,
                actor_id=user.pk,
            )
            for customer_id, old_stage in changes
        )
        written = events_record_frame(
            events.stages_changed(
                changes_frame(changes),
                new_stage=Stage.CUSTOMER.value,
                reason=reason,
                occurred_at=moment,
                actor_id=user.pk,
            )
        )

    # then both read back the same, field by field
    stored = list(
        Event.objects.filter(kind=Event.Kind.STAGE_CHANGED).order_by("pk").values_list(*EVENT_COLUMNS)
    )
    assert written == 2
    assert stored[2:] == stored[:2]
    assert stored[0][1] == moment
    assert stored[0][5] == {"from": "lead", "to": "customer", "reason": reason}
    assert stored[0][6] == user.pk
