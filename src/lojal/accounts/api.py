"""API: exchange a password for a token; list and revoke one's own tokens."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import authenticate
from django.http import HttpRequest
from ninja import Router, Schema, Status
from ninja.errors import HttpError
from pydantic import ConfigDict, Field

from lojal.accounts import selectors, services
from lojal.accounts.models import User
from lojal.core.inputs import Text
from lojal.core.openapi import raises

router = Router(tags=["auth"])


class TokenRequest(Schema):
    model_config = ConfigDict(extra="forbid")
    username: Text = Field(min_length=1, max_length=150)
    password: Text = Field(min_length=1, max_length=500)
    name: Text = Field(default="API token", min_length=1, max_length=100)


class TokenCreated(Schema):
    id: int
    name: str
    token: str = Field(description="Shown this once; only a digest is stored.")


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    created_at: dt.datetime
    last_used_at: dt.datetime | None
    revoked_at: dt.datetime | None


@router.post(
    "/token", auth=None, response={201: TokenCreated}, summary="Create a token from a username and password"
)
@raises(401, 429)
def token_from_password(request: HttpRequest, payload: TokenRequest) -> Status[dict[str, object]]:
    user = authenticate(request, username=payload.username, password=payload.password)
    if not isinstance(user, User) or not user.is_active:
        raise HttpError(401, "Wrong username or password.")
    issued = services.token_create(user=user, name=payload.name)
    return Status(201, {"id": issued.token.pk, "name": issued.token.name, "token": issued.secret})


@router.get("/tokens", response=list[TokenOut], summary="List your tokens")
def tokens_list(request: HttpRequest) -> list[object]:
    return list(selectors.token_list(user=request.user))  # type: ignore[arg-type]


@router.delete("/tokens/{token_id}", response={204: None}, summary="Revoke one of your tokens")
def token_revoke(request: HttpRequest, token_id: int) -> Status[None]:
    services.token_revoke(user=request.user, token_id=token_id)  # type: ignore[arg-type]
    return Status(204, None)
