"""The portal API (/api/portal/v1): what a signed-in customer's own pages and programs call. Its own
Ninja instance and OpenAPI document (/api/portal/v1/openapi.json), the same problem documents as the
staff API, and its own credentials (lojal.portal.api_auth): staff credentials do not work here, and
portal credentials do not work on /api/v1."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from pydantic import Field

from lojal.core.api_problems import problem_handlers_install
from lojal.core.errors import TooManyAttempts, ValidationError
from lojal.core.jsonout import FastParser, FastRenderer
from lojal.core.openapi import LojalAPI, raises
from lojal.core.ratelimit import client_address
from lojal.portal import login
from lojal.portal.api_auth import identity_of, portal_auth
from lojal.portal.identity import portal_session_end
from lojal.portal.models import LoginChallenge
from lojal.portal.sessions import portal_session_end_own, portal_sessions_of, portal_token_create

api = LojalAPI(
    renderer=FastRenderer(),
    parser=FastParser(),
    title="Lojal My pages API",
    version="1",
    description=(
        "A customer's own cases, replies and details, with the My pages session (cookie, CSRF-checked) "
        "or a portal token. Errors are RFC 9457 problem documents."
    ),
    auth=portal_auth(),
    urls_namespace="portal-api",
    docs_url="/docs",
    openapi_url="/openapi.json",
)
problem_handlers_install(
    api, unauthorized_detail="Sign in to My pages, or send a portal token as 'Authorization: Bearer <token>'."
)

account = Router(tags=["sign-in"])


class LoginLinkIn(Schema):
    email: str = Field(max_length=320, description="the customer's email address")


class Accepted(Schema):
    detail: str


@account.post("/login-link", auth=None, response={202: Accepted})
@raises(TooManyAttempts)
def login_link_request(request: HttpRequest, payload: LoginLinkIn) -> Status:
    """Email a sign-in link to ``email`` if it is a customer's: the answer is the same (202) either way;
    429 past the limits per address and per client address."""
    try:
        kind, _address = login.login_address_read(payload.email)
    except ValidationError:
        kind = ""
    if kind != LoginChallenge.Kind.LINK:
        raise ValidationError.for_field("email", _("Give an email address."))
    login.login_request(
        address=payload.email, client=client_address(request), base_url=request.build_absolute_uri("/")
    )
    detail = _(
        "If the address is a customer's, a sign-in link is on its way. It is valid for %(minutes)d minutes."
    )
    return Status(202, Accepted(detail=detail % {"minutes": settings.PORTAL_LINK_MINUTES}))


class MeOut(Schema):
    customer_id: int
    contact_person_id: int | None
    sees_all_cases: bool = Field(description="a contact person who sees all the organisation's cases")


@account.get("/me", response=MeOut)
def me(request: HttpRequest) -> MeOut:
    """Who is signed in."""
    identity = identity_of(request)
    return MeOut(
        customer_id=identity.customer_id,
        contact_person_id=identity.contact_person_id,
        sees_all_cases=identity.sees_all_cases or identity.contact_person_id is None,
    )


class SessionOut(Schema):
    id: int
    kind: str = Field(description="browser or token")
    label: str
    created_at: dt.datetime
    last_seen_at: dt.datetime
    expires_at: dt.datetime
    is_current: bool


@account.get("/sessions", response=list[SessionOut])
def sessions(request: HttpRequest) -> list[SessionOut]:
    """The signed-in customer's live browser sessions and tokens, newest first."""
    identity = identity_of(request)
    return [
        SessionOut(
            id=row.pk,
            kind=row.kind,
            label=row.label,
            created_at=row.created_at,
            last_seen_at=row.last_seen_at,
            expires_at=row.expires_at,
            is_current=row.pk == identity.session_id,
        )
        for row in portal_sessions_of(identity=identity)
    ]


@account.delete("/sessions/{session_id}", response={204: None})
def session_end(request: HttpRequest, session_id: int) -> Status:
    """End one of the customer's own sessions or tokens (404 for any other)."""
    portal_session_end_own(identity=identity_of(request), session_id=session_id)
    return Status(204, None)


class TokenIn(Schema):
    label: str = Field(max_length=200, description="what the token is for, to know it again")


class TokenOut(Schema):
    id: int
    token: str = Field(description="the secret, shown this once")
    expires_at: dt.datetime


@account.post("/tokens", response={201: TokenOut})
def token_create(request: HttpRequest, payload: TokenIn) -> Status:
    """A token for a program to call this API as the signed-in customer."""
    session, key = portal_token_create(
        identity=identity_of(request), label=payload.label, client=client_address(request)
    )
    return Status(201, TokenOut(id=session.pk, token=key, expires_at=session.expires_at))


@account.post("/logout", response={204: None})
def logout(request: HttpRequest) -> Status:
    """End the session or token this call was made with."""
    identity = identity_of(request)
    portal_session_end(customer_id=identity.customer_id, session_id=identity.session_id)
    return Status(204, None)


api.add_router("", account)


def _add_routers() -> None:
    from lojal.portal.case_api import cases_router, details_router

    api.add_router("", cases_router)  # /cases, /cases/{id}, replies, attachments
    api.add_router("", details_router)  # /me/details


_add_routers()
