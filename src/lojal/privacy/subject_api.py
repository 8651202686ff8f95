"""API for a data subject's rights: the export archive, the erasure, legal holds (docs/gdpr.md)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import FileResponse, HttpRequest
from ninja import Router, Schema
from pydantic import Field

from lojal.accounts.api_auth import staff, staff_user
from lojal.accounts.roles import Action
from lojal.core.errors import Conflict
from lojal.core.inputs import Text
from lojal.core.openapi import raises
from lojal.customers import privacy as customers_privacy
from lojal.customers import selectors as customer_selectors
from lojal.privacy.erasure import REASON_MAX_LENGTH, customer_erase
from lojal.privacy.export import customer_export

router = Router(tags=["privacy"])

_ZIP = {
    200: {
        "description": "A zip archive: customer.json, csv/<section>.csv, files/ and README.txt",
        "content": {"application/zip": {"schema": {"type": "string", "format": "binary"}}},
    }
}


class ErasureIn(Schema):
    reason: Text = Field(min_length=1, max_length=REASON_MAX_LENGTH, description="why the data is erased")


class ErasureOut(Schema):
    customer_id: int
    erased_at: dt.datetime
    counts: dict[str, int] = Field(description="how many records of each kind were erased or blanked")


class LegalHoldIn(Schema):
    reason: Text = Field(
        max_length=customers_privacy.LEGAL_HOLD_MAX_LENGTH,
        description="why the data must be kept; an empty reason lifts the hold",
    )


class LegalHoldOut(Schema):
    customer_id: int
    legal_hold_reason: str


@router.get(
    "/{customer_id}/export",
    auth=staff(Action.CUSTOMER_EXPORT),
    response={200: None},
    summary="Everything about one customer as a zip archive (right of access)",
    openapi_extra={"responses": _ZIP},
)
def customer_export_download(request: HttpRequest, customer_id: int) -> FileResponse:
    archive = customer_export(customer_id=customer_id, actor=staff_user(request))
    response = FileResponse(
        archive.file, as_attachment=True, filename=archive.filename, content_type="application/zip"
    )
    response["Content-Length"] = str(archive.size)
    response["Cache-Control"] = "no-store"
    return response


@router.post(
    "/{customer_id}/erase",
    auth=staff(Action.CUSTOMER_ERASE),
    response=ErasureOut,
    summary="Erase a customer's personal data, keeping transactions and counts (right to erasure)",
)
@raises(Conflict)
def customer_erase_now(request: HttpRequest, customer_id: int, payload: ErasureIn) -> dict[str, Any]:
    counts = customer_erase(customer_id=customer_id, actor=staff_user(request), reason=payload.reason)
    customer = customer_selectors.customer_record(customer_id=customer_id)
    return {"customer_id": customer.pk, "erased_at": customer.erased_at, "counts": counts}


@router.put(
    "/{customer_id}/legal-hold",
    auth=staff(Action.LEGAL_HOLD_MANAGE),
    response=LegalHoldOut,
    summary="Place (or, with an empty reason, lift) a legal hold that refuses erasure",
)
def legal_hold_put(request: HttpRequest, customer_id: int, payload: LegalHoldIn) -> dict[str, Any]:
    customer = customers_privacy.legal_hold_set(
        customer_id=customer_id, actor=staff_user(request), reason=payload.reason
    )
    return {"customer_id": customer.pk, "legal_hold_reason": customer.legal_hold_reason}
