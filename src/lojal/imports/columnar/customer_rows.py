"""The cleaned data of a batch of customer rows as columns, for the rows written in the forms most files
use; every other row is left to the scalar check (:func:`lojal.customers.validation.customer_clean`),
which gives each rejection its exact reason. So a row taken here is one ``customer_clean`` takes, with
the same cleaned values (tests/imports/test_customer_rows.py runs both on the same rows):

- names and address lines whose only whitespace is the space (collapsed and trimmed as columns),
  within their lengths; a person without an organisation's fields, an organisation without a birth date;
- email addresses in the plain ASCII form ``email_normalise`` reads with its own pattern, lower-cased;
- Swedish personal numbers written plainly ("19880320-0016", "8803200016"), with the Luhn digit and
  the date checked as columns, and Norwegian fødselsnummer as eleven digits with both mod-11 digits
  and the date as columns; every other national number through ``national_id_parse``, per value;
- phone numbers, postal codes, dates, languages, VIP tiers and tags through the scalar rules once per
  distinct value of the batch (a file repeats its towns, dates and tiers; phones are cached per region).

The importer cleans free attributes per row with :func:`attributes_cleaned`. Rows with a lone
surrogate, or that any of these does not settle, go through the scalar check unchanged."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Hashable, Sequence
from typing import Any

import polars as pl
from django.conf import settings

from lojal.core.contact_points import phone_normalise
from lojal.core.errors import ValidationError
from lojal.core.inputs import EARLIEST_DATE
from lojal.core.nordic_ids import NationalId, national_id_parse
from lojal.core.postal_codes import postal_code_valid
from lojal.customers.models import Address, Kind, PhoneNumber
from lojal.customers.validation import (
    COUNTRIES,
    LANGUAGES,
    MAX_ATTRIBUTES,
    VIP_TIERS,
    address_match_key,
    customer_clean,
)

#: Fewer rows than this go row by row: the columns' fixed cost per batch is more than the rows' own.
COLUMNS_FROM = 500
#: The mapped fields the columns read (the service data of :class:`CustomerImporter` comes from these).
FIELDS = (
    "first_name",
    "last_name",
    "organisation_name",
    "industry",
    "national_id",
    "email",
    "phone",
    "street",
    "postal_code",
    "city",
    "country",
    "preferred_language",
    "vip_tier",
    "birth_date",
    "customer_since",
    "tags",
)
_NAMES = {"first_name": 100, "last_name": 100, "organisation_name": 200, "industry": 100}
_ADDRESS = {"street": 200, "postal_code": 12, "city": 100}
# Every character Python's str.split() splits on but the space: a cell holding one goes row by row.
_OTHER_SPACE = "".join(c for c in map(chr, range(0x110000)) if c.isspace() and c != " ")
_OTHER_SPACE_CLASS = "[" + "".join(f"\\x{{{ord(c):x}}}" for c in _OTHER_SPACE) + "]"
# contact_points._PLAIN_EMAIL in Rust's regex syntax, on the lower-cased cell; the same limits follow.
_LOCAL_CHAR = r"[a-z0-9!#$%&'*+/=?^_`{|}~\-]"
_PLAIN_EMAIL = (
    rf"^{_LOCAL_CHAR}+(?:\.{_LOCAL_CHAR}+)*@(?:[a-z0-9](?:[a-z0-9\-]{{0,61}}[a-z0-9])?\.)+[a-z]{{2,63}}$"
)
_SPECIAL_USE_TOP_DOMAINS = ["arpa", "invalid", "local", "localhost", "onion", "test", "internal", "alt"]
_MOBILE = PhoneNumber.Label.MOBILE.value
_POSTAL = Address.Label.POSTAL.value
_SE_PERSON_PLAIN = r"^(?:18|19|20)?[0-9]{6}[-+]?[0-9]{4}$"


def _collapsed(cell: pl.Expr) -> pl.Expr:
    """``" ".join(text.split())`` for a cell with no whitespace but spaces (see :data:`_OTHER_SPACE`)."""
    return cell.str.replace_all(" +", " ").str.strip_chars(" ")


def _storable(text: str) -> bool:
    if text.isascii():
        return True
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _luhn(ten: pl.Expr) -> pl.Expr:
    """Whether the ten ASCII digits in ``ten`` pass the Luhn check."""
    total: pl.Expr = pl.lit(0, pl.Int32)
    for position in range(10):
        digit = ten.str.slice(9 - position, 1).cast(pl.Int32)
        if position % 2:
            digit = digit * 2
            digit = pl.when(digit > 9).then(digit - 9).otherwise(digit)
        total = total + digit
    return total % 10 == 0


def _se_person(frame: pl.DataFrame, today: dt.date) -> pl.DataFrame:
    """``frame`` with ``se_compact`` and ``se_kind``: the compact form and kind of a Swedish personal
    number written plainly in ``national_id``, as nordic_ids._se_person reads it; nulls where it is
    not (left to ``national_id_parse``). Staged, so each part is computed once."""
    cell = pl.col("national_id")
    frame = frame.with_columns(
        _digits=pl.when(cell.str.contains(_SE_PERSON_PLAIN)).then(cell.str.replace_all(r"[-+]", ""))
    )
    frame = frame.with_columns(_ten=pl.col("_digits").str.slice(-10, 10))
    ten = pl.col("_ten")
    frame = frame.with_columns(
        _day=ten.str.slice(4, 2).cast(pl.Int32),
        _short=pl.lit(2000, pl.Int32) + ten.str.slice(0, 2).cast(pl.Int32),
        _luhn=_luhn(ten),
    )
    short = pl.when(pl.col("_short") > today.year).then(pl.col("_short") - 100).otherwise(pl.col("_short"))
    short = pl.when(cell.str.contains("+", literal=True)).then(short - 100).otherwise(short)
    frame = frame.with_columns(
        _year=pl.when(pl.col("_digits").str.len_chars() == 12)
        .then(pl.col("_digits").str.slice(0, 4).cast(pl.Int32))
        .otherwise(short)
        .cast(pl.String)
        .str.zfill(4),
    )
    day = pl.col("_day")
    birth_day = pl.when(day > 60).then(day - 60).otherwise(day).cast(pl.String).str.zfill(2)
    iso = pl.concat_str([pl.col("_year"), pl.lit("-"), ten.str.slice(2, 2), pl.lit("-"), birth_day])
    birth = iso.str.to_date("%Y-%m-%d", strict=False)  # null: no such day
    ok = (pl.col("_luhn") & (birth <= today)).fill_null(False)
    kind = pl.when(day > 60).then(pl.lit("se_samordningsnummer")).otherwise(pl.lit("se_personnummer"))
    return frame.with_columns(
        se_compact=pl.when(ok).then(pl.concat_str([pl.col("_year"), ten.str.slice(2, 8)])),
        se_kind=pl.when(ok).then(kind),
    ).drop("_digits", "_ten", "_day", "_short", "_luhn", "_year")


def _no_person(frame: pl.DataFrame, today: dt.date) -> pl.DataFrame:
    """``frame`` with ``no_ok``: whether ``national_id`` is a Norwegian fødselsnummer written as its
    eleven digits that python-stdnum's ``no.fodselsnummer.validate`` takes (both mod-11 check digits,
    the birth date with D- and H-number offsets and the century from the individual number, not in
    the future); false leaves it to ``national_id_parse``."""
    cell = pl.col("national_id")
    plain = cell.str.contains(r"^[0-9]{11}$")
    frame = frame.with_columns(
        **{f"_n{at}": pl.when(plain).then(cell.str.slice(at, 1).cast(pl.Int32)) for at in range(11)}
    )
    digit = [pl.col(f"_n{at}") for at in range(11)]

    def check(weights: tuple[int, ...]) -> pl.Expr:
        total = sum((w * d for w, d in zip(weights, digit, strict=False)), pl.lit(0, pl.Int32))
        return (11 - total % 11) % 11

    day = digit[0] * 10 + digit[1]
    month = digit[2] * 10 + digit[3]
    year = digit[4] * 10 + digit[5]
    individual = digit[6] * 100 + digit[7] * 10 + digit[8]
    century = (
        pl.when(individual < 500)
        .then(1900)
        .when((individual < 750) & (year >= 54))
        .then(1800)
        .when(year < 40)
        .then(2000)
        .when(individual >= 900)
        .then(1900)
    )
    iso = pl.concat_str(
        [
            (century + year).cast(pl.String),
            pl.lit("-"),
            pl.when(month > 40).then(month - 40).otherwise(month).cast(pl.String).str.zfill(2),
            pl.lit("-"),
            pl.when(day > 40).then(day - 40).otherwise(day).cast(pl.String).str.zfill(2),
        ]
    )
    birth = iso.str.to_date("%Y-%m-%d", strict=False)
    ok = (
        (check((3, 7, 6, 1, 8, 9, 4, 5, 2)) == digit[9])
        & (check((5, 4, 3, 2, 7, 6, 5, 4, 3, 2)) == digit[10])
        & (day < 80)
        & (birth <= today)
    ).fill_null(False)
    return frame.with_columns(no_ok=ok).drop(*(f"_n{at}" for at in range(11)))


def attributes_cleaned(kept: dict[str, str]) -> dict[str, str] | None:
    """A row's free attributes as ``customer_clean`` cleans them (names and texts with their
    whitespace collapsed), or None where it would refuse them (the row goes to the scalar check)."""
    if len(kept) > MAX_ATTRIBUTES:
        return None
    cleaned: dict[str, str] = {}
    for name, text in kept.items():
        key = " ".join(name.split())
        value = " ".join(text.split())
        if not key or len(key) > 100 or len(value) > 1000:
            return None
        cleaned[key] = value
    return cleaned


def _per_value(cells: Sequence[Hashable], rule: Callable[[Any], Any]) -> list[Any]:
    """``rule`` of each cell, asked once per distinct cell; None where it raises ValidationError or
    ValueError (the row goes to the scalar check)."""
    answers: dict[Hashable, Any] = {}
    for cell in set(cells):
        try:
            answers[cell] = rule(cell)
        except (ValidationError, ValueError):
            answers[cell] = None
    return [answers[cell] for cell in cells]


def _language(text: str, aliases: dict[str, str], fold: Callable[[str], str]) -> str:
    folded = fold(text)
    language = aliases.get(folded, folded)
    if language not in LANGUAGES:
        raise ValueError
    return language


def _tier(text: str, fold: Callable[[str], str]) -> str:
    tier = fold(text)
    if tier not in VIP_TIERS:
        raise ValueError
    return tier


def _tags(text: str) -> list[str]:
    tags = [tag.strip() for tag in text.replace(";", ",").split(",") if tag.strip()]
    return list(customer_clean(data={"tags": tags}, kind=Kind.PERSON, partial=True)["tags"])


def _date(text: str, parse: Callable[[str], dt.date]) -> dt.date:
    day = parse(text)
    if not EARLIEST_DATE <= day <= dt.date.today():
        raise ValueError
    return day


def cleaned_rows(
    values: Sequence[dict[str, str]],
    kinds: Sequence[str],
    *,
    fields: set[str],
    aliases: dict[str, str],
    fold: Callable[[str], str],
    parse_date: Callable[[str], dt.date],
) -> list[dict[str, Any] | None]:
    """Per row (its mapped values, after the import's country, full-name and kind rules, and its
    kind), the data ``customer_clean`` would clean it to, or None where the scalar check must decide.
    ``fields`` are the import's mapped fields, ``aliases`` its language words."""
    home = settings.DEFAULT_COUNTRY
    # A lone surrogate (refused by the scalar check's text rule) cannot even be held by a column.
    unfit = {at for at, row in enumerate(values) if not _storable("".join(row.values()))}
    readable = [{} if at in unfit else row for at, row in enumerate(values)]
    blank = [""] * len(values)
    columns = {name: [row.get(name, "") for row in readable] if name in fields else blank for name in FIELDS}
    frame = pl.DataFrame(
        {**columns, "kind": list(kinds)}, schema={name: pl.String for name in (*FIELDS, "kind")}
    )
    person = pl.col("kind") == Kind.PERSON.value
    given = pl.col("country") != ""
    country = pl.when(given).then(pl.col("country")).otherwise(pl.lit(home)).str.to_uppercase()
    has_address = (pl.col("street") != "") | (pl.col("postal_code") != "") | (pl.col("city") != "")
    has_number = pl.col("national_id") != ""
    phone_region = pl.when(has_address | has_number).then(country).otherwise(pl.lit(home.upper()))
    texts = {name: _collapsed(pl.col(name)) for name in (*_NAMES, *_ADDRESS)}
    email = pl.col("email").str.to_lowercase()
    email_ok = (
        pl.col("email").str.contains(r"^[\x21-\x7e]+$")
        & email.str.contains(_PLAIN_EMAIL)
        & (email.str.len_chars() <= 254)
        & (email.str.split("@").list.first().str.len_chars() <= 64)
        & ~email.str.split(".").list.last().is_in(_SPECIAL_USE_TOP_DOMAINS)
    )
    name_ok = pl.lit(True)
    for name, limit in {**_NAMES, **_ADDRESS}.items():
        name_ok = name_ok & (texts[name].str.len_chars() <= limit)
    ok = (
        name_ok
        & ~pl.any_horizontal([pl.col(name).str.contains(_OTHER_SPACE_CLASS) for name in (*_NAMES, *_ADDRESS)])
        & pl.when(person)
        .then(
            ((texts["first_name"] != "") | (texts["last_name"] != ""))
            & (pl.col("organisation_name") == "")
            & (pl.col("industry") == "")
        )
        .otherwise((texts["organisation_name"] != "") & (pl.col("birth_date") == ""))
        & ((pl.col("email") == "") | email_ok)
        & (~has_address | ((texts["street"] != "") | (texts["postal_code"] != "") | (texts["city"] != "")))
        & (~has_address | country.is_in(COUNTRIES))
    )
    frame = _no_person(_se_person(frame, dt.date.today()), dt.date.today())
    out = frame.select(
        *(texts[name].alias(name) for name in (*_NAMES, *_ADDRESS)),
        email.alias("email"),
        country.alias("country"),
        phone_region.alias("phone_region"),
        pl.col("se_compact"),
        pl.col("se_kind"),
        pl.col("no_ok"),
        pl.col("national_id"),
        pl.col("phone"),
        ok.alias("ok"),
    )
    listed = {name: out[name].to_list() for name in out.columns}
    phones = _per_value(
        list(zip(listed["phone"], listed["phone_region"], strict=True)),
        lambda key: phone_normalise(key[0], region=key[1]) if key[0] else "",
    )
    postal_ok = _per_value(
        list(zip(listed["postal_code"], listed["country"], strict=True)),
        lambda key: True if not key[0] or postal_code_valid(key[0], key[1]) else None,
    )
    match_keys = _per_value(
        list(zip(listed["street"], listed["postal_code"], strict=True)),
        lambda key: address_match_key(key[0], key[1]),
    )
    languages = _per_value(columns["preferred_language"], lambda t: _language(t, aliases, fold) if t else "")
    tiers = _per_value(columns["vip_tier"], lambda t: _tier(t, fold) if t else "")
    tags = _per_value(columns["tags"], lambda t: _tags(t) if t else [])
    births, since = (
        _per_value(columns[name], lambda t: _date(t, parse_date) if t else "")
        for name in ("birth_date", "customer_since")
    )
    settled = [
        at not in unfit and all(answer is not None for answer in answers)
        for at, answers in enumerate(
            zip(phones, postal_ok, languages, tiers, tags, births, since, strict=True)
        )
    ]
    person_names = [name for name in ("first_name", "last_name", "industry") if name in fields]
    organisation_names = [name for name in ("organisation_name", "industry") if name in fields]
    national = "national_id" in fields
    rows: list[dict[str, Any] | None] = []
    for at, ok_row in enumerate(listed["ok"]):
        if not (ok_row and settled[at]):
            rows.append(None)
            continue
        kind = kinds[at]
        cleaned: dict[str, Any] = {
            name: listed[name][at] for name in (person_names if kind == Kind.PERSON else organisation_names)
        }
        country = listed["country"][at]
        if national and (number := listed["national_id"][at]):
            compact = listed["se_compact"][at]
            if compact is not None and country == "SE" and kind == Kind.PERSON:
                cleaned["national_id"] = NationalId(
                    "SE", listed["se_kind"][at], compact, f"{compact[:8]}-{compact[8:]}"
                )
            elif listed["no_ok"][at] and country == "NO" and kind == Kind.PERSON:
                cleaned["national_id"] = NationalId(
                    "NO", "no_fodselsnummer", number, f"{number[:6]} {number[6:]}"
                )
            else:
                try:
                    cleaned["national_id"] = national_id_parse(
                        country=country,
                        holder="organisation" if kind == Kind.ORGANISATION else "person",
                        value=number,
                    )
                except ValidationError:
                    rows.append(None)
                    continue
        if email := listed["email"][at]:
            cleaned["emails"] = [{"address": email, "label": "", "is_primary": True}]
        if phone := phones[at]:
            cleaned["phones"] = [{"number": phone, "label": _MOBILE, "is_primary": True}]
        raw = values[at]
        if raw.get("street") or raw.get("postal_code") or raw.get("city"):
            cleaned["addresses"] = [
                {
                    "street": listed["street"][at],
                    "postal_code": listed["postal_code"][at],
                    "city": listed["city"][at],
                    "municipality": "",
                    "region": "",
                    "country": country,
                    "label": _POSTAL,
                    "is_primary": True,
                    "match_key": match_keys[at],
                }
            ]
        if languages[at]:
            cleaned["preferred_language"] = languages[at]
        if tiers[at]:
            cleaned["vip_tier"] = tiers[at]
        if births[at]:
            cleaned["birth_date"] = births[at]
        if since[at]:
            cleaned["customer_since"] = since[at]
        if raw.get("tags"):
            cleaned["tags"] = tags[at]
        rows.append(cleaned)
    return rows
