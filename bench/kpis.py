"""The service KPI dashboard for the current quarter, timed in this process through Django's test
client (the whole view and template, no HTTP) as bench/cases.py's pages are, on the database a
``python -m bench cases --keep`` run left (migrated first). With ``--build`` the daily roll-up is
rebuilt from nothing by the worker's round (timed), then one more round with nothing changed (timed).
``--mode cases`` times the page with every day read from the cases (the roll-up ignored), for a
comparison in the same conditions; run with ``PYTHONPATH=<a checkout before the roll-up>/src`` and
``--mode before`` to time that code (it then neither migrates nor imports the roll-up)."""

from __future__ import annotations

import argparse
import statistics
import time
from typing import Any
from unittest import mock

from bench.cases import DATABASE_NAME
from bench.customers import BENCH_USER, HOST, _load_average, _say, database_prepare, server_env
from bench.databases import RESULTS, bench_database, lojal_command
from bench.http import percentile
from bench.loading import django_setup


def add_parser(sub: Any) -> None:
    parser = sub.add_parser(
        "kpis", help="Time the KPI dashboard for the current quarter (p50/p95) in-process."
    )
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="postgres")
    parser.add_argument(
        "--database-name", default=DATABASE_NAME, help="a database a `bench cases --keep` left"
    )
    parser.add_argument("--runs", type=int, default=20, help="timed page views (default 20)")
    parser.add_argument("--mode", choices=("rollup", "cases", "before"), default="rollup")
    parser.add_argument("--build", action="store_true", help="rebuild the roll-up from nothing first (timed)")


def run(args: argparse.Namespace) -> int:
    database = bench_database(args.database, args.database_name)
    env = server_env(database.url, RESULTS / f"var-kpis-{args.database}")
    facts = {"load average before": _load_average()}
    if args.mode == "before":
        lojal_command(["collectstatic", "--noinput"], env)
        django_setup(env)
    elif not database_prepare(database, env, reuse=True, creating="", migrate_on_reuse=True):
        return 2
    if args.build:
        facts.update(_build())
    facts["load average at the pages"] = _load_average()
    timings = _dashboard(args.runs, args.mode)
    facts["load average after"] = _load_average()
    print(f"KPI dashboard, this quarter ({args.mode}), {len(timings)} runs on {args.database_name}:")
    print(
        f"  p50 {percentile(timings, 0.5):,.1f} ms  p95 {percentile(timings, 0.95):,.1f} ms"
        f"  mean {statistics.fmean(timings):,.1f} ms  min {min(timings):,.1f} ms"
    )
    for name, value in facts.items():
        print(f"  {name}: {value}")
    return 0


def _build() -> dict[str, str]:
    from django.db import transaction

    from lojal.cases.kpi_rollup import kpi_rollup_run
    from lojal.cases.kpi_tables import KpiDay, KpiMinutes, KpiOpened, KpiSolved

    with transaction.atomic():
        for model in (KpiDay, KpiOpened, KpiSolved, KpiMinutes):
            model.objects.all().delete()
    _say("Building the roll-up from nothing (the worker's first round)")
    began = time.perf_counter()
    first = kpi_rollup_run()
    built = time.perf_counter() - began
    began = time.perf_counter()
    again = kpi_rollup_run()
    round_ms = (time.perf_counter() - began) * 1000
    return {
        "first round (every day)": f"{first.days:,} days in {built:,.1f} s",
        "rows": f"opened {KpiOpened.objects.count():,}, solved {KpiSolved.objects.count():,}, "
        f"minutes {KpiMinutes.objects.count():,}",
        "next round, nothing changed": f"{again.days} days, {again.changed_cases} changed cases, {round_ms:,.0f} ms",
    }


def _dashboard(runs: int, mode: str) -> list[float]:
    from django.test import Client
    from django.utils import timezone

    from lojal.accounts.models import User
    from lojal.cases.kpi_views import quarter_of

    client = Client(HTTP_HOST=HOST)
    client.force_login(User.objects.get(username=BENCH_USER))
    start, end = quarter_of(timezone.localdate())
    quarter = {"start": start.isoformat(), "end": end.isoformat()}
    patch: Any = mock.patch.dict({})
    if mode == "cases":
        from functools import partial

        from lojal.cases import kpi_views
        from lojal.cases.kpis import service_kpis

        patch = mock.patch.object(kpi_views, "service_kpis", partial(service_kpis, rolled_up=False))
    timings: list[float] = []
    with patch:
        for number in range(runs + 2):  # two to warm the caches and the connection
            began = time.perf_counter()
            response = client.get("/service/kpis/", quarter)
            elapsed = (time.perf_counter() - began) * 1000
            if response.status_code != 200:
                raise RuntimeError(f"/service/kpis/ answered {response.status_code}")
            if number >= 2:
                timings.append(elapsed)
    return timings
