"""Merging and splitting cases: everything moves, the merged case closes as merged with its record,
customers are told only when asked, and refused merges or splits change nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest

from lojal.accounts.models import User
from lojal.accounts.roles import Role
from lojal.cases import services
from lojal.cases.merging import case_merge, case_split
from lojal.cases.models import Case, CaseChange, CaseInteraction, CaseLink, CaseNote, CaseTag, TimeEntry
from lojal.core.errors import NotFound, PermissionDenied, ValidationError
from lojal.core.models import AuditEntry
from lojal.interactions.models import Interaction
from lojal.interactions.services import interaction_record
from lojal.timeline.models import Event
from tests import factories

pytestmark = pytest.mark.django_db
NOON = dt.datetime(2026, 12, 7, 11, 0, tzinfo=dt.UTC)


def _inbound(customer_id: int | None, subject: str, at: dt.datetime = NOON) -> Interaction:
    return interaction_record(
        channel="email",
        direction="in",
        customer_id=customer_id,
        occurred_at=at,
        subject=subject,
        body_text=subject,
        sender="kund@example.se",
    )


def _case_with(admin: User, customer_id: int | None, subject: str, *interactions: Interaction) -> Case:
    return services.case_open(
        actor=admin,
        subject=subject,
        channel="email",
        customer_id=customer_id,
        interaction_ids=[interaction.pk for interaction in interactions],
    )


def test_merging_moves_interactions_notes_tags_and_time_and_closes_the_case_as_merged(
    admin_user: User,
) -> None:
    customer = factories.person(emails=["kund@example.se"])
    first_mail, second_mail = _inbound(customer.pk, "Fakturan"), _inbound(customer.pk, "Fakturan igen")
    source = _case_with(admin_user, customer.pk, "Fakturan igen", second_mail)
    target = _case_with(admin_user, customer.pk, "Fakturan", first_mail)
    services.case_note_add(actor=admin_user, case_id=source.pk, body="Kunden ringde också")
    services.case_tags_set(actor=admin_user, case_id=source.pk, tags=["faktura", "brådskande"])
    services.case_tags_set(actor=admin_user, case_id=target.pk, tags=["faktura"])
    services.case_time_add(actor=admin_user, case_id=source.pk, minutes=7)
    services.case_time_add(actor=admin_user, case_id=target.pk, minutes=3)

    merged_into = case_merge(actor=admin_user, case_id=source.pk, into_case_id=target.pk)

    source.refresh_from_db()
    target.refresh_from_db()
    assert merged_into.pk == target.pk
    assert sorted(CaseInteraction.objects.filter(case=target).values_list("interaction_id", flat=True)) == [
        first_mail.pk,
        second_mail.pk,
    ]
    assert list(CaseNote.objects.filter(case=target).values_list("body", flat=True)) == [
        "Kunden ringde också"
    ]
    assert sorted(CaseTag.objects.filter(case=target).values_list("name", flat=True)) == [
        "brådskande",
        "faktura",
    ]
    assert sorted(TimeEntry.objects.filter(case=target).values_list("minutes", flat=True)) == [3, 7]
    assert (target.time_spent_minutes, source.time_spent_minutes) == (10, 0)
    assert not CaseInteraction.objects.filter(case=source).exists()
    assert not CaseTag.objects.filter(case=source).exists()
    assert (source.status, source.merged_into_id, source.closed_at is not None) == ("closed", target.pk, True)
    assert list(CaseChange.objects.filter(case=source).values_list("field", "old", "new")) == [
        ("status", "new", "closed"),
        ("merged_into_id", "", str(target.pk)),
    ]
    event = Event.objects.get(customer=customer, kind="case.merged")
    assert event.data["number"] == source.number
    assert AuditEntry.objects.filter(action="case.merged", object_id=str(source.pk)).count() == 1
    # Nothing was sent: customers are told only when the agent asks.
    assert not Interaction.objects.filter(direction="out").exists()


def test_merging_with_tell_customers_sends_each_case_a_short_email(admin_user: User) -> None:
    customer = factories.person(emails=["kund@example.se"])
    source = _case_with(admin_user, customer.pk, "B", _inbound(customer.pk, "B"))
    target = _case_with(admin_user, customer.pk, "A", _inbound(customer.pk, "A"))

    case_merge(actor=admin_user, case_id=source.pk, into_case_id=target.pk, tell_customers=True)

    sent = Interaction.objects.filter(direction="out").order_by("id")
    assert [mail.subject for mail in sent] == [f"Re: B [#{source.number}]", f"Re: A [#{target.number}]"]
    assert source.number in sent[1].body_text and target.number in sent[0].body_text
    # Both notices end up in the case that lives on.
    assert CaseInteraction.objects.filter(case=target).count() == 4


def test_cases_merged_before_follow_to_the_case_that_lives_on(admin_user: User) -> None:
    customer = factories.person()
    oldest = _case_with(admin_user, customer.pk, "1", _inbound(customer.pk, "1"))
    middle = _case_with(admin_user, customer.pk, "2", _inbound(customer.pk, "2"))
    newest = _case_with(admin_user, customer.pk, "3", _inbound(customer.pk, "3"))

    case_merge(actor=admin_user, case_id=oldest.pk, into_case_id=middle.pk)
    case_merge(actor=admin_user, case_id=middle.pk, into_case_id=newest.pk)

    oldest.refresh_from_db()
    assert oldest.merged_into_id == newest.pk
    assert CaseInteraction.objects.filter(case=newest).count() == 3


def test_the_later_customer_message_of_the_merged_case_carries_over(admin_user: User) -> None:
    customer = factories.person()
    source = _case_with(admin_user, customer.pk, "B", _inbound(customer.pk, "B"))
    target = _case_with(admin_user, customer.pk, "A", _inbound(customer.pk, "A"))
    Case.objects.filter(pk=source.pk).update(customer_wrote_at=NOON + dt.timedelta(hours=1))
    Case.objects.filter(pk=target.pk).update(customer_wrote_at=NOON)

    case_merge(actor=admin_user, case_id=source.pk, into_case_id=target.pk)

    target.refresh_from_db()
    assert target.customer_wrote_at == NOON + dt.timedelta(hours=1)


@pytest.mark.parametrize("problem", ["itself", "into_merged", "into_closed", "already_merged"])
def test_refused_merges_change_nothing(admin_user: User, problem: str) -> None:
    customer = factories.person()
    source = _case_with(admin_user, customer.pk, "B", _inbound(customer.pk, "B"))
    target = _case_with(admin_user, customer.pk, "A", _inbound(customer.pk, "A"))
    into = target.pk
    if problem == "itself":
        into = source.pk
    elif problem == "into_merged":
        other = _case_with(admin_user, customer.pk, "C", _inbound(customer.pk, "C"))
        case_merge(actor=admin_user, case_id=target.pk, into_case_id=other.pk)
    elif problem == "into_closed":
        services.case_change(actor=admin_user, case_id=target.pk, changes={"status": "closed"})
    else:
        other = _case_with(admin_user, customer.pk, "C", _inbound(customer.pk, "C"))
        case_merge(actor=admin_user, case_id=source.pk, into_case_id=other.pk)
    before = list(CaseInteraction.objects.order_by("pk").values_list("case_id", "interaction_id"))
    changes = CaseChange.objects.count()

    with pytest.raises(ValidationError):
        case_merge(actor=admin_user, case_id=source.pk, into_case_id=into)

    assert list(CaseInteraction.objects.order_by("pk").values_list("case_id", "interaction_id")) == before
    assert CaseChange.objects.count() == changes


def test_a_merge_across_customers_needs_to_be_asked_for(admin_user: User) -> None:
    anna, bertil = factories.person(), factories.person()
    source = _case_with(admin_user, anna.pk, "B", _inbound(anna.pk, "B"))
    target = _case_with(admin_user, bertil.pk, "A", _inbound(bertil.pk, "A"))

    with pytest.raises(ValidationError) as refused:
        case_merge(actor=admin_user, case_id=source.pk, into_case_id=target.pk)
    assert list(refused.value.errors) == ["into_case_id"]
    source.refresh_from_db()
    assert (source.status, source.merged_into_id) == ("new", None)

    case_merge(actor=admin_user, case_id=source.pk, into_case_id=target.pk, across_customers=True)
    source.refresh_from_db()
    assert source.merged_into_id == target.pk


def test_a_read_only_user_may_not_merge_or_split(make_user: Callable[..., User], admin_user: User) -> None:
    reader = make_user(Role.READ_ONLY, "reader")
    customer = factories.person()
    first, second = _inbound(customer.pk, "1"), _inbound(customer.pk, "2")
    source = _case_with(admin_user, customer.pk, "B", first, second)
    target = _case_with(admin_user, customer.pk, "A", _inbound(customer.pk, "A"))

    with pytest.raises(PermissionDenied):
        case_merge(actor=reader, case_id=source.pk, into_case_id=target.pk)
    with pytest.raises(PermissionDenied):
        case_split(actor=reader, case_id=source.pk, interaction_id=second.pk)

    assert CaseInteraction.objects.filter(case=source).count() == 2
    assert Case.objects.count() == 2


def test_splitting_moves_the_message_into_a_new_linked_case(admin_user: User) -> None:
    customer = factories.person()
    question = _inbound(customer.pk, "Fakturan", at=NOON)
    other = _inbound(customer.pk, "Och adressen?", at=NOON + dt.timedelta(hours=2))
    source = _case_with(admin_user, customer.pk, "Fakturan", question, other)
    services.case_change(actor=admin_user, case_id=source.pk, changes={"priority": "high"})
    Case.objects.filter(pk=source.pk).update(customer_wrote_at=other.occurred_at)

    split = case_split(actor=admin_user, case_id=source.pk, interaction_id=other.pk)

    source.refresh_from_db()
    assert (split.subject, split.customer_id, split.priority) == ("Och adressen?", customer.pk, "high")
    assert list(CaseInteraction.objects.filter(case=split).values_list("interaction_id", flat=True)) == [
        other.pk
    ]
    assert list(CaseInteraction.objects.filter(case=source).values_list("interaction_id", flat=True)) == [
        question.pk
    ]
    assert (split.customer_wrote_at, source.customer_wrote_at) == (other.occurred_at, question.occurred_at)
    assert list(CaseLink.objects.values_list("from_case_id", "to_case_id", "kind")) == [
        (split.pk, source.pk, "split")
    ]
    assert AuditEntry.objects.filter(action="case.split", object_id=str(source.pk)).count() == 1
    assert Event.objects.filter(customer=customer, kind="case.opened", data__case_id=split.pk).count() == 1


def test_the_only_message_or_one_of_another_case_cannot_be_split_off(admin_user: User) -> None:
    customer = factories.person()
    only = _inbound(customer.pk, "1")
    source = _case_with(admin_user, customer.pk, "A", only)
    elsewhere = _inbound(customer.pk, "2")
    _case_with(admin_user, customer.pk, "B", elsewhere)

    with pytest.raises(ValidationError):
        case_split(actor=admin_user, case_id=source.pk, interaction_id=only.pk)
    with pytest.raises(NotFound):
        case_split(actor=admin_user, case_id=source.pk, interaction_id=elsewhere.pk)

    assert Case.objects.count() == 2
    assert not CaseLink.objects.exists()
    assert CaseInteraction.objects.get(interaction=only).case_id == source.pk
