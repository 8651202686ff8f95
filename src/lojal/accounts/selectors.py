"""Reads for staff accounts and tokens."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from lojal.accounts.models import ApiToken, Team, User, WebhookSecret


def token_list(*, user: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user)


def staff_list(*, active_only: bool = True) -> QuerySet[User]:
    users = User.objects.all().order_by("first_name", "last_name", "username")
    return users.filter(is_active=True) if active_only else users


def staff_get(*, username: str = "", user_id: int | None = None, active_only: bool = False) -> User | None:
    """The staff user with this username or id, or None; other apps look users up here, not in the model."""
    if not username and user_id is None:
        return None
    users = User.objects.filter(is_active=True) if active_only else User.objects.all()
    if username:
        users = users.filter(username=username)
    if user_id is not None:
        users = users.filter(pk=user_id)
    return users.first()


def webhook_secret_list() -> QuerySet[WebhookSecret]:
    return WebhookSecret.objects.all()


def team_list() -> QuerySet[Team]:
    """Every team, by name (the owner choices of a follow-up)."""
    return Team.objects.order_by("name")


def team_ids_of(*, user_id: int) -> list[int]:
    """The ids of the teams ``user_id`` is a member of."""
    return list(Team.objects.filter(members__id=user_id).values_list("id", flat=True))


def team_member_ids(*, team_id: int) -> list[int]:
    """The ids of the active members of a team."""
    return list(User.objects.filter(teams__id=team_id, is_active=True).values_list("id", flat=True))


def team_exists(*, team_id: int) -> bool:
    return Team.objects.filter(pk=team_id).exists()


def teams_with_members() -> list[Team]:
    """Every team by name with its members loaded (the teams page): two queries however many."""
    members = User.objects.order_by("first_name", "last_name", "username")
    return list(Team.objects.order_by("name").prefetch_related(Prefetch("members", queryset=members)))


def team_get(*, team_id: int) -> Team | None:
    """One team with its members loaded, or None."""
    return Team.objects.filter(pk=team_id).prefetch_related("members").first()
