"""API: the register of processing and the retention runs."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Router, Schema

from lojal.accounts.api_auth import staff
from lojal.accounts.roles import Action
from lojal.core.pagination import keyset_paginate
from lojal.privacy import selectors
from lojal.privacy.models import RetentionRun
from lojal.privacy.views import register_document

router = Router(tags=["privacy"])


class ProcessingOut(Schema):
    model: str
    table: str
    fields: list[str]
    category: str
    subjects: str
    purpose: str
    legal_basis: str
    legal_basis_label: str
    retention_rule: str
    retention: str


class RuleOut(Schema):
    rule: str
    label: str
    setting: str
    limit: str
    action: str
    last_run_at: dt.datetime | None
    last_run_rows: int | None
    last_run_pending: int | None


class RegisterOut(Schema):
    generated_at: dt.datetime
    processing: list[ProcessingOut]
    retention_rules: list[RuleOut]


class RetentionRunOut(Schema):
    id: int
    rule: str
    started_at: dt.datetime
    finished_at: dt.datetime | None
    limit: int
    unit: str
    cutoff: dt.datetime | None
    rows_affected: int
    rows_pending: int
    pending_ids: list[int]
    note: str
    error: str


@router.get(
    "/register",
    auth=staff(Action.PRIVACY_VIEW),
    response=RegisterOut,
    summary="The register of processing: what personal data is kept, why, on which basis, for how long",
)
def register(request: HttpRequest) -> dict[str, Any]:
    return register_document()


@router.get(
    "/retention-runs",
    auth=staff(Action.PRIVACY_VIEW),
    response=list[RetentionRunOut],
    summary="Runs of the retention rules, newest first",
)
@keyset_paginate()
def retention_runs(request: HttpRequest) -> QuerySet[RetentionRun]:
    return selectors.retention_run_list()
