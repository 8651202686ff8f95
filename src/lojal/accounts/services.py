"""Writes for staff accounts and API tokens."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lojal.accounts.models import ApiToken, Team, User, WebhookSecret
from lojal.accounts.roles import Action, Role
from lojal.accounts.webhooks import webhook_secret_value
from lojal.core.audit import audit_record
from lojal.core.errors import Conflict, NotFound, PermissionDenied, ValidationError
from lojal.core.rawsql import aware

TOKEN_PREFIX = "lojal_"
TEAM_NAME_MAX = 100


def user_language_set(*, user: User, language: str) -> bool:
    """Remember ``language`` (one of LANGUAGES) as the one ``user``'s pages are shown in, on every
    device and after logging in again; False (nothing stored) for a language Lojal does not have."""
    if language not in {code for code, _name in settings.LANGUAGES}:
        return False
    if user.language != language:
        user.language = language
        user.save(update_fields=["language"])
    return True


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class IssuedToken:
    """A freshly created token: ``secret`` is the only time the full token is available."""

    token: ApiToken
    secret: str


def user_create(
    *,
    username: str,
    password: str,
    role: str,
    email: str = "",
    first_name: str = "",
    last_name: str = "",
    actor: User | None = None,
    check_password: bool = True,
) -> User:
    """Create a staff user with an Argon2-hashed password."""
    if role not in Role.values:
        raise ValidationError.for_field("role", _("Unknown role."))
    if not username.strip():
        raise ValidationError.for_field("username", _("This field is required."))
    if User.objects.filter(username=username).exists():
        raise Conflict(_("A user with that username already exists."), errors={"username": [_("Taken.")]})
    user = User(username=username, email=email, first_name=first_name, last_name=last_name, role=role)
    if check_password:
        try:
            validate_password(password, user)
        except DjangoValidationError as error:
            raise ValidationError("password", errors={"password": list(error.messages)}) from None
    user.set_password(password)
    with transaction.atomic():
        user.save()
        audit_record(
            actor=actor,
            action="create",
            obj=user,
            changes={"username": [None, username], "role": [None, role]},
        )
    return user


def token_create(*, user: User, name: str) -> IssuedToken:
    """Issue a new API token for ``user``; the returned secret is never stored."""
    if not name.strip():
        raise ValidationError.for_field("name", _("This field is required."))
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name.strip()[:100],
        prefix=secret[: len(TOKEN_PREFIX) + 6],
        digest=token_digest(secret),
    )
    audit_record(actor=user, action="token", obj=token, changes={"created": [None, token.name]})
    return IssuedToken(token=token, secret=secret)


def token_revoke(*, user: User, token_id: int) -> ApiToken:
    """Revoke one of ``user``'s tokens; revoking twice is harmless."""
    token = ApiToken.objects.filter(user=user, pk=token_id).first()
    if token is None:
        raise NotFound(_("No such token."))
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(actor=user, action="token", obj=token, changes={"revoked": [None, token.name]})
    return token


# In the model's own field order, as Model.from_db expects.
_USER_FIELDS = (
    "id",
    "is_superuser",
    "username",
    "first_name",
    "last_name",
    "email",
    "is_staff",
    "is_active",
    "role",
)
_BOOLEAN_FIELDS = {"is_superuser", "is_staff", "is_active"}


def token_authenticate(*, secret: str) -> User | None:
    """The active user a presented token belongs to, or None; marks the token used (at most once a minute).

    Runs on every API request, so it is one raw join rather than an ORM query.
    """
    if not secret.startswith(TOKEN_PREFIX) or len(secret) > 200:
        return None
    columns = ", ".join(f"u.{name}" for name in _USER_FIELDS)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT t.id, t.revoked_at, t.last_used_at, {columns} FROM accounts_apitoken t "
            "JOIN accounts_user u ON u.id = t.user_id WHERE t.digest = %s",
            [token_digest(secret)],
        )
        row = cursor.fetchone()
    if row is None or row[1] is not None:
        return None
    values = [
        bool(v) if name in _BOOLEAN_FIELDS else v for name, v in zip(_USER_FIELDS, row[3:], strict=True)
    ]
    user = User.from_db(connection.alias, list(_USER_FIELDS), values)
    if not user.is_active:
        return None
    now = timezone.now()
    last_used = aware(row[2])
    if last_used is None or (now - last_used).total_seconds() > 60:
        ApiToken.objects.filter(pk=row[0]).update(last_used_at=now)
    return user


@dataclass(frozen=True)
class IssuedWebhookSecret:
    """A new integration's webhook secret: ``secret`` is what the integration signs its calls with."""

    webhook_secret: WebhookSecret
    secret: str


def webhook_secret_create(*, name: str, actor: User | None = None) -> IssuedWebhookSecret:
    """A webhook secret for one integration (lojal.accounts.webhooks); the name must be new."""
    name = name.strip()
    if not name or len(name) > 100:
        raise ValidationError.for_field("name", _("Give the integration a name of 1 to 100 characters."))
    if WebhookSecret.objects.filter(name=name).exists():
        raise Conflict(_("A webhook secret named %(name)s exists already.") % {"name": name})
    row = WebhookSecret.objects.create(name=name, salt=secrets.token_hex(32))
    audit_record(actor=actor, action="create", obj=row, label=name)
    return IssuedWebhookSecret(webhook_secret=row, secret=webhook_secret_value(salt=row.salt))


