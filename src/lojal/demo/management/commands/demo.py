"""``lojal demo load`` fills the database with demo staff and realistic Nordic customers;
``lojal demo status`` says whether demo data is there.

Everything is written through the services (customers in batches of 1,000, then contact persons and
notes one by one), so demo data passes exactly the checks real data does.
"""

from __future__ import annotations

import random
import sys
import time
from collections.abc import Sequence
from typing import Any, TextIO

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.test import override_settings

from lojal.accounts.models import User
from lojal.accounts.roles import Role
from lojal.accounts.selectors import staff_get
from lojal.accounts.services import user_create
from lojal.cases.demo import DESK_DAYS, demo_service_load
from lojal.core.errors import LojalError
from lojal.customers.creation import BATCH_MAX, customers_create_batch
from lojal.customers.duplicates import duplicates_check
from lojal.customers.models import ContactPerson, Customer, DuplicateSuspicion, Kind
from lojal.customers.services import contact_person_add
from lojal.demo.activities import demo_activities_load
from lojal.demo.generator import INDEX_LIMIT, contact_persons_for, generate_customers
from lojal.demo.knowledge import DEMO_KNOWLEDGE_BASE, demo_knowledge_load
from lojal.demo.sales import SalesPlan, demo_sales_load, demo_sales_plans
from lojal.interactions.demo import demo_interactions_load
from lojal.timeline.selectors import event_count
from lojal.timeline.services import note_add

#: (username, role, first name, last name); each password is the username.
DEMO_STAFF = (
    ("demo", Role.ADMINISTRATOR, "Demo", "Administrator"),
    ("maria", Role.MANAGER, "Maria", "Holm"),
    ("sven", Role.SERVICE_AGENT, "Sven", "Berg"),
    ("sara", Role.SALES, "Sara", "Nyström"),
    ("mats", Role.MARKETING, "Mats", "Ek"),
    ("rita", Role.READ_ONLY, "Rita", "Lund"),
)
NOTE_SHARE = 0.15
NOTE_WRITERS = ("demo", "maria", "sven", "sara", "mats")
NOTES = {
    "sv": (
        "Ringde om leveransen, lovade återkoppling på fredag.",
        "Vill ha offert på 20 licenser till hösten.",
        "Mötet flyttat till nästa vecka på kundens begäran.",
        "Klagomål på fakturan; krediterade 450 kr.",
        "Trevligt samtal. Intresserad av nyhetsbrevet och kundklubben.",
        "Har flyttat; ny adress uppdaterad.",
        "Skickade prislista och broschyr per mejl.",
        "Frågade om öppettiderna i mellandagarna.",
    ),
    "nb": (
        "Ringte om leveransen, lovet å komme tilbake på fredag.",
        "Ønsker tilbud på 20 lisenser til høsten.",
        "Møtet er flyttet til neste uke etter ønske fra kunden.",
        "Klage på fakturaen; kreditert 450 kr.",
        "Hyggelig samtale. Interessert i nyhetsbrevet og kundeklubben.",
        "Har flyttet; ny adresse er oppdatert.",
    ),
    "da": (
        "Ringede om leveringen, lovede at vende tilbage fredag.",
        "Ønsker tilbud på 20 licenser til efteråret.",
        "Mødet er flyttet til næste uge efter kundens ønske.",
        "Klage over fakturaen; krediteret 350 kr.",
        "God samtale. Interesseret i nyhedsbrevet.",
    ),
    "fi": (
        "Soitti toimituksesta, lupasin palata asiaan perjantaina.",
        "Haluaa tarjouksen 20 lisenssistä syksyksi.",
        "Tapaaminen siirretty ensi viikolle asiakkaan pyynnöstä.",
        "Reklamaatio laskusta; hyvitetty 45 euroa.",
        "Mukava puhelu. Kiinnostunut uutiskirjeestä.",
    ),
    "en": (
        "Called about the delivery; promised to follow up on Friday.",
        "Asked for a quote for 20 licences for the autumn.",
        "Meeting moved to next week at the customer's request.",
        "Complaint about the invoice; credited EUR 45.",
        "Good call. Interested in the newsletter and the loyalty club.",
        "Has moved; new address updated.",
    ),
}


