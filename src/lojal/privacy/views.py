"""The register of processing page (with the retention rules and their runs) and its CSV/JSON export."""

from __future__ import annotations

import csv
import json
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from lojal.accounts.decorators import allowed_to
from lojal.accounts.roles import Action
from lojal.privacy import selectors

REGISTER_COLUMNS = (
    "model",
    "table",
    "fields",
    "category",
    "subjects",
    "purpose",
    "legal_basis",
    "retention_rule",
    "retention",
)
RECENT_RUNS = 20


@allowed_to(Action.PRIVACY_VIEW)
def register(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "privacy/register.html",
        {
            "rows": selectors.register_rows(),
            "rules": selectors.rule_rows(),
            "runs": selectors.retention_runs_shown(RECENT_RUNS),
        },
    )


def register_document() -> dict[str, Any]:
    """The register as one JSON document (the page's export and the API answer)."""
    return {
        "generated_at": timezone.now().isoformat(),
        "processing": [row.as_dict() for row in selectors.register_rows()],
        "retention_rules": [
            {
                "rule": rule.key,
                "label": rule.label,
                "setting": rule.setting,
                "limit": rule.limit,
                "action": rule.action,
                "last_run_at": rule.last_run.started_at.isoformat() if rule.last_run else None,
                "last_run_rows": rule.last_run.rows_affected if rule.last_run else None,
                "last_run_pending": rule.last_run.rows_pending if rule.last_run else None,
            }
            for rule in selectors.rule_rows()
        ],
    }


@allowed_to(Action.PRIVACY_VIEW)
def register_json(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(
        json.dumps(register_document(), ensure_ascii=False, indent=2), content_type="application/json"
    )
    response["Content-Disposition"] = 'attachment; filename="lojal-register-of-processing.json"'
    return response


@allowed_to(Action.PRIVACY_VIEW)
def register_csv(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="lojal-register-of-processing.csv"'
    response.write("\ufeff")  # so spreadsheet programs read the file as UTF-8 (å, ä, ø)
    writer = csv.writer(response)
    writer.writerow(REGISTER_COLUMNS)
    for row in selectors.register_rows():
        values = row.as_dict()
        values["fields"] = " ".join(row.fields)
        writer.writerow([values[column] for column in REGISTER_COLUMNS])
    return response
