"""Saved views of a list: a staff member's named filters, sort and columns, private or shared with
every staff member. Writes and reads for the list pages; the list itself never depends on them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from urllib.parse import parse_qsl, urlencode

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from lojal.core.errors import NotFound, ValidationError
from lojal.core.models import SavedView

NAME_MAX = 80
FILTERS_MAX = 2000
COLUMNS_MAX = 40


def _filters_clean(filters: str) -> str:
    """The filters as a query string without empty values or the list's own parameters."""
    from lojal.core.lists import LIST_PARAMETERS

    pairs = [
        (name, value)
        for name, value in parse_qsl(filters.lstrip("?").replace("\x00", ""), keep_blank_values=False)
        if name not in LIST_PARAMETERS and value.strip()
    ]
    cleaned = urlencode(pairs)
    if len(cleaned) > FILTERS_MAX:
        raise ValidationError.for_field("filters", _("These filters are too long to save."))
    return cleaned


@transaction.atomic
def saved_view_create(
    *,
    owner: Any,
    list_key: str,
    name: str,
    filters: str = "",
    sort: str = "",
    columns: Sequence[str] = (),
    is_shared: bool = False,
) -> SavedView:
    """Save a list's current filters, sort and columns under ``name``; saving again under a name the
    owner already uses on this list replaces that view."""
    cleaned_name = " ".join(name.replace("\x00", "").split())
    if not cleaned_name:
        raise ValidationError.for_field("name", _("Give the view a name."))
    if len(cleaned_name) > NAME_MAX:
        raise ValidationError.for_field("name", _("At most %(count)d characters.") % {"count": NAME_MAX})
    if not list_key or len(list_key) > 40:
        raise ValidationError.for_field("list_key", _("Unknown list."))
    values = {
        "filters": _filters_clean(filters),
        "sort": sort.replace("\x00", "")[:40],
        "columns": [key.replace("\x00", "")[:40] for key in columns if key][:COLUMNS_MAX],
        "is_shared": is_shared,
    }
    view, _created = SavedView.objects.update_or_create(
        owner=owner, list_key=list_key, name=cleaned_name, defaults=values
    )
    return view


@transaction.atomic
def saved_view_delete(*, actor: Any, view_id: int) -> None:
    """Delete one of ``actor``'s own saved views (a view shared by someone else is theirs to delete)."""
    deleted, _rows = SavedView.objects.filter(pk=view_id, owner_id=getattr(actor, "pk", None)).delete()
    if not deleted:
        raise NotFound(_("You have no saved view with this id."))


def saved_view_list(*, user: Any, list_key: str) -> QuerySet[SavedView]:
    """The views ``user`` may open on this list: their own and those shared with all staff."""
    return (
        SavedView.objects.filter(list_key=list_key)
        .filter(Q(owner_id=getattr(user, "pk", None)) | Q(is_shared=True))
        .select_related("owner")
        .order_by("name", "id")
    )
