"""The SMTP receiver benchmark: `lojal smtpd` runs as its own process; smtplib clients send it N
realistic messages (Swedish and Norwegian text in UTF-8, ISO-8859-1 and Windows-1252, HTML with an
inline image, attachments, replies in threads, auto-replies, a few malformed ones) from known customers
and strangers. Measured end to end: from the first connection until every message is answered 250,
which Lojal only does once the message is parsed, matched and stored."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import random
import smtplib
import subprocess
import sys
import threading
import time
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path

from bench.customers import HOST, _bench_user, _load_average
from bench.databases import RESULTS, bench_database, lojal_command
from bench.http import percentile
from bench.loading import django_setup, load_customers
from bench.report import Row, commit, machine, table
from bench.server import free_port

DATABASE_NAME = "lojal_bench_smtpd"
FIXTURES = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "email"
TEXTS = (
    (
        "Byte av jacka",
        "Hej!\n\nJag har fått fel storlek på jackan. Kan jag byta den mot en större?\n\nMvh\n{name}",
    ),
    (
        "Ny leveringsadresse",
        "Hei,\n\nJeg ønsker å endre leveringsadressen til Storgata 12, 0155 Oslo.\n\n{name}",
    ),
    (
        "Fel på fakturan – 1 249 €",
        "Hej,\n\nFakturan stämmer inte – vi beställde bara 3 st. “Premium”.\n\n{name}",
    ),
    ("Reklamation", "Hej, kaffebryggaren läcker efter två veckor. Vad gör jag?\n/{name}"),
)
CHARSETS = ("utf-8", "iso-8859-1", "windows-1252")
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c63f8cf0000000301010018dd8db00000000049454e44ae426082"
)


def _say(message: str) -> None:
    print(f"== {message}", file=sys.stderr, flush=True)


def _message(number: int, sender: tuple[str, str], rng: random.Random, previous: list[str]) -> bytes:
    name, address = sender
    subject, text = TEXTS[number % len(TEXTS)]
    body = text.format(name=name)
    message = EmailMessage()
    message["From"] = f"{name} <{address}>"
    message["To"] = "kundservice@lojal.example"
    message["Date"] = format_datetime(dt.datetime.now(dt.UTC))
    message["Message-ID"] = make_msgid(domain="bench.example.se")
    kind = number % 10
    if kind == 1 and previous:
        parent = rng.choice(previous)
        message["In-Reply-To"] = parent
        message["References"] = parent
        subject = f"Sv: {subject}"
        body += (
            "\n\nDen 3 nov. 2026 kl. 10:00 skrev Kundservice <kundservice@lojal.example>:\n> Hej!\n> Tack."
        )
    if kind == 2:
        message["Auto-Submitted"] = "auto-replied"
        subject = f"Automatiskt svar: {subject}"
    message["Subject"] = subject
    charset = CHARSETS[number % len(CHARSETS)]
    try:
        message.set_content(body, charset=charset, cte="quoted-printable")
    except UnicodeEncodeError:
        message.set_content(body, charset="utf-8", cte="quoted-printable")
    if kind == 3:
        html = f"<p>{body.replace(chr(10), '<br>')}</p><p><img src='cid:bild@bench'></p>"
        message.add_alternative(html, subtype="html")
        message.get_payload()[1].add_related(PNG, "image", "png", cid="<bild@bench>", filename="bild.png")
    if kind == 4:
        message.add_attachment(
            b"%PDF-1.4\n" + os.urandom(2048), maintype="application", subtype="pdf", filename="kvitto.pdf"
        )
    previous.append(message["Message-ID"])
    return message.as_bytes(policy=policy.SMTP)  # CRLF line ends, as on the wire


def _corpus(count: int, senders: list[tuple[str, str]], seed: int) -> list[tuple[str, bytes]]:
    rng = random.Random(seed)
    previous: list[str] = []
    corpus = []
    fixtures = sorted(FIXTURES.glob("*.eml"))
    for number in range(count):
        if number % 50 == 49:
            # Every 50th message is one of the hand-written fixtures (malformed, bounce ...), a new Message-ID.
            raw = fixtures[number % len(fixtures)].read_bytes()
            raw = raw.replace(b"Message-ID: <", f"Message-ID: <bench{number}.".encode(), 1)
            corpus.append(("bench@example.se", raw))
            continue
        sender = rng.choice(senders)
        corpus.append((sender[1], _message(number, sender, rng, previous)))
    return corpus


def smtpd_start(port: int, env: dict[str, str]) -> subprocess.Popen[bytes]:
    """`lojal smtpd` on loopback as its own process, returned once it listens."""
    lojal = Path(sys.executable).parent / "lojal"
    process = subprocess.Popen(
        [str(lojal), "smtpd", "--host", HOST, "--port", str(port)],
        env={**os.environ, **env},
        stdout=subprocess.PIPE,
        start_new_session=True,
    )
    assert process.stdout is not None
    process.stdout.readline()  # "Lojal SMTP receiver on ..." once it listens
    return process


def _send(
    host: str, port: int, messages: list[tuple[str, bytes]], latencies: list[float], errors: list[str]
) -> None:
    with smtplib.SMTP(host, port, timeout=120) as client:
        for sender, raw in messages:
            started = time.perf_counter()
            try:
                client.sendmail(sender, ["kundservice@lojal.example"], raw)
            except smtplib.SMTPException as error:
                errors.append(f"{error} [{len(raw)} bytes from {sender}]")
            latencies.append(time.perf_counter() - started)


def run(args: argparse.Namespace) -> int:
    database = bench_database(args.database, DATABASE_NAME)
    env = {
        "LOJAL_DATABASE_URL": database.url,
        "LOJAL_SECRET_KEY": "bench",
        "LOJAL_VAR_DIR": str(RESULTS / f"var-smtpd-{args.database}"),
        "LOJAL_LOG_LEVEL": "WARNING",
        "LOJAL_DEMO": "",
        "LOJAL_EMAIL_FROM": "kundservice@lojal.example",
    }
    load_before = _load_average()
    _say(f"Creating a fresh {args.database} database {DATABASE_NAME} and migrating it")
    database.create()
    lojal_command(["migrate", "--noinput"], env)
    django_setup(env)
    actor_id = _bench_user()
    load_customers(
        count=args.customers, seed=args.seed, start_index=0, actor_id=actor_id, processes=1, env=env
    )
    from django.db import connections

    from lojal.customers.models import Customer, EmailAddress
    from lojal.interactions.models import Interaction

    known = list(
        EmailAddress.objects.filter(is_primary=True).values_list("customer__display_name", "address")[
            : args.customers
        ]
    )
    strangers = [(f"Okänd Avsändare {n}", f"okand{n}@example.net") for n in range(max(len(known) // 4, 10))]
    corpus = _corpus(args.messages, known + strangers, args.seed)
    size = sum(len(raw) for _sender, raw in corpus)
    connections.close_all()
    port = free_port()
    process = smtpd_start(port, env)
    try:
        _say(
            f"Sending {len(corpus):,} messages ({size / 1024 / 1024:.1f} MiB) over {args.connections} connections"
        )
        shares = [corpus[index :: args.connections] for index in range(args.connections)]
        latencies: list[float] = []
        errors: list[str] = []
        threads = [
            threading.Thread(target=_send, args=(HOST, port, share, latencies, errors)) for share in shares
        ]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        seconds = time.perf_counter() - started
    finally:
        process.terminate()
        process.wait(timeout=30)
    stored = Interaction.objects.count()
    matched = Interaction.objects.filter(customer__isnull=False).count()
    rows = [
        Row(
            f"{len(corpus):,} messages through `lojal smtpd`, {args.connections} connections",
            len(corpus),
            f"{len(corpus) / seconds:,.0f} messages/s",
            percentile(latencies, 0.5) * 1000,
            percentile(latencies, 0.95) * 1000,
            percentile(latencies, 0.99) * 1000,
            None,
            f"{stored:,} stored, {matched:,} matched to customers, {len(errors)} refused"
            + (f" (first: {errors[0][:200]})" if errors else ""),
        )
    ]
    import django

    report = "\n".join(
        [
            f"# SMTP receiver benchmark: {args.database}, {len(corpus):,} messages",
            "",
            f"- When: {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC, commit {commit()}",
            f"- Machine: {machine()}; Python {platform.python_version()}, Django {django.get_version()}",
            f"- Database: {database.describe()}; {Customer.objects.count():,} customers",
            f"- Messages: {size / 1024 / 1024:.1f} MiB; UTF-8, ISO-8859-1 and Windows-1252 text, HTML with inline "
            "images, PDF attachments, replies, auto-replies, and every 50th a hand-written fixture (bounce, "
            "malformed, forwarded ...); 80% from known customers",
            f"- 1-minute load average: {load_before} at the start, {_load_average()} at the end",
            "- End to end: smtplib client -> `lojal smtpd` (separate process) -> parse, recognise, thread, "
            "match, store -> 250. Latency per message as the client sees it. Target: at least 100 messages/s.",
            f"- Command: `python -m bench smtpd --database {args.database} --messages {args.messages} "
            f"--connections {args.connections}`",
            "",
            table(rows),
        ]
    )
    path = RESULTS / f"smtpd-{args.database}-{args.messages}.md"
    path.write_text(report + "\n")
    print(report)
    connections.close_all()
    database.drop()
    return 0 if stored == len(corpus) and not errors else 1
