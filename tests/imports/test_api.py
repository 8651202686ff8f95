"""The imports API for scheduled ERP syncs: upload, poll, report, mapping, commit, cancel; junk input."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from lojal.customers.models import Customer
from lojal.imports.models import ImportJob
from lojal.sales.models import Transaction
from tests.conftest import ApiClient
from tests.imports.helpers import FIXTURES

pytestmark = pytest.mark.django_db(transaction=True)


def upload(api: ApiClient, name: str, **fields: Any) -> Any:
    with (FIXTURES / name).open("rb") as handle:
        return api.client.post("/api/v1/imports", {"file": handle, **fields})


def test_upload_poll_and_commit_a_customers_file(api: ApiClient) -> None:
    response = upload(api, "customers_semicolon_cp1252.csv", kind="customers", source="erp")
    assert response.status_code == 202, response.content
    job_id = response.json()["id"]
    # The check ran in the (immediate) task backend after the request's commit.
    job = api.get(f"imports/{job_id}").json()
    assert job["status"] == "checked"
    assert (job["created"], job["updated"], job["unchanged"], job["rejected"]) == (3, 0, 0, 0)
    assert job["encoding"] == "cp1252"
    assert job["delimiter"] == ";"
    assert job["mapping"]["Personnummer"] == "national_id"
    assert job["progress"]["rows_done"] == 3
    assert job["progress"]["percent"] == 100
    assert job["can_commit"] is True
    assert Customer.objects.count() == 0
    committed = api.post(f"imports/{job_id}/commit")
    assert committed.status_code == 202
    assert api.get(f"imports/{job_id}").json()["status"] == "done"
    assert Customer.objects.count() == 3
    listed = api.get("imports").json()
    assert [item["id"] for item in listed["items"]] == [job_id]


def test_upload_with_commit_true_commits_a_clean_file_at_once(api: ApiClient) -> None:
    response = upload(api, "customers_semicolon_cp1252.csv", kind="customers", source="erp", commit="true")
    assert api.get(f"imports/{response.json()['id']}").json()["status"] == "done"
    assert Customer.objects.count() == 3


def test_rejected_rows_are_read_page_by_page_and_block_the_commit(api: ApiClient) -> None:
    upload(api, "customers_semicolon_cp1252.csv", kind="customers", source="erp", commit="true")
    job_id = upload(api, "transactions_broken.csv", kind="transactions", source="erp").json()["id"]
    first = api.get(f"imports/{job_id}/rejections", limit=4).json()
    assert [item["line"] for item in first["items"]] == [3, 4, 5, 6]
    assert first["items"][1] == {
        "line": 4,
        "field": "occurred_at",
        "reason": "Not a date: 2026-13-45",
        "value": "2026-13-45",
        "column": "Datum",
    }
    rest = api.get(f"imports/{job_id}/rejections", cursor=first["next_cursor"]).json()
    assert [item["line"] for item in rest["items"]] == [7, 8]
    assert rest["next_cursor"] is None
    refused = api.post(f"imports/{job_id}/commit")
    assert refused.status_code == 409
    assert refused["Content-Type"] == "application/problem+json"
    assert "6 rows were rejected" in refused.json()["detail"]
    assert Transaction.objects.count() == 0


def test_changing_the_mapping_checks_again_and_can_skip_bad_rows(api: ApiClient) -> None:
    upload(api, "customers_semicolon_cp1252.csv", kind="customers", source="erp", commit="true")
    job_id = upload(api, "transactions_broken.csv", kind="transactions", source="erp").json()["id"]
    response = api._call(
        "put", f"imports/{job_id}/mapping", {"mapping": {"Personnummer": ""}, "skip_bad_rows": True}
    )
    assert response.status_code == 202
    job = api.get(f"imports/{job_id}").json()
    assert job["mapping"]["Personnummer"] == ""
    assert (job["status"], job["rejected"], job["can_commit"]) == ("checked", 6, True)
    api.post(f"imports/{job_id}/commit")
    assert list(Transaction.objects.values_list("external_id", flat=True)) == ["B-1"]


def test_cancel(api: ApiClient) -> None:
    job_id = upload(api, "customers_semicolon_cp1252.csv", kind="customers").json()["id"]
    assert api.post(f"imports/{job_id}/cancel").json()["status"] == "cancelled"
    assert api.post(f"imports/{job_id}/cancel").status_code == 409
    assert api.post(f"imports/{job_id}/commit").status_code == 409


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"kind": "spaceships"}, "kind"),
        ({"kind": "customers", "default_currency": "XXX"}, "default_currency"),
        ({"kind": "customers", "source": "x" * 61}, "source"),
        ({"kind": "customers", "mapping": "{not json"}, "mapping"),
        ({"kind": "customers", "mapping": "[1, 2]"}, "mapping"),
    ],
)
def test_junk_upload_fields_are_problems_naming_the_field(
    api: ApiClient, fields: dict[str, str], field: str
) -> None:
    response = upload(api, "customers_utf8_bom.csv", **fields)
    assert response.status_code == 422
    assert [error["field"] for error in response.json()["errors"]] == [field]
    assert ImportJob.objects.count() == 0


def test_junk_files_and_missing_parts(api: ApiClient, tmp_path: Any) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    with empty.open("rb") as handle:
        response = api.client.post("/api/v1/imports", {"file": handle, "kind": "customers"})
    assert response.status_code == 422
    assert response.json()["errors"] == [{"field": "file", "reasons": ["The file is empty."]}]
    missing = api.client.post("/api/v1/imports", {"kind": "customers"})
    assert missing.status_code == 422
    assert api.get("imports/999999").status_code == 404
    assert api.get("imports/abc").status_code == 422
    assert api.get("imports/1/rejections", limit=0).status_code == 422
    bad_mapping = api._call("put", "imports/999/mapping", {"mapping": "nope"})
    assert bad_mapping.status_code == 422


def test_binary_garbage_is_checked_and_fails_with_a_reason_not_a_crash(api: ApiClient, tmp_path: Any) -> None:
    garbage = tmp_path / "x.csv"
    garbage.write_bytes(bytes(range(256)) * 20)
    with garbage.open("rb") as handle:
        response = api.client.post("/api/v1/imports", {"file": handle, "kind": "transactions"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "file"
    assert "not readable text" in response.json()["errors"][0]["reasons"][0]


def test_a_nul_byte_halfway_rejects_that_row(api: ApiClient, tmp_path: Any) -> None:
    path = tmp_path / "nul.csv"
    path.write_bytes(
        b"Verifikation;Kundnr;Datum;Belopp\n" + b"V;K;2026-01-01;1\n" * 10 + b"V\x00;K;2026-01-01;1\n"
    )
    with path.open("rb") as handle:
        response = api.client.post("/api/v1/imports", {"file": handle, "kind": "transactions"})
    job_id = response.json()["id"]
    assert api.get(f"imports/{job_id}").json()["rejected"] == 11
    found = api.get(f"imports/{job_id}/rejections").json()["items"]
    assert found[-1] == {
        "line": 12,
        "field": "external_id",
        "reason": "Contains a NUL character, which is never valid.",
        "value": "",
        "column": "Verifikation",
    }


def test_roles_without_import_rights_are_refused(api_as: Any) -> None:
    for role in ("sales", "service_agent", "marketing", "read_only"):
        client = api_as(role)
        with (FIXTURES / "customers_utf8_bom.csv").open("rb") as handle:
            assert (
                client.client.post("/api/v1/imports", {"file": handle, "kind": "customers"}).status_code
                == 403
            )
        assert client.get("imports").status_code == 403
    assert ImportJob.objects.count() == 0


def test_without_a_token_it_is_401() -> None:
    assert Client().get("/api/v1/imports").status_code == 401


def test_imports_are_in_the_openapi_document(api: ApiClient) -> None:
    paths = api.get("openapi.json").json()["paths"]
    assert {
        "/api/v1/imports",
        "/api/v1/imports/{job_id}",
        "/api/v1/imports/{job_id}/rejections",
        "/api/v1/imports/{job_id}/commit",
    } <= set(paths)
    assert json.dumps(paths["/api/v1/imports"]["post"]).count("multipart/form-data") == 1
