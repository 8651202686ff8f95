"""``POST /api/v1/customers/bulk``: the customer list's bulk actions for integrations.

The endpoint is here, above every app, because one of its actions (``call_list_add``) needs call lists
(``activities``), which the customers app below cannot reach; the other actions go to the customers
app's own bulk service unchanged."""

from __future__ import annotations

from typing import Any, Literal

from django.http import HttpRequest, QueryDict
from django.utils.translation import gettext as _
from ninja import Router, Schema
from pydantic import ConfigDict, Field

from lojal.accounts.api_auth import staff, staff_user
from lojal.accounts.roles import Action
from lojal.core.errors import PermissionDenied, ValidationError
from lojal.core.inputs import Text
from lojal.customers import bulk as customer_bulk
from lojal.customers import selectors as customer_selectors
from lojal.workspace import bulk

router = Router(tags=["customers"])


class CustomersBulkIn(Schema):
    """A bulk action on the customer list: on the customers ``ids`` (scope ``selected``) or on all the
    customers the list's filters in ``query`` match (scope ``all``, e.g. ``stage=lead&tag=vip``)."""

    model_config = ConfigDict(extra="forbid")

    action: Literal["tag_add", "tag_remove", "account_manager_set", "stage_set", "call_list_add"]
    scope: Literal["selected", "all"]
    ids: list[int] = Field(default_factory=list, max_length=10_000)
    query: Text = Field("", max_length=2000, description="the list's query string (scope all)")
    tag: Text = Field("", max_length=200)
    account_manager_id: int | None = Field(
        None, description="staff user id; null clears (account_manager_set)"
    )
    stage: Literal["lead", "registrant", "customer", "at_risk", "former"] | None = None
    reason: Text = Field("", max_length=1000)
    call_list_id: int | None = Field(None, description="an active call list (call_list_add)")
    call_list_name: Text = Field(
        "", max_length=200, description="the name of a new call list, instead of call_list_id (call_list_add)"
    )


class CustomersBulkOut(Schema):
    action: str
    matched: int = Field(description="customers the action looked at")
    changed: int = Field(description="customers whose value changed or who were added to the call list")
    message: str
    call_list_id: int | None = Field(
        None, description="the call list customers were added to (call_list_add)"
    )


@router.post(
    "/bulk",
    auth=staff(Action.CUSTOMER_BULK_CHANGE),
    response=CustomersBulkOut,
    summary="Add or remove a tag, set the account manager or the stage of many customers, or add them "
    "to a call list",
)
def customers_bulk(request: HttpRequest, payload: CustomersBulkIn) -> dict[str, Any]:
    actor = staff_user(request)
    query = QueryDict(payload.query)
    if payload.action == bulk.CALL_LIST_ADD:
        if not actor.can(Action.INTERACTION_LOG):
            raise PermissionDenied(_("Your role may not work call lists."))
        ids = bulk.customer_ids_chosen(scope=payload.scope, ids=payload.ids, query=query, user=actor)
        if payload.call_list_id is not None and payload.call_list_name.strip():
            raise ValidationError.for_field(
                "call_list_id", _("Give call_list_id or call_list_name, not both.")
            )
        outcome = bulk.customers_call_list_add(
            actor=actor, customer_ids=ids, call_list_id=payload.call_list_id, new_name=payload.call_list_name
        )
        return {
            "action": payload.action,
            "matched": outcome.matched,
            "changed": outcome.added,
            "message": bulk.call_list_outcome_message(outcome),
            "call_list_id": outcome.call_list.pk,
        }
    selection = customer_selectors.selection_resolve(
        scope=payload.scope, ids=payload.ids, query=query, user=actor
    )
    done = customer_bulk.customers_bulk_apply(
        actor=actor,
        action=payload.action,
        selection=selection,
        tag=payload.tag,
        account_manager_id=payload.account_manager_id,
        stage=payload.stage or "",
        reason=payload.reason,
    )
    return {
        "action": done.action,
        "matched": done.matched,
        "changed": done.changed,
        "message": customer_bulk.outcome_message(done),
    }
