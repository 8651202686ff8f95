"""The list of imports on the list component: filters by kind and status, sorts by a header; its query
count does not grow with the page size."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from lojal.imports.models import ImportJob

pytestmark = pytest.mark.django_db


@pytest.fixture
def jobs() -> None:
    ImportJob.objects.bulk_create(
        [
            ImportJob(
                kind="customers" if n % 2 else "transactions",
                status="done" if n % 3 else "failed",
                file_name=f"fil-{n:03d}.csv",
                file_path=f"/tmp/fil-{n}.csv",
                rejected_count=n,
            )
            for n in range(120)
        ]
    )


def files(response: Any) -> list[str]:
    return [job.file_name for job in response.context["page"]]


def test_imports_filter_by_kind_and_status_and_sort_by_rejections(staff_client: Client, jobs: None) -> None:
    newest = staff_client.get("/imports/")
    assert files(newest)[:2] == ["fil-119.csv", "fil-118.csv"]
    failed = staff_client.get("/imports/?kind=customers&status=failed&sort=-rejected")
    assert files(failed)[:3] == ["fil-117.csv", "fil-111.csv", "fil-105.csv"]
    assert failed.context["listing"].count == 20
    page = failed.content.decode()
    assert 'href="/imports/?kind=customers&amp;status=failed&amp;sort=rejected"' in page
    assert files(staff_client.get("/imports/?kind=nonsense"))[0] == "fil-119.csv"


# session, user, count, the page's jobs.
IMPORT_LIST_QUERIES = 4


@pytest.mark.parametrize("per_page", [25, 100])
def test_import_list_queries_do_not_grow_with_the_page_size(
    staff_client: Client, jobs: None, per_page: int, django_assert_num_queries: Any
) -> None:
    with django_assert_num_queries(IMPORT_LIST_QUERIES):
        response = staff_client.get(f"/imports/?per_page={per_page}")
    assert len(files(response)) == per_page
