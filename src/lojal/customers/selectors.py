"""Reads for customers: filtered lists in keyset order, the customer 360 view, search, duplicates."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lojal.accounts.roles import Action
from lojal.core.errors import NotFound, ValidationError
from lojal.core.nordic_ids import national_id_mask
from lojal.customers.models import (
    ContactPerson,
    Country,
    Customer,
    DuplicateSuspicion,
    EmailAddress,
    PhoneNumber,
)
from lojal.customers.search import SearchHit, customer_search_ids
from lojal.timeline import selectors as timeline_selectors

SORTS = {
    "name": ("sort_name", "id"),
    "-name": ("-sort_name", "-id"),
    "number": ("customer_number",),
    "-number": ("-customer_number",),
    "created": ("created_at", "id"),
    "-created": ("-created_at", "-id"),
}
PAGE_SIZE_MAX = 200
#: The most search hits the customer list pages through; more means the search should be narrowed.
SEARCH_PAGE_MAX = 300


def national_ids_visible_to(user: Any) -> bool:
    """True when ``user`` may see national identity numbers in full and learn whose a number is."""
    can = getattr(user, "can", None)
    return bool(can is not None and can(Action.NATIONAL_ID_VIEW))


def national_id_shown(*, user: Any, kind: str, formatted: str) -> str:
    """A customer's national number as ``user`` may see it: in full or masked. Every page, form and API
    answer that shows a number takes it from here, so that one rule decides who sees what."""
    if national_ids_visible_to(user):
        return formatted
    return national_id_mask(kind=kind, formatted=formatted)


@dataclass
class CustomerFilters:
    """The filters the customer list offers, shared by the pages and the API."""

    stage: str = ""
    vip_tier: str = ""
    tag: str = ""
    account_manager_id: int | None = None
    country: str = ""
    kind: str = ""
    q: str = ""
    extra: dict[str, Any] = field(default_factory=dict)
    #: Whether ``q`` may find a customer by national number (see :func:`national_ids_visible_to`).
    match_national_id: bool = True


def customer_filters_from_query(params: Mapping[str, str], *, user: Any) -> CustomerFilters:
    """The list's filters as a page's query string gives them (``q``, ``stage``, ``tier``, ``tag``,
    ``country``, ``kind``, ``manager``): one reading for the list, its bulk actions and its exports."""
    manager = params.get("manager", "")
    return CustomerFilters(
        q=params.get("q", "").strip(),
        stage=params.get("stage", ""),
        vip_tier=params.get("tier", ""),
        tag=params.get("tag", ""),
        country=params.get("country", ""),
        kind=params.get("kind", ""),
        account_manager_id=int(manager) if manager.isdigit() else None,
        match_national_id=national_ids_visible_to(user),
    )


def customers_filtered(*, filters: CustomerFilters) -> QuerySet[Customer]:
    customers = Customer.objects.live()
    if filters.stage:
        customers = customers.filter(lifecycle_stage=filters.stage)
    if filters.vip_tier:
        customers = customers.filter(vip_tier=filters.vip_tier)
    if filters.tag:
        customers = customers.filter(tags__name=filters.tag)
    if filters.account_manager_id:
        # ``__pk`` compares as an integer: an id beyond 64 bits matches nothing instead of overflowing SQLite.
        customers = customers.filter(account_manager__pk=filters.account_manager_id)
    if filters.country:
        customers = customers.filter(country=filters.country.upper())
    if filters.kind:
        customers = customers.filter(kind=filters.kind)
    return customers


def customer_rows(*, filters: CustomerFilters, sort: str = "name") -> QuerySet[Customer, dict[str, Any]]:
    """The ids (with their sort keys) of the customers the API lists, in ``sort`` order, for
    keyset pages: read a page's summaries with ``projections.customer_summaries``."""
    if sort not in SORTS:
        raise ValidationError.for_field(
            "sort", _("Must be one of: %(allowed)s.") % {"allowed": ", ".join(SORTS)}
        )
    order = SORTS[sort]
    customers = customers_filtered(filters=filters)
    if filters.q:
        hits = customer_search_ids(
            query=filters.q, limit=PAGE_SIZE_MAX, match_national_id=filters.match_national_id
        )
        customers = customers.filter(pk__in=[hit.customer_id for hit in hits])
    return customers.order_by(*order).values("id", *{name.lstrip("-") for name in order} - {"id"})


def _with_list_relations(customers: QuerySet[Customer]) -> QuerySet[Customer]:
    return customers.select_related("account_manager").prefetch_related("tags")


