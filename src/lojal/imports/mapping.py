"""Which file column goes to which field: the fields each import kind knows, a guess from header names
in English, Swedish, Norwegian and Danish, and the mapping saved per source for the next import."""

from __future__ import annotations

import re
from collections.abc import Mapping

from django.utils.translation import gettext_lazy as _

from lojal.core.text import fold

ATTRIBUTE = "attribute"  # keep the column as a free attribute, under its header name
# The kinds whose rows have free attributes: a column no field takes is kept there by default.
ATTRIBUTE_KINDS = ("customers", "transactions")
IGNORE = ""

# How ERPs head their own customer number column; read as the customer's id in the source.
_CUSTOMER_NUMBER_WORDS = (
    "customer number",
    "customer no",
    "kundnummer",
    "kundnr",
    "kundenummer",
    "kundenr",
    "asiakasnumero",
)
_LOJAL_NUMBER = (
    _("Customer number (Lojal)"),
    ["lojal number", "lojal customer number", "lojal kundnummer", "lojal nr"],
)

_CUSTOMER_REFERENCE = {
    "customer_external_id": (
        _("Customer id in the source"),
        [
            "customer id",
            "kund id",
            "kundid",
            "kunde id",
            "customer",
            "kund",
            "kunde",
            "master id",
            "asiakas id",
            *_CUSTOMER_NUMBER_WORDS,
        ],
    ),
    "customer_number": _LOJAL_NUMBER,
    "customer_national_id": (
        _("Customer's national or organisation number"),
        [
            "personnummer",
            "national id",
            "orgnr",
            "organisationsnummer",
            "fodselsnummer",
            "organisasjonsnummer",
            "cpr",
            "cvr",
            "hetu",
            "y tunnus",
        ],
    ),
    "customer_email": (_("Customer's email"), ["email", "e mail", "e post", "epost", "mail"]),
}

