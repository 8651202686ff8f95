"""Background work for customers: thin wrappers that load ids and call a service."""

from __future__ import annotations

from django_tasks import task

from lojal.customers import duplicates


@task()
def duplicates_check_task(customer_ids: list[int]) -> int:
    """Look for duplicates of customers created in a batch; safe to run twice (suspicions are upserted)."""
    return duplicates.duplicates_check(customer_ids=customer_ids)
