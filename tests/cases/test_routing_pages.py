"""The routing, service channel and call pages: managers create, reorder and test rules and list a
sales address; agents may not configure; staff open a case from a logged call."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from lojal.accounts.models import User
from lojal.accounts.roles import Role
from lojal.cases.models import Case, Queue, RoutingRule, ServiceChannel
from lojal.interactions import services as interaction_services
from tests import factories

pytestmark = pytest.mark.django_db


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_manager_creates_a_rule_and_the_test_box_says_it_decides(make_user: Callable[..., User]) -> None:
    manager = make_user(Role.MANAGER, "maja")
    invoices = Queue.objects.create(name="Fakturor")
    client = signed_in(manager)

    created = client.post(
        "/service/routing/new/",
        {
            "name": "Fakturor",
            "words": "faktura, räkning",
            "set_queue": str(invoices.pk),
            "is_active": "on",
            "channels": ["email"],
        },
    )
    page = client.get(
        "/service/routing/", {"channel": "email", "subject": "Fel på fakturan", "vip_tier": "none"}
    )

    assert created.status_code == 302
    rule = RoutingRule.objects.get()
    assert (rule.words, rule.channels, rule.set_queue_id) == (["faktura", "räkning"], ["email"], invoices.pk)
    assert 'Rule "Fakturor" decides.' in page.content.decode()
    assert "words found: faktura" in page.content.decode()


def test_a_rule_that_does_nothing_is_shown_again_with_the_reason(make_user: Callable[..., User]) -> None:
    client = signed_in(make_user(Role.MANAGER, "maja"))

    answer = client.post("/service/routing/new/", {"name": "Tom", "words": "x"})

    assert answer.status_code == 422
    assert "Say what the rule does" in answer.content.decode()
    assert RoutingRule.objects.count() == 0


def test_rules_move_and_switch_off_from_the_list(make_user: Callable[..., User]) -> None:
    client = signed_in(make_user(Role.MANAGER, "maja"))
    queue = Queue.objects.create(name="A")
    first = RoutingRule.objects.create(name="Första", position=1, set_queue=queue)
    second = RoutingRule.objects.create(name="Andra", position=2, set_queue=queue)

    client.post(f"/service/routing/{second.pk}/action/", {"action": "up"})
    client.post(f"/service/routing/{first.pk}/action/", {"action": "off"})

    assert list(RoutingRule.objects.order_by("position").values_list("name", "is_active")) == [
        ("Andra", True),
        ("Första", False),
    ]


def test_an_agent_may_not_configure_routing_or_channels(make_user: Callable[..., User]) -> None:
    client = signed_in(make_user(Role.SERVICE_AGENT, "agda"))

    assert client.get("/service/routing/").status_code == 403
    assert (
        client.post("/service/channels/", {"kind": "email", "address": "sales@lojal.example"}).status_code
        == 403
    )
    assert ServiceChannel.objects.count() == 0


def test_a_manager_lists_a_sales_address_as_plain(make_user: Callable[..., User]) -> None:
    client = signed_in(make_user(Role.MANAGER, "maja"))

    client.post(
        "/service/channels/",
        {"form": "channel", "kind": "email", "address": "Sales@Lojal.example", "note": "Säljarna"},
    )
    page = client.get("/service/channels/")

    assert list(ServiceChannel.objects.values_list("kind", "address", "opens_cases")) == [
        ("email", "sales@lojal.example", False)
    ]
    assert "sales@lojal.example" in page.content.decode()


def test_an_agent_opens_a_case_from_a_logged_call(make_user: Callable[..., User]) -> None:
    agent = make_user(Role.SERVICE_AGENT, "agda")
    Queue.objects.create(name="Kundservice")
    customer = factories.person()
    call = interaction_services.interaction_log(
        actor=agent, customer_id=customer.pk, channel="call", direction="in", subject="Kortet spärrat"
    )
    client = signed_in(agent)

    answer = client.post(f"/service/calls/{call.pk}/case/", {"category": "", "queue": ""})
    page = client.get(f"/service/calls/{call.pk}/case/")

    case = Case.objects.get()
    assert answer.status_code == 302
    assert (case.subject, case.customer_id, case.channel) == ("Kortet spärrat", customer.pk, "call")
    assert f"This call is in case #{case.number}" in page.content.decode()


def test_a_call_on_the_timeline_links_to_opening_a_case_for_agents_only(
    make_user: Callable[..., User],
) -> None:
    agent = make_user(Role.SERVICE_AGENT, "agda")
    seller = make_user(Role.SALES, "sune")
    customer = factories.person()
    call = interaction_services.interaction_log(
        actor=agent, customer_id=customer.pk, channel="call", subject="Samtal"
    )
    link = f'href="/service/calls/{call.pk}/case/"'

    assert link in signed_in(agent).get(f"/customers/{customer.pk}/").content.decode()
    assert link not in signed_in(seller).get(f"/customers/{customer.pk}/").content.decode()
