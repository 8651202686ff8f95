"""Forms of the follow-up pages: create and edit, and a member of staff's reminder choices."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from lojal.accounts import selectors as accounts_selectors
from lojal.activities.models import Activity
from lojal.core.forms import ServiceForm
from lojal.core.widgets import LocalDateField, LocalTimeField


class ActivityForm(ServiceForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=Activity.Kind.choices, initial=Activity.Kind.CALL)
    subject = forms.CharField(label=_("Subject"), max_length=200)
    customer_id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    contact_person_id = forms.TypedChoiceField(
        label=_("Contact person"), required=False, coerce=int, empty_value=None, choices=[]
    )
    owner = forms.ChoiceField(label=_("Owner"), choices=[])
    # Text inputs in the page language's format (docs/languages.md), not the browser's date picker.
    due_date = LocalDateField(label=_("Due date"))
    due_time = LocalTimeField(label=_("Time"), required=False)
    duration_minutes = forms.IntegerField(
        label=_("Duration (minutes)"),
        required=False,
        min_value=1,
        max_value=1440,
        help_text=_("Meetings only."),
    )
    priority = forms.ChoiceField(label=_("Priority"), choices=Activity.Priority.choices, initial="normal")
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args: Any, contacts: list[Any] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        people = [(f"u{user.pk}", user.display_name) for user in accounts_selectors.staff_list()]
        teams = [(f"t{team.pk}", team.name) for team in accounts_selectors.team_list()]
        choices: list[Any] = [(str(_("People")), people)]
        if teams:
            choices.append((str(_("Teams")), teams))
        self.fields["owner"].choices = choices  # type: ignore[attr-defined]
        contact_field = self.fields["contact_person_id"]
        contact_field.choices = [("", "—")] + [(c.pk, str(c)) for c in contacts or []]  # type: ignore[attr-defined]
        if not contacts:
            contact_field.widget = forms.HiddenInput()

    def service_error_field(self, key: str) -> str | None:
        if key in {"owner_id", "owner_team_id"}:
            return "owner"
        return key if key in self.fields else None

    def service_values(self) -> dict[str, Any]:
        """The cleaned values as :func:`lojal.activities.services.activity_create` takes them."""
        data = dict(self.cleaned_data)
        owner = data.pop("owner")
        data["owner_id"] = int(owner[1:]) if owner.startswith("u") else None
        data["owner_team_id"] = int(owner[1:]) if owner.startswith("t") else None
        return data


def owner_value(activity: Activity) -> str:
    return f"t{activity.owner_team_id}" if activity.owner_team_id else f"u{activity.owner_id}"


class ReminderForm(forms.Form):
    email_digest = forms.BooleanField(label=_("Send me a daily email of my follow-ups"), required=False)
    digest_hour = forms.TypedChoiceField(
        label=_("At"), coerce=int, choices=[(hour, f"{hour:02d}:00") for hour in range(24)], initial=7
    )
