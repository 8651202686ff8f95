"""The customer list's bulk action "add to a call list", and the bulk API's dispatch.

The customer list's bulk actions live in ``customers``, which sits below ``activities`` (where call
lists live) and so cannot call them. The action that needs both is dispatched here, in the workspace,
which sits above every app: the bulk bar's "Add to a call list" button posts the same selection to
:func:`customers_call_list_page`, and ``POST /api/v1/customers/bulk`` (:mod:`lojal.workspace.bulk_api`)
sends ``call_list_add`` here and every other action to the customers app's own bulk service.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from lojal.activities import call_lists
from lojal.core.errors import ValidationError
from lojal.customers import selectors as customer_selectors

#: The bulk action's name, as the bulk bar and the API send it.
CALL_LIST_ADD = "call_list_add"


@dataclass(frozen=True)
class CallListOutcome:
    """What the action did: the call list, the customers chosen and how many of them were added."""

    call_list: Any
    matched: int
    added: int


def customer_ids_chosen(*, scope: str, ids: Sequence[Any], query: Mapping[str, str], user: Any) -> list[int]:
    """The customers the bulk bar's selection names, in the list's order for ``all`` matches (at most
    a call list's size, more is refused) and in the order given for ``selected`` ones."""
    if scope == customer_selectors.Scope.ALL:
        customer_selectors.selection_resolve(scope=scope, query=query, user=user)  # the filters checked
        return call_lists.customer_ids_from_query(query=query, user=user)
    selection = customer_selectors.selection_resolve(scope=scope, ids=ids, query=query, user=user)
    live = set(selection.values_list("pk", flat=True))
    return [pk for pk in dict.fromkeys(int(str(value).strip()) for value in ids) if pk in live]


def customers_call_list_add(
    *, actor: Any, customer_ids: Sequence[int], call_list_id: int | None = None, new_name: str = ""
) -> CallListOutcome:
    """Add ``customer_ids`` to the active call list ``call_list_id``, or to a new one named ``new_name``
    (exactly one of the two). Customers already on the list are left out; bad input changes nothing."""
    name = (new_name or "").strip()
    if (call_list_id is None) == (not name):
        raise ValidationError.for_field("call_list", _("Choose a call list or name a new one."))
    if not customer_ids:
        raise ValidationError.for_field("ids", _("No customers to add."))
    with transaction.atomic():
        if call_list_id is None:
            call_list = call_lists.call_list_create(actor=actor, name=name, customer_ids=list(customer_ids))
            added = call_lists.call_list_progress(call_list_id=call_list.pk).total
        else:
            added = call_lists.call_list_add_customers(
                call_list_id=call_list_id, customer_ids=list(customer_ids), actor=actor
            )
            call_list = call_lists.call_list_get(call_list_id=call_list_id)
    return CallListOutcome(call_list=call_list, matched=len(customer_ids), added=added)


def call_list_outcome_message(outcome: CallListOutcome) -> str:
    """What the action did, in words ("12 customers added to call list Autumn.")."""
    text = ngettext(
        "%(count)d customer added to call list %(name)s.",
        "%(count)d customers added to call list %(name)s.",
        outcome.added,
    )
    return text % {"count": outcome.added, "name": outcome.call_list.name}
