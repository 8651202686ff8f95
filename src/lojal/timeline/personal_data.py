"""Personal data on the timeline (see lojal.core.privacy)."""

from __future__ import annotations

from lojal.core.privacy import Category, LegalBasis, PersonalData, Purpose, Subjects, personal_data

personal_data(
    PersonalData(
        model="timeline.Event",
        fields=("summary", "body", "data"),
        category=Category.HISTORY,
        subjects=Subjects.CUSTOMERS,
        purpose=Purpose.SERVICE,
        legal_basis=LegalBasis.LEGITIMATE_INTEREST,
        # Interaction entries go with their interaction; the rest lives as long as the customer.
        retention="interactions",
    ),
)
