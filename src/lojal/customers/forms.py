"""The customer form: flat fields people fill in, turned into the service's input and back."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from lojal.accounts.selectors import staff_list
from lojal.core.contact_points import phone_display
from lojal.core.forms import ServiceForm
from lojal.core.widgets import LocalDateField
from lojal.customers.models import Address, Country, Customer, Kind, Language, Stage, VipTier
from lojal.customers.selectors import national_id_shown

NATIONAL_COUNTRIES = [("SE", _("Sweden")), ("NO", _("Norway")), ("DK", _("Denmark")), ("FI", _("Finland"))]


class CustomerForm(ServiceForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=Kind.choices, widget=forms.RadioSelect)
    first_name = forms.CharField(label=_("First name"), max_length=100, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=100, required=False)
    organisation_name = forms.CharField(label=_("Organisation name"), max_length=200, required=False)
    national_id_country = forms.ChoiceField(label=_("Country of number"), choices=NATIONAL_COUNTRIES)
    national_id = forms.CharField(
        label=_("Personal identity / organisation number"),
        max_length=40,
        required=False,
        help_text=_("Any common spelling, with or without separators."),
    )
    birth_date = LocalDateField(label=_("Birth date"), required=False)
    customer_since = LocalDateField(
        label=_("Customer since"),
        required=False,
        help_text=_("When the relationship began; empty: the first transaction's day."),
    )
    emails = forms.CharField(
        label=_("Email addresses"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One per line; the first is the primary address."),
    )
    phones = forms.CharField(
        label=_("Phone numbers"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One per line, any format; the first is the primary number."),
    )
    address_label = forms.ChoiceField(
        label=_("Kind of address"), choices=Address.Label.choices, required=False
    )
    street = forms.CharField(label=_("Street"), max_length=200, required=False)
    postal_code = forms.CharField(label=_("Postal code"), max_length=12, required=False)
    city = forms.CharField(label=_("City"), max_length=100, required=False)
    municipality = forms.CharField(label=_("Municipality"), max_length=100, required=False)
    region = forms.CharField(label=_("Region"), max_length=100, required=False)
    country = forms.ChoiceField(label=_("Country"), choices=Country.choices)
    industry = forms.CharField(label=_("Industry"), max_length=100, required=False)
    employee_count = forms.IntegerField(label=_("Number of employees"), required=False, min_value=0)
    founded_year = forms.IntegerField(
        label=_("Founding year"), required=False, min_value=1000, max_value=9999
    )
    preferred_language = forms.ChoiceField(
        label=_("Preferred language"),
        choices=[("", _("From the country of the address or phone")), *Language.choices],
        required=False,
    )
    account_manager_id = forms.TypedChoiceField(
        label=_("Account manager"), required=False, coerce=int, empty_value=None
    )
    vip_tier = forms.ChoiceField(label=_("VIP tier"), choices=VipTier.choices)
    lifecycle_stage = forms.ChoiceField(label=_("Lifecycle stage"), choices=Stage.choices)
    stage_reason = forms.CharField(
        label=_("Reason for a stage change"),
        max_length=300,
        required=False,
        help_text=_("Shown on the timeline when you change the stage by hand."),
    )
    tags = forms.CharField(label=_("Tags"), required=False, help_text=_("Separated by commas."))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The first address is edited in the fields above; every further one in a group of its own
        # (address_1_street ...), plus one empty group to add an address.
        self.address_numbers = list(range(1, _extra_addresses(self.initial) + 2))
        for number in self.address_numbers:
            for name, field in _address_group_fields().items():
                self.fields[f"address_{number}_{name}"] = field
        self._address_prefixes: list[str] = []
        self.fields["account_manager_id"].choices = [("", "—")] + [  # type: ignore[attr-defined]
            (user.pk, user.display_name) for user in staff_list()
        ]

    @staticmethod
    def initial_for(customer: Customer, *, user: Any) -> dict[str, Any]:
        """The form filled in from ``customer``, its national number as ``user`` may see it."""
        addresses = list(customer.addresses.all())
        address = addresses[0] if addresses else None
        extra: dict[str, Any] = {}
        for number, other in enumerate(addresses[1:], start=1):
            for name in ADDRESS_FIELDS:
                extra[f"address_{number}_{name}"] = getattr(other, name)
        return {
            **extra,
            "address_label": address.label if address else Address.Label.POSTAL,
            "kind": customer.kind,
            "first_name": customer.first_name,
            "last_name": customer.last_name,
            "organisation_name": customer.organisation_name,
            "national_id_country": customer.national_id_country or "SE",
            "national_id": national_id_shown(
                user=user, kind=customer.national_id_kind, formatted=customer.national_id_display
            ),
            "birth_date": customer.birth_date,
            "customer_since": customer.customer_since,
            "emails": "\n".join(e.address for e in customer.emails.all()),
            "phones": "\n".join(phone_display(p.number) for p in customer.phones.all()),
            "street": address.street if address else "",
            "postal_code": address.postal_code if address else "",
            "city": address.city if address else "",
            "municipality": address.municipality if address else "",
            "region": address.region if address else "",
            "country": address.country if address else "SE",
            "industry": customer.industry,
            "employee_count": customer.employee_count,
            "founded_year": customer.founded_year,
            "preferred_language": customer.preferred_language,
            "account_manager_id": customer.account_manager_id,
            "vip_tier": customer.vip_tier,
            "lifecycle_stage": customer.lifecycle_stage,
            "tags": ", ".join(t.name for t in customer.tags.all()),
        }

    def service_data(self, *, existing: Customer | None = None) -> dict[str, Any]:
        """The service's input; on edit, addresses other than the primary one are kept as they are."""
        data = dict(self.cleaned_data)
        kind = existing.kind if existing else data.pop("kind")
        data.pop("kind", None)
        result: dict[str, Any] = {"kind": kind} if existing is None else {}
        names = (
            ("first_name", "last_name", "birth_date")
            if kind == Kind.PERSON
            else ("organisation_name", "industry", "employee_count", "founded_year")
        )
        for field in (
            *names,
            "national_id",
            "national_id_country",
            "preferred_language",
            "account_manager_id",
            "vip_tier",
            "lifecycle_stage",
            "customer_since",
        ):
            result[field] = data.get(field)
        if data.get("stage_reason"):
            result["stage_reason"] = data["stage_reason"]
        result["national_id"] = result["national_id"] or None
        if not result["preferred_language"]:
            # Empty: a new customer's follows its country (lojal.customers.languages); a stored one stays.
            del result["preferred_language"]
        if existing is not None and not {"national_id", "national_id_country"} & set(self.changed_data):
            # An untouched number is left as stored: the field may hold the masked form, which is no number.
            del result["national_id"], result["national_id_country"]
        result["emails"] = [line.strip() for line in data.get("emails", "").splitlines() if line.strip()]
        result["phones"] = [line.strip() for line in data.get("phones", "").splitlines() if line.strip()]
        result["tags"] = [tag.strip() for tag in re.split(r"[,;]", data.get("tags", "")) if tag.strip()]
        address_fields = ("street", "postal_code", "city", "municipality", "region")
        addresses: list[dict[str, Any]] = []
        self._address_prefixes = []
        if any(data.get(f) for f in ("street", "postal_code", "city")):
            primary = {f: data.get(f, "") for f in address_fields}
            primary["country"] = data.get("country") or "SE"
            primary["label"] = data.get("address_label") or Address.Label.POSTAL
            primary["is_primary"] = True
            addresses.append(primary)
            self._address_prefixes.append("")
        for number in self.address_numbers:
            prefix = f"address_{number}_"
            group = {name: data.get(prefix + name) or "" for name in ADDRESS_FIELDS}
            if data.get(prefix + "remove") or not any(group[f] for f in ("street", "postal_code", "city")):
                continue
            group["country"] = group["country"] or "SE"
            group["label"] = group["label"] or Address.Label.POSTAL
            addresses.append(group)
            self._address_prefixes.append(prefix)
        result["addresses"] = addresses
        return result

    def address_groups(self) -> list[dict[str, Any]]:
        """The further address groups for the template: their number and bound fields by name."""
        return [
            {
                "number": number,
                "is_new": f"address_{number}_street" not in self.initial,
                **{name: self[f"address_{number}_{name}"] for name in (*ADDRESS_FIELDS, "remove")},
            }
            for number in self.address_numbers
        ]

    def service_error_field(self, key: str) -> str | None:
        """``emails[1]`` is typed into ``emails``, ``addresses[0].city`` into ``city``."""
        if key.startswith("addresses["):
            index = int(re.sub(r"^addresses\[(\d+)\].*$", r"\1", key))
            prefix = self._address_prefixes[index] if index < len(self._address_prefixes) else ""
            field = prefix + key.rsplit(".", 1)[-1]
        else:
            field = re.sub(r"\[\d+\].*$", "", key)
        return field if field in self.fields else None


