"""My pages' part of the data subject's rights and of retention: sign-ins are exported, erased with the
person, and forgotten after their retention limit."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from lojal.accounts.models import User
from lojal.customers.privacy import data_subject
from lojal.portal.identity import portal_session_start
from lojal.portal.models import LoginChallenge, PortalSession
from lojal.privacy.erasure import customer_erase
from lojal.privacy.export import export_sections
from lojal.privacy.models import RetentionRun
from lojal.privacy.services import retention_run
from tests import factories

pytestmark = pytest.mark.django_db


def challenge(customer_id: int, address: str, created_at: dt.datetime) -> LoginChallenge:
    return LoginChallenge.objects.create(
        kind="link",
        secret_hash=f"{address}-{created_at.timestamp()}",
        address=address,
        customer_id=customer_id,
        created_at=created_at,
        expires_at=created_at + dt.timedelta(minutes=15),
    )


def test_the_export_lists_the_persons_sign_ins_and_never_a_secret(admin_user: User) -> None:
    person = factories.person(emails=[{"address": "kari@example.no"}])
    other = factories.person()
    challenge(person.pk, "kari@example.no", timezone.now())
    challenge(other.pk, "other@example.no", timezone.now())
    portal_session_start(customer_id=person.pk, contact_person_id=None, label="Firefox on Linux")

    sections = {
        section.name: list(section.rows())
        for section in export_sections(data_subject(customer_id=person.pk), actor=admin_user)
    }

    assert [row["address"] for row in sections["portal_sign_in_requests"]] == ["kari@example.no"]
    assert [row["label"] for row in sections["portal_sessions"]] == ["Firefox on Linux"]
    assert all("hash" not in column for row in sections["portal_sessions"] for column in row)


def test_erasure_deletes_the_persons_sign_ins_and_keeps_everyone_elses(admin_user: User) -> None:
    person = factories.person(emails=[{"address": "kari@example.no"}])
    other = factories.person()
    challenge(person.pk, "kari@example.no", timezone.now())
    kept = challenge(other.pk, "other@example.no", timezone.now())
    portal_session_start(customer_id=person.pk, contact_person_id=None)
    other_session, _key = portal_session_start(customer_id=other.pk, contact_person_id=None)

    counts = customer_erase(customer_id=person.pk, actor=admin_user, reason="The person asked")

    assert (counts["portal_sign_in_requests"], counts["portal_sessions"]) == (1, 1)
    assert list(LoginChallenge.objects.values_list("pk", flat=True)) == [kept.pk]
    assert list(PortalSession.objects.values_list("pk", flat=True)) == [other_session.pk]


def test_the_retention_rule_forgets_old_sign_ins_and_ended_sessions_only(settings: Any) -> None:
    settings.RETAIN_PORTAL_SIGN_INS_DAYS = 30
    now = timezone.now()
    customer = factories.person()
    challenge(customer.pk, "old@example.no", now - dt.timedelta(days=31))
    recent = challenge(customer.pk, "new@example.no", now - dt.timedelta(days=29))
    ended, _key = portal_session_start(customer_id=customer.pk, contact_person_id=None)
    PortalSession.objects.filter(pk=ended.pk).update(ended_at=now - dt.timedelta(days=40))
    live, _key = portal_session_start(customer_id=customer.pk, contact_person_id=None)

    retention_run(now=now, only=["portal_sign_ins"])

    assert list(LoginChallenge.objects.values_list("pk", flat=True)) == [recent.pk]
    assert list(PortalSession.objects.values_list("pk", flat=True)) == [live.pk]
    run = RetentionRun.objects.get(rule="portal_sign_ins")
    assert (run.rows_affected, run.error) == (2, "")
