"""The transaction check types the rows written in common forms as columns and the rest one by one:
whichever way a row goes, it gets the values (or the rejection) the row-by-row check gives it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lojal.imports.columnar.transaction_rows import TYPED
from lojal.imports.models import ImportJob
from lojal.imports.transactions import TransactionImporter
from lojal.imports.transactions import check as transaction_check
from lojal.sales.models import Transaction
from tests.imports.helpers import run

pytestmark = pytest.mark.django_db

HEADERS = ["id", "kund", "datum", "typ", "antal", "belopp", "valuta", "tb", "kostnad", "kanal", "artikel"]
MAPPING = dict(
    zip(
        HEADERS,
        [
            "external_id",
            "customer_external_id",
            "occurred_at",
            "kind",
            "quantity",
            "amount",
            "currency",
            "margin",
            "cost",
            "channel",
            "product_code",
        ],
        strict=True,
    )
)


@st.composite
def numbers(draw: st.DrawFn) -> str:
    whole = draw(st.integers(min_value=0, max_value=10**15))
    grouped = draw(st.sampled_from(["", " ", "\u00a0", ".", ","]))
    text = f"{whole:,}".replace(",", grouped) if grouped else str(whole)
    if draw(st.booleans()):
        text += draw(st.sampled_from([",", "."])) + draw(st.sampled_from(["5", "50", "05", "505", "00"]))
    return draw(st.sampled_from(["", "-", "+", "0"])) + text + draw(st.sampled_from(["", " kr"]))


@st.composite
def moments(draw: st.DrawFn) -> str:
    moment = draw(
        st.datetimes(min_value=dt.datetime(1960, 1, 1), max_value=dt.datetime(2045, 12, 31))
        | st.sampled_from(
            [dt.datetime(2026, 3, 29, 2, 30), dt.datetime(2026, 10, 25, 2, 30), dt.datetime(1999, 12, 31)]
        )
    )
    form = draw(
        st.sampled_from(["%Y-%m-%d", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%d.%m.%Y", "%Y-%m-%d %H"])
    )
    return moment.strftime(form)


CELLS = st.fixed_dictionaries(
    {
        "kund": st.sampled_from(["K-1", "K-2", "K-9", ""]),
        "datum": moments() | st.sampled_from(["", "2026-02-30", "2026-03-14 24:00"]),
        "typ": st.sampled_from(["", "köp", "Retur", "insättning", "uttag", "trade", "xyz"]),
        "antal": st.sampled_from(["", "1", "2,5", "0", "-1", "1,2345", "1 000", "0,001"]) | numbers(),
        "belopp": numbers() | st.sampled_from(["", "-0", "-0,00", "12O", "0012,50"]),
        "valuta": st.sampled_from(["", "SEK", "ISK", "eur", "XYZ", " nok "]),
        "tb": st.sampled_from(["", "-0"]) | numbers(),
        "kostnad": st.sampled_from(["", "x"]) | numbers(),
        "kanal": st.sampled_from(["", "webb", "Butik", "brevduva"]),
        "artikel": st.sampled_from(["", "A", "NEW", "x" * 61]),
    }
)


def importer(locale: str, currency: str) -> TransactionImporter:
    job = ImportJob.objects.create(
        kind="transactions",
        source="erp",
        file_name="t.csv",
        file_path="/nonexistent",
        headers=HEADERS,
        mapping=MAPPING,
        default_currency=currency,
        number_locale=locale,
    )
    checker = TransactionImporter(job)
    checker.products = {"A": 11}
    checker.resolver.found = {("customer_external_id", "K-1"): 1, ("customer_external_id", "K-2"): None}
    return checker


def typed_in_batch(checker: TransactionImporter, to_parse: list[tuple[Any, ...]]) -> list[Any]:
    """What the check stages per row: the columns' values where they took the row, else the scalar's."""
    cells = pl.DataFrame(
        {
            name: pl.Series([row[1][at] for row in to_parse], dtype=pl.String)
            for name, at in checker.position.items()
        }
    )
    typed = checker._typed(cells)
    return [
        row if taken else checker._parse(line, values)
        for (line, values, *_rest), taken, row in zip(
            to_parse, typed["taken"].to_list(), typed.select(TYPED).rows(), strict=True
        )
    ]


@settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    rows=st.lists(CELLS, min_size=1, max_size=25),
    locale=st.sampled_from(["sv_SE", "en_GB", "nb_NO", "fi_FI"]),
    currency=st.sampled_from(["SEK", "ISK"]),
)
def test_rows_typed_as_columns_get_the_values_the_row_by_row_check_gives(
    rows: list[dict[str, str]], locale: str, currency: str
) -> None:
    # given rows of every form, good and bad
    checker = importer(locale, currency)
    to_parse: list[tuple[Any, ...]] = [
        (line, [f"T-{line}", *(cells[header] for header in HEADERS[1:])], {}, "", f"T-{line}", None)
        for line, cells in enumerate(rows, start=2)
    ]

    # when they are typed as a batch, and one by one
    batch = typed_in_batch(checker, to_parse)
    batch_rejections = sorted(checker._rejections)
    checker._rejections = []
    single = [checker._parse(row[0], row[1]) for row in to_parse]

    # then each row has the same values, or is rejected for the same reasons
    assert batch == single
    assert batch_rejections == sorted(checker._rejections)


def test_rows_in_the_common_forms_are_typed_without_the_row_by_row_check(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # given rows as an ERP writes them: Swedish numbers, local times, kind and channel words
    checker = importer("sv_SE", "SEK")
    cells = [
        ["V0", "K-1", "2025-03-24 08:36", "Köp", "3", "1 302,82", "SEK", "90,85", "", "Butik", "A"],
        ["V1", "K-1", "2025-11-06", "Retur", "", "-476,05", "", "", "12,5", "Webb", "NEW"],
        ["V2", "K-1", "2025-11-06T01:35:10", "", "0,5", "-5", "eur", "", "", "", ""],
    ]
    to_parse = [(line, row, {}, "", row[0], None) for line, row in enumerate(cells, start=2)]
    monkeypatch.setattr(checker, "_parse", lambda line, values: pytest.fail(f"line {line} went row by row"))

    # when they are typed
    typed = typed_in_batch(checker, to_parse)

    # then each has its values, none went through the row-by-row check
    assert [(row[2], str(row[4]), str(row[5]), row[6], row[7] and str(row[7]), row[8]) for row in typed] == [
        ("purchase", "3.000", "1302.82", "SEK", "90.85", "store"),
        ("refund", "1.000", "-476.05", "SEK", "-488.55", "web"),
        ("refund", "0.500", "-5.00", "EUR", None, ""),
    ]
    assert typed[0][1] == dt.datetime(2025, 3, 24, 7, 36, tzinfo=dt.UTC)


@pytest.mark.parametrize("as_columns", [True, False])
def test_rows_typed_either_way_are_staged_and_committed_in_file_order(
    as_columns: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not as_columns:
        # every row left to the row-by-row check, as if the columns had taken none
        typed_rows = transaction_check.typed_rows

        def none_taken(*args: Any, **kwargs: Any) -> pl.DataFrame:
            return typed_rows(*args, **kwargs).with_columns(taken=pl.lit(False))

        monkeypatch.setattr(transaction_check, "typed_rows", none_taken)
    # given customers, and rows in the common forms around one only the row-by-row check reads (a
    # local time the clocks skip), one it rejects, and one with an article new to the catalogue
    run("customers", "customers_semicolon_cp1252.csv", source="erp")
    path = tmp_path / "sales.csv"
    path.write_text(
        "Verifikation;Kundnr;Datum;Typ;Antal;Belopp;Valuta;Artikel\n"
        "T-1;K-1001;2026-03-14 10:00;köp;2;1 199,90;SEK;\n"
        "T-2;K-1001;2026-03-29 02:30;köp;1;5,00;SEK;\n"
        "T-3;K-1001;2026-03-14;köp;1;-5;SEK;\n"
        "T-4;K-1001;2026-03-15;retur;1;-5;eur;NY-1\n",
        encoding="utf-8",
    )

    # when it is checked and committed, skipping the bad row
    job = run("transactions", path, source="erp", skip_bad_rows=True)

    # then the good rows are stored with their values, the skipped local time dated as Python dates it
    assert (job.status, job.created_count, job.rejected_count) == ("done", 3, 1)
    stored = list(
        Transaction.objects.order_by("pk").values_list(
            "external_id", "occurred_at", "kind", "amount", "currency"
        )
    )
    assert stored == [
        ("T-1", dt.datetime(2026, 3, 14, 9, 0, tzinfo=dt.UTC), "purchase", Decimal("1199.90"), "SEK"),
        ("T-2", dt.datetime(2026, 3, 29, 1, 30, tzinfo=dt.UTC), "purchase", Decimal("5.00"), "SEK"),
        ("T-4", dt.datetime(2026, 3, 14, 23, 0, tzinfo=dt.UTC), "refund", Decimal("-5.00"), "EUR"),
    ]
    assert Transaction.objects.get(external_id="T-4").product.code == "NY-1"
