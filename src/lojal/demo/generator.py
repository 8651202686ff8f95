"""Realistic Nordic demo customers, as input dicts for ``customers.creation.customers_create_batch``.

Deterministic for a seed: every record is drawn from its own random stream seeded with (seed, index),
and identity, organisation and mobile numbers are functions of the index alone (see
:mod:`lojal.demo.identifiers`), so they never repeat across a whole generated set. Two things look
back at records generated earlier in the same call: the numeric suffix that keeps an email address
unique, and the deliberate duplicates, which copy a recent person. Fast enough for a million records
in about a minute: no Faker, small reference lists, no validation here (the tests validate samples).
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import random
import re
from collections import deque
from collections.abc import Iterator, Mapping, Sequence
from functools import lru_cache
from typing import Any

from lojal.core.text import fold
from lojal.demo import names
from lojal.demo.identifiers import (
    FIRST_BIRTH_DATE,
    INDEX_LIMIT,
    LAST_BIRTH_DATE,
    MOBILE_PLANS,
    MOBILE_SLOTS,
    ORGANISATION_NUMBERS,
    PERSON_NUMBERS,
    mobile_formatted,
    mobile_national,
)

__all__ = ["INDEX_LIMIT", "contact_persons_for", "generate_customers", "misspell"]

ORGANISATION_SHARE = 0.15
NATIONAL_ID_SHARE_PERSONS = 0.80
NATIONAL_ID_SHARE_ORGANISATIONS = 0.92
RECENT_PERSONS_KEPT = 2000


class _Weighted:
    """A weighted choice by one bisect over cumulative weights (faster than ``random.choices``)."""

    def __init__(self, items: Sequence[Any], weights: Sequence[float]) -> None:
        self.items = list(items)
        self.cumulative = list(itertools.accumulate(weights))
        self.total = self.cumulative[-1]

    def pick(self, rng: random.Random) -> Any:
        return self.items[bisect.bisect_right(self.cumulative, rng.random() * self.total)]


def _by_rank(items: Sequence[Any], flatness: float = 6.0) -> _Weighted:
    """Earlier entries more common, like real name frequencies (weight 1 / (rank + flatness))."""
    return _Weighted(items, [1.0 / (rank + flatness) for rank in range(len(items))])


def _pairs(pairs: Sequence[tuple[Any, float]]) -> _Weighted:
    return _Weighted([item for item, _weight in pairs], [weight for _item, weight in pairs])


_COUNTRIES = _pairs((("SE", 50), ("NO", 25), ("DK", 15), ("FI", 10)))
_FEMALE = {country: _by_rank(values) for country, values in names.FEMALE_NAMES.items()}
_MALE = {country: _by_rank(values) for country, values in names.MALE_NAMES.items()}
_SURNAMES = {country: _by_rank(values, flatness=4.0) for country, values in names.SURNAMES.items()}
_TOWNS = {country: _by_rank(values, flatness=3.0) for country, values in names.TOWNS.items()}
_DOMAINS = {country: _pairs(values) for country, values in names.PERSONAL_EMAIL_DOMAINS.items()}
_FORMS = {country: _pairs(values) for country, values in names.COMPANY_FORMS.items()}
_TAGS = _pairs(names.TAGS)
_ORGANISATION_TAGS = _pairs(names.ORGANISATION_TAGS)
_TAG_COUNTS = _pairs(((0, 45), (1, 35), (2, 15), (3, 5)))
_PERSON_TIERS = _pairs((("none", 86), ("silver", 9), ("gold", 4), ("platinum", 1)))
_ORGANISATION_TIERS = _pairs((("none", 70), ("silver", 15), ("gold", 10), ("platinum", 5)))
_PERSON_STAGES = _pairs((("customer", 55), ("registrant", 18), ("lead", 15), ("at_risk", 7), ("former", 5)))
_ORGANISATION_STAGES = _pairs(
    (("customer", 60), ("lead", 15), ("registrant", 10), ("at_risk", 10), ("former", 5))
)
_PHONE_STYLES = _pairs(((0, 30), (1, 25), (2, 35), (3, 10)))
_EMAIL_PATTERNS = _pairs(
    (
        ("{f}.{l}", 45),
        ("{f}{l}", 15),
        ("{i}.{l}", 10),
        ("{f}_{l}", 5),
        ("{l}.{f}", 5),
        ("{f}", 5),
        ("{i}{l}", 10),
        ("{l}{f}", 5),
    )
)
_BILLING_MAILBOX = {"SE": "faktura", "NO": "faktura", "DK": "faktura", "FI": "laskutus"}
_BIRTH_DAY_COUNT = (LAST_BIRTH_DATE - FIRST_BIRTH_DATE).days + 1
_NOT_ASCII_WORD = re.compile(r"[^a-z0-9]+")


@lru_cache(maxsize=8192)
def _ascii(text: str) -> str:
    """``text`` folded to plain ASCII letters and digits, as people write names in email addresses."""
    return _NOT_ASCII_WORD.sub("", fold(text))


def _postal_code(country: str, town: names.Town, rng: random.Random) -> str:
    number = rng.randint(town.first_postal_code, town.last_postal_code)
    if country == "SE":
        return f"{number // 100} {number % 100:02d}"
    if country == "FI":
        return f"{number * 10:05d}"
    return f"{number:04d}"


def _street(country: str, rng: random.Random) -> str:
    number = min(int(rng.expovariate(1 / 18)) + 1, 199)
    street = f"{rng.choice(names.STREETS[country])} {number}"
    roll = rng.random()
    if roll < 0.08:
        street += rng.choice("ABC")
    if country == "SE" and roll > 0.7:
        street += f" lgh {rng.randint(10, 16)}{rng.randint(1, 5):02d}"
    elif country == "DK" and roll > 0.65:
        street += f", {rng.randint(1, 5)}. {rng.choice(('th.', 'tv.', 'mf.'))}"
    elif country == "FI" and roll > 0.55:
        street += f" {rng.choice('ABC')} {rng.randint(1, 40)}"
    return street


def _address(country: str, rng: random.Random, label: str, is_primary: bool) -> dict[str, Any]:
    town: names.Town = _TOWNS[country].pick(rng)
    return {
        "street": _street(country, rng),
        "postal_code": _postal_code(country, town, rng),
        "city": town.city,
        "municipality": town.municipality,
        "region": town.region,
        "country": country,
        "label": label,
        "is_primary": is_primary,
    }


def _phone_entry(country: str, national: str, rng: random.Random, label: str, local_ok: bool) -> Any:
    style = _PHONE_STYLES.pick(rng)
    if style == 2 and not local_ok:
        style = 0
    number = mobile_formatted(country, national, style)
    if rng.random() < 0.2 and label == "mobile":
        return number  # plain strings are accepted too
    return {"number": number, "label": label, "is_primary": True}


def _language(country: str, rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.05:
        return "en"
    if country == "FI" and roll < 0.10:
        return "sv"  # Finland-Swedes
    return names.LANGUAGE_OF_COUNTRY[country]


def _tags(rng: random.Random, picker: _Weighted) -> list[str]:
    count = _TAG_COUNTS.pick(rng)
    chosen: list[str] = []
    for _attempt in range(count * 2):
        tag = picker.pick(rng)
        if tag not in chosen:
            chosen.append(tag)
        if len(chosen) == count:
            break
    return chosen


def _given_name(country: str, is_male: bool, rng: random.Random) -> str:
    picker = _MALE[country] if is_male else _FEMALE[country]
    first = picker.pick(rng)
    if rng.random() < 0.12:
        second = picker.pick(rng)
        if second != first:
            joiner = "-" if country in ("SE", "FI") and rng.random() < 0.5 else " "
            first = f"{first}{joiner}{second}"
    return str(first)


_TYPO_RULES = (
    ("qv", "qu"),
    ("qu", "qv"),
    ("kv", "qv"),
    ("ck", "k"),
    ("ph", "f"),
    ("th", "t"),
    ("sson", "son"),
    ("nn", "n"),
    ("ll", "l"),
    ("ss", "s"),
    ("tt", "t"),
    ("mm", "m"),
    ("kk", "k"),
    ("å", "a"),
    ("ä", "a"),
    ("ö", "o"),
    ("ø", "o"),
    ("æ", "ae"),
    ("é", "e"),
    ("ie", "ei"),
    ("ei", "ie"),
    ("y", "i"),
    ("ch", "k"),
    ("w", "v"),
    ("c", "k"),
    ("sen", "son"),
    ("son", "sen"),
    ("aa", "å"),
)


def misspell(name: str, rng: random.Random) -> str:
    """``name`` with one plausible slip: "Lindqvist" -> "Lindquist", "Anna" -> "Ana", "Jönsson" -> "Jonsson"."""
    rules = list(_TYPO_RULES)
    rng.shuffle(rules)
    for wrong, written in rules:
        position = name.find(wrong)
        if position > 0 or (position == 0 and wrong.isupper()):
            return name[:position] + written + name[position + len(wrong) :]
    if len(name) > 3:
        cut = rng.randint(1, len(name) - 2)
        if name[cut] != name[cut + 1]:
            return name[:cut] + name[cut + 1] + name[cut] + name[cut + 2 :]  # swap two letters
        return name[:cut] + name[cut + 1 :]
    return name + name[-1]


class _Generator:
    """The state one ``generate_customers`` call keeps: addresses handed out and recent persons."""

    def __init__(self, seed: int, duplicate_rate: float, account_manager_ids: Sequence[int]) -> None:
        self.seed = seed
        self.duplicate_rate = duplicate_rate
        self.account_manager_ids = list(account_manager_ids)
        self.rng = random.Random()
        self.emails_seen: set[int] = set()
        self.domains_seen: set[int] = set()
        self.recent_persons: deque[tuple[str, dict[str, Any]]] = deque(maxlen=RECENT_PERSONS_KEPT)

    def customer(self, index: int) -> dict[str, Any]:
        rng = self.rng
        rng.seed((self.seed << 32) | index)
        country: str = _COUNTRIES.pick(rng)
        if rng.random() < ORGANISATION_SHARE:
            record = self._organisation(index, country, rng)
        elif self.recent_persons and rng.random() < self.duplicate_rate:
            record = self._duplicate(index, rng)
        else:
            record = self._person(index, country, rng)
            self.recent_persons.append((country, record))
        if self.account_manager_ids and rng.random() < 0.4:
            record["account_manager_id"] = rng.choice(self.account_manager_ids)
        return record

    def _unique_email(self, local: str, domain: str, rng: random.Random) -> str:
        address = f"{local}@{domain}"
        while hash(address) in self.emails_seen:
            address = f"{local}{rng.randint(2, 9999)}@{domain}"
        self.emails_seen.add(hash(address))
        return address

    def _person_email(self, country: str, first: str, last: str, birth_year: int, rng: random.Random) -> str:
        given = _ascii(first.split(" ")[0].split("-")[0])
        surname = _ascii(last)
        local = _EMAIL_PATTERNS.pick(rng).format(f=given, l=surname, i=given[:1])
        roll = rng.random()
        if roll < 0.45 and local != given:
            tail = ""
        elif roll < 0.70:
            tail = f"{birth_year % 100:02d}"
        elif roll < 0.80:
            tail = str(birth_year)
        else:
            tail = str(rng.randint(1, 999))
        return self._unique_email(local + tail, _DOMAINS[country].pick(rng), rng)

    def _person(self, index: int, country: str, rng: random.Random) -> dict[str, Any]:
        record: dict[str, Any] = {"kind": "person"}
        if rng.random() < NATIONAL_ID_SHARE_PERSONS:
            number = PERSON_NUMBERS[country](index)
            is_male, birth = number.is_male, number.birth_date
            record["national_id"] = number.value
            record["national_id_country"] = country
        else:
            is_male = rng.random() < 0.5
            birth = FIRST_BIRTH_DATE + dt.timedelta(days=rng.randrange(_BIRTH_DAY_COUNT))
            if rng.random() < 0.3:
                record["birth_date"] = birth.isoformat()
        first = _given_name(country, is_male, rng)
        last = str(_SURNAMES[country].pick(rng))
        record["first_name"], record["last_name"] = first, last
        addresses = []
        if rng.random() < 0.97:
            addresses.append(_address(country, rng, "postal", True))
            if rng.random() < 0.04:
                addresses.append(_address(country, rng, "delivery", False))
        record["addresses"] = addresses
        emails: list[Any] = []
        if rng.random() < 0.90:
            address = self._person_email(country, first, last, birth.year, rng)
            emails.append(address if rng.random() < 0.2 else {"address": address, "label": "private"})
            if rng.random() < 0.08:
                work = self._unique_email(
                    f"{_ascii(first)}.{_ascii(last)}", self._company_domain(country, rng, remember=False), rng
                )
                emails.append({"address": work, "label": "work", "is_primary": False})
        record["emails"] = emails
        phones: list[Any] = []
        local_ok = bool(addresses) or "national_id_country" in record
        if rng.random() < 0.85:
            national = mobile_national(country, index, 0)
            phones.append(_phone_entry(country, national, rng, "mobile", local_ok))
            if rng.random() < 0.05:
                second = _phone_entry(country, mobile_national(country, index, 1), rng, "work", local_ok)
                second["is_primary"] = False
                phones.append(second)
        record["phones"] = phones
        record["preferred_language"] = _language(country, rng)
        record["vip_tier"] = _PERSON_TIERS.pick(rng)
        record["lifecycle_stage"] = _PERSON_STAGES.pick(rng)
        record["tags"] = _tags(rng, _TAGS)
        return record

    def _company_domain(self, country: str, rng: random.Random, *, remember: bool, base: str = "") -> str:
        if not base:
            stem = rng.choice(names.COMPANY_STEMS[country])
            base = f"{stem}{rng.choice(names.TRADES[country])[0]}"
        slug = _ascii(base)
        domain = f"{slug}.{names.TOP_LEVEL_DOMAIN[country]}"
        if remember:
            while hash(domain) in self.domains_seen:
                domain = f"{slug}{rng.randint(2, 999)}.{names.TOP_LEVEL_DOMAIN[country]}"
            self.domains_seen.add(hash(domain))
        return domain

    def _organisation(self, index: int, country: str, rng: random.Random) -> dict[str, Any]:
        trade, industry = rng.choice(names.TRADES[country])
        town: names.Town = _TOWNS[country].pick(rng)
        style = rng.random()
        if style < 0.45:
            base = f"{rng.choice(names.COMPANY_STEMS[country])} {trade}"
        elif style < 0.70:
            base = f"{_SURNAMES[country].pick(rng)} {trade}"
        elif style < 0.85:
            base = names.FAMILY_FIRM[country].format(surname=_SURNAMES[country].pick(rng))
        else:
            base = f"{town.municipality} {trade}"
        record: dict[str, Any] = {
            "kind": "organisation",
            "organisation_name": f"{base} {_FORMS[country].pick(rng)}",
            "industry": industry,
        }
        size = rng.random()
        record["employee_count"] = (
            rng.randint(1, 5)
            if size < 0.5
            else rng.randint(6, 49)
            if size < 0.85
            else rng.randint(50, 249)
            if size < 0.97
            else rng.randint(250, 5000)
        )
        age = rng.random()
        record["founded_year"] = (
            rng.randint(1990, 2025)
            if age < 0.6
            else rng.randint(1950, 1989)
            if age < 0.9
            else rng.randint(1870, 1949)
        )
        if rng.random() < NATIONAL_ID_SHARE_ORGANISATIONS:
            record["national_id"] = ORGANISATION_NUMBERS[country](index)
            record["national_id_country"] = country
        domain = self._company_domain(country, rng, remember=True, base=base.replace("&", ""))
        emails: list[Any] = []
        if rng.random() < 0.9:
            mailbox = names.COMPANY_MAILBOX[country]
            emails.append({"address": self._unique_email(mailbox, domain, rng), "label": "general"})
            if rng.random() < 0.2:
                billing = self._unique_email(_BILLING_MAILBOX[country], domain, rng)
                emails.append({"address": billing, "label": "invoices", "is_primary": False})
        record["emails"] = emails
        visiting = _address(country, rng, "visiting", True)
        visiting.update(city=town.city, municipality=town.municipality, region=town.region)
        visiting["postal_code"] = _postal_code(country, town, rng)
        addresses = [visiting] if rng.random() < 0.95 else []
        if addresses and rng.random() < 0.25:
            addresses.append(_address(country, rng, "billing", False))
        record["addresses"] = addresses
        local_ok = bool(addresses) or "national_id_country" in record
        record["phones"] = (
            [_phone_entry(country, mobile_national(country, index, 0), rng, "work", local_ok)]
            if rng.random() < 0.85
            else []
        )
        record["preferred_language"] = _language(country, rng)
        record["vip_tier"] = _ORGANISATION_TIERS.pick(rng)
        record["lifecycle_stage"] = _ORGANISATION_STAGES.pick(rng)
        record["tags"] = _tags(rng, _ORGANISATION_TAGS)
        return record

    def _duplicate(self, index: int, rng: random.Random) -> dict[str, Any]:
        """A second record of a recent person: same email, same phone, or a misspelt name at the same
        address. Never with a national id, which the database allows only once per country."""
        country, source = rng.choice(self.recent_persons)
        record: dict[str, Any] = {
            "kind": "person",
            "first_name": source["first_name"],
            "last_name": source["last_name"],
            "preferred_language": source["preferred_language"],
            "lifecycle_stage": rng.choice(("lead", "registrant")),
            "vip_tier": "none",
            "tags": [],
        }
        evidence = rng.random()
        if evidence < 0.35 and source["emails"]:
            first_email = source["emails"][0]
            address = first_email if isinstance(first_email, str) else first_email["address"]
            # People type their address with capitals now and then; it still has to match.
            record["emails"] = [address.capitalize() if rng.random() < 0.3 else address]
            if rng.random() < 0.5:
                record["addresses"] = [_address(country, rng, "postal", True)]
            if rng.random() < 0.5:
                national = mobile_national(country, index, 0)
                local_ok = "addresses" in record
                record["phones"] = [_phone_entry(country, national, rng, "mobile", local_ok)]
        elif evidence < 0.65 and source["phones"]:
            first_phone = source["phones"][0]
            number = first_phone if isinstance(first_phone, str) else first_phone["number"]
            plan = MOBILE_PLANS[country]
            national = number.replace(" ", "").replace("-", "")[-(len(plan.prefixes[0]) + plan.free_digits) :]
            record["phones"] = [mobile_formatted(country, national, rng.choice((0, 1, 3)))]
            if source["addresses"] and rng.random() < 0.5:
                record["addresses"] = [dict(source["addresses"][0])]
        elif source["addresses"]:
            which = rng.random()
            if which < 0.4 or which >= 0.8:
                record["first_name"] = misspell(source["first_name"], rng)
            if which >= 0.4:
                record["last_name"] = misspell(source["last_name"], rng)
            record["addresses"] = [dict(source["addresses"][0])]
            if rng.random() < 0.3:
                email = self._person_email(country, record["first_name"], record["last_name"], 1980, rng)
                record["emails"] = [email]
        else:
            return self._person(index, country, rng)
        return record


def generate_customers(
    count: int,
    *,
    seed: int = 1,
    duplicate_rate: float = 0.005,
    start_index: int = 0,
    account_manager_ids: Sequence[int] = (),
) -> Iterator[dict[str, Any]]:
    """Yield ``count`` customer input dicts for indices ``start_index`` .. ``start_index + count - 1``.

    About 85% persons and 15% organisations; SE 50%, NO 25%, DK 15%, FI 10%. ``duplicate_rate`` of the
    persons are deliberate duplicates of a recent person (without a national id). When
    ``account_manager_ids`` is given, about 40% of the customers get one of them as account manager.
    """
    if count < 0 or start_index < 0:
        raise ValueError("count and start_index must not be negative")
    if start_index + count > INDEX_LIMIT:
        raise ValueError(f"Indices above {INDEX_LIMIT:,} would repeat national numbers.")
    if not 0 <= duplicate_rate <= 1:
        raise ValueError("duplicate_rate must be between 0 and 1")
    generator = _Generator(seed, duplicate_rate, account_manager_ids)
    for index in range(start_index, start_index + count):
        yield generator.customer(index)


def _organisation_country(organisation: Mapping[str, Any] | None, rng: random.Random) -> str:
    if organisation:
        if organisation.get("national_id_country"):
            return str(organisation["national_id_country"])
        if organisation.get("addresses"):
            return str(organisation["addresses"][0]["country"])
    return str(_COUNTRIES.pick(rng))


def contact_persons_for(
    org_index: int, rng: random.Random, *, organisation: Mapping[str, Any] | None = None
) -> list[dict[str, Any]]:
    """One to three contact persons for the organisation generated at ``org_index``, as
    ``customers.services.contact_person_add`` data. Pass the organisation's input dict to match its
    country and email domain."""
    country = _organisation_country(organisation, rng)
    domain = ""
    if organisation and organisation.get("emails"):
        first_email = organisation["emails"][0]
        domain = (first_email if isinstance(first_email, str) else first_email["address"]).split("@")[-1]
    if not domain:
        base = str((organisation or {}).get("organisation_name") or rng.choice(names.COMPANY_STEMS[country]))
        domain = f"{_ascii(base)}.{names.TOP_LEVEL_DOMAIN[country]}"
    # Local spellings are read in the organisation's country, which only its address tells.
    styles = (0, 1, 2) if organisation and organisation.get("addresses") else (0, 1)
    roles = list(names.CONTACT_ROLES[country])
    rng.shuffle(roles)
    contacts: list[dict[str, Any]] = []
    for position in range(rng.choice((1, 1, 1, 2, 2, 3))):
        is_male = rng.random() < 0.5
        first = str((_MALE if is_male else _FEMALE)[country].pick(rng))
        last = str(_SURNAMES[country].pick(rng))
        national = mobile_national(country, org_index * MOBILE_SLOTS + position, 2)
        contacts.append(
            {
                "first_name": first,
                "last_name": last,
                "role": roles[position % len(roles)],
                "email": f"{_ascii(first)}.{_ascii(last)}@{domain}" if rng.random() < 0.9 else "",
                "phone": mobile_formatted(country, national, rng.choice(styles))
                if rng.random() < 0.8
                else "",
                "is_primary": position == 0,
            }
        )
    return contacts
