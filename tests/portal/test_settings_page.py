"""The staff page for My pages (service desk settings): the theme with its contrast check, organisations'
access, and the categories customers may choose."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from lojal.accounts.models import User
from lojal.accounts.roles import Role
from lojal.cases.models import Category
from lojal.core.models import AuditEntry
from lojal.portal.models import OrganisationAccess, PortalTheme
from lojal.portal.selectors import theme_forget, theme_get
from tests import factories
from tests.portal.helpers import EXE, PNG, upload

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _theme_not_cached() -> None:
    theme_forget()


def _theme_form(**changes: object) -> dict[str, object]:
    return {
        "form": "theme",
        "company_name": "Banken",
        "primary_colour": "#1d4ed8",
        "accent_colour": "#0f766e",
        "link_label": ["Integritet", ""],
        "link_url": ["https://banken.example/integritet", ""],
        **changes,
    }


def test_a_manager_sets_the_theme_with_a_logo_and_footer_links(
    staff_client: Client, settings: Any, tmp_path: Path
) -> None:
    settings.MEDIA_ROOT = tmp_path
    response = staff_client.post("/service/portal/", _theme_form(logo=upload("logo.png", PNG)))

    assert response.status_code == 302
    theme = PortalTheme.objects.get()
    assert (theme.company_name, theme.footer_links) == (
        "Banken",
        [{"label": "Integritet", "url": "https://banken.example/integritet"}],
    )
    assert theme.logo.name.endswith(".png")
    assert theme_get().has_logo is True
    assert Client().get("/portal/logo").content == PNG
    assert AuditEntry.objects.filter(action="portal.theme_changed").count() == 1


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"primary_colour": "#ffff00"}, "primary_colour"),
        ({"accent_colour": "blue"}, "accent_colour"),
        ({"link_url": ["javascript:alert(1)", ""]}, "footer_links[0].url"),
        ({"logo": upload("logo.png", EXE)}, "logo"),
    ],
)
def test_a_colour_too_light_a_bad_link_or_a_logo_that_is_no_picture_is_refused(
    staff_client: Client, changes: dict[str, object], field: str
) -> None:
    response = staff_client.post("/service/portal/", _theme_form(**changes))

    assert response.status_code == 422
    assert response.context["error_field"] == field
    assert PortalTheme.objects.count() == 0
    assert AuditEntry.objects.filter(action="portal.theme_changed").count() == 0


def test_an_agent_may_not_change_the_theme(make_user: Callable[..., User]) -> None:
    client = Client()
    client.force_login(make_user(Role.SERVICE_AGENT))

    response = client.post("/service/portal/", _theme_form())

    assert response.status_code == 403
    assert PortalTheme.objects.count() == 0


def test_a_manager_lets_an_organisations_contact_persons_see_all_its_cases(staff_client: Client) -> None:
    organisation = factories.organisation()
    person = factories.person()

    allowed = staff_client.post(
        "/service/portal/",
        {"form": "access", "organisation_id": str(organisation.pk), "contacts_see_all_cases": "on"},
    )
    refused = staff_client.post("/service/portal/", {"form": "access", "organisation_id": str(person.pk)})

    assert allowed.status_code == 302
    assert OrganisationAccess.objects.get().contacts_see_all_cases is True
    assert refused.status_code == 422
    assert OrganisationAccess.objects.count() == 1


def test_the_category_page_sets_whether_customers_may_choose_a_category(staff_client: Client) -> None:
    category = Category.objects.create(name="Fakturor")

    staff_client.post(
        "/service/settings/categories/",
        {
            "category_id": str(category.pk),
            "name": "Fakturor",
            "is_active": ["off", "on"],
            "is_customer_visible": ["off", "on"],
        },
    )
    category.refresh_from_db()
    assert category.is_customer_visible is True
    staff_client.post(
        "/service/settings/categories/",
        {
            "category_id": str(category.pk),
            "name": "Fakturor",
            "is_active": ["off", "on"],
            "is_customer_visible": "off",
        },
    )
    category.refresh_from_db()
    assert (category.is_customer_visible, category.is_active) == (False, True)
