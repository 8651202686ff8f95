"""Demo sales data: a product catalogue, two years of transactions and some holdings for the demo
customers, written as the CSV files a Nordic ERP exports and loaded through the real import (so the
Imports page shows the history too). Deterministic for a seed.

The purchases follow each customer's lifecycle stage, planned before the customers are created so that
"customer since" is the day of their first transaction: leads and registrants have bought nothing,
customers bought within the last months, customers at risk not for most of a year, and former customers
(created as customers) not for longer than LOJAL_FORMER_CUSTOMER_AFTER_DAYS, so that the lifecycle rule
makes them former customers after the import, as it would in real life. The import runs as the system
(no staff user), as an ERP integration would.
"""

from __future__ import annotations

import datetime as dt
import random
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone

from lojal.customers.models import Customer
from lojal.imports import services
from lojal.sales.lifecycle import lifecycle_retire_inactive

PRODUCTS = (
    # code, name, category, price in SEK, kind of product
    ("KAFFE-1", "Kaffebryggare Moccamaster", "Hushåll", "2495,00", "goods"),
    ("KAFFE-2", "Kaffebönor Ekologiska 1 kg", "Livsmedel", "249,00", "goods"),
    ("TEXT-1", "Ullfilt Lapland", "Textil", "899,00", "goods"),
    ("TEXT-2", "Regnjacka Bergen", "Textil", "1 499,00", "goods"),
    ("SKI-1", "Längdskidor Classic", "Sport", "3 295,00", "goods"),
    ("ABO-1", "Tidningen Norden, månad", "Abonnemang", "149,00", "subscription"),
    ("ABO-2", "Streaming Familj, månad", "Abonnemang", "199,00", "subscription"),
    ("GIFT-500", "Presentkort 500 kr", "Presentkort", "500,00", "gift"),
    ("SPAR-1", "Sparkonto Plus", "Sparande", "", "savings"),
    ("FOND-1", "Nordenfonden", "Fonder", "", "fund"),
)
# In the catalogue but no longer sold (the product list's "inactive" filter has something to show).
RETIRED_PRODUCTS = (
    ("KAFFE-0", "Kaffebryggare Classic", "Hushåll", "1 995,00"),
    ("TEXT-0", "Regnponcho Bergen", "Textil", "449,00"),
)
CURRENCY_BY_COUNTRY = {"SE": "SEK", "NO": "NOK", "DK": "DKK", "FI": "EUR"}
RATE_FROM_SEK = {"SEK": 1.0, "NOK": 1.02, "DKK": 0.66, "EUR": 0.088}
CHANNELS = ("Webb", "Webb", "Butik", "Butik", "Telefon", "Partner")


def _nordic(amount: float) -> str:
    return f"{amount:,.2f}".replace(",", " ").replace(".", ",")


def _price(text: str) -> float:
    return float(text.replace(" ", "").replace(",", "."))


@dataclass(frozen=True)
class Purchase:
    when: dt.datetime
    code: str
    quantity: int
    refund: bool
    channel: str
    margin_share: float


@dataclass(frozen=True)
class HoldingPlan:
    code: str
    status: str
    opened: dt.date
    closed: str
    expires: str
    deposit: int  # SEK deposited on the opening day (savings and funds), 0 for none


@dataclass
class SalesPlan:
    """What one demo customer bought and holds."""

    purchases: list[Purchase] = field(default_factory=list)
    holdings: list[HoldingPlan] = field(default_factory=list)

    @property
    def first_day(self) -> dt.date | None:
        days = [timezone.localdate(p.when) for p in self.purchases if not p.refund]
        days += [h.opened for h in self.holdings if h.deposit]
        return min(days) if days else None


#: (earliest, latest) days ago of the purchases, by the stage the customer is to end up in.
_PURCHASE_WINDOWS = {"customer": (730, 0), "at_risk": (730, 200)}
_BUYING_STAGES = ("customer", "at_risk", "former")