FIELDS: dict[str, dict[str, tuple[object, list[str]]]] = {
    "customers": {
        "external_id": (
            _("Id in the source"),
            [
                "customer id",
                "kund id",
                "kundid",
                "kunde id",
                "id",
                "external id",
                "erp id",
                "asiakas id",
                *_CUSTOMER_NUMBER_WORDS,
            ],
        ),
        "customer_number": _LOJAL_NUMBER,
        "kind": (_("Kind (person or organisation)"), ["kind", "type", "typ", "kundtyp", "kundetype"]),
        "first_name": (
            _("First name"),
            ["first name", "firstname", "given name", "fornamn", "fornavn", "etunimi"],
        ),
        "last_name": (
            _("Last name"),
            [
                "last name",
                "lastname",
                "surname",
                "family name",
                "efternamn",
                "etternavn",
                "efternavn",
                "sukunimi",
            ],
        ),
        "full_name": (
            _("Full name (a person's or an organisation's)"),
            [
                "name",
                "namn",
                "navn",
                "kundnamn",
                "kundenavn",
                "kundenamn",
                "nimi",
                "asiakkaan nimi",
                "full name",
                "customer name",
                "fullstandigt namn",
            ],
        ),
        "organisation_name": (
            _("Organisation name"),
            [
                "company",
                "company name",
                "organisation",
                "organization",
                "foretag",
                "foretagsnamn",
                "foretak",
                "firma",
                "bolag",
                "virksomhed",
                "yritys",
            ],
        ),
        "national_id": (
            _("National or organisation number"),
            [
                "personnummer",
                "personnr",
                "national id",
                "organisationsnummer",
                "organisationsnr",
                "orgnr",
                "org nr",
                "org nummer",
                "fodselsnummer",
                "organisasjonsnummer",
                "cpr",
                "cvr",
                "hetu",
                "y tunnus",
                "ssn",
            ],
        ),
        "email": (_("Email"), ["email", "e mail", "e post", "epost", "mail", "sahkoposti"]),
        "phone": (
            _("Phone"),
            ["phone", "telephone", "telefon", "mobil", "mobile", "tel", "mobiltelefon", "puhelin"],
        ),
        "street": (
            _("Street"),
            [
                "street",
                "address",
                "adress",
                "adresse",
                "gatuadress",
                "utdelningsadress",
                "gateadresse",
                "osoite",
            ],
        ),
        "postal_code": (
            _("Postal code"),
            ["postal code", "zip", "zip code", "postnummer", "postnr", "postinumero"],
        ),
        "city": (_("City"), ["city", "ort", "postort", "poststed", "stad", "by", "town", "kaupunki"]),
        "country": (_("Country"), ["country", "land", "landskod", "country code", "maa"]),
        "preferred_language": (_("Language"), ["language", "sprak", "kieli"]),
        "vip_tier": (_("VIP tier"), ["vip", "vip tier", "tier", "niva"]),
        "industry": (_("Industry"), ["industry", "bransch", "bransje", "branche", "toimiala"]),
        "birth_date": (
            _("Birth date"),
            ["birth date", "birthdate", "date of birth", "fodelsedatum", "fodselsdato", "syntymaaika"],
        ),
        "tags": (_("Tags"), ["tags", "taggar", "tagger", "etiketter"]),
        "customer_since": (
            _("Customer since"),
            [
                "customer since",
                "kund sedan",
                "kund fran",
                "kunde siden",
                "kunde fra",
                "asiakas alkaen",
                "asiakkuus alkanut",
                "created",
                "created at",
                "created date",
                "skapad",
                "skapad datum",
                "oprettet",
                "opprettet",
                "registrerad",
                "registreringsdatum",
            ],
        ),
    },
    "products": {
        "code": (
            _("Product code"),
            [
                "code",
                "product code",
                "sku",
                "artikelnummer",
                "artikelnr",
                "art nr",
                "varenummer",
                "varenr",
                "item",
                "item no",
                "tuotekoodi",
            ],
        ),
        "name": (
            _("Name"),
            ["name", "product", "product name", "benamning", "namn", "navn", "beskrivelse", "nimi"],
        ),
        "category": (
            _("Category"),
            ["category", "kategori", "varugrupp", "varegruppe", "product group", "kategoria"],
        ),
        "unit_price": (
            _("Unit price"),
            ["unit price", "price", "pris", "a pris", "styckpris", "enhetspris", "hinta"],
        ),
        "currency": (_("Currency"), ["currency", "valuta", "valuutta"]),
        "is_active": (_("Active"), ["active", "aktiv", "is active", "status"]),
    },
    "transactions": {
        "external_id": (
            _("Transaction id in the source"),
            [
                "transaction id",
                "external id",
                "id",
                "order id",
                "ordernummer",
                "order number",
                "order no",
                "invoice",
                "fakturanummer",
                "fakturanr",
                "verifikation",
                "transaktions id",
                "bilag",
            ],
        ),
        **_CUSTOMER_REFERENCE,
        "occurred_at": (
            _("Date and time"),
            [
                "date",
                "datum",
                "dato",
                "transaction date",
                "order date",
                "orderdatum",
                "fakturadatum",
                "date time",
                "time",
                "tid",
                "paivamaara",
                "yyyymmdd",
            ],
        ),
        "kind": (_("Kind"), ["kind", "type", "typ", "transaction type", "transaktionstyp"]),
        "product_code": (
            _("Product code"),
            [
                "product",
                "product code",
                "sku",
                "artikelnummer",
                "artikelnr",
                "art nr",
                "artikel",
                "varenummer",
                "varenr",
                "produkt",
                "produktkod",
                "produktnummer",
                "tuote",
                "tuotekoodi",
                "item",
                "item no",
                "instrument",
            ],
        ),
        # The article's description beside its code on an invoice line: it only names the product
        # the import makes for a code the catalogue does not have yet.
        "product_name": (
            _("Product name (names new products)"),
            [
                "product name",
                "produktnamn",
                "produktnavn",
                "benamning",
                "artikelbenamning",
                "beskrivning",
                "artikelbeskrivning",
                "varebeskrivelse",
                "varenavn",
                "beskrivelse",
                "tuotenimi",
                "nimike",
                "description",
                "item name",
                "item description",
            ],
        ),
        "quantity": (_("Quantity"), ["quantity", "qty", "antal", "antall", "maengde", "cds", "maara"]),
        "amount": (
            _("Amount"),
            [
                "amount",
                "belopp",
                "belop",
                "belob",
                "summa",
                "sum",
                "total",
                "dollars",
                "net amount",
                "nettobelopp",
                "value",
                "varde",
                "summa",
            ],
        ),
        "currency": (_("Currency"), ["currency", "valuta", "valuutta"]),
        "margin": (
            _("Contribution margin"),
            [
                "margin",
                "contribution margin",
                "tackningsbidrag",
                "tb",
                "dekningsbidrag",
                "db",
                "daekningsbidrag",
                "kate",
            ],
        ),
        "cost": (_("Cost"), ["cost", "kostnad", "cogs", "inkopspris", "innkjopspris", "kostpris"]),
        "channel": (_("Channel"), ["channel", "kanal", "saljkanal", "salgskanal", "kanava"]),
    },
    "holdings": {
        "external_id": (
            _("Holding id in the source"),
            [
                "holding id",
                "agreement id",
                "avtalsnummer",
                "avtalenummer",
                "account number",
                "kontonummer",
                "id",
                "external id",
            ],
        ),
        **_CUSTOMER_REFERENCE,
        "product_code": (
            _("Product code"),
            ["product", "product code", "sku", "artikelnummer", "artikelnr", "varenummer"],
        ),
        "name": (_("Name"), ["name", "namn", "navn", "description", "beskrivning"]),
        "status": (_("Status"), ["status", "tila"]),
        "opened_on": (
            _("Opened"),
            ["opened", "opened on", "start date", "startdatum", "oppnet", "avtalsdatum", "open date"],
        ),
        "closed_on": (
            _("Closed"),
            ["closed", "closed on", "end date", "slutdatum", "avslutad", "avsluttet", "close date"],
        ),
        "expires_on": (
            _("Expires"),
            ["expires", "expiry date", "expires on", "giltig till", "utgar", "gyldig til", "valid until"],
        ),
    },
}

