"""Demo sales data: a product catalogue, two years of transactions and some holdings for the demo
customers, written as the CSV files a Nordic ERP exports and loaded through the real import (so the
Imports page shows the history too). Deterministic for a seed."""

from __future__ import annotations

import datetime as dt
import random
import tempfile
from pathlib import Path
from typing import Any

from django.utils import timezone

from lojal.customers.models import Customer
from lojal.imports import services

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


def demo_sales_load(*, actor: Any, seed: int = 1, share: float = 0.6) -> dict[str, int]:
    """Import products, transactions for about ``share`` of the customers, and holdings; returns counts."""
    rng = random.Random(seed)
    customers = list(Customer.objects.live().order_by("pk").values_list("customer_number", "country"))
    today = timezone.localdate()
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
        transactions, holdings = folder / "transaktioner.csv", folder / "avtal.csv"
        with transactions.open("w", encoding="utf-8") as tx, holdings.open("w", encoding="utf-8") as ho:
            tx.write("Verifikation;Lojal nr;Datum;Typ;Artikelnr;Antal;Belopp;Valuta;TB;Kanal\n")
            ho.write("Avtalsnummer;Lojal nr;Artikelnr;Status;Startdatum;Slutdatum;Giltig till\n")
            voucher = agreement = 0
            for number, country in customers:
                if rng.random() > share:
                    continue
                currency = CURRENCY_BY_COUNTRY.get(country, "SEK")
                for _ in range(rng.choice((1, 1, 2, 3, 4, 6, 9, 12))):
                    code, _name, _category, price, kind = rng.choice(PRODUCTS[:7])
                    when = timezone.now() - dt.timedelta(minutes=rng.randrange(2 * 365 * 24 * 60))
                    quantity = 1 if kind == "subscription" else rng.choice((1, 1, 1, 2, 3))
                    amount = _price(price) * quantity * RATE_FROM_SEK[currency]
                    refund = rng.random() < 0.04
                    voucher += 1
                    tx.write(
                        f"V{voucher:07d};{number};{timezone.localtime(when):%Y-%m-%d %H:%M};"
                        f"{'Retur' if refund else ('Abonnemang' if kind == 'subscription' else 'Köp')};{code};{quantity};"
                        f"{'-' if refund else ''}{_nordic(amount)};{currency};{_nordic(amount * rng.uniform(0.15, 0.45))};"
                        f"{rng.choice(CHANNELS)}\n"
                    )
                if rng.random() < 0.35:
                    code, _name, _category, _price_text, kind = rng.choice(PRODUCTS[5:])
                    agreement += 1
                    opened = today - dt.timedelta(days=rng.randrange(30, 900))
                    closed = expires = ""
                    status = "aktiv"
                    if kind == "gift":
                        expires = (opened + dt.timedelta(days=365)).isoformat()
                        status = "utgången" if opened + dt.timedelta(days=365) < today else "aktiv"
                    elif kind == "savings" and rng.random() < 0.3:
                        status = "öppnad"  # opened, never funded
                    elif rng.random() < 0.2:
                        closed = (opened + dt.timedelta(days=rng.randrange(20, 400))).isoformat()
                        status = "avslutad"
                    ho.write(
                        f"A{agreement:06d};{number};{code};{status};{opened.isoformat()};{closed};{expires}\n"
                    )
                    if kind in ("savings", "fund") and status == "aktiv":
                        voucher += 1
                        amount = rng.choice((500, 1000, 2000, 5000)) * RATE_FROM_SEK[currency]
                        tx.write(
                            f"V{voucher:07d};{number};{opened.isoformat()};"
                            f"{'Insättning' if kind == 'savings' else 'Handel'};{code};1;{_nordic(amount)};{currency};;Webb\n"
                        )
        # Holdings before transactions: an account opened on the day of its first deposit reads in that
        # order on the timeline (both are dated that day; the later import shows as the later event).
        for kind, path in (("products", products), ("holdings", holdings), ("transactions", transactions)):
            job = services.import_job_create(
                actor=actor, kind=kind, upload=path, file_name=path.name, source="erp"
            )
            job = services.import_job_check(job_id=job.pk)
            job = services.import_job_commit(job_id=job.pk, actor=actor)
            counts[kind] = job.created_count
    return counts
