"""What every list page shares: declared columns, sort from the column headers, a choice of visible
columns, a page size, numbered pages and "load more", and the query strings that carry them.

A page declares its list once (:class:`ListSpec`), reads the request with :func:`list_state`, orders
and pages its queryset with the state, and renders the ``core/_list_*.html`` partials. Pages are
Django's :class:`~django.core.paginator.Paginator` pages; a list that may hold millions of rows counts
them only up to a cap (:class:`CappedPaginator`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any
from urllib.parse import urlencode

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.utils.functional import Promise

from lojal.core.htmx import wants_fragment

PAGE_SIZES = (25, 50, 100)
SORT = "sort"
COLUMNS = "columns"
PER_PAGE = "per_page"
PAGE = "page"
#: Parameters the list itself reads; every other parameter of the query string is a filter.
LIST_PARAMETERS = frozenset({SORT, COLUMNS, PER_PAGE, PAGE})
#: Longest query string value kept (a filter value is a word or an id, never a document).
VALUE_MAX = 200


@dataclass(frozen=True)
class Column:
    """One column of a list: its key (in the query string), its label, and how it sorts."""

    key: str
    label: str | Promise
    #: The ordering of the column ascending (descending reverses every key); empty: not sortable.
    order_by: tuple[str, ...] = ()
    #: Shown until the reader picks the columns.
    default: bool = True
    #: Always shown (the column that names the row and links to it); not offered in the choice.
    required: bool = False
    #: Hidden on narrow screens (the ``hide-sm`` class), so the table fits a phone without scrolling.
    wide_only: bool = False
    numeric: bool = False

    @property
    def sortable(self) -> bool:
        return bool(self.order_by)


@dataclass(frozen=True)
class ListSpec:
    """A list page's declaration: its key (saved views are kept per key), columns and default sort."""

    key: str
    columns: tuple[Column, ...]
    #: A sortable column's key, with ``-`` in front for descending.
    default_sort: str
    #: Count at most this many rows (None: count them all).
    count_cap: int | None = None
    page_sizes: tuple[int, ...] = PAGE_SIZES
    #: The query string parameters that are the list's filters (others are ignored and not kept).
    filters: tuple[str, ...] = ()

    def column(self, key: str) -> Column | None:
        return next((column for column in self.columns if column.key == key), None)

    @property
    def default_columns(self) -> list[str]:
        return [column.key for column in self.columns if column.default or column.required]


