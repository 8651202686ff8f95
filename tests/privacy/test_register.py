"""The register of processing is generated from the declarations next to the models: every model field
that looks like personal data is declared (or declared not personal, with a reason), and the register
is shown to the administrator and the data protection officer only, as a page, CSV, JSON and API."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable

import pytest
from django.apps import apps
from django.db.models import CharField, IntegerField, Model
from django.test import Client
from django.test.utils import isolate_apps

from lojal.accounts.models import User
from lojal.accounts.roles import Action, Role, role_allows
from lojal.core.privacy import declared, not_personal, retention_rules
from lojal.privacy.selectors import register_rows
from tests.conftest import ApiClient

#: Words in a field's name that suggest personal data (names, contact details, identity numbers, free
#: texts and message contents, file contents, copied values).
PERSONAL_WORDS = {
    "name", "username", "email", "phone", "address", "street", "postal", "city", "municipality",
    "region", "national", "birth", "body", "note", "notes", "text", "raw", "content", "subject",
    "summary", "sender", "recipients", "visitor", "attributes", "value", "data", "filename", "file",
    "number", "label", "changes", "reason", "diagnostic", "error", "key", "login", "references",
    "message", "report", "headers", "details", "recording", "mailbox",
}  # fmt: skip


def personal_looking(field_name: str) -> bool:
    return bool(set(re.split(r"_", field_name)) & PERSONAL_WORDS)


def covered() -> set[tuple[str, str]]:
    names = set()
    for declaration in [*declared(), *not_personal()]:
        model = apps.get_model(declaration.model)
        for field_name in declaration.fields:
            names.add((model._meta.label, field_name))
    return names


def undeclared(models: list[type[Model]]) -> list[str]:
    """The personal-looking fields of ``models`` that no declaration names."""
    known = covered()
    return [
        f"{model._meta.label}.{field.name}"
        for model in models
        for field in model._meta.concrete_fields
        if personal_looking(field.name) and (model._meta.label, field.name) not in known
    ]


def test_every_personal_looking_field_of_every_lojal_model_is_declared() -> None:
    lojal_models = [model for model in apps.get_models() if model.__module__.startswith("lojal.")]
    assert len(lojal_models) > 30
    assert undeclared(lojal_models) == []


@isolate_apps("lojal.privacy")
def test_a_new_model_with_personal_fields_and_no_declaration_is_reported() -> None:
    # given a model added without a personal_data declaration
    class LoyaltyCard(Model):
        holder_name = CharField(max_length=100)
        holder_email = CharField(max_length=100)
        points = IntegerField()

        class Meta:
            app_label = "privacy"

        def __str__(self) -> str:
            return self.holder_name

    # then the check names exactly its personal fields
    assert undeclared([LoyaltyCard]) == [
        "privacy.LoyaltyCard.holder_name",
        "privacy.LoyaltyCard.holder_email",
    ]


def test_declarations_name_real_fields_and_real_retention_rules() -> None:
    rules = {rule.key for rule in retention_rules()}
    for declaration in [*declared(), *not_personal()]:
        model = apps.get_model(declaration.model)
        for field_name in declaration.fields:
            model._meta.get_field(field_name)  # raises FieldDoesNotExist for a misspelt name
    for declaration in declared():
        assert declaration.retention in rules or (declaration.retention == "" and str(declaration.kept))


def test_register_states_the_limit_from_the_settings(settings: object) -> None:
    settings.RETAIN_INTERACTIONS_MONTHS = 18  # type: ignore[attr-defined]
    rows = {row.model: row for row in register_rows()}
    assert rows["interactions.Interaction"].retention == (
        "Deleted after 18 months (Emails, calls, chats and other interactions)"
    )
    assert rows["interactions.Interaction"].legal_basis == "legitimate_interest"


def signed_in(make_user: Callable[..., User], role: str) -> Client:
    client = Client()
    client.force_login(make_user(role))
    return client


@pytest.mark.django_db
@pytest.mark.parametrize("role", list(Role), ids=str)
def test_register_page_and_exports_only_for_roles_that_may_read_it(
    make_user: Callable[..., User], role: str
) -> None:
    client = signed_in(make_user, role)
    allowed = role_allows(role, Action.PRIVACY_VIEW)
    assert allowed == (role in (Role.ADMINISTRATOR, Role.PRIVACY_OFFICER))
    for path in ("/privacy/", "/privacy/register.csv", "/privacy/register.json"):
        assert client.get(path).status_code == (200 if allowed else 403), path


@pytest.mark.django_db
def test_register_page_lists_the_models_and_the_rules(make_user: Callable[..., User]) -> None:
    page = signed_in(make_user, Role.PRIVACY_OFFICER).get("/privacy/").content.decode()
    assert 'data-model="customers.Customer"' in page
    assert 'data-model="interactions.Interaction"' in page
    for rule in retention_rules():
        assert f'data-rule="{rule.key}"' in page


@pytest.mark.django_db
def test_register_csv_has_one_row_per_declaration(make_user: Callable[..., User]) -> None:
    response = signed_in(make_user, Role.ADMINISTRATOR).get("/privacy/register.csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == len(declared())
    customer = next(
        row for row in rows if row["model"] == "customers.Customer" and "national_id" in row["fields"]
    )
    assert customer["legal_basis"] == "contract"
    assert customer["retention_rule"] == "former_customers"


@pytest.mark.django_db
def test_register_json_and_api_agree(
    make_user: Callable[..., User], api_as: Callable[[str], ApiClient]
) -> None:
    exported = json.loads(signed_in(make_user, Role.ADMINISTRATOR).get("/privacy/register.json").content)
    answered = api_as(Role.PRIVACY_OFFICER).get("privacy/register")
    assert answered.status_code == 200
    body = answered.json()
    assert body["processing"] == exported["processing"]
    assert [rule["rule"] for rule in body["retention_rules"]] == [rule.key for rule in retention_rules()]


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.SALES, Role.MANAGER, Role.READ_ONLY, Role.SERVICE_AGENT], ids=str)
def test_register_api_refuses_other_roles(api_as: Callable[[str], ApiClient], role: str) -> None:
    assert api_as(role).get("privacy/register").status_code == 403
    assert api_as(role).get("privacy/retention-runs").status_code == 403
