"""Pages for managers: the acknowledgement's wording in each language (edit, preview, back to the
shipped text) and how well its promised times have held."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from lojal.accounts.decorators import allowed_to
from lojal.accounts.roles import Action
from lojal.cases import ack_wording, acknowledgement
from lojal.cases.ack_selectors import ack_templates, language_name, promises_kept
from lojal.cases.models import ACK_LANGUAGES
from lojal.core.errors import LojalError, ValidationError

#: The period the list page measures promises kept over.
PROMISES_DAYS = 30


class TemplateForm(forms.Form):
    subject = forms.CharField(label=gettext_lazy("Subject"), max_length=acknowledgement.SUBJECT_MAX_LENGTH)
    body = forms.CharField(
        label=gettext_lazy("Text"), max_length=acknowledgement.BODY_MAX_LENGTH, widget=forms.Textarea
    )


@require_GET
@allowed_to(Action.SERVICE_CONFIGURE)
def ack_template_list(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    kept = promises_kept(today - dt.timedelta(days=PROMISES_DAYS - 1), today)
    return render(
        request,
        "cases/ack_list.html",
        {"templates": ack_templates(), "kept": kept, "days": PROMISES_DAYS},
    )


def _preview(language: str, subject: str, body: str) -> tuple[str, str]:
    name, sample_subject = ack_wording.SAMPLES[language]
    now = timezone.now()
    tomorrow_noon = timezone.localtime(now).replace(
        hour=12, minute=0, second=0, microsecond=0
    ) + dt.timedelta(days=1)
    return acknowledgement.acknowledgement_render(
        language=language,
        number=acknowledgement.SAMPLE_NUMBER,
        customer_name=name,
        subject=sample_subject,
        expected_time=ack_wording.expected_time_words(
            tomorrow_noon, now=now, language=language, time_zone=timezone.get_current_timezone_name()
        ),
        text=ack_wording.TemplateText(subject, body),
    )


@require_http_methods(["GET", "POST"])
@allowed_to(Action.SERVICE_CONFIGURE)
def ack_template_edit(request: HttpRequest, language: str) -> HttpResponse:
    names = dict(ACK_LANGUAGES)
    if language not in names:
        raise Http404(_("No acknowledgement in this language."))
    current = acknowledgement.template_text(language)
    form = TemplateForm(initial={"subject": current.subject, "body": current.body})
    if request.method == "POST":
        if "reset" in request.POST:
            if acknowledgement.ack_template_reset(actor=request.user, language=language):
                messages.success(request, _("The shipped wording is used again."))
            return redirect("acknowledgements:edit", language=language)
        form = TemplateForm(request.POST)
        if form.is_valid():
            try:
                acknowledgement.ack_template_save(
                    actor=request.user,
                    language=language,
                    subject=form.cleaned_data["subject"],
                    body=form.cleaned_data["body"],
                )
            except ValidationError as error:
                for field, reasons in error.errors.items():
                    for reason in reasons:
                        form.add_error(field if field in form.fields else None, reason)
            except LojalError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("Saved. The next acknowledgement in this language uses it."))
                return redirect("acknowledgements:edit", language=language)
    shown = ack_wording.TemplateText(str(form["subject"].value() or ""), str(form["body"].value() or ""))
    preview_subject, preview_body = (
        _preview(language, shown.subject, shown.body) if not form.errors else ("", "")
    )
    return render(
        request,
        "cases/ack_edit.html",
        {
            "form": form,
            "language": language,
            "language_name": language_name(language),
            "fields": ack_wording.FIELDS,
            "is_changed": any(row.is_changed for row in ack_templates() if row.language == language),
            "preview_subject": preview_subject,
            "preview_body": preview_body,
        },
        status=422 if form.errors else 200,
    )
