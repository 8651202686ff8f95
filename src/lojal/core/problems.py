"""RFC 9457 problem documents: every API error names its status, a title, and each bad field."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from django.http import HttpResponse

PROBLEM_CONTENT_TYPE = "application/problem+json"


def problem_response(
    *,
    status: int,
    title: str,
    detail: str = "",
    errors: Mapping[str, Iterable[str]] | None = None,
    instance: str = "",
    extra: Mapping[str, Any] | None = None,
) -> HttpResponse:
    body: dict[str, Any] = {"type": "about:blank", "title": title, "status": status}
    if detail:
        body["detail"] = detail
    if instance:
        body["instance"] = instance
    if errors:
        body["errors"] = [{"field": field, "reasons": list(reasons)} for field, reasons in errors.items()]
    if extra:
        body.update(extra)
    return HttpResponse(
        json.dumps(body, ensure_ascii=False), status=status, content_type=PROBLEM_CONTENT_TYPE
    )