def _purchase_window(stage: str) -> tuple[int, int]:
    if stage == "former":
        return (1100, settings.FORMER_CUSTOMER_AFTER_DAYS + 30)
    return _PURCHASE_WINDOWS[stage]


def sales_plan(*, stage: str, rng: random.Random, now: dt.datetime) -> SalesPlan:
    """The purchases and holdings of a customer who is to end up in ``stage``."""
    plan = SalesPlan()
    if stage not in _BUYING_STAGES:
        return plan  # a lead or a registrant has bought nothing
    earliest, latest = _purchase_window(stage)
    count = rng.choice((1, 1, 2, 3, 4, 6, 9, 12))
    # One purchase lies in the window's last 150 days, so that the newest one says the stage.
    minutes = [rng.randrange(latest * 1440, min(earliest, latest + 150) * 1440 + 1)]
    minutes += [rng.randrange(latest * 1440, earliest * 1440 + 1) for _ in range(count - 1)]
    for number, ago in enumerate(sorted(minutes, reverse=True)):
        # The first is a purchase of goods, a qualifying transaction (a subscription payment is not one):
        # the one that made them a customer, on the day "customer since" says.
        code, _name, _category, _price, kind = rng.choice(PRODUCTS[:5] if number == 0 else PRODUCTS[:7])
        plan.purchases.append(
            Purchase(
                when=now - dt.timedelta(minutes=ago),
                code=code,
                quantity=1 if kind == "subscription" else rng.choice((1, 1, 1, 2, 3)),
                refund=number > 0 and rng.random() < 0.04,  # a refund only after a purchase
                channel=rng.choice(CHANNELS),
                margin_share=rng.uniform(0.15, 0.45),
            )
        )
    if rng.random() < 0.35:
        plan.holdings.append(_holding(stage, rng, now=now, earliest=earliest, latest=latest))
    return plan


def _holding(stage: str, rng: random.Random, *, now: dt.datetime, earliest: int, latest: int) -> HoldingPlan:
    today = timezone.localdate(now)
    code, _name, _category, _price_text, kind = rng.choice(PRODUCTS[5:])
    opened = today - dt.timedelta(days=rng.randrange(max(latest, 30), max(earliest, latest + 31)))
    closed = expires = ""
    status = "aktiv"
    if kind == "gift":
        expires = (opened + dt.timedelta(days=365)).isoformat()
        status = "utgången" if opened + dt.timedelta(days=365) < today else "aktiv"
    elif stage == "former" or rng.random() < 0.2:
        # A former customer holds nothing any more: everything ended before the last purchase window.
        span = max((today - opened).days - (settings.FORMER_CUSTOMER_AFTER_DAYS + 1), 1)
        days = rng.randrange(1, span + 1) if stage == "former" else rng.randrange(20, 400)
        closed = (opened + dt.timedelta(days=days)).isoformat()
        status = "avslutad"
    elif kind == "savings" and rng.random() < 0.3:
        status = "öppnad"  # opened, never funded
    deposit = rng.choice((500, 1000, 2000, 5000)) if kind in ("savings", "fund") and status != "öppnad" else 0
    return HoldingPlan(
        code=code, status=status, opened=opened, closed=closed, expires=expires, deposit=deposit
    )


def demo_sales_plans(
    records: Iterable[dict[str, Any]], *, seed: int, plans: list[SalesPlan], now: dt.datetime | None = None
) -> Iterator[dict[str, Any]]:
    """Pass the generated customer ``records`` through, each with its sales plan appended to ``plans``
    (in the same order), its ``customer_since`` the day of its first transaction, and a customer who is
    to become a former one created as a customer (the lifecycle rule retires it after the import)."""
    rng = random.Random(seed * 7919 + 17)
    moment = now or timezone.now()
    for record in records:
        stage = record.get("lifecycle_stage", "lead")
        plan = sales_plan(stage=stage, rng=rng, now=moment)
        plans.append(plan)
        if plan.first_day is not None:
            record["customer_since"] = plan.first_day.isoformat()
        if stage == "former":
            record["lifecycle_stage"] = "customer"
        yield record


