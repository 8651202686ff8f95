"""The case list's pages are read as values (with their tags in the same query on PostgreSQL) and
must answer exactly what the case itself answers, field for field, in both orders."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lojal.cases import services
from lojal.cases.models import Case, Queue
from lojal.cases.schemas import case_out
from lojal.cases.selectors import case_get
from lojal.core.jsonout import json_bytes
from tests import factories
from tests.conftest import ApiClient

pytestmark = pytest.mark.django_db


def test_each_listed_case_is_exactly_the_case_as_the_api_shows_it_with_its_tags(api: ApiClient) -> None:
    queue = Queue.objects.create(name="Kundtjänst")
    customer = factories.person(vip_tier="platinum")
    tagged = services.case_open(
        actor=None,
        subject="Fakturan",
        channel="email",
        customer_id=customer.pk,
        queue_id=queue.pk,
        tags=["retur", "faktura"],
    )
    plain = services.case_open(actor=None, subject="Leverans", channel="sms", queue_id=queue.pk)
    expected = {case.pk: case_out(case_get(case_id=case.pk)) for case in (tagged, plain)}

    for params in ({"queue_id": queue.pk, "sort": "queue"}, {"queue_id": queue.pk}):
        items = api.get("cases", **params).json()["items"]

        assert sorted(item["id"] for item in items) == sorted(expected)
        for item in items:
            assert item == json_of(expected[item["id"]]), params
    assert expected[tagged.pk]["tags"] == ["faktura", "retur"]
    assert expected[tagged.pk]["vip_tier"] == "platinum" and expected[plain.pk]["vip_tier"] == "none"


def json_of(case: dict[str, object]) -> dict[str, object]:
    """``case`` as the API writes it (dates as text)."""
    loaded: dict[str, object] = json.loads(json_bytes(case))
    return loaded


def test_the_queue_page_is_one_query_after_the_token_on_postgresql_and_two_on_sqlite(api: ApiClient) -> None:
    queue = Queue.objects.create(name="Kundtjänst")
    for number in range(3):
        services.case_open(
            actor=None, subject=str(number), channel="email", queue_id=queue.pk, tags=[f"t{number}"]
        )

    with CaptureQueriesContext(connection) as queries:
        response = api.get("cases", queue_id=queue.pk, sort="queue")

    assert [item["tags"] for item in response.json()["items"]] == [["t0"], ["t1"], ["t2"]]
    reads = [
        query["sql"]
        for query in queries.captured_queries
        if "cases_case" in query["sql"] or "cases_casetag" in query["sql"]
    ]
    assert len(reads) == (1 if connection.vendor == "postgresql" else 2)
    assert Case.objects.count() == 3


def test_take_next_answers_the_case_as_the_api_reads_it_after_with_its_tags(api: ApiClient) -> None:
    queue = Queue.objects.create(name="Kundtjänst")
    case = services.case_open(
        actor=None, subject="Fakturan", channel="email", queue_id=queue.pk, tags=["retur", "faktura"]
    )

    taken = api.post(f"cases/next?queue_id={queue.pk}")

    assert taken.status_code == 200, taken.content
    read = api.get(f"cases/{case.pk}").json()
    assert taken.json() == {key: value for key, value in read.items() if key in taken.json()}
    assert taken.json()["tags"] == ["faktura", "retur"]
    assert (taken.json()["status"], taken.json()["assignee_id"]) == ("open", read["assignee_id"])
