"""Which of two duplicate customers' values a merge keeps, field by field: the merge screen offers a
choice wherever the two differ, and :func:`lojal.customers.duplicates.customers_merge` applies it.

Without a choice the rule is the one merges always had: the kept customer's value, or the other's where
the kept customer has none.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lojal.core.contact_points import phone_display
from lojal.core.errors import LojalError, ValidationError
from lojal.customers.models import Address, Customer, EmailAddress, Kind, PhoneNumber


def primary_address(customer: Customer) -> Address | None:
    return next(iter(customer.addresses.all()), None)


def _address_text(customer: Customer) -> str:
    address = primary_address(customer)
    return str(address) if address is not None else ""


def _manager_name(customer: Customer) -> str:
    manager = customer.account_manager
    return str(getattr(manager, "display_name", "") or manager) if manager is not None else ""


@dataclass(frozen=True)
class ChoosableField:
    """A value (or group of values, such as an address) staff may take from either customer."""

    name: str
    label: Any
    #: What the field holds, comparable between the two customers; empty when it holds nothing.
    value: Callable[[Customer], Any]
    #: The value as the merge screen shows it.
    shown: Callable[[Customer], str]
    #: Only for a person, only for an organisation, or for both ("").
    kind: str = ""
    #: A choice of an empty value is allowed (a stage or a tier always has one).
    always_set: bool = False


def _attribute(name: str) -> Callable[[Customer], Any]:
    return lambda customer: getattr(customer, name)


def _text_of(name: str) -> Callable[[Customer], str]:
    return lambda customer: "" if getattr(customer, name) in (None, "") else str(getattr(customer, name))


def _date_of(name: str) -> Callable[[Customer], str]:
    """A date in the page language's short format."""
    return lambda customer: (
        "" if getattr(customer, name) is None else date_format(getattr(customer, name), "SHORT_DATE_FORMAT")
    )


CHOOSABLE_FIELDS: tuple[ChoosableField, ...] = (
    ChoosableField(
        "first_name",
        gettext_lazy("First name"),
        _attribute("first_name"),
        _text_of("first_name"),
        Kind.PERSON,
    ),
    ChoosableField(
        "last_name", gettext_lazy("Last name"), _attribute("last_name"), _text_of("last_name"), Kind.PERSON
    ),
    ChoosableField(
        "organisation_name",
        gettext_lazy("Organisation name"),
        _attribute("organisation_name"),
        _text_of("organisation_name"),
        Kind.ORGANISATION,
    ),
    ChoosableField(
        "birth_date",
        gettext_lazy("Birth date"),
        _attribute("birth_date"),
        _date_of("birth_date"),
        Kind.PERSON,
    ),
    ChoosableField(
        "industry", gettext_lazy("Industry"), _attribute("industry"), _text_of("industry"), Kind.ORGANISATION
    ),
    ChoosableField(
        "employee_count",
        gettext_lazy("Number of employees"),
        _attribute("employee_count"),
        _text_of("employee_count"),
        Kind.ORGANISATION,
    ),
    ChoosableField(
        "founded_year",
        gettext_lazy("Founding year"),
        _attribute("founded_year"),
        _text_of("founded_year"),
        Kind.ORGANISATION,
    ),
    ChoosableField(
        "email", gettext_lazy("Primary email"), _attribute("primary_email"), _text_of("primary_email")
    ),
    ChoosableField(
        "phone",
        gettext_lazy("Primary phone"),
        _attribute("primary_phone"),
        lambda customer: phone_display(customer.primary_phone) if customer.primary_phone else "",
    ),
    ChoosableField("address", gettext_lazy("Primary address"), _address_text, _address_text),
    ChoosableField(
        "national_id",
        gettext_lazy("Personal identity / organisation number"),
        lambda customer: (customer.national_id_country, customer.national_id) if customer.national_id else "",
        _text_of("national_id_display"),
    ),
    ChoosableField(
        "lifecycle_stage",
        gettext_lazy("Lifecycle stage"),
        _attribute("lifecycle_stage"),
        lambda customer: str(customer.get_lifecycle_stage_display()),
        always_set=True,
    ),
    ChoosableField(
        "vip_tier",
        gettext_lazy("VIP tier"),
        _attribute("vip_tier"),
        lambda customer: str(customer.get_vip_tier_display()),
        always_set=True,
    ),
    ChoosableField(
        "account_manager", gettext_lazy("Account manager"), _attribute("account_manager_id"), _manager_name
    ),
    ChoosableField(
        "preferred_language",
        gettext_lazy("Preferred language"),
        _attribute("preferred_language"),
        lambda customer: str(customer.get_preferred_language_display()),
        always_set=True,
    ),
)
_BY_NAME = {field.name: field for field in CHOOSABLE_FIELDS}


def _empty(value: Any) -> bool:
    return value in (None, "")


def _applies(field: ChoosableField, customer: Customer) -> bool:
    return not field.kind or field.kind == customer.kind


def differing_fields(keep: Customer, other: Customer) -> list[ChoosableField]:
    """The choosable fields on which the two customers hold different values."""
    return [
        field
        for field in CHOOSABLE_FIELDS
        if _applies(field, keep) and field.value(keep) != field.value(other)
    ]


