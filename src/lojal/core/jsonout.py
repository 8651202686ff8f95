"""JSON for the API, written by orjson in the same shape and date format as Django Ninja's own encoder.

:class:`FastRenderer` is the API's renderer. :func:`json_response` is for the hottest read paths,
whose handlers build plain dicts from raw SQL and return them without a second pass through the
response schema (tests check that the output still validates against it, field for field).
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any, cast

import orjson
from django.http import HttpRequest, HttpResponse
from ninja.parser import Parser
from ninja.renderers import BaseRenderer
from ninja.responses import NinjaJSONEncoder

MEDIA_TYPE = "application/json"
_OPTIONS = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_NON_STR_KEYS
# Dates go through Django's encoder (ISO 8601, milliseconds, "Z" for UTC), as Ninja writes them.
_fallback = NinjaJSONEncoder().default


def _encode(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.time) and value.microsecond % 1000:
        # Django cuts the fraction to milliseconds but keeps a ".000" left by a sub-millisecond
        # part, which a client reads back as a whole second that Ninja writes with no fraction: cut
        # first, so the same instant always has the one text the response schema gives it.
        value = value.replace(microsecond=value.microsecond - value.microsecond % 1000)
    return _fallback(value)


def json_bytes(data: Any) -> bytes:
    return orjson.dumps(data, default=_encode, option=_OPTIONS)


def json_response(data: Any, *, status: int = 200) -> HttpResponse:
    return HttpResponse(json_bytes(data), status=status, content_type=f"{MEDIA_TYPE}; charset=utf-8")


class FastRenderer(BaseRenderer):
    media_type = MEDIA_TYPE
    charset = "utf-8"

    def render(self, request: HttpRequest, data: Any, *, response_status: int) -> Any:
        return json_bytes(data)


class FastParser(Parser):
    """Request bodies read by orjson, whose nesting limit (1024 levels) does not depend on how deep the
    Python stack already is, so a deeply nested body reaches the validation that refuses it by name
    whatever middleware runs before. What orjson refuses (NaN, integers past 64 bits, lone surrogates)
    is read by the standard library as before, so the result is the same as Ninja's own parser."""

    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        body = request.body
        try:
            return cast(dict[str, Any], orjson.loads(body))
        except orjson.JSONDecodeError:
            return cast(dict[str, Any], json.loads(body))
