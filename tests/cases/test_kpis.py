"""The service KPI dashboard: every figure recomputed from the raw cases, in plain Python, and compared
with what the dashboard's queries say, over a few hundred varied cases; and the page and CSV."""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import random
from collections import Counter
from collections.abc import Callable
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from lojal.accounts.models import User
from lojal.accounts.roles import Role
from lojal.cases.kpi_rollup import kpi_rollup_run, kpi_rollup_task
from lojal.cases.kpi_tables import KpiDay, KpiOpened
from lojal.cases.kpis import AGE_BUCKETS, KpiFilters, ServiceKpis, service_kpis
from lojal.cases.models import OPEN_STATUSES, VIP_RANK, Case, Category, Queue, SlaEvent, TimeEntry

pytestmark = pytest.mark.django_db
STOCKHOLM = ZoneInfo("Europe/Stockholm")
NOW = dt.datetime(2026, 12, 7, 15, 30, tzinfo=STOCKHOLM)
STATUSES = ["new", "open", "pending_customer", "pending_third_party", "solved", "closed"]


def _cases(agents: list[User], seed: int = 7, count: int = 400) -> list[Case]:
    """Cases opened from September to early December 2026 (across the autumn clock change), some
    answered, solved, reopened, with and without targets, in two queues and categories."""
    rng = random.Random(seed)
    queues = [Queue.objects.create(name="Kundtjänst"), Queue.objects.create(name="Företag")]
    categories = [Category.objects.create(name="Faktura"), Category.objects.create(name="Leverans")]
    rows = []
    for index in range(count):
        opened = dt.datetime(2026, 9, 1, tzinfo=STOCKHOLM) + dt.timedelta(
            minutes=rng.randrange(0, 97 * 24 * 60)
        )
        status = rng.choice(STATUSES)
        answered = opened + dt.timedelta(minutes=rng.randrange(5, 6000)) if rng.random() < 0.7 else None
        solved = None
        if status in ("solved", "closed"):
            solved = (answered or opened) + dt.timedelta(minutes=rng.randrange(10, 20000))
        has_first = rng.random() < 0.8
        has_resolution = rng.random() < 0.6
        rows.append(
            Case(
                number=f"26-{index + 1:06d}",
                subject=f"Fråga {index}",
                channel=rng.choice(Case.Channel.values),
                status=status,
                priority="normal",
                queue=rng.choice([*queues, None]),
                category=rng.choice([*categories, None]),
                assignee=rng.choice([*agents, None]),
                vip_rank=rng.choice(list(VIP_RANK.values())),
                opened_at=opened,
                first_responded_at=answered,
                first_response_minutes=rng.randrange(0, 3000) if answered else None,
                solved_at=solved,
                resolution_minutes=rng.randrange(0, 9000) if solved else None,
                reopened_count=rng.choice([0, 0, 0, 1, 2]),
                promised_by=opened + dt.timedelta(minutes=rng.randrange(30, 4000))
                if rng.random() < 0.6
                else None,
                first_response_due=opened + dt.timedelta(minutes=rng.randrange(60, 3000))
                if has_first
                else None,
                resolution_due=opened + dt.timedelta(minutes=rng.randrange(600, 20000))
                if has_resolution
                else None,
            )
        )
    cases = Case.objects.bulk_create(rows)
    SlaEvent.objects.bulk_create(
        SlaEvent(
            case=case,
            target=rng.choice(SlaEvent.Target.values),
            kind=rng.choice(SlaEvent.Kind.values),
            started_at=case.opened_at + dt.timedelta(hours=rng.randrange(0, 72)),
            due=case.opened_at + dt.timedelta(hours=80),
            at=case.opened_at + dt.timedelta(hours=90),
        )
        for case in rng.sample(cases, min(120, len(cases)))
    )
    TimeEntry.objects.bulk_create(
        TimeEntry(
            case=rng.choice(cases),
            user=rng.choice(agents),
            minutes=rng.randrange(1, 120),
            spent_on=dt.date(2026, 9, 1) + dt.timedelta(days=rng.randrange(0, 97)),
        )
        for _ in range(300)
    )
    return cases


