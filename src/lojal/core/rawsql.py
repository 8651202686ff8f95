"""Values from raw SQL rows made uniform: SQLite hands back text or naive datetimes where PostgreSQL
hands back aware ones, and JSON as text where the ORM would decode it."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any


def aware(value: Any) -> Any:
    """A stored timestamp as an aware UTC datetime (None stays None)."""
    if value is None:
        return None
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value


def day(value: Any) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(value)


def decoded(value: Any) -> Any:
    """A JSON column's value as Python data."""
    return json.loads(value) if isinstance(value, str | bytes) else value