class CappedPaginator(Paginator):
    """A paginator that counts at most ``cap`` rows: an exact count of a million rows costs a quarter of a
    second on every page view, and nobody pages through more than that without a filter."""

    def __init__(self, object_list: Any, per_page: int, *, cap: int, **kwargs: Any) -> None:
        super().__init__(object_list, per_page, **kwargs)
        self.cap = cap

    @cached_property
    def count(self) -> int:
        rows: QuerySet[Any] = self.object_list  # type: ignore[assignment]
        return min(rows.order_by()[: self.cap + 1].count(), self.cap + 1)

    @property
    def capped(self) -> bool:
        return self.count > self.cap

    @cached_property
    def num_pages(self) -> int:
        return max(1, -(-min(self.count, self.cap) // self.per_page))


@dataclass(frozen=True)
class Header:
    """A column header as the table shows it: a link that sorts by it, and its ``aria-sort``."""

    column: Column
    url: str
    #: ``ascending``, ``descending`` or ``none`` (the column is sortable but not sorted by).
    aria_sort: str
    #: Whether the link sorts descending (the column is sorted ascending now).
    next_descending: bool


@dataclass(frozen=True)
class PageLink:
    number: int | None  # None: an ellipsis between page numbers
    url: str = ""
    current: bool = False


@dataclass(frozen=True)
class SavedViewLink:
    """A saved view as the list offers it: the address that opens it, and whether it is open now."""

    view: Any
    url: str
    current: bool
    own: bool


@dataclass
class ListState:
    """One request's view of a list: sort, visible columns, page size and the filters it carries."""

    spec: ListSpec
    path: str
    sort: str
    columns: list[str]
    per_page: int
    filters: list[tuple[str, str]]
    page_number: str = "1"
    page: Page | None = field(default=None, init=False)
    saved_views: list[SavedViewLink] = field(default_factory=list, init=False)
    #: The column choice stays open after a change made in it (the answer replaces the list).
    columns_open: bool = field(default=False, init=False)

    # --- ordering and pages ------------------------------------------------------------------------

    @property
    def sort_key(self) -> str:
        return self.sort.lstrip("-")

    @property
    def descending(self) -> bool:
        return self.sort.startswith("-")

    def order_by(self) -> tuple[str, ...]:
        """The sort column's ordering, reversed when descending."""
        column = self.spec.column(self.sort_key)
        keys = column.order_by if column is not None else ()
        if not self.descending:
            return keys
        return tuple(key[1:] if key.startswith("-") else f"-{key}" for key in keys)

    def paginate(self, rows: Any) -> Page:
        """The page of ``rows`` the request asks for (the last one when it asks for more)."""
        paginator: Paginator
        if self.spec.count_cap is not None:
            paginator = CappedPaginator(rows, self.per_page, cap=self.spec.count_cap)
        else:
            paginator = Paginator(rows, self.per_page)
        self.page = paginator.get_page(self.page_number)
        return self.page

    @property
    def capped(self) -> bool:
        return bool(self.page is not None and getattr(self.page.paginator, "capped", False))

    @property
    def count(self) -> int:
        return self.page.paginator.count if self.page is not None else 0

    # --- query strings -----------------------------------------------------------------------------

    def query(self, **changes: Any) -> str:
        """The query string of this list with ``changes`` (sort, columns, per_page, page), leaving out
        empty filters and values that are the defaults, so links read ``?q=anna&page=2``."""
        sort = changes.get(SORT, self.sort)
        columns = changes.get(COLUMNS, self.columns)
        per_page = changes.get(PER_PAGE, self.per_page)
        page = changes.get(PAGE, 1)
        pairs: list[tuple[str, Any]] = list(self.filters)
        if sort != self.spec.default_sort:
            pairs.append((SORT, sort))
        if list(columns) != self.spec.default_columns:
            pairs.extend((COLUMNS, key) for key in columns)
        if per_page != self.spec.page_sizes[0]:
            pairs.append((PER_PAGE, per_page))
        if page and int(page) > 1:
            pairs.append((PAGE, page))
        return urlencode(pairs)

    def url(self, **changes: Any) -> str:
        query = self.query(**changes)
        return f"{self.path}?{query}" if query else self.path

    @property
    def filter_query(self) -> str:
        """The filters alone, as a query string (what bulk actions and exports read)."""
        return urlencode(self.filters)

    @property
    def current_url(self) -> str:
        return self.url(page=self.page.number if self.page is not None else 1)

    def offer_saved_views(self, views: Iterable[Any], *, user_id: int | None) -> None:
        """Offer ``views`` (with ``filters``, ``sort`` and ``columns``) as links; the one that gives
        this list's filters, sort and columns is marked as the open one."""
        from django.http import QueryDict

        links = []
        for view in views:
            query = QueryDict(mutable=True)
            query.update(QueryDict(view.filters))
            if view.sort:
                query[SORT] = view.sort
            query.setlist(COLUMNS, list(view.columns))
            opened = list_state(self.spec, query, path=self.path)
            opened.per_page = self.per_page
            links.append(
                SavedViewLink(
                    view=view,
                    url=opened.url(),
                    current=opened.query() == self.query(),
                    own=view.owner_id == user_id,
                )
            )
        self.saved_views = links

    # --- what the templates show -------------------------------------------------------------------

    @cached_property
    def shown(self) -> dict[str, bool]:
        """Column key -> whether it is shown (``{% if listing.shown.email %}``)."""
        visible = set(self.columns)
        return {column.key: column.key in visible for column in self.spec.columns}

    @property
    def visible_columns(self) -> list[Column]:
        return [column for column in self.spec.columns if self.shown[column.key]]

    @property
    def headers(self) -> list[Header]:
        headers = []
        for column in self.visible_columns:
            if not column.sortable:
                headers.append(Header(column=column, url="", aria_sort="", next_descending=False))
                continue
            current = column.key == self.sort_key
            aria = ("descending" if self.descending else "ascending") if current else "none"
            descending = current and not self.descending
            url = self.url(**{SORT: f"-{column.key}" if descending else column.key})
            headers.append(Header(column=column, url=url, aria_sort=aria, next_descending=descending))
        return headers

    @property
    def column_choices(self) -> list[tuple[Column, bool]]:
        return [(column, self.shown[column.key]) for column in self.spec.columns if not column.required]

    @property
    def page_links(self) -> list[PageLink]:
        if self.page is None or not self.page.has_other_pages():
            return []
        links = []
        for number in self.page.paginator.get_elided_page_range(self.page.number, on_each_side=2, on_ends=1):
            if isinstance(number, int):
                links.append(
                    PageLink(number=number, url=self.url(page=number), current=number == self.page.number)
                )
            else:
                links.append(PageLink(number=None))
        return links

    @property
    def previous_url(self) -> str:
        if self.page is None or not self.page.has_previous():
            return ""
        return self.url(page=self.page.previous_page_number())

    @property
    def next_url(self) -> str:
        if self.page is None or not self.page.has_next():
            return ""
        return self.url(page=self.page.next_page_number())


def _clean(value: str) -> str:
    return value.replace("\x00", "").strip()[:VALUE_MAX]


def list_state(spec: ListSpec, params: Mapping[str, Any], *, path: str) -> ListState:
    """The list's state as the request's query string gives it; anything unknown falls back to the
    defaults rather than failing (a hand-edited or an old address still shows the list)."""
    getlist = getattr(params, "getlist", None)

    def values(name: str) -> list[str]:
        if getlist is not None:
            return [_clean(value) for value in getlist(name)]
        value = params.get(name)
        if value is None:
            return []
        return [_clean(item) for item in (value if isinstance(value, list | tuple) else [value])]

    sort = (values(SORT) or [""])[-1]
    column = spec.column(sort.lstrip("-"))
    if column is None or not column.sortable or sort.count("-") > 1:
        sort = spec.default_sort
    wanted = {key for key in values(COLUMNS) if key}
    if wanted:
        columns = [c.key for c in spec.columns if c.required or c.key in wanted]
    else:
        columns = spec.default_columns
    size = (values(PER_PAGE) or [""])[-1]
    per_page = int(size) if size.isdigit() and int(size) in spec.page_sizes else spec.page_sizes[0]
    filters = [(name, value) for name in spec.filters for value in values(name) if value]
    page_number = (values(PAGE) or ["1"])[-1]
    return ListState(
        spec=spec,
        path=path,
        sort=sort,
        columns=columns,
        per_page=per_page,
        filters=filters,
        page_number=page_number if page_number.isdigit() and len(page_number) < 10 else "1",
    )


def list_response(
    request: HttpRequest,
    listing: ListState,
    *,
    page_template: str,
    results_template: str,
    context: Mapping[str, Any],
) -> HttpResponse:
    """The list page, or only its results for an htmx request; the address bar then shows the list's
    tidy address (``?q=anna&page=2``), not the form's every field. The answer varies on ``HX-Request``
    so that the browser's Back never shows a bare fragment in place of the page."""
    partial = wants_fragment(request)
    trigger = request.headers.get("HX-Trigger", "")
    listing.columns_open = partial and trigger == f"{listing.spec.key}-columns"
    response = render(
        request,
        results_template if partial else page_template,
        {**context, "listing": listing, "partial": partial},
    )
    if partial and trigger != f"{listing.spec.key}-more":
        response["HX-Push-Url"] = listing.current_url
    patch_vary_headers(response, ("HX-Request",))
    return response
