"""Writes for the product catalogue: create and change products and product categories, by hand (pages,
API). Each write is checked as a whole (every bad field named at once) and lands in the audit log;
products are not about one customer, so nothing goes on a timeline."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from lojal.core.audit import audit_record
from lojal.core.errors import Conflict, NotFound
from lojal.sales.models import Product, ProductCategory
from lojal.sales.validation import CURRENCIES, Problems, choice, money

PRODUCT_FIELDS = ("code", "name", "category_id", "unit_price", "currency", "is_active")


def _text(value: Any, field: str, limit: int, problems: Problems) -> str:
    text = " ".join(str(value or "").split())
    if not text:
        problems.add(field, _("This field is required."))
    elif len(text) > limit:
        problems.add(field, _("At most %(limit)d characters.") % {"limit": limit})
    return text


def _code_taken(code: str) -> Conflict:
    return Conflict(
        _("A product with code %(code)s already exists.") % {"code": code},
        errors={"code": [_("Another product has this code.")]},
    )


def _product_clean(data: Mapping[str, Any], current: Product | None) -> dict[str, Any]:
    """The checked values of the fields present in ``data`` (all of them for a new product)."""
    problems = Problems()
    cleaned: dict[str, Any] = {}
    present = set(PRODUCT_FIELDS) if current is None else set(data) & set(PRODUCT_FIELDS)
    if "code" in present:
        # Kept exactly as the source system writes it (imports match on it), only trimmed.
        code = str(data.get("code") or "").strip()
        if not code:
            problems.add("code", _("This field is required."))
        elif len(code) > 60:
            problems.add("code", _("At most %(limit)d characters.") % {"limit": 60})
        cleaned["code"] = code
    if "name" in present:
        cleaned["name"] = _text(data.get("name"), "name", 200, problems)
    if "category_id" in present:
        category_id = data.get("category_id")
        if category_id in (None, ""):
            cleaned["category_id"] = None
        elif (
            not str(category_id).isdigit()
            or not ProductCategory.objects.filter(pk=int(str(category_id))).exists()
        ):
            problems.add("category_id", _("No product category with this id."))
        else:
            cleaned["category_id"] = int(str(category_id))
    if "unit_price" in present:
        price = money(data.get("unit_price"), "unit_price", problems, required=False)
        if price is not None and price < 0:
            problems.add("unit_price", _("A price cannot be negative."))
        cleaned["unit_price"] = price
    if "currency" in present:
        cleaned["currency"] = choice(
            str(data.get("currency") or "").upper(), "currency", CURRENCIES, problems, default="SEK"
        )
    if "is_active" in present:
        value = data.get("is_active", True)
        if not isinstance(value, bool):
            problems.add("is_active", _("Must be true or false."))
        cleaned["is_active"] = bool(value)
    problems.raise_if_any()
    new_code: str = cleaned.get("code") or ""
    clash = Product.objects.filter(code=new_code)
    if current is not None:
        clash = clash.exclude(pk=current.pk)
    if new_code and clash.exists():
        raise _code_taken(new_code)
    return cleaned


@transaction.atomic
def product_create(*, actor: Any, data: Mapping[str, Any]) -> Product:
    """Add a product to the catalogue (its code is the article number in the source system)."""
    cleaned = _product_clean(data, None)
    try:
        with transaction.atomic():
            product = Product.objects.create(**cleaned)
    except IntegrityError:
        raise _code_taken(cleaned["code"]) from None
    audit_record(
        actor=actor, action="create", obj=product, changes={k: [None, v] for k, v in cleaned.items()}
    )
    return product


def product_stubs_create(
    *, actor: Any, codes: Iterable[str], names: Mapping[str, str] | None = None
) -> dict[str, int]:
    """The products with these article codes, id by code; codes the catalogue does not have yet are
    added as stubs marked to complete, so a transaction naming an article the product file has not
    brought yet is kept with it rather than refused. A stub is named by ``names`` (the description the
    source gave for its code), else by its code; a product the catalogue has keeps its name."""
    wanted = {code for code in codes if code}
    found = dict(Product.objects.filter(code__in=wanted).values_list("code", "pk"))
    missing = sorted(wanted - set(found))
    if missing:
        names = names or {}
        stub_names = {
            code: " ".join(str(names.get(code) or "").split())[:200] or code[:200] for code in missing
        }
        Product.objects.bulk_create(
            [Product(code=code[:60], name=stub_names[code], needs_completion=True) for code in missing],
            ignore_conflicts=True,  # one made meanwhile by other means is just as good
        )
        found = dict(Product.objects.filter(code__in=wanted).values_list("code", "pk"))
        for code in missing:
            audit_record(
                actor=actor,
                action="create",
                obj=Product(pk=found[code], code=code, name=stub_names[code]),
                changes={
                    "code": [None, code],
                    "name": [None, stub_names[code]],
                    "needs_completion": [None, True],
                },
            )
    return found


@transaction.atomic
def product_change(*, actor: Any, product_id: int, data: Mapping[str, Any]) -> Product:
    """Change the fields of a product that ``data`` names; unchanged values write nothing."""
    product = Product.objects.select_for_update().filter(pk=product_id).first()
    if product is None:
        raise NotFound(_("No product with id %(id)s.") % {"id": product_id})
    cleaned = _product_clean(data, product)
    changes: dict[str, list[Any]] = {}
    for field, value in cleaned.items():
        old = getattr(product, field)
        if isinstance(old, Decimal) and isinstance(value, Decimal) and old == value:
            continue
        if old != value:
            changes[field] = [old, value]
            setattr(product, field, value)
    if not changes:
        return product
    if product.needs_completion:
        changes["needs_completion"] = [True, False]  # someone has looked at the stub and filled it in
        product.needs_completion = False
    try:
        with transaction.atomic():
            product.save(update_fields=[*changes, "updated_at"])
    except IntegrityError:
        raise _code_taken(product.code) from None
    audit_record(actor=actor, action="update", obj=product, changes=changes)
    return product


def _category_name(name: Any, current: ProductCategory | None) -> str:
    problems = Problems()
    cleaned = _text(name, "name", 100, problems)
    problems.raise_if_any()
    clash = ProductCategory.objects.filter(name__iexact=cleaned)
    if current is not None:
        clash = clash.exclude(pk=current.pk)
    if clash.exists():
        raise Conflict(
            _("A product category named %(name)s already exists.") % {"name": cleaned},
            errors={"name": [_("Another category has this name.")]},
        )
    return cleaned


@transaction.atomic
def category_create(*, actor: Any, name: Any) -> ProductCategory:
    """Add a product category ("Savings accounts", "Gift cards")."""
    cleaned = _category_name(name, None)
    try:
        with transaction.atomic():
            category = ProductCategory.objects.create(name=cleaned)
    except IntegrityError:
        raise Conflict(
            _("A product category named %(name)s already exists.") % {"name": cleaned},
            errors={"name": [_("Another category has this name.")]},
        ) from None
    audit_record(actor=actor, action="create", obj=category, changes={"name": [None, cleaned]})
    return category


@transaction.atomic
def category_change(*, actor: Any, category_id: int, name: Any) -> ProductCategory:
    """Rename a product category; its products follow."""
    category = ProductCategory.objects.select_for_update().filter(pk=category_id).first()
    if category is None:
        raise NotFound(_("No product category with id %(id)s.") % {"id": category_id})
    cleaned = _category_name(name, category)
    if cleaned == category.name:
        return category
    old = category.name
    category.name = cleaned
    try:
        with transaction.atomic():
            category.save(update_fields=["name"])
    except IntegrityError:
        raise Conflict(
            _("A product category named %(name)s already exists.") % {"name": cleaned},
            errors={"name": [_("Another category has this name.")]},
        ) from None
    audit_record(actor=actor, action="update", obj=category, changes={"name": [old, cleaned]})
    return category
