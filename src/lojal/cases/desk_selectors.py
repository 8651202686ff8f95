"""Reads for the service desk's pages: the queue view's rows and filters, a case's conversation with
its internal notes between the messages, its history in words, and the customer's 360 panel."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from lojal.accounts import selectors as accounts_selectors
from lojal.cases import selectors
from lojal.cases.desk_setup import DeskSetup, desk_setup, desk_setup_version_subquery
from lojal.cases.models import OPEN_STATUSES, Case, CaseChange, Category, Queue

# The due state ("breached", "near", "") lives with the other reads of one case, in selectors.
from lojal.cases.selectors import NEAR_MINUTES as NEAR_MINUTES
from lojal.cases.selectors import due_state as due_state
from lojal.customers import selectors as customers_selectors
from lojal.interactions import selectors as interactions_selectors
from lojal.sales import selectors as sales_selectors

PANEL_ROWS = 5


@dataclass(frozen=True)
class QueueFilters:
    queue_id: int | None = None
    status: str = ""
    #: "me", "unassigned" or "" (anyone).
    assignee: str = ""
    tag: str = ""
    breached: bool = False


def _int(value: Any) -> int | None:
    text = str(value or "")
    return int(text) if text.isdigit() and len(text) < 10 else None


def queue_filters_from_query(params: Mapping[str, Any]) -> QueueFilters:
    """The queue view's filters from its query string; anything unknown is no filter."""
    status = str(params.get("status", ""))
    assignee = str(params.get("assignee", ""))
    return QueueFilters(
        queue_id=_int(params.get("queue")),
        status=status if status in Case.Status.values else "",
        assignee=assignee if assignee in ("me", "unassigned") else "",
        tag=str(params.get("tag", ""))[:50].strip(),
        breached=params.get("breached") in ("1", "on", "true"),
    )


def desk_cases(*, filters: QueueFilters, user_id: int) -> QuerySet[Case]:
    """The cases the queue view lists: open ones unless a status is chosen, filtered, with what each
    row shows loaded in the same query (customer, assignee, queue)."""
    if filters.status:
        cases = Case.objects.filter(status=filters.status)
    else:
        cases = Case.objects.filter(status__in=OPEN_STATUSES)
    if filters.queue_id is not None:
        cases = cases.filter(queue_id=filters.queue_id)
    if filters.assignee == "me":
        cases = cases.filter(assignee_id=user_id)
    elif filters.assignee == "unassigned":
        cases = cases.filter(assignee__isnull=True)
    if filters.tag:
        cases = cases.filter(tags__name=filters.tag)
    if filters.breached:
        cases = cases.filter(Q(is_breached=True) | Q(next_due__lt=timezone.now()))
    return cases.select_related("customer", "assignee", "queue")


def desk_order(cases: QuerySet[Case], *, sort: str, order_by: tuple[str, ...]) -> QuerySet[Case]:
    """Queue order (VIP first, then the next due time) unless another column is sorted by."""
    if sort == "tier":
        return selectors.queue_order(cases)
    return cases.order_by(*order_by)


def desk_choices(setup: DeskSetup | None = None) -> dict[str, Any]:
    """The filters', bulk bar's and case form's choices: queues, statuses, staff, categories (the
    queues and categories from the process's copy of the desk's setup, :mod:`lojal.cases.desk_setup`)."""
    setup = setup or desk_setup()
    return {
        "queues": setup.queues,
        "statuses": Case.Status.choices,
        "priorities": Case.Priority.choices,
        "staff": list(
            accounts_selectors.staff_list(active_only=True).only("pk", "username", "first_name", "last_name")
        ),
        "categories": setup.categories,
    }


@dataclass
class Entry:
    """One line of a case's conversation: a message (email, SMS, call ...) or an internal note."""

    kind: str  # "message" or "note"
    at: dt.datetime
    item: Any
    new_text: str = ""
    folded: str = ""


def case_for_page(*, case_id: int) -> Case | None:
    """The case as its page shows it, with its queue, category and assignee in the same query (the
    customer comes with the panel, :func:`customer_panel`), and the desk setup's version
    (``desk_setup_version``) for :func:`~lojal.cases.desk_setup.desk_setup`."""
    return (
        Case.objects.select_related("queue", "category", "assignee")
        .annotate(desk_setup_version=desk_setup_version_subquery())
        .filter(pk=case_id)
        .first()
    )


def case_tags(*, case: Case) -> list[str]:
    return list(case.tags.values_list("name", flat=True))


def time_entries(*, case: Case, limit: int = 10) -> list[Any]:
    """The case's latest time entries with who spent the time."""
    return list(
        case.time_entries.select_related("user").only(
            "case_id", "spent_on", "minutes", "note", "user__username", "user__first_name", "user__last_name"
        )[:limit]
    )


