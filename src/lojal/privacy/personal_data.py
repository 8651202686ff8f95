"""The privacy app's own table holds no personal data (see lojal.core.privacy). It declares the
former-customer retention rule: the customers it covers are anonymised through the erasure service
(lojal.privacy.erasure) where this installation has it, and listed as pending otherwise."""

from __future__ import annotations

import datetime as dt
import importlib
from importlib.util import find_spec
from typing import Any

from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from lojal.core.errors import LojalError
from lojal.core.privacy import NotPersonal, RetentionRule, RuleOutcome, personal_data, retention_rule
from lojal.customers import selectors as customer_selectors

ERASURE_MISSING = gettext_noop(
    "erasure is not available in this installation; the customers are listed for manual erasure"
)
ERASURE_REFUSED = gettext_noop("some were refused (legal hold or open case) and are listed")
#: How many due customers a run erases at most (each erasure touches many tables); the rest next night.
ERASE_PER_RUN = 500
PENDING_LISTED = 200
#: Where the erasure service may live: the privacy app's own, or a customers service.
ERASURE_MODULES = ("lojal.privacy.erasure", "lojal.customers.services")


def erase_service() -> Any:
    """``customer_erase(*, customer_id, actor, reason)`` when this installation has it, else None."""
    for module in ERASURE_MODULES:
        if find_spec(module) is not None:
            service = getattr(importlib.import_module(module), "customer_erase", None)
            if service is not None:
                return service
    return None


def former_customers_rule(cutoff: dt.datetime) -> RuleOutcome:
    """Anonymise former customers unchanged since ``cutoff`` and customers deleted before it, through
    the erasure service; without it, change nothing and list them as pending."""
    due = customer_selectors.former_customers_due(before=cutoff)
    due_ids = list(due.values_list("pk", flat=True)[:ERASE_PER_RUN])
    total = due.count()
    erase = erase_service()
    if erase is None:
        return RuleOutcome(
            rows=0, pending=total, note=ERASURE_MISSING, pending_ids=tuple(due_ids[:PENDING_LISTED])
        )
    erased, refused = 0, []
    for customer_id in due_ids:  # each erasure is its own transaction over many tables
        try:
            erase(customer_id=customer_id, actor=None, reason="retention: former customer")
        except LojalError:  # a legal hold or an open case: kept, and reported
            refused.append(customer_id)
            continue
        erased += 1
    return RuleOutcome(
        rows=erased,
        pending=total - erased,
        note=ERASURE_REFUSED if refused else "",
        pending_ids=tuple(refused[:PENDING_LISTED]),
    )


personal_data(
    NotPersonal(
        model="privacy.RetentionRun",
        fields=("note", "error"),
        reason="what a retention rule did, in Lojal's words; pending rows by id only",
    ),
)

retention_rule(
    RetentionRule(
        key="former_customers",
        label=_("Former and deleted customers"),
        setting="RETAIN_FORMER_CUSTOMERS_YEARS",
        unit="years",
        action=_("anonymised"),
        run=former_customers_rule,
    )
)
