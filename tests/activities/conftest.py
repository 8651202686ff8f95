"""Follow-up fixtures: teams of staff (accounts.Team has no service yet: created as rows)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from lojal.accounts.models import Team, User


@pytest.fixture
def make_team(db: Any) -> Callable[..., Team]:
    def make(name: str, *members: User) -> Team:
        team = Team.objects.create(name=name)
        team.members.add(*members)
        return team

    return make
