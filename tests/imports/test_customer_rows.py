"""The customer check settles the rows written in common forms as columns and the rest one by one with
customer_clean: whichever way a row goes, it gets the cleaned data (or the rejection) the row-by-row
check gives it."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lojal.core.errors import ValidationError
from lojal.core.nordic_ids import national_id_parse
from lojal.core.text import fold
from lojal.customers.validation import customer_clean
from lojal.demo.identifiers import se_personnummer
from lojal.imports import customers
from lojal.imports.base import Mapped
from lojal.imports.columnar import customer_rows
from lojal.imports.columnar.customer_rows import cleaned_rows
from lojal.imports.customers import _LANGUAGES, CustomerImporter
from lojal.imports.mapping import mapping_guess
from lojal.imports.models import ImportJob, StagedRow
from lojal.imports.rules.addresses import country_code
from lojal.imports.values import parse_date
from tests.imports.helpers import FIXTURES, check, rejections

HEADERS = [
    "Kundnr",
    "Typ",
    "Förnamn",
    "Efternamn",
    "Företag",
    "Bransch",
    "Personnummer",
    "E-post",
    "Telefon",
    "Adress",
    "Postnr",
    "Ort",
    "Land",
    "Språk",
    "VIP",
    "Födelsedag",
    "Kund sedan",
    "Taggar",
]
FIELDS = [
    "external_id",
    "kind",
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
]


def _importer(headers: list[str], mapping: dict[str, str]) -> CustomerImporter:
    job = ImportJob(kind="customers", headers=headers, mapping=mapping, source="erp", default_currency="SEK")
    return CustomerImporter(job)


def _prepared(importer: CustomerImporter, rows: list[list[str]]) -> list[tuple[Mapped, str]]:
    """Each row's values and kind after the import's own per-row rules, as the check has them."""
    prepared = []
    for mapped in importer.map_rows([(line, cells) for line, cells in enumerate(rows, start=2)]):
        values = mapped.values
        if values.get("country"):
            values["country"] = country_code(values["country"])
        if importer.full_names:
            importer._full_name(values)
        kind = importer._kind(values)
        if kind is None or importer._bad_dates(mapped):
            continue
        prepared.append((mapped, kind))
    return prepared


def _both_ways(importer: CustomerImporter, rows: list[list[str]]) -> int:
    """Run both paths on ``rows``; every row the columns settle is cleaned the same way by
    customer_clean. Returns how many the columns settled."""
    prepared = _prepared(importer, rows)
    columns_from, customers.COLUMNS_FROM = customers.COLUMNS_FROM, 1  # the columns for any batch
    try:
        columnar = importer._columns_cleaned([(mapped, kind, None) for mapped, kind in prepared])
    finally:
        customers.COLUMNS_FROM = columns_from
    settled = 0
    for (mapped, kind), cleaned in zip(prepared, columnar, strict=True):
        values = mapped.values
        if cleaned is None:
            continue
        data = importer.service_data(values, kind, for_update=False, attributes=mapped.attributes)
        try:
            expected = customer_clean(data=data, kind=kind, partial=False)
        except ValidationError as error:
            raise AssertionError(
                f"columns took {values!r}, the scalar check refuses it: {error.errors}"
            ) from None
        assert cleaned == expected, values
        settled += 1
    return settled


_SPACES = st.sampled_from(["", " ", "  ", "\t", "\u00a0", "\u2003", "\x1c"])
_WORDS = st.sampled_from(["Anna", "Åsa", "Öberg", "van der Berg", "Fjällräven AB", "X" * 101, "", "İlk"])
_NAME = st.builds(lambda a, b, c, d: f"{a}{b}{c}{d}", _SPACES, _WORDS, _SPACES, _WORDS)
_NUMBERS = [se_personnummer(index).value for index in range(200)]
_PLAIN_NUMBER = st.one_of(
    st.sampled_from(_NUMBERS),
    st.builds(lambda n: n.replace("-", ""), st.sampled_from(_NUMBERS)),
    st.builds(lambda n: n[2:], st.sampled_from(_NUMBERS)),
)
# Per column of HEADERS: values in the common forms, and values the scalar rules read or refuse
# otherwise; a row is plain but for up to three of its cells.
_PLAIN = [
    st.builds(lambda n: f"K{n}", st.integers(0, 10**6)),
    st.sampled_from(["", "person"]),
    st.sampled_from(["Anna", "Åsa", "Per Olof", "Eva-Lena"]),
    st.sampled_from(["Berg", "Öberg", "van der Berg", ""]),
    st.just(""),
    st.just(""),
    st.one_of(st.just(""), _PLAIN_NUMBER),
    st.builds(
        lambda n, d: f"user.{n}@{d}", st.integers(0, 999), st.sampled_from(["example.se", "Ex-ample.CO.uk"])
    ),
    st.sampled_from(["", "070-123 45 67", "+46 70 123 45 67", "08-123 456 78", "0701234567"]),
    st.sampled_from(["", "Storgatan 1", "Box 123", "c/o Ek, Ån 7"]),
    st.sampled_from(["", "111 22", "11122", "413 04"]),
    st.sampled_from(["", "Göteborg", "Stockholm"]),
    st.sampled_from(["", "SE", "Sverige"]),
    st.sampled_from(["", "svenska", "English"]),
    st.sampled_from(["", "gold", "Silver"]),
    st.sampled_from(["", "1981-12-28", "19811228", "28.12.1981"]),
    st.sampled_from(["", "2014-03-01", "15.6.2019", "2019/06/15"]),
    st.sampled_from(["", "vip", "vip; nyhetsbrev"]),
]
_TRICKY = [
    st.just(""),
    st.sampled_from(["företag", "alien", "org", "privat"]),
    _NAME,
    _NAME,
    st.one_of(_NAME, st.just("Fjällräven  AB")),
    st.sampled_from(["Retail", " Retail  trade ", "I" * 101]),
    st.one_of(
        st.builds(lambda n: n[:-1] + str((int(n[-1]) + 1) % 10), st.sampled_from(_NUMBERS)),
        st.builds(lambda n: n.replace("-", "+"), st.sampled_from(_NUMBERS)),
        st.sampled_from(
            [
                "811228-9874",
                "811288-9877",
                " 811228-9874",
                "811228 9874",
                "200001010000",
                "990230-1234",
                "556036-0793",
                "5560360793",
                "16556036-0793",
                "15108695467",
                "15108695468",
                "974760673",
                "211062-5629",
                "13585628",
                "131052-308T",
                "2085565-8",
                "20991231-0000",
                "180001010007",
                "0000000000",
                "811228-98744",
            ]
        ),
    ),
    st.sampled_from(
        [
            "Anna.Berg@Example.SE",
            " anna@example.se ",
            "anna@example.test",
            "anna@localhost",
            "anna@@example.se",
            "anna..berg@example.se",
            "åsa@example.se",
            "anna@exämple.se",
            "a" * 65 + "@example.se",
            "anna@" + "b" * 64 + ".se",
            "\u212aalle@example.se",
            "anna+tag@sub.example.co",
            "anna@example.s",
            "anna@-example.se",
            "not-an-email",
            "anna@example.se\n",
        ]
    ),
    st.sampled_from(["0046701234567", "412 34 567", "+47 412 34 567", "12", "(08) 123 456", "   "]),
    st.one_of(_NAME, st.just("S" * 201)),
    st.sampled_from(
        ["SE-111 22", "S-111 22", "0150", "N-0150", "2100", "00100", "1234", "1 1 1", "011 22", " "]
    ),
    st.sampled_from([" Oslo ", "Stock  holm", "Y" * 101, "\u00a0"]),
    st.sampled_from(["NO", "DK", "FI", "Norge", "DE", "XX", "se", "Tyskland"]),
    st.sampled_from(["Norsk", "en", "klingon", "SE"]),
    st.sampled_from(["platinum", "diamond", "GOLD"]),
    st.sampled_from(["1899-12-31", "2099-01-01", "1988-02-30", "20991231"]),
    st.sampled_from(["1899-12-31", "2099-01-01", "31.12.2099", "0001-01-01"]),
    st.sampled_from([";;", "a, A", "t" * 61, " , x"]),
]
_ROW = st.builds(
    lambda plain, changes: [changes.get(at, cell) for at, cell in enumerate(plain)],
    st.tuples(*_PLAIN),
    st.dictionaries(st.integers(0, len(_TRICKY) - 1), st.just(None), max_size=3).flatmap(
        lambda picked: st.fixed_dictionaries({at: _TRICKY[at] for at in picked})
    ),
)


ATTRIBUTE_HEADERS = [" Anteckning  ", "Kredit\u00a0gräns"]
_ATTRIBUTE_CELL = st.sampled_from(["", "", "10 000", "  a \t b ", "x" * 1001, "ok"])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=st.lists(st.tuples(_ROW, _ATTRIBUTE_CELL, _ATTRIBUTE_CELL), min_size=1, max_size=40))
def test_rows_the_columns_settle_are_cleaned_as_customer_clean_cleans_them(
    rows: list[tuple[list[str], str, str]],
) -> None:
    mapping = {**dict(zip(HEADERS, FIELDS, strict=True)), **dict.fromkeys(ATTRIBUTE_HEADERS, "attribute")}
    importer = _importer(HEADERS + ATTRIBUTE_HEADERS, mapping)
    _both_ways(importer, [[*row, first, second] for row, first, second in rows])


def test_plain_rows_of_every_field_are_settled_as_columns() -> None:
    # given rows in the common forms, a person and an organisation
    rows = [
        [
            "K1",
            "",
            "Anna",
            "Berg",
            "",
            "",
            "811228-9874",
            "Anna@Example.SE",
            "070-123 45 67",
            "Storgatan 1",
            "111 22",
            "Göteborg",
            "SE",
            "svenska",
            "gold",
            "1981-12-28",
            "2014-03-01",
            "vip; nyhetsbrev",
        ],
        [
            "K2",
            "företag",
            "",
            "",
            "Fjällräven  AB",
            "Retail",
            "556036-0793",
            "info@fjall.example.se",
            "",
            "Box 1",
            "831 48",
            "Östersund",
            "Sverige",
            "",
            "",
            "",
            "15.6.2019",
            "",
        ],
    ]
    # when both paths clean them, then the columns settle both, with customer_clean's data
    assert _both_ways(_importer(HEADERS, dict(zip(HEADERS, FIELDS, strict=True))), rows) == 2


@pytest.mark.parametrize(
    "name",
    [
        "customers_broken.csv",
        "customers_fortnox_cp1252.csv",
        "customers_semicolon_cp1252.csv",
        "customers_utf8_bom.csv",
    ],
)
def test_fixture_files_settled_as_columns_are_cleaned_as_customer_clean_cleans_them(name: str) -> None:
    path = FIXTURES / name
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252")
    delimiter = ";" if ";" in text.splitlines()[0] else ","
    headers, *rows = list(csv.reader(text.splitlines(), delimiter=delimiter))
    importer = _importer(headers, mapping_guess("customers", headers))
    assert _both_ways(importer, rows) >= 1


@pytest.mark.django_db
def test_a_check_stages_and_rejects_the_same_either_way(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given a file of plain rows and rows only the scalar check reads or rejects
    path = tmp_path / "customers.csv"
    path.write_text(
        ";".join(HEADERS) + "\n"
        "K1;;Anna;Berg;;;811228-9874;Anna@Example.SE;070-123 45 67;Storgatan 1;111 22;Göteborg;SE;svenska;gold;"
        "1981-12-28;2014-03-01;vip\n"
        "K2;;Per;Pil;;;811228-9875;per@example.se;;;;;SE;;;;;\n"
        "K3;;Eva; Ek ;;;;eva@exämple.se;+47 412 34 567;;;Oslo;NO;;;;;\n"
        "K4;företag;;;Fjällräven AB;;556036-0793;info@fjall.example.se;;Box 1;831 48;Östersund;SE;;;;15.6.2019;\n"
        "K5;;Ida;Ask;;;;ida@example.test;;;;;;;;;2099-01-01;\n",
        encoding="utf-8",
    )

    # when it is checked as columns and row by row
    monkeypatch.setattr(customers, "COLUMNS_FROM", 1)
    columns = check("customers", path, source="erp")
    monkeypatch.setattr(customers, "COLUMNS_FROM", 10**9)
    scalar = check("customers", path, source="erp")

    # then the same rows are staged with the same data, and the same rows rejected with the same reasons
    assert _staged_data(columns) == _staged_data(scalar)
    assert rejections(columns) == rejections(scalar)
    staged = _staged_data(columns)
    assert [(line, action) for line, action, _data in staged] == [(2, "create"), (4, "create"), (5, "create")]
    assert staged[0][2]["cleaned"]["emails"] == [
        {"address": "anna@example.se", "label": "", "is_primary": True}
    ]
    assert staged[0][2]["cleaned"]["national_id"]["compact"] == "198112289874"
    assert staged[2][2]["cleaned"]["customer_since"] == dt.date(2019, 6, 15).isoformat()
    assert [(line, field) for line, field, _reason in rejections(columns)] == [
        (3, "national_id"),
        (6, "customer_since"),
        (6, "email"),
    ]


def _staged_data(job: ImportJob) -> list[tuple[int, str, Any]]:
    return list(StagedRow.objects.filter(job=job).order_by("line").values_list("line", "action", "data"))


def test_nordic_numbers_and_odd_rows_go_the_way_customer_clean_reads_them() -> None:
    importer = _importer(HEADERS, dict(zip(HEADERS, FIELDS, strict=True)))
    plain = [
        "",
        "",
        "Kari",
        "Nordmann",
        "",
        "",
        "",
        "kari@example.no",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
    ]

    def row(**cells: str) -> list[str]:
        return [cells.get(field, cell) for field, cell in zip(FIELDS, plain, strict=True)]

    # given Norwegian, Danish and Finnish numbers with their countries' phones and postal codes
    nordic = [
        row(
            national_id="15108695401",
            country="NO",
            phone="+47 412 34 567",
            street="Gate 1",
            postal_code="0150",
        ),
        row(
            national_id="211062-5629", country="DK", phone="20 12 34 56", city="København", postal_code="2100"
        ),
        row(national_id="131052-308T", country="FI", postal_code="00100", city="Helsinki"),
        row(
            kind="företag",
            organisation_name="Equinor ASA",
            first_name="",
            last_name="",
            national_id="974760673",
            country="NO",
        ),
    ]
    # when both paths clean them, then the columns settle all four, with customer_clean's data
    assert _both_ways(importer, nordic) == 4
    # and rows with a bad Norwegian check digit, a Swedish postal code in Norway, a tab in a name or a
    # lone surrogate are left to customer_clean
    odd = [
        row(national_id="15108695467", country="NO"),
        row(country="NO", street="Gate 1", postal_code="111 22"),
        row(first_name="Kari\tAnne"),
    ]
    # (a file's row cannot hold a lone surrogate, the row hash refuses it; the columns refuse it anyway)
    prepared = [
        *((mapped.values, kind) for mapped, kind in _prepared(importer, odd)),
        ({"first_name": "Kari", "last_name": "Nord\ud800mann"}, "person"),
    ]
    assert cleaned_rows(
        [values for values, _kind in prepared],
        [kind for _values, kind in prepared],
        fields=importer.mapped_fields,
        aliases=_LANGUAGES,
        fold=fold,
        parse_date=parse_date,
    ) == [None, None, None, None]


def _fodselsnummer(day: int, month: int, year: int, individual: int, fix: bool, last: int) -> str:
    from stdnum.no import fodselsnummer

    number = f"{day:02d}{month:02d}{year:02d}{individual:03d}"
    if not fix:
        return f"{number}{last:02d}"
    number += fodselsnummer.calc_check_digit1(number)[-1]
    return number + fodselsnummer.calc_check_digit2(number)[-1]


@settings(max_examples=40, deadline=None)
@given(
    numbers=st.lists(
        st.builds(
            _fodselsnummer,
            st.one_of(st.integers(1, 31), st.integers(41, 71), st.integers(0, 99)),
            st.one_of(st.integers(1, 12), st.integers(41, 52), st.integers(0, 99)),
            st.integers(0, 99),
            st.integers(0, 999),
            st.booleans(),
            st.integers(0, 99),
        ),
        min_size=1,
        max_size=60,
    )
)
def test_norwegian_numbers_as_columns_are_the_ones_stdnum_takes(numbers: list[str]) -> None:
    from stdnum.no import fodselsnummer

    frame = pl.DataFrame({"national_id": numbers})
    taken = customer_rows._no_person(frame, dt.date.today())["no_ok"].to_list()
    assert taken == [fodselsnummer.is_valid(number) for number in numbers]


@settings(max_examples=40, deadline=None)
@given(numbers=st.lists(st.from_regex(r"\A(?:18|19|20)?[0-9]{6}[-+]?[0-9]{4}\Z"), min_size=1, max_size=60))
def test_swedish_numbers_as_columns_are_the_ones_the_scalar_rules_take(numbers: list[str]) -> None:
    frame = customer_rows._se_person(pl.DataFrame({"national_id": numbers}), dt.date.today())
    for number, compact, kind in zip(numbers, frame["se_compact"], frame["se_kind"], strict=True):
        if compact is None:
            continue  # left to national_id_parse
        parsed = national_id_parse(country="SE", holder="person", value=number)
        assert (parsed.compact, parsed.kind) == (compact, kind)
