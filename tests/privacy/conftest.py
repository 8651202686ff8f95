"""A person with distinctive values in every place Lojal keeps personal data: the record, contact
points, a note, an inbound email with an attachment, a logged call, transactions, an import that
staged one row and rejected another with their values."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from lojal.accounts.models import User
from lojal.customers.models import Customer
from lojal.imports import services as import_services
from lojal.imports.models import ImportJob
from lojal.interactions.auto_reply import email_auto_reply
from lojal.interactions.emails.ingest import email_ingest
from lojal.interactions.models import Interaction
from lojal.interactions.services import interaction_log
from lojal.sales.services import transaction_record
from lojal.timeline.services import note_add
from tests import factories

FIRST_NAME = "Zebulon"
LAST_NAME = "Quillfeather"
EMAIL = "zebulon.quillfeather@example.se"
PHONE = "+46709876543"
NATIONAL_ID = "19790923-4127"
NATIONAL_ID_COMPACT = "197909234127"
STREET = "Quillgatan 77"
CITY = "Xyzzyby"
NOTE = "XYZZY-NOTE-7731 prefers blue envelopes"
ATTRIBUTE = "XYZZY-ATTR-4410"
SUBJECT = "XYZZY-SUBJECT-5521 my order"
BODY = "XYZZY-BODY-9134 please call me back"
ATTACHMENT = b"XYZZY-ATTACHMENT-2207 receipt"
ATTACHMENT_NAME = "quillreceipt.txt"
CALL_NOTES = "XYZZY-CALL-6640 asked about delivery"
TAG = "xyzzy-tag-3318"

#: Every value that would identify the person; an erasure must leave none of them anywhere.
DISTINCTIVE = (
    FIRST_NAME,
    LAST_NAME,
    EMAIL,
    PHONE,
    NATIONAL_ID,
    NATIONAL_ID_COMPACT,
    "790923-4127",
    STREET,
    CITY,
    "XYZZY",
    "quillreceipt",
    TAG,
)

INBOUND = f"""Return-Path: <{EMAIL}>
From: {FIRST_NAME} {LAST_NAME} <{EMAIL}>
To: service@lojal.example
Subject: {SUBJECT}
Message-ID: <quill-1@mail.example.se>
Date: Mon, 07 Dec 2026 10:00:00 +0100
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="b1"

--b1
Content-Type: text/plain; charset=utf-8

{BODY}
--b1
Content-Type: text/plain; name="{ATTACHMENT_NAME}"
Content-Disposition: attachment; filename="{ATTACHMENT_NAME}"

{ATTACHMENT.decode()}
--b1--
""".replace("\n", "\r\n").encode()

IMPORT_FILE = (
    "customer id,first name,last name,email,personnummer\r\n"
    f"ERP-77,{FIRST_NAME},{LAST_NAME},{EMAIL},{NATIONAL_ID}\r\n"
    f"ERP-78,{FIRST_NAME},{LAST_NAME},{EMAIL},{NATIONAL_ID}\r\n"
    "ERP-79,Other,Person,other.person@example.se,\r\n"
)


@dataclass
class Person:
    customer: Customer
    email: Interaction
    call: Interaction
    job: ImportJob
    bystander: Customer
    acknowledgement: Interaction


@pytest.fixture(autouse=True)
def import_dir(settings: Any, tmp_path: Path) -> Path:
    settings.IMPORT_DIR = tmp_path / "imports"
    return settings.IMPORT_DIR


@pytest.fixture
def person(admin_user: User, tmp_path: Path) -> Person:
    customer = factories.person(
        admin_user,
        first_name=FIRST_NAME,
        last_name=LAST_NAME,
        national_id=NATIONAL_ID,
        emails=[EMAIL],
        phones=[PHONE],
        addresses=[{"street": STREET, "postal_code": "123 45", "city": CITY, "country": "SE"}],
        tags=[TAG],
        attributes={"Favourite": ATTRIBUTE},
        customer_since="2015-04-01",
    )
    bystander = factories.person(
        admin_user, first_name="Berit", last_name="Bystander", emails=["berit@example.se"]
    )
    note_add(customer_id=customer.pk, text=NOTE, actor=admin_user)
    email = email_ingest(raw=INBOUND, source="webhook")
    assert email.customer_id == customer.pk
    # An automatic reply: its record names the address, the kept headers the Return-Path.
    acknowledged = email_auto_reply(
        interaction_id=email.pk, subject="Received", body_text="Thank you.", kind="ack"
    )
    assert acknowledged.is_sent
    call = interaction_log(
        actor=admin_user, customer_id=customer.pk, channel="call", subject="Call", notes=CALL_NOTES
    )
    for amount, external_id in (("1200.50", "T-1"), ("99.00", "T-2")):
        transaction_record(
            actor=admin_user,
            customer_id=customer.pk,
            data={
                "kind": "purchase",
                "amount": amount,
                "currency": "SEK",
                "occurred_at": dt.datetime(2026, 11, 1, 12, tzinfo=dt.UTC),
                "source": "erp",
                "external_id": external_id,
            },
        )
    transaction_record(
        actor=admin_user,
        customer_id=bystander.pk,
        data={
            "kind": "purchase",
            "amount": "10.00",
            "currency": "SEK",
            "occurred_at": dt.datetime(2026, 11, 2, 12, tzinfo=dt.UTC),
        },
    )
    upload = tmp_path / "erp-customers.csv"
    upload.write_text(IMPORT_FILE, encoding="utf-8")
    job = import_services.import_job_create(
        actor=admin_user, kind="customers", upload=upload, file_name="erp-customers.csv", source="erp"
    )
    job = import_services.import_job_check(job_id=job.pk)
    customer.refresh_from_db()
    return Person(
        customer=customer,
        email=email,
        call=call,
        job=job,
        bystander=bystander,
        acknowledgement=Interaction.objects.get(pk=acknowledged.reply_id),
    )
