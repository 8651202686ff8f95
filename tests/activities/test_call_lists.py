"""Call lists: created from ids or from the customer list's filters, customers added, outcomes recorded,
progress counted, closed; bad input changes nothing."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from lojal.accounts.models import User
from lojal.accounts.roles import Role
from lojal.activities import call_lists
from lojal.activities.models import CallList, CallListEntry
from lojal.core.audit import AuditEntry
from lojal.core.errors import Conflict, NotFound, ValidationError
from lojal.customers.services import customer_delete
from tests import factories

pytestmark = pytest.mark.django_db


def _entries(call_list: CallList) -> list[tuple[int, int, str]]:
    return list(
        CallListEntry.objects.filter(call_list=call_list)
        .order_by("position")
        .values_list("customer_id", "position", "status")
    )


def test_call_list_from_ids_keeps_their_order_and_leaves_out_deleted_and_repeated_customers(
    admin_user: User,
) -> None:
    anna, bo, cia = (factories.person(first_name=name) for name in ("Anna", "Bo", "Cia"))
    customer_delete(actor=admin_user, customer_id=bo.pk)

    call_list = call_lists.call_list_create(
        actor=admin_user,
        name="Spring calls",
        script="Ask about the spring offer.",
        customer_ids=[cia.pk, bo.pk, anna.pk, cia.pk, 999_999],
    )

    assert _entries(call_list) == [(cia.pk, 1, "to_call"), (anna.pk, 2, "to_call")]
    assert (call_list.name, call_list.script, call_list.owner_id) == (
        "Spring calls",
        "Ask about the spring offer.",
        admin_user.pk,
    )
    assert AuditEntry.objects.filter(action="call_list.created", object_id=str(call_list.pk)).count() == 1


def test_call_list_from_a_filter_takes_the_customers_the_list_shows_in_its_order(admin_user: User) -> None:
    factories.person(first_name="Anna", last_name="Berg", lifecycle_stage="at_risk")
    factories.person(first_name="Bo", last_name="Alm", lifecycle_stage="at_risk")
    factories.person(first_name="Ola", last_name="Nordmann", lifecycle_stage="customer")

    call_list = call_lists.call_list_create(
        actor=admin_user, name="At risk", query={"stage": "at_risk", "sort": "name"}
    )

    names = [entry.customer.display_name for entry in call_lists.call_list_entries(call_list_id=call_list.pk)]
    assert names == ["Bo Alm", "Anna Berg"]
    assert call_list.source == "Customer list: stage=at_risk"


def test_call_list_from_a_search_takes_the_matching_customers(admin_user: User) -> None:
    wanted = factories.person(first_name="Sixten", last_name="Qvarnström")
    factories.person(first_name="Anna", last_name="Berg")

    call_list = call_lists.call_list_create(actor=admin_user, name="Search", query={"q": "Qvarnström"})

    assert [customer_id for customer_id, _, _ in _entries(call_list)] == [wanted.pk]


def test_too_many_customers_are_refused_and_nothing_is_stored(
    admin_user: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(call_lists, "ENTRIES_MAX", 2)
    ids = [factories.person().pk for _ in range(3)]

    with pytest.raises(ValidationError) as refused:
        call_lists.call_list_create(actor=admin_user, name="Too many", customer_ids=ids)
    with pytest.raises(ValidationError) as refused_filter:
        call_lists.call_list_create(actor=admin_user, name="Too many", query={})

    assert set(refused.value.errors) == {"customer_ids"}
    assert set(refused_filter.value.errors) == {"query"}
    assert (CallList.objects.count(), CallListEntry.objects.count()) == (0, 0)


@pytest.mark.parametrize(
    ("name", "kwargs", "field"),
    [
        ("", {"customer_ids": []}, "name"),
        ("Both", {"customer_ids": [], "query": {}}, "customer_ids"),
        ("Neither", {}, "customer_ids"),
        ("Owner", {"customer_ids": [], "owner_id": 987_654}, "owner_id"),
    ],
)
def test_bad_input_names_the_field_and_stores_nothing(
    admin_user: User, name: str, kwargs: dict[str, object], field: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        call_lists.call_list_create(actor=admin_user, name=name, **kwargs)  # type: ignore[arg-type]

    assert set(refused.value.errors) == {field}
    assert CallList.objects.count() == 0


def test_adding_customers_appends_new_ones_after_the_last_position(admin_user: User) -> None:
    anna, bo, cia = (factories.person() for _ in range(3))
    call_list = call_lists.call_list_create(actor=admin_user, name="L", customer_ids=[anna.pk])

    added = call_lists.call_list_add_customers(
        call_list_id=call_list.pk, customer_ids=[bo.pk, anna.pk, cia.pk, bo.pk], actor=admin_user
    )

    assert added == 2
    assert _entries(call_list) == [(anna.pk, 1, "to_call"), (bo.pk, 2, "to_call"), (cia.pk, 3, "to_call")]


def test_adding_past_the_cap_or_to_a_closed_list_adds_nothing(
    admin_user: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    anna, bo, cia = (factories.person() for _ in range(3))
    call_list = call_lists.call_list_create(actor=admin_user, name="L", customer_ids=[anna.pk, bo.pk])
    monkeypatch.setattr(call_lists, "ENTRIES_MAX", 2)

    with pytest.raises(ValidationError):
        call_lists.call_list_add_customers(call_list_id=call_list.pk, customer_ids=[cia.pk], actor=admin_user)
    call_lists.call_list_close(actor=admin_user, call_list_id=call_list.pk)
    monkeypatch.setattr(call_lists, "ENTRIES_MAX", 10)
    with pytest.raises(Conflict):
        call_lists.call_list_add_customers(call_list_id=call_list.pk, customer_ids=[cia.pk], actor=admin_user)

    assert [customer_id for customer_id, _, _ in _entries(call_list)] == [anna.pk, bo.pk]


def test_recording_outcomes_counts_progress_in_one_query(
    admin_user: User, django_assert_num_queries: Callable[..., object]
) -> None:
    ids = [factories.person().pk for _ in range(5)]
    call_list = call_lists.call_list_create(actor=admin_user, name="L", customer_ids=ids)
    entries = list(call_lists.call_list_entries(call_list_id=call_list.pk))

    for entry, status in zip(entries, ["reached", "not_reached", "skipped"], strict=False):
        call_lists.call_list_entry_record(
            actor=admin_user, call_list_id=call_list.pk, entry_id=entry.pk, status=status, outcome="ok"
        )

    with django_assert_num_queries(1):
        progress = call_lists.call_list_progress(call_list_id=call_list.pk)
    assert (
        progress.total,
        progress.called,
        progress.reached,
        progress.not_reached,
        progress.skipped,
        progress.to_call,
    ) == (5, 2, 1, 1, 1, 2)
    reached = CallListEntry.objects.get(pk=entries[0].pk)
    skipped = CallListEntry.objects.get(pk=entries[2].pk)
    assert (reached.status, reached.outcome, reached.called_by_id) == ("reached", "ok", admin_user.pk)
    assert (skipped.called_at, skipped.called_by_id) == (None, None)


def test_a_bad_outcome_or_a_closed_list_changes_no_entry(admin_user: User) -> None:
    call_list = call_lists.call_list_create(actor=admin_user, name="L", customer_ids=[factories.person().pk])
    entry = call_lists.call_list_entries(call_list_id=call_list.pk).get()
    other = call_lists.call_list_create(actor=admin_user, name="M", customer_ids=[factories.person().pk])

    with pytest.raises(ValidationError) as refused:
        call_lists.call_list_entry_record(
            actor=admin_user, call_list_id=call_list.pk, entry_id=entry.pk, status="to_call"
        )
    with pytest.raises(ValidationError):
        call_lists.call_list_entry_record(
            actor=admin_user,
            call_list_id=call_list.pk,
            entry_id=entry.pk,
            status="reached",
            outcome="x" * 501,
        )
    with pytest.raises(NotFound):
        call_lists.call_list_entry_record(
            actor=admin_user, call_list_id=other.pk, entry_id=entry.pk, status="reached"
        )
    call_lists.call_list_close(actor=admin_user, call_list_id=call_list.pk)
    with pytest.raises(Conflict):
        call_lists.call_list_entry_record(
            actor=admin_user, call_list_id=call_list.pk, entry_id=entry.pk, status="reached"
        )

    assert set(refused.value.errors) == {"status"}
    entry.refresh_from_db()
    assert (entry.status, entry.outcome, entry.called_at) == ("to_call", "", None)


def test_next_entry_follows_list_order_and_comes_round_to_those_passed_over(admin_user: User) -> None:
    ids = [factories.person().pk for _ in range(3)]
    call_list = call_lists.call_list_create(actor=admin_user, name="L", customer_ids=ids)
    first, second, third = call_lists.call_list_entries(call_list_id=call_list.pk)
    call_lists.call_list_entry_record(
        actor=admin_user, call_list_id=call_list.pk, entry_id=second.pk, status="reached"
    )

    after_first = call_lists.call_list_next_entry(call_list_id=call_list.pk, after_position=first.position)
    after_third = call_lists.call_list_next_entry(call_list_id=call_list.pk, after_position=third.position)

    assert (after_first, after_third) == (third, first)


def test_lists_with_progress_are_read_in_one_query(
    make_user: Callable[..., User], django_assert_num_queries: Callable[..., object]
) -> None:
    sales = make_user(Role.SALES)
    ids = [factories.person().pk for _ in range(3)]
    mine = call_lists.call_list_create(actor=sales, name="Mine", customer_ids=ids)
    call_lists.call_list_create(actor=sales, name="Other", customer_ids=ids[:1], owner_id=make_user().pk)
    entry = call_lists.call_list_entries(call_list_id=mine.pk).first()
    assert entry is not None
    call_lists.call_list_entry_record(actor=sales, call_list_id=mine.pk, entry_id=entry.pk, status="reached")

    with django_assert_num_queries(1):
        rows = [
            (row.name, call_lists.progress_of(row).called, call_lists.progress_of(row).to_call)
            for row in call_lists.call_lists_with_progress(owner_id=sales.pk)
        ]

    assert rows == [("Mine", 1, 2)]


def test_merging_two_customers_on_one_call_list_keeps_one_entry_the_kept_customers(admin_user: User) -> None:
    from lojal.customers.duplicates import customers_merge

    anna, twin, bo = factories.person(), factories.person(), factories.person()
    spring = call_lists.call_list_create(actor=admin_user, name="Spring", customer_ids=[anna.pk, twin.pk])
    autumn = call_lists.call_list_create(actor=admin_user, name="Autumn", customer_ids=[twin.pk, bo.pk])
    customers_merge(actor=admin_user, keep_id=anna.pk, other_id=twin.pk)
    on = {
        name: list(
            CallListEntry.objects.filter(call_list=row)
            .order_by("position")
            .values_list("customer_id", flat=True)
        )
        for name, row in (("spring", spring), ("autumn", autumn))
    }
    assert on == {"spring": [anna.pk], "autumn": [anna.pk, bo.pk]}
