"""Each retention rule removes exactly what is older than its limit and nothing newer, in set-based
statements, and each run of each rule is recorded (and shown on the register page)."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from lojal.accounts.models import User
from lojal.accounts.roles import Role
from lojal.core.audit import audit_record
from lojal.core.models import AuditEntry
from lojal.customers.models import Customer
from lojal.imports.models import ImportJob, ImportRejection
from lojal.interactions.models import (
    Attachment,
    ChatMessage,
    ChatSession,
    EmailMessage,
    Interaction,
    SentMail,
)
from lojal.privacy import personal_data as privacy_rules
from lojal.privacy.models import RetentionRun
from lojal.privacy.services import retention_run
from lojal.privacy.tasks import retention_task
from lojal.timeline.models import Event
from tests import factories

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 6, 15, 12, 0, tzinfo=dt.UTC)


def ago(**delta: float) -> dt.datetime:
    return NOW - dt.timedelta(**delta)


def interaction(customer: Customer, occurred_at: dt.datetime, text: str) -> Interaction:
    """An email with its message, an attachment and its timeline entry, as ingestion leaves them."""
    found = Interaction.objects.create(
        customer=customer,
        channel="email",
        direction="in",
        occurred_at=occurred_at,
        subject=text,
        body_text=text,
    )
    EmailMessage.objects.create(interaction=found, message_id=f"<{text}@example.se>", raw=text.encode())
    Attachment.objects.create(
        interaction=found, filename=f"{text}.pdf", content_type="application/pdf", size=3, content=b"pdf"
    )
    Event.objects.create(
        customer=customer,
        occurred_at=occurred_at,
        kind="interaction.email",
        summary=text,
        data={"interaction_id": found.pk},
    )
    return found


def test_interactions_rule_deletes_older_interactions_with_their_content_and_keeps_newer(
    settings: Any,
) -> None:
    # given one interaction just past 36 months and one just inside
    settings.RETAIN_INTERACTIONS_MONTHS = 36
    anna = factories.person(first_name="Anna")
    old = interaction(anna, ago(days=3 * 365 + 2), "old")
    new = interaction(anna, ago(days=3 * 365 - 2), "new")
    note = Event.objects.create(
        customer=anna, occurred_at=ago(days=2000), kind="note.added", summary="a note"
    )

    # when
    [run] = retention_run(now=NOW, only=["interactions"])

    # then only the old one and everything holding its content is gone
    assert (run.rule, run.rows_affected, run.rows_pending, run.error) == ("interactions", 1, 0, "")
    assert run.cutoff == dt.datetime(2023, 6, 15, 12, 0, tzinfo=dt.UTC)
    assert list(Interaction.objects.values_list("pk", flat=True)) == [new.pk]
    assert list(EmailMessage.objects.values_list("interaction_id", flat=True)) == [new.pk]
    assert list(Attachment.objects.values_list("interaction_id", flat=True)) == [new.pk]
    assert sorted(
        Event.objects.filter(kind__startswith="interaction.").values_list("summary", flat=True)
    ) == ["new"]
    assert Event.objects.filter(pk=note.pk).exists()  # not an interaction: kept with the customer
    assert Interaction.objects.filter(pk=old.pk).exists() is False


def test_interactions_rule_deletes_old_chats_and_keeps_recent_ones(settings: Any) -> None:
    settings.RETAIN_INTERACTIONS_MONTHS = 12
    old = ChatSession.objects.create(
        token="old", visitor_name="Old", started_at=ago(days=400), last_message_at=ago(days=400)
    )
    new = ChatSession.objects.create(
        token="new", visitor_name="New", started_at=ago(days=10), last_message_at=ago(days=10)
    )
    for session in (old, new):
        ChatMessage.objects.create(
            session=session, text=f"hej from {session.token}", sent_at=session.last_message_at
        )

    retention_run(now=NOW, only=["interactions"])

    assert list(ChatSession.objects.values_list("token", flat=True)) == ["new"]
    assert list(ChatMessage.objects.values_list("text", flat=True)) == ["hej from new"]


def test_interactions_rule_deletes_the_mail_sinks_old_copies_and_keeps_recent_ones(settings: Any) -> None:
    settings.RETAIN_INTERACTIONS_MONTHS = 12
    for subject, sent_at in (("old", ago(days=400)), ("new", ago(days=10))):
        SentMail.objects.create(
            sender="shop@example.se",
            recipients=["kari@example.no"],
            subject=subject,
            raw=b"x",
            sent_at=sent_at,
        )

    retention_run(now=NOW, only=["interactions"])

    assert list(SentMail.objects.values_list("subject", flat=True)) == ["new"]


def test_interactions_rule_deletes_in_batches_without_loading_rows(settings: Any) -> None:
    from lojal.interactions.retention import interactions_purge

    anna = factories.person(first_name="Anna")
    for number in range(5):
        interaction(anna, ago(days=2000 + number), f"m{number}")

    with CaptureQueriesContext(connection) as queries:
        deleted = interactions_purge(before=ago(days=1000), batch_size=2)

    assert deleted == 5
    assert Interaction.objects.count() == 0
    # no statement reads a row's content (subject, body) into Python
    reads = [q["sql"] for q in queries.captured_queries if q["sql"].lstrip().upper().startswith("SELECT")]
    assert all("body_text" not in sql and "subject" not in sql for sql in reads), reads


def test_attachments_rule_drops_old_content_and_keeps_newer_and_the_file_name(settings: Any) -> None:
    settings.RETAIN_ATTACHMENTS_MONTHS = 24
    settings.RETAIN_INTERACTIONS_MONTHS = 0  # off: the interactions stay
    anna = factories.person(first_name="Anna")
    old = interaction(anna, ago(days=2 * 365 + 5), "old")
    new = interaction(anna, ago(days=2 * 365 - 5), "new")

    runs = {run.rule: run for run in retention_run(now=NOW, only=["attachments", "interactions"])}

    assert runs["attachments"].rows_affected == 1
    assert (
        runs["interactions"].note == "off: kept until deleted by hand"
        and runs["interactions"].rows_affected == 0
    )
    old_file, new_file = Attachment.objects.get(interaction=old), Attachment.objects.get(interaction=new)
    assert (old_file.filename, bytes(old_file.content), old_file.is_stored) == ("old.pdf", b"", False)
    assert (bytes(new_file.content), new_file.is_stored) == (b"pdf", True)
    assert Interaction.objects.count() == 2


def test_audit_rule_deletes_entries_older_than_the_limit_only(settings: Any, admin_user: User) -> None:
    settings.RETAIN_AUDIT_MONTHS = 24
    anna = factories.person(first_name="Anna")
    AuditEntry.objects.all().delete()
    old = audit_record(actor=admin_user, action="update", obj=anna)
    new = audit_record(actor=admin_user, action="update", obj=anna)
    AuditEntry.objects.filter(pk=old.pk).update(occurred_at=ago(days=2 * 365 + 3))
    AuditEntry.objects.filter(pk=new.pk).update(occurred_at=ago(days=2 * 365 - 3))

    [run] = retention_run(now=NOW, only=["audit"])

    assert run.rows_affected == 1
    assert list(AuditEntry.objects.values_list("pk", flat=True)) == [new.pk]


def job(created_at: dt.datetime, values: list[str]) -> ImportJob:
    found = ImportJob.objects.create(kind="customers", file_name="kunder.csv", file_path="")
    ImportJob.objects.filter(pk=found.pk).update(created_at=created_at)
    ImportRejection.objects.bulk_create(
        ImportRejection(job=found, line=line, field="national_id", reason="not a number", value=value)
        for line, value in enumerate(values, start=2)
    )
    return found


def test_rejected_values_rule_blanks_values_of_older_imports_and_keeps_the_reasons(settings: Any) -> None:
    settings.RETAIN_IMPORT_REJECTED_VALUES_DAYS = 30
    old = job(ago(days=31), ["19880320-001X", "abc"])
    new = job(ago(days=29), ["19900101-001Y"])

    [run] = retention_run(now=NOW, only=["import_rejected_values"])

    assert run.rows_affected == 2
    assert list(ImportRejection.objects.filter(job=old).values_list("value", "reason")) == [
        ("", "not a number"),
        ("", "not a number"),
    ]
    assert list(ImportRejection.objects.filter(job=new).values_list("value", flat=True)) == ["19900101-001Y"]


def former(name: str, changed: dt.datetime, **fields: Any) -> Customer:
    customer = factories.person(first_name=name)
    Customer.objects.filter(pk=customer.pk).update(updated_at=changed, **fields)
    return customer


@pytest.fixture
def no_erasure(monkeypatch: pytest.MonkeyPatch) -> None:
    """An installation without the erasure service."""
    monkeypatch.setattr(privacy_rules, "ERASURE_MODULES", ("lojal.privacy.no_such_module",))


def test_former_customers_rule_lists_them_as_pending_while_erasure_is_missing(
    settings: Any, no_erasure: None
) -> None:
    settings.RETAIN_FORMER_CUSTOMERS_YEARS = 3
    old_former = former("Olle", ago(days=3 * 365 + 5), lifecycle_stage="former")
    old_deleted = former("Dina", ago(days=3 * 365 + 5), deleted_at=ago(days=3 * 365 + 5))
    former("Nora", ago(days=3 * 365 - 5), lifecycle_stage="former")  # not yet
    former("Kalle", ago(days=3 * 365 + 5), lifecycle_stage="customer")  # still a customer
    names_before = sorted(Customer.objects.values_list("first_name", flat=True))

    [run] = retention_run(now=NOW, only=["former_customers"])

    assert (run.rows_affected, run.rows_pending) == (0, 2)
    assert sorted(run.pending_ids) == sorted([old_former.pk, old_deleted.pk])
    assert "erasure is not available" in run.note
    assert sorted(Customer.objects.values_list("first_name", flat=True)) == names_before  # nothing changed


def test_former_customers_rule_calls_the_erasure_service_when_it_exists(
    settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from lojal.core.errors import Conflict

    settings.RETAIN_FORMER_CUSTOMERS_YEARS = 3
    old = former("Olle", ago(days=3 * 365 + 5), lifecycle_stage="former")
    held = former("Hilda", ago(days=3 * 365 + 5), lifecycle_stage="former")
    former("Nora", ago(days=3 * 365 - 5), lifecycle_stage="former")
    calls: list[tuple[int, str]] = []

    def customer_erase(*, customer_id: int, actor: Any, reason: str) -> None:
        if customer_id == held.pk:
            raise Conflict("legal hold")
        calls.append((customer_id, reason))
        Customer.objects.filter(pk=customer_id).update(first_name="", lifecycle_stage="lead")

    monkeypatch.setattr(privacy_rules, "erase_service", lambda: customer_erase)

    [run] = retention_run(now=NOW, only=["former_customers"])

    assert calls == [(old.pk, "retention: former customer")]
    assert (run.rows_affected, run.rows_pending, list(run.pending_ids)) == (1, 1, [held.pk])
    assert run.note == "some were refused (legal hold or open case) and are listed"


def test_import_files_rule_runs_the_import_file_purge(settings: Any, tmp_path: Any) -> None:
    settings.IMPORT_DIR = str(tmp_path)
    path = tmp_path / "old.csv"
    path.write_text("namn\nAnna\n")
    found = ImportJob.objects.create(
        kind="customers", file_name="old.csv", file_path=str(path), status="done"
    )
    ImportJob.objects.filter(pk=found.pk).update(
        finished_at=timezone.now() - dt.timedelta(days=settings.IMPORT_KEEP_DAYS + 1)
    )
    kept = ImportJob.objects.create(
        kind="customers",
        file_name="new.csv",
        file_path=str(tmp_path / "new.csv"),
        status="done",
        finished_at=timezone.now(),
    )
    (tmp_path / "new.csv").write_text("namn\nBo\n")

    [run] = retention_run(only=["import_files"])

    assert run.rows_affected == 1
    assert not path.exists() and (tmp_path / "new.csv").exists()
    assert ImportJob.objects.get(pk=kept.pk).file_deleted_at is None


def test_a_failing_rule_is_recorded_and_the_others_still_run(
    settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    import lojal.core.privacy as privacy

    broken = privacy.retention_rule_get("audit")
    assert broken is not None

    def fail(cutoff: dt.datetime) -> privacy.RuleOutcome:
        raise RuntimeError("disk on fire")

    monkeypatch.setitem(privacy._RULES, "audit", privacy.RetentionRule(**{**broken.__dict__, "run": fail}))

    runs = {run.rule: run for run in retention_run(now=NOW)}

    assert runs["audit"].error == "RuntimeError: disk on fire"
    assert set(runs) == {rule.key for rule in privacy.retention_rules()}
    assert all(run.finished_at is not None for run in runs.values())
    assert RetentionRun.objects.count() == len(runs)


def test_every_rule_run_is_recorded_by_the_task_and_the_command_and_shown_on_the_register(
    make_user: Callable[..., User], no_erasure: None
) -> None:
    retention_task.call()
    call_command("retention", "--rule", "audit", stdout=io.StringIO())

    assert RetentionRun.objects.filter(rule="audit").count() == 2
    client = Client()
    client.force_login(make_user(Role.PRIVACY_OFFICER))
    page = client.get("/privacy/").content.decode()
    assert 'data-rule="former_customers"' in page
    assert "Not run yet" not in page
