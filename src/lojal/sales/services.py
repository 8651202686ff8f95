"""Writes for sales: record a transaction, open and change holdings, set a stage by hand. Each records
a timeline event and an audit entry in the same transaction; a qualifying transaction promotes the
customer (see :mod:`lojal.sales.lifecycle`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lojal.core.audit import audit_record
from lojal.core.errors import Conflict, NotFound, ValidationError
from lojal.core.inputs import date_fault
from lojal.customers.models import Customer, Stage
from lojal.customers.services import customer_update
from lojal.sales.lifecycle import lifecycle_promote
from lojal.sales.models import ENDED_STATUSES, Holding, HoldingStatus, Product, Transaction
from lojal.sales.validation import HOLDING_STATUSES, Problems, choice, text, transaction_clean
from lojal.timeline import events
from lojal.timeline.services import event_record


def _customer(customer_id: int) -> Customer:
    customer = Customer.objects.live().filter(pk=customer_id).first()
    if customer is None:
        raise NotFound(_("No customer with id %(id)s.") % {"id": customer_id})
    return customer


def _product(code: str | None) -> Product | None:
    if not code:
        return None
    product = Product.objects.filter(code=code).first()
    if product is None:
        raise ValidationError.for_field("product_code", _("No product with this code."))
    return product


@transaction.atomic
def transaction_record(*, actor: Any, customer_id: int, data: Mapping[str, Any]) -> Transaction:
    """Record one transaction of a customer (from the API or a form)."""
    customer = _customer(customer_id)
    cleaned = transaction_clean(data)
    product = _product(data.get("product_code"))
    if (
        cleaned["external_id"]
        and Transaction.objects.filter(source=cleaned["source"], external_id=cleaned["external_id"]).exists()
    ):
        raise Conflict(
            _("A transaction with this external id is already recorded."),
            errors={"external_id": [_("Already recorded for this source.")]},
        )
    try:
        with transaction.atomic():
            row = Transaction.objects.create(customer=customer, product=product, **cleaned)
    except IntegrityError:
        raise Conflict(
            _("A transaction with this external id is already recorded."),
            errors={"external_id": [_("Already recorded for this source.")]},
        ) from None
    audit_record(actor=actor, action="create", obj=row, changes={k: [None, v] for k, v in cleaned.items()})
    event_record(
        events.transaction_recorded(
            customer_id=customer.pk,
            transaction=events.TransactionFacts(
                kind=row.kind,
                amount=row.amount,
                currency=row.currency,
                product=product.name if product else "",
                transaction_id=row.pk,
            ),
            occurred_at=row.occurred_at,
            actor_id=events.actor_id_of(actor),
        )
    )
    lifecycle_promote(customer_ids=[customer.pk])
    return row


def _holding_dates(data: Mapping[str, Any], problems: Problems) -> dict[str, dt.date | None]:
    dates: dict[str, dt.date | None] = {}
    for field in ("opened_on", "closed_on", "expires_on"):
        if field not in data:
            continue
        value = data[field]
        if value in (None, ""):
            dates[field] = None
        elif isinstance(value, dt.date):
            dates[field] = value
        else:
            try:
                dates[field] = dt.date.fromisoformat(str(value))
            except ValueError:
                problems.add(field, _("Enter a date as YYYY-MM-DD."))
                continue
        if dates[field] is not None and (reason := date_fault(dates[field])):  # type: ignore[arg-type]
            problems.add(field, reason)
    return dates


def _on_day(day: dt.date | None, *, end: bool = False) -> dt.datetime | None:
    """An event dated ``day`` in local time: an opening at the start of the day (before that day's
    transactions), an ending at its end (after them); never in the future; None without a date."""
    if day is None:
        return None
    moment = dt.datetime.combine(day, dt.time(23, 59, 59) if end else dt.time.min)
    return min(timezone.make_aware(moment), timezone.now())


def _ended_on(holding: Holding) -> dt.date | None:
    if holding.status == HoldingStatus.CLOSED:
        return holding.closed_on
    if holding.status == HoldingStatus.EXPIRED:
        return holding.expires_on or holding.closed_on
    return None


@transaction.atomic
def holding_open(*, actor: Any, customer_id: int, data: Mapping[str, Any]) -> Holding:
    """A customer gets a product or agreement: an account, a subscription, a gift card."""
    customer = _customer(customer_id)
    problems = Problems()
    dates = _holding_dates(data, problems)
    if not dates.get("opened_on"):
        problems.add("opened_on", _("This field is required."))
    status = choice(data.get("status"), "status", HOLDING_STATUSES, problems, default=HoldingStatus.ACTIVE)
    name = text(data.get("name"), "name", problems, limit=200).strip()
    source = text(data.get("source"), "source", problems, limit=60)
    external_id = text(data.get("external_id"), "external_id", problems, limit=100)
    product = None
    try:
        product = _product(data.get("product_code"))
    except ValidationError as error:
        problems.by_field.update(error.errors)
    if not name and product is None:
        problems.add("name", _("Name the holding or give its product code."))
    problems.raise_if_any()
    try:
        # The savepoint keeps the caller's transaction usable when the unique key clashes (PostgreSQL).
        with transaction.atomic():
            holding = Holding.objects.create(
                customer=customer,
                product=product,
                name=name or (product.name if product else ""),
                status=status,
                source=source,
                external_id=external_id,
                **dates,
            )
    except IntegrityError:
        raise Conflict(
            _("A holding with this external id is already recorded."),
            errors={"external_id": [_("Already recorded for this source.")]},
        ) from None
    audit_record(actor=actor, action="create", obj=holding, changes={"status": [None, status]})
    facts = events.HoldingFacts(holding_id=holding.pk, name=holding.name, status=status)
    event_record(
        events.holding_opened(
            customer_id=customer.pk,
            holding=facts,
            occurred_at=_on_day(holding.opened_on),
            actor_id=events.actor_id_of(actor),
        )
    )
    if status in ENDED_STATUSES:
        # Imported already ended (an account closed last year): the timeline shows both moments.
        event_record(
            events.holding_changed(
                customer_id=customer.pk,
                holding=facts,
                fields=["status"],
                on_date=True,
                occurred_at=_on_day(_ended_on(holding), end=True),
                actor_id=events.actor_id_of(actor),
            )
        )
    if status not in ENDED_STATUSES and customer.lifecycle_stage == Stage.FORMER:
        lifecycle_promote(customer_ids=[customer.pk])
    return holding


@transaction.atomic
def holding_change(*, actor: Any, holding_id: int, data: Mapping[str, Any]) -> Holding:
    """Change a holding's status or dates (closing it sets ``closed_on`` to today when not given)."""
    holding = Holding.objects.select_for_update().filter(pk=holding_id).first()
    if holding is None:
        raise NotFound(_("No holding with id %(id)s.") % {"id": holding_id})
    problems = Problems()
    dates = _holding_dates(data, problems)
    status = holding.status
    if "status" in data:
        status = choice(data.get("status"), "status", HOLDING_STATUSES, problems, default=holding.status)
    problems.raise_if_any()
    if status == HoldingStatus.CLOSED and "closed_on" not in dates and holding.closed_on is None:
        dates["closed_on"] = timezone.localdate()
    changes: dict[str, list[Any]] = {}
    if status != holding.status:
        changes["status"] = [holding.status, status]
        holding.status = status
    for field, value in dates.items():
        if getattr(holding, field) != value:
            changes[field] = [getattr(holding, field), value]
            setattr(holding, field, value)
    if not changes:
        return holding
    holding.save()
    audit_record(actor=actor, action="update", obj=holding, changes=changes)
    # Ending a holding is dated when it ended (an import of last month's closures reads in order).
    ended_at = _on_day(_ended_on(holding), end=True) if {"status", "closed_on"} & set(changes) else None
    event_record(
        events.holding_changed(
            customer_id=holding.customer_id,
            holding=events.HoldingFacts(holding_id=holding.pk, name=holding.name, status=holding.status),
            fields=list(changes),
            on_date=ended_at is not None,
            occurred_at=ended_at,
            actor_id=events.actor_id_of(actor),
        )
    )
    return holding


def customer_stage_set(*, actor: Any, customer_id: int, stage: str, reason: str) -> Customer:
    """Set a lifecycle stage by hand; the reason is required and lands on the timeline."""
    if not reason.strip():
        raise ValidationError.for_field("reason", _("Say why the stage changes."))
    try:
        return customer_update(
            actor=actor,
            customer_id=customer_id,
            data={"lifecycle_stage": stage, "stage_reason": reason.strip()},
        )
    except ValidationError as error:
        # customer_update names its own fields; the caller sent ``stage`` and ``reason``.
        errors = {_STAGE_FIELDS.get(field, field): reasons for field, reasons in error.errors.items()}
        field, reasons = next(iter(errors.items()), ("stage", [error.message]))
        raise ValidationError(f"{field}: {reasons[0]}", errors=errors) from None


_STAGE_FIELDS = {"lifecycle_stage": "stage", "stage_reason": "reason"}
