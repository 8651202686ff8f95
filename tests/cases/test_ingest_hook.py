"""The handler is registered by default: a message stored by interactions reaches its case through the
inbound hook's worker task after commit, and not before; a rolled-back message opens nothing."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.db import transaction

from lojal.cases.models import Case, Queue
from lojal.interactions import sms
from lojal.interactions.emails.ingest import email_ingest
from tests.cases.ingest_helpers import case_of, fixture_bytes

pytestmark = pytest.mark.django_db


def test_the_case_handler_is_registered_first() -> None:
    assert settings.LOJAL_INBOUND_HANDLERS[0] == "lojal.cases.ingest.inbound_to_case"


def test_a_stored_email_opens_its_case_through_the_hook_after_commit(
    django_capture_on_commit_callbacks: Any,
) -> None:
    Queue.objects.create(name="Kundservice")

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        interaction = email_ingest(raw=fixture_bytes("sv-utf8-quoted-printable.eml"), source="imap")
        assert Case.objects.count() == 0  # not before the commit

    assert len(callbacks) >= 1
    case = case_of(interaction)
    assert case is not None and case.subject == "Byte av jacka – fel storlek"


def test_a_rolled_back_message_opens_no_case(django_capture_on_commit_callbacks: Any) -> None:
    Queue.objects.create(name="Kundservice")

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                sms.sms_receive(from_number="+46701234567", text="Hej", message_id="x-1")
                raise RuntimeError("the provider's request failed after storing")
        except RuntimeError:
            pass

    assert callbacks == []
    assert Case.objects.count() == 0
