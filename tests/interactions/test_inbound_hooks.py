"""The inbound extension point: every inbound interaction of any channel reaches the handlers named in
LOJAL_INBOUND_HANDLERS, after commit, through a worker task; outgoing ones and rolled-back ones do not."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.core import signing
from django.db import transaction
from django.utils import timezone

from lojal.interactions import chat, inbound_hooks, sms, telephony
from lojal.interactions.emails.ingest import email_ingest
from lojal.interactions.emails.outbound import email_compose
from lojal.interactions.models import WebForm
from lojal.interactions.services import interaction_log
from lojal.interactions.webforms import webform_submit
from tests import factories

pytestmark = pytest.mark.django_db
heard: list[tuple[str, int]] = []
HANDLER = "tests.interactions.test_inbound_hooks.hear"
FAILING = "tests.interactions.test_inbound_hooks.fail"
SECOND = "tests.interactions.test_inbound_hooks.hear_too"


def hear(*, interaction_id: int) -> None:
    heard.append(("first", interaction_id))


def hear_too(*, interaction_id: int) -> None:
    heard.append(("second", interaction_id))


def fail(*, interaction_id: int) -> None:
    raise RuntimeError(f"handler broke on {interaction_id}")


@pytest.fixture(autouse=True)
def registered(settings: Any) -> Iterator[None]:
    settings.LOJAL_INBOUND_HANDLERS = [HANDLER]
    heard.clear()
    yield
    heard.clear()


EMAIL = (
    b"Message-ID: <hook-1@mail.example.se>\r\nFrom: anna.berg@example.se\r\n"
    b"To: kundservice@lojal.example\r\nSubject: Hej\r\n\r\nEn fraga.\r\n"
)


def test_an_email_is_announced_after_commit_and_not_before(django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        interaction = email_ingest(raw=EMAIL, source="smtp")
        assert heard == []

    for callback in callbacks:
        callback()

    assert heard == [("first", interaction.pk)]


def test_the_same_email_twice_is_announced_once(django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        first = email_ingest(raw=EMAIL, source="smtp")
        again = email_ingest(raw=EMAIL, source="imap")

    assert again.pk == first.pk
    assert heard == [("first", first.pk)]


def test_every_inbound_channel_is_announced(django_capture_on_commit_callbacks: Any, admin_user: Any) -> None:
    customer = factories.person(first_name="Lars", last_name="Holm", emails=["lars.holm@example.se"])
    form = WebForm.objects.create(
        key="kontakt", name="Kontakta oss", fields=[{"name": "email"}, {"name": "message"}]
    )
    started = (timezone.now() - dt.timedelta(seconds=10)).timestamp()
    form_data = {
        "email": "lars.holm@example.se",
        "message": "Hej!",
        "website": "",
        "started": signing.dumps(started, salt="lojal.webform"),
    }

    with django_capture_on_commit_callbacks(execute=True):
        texted = sms.sms_receive(from_number="+46701234567", text="Ring mig")
        session = chat.chat_start(name="Nils Ek", email="nils@example.se", text="Hej, finns ni där?")
        chatted = chat.chat_close(session_id=session.pk)
        called = telephony.call_event_apply(
            call_id="c-1", event="started", direction="in", from_number="+46701234567"
        )
        telephony.call_event_apply(call_id="c-1", event="ended", direction="in", from_number="+46701234567")
        logged = interaction_log(
            actor=admin_user,
            customer_id=customer.pk,
            channel="call",
            direction="in",
            subject="Ringde om order",
        )
        posted = webform_submit(form=form, data=form_data)
    assert posted.interaction is not None

    # The call once, when it ended (its "started" event announced nothing).
    assert heard == [
        ("first", texted.pk),
        ("first", chatted.pk),
        ("first", called.pk),
        ("first", logged.pk),
        ("first", posted.interaction.pk),
    ]


def test_outgoing_mail_and_a_rolled_back_message_are_not_announced(
    django_capture_on_commit_callbacks: Any, admin_user: Any
) -> None:
    customer = factories.person(first_name="Anna", last_name="Berg", emails=["anna.berg@example.se"])

    with django_capture_on_commit_callbacks(execute=True):
        email_compose(
            actor=admin_user, customer_id=customer.pk, to="anna.berg@example.se", subject="Hej", body="Svar"
        )
        with pytest.raises(RuntimeError), transaction.atomic():
            sms.sms_receive(from_number="+46701234567", text="Ring mig")
            raise RuntimeError("rolled back")

    assert heard == []


def test_no_handler_registered_enqueues_nothing(
    settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.LOJAL_INBOUND_HANDLERS = []

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        sms.sms_receive(from_number="+46701234567", text="Ring mig")

    assert callbacks == []


def test_each_handler_runs_in_its_own_task_so_one_failing_does_not_stop_the_next(
    settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.LOJAL_INBOUND_HANDLERS = [FAILING, SECOND]

    with django_capture_on_commit_callbacks(execute=True):
        texted = sms.sms_receive(from_number="+46701234567", text="Ring mig")

    assert heard == [("second", texted.pk)]


def test_a_task_naming_a_handler_no_longer_registered_runs_nothing() -> None:
    outcome = inbound_hooks.inbound_handle(handler="os.system", interaction_id=1)

    assert outcome == "unregistered"
    assert heard == []