def demo_sales_load(*, customer_plans: Sequence[tuple[int, SalesPlan]]) -> dict[str, int]:
    """Import the products, and the transactions and holdings of ``customer_plans`` (customer id and
    plan), as the system; then run the lifecycle rule that retires inactive customers. Returns counts."""
    numbers = {
        pk: (number, country)
        for start in range(0, len(customer_plans), 900)
        for pk, number, country in Customer.objects.filter(
            pk__in=[pk for pk, _plan in customer_plans[start : start + 900]]
        ).values_list("pk", "customer_number", "country")
    }
    counts: dict[str, int] = {}
    with tempfile.TemporaryDirectory() as directory:
        folder = Path(directory)
        products = folder / "artiklar.csv"
        products.write_text(
            "Artikelnr;Benämning;Kategori;Pris;Valuta;Aktiv\n"
            + "".join(
                f"{code};{name};{category};{price};SEK;ja\n"
                for code, name, category, price, _kind in PRODUCTS
            )
            + "".join(
                f"{code};{name};{category};{price};SEK;nej\n"
                for code, name, category, price in RETIRED_PRODUCTS
            ),
            encoding="cp1252",
        )
        prices = {code: _price(price) for code, _name, _category, price, _kind in PRODUCTS if price}
        kinds = {code: kind for code, _name, _category, _price_text, kind in PRODUCTS}
        transactions, holdings = folder / "transaktioner.csv", folder / "avtal.csv"
        with transactions.open("w", encoding="utf-8") as tx, holdings.open("w", encoding="utf-8") as ho:
            tx.write("Verifikation;Lojal nr;Datum;Typ;Artikelnr;Antal;Belopp;Valuta;TB;Kanal\n")
            ho.write("Avtalsnummer;Lojal nr;Artikelnr;Status;Startdatum;Slutdatum;Giltig till\n")
            voucher = agreement = 0
            for pk, plan in customer_plans:
                if pk not in numbers:
                    continue
                number, country = numbers[pk]
                currency = CURRENCY_BY_COUNTRY.get(country, "SEK")
                for purchase in plan.purchases:
                    amount = prices[purchase.code] * purchase.quantity * RATE_FROM_SEK[currency]
                    voucher += 1
                    kind = kinds[purchase.code]
                    word = "Retur" if purchase.refund else ("Abonnemang" if kind == "subscription" else "Köp")
                    tx.write(
                        f"V{voucher:07d};{number};{timezone.localtime(purchase.when):%Y-%m-%d %H:%M};"
                        f"{word};{purchase.code};{purchase.quantity};"
                        f"{'-' if purchase.refund else ''}{_nordic(amount)};{currency};"
                        f"{_nordic(amount * purchase.margin_share)};{purchase.channel}\n"
                    )
                for holding in plan.holdings:
                    agreement += 1
                    ho.write(
                        f"A{agreement:06d};{number};{holding.code};{holding.status};{holding.opened.isoformat()};"
                        f"{holding.closed};{holding.expires}\n"
                    )
                    if holding.deposit:
                        voucher += 1
                        word = "Insättning" if kinds[holding.code] == "savings" else "Handel"
                        tx.write(
                            f"V{voucher:07d};{number};{holding.opened.isoformat()};{word};{holding.code};1;"
                            f"{_nordic(holding.deposit * RATE_FROM_SEK[currency])};{currency};;Webb\n"
                        )
        # Holdings before transactions: an account opened on the day of its first deposit reads in that
        # order on the timeline (both are dated that day; the later import shows as the later event).
        for kind, path in (("products", products), ("holdings", holdings), ("transactions", transactions)):
            job = services.import_job_create(
                actor=None, kind=kind, upload=path, file_name=path.name, source="erp"
            )
            job = services.import_job_check(job_id=job.pk)
            job = services.import_job_commit(job_id=job.pk, actor=None)
            counts[kind] = job.created_count
    counts["retired"] = lifecycle_retire_inactive()
    return counts
