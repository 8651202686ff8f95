"""Import pages: upload, the progress block, the dry-run report, mapping, commit, cancel."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from lojal.customers.models import Customer
from lojal.imports.models import ImportJob
from tests.imports.helpers import FIXTURES, check

pytestmark = pytest.mark.django_db(transaction=True)


def upload(client: Client, name: str, **fields: Any) -> Any:
    with (FIXTURES / name).open("rb") as handle:
        data = {"kind": "customers", "source": "erp", "default_currency": "SEK", "file": handle, **fields}
        return client.post("/imports/", data)


def test_upload_checks_and_shows_the_report_then_commit(staff_client: Client) -> None:
    response = upload(staff_client, "customers_semicolon_cp1252.csv")
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/imports/{job.pk}/"
    page = staff_client.get(f"/imports/{job.pk}/").content.decode()
    assert "Checked, ready to commit" in page
    assert 'data-testid="created">3<' in page
    assert "No rejected rows." in page
    assert 'value="national_id" selected' in page
    assert Customer.objects.count() == 0
    staff_client.post(f"/imports/{job.pk}/commit/")
    assert Customer.objects.count() == 3
    assert "Committed" in staff_client.get(f"/imports/{job.pk}/").content.decode()
    listing = staff_client.get("/imports/").content.decode()
    assert "customers_semicolon_cp1252.csv" in listing


def test_rejected_rows_are_listed_and_the_commit_is_not_offered(staff_client: Client) -> None:
    upload(staff_client, "customers_semicolon_cp1252.csv")
    staff_client.post(f"/imports/{ImportJob.objects.get().pk}/commit/")
    upload(staff_client, "customers_broken.csv")
    job = ImportJob.objects.order_by("-pk").first()
    assert job is not None
    page = staff_client.get(f"/imports/{job.pk}/").content.decode()
    assert "This is not a valid email address" in page
    assert "Duplicate: the same customer id is on line 5." in page
    assert "/commit/" not in page
    assert "Checked: rows rejected" in page and "ready to commit" not in page
    assert f"({job.rejected_count})" in page  # one problem per rejected row here
    assert staff_client.post(f"/imports/{job.pk}/commit/").status_code == 302
    assert Customer.objects.count() == 3


def test_a_row_wrong_in_two_fields_lists_both_and_the_heading_says_so(staff_client: Client) -> None:
    upload(staff_client, "transactions_broken.csv", kind="transactions")
    job = ImportJob.objects.get()
    problems = job.rejections.count()
    assert problems > job.rejected_count > 0
    page = staff_client.get(f"/imports/{job.pk}/").content.decode()
    assert f"({job.rejected_count} · {problems} problems)" in page
    listing = staff_client.get("/imports/").content.decode()
    rows = listing.split('id="imports-rows"')[1]  # the status filter names every status
    assert "Checked: rows rejected" in rows and "ready to commit" not in rows


def test_the_progress_block_polls_while_running_and_reloads_when_done(staff_client: Client) -> None:
    job = check("customers", "customers_semicolon_cp1252.csv")
    ImportJob.objects.filter(pk=job.pk).update(status="checking", rows_done=1000, fraction_done=0.25)
    block = staff_client.get(f"/imports/{job.pk}/progress/")
    html = block.content.decode()
    assert 'hx-trigger="every 1s"' in html
    assert 'value="25"' in html
    assert "1,000 rows" in html
    assert "HX-Refresh" not in block
    ImportJob.objects.filter(pk=job.pk).update(status="checked", fraction_done=1)
    done = staff_client.get(f"/imports/{job.pk}/progress/?was=checking")
    assert done["HX-Refresh"] == "true"
    assert 'hx-trigger="every 1s"' not in done.content.decode()


def test_mapping_form_saves_and_checks_again(staff_client: Client) -> None:
    job = check("customers", "customers_semicolon_cp1252.csv", source="erp")
    columns = {f"column-{index}": job.mapping[header] for index, header in enumerate(job.headers)}
    columns["column-6"] = ""  # Telefon: ignore
    staff_client.post(f"/imports/{job.pk}/mapping/", columns)
    job.refresh_from_db()
    assert job.mapping["Telefon"] == ""
    assert job.status == "checked"
    bad = {**columns, "column-1": "first_name", "column-2": "first_name"}
    response = staff_client.post(f"/imports/{job.pk}/mapping/", bad, follow=True)
    assert "First name is already taken by column Förnamn." in response.content.decode()


def test_cancel_from_the_page(staff_client: Client) -> None:
    job = check("customers", "customers_semicolon_cp1252.csv")
    staff_client.post(f"/imports/{job.pk}/cancel/")
    job.refresh_from_db()
    assert job.status == "cancelled"


def test_a_bad_upload_shows_form_errors_and_creates_nothing(staff_client: Client, tmp_path: Any) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    with empty.open("rb") as handle:
        response = staff_client.post(
            "/imports/", {"kind": "customers", "source": "erp", "default_currency": "SEK", "file": handle}
        )
    assert response.status_code == 200
    assert "The submitted file is empty." in response.content.decode()
    response = staff_client.post("/imports/", {"kind": "nope", "source": "", "default_currency": "SEK"})
    assert response.status_code == 200
    assert ImportJob.objects.count() == 0


def test_sales_staff_cannot_reach_the_import_pages(make_user: Any) -> None:
    client = Client()
    client.force_login(make_user("sales"))
    assert client.get("/imports/").status_code == 403
    assert "/imports/" not in client.get("/customers/").content.decode()
