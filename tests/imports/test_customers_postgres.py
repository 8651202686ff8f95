"""The customer import's PostgreSQL paths: the dry run looks rows up set-based (no more statements
for 300 rows than for 30), and a re-import updates its changed customers set-based."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lojal.customers.models import Customer
from lojal.imports import services
from lojal.timeline.models import Event
from tests.imports.helpers import check, run

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

HEADER = "Kundnr;Förnamn;Efternamn;E-post;Telefon;Ort\n"


def customers_file(path: Path, count: int, *, moved: int = 0) -> Path:
    lines = [
        f"K-{n};Anna;{'Berg' if n < moved else 'Andersson'}{n};anna.{n}@example.se;070-{n:07d};Umeå\n"
        for n in range(count)
    ]
    path.write_text(HEADER + "".join(lines), encoding="utf-8")
    return path


def test_lookups_of_a_reimport_of_300_rows_send_no_more_statements_than_of_30(tmp_path: Path) -> None:
    run("customers", customers_file(tmp_path / "first.csv", 300), source="erp")
    with CaptureQueriesContext(connection) as few:
        check("customers", customers_file(tmp_path / "some.csv", 30, moved=3), source="erp")
    with CaptureQueriesContext(connection) as queries:
        job = check("customers", customers_file(tmp_path / "again.csv", 300, moved=30), source="erp")
    assert (job.created_count, job.updated_count, job.unchanged_count) == (0, 30, 270)
    assert len(queries.captured_queries) <= len(few.captured_queries)


def test_a_reimport_updates_its_changed_customers_in_a_few_statements(tmp_path: Path) -> None:
    run("customers", customers_file(tmp_path / "first.csv", 300), source="erp")
    job = check("customers", customers_file(tmp_path / "again.csv", 300, moved=120), source="erp")
    assert job.updated_count == 120
    with CaptureQueriesContext(connection) as queries:
        job = services.import_job_commit(job_id=job.pk, actor=None)
    assert job.status == "done"
    # Not one customer_update (about twenty statements) per changed customer.
    assert len(queries.captured_queries) < 40
    assert Customer.objects.filter(last_name__startswith="Berg").count() == 120
    assert Event.objects.filter(kind="customer.changed").count() == 120
