"""Writes for staff accounts and API tokens."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lojal.accounts.models import ApiToken, User, WebhookSecret
from lojal.accounts.roles import Role
from lojal.accounts.webhooks import webhook_secret_value
from lojal.core.audit import audit_record
from lojal.core.errors import Conflict, NotFound, ValidationError
from lojal.core.rawsql import aware

TOKEN_PREFIX = "lojal_"


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
