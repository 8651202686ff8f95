"""The loaded demo contradicts itself nowhere: stages agree with the transactions, "customer since" is the
day of the first transaction, and the imported transactions are the system's, not a staff user's."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db.models import Max, Min
from django.utils import timezone

from lojal.customers.models import Customer
from lojal.imports.models import ImportJob
from lojal.sales.models import Transaction
from lojal.timeline.models import Event

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(settings: Any, tmp_path: Path) -> str:
    settings.IMPORT_DIR = tmp_path
    out = io.StringIO()
    call_command("demo", "load", "--customers", "150", "--force", stdout=out, stderr=io.StringIO())
    return out.getvalue()


def _qualifying_by_customer() -> dict[int, dict[str, Any]]:
    """Per customer who made a qualifying transaction: the first one, and the last transaction of any kind."""
    rows = (
        Transaction.objects.filter(kind__in=settings.QUALIFYING_TRANSACTION_KINDS)
        .values("customer_id")
        .annotate(first=Min("occurred_at"))
    )
    last = dict(
        Transaction.objects.values("customer_id")
        .annotate(last=Max("occurred_at"))
        .values_list("customer_id", "last")
    )
    return {row["customer_id"]: {**row, "last": last[row["customer_id"]]} for row in rows}


def test_stages_agree_with_the_transactions(demo: str) -> None:
    bought = _qualifying_by_customer()
    stages = dict(Customer.objects.live().values_list("pk", "lifecycle_stage"))
    cutoff = timezone.now() - dt.timedelta(days=settings.FORMER_CUSTOMER_AFTER_DAYS)

    leads_who_bought = [
        pk for pk, stage in stages.items() if stage in ("lead", "registrant") and pk in bought
    ]
    customers_who_never_bought = [
        pk for pk, stage in stages.items() if stage in ("customer", "at_risk", "former") and pk not in bought
    ]
    lapsed_customers = [
        pk
        for pk, stage in stages.items()
        if stage == "customer" and pk in bought and bought[pk]["last"] < cutoff
    ]
    recent_former = [
        pk
        for pk, stage in stages.items()
        if stage == "former" and pk in bought and bought[pk]["last"] >= cutoff
    ]

    assert leads_who_bought == []
    assert customers_who_never_bought == []
    assert lapsed_customers == []
    assert recent_former == []
    # and the demo still shows every stage
    assert set(stages.values()) >= {"lead", "registrant", "customer", "at_risk", "former"}


def test_customer_since_is_the_day_of_the_first_transaction(demo: str) -> None:
    bought = _qualifying_by_customer()
    since = dict(Customer.objects.live().values_list("pk", "customer_since"))

    wrong = {
        pk: (day, timezone.localdate(bought[pk]["first"]))
        for pk, day in since.items()
        if pk in bought and day != timezone.localdate(bought[pk]["first"])
    }
    assert wrong == {}
    assert [pk for pk, day in since.items() if pk not in bought and day is not None] == []
    assert min(day for day in since.values() if day is not None) < timezone.localdate() - dt.timedelta(
        days=365
    )


def test_imported_transactions_are_the_systems_not_a_staff_users(demo: str) -> None:
    assert Event.objects.filter(kind="sales.transaction").exists()
    assert Event.objects.filter(kind="sales.transaction", actor__isnull=False).count() == 0
    assert ImportJob.objects.count() == 3
    assert ImportJob.objects.filter(created_by__isnull=False).count() == 0


def test_no_stage_changes_to_contradict_at_load(demo: str) -> None:
    # nobody is promoted by the import (leads and registrants bought nothing); only the lifecycle rule
    # retires the customers who stopped buying
    changes = Event.objects.filter(kind="customer.stage_changed")
    assert {(event.data["from"], event.data["to"]) for event in changes} <= {("customer", "former")}
    assert "inactive customers became former customers" in demo


def test_a_newcomers_my_day_has_work_from_the_first_sign_in(demo: str) -> None:
    from django.test import Client

    from lojal.accounts.models import Team, User
    from lojal.activities.models import Activity, CallList

    today = timezone.localdate()
    open_ones = Activity.objects.filter(status="open")
    demo_user = User.objects.get(username="demo")
    team = Team.objects.get(name="Kundtjänst")
    mine = open_ones.filter(owner=demo_user)

    assert "open follow-ups and 1 call list" in demo
    # Every member of staff who may have follow-ups has some overdue, some today and some later.
    for name in ("demo", "maria", "sven", "sara", "mats"):
        days = sorted((row.due_date - today).days for row in open_ones.filter(owner__username=name))
        assert days == [-6, -3, -1, 0, 0, 0, 1, 2, 5, 12], name
    assert not open_ones.filter(owner__username="rita").exists()
    # ... the team shares some, a meeting has its time, all are about real customers, made by hand.
    assert sorted(team.members.values_list("username", flat=True)) == ["demo", "maria", "sven"]
    assert open_ones.filter(owner_team=team).count() == 4
    assert mine.filter(kind="meeting", due_date=today, due_time=dt.time(10)).count() == 1
    assert open_ones.filter(customer__isnull=True).count() == 0
    assert set(open_ones.values_list("origin", flat=True)) == {"manual"}
    call_list = CallList.objects.get()
    assert (call_list.owner.username, call_list.entries.count()) == ("sara", 25)
    # So My day opens full, not empty.
    client = Client()
    client.force_login(demo_user)
    page = client.get("/").content.decode()
    block = page.split('data-testid="block-activities"', 1)[1].split("</section>", 1)[0]
    assert "Nothing overdue and nothing due today." not in block
    assert block.count('id="activity-item-') == 3 + 3 + 1 + 2  # mine and the team's, by today
    sara = Client()
    sara.force_login(User.objects.get(username="sara"))
    assert "Förnyelse av avtal</a>" in sara.get("/").content.decode()
