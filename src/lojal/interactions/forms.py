"""Forms of the interaction pages: the quick entry for calls and meetings, email compose, SMS."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from lojal.core.widgets import LocalDateField, LocalDateTimeField
from lojal.interactions.models import Channel, Direction, Outcome

LOG_CHANNELS = [
    (Channel.CALL, Channel.CALL.label),
    (Channel.MEETING, Channel.MEETING.label),
    (Channel.LETTER, Channel.LETTER.label),
    (Channel.PORTAL, Channel.PORTAL.label),
]


class LogForm(forms.Form):
    channel = forms.ChoiceField(label=_("What"), choices=LOG_CHANNELS, initial=Channel.CALL)
    direction = forms.ChoiceField(label=_("Direction"), choices=Direction.choices, initial=Direction.OUTBOUND)
    subject = forms.CharField(label=_("Subject"), max_length=300, required=False)
    notes = forms.CharField(label=_("Notes"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    duration_minutes = forms.IntegerField(label=_("Minutes"), min_value=0, max_value=1440, required=False)
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Outcome.choices, required=False)
    occurred_at = LocalDateTimeField(label=_("When"), required=False, help_text=_("Empty means now."))
    follow_up = forms.BooleanField(label=_("Follow-up needed"), required=False)
    follow_up_due = LocalDateField(label=_("Follow-up due"), required=False)
    follow_up_note = forms.CharField(label=_("Follow-up note"), max_length=20_000, required=False)

    def clean(self) -> dict[str, object]:
        cleaned = super().clean() or {}
        if cleaned.get("follow_up") and not cleaned.get("follow_up_due"):
            self.add_error("follow_up_due", _("Give the follow-up a due date."))
        return cleaned


class EmailForm(forms.Form):
    to = forms.CharField(label=_("To"), max_length=254)
    subject = forms.CharField(label=_("Subject"), max_length=250)
    body = forms.CharField(label=_("Message"), widget=forms.Textarea(attrs={"rows": 12}), max_length=100_000)
    reply_to_id = forms.IntegerField(required=False, widget=forms.HiddenInput)


class SmsForm(forms.Form):
    to = forms.CharField(label=_("To"), max_length=40)
    text = forms.CharField(label=_("Message"), widget=forms.Textarea(attrs={"rows": 3}), max_length=1600)
