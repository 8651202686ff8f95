"""Routing rules: first match wins, stemmed words in Swedish, VIP tiers, channel and address, the
default queue, the explanation the rules page shows, and the rules' writes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from lojal.accounts.models import User
from lojal.accounts.roles import Role
from lojal.cases import rules
from lojal.cases.ingest import case_open_routed
from lojal.cases.models import Category, Queue, RoutingRule
from lojal.cases.routing import Message, route, route_explain
from lojal.core.errors import PermissionDenied, ValidationError
from tests import factories
from tests.cases.ingest_helpers import case_of, email_bytes, receive

pytestmark = pytest.mark.django_db


@pytest.fixture
def queues() -> dict[str, Queue]:
    return {name: Queue.objects.create(name=name) for name in ("Allmänt", "Fakturor", "VIP")}


def test_a_swedish_word_matches_its_other_forms(admin_user: User, queues: dict[str, Queue]) -> None:
    rules.routing_rule_save(
        actor=admin_user, name="Fakturor", words=["faktura"], set_queue_id=queues["Fakturor"].pk
    )

    for text in ("Fel på fakturan", "Två fakturor saknas", "FAKTURAN är fel", "Fakturaen er feil"):
        assert route(Message(channel="email", subject=text)).queue_id == queues["Fakturor"].pk, text
    for text in ("Min order", "Faktisk fråga", "Fakta om leveransen"):
        decision = route(Message(channel="email", subject=text))
        assert (decision.queue_id, decision.is_default_queue) == (queues["Allmänt"].pk, True), text


def test_the_first_matching_rule_wins_and_a_vip_tier_routes_first(
    admin_user: User, queues: dict[str, Queue]
) -> None:
    category = Category.objects.create(name="Faktura")
    vip = rules.routing_rule_save(
        actor=admin_user,
        name="VIP",
        vip_tiers=["platinum", "gold"],
        set_queue_id=queues["VIP"].pk,
        set_priority="high",
    )
    rules.routing_rule_save(
        actor=admin_user,
        name="Fakturor",
        words=["faktura"],
        set_queue_id=queues["Fakturor"].pk,
        set_category_id=category.pk,
        set_tags=["faktura"],
    )
    gold = factories.person(vip_tier="gold", emails=["guld@example.se"])
    plain = factories.person(emails=["vanlig@example.se"])

    vip_case = case_of(receive(email_bytes(subject="Fel på fakturan", sender="guld@example.se")))
    plain_case = case_of(receive(email_bytes(subject="Fel på fakturan", sender="vanlig@example.se")))

    assert vip_case is not None and plain_case is not None
    assert (vip_case.customer_id, vip_case.queue_id, vip_case.priority, vip_case.category_id) == (
        gold.pk,
        queues["VIP"].pk,
        "high",
        None,
    )
    assert (plain_case.customer_id, plain_case.queue_id, plain_case.priority, plain_case.category_id) == (
        plain.pk,
        queues["Fakturor"].pk,
        "normal",
        category.pk,
    )
    assert list(plain_case.tags.values_list("name", flat=True)) == ["faktura"]

    rules.routing_rule_move(actor=admin_user, rule_id=vip.pk, up=False)
    moved = case_of(receive(email_bytes(subject="Fakturan igen", sender="guld@example.se")))
    assert moved is not None and moved.queue_id == queues["Fakturor"].pk


def test_channel_address_and_language_conditions_must_all_hold(
    admin_user: User, queues: dict[str, Queue]
) -> None:
    rule = rules.routing_rule_save(
        actor=admin_user,
        name="Norsk e-post til faktura",
        channels=["email"],
        addresses=["Faktura@lojal.example"],
        languages=["nb"],
        set_queue_id=queues["Fakturor"].pk,
    )
    fits = Message(channel="email", address="faktura@lojal.example", language="nb")

    assert route(fits).rule_id == rule.pk
    assert route(Message(channel="sms", address="faktura@lojal.example", language="nb")).rule_id is None
    assert route(Message(channel="email", address="info@lojal.example", language="nb")).rule_id is None
    assert route(Message(channel="email", address="faktura@lojal.example", language="sv")).rule_id is None


def test_the_explanation_says_which_rule_matches_and_why_the_others_do_not(
    admin_user: User, queues: dict[str, Queue]
) -> None:
    rules.routing_rule_save(
        actor=admin_user, name="VIP", vip_tiers=["platinum"], set_queue_id=queues["VIP"].pk
    )
    rules.routing_rule_save(
        actor=admin_user, name="Fakturor", words=["faktura", "räkning"], set_queue_id=queues["Fakturor"].pk
    )

    verdicts = route_explain(Message(channel="email", subject="Fakturan är fel", vip_tier="gold"))

    assert [(verdict.rule.name, verdict.matched) for verdict in verdicts] == [
        ("VIP", False),
        ("Fakturor", True),
    ]
    assert verdicts[0].reasons == [(False, "VIP tier gold")]
    assert verdicts[1].reasons == [(True, "words found: faktura")]


def test_a_switched_off_rule_is_skipped(admin_user: User, queues: dict[str, Queue]) -> None:
    rule = rules.routing_rule_save(actor=admin_user, name="Alla", set_queue_id=queues["VIP"].pk)
    rules.routing_rule_active_set(actor=admin_user, rule_id=rule.pk, active=False)

    assert route(Message(channel="email")).rule_id is None
    assert RoutingRule.objects.get(pk=rule.pk).is_active is False


def test_the_default_queue_setting_names_the_queue_when_no_rule_matches(
    settings: Any, queues: dict[str, Queue]
) -> None:
    settings.LOJAL_CASE_DEFAULT_QUEUE = "VIP"
    assert route(Message(channel="email")).queue_id == queues["VIP"].pk
    settings.LOJAL_CASE_DEFAULT_QUEUE = "No such queue"
    assert route(Message(channel="email")).queue_id == queues["Allmänt"].pk


def test_staff_naming_a_queue_win_over_the_rule_and_naming_none_are_routed(
    admin_user: User, queues: dict[str, Queue]
) -> None:
    rules.routing_rule_save(
        actor=admin_user, name="Fakturor", words=["faktura"], set_queue_id=queues["Fakturor"].pk
    )

    routed = case_open_routed(actor=admin_user, subject="Fakturan", channel="staff")
    chosen = case_open_routed(
        actor=admin_user, subject="Fakturan", channel="staff", queue_id=queues["VIP"].pk
    )

    assert (routed.queue_id, chosen.queue_id) == (queues["Fakturor"].pk, queues["VIP"].pk)


def test_a_rule_that_does_nothing_or_names_unknown_things_is_refused(
    admin_user: User, queues: dict[str, Queue]
) -> None:
    with pytest.raises(ValidationError) as nothing:
        rules.routing_rule_save(actor=admin_user, name="Tom", words=["x"])
    with pytest.raises(ValidationError) as unknown:
        rules.routing_rule_save(
            actor=admin_user,
            name="Fel",
            vip_tiers=["diamond"],
            channels=["fax"],
            set_queue_id=queues["VIP"].pk,
        )

    assert list(nothing.value.errors) == ["set_queue_id"]
    assert sorted(unknown.value.errors) == ["channels", "vip_tiers"]
    assert RoutingRule.objects.count() == 0


def test_only_managers_change_rules(make_user: Callable[..., User], queues: dict[str, Queue]) -> None:
    agent = make_user(Role.SERVICE_AGENT, "agent")

    with pytest.raises(PermissionDenied):
        rules.routing_rule_save(actor=agent, name="X", set_queue_id=queues["VIP"].pk)
    assert RoutingRule.objects.count() == 0


def test_a_rule_can_hand_the_case_to_an_agent(
    admin_user: User, queues: dict[str, Queue], make_user: Callable[..., User]
) -> None:
    agent = make_user(Role.ADMINISTRATOR, "agneta")
    rules.routing_rule_save(actor=admin_user, name="Agneta", words=["aktie"], set_assignee_id=agent.pk)

    case = case_of(receive(email_bytes(subject="Köp av aktier")))

    assert case is not None
    assert (case.assignee_id, case.status, case.queue_id) == (agent.pk, "open", queues["Allmänt"].pk)
