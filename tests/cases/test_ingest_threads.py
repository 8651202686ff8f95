"""Messages that continue a case: by thread headers, by the case number in the subject (with or
without the company's prefix), a reply to a waiting or recently solved case, and after the reopen
window or to a closed case a new case linked to the old one."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from lojal.accounts.models import User
from lojal.cases import ingest, services
from lojal.cases.models import Case, CaseChange, CaseInteraction, CaseLink, Queue
from lojal.interactions.models import EmailMessage
from tests.cases.ingest_helpers import case_of, email_bytes, fixture_bytes, receive

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def queue() -> Queue:
    return Queue.objects.create(name="Kundservice")


def opened() -> tuple[Case, Any]:
    first = receive(fixture_bytes("sv-utf8-quoted-printable.eml"))
    case = case_of(first)
    assert case is not None
    return case, first


def test_a_reply_joins_the_case_by_its_thread_headers(admin_user: User) -> None:
    case, first = opened()
    services.case_change(actor=admin_user, case_id=case.pk, changes={"status": "open"})

    reply = receive(fixture_bytes("outlook-reply-sv.eml"))  # References: the first message's id

    assert reply.conversation_id == first.conversation_id
    assert case_of(reply) == case
    assert Case.objects.count() == 1
    case.refresh_from_db()
    assert case.customer_wrote_at == reply.occurred_at


@pytest.mark.parametrize("with_prefix", [True, False])
def test_a_message_with_the_case_number_joins_that_case(settings: Any, with_prefix: bool) -> None:
    settings.LOJAL_CASE_NUMBER_PREFIX = "AB"
    case, _first = opened()
    assert case.number.startswith("AB")
    token = case.number if with_prefix else case.number.removeprefix("AB")

    later = receive(email_bytes(subject=f"Ang. mitt ärende [#{token}]", sender="anna@example.se"))

    assert later.conversation_id != case.conversation_id
    assert case_of(later) == case


def test_a_customer_writing_moves_a_case_waiting_for_them_back_to_open(admin_user: User) -> None:
    case, _first = opened()
    services.case_change(actor=admin_user, case_id=case.pk, changes={"status": "pending_customer"})

    receive(fixture_bytes("outlook-reply-sv.eml"))

    case.refresh_from_db()
    assert case.status == "open"
    assert list(CaseChange.objects.filter(case=case, field="status").values_list("new", "actor")) == [
        ("pending_customer", admin_user.pk),
        ("open", None),
    ]


def test_a_reply_within_the_reopen_window_reopens_the_solved_case(admin_user: User, settings: Any) -> None:
    settings.LOJAL_CASE_REOPEN_DAYS = 7
    case, _first = opened()
    services.case_change(
        actor=admin_user,
        case_id=case.pk,
        changes={"status": "solved"},
        at=timezone.now() - dt.timedelta(days=6),
    )

    reply = receive(fixture_bytes("outlook-reply-sv.eml"))

    case.refresh_from_db()
    assert case_of(reply) == case
    assert (case.status, case.reopened_count, case.solved_at) == ("open", 1, None)
    assert Case.objects.count() == 1


def test_a_reply_after_the_window_opens_a_follow_up_case_linked_to_the_old(
    admin_user: User, settings: Any
) -> None:
    settings.LOJAL_CASE_REOPEN_DAYS = 7
    case, first = opened()
    services.case_change(
        actor=admin_user,
        case_id=case.pk,
        changes={"status": "solved"},
        at=timezone.now() - dt.timedelta(days=8),
    )

    reply = receive(fixture_bytes("outlook-reply-sv.eml"))

    new = case_of(reply)
    assert new is not None and new != case
    case.refresh_from_db()
    assert case.status == "solved"
    assert (new.conversation_id, new.status) == (first.conversation_id, "new")
    assert list(CaseLink.objects.values_list("from_case", "to_case", "kind")) == [
        (new.pk, case.pk, "follow_up")
    ]


def test_a_reply_to_a_closed_case_opens_a_new_linked_case_and_the_next_reply_joins_that(
    admin_user: User,
) -> None:
    case, _first = opened()
    services.case_change(actor=admin_user, case_id=case.pk, changes={"status": "closed"})

    reply = receive(fixture_bytes("outlook-reply-sv.eml"))
    new = case_of(reply)
    another = receive(
        email_bytes(subject="Re: Byte av jacka", in_reply_to="<DB9PR02MB7777@eurprd02.prod.outlook.com>")
    )

    assert new is not None and new != case
    assert CaseLink.objects.filter(from_case=new, to_case=case, kind="follow_up").count() == 1
    assert case_of(another) == new
    assert Case.objects.count() == 2


def test_an_auto_reply_joins_its_case_silently_without_reopening_it(admin_user: User) -> None:
    case, first = opened()
    services.case_change(actor=admin_user, case_id=case.pk, changes={"status": "solved"})
    message_id = EmailMessage.objects.get(interaction=first).message_id
    out_of_office = receive(
        email_bytes(
            subject="Automatiskt svar: Byte av jacka",
            in_reply_to=message_id,
            headers={"Auto-Submitted": "auto-replied"},
        )
    )

    case.refresh_from_db()
    assert out_of_office.is_auto_reply
    assert case_of(out_of_office) == case
    assert (case.status, case.reopened_count) == ("solved", 0)
    assert case.customer_wrote_at == first.occurred_at


def test_opening_for_an_interaction_already_in_a_case_opens_nothing_more() -> None:
    case, first = opened()

    again = ingest._open_new(first)  # a second worker that got past the first look-up

    assert again is None
    assert Case.objects.count() == 1
    assert CaseInteraction.objects.get(interaction=first).case_id == case.pk


def test_case_numbers_are_read_from_subjects_with_and_without_prefix(settings: Any) -> None:
    settings.LOJAL_CASE_NUMBER_PREFIX = "NN"

    assert ingest.case_numbers_in("Re: Fråga [#26-001234]") == ["26-001234", "NN26-001234"]
    assert ingest.case_numbers_in("SV: [#NN26-001234] och [# 25-000007 ]") == [
        "NN26-001234",
        "25-000007",
        "NN25-000007",
    ]
    assert ingest.case_numbers_in("Order #26-001234 [#L-ABCDEF]") == []
