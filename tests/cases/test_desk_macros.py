"""Macros: the text in the case's language with the fields filled in, the refusals that keep a typo
from reaching a customer, and that only managers write them."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from lojal.accounts.models import User
from lojal.accounts.roles import Role
from lojal.cases import services
from lojal.cases.macros import macro_save, macro_text
from lojal.cases.models import Macro, Queue
from lojal.core.errors import PermissionDenied, ValidationError
from tests import factories

pytestmark = pytest.mark.django_db

TEXTS = {
    "sv": "Hej {customer_name}! Ärende {case_number} ({case_subject}) i kön {queue_name}. /{agent_name}",
    "nb": "Hei {customer_name}! Sak {case_number}.",
    "en": "Hello {customer_name}, case {case_number}.",
}


@pytest.fixture
def manager(make_user: Callable[..., User]) -> User:
    return make_user(Role.MANAGER, "maja")


def test_the_text_is_in_the_cases_language_with_every_field_filled_in(manager: User) -> None:
    macro = macro_save(actor=manager, name="Tack", texts=TEXTS)
    queue = Queue.objects.create(name="Privat")
    customer = factories.person(first_name="Kari", last_name="Nordmann", preferred_language="nb")
    swede = factories.person(first_name="Sven", last_name="Svensson", preferred_language="sv")
    norwegian_case = services.case_open(actor=None, subject="Kort", channel="email", customer_id=customer.pk)
    swedish_case = services.case_open(
        actor=None, subject="Adress", channel="email", customer_id=swede.pk, queue_id=queue.pk
    )

    assert macro_text(macro=macro, case=norwegian_case, agent=manager) == (
        f"Hei Kari Nordmann! Sak #{norwegian_case.number}."
    )
    assert macro_text(macro=macro, case=swedish_case, agent=manager) == (
        f"Hej Sven Svensson! Ärende #{swedish_case.number} (Adress) i kön Privat. /Maja"
    )


def test_a_case_in_a_language_the_macro_lacks_gets_the_english_text(manager: User) -> None:
    macro = macro_save(actor=manager, name="Tack", texts=TEXTS)
    customer = factories.person(first_name="Aino", last_name="Virtanen", preferred_language="fi")
    case = services.case_open(actor=None, subject="Kysymys", channel="email", customer_id=customer.pk)

    assert macro_text(macro=macro, case=case, agent=manager) == f"Hello Aino Virtanen, case #{case.number}."


def test_an_unknown_field_is_refused_and_nothing_is_saved(manager: User) -> None:
    with pytest.raises(ValidationError) as raised:
        macro_save(actor=manager, name="Tack", texts={"sv": "Hej {kundnamn}!"})

    assert list(raised.value.errors) == ["text_sv"]
    assert "Unknown field: {kundnamn}." in raised.value.errors["text_sv"][0]
    assert Macro.objects.count() == 0


def test_a_macro_without_any_text_or_with_a_bad_status_is_refused(manager: User) -> None:
    with pytest.raises(ValidationError) as empty:
        macro_save(actor=manager, name="Tom", texts={"sv": "  "})
    with pytest.raises(ValidationError) as bad_status:
        macro_save(actor=manager, name="Fel", texts={"sv": "Hej"}, status="done")

    assert (list(empty.value.errors), list(bad_status.value.errors)) == (["text_en"], ["status"])
    assert Macro.objects.count() == 0


def test_agents_may_not_write_macros(make_user: Callable[..., User]) -> None:
    with pytest.raises(PermissionDenied):
        macro_save(actor=make_user(Role.SERVICE_AGENT), name="Tack", texts={"sv": "Hej"})
    assert Macro.objects.count() == 0


def test_the_macro_page_saves_and_shows_a_refusal_at_its_field(manager: User) -> None:
    from django.test import Client

    client = Client()
    client.force_login(manager)
    refused = client.post(
        "/service/macros/new/", {"name": "Tack", "text_sv": "Hej {kund}", "is_active": "on"}
    )
    saved = client.post(
        "/service/macros/new/",
        {
            "name": "Tack",
            "text_sv": "Hej {customer_name}",
            "status": "solved",
            "tags": "tack, nöjd",
            "is_active": "on",
        },
    )

    assert refused.status_code == 422
    assert "Unknown field: {kund}." in refused.content.decode()
    assert saved.status_code == 302
    macro = Macro.objects.get()
    assert (macro.texts, macro.status, macro.tags) == (
        {"sv": "Hej {customer_name}"},
        "solved",
        ["tack", "nöjd"],
    )
