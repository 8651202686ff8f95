"""A data subject's rights reach their cases: the export lists their cases, the internal notes and the
time spent; erasure blanks what the cases say about them and keeps the dated cases; an open case
refuses the erasure until it is solved or closed."""

from __future__ import annotations

import pytest

from lojal.accounts.models import User
from lojal.cases import services
from lojal.cases.models import Case, CaseChange, CaseNote, TimeEntry
from lojal.cases.privacy import export_sections, open_case_reason
from lojal.core.data_subject import DataSubject
from lojal.core.errors import LojalError
from lojal.core.models import AuditEntry
from lojal.privacy.erasure import customer_erase, erasure_refusal
from lojal.privacy.sections import ERASURE_CHECKS, EXPORT_SECTIONS
from tests import factories

pytestmark = pytest.mark.django_db


def _solved_case(admin: User, customer_id: int, subject: str) -> Case:
    case = services.case_open(
        actor=admin,
        subject=subject,
        channel="email",
        customer_id=customer_id,
        received_at_address="hjalp@bank.se",
    )
    services.case_note_add(actor=admin, case_id=case.pk, body=f"Anteckning om {subject}")
    services.case_time_add(actor=admin, case_id=case.pk, minutes=12, note="Ringde Kari")
    services.case_change(actor=admin, case_id=case.pk, changes={"subject": f"{subject} (ändrad)"})
    services.case_change(actor=admin, case_id=case.pk, changes={"status": "closed"})
    return case


def test_the_export_lists_the_persons_cases_notes_and_time(admin_user: User) -> None:
    kari, other = factories.person(), factories.person()
    case = _solved_case(admin_user, kari.pk, "Kari Nordmanns lån")
    _solved_case(admin_user, other.pk, "Annan kund")

    sections = {
        section.name: list(section.rows())
        for section in export_sections(
            DataSubject(customer_id=kari.pk, customer_ids=(kari.pk,)), actor=admin_user
        )
    }

    assert [(row["number"], row["subject"], row["status"]) for row in sections["cases"]] == [
        (case.number, "Kari Nordmanns lån (ändrad)", "closed")
    ]
    assert [(row["case_number"], row["body"]) for row in sections["case_notes"]] == [
        (case.number, "Anteckning om Kari Nordmanns lån")
    ]
    assert [(row["case_number"], row["minutes"], row["note"]) for row in sections["case_time_entries"]] == [
        (case.number, 12, "Ringde Kari")
    ]
    assert export_sections in EXPORT_SECTIONS


def test_erasure_blanks_the_cases_notes_and_time_notes_and_keeps_the_dated_cases(admin_user: User) -> None:
    kari, other = factories.person(first_name="Kari"), factories.person()
    case = _solved_case(admin_user, kari.pk, "Kari Nordmanns lån")
    kept = _solved_case(admin_user, other.pk, "Annan kund")

    customer_erase(customer_id=kari.pk, actor=admin_user, reason="The person asked")

    case.refresh_from_db()
    assert (case.subject, case.received_at_address, case.status, case.number) == (
        "(erased)",
        "",
        "closed",
        case.number,
    )
    assert list(CaseNote.objects.filter(case=case).values_list("body", flat=True)) == ["(erased)"]
    assert list(TimeEntry.objects.filter(case=case).values_list("minutes", "note")) == [(12, "")]
    assert list(CaseChange.objects.filter(case=case, field="subject").values_list("old", "new")) == [
        ("(erased)", "(erased)")
    ]
    labels = AuditEntry.objects.filter(object_type="cases.case", object_id=str(case.pk))
    assert labels.exists() and all("Kari" not in entry.object_label for entry in labels)
    kept.refresh_from_db()
    assert kept.subject == "Annan kund (ändrad)"
    assert CaseNote.objects.get(case=kept).body == "Anteckning om Annan kund"


def test_an_open_case_refuses_the_erasure_and_nothing_is_erased(admin_user: User) -> None:
    kari = factories.person()
    case = services.case_open(actor=admin_user, subject="Kari undrar", channel="email", customer_id=kari.pk)
    subject = DataSubject(customer_id=kari.pk, customer_ids=(kari.pk,))

    assert open_case_reason(subject) == f"An open service case: #{case.number}; solve or close it first."
    assert open_case_reason in ERASURE_CHECKS
    assert erasure_refusal(customer_id=kari.pk) == open_case_reason(subject)
    with pytest.raises(LojalError):
        customer_erase(customer_id=kari.pk, actor=admin_user, reason="The person asked")

    case.refresh_from_db()
    assert case.subject == "Kari undrar"


def test_a_person_with_only_closed_cases_has_no_reason_to_be_kept(admin_user: User) -> None:
    kari = factories.person()
    _solved_case(admin_user, kari.pk, "Klart")

    assert open_case_reason(DataSubject(customer_id=kari.pk, customer_ids=(kari.pk,))) == ""