def customer_list_for_page(*, filters: CustomerFilters, sort: str = "name") -> QuerySet[Customer]:
    """The customer list the pages paginate; search results keep their relevance order."""
    order = SORTS.get(sort, SORTS["name"])
    customers = _with_list_relations(customers_filtered(filters=filters))
    if filters.q:
        hits = customer_search_ids(
            query=filters.q, limit=SEARCH_PAGE_MAX, match_national_id=filters.match_national_id
        )
        ids = [hit.customer_id for hit in hits]
        customers = customers.filter(pk__in=ids)
    return customers.order_by(*order)


def customer_search(
    *, query: str, limit: int = 20, match_national_id: bool = True
) -> list[tuple[Customer, SearchHit]]:
    """Customers matching ``query`` in relevance order, each with what matched."""
    hits = customer_search_ids(query=query, limit=limit, match_national_id=match_national_id)
    by_id = _with_list_relations(Customer.objects.filter(pk__in=[hit.customer_id for hit in hits])).in_bulk()
    return [(by_id[hit.customer_id], hit) for hit in hits if hit.customer_id in by_id]


#: A picker (link an email, choose a chat's customer, a follow-up's customer) searches from this many letters.
PICK_MIN_LENGTH = 2


def customers_to_pick(*, query: str, user: Any, limit: int = 8) -> list[Customer]:
    """The customers a picker offers for what staff typed, best first: none for fewer than two letters,
    and a national number finds someone only for roles that may see numbers."""
    if len(query) < PICK_MIN_LENGTH:
        return []
    hits = customer_search(query=query, limit=limit, match_national_id=national_ids_visible_to(user))
    return [customer for customer, _hit in hits]


@dataclass(frozen=True, slots=True)
class ServiceProfile:
    """What customer service needs of a customer to queue and answer a case: who it is, how VIP, in
    which language to write, and who looks after the account."""

    customer_id: int
    name: str
    vip_tier: str
    language: str
    account_manager_id: int | None
    email: str
    phone: str


def customer_service_profile(*, customer_id: int) -> ServiceProfile | None:
    """The service profile of a live customer, or None when there is none with this id."""
    row = (
        Customer.objects.filter(pk=customer_id, deleted_at__isnull=True)
        .values_list(
            "pk",
            "display_name",
            "vip_tier",
            "preferred_language",
            "account_manager_id",
            "primary_email",
            "primary_phone",
        )
        .first()
    )
    return ServiceProfile(*row) if row else None


@dataclass(frozen=True, slots=True)
class PhoneOwner:
    """A live customer who has a phone number, as a telephone system's caller look-up needs them."""

    customer_id: int
    name: str
    number: str
    is_primary: bool
    vip_tier: str
    account_manager_id: int | None
    account_manager_name: str
    account_manager_email: str


def customers_by_phone(*, numbers: Sequence[str]) -> list[PhoneOwner]:
    """The live customers who have one of these E.164 numbers, once each (the first number found), in
    one indexed query (index ``phone_number``) joined to the customer and their account manager."""
    rows = (
        PhoneNumber.objects.of_live_customers()
        .filter(number__in=list(numbers))
        .order_by("customer_id", "-is_primary", "id")
        .values_list(
            "customer_id",
            "customer__display_name",
            "number",
            "is_primary",
            "customer__vip_tier",
            "customer__account_manager_id",
            "customer__account_manager__first_name",
            "customer__account_manager__last_name",
            "customer__account_manager__username",
            "customer__account_manager__email",
        )
    )
    found: dict[int, PhoneOwner] = {}
    for customer_id, name, number, primary, tier, manager_id, first, last, username, email in rows:
        if customer_id not in found:
            manager_name = f"{first} {last}".strip() or (username or "")
            found[customer_id] = PhoneOwner(
                customer_id, name, number, primary, tier, manager_id, manager_name, email or ""
            )
    return list(found.values())


@dataclass(frozen=True)
class PortalOwner:
    """Who an email address or phone number signs in to My pages as: a customer, or an organisation
    through one of its contact persons; and the language to write to them in."""

    customer_id: int
    contact_person_id: int | None
    language: str


def portal_owner_of(*, address: str) -> PortalOwner | None:
    """The live customer a normalised email address or E.164 number belongs to (their own contact point
    first, the primary one and the oldest customer before others), else the live organisation with a
    contact person of that address (the oldest contact person); None when nobody has it. Indexed lookups
    only (``email_address``, ``phone_number``, ``contact_person_email``/``_phone``)."""
    if not address:
        return None
    points: QuerySet[Any] = (
        EmailAddress.objects.filter(address=address)
        if "@" in address
        else PhoneNumber.objects.filter(number=address)
    )
    own = (
        points.filter(customer__deleted_at__isnull=True)
        .order_by("-is_primary", "customer_id")
        .values_list("customer_id", "customer__preferred_language")
        .first()
    )
    if own is not None:
        return PortalOwner(own[0], None, own[1])
    contacts = ContactPerson.objects.filter(
        **({"email": address} if "@" in address else {"phone": address}),
        organisation__deleted_at__isnull=True,
    )
    contact = (
        contacts.order_by("id")
        .values_list(
            "organisation_id", "id", "person__preferred_language", "organisation__preferred_language"
        )
        .first()
    )
    if contact is None:
        return None
    return PortalOwner(contact[0], contact[1], contact[2] or contact[3])


