"""The set-based builder of transaction events gives, row for row, what the scalar builder gives: kind,
data, the stored summary in each language, actor, moment and customer, and both write the same rows."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

import polars as pl
import pytest
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lojal.sales.models import TransactionKind
from lojal.timeline import events
from lojal.timeline.events import EVENT_COLUMNS, TRANSACTION_FACTS
from lojal.timeline.models import Event
from lojal.timeline.services import events_record_frame, events_record_many
from tests import factories

FACT = st.tuples(
    st.one_of(st.none(), st.integers(min_value=1, max_value=2**40)),
    st.integers(min_value=1, max_value=2**31),
    st.datetimes(
        min_value=dt.datetime(1900, 1, 1), max_value=dt.datetime(2100, 12, 31), timezones=st.just(dt.UTC)
    ),
    st.one_of(st.sampled_from(TransactionKind.values), st.sampled_from(["loan", "gift card"])),
    st.decimals(
        min_value=Decimal("-99999999999999.99"),
        max_value=Decimal("99999999999999.99"),
        places=2,
        allow_nan=False,
        allow_infinity=False,
    ),
    st.sampled_from(["SEK", "NOK", "EUR", "DKK", "ISK", "USD"]),
    st.one_of(st.just(""), st.text(max_size=200).filter(lambda text: "\x00" not in text)),
)


def facts_frame(facts: list[tuple[Any, ...]]) -> pl.DataFrame:
    return pl.DataFrame(facts, schema=TRANSACTION_FACTS, orient="row")


def scalar_rows(facts: list[tuple[Any, ...]], actor_id: int | None) -> list[tuple[Any, ...]]:
    return [
        events.transaction_recorded(
            customer_id=customer_id,
            transaction=events.TransactionFacts(
                kind=kind, amount=amount, currency=currency, product=product, transaction_id=transaction_id
            ),
            occurred_at=occurred_at,
            actor_id=actor_id,
        ).row()
        for transaction_id, customer_id, occurred_at, kind, amount, currency, product in facts
    ]


def frame_rows(frame: pl.DataFrame) -> list[tuple[Any, ...]]:
    return [(*row[:5], json.loads(row[5]), row[6]) for row in frame.select(EVENT_COLUMNS).rows()]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    facts=st.lists(FACT, min_size=1, max_size=30),
    actor_id=st.one_of(st.none(), st.integers(min_value=1, max_value=1000)),
    language=st.sampled_from(["en", "sv", "nb"]),
)
def test_the_set_based_builder_gives_the_scalar_builders_rows(
    facts: list[tuple[Any, ...]], actor_id: int | None, language: str
) -> None:
    # given transactions of any kind, amount, currency and product
    with translation.override(language):
        # when both builders shape their events
        expected = scalar_rows(facts, actor_id)
        built = frame_rows(events.transactions_recorded(facts_frame(facts), actor_id=actor_id))

    # then every field of every row is the same, the data JSON with the same keys in the same order
    assert built == expected
    assert [list(row[5]) for row in built] == [list(row[5]) for row in expected]


def test_the_set_based_builder_refuses_an_amount_with_more_than_two_decimals() -> None:
    # given an amount of a tenth of an öre
    frame = pl.DataFrame(
        [(1, 1, dt.datetime(2026, 3, 1, tzinfo=dt.UTC), "purchase", Decimal("1.005"), "SEK", "")],
        schema={**TRANSACTION_FACTS, "amount": pl.Decimal(16, 3)},
        orient="row",
    )

    # when it is built, then it is refused, as the scalar builder refuses it
    with pytest.raises(ValueError, match="more than two decimals"):
        events.transactions_recorded(frame)


@pytest.mark.django_db
@pytest.mark.parametrize("microsecond", [0, 250])
def test_events_written_from_a_frame_read_back_as_the_drafts_written_one_by_one(microsecond: int) -> None:
    # given a customer and two transactions, one with a product name that needs escaping
    customer = factories.person()
    moment = dt.datetime(2026, 3, 1, 9, 15, 0, microsecond, tzinfo=dt.UTC)
    facts = [
        (7, customer.pk, moment, "refund", Decimal("-1234.50"), "SEK", 'Kaffe "Bryggare" Åre'),
        (None, customer.pk, moment, "purchase", Decimal("0.00"), "NOK", ""),
    ]

    # when one copy is written through the bulk writer of drafts and the other from the frame
    with translation.override("sv"):
        events_record_many(
            events.transaction_recorded(
                customer_id=c,
                transaction=events.TransactionFacts(
                    kind=kind, amount=amount, currency=currency, product=product, transaction_id=pk
                ),
                occurred_at=at,
                actor_id=None,
            )
            for pk, c, at, kind, amount, currency, product in facts
        )
        written = events_record_frame(events.transactions_recorded(facts_frame(facts)))

    # then both read back the same, field by field
    stored = list(Event.objects.filter(kind="sales.transaction").order_by("pk").values_list(*EVENT_COLUMNS))
    assert written == 2
    assert stored[2:] == stored[:2]
    assert stored[0][3] == 'Återbetalning på 1\xa0234,50 SEK: Kaffe "Bryggare" Åre'
    assert stored[0][1] == moment


def test_without_a_column_renderer_the_summaries_come_from_the_scalar_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # given no renderer that says transaction summaries as columns
    from lojal.timeline import rendering

    monkeypatch.setattr(rendering, "_COLUMN_RENDERERS", {})
    facts = [
        (3, 1, dt.datetime(2026, 3, 1, tzinfo=dt.UTC), "withdrawal", Decimal("-12345.60"), "NOK", "Fond"),
        (None, 2, dt.datetime(2026, 3, 2, tzinfo=dt.UTC), "trade", Decimal("-5.00"), "EUR", ""),
    ]

    # when the set-based builder shapes the events, then its rows are the scalar builder's
    with translation.override("nb"):
        assert frame_rows(events.transactions_recorded(facts_frame(facts), actor_id=4)) == scalar_rows(
            facts, 4
        )
