"""The upload form of the imports page."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from lojal.imports.models import ImportKind
from lojal.sales.models import Currency


class UploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("What the file holds"), choices=ImportKind.choices)
    file = forms.FileField(label=_("CSV or XLSX file"))
    source = forms.CharField(
        label=_("Source"),
        max_length=60,
        initial="erp",
        help_text=_(
            "The system the file comes from; ids are unique per source and the column mapping is remembered."
        ),
    )
    default_currency = forms.ChoiceField(
        label=_("Currency when the file has none"), choices=Currency.choices, initial=Currency.SEK
    )
    number_locale = forms.ChoiceField(
        label=_("Number format"),
        required=False,
        choices=[
            ("", _("As in this installation's country")),
            ("sv_SE", _("Swedish: 1 234,50")),
            ("nb_NO", _("Norwegian: 1 234,50")),
            ("da_DK", _("Danish: 1.234,50")),
            ("fi_FI", _("Finnish: 1 234,50")),
            ("en_GB", _("English: 1,234.50")),
        ],
        help_text=_("Tried first; a number it cannot read is tried in the other Nordic and English forms."),
    )
    skip_bad_rows = forms.BooleanField(
        label=_("Skip bad rows"),
        required=False,
        help_text=_(
            "Commit the good rows even when some are rejected. Otherwise the import is all or nothing."
        ),
    )
