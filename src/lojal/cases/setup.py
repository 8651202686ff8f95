"""Setting up the desk: the two-level tree of categories, and the choices the queue form offers (queues
themselves are written by :mod:`lojal.cases.queues`). Managers and administrators only."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from lojal.accounts.roles import Action
from lojal.cases.desk_setup import desk_setup_changed
from lojal.cases.models import Category, Queue, SlaPolicy
from lojal.cases.services import _text
from lojal.core.audit import audit_record
from lojal.core.errors import NotFound, PermissionDenied, ValidationError


def _may_configure(actor: Any) -> None:
    if not actor.can(Action.SERVICE_CONFIGURE):
        raise PermissionDenied(_("Your role does not allow this."))


def queue_list(*, active_only: bool = False) -> QuerySet[Queue]:
    queues = Queue.objects.select_related("team", "calendar", "sla_policy", "manager")
    return queues.filter(is_active=True) if active_only else queues


def category_tree() -> list[tuple[Category, list[Category]]]:
    """The categories as the tree they are: each top-level one with its children."""
    rows = list(Category.objects.order_by("position", "name"))
    return [(top, [row for row in rows if row.parent_id == top.pk]) for top in rows if top.parent_id is None]


def _calendars() -> QuerySet[Any]:
    """The business calendars, through the queue's own relation (the calendars app's selectors arrive
    with its branch; this reads only ids and names)."""
    model: Any = Queue._meta.get_field("calendar").related_model
    return model.objects.order_by("name")


def calendar_choices() -> list[tuple[int, str]]:
    return [(row.pk, str(row)) for row in _calendars()]


def sla_policy_list() -> QuerySet[SlaPolicy]:
    return SlaPolicy.objects.filter(is_active=True)


def category_save(
    *,
    actor: Any,
    name: str,
    category_id: int | None = None,
    parent_id: int | None = None,
    position: int = 0,
    is_active: bool = True,
    is_customer_visible: bool | None = None,
) -> Category:
    """Create a category, or change one. Two levels only: a parent must itself be at the top, and a
    category with children stays at the top. ``is_customer_visible`` (None: left as it is, off for a new
    one) offers the category to customers opening a case on My pages."""
    _may_configure(actor)
    name = _text(name, "name", max_length=100, required=True)
    if parent_id is not None:
        parent = Category.objects.filter(pk=parent_id).first()
        if parent is None:
            raise ValidationError.for_field("parent_id", _("No category with this id."))
        if parent.parent_id is not None or parent_id == category_id:
            raise ValidationError.for_field("parent_id", _("Categories have two levels: choose a top one."))
        if category_id is not None and Category.objects.filter(parent_id=category_id).exists():
            raise ValidationError.for_field(
                "parent_id", _("This category has its own subcategories, so it stays at the top.")
            )
    if Category.objects.filter(parent_id=parent_id, name=name).exclude(pk=category_id or 0).exists():
        raise ValidationError.for_field("name", _("There already is a category with this name here."))
    with transaction.atomic():
        if category_id is None:
            category = Category.objects.create(
                name=name,
                parent_id=parent_id,
                position=position,
                is_active=is_active,
                is_customer_visible=bool(is_customer_visible),
            )
        else:
            found = Category.objects.select_for_update().filter(pk=category_id).first()
            if found is None:
                raise NotFound(_("No category with id %(id)s.") % {"id": category_id})
            category = found
            category.name, category.parent_id = name, parent_id
            category.position, category.is_active = position, is_active
            if is_customer_visible is not None:
                category.is_customer_visible = is_customer_visible
            category.save()
        audit_record(
            actor=actor,
            action="category.created" if category_id is None else "category.changed",
            obj=category,
            label=name,
        )
        desk_setup_changed()
    return category
