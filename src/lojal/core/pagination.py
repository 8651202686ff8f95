"""One way to page through every API list: keyset (cursor) pages over the list's own ordering.

An operation decorated with ``@keyset_paginate()`` takes ``?cursor=&limit=`` and answers
``{"items": [...], "next_cursor": "..." | null}``. The view returns a queryset ordered by its keys, the
last of them unique (``id``), or a :class:`Keyset` that also says how to show one page of rows. The
cursor is the signed keys of the last item shown: a row inserted or deleted between two pages never
makes another be skipped or shown twice, and a deep page costs what the first one costs (no OFFSET).
"""

from __future__ import annotations

import datetime as dt
import operator
import typing
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import reduce
from typing import Any

from django.core import signing
from django.core.exceptions import ImproperlyConfigured
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Model, Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Schema
from ninja.pagination import PaginationBase, paginate
from pydantic import create_model

from lojal.core.errors import ValidationError

DEFAULT_LIMIT = 50
MAX_LIMIT = 200
# A cursor holds the keys of one row: a sort name of up to 300 characters, signed and in base64.
CURSOR_MAX_LENGTH = 4096


@dataclass(frozen=True)
class Keyset:
    """A queryset to page through, and how to show one page of its rows (all at once, so that a
    projection can load what the page needs in a fixed number of queries)."""

    rows: QuerySet[Any]
    show: Callable[[list[Any]], Iterable[Any]] = list


