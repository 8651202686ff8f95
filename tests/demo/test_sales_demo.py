"""Demo sales data: loaded through the real import, deterministic, and visible on customers."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from lojal.customers.models import Customer
from lojal.imports.models import ImportJob
from lojal.sales.models import Holding, Product, Transaction

pytestmark = pytest.mark.django_db


def test_demo_load_imports_products_transactions_and_holdings(settings: Any, tmp_path: Path) -> None:
    settings.IMPORT_DIR = tmp_path
    out = io.StringIO()
    call_command("demo", "load", "--customers", "60", "--force", stdout=out, stderr=io.StringIO())
    assert "Imported 12 products" in out.getvalue()
    assert Product.objects.count() == 12
    assert Product.objects.filter(is_active=False).count() == 2
    assert Transaction.objects.count() > 60
    assert Holding.objects.exists()
    assert set(ImportJob.objects.values_list("kind", "status")) == {
        ("products", "done"),
        ("transactions", "done"),
        ("holdings", "done"),
    }
    assert ImportJob.objects.filter(rejected_count__gt=0).count() == 0
    currencies = set(Transaction.objects.values_list("currency", flat=True))
    assert "SEK" in currencies and len(currencies) > 1
    assert Customer.objects.filter(lifecycle_stage="customer").exists()