def conversation(*, case: Case) -> list[Entry]:
    """The case's messages, oldest first, with its internal notes between them where they were written."""
    # The case's links as a subquery: the messages come in one query, not the links' ids and then them.
    linked = case.interaction_links.values("interaction_id")
    entries = []
    for interaction in interactions_selectors.interactions_in(interaction_ids=linked):
        new_text, folded = interactions_selectors.message_parts(text=interaction.body_text)
        entries.append(
            Entry(
                kind="message", at=interaction.occurred_at, item=interaction, new_text=new_text, folded=folded
            )
        )
    for note in case.notes.select_related("author"):
        entries.append(Entry(kind="note", at=note.created_at, item=note, new_text=note.body))
    entries.sort(key=lambda entry: (entry.at, entry.kind == "note"))
    return entries


@dataclass(frozen=True)
class HistoryLine:
    at: dt.datetime
    actor: str
    text: str


def _value_words(field_name: str, value: str, names: dict[str, dict[str, str]]) -> str:
    if not value:
        return _("nobody") if field_name == "assignee_id" else _("none")
    if field_name == "status":
        return str(Case.Status(value).label) if value in Case.Status.values else value
    if field_name == "priority":
        return str(Case.Priority(value).label) if value in Case.Priority.values else value
    return names.get(field_name, {}).get(value, value)


def history(*, case: Case) -> list[HistoryLine]:
    """The case's changes in words, newest first: "Status: New → Open", with who and when."""
    changes = list(CaseChange.objects.filter(case=case).select_related("actor").order_by("-at", "-id"))
    wanted: dict[str, set[str]] = {}
    for change in changes:
        wanted.setdefault(change.field, set()).update(v for v in (change.old, change.new) if v.isdigit())
    names: dict[str, dict[str, str]] = {
        "queue_id": {str(q.pk): q.name for q in Queue.objects.filter(pk__in=wanted.get("queue_id", ()))},
        "category_id": {
            str(c.pk): c.name for c in Category.objects.filter(pk__in=wanted.get("category_id", ()))
        },
        "assignee_id": {
            str(u.pk): u.display_name
            for u in accounts_selectors.staff_list(active_only=False).filter(
                pk__in=wanted.get("assignee_id", ())
            )
        },
    }
    labels = {
        "subject": _("Subject"),
        "status": _("Status"),
        "priority": _("Priority"),
        "queue_id": _("Queue"),
        "assignee_id": _("Assignee"),
        "category_id": _("Category"),
        "customer_id": _("Customer"),
    }
    return [
        HistoryLine(
            at=change.at,
            actor=change.actor.display_name if change.actor else _("Lojal"),
            text=_("%(field)s: %(old)s → %(new)s")
            % {
                "field": labels.get(change.field, change.field),
                "old": _value_words(change.field, change.old, names),
                "new": _value_words(change.field, change.new, names),
            },
        )
        for change in changes
    ]


@dataclass
class Panel:
    """The customer's 360 panel on a case: who, and what else they have open. The rest of it (how
    valuable, the last contacts, holdings) comes after the page: :func:`customer_more`."""

    customer: Any
    open_cases: list[Case] = field(default_factory=list)


def customer_panel(*, case: Case) -> Panel | None:
    if case.customer_id is None:
        return None
    customer_id = case.customer_id
    customer = customers_selectors.customer_summary(customer_id=customer_id)
    if customer is None:
        return None
    open_cases = (
        selectors.customer_cases(customer_id=customer_id, open_only=True)
        .exclude(pk=case.pk)
        .only("pk", "number", "subject", "status")
    )
    return Panel(customer=customer, open_cases=list(open_cases[:PANEL_ROWS]))


@dataclass
class PanelMore:
    """The lower part of a case's customer panel, loaded once the page is shown."""

    customer_id: int | None
    revenue: Any = None
    contacts: list[Any] = field(default_factory=list)
    holdings: list[Any] = field(default_factory=list)


def customer_more(*, case_id: int) -> PanelMore | None:
    """Lifetime revenue, last contacts and holdings of the case's customer; None when there is no such
    case, an empty :class:`PanelMore` when it has no customer."""
    found = Case.objects.filter(pk=case_id).values_list("customer_id", flat=True)[:1]
    if not found:
        return None
    customer_id = found[0]
    if customer_id is None:
        return PanelMore(customer_id=None)
    return PanelMore(
        customer_id=customer_id,
        revenue=sales_selectors.customer_revenue(customer_id=customer_id).lifetime,
        contacts=list(interactions_selectors.interactions_of(customer_id=customer_id)[:PANEL_ROWS]),
        holdings=list(sales_selectors.holding_list(customer_id=customer_id)[:PANEL_ROWS]),
    )
