"""Teams: managed by those who manage staff (services in accounts, every change audited) on a page
linked from the user menu; a team that owns follow-ups is kept."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.utils import timezone, translation

from lojal.accounts import services
from lojal.accounts.models import Team, User
from lojal.accounts.roles import Role
from lojal.activities import services as activity_services
from lojal.core.errors import Conflict, NotFound, PermissionDenied, ValidationError
from lojal.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _audit(team_id: int) -> list[tuple[str, dict[str, list[object]]]]:
    entries = AuditEntry.objects.filter(object_type="accounts.team", object_id=str(team_id)).order_by("id")
    return [(entry.action, entry.changes) for entry in entries]


def test_an_administrator_creates_renames_sets_members_and_deletes_a_team_all_audited(
    admin_user: User, make_user: Callable[..., User]
) -> None:
    sara, sven = make_user(Role.SALES, "sara"), make_user(Role.SERVICE_AGENT, "sven")

    team = services.team_create(actor=admin_user, name="  Förnyelser  ", member_ids=[sara.pk])
    team = services.team_rename(actor=admin_user, team_id=team.pk, name="Förnyelser Nord")
    services.team_members_set(actor=admin_user, team_id=team.pk, member_ids=[sven.pk, sara.pk, sven.pk])
    members = sorted(team.members.values_list("username", flat=True))
    services.team_delete(actor=admin_user, team_id=team.pk)

    assert (team.name, members) == ("Förnyelser Nord", ["sara", "sven"])
    assert not Team.objects.filter(pk=team.pk).exists()
    assert _audit(team.pk) == [
        ("create", {"name": [None, "Förnyelser"]}),
        ("update", {"members": [[], ["sara"]]}),
        ("update", {"name": ["Förnyelser", "Förnyelser Nord"]}),
        ("update", {"members": [["sara"], ["sara", "sven"]]}),
        ("delete", {"name": ["Förnyelser Nord", None], "members": [["sara", "sven"], []]}),
    ]


def test_setting_the_same_members_or_name_again_records_nothing(admin_user: User) -> None:
    team = services.team_create(actor=admin_user, name="Sälj", member_ids=[admin_user.pk])
    before = len(_audit(team.pk))

    services.team_rename(actor=admin_user, team_id=team.pk, name="Sälj")
    services.team_members_set(actor=admin_user, team_id=team.pk, member_ids=[admin_user.pk])

    assert len(_audit(team.pk)) == before


@pytest.mark.parametrize("name", ["", "   ", "x" * 101])
def test_a_team_needs_a_name_of_1_to_100_characters(admin_user: User, name: str) -> None:
    with pytest.raises(ValidationError) as raised:
        services.team_create(actor=admin_user, name=name)

    assert list(raised.value.errors) == ["name"]
    assert Team.objects.count() == 0


def test_a_second_team_of_the_same_name_whatever_the_case_is_refused(admin_user: User) -> None:
    services.team_create(actor=admin_user, name="Kundtjänst")
    other = services.team_create(actor=admin_user, name="Sälj")

    with pytest.raises(Conflict):
        services.team_create(actor=admin_user, name="kundtjänst")
    with pytest.raises(Conflict):
        services.team_rename(actor=admin_user, team_id=other.pk, name="KUNDTJÄNST")

    assert sorted(Team.objects.values_list("name", flat=True)) == ["Kundtjänst", "Sälj"]


def test_an_unknown_or_inactive_member_changes_nothing(
    admin_user: User, make_user: Callable[..., User]
) -> None:
    gone = make_user(Role.SALES, "gone")
    gone.is_active = False
    gone.save()
    team = services.team_create(actor=admin_user, name="Sälj", member_ids=[admin_user.pk])
    before = len(_audit(team.pk))

    with pytest.raises(ValidationError) as raised:
        services.team_members_set(
            actor=admin_user, team_id=team.pk, member_ids=[admin_user.pk, gone.pk, 99999]
        )

    assert raised.value.errors == {"member_ids": [f"No active member of staff with id {gone.pk}, 99999."]}
    assert list(team.members.values_list("username", flat=True)) == ["admin"]
    assert len(_audit(team.pk)) == before


@pytest.mark.parametrize("role", [Role.MANAGER, Role.SALES, Role.SERVICE_AGENT, Role.READ_ONLY])
def test_only_roles_that_manage_staff_manage_teams(make_user: Callable[..., User], role: str) -> None:
    actor = make_user(role)
    team = Team.objects.create(name="Sälj")

    with pytest.raises(PermissionDenied):
        services.team_create(actor=actor, name="Nytt")
    with pytest.raises(PermissionDenied):
        services.team_rename(actor=actor, team_id=team.pk, name="Nytt")
    with pytest.raises(PermissionDenied):
        services.team_members_set(actor=actor, team_id=team.pk, member_ids=[actor.pk])
    with pytest.raises(PermissionDenied):
        services.team_delete(actor=actor, team_id=team.pk)

    assert list(Team.objects.values_list("name", flat=True)) == ["Sälj"]
    assert team.members.count() == 0
    assert _client(actor).get("/account/teams/").status_code == 403


def test_a_team_that_owns_follow_ups_is_kept_and_the_refusal_says_how_many(admin_user: User) -> None:
    team = services.team_create(actor=admin_user, name="Förnyelser")
    for number in range(3):
        activity_services.activity_create(
            actor=admin_user, subject=f"Ring {number}", owner_team_id=team.pk, due_date=timezone.localdate()
        )

    with translation.override("en"), pytest.raises(Conflict) as raised:
        services.team_delete(actor=admin_user, team_id=team.pk)
    with translation.override("sv"), pytest.raises(Conflict) as in_swedish:
        services.team_delete(actor=admin_user, team_id=team.pk)

    assert (
        raised.value.message
        == "The team Förnyelser still owns 3 follow-ups, so it is kept. Rename it instead."
    )
    assert in_swedish.value.message == (
        "Teamet Förnyelser äger fortfarande 3 uppföljningar och behålls därför. Byt namn på det i stället."
    )
    assert Team.objects.filter(pk=team.pk).exists()
    assert [action for action, _changes in _audit(team.pk)] == ["create"]


def test_a_missing_team_is_not_found(admin_user: User) -> None:
    with pytest.raises(NotFound):
        services.team_rename(actor=admin_user, team_id=4242, name="X")
    assert _client(admin_user).get("/account/teams/4242/").status_code == 404


def test_the_teams_page_lists_teams_creates_one_and_opens_it(
    admin_user: User, make_user: Callable[..., User]
) -> None:
    sara = make_user(Role.SALES, "sara")
    services.team_create(actor=admin_user, name="Kundtjänst", member_ids=[sara.pk])
    client = _client(admin_user)

    page = client.get("/account/teams/").content.decode()
    created = client.post("/account/teams/", {"name": "Förnyelser"})
    taken = client.post("/account/teams/", {"name": "förnyelser"})

    assert '<a href="/account/teams/' in page and ">Kundtjänst</a></td>\n    <td>Sara</td>" in page
    team = Team.objects.get(name="Förnyelser")
    assert created["Location"] == f"/account/teams/{team.pk}/"
    assert taken.status_code == 422
    assert 'role="alert">A team named förnyelser exists already.</p>' in taken.content.decode()
    assert Team.objects.count() == 2


def test_the_team_page_renames_sets_members_and_deletes(
    admin_user: User, make_user: Callable[..., User]
) -> None:
    sara, sven = make_user(Role.SALES, "sara"), make_user(Role.SERVICE_AGENT, "sven")
    team = services.team_create(actor=admin_user, name="Sälj", member_ids=[sara.pk])
    client = _client(admin_user)

    page = client.get(f"/account/teams/{team.pk}/").content.decode()
    saved = client.post(f"/account/teams/{team.pk}/", {"name": "Sälj Syd", "members": [str(sven.pk)]})

    assert f'name="members" value="{sara.pk}" checked>' in page
    assert f'name="members" value="{sven.pk}">' in page
    assert saved["Location"] == f"/account/teams/{team.pk}/"
    team.refresh_from_db()
    assert (team.name, list(team.members.values_list("username", flat=True))) == ("Sälj Syd", ["sven"])
    deleted = client.post(f"/account/teams/{team.pk}/", {"delete": "1"})
    assert deleted["Location"] == "/account/teams/"
    assert not Team.objects.filter(pk=team.pk).exists()


def test_a_refused_change_on_the_team_page_changes_nothing_and_says_why(admin_user: User) -> None:
    team = services.team_create(actor=admin_user, name="Sälj", member_ids=[admin_user.pk])
    services.team_create(actor=admin_user, name="Service")
    activity_services.activity_create(
        actor=admin_user, subject="Ring", owner_team_id=team.pk, due_date=timezone.localdate()
    )
    client = _client(admin_user)

    renamed = client.post(f"/account/teams/{team.pk}/", {"name": "Service", "members": []})
    deleted = client.post(f"/account/teams/{team.pk}/", {"delete": "1"})

    assert renamed.status_code == 409
    assert 'role="alert">A team named Service exists already.</p>' in renamed.content.decode()
    assert deleted.status_code == 409
    assert "still owns 1 follow-up" in deleted.content.decode()
    team.refresh_from_db()
    assert (team.name, team.members.count()) == ("Sälj", 1)


@pytest.mark.parametrize(("language", "label"), [("en", "Teams"), ("sv", "Team"), ("nb", "Team")])
def test_the_user_menu_links_the_teams_page_for_staff_managers_only(
    admin_user: User, make_user: Callable[..., User], language: str, label: str
) -> None:
    manager = make_user(Role.MANAGER)
    admin_page = _client(admin_user).get("/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    manager_page = _client(manager).get("/", HTTP_ACCEPT_LANGUAGE=language).content.decode()

    assert f'<a href="/account/teams/" >{label}</a>' in admin_page
    assert "/account/teams/" not in manager_page
