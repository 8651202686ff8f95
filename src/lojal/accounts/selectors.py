"""Reads for staff accounts and tokens."""

from __future__ import annotations

from django.db.models import QuerySet

from lojal.accounts.models import ApiToken, User


def token_list(*, user: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user)


def staff_list(*, active_only: bool = True) -> QuerySet[User]:
    users = User.objects.all().order_by("first_name", "last_name", "username")
    return users.filter(is_active=True) if active_only else users
