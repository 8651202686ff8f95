"""Business-minute arithmetic speed: ``add_minutes`` and ``minutes_between`` on the shipped Swedish
calendar (Monday-Friday 08:00-17:00, Swedish public and de facto holidays) and on a calendar with a
lunch break and a night shift, for N random open cases (starts spread over two years, targets from an
hour to two working weeks), as a service-level recompute would call them.

    .venv/bin/python -m bench.calendars --calls 100000

Pure Python, no database: prints calls per second, microseconds per call and the machine's load.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import time
from functools import partial

from lojal.calendars.arithmetic import BusinessHours
from lojal.calendars.public_holidays import closed_dates

T = dt.time
TARGETS = (60, 240, 480, 8 * 60 * 3, 40 * 60, 80 * 60)


def _calendars() -> dict[str, BusinessHours]:
    return {
        "Sweden 08-17": BusinessHours(
            time_zone="Europe/Stockholm",
            weekly=[((T(8), T(17)),)] * 5 + [(), ()],
            closed_on=partial(closed_dates, "SE"),
        ),
        "lunch + night shift": BusinessHours(
            time_zone="Europe/Stockholm",
            weekly=[((T(0), T(6)), (T(8), T(12)), (T(13), T(17)))] * 5 + [((T(10), T(14)),), ()],
            closed_on=partial(closed_dates, "SE"),
        ),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--calls", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    options = parser.parse_args()
    rng = random.Random(options.seed)
    origin = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    starts = [origin + dt.timedelta(seconds=rng.randrange(0, 2 * 365 * 86400)) for _ in range(options.calls)]
    targets = [rng.choice(TARGETS) for _ in range(options.calls)]
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    for name, hours in _calendars().items():
        began = time.perf_counter()
        hours.add_minutes(origin, 1)
        hours.add_minutes(origin + dt.timedelta(days=800), 1)
        layout = time.perf_counter() - began
        began = time.perf_counter()
        dues = [hours.add_minutes(start, minutes) for start, minutes in zip(starts, targets, strict=True)]
        adding = time.perf_counter() - began
        began = time.perf_counter()
        for start, due in zip(starts, dues, strict=True):
            hours.minutes_between(start, due)
        between = time.perf_counter() - began
        n = options.calls
        print(
            f"{name}: first use (lays out 3 years) {layout * 1000:.1f} ms; "
            f"add_minutes {n / adding:,.0f} calls/s ({adding / n * 1e6:.2f} µs/call, {n:,} calls {adding:.2f} s); "
            f"minutes_between {n / between:,.0f} calls/s ({between / n * 1e6:.2f} µs/call)"
        )
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
