"""Personal data about staff (see lojal.core.privacy)."""

from __future__ import annotations

from lojal.core.privacy import (
    Category,
    Kept,
    LegalBasis,
    NotPersonal,
    PersonalData,
    Purpose,
    Subjects,
    personal_data,
)

personal_data(
    PersonalData(
        model="accounts.User",
        fields=("username", "first_name", "last_name", "email", "last_login"),
        category=Category.STAFF,
        subjects=Subjects.STAFF,
        purpose=Purpose.STAFF,
        legal_basis=LegalBasis.CONTRACT,
        kept=Kept.WITH_STAFF,
    ),
    NotPersonal(model="accounts.Team", fields=("name",), reason="the name of a group of staff"),
    NotPersonal(model="accounts.ApiToken", fields=("name",), reason="a label the staff member gives a token"),
    NotPersonal(
        model="accounts.WebhookSecret", fields=("name",), reason="the name of an integration, not of a person"
    ),
    # django-axes' failed logins (lojal.accounts.lockout): deleted once the cool-off has passed.
    PersonalData(
        model="axes.AccessAttempt",
        fields=("username", "ip_address", "user_agent"),
        category=Category.SECURITY,
        subjects=Subjects.EVERYONE,
        purpose=Purpose.PROTECTION,
        legal_basis=LegalBasis.LEGITIMATE_INTEREST,
        kept=Kept.SHORT,
    ),
)
