"""A customer's timeline links each case event to the case page."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from lojal.accounts.models import User
from lojal.accounts.roles import Role
from lojal.cases.services import case_open
from tests import factories

pytestmark = pytest.mark.django_db


def test_a_case_on_the_customers_timeline_links_to_the_case_page(make_user: Callable[..., User]) -> None:
    agent, reader = make_user(Role.SERVICE_AGENT), make_user(Role.READ_ONLY)
    customer = factories.person(first_name="Greta", last_name="Garbo")
    case = case_open(actor=agent, subject="Broken hinge", channel="call", customer_id=customer.pk)
    client = Client()
    client.force_login(reader)

    html = client.get(f"/customers/{customer.pk}/").content.decode()

    assert f'<a href="/service/cases/{case.pk}/">Case #{case.number} opened: Broken hinge</a>' in html
    assert client.get(f"/service/cases/{case.pk}/").status_code == 200
