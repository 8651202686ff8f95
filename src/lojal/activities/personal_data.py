"""Personal data in follow-ups and call lists (see lojal.core.privacy)."""

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
    # What staff are to do for a customer, and what came of it: lives as long as the customer.
    PersonalData(
        model="activities.Activity",
        fields=("customer", "contact_person", "subject", "notes", "outcome"),
        category=Category.HISTORY,
        subjects=Subjects.CUSTOMERS,
        purpose=Purpose.SERVICE,
        legal_basis=LegalBasis.LEGITIMATE_INTEREST,
        kept=Kept.WITH_CUSTOMER,
    ),
    PersonalData(
        model="activities.CallListEntry",
        fields=("customer", "outcome"),
        category=Category.HISTORY,
        subjects=Subjects.CUSTOMERS,
        purpose=Purpose.SERVICE,
        legal_basis=LegalBasis.LEGITIMATE_INTEREST,
        kept=Kept.WITH_CUSTOMER,
    ),
    NotPersonal(
        model="activities.CallList",
        fields=("name", "script", "source"),
        reason="a campaign's name and script",
    ),
    NotPersonal(
        model="activities.ReminderPreference",
        fields=("email_digest",),
        reason="whether a member of staff wants a daily digest of their follow-ups",
    ),
    NotPersonal(
        model="activities.Notification",
        fields=("data",),
        reason="an activity's id and subject for its owner's bell",
    ),
)
