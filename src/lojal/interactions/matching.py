"""Who sent this? An email address or phone number (any format) to a live customer: first what staff
linked by hand before (the remembered senders), then the customers' own addresses and numbers."""

from __future__ import annotations

from lojal.core.contact_points import phone_candidates
from lojal.customers.models import Customer, EmailAddress, PhoneNumber
from lojal.interactions.models import SenderIdentity


def _live(customer_id: int | None) -> int | None:
    """Follow merges to the customer that lives on; None for a deleted one."""
    seen: set[int] = set()
    while customer_id is not None and customer_id not in seen:
        seen.add(customer_id)
        row = Customer.objects.filter(pk=customer_id).values_list("deleted_at", "merged_into_id").first()
        if row is None:
            return None
        deleted_at, merged_into = row
        if deleted_at is None:
            return customer_id
        customer_id = merged_into
    return None


def sender_key(value: str) -> str:
    """The form a sender is remembered under: a lower-case address, or the first E.164 reading of a number."""
    text = value.strip()
    if "@" in text:
        return text.lower()
    candidates = phone_candidates(text) if text else []
    return candidates[0] if candidates else text


def customer_for_sender(value: str) -> int | None:
    """The id of the live customer ``value`` (an email address or a phone number) belongs to, or None."""
    text = value.strip()
    if not text:
        return None
    if "@" in text:
        keys = [text.lower()]
    else:
        keys = phone_candidates(text)
        if not keys:
            return None
    remembered = SenderIdentity.objects.filter(address__in=keys).values_list("customer_id", flat=True).first()
    if remembered is not None and (live := _live(remembered)) is not None:
        return live
    rows = (
        EmailAddress.objects.of_live_customers().filter(address=keys[0]).values_list("customer_id", flat=True)
        if "@" in text
        else PhoneNumber.objects.of_live_customers()
        .filter(number__in=keys)
        .values_list("customer_id", flat=True)
    )
    return rows.order_by("-is_primary", "customer_id").first()
