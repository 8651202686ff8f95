"""Forms of the routing, service channel and phone menu pages; the services validate again."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from lojal.accounts import selectors as accounts_selectors
from lojal.cases.models import Case, Queue, ServiceChannel
from lojal.cases.routing import category_choices
from lojal.cases.rules import LANGUAGES
from lojal.core.forms import ServiceForm

LANGUAGE_LABELS = {
    "sv": _("Swedish"),
    "nb": _("Norwegian"),
    "da": _("Danish"),
    "fi": _("Finnish"),
    "en": _("English"),
}
TIER_LABELS = {"platinum": _("Platinum"), "gold": _("Gold"), "silver": _("Silver"), "none": _("No tier")}


def split_list(value: str) -> list[str]:
    """Words, addresses or tags written one a line or separated by commas."""
    return [part.strip() for line in (value or "").splitlines() for part in line.split(",") if part.strip()]


def _optional_id(value: Any) -> int | None:
    return int(value) if value not in (None, "") else None


def _queues() -> list[tuple[str, str]]:
    return [("", "—")] + [
        (str(pk), name) for pk, name in Queue.objects.filter(is_active=True).values_list("pk", "name")
    ]


class Choosing(ServiceForm):
    """A form whose selects get their choices (queues, categories, staff) when it is made."""

    def _choose(self, name: str, choices: list[tuple[str, str]]) -> None:
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField)
        field.choices = choices


def _categories() -> list[tuple[str, str]]:
    return [("", "—")] + [(str(pk), label) for pk, label in category_choices()]


class RuleForm(Choosing):
    name = forms.CharField(label=_("Name"), max_length=100)
    channels = forms.MultipleChoiceField(
        label=_("Channels"), required=False, widget=forms.CheckboxSelectMultiple, choices=Case.Channel.choices
    )
    addresses = forms.CharField(
        label=_("Written to"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Addresses, form keys or numbers, one a line. Empty: any."),
    )
    category = forms.ChoiceField(label=_("Category"), required=False)
    words = forms.CharField(
        label=_("Words in the subject or text"),
        required=False,
        help_text=_(
            'Separated by commas; any one matches, in any of its forms ("faktura" finds "fakturan").'
        ),
    )
    vip_tiers = forms.MultipleChoiceField(
        label=_("VIP tiers"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=list(TIER_LABELS.items()),
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=[(code, LANGUAGE_LABELS[code]) for code in LANGUAGES],
    )
    set_queue = forms.ChoiceField(label=_("Send to queue"), required=False)
    set_priority = forms.ChoiceField(
        label=_("Set priority"), required=False, choices=[("", "—"), *Case.Priority.choices]
    )
    set_category = forms.ChoiceField(label=_("Set category"), required=False)
    set_tags = forms.CharField(label=_("Add tags"), required=False, help_text=_("Separated by commas."))
    set_assignee = forms.ChoiceField(label=_("Give to"), required=False)
    is_active = forms.BooleanField(label=_("In use"), required=False, initial=True)

    field_of_service = {
        "category_id": "category",
        "set_queue_id": "set_queue",
        "set_category_id": "set_category",
        "set_assignee_id": "set_assignee",
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._choose("category", _categories())
        self._choose("set_category", _categories())
        self._choose("set_queue", _queues())
        self._choose(
            "set_assignee",
            [("", "—")]
            + [(str(user.pk), user.display_name) for user in accounts_selectors.staff_list(active_only=True)],
        )

    def service_error_field(self, key: str) -> str | None:
        return self.field_of_service.get(key, key if key in self.fields else None)

    def service_data(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "name": data["name"],
            "channels": data["channels"],
            "addresses": split_list(data["addresses"]),
            "category_id": _optional_id(data["category"]),
            "words": split_list(data["words"]),
            "vip_tiers": data["vip_tiers"],
            "languages": data["languages"],
            "set_queue_id": _optional_id(data["set_queue"]),
            "set_priority": data["set_priority"],
            "set_category_id": _optional_id(data["set_category"]),
            "set_tags": split_list(data["set_tags"]),
            "set_assignee_id": _optional_id(data["set_assignee"]),
            "is_active": data["is_active"],
        }


def rule_initial(rule: Any) -> dict[str, Any]:
    return {
        "name": rule.name,
        "channels": rule.channels,
        "addresses": "\n".join(rule.addresses),
        "category": rule.category_id or "",
        "words": ", ".join(rule.words),
        "vip_tiers": rule.vip_tiers,
        "languages": rule.languages,
        "set_queue": rule.set_queue_id or "",
        "set_priority": rule.set_priority,
        "set_category": rule.set_category_id or "",
        "set_tags": ", ".join(rule.set_tags),
        "set_assignee": rule.set_assignee_id or "",
        "is_active": rule.is_active,
    }


class TryForm(Choosing):
    """The "test a message" box."""

    channel = forms.ChoiceField(label=_("Channel"), choices=Case.Channel.choices, initial="email")
    address = forms.CharField(label=_("Written to"), required=False, max_length=254)
    subject = forms.CharField(label=_("Subject"), required=False, max_length=300)
    text = forms.CharField(
        label=_("Text"), required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=20_000
    )
    vip_tier = forms.ChoiceField(label=_("VIP tier"), choices=list(TIER_LABELS.items()), initial="none")
    language = forms.ChoiceField(
        label=_("Language"),
        required=False,
        choices=[("", "—")] + [(code, LANGUAGE_LABELS[code]) for code in LANGUAGES],
    )
    category = forms.ChoiceField(label=_("Category"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._choose("category", _categories())


class ChannelForm(ServiceForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=ServiceChannel.Kind.choices)
    address = forms.CharField(label=_("Address, form key or number"), max_length=254)
    opens_cases = forms.BooleanField(label=_("Opens cases"), required=False)
    note = forms.CharField(label=_("Note"), required=False, max_length=200)


class IvrForm(Choosing):
    code = forms.CharField(label=_("Code the phone system sends"), max_length=40)
    label = forms.CharField(label=_("Name"), max_length=100)
    category = forms.ChoiceField(label=_("Category"), required=False)
    queue = forms.ChoiceField(label=_("Queue"), required=False)
    opens_case = forms.BooleanField(label=_("Opens a case"), required=False, initial=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._choose("category", _categories())
        self._choose("queue", _queues())

    def service_error_field(self, key: str) -> str | None:
        return {"category_id": "category", "queue_id": "queue"}.get(key, key if key in self.fields else None)


class CallCaseForm(Choosing):
    category = forms.ChoiceField(label=_("Category"), required=False)
    queue = forms.ChoiceField(
        label=_("Queue"), required=False, help_text=_("Empty: the routing rules decide.")
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._choose("category", _categories())
        self._choose("queue", _queues())

    def service_error_field(self, key: str) -> str | None:
        return {"category_id": "category", "queue_id": "queue"}.get(key, key if key in self.fields else None)
