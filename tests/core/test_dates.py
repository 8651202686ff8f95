"""One date format per language on every page, and date inputs that read and show the page's
language (not the browser's): Swedish 2026-12-24, Norwegian 24.12.2026."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.utils import translation

from lojal.core.widgets import LocalDateField, LocalDateInput, LocalTimeField, format_placeholder
from lojal.customers.models import Customer
from lojal.interactions.models import Interaction
from tests import factories

pytestmark = pytest.mark.django_db

WHEN = dt.datetime(2026, 12, 7, 10, 5, tzinfo=dt.UTC)  # 11:05 in Stockholm and Oslo
EXPECTED = {
    "en": ("2026-12-07", "2026-12-07 11:05"),
    "sv": ("2026-12-07", "2026-12-07 11:05"),
    "nb": ("07.12.2026", "07.12.2026 11:05"),
}


def _in(language: str, client: Client, path: str) -> str:
    client.cookies["django_language"] = language
    return client.get(path).content.decode()


@pytest.mark.parametrize("language", ["en", "sv", "nb"])
def test_every_page_shows_a_day_and_a_time_in_the_languages_one_format(
    staff_client: Client, language: str
) -> None:
    # given a customer since 7 December 2026 and an email and an audit entry at 11:05 that day
    customer = factories.person(customer_since="2026-12-07", birth_date="1980-12-07")
    email = Interaction.objects.create(
        channel="email", direction="in", customer=customer, occurred_at=WHEN, subject="Offert"
    )
    day, moment = EXPECTED[language]

    # when the customer page, the email page and the inbox are read in the language
    customer_page = _in(language, staff_client, f"/customers/{customer.pk}/")
    email_page = _in(language, staff_client, f"/interactions/{email.pk}/")
    Interaction.objects.filter(pk=email.pk).update(customer=None)
    inbox = _in(language, staff_client, "/interactions/inbox/")

    # then each shows the same form of the same day
    since = re.search(r'data-testid="customer-since">([^<]*)<', customer_page)
    assert since is not None and since.group(1) == day
    assert f"<dd>{day.replace('2026', '1980')}</dd>" in customer_page  # the birth date
    assert re.search(rf"<time datetime=\"[^\"]+\">{re.escape(moment)}</time>", email_page)
    assert re.search(rf"<time datetime=\"[^\"]+\">{re.escape(moment)}</time>", inbox)
    assert "december" not in email_page.lower() and "desember" not in email_page.lower()


@pytest.mark.parametrize(
    ("language", "typed", "placeholder"),
    [
        ("sv", "2026-12-24", "ÅÅÅÅ-MM-DD"),
        ("nb", "24.12.2026", "DD.MM.ÅÅÅÅ"),
        ("en", "2026-12-24", "YYYY-MM-DD"),
    ],
)
def test_a_date_input_shows_and_reads_the_languages_format(
    language: str, typed: str, placeholder: str
) -> None:
    with translation.override(language):
        html = LocalDateInput().render("day", dt.date(2026, 12, 24))
        parsed = LocalDateField().clean(typed)

    assert 'type="text"' in html
    assert f'value="{typed}"' in html
    assert f'placeholder="{placeholder}"' in html
    assert parsed == dt.date(2026, 12, 24)


def test_a_wrong_date_is_refused_naming_the_expected_format() -> None:
    with translation.override("sv"), pytest.raises(Exception) as refused:
        LocalDateField().clean("12/24/2026")  # the browser's US form: no day in Swedish
    assert refused.value.messages == ["Skriv det som ÅÅÅÅ-MM-DD, till exempel 2026-12-24."]  # type: ignore[attr-defined]
    with translation.override("nb"), pytest.raises(Exception) as refused_nb:
        LocalDateField().clean("2026-24-12")
    assert refused_nb.value.messages == ["Skriv det som DD.MM.ÅÅÅÅ, for eksempel 24.12.2026."]  # type: ignore[attr-defined]
    with translation.override("nb"):
        assert LocalTimeField().clean("14.30") == dt.time(14, 30)
        assert format_placeholder("%d.%m.%Y %H:%M") == "DD.MM.ÅÅÅÅ tt:mm"


def test_the_customer_form_takes_a_norwegian_date_and_refuses_a_us_one_in_swedish(
    staff_client: Client,
) -> None:
    base = {
        "kind": "person",
        "national_id_country": "SE",
        "country": "NO",
        "vip_tier": "none",
        "lifecycle_stage": "lead",
        "first_name": "Kari",
    }
    # a US date in the Swedish form: refused, nothing created
    staff_client.cookies["django_language"] = "sv"
    refused = staff_client.post("/customers/new/", {**base, "last_name": "Ek", "birth_date": "12/24/1990"})
    assert refused.status_code in (200, 422)
    assert "Skriv det som ÅÅÅÅ-MM-DD, till exempel 2026-12-24." in refused.content.decode()
    assert not Customer.objects.filter(last_name="Ek").exists()
    form = staff_client.get("/customers/new/").content.decode()
    assert re.search(r'<input type="text" name="birth_date"[^>]*placeholder="ÅÅÅÅ-MM-DD"', form)
    assert 'type="date"' not in form

    # the Norwegian form reads day.month.year
    staff_client.cookies["django_language"] = "nb"
    staff_client.post("/customers/new/", {**base, "last_name": "Nordmann", "birth_date": "24.12.1990"})
    assert Customer.objects.get(last_name="Nordmann").birth_date == dt.date(1990, 12, 24)


def test_the_audit_filter_reads_a_day_in_the_pages_language(staff_client: Client) -> None:
    staff_client.cookies["django_language"] = "nb"
    page = staff_client.get("/audit/?since=01.12.2026").content.decode()
    assert 'name="since" value="01.12.2026"' in page
    assert 'placeholder="DD.MM.ÅÅÅÅ"' in page
