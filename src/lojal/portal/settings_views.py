"""Managers and administrators set how My pages look (name, logo, colours, footer links) and which
organisations let their contact persons see all their cases."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from lojal.accounts.decorators import allowed_to
from lojal.accounts.roles import Action
from lojal.core.errors import LojalError
from lojal.portal import selectors, services


def _first_error(error: LojalError) -> tuple[str, str]:
    for field, reasons in error.errors.items():
        if reasons:
            return field, reasons[0]
    return "", error.message


@allowed_to(Action.SERVICE_CONFIGURE)
def portal_settings(request: HttpRequest) -> HttpResponse:
    error = ("", "")
    if request.method == "POST":
        post = request.POST
        try:
            if post.get("form") == "access":
                organisation = post.get("organisation_id", "").strip()
                services.organisation_access_set(
                    actor=request.user,
                    organisation_id=int(organisation)
                    if organisation.isdigit() and len(organisation) < 10
                    else 0,
                    contacts_see_all_cases=post.get("contacts_see_all_cases") == "on",
                )
                messages.success(request, _("Access saved."))
            else:
                services.portal_theme_save(
                    actor=request.user,
                    company_name=post.get("company_name", ""),
                    primary_colour=post.get("primary_colour", ""),
                    accent_colour=post.get("accent_colour", ""),
                    footer_links=[
                        {"label": label, "url": url}
                        for label, url in zip(
                            post.getlist("link_label"), post.getlist("link_url"), strict=False
                        )
                    ],
                    logo=request.FILES.get("logo"),
                    logo_remove=post.get("logo_remove") == "on",
                )
                messages.success(request, _("My pages' look saved."))
        except LojalError as err:
            error = _first_error(err)
        else:
            return redirect("portal-settings:edit")
    row = selectors.theme_row()
    links = list((row.footer_links if row else []) or [])
    return render(
        request,
        "portal/settings.html",
        {
            "theme": row,
            "shown": selectors.theme_get(),
            "links": links + [{"label": "", "url": ""}] * 2,
            "accesses": selectors.organisation_access_list(),
            "error_field": error[0],
            "error": error[1],
            "posted": request.POST if error[1] else None,
        },
        status=422 if error[1] else 200,
    )
