"""Signing in to My pages by a link by email or a code by SMS: once, in time, without telling whether an
address is a customer's."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from lojal.core.models import AuditEntry
from lojal.customers.services import contact_person_add
from lojal.interactions.delivery import ConsoleAdapter
from lojal.interactions.models import EmailMessage, Interaction, OutboundEmail
from lojal.portal.identity import COOKIE_NAME
from lojal.portal.models import LoginChallenge, PortalSession
from lojal.timeline.models import Event
from tests import factories

pytestmark = pytest.mark.django_db

LINK = re.compile(r"http://testserver(/portal/login/link/[^/\s]+/)")
CODE = re.compile(r"\b(\d{6})\b")


def _ask(client: Client, address: str, capture: Any) -> Any:
    with capture(execute=True):
        return client.post("/portal/login/", {"address": address})


def _link_of(message: Any) -> str:
    found = LINK.search(message.body)
    assert found is not None, message.body
    return found.group(1)


def test_a_customers_email_gets_a_link_that_signs_in_once(django_capture_on_commit_callbacks: Any) -> None:
    customer = factories.person(emails=["anna@example.se"])
    client = Client()

    asked = _ask(client, "Anna@Example.se", django_capture_on_commit_callbacks)
    link = _link_of(mail.outbox[0])
    shown = client.get(link)
    sessions_after_opening = PortalSession.objects.count()
    signed_in = client.post(link)
    again = Client().post(link)

    assert asked.status_code == 200 and "anna@example.se" in asked.content.decode()
    assert mail.outbox[0].to == ["anna@example.se"]
    assert shown.status_code == 200 and sessions_after_opening == 0
    assert signed_in.status_code == 302 and signed_in["Location"] == "/portal/"
    session = PortalSession.objects.get()
    assert session.customer_id == customer.pk and session.contact_person_id is None
    assert signed_in.cookies[COOKIE_NAME]["httponly"] is True
    assert again.status_code == 410 and "already been used" in again.content.decode()
    assert PortalSession.objects.count() == 1


def test_an_unknown_address_gets_the_same_answer_and_nothing_is_sent(
    django_capture_on_commit_callbacks: Any,
) -> None:
    factories.person(emails=["anna@example.se"])

    known = _ask(Client(), "anna@example.se", django_capture_on_commit_callbacks)
    unknown = _ask(Client(), "nobody@example.se", django_capture_on_commit_callbacks)

    assert known.status_code == unknown.status_code == 200
    # The CSRF token is masked anew on every render (in the forms and in htmx's request headers).
    strip = re.compile(r"csrfmiddlewaretoken\" value=\"[^\"]+\"|\"X-CSRFToken\": \"[^\"]+\"")
    assert strip.sub("", known.content.decode()).replace("anna@", "X@") == strip.sub(
        "", unknown.content.decode()
    ).replace("nobody@", "X@")
    assert [message.to for message in mail.outbox] == [["anna@example.se"]]
    assert list(LoginChallenge.objects.values_list("address", flat=True)) == ["anna@example.se"]


def test_a_deleted_customers_address_signs_nobody_in(django_capture_on_commit_callbacks: Any) -> None:
    customer = factories.person(emails=["gone@example.se"])
    type(customer).objects.filter(pk=customer.pk).update(deleted_at=timezone.now())

    response = _ask(Client(), "gone@example.se", django_capture_on_commit_callbacks)

    assert response.status_code == 200
    assert mail.outbox == [] and not LoginChallenge.objects.exists()


def test_an_address_that_is_neither_email_nor_phone_is_refused_the_same_for_all() -> None:
    response = Client().post("/portal/login/", {"address": "not an address"})

    assert response.status_code == 422
    assert "Give your email address or your mobile number." in response.content.decode()
    assert not LoginChallenge.objects.exists()


def test_an_expired_link_fails_with_a_clear_page(django_capture_on_commit_callbacks: Any) -> None:
    factories.person(emails=["anna@example.se"])
    client = Client()
    _ask(client, "anna@example.se", django_capture_on_commit_callbacks)
    link = _link_of(mail.outbox[0])
    LoginChallenge.objects.update(expires_at=timezone.now() - timedelta(seconds=1))

    shown = client.get(link)
    posted = client.post(link)

    assert shown.status_code == posted.status_code == 410
    assert "This sign-in link has expired. Ask for a new one." in posted.content.decode()
    assert not PortalSession.objects.exists()
    assert LoginChallenge.objects.get().used_at is None


def test_a_forged_link_fails_and_opening_a_real_one_does_not_spend_it(
    django_capture_on_commit_callbacks: Any,
) -> None:
    factories.person(emails=["anna@example.se"])
    client = Client()
    _ask(client, "anna@example.se", django_capture_on_commit_callbacks)
    link = _link_of(mail.outbox[0])

    forged = client.post(link[:-3] + "xx/")
    scanned = client.get(link)

    assert forged.status_code == 404 and "not valid" in forged.content.decode()
    assert scanned.status_code == 200 and b'<form method="post"' in scanned.content
    assert LoginChallenge.objects.get().used_at is None and not PortalSession.objects.exists()


def test_a_contact_persons_email_signs_in_to_the_organisation(
    django_capture_on_commit_callbacks: Any,
) -> None:
    organisation = factories.organisation()
    contact = contact_person_add(
        actor=None, organisation_id=organisation.pk, data={"first_name": "Kim", "email": "kim@bolaget.se"}
    )
    client = Client()

    _ask(client, "kim@bolaget.se", django_capture_on_commit_callbacks)
    client.post(_link_of(mail.outbox[0]))

    session = PortalSession.objects.get()
    assert (session.customer_id, session.contact_person_id) == (organisation.pk, contact.pk)


def test_the_email_is_in_the_customers_language(django_capture_on_commit_callbacks: Any) -> None:
    factories.person(emails=["sven@example.se"], preferred_language="sv")
    factories.person(emails=["dansk@example.dk"], preferred_language="da")

    _ask(Client(), "sven@example.se", django_capture_on_commit_callbacks)
    _ask(Client(), "dansk@example.dk", django_capture_on_commit_callbacks)

    swedish, danish = mail.outbox
    assert swedish.subject == "Din inloggningslänk till Mina sidor"
    assert "Den fungerar en gång, i 15 minuter." in swedish.body
    assert danish.subject == "Dit link til at logge ind på Mine sider"  # the portal speaks Danish too


def test_the_stored_copy_of_a_sent_link_email_holds_no_working_link(
    django_capture_on_commit_callbacks: Any,
) -> None:
    factories.person(emails=["anna@example.se"], preferred_language="en")

    _ask(Client(), "anna@example.se", django_capture_on_commit_callbacks)

    secret = _link_of(mail.outbox[0]).split("/")[-2]
    sent = Interaction.objects.get()
    assert OutboundEmail.objects.get().state == OutboundEmail.State.SENT
    assert secret not in sent.body_text and "the link is not kept after sending" in sent.body_text
    assert "after_send" not in sent.details
    assert bytes(EmailMessage.objects.get().raw) == b""


def test_a_sign_in_is_audited_and_not_put_on_the_timeline(django_capture_on_commit_callbacks: Any) -> None:
    customer = factories.person(emails=["anna@example.se"])
    events_before = Event.objects.filter(customer=customer).count()
    client = Client()

    _ask(client, "anna@example.se", django_capture_on_commit_callbacks)
    client.post(_link_of(mail.outbox[0]))

    entry = AuditEntry.objects.get(action="portal.signed_in")
    assert entry.object_id == str(PortalSession.objects.get().pk)
    assert entry.object_label == "anna@example.se (Link by email)"
    assert Event.objects.filter(customer=customer).count() == events_before


def _ask_code(client: Client, number: str, capture: Any) -> tuple[Any, str]:
    ConsoleAdapter.sent.clear()
    response = _ask(client, number, capture)
    pending = re.search(r'name="pending" value="([^"]+)"', response.content.decode())
    assert pending is not None
    return response, pending.group(1)


def test_a_mobile_number_gets_a_code_that_signs_in_that_browser(
    django_capture_on_commit_callbacks: Any,
) -> None:
    customer = factories.person(phones=["0701234567"])
    client = Client()

    asked, pending = _ask_code(client, "070-123 45 67", django_capture_on_commit_callbacks)
    ((number, text),) = ConsoleAdapter.sent
    code = CODE.search(text).group(1)  # type: ignore[union-attr]
    signed_in = client.post(
        "/portal/login/code/", {"address": "+46701234567", "pending": pending, "code": code}
    )

    assert asked.status_code == 200 and number == "+46701234567"
    assert signed_in.status_code == 302 and signed_in["Location"] == "/portal/"
    assert PortalSession.objects.get().customer_id == customer.pk
    stored = Interaction.objects.get(channel="sms")
    assert code not in stored.body_text and "******" in stored.body_text
    assert Event.objects.filter(customer=customer, kind="interaction.sms").count() == 0


def test_a_code_dies_after_five_wrong_tries(django_capture_on_commit_callbacks: Any) -> None:
    factories.person(phones=["0701234567"])
    client = Client()
    _asked, pending = _ask_code(client, "0701234567", django_capture_on_commit_callbacks)
    code = CODE.search(ConsoleAdapter.sent[0][1]).group(1)  # type: ignore[union-attr]
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    form = {"address": "+46701234567", "pending": pending}

    answers = [client.post("/portal/login/code/", {**form, "code": wrong}).status_code for _ in range(5)]
    right_too_late = client.post("/portal/login/code/", {**form, "code": code})

    assert answers == [400] * 5
    assert LoginChallenge.objects.get().failed_attempts == 5
    assert right_too_late.status_code == 400 and not PortalSession.objects.exists()


def test_a_code_only_works_with_the_browser_that_asked_for_it(
    django_capture_on_commit_callbacks: Any,
) -> None:
    factories.person(phones=["0701234567"])
    _asked, _pending = _ask_code(Client(), "0701234567", django_capture_on_commit_callbacks)
    code = CODE.search(ConsoleAdapter.sent[0][1]).group(1)  # type: ignore[union-attr]
    _other, other_pending = _ask_code(Client(), "0731234567", django_capture_on_commit_callbacks)

    attacker = Client().post(
        "/portal/login/code/", {"address": "+46701234567", "pending": other_pending, "code": code}
    )

    assert attacker.status_code == 400 and not PortalSession.objects.exists()
    # Tries without the asking browser's secret do not count against the customer's code.
    assert LoginChallenge.objects.get().failed_attempts == 0


def test_an_expired_or_used_code_reads_like_a_wrong_one(django_capture_on_commit_callbacks: Any) -> None:
    factories.person(phones=["0701234567"])
    client = Client()
    _asked, pending = _ask_code(client, "0701234567", django_capture_on_commit_callbacks)
    code = CODE.search(ConsoleAdapter.sent[0][1]).group(1)  # type: ignore[union-attr]
    form = {"address": "+46701234567", "pending": pending, "code": code}
    client.post("/portal/login/code/", form)

    reused = Client().post("/portal/login/code/", form)
    unknown = Client().post("/portal/login/code/", {**form, "address": "+46739999999"})

    assert reused.status_code == unknown.status_code == 400
    sentence = "That code is not right, or it has expired."
    assert sentence in reused.content.decode() and sentence in unknown.content.decode()
    assert PortalSession.objects.count() == 1


def test_asking_is_limited_per_address(django_capture_on_commit_callbacks: Any, settings: Any) -> None:
    settings.LOJAL_RATE_PORTAL_LOGIN_ADDRESS = "2/hour"
    factories.person(emails=["anna@example.se"])

    answers = [
        _ask(Client(REMOTE_ADDR=f"10.0.0.{n}"), "anna@example.se", django_capture_on_commit_callbacks)
        for n in range(3)
    ]
    other = _ask(Client(REMOTE_ADDR="10.0.0.9"), "bertil@example.se", django_capture_on_commit_callbacks)

    assert [answer.status_code for answer in answers] == [200, 200, 429]
    assert answers[2]["Retry-After"].isdigit() and other.status_code == 200
    assert LoginChallenge.objects.count() == 2 and len(mail.outbox) == 2


def test_asking_is_limited_per_client_address(django_capture_on_commit_callbacks: Any, settings: Any) -> None:
    settings.LOJAL_RATE_PORTAL_LOGIN_NETWORK = "2/hour"
    factories.person(emails=["c@example.se"])
    client = Client(REMOTE_ADDR="10.0.0.1")

    answers = [
        _ask(client, address, django_capture_on_commit_callbacks).status_code
        for address in ("a@example.se", "b@example.se", "c@example.se")
    ]

    assert answers == [200, 200, 429]
    assert mail.outbox == [] and not LoginChallenge.objects.exists()


def test_opening_links_is_limited_per_client_address(
    django_capture_on_commit_callbacks: Any, settings: Any
) -> None:
    settings.LOJAL_RATE_PORTAL_SIGN_IN = "3/hour"
    factories.person(emails=["anna@example.se"])
    client = Client()
    _ask(client, "anna@example.se", django_capture_on_commit_callbacks)
    link = _link_of(mail.outbox[0])

    guesses = [client.post(f"/portal/login/link/guess{n}/").status_code for n in range(3)]
    real = client.post(link)

    assert guesses == [404, 404, 404] and real.status_code == 429
    assert not PortalSession.objects.exists() and LoginChallenge.objects.get().used_at is None


def test_the_sign_in_page_speaks_the_language_chosen_on_it() -> None:
    client = Client()

    chosen = client.post("/portal/language/", {"language": "nb", "next": "/portal/login/"})
    page = client.get("/portal/login/")

    assert chosen["Location"] == "/portal/login/"
    assert page["Content-Language"] == "nb"
    assert "<h1>Logg inn på Mine sider</h1>" in page.content.decode()
