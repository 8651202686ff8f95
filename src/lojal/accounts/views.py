"""Pages for the signed-in user's own API tokens, and for managing teams."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from lojal.accounts import selectors, services
from lojal.accounts.decorators import allowed_to
from lojal.accounts.roles import Action
from lojal.core.errors import LojalError


@login_required
@require_http_methods(["GET", "POST"])
def tokens(request: HttpRequest) -> HttpResponse:
    new_secret = None
    if request.method == "POST":
        try:
            if "revoke" in request.POST:
                services.token_revoke(user=request.user, token_id=int(request.POST["revoke"]))  # type: ignore[arg-type]
                messages.success(request, _("Token revoked."))
                return redirect("accounts:tokens")
            issued = services.token_create(user=request.user, name=request.POST.get("name", ""))  # type: ignore[arg-type]
            new_secret = issued.secret
        except (LojalError, ValueError) as error:
            messages.error(request, getattr(error, "message", str(error)))
    return render(
        request,
        "accounts/tokens.html",
        {"tokens": selectors.token_list(user=request.user), "new_secret": new_secret},  # type: ignore[arg-type]
    )


def _member_ids(request: HttpRequest) -> list[int]:
    return [int(value) for value in request.POST.getlist("members") if value.isdigit()]


@allowed_to(Action.STAFF_MANAGE)
@require_http_methods(["GET", "POST"])
def teams(request: HttpRequest) -> HttpResponse:
    """Teams (groups of staff that own follow-ups together): every team with its members, and a new one."""
    error = ""
    name = ""
    if request.method == "POST":
        name = request.POST.get("name", "")
        try:
            team = services.team_create(actor=request.user, name=name, member_ids=_member_ids(request))  # type: ignore[arg-type]
        except LojalError as failure:
            error = failure.message
        else:
            messages.success(request, _("Team %(name)s created.") % {"name": team.name})
            return redirect("accounts:team", team_id=team.pk)
    return render(
        request,
        "accounts/teams.html",
        {"teams": selectors.teams_with_members(), "error": error, "name": name},
        status=422 if error else 200,
    )


@allowed_to(Action.STAFF_MANAGE)
@require_http_methods(["GET", "POST"])
def team(request: HttpRequest, team_id: int) -> HttpResponse:
    """One team: rename it, choose its members, or delete it (refused while it owns follow-ups)."""
    found = selectors.team_get(team_id=team_id)
    if found is None:
        raise Http404(_("No team with id %(id)s.") % {"id": team_id})
    error = ""
    if request.method == "POST":
        try:
            if "delete" in request.POST:
                services.team_delete(actor=request.user, team_id=found.pk)  # type: ignore[arg-type]
                messages.success(request, _("Team %(name)s deleted.") % {"name": found.name})
                return redirect("accounts:teams")
            with transaction.atomic():
                services.team_rename(actor=request.user, team_id=found.pk, name=request.POST.get("name", ""))  # type: ignore[arg-type]
                services.team_members_set(
                    actor=request.user,  # type: ignore[arg-type]
                    team_id=found.pk,
                    member_ids=_member_ids(request),
                )
        except LojalError as failure:
            error = failure.message
        else:
            messages.success(request, _("Team saved."))
            return redirect("accounts:team", team_id=found.pk)
    members = {member.pk for member in found.members.all()}
    if request.method == "POST":
        members = set(_member_ids(request))
    return render(
        request,
        "accounts/team.html",
        {
            "team": found,
            "name": request.POST.get("name", found.name),
            "staff": [(user, user.pk in members) for user in selectors.staff_list()],
            "error": error,
            "name_max": services.TEAM_NAME_MAX,
        },
        status=409 if error else 200,
    )