KINDS = tuple(FIELDS)
_PUNCT = re.compile(r"[^a-z0-9]+")


def header_key(header: str) -> str:
    return _PUNCT.sub(" ", fold(header)).strip()


def field_choices(kind: str) -> list[tuple[str, str]]:
    choices = [(name, str(label)) for name, (label, _synonyms) in FIELDS[kind].items()]
    if kind in ATTRIBUTE_KINDS:
        choices.append((ATTRIBUTE, str(_("Free attribute (kept under the column name)"))))
    return choices


def mapping_guess(kind: str, headers: list[str], saved: Mapping[str, str] | None = None) -> dict[str, str]:
    """Each header's field: the saved mapping's choice when the header is known to it, else the first
    field whose synonyms name the header; a field is taken once (the leftmost header wins). Any other
    column of a customers or transactions file is kept as a free attribute, never dropped silently."""
    mapping: dict[str, str] = {}
    taken: set[str] = set()
    saved = saved or {}
    for header in headers:
        if header in saved and (saved[header] in FIELDS[kind] or saved[header] in (IGNORE, ATTRIBUTE)):
            mapping[header] = saved[header]
            if saved[header] not in (IGNORE, ATTRIBUTE):
                taken.add(saved[header])
    for header in headers:
        if header in mapping:
            continue
        key = header_key(header)
        mapping[header] = ATTRIBUTE if kind in ATTRIBUTE_KINDS and header.strip() else IGNORE
        for name, (_label, synonyms) in FIELDS[kind].items():
            if name not in taken and (key == header_key(name.replace("_", " ")) or key in synonyms):
                mapping[header] = name
                taken.add(name)
                break
    return mapping


def mapping_check(kind: str, headers: list[str], mapping: Mapping[str, str]) -> dict[str, list[str]]:
    """Problems with a mapping, by field: unknown fields, a field mapped twice, required fields missing."""
    problems: dict[str, list[str]] = {}
    seen: dict[str, str] = {}
    for header, name in mapping.items():
        if name in (IGNORE, ATTRIBUTE):
            continue
        if name not in FIELDS[kind]:
            problems.setdefault(f"mapping.{header}", []).append(
                str(_("Unknown field: %(name)s")) % {"name": name}
            )
        elif name in seen:
            problems.setdefault(f"mapping.{header}", []).append(
                str(_("%(field)s is already taken by column %(other)s."))
                % {"field": str(FIELDS[kind][name][0]), "other": seen[name]}
            )
        else:
            seen[name] = header
    for required in REQUIRED[kind]:
        if not (set(required) & set(seen)):
            labels = " / ".join(str(FIELDS[kind][name][0]) for name in required)
            problems.setdefault("mapping", []).append(
                str(_("No column is mapped to %(field)s.")) % {"field": labels}
            )
    return problems


REQUIRED: dict[str, list[tuple[str, ...]]] = {
    "customers": [],
    "products": [("code",), ("name",)],
    "transactions": [
        ("customer_external_id", "customer_number", "customer_national_id", "customer_email"),
        ("occurred_at",),
        ("amount",),
    ],
    "holdings": [
        ("customer_external_id", "customer_number", "customer_national_id", "customer_email"),
        ("opened_on",),
    ],
}
