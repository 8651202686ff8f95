"""Bulk loading of generated customers through ``customers_create_batch``, in one process or several.

The generator runs once, in this process, so email addresses stay unique over the whole set; worker
processes (PostgreSQL only) each take whole batches of 1,000 and write them through the service.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import random
import sys
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass
from typing import Any

BATCH = 1000


def django_setup(env: dict[str, str]) -> None:
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lojal.settings")
    import django

    django.setup()


def _worker_batch(items: list[dict[str, Any]], actor_id: int) -> int:
    from lojal.accounts.models import User
    from lojal.customers.creation import customers_create_batch

    actor = User.objects.get(pk=actor_id)
    return len(customers_create_batch(actor=actor, items=items))


def _chunks(records: Iterator[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    chunk: list[dict[str, Any]] = []
    for record in records:
        chunk.append(record)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


class Progress:
    """Rows done, rate and time left on stderr."""

    def __init__(self, label: str, total: int) -> None:
        self.label, self.total, self.done = label, max(total, 1), 0
        self.started = time.monotonic()

    def advance(self, count: int) -> None:
        self.done += count
        elapsed = max(time.monotonic() - self.started, 1e-6)
        rate = self.done / elapsed
        left = (self.total - self.done) / rate if rate else 0
        end = "\n" if self.done >= self.total else ""
        sys.stderr.write(
            f"\r{self.label}: {self.done:,}/{self.total:,}  {rate:,.0f}/s  {int(left) // 60}:{int(left) % 60:02d} left"
            f"   {end}"
        )
        sys.stderr.flush()


@dataclass
class LoadStats:
    customers: int
    seconds: float
    processes: int

    @property
    def per_second(self) -> float:
        return self.customers / self.seconds if self.seconds else 0.0


def load_customers(
    *, count: int, seed: int, start_index: int, actor_id: int, processes: int, env: dict[str, str]
) -> LoadStats:
    from lojal.accounts.models import User
    from lojal.customers.creation import customers_create_batch
    from lojal.demo.generator import generate_customers

    actor = User.objects.get(pk=actor_id)
    chunks = _chunks(generate_customers(count, seed=seed, start_index=start_index), BATCH)
    progress = Progress("loading customers", count)
    started = time.perf_counter()
    first = next(chunks, None)
    if first:
        # The first batch creates the tags; parallel batches would race to create the same ones.
        progress.advance(len(customers_create_batch(actor=actor, items=first)))
    if processes <= 1:
        for chunk in chunks:
            progress.advance(len(customers_create_batch(actor=actor, items=chunk)))
    else:
        from django.db import connections

        connections.close_all()
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(
            processes, mp_context=context, initializer=django_setup, initargs=(env,)
        ) as pool:
            running: set[Future[int]] = set()
            for chunk in chunks:
                if len(running) >= processes * 2:
                    done, running = wait(running, return_when=FIRST_COMPLETED)
                    for future in done:
                        progress.advance(future.result())
                running.add(pool.submit(_worker_batch, chunk, actor_id))
            for future in running:
                progress.advance(future.result())
    return LoadStats(count, time.perf_counter() - started, max(processes, 1))


def add_timeline_notes(*, customer_ids: Sequence[int], per_customer: int, actor_id: int) -> int:
    """``per_customer`` note events for each customer, spread over the last two years, in bulk."""
    from django.utils import timezone

    from lojal.timeline import events as timeline_events
    from lojal.timeline.services import events_record_many

    rng = random.Random(42)
    now = timezone.now()
    events = [
        timeline_events.note_added(
            customer_id=customer_id,
            text=f"Benchmark note {number + 1}: called about the order\nAgreed on a delivery date.",
            occurred_at=now - dt.timedelta(minutes=rng.randint(60, 2 * 365 * 24 * 60)),
            actor_id=actor_id,
        )
        for customer_id in customer_ids
        for number in range(per_customer)
    ]
    events_record_many(events)
    return len(events)