def default_winner(field: ChoosableField, keep: Customer, other: Customer) -> Customer:
    """Whose value a merge keeps without a choice: the kept customer's, or the other's where it has none."""
    if field.always_set or not _empty(field.value(keep)) or _empty(field.value(other)):
        return keep
    return other


def merge_choices_validate(
    keep: Customer, other: Customer, choices: Mapping[str, int]
) -> dict[str, Customer]:
    """Whose value wins for every field that differs: the choice where one was made (a customer id per
    field name), else :func:`default_winner`. Refuses an unknown field, an id of neither customer, and an
    empty value chosen over a filled one (a merge never throws away what either customer holds)."""
    errors: dict[str, list[str]] = {}
    by_id = {keep.pk: keep, other.pk: other}
    differing = {field.name: field for field in differing_fields(keep, other)}
    for name, customer_id in choices.items():
        field = _BY_NAME.get(name)
        if field is None or not _applies(field, keep):
            errors[f"choices.{name}"] = [_("Not a field a merge can choose.")]
        elif customer_id not in by_id:
            errors[f"choices.{name}"] = [_("Must be the id of one of the two customers.")]
        elif name in differing and not field.always_set and _empty(field.value(by_id[customer_id])):
            errors[f"choices.{name}"] = [_("That customer has no value here; choose the other one.")]
    if errors:
        first = next(iter(errors))
        raise ValidationError(f"{first}: {errors[first][0]}", errors=errors)
    return {
        name: by_id[choices[name]] if name in choices else default_winner(field, keep, other)
        for name, field in differing.items()
    }


def choice_error_text(error: LojalError) -> str:
    """A refused merge in words for the merge screen: each refused choice named by its field's label."""
    texts = [
        f"{_BY_NAME[key.removeprefix('choices.')].label}: {reason}"
        if key.removeprefix("choices.") in _BY_NAME
        else reason
        for key, reasons in error.errors.items()
        for reason in reasons
    ]
    return " ".join(texts) or error.message


def merge_rows(
    first: Customer, second: Customer, *, keep: Customer, national_id_shown: Callable[[Customer], str]
) -> list[dict[str, Any]]:
    """The merge screen's table: each differing field with both values, which one is chosen now (the
    default rule with ``keep`` kept), and which one the rule picks with either customer kept (so that the
    page can follow a change of the customer to keep)."""
    rows = []
    for field in differing_fields(first, second):
        shown = national_id_shown if field.name == "national_id" else field.shown
        winner_if = {
            first.pk: default_winner(field, first, second).pk,
            second.pk: default_winner(field, second, first).pk,
        }
        sides = []
        for side in (first, second):
            sides.append(
                {
                    "customer": side,
                    "shown": shown(side),
                    "empty": _empty(field.value(side)) and not field.always_set,
                    "checked": winner_if[keep.pk] == side.pk,
                    "default_when_kept": " ".join(str(pk) for pk, won in winner_if.items() if won == side.pk),
                }
            )
        rows.append({"name": field.name, "label": field.label, "sides": sides})
    return rows


def merge_choices_apply(
    keep: Customer, other: Customer, winners: Mapping[str, Customer], *, other_address: Address | None
) -> dict[str, list[Any]]:
    """Give ``keep`` the other customer's value wherever it won, after the other's contact points have
    moved to ``keep`` (``other_address``: the other's primary address, read before it moved); answers
    the changes as the audit log keeps them (a number only as "(set)")."""
    changed: dict[str, list[Any]] = {}
    for name, winner in winners.items():
        if winner.pk != other.pk:
            continue
        if name == "email":
            changed[name] = [keep.primary_email, other.primary_email]
            EmailAddress.objects.filter(customer=keep).exclude(address=other.primary_email).update(
                is_primary=False
            )
            EmailAddress.objects.filter(customer=keep, address=other.primary_email).update(is_primary=True)
            keep.primary_email = other.primary_email
        elif name == "phone":
            changed[name] = [keep.primary_phone, other.primary_phone]
            PhoneNumber.objects.filter(customer=keep).exclude(number=other.primary_phone).update(
                is_primary=False
            )
            PhoneNumber.objects.filter(customer=keep, number=other.primary_phone).update(is_primary=True)
            keep.primary_phone = other.primary_phone
        elif name == "address":
            chosen = other_address
            if chosen is None:
                continue
            changed[name] = [_address_text(keep), str(chosen)]
            Address.objects.filter(customer=keep).exclude(pk=chosen.pk).update(is_primary=False)
            Address.objects.filter(pk=chosen.pk).update(is_primary=True)
            keep.city, keep.country = chosen.city, chosen.country
        elif name == "national_id":
            changed[name] = [None if not keep.national_id else "(set)", "(set)"]
            for part in ("national_id", "national_id_country", "national_id_kind", "national_id_display"):
                setattr(keep, part, getattr(other, part))
        elif name == "account_manager":
            changed["account_manager_id"] = [keep.account_manager_id, other.account_manager_id]
            keep.account_manager_id = other.account_manager_id
        else:
            changed[name] = [_json_value(getattr(keep, name)), _json_value(getattr(other, name))]
            setattr(keep, name, getattr(other, name))
    return changed


def _json_value(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value
