"""The audit log in words for the entries the workspace branches added (follow-ups, calendar feeds,
call lists, the inbox, chats, list exports, merge choices): a translated sentence each, never a code,
and its lines in words."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone, translation

from lojal.accounts.models import User
from lojal.activities import call_lists
from lojal.activities import services as activities
from lojal.core.audit import audit_record
from lojal.core.audit_words import ACTION_SENTENCES, entries_in_words
from lojal.core.models import AuditEntry
from lojal.customers.duplicates import customers_merge
from lojal.interactions import dismissal
from lojal.interactions.models import ChatSession, Interaction
from tests import factories

pytestmark = pytest.mark.django_db


def words(language: str = "en", **filters: Any) -> list[tuple[str, list[str]]]:
    entries = AuditEntry.objects.filter(**filters).order_by("id")
    with translation.override(language):
        return [(text.sentence, text.lines) for _entry, text in entries_in_words(entries)]


def test_a_follow_up_created_changed_completed_cancelled_and_reopened(admin_user: User) -> None:
    anna = factories.person(first_name="Anna", last_name="Ek")
    call = activities.activity_create(
        actor=admin_user, subject="Call Anna", due_date=dt.date(2026, 12, 8), customer_id=anna.pk
    )
    activities.activity_update(actor=admin_user, activity_id=call.pk, data={"priority": "high"})
    activities.activity_complete(actor=admin_user, activity_id=call.pk, outcome="Will buy")
    todo = activities.activity_create(actor=admin_user, subject="Todo", due_date=dt.date(2026, 12, 9))
    activities.activity_cancel(actor=admin_user, activity_id=todo.pk, reason="")
    activities.activity_reopen(actor=admin_user, activity_id=todo.pk)
    assert words(object_type="activities.activity") == [
        ("Created a follow-up", []),
        ("Changed a follow-up", ["Priority changed from Normal to High"]),
        ("Completed a follow-up", ["Status changed from Open to Done", "Outcome: Will buy"]),
        ("Created a follow-up", []),
        ("Cancelled a follow-up", ["Status changed from Open to Cancelled"]),
        ("Reopened a follow-up", ["Status changed from Cancelled to Open"]),
    ]
    assert [sentence for sentence, _lines in words("sv", object_type="activities.activity")][:3] == [
        "Skapade en uppföljning",
        "Ändrade en uppföljning",
        "Slutförde en uppföljning",
    ]


def test_a_calendar_feed_created_and_revoked(admin_user: User) -> None:
    issued = activities.calendar_feed_create(user=admin_user)
    activities.calendar_feed_revoke(user=admin_user, feed_id=issued.feed.pk)
    assert words(object_type="activities.calendarfeed") == [
        ("Created a calendar feed", []),
        ("Revoked a calendar feed", []),
    ]
    assert words("nb", object_type="activities.calendarfeed")[1][0] == "Tilbakekalte en kalenderadresse"


def test_a_call_list_created_added_to_and_closed(admin_user: User) -> None:
    anna, bo = factories.person(), factories.person()
    spring = call_lists.call_list_create(actor=admin_user, name="Spring", customer_ids=[anna.pk])
    call_lists.call_list_add_customers(call_list_id=spring.pk, customer_ids=[bo.pk], actor=admin_user)
    call_lists.call_list_close(actor=admin_user, call_list_id=spring.pk)
    assert words(object_type="activities.calllist") == [
        ("Created a call list", ["Customers: 1"]),
        ("Added customers to a call list", ["Customers: 1"]),
        ("Closed a call list", []),
    ]
    assert words("sv", object_type="activities.calllist")[1] == (
        "Lade till kunder i en ringlista",
        ["Kunder: 1"],
    )


def test_inbox_messages_dismissed_and_put_back(admin_user: User) -> None:
    message = Interaction.objects.create(
        channel="email",
        direction="in",
        occurred_at=timezone.now(),
        subject="Out of office",
        sender="x@example.se",
    )
    dismissal.interactions_dismiss(actor=admin_user, interaction_ids=[message.pk])
    dismissal.interactions_restore(actor=admin_user, interaction_ids=[message.pk])
    assert words(action__startswith="inbox.") == [
        ("Dismissed a message in the inbox", ["Dismissed changed from no to yes"]),
        ("Put a message back in the inbox", ["Dismissed changed from yes to no"]),
    ]


def test_a_chat_matched_to_a_customer_names_the_customer(admin_user: User) -> None:
    anna = factories.person(first_name="Anna", last_name="Ek")
    # as interactions/chat.py chat_customer_set writes it
    audit_record(
        actor=admin_user,
        action="chat.customer_set",
        obj=ChatSession(pk=5),
        changes={"customer": [None, anna.pk]},
        label="Visitor",
    )
    assert words(action="chat.customer_set") == [
        ("Said which customer a chat is with", ["Customer: Anna Ek"])
    ]


def test_a_list_export_names_its_format_filters_and_columns_in_words(staff_client: Client) -> None:
    factories.person(lifecycle_stage="lead")
    response = staff_client.get("/customers/export/?format=csv&stage=lead&columns=number,stage")
    b"".join(response.streaming_content) if response.streaming else response.content
    [(sentence, lines)] = words(action="export")
    assert sentence == "Exported a list (customer)"
    assert "Format: CSV" in lines
    assert any(line.startswith("Filters: ") and "Lifecycle stage: Lead" in line for line in lines)
    columns = next(line for line in lines if line.startswith("Columns: "))
    assert "Customer number" in columns and "_" not in columns
    assert "Rows: 1" in lines
    assert words("sv", action="export")[0][0] == "Exporterade en lista (kund)"


def test_merge_choices_say_whose_value_was_kept(admin_user: User) -> None:
    anna = factories.person(first_name="Anna", last_name="Ek")
    other = factories.person(first_name="Anna", last_name="Berg")
    customers_merge(actor=admin_user, keep_id=anna.pk, other_id=other.pk, choices={"last_name": other.pk})
    [(sentence, lines), _merged_away] = words(action="merge")
    assert sentence == "Merged customer"
    chosen = next(line for line in lines if line.startswith("Chosen field by field: "))
    assert "Last name: the merged customer's value" in chosen
    assert "kept" not in chosen.replace("the kept customer's value", "")


def test_bulk_changes_read_as_single_changes(admin_user: User) -> None:
    from lojal.customers import bulk

    anna = factories.person()
    selection = bulk.selection_resolve(scope="selected", ids=[anna.pk], user=admin_user)
    bulk.customers_tag_add(actor=admin_user, selection=selection, tag="vip")
    assert words(action="update", object_id=str(anna.pk)) == [("Changed customer", ["Tags: vip"])]


def test_every_action_code_written_in_src_has_a_sentence() -> None:
    """Each ``action="..."`` an audit writer in src passes (grep), except the token's own sentences."""
    import pathlib
    import re

    source = pathlib.Path(__file__).resolve().parents[2] / "src" / "lojal"
    written: set[str] = set()
    for path in source.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        if "audit" not in text:
            continue
        written.update(re.findall(r"audit_record\([^)]*?action=\"([a-z_.]+)\"", text, flags=re.S))
        written.update(re.findall(r"_audit\(actor, \"([a-z_.]+)\"", text))
        written.update(re.findall(r"audit_read\([^)]*?action=\"([a-z_.]+)\"", text, flags=re.S))
    assert {"activity.created", "call_list.added", "inbox.dismissed", "export"} <= written
    assert sorted(written - set(ACTION_SENTENCES) - {"token"}) == []
