"""Business calendars hold no personal data (see lojal.core.privacy)."""

from __future__ import annotations

from lojal.core.privacy import NotPersonal, personal_data

personal_data(
    NotPersonal(
        model="calendars.BusinessCalendar",
        fields=("name",),
        reason="the name of a company's opening hours",
    ),
    NotPersonal(
        model="calendars.SpecialDay",
        fields=("name",),
        reason="the name of a holiday or company day off",
    ),
)
