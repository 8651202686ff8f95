"""Signed-in portal clients for the tests: a real portal session (identity.portal_session_start) and
its cookie, as the sign-in pages leave it."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from lojal.portal.identity import COOKIE_NAME, identity_from_key, portal_session_start

#: The smallest valid PNG (1 x 1 pixel): a picture by its bytes whatever its name says.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6300010000050001a5f645400000000049454e44ae426082"
)
#: A Windows program's first bytes ("MZ"): refused whatever its name says.
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64


def portal_client(customer_id: int, contact_person_id: int | None = None) -> Client:
    _session, key = portal_session_start(customer_id=customer_id, contact_person_id=contact_person_id)
    client = Client()
    client.cookies[COOKIE_NAME] = key
    return client


def identity_of(customer_id: int, contact_person_id: int | None = None) -> Any:
    _session, key = portal_session_start(customer_id=customer_id, contact_person_id=contact_person_id)
    identity = identity_from_key(key, kind="browser")
    assert identity is not None
    return identity


def upload(name: str, content: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)
