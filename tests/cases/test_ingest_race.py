"""Two workers handling the same inbound message at the same moment open one case (PostgreSQL, where
the two really run at once: the second link of the interaction waits for the first and then fails
on the one-to-one CaseInteraction, rolling its case back)."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection

from lojal.cases import ingest
from lojal.cases.models import Case, CaseInteraction, Queue
from lojal.interactions.emails.ingest import email_ingest
from tests.cases.ingest_helpers import fixture_bytes

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_workers_at_once_open_one_case(monkeypatch: pytest.MonkeyPatch) -> None:
    Queue.objects.create(name="Kundservice")
    interaction = email_ingest(raw=fixture_bytes("sv-utf8-quoted-printable.eml"), source="webhook")
    both_looked = threading.Barrier(2, timeout=30)
    original = ingest._existing_case

    def looked_up_together(found: Any) -> Case | None:
        result = original(found)
        both_looked.wait()  # each worker has seen "no case yet" before either opens one
        return result

    monkeypatch.setattr(ingest, "_existing_case", looked_up_together)
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            ingest.inbound_to_case(interaction.pk)
        except BaseException as error:  # reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    assert errors == []
    assert Case.objects.count() == 1
    assert CaseInteraction.objects.filter(interaction_id=interaction.pk).count() == 1
