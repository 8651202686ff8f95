"""The customer's side of a case (cases.customer_side through portal.services): what a customer may
open, write, solve, reopen and rate, and that a refused write leaves nothing behind."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import override_settings
from django.utils import timezone

from lojal.accounts.models import User
from lojal.cases import services as case_services
from lojal.cases.models import Case, CaseChange, CaseInteraction, Category
from lojal.cases.replies import case_reply
from lojal.core.errors import NotFound, ValidationError
from lojal.core.models import AuditEntry
from lojal.interactions.models import Attachment, Interaction
from lojal.knowledge.deflection import suggestion_session_start
from lojal.knowledge.models import SuggestionSession
from lojal.portal import selectors, services
from lojal.timeline.models import Event
from tests import factories
from tests.portal.helpers import EXE, PNG, identity_of, upload

pytestmark = pytest.mark.django_db


def _customer(**overrides: object) -> object:
    return factories.person(emails=[{"address": "kund@example.se"}], **overrides)


def _open(identity: object, **overrides: object) -> Case:
    data: dict[str, object] = {
        "subject": "Fel belopp på fakturan",
        "description": "Fakturan i november är 200 kr för hög.",
        "category_id": None,
        "priority": "normal",
        "language": "sv",
    }
    data.update(overrides)
    return services.my_case_open(identity, **data)  # type: ignore[arg-type]


def test_a_customer_opens_a_case_on_the_portal_channel_with_the_description_as_its_first_message() -> None:
    customer = _customer()
    category = Category.objects.create(name="Fakturor", is_customer_visible=True)
    identity = identity_of(customer.pk)
    token = suggestion_session_start(source="portal", language="sv", customer_id=customer.pk)

    case = _open(
        identity, category_id=category.pk, uploads=[upload("faktura.png", PNG)], suggestion_token=token
    )

    assert (case.channel, case.customer_id, case.category_id, case.priority) == (
        "portal",
        customer.pk,
        category.pk,
        "normal",
    )
    message = Interaction.objects.get(case_link__case=case)
    assert (message.channel, message.direction, message.body_text) == (
        "portal",
        "in",
        "Fakturan i november är 200 kr för hög.",
    )
    attachment = Attachment.objects.get(interaction=message)
    assert (attachment.filename, attachment.content_type, attachment.size) == (
        "faktura.png",
        "image/png",
        len(PNG),
    )
    assert case.customer_wrote_at is not None
    assert SuggestionSession.objects.get(token=token).case_id == case.pk
    assert Event.objects.filter(customer_id=customer.pk, kind="case.opened").count() == 1


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("priority", "urgent"),
        ("priority", "critical"),
        ("category_id", "hidden"),
        ("subject", ""),
        ("description", " "),
    ],
)
def test_a_case_the_customer_may_not_open_so_is_refused_and_nothing_is_written(
    field: str, value: object
) -> None:
    customer = _customer(vip_tier="silver")
    hidden = Category.objects.create(name="Interna", is_customer_visible=False)
    identity = identity_of(customer.pk)
    if value == "hidden":
        value = hidden.pk

    with pytest.raises(ValidationError) as raised:
        _open(identity, **{field: value})

    assert field in raised.value.errors
    assert Case.objects.count() == 0
    assert Interaction.objects.count() == 0


def test_a_file_whose_bytes_are_a_program_is_refused_whatever_its_name_and_nothing_is_written() -> None:
    identity = identity_of(_customer().pk)

    with pytest.raises(ValidationError) as raised:
        _open(identity, uploads=[upload("kvitto.pdf", EXE, "application/pdf")])

    assert "files" in raised.value.errors
    assert Case.objects.count() == 0


@override_settings(LOJAL_PORTAL_ATTACHMENT_COUNT=1, LOJAL_PORTAL_ATTACHMENT_MAX_BYTES=50)
def test_too_many_or_too_large_files_are_refused() -> None:
    identity = identity_of(_customer().pk)

    with pytest.raises(ValidationError, match="At most 1 files"):
        _open(identity, uploads=[upload("a.png", PNG), upload("b.png", PNG)])
    with pytest.raises(ValidationError, match="larger than"):
        _open(identity, uploads=[upload("a.png", PNG)])

    assert Case.objects.count() == 0


def test_plain_text_is_accepted_and_stored_under_a_name_without_folders() -> None:
    identity = identity_of(_customer().pk)

    case = _open(identity, uploads=[upload("../../etc/notes.exe", "Hej, här är mina anteckningar.".encode())])

    attachment = Attachment.objects.get(interaction__case_link__case=case)
    assert (attachment.filename, attachment.content_type) == ("notes.txt", "text/plain")


@pytest.mark.parametrize(
    ("tier", "urgent"), [("none", False), ("silver", False), ("gold", True), ("platinum", True)]
)
def test_urgent_is_offered_only_to_gold_and_platinum_customers(tier: str, urgent: bool) -> None:
    from lojal.cases import customer_side

    customer = _customer(vip_tier=tier)

    allowed = customer_side.customer_priorities(customer_id=customer.pk)

    assert allowed == ["low", "normal", "high", "urgent"] if urgent else ["low", "normal", "high"]


def test_a_gold_customer_opens_an_urgent_case() -> None:
    identity = identity_of(_customer(vip_tier="gold").pk)

    assert _open(identity, priority="urgent").priority == "urgent"


def test_only_visible_categories_in_use_are_offered_and_a_child_of_a_hidden_top_is_hidden() -> None:
    from lojal.cases import customer_side

    shown = Category.objects.create(name="Fakturor", is_customer_visible=True)
    shown_child = Category.objects.create(name="Fel belopp", parent=shown, is_customer_visible=True)
    Category.objects.create(name="Intern", parent=shown, is_customer_visible=False)
    hidden_top = Category.objects.create(name="Bedrägeri", is_customer_visible=False)
    Category.objects.create(name="Kort", parent=hidden_top, is_customer_visible=True)
    Category.objects.create(name="Gammal", is_customer_visible=True, is_active=False)

    tree = customer_side.customer_categories()

    assert [(top.name, [child.name for child in children]) for top, children in tree] == [
        ("Fakturor", ["Fel belopp"])
    ]
    assert shown_child.pk in {c.pk for _t, children in tree for c in children}


def test_another_customers_case_is_not_found_for_every_write() -> None:
    owner = identity_of(_customer().pk)
    stranger = identity_of(_customer().pk)
    case = _open(owner)

    for write in (
        lambda: services.my_case_reply(stranger, case_id=case.pk, text="Hej"),
        lambda: services.my_case_close(stranger, case_id=case.pk),
        lambda: services.my_case_reopen(stranger, case_id=case.pk),
        lambda: services.my_case_rate(stranger, case_id=case.pk, rating=1),
        lambda: selectors.my_case_view(stranger, case_id=case.pk),
    ):
        with pytest.raises(NotFound):
            write()

    case.refresh_from_db()
    assert case.status == "new"
    assert CaseInteraction.objects.filter(case=case).count() == 1


def test_a_reply_joins_the_conversation_and_a_case_waiting_for_the_customer_opens_again(
    admin_user: User,
) -> None:
    identity = identity_of(_customer().pk)
    case = _open(identity)
    case_services.case_change(actor=admin_user, case_id=case.pk, changes={"status": "pending_customer"})

    services.my_case_reply(
        identity, case_id=case.pk, text="Här är kvittot.", uploads=[upload("kvitto.png", PNG)]
    )

    case.refresh_from_db()
    assert case.status == "open"
    texts = [message.body_text for message in selectors.my_case_view(identity, case_id=case.pk).conversation]
    assert texts == ["Fakturan i november är 200 kr för hög.", "Här är kvittot."]


def test_the_public_conversation_shows_answers_but_never_internal_notes_or_other_customers_messages(
    admin_user: User,
) -> None:
    identity = identity_of(_customer().pk)
    case = _open(identity)
    case_services.case_note_add(actor=admin_user, case_id=case.pk, body="Intern: kunden har fel")
    case_reply(actor=admin_user, case_id=case.pk, text="Vi har rättat fakturan.")
    other = Interaction.objects.create(
        customer=_customer(),
        channel="portal",
        direction="in",
        occurred_at=timezone.now(),
        body_text="Annan kund",
    )
    CaseInteraction.objects.create(case=case, interaction=other)

    view = selectors.my_case_view(identity, case_id=case.pk)

    assert [(m.direction, m.body_text) for m in view.conversation] == [
        ("in", "Fakturan i november är 200 kr för hög."),
        ("out", "Vi har rättat fakturan."),
    ]
    assert view.expected.kind == "answered"


def test_closing_solves_the_case_and_it_can_be_reopened_within_the_window_but_not_after() -> None:
    identity = identity_of(_customer().pk)
    case = _open(identity)

    services.my_case_close(identity, case_id=case.pk)
    case.refresh_from_db()
    assert case.status == "solved"
    change = CaseChange.objects.get(case=case, field="status")
    assert (change.old, change.new, change.actor_id) == ("new", "solved", None)

    services.my_case_reopen(identity, case_id=case.pk)
    case.refresh_from_db()
    assert (case.status, case.reopened_count) == ("open", 1)

    services.my_case_close(identity, case_id=case.pk)
    Case.objects.filter(pk=case.pk).update(solved_at=timezone.now() - dt.timedelta(days=8))
    with pytest.raises(ValidationError, match="last 7 days"):
        services.my_case_reopen(identity, case_id=case.pk)
    with pytest.raises(ValidationError):
        services.my_case_reply(identity, case_id=case.pk, text="Hallå?")
    case.refresh_from_db()
    assert case.status == "solved"
    assert CaseInteraction.objects.filter(case=case).count() == 1


def test_a_closed_case_takes_no_reply_and_cannot_be_reopened(admin_user: User) -> None:
    identity = identity_of(_customer().pk)
    case = _open(identity)
    case_services.case_change(actor=admin_user, case_id=case.pk, changes={"status": "closed"})

    with pytest.raises(ValidationError):
        services.my_case_reply(identity, case_id=case.pk, text="Hej igen")
    with pytest.raises(ValidationError):
        services.my_case_reopen(identity, case_id=case.pk)
    with pytest.raises(ValidationError):
        services.my_case_close(identity, case_id=case.pk)

    case.refresh_from_db()
    assert case.status == "closed"


def test_a_solved_case_is_rated_once_per_customer_choice_and_the_rating_is_audited() -> None:
    identity = identity_of(_customer().pk)
    case = _open(identity)
    with pytest.raises(ValidationError, match="once it is solved"):
        services.my_case_rate(identity, case_id=case.pk, rating=5)
    services.my_case_close(identity, case_id=case.pk)

    services.my_case_rate(identity, case_id=case.pk, rating="4", comment="Snabbt svar")
    services.my_case_rate(identity, case_id=case.pk, rating=5)

    case.refresh_from_db()
    assert (case.customer_rating, case.customer_rating_comment) == (5, "")
    assert case.customer_rated_at is not None
    assert AuditEntry.objects.filter(action="case.rated", object_id=str(case.pk)).count() == 2


@pytest.mark.parametrize("rating", [0, 6, "fem", None, True])
def test_a_rating_outside_one_to_five_is_refused_and_nothing_changes(rating: object) -> None:
    identity = identity_of(_customer().pk)
    case = _open(identity)
    services.my_case_close(identity, case_id=case.pk)

    with pytest.raises(ValidationError):
        services.my_case_rate(identity, case_id=case.pk, rating=rating)

    case.refresh_from_db()
    assert case.customer_rating is None


def test_a_contact_person_sees_only_their_own_cases_unless_the_organisation_allows_all(
    admin_user: User,
) -> None:
    from lojal.customers.services import contact_person_add
    from lojal.portal.models import OrganisationAccess

    organisation = factories.organisation()
    anna = contact_person_add(
        actor=admin_user,
        organisation_id=organisation.pk,
        data={"first_name": "Anna", "email": "anna@bolag.se"},
    )
    bo = contact_person_add(
        actor=admin_user, organisation_id=organisation.pk, data={"first_name": "Bo", "email": "bo@bolag.se"}
    )
    annas = _open(identity_of(organisation.pk, anna.pk), subject="Annas fråga")
    _open(identity_of(organisation.pk, bo.pk), subject="Bos fråga")

    assert annas.contact_person_id == anna.pk
    assert [c.subject for c in selectors.my_cases(identity_of(organisation.pk, anna.pk)).rows] == [
        "Annas fråga"
    ]
    with pytest.raises(NotFound):
        selectors.my_case(identity_of(organisation.pk, bo.pk), case_id=annas.pk)

    OrganisationAccess.objects.create(organisation=organisation, contacts_see_all_cases=True)

    assert sorted(c.subject for c in selectors.my_cases(identity_of(organisation.pk, bo.pk)).rows) == [
        "Annas fråga",
        "Bos fråga",
    ]


def test_the_expected_answer_is_the_promise_and_a_passed_promise_is_said_to_be_late() -> None:
    identity = identity_of(_customer().pk)
    case = _open(identity)
    now = timezone.now()

    case.promised_by = now + dt.timedelta(hours=2)
    assert selectors.expected_answer(case, now=now) == selectors.ExpectedAnswer("by", case.promised_by)
    assert selectors.expected_answer(case, now=now + dt.timedelta(hours=3)).kind == "late"
    case.promised_by = None
    case.first_response_due = None
    assert selectors.expected_answer(case, now=now).kind == "asap"
    case.status = "pending_customer"
    assert selectors.expected_answer(case, now=now).kind == "you"
    case.status = "solved"
    assert selectors.expected_answer(case, now=now).kind == ""


def test_a_reply_to_a_case_solved_within_the_window_opens_it_again() -> None:
    identity = identity_of(_customer().pk)
    case = _open(identity)
    services.my_case_close(identity, case_id=case.pk)

    services.my_case_reply(identity, case_id=case.pk, text="Det fungerar ändå inte.")

    case.refresh_from_db()
    assert (case.status, case.reopened_count) == ("open", 1)
    assert CaseInteraction.objects.filter(case=case).count() == 2
