"""A lead from someone who wrote in (a web form, the chat, an email, a text or a call): one shape of
new customer for every door, or the customer they already are."""

from __future__ import annotations

from typing import Any

from lojal.core.contact_points import email_normalise, phone_candidates
from lojal.core.errors import ValidationError
from lojal.customers.creation import customer_create
from lojal.customers.models import Customer, EmailAddress, Language, PhoneNumber

NAME_MAX = 100


def lead_from_contact(
    *, actor: Any, name: str, email: str = "", phone: str = "", language: str = ""
) -> Customer:
    """The live customer with this email address (else this phone number), or a new lead with the
    name, address and number given. ``name`` is split on its first space into first and last name;
    without one the address or number stands in for it."""
    found = customer_with_contact(email=email, phone=phone)
    if found is not None:
        return found
    cleaned = (name or "").replace("\x00", "").strip().strip('"').strip()
    cleaned = cleaned or email.split("@")[0].strip() or phone.strip()
    first, _space, last = cleaned.partition(" ")
    data: dict[str, Any] = {
        "kind": "person",
        "first_name": first[:NAME_MAX] if last else "",
        "last_name": (last.strip() or first)[:NAME_MAX],
        "emails": [email] if email else [],
        "phones": [phone] if phone else [],
    }
    if language in Language.values:
        data["preferred_language"] = language
    return customer_create(actor=actor, data=data)


def customer_with_contact(*, email: str = "", phone: str = "") -> Customer | None:
    """The live customer who has this email address, else this phone number (a primary one first)."""
    owner = None
    address = _normalised(email)
    if address:
        owner = (
            EmailAddress.objects.of_live_customers()
            .filter(address=address)
            .order_by("-is_primary", "customer_id")
            .values_list("customer_id", flat=True)
            .first()
        )
    if owner is None and phone.strip() and (numbers := phone_candidates(phone.strip())):
        owner = (
            PhoneNumber.objects.of_live_customers()
            .filter(number__in=numbers)
            .order_by("-is_primary", "customer_id")
            .values_list("customer_id", flat=True)
            .first()
        )
    return Customer.objects.live().filter(pk=owner).first() if owner is not None else None


def _normalised(email: str) -> str:
    try:
        return email_normalise(email) if email.strip() else ""
    except ValidationError:
        return ""  # matches no one; creating the lead then names the bad address
