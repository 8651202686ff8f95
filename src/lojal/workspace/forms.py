"""Forms of the workspace: a call list from the customer list's view, and a call logged from one."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from lojal.activities import call_lists

#: How the call went, as the worker offers it (skipping is its own button).
CALL_RESULTS = [
    (call_lists.EntryStatus.REACHED.value, _("Reached")),
    (call_lists.EntryStatus.NOT_REACHED.value, _("Not reached")),
]


class CallListFromViewForm(forms.Form):
    name = forms.CharField(label=_("Name of the call list"), max_length=call_lists.NAME_MAX)
    script = forms.CharField(
        label=_("Script"),
        required=False,
        max_length=call_lists.SCRIPT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    query = forms.CharField(required=False, max_length=2000, widget=forms.HiddenInput)


class CallLogForm(forms.Form):
    result = forms.ChoiceField(
        label=_("How did the call go?"), choices=CALL_RESULTS, widget=forms.RadioSelect
    )
    notes = forms.CharField(
        label=_("Notes for the timeline"),
        required=False,
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    outcome = forms.CharField(
        label=_("Outcome in a few words"), required=False, max_length=call_lists.OUTCOME_MAX
    )
    duration_minutes = forms.IntegerField(label=_("Minutes"), required=False, min_value=0, max_value=1440)