def webhook_secret_revoke(*, name: str, actor: User | None = None) -> WebhookSecret:
    """Stops accepting calls signed with the named integration's secret."""
    row = WebhookSecret.objects.filter(name=name, revoked_at__isnull=True).first()
    if row is None:
        raise NotFound(_("No active webhook secret is named %(name)s.") % {"name": name})
    row.revoked_at = timezone.now()
    row.save(update_fields=["revoked_at"])
    audit_record(actor=actor, action="update", obj=row, label=name, changes={"revoked": [None, name]})
    return row


def _team_manager(actor: Any) -> None:
    """Teams are managed by those who manage staff accounts (the role table's ``staff.manage``)."""
    if actor is not None and not actor.can(Action.STAFF_MANAGE):
        raise PermissionDenied(_("Your role does not allow this."))


def _team_name(name: str, *, team_id: int | None = None) -> str:
    name = " ".join((name or "").split())
    if not name or len(name) > TEAM_NAME_MAX:
        raise ValidationError.for_field(
            "name", _("Give the team a name of 1 to %(max)s characters.") % {"max": TEAM_NAME_MAX}
        )
    # Case folded in Python: SQLite's LIKE folds only ASCII ("SÄLJ" would pass as new beside "Sälj"),
    # and a company has tens of teams, not thousands.
    others = Team.objects.exclude(pk=team_id) if team_id is not None else Team.objects.all()
    taken = others.values_list("name", flat=True)
    if any(other.casefold() == name.casefold() for other in taken):
        raise Conflict(
            _("A team named %(name)s exists already.") % {"name": name},
            errors={"name": [_("Taken.")]},
        )
    return name


def _team_locked(team_id: int) -> Team:
    team = Team.objects.select_for_update().filter(pk=team_id).first()
    if team is None:
        raise NotFound(_("No team with id %(id)s.") % {"id": team_id})
    return team


def team_create(*, actor: User | None, name: str, member_ids: Sequence[int] = ()) -> Team:
    """A new team (a group of staff that owns work together), with its first members; audited."""
    _team_manager(actor)
    name = _team_name(name)
    with transaction.atomic():
        team = Team.objects.create(name=name)
        audit_record(actor=actor, action="create", obj=team, changes={"name": [None, name]})
        if member_ids:
            _members_set(actor, team, member_ids)
    return team


def team_rename(*, actor: User | None, team_id: int, name: str) -> Team:
    """Give a team a new name (its work stays with it); audited when the name changes."""
    _team_manager(actor)
    with transaction.atomic():
        team = _team_locked(team_id)
        name = _team_name(name, team_id=team.pk)
        if name != team.name:
            old, team.name = team.name, name
            team.save(update_fields=["name"])
            audit_record(actor=actor, action="update", obj=team, changes={"name": [old, name]})
    return team


def _members_set(actor: User | None, team: Team, member_ids: Sequence[int]) -> None:
    wanted = list(dict.fromkeys(int(member_id) for member_id in member_ids))
    found = dict(User.objects.filter(pk__in=wanted, is_active=True).values_list("pk", "username"))
    unknown = [member_id for member_id in wanted if member_id not in found]
    if unknown:
        raise ValidationError.for_field(
            "member_ids",
            _("No active member of staff with id %(ids)s.") % {"ids": ", ".join(map(str, unknown))},
        )
    before = dict(team.members.values_list("pk", "username"))
    if set(before) == set(found):
        return
    team.members.set(list(found))
    audit_record(
        actor=actor,
        action="update",
        obj=team,
        changes={"members": [sorted(before.values()), sorted(found.values())]},
    )


def team_members_set(*, actor: User | None, team_id: int, member_ids: Sequence[int]) -> Team:
    """Make exactly ``member_ids`` (active staff) the team's members; audited with the usernames
    before and after. An unknown or inactive id changes nothing and names the id."""
    _team_manager(actor)
    with transaction.atomic():
        team = _team_locked(team_id)
        _members_set(actor, team, member_ids)
    return team


def _work_owned(team: Team) -> list[tuple[int, str]]:
    """What records of other apps point at the team (follow-ups, later queues), as (count, plural name):
    read through the model's relations, since accounts sits below every app that gives teams work."""
    owned = []
    for relation in Team._meta.related_objects:
        if relation.many_to_many or not relation.field.concrete:
            continue
        count = relation.related_model._default_manager.filter(**{relation.field.name: team.pk}).count()
        if count:
            owned.append((count, str(relation.related_model._meta.verbose_name_plural)))
    return owned


def team_delete(*, actor: User | None, team_id: int) -> None:
    """Delete a team that owns no work. A team that owns follow-ups (open or done: their history says
    which team had them) is kept, and the refusal says how many; rename it or give its open work to
    someone else. Audited with the team's name and members."""
    _team_manager(actor)
    with transaction.atomic():
        team = _team_locked(team_id)
        owned = _work_owned(team)
        if owned:
            raise Conflict(
                _("The team %(name)s still owns %(work)s, so it is kept. Rename it instead.")
                % {"name": team.name, "work": ", ".join(f"{count:,} {label}" for count, label in owned)}
            )
        members = sorted(team.members.values_list("username", flat=True))
        audit_record(
            actor=actor,
            action="delete",
            obj=team,
            changes={"name": [team.name, None], "members": [members, []]},
        )
        team.delete()