ADDRESS_FIELDS = ("label", "street", "postal_code", "city", "municipality", "region", "country")


def _address_group_fields() -> dict[str, forms.Field]:
    return {
        "label": forms.ChoiceField(label=_("Kind of address"), choices=Address.Label.choices, required=False),
        "street": forms.CharField(label=_("Street"), max_length=200, required=False),
        "postal_code": forms.CharField(label=_("Postal code"), max_length=12, required=False),
        "city": forms.CharField(label=_("City"), max_length=100, required=False),
        "municipality": forms.CharField(label=_("Municipality"), max_length=100, required=False),
        "region": forms.CharField(label=_("Region"), max_length=100, required=False),
        "country": forms.ChoiceField(label=_("Country"), choices=Country.choices, required=False),
        "remove": forms.BooleanField(label=_("Remove this address"), required=False),
    }


def _extra_addresses(initial: Mapping[str, Any]) -> int:
    numbers = [int(key.split("_")[1]) for key in initial if re.fullmatch(r"address_\d+_street", key)]
    return max(numbers, default=0)


class ContactPersonForm(ServiceForm):
    first_name = forms.CharField(label=_("First name"), max_length=100)
    last_name = forms.CharField(label=_("Last name"), max_length=100, required=False)
    role = forms.CharField(label=_("Role"), max_length=100, required=False)
    email = forms.CharField(label=_("Email"), max_length=254, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    is_primary = forms.BooleanField(label=_("Primary contact"), required=False)
