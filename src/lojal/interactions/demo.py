"""Demo interactions for ``lojal demo load``: emails in Swedish and Norwegian (received through the real
ingest service, so they are parsed, threaded and matched like real mail), answers, calls, meetings and
SMS, a few messages from strangers in the unmatched inbox, email templates and a website contact form.
Generated from a seed, so every demo looks the same."""

from __future__ import annotations

import datetime as dt
import random
from email.message import EmailMessage as MimeMessage
from email.utils import format_datetime
from typing import Any

from django.conf import settings
from django.utils import timezone

from lojal.customers.models import Customer
from lojal.interactions.emails.ingest import email_ingest, own_domain
from lojal.interactions.models import (
    Channel,
    Direction,
    EmailMessage,
    Interaction,
    MessageTemplate,
    OutboundEmail,
    WebForm,
)
from lojal.interactions.services import interaction_log, interaction_record
from lojal.interactions.sms import sms_receive

SHARE = 0.2
EMAILS = {
    "sv": (
        (
            "Fråga om leveransen",
            "Hej!\n\nNär kommer min beställning? Jag beställde för en vecka sedan.\n\nMvh\n{name}",
        ),
        ("Fel storlek", "Hej,\n\nJackan var för liten. Kan jag byta mot en större?\n\nHälsningar\n{name}"),
        ("Faktura", "Hej!\n\nFakturan har fel belopp – vi beställde bara tre stycken.\n\n{name}"),
        (
            "Offertförfrågan",
            "Hej,\n\nKan ni skicka en offert på 20 licenser till hösten?\n\nVänliga hälsningar\n{name}",
        ),
    ),
    "nb": (
        (
            "Spørsmål om leveransen",
            "Hei!\n\nNår kommer bestillingen min? Jeg bestilte for en uke siden.\n\nMvh\n{name}",
        ),
        (
            "Ny leveringsadresse",
            "Hei,\n\nJeg har flyttet til Storgata 12, 0155 Oslo. Kan dere endre adressen?\n\n{name}",
        ),
        (
            "Reklamasjon",
            "Hei,\n\nKaffetrakteren lekker etter to uker. Hva gjør jeg?\n\nVennlig hilsen\n{name}",
        ),
    ),
}
ANSWERS = {
    "sv": "Hej {first}!\n\nTack för ditt mejl. Vi har ordnat det och återkommer om något mer behövs.\n\nVänliga hälsningar\nKundservice",
    "nb": "Hei {first}!\n\nTakk for e-posten. Vi har ordnet det og tar kontakt om noe mer trengs.\n\nVennlig hilsen\nKundeservice",
}
CALLS = (
    ("Ringde om leveransen", "Kunden får paketet på fredag.", "answered"),
    ("Uppföljning av offert", "Vill fundera över helgen.", "follow_up"),
    ("Inget svar", "", "no_answer"),
    ("Fakturafråga", "Krediterade 450 kr.", "resolved"),
)
MEETINGS = (("Årsgenomgång", "Gick igenom avtalet; förlänger ett år."), ("Produktdemo", "Visade nya appen."))
TEMPLATES = (
    (
        "thanks",
        "sv",
        "Tack för ditt köp",
        "Tack för ditt köp, {first_name}!",
        "Hej {first_name}!\n\nTack för ditt köp. Hör av dig om du har frågor.\n\nVänliga hälsningar\nKundservice",
    ),
    (
        "thanks",
        "nb",
        "Takk for kjøpet",
        "Takk for kjøpet, {first_name}!",
        "Hei {first_name}!\n\nTakk for kjøpet. Ta kontakt om du har spørsmål.\n\nVennlig hilsen\nKundeservice",
    ),
    (
        "thanks",
        "en",
        "Thank you for your purchase",
        "Thank you, {first_name}!",
        "Hello {first_name},\n\nThank you for your purchase. Get in touch if you have questions.\n\nKind regards\nCustomer service",
    ),
    (
        "follow-up",
        "sv",
        "Uppföljning",
        "Uppföljning av vårt samtal",
        "Hej {first_name}!\n\nTack för samtalet. Som utlovat skickar jag mer information.\n\nVänliga hälsningar",
    ),
    (
        "follow-up",
        "nb",
        "Oppfølging",
        "Oppfølging av samtalen vår",
        "Hei {first_name}!\n\nTakk for samtalen. Som lovet sender jeg mer informasjon.\n\nVennlig hilsen",
    ),
)


def _raw_email(*, name: str, address: str, subject: str, text: str, when: dt.datetime, number: int) -> bytes:
    message = MimeMessage()
    message["From"] = f"{name} <{address}>"
    message["To"] = settings.DEFAULT_FROM_EMAIL
    message["Subject"] = subject
    message["Date"] = format_datetime(when)
    message["Message-ID"] = f"<demo-{number}@demo.example>"
    message.set_content(text)
    return message.as_bytes()