class Progress:
    """A one-line progress bar on stderr: done/total, rate and time left (a line per 10% when piped)."""

    def __init__(self, label: str, total: int, stream: TextIO | None = None) -> None:
        self.label = label
        self.total = max(total, 1)
        self.stream = stream or sys.stderr
        self.is_terminal = self.stream.isatty()
        self.started = time.monotonic()
        self.done = 0
        self.last_shown = 0.0
        self.next_tenth = 1

    def advance(self, count: int = 1) -> None:
        self.done += count
        now = time.monotonic()
        if self.is_terminal:
            if now - self.last_shown >= 0.2 or self.done >= self.total:
                self.last_shown = now
                self.stream.write("\r" + self._line(now))
                self.stream.flush()
        elif self.done * 10 >= self.next_tenth * self.total:
            self.next_tenth = self.done * 10 // self.total + 1
            self.stream.write(self._line(now) + "\n")
            self.stream.flush()

    def finish(self) -> float:
        elapsed = time.monotonic() - self.started
        if self.is_terminal:
            self.stream.write("\r" + self._line(time.monotonic()) + "\n")
            self.stream.flush()
        return elapsed

    def _line(self, now: float) -> str:
        elapsed = max(now - self.started, 1e-6)
        rate = self.done / elapsed
        left = (self.total - self.done) / rate if rate > 0 else 0.0
        filled = int(24 * min(self.done, self.total) / self.total)
        bar = "#" * filled + "." * (24 - filled)
        return (
            f"{self.label:<16} [{bar}] {self.done:>9,}/{self.total:,}  {rate:>8,.0f}/s  "
            f"{int(left) // 60}:{int(left) % 60:02d} left "
        )