def _rank(values: list[int], share: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return round(ordered[max(1, math.ceil(share * len(ordered))) - 1] / 60, 2)


def _expected(filters: KpiFilters, now: dt.datetime) -> dict[str, object]:
    """Every figure, from every case's raw values, without a query of the dashboard's."""
    first = dt.datetime.combine(filters.start, dt.time.min, tzinfo=STOCKHOLM)
    after = dt.datetime.combine(filters.end + dt.timedelta(days=1), dt.time.min, tzinfo=STOCKHOLM)
    cases = [
        case
        for case in Case.objects.all()
        if (filters.queue_id is None or case.queue_id == filters.queue_id)
        and (not filters.channel or case.channel == filters.channel)
        and (not filters.vip_tier or case.vip_rank == VIP_RANK[filters.vip_tier])
    ]
    opened = [case for case in cases if first <= case.opened_at < after]
    solved = [case for case in cases if case.solved_at and first <= case.solved_at < after]
    heat = [[0] * 24 for _ in range(7)]
    for case in opened:
        local = case.opened_at.astimezone(STOCKHOLM)
        heat[local.weekday()][local.hour] += 1

    def attained(due: str, done: str) -> tuple[int, int]:
        met = missed = 0
        for case in opened:
            due_at, done_at = getattr(case, due), getattr(case, done)
            if due_at is None:
                continue
            if done_at is not None:
                met, missed = (met + 1, missed) if done_at <= due_at else (met, missed + 1)
            elif due_at < now:
                missed += 1
        return met, missed

    backlog = [case for case in cases if case.status in OPEN_STATUSES]
    ages = []
    for low, high in AGE_BUCKETS:
        ages.append(
            sum(
                1
                for case in backlog
                if case.opened_at <= now - dt.timedelta(days=low)
                and (high is None or case.opened_at > now - dt.timedelta(days=high))
            )
        )
    ids = {case.pk for case in cases}
    minutes: Counter[int] = Counter()
    for entry in TimeEntry.objects.all():
        if filters.start <= entry.spent_on <= filters.end and (
            entry.case_id in ids or not (filters.queue_id or filters.channel or filters.vip_tier)
        ):
            minutes[entry.user_id] += entry.minutes
    answered = [case.first_response_minutes for case in opened if case.first_response_minutes is not None]
    resolved = [case.resolution_minutes for case in solved if case.resolution_minutes is not None]
    return {
        "incoming": len(opened),
        "by_channel": dict(Counter(case.channel for case in opened)),
        "heat": heat,
        "first_response": (len(answered), _rank(answered, 0.5), _rank(answered, 0.9)),
        "resolution": (len(resolved), _rank(resolved, 0.5), _rank(resolved, 0.9)),
        "attainment": [
            attained("first_response_due", "first_responded_at"),
            attained("resolution_due", "solved_at"),
        ],
        "reopen": (len(solved), sum(1 for case in solved if case.reopened_count > 0)),
        "promises": (
            sum(1 for case in solved if case.promised_by and case.status in ("solved", "closed")),
            sum(
                1
                for case in solved
                if case.promised_by
                and case.status in ("solved", "closed")
                and case.first_responded_at
                and case.first_responded_at <= case.promised_by
            ),
        ),
        "next_breaches": sum(
            1
            for event in SlaEvent.objects.all()
            if event.case_id in {case.pk for case in cases}
            and event.target == "next_response"
            and event.kind == "breached"
            and first <= event.started_at < after
        ),
        "backlog_queue": Counter(case.queue_id for case in backlog),
        "backlog_category": Counter(case.category_id for case in backlog),
        "ages": ages,
        "solved_by": Counter(case.assignee_id for case in solved if case.assignee_id),
        "minutes": minutes,
    }


@pytest.mark.parametrize(
    "choose",
    [
        lambda queues: {},
        lambda queues: {"queue_id": queues[0]},
        lambda queues: {"channel": "email"},
        lambda queues: {"vip_tier": "gold"},
    ],
    ids=["all", "queue", "channel", "vip"],
)
@pytest.mark.parametrize("path", ["cases", "rolled up", "rolled up with gaps"])
def test_every_figure_matches_a_recount_from_the_raw_cases(
    make_user: Callable[..., User], choose: Callable[[list[int]], dict[str, object]], path: str
) -> None:
    agents = [make_user(Role.SERVICE_AGENT, name) for name in ("anna", "bo", "cecilia")]
    _cases(agents)
    queues = list(Queue.objects.order_by("pk").values_list("pk", flat=True))
    filters = KpiFilters(start=dt.date(2026, 10, 1), end=dt.date(2026, 12, 31), **choose(queues))  # type: ignore[arg-type]

    with timezone.override(STOCKHOLM):
        if path != "cases":
            kpi_rollup_run(now=NOW)
            assert KpiDay.objects.count() == (dt.date(2026, 12, 6) - dt.date(2026, 9, 1)).days + 1
        if path == "rolled up with gaps":  # days not rolled up (yet) are read from the cases
            KpiDay.objects.filter(
                day__in=[dt.date(2026, 10, 1), dt.date(2026, 11, 15), dt.date(2026, 12, 6)]
            ).delete()
            KpiOpened.objects.filter(day__in=[dt.date(2026, 10, 1), dt.date(2026, 11, 15)]).delete()
        kpis = service_kpis(filters=filters, now=NOW, rolled_up=path != "cases")
        expected = _expected(filters, NOW)

    _assert_figures(kpis, expected)


def test_a_change_to_a_rolled_up_day_is_recomputed_in_the_next_round(make_user: Callable[..., User]) -> None:
    agents = [make_user(Role.SERVICE_AGENT, name) for name in ("anna", "bo")]
    _cases(agents, count=200)
    filters = KpiFilters(start=dt.date(2026, 10, 1), end=dt.date(2026, 12, 31))
    Case.objects.update(updated_at=timezone.now() - dt.timedelta(days=1))  # saved long before the roll-up
    with timezone.override(STOCKHOLM):
        kpi_rollup_run(now=NOW - dt.timedelta(hours=1))
        solved = Case.objects.filter(
            solved_at__lt=dt.datetime(2026, 11, 1, tzinfo=STOCKHOLM),
            opened_at__gte=dt.datetime(2026, 10, 1, tzinfo=STOCKHOLM),
        ).order_by("pk")
        reopened, answered = (
            solved[0],
            Case.objects.filter(
                first_responded_at__isnull=True, opened_at__lt=NOW - dt.timedelta(days=3)
            ).order_by("pk")[0],
        )
        reopened.status, reopened.solved_at, reopened.reopened_count = (
            "open",
            None,
            reopened.reopened_count + 1,
        )
        reopened.save()
        answered.first_responded_at, answered.first_response_minutes = NOW - dt.timedelta(minutes=5), 4321
        answered.save()
        stale = service_kpis(filters=filters, now=NOW)
        before = _expected(filters, NOW)

        result = kpi_rollup_run(now=NOW)
        kpis = service_kpis(filters=filters, now=NOW)
        expected = _expected(filters, NOW)

    assert result.changed_cases == 2
    assert stale.solved == before["reopen"][0] + 1  # the roll-up still counted the reopened case as solved
    _assert_figures(kpis, expected)


def _assert_figures(kpis: ServiceKpis, expected: dict[str, object]) -> None:
    assert kpis.incoming == expected["incoming"] > 0
    assert {key: count for key, _label, count in kpis.by_channel} == expected["by_channel"]
    assert kpis.heat == expected["heat"]
    assert (
        kpis.first_response.count,
        kpis.first_response.median_hours,
        kpis.first_response.p90_hours,
    ) == expected["first_response"]
    assert (kpis.resolution.count, kpis.resolution.median_hours, kpis.resolution.p90_hours) == expected[
        "resolution"
    ]
    assert [(row.met, row.missed) for row in kpis.attainment] == expected["attainment"]
    assert (kpis.solved, kpis.reopened) == expected["reopen"]
    assert (kpis.promised, kpis.promises_kept) == expected["promises"]
    assert kpis.promised > 0 and kpis.next_response_breaches == expected["next_breaches"]
    names = dict(Queue.objects.values_list("name", "pk"))
    assert {names.get(label): count for label, count in kpis.backlog_by_queue} == expected["backlog_queue"]
    categories = dict(Category.objects.values_list("name", "pk"))
    assert {categories.get(label): count for label, count in kpis.backlog_by_category} == expected[
        "backlog_category"
    ]
    assert [count for _label, count in kpis.backlog_by_age] == expected["ages"]
    assert {row.user_id: row.solved for row in kpis.agents if row.solved} == expected["solved_by"]
    assert {row.user_id: row.minutes for row in kpis.agents if row.minutes} == expected["minutes"]


def test_the_dashboard_shows_the_figures_and_the_csv_carries_them(
    client: Client, make_user: Callable[..., User]
) -> None:
    manager = make_user(Role.MANAGER, "maja")
    agents = [make_user(Role.SERVICE_AGENT, "anna")]
    _cases(agents, count=60)
    client.force_login(manager)
    query = {"start": "2026-09-01", "end": "2026-12-31"}

    page = client.get("/service/kpis/", query)
    download = client.get("/service/kpis/kpis.csv", query)

    with timezone.override(STOCKHOLM):
        kpis = service_kpis(filters=KpiFilters(start=dt.date(2026, 9, 1), end=dt.date(2026, 12, 31)))
    assert page.status_code == 200
    assert f'data-testid="kpi-incoming">{kpis.incoming}<' in page.content.decode()
    rows = list(csv.reader(io.StringIO(download.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["Section", "Item", "Value"]
    assert ["Incoming", "Cases opened", str(kpis.incoming)] in rows
    assert download["Content-Disposition"] == 'attachment; filename="service-kpis-2026-09-01-2026-12-31.csv"'


def test_a_period_ending_before_it_starts_is_refused_with_its_reason(
    client: Client, make_user: Callable[..., User]
) -> None:
    client.force_login(make_user(Role.MANAGER, "maja"))

    page = client.get("/service/kpis/", {"start": "2026-12-01", "end": "2026-11-01"})

    assert page.status_code == 400
    assert "The period ends before it starts." in page.content.decode()


@pytest.mark.parametrize(
    ("role", "status"),
    [(Role.SERVICE_AGENT, 403), (Role.SALES, 403), (Role.READ_ONLY, 200), (Role.MANAGER, 200)],
)
def test_who_reads_the_figures(
    client: Client, make_user: Callable[..., User], role: str, status: int
) -> None:
    client.force_login(make_user(role, "someone"))

    assert client.get("/service/kpis/").status_code == status


def test_the_business_minutes_to_the_answer_and_to_solving_are_stamped_in_the_queues_calendar(
    admin_user: User,
) -> None:
    from lojal.calendars.models import BusinessCalendar
    from lojal.cases import services
    from lojal.cases.replies import case_reply
    from tests import factories

    sweden = BusinessCalendar.objects.get(country="SE", is_shipped=True)
    queue = Queue.objects.create(name="Kundtjänst", calendar=sweden)
    customer = factories.person(emails=["kund@example.se"])
    # Friday 16:30 in Stockholm; answered Monday 08:15; solved Monday 09:00 (Mon-Fri 08:00-17:00).
    friday = dt.datetime(2026, 12, 4, 16, 30, tzinfo=STOCKHOLM)
    case = services.case_open(
        actor=None,
        subject="Fakturan",
        channel="email",
        customer_id=customer.pk,
        queue_id=queue.pk,
        opened_at=friday,
    )
    monday = dt.datetime(2026, 12, 7, 8, 15, tzinfo=STOCKHOLM)
    with mock.patch.object(timezone, "now", return_value=monday):
        case_reply(actor=admin_user, case_id=case.pk, text="Vi tittar på det.")
    services.case_change(
        actor=admin_user, case_id=case.pk, changes={"status": "solved"}, at=monday + dt.timedelta(minutes=45)
    )

    case.refresh_from_db()
    assert (case.first_response_minutes, case.resolution_minutes) == (30 + 15, 30 + 60)
    services.case_change(actor=admin_user, case_id=case.pk, changes={"status": "open"})
    case.refresh_from_db()
    assert (case.first_response_minutes, case.resolution_minutes) == (45, None)


def test_the_command_rolls_up_closed_days_only_and_a_quiet_round_writes_nothing(
    make_user: Callable[..., User],
) -> None:
    _cases([make_user(Role.SERVICE_AGENT, "anna")], count=80)
    Case.objects.update(updated_at=timezone.now() - dt.timedelta(days=1))
    out = io.StringIO()
    with timezone.override(STOCKHOLM), mock.patch("django.utils.timezone.now", return_value=NOW):
        call_command("kpi_rollup", "--days", "2026-12-01", "2026-12-31", stdout=out)
        days = sorted(KpiDay.objects.values_list("day", flat=True))
        stamps = set(KpiDay.objects.values_list("computed_at", flat=True))
        quiet = kpi_rollup_run(now=NOW + dt.timedelta(minutes=10))

    assert out.getvalue() == "6 days rolled up.\n"
    assert days == [dt.date(2026, 12, day) for day in range(1, 7)]  # today (the 7th) stays live
    assert quiet.days == 0 and quiet.changed_cases == 0
    assert set(KpiDay.objects.values_list("computed_at", flat=True)) == stamps


def test_the_worker_task_runs_a_round_and_the_first_rolls_up_every_closed_day(
    make_user: Callable[..., User],
) -> None:
    _cases([make_user(Role.SERVICE_AGENT, "anna")], count=40)
    first_day = timezone.localdate(Case.objects.order_by("opened_at").values_list("opened_at", flat=True)[0])
    closed = (timezone.localdate() - first_day).days

    result = kpi_rollup_task.enqueue()

    assert result.return_value == f"days={closed} changed=0"
    assert KpiDay.objects.count() == closed
    assert not KpiDay.objects.filter(day=timezone.localdate()).exists()
