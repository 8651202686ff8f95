"""Diacritic-folded text comparison in the database: ``lojal_fold(text)`` lower-cases and strips
diacritics ("Fakturafråga" -> "fakturafraga") on both SQLite and PostgreSQL, so a search typed without
å, ä, ö or ø finds text written with them, and the other way round.

On SQLite the function is core.text.fold_letters, registered on every new connection (deterministic,
so SQLite may use it in indexes). On PostgreSQL it is an immutable SQL function over the ``unaccent``
extension (migration core 0003), the same folding for the Nordic letters (ø, æ, ß, þ, đ, ł, œ too)."""

from __future__ import annotations

from typing import Any

from django.db.backends.signals import connection_created
from django.db.models import Q, TextField
from django.db.models.expressions import Func
from django.db.models.lookups import Contains

from lojal.core.text import fold_letters


class Folded(Func):
    """``lojal_fold(expression)``: the text lower-cased, without diacritics."""

    function = "lojal_fold"
    output_field = TextField()


def folded_contains(query: str, *fields: str) -> Q:
    """Rows where any of ``fields``, folded, contains ``query``, folded."""
    needle = fold_letters(query)
    condition = Q()
    for field in fields:
        condition |= Q(Contains(Folded(field), needle))
    return condition


def _sqlite_fold(value: str | None) -> str | None:
    return None if value is None else fold_letters(value)


def _register(sender: Any, connection: Any, **kwargs: Any) -> None:
    if connection.vendor == "sqlite":
        connection.connection.create_function("lojal_fold", 1, _sqlite_fold, deterministic=True)


def folding_install() -> None:
    """Called once when Django starts (core's AppConfig.ready): every SQLite connection gets the function."""
    connection_created.connect(_register, dispatch_uid="lojal_fold")
