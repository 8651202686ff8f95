"""The audit log's filters, read the same way by the page and the API: customer, staff member,
action (or every read of personal data) and a date range in the installation's time zone."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lojal.core.models import AuditEntry
from lojal.core.selectors import READS, audit_list
from lojal.core.widgets import LocalDateField

#: Every action the log holds, with the words the page shows (the model's choices plus the actions
#: services record by name).
ACTION_LABELS: dict[str, Any] = {
    **dict(AuditEntry.Action.choices),
    READS: _("every read of personal data"),
    "read": _("opened the customer"),
    "reveal": _("revealed the national number"),
    "customer.exported": _("exported the customer's data"),
    "customer.erased": _("erased the customer"),
    "delete_file": _("deleted the file"),
    "cancel": _("cancelled"),
    "import": _("committed an import"),
    "sms.queued": _("queued a text message"),
    "email.queued": _("queued an email"),
    "email.retried": _("sent an email again"),
    "interaction.logged": _("logged a contact"),
    "interaction.linked": _("linked a message to a customer"),
    "legal_hold.placed": _("placed a legal hold"),
    "legal_hold.lifted": _("lifted a legal hold"),
    "token": _("created or revoked an API token"),
}

#: Where a read happened, as the audit page names it.
VIA_LABELS: dict[str, Any] = {"page": _("customer page"), "api": _("API"), "edit form": _("edit form")}


@dataclass(frozen=True)
class AuditFilters:
    object_type: str = ""
    object_id: str = ""
    actor_id: int | None = None
    action: str = ""
    since: dt.date | None = None
    until: dt.date | None = None
    customer_id: int | None = None

    def entries(self) -> Any:
        object_type, object_id = self.object_type, self.object_id
        if self.customer_id:
            object_type, object_id = "customers.customer", str(self.customer_id)
        return audit_list(
            object_type=object_type,
            object_id=object_id,
            actor_id=self.actor_id,
            action=self.action,
            since=_start_of(self.since),
            until=_start_of(self.until + dt.timedelta(days=1)) if self.until else None,
        )


def _start_of(day: dt.date | None) -> dt.datetime | None:
    """Midnight at the start of ``day`` in the installation's time zone."""
    if day is None:
        return None
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min), timezone.get_default_timezone())


def parse_day(text: str) -> dt.date | None:
    """A day typed in the page language's format (or ISO); None when empty or not a day."""
    try:
        return LocalDateField(required=False).clean(text.strip()[:20])
    except DjangoValidationError:
        return None


def parse_id(text: str) -> int | None:
    text = text.strip()
    return int(text) if text.isdigit() and len(text) <= 18 else None
