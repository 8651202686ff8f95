from __future__ import annotations

import pytest

from tests.imports.helpers import check, rejections, run

pytestmark = pytest.mark.django_db


def test_smoke(settings, tmp_path) -> None:
    settings.IMPORT_DIR = tmp_path
    job = run("customers", "customers_semicolon_cp1252.csv", erp := None, source="erp")
    print(job.status, job.error, job.created_count, job.mapping)
    job = run("transactions", "transactions_semicolon_cp1252.csv", source="erp")
    print(job.status, job.error, job.created_count, job.mapping, rejections(job))
    job = check("transactions", "transactions_broken.csv", source="erp")
    print(job.status, job.error, job.created_count, job.mapping, rejections(job))
    job = check("customers", "customers_broken.csv", source="erp")
    print(job.status, job.error, job.created_count, job.updated_count, job.unchanged_count, job.mapping, rejections(job))
    assert 0