class Command(BaseCommand):
    help = "Load demo staff and realistic Nordic demo customers, or show whether they are loaded."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser("load", help="Create demo staff and customers.")
        load.add_argument("--customers", type=int, default=3000, help="How many customers (default 3000).")
        load.add_argument("--seed", type=int, default=1, help="Seed of the generator (default 1).")
        load.add_argument(
            "--if-empty", action="store_true", help="Do nothing when the database already has customers."
        )
        load.add_argument(
            "--force",
            action="store_true",
            help="Load even without LOJAL_DEMO=1 (demo staff have their username as password).",
        )
        sub.add_parser("status", help="Say whether demo data is present.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "status":
            self._status()
            return
        if options["if_empty"] and Customer.objects.exists():
            self.stdout.write("Customers already exist; no demo data loaded.")
            return
        if not settings.DEMO and not options["force"]:
            raise CommandError(
                "Demo staff get their username as password. Set LOJAL_DEMO=1 (or pass --force) to load them."
            )
        count = options["customers"]
        if count < 0:
            raise CommandError("--customers must not be negative.")
        # The demo's messages are history, stored directly: no worker is to open cases for them or
        # acknowledge them (lojal.cases.demo builds the desk's cases from them itself).
        with override_settings(LOJAL_INBOUND_HANDLERS=[]):
            self._load(count=count, seed=options["seed"])

    def _status(self) -> None:
        customers = Customer.objects.live().count()
        demo_user = staff_get(username="demo") is not None
        if customers and demo_user:
            self.stdout.write(f"Demo data is present: {customers:,} customers; sign in as demo / demo.")
        elif customers:
            self.stdout.write(f"{customers:,} customers, but no demo staff: this is not demo data.")
        else:
            self.stdout.write("No demo data. Load it with: lojal demo load")

    def _load(self, *, count: int, seed: int) -> None:
        started = time.monotonic()
        staff = self._staff()
        admin = staff["demo"]
        start_index = Customer.objects.count()  # a second load continues the numbering of the first
        if start_index + count > INDEX_LIMIT:
            raise CommandError(f"The generator serves at most {INDEX_LIMIT:,} customers.")
        plans: list[SalesPlan] = []
        records = demo_sales_plans(
            generate_customers(
                count,
                seed=seed,
                start_index=start_index,
                account_manager_ids=[user.pk for user in staff.values()],
            ),
            seed=seed,
            plans=plans,
        )
        organisations: list[tuple[int, int, dict[str, Any]]] = []
        created_ids: list[tuple[int, str]] = []
        progress = Progress("customers", count)
        chunk: list[dict[str, Any]] = []
        index = start_index
        for record in records:
            chunk.append(record)
            if len(chunk) == BATCH_MAX:
                index = self._create_chunk(admin, chunk, index, organisations, created_ids)
                progress.advance(len(chunk))
                chunk = []
        if chunk:
            self._create_chunk(admin, chunk, index, organisations, created_ids)
            progress.advance(len(chunk))
        customer_seconds = progress.finish()
        rng = random.Random(seed)
        contacts = self._contact_persons(admin, organisations, rng)
        notes = self._notes(staff, created_ids, rng)
        interactions = demo_interactions_load(
            staff=staff, customer_ids=[pk for pk, _kind in created_ids], seed=seed
        )
        follow_ups = demo_activities_load(
            staff=staff, customer_ids=[pk for pk, _kind in created_ids], seed=seed
        )
        sales = demo_sales_load(
            customer_plans=[(pk, plan) for (pk, _kind), plan in zip(created_ids, plans, strict=True)]
        )
        cases = demo_service_load(staff=staff, customer_ids=[pk for pk, _kind in created_ids], seed=seed)
        self.stdout.write(f"The service desk has {cases:,} cases from the last {DESK_DAYS} days' messages.")
        articles = demo_knowledge_load(name=DEMO_KNOWLEDGE_BASE, actor=admin)
        if articles:
            self.stdout.write(
                f"The help centre (/help/) has the web shop's FAQ: {len({item.key for item in articles})} "
                f"articles, {len(articles)} language versions (sv, nb, en, some da and fi)."
            )
        self.stdout.write(
            f"Imported {sales['products']:,} products, {sales['transactions']:,} transactions and "
            f"{sales['holdings']:,} holdings (see Imports); {sales['retired']:,} inactive customers "
            "became former customers."
        )
        persons = sum(1 for _pk, kind in created_ids if kind == Kind.PERSON)
        # Batches leave their duplicate search to the worker, which is not running yet: scan now.
        duplicates_check(customer_ids=None)
        suspicions = DuplicateSuspicion.objects.filter(status=DuplicateSuspicion.Status.OPEN).count()
        self.stdout.write(
            self.style.SUCCESS(
                f"Loaded {len(created_ids):,} customers ({persons:,} persons, "
                f"{len(created_ids) - persons:,} organisations) in {customer_seconds:.1f} s "
                f"({len(created_ids) / max(customer_seconds, 1e-6):,.0f}/s), {contacts:,} contact persons, "
                f"{notes:,} notes, {interactions:,} interactions, {follow_ups['activities']:,} open follow-ups "
                f"and {follow_ups['call_lists']:,} call list; {suspicions:,} suspected duplicates are open. "
                f"Total {time.monotonic() - started:.1f} s."
            )
        )
        self.stdout.write(
            f"Now in the database: {Customer.objects.count():,} customers, "
            f"{ContactPerson.objects.count():,} contact persons, {event_count():,} timeline events, "
            f"{User.objects.count():,} staff users."
        )
        self.stdout.write(
            "Sign in as demo / demo (other roles: maria, sven, sara, mats, rita; password = name)."
        )

    def _staff(self) -> dict[str, User]:
        staff: dict[str, User] = {}
        for username, role, first_name, last_name in DEMO_STAFF:
            user = staff_get(username=username)
            if user is None:
                user = user_create(
                    username=username,
                    password=username,
                    role=role,
                    email=f"{username}@demo.lojal.example",
                    first_name=first_name,
                    last_name=last_name,
                    check_password=False,
                )
                self.stdout.write(f"Created staff user {username} ({role}).")
            staff[username] = user
        return staff

    def _create_chunk(
        self,
        admin: User,
        chunk: Sequence[dict[str, Any]],
        first_index: int,
        organisations: list[tuple[int, int, dict[str, Any]]],
        created_ids: list[tuple[int, str]],
    ) -> int:
        try:
            created = customers_create_batch(actor=admin, items=chunk)
        except LojalError as error:
            sample = "; ".join(
                f"{field}: {' '.join(reasons)}" for field, reasons in list(error.errors.items())[:5]
            )
            raise CommandError(
                f"{error.message} {sample} (numbers already taken usually mean demo data from another "
                "seed: use a fresh database or --if-empty)"
            ) from None
        for offset, (customer, record) in enumerate(zip(created, chunk, strict=True)):
            created_ids.append((customer.pk, customer.kind))
            if customer.kind == Kind.ORGANISATION:
                organisations.append((customer.pk, first_index + offset, record))
        return first_index + len(chunk)

    def _contact_persons(
        self, admin: User, organisations: Sequence[tuple[int, int, dict[str, Any]]], rng: random.Random
    ) -> int:
        progress = Progress("contact persons", len(organisations))
        added = 0
        for start in range(0, len(organisations), 100):
            with transaction.atomic():
                for customer_id, index, record in organisations[start : start + 100]:
                    for data in contact_persons_for(index, rng, organisation=record):
                        contact_person_add(actor=admin, organisation_id=customer_id, data=data)
                        added += 1
                    progress.advance()
        progress.finish()
        return added

    def _notes(self, staff: dict[str, User], created: Sequence[tuple[int, str]], rng: random.Random) -> int:
        chosen = [customer_id for customer_id, _kind in created if rng.random() < NOTE_SHARE]
        writers = [staff[name] for name in NOTE_WRITERS]
        progress = Progress("notes", len(chosen))
        added = 0
        for start in range(0, len(chosen), 100):
            batch = chosen[start : start + 100]
            languages = dict(Customer.objects.filter(pk__in=batch).values_list("pk", "preferred_language"))
            with transaction.atomic():
                for customer_id in batch:
                    texts = NOTES.get(languages.get(customer_id, "en"), NOTES["en"])
                    for text in rng.sample(texts, k=rng.choice((1, 1, 2, 3))):
                        note_add(customer_id=customer_id, text=text, actor=rng.choice(writers))
                        added += 1
                    progress.advance()
        progress.finish()
        return added
