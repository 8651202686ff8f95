"""The transaction import refuses what the API refuses: amounts with more decimals than the currency
has (never rounded), a negative zero, a negative purchase, a quantity of zero or less, a date outside
1900-2100; each bad row is reported with its line and field, and the good ones are kept as written."""

from __future__ import annotations

from pathlib import Path

import pytest

from lojal.sales.models import Transaction
from tests.imports.helpers import check, rejections, run

pytestmark = pytest.mark.django_db


def test_amounts_quantities_and_dates_that_cannot_be_right_are_rejected_not_rounded(tmp_path: Path) -> None:
    # Given customers, and a file with one good row and one row per thing that cannot be right
    run("customers", "customers_semicolon_cp1252.csv", source="erp")
    path = tmp_path / "sales.csv"
    path.write_text(
        "Verifikation;Kundnr;Datum;Typ;Antal;Belopp;Valuta\n"
        "T-1;K-1001;2026-03-14;köp;2;199,90;SEK\n"
        "T-2;K-1001;2026-03-14;köp;1;0,001;SEK\n"
        "T-3;K-1001;2026-03-14;köp;1;-0;SEK\n"
        "T-4;K-1001;2026-03-14;köp;1;-5;SEK\n"
        "T-5;K-1001;2026-03-14;köp;-1;5;SEK\n"
        "T-6;K-1001;9999-12-31;köp;1;5;SEK\n"
        "T-7;K-1001;2026-03-14;retur;1;-5;SEK\n",
        encoding="utf-8",
    )
    mapping = {
        "Verifikation": "external_id",
        "Kundnr": "customer_external_id",
        "Datum": "occurred_at",
        "Typ": "kind",
        "Antal": "quantity",
        "Belopp": "amount",
        "Valuta": "currency",
    }
    # When it is checked
    job = check("transactions", path, source="erp", mapping=mapping)
    # Then every bad row is reported with its field, and only the good rows would be written
    assert [(line, field) for line, field, _reason in rejections(job)] == [
        (3, "amount"),
        (4, "amount"),
        (5, "amount"),
        (6, "quantity"),
        (7, "occurred_at"),
    ]
    assert (job.created_count, job.rejected_count) == (2, 5)
    assert Transaction.objects.count() == 0
