"""The set-based builder of creation events gives, row for row, what the scalar builder gives: kind,
data, the stored summary in each language, actor, moment and customer, and both write the same rows."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import polars as pl
import pytest
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lojal.customers.models import Stage
from lojal.timeline import events
from lojal.timeline.events import CUSTOMERS_CREATED, EVENT_COLUMNS
from lojal.timeline.models import Event
from lojal.timeline.services import events_record_frame, events_record_many
from tests import factories

STAGES = st.one_of(st.sampled_from(Stage.values), st.just("prospect"))
# Names as stored: any text without NUL (the input rules refuse it), including quotes, backslashes,
# percent signs, control characters and names long enough to be cut at 300 characters.
NAMES = st.one_of(
    st.sampled_from(["Per Åström", 'Bolaget "Fond" \\ AB', "100 % Kaffe", "Ørsted A/S"]),
    st.text(max_size=400).filter(lambda text: "\x00" not in text),
)
CREATED = st.tuples(st.integers(min_value=1, max_value=2**40), NAMES, STAGES)
MOMENT = dt.datetime(2026, 3, 1, 9, 15, 0, 250, tzinfo=dt.UTC)


def scalar_rows(created: list[tuple[int, str, str]], actor_id: int | None) -> list[tuple[Any, ...]]:
    return [
        events.customer_created(
            customer_id=customer_id, name=name, stage=stage, occurred_at=MOMENT, actor_id=actor_id
        ).row()
        for customer_id, name, stage in created
    ]


def created_frame(created: list[tuple[int, str, str]]) -> pl.DataFrame:
    return pl.DataFrame(created, schema=CUSTOMERS_CREATED, orient="row")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    created=st.lists(CREATED, min_size=1, max_size=30),
    actor_id=st.one_of(st.none(), st.integers(min_value=1, max_value=1000)),
    language=st.sampled_from(["en", "sv", "nb"]),
)
def test_the_set_based_creation_builder_gives_the_scalar_builders_rows(
    created: list[tuple[int, str, str]], actor_id: int | None, language: str
) -> None:
    # given new customers of any name and stage
    with translation.override(language):
        # when both builders shape their events
        expected = scalar_rows(created, actor_id)
        frame = events.customers_created(created_frame(created), occurred_at=MOMENT, actor_id=actor_id)
    built = [(*row[:5], json.loads(row[5]), row[6]) for row in frame.select(EVENT_COLUMNS).rows()]

    # then every field of every row is the same, the data JSON with the same keys in the same order
    assert built == expected
    assert [list(row[5]) for row in built] == [["name", "stage"]] * len(created)


def test_the_set_based_creation_builder_says_its_summary_in_the_active_language() -> None:
    # given a lead and a customer
    frame = created_frame([(1, "Per Åström", Stage.LEAD.value), (2, "Fjällräven AB", Stage.CUSTOMER.value)])

    # when their events are shaped in Swedish
    with translation.override("sv"):
        built = events.customers_created(frame, occurred_at=MOMENT)

    # then each summary names the customer and the stage, in Swedish
    with translation.override("sv"):
        expected = [
            events.customer_created(customer_id=1, name="Per Åström", stage="lead").summary,
            events.customer_created(customer_id=2, name="Fjällräven AB", stage="customer").summary,
        ]
    assert built["summary"].to_list() == expected
    assert "Per Åström" in expected[0]
    assert built["customer_id"].to_list() == [1, 2]


@pytest.mark.django_db
def test_creation_events_written_from_a_frame_read_back_as_the_drafts_written_one_by_one() -> None:
    # given two customers whose names need escaping in JSON
    first, second = factories.person(), factories.organisation()
    created = [(first.pk, 'Anna "Nisse" Öberg', Stage.LEAD.value), (second.pk, "Bolag \\ AB", "customer")]

    # when one copy is written through the bulk writer of drafts and the other from the frame
    with translation.override("nb"):
        events_record_many(
            events.customer_created(
                customer_id=customer_id, name=name, stage=stage, occurred_at=MOMENT, actor_id=None
            )
            for customer_id, name, stage in created
        )
        written = events_record_frame(events.customers_created(created_frame(created), occurred_at=MOMENT))

    # then both read back the same, field by field
    stored = list(
        Event.objects.filter(kind=Event.Kind.CUSTOMER_CREATED, customer_id__in=[first.pk, second.pk])
        .order_by("pk")
        .values_list(*EVENT_COLUMNS)
    )
    assert written == 2
    assert stored[-2:] == stored[-4:-2]
    assert stored[-1][5] == {"name": "Bolag \\ AB", "stage": "customer"}
