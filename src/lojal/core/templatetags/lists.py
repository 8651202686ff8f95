"""``{% list_url listing tag="VIP" %}``: the address of a list with one filter or list setting changed."""

from __future__ import annotations

from typing import Any

from django import template

from lojal.core.lists import LIST_PARAMETERS, ListState

register = template.Library()


@register.simple_tag
def list_url(listing: ListState, **changes: Any) -> str:
    """The list's address with ``changes``: a list parameter (sort, page ...) or a filter, which
    replaces that filter's current value (an empty value removes it); the page goes back to the first."""
    own = {name: value for name, value in changes.items() if name in LIST_PARAMETERS}
    replaced = {name: value for name, value in changes.items() if name not in LIST_PARAMETERS}
    filters = [(name, value) for name, value in listing.filters if name not in replaced]
    filters.extend((name, str(value)) for name, value in replaced.items() if value not in ("", None))
    moved = ListState(
        spec=listing.spec,
        path=listing.path,
        sort=listing.sort,
        columns=listing.columns,
        per_page=listing.per_page,
        filters=filters,
    )
    return moved.url(**own)