def customer_exists(*, customer_id: int) -> bool:
    """Whether a live (not deleted) customer has this id: the check other apps make before writing."""
    return Customer.objects.filter(pk=customer_id, deleted_at__isnull=True).exists()


def customer_get(*, customer_id: int) -> Customer:
    """One live customer with everything the 360 view shows, in a fixed number of queries."""
    customer = (
        Customer.objects.live()
        .filter(pk=customer_id)
        .select_related("account_manager")
        .prefetch_related(
            "emails",
            "phones",
            "addresses",
            "tags",
            Prefetch("contact_persons", queryset=_contact_persons()),
        )
        .first()
    )
    if customer is None:
        merged = customer_merged_into(customer_id=customer_id)
        if merged:
            raise NotFound(
                _("Customer %(id)s was merged into customer %(target)s.")
                % {"id": customer_id, "target": merged},
                extra={"merged_into": merged},
            )
        raise NotFound(_("No customer with id %(id)s.") % {"id": customer_id})
    return customer


#: A merge chain longer than this is a loop (it cannot happen through customers_merge, which points
#: everything merged into the one merged away at the kept customer), and is not followed further.
MERGE_CHAIN_MAX = 20


def customer_merged_into(*, customer_id: int) -> int | None:
    """The live customer that ``customer_id`` was merged into, following a chain of merges (A into B,
    later B into C answers C); None when it was not merged away or the chain ends at a deleted one."""
    seen: set[int] = set()
    current = customer_id
    for _step in range(MERGE_CHAIN_MAX):
        row = Customer.objects.filter(pk=current).values_list("merged_into_id", "deleted_at").first()
        if row is None:
            return None
        target, deleted_at = row
        if deleted_at is None:
            return current if current != customer_id else None
        if target is None or target in seen:
            return None
        seen.add(current)
        current = target
    return None


def customer_record(*, customer_id: int) -> Customer:
    """A customer record whether live, deleted or erased (not one merged away): what the data subject's
    rights act on, since a deleted customer's data is still held until it is erased."""
    customer = Customer.objects.filter(pk=customer_id, merged_into__isnull=True).first()
    if customer is None:
        customer_get(customer_id=customer_id)  # raises NotFound, naming a merge if there was one
        raise NotFound(_("No customer with id %(id)s.") % {"id": customer_id})
    return customer


def _contact_persons() -> QuerySet[Any]:
    from lojal.customers.models import ContactPerson

    return ContactPerson.objects.select_related("person")


def duplicate_list(
    *, status: str = DuplicateSuspicion.Status.OPEN, limit: int = 100
) -> list[DuplicateSuspicion]:
    """Suspected duplicate pairs, strongest evidence first, with both customers, their account
    managers and tags loaded in a fixed number of queries."""
    return list(duplicates_with_status(status=status)[:limit])


def duplicates_with_status(*, status: str = DuplicateSuspicion.Status.OPEN) -> QuerySet[DuplicateSuspicion]:
    """Suspected duplicate pairs, strongest evidence first, customers and their relations loaded."""
    return (
        DuplicateSuspicion.objects.between_live_customers()
        .filter(status=status)
        .select_related("first__account_manager", "second__account_manager")
        .prefetch_related("first__tags", "second__tags")
        .order_by("-score", "-id")
    )


def duplicate_get(*, suspicion_id: int) -> DuplicateSuspicion:
    suspicion = DuplicateSuspicion.objects.select_related("first", "second").filter(pk=suspicion_id).first()
    if suspicion is None:
        raise NotFound(_("No such duplicate suspicion."))
    return suspicion


def customer_count(*, filters: CustomerFilters | None = None) -> int:
    return customers_filtered(filters=filters or CustomerFilters()).count()


def customer_since(*, customer: Customer) -> dt.date:
    """Since when ``customer`` has been a customer: the date the source system gave, else the day of
    the first transaction on the timeline, else the day the record was made."""
    if customer.customer_since is not None:
        return customer.customer_since
    first = timeline_selectors.first_transaction_at(customer_id=customer.pk)
    return timezone.localdate(first if first is not None else customer.created_at)


def former_customers_due(*, before: dt.datetime) -> QuerySet[Customer]:
    """Customers whose data the former-customer retention rule covers: former customers unchanged
    since ``before`` and customers deleted before it (erased ones excluded when erasure records it)."""
    from django.db.models import Q

    due = Customer.objects.filter(
        Q(lifecycle_stage="former", updated_at__lt=before) | Q(deleted_at__lt=before)
    ).order_by("id")
    if any(field.name == "erased_at" for field in Customer._meta.get_fields()):
        due = due.filter(**{"erased_at__isnull": True})
    return due


