"""What every app shares for a data subject's rights (GDPR articles 15 and 17): the person whose data is
exported or erased, and one section of an export. Each app describes its own data in its ``privacy``
module with these; the ``privacy`` app puts the sections in one archive and runs the erasures in turn."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet

from lojal.core.models import AuditEntry

#: What an erased free text or an erased value in the audit log reads.
ERASED = "(erased)"


@dataclass(frozen=True)
class DataSubject:
    """The person whose data is exported or erased, with every value another app may have copied from
    their record (an email address in an inbound message's sender, a national number in an import's
    rejected row). ``customer_ids`` holds the customer and every record merged into it."""

    customer_id: int
    customer_ids: tuple[int, ...]
    names: frozenset[str] = frozenset()
    emails: frozenset[str] = frozenset()
    phones: frozenset[str] = frozenset()
    national_ids: frozenset[str] = frozenset()

    @property
    def identifiers(self) -> frozenset[str]:
        """Every value that names or reaches the person, in the spellings stored, lower-cased."""
        return frozenset(
            value.casefold()
            for value in (*self.names, *self.emails, *self.phones, *self.national_ids)
            if value
        )

    def mentioned_in(self, text: str) -> bool:
        """Whether ``text`` holds an address, phone or national number of the person (names alone are
        too common to decide on)."""
        folded = text.casefold()
        return any(
            value and value.casefold() in folded for value in (*self.emails, *self.phones, *self.national_ids)
        )


@dataclass(frozen=True)
class ExportFile:
    """A file in the archive beside the JSON and CSV: a raw email, an attachment."""

    path: str
    content: bytes


@dataclass(frozen=True)
class ExportSection:
    """One kind of data about the person: ``name`` is its key in ``customer.json`` and its CSV's name.

    ``rows`` and ``files`` are callables so that the archive can read them twice (once for the JSON,
    once for the CSV) without holding them: each call gives a fresh iterator, typically a queryset's
    ``.iterator()``. ``single`` marks a section of one record (the customer itself): an object in the
    JSON, one row in the CSV."""

    name: str
    title: str
    columns: tuple[str, ...]
    rows: Callable[[], Iterable[dict[str, Any]]]
    files: Callable[[], Iterator[ExportFile]] | None = None
    single: bool = False
    notes: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


def audit_entries_about(*, object_type: str, object_ids: list[str]) -> QuerySet[AuditEntry]:
    """Every audit entry about these objects, oldest first: the audit log's part of an export."""
    return (
        AuditEntry.objects.filter(object_type=object_type, object_id__in=object_ids)
        .select_related("actor")
        .order_by("occurred_at", "id")
    )


def erased_changes(changes: Any) -> Any:
    """An audit entry's changes with every value replaced by :data:`ERASED`; the field names stay, so
    the log still says which fields changed and when."""
    if isinstance(changes, dict):
        return {str(key): ERASED for key in changes}
    return {}