def _answer(*, actor: Any, inbound: Interaction, customer: Customer, when: dt.datetime, number: int) -> None:
    """A sent answer, as the outbox leaves it once the worker has sent it (the demo sends no real mail)."""
    language = "nb" if customer.preferred_language == "nb" else "sv"
    answer = interaction_record(
        channel=Channel.EMAIL,
        direction=Direction.OUTBOUND,
        customer_id=customer.pk,
        occurred_at=when,
        actor=actor,
        subject=f"Sv: {inbound.subject} [#{inbound.conversation.reference}]"
        if inbound.conversation
        else inbound.subject,
        body_text=ANSWERS[language].format(first=customer.first_name or customer.display_name),
        sender=settings.DEFAULT_FROM_EMAIL,
        recipients=[inbound.sender],
        conversation=inbound.conversation,
    )
    EmailMessage.objects.create(
        interaction=answer,
        message_id=f"<demo-answer-{number}@{own_domain()}>",
        in_reply_to=inbound.email.message_id,
        references=inbound.email.message_id,
        source="lojal",
    )
    OutboundEmail.objects.create(
        interaction=answer,
        to_address=inbound.sender,
        state=OutboundEmail.State.SENT,
        attempts=1,
        sent_at=when,
    )


def demo_interactions_load(*, staff: dict[str, Any], customer_ids: list[int], seed: int) -> int:
    """Interactions for about a fifth of ``customer_ids``; returns how many were made."""
    rng = random.Random(seed + 4)
    now = timezone.now()
    writers = [staff[name] for name in ("sven", "sara", "maria", "demo") if name in staff]
    for key, language, name, subject, body in TEMPLATES:
        MessageTemplate.objects.get_or_create(
            key=key, language=language, defaults={"name": name, "subject": subject, "body": body}
        )
    WebForm.objects.get_or_create(
        key="kontakt",
        defaults={
            "name": "Kontakta oss",
            "language": "sv",
            "confirmation": "Tack! Vi svarar inom en arbetsdag.",
            "fields": [
                {"name": "name", "required": True},
                {"name": "email", "required": True},
                {"name": "phone", "required": False},
                {"name": "message", "required": True},
            ],
        },
    )
    chosen = [customer_id for customer_id in customer_ids if rng.random() < SHARE]
    customers = Customer.objects.filter(pk__in=chosen).prefetch_related("emails", "phones")
    made = 0
    for number, customer in enumerate(customers):
        language = "nb" if customer.preferred_language == "nb" else "sv"
        address = next((email.address for email in customer.emails.all()), "")
        phone = next((item.number for item in customer.phones.all()), "")
        if address and rng.random() < 0.7:
            when = now - dt.timedelta(days=rng.randint(1, 400), minutes=rng.randint(0, 600))
            subject, text = rng.choice(EMAILS[language])
            inbound = email_ingest(
                raw=_raw_email(
                    name=customer.display_name,
                    address=address,
                    subject=subject,
                    text=text.format(name=customer.display_name),
                    when=when,
                    number=number,
                ),
                source="demo",
            )
            made += 1
            if rng.random() < 0.7:
                _answer(
                    actor=rng.choice(writers),
                    inbound=inbound,
                    customer=customer,
                    when=when + dt.timedelta(hours=rng.randint(1, 30)),
                    number=number,
                )
                made += 1
        for _call in range(rng.randint(0, 3)):
            subject, notes, outcome = rng.choice(CALLS)
            interaction_log(
                actor=rng.choice(writers),
                customer_id=customer.pk,
                channel=Channel.CALL,
                direction=rng.choice([Direction.INBOUND, Direction.OUTBOUND]),
                subject=subject,
                notes=notes,
                duration_minutes=0 if outcome == "no_answer" else rng.randint(1, 25),
                outcome=outcome,
                occurred_at=now - dt.timedelta(days=rng.randint(1, 700), minutes=rng.randint(0, 600)),
            )
            made += 1
        if rng.random() < 0.25:
            subject, notes = rng.choice(MEETINGS)
            interaction_log(
                actor=rng.choice(writers),
                customer_id=customer.pk,
                channel=Channel.MEETING,
                subject=subject,
                notes=notes,
                duration_minutes=rng.choice([30, 45, 60, 90]),
                outcome="held",
                occurred_at=now - dt.timedelta(days=rng.randint(1, 700)),
            )
            made += 1
        if phone and rng.random() < 0.2:
            sms_receive(
                from_number=phone,
                text=rng.choice(["Kommer 10 min sent.", "Tack, det funkar nu!", "Kan ni ringa mig?"]),
                message_id=f"demo-sms-{number}",
                at=now - dt.timedelta(days=rng.randint(1, 90)),
            )
            made += 1
    strangers = (
        (
            "Okänd Avsändare",
            "info@nytt-foretag.example.se",
            "Samarbete?",
            "Hej, vi vill gärna bli återförsäljare.",
        ),
        (
            "Kari Nordmann",
            "kari.nordmann@example.no",
            "Spørsmål om åpningstider",
            "Hei, har dere åpent i romjulen?",
        ),
        (
            "Mailer Daemon",
            "mailer-daemon@mx.example.se",
            "Automatiskt svar: Frånvaro",
            "Jag är ledig till 5 jan.",
        ),
    )
    for index, (name, address, subject, text) in enumerate(strangers):
        email_ingest(
            raw=_raw_email(
                name=name,
                address=address,
                subject=subject,
                text=text,
                when=now - dt.timedelta(hours=index * 5 + 1),
                number=100_000 + index,
            ),
            source="demo",
        )
        made += 1
    return made