def customer_national_id_get(*, customer_id: int) -> dict[str, Any]:
    """A live customer's name and national number, for a reveal (no 360 view needed)."""
    found = (
        Customer.objects.live()
        .filter(pk=customer_id)
        .values("pk", "display_name", "national_id_display", "national_id_country", "national_id_kind")
        .first()
    )
    if found is None:
        customer_get(customer_id=customer_id)  # raises NotFound, naming a merge if there was one
        raise NotFound(_("No customer with id %(id)s.") % {"id": customer_id})
    return dict(found)


def contact_person_of(*, customer_id: int, contact_person_id: int) -> bool:
    """Whether the contact person belongs to this (organisation) customer: other apps check before
    pointing at one."""
    from lojal.customers.models import ContactPerson

    return ContactPerson.objects.filter(pk=contact_person_id, organisation_id=customer_id).exists()


def customers_matching(*, filters: CustomerFilters) -> QuerySet[Customer]:
    """The customers a list with ``filters`` shows (a search narrows to its hits, as the list does),
    unordered: what a bulk action on "all matches" and an export act on."""
    customers = customers_filtered(filters=filters)
    if filters.q:
        hits = customer_search_ids(
            query=filters.q, limit=SEARCH_PAGE_MAX, match_national_id=filters.match_national_id
        )
        customers = customers.filter(pk__in=[hit.customer_id for hit in hits])
    return customers.order_by()


def customers_selected(*, customer_ids: list[int]) -> QuerySet[Customer]:
    """The live customers among ``customer_ids`` (those picked one by one on a list)."""
    return Customer.objects.live().filter(pk__in=customer_ids).order_by()


def customers_in_stage(*, customer_ids: list[int], stage: str) -> dict[int, Customer]:
    """Those of ``customer_ids`` that are live and still in ``stage``, by id (one query; only the name
    and the stage are loaded, for a list of links)."""
    found = Customer.objects.live().filter(pk__in=customer_ids, lifecycle_stage=stage)
    return found.only("id", "display_name", "lifecycle_stage").in_bulk()


#: The most customers a "selected" bulk action names one by one; more are chosen as "all matches".
SELECTED_MAX = 10_000


class Scope(models.TextChoices):
    SELECTED = "selected", gettext_lazy("The selected customers")
    ALL = "all", gettext_lazy("All customers matching the filters")


def selection_resolve(
    *, scope: str, ids: Sequence[Any] = (), query: Mapping[str, str] | None = None, user: Any
) -> QuerySet[Customer]:
    """The customers a bulk action or an export acts on: those named by ``ids`` (``selected``), or
    every customer the list shows with the filters of ``query`` (``all``). Unknown or deleted ids are
    refused, naming them, so that nothing is changed for a selection that is not what the user saw."""
    if scope == Scope.ALL:
        filters = customer_filters_from_query(query or {}, user=user)
        return customers_matching(filters=filters)
    if scope != Scope.SELECTED:
        raise ValidationError.for_field(
            "scope", _("Must be one of: %(allowed)s.") % {"allowed": ", ".join(Scope.values)}
        )
    wanted: list[int] = []
    for value in ids:
        text = str(value).strip()
        if not text.isdigit() or len(text) > 18:
            raise ValidationError.for_field("ids", _("'%(value)s' is not a customer id.") % {"value": text})
        wanted.append(int(text))
    wanted = sorted(set(wanted))
    if not wanted:
        raise ValidationError.for_field("ids", _("Select at least one customer."))
    if len(wanted) > SELECTED_MAX:
        raise ValidationError.for_field(
            "ids",
            _("At most %(max)d customers can be selected one by one; choose all matches instead.")
            % {"max": SELECTED_MAX},
        )
    selection = customers_selected(customer_ids=wanted)
    found = set(selection.values_list("pk", flat=True))
    missing = [pk for pk in wanted if pk not in found]
    if missing:
        shown = ", ".join(str(pk) for pk in missing[:10])
        raise ValidationError.for_field(
            "ids", _("No customer with id %(ids)s (deleted or merged away?).") % {"ids": shown}
        )
    return selection


def customer_summary(*, customer_id: int) -> Customer | None:
    """One live customer's own fields and account manager, in one query: what a panel beside other
    work shows (a case's 360 panel), without the contact lists the customer page loads."""
    return Customer.objects.live().filter(pk=customer_id).select_related("account_manager").first()


def country_choices() -> list[tuple[str, str]]:
    """The countries an address may be in, with their names (forms outside this app, My details)."""
    return [(str(value), str(label)) for value, label in Country.choices]
