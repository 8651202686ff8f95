"""The audit of reads of personal data (GDPR): who opened which customer's 360 view (page or API) and
who revealed a full national identity number, when, and why where a reason is asked
(LOJAL_NATIONAL_ID_REASON_REQUIRED). Each read costs one INSERT into the audit log."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from lojal.core.audit import audit_read
from lojal.core.errors import PermissionDenied, ValidationError
from lojal.core.nordic_ids import national_id_mask
from lojal.customers import selectors

#: Actions in the audit log for reads (the export records "customer.exported").
READ = "read"
REVEAL = "reveal"
OBJECT_TYPE = "customers.customer"
REASON_MAX_LENGTH = 200


def reason_required() -> bool:
    return bool(settings.NATIONAL_ID_REASON_REQUIRED)


def reason_clean(reason: str | None) -> str:
    """The reason as stored: trimmed, one line, at most :data:`REASON_MAX_LENGTH` characters."""
    return " ".join((reason or "").split())[:REASON_MAX_LENGTH]


def customer_read_record(
    *, actor: Any, customer_id: int, label: str, via: str, national_id_shown: bool = False, reason: str = ""
) -> None:
    """Record that ``actor`` opened the customer's 360 view through ``via`` ("page" or "api"). A read
    that showed the full national number is recorded as a reveal, so one read is one entry."""
    details: dict[str, Any] = {"via": via}
    if reason:
        details["reason"] = reason
    audit_read(
        actor=actor,
        action=REVEAL if national_id_shown else READ,
        object_type=OBJECT_TYPE,
        object_id=customer_id,
        label=label,
        details=details,
    )


@dataclass(frozen=True)
class Revealed:
    national_id: str
    country: str
    kind: str


def national_id_needs_reveal(*, kind: str, formatted: str) -> bool:
    """Whether the number hides something when masked (organisation numbers are shown as they are)."""
    return bool(formatted) and national_id_mask(kind=kind, formatted=formatted) != formatted


def national_id_reveal(*, actor: Any, customer_id: int, reason: str | None, via: str) -> Revealed:
    """The customer's full national number for ``actor``, recorded in the audit log with the reason.
    Refused (403) for roles that may not see numbers, and (422) without a reason when one is required."""
    if not selectors.national_ids_visible_to(actor):
        raise PermissionDenied(_("Your role may not see national identity numbers."))
    cleaned = reason_clean(reason)
    if reason_required() and not cleaned:
        raise ValidationError.for_field(
            "reason", _("Say why you need to see the full national identity number.")
        )
    customer = selectors.customer_national_id_get(customer_id=customer_id)
    if national_id_needs_reveal(kind=customer["national_id_kind"], formatted=customer["national_id_display"]):
        details: dict[str, Any] = {"via": via, "field": "national_id"}
        if cleaned:
            details["reason"] = cleaned
        audit_read(
            actor=actor,
            action=REVEAL,
            object_type=OBJECT_TYPE,
            object_id=customer_id,
            label=customer["display_name"],
            details=details,
        )
    return Revealed(
        national_id=customer["national_id_display"],
        country=customer["national_id_country"],
        kind=customer["national_id_kind"],
    )
