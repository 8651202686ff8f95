"""The desk's setup as the case page's forms offer it: active queues, categories (with their parents'
names) and macros. Every case page load shows them and they change a few times a year, so each web
process keeps them in memory, checked against a version number in the database (one indexed read
of a row in ``core_sequence``) that the services writing queues, categories and macros bump in the
same transaction as their write. Any process therefore sees a change on its next page load; writes
made around the services (the admin, a data migration) show within :data:`MAX_AGE_SECONDS`."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from django.db.models import F, Subquery
from django.db.models.functions import Coalesce

from lojal.cases.models import Category, Macro, Queue
from lojal.core.models import Sequence

#: The row of ``core_sequence`` whose value changes whenever a queue, category or macro does.
VERSION_NAME = "cases.desk_setup"
#: A safety net for writes that do not go through the services.
MAX_AGE_SECONDS = 60.0


@dataclass(frozen=True)
class Choice:
    """One entry of a select: its id and the words shown (a subcategory's with its parent's name)."""

    pk: int
    name: str
    parent_name: str = ""


@dataclass(frozen=True)
class DeskSetup:
    queues: tuple[Choice, ...]
    categories: tuple[Choice, ...]
    macros: tuple[Choice, ...]


_lock = threading.Lock()
_cached: tuple[int, float, DeskSetup] | None = None


def desk_setup_changed() -> None:
    """Called by the services that write queues, categories and macros, inside their transaction:
    every process loads the setup again on its next page."""
    if not Sequence.objects.filter(name=VERSION_NAME).update(last_value=F("last_value") + 1):
        Sequence.objects.get_or_create(name=VERSION_NAME, defaults={"last_value": 1})


def desk_setup_version() -> int:
    return Sequence.objects.filter(name=VERSION_NAME).values_list("last_value", flat=True).first() or 0


def desk_setup_version_subquery() -> Coalesce:
    """The version as a subquery, for a page to read it with its first query instead of on its own."""
    return Coalesce(Subquery(Sequence.objects.filter(name=VERSION_NAME).values("last_value")[:1]), 0)


def desk_setup_forget() -> None:
    """Drop this process's copy (tests, whose databases roll back under a kept process)."""
    global _cached
    with _lock:
        _cached = None


def _load() -> DeskSetup:
    categories = Category.objects.filter(is_active=True).values_list("pk", "name", "parent__name")
    return DeskSetup(
        queues=tuple(
            Choice(pk=pk, name=name)
            for pk, name in Queue.objects.filter(is_active=True).order_by("name").values_list("pk", "name")
        ),
        categories=tuple(
            Choice(pk=pk, name=name, parent_name=parent or "") for pk, name, parent in categories
        ),
        macros=tuple(
            Choice(pk=pk, name=name)
            for pk, name in Macro.objects.filter(is_active=True).order_by("name").values_list("pk", "name")
        ),
    )


def desk_setup(*, version: int | None = None) -> DeskSetup:
    """The active queues, categories and macros: this process's copy while the version (read here
    unless given, from :func:`desk_setup_version_subquery`) is unchanged and younger than
    :data:`MAX_AGE_SECONDS`, else read again (three small queries)."""
    global _cached
    if version is None:
        version = desk_setup_version()
    now = time.monotonic()
    cached = _cached
    if cached is not None and cached[0] == version and now - cached[1] < MAX_AGE_SECONDS:
        return cached[2]
    setup = _load()
    with _lock:
        _cached = (version, now, setup)
    return setup
