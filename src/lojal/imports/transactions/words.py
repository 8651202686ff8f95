"""What a transaction file's words mean: kinds ("Köp", "Retur", "Insättning"), channels ("Webb",
"Butik"), currencies, in the Nordic languages and English, looked up by their folded form."""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache

from lojal.core.text import fold
from lojal.sales.models import Channel, Currency, TransactionKind

_KIND_WORDS = {
    TransactionKind.PURCHASE: [
        "purchase",
        "kop",
        "kjop",
        "sale",
        "sales",
        "order",
        "forsaljning",
        "salg",
        "kob",
        "p",
    ],
    TransactionKind.REFUND: [
        "refund",
        "retur",
        "return",
        "kreditering",
        "credit",
        "kredit",
        "aterbetalning",
        "refusjon",
    ],
    TransactionKind.DEPOSIT: ["deposit", "insattning", "innskudd", "indbetaling", "insats"],
    TransactionKind.WITHDRAWAL: ["withdrawal", "uttag", "uttak", "udbetaling", "hævning", "haevning"],
    TransactionKind.TRADE: ["trade", "handel", "affar", "avslut", "buy", "sell", "kop salj"],
    TransactionKind.SUBSCRIPTION_PAYMENT: [
        "subscription",
        "subscription payment",
        "abonnemang",
        "prenumeration",
        "abonnement",
    ],
}
_CHANNEL_WORDS = {
    Channel.WEB: [
        "web",
        "webb",
        "online",
        "e handel",
        "ehandel",
        "nett",
        "nettbutikk",
        "internet",
        "app",
        "webshop",
    ],
    Channel.STORE: ["store", "butik", "butikk", "shop", "kassa", "kasse", "in store"],
    Channel.PHONE: ["phone", "telefon", "tele", "call center", "kundtjanst"],
    Channel.PARTNER: ["partner", "aterforsaljare", "forhandler", "reseller", "agent"],
}
_KIND_BY_FOLDED = {
    fold(word): kind.value for kind, words in _KIND_WORDS.items() for word in [kind.value, *words]
}
_CHANNEL_BY_FOLDED = {
    fold(word): channel.value for channel, words in _CHANNEL_WORDS.items() for word in [channel.value, *words]
}
CURRENCIES = set(Currency.values)


@lru_cache(maxsize=1024)
def kind_of(text: str) -> str:
    """The transaction kind a source calls ``text`` ("Köp", "Retur", "Insättning"), or ""."""
    return _KIND_BY_FOLDED.get(fold(text), "")


@lru_cache(maxsize=1024)
def channel_of(text: str) -> str:
    """The sales channel a source calls ``text`` ("Webb", "Butik"), or ""."""
    return _CHANNEL_BY_FOLDED.get(fold(text), "")


CENT = Decimal("0.01")
THOUSANDTH = Decimal("0.001")
PLACES = {CENT: 2, THOUSANDTH: 3}


@lru_cache(maxsize=64)
def currency_of(text: str) -> str:
    """The currency code a cell names (" sek " -> "SEK"); whether it is known is checked apart."""
    return text.strip().upper()