class KeysetPagination(PaginationBase):
    """Cursor pages over the ordering keys of the queryset the view returns."""

    class Input(Schema):
        cursor: str | None = None
        limit: int = DEFAULT_LIMIT

    class Output(Schema):
        items: list[Any]
        next_cursor: str | None = Field(
            None, description="pass as `cursor` to get the next page; null on the last page"
        )

    def __init__(
        self, *, default_limit: int = DEFAULT_LIMIT, max_limit: int = MAX_LIMIT, **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        # The limit's bounds differ per list, and ninja reads them from the Input schema for the
        # OpenAPI document and the 422 answer, so each pair of bounds gets its own schema, named apart.
        self.Input = create_model(  # type: ignore[misc]
            f"KeysetPage{default_limit}Of{max_limit}Input",
            __base__=Schema,  # type: ignore[arg-type]
            cursor=(
                str | None,
                Field(
                    None,
                    max_length=CURSOR_MAX_LENGTH,
                    description="`next_cursor` of the previous page; leave out for the first page",
                ),
            ),
            limit=(int, Field(default_limit, ge=1, le=max_limit, description="items per page")),
        )

    def paginate_queryset(
        self, queryset: QuerySet[Any] | Keyset, pagination: Any, request: HttpRequest, **params: Any
    ) -> dict[str, Any]:
        source = queryset if isinstance(queryset, Keyset) else Keyset(queryset)
        items, next_cursor = keyset_page(source.rows, cursor=pagination.cursor, limit=pagination.limit)
        return {self.items_attribute: list(source.show(items)), "next_cursor": next_cursor}


def keyset_paginate(
    *, default_limit: int = DEFAULT_LIMIT, max_limit: int = MAX_LIMIT
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """``@paginate(KeysetPagination, ...)`` for views in modules with postponed annotations: ninja reads
    the wrapped view's annotations in its own module, where the view's schemas are unknown names."""

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        view.__annotations__ = typing.get_type_hints(view, include_extras=True)
        return paginate(KeysetPagination, default_limit=default_limit, max_limit=max_limit)(view)

    return decorate


def keyset_page(rows: QuerySet[Any], *, cursor: str | None, limit: int) -> tuple[list[Any], str | None]:
    """The ``limit`` rows after ``cursor`` in the queryset's order, and the cursor after the last of
    them (None when nothing follows)."""
    ordering = _ordering(rows)
    if cursor:
        rows = rows.filter(_after(ordering, cursor_decode(rows.model, ordering, cursor)))
    found = list(rows[: limit + 1])
    if len(found) <= limit:
        return found, None
    return found[:limit], cursor_of(found[limit - 1], model=rows.model, ordering=ordering)


def cursor_of(row: Any, *, model: type[Model], ordering: Sequence[str]) -> str:
    """The cursor that continues a list ordered by ``ordering`` after ``row`` (an instance or a dict)."""
    values = []
    for key in ordering:
        name = key.lstrip("-")
        value = row[name] if isinstance(row, dict) else getattr(row, name)
        if value is None:
            raise ImproperlyConfigured(f"Keyset key {name!r} of {model.__name__} must not be null.")
        if isinstance(value, dt.date):
            value = value.isoformat()
        elif isinstance(value, Decimal):
            value = str(value)
        values.append(value)
    return signing.Signer(salt=_salt(model, ordering)).sign_object(values)


def cursor_decode(model: type[Model], ordering: Sequence[str], cursor: str) -> list[Any]:
    """The keys in ``cursor``; a 422 naming ``cursor`` when it was not made for this list and order."""
    try:
        values = signing.Signer(salt=_salt(model, ordering)).unsign_object(cursor)
        if not isinstance(values, list) or len(values) != len(ordering):
            raise ValueError
        return [_field(model, key).to_python(value) for key, value in zip(ordering, values, strict=True)]
    except (signing.BadSignature, ValueError, TypeError, DjangoValidationError):
        raise ValidationError.for_field(
            "cursor", _("This cursor is not valid for this list and sort order.")
        ) from None


def _salt(model: type[Model], ordering: Sequence[str]) -> str:
    # A cursor made for one list or order is refused by another instead of landing somewhere odd.
    return f"lojal.pagination:{model._meta.label_lower}:{','.join(ordering)}"


def _field(model: type[Model], key: str) -> Any:
    name = key.lstrip("-")
    return model._meta.pk if name == "pk" else model._meta.get_field(name)


def _ordering(rows: QuerySet[Any]) -> tuple[str, ...]:
    ordering = tuple(key for key in rows.query.order_by if isinstance(key, str) and "__" not in key)
    if not ordering or len(ordering) != len(rows.query.order_by):
        raise ImproperlyConfigured(
            f"A keyset page needs an order_by() of {rows.model.__name__}'s own fields."
        )
    last = _field(rows.model, ordering[-1])
    if not (last.primary_key or last.unique):
        raise ImproperlyConfigured(
            "A keyset page's ordering must end with a unique key, so each row has one place."
        )
    return ordering


def _after(ordering: Sequence[str], values: Sequence[Any]) -> Q:
    """Rows after ``values`` in ``ordering``: greater in the first key, or equal in it and after in the next."""
    alternatives = []
    equal = Q()
    for key, value in zip(ordering, values, strict=True):
        name = key.lstrip("-")
        comparison = "lt" if key.startswith("-") else "gt"
        alternatives.append(equal & Q(**{f"{name}__{comparison}": value}))
        equal &= Q(**{name: value})
    # The first key's bound again, on its own: PostgreSQL cannot start an index scan from the OR
    # above, so without it every page would walk the index from its first entry (quadratic in depth).
    first = ordering[0]
    bound = Q(**{f"{first.lstrip('-')}__{'lte' if first.startswith('-') else 'gte'}": values[0]})
    return bound & reduce(operator.or_, alternatives)


def keyset_batches(rows: QuerySet[Any], *, size: int) -> Iterator[list[Any]]:
    """Every row of ``rows`` (ordered by its own fields, ending with a unique one) in lists of ``size``:
    each batch is one query starting after the keys of the last row of the batch before, so a batch
    deep into millions of rows costs what the first costs (no OFFSET) and only one batch is held.
    ``rows`` may be ``values()`` dicts; they must then hold the ordering keys."""
    ordering = _ordering(rows)
    names = [key.lstrip("-") for key in ordering]
    after = rows
    while True:
        batch = list(after[:size])
        if not batch:
            return
        yield batch
        if len(batch) < size:
            return
        last = batch[-1]
        keys = [last[name] if isinstance(last, dict) else getattr(last, name) for name in names]
        after = rows.filter(_after(ordering, keys))
